#include "daemon/systemd_notifier.h"

#include <spdlog/spdlog.h>
#include <systemd/sd-daemon.h>

#include <algorithm>
#include <string>

#include "daemon/logging.h"

namespace leadd::daemon {

SystemdNotifier::SystemdNotifier(Clock& clock) : clock_(clock) {}

void SystemdNotifier::Send(const std::string& message) {
  const int sent = sd_notify(0, message.c_str());
  if (sent < 0) {
    ModuleLogger("daemon")->warn("systemd.notify_failed error={}", sent);
  }
}

void SystemdNotifier::Ready(std::string_view status) {
  Send("READY=1\nSTATUS=" + std::string(status));
}

void SystemdNotifier::Reloading() { Send("RELOADING=1"); }

void SystemdNotifier::Stopping() { Send("STOPPING=1"); }

void SystemdNotifier::Status(std::string_view status) { Send("STATUS=" + std::string(status)); }

std::optional<std::chrono::microseconds> SystemdNotifier::WatchdogInterval() const {
  std::uint64_t usec = 0;
  if (sd_watchdog_enabled(0, &usec) <= 0 || usec == 0) return std::nullopt;
  return std::chrono::microseconds(usec);
}

void SystemdNotifier::StartWatchdog() {
  const auto interval = WatchdogInterval();
  if (!interval) return;
  ping_every_ = std::max(Duration{1}, std::chrono::duration_cast<Duration>(*interval / 2));
  watchdog_timer_ = clock_.MakeTimer();
  Ping();
}

void SystemdNotifier::Ping() {
  Send("WATCHDOG=1");
  watchdog_timer_->ArmAfter(ping_every_, [this] { Ping(); });
}

}  // namespace leadd::daemon
