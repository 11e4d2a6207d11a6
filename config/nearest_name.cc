#include "config/nearest_name.h"

#include <algorithm>
#include <numeric>
#include <vector>

namespace leadd::config {
namespace {

// Words this long are not typos of a key; skipping them keeps the quadratic distance cheap when
// the file holds a huge stray key.
constexpr std::size_t kMaxComparedLength = 64;

}  // namespace

std::size_t EditDistance(std::string_view a, std::string_view b) {
  std::vector<std::size_t> row(b.size() + 1);
  std::iota(row.begin(), row.end(), std::size_t{0});
  for (std::size_t i = 1; i <= a.size(); ++i) {
    std::size_t diagonal = row[0];
    row[0] = i;
    for (std::size_t j = 1; j <= b.size(); ++j) {
      const std::size_t above = row[j];
      row[j] = std::min({above + 1, row[j - 1] + 1, diagonal + (a[i - 1] == b[j - 1] ? 0 : 1)});
      diagonal = above;
    }
  }
  return row[b.size()];
}

std::optional<std::string> NearestName(std::string_view word,
                                       std::span<const std::string_view> candidates,
                                       std::size_t max_distance) {
  if (word.empty() || word.size() > kMaxComparedLength) return std::nullopt;
  std::optional<std::string> best;
  std::size_t best_distance = max_distance + 1;
  for (const std::string_view candidate : candidates) {
    if (candidate.size() > kMaxComparedLength) continue;
    const std::size_t distance = EditDistance(word, candidate);
    if (distance < best_distance && distance < word.size()) {
      best = std::string(candidate);
      best_distance = distance;
    }
  }
  return best;
}

}  // namespace leadd::config
