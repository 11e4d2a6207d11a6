// The exact-match key of an email address, as the owner registry indexes it.
#pragma once

#include <string>
#include <string_view>

namespace leadd::dedupe {

// Trims, drops a "mailto:" prefix and lowercases; empty when the text is not an address.
// Provider-specific folding (dots, plus-tags) belongs here too once it is measured.
std::string EmailKey(std::string_view email);

}  // namespace leadd::dedupe
