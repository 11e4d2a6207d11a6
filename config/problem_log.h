// ProblemLog: collects config problems in any order and hands them back sorted by position.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "config/config_problem.h"

namespace leadd::config {

// 1-based, like ConfigProblem.
struct SourcePosition {
  int line = 1;
  int column = 1;
};

class ProblemLog {
 public:
  explicit ProblemLog(std::string file) : file_(std::move(file)) {}

  // `path` is the dotted key path ("rules[1].assign"), empty for the document as a whole; it
  // prefixes the message.
  void Add(SourcePosition at, std::string_view path, std::string_view message);
  // A problem with no position: the file itself could not be read.
  void AddForWholeFile(std::string_view message);

  std::size_t Count() const { return problems_.size(); }
  // Sorted by line, then column; problems at the same place keep the order they were found in.
  std::vector<ConfigProblem> TakeSorted();

 private:
  std::string file_;
  std::vector<ConfigProblem> problems_;
};

// A value from the file, quoted for a message: 'like this', cut short and with control bytes
// escaped, so a stray 10 MB scalar or a terminal escape cannot flood or garble the output.
std::string QuoteForMessage(std::string_view text, std::size_t max_bytes = 60);

}  // namespace leadd::config
