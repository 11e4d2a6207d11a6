// SlaWatch: calls back when a watched lead's SLA deadline passes, on one capped Clock timer.
#pragma once

#include <cstddef>
#include <functional>
#include <memory>
#include <string>
#include <unordered_set>
#include <vector>

#include "core/clock.h"
#include "queue/sla_tracker.h"

namespace leadd::queue {

// Deadlines are wall time (they persist and are shown to people); waiting is steady time. Each
// wait is capped at kMaxSleep and every wake re-checks against Clock::WallNow(), so a wall-clock
// step forward is noticed within kMaxSleep and a step back never breaches early.
//
// Contract:
// - Lives on one executor: Watch/Unwatch and the callback all run there (the Clock's timer
//   executor, or the thread driving a ManualClock). Not thread-safe.
// - on_breach(id) runs once per breach, earliest deadline first; the id is no longer watched when
//   it runs. It may call Watch/Unwatch: unwatching (or re-watching) a lead whose breach is due in
//   the same wake cancels that breach. It must not throw and must not destroy the SlaWatch.
// - The clock must outlive the SlaWatch; destroying the SlaWatch cancels its timer.
class SlaWatch {
 public:
  static constexpr Duration kMaxSleep = std::chrono::seconds(30);

  SlaWatch(Clock& clock, std::function<void(const std::string& id)> on_breach);
  SlaWatch(const SlaWatch&) = delete;
  SlaWatch& operator=(const SlaWatch&) = delete;
  SlaWatch(SlaWatch&&) = delete;
  SlaWatch& operator=(SlaWatch&&) = delete;
  ~SlaWatch() = default;

  // Watching a lead again replaces its deadline. A deadline already past breaches on the next
  // wake, which is armed with no delay.
  void Watch(const std::string& id, WallTime deadline);
  void Unwatch(const std::string& id);

  std::size_t Size() const { return tracker_.Size(); }

 private:
  void OnWake();
  void Rearm();

  Clock& clock_;
  std::function<void(const std::string&)> on_breach_;
  SlaTracker tracker_;
  std::unique_ptr<Timer> timer_;
  bool waking_ = false;
  // Ids taken as expired in the current wake whose breach a callback has since cancelled.
  std::unordered_set<std::string> cancelled_;
};

}  // namespace leadd::queue
