// Signed, expiring action links: a rep accepts or rejects a lead from a notification without a
// bearer token, and the link itself is the credential. Pure: no I/O, time is passed in.
#pragma once

#include <cstddef>
#include <initializer_list>
#include <map>
#include <string>
#include <string_view>

#include "config/settings.h"
#include "core/clock.h"
#include "core/result.h"

namespace leadd::api {

enum class LinkAction { kAccept, kReject };

std::string_view LinkActionName(LinkAction action);

// What a link lets its holder do. `assignment_id` fences it: once the lead is assigned again,
// the transition refuses a link made for the earlier assignment.
struct LinkClaims {
  std::string lead_id;
  std::string rep;
  LinkAction action = LinkAction::kAccept;
  std::string assignment_id;
  WallTime expires;  // the link is good while now < expires (kept to the millisecond)
};

// A link travels in mail and chat, where long URLs get wrapped and cut; a genuine token is about
// 150 bytes, so anything beyond this is not one of ours and is refused before any work.
inline constexpr std::size_t kMaxLinkTokenBytes = 512;
// HMAC-SHA256 keys shorter than its digest weaken it; the config loader refuses them too.
using config::kMinLinkSecretBytes;
// The sentence for a link past its expiry. Every other refusal reads differently; the page a
// rep sees tells only these two cases apart.
inline constexpr std::string_view kLinkExpired = "the link has expired";

// Token = base64url(payload) "." base64url(HMAC-SHA256(secret, payload)), unpadded. The payload
// is "lk1\n" lead "\n" rep "\n" action "\n" assignment "\n" expiry-epoch-ms: the leading tag
// lets a later format be told apart and refused rather than misread.
class ActionLinkSigner {
 public:
  // `secret` should be 32 bytes or more; the config loader refuses shorter ones.
  explicit ActionLinkSigner(std::string secret) : secret_(std::move(secret)) {}

  // Rejected when a claim is empty or holds a character the payload cannot carry.
  Result<std::string> Sign(const LinkClaims& claims) const;
  // The claims of a token this signer made and that has not expired at `now`. Every refusal is
  // kRejected with a sentence; the sentence never repeats the token.
  Result<LinkClaims> Verify(std::string_view token, WallTime now) const;

 private:
  std::string secret_;
};

// "<public_url>/v1/links/<token>"; `public_url` has no trailing slash (the loader strips it).
std::string ActionLinkUrl(std::string_view public_url, std::string_view token);

// The base URL links start with: http.public_url, or http://<listen> when it is not set.
std::string PublicBaseUrl(const config::HttpSettings& http);

struct ActionLinks {
  std::string accept;
  std::string reject;
};

// The pair of links a notification for a new assignment carries, valid for http.link_ttl from
// `now`. Rejected as Sign rejects.
Result<ActionLinks> MakeActionLinks(const ActionLinkSigner& signer,
                                    const config::HttpSettings& http, std::string_view lead_id,
                                    std::string_view rep, std::string_view assignment_id,
                                    WallTime now);

// An application/x-www-form-urlencoded body, read strictly: "name=value" pairs joined by "&",
// "+" for a space, "%XX" escapes; a bad escape, an empty pair, a repeated or unknown name, text
// that is not UTF-8 or holds a NUL, a body over `max_body_bytes` or a value over
// `max_value_bytes` (decoded) is refused with a sentence. An empty body has no fields.
using FormFields = std::map<std::string, std::string, std::less<>>;
Result<FormFields> ParseFormBody(std::string_view body,
                                 std::initializer_list<std::string_view> allowed,
                                 std::size_t max_body_bytes, std::size_t max_value_bytes);

}  // namespace leadd::api
