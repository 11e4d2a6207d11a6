#include "config/duration.h"

#include <cstdint>

namespace leadd::config {
namespace {

struct Unit {
  std::string_view name;
  std::int64_t milliseconds;
};

// Largest first: a group's unit must come later in this list than the previous group's, which
// rules out both "30m1h" and "1h1h".
constexpr Unit kUnits[] = {
    {"d", 86'400'000}, {"h", 3'600'000}, {"m", 60'000}, {"s", 1'000}, {"ms", 1},
};

bool IsDigit(char c) { return c >= '0' && c <= '9'; }
bool IsUnitLetter(char c) { return c >= 'a' && c <= 'z'; }

}  // namespace

std::optional<std::chrono::milliseconds> ParseDuration(std::string_view text) {
  if (text.empty()) return std::nullopt;
  std::int64_t total = 0;
  std::size_t next_unit = 0;
  std::size_t i = 0;
  while (i < text.size()) {
    const std::size_t digits_start = i;
    std::int64_t count = 0;
    while (i < text.size() && IsDigit(text[i])) {
      if (__builtin_mul_overflow(count, 10, &count) ||
          __builtin_add_overflow(count, text[i] - '0', &count)) {
        return std::nullopt;
      }
      ++i;
    }
    if (i == digits_start) return std::nullopt;
    const std::size_t unit_start = i;
    while (i < text.size() && IsUnitLetter(text[i])) ++i;
    const std::string_view unit_name = text.substr(unit_start, i - unit_start);

    std::size_t u = next_unit;
    while (u < std::size(kUnits) && kUnits[u].name != unit_name) ++u;
    if (u == std::size(kUnits)) return std::nullopt;
    next_unit = u + 1;

    std::int64_t part = 0;
    if (__builtin_mul_overflow(count, kUnits[u].milliseconds, &part) ||
        __builtin_add_overflow(total, part, &total)) {
      return std::nullopt;
    }
  }
  return std::chrono::milliseconds(total);
}

}  // namespace leadd::config
