#include "config/raw_text.h"

#include <string>

#include "core/utf8.h"

namespace leadd::config {
namespace {

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
