#include "dedupe/text_fold.h"

#include <unicode/normalizer2.h>
#include <unicode/uchar.h>
#include <unicode/unistr.h>
#include <unicode/uscript.h>
#include <unicode/utf8.h>
#include <opencc/SimpleConverter.hpp>

#include <exception>
#include <memory>

namespace leadd::dedupe {
namespace {

// OpenCC 1.1: SimpleConverter::Convert is const all the way down (Converter, the max-match
// segmentation and the conversion chain only read their dictionaries, and none has mutable
// members), so one converter serves every thread. The C API is avoided: its last-error
// string is a process-wide global.
class Folder {
 public:
  Folder() {
    UErrorCode status = U_ZERO_ERROR;
    nfkc_cf_ = icu::Normalizer2::getNFKCCasefoldInstance(status);
    if (U_FAILURE(status)) {
      nfkc_cf_ = nullptr;
      problem_ = std::string("ICU NFKC_Casefold data: ") + u_errorName(status);
    }
    for (const char* config : {"t2s.json", "/usr/share/opencc/t2s.json"}) {
      try {
        t2s_ = std::make_unique<opencc::SimpleConverter>(config);
        break;
      } catch (const std::exception& e) {
        if (problem_.empty()) problem_ = std::string("OpenCC t2s.json: ") + e.what();
      }
    }
    if (t2s_ && nfkc_cf_) problem_.clear();
  }

  const icu::Normalizer2* nfkc_cf() const { return nfkc_cf_; }
  const std::string& problem() const { return problem_; }

  // Converts in place; on an OpenCC failure the text stays Traditional rather than lost.
  void ToSimplified(std::string& text) const {
    if (!t2s_) return;
    try {
      text = t2s_->Convert(text.data(), text.size());
    } catch (const std::exception&) {
    }
  }

 private:
  const icu::Normalizer2* nfkc_cf_ = nullptr;
  std::unique_ptr<opencc::SimpleConverter> t2s_;
  std::string problem_;
};

const Folder& GetFolder() {
  static const Folder folder;
  return folder;
}

bool IsCjk(UChar32 c) {
  // The prolonged sound mark and the iteration marks are script Common but live inside words.
  if (c == 0x30FC || (c >= 0x3005 && c <= 0x3007)) return true;
  UErrorCode status = U_ZERO_ERROR;
  switch (uscript_getScript(c, &status)) {
    case USCRIPT_HAN:
    case USCRIPT_HIRAGANA:
    case USCRIPT_KATAKANA:
    case USCRIPT_KATAKANA_OR_HIRAGANA:
    case USCRIPT_HANGUL:
    case USCRIPT_BOPOMOFO:
      return true;
    default:
      return false;
  }
}

bool IsApostrophe(UChar32 c) {
  return c == 0x27 || c == 0x60 || c == 0x2018 || c == 0x2019 || c == 0x02BC || c == 0x02BB;
}

// Builds the folded text one code point at a time, applying the spacing rules.
class Writer {
 public:
  explicit Writer(std::size_t reserve) { out_.reserve(reserve); }

  void Separator() { pending_space_ = true; }

  void Bracket(char bracket) {
    if (!out_.empty()) out_.push_back(' ');
    out_.push_back(bracket);
    pending_space_ = true;
    last_cjk_ = false;
  }

  // A letter, digit or mark; a mark with nothing to combine with is dropped.
  void Word(UChar32 c, bool mark, bool cjk) {
    if (mark) {
      if (out_.empty() || pending_space_) return;
    } else if (!out_.empty()) {
      const bool space = pending_space_ ? !(last_cjk_ && cjk) : last_cjk_ != cjk;
      if (space) out_.push_back(' ');
      last_cjk_ = cjk;
    } else {
      last_cjk_ = cjk;
    }
    pending_space_ = false;
    if (c < 0x80) {
      out_.push_back(static_cast<char>(c));
    } else {
      char buffer[U8_MAX_LENGTH];
      int32_t length = 0;
      UBool error = false;
      U8_APPEND(buffer, length, U8_MAX_LENGTH, c, error);
      if (!error) out_.append(buffer, static_cast<std::size_t>(length));
    }
  }

  std::string Take() { return std::move(out_); }

