#include "api/action_link.h"

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>

#include <algorithm>
#include <array>
#include <charconv>
#include <optional>
#include <vector>

#include "core/lead.h"

namespace leadd::api {
namespace {

constexpr std::string_view kVersionTag = "lk1";
constexpr std::size_t kFieldCount = 6;  // tag, lead, rep, action, assignment, expiry
constexpr std::size_t kMaxRepBytes = 64;
constexpr std::size_t kMaxNumberDigits = 18;  // fits int64 whatever the digits
constexpr std::size_t kDigestBytes = 32;

constexpr std::string_view kAlphabet =
    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

std::string Base64UrlEncode(std::string_view bytes) {
  std::string out;
  out.reserve((bytes.size() * 4 + 2) / 3);
  std::size_t i = 0;
  const auto at = [&bytes](std::size_t k) { return static_cast<unsigned char>(bytes[k]); };
  for (; i + 3 <= bytes.size(); i += 3) {
    const unsigned group = (at(i) << 16U) | (at(i + 1) << 8U) | at(i + 2);
    out.push_back(kAlphabet[(group >> 18U) & 63U]);
    out.push_back(kAlphabet[(group >> 12U) & 63U]);
    out.push_back(kAlphabet[(group >> 6U) & 63U]);
    out.push_back(kAlphabet[group & 63U]);
  }
  if (const std::size_t left = bytes.size() - i; left > 0) {
    const unsigned group = (at(i) << 16U) | (left == 2 ? at(i + 1) << 8U : 0U);
    out.push_back(kAlphabet[(group >> 18U) & 63U]);
    out.push_back(kAlphabet[(group >> 12U) & 63U]);
    if (left == 2) out.push_back(kAlphabet[(group >> 6U) & 63U]);
  }
  return out;
}

int Base64UrlValue(char c) {
  if (c >= 'A' && c <= 'Z') return c - 'A';
  if (c >= 'a' && c <= 'z') return c - 'a' + 26;
  if (c >= '0' && c <= '9') return c - '0' + 52;
  if (c == '-') return 62;
  if (c == '_') return 63;
  return -1;
}

// Only the one spelling Base64UrlEncode produces: no padding, and the unused low bits of the
// last character zero, so a token cannot be varied without changing its bytes.
std::optional<std::string> Base64UrlDecode(std::string_view text) {
  if (text.size() % 4 == 1) return std::nullopt;
  std::string out;
  out.reserve(text.size() * 3 / 4);
  unsigned buffer = 0;
  int bits = 0;
  for (const char c : text) {
    const int value = Base64UrlValue(c);
    if (value < 0) return std::nullopt;
    buffer = (buffer << 6U) | static_cast<unsigned>(value);
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      out.push_back(static_cast<char>((buffer >> static_cast<unsigned>(bits)) & 0xFFU));
    }
  }
  if ((buffer & ((1U << static_cast<unsigned>(bits)) - 1U)) != 0) return std::nullopt;
  return out;
}

std::array<unsigned char, kDigestBytes> Mac(std::string_view secret, std::string_view payload) {
  std::array<unsigned char, EVP_MAX_MD_SIZE> digest{};
  unsigned int length = 0;
  // A fixed algorithm over memory: fails only when memory is exhausted, and then the zeroed
  // digest matches no token.
  HMAC(EVP_sha256(), secret.data(), static_cast<int>(secret.size()),
       reinterpret_cast<const unsigned char*>(payload.data()), payload.size(), digest.data(),
       &length);
  std::array<unsigned char, kDigestBytes> mac{};
  if (length == kDigestBytes) std::copy_n(digest.begin(), kDigestBytes, mac.begin());
  return mac;
}

bool AllDigits(std::string_view text) {
  return !text.empty() && text.size() <= kMaxNumberDigits &&
         text.find_first_not_of("0123456789") == std::string_view::npos;
}

// Rep ids come from the config file; anything that could split or disguise a payload line is
// refused on both sides.
bool IsPlainRep(std::string_view rep) {
  return !rep.empty() && rep.size() <= kMaxRepBytes &&
         std::none_of(rep.begin(), rep.end(), [](char c) {
           const auto byte = static_cast<unsigned char>(c);
           return byte < 0x20 || byte == 0x7F;
         });
}

std::optional<LinkAction> ActionNamed(std::string_view name) {
  if (name == "accept") return LinkAction::kAccept;
  if (name == "reject") return LinkAction::kReject;
  return std::nullopt;
}

std::vector<std::string_view> SplitLines(std::string_view text) {
  std::vector<std::string_view> parts;
  while (parts.size() <= kFieldCount) {
    const auto end = text.find('\n');
    parts.push_back(text.substr(0, end));
    if (end == std::string_view::npos) break;
    text.remove_prefix(end + 1);
  }
  return parts;
}

Error Malformed() { return Rejected("the link is malformed"); }

int HexValue(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

Result<std::string> DecodeFormText(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (std::size_t i = 0; i < text.size(); ++i) {
    const char c = text[i];
    if (c == '+') {
      out.push_back(' ');
    } else if (c == '%') {
      const int high = i + 2 < text.size() ? HexValue(text[i + 1]) : -1;
      const int low = i + 2 < text.size() ? HexValue(text[i + 2]) : -1;
      if (high < 0 || low < 0) return Rejected("the form holds a bad %-escape");
      out.push_back(static_cast<char>(high * 16 + low));
      i += 2;
    } else {
      out.push_back(c);
    }
  }
  return out;
}

// Strict UTF-8 (no overlongs, surrogates or code points past U+10FFFF) without NUL: a reason
// goes into JSON history and logs, where neither would survive.
bool IsCleanUtf8(std::string_view text) {
  std::size_t i = 0;
  while (i < text.size()) {
    const auto byte = static_cast<unsigned char>(text[i]);
    if (byte == 0) return false;
    if (byte < 0x80) {
      ++i;
      continue;
    }
    std::size_t extra = 0;
    unsigned code = 0;
    unsigned minimum = 0;
    if ((byte & 0xE0U) == 0xC0U) {
      extra = 1, code = byte & 0x1FU, minimum = 0x80;
    } else if ((byte & 0xF0U) == 0xE0U) {
      extra = 2, code = byte & 0x0FU, minimum = 0x800;
    } else if ((byte & 0xF8U) == 0xF0U) {
      extra = 3, code = byte & 0x07U, minimum = 0x10000;
    } else {
      return false;
    }
    if (i + extra >= text.size()) return false;
    for (std::size_t k = 1; k <= extra; ++k) {
      const auto next = static_cast<unsigned char>(text[i + k]);
      if ((next & 0xC0U) != 0x80U) return false;
      code = (code << 6U) | (next & 0x3FU);
    }
    if (code < minimum || code > 0x10FFFF || (code >= 0xD800 && code <= 0xDFFF)) return false;
    i += extra + 1;
  }
  return true;
}

}  // namespace

std::string_view LinkActionName(LinkAction action) {
  return action == LinkAction::kAccept ? "accept" : "reject";
}

Result<std::string> ActionLinkSigner::Sign(const LinkClaims& claims) const {
  const std::int64_t expires = ToEpochMillis(claims.expires);
  if (!IsLeadId(claims.lead_id)) return Rejected("a link needs a lead id of the form L-<n>");
  if (!IsPlainRep(claims.rep)) return Rejected("a link needs a rep id of printable characters");
  if (!AllDigits(claims.assignment_id)) return Rejected("a link needs a numeric assignment id");
  if (expires <= 0 || std::to_string(expires).size() > kMaxNumberDigits) {
    return Rejected("a link needs an expiry after the epoch and before year 30000000");
  }
  std::string payload(kVersionTag);
  for (const std::string_view field :
       {std::string_view(claims.lead_id), std::string_view(claims.rep),
        LinkActionName(claims.action), std::string_view(claims.assignment_id)}) {
    payload.push_back('\n');
    payload.append(field);
  }
  payload.push_back('\n');
  payload.append(std::to_string(expires));
  const auto mac = Mac(secret_, payload);
  return Base64UrlEncode(payload) + "." +
         Base64UrlEncode({reinterpret_cast<const char*>(mac.data()), mac.size()});
}

Result<LinkClaims> ActionLinkSigner::Verify(std::string_view token, WallTime now) const {
  if (token.empty()) return Rejected("the link is empty");
  if (token.size() > kMaxLinkTokenBytes) return Rejected("the link is too long");
  const auto dot = token.find('.');
  if (dot == std::string_view::npos || token.find('.', dot + 1) != std::string_view::npos ||
      dot == 0 || dot + 1 == token.size()) {
    return Malformed();
  }
  const auto payload = Base64UrlDecode(token.substr(0, dot));
  const auto signature = Base64UrlDecode(token.substr(dot + 1));
  if (!payload || !signature) return Rejected("the link is not valid base64url");
  const auto mac = Mac(secret_, *payload);
  // Constant time, so response times do not reveal how much of a forged signature was right.
  if (signature->size() != mac.size() ||
      CRYPTO_memcmp(signature->data(), mac.data(), mac.size()) != 0) {
    return Rejected("the link's signature does not match");
  }
  // Past the signature the payload is ours; a mismatch below is a format this daemon no longer
  // (or not yet) reads.
  const auto fields = SplitLines(*payload);
  if (fields.empty() || fields[0] != kVersionTag) {
    return Rejected("the link's version is not supported");
  }
  if (fields.size() != kFieldCount) return Malformed();
  const auto action = ActionNamed(fields[3]);
  std::int64_t expires = 0;
  if (!IsLeadId(fields[1]) || !IsPlainRep(fields[2]) || !action || !AllDigits(fields[4]) ||
      !AllDigits(fields[5]) ||
      std::from_chars(fields[5].data(), fields[5].data() + fields[5].size(), expires).ec !=
          std::errc{}) {
    return Malformed();
  }
  // Expired from the stored millisecond on: a link valid for 72h is not valid at 72h.
  if (ToEpochMillis(now) >= expires) return Rejected(std::string(kLinkExpired));
  return LinkClaims{std::string(fields[1]), std::string(fields[2]), *action, std::string(fields[4]),
                    WallTime(std::chrono::milliseconds(expires))};
}

std::string ActionLinkUrl(std::string_view public_url, std::string_view token) {
  std::string url(public_url);
  url.append("/v1/links/");
  url.append(token);
  return url;
}

std::string PublicBaseUrl(const config::HttpSettings& http) {
  return http.public_url.empty() ? "http://" + http.listen : http.public_url;
}

Result<ActionLinks> MakeActionLinks(const ActionLinkSigner& signer,
                                    const config::HttpSettings& http, std::string_view lead_id,
                                    std::string_view rep, std::string_view assignment_id,
                                    WallTime now) {
  LinkClaims claims{std::string(lead_id), std::string(rep), LinkAction::kAccept,
                    std::string(assignment_id),
                    std::chrono::time_point_cast<WallTime::duration>(now + http.link_ttl)};
  LEADD_TRY(accept, signer.Sign(claims));
  claims.action = LinkAction::kReject;
  LEADD_TRY(reject, signer.Sign(claims));
  const std::string base = PublicBaseUrl(http);
  return ActionLinks{ActionLinkUrl(base, accept), ActionLinkUrl(base, reject)};
}

Result<FormFields> ParseFormBody(std::string_view body,
                                 std::initializer_list<std::string_view> allowed,
                                 std::size_t max_body_bytes, std::size_t max_value_bytes) {
  if (body.size() > max_body_bytes) return Rejected("the form is too large");
  FormFields fields;
  if (body.empty()) return fields;
  while (true) {
    const auto amp = body.find('&');
    const std::string_view pair = body.substr(0, amp);
    const auto equals = pair.find('=');
    if (pair.empty() || equals == std::string_view::npos || equals == 0) {
      return Rejected("the form is not name=value pairs");
    }
    LEADD_TRY(name, DecodeFormText(pair.substr(0, equals)));
    LEADD_TRY(value, DecodeFormText(pair.substr(equals + 1)));
    if (std::find(allowed.begin(), allowed.end(), name) == allowed.end()) {
      return Rejected("the form has an unknown field");
    }
    if (value.size() > max_value_bytes) {
      return Rejected("the " + name + " is longer than " + std::to_string(max_value_bytes) +
                      " bytes");
    }
    if (!IsCleanUtf8(value)) return Rejected("the " + name + " is not UTF-8 text");
    if (!fields.emplace(name, std::move(value)).second) {
      return Rejected("the form repeats the field " + name);
    }
    if (amp == std::string_view::npos) break;
    body.remove_prefix(amp + 1);
  }
  return fields;
}

}  // namespace leadd::api
