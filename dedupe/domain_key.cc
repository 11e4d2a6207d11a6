#include "dedupe/domain_key.h"

#include "core/utf8.h"
#include "dedupe/email_key.h"
#include "dedupe/email_text.h"

// Generated from dedupe/data/free_mail_domains.txt (dedupe/CMakeLists.txt): kFreeMailDomains.
#include "free_mail_domains_data.h"

#include <libpsl.h>
#include <unicode/uidna.h>

#include <algorithm>
#include <cstdint>
#include <optional>

namespace leadd::dedupe {
namespace {

// Longer input is no host or URL a lead carries (a host is at most 253 bytes, but a URL may
// carry a long path or query, which is cut before the host is checked).
constexpr std::size_t kMaxInput = std::size_t{64} * 1024;
// Host names before IDNA: 253 ASCII bytes, or fewer Unicode characters of up to 4 bytes.
constexpr std::size_t kMaxHostInput = 1024;

// The Public Suffix List. psl_latest(NULL) takes the newer of the list compiled into libpsl
// and the system's /usr/share/publicsuffix (Debian's publicsuffix package), so an updated
// package is used without rebuilding libpsl or leadd; psl_builtin() is the fallback.
class Psl {
 public:
  Psl() : latest_(psl_latest(nullptr)) {}
  ~Psl() { psl_free(latest_); }
  Psl(const Psl&) = delete;
  Psl& operator=(const Psl&) = delete;
  const psl_ctx_t* Get() const { return latest_ != nullptr ? latest_ : psl_builtin(); }

 private:
  psl_ctx_t* latest_;
};

const psl_ctx_t* ThePsl() {
  static const Psl psl;
  return psl.Get();
}

// ICU's UTS #46 processor; an instance is immutable and may be used by any thread.
class Idna {
 public:
  Idna() {
    UErrorCode status = U_ZERO_ERROR;
    // Non-transitional (ß and ς stay, as in IDNA2008 and browsers), with the Bidi and
    // ContextJ checks; STD3 rules off so that '_' passes (HostToAscii checks characters).
    idna_ = uidna_openUTS46(
        UIDNA_NONTRANSITIONAL_TO_ASCII | UIDNA_CHECK_BIDI | UIDNA_CHECK_CONTEXTJ, &status);
    if (U_FAILURE(status)) idna_ = nullptr;
  }
  ~Idna() {
    if (idna_ != nullptr) uidna_close(idna_);
  }
  Idna(const Idna&) = delete;
  Idna& operator=(const Idna&) = delete;
  const UIDNA* Get() const { return idna_; }

