#include "config/schema.h"
#include "config/secrets.h"

namespace leadd::config {
namespace {

constexpr KeySpec kHttpKeys[] = {
    {"listen"},
    {"intake_token_file"},
    {"intake_token_credential"},
    {"admin_token_file"},
    {"admin_token_credential"},
    {"max_body_bytes"},
    {"request_timeout"},
    {"public_url"},
    {"link_secret_file"},
    {"link_secret_credential"},
    {"link_ttl"},
};

// HMAC-SHA256 keys shorter than the digest weaken it; 32 random bytes is what `openssl rand 32`
// or `head -c 32 /dev/urandom` gives.

// Links built from this are mailed to people, so only a plain absolute http(s) base will do:
// a query or fragment would swallow the path appended to it.
std::optional<std::string> CheckPublicUrl(std::string_view url) {
  std::string_view rest = url;
  if (rest.starts_with("https://")) {
    rest.remove_prefix(8);
  } else if (rest.starts_with("http://")) {
    rest.remove_prefix(7);
  } else {
    return "must start with http:// or https://";
  }
  if (rest.empty() || rest.front() == '/') return "needs a host after the scheme";
  for (const char c : rest) {
    if (c == '?' || c == '#') return "must not hold a query or fragment";
    if (c == ' ' || c == '"' || c == '<' || c == '>' || c == '\\') {
      return "must not hold spaces, quotes, angle brackets or backslashes";
    }
  }
  return std::nullopt;
}

void ReadPublicUrl(const std::optional<ValueRef>& value, HttpSettings& http, ProblemLog& log) {
  if (!value) return;
  auto text = ReadText(*value, log);
  if (!text) return;
  if (const auto problem = CheckPublicUrl(*text)) {
    log.Add(value->at, value->path, *problem + ", got " + QuoteForMessage(*text));
    return;
  }
  while (text->ends_with('/')) text->pop_back();
  http.public_url = std::move(*text);
}

}  // namespace

void ReadHttpSection(const ValueRef& value, const std::filesystem::path& base_dir, Draft& draft,
                     ProblemLog& log) {
  MappingReader section(value, kHttpKeys, log);
  if (!section.IsMapping()) return;
  HttpSettings& http = draft.settings.http;

  if (const auto listen = section.Find("listen")) {
    // Checked as host:port by the meaning pass.
    if (const auto text = ReadText(*listen, log)) {
      http.listen = *text;
      draft.positions[listen->path] = listen->at;
    }
  }
  ReadSecretKeys(section, "intake_token", SecretSlot::kIntakeToken, true, base_dir, draft, log);
  ReadSecretKeys(section, "admin_token", SecretSlot::kAdminToken, true, base_dir, draft, log);
  if (const auto bytes = section.Find("max_body_bytes")) {
    if (const auto number = ReadWholeNumber(*bytes, log)) {
      http.max_body_bytes = static_cast<std::size_t>(*number);
      draft.positions[bytes->path] = bytes->at;
    }
  }
  ReadDurationInto(section.Find("request_timeout"), http.request_timeout, draft, log);
  ReadPublicUrl(section.Find("public_url"), http, log);
  ReadSecretKeys(section, "link_secret", SecretSlot::kLinkSecret, false, base_dir, draft, log);
  if (const auto ttl = section.Find("link_ttl")) {
    if (const auto duration = ReadDuration(*ttl, log)) {
      if (duration->count() > 0) {
        http.link_ttl = *duration;
      } else {
        log.Add(ttl->at, ttl->path, "must be longer than zero");
      }
    }
  }
}

}  // namespace leadd::config
