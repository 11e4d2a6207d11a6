#include "queue/sla_watch.h"

#include <algorithm>
#include <utility>

namespace leadd::queue {

SlaWatch::SlaWatch(Clock& clock, std::function<void(const std::string& id)> on_breach)
    : clock_(clock), on_breach_(std::move(on_breach)), timer_(clock.MakeTimer()) {}

void SlaWatch::Watch(const std::string& id, WallTime deadline) {
  tracker_.Arm(id, deadline);
  if (waking_) {
    cancelled_.insert(id);
    return;  // OnWake re-arms once the callbacks are done
  }
  Rearm();
}

void SlaWatch::Unwatch(const std::string& id) {
  tracker_.Disarm(id);
  if (waking_) {
    cancelled_.insert(id);
    return;
  }
  Rearm();
}

void SlaWatch::OnWake() {
  waking_ = true;
  // Taken as one batch so a callback that watches an already-late lead cannot keep this loop
  // going; that lead breaches on the next wake instead.
  const std::vector<std::string> expired = tracker_.TakeExpired(clock_.WallNow());
  for (const std::string& id : expired) {
    if (!cancelled_.contains(id)) on_breach_(id);
  }
  cancelled_.clear();
  waking_ = false;
  Rearm();
}

void SlaWatch::Rearm() {
  const auto next = tracker_.NextDeadline();
  if (!next) {
    timer_->Cancel();
    return;
  }
  // Rounded up so the wake never lands before the deadline; clamped so a far deadline still
  // wakes every kMaxSleep to re-read the wall clock.
  const Duration delay = std::clamp(std::chrono::ceil<Duration>(*next - clock_.WallNow()),
                                    Duration::zero(), kMaxSleep);
  timer_->ArmAfter(delay, [this] { OnWake(); });
}

}  // namespace leadd::queue
