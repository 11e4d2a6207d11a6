// ASCII case folding: for names admins type and identifiers sources send ("Alibaba",
// "DE"), where only ASCII letters have a case worth ignoring. Other bytes compare exactly. And
// outside text quoted safely for a message.
#pragma once

#include <algorithm>
#include <cstddef>
#include <string>
#include <string_view>

namespace leadd {

inline char AsciiLower(char c) {
  return c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c;
}

inline std::string AsciiLowered(std::string_view text) {
  std::string lowered(text);
  std::transform(lowered.begin(), lowered.end(), lowered.begin(), AsciiLower);
  return lowered;
}

inline bool EqualsIgnoringAsciiCase(std::string_view a, std::string_view b) {
  return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) {
           return AsciiLower(x) == AsciiLower(y);
         });
}

// Text from outside, quoted for a message: printable ASCII only (anything else becomes '?'),
// at most `limit` bytes and then "...", so that an error never echoes control bytes, broken
// UTF-8 or a megabyte back.
inline std::string QuotedForMessage(std::string_view text, std::size_t limit, char quote) {
  std::string out(1, quote);
  for (const char c : text.substr(0, limit)) out += (c >= 0x20 && c < 0x7f) ? c : '?';
  if (text.size() > limit) out += "...";
  return out + quote;
}

}  // namespace leadd
