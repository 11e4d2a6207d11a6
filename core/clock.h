// The only way code in this repository reads the time or waits for it.
#pragma once

#include <chrono>
#include <functional>
#include <memory>

namespace leadd {

using WallTime = std::chrono::system_clock::time_point;    // stored in Redis, shown to people
using SteadyTime = std::chrono::steady_clock::time_point;  // measures intervals, never jumps
using Duration = std::chrono::milliseconds;

// A one-shot timer. Re-arming replaces the pending callback; Cancel() and destruction drop it
// without running it. Callbacks run on the clock's executor (or the thread driving a test clock).
class Timer {
 public:
  virtual ~Timer() = default;
  virtual void ArmAfter(Duration delay, std::function<void()> on_fire) = 0;
  virtual void Cancel() = 0;
};

// Production: core/asio_clock.h (steady_timer on the io_context). Tests:
// tests/fakes/manual_clock.h.
class Clock {
 public:
  virtual ~Clock() = default;
  virtual WallTime WallNow() const = 0;
  virtual SteadyTime SteadyNow() const = 0;
  virtual std::unique_ptr<Timer> MakeTimer() = 0;
};

inline std::int64_t ToEpochMillis(WallTime t) {
  return std::chrono::duration_cast<std::chrono::milliseconds>(t.time_since_epoch()).count();
}

}  // namespace leadd