 private:
  std::string out_;
  bool pending_space_ = false;
  bool last_cjk_ = false;
};

// ASCII needs neither ICU nor OpenCC: NFKC is the identity and case folding is tolower. Most
// owner names are ASCII, and a million of them are keyed at start.
std::string FoldAscii(std::string_view text, Brackets brackets) {
  Writer writer(text.size());
  for (const char ch : text) {
    const auto c = static_cast<unsigned char>(ch);
    if ((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9')) {
      writer.Word(c, false, false);
    } else if (c >= 'A' && c <= 'Z') {
      writer.Word(c - 'A' + 'a', false, false);
    } else if (IsApostrophe(c)) {
    } else if (brackets == Brackets::kKeep && (c == '(' || c == '[' || c == '{')) {
      writer.Bracket('(');
    } else if (brackets == Brackets::kKeep && (c == ')' || c == ']' || c == '}')) {
      writer.Bracket(')');
    } else {
      writer.Separator();
    }
  }
  return writer.Take();
}

}  // namespace

std::string FoldText(std::string_view utf8, Brackets brackets) {
  if (utf8.size() > kMaxFoldInputBytes) utf8 = utf8.substr(0, kMaxFoldInputBytes);
  bool ascii = true;
  for (const char c : utf8) ascii = ascii && static_cast<unsigned char>(c) < 0x80;
  if (ascii) return FoldAscii(utf8, brackets);

  const Folder& folder = GetFolder();
  // fromUTF8 replaces each ill-formed sequence with U+FFFD, a symbol, hence a separator.
  icu::UnicodeString text = icu::UnicodeString::fromUTF8(
      icu::StringPiece(utf8.data(), static_cast<int32_t>(utf8.size())));
  if (folder.nfkc_cf() != nullptr) {
    UErrorCode status = U_ZERO_ERROR;
    icu::UnicodeString folded = folder.nfkc_cf()->normalize(text, status);
    if (U_SUCCESS(status)) text = std::move(folded);
  }

  Writer writer(utf8.size() + 8);
  bool han = false;
  for (int32_t i = 0; i < text.length();) {
    const UChar32 c = text.char32At(i);
    i += U16_LENGTH(c);
    if (IsApostrophe(c)) continue;
    switch (u_charType(c)) {
      case U_UPPERCASE_LETTER:
      case U_LOWERCASE_LETTER:
      case U_TITLECASE_LETTER:
      case U_MODIFIER_LETTER:
      case U_OTHER_LETTER:
      case U_DECIMAL_DIGIT_NUMBER:
      case U_LETTER_NUMBER:
      case U_OTHER_NUMBER: {
        const bool cjk = IsCjk(c);
        han = han || cjk;
        writer.Word(c, false, cjk);
        break;
      }
      case U_NON_SPACING_MARK:
      case U_COMBINING_SPACING_MARK:
      case U_ENCLOSING_MARK:
        writer.Word(c, true, false);
        break;
      case U_START_PUNCTUATION:
        if (brackets == Brackets::kKeep) {
          writer.Bracket('(');
        } else {
          writer.Separator();
        }
        break;
      case U_END_PUNCTUATION:
        if (brackets == Brackets::kKeep) {
          writer.Bracket(')');
        } else {
          writer.Separator();
        }
        break;
      default:  // other punctuation, symbols, spaces, controls, format, private use, unassigned
        writer.Separator();
        break;
    }
  }
  std::string out = writer.Take();
  // Joining CJK runs drops the separator between them, which can put a trailing jamo or a mark
  // next to a syllable it composes with: normalised again, a key folds to itself.
  if (folder.nfkc_cf() != nullptr) {
    UErrorCode status = U_ZERO_ERROR;
    const icu::UnicodeString joined = icu::UnicodeString::fromUTF8(out);
    if (!folder.nfkc_cf()->isNormalized(joined, status) && U_SUCCESS(status)) {
      const icu::UnicodeString composed = folder.nfkc_cf()->normalize(joined, status);
      if (U_SUCCESS(status)) {
        out.clear();
        composed.toUTF8String(out);
      }
    }
  }
  if (han) folder.ToSimplified(out);
  return out;
}

std::vector<std::string_view> SplitWords(std::string_view folded) {
  std::vector<std::string_view> words;
  std::size_t start = 0;
  while (start < folded.size()) {
    const std::size_t end = folded.find(' ', start);
    const std::size_t stop = end == std::string_view::npos ? folded.size() : end;
    if (stop > start) words.push_back(folded.substr(start, stop - start));
    start = stop + 1;
  }
  return words;
}

bool StartsWithCjk(std::string_view utf8) {
  if (utf8.empty()) return false;
  int32_t i = 0;
  UChar32 c = 0;
  U8_NEXT(utf8.data(), i, static_cast<int32_t>(utf8.size()), c);
  return c >= 0 && IsCjk(c);
}

bool EndsWithCjk(std::string_view utf8) {
  if (utf8.empty()) return false;
  auto i = static_cast<int32_t>(utf8.size());
  UChar32 c = 0;
  U8_PREV(utf8.data(), 0, i, c);
  return c >= 0 && IsCjk(c);
}

void AppendWord(std::string& folded, std::string_view word) {
  if (word.empty()) return;
  if (!folded.empty() && !(EndsWithCjk(folded) && StartsWithCjk(word))) folded.push_back(' ');
  folded.append(word);
}

Result<void> TextFoldReady() {
  const Folder& folder = GetFolder();
  if (!folder.problem().empty()) return Unavailable(folder.problem());
  return Ok();
}

}  // namespace leadd::dedupe
