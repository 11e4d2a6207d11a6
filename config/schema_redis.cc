#include <algorithm>

#include "config/schema.h"

namespace leadd::config {
namespace {

constexpr KeySpec kRedisKeys[] = {
    {"embedded"},
    {"url"},
    {"password_file"},
    {"password_credential"},
    {"connect_timeout"},
    {"request_timeout"},
    {"reconnect_max_backoff"},
    {"key_prefix"},
};

constexpr KeySpec kEmbeddedKeys[] = {{"server_binary"}};

bool IsKeyPrefixChar(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' ||
         c == '.' || c == '-';
}

}  // namespace

void ReadRedisSection(const ValueRef& value, const std::filesystem::path& base_dir, Draft& draft,
                      ProblemLog& log) {
  MappingReader section(value, kRedisKeys, log);
  if (!section.IsMapping()) return;
  RedisSettings& redis = draft.settings.redis;

  if (section.RequireExactlyOne("embedded", "url")) {
    if (const auto embedded = section.Find("embedded")) {
      const MappingReader fields(*embedded, kEmbeddedKeys, log);
      EmbeddedRedis server;
      if (const auto binary = fields.Find("server_binary")) {
        if (const auto text = ReadText(*binary, log)) server.server_binary = *text;
      }
      redis.server = server;
    } else if (const auto url = section.Find("url")) {
      // Parsed by the meaning pass, which also makes sure no password is kept.
      if (const auto text = ReadText(*url, log)) {
        redis.server = ExternalRedis{*text, {}};
        draft.positions[url->path] = url->at;
      }
    }
  }
  ReadSecretKeys(section, "password", SecretSlot::kRedisPassword, false, base_dir, draft, log);
  ReadDurationInto(section.Find("connect_timeout"), redis.connect_timeout, draft, log);
  ReadDurationInto(section.Find("request_timeout"), redis.request_timeout, draft, log);
  ReadDurationInto(section.Find("reconnect_max_backoff"), redis.reconnect_max_backoff, draft, log);
  if (const auto prefix = section.Find("key_prefix")) {
    if (const auto text = ReadText(*prefix, log)) {
      if (std::all_of(text->begin(), text->end(), IsKeyPrefixChar)) {
        redis.key_prefix = *text;
      } else {
        log.Add(prefix->at, prefix->path,
                "may hold only letters, digits, '_', '.' and '-', got " + QuoteForMessage(*text));
      }
    }
  }
}

}  // namespace leadd::config
