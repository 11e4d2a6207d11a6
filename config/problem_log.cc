#include "config/problem_log.h"

#include <algorithm>
#include <cstdio>

namespace leadd::config {
void ProblemLog::Add(SourcePosition at, std::string_view path, std::string_view message) {
  std::string text;
  if (!path.empty()) {
    text.append(path);
    text.append(": ");
  }
  text.append(message);
  problems_.push_back({file_, at.line, at.column, std::move(text)});
}

void ProblemLog::AddForWholeFile(std::string_view message) {
  problems_.push_back({file_, 0, 0, std::string(message)});
}

std::vector<ConfigProblem> ProblemLog::TakeSorted() {
  std::stable_sort(problems_.begin(), problems_.end(),
                   [](const ConfigProblem& a, const ConfigProblem& b) {
                     if (a.line != b.line) return a.line < b.line;
                     return a.column < b.column;
                   });
  return std::move(problems_);
}

std::string QuoteForMessage(std::string_view text, std::size_t max_bytes) {
  bool cut = false;
  if (text.size() > max_bytes) {
    std::size_t end = max_bytes;
    // Back off to a character boundary so the message stays valid UTF-8.
    while (end > 0 && (static_cast<unsigned char>(text[end]) & 0xC0) == 0x80) --end;
    text = text.substr(0, end);
    cut = true;
  }
  std::string quoted = "'";
  for (const char c : text) {
    const auto byte = static_cast<unsigned char>(c);
    if (byte < 0x20 || byte == 0x7F) {
      char escaped[8];
      std::snprintf(escaped, sizeof escaped, "\\x%02X", byte);
      quoted += escaped;
    } else {
      quoted += c;
    }
  }
  quoted += cut ? "...'" : "'";
  return quoted;
}

}  // namespace leadd::config
