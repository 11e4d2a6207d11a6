// Fuzz target: leadd.yaml, through both passes of the config loader.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "config/load_config.h"

namespace {

// Messages quote at most a short excerpt of the file, so none should ever be long.
constexpr std::size_t kMaxMessageBytes = 1024;

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  // Relative secret paths resolve into a folder that does not exist, so nothing is read.
  const auto outcome = leadd::config::LoadConfigText(text, "fuzz.yaml", "/nonexistent", {});
  if (outcome.settings.has_value() != outcome.problems.empty()) __builtin_trap();
  int previous_line = 0;
  int previous_column = 0;
  for (const auto& problem : outcome.problems) {
    if (problem.line < 1 || problem.column < 1) __builtin_trap();
    if (problem.line < previous_line ||
        (problem.line == previous_line && problem.column < previous_column)) {
      __builtin_trap();
    }
    previous_line = problem.line;
    previous_column = problem.column;
    if (problem.message.size() > kMaxMessageBytes) __builtin_trap();
    if (problem.message.starts_with("internal error")) __builtin_trap();
  }
  return 0;
}
