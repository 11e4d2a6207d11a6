// Fuzz target: the company-name and person-name keys of dedupe, fed with any bytes a lead
// source may send (broken GBK/Big5 re-encodings, control bytes, megabytes of brackets).
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "core/utf8.h"
#include "dedupe/company_key.h"
#include "dedupe/person_name.h"
#include "dedupe/text_fold.h"

namespace {

// Keys are what the index stores: bounded, valid UTF-8, single-spaced and trimmed.
void CheckKey(std::string_view key) {
  if (key.size() > 4 * leadd::dedupe::kMaxFoldInputBytes) __builtin_trap();
  if (!leadd::IsValidUtf8(key)) __builtin_trap();
  if (!key.empty() && (key.front() == ' ' || key.back() == ' ')) __builtin_trap();
  if (key.find("  ") != std::string_view::npos) __builtin_trap();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view input(reinterpret_cast<const char*>(data), size);
  const leadd::dedupe::CompanyName company = leadd::dedupe::CompanyKey(input);
  CheckKey(company.key);
  CheckKey(company.removed);
  for (const std::string& word : company.words) {
    if (word.empty() || word.find(' ') != std::string::npos) __builtin_trap();
  }
  CheckKey(leadd::dedupe::PersonNameKey(input));
  // Folding is idempotent, or keys computed from stored keys would drift from fresh ones.
  const std::string folded = leadd::dedupe::FoldText(input);
  CheckKey(folded);
  if (folded.size() <= leadd::dedupe::kMaxFoldInputBytes &&
      leadd::dedupe::FoldText(folded) != folded) {
    __builtin_trap();
  }
  return 0;
}
