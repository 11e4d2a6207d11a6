// ConfigProblem: one thing wrong in a config file, located so an admin can go and fix it.
#pragma once

#include <string>

namespace leadd::config {

struct ConfigProblem {
  std::string file;  // as the caller named it
  int line = 0;      // 1-based; 0 when the problem is about the whole file (it cannot be read)
  int column = 0;    // 1-based, in bytes
  std::string
      message;  // begins with the dotted key path ("http.listen: ..."); never holds a secret
};

// "file:line:column: message", the form editors and CI annotations jump to; a whole-file problem
// is "file: message".
std::string FormatProblem(const ConfigProblem& problem);

}  // namespace leadd::config
