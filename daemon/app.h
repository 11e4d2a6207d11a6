// App: wires the stages together and runs the daemon until a stop signal.
#pragma once

#include <filesystem>

#include "config/load_config.h"
#include "config/settings.h"

namespace leadd::daemon {

// Exit codes follow sysexits.h, which systemd and operators read.
inline constexpr int kExitOk = 0;
inline constexpr int kExitUsage = 64;
inline constexpr int kExitUnavailable = 69;
inline constexpr int kExitSoftware = 70;
inline constexpr int kExitConfig = 78;

// Runs the daemon in the calling thread. `settings` were loaded from `config_path`; a SIGHUP
// reloads that file with `environment`. Returns the process exit code.
int RunDaemon(config::DaemonSettings settings, const std::filesystem::path& config_path,
              const config::LoadEnvironment& environment);

}  // namespace leadd::daemon
