// NearestName: the "did you mean 'listen'?" hint for a misspelt key, module, rep or team.
#pragma once

#include <cstddef>
#include <optional>
#include <span>
#include <string>
#include <string_view>

namespace leadd::config {

// Levenshtein distance: insertions, deletions and substitutions of single bytes.
std::size_t EditDistance(std::string_view a, std::string_view b);

// The candidate closest to `word` when it is at most `max_distance` edits away, and closer
// than the word is long (so "x" does not suggest "id"); ties go to the earlier candidate.
std::optional<std::string> NearestName(std::string_view word,
                                       std::span<const std::string_view> candidates,
                                       std::size_t max_distance = 2);

}  // namespace leadd::config
