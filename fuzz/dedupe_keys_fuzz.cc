// Fuzz target: the email and website fields of a lead, through the email key and the
// registrable and company domains.
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "dedupe/domain_key.h"
#include "dedupe/email_key.h"

namespace {

// What a registrable domain is made of: lower-case ASCII labels, at least two, no empty one.
bool IsAsciiDomain(std::string_view domain) {
  if (domain.empty() || domain.size() > 253 || domain.front() == '.' || domain.back() == '.' ||
      domain.find('.') == std::string_view::npos || domain.find("..") != std::string_view::npos) {
    return false;
  }
  for (const char c : domain) {
    if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '_' || c == '.')) {
      return false;
    }
  }
  return true;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace leadd::dedupe;
  const std::string_view input(reinterpret_cast<const char*>(data), size);

  const std::string key = EmailKey(input);
  if (!key.empty()) {
    // One '@', no space or ASCII capital, an ASCII domain, and a fixed point.
    const auto at = key.find('@');
    if (at == 0 || at == std::string::npos || key.find('@', at + 1) != std::string::npos) {
      __builtin_trap();
    }
    for (const char c : key) {
      if ((c >= 'A' && c <= 'Z') || static_cast<unsigned char>(c) <= ' ') __builtin_trap();
    }
    if (!IsAsciiDomain(std::string_view(key).substr(at + 1))) __builtin_trap();
    if (EmailKey(key) != key) __builtin_trap();
    // The company of an address is the company of its key.
    if (CompanyDomainOf(key) != CompanyDomainOf(input)) __builtin_trap();
  }

  const std::string registrable = RegistrableDomain(input);
  if (!registrable.empty()) {
    if (!IsAsciiDomain(registrable) || RegistrableDomain(registrable) != registrable) {
      __builtin_trap();
    }
  }

  const std::string company = CompanyDomainOf(input);
  if (!company.empty()) {
    if (!IsAsciiDomain(company) || RegistrableDomain(company) != company ||
        IsFreeMailDomain(company)) {
      __builtin_trap();
    }
  }
  return 0;
}
