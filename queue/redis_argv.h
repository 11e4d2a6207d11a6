// RedisArgv: a command's arguments as the argv and length arrays hiredis's *Argv calls take.
#pragma once

#include <cstddef>
#include <string>
#include <vector>

namespace leadd::queue {

// Views `args`, which must outlive it; lengths make the arguments binary-safe.
class RedisArgv {
 public:
  explicit RedisArgv(const std::vector<std::string>& args) {
    values_.reserve(args.size());
    lengths_.reserve(args.size());
    for (const auto& arg : args) {
      values_.push_back(arg.data());
      lengths_.push_back(arg.size());
    }
  }

  int Count() const { return static_cast<int>(values_.size()); }
  const char** Values() { return values_.data(); }
  const std::size_t* Lengths() const { return lengths_.data(); }

 private:
  std::vector<const char*> values_;
  std::vector<std::size_t> lengths_;
};

}  // namespace leadd::queue
