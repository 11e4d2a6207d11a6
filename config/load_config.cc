#include "config/load_config.h"

#include <yaml-cpp/exceptions.h>

#include <iterator>
#include <memory>
#include <system_error>

#include "config/draft.h"
#include "config/meaning_pass.h"
#include "config/problem_log.h"
#include "config/raw_text.h"
#include "config/schema.h"
#include "config/small_file.h"
#include "config/yaml_document.h"

namespace leadd::config {

namespace {

// Whether a file is the daemon's own config or the shadow config loaded beside it.
enum class FileRole { kMain, kShadow };

LoadOutcome LoadFile(const std::filesystem::path& path, const LoadEnvironment& env, FileRole role);

// The shadow file's problems carry its own name and positions, after the main file's; a shadow
// file that cannot be read at all is a problem of the main file's `shadow.config`.
void LoadShadow(Draft& draft, const LoadEnvironment& env, ProblemLog& log,
                std::vector<ConfigProblem>& shadow_problems) {
  ShadowSettings& shadow = *draft.settings.shadow;
  LoadOutcome loaded = LoadFile(shadow.config, env, FileRole::kShadow);
  if (loaded.settings) {
    shadow.settings = std::make_shared<const DaemonSettings>(std::move(*loaded.settings));
    return;
  }
  for (ConfigProblem& problem : loaded.problems) {
    if (problem.line == 0) {
      log.Add(draft.positions["shadow.config"], "shadow.config", problem.message);
    } else {
      shadow_problems.push_back(std::move(problem));
    }
  }
}

LoadOutcome LoadText(std::string_view text, const std::string& display_name,
                     const std::filesystem::path& base_dir, const LoadEnvironment& env,
                     FileRole role) {
  ProblemLog log(display_name);
  LoadOutcome outcome;
  std::vector<ConfigProblem> shadow_problems;
  text = WithoutByteOrderMark(text);
  if (CheckRawText(text, log)) {
    if (const auto root = ParseDocument(text, log)) {
      Draft draft;
      draft.settings.source_path = base_dir / display_name;
      draft.is_shadow_file = role == FileRole::kShadow;
      try {
        ReadDocument(*root, base_dir, draft, log);
        RunMeaningPass(draft, env, log);
      } catch (const YAML::Exception& error) {
        // The readers only ask yaml-cpp for what a node's type allows, so this is a bug here,
        // not in the file; it is still better reported than thrown at the daemon's startup.
        log.Add({}, "", "internal error while reading the file: " + error.msg);
      }
      if (draft.settings.shadow) LoadShadow(draft, env, log, shadow_problems);
      if (log.Count() == 0 && shadow_problems.empty()) outcome.settings = std::move(draft.settings);
    }
  }
  outcome.problems = log.TakeSorted();
  outcome.problems.insert(outcome.problems.end(), std::make_move_iterator(shadow_problems.begin()),
                          std::make_move_iterator(shadow_problems.end()));
  return outcome;
}

LoadOutcome LoadFile(const std::filesystem::path& path, const LoadEnvironment& env, FileRole role) {
  auto text = ReadSmallFile(path, kMaxConfigBytes);
  if (!text) {
    ProblemLog log(path.string());
    log.AddForWholeFile(text.error().detail);
    return {std::nullopt, log.TakeSorted()};
  }
  std::error_code error;
  std::filesystem::path absolute = std::filesystem::absolute(path, error);
  if (error) absolute = path;
  LoadOutcome outcome = LoadText(text.value(), path.string(), absolute.parent_path(), env, role);
  if (outcome.settings) outcome.settings->source_path = path;
  return outcome;
}

}  // namespace

LoadOutcome LoadConfigText(std::string_view text, const std::string& display_name,
                           const std::filesystem::path& base_dir, const LoadEnvironment& env) {
  return LoadText(text, display_name, base_dir, env, FileRole::kMain);
}

LoadOutcome LoadConfigFile(const std::filesystem::path& path, const LoadEnvironment& env) {
  return LoadFile(path, env, FileRole::kMain);
}

}  // namespace leadd::config
