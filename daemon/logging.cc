#include "daemon/logging.h"

#include <spdlog/pattern_formatter.h>
#include <spdlog/sinks/stdout_sinks.h>
#include <spdlog/spdlog.h>

namespace leadd::daemon {
namespace {

spdlog::level::level_enum ToSpdlog(config::LogLevel level) {
  switch (level) {
    case config::LogLevel::kTrace:
      return spdlog::level::trace;
    case config::LogLevel::kDebug:
      return spdlog::level::debug;
    case config::LogLevel::kInfo:
      return spdlog::level::info;
    case config::LogLevel::kWarn:
      return spdlog::level::warn;
    case config::LogLevel::kError:
      return spdlog::level::err;
    case config::LogLevel::kCritical:
      return spdlog::level::critical;
    case config::LogLevel::kOff:
      return spdlog::level::off;
  }
  return spdlog::level::info;
}

// "<N>" syslog priority for journald's stream parser (sd-daemon.h SD_ERR and friends).
class SyslogPriorityFlag final : public spdlog::custom_flag_formatter {
 public:
  void format(const spdlog::details::log_msg& msg, const std::tm& /*tm*/,
              spdlog::memory_buf_t& dest) override {
    static constexpr const char* kPriority[] = {"<7>", "<7>", "<6>", "<4>", "<3>", "<2>", "<6>"};
    const std::string_view text = kPriority[static_cast<int>(msg.level)];
    dest.append(text.data(), text.data() + text.size());
  }
  std::unique_ptr<custom_flag_formatter> clone() const override {
    return std::make_unique<SyslogPriorityFlag>();
  }
};

}  // namespace

void SetUpLogging(const config::LogSettings& settings, bool to_journald) {
  static auto sink = std::make_shared<spdlog::sinks::stderr_sink_mt>();
  auto formatter = std::make_unique<spdlog::pattern_formatter>();
  if (to_journald) {
    formatter->add_flag<SyslogPriorityFlag>('*').set_pattern("%*%l [%n] %v");
  } else {
    formatter->set_pattern("%Y-%m-%dT%H:%M:%S.%e %l [%n] %v");
  }
  sink->set_formatter(std::move(formatter));
  for (const auto module : kModules) {
    if (spdlog::get(std::string(module))) continue;
    spdlog::register_logger(std::make_shared<spdlog::logger>(std::string(module), sink));
  }
  spdlog::set_default_logger(spdlog::get("daemon"));
  ApplyLogLevels(settings);
}

void ApplyLogLevels(const config::LogSettings& settings) {
  for (const auto module : kModules) {
    const auto it = settings.modules.find(std::string(module));
    const auto level = it == settings.modules.end() ? settings.level : it->second;
    ModuleLogger(module)->set_level(ToSpdlog(level));
  }
}

std::shared_ptr<spdlog::logger> ModuleLogger(std::string_view module) {
  auto logger = spdlog::get(std::string(module));
  return logger ? logger : spdlog::default_logger();
}

}  // namespace leadd::daemon
