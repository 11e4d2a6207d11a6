// The exact-match key of an email address, as the owner registry indexes it.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace leadd::dedupe {

// The key of an address however a source wrote it, or empty when the text is not one address.
//  - Unwraps: spaces at the ends (Unicode ones too: NBSP, U+3000, ZWSP, BOM), a trailing ';' or
//    ',' of a pasted list, a display name ("Jane Doe" <jane@x.com>, jane@x.com (Jane Doe)),
//    a "mailto:" of any case and its "?query".
//  - Refuses: no '@' or two, an empty local part or domain, a space or one of "(),:;<>[\] inside,
//    a local part over 64 bytes or with a leading, trailing or doubled dot, a domain without a
//    dot, with a leading or trailing dot, that is an IP address, or that IDNA refuses; invalid
//    UTF-8.
//  - Lowercases the local part's ASCII letters (other characters are compared as written: no
//    Unicode case folding, no NFKC, so a full-width '＠' is no '@') and gives the domain in its
//    lower-case ASCII form (dedupe::HostToAscii: IDNA, as DNS resolves it).
//  - Folds what the provider itself ignores (dedupe/data/email_providers.txt): Gmail's dots and
//    "+tag" (googlemail.com as gmail.com), the "+tag" of Outlook.com, iCloud, Fastmail, Proton,
//    Yandex and Zoho addresses. A company's domain folds nothing.
std::string EmailKey(std::string_view email);

// One line of dedupe/data/email_providers.txt, as embedded.
struct EmailProvider {
  std::string_view domain;     // as written in addresses
  std::string_view canonical;  // the domain of the same mailbox in keys
  bool ignores_dots;           // dots in the local part do not matter
  char tag_separator;          // '+' for "jane+tag", or '\0' for none
};

// The providers the key folds, in the data file's order (for tests and tools).
std::vector<EmailProvider> EmailProviders();

}  // namespace leadd::dedupe
