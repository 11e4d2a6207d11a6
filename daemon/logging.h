// Logging: one spdlog logger per module over one shared stderr sink, levels from config.
#pragma once

#include <memory>
#include <string_view>

#include "config/settings.h"

namespace spdlog {
class logger;
}

namespace leadd::daemon {

inline constexpr std::string_view kModules[] = {"daemon", "config", "connectors", "dedupe",
                                                "router", "queue",  "notify",     "api"};

// Under systemd (JOURNAL_STREAM set) lines carry a "<N>" priority prefix and no timestamp,
// which journald reads; elsewhere a timestamped line. Safe to call again: loggers are reused.
void SetUpLogging(const config::LogSettings& settings, bool to_journald);
void ApplyLogLevels(const config::LogSettings& settings);

std::shared_ptr<spdlog::logger> ModuleLogger(std::string_view module);

}  // namespace leadd::daemon
