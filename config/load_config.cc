#include "config/load_config.h"

#include <yaml-cpp/exceptions.h>

#include <system_error>

#include "config/draft.h"
#include "config/meaning_pass.h"
#include "config/problem_log.h"
#include "config/raw_text.h"
#include "config/schema.h"
#include "config/small_file.h"
#include "config/yaml_document.h"

namespace leadd::config {

LoadOutcome LoadConfigText(std::string_view text, const std::string& display_name,
                           const std::filesystem::path& base_dir, const LoadEnvironment& env) {
  ProblemLog log(display_name);
  LoadOutcome outcome;
  text = WithoutByteOrderMark(text);
  if (CheckRawText(text, log)) {
    if (const auto root = ParseDocument(text, log)) {
      Draft draft;
      draft.settings.source_path = base_dir / display_name;
      try {
        ReadDocument(*root, base_dir, draft, log);
        RunMeaningPass(draft, env, log);
      } catch (const YAML::Exception& error) {
        // The readers only ask yaml-cpp for what a node's type allows, so this is a bug here,
        // not in the file; it is still better reported than thrown at the daemon's startup.
        log.Add({}, "", "internal error while reading the file: " + error.msg);
      }
      if (log.Count() == 0) outcome.settings = std::move(draft.settings);
    }
  }
  outcome.problems = log.TakeSorted();
  return outcome;
}

LoadOutcome LoadConfigFile(const std::filesystem::path& path, const LoadEnvironment& env) {
  auto text = ReadSmallFile(path, kMaxConfigBytes);
  if (!text) {
    ProblemLog log(path.string());
    log.AddForWholeFile(text.error().detail);
    return {std::nullopt, log.TakeSorted()};
  }
  std::error_code error;
  std::filesystem::path absolute = std::filesystem::absolute(path, error);
  if (error) absolute = path;
  LoadOutcome outcome = LoadConfigText(text.value(), path.string(), absolute.parent_path(), env);
  if (outcome.settings) outcome.settings->source_path = path;
  return outcome;
}

}  // namespace leadd::config
