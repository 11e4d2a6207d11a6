#include "config/raw_text.h"

#include <string>

namespace leadd::config {
namespace {

// The length of the UTF-8 sequence starting at text[i], or 0 when it is not valid UTF-8
// (including overlong forms, surrogates and code points above U+10FFFF).
std::size_t Utf8SequenceLength(std::string_view text, std::size_t i) {
  const auto byte = [&](std::size_t k) { return static_cast<unsigned char>(text[k]); };
  const unsigned char lead = byte(i);
  if (lead < 0x80) return 1;
  std::size_t length = 0;
  unsigned char min_second = 0x80;
  unsigned char max_second = 0xBF;
  if (lead >= 0xC2 && lead <= 0xDF) {
    length = 2;
  } else if (lead >= 0xE0 && lead <= 0xEF) {
    length = 3;
    if (lead == 0xE0) min_second = 0xA0;
    if (lead == 0xED) max_second = 0x9F;
  } else if (lead >= 0xF0 && lead <= 0xF4) {
    length = 4;
    if (lead == 0xF0) min_second = 0x90;
    if (lead == 0xF4) max_second = 0x8F;
  } else {
    return 0;
  }
  if (i + length > text.size()) return 0;
  if (byte(i + 1) < min_second || byte(i + 1) > max_second) return 0;
  for (std::size_t k = 2; k < length; ++k) {
    if ((byte(i + k) & 0xC0) != 0x80) return 0;
  }
  return length;
}

bool IsBlank(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r'; }

}  // namespace

std::string_view WithoutByteOrderMark(std::string_view text) {
  if (text.starts_with("\xEF\xBB\xBF")) text.remove_prefix(3);
  return text;
}

SourcePosition PositionAt(std::string_view text, std::size_t offset) {
  SourcePosition at;
  const std::string_view before = text.substr(0, offset);
  for (const char c : before) {
    if (c == '\n') ++at.line;
  }
  const auto line_start = before.rfind('\n');
  at.column =
      static_cast<int>(offset - (line_start == std::string_view::npos ? 0 : line_start + 1)) + 1;
  return at;
}

bool CheckRawText(std::string_view text, ProblemLog& log) {
  if (text.size() > kMaxConfigBytes) {
    log.Add({}, "",
            "the file is " + std::to_string(text.size()) +
                " bytes; a config file may hold at most " + std::to_string(kMaxConfigBytes));
    return false;
  }
  for (std::size_t i = 0; i < text.size();) {
    if (text[i] == '\0') {
      log.Add(PositionAt(text, i), "", "the file holds a NUL byte; is it a YAML text file?");
      return false;
    }
    const std::size_t length = Utf8SequenceLength(text, i);
    if (length == 0) {
      log.Add(PositionAt(text, i), "", "the file is not valid UTF-8 here; save it as UTF-8");
      return false;
    }
    i += length;
  }
  return true;
}

std::optional<std::size_t> UnclosedQuoteAt(std::string_view text, std::size_t scalar_offset) {
  std::size_t i = scalar_offset;
  // yaml-cpp marks a node at its anchor or tag when it has one: step over "&name" and "!tag",
  // and the blanks or line breaks between them and the content.
  while (i < text.size() && (text[i] == '&' || text[i] == '!')) {
    while (i < text.size() && !IsBlank(text[i])) ++i;
    while (i < text.size() && IsBlank(text[i])) ++i;
  }
  if (i >= text.size() || (text[i] != '"' && text[i] != '\'')) return std::nullopt;
  const char quote = text[i];
  const std::size_t open = i;
  for (++i; i < text.size() && text[i] != '\n' && text[i] != '\r'; ++i) {
    if (quote == '"' && text[i] == '\\') {
      // The escaped character cannot close the string; an escaped line break continues it onto
      // the next line, which counts as unclosed here.
      if (i + 1 < text.size() && text[i + 1] != '\n' && text[i + 1] != '\r') ++i;
      continue;
    }
    if (text[i] != quote) continue;
    if (quote == '\'' && i + 1 < text.size() && text[i + 1] == '\'') {
      ++i;  // '' is a quote inside a single-quoted string
      continue;
    }
    return std::nullopt;
  }
  return open;
}

}  // namespace leadd::config