 private:
  UIDNA* idna_ = nullptr;
};

const UIDNA* TheIdna() {
  static const Idna idna;
  return idna.Get();
}

// Hosts such as "r3---sn-abc.googlevideo.com" exist, with "--" in the third and fourth place
// of a label that is no punycode: tolerated, as the URL standard does. A label that starts or
// ends with '-' is refused, as every other UTS #46 error.
constexpr std::uint32_t kToleratedIdnaErrors = UIDNA_ERROR_HYPHEN_3_4;

bool IsHostChar(char c) {
  return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '_' || c == '.';
}

// The last label of a host that ends without a dot.
std::string_view LastLabel(std::string_view host) {
  const auto dot = host.rfind('.');
  return dot == std::string_view::npos ? host : host.substr(dot + 1);
}

// As the URL standard: a host whose last label is a number is an IPv4 address
// ("192.168.0.1", "3232235521", "0xC0.0xA8.0.1").
bool IsIpv4(std::string_view ascii_host) {
  const std::string_view last = LastLabel(ascii_host);
  if (last.empty()) return false;
  if (std::all_of(last.begin(), last.end(), [](char c) { return c >= '0' && c <= '9'; })) {
    return true;
  }
  return last.size() >= 2 && last[0] == '0' && last[1] == 'x' &&
         std::all_of(last.begin() + 2, last.end(),
                     [](char c) { return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'); });
}

// The host of a bare host or a URL: scheme, userinfo, port, path, query and fragment off (a
// '\\' counts as '/', as browsers read "https:\\example.com"). nullopt for an IPv6 literal, a
// scheme that is none or a port that is not a number.
std::optional<std::string_view> HostOf(std::string_view text) {
  const auto is_slash = [](char c) { return c == '/' || c == '\\'; };
  auto sep = text.find(':');
  if (sep != std::string_view::npos &&
      !(text.size() - sep >= 3 && is_slash(text[sep + 1]) && is_slash(text[sep + 2]))) {
    sep = std::string_view::npos;
  }
  if (sep != std::string_view::npos) {
    const std::string_view scheme = text.substr(0, sep);
    const bool scheme_ok = !scheme.empty() && std::all_of(scheme.begin(), scheme.end(), [](char c) {
      return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
             c == '+' || c == '-' || c == '.';
    });
    if (!scheme_ok) return std::nullopt;
    text.remove_prefix(sep + 3);
  } else if (text.size() >= 2 && is_slash(text[0]) && is_slash(text[1])) {
    text.remove_prefix(2);
  }
  text = text.substr(0, text.find_first_of("/?#\\"));
  if (const auto at = text.rfind('@'); at != std::string_view::npos) text.remove_prefix(at + 1);
  if (text.starts_with('[')) return std::nullopt;
  if (const auto colon = text.find(':'); colon != std::string_view::npos) {
    const std::string_view port = text.substr(colon + 1);
    if (!std::all_of(port.begin(), port.end(), [](char c) { return c >= '0' && c <= '9'; })) {
      return std::nullopt;
    }
    text = text.substr(0, colon);
  }
  return text;
}

// The registrable domain of an ASCII host without a trailing dot, or empty.
std::string RegistrableOfAscii(const std::string& ascii) {
  if (ascii.empty() || IsIpv4(ascii)) return {};
  const psl_ctx_t* psl = ThePsl();
  if (psl == nullptr) return {};
  // A top-level domain the list does not know is a typo ("acme.con") or a private name
  // ("printer.local"), not a company on the internet; the list's implicit "*" rule would
  // make it registrable.
  const std::string tld(LastLabel(ascii));
  if (psl_is_public_suffix2(psl, tld.c_str(), PSL_TYPE_ANY | PSL_TYPE_NO_STAR_RULE) == 0) {
    return {};
  }
  const char* registrable = psl_registrable_domain(psl, ascii.c_str());
  return registrable != nullptr ? std::string(registrable) : std::string();
}

// The ASCII host of a host or URL, without a trailing dot, or empty.
std::string AsciiHostOf(std::string_view host_or_url) {
  // Only ASCII delimiters are looked for before HostToAscii checks the host's UTF-8.
  if (host_or_url.size() > kMaxInput) return {};
  const auto host = HostOf(email_text::TrimSpaces(host_or_url));
  if (!host) return {};
  std::string ascii = HostToAscii(*host);
  if (ascii.ends_with('.')) ascii.pop_back();
  if (ascii.empty() || ascii.ends_with('.')) return {};
  return ascii;
}

bool IsListed(std::string_view domain) {
  return std::binary_search(std::begin(kFreeMailDomains), std::end(kFreeMailDomains), domain);
}

// Whether `host` or one of its parents down to `registrable` (a suffix of it) is listed.
bool IsFreeMailHost(std::string_view host, std::string_view registrable) {
  while (true) {
    if (IsListed(host)) return true;
    if (host.size() <= registrable.size()) return false;
    const auto dot = host.find('.');
    if (dot == std::string_view::npos) return false;
    host.remove_prefix(dot + 1);
  }
}

}  // namespace

std::string HostToAscii(std::string_view host) {
  if (host.empty() || host.size() > kMaxHostInput || !IsValidUtf8(host)) return {};
  const UIDNA* idna = TheIdna();
  if (idna == nullptr) return {};
  std::string ascii(host.size() * 4 + 64, '\0');
  UIDNAInfo info = UIDNA_INFO_INITIALIZER;
  UErrorCode status = U_ZERO_ERROR;
  std::int32_t length =
      uidna_nameToASCII_UTF8(idna, host.data(), static_cast<std::int32_t>(host.size()),
                             ascii.data(), static_cast<std::int32_t>(ascii.size()), &info, &status);
  if (status == U_BUFFER_OVERFLOW_ERROR) {
    ascii.assign(static_cast<std::size_t>(length), '\0');
    info = UIDNA_INFO_INITIALIZER;
    status = U_ZERO_ERROR;
    length = uidna_nameToASCII_UTF8(idna, host.data(), static_cast<std::int32_t>(host.size()),
                                    ascii.data(), static_cast<std::int32_t>(ascii.size()), &info,
                                    &status);
  }
  if (U_FAILURE(status) || (info.errors & ~kToleratedIdnaErrors) != 0 || length <= 0) return {};
  ascii.resize(static_cast<std::size_t>(length));
  if (ascii.starts_with('.') || ascii.find("..") != std::string::npos ||
      !std::all_of(ascii.begin(), ascii.end(), IsHostChar)) {
    return {};
  }
  // UTS #46 does not count a trailing dot, nor does it check a name of only ASCII labels
  // against the DNS limits when nothing else is wrong: check here.
  const std::string_view name =
      std::string_view(ascii).substr(0, ascii.size() - (ascii.ends_with('.') ? 1 : 0));
  if (name.empty() || name.size() > 253) return {};
  for (std::size_t start = 0; start <= name.size();) {
    const auto end = std::min(name.find('.', start), name.size());
    if (end - start > 63) return {};
    start = end + 1;
  }
  return ascii;
}

std::string RegistrableDomain(std::string_view host_or_url) {
  return RegistrableOfAscii(AsciiHostOf(host_or_url));
}

bool IsFreeMailDomain(std::string_view registrable_domain) {
  const std::string ascii = AsciiHostOf(registrable_domain);
  if (ascii.empty()) return false;
  const std::string registrable = RegistrableOfAscii(ascii);
  return registrable.empty() ? IsListed(ascii) : IsFreeMailHost(ascii, registrable);
}

std::string CompanyDomainOf(std::string_view email_or_website) {
  if (email_or_website.size() > kMaxInput) return {};
  const std::string_view text = email_text::TrimSpaces(email_or_website);
  std::string host;
  if (const std::string key = EmailKey(text); !key.empty()) {
    // An address: its key's domain is already canonical ASCII (googlemail.com as gmail.com).
    host = key.substr(key.find('@') + 1);
  } else if (text.find('@') != std::string_view::npos &&
             text.find("://") == std::string_view::npos) {
    return {};  // an address that is none, not a website with userinfo
  } else {
    host = AsciiHostOf(text);
  }
  std::string registrable = RegistrableOfAscii(host);
  if (registrable.empty() || IsFreeMailHost(host, registrable)) return {};
  return registrable;
}

}  // namespace leadd::dedupe
