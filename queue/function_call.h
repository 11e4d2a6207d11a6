// FunctionCall: the FCALL of one of leadd's Redis Functions, with the clock it judges time by.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "core/clock.h"

namespace leadd::queue {

// The time the Functions read. Redis TIME in production: the one clock every daemon sharing
// the Redis agrees on, whatever their own clocks say. A simulated Clock's wall time in tests,
// which step through days of timers in milliseconds. The Clock must outlive this.
class FunctionClock {
 public:
  static FunctionClock RedisTime() { return FunctionClock(nullptr); }
  static FunctionClock Simulated(const Clock& clock) { return FunctionClock(&clock); }

  // Every Function's first argument: empty for Redis TIME, else epoch milliseconds.
  std::string Argument() const {
    return simulated_ == nullptr ? std::string()
                                 : std::to_string(ToEpochMillis(simulated_->WallNow()));
  }

 private:
  explicit FunctionClock(const Clock* simulated) : simulated_(simulated) {}

  const Clock* simulated_;
};

// FCALL function numkeys keys... clock args...
inline std::vector<std::string> FunctionCall(std::string_view function,
                                             std::vector<std::string> keys,
                                             const FunctionClock& clock,
                                             std::vector<std::string> args) {
  std::vector<std::string> command{"FCALL", std::string(function), std::to_string(keys.size())};
  command.reserve(4 + keys.size() + args.size());
  for (auto& key : keys) command.push_back(std::move(key));
  command.push_back(clock.Argument());
  for (auto& arg : args) command.push_back(std::move(arg));
  return command;
}

}  // namespace leadd::queue
