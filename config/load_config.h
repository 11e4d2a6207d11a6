// LoadConfigFile: reads and validates leadd.yaml into DaemonSettings, reporting every problem.
#pragma once

#include <filesystem>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "config/config_problem.h"
#include "config/settings.h"

namespace leadd::config {

// What the loader needs from the process, passed in so that config/ never reads the
// environment itself and tests can supply anything.
struct LoadEnvironment {
  // $CREDENTIALS_DIRECTORY, set by systemd for a unit with LoadCredential=; *_credential keys
  // read from it, and are an error without it.
  std::optional<std::filesystem::path> credentials_directory;
};

struct LoadOutcome {
  std::optional<DaemonSettings> settings;  // present exactly when `problems` is empty
  std::vector<ConfigProblem> problems;     // every problem found, sorted by line and column
};

// Two passes over the file: shape (types, unknown, duplicate and missing keys) and meaning
// (unique rep ids and rule names, rules naming existing reps and teams, positive durations,
// ports, the Redis URL, readable secrets). A problem does not stop the loader, so an admin sees
// them all in one run. Relative paths in the file are taken relative to the file's own folder.
// A `shadow:` config is loaded and checked the same way, its problems after this file's, under
// its own name. Reads files (the config, its secrets, its shadow config and the shadow's
// secrets) and nothing else; safe to call again on SIGHUP.
LoadOutcome LoadConfigFile(const std::filesystem::path& path, const LoadEnvironment& env);

// The same for text already in memory. `display_name` is the file name problems carry;
// `base_dir` resolves relative paths (state_dir, *_file).
LoadOutcome LoadConfigText(std::string_view text, const std::string& display_name,
                           const std::filesystem::path& base_dir, const LoadEnvironment& env);

}  // namespace leadd::config
