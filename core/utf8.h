// UTF-8 at the byte level: what every parser of outside text (config files, emails, phones,
// names) checks, and the lenient decoding that comparing names needs.
#pragma once

#include <cstddef>
#include <string_view>

namespace leadd {

// The length of the well-formed UTF-8 sequence starting at text[i], or 0 when there is none
// (a stray continuation byte, an overlong form, a surrogate, a code point above U+10FFFF, or a
// sequence cut short by the end of the text).
std::size_t Utf8SequenceLength(std::string_view text, std::size_t i);

// Whether all of `text` is well-formed UTF-8.
bool IsValidUtf8(std::string_view text);

// The code point at text[i], for comparing text that may not be well formed: a byte that does
// not start a well-formed sequence stands for itself. `length` gets the bytes it took (at
// least 1), so a loop always moves on.
char32_t CodePointAt(std::string_view text, std::size_t i, std::size_t& length);

}  // namespace leadd
