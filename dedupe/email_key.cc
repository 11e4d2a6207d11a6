#include "dedupe/email_key.h"

#include "core/ascii.h"
#include "core/utf8.h"
#include "dedupe/domain_key.h"
#include "dedupe/email_text.h"

// Generated from dedupe/data/email_providers.txt (dedupe/CMakeLists.txt): kEmailProviders.
#include "email_providers_data.h"

#include <algorithm>
#include <unordered_map>

namespace leadd::dedupe {
namespace {

// An address is at most 254 bytes; a display name and a mailto: query may add some.
constexpr std::size_t kMaxInput = 2048;
constexpr std::size_t kMaxLocalPart = 64;

// Characters that RFC 5322 allows only quoted or not at all in a local part; a quoted local
// part ("jane doe"@x.com) is refused as a whole: no lead source sends one on purpose.
bool IsForbidden(char c) {
  const auto byte = static_cast<unsigned char>(c);
  return byte < 0x20 || byte == 0x7F ||
         std::string_view("\"(),:;<>[\\]").find(c) != std::string_view::npos;
}

const EmailProvider* FindProvider(std::string_view domain) {
  static const std::unordered_map<std::string_view, EmailProvider> by_domain = [] {
    std::unordered_map<std::string_view, EmailProvider> map;
    for (const EmailProvider& provider : kEmailProviders) {
      map.emplace(provider.domain, provider);
    }
    return map;
  }();
  const auto it = by_domain.find(domain);
  return it == by_domain.end() ? nullptr : &it->second;
}

// The address inside the text a source sent: spaces, list separators, a display name,
// "mailto:" and its query off.
std::string_view Unwrap(std::string_view text) {
  using email_text::TrimSpaces;
  text = TrimSpaces(text);
  while (text.ends_with(';') || text.ends_with(',')) {
    text = TrimSpaces(text.substr(0, text.size() - 1));
  }
  if (text.ends_with('>')) {
    // "Jane Doe" <jane@x.com>, Doe, Jane <jane@x.com>, <mailto:jane@x.com>
    const auto open = text.rfind('<');
    if (open == std::string_view::npos) return {};
    text = TrimSpaces(text.substr(open + 1, text.size() - open - 2));
  } else if (text.ends_with(')')) {
    // The old comment form: jane@x.com (Jane Doe)
    text = TrimSpaces(text.substr(0, text.find('(')));
  }
  if (text.size() >= 7 && EqualsIgnoringAsciiCase(text.substr(0, 7), "mailto:")) {
    text = TrimSpaces(text.substr(7));
    if (text.starts_with('?')) return {};  // mailto:?to=...: headers only, refused
  }
  // mailto:jane@x.com?subject=Hello: a '?' after the '@' starts the query ('?' is a valid
  // character of a local part, never of a domain).
  if (const auto at = text.find('@'); at != std::string_view::npos) {
    text = TrimSpaces(text.substr(0, text.find('?', at)));
  }
  return text;
}

}  // namespace

std::string EmailKey(std::string_view email) {
  if (email.size() > kMaxInput || !IsValidUtf8(email)) return {};
  const std::string_view address = Unwrap(email);
  const auto at = address.find('@');
  if (at == std::string_view::npos || address.find('@', at + 1) != std::string_view::npos) {
    return {};
  }
  std::string local = AsciiLowered(address.substr(0, at));
  const std::string_view domain_text = address.substr(at + 1);
  if (local.empty() || local.size() > kMaxLocalPart || domain_text.empty()) return {};
  if (email_text::HasSpace(address) || std::any_of(address.begin(), address.end(), IsForbidden)) {
    return {};
  }
  if (local.starts_with('.') || local.ends_with('.') || local.find("..") != std::string::npos) {
    return {};
  }
  std::string domain = HostToAscii(domain_text);
  // A domain needs a dot and a last label that is not a number (jane@127.0.0.1 is no
  // customer's address). Its top-level domain is not checked against the Public Suffix List:
  // keys are exact matches, and test or private domains (jane@acme.example) are addresses too.
  const auto last_dot = domain.rfind('.');
  if (domain.empty() || domain.ends_with('.') || last_dot == std::string::npos ||
      std::all_of(domain.begin() + static_cast<std::ptrdiff_t>(last_dot) + 1, domain.end(),
                  [](char c) { return c >= '0' && c <= '9'; })) {
    return {};
  }
  if (const EmailProvider* provider = FindProvider(domain)) {
    if (provider->tag_separator != '\0') {
      local.erase(std::min(local.find(provider->tag_separator), local.size()));
    }
    if (provider->ignores_dots) std::erase(local, '.');
    // "jane.+x@outlook.com" leaves "jane.", which is no mailbox name either.
    if (local.empty() || local.starts_with('.') || local.ends_with('.')) return {};
    domain = provider->canonical;
  }
  return local + '@' + domain;
}

std::vector<EmailProvider> EmailProviders() {
  return {std::begin(kEmailProviders), std::end(kEmailProviders)};
}

}  // namespace leadd::dedupe
