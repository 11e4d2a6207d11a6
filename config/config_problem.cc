#include "config/config_problem.h"

namespace leadd::config {

std::string FormatProblem(const ConfigProblem& problem) {
  if (problem.line <= 0) return problem.file + ": " + problem.message;
  return problem.file + ":" + std::to_string(problem.line) + ":" + std::to_string(problem.column) +
         ": " + problem.message;
}

}  // namespace leadd::config
