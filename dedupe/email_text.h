// Text helpers shared by the email and domain keys: the spaces people paste
// around an address or a website (NBSP, ideographic space, zero-width space, BOM).
#pragma once

#include <cstddef>
#include <cstdint>
#include <string_view>

namespace leadd::dedupe::email_text {

// The length in bytes of the space at the front of `text` (ASCII white space, the Unicode
// spaces Zs, line and paragraph separators, NEL, and the invisible ZWSP and BOM), or 0.
// Safe on any bytes; meant for valid UTF-8.
inline std::size_t SpaceLengthAt(std::string_view text) {
  if (text.empty()) return 0;
  const auto b0 = static_cast<std::uint8_t>(text[0]);
  if (b0 == ' ' || (b0 >= 0x09 && b0 <= 0x0D)) return 1;
  if (text.size() >= 2 && b0 == 0xC2) {
    const auto b1 = static_cast<std::uint8_t>(text[1]);
    if (b1 == 0x85 || b1 == 0xA0) return 2;  // NEL, NO-BREAK SPACE
  }
  if (text.size() >= 3) {
    const std::uint32_t code = ((b0 & 0x0Fu) << 12) |
                               ((static_cast<std::uint8_t>(text[1]) & 0x3Fu) << 6) |
                               (static_cast<std::uint8_t>(text[2]) & 0x3Fu);
    if ((b0 & 0xF0u) == 0xE0u &&
        (code == 0x1680 || (code >= 0x2000 && code <= 0x200B) || code == 0x2028 || code == 0x2029 ||
         code == 0x202F || code == 0x205F || code == 0x3000 || code == 0xFEFF)) {
      return 3;
    }
  }
  return 0;
}

// The length in bytes of the space that ends `text`, or 0. Safe on any bytes.
inline std::size_t SpaceLengthBefore(std::string_view text) {
  for (std::size_t length = 1; length <= 3 && length <= text.size(); ++length) {
    const std::string_view tail = text.substr(text.size() - length);
    if (SpaceLengthAt(tail) == length) return length;
  }
  return 0;
}

// `text` without the spaces at either end. Safe on any bytes.
inline std::string_view TrimSpaces(std::string_view text) {
  while (const std::size_t n = SpaceLengthAt(text)) text.remove_prefix(n);
  while (const std::size_t n = SpaceLengthBefore(text)) text.remove_suffix(n);
  return text;
}

// Whether `text` holds a space anywhere. Safe on any bytes.
inline bool HasSpace(std::string_view text) {
  for (std::size_t i = 0; i < text.size(); ++i) {
    if (SpaceLengthAt(text.substr(i)) != 0) return true;
  }
  return false;
}

}  // namespace leadd::dedupe::email_text
