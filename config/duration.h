// ParseDuration: the duration syntax of leadd.yaml ("500ms", "30s", "2h", "1h30m").
#pragma once

#include <chrono>
#include <optional>
#include <string_view>

namespace leadd::config {

// One or more <digits><unit> groups, units ms, s, m, h, d from largest to smallest, each at most
// once, with no spaces or signs. Empty text, bare numbers, fractions, unknown units and totals
// beyond what milliseconds hold give nullopt. "0s" parses; whether zero is allowed is the
// caller's rule.
std::optional<std::chrono::milliseconds> ParseDuration(std::string_view text);

}  // namespace leadd::config
