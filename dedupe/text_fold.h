// FoldText: the Unicode folding shared by the company-name and person-name keys, so that the
// spellings one name takes across Alibaba.com, IndiaMART, fair scans and GBK/Big5 directories
// (full-width letters, Traditional characters, case, stray punctuation) compare equal.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

#include "core/result.h"

namespace leadd::dedupe {

// Longer input is cut here before folding: no real name is this long, and every lead pays for
// the folding. A code point cut in half is repaired like any other invalid UTF-8.
inline constexpr std::size_t kMaxFoldInputBytes = 4096;

enum class Brackets {
  kDrop,  // brackets are punctuation like any other
  kKeep,  // every opening bracket becomes a "(" word and every closing one a ")" word
};

// NFKC + full case folding (ICU), Traditional -> Simplified Chinese (OpenCC t2s), punctuation,
// symbols, controls and spaces -> one space, trimmed. Apostrophes are removed without a space
// (O'Brien = OBrien, McDonald's = McDonalds). Text in CJK scripts is spacing-insensitive:
// spaces between two CJK characters are dropped (王 磊 = 王磊), and a space always separates
// CJK from other letters or digits (ABC贸易 = ABC 贸易). Invalid UTF-8 is repaired, never
// refused: each ill-formed sequence becomes a separator. Thread-safe; the ICU normaliser and
// the OpenCC converter are created once per process and shared.
std::string FoldText(std::string_view utf8, Brackets brackets = Brackets::kDrop);

// The space-separated words of FoldText's output; views into `folded`.
std::vector<std::string_view> SplitWords(std::string_view folded);

// Whether the first / last code point of valid UTF-8 is in a CJK script (Han, kana, Hangul).
bool StartsWithCjk(std::string_view utf8);
bool EndsWithCjk(std::string_view utf8);

// Appends a word to a folded text with FoldText's spacing rule (no space between CJK words).
void AppendWord(std::string& folded, std::string_view word);

// Unavailable when ICU's data or OpenCC's t2s.json could not be loaded. FoldText then skips
// that step (so keys stay consistent within the process, but Traditional and Simplified no
// longer agree): daemons call this at start and refuse to run without it.
Result<void> TextFoldReady();

}  // namespace leadd::dedupe
