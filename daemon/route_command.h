// `leadd route --dry-run`: routes a file of leads by a config's rules and prints where each
// lands, with the live state simulated in memory (router/dry_run.h): nothing touches Redis.
// `leadd route --replay`: the same for the leads of the last days, read from the audit stream
// of the config's Redis (read only), set against where the daemon sent them (router/replay.h).
#pragma once

#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "config/settings.h"

namespace leadd::daemon {

// Loads a config, reporting its problems on stderr; nullopt when it does not load.
using ConfigLoader = std::function<std::optional<config::DaemonSettings>(const std::string&)>;

// `args` are what follows `route`; `usage` is printed after a usage error. Returns the exit
// code: 0 when the run completed (refused rows included), 1 when the config, the leads or
// Redis cannot be read, 2 on a usage error.
int RunRouteCommand(const std::vector<std::string>& args, std::string_view usage,
                    const ConfigLoader& load_config);

}  // namespace leadd::daemon
