#include "dedupe/similarity.h"

#include <algorithm>
#include <array>
#include <bitset>
#include <cstddef>
#include <cstdint>

#include "core/utf8.h"

namespace leadd::dedupe {
namespace {

// Names longer than this are compared on their first kMaxPoints code points: company names
// are far shorter, and a fixed buffer keeps a comparison free of allocations.
constexpr std::size_t kMaxPoints = 128;

// Only the first `size` points are ever written or read: left uninitialised, the array costs
// nothing to set up, which matters at a hundred comparisons per lead.
struct CodePoints {
  std::array<char32_t, kMaxPoints> points;  // NOLINT(cppcoreguidelines-pro-type-member-init)
  std::size_t size = 0;
};

// UTF-8 to code points; a byte that does not start a well-formed sequence is one point.
CodePoints Decode(std::string_view text) {
  CodePoints out;
  std::size_t length = 0;
  for (std::size_t i = 0; i < text.size() && out.size < kMaxPoints; i += length) {
    out.points[out.size++] = CodePointAt(text, i, length);
  }
  return out;
}

double Jaro(const CodePoints& a, const CodePoints& b) {
  if (a.size == 0 && b.size == 0) return 1.0;
  if (a.size == 0 || b.size == 0) return 0.0;
  const std::size_t window =
      std::max(a.size, b.size) / 2 == 0 ? 0 : std::max(a.size, b.size) / 2 - 1;
  std::bitset<kMaxPoints> a_matched;
  std::bitset<kMaxPoints> b_matched;
  std::size_t matches = 0;
  for (std::size_t i = 0; i < a.size; ++i) {
    const std::size_t from = i > window ? i - window : 0;
    const std::size_t to = std::min(i + window + 1, b.size);
    for (std::size_t j = from; j < to; ++j) {
      if (b_matched[j] || a.points[i] != b.points[j]) continue;
      a_matched[i] = true;
      b_matched[j] = true;
      ++matches;
      break;
    }
  }
  if (matches == 0) return 0.0;
  std::size_t half_transpositions = 0;
  std::size_t j = 0;
  for (std::size_t i = 0; i < a.size; ++i) {
    if (!a_matched[i]) continue;
    while (!b_matched[j]) ++j;
    if (a.points[i] != b.points[j]) ++half_transpositions;
    ++j;
  }
  const double m = static_cast<double>(matches);
  const double t = static_cast<double>(half_transpositions) / 2.0;
  return (m / static_cast<double>(a.size) + m / static_cast<double>(b.size) + (m - t) / m) / 3.0;
}

// Whether two tokens' lengths allow a Jaro-Winkler of `alike`: at most the shorter one's
// characters can match, which bounds Jaro, and the prefix bonus adds at most 0.4 of the rest.
// Bytes stand in for characters: both sides are measured the same way, and the bound is loose.
bool CanBeAlike(std::string_view a, std::string_view b, double alike) {
  const auto shorter = static_cast<double>(std::min(a.size(), b.size()));
  const auto longer = static_cast<double>(std::max(a.size(), b.size()));
  if (shorter == 0.0) return false;
  const double jaro_at_most = (1.0 + shorter / longer + 1.0) / 3.0;
  return jaro_at_most + 0.4 * (1.0 - jaro_at_most) >= alike;
}

}  // namespace

double JaroWinkler(std::string_view a, std::string_view b) {
  const CodePoints left = Decode(a);
  const CodePoints right = Decode(b);
  const double jaro = Jaro(left, right);
  std::size_t prefix = 0;
  while (prefix < 4 && prefix < left.size && prefix < right.size &&
         left.points[prefix] == right.points[prefix]) {
    ++prefix;
  }
  return jaro + static_cast<double>(prefix) * 0.1 * (1.0 - jaro);
}

double TokenDice(const std::vector<std::string_view>& a, const std::vector<std::string_view>& b) {
  if (a.empty() && b.empty()) return 1.0;
  if (a.empty() || b.empty()) return 0.0;
  std::vector<std::string_view> left(a);
  std::vector<std::string_view> right(b);
  std::sort(left.begin(), left.end());
  left.erase(std::unique(left.begin(), left.end()), left.end());
  std::sort(right.begin(), right.end());
  right.erase(std::unique(right.begin(), right.end()), right.end());
  std::size_t shared = 0;
  auto l = left.begin();
  auto r = right.begin();
  while (l != left.end() && r != right.end()) {
    if (*l == *r) {
      ++shared;
      ++l;
      ++r;
    } else if (*l < *r) {
      ++l;
    } else {
      ++r;
    }
  }
  return 2.0 * static_cast<double>(shared) / static_cast<double>(left.size() + right.size());
}

void SortedTokens(std::vector<std::string_view>& tokens) {
  std::sort(tokens.begin(), tokens.end());
  tokens.erase(std::unique(tokens.begin(), tokens.end()), tokens.end());
}

double SoftTokenDice(const std::vector<std::string_view>& a, const std::vector<std::string_view>& b,
                     double alike) {
  std::vector<std::string_view> left(a);
  std::vector<std::string_view> right(b);
  SortedTokens(left);
  SortedTokens(right);
  return SoftTokenDiceOfSorted(left, right, alike);
}

double SoftTokenDiceOfSorted(const std::vector<std::string_view>& left,
                             const std::vector<std::string_view>& right, double alike) {
  if (left.empty() && right.empty()) return 1.0;
  if (left.empty() || right.empty()) return 0.0;
  // Exact pairs first, so that a near pair never takes a token an exact one needed. Names have
  // a few words: the pairing flags fit in a word of bits each.
  constexpr std::size_t kMaxTokens = 64;
  if (left.size() > kMaxTokens || right.size() > kMaxTokens) {
    return TokenDice(left, right);
  }
  std::bitset<kMaxTokens> paired;
  std::bitset<kMaxTokens> done;
  double shared = 0.0;
  for (std::size_t i = 0; i < left.size(); ++i) {
    const auto same = std::lower_bound(right.begin(), right.end(), left[i]);
    if (same != right.end() && *same == left[i]) {
      paired[static_cast<std::size_t>(same - right.begin())] = true;
      done[i] = true;
      shared += 1.0;
    }
  }
  for (std::size_t i = 0; i < left.size(); ++i) {
    if (done[i]) continue;
    double best = 0.0;
    std::size_t best_at = right.size();
    for (std::size_t j = 0; j < right.size(); ++j) {
      if (paired[j] || !CanBeAlike(left[i], right[j], alike)) continue;
      const double similarity = JaroWinkler(left[i], right[j]);
      if (similarity >= alike && similarity > best) {
        best = similarity;
        best_at = j;
      }
    }
    if (best_at < right.size()) {
      paired[best_at] = true;
      shared += best;
    }
  }
  return 2.0 * shared / static_cast<double>(left.size() + right.size());
}

double PairedWordSimilarity(const std::vector<std::string_view>& a,
                            const std::vector<std::string_view>& b) {
  if (a.empty() || b.empty()) return a.empty() && b.empty() ? 1.0 : 0.0;
  // A person's name has a few words; the ones past kMaxWords are left out.
  constexpr std::size_t kMaxWords = 8;
  const std::size_t rows = std::min(a.size(), kMaxWords);
  const std::size_t columns = std::min(b.size(), kMaxWords);
  std::array<double, kMaxWords * kMaxWords> similarity{};
  for (std::size_t i = 0; i < rows; ++i) {
    for (std::size_t j = 0; j < columns; ++j)
      similarity[i * kMaxWords + j] = JaroWinkler(a[i], b[j]);
  }
  // The most alike pair first, then the most alike of the words left, and so on.
  std::bitset<kMaxWords> row_paired;
  std::bitset<kMaxWords> column_paired;
  const std::size_t pairs = std::min(rows, columns);
  double total = 0.0;
  for (std::size_t p = 0; p < pairs; ++p) {
    double best = -1.0;
    std::size_t best_row = 0;
    std::size_t best_column = 0;
    for (std::size_t i = 0; i < rows; ++i) {
      for (std::size_t j = 0; j < columns; ++j) {
        if (row_paired[i] || column_paired[j] || similarity[i * kMaxWords + j] <= best) continue;
        best = similarity[i * kMaxWords + j];
        best_row = i;
        best_column = j;
      }
    }
    row_paired[best_row] = true;
    column_paired[best_column] = true;
    total += best;
  }
  return total / static_cast<double>(pairs);
}

}  // namespace leadd::dedupe
