// ManualClock: time stands still until Advance(); timers fire in deadline order on the caller.
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <utility>

#include "core/clock.h"

namespace leadd::fakes {

class ManualClock final : public Clock {
 public:
  explicit ManualClock(WallTime start) : wall_(start) {}

  WallTime WallNow() const override { return wall_; }
  SteadyTime SteadyNow() const override { return steady_; }
  std::unique_ptr<Timer> MakeTimer() override { return std::make_unique<ManualTimer>(*this); }

  // Moves both clocks forward by `d`, running every timer that falls due on the way, each at
  // its own deadline (a callback sees WallNow() equal to the instant it was due).
  void Advance(Duration d) {
    const SteadyTime end = steady_ + d;
    while (!pending_.empty() && pending_.begin()->first.first <= end) {
      auto it = pending_.begin();
      const auto due = it->first.first;
      auto fire = std::move(it->second);
      pending_.erase(it);
      wall_ += due - steady_;
      steady_ = due;
      fire();
    }
    wall_ += end - steady_;
    steady_ = end;
  }

  // An NTP step: wall time jumps, steady time does not.
  void StepWallClock(Duration d) { wall_ += d; }

  std::size_t PendingTimers() const { return pending_.size(); }

 private:
  using Key = std::pair<SteadyTime, std::uint64_t>;  // deadline, then arming order

  class ManualTimer final : public Timer {
   public:
    explicit ManualTimer(ManualClock& clock) : clock_(clock) {}
    ManualTimer(const ManualTimer&) = delete;
    ManualTimer& operator=(const ManualTimer&) = delete;
    ~ManualTimer() override { Cancel(); }
    void ArmAfter(Duration delay, std::function<void()> on_fire) override {
      Cancel();
      key_ = Key{clock_.steady_ + delay, clock_.next_sequence_++};
      clock_.pending_.emplace(*key_, [this, fire = std::move(on_fire)] {
        key_.reset();
        fire();
      });
    }
    void Cancel() override {
      if (key_) clock_.pending_.erase(*key_);
      key_.reset();
    }

   private:
    ManualClock& clock_;
    std::optional<Key> key_;
  };

  WallTime wall_;
  SteadyTime steady_{};
  std::uint64_t next_sequence_ = 0;
  std::map<Key, std::function<void()>> pending_;
};

}  // namespace leadd::fakes
