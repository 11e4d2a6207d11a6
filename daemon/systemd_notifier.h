// SystemdNotifier: READY/RELOADING/STOPPING/WATCHDOG/STATUS to systemd when it is listening.
#pragma once

#include <chrono>
#include <memory>
#include <optional>
#include <string_view>

#include "core/clock.h"

namespace leadd::daemon {

// Without NOTIFY_SOCKET every call is a no-op, so the daemon runs the same by hand.
class SystemdNotifier {
 public:
  explicit SystemdNotifier(Clock& clock);

  void Ready(std::string_view status);
  void Reloading();
  void Stopping();
  void Status(std::string_view status);

  // When systemd asked for a watchdog (WATCHDOG_USEC), pings at half the interval. The ping
  // runs on the event loop, so a stuck loop stops it and systemd restarts the daemon.
  void StartWatchdog();
  std::optional<std::chrono::microseconds> WatchdogInterval() const;

 private:
  void Send(const std::string& message);
  void Ping();

  Clock& clock_;
  std::unique_ptr<Timer> watchdog_timer_;
  Duration ping_every_{};
};

}  // namespace leadd::daemon
