#include "dedupe/email_key.h"

#include "core/ascii.h"

#include <algorithm>

namespace leadd::dedupe {
namespace {

bool IsAsciiSpace(char c) { return c == ' ' || c == '\t' || c == '\r' || c == '\n'; }

}  // namespace

std::string EmailKey(std::string_view email) {
  while (!email.empty() && IsAsciiSpace(email.front())) email.remove_prefix(1);
  while (!email.empty() && IsAsciiSpace(email.back())) email.remove_suffix(1);
  std::string key(email);
  std::transform(key.begin(), key.end(), key.begin(), AsciiLower);
  if (key.starts_with("mailto:")) key.erase(0, 7);
  const auto at = key.find('@');
  const bool one_at = at != std::string::npos && key.find('@', at + 1) == std::string::npos;
  const bool has_space = std::any_of(key.begin(), key.end(), IsAsciiSpace);
  if (!one_at || at == 0 || at + 1 == key.size() || has_space) return {};
  return key;
}

}  // namespace leadd::dedupe
