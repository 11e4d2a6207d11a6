#include "dedupe/person_name.h"

#include <unicode/normalizer2.h>
#include <unicode/uchar.h>
#include <unicode/unistr.h>
#include <unicode/uscript.h>
#include <unicode/utf8.h>

#include <algorithm>
#include <array>
#include <unordered_set>
#include <vector>

#include "dedupe/text_fold.h"

namespace leadd::dedupe {
namespace {

// Written as people type them; folded like the names before use.
constexpr std::array kTitles = {
    "Mr",    "Mrs",    "Ms",       "Miss", "Mx",     "Dr",       "Prof",     "Professor",
    "Sir",   "Madam",  "Madame",   "Herr", "Frau",   "Monsieur", "Mme",      "Mlle",
    "Señor", "Señora", "Señorita", "Sra",  "Srta",   "Signor",   "Signora",  "Sig",
    "Dott",  "Dipl",   "Ing",      "Shri", "Sri",    "Smt",      "Shrimati", "先生",
    "女士",  "小姐",   "太太",     "夫人", "總經理", "总经理",   "副总经理", "經理",
    "经理",  "董事长", "总监",     "主任", "老板",   "さん",     "様",       "殿",
    "님",    "씨"};

struct Titles {
  std::unordered_set<std::string> words;
  std::vector<std::string> cjk;  // may also be glued to the end of a CJK name, longest first
};

Titles LoadTitles() {
  Titles titles;
  for (const char* title : kTitles) {
    std::string folded = FoldText(title);
    if (StartsWithCjk(folded)) titles.cjk.push_back(folded);
    titles.words.insert(std::move(folded));
  }
  std::sort(titles.cjk.begin(), titles.cjk.end(),
            [](const std::string& a, const std::string& b) { return a.size() > b.size(); });
  titles.cjk.erase(std::unique(titles.cjk.begin(), titles.cjk.end()), titles.cjk.end());
  return titles;
}

const Titles& GetTitles() {
  static const Titles titles = LoadTitles();
  return titles;
}

void AppendUtf8(std::string& out, UChar32 c) {
  char buffer[U8_MAX_LENGTH];
  int32_t length = 0;
  UBool error = false;
  U8_APPEND(buffer, length, U8_MAX_LENGTH, c, error);
  if (!error) out.append(buffer, static_cast<std::size_t>(length));
}

// Letters that carry their mark in the letter itself, so canonical decomposition keeps them.
const char* AsciiForLatinLetter(UChar32 c) {
  switch (c) {
    case 0xF8:
      return "o";  // ø
    case 0x111:
      return "d";  // đ
    case 0xF0:
      return "d";  // ð
    case 0x142:
      return "l";  // ł
    case 0xE6:
      return "ae";  // æ
    case 0x153:
      return "oe";  // œ
    case 0xFE:
      return "th";  // þ
    case 0x131:
      return "i";  // ı
    case 0x127:
      return "h";  // ħ
    case 0x14B:
      return "n";  // ŋ
    default:
      return nullptr;
  }
}

// Müller -> muller on Latin letters only: a Hangul syllable must not be split into jamo.
std::string StripLatinMarks(const std::string& folded) {
  UErrorCode status = U_ZERO_ERROR;
  const icu::Normalizer2* nfd = icu::Normalizer2::getNFDInstance(status);
  if (U_FAILURE(status)) return folded;
  std::string out;
  out.reserve(folded.size());
  bool after_latin = false;
  const auto size = static_cast<int32_t>(folded.size());
  for (int32_t i = 0; i < size;) {
    UChar32 c = 0;
    U8_NEXT(folded.data(), i, size, c);
    if (c < 0) continue;
    if (c < 0x80) {
      out.push_back(static_cast<char>(c));
      after_latin = c != ' ';
      continue;
    }
    if (u_charType(c) == U_NON_SPACING_MARK && after_latin) continue;
    UErrorCode script_status = U_ZERO_ERROR;
    if (uscript_getScript(c, &script_status) != USCRIPT_LATIN) {
      AppendUtf8(out, c);
      after_latin = false;
      continue;
    }
    after_latin = true;
    if (const char* ascii = AsciiForLatinLetter(c)) {
      out.append(ascii);
      continue;
    }
    icu::UnicodeString decomposition;
    if (!nfd->getDecomposition(c, decomposition)) {
      AppendUtf8(out, c);
      continue;
    }
    for (int32_t j = 0; j < decomposition.length();) {
      const UChar32 part = decomposition.char32At(j);
      j += U16_LENGTH(part);
      if (u_charType(part) != U_NON_SPACING_MARK) AppendUtf8(out, part);
    }
  }
  return out;
}

}  // namespace

std::string PersonNameKey(std::string_view name) {
  const Titles& titles = GetTitles();
  std::string folded = FoldText(name);
  const bool ascii = std::all_of(folded.begin(), folded.end(),
                                 [](char c) { return static_cast<unsigned char>(c) < 0x80; });
  if (!ascii) folded = StripLatinMarks(folded);
  std::vector<std::string_view> words = SplitWords(folded);

  while (words.size() > 1 && titles.words.contains(std::string(words.front()))) {
    words.erase(words.begin());
  }
  while (words.size() > 1 && titles.words.contains(std::string(words.back()))) {
    words.pop_back();
  }
  for (bool again = true; again && !words.empty() && EndsWithCjk(words.back());) {
    again = false;
    std::string_view& last = words.back();
    for (const std::string& title : titles.cjk) {
      if (last.size() > title.size() && last.ends_with(title)) {
        last.remove_suffix(title.size());
        again = true;
        break;
      }
    }
  }

  std::sort(words.begin(), words.end());
  std::string key;
  key.reserve(folded.size());
  for (const std::string_view word : words) {
    if (!key.empty()) key.push_back(' ');
    key.append(word);
  }
  return key;
}

}  // namespace leadd::dedupe
