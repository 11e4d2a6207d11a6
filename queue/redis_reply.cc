#include "queue/redis_reply.h"

#include <hiredis/hiredis.h>

#include <array>
#include <charconv>

namespace leadd::queue {

std::string_view TypeName(RedisReply::Type type) {
  switch (type) {
    case RedisReply::Type::kString:
      return "string";
    case RedisReply::Type::kStatus:
      return "status";
    case RedisReply::Type::kInteger:
      return "integer";
    case RedisReply::Type::kNil:
      return "nil";
    case RedisReply::Type::kArray:
      return "array";
    case RedisReply::Type::kError:
      return "error";
  }
  return "unknown";
}

Result<std::string> RedisReply::AsString() const {
  if (IsString()) return str;
  if (IsNil()) return NotFound("redis: nil reply where a string was expected");
  return Transient("redis: expected a string reply, got " + std::string(TypeName(type)));
}

Result<std::optional<std::string>> RedisReply::AsOptionalString() const {
  if (IsNil()) return std::optional<std::string>{};
  if (IsString()) return std::optional<std::string>{str};
  return Transient("redis: expected a string or nil reply, got " + std::string(TypeName(type)));
}

Result<std::int64_t> RedisReply::AsInteger() const {
  if (IsInteger()) return integer;
  if (type == Type::kString) {
    std::int64_t value = 0;
    const auto* end = str.data() + str.size();
    auto [ptr, ec] = std::from_chars(str.data(), end, value);
    if (ec == std::errc() && ptr == end && !str.empty()) return value;
    return Transient("redis: expected an integer, got a string of " + std::to_string(str.size()) +
                     " bytes");
  }
  if (IsNil()) return NotFound("redis: nil reply where an integer was expected");
  return Transient("redis: expected an integer reply, got " + std::string(TypeName(type)));
}

Error ErrorFromReply(std::string_view text) {
  static constexpr std::array<std::string_view, 6> kTransientCodes = {
      "LOADING", "BUSY", "MASTERDOWN", "TRYAGAIN", "READONLY", "CLUSTERDOWN"};
  const std::string_view code = text.substr(0, text.find(' '));
  std::string detail(text);
  for (auto transient : kTransientCodes) {
    if (code == transient) return Transient(std::move(detail));
  }
  if (code == "CONFLICT") return Conflict(std::move(detail));
  if (code == "NOTFOUND") return NotFound(std::move(detail));
  return Rejected(std::move(detail));
}

namespace {

RedisReply CopyValue(const ::redisReply& reply) {
  switch (reply.type) {
    case REDIS_REPLY_STRING:
      return RedisReply::String(std::string(reply.str, reply.len));
    case REDIS_REPLY_STATUS:
      return RedisReply::Status(std::string(reply.str, reply.len));
    case REDIS_REPLY_ERROR:
      return {RedisReply::Type::kError, std::string(reply.str, reply.len), 0, {}};
    case REDIS_REPLY_INTEGER:
      return RedisReply::Integer(reply.integer);
    case REDIS_REPLY_ARRAY: {
      std::vector<RedisReply> elements;
      elements.reserve(reply.elements);
      for (std::size_t i = 0; i < reply.elements; ++i) {
        elements.push_back(reply.element[i] ? CopyValue(*reply.element[i]) : RedisReply::Nil());
      }
      return RedisReply::Array(std::move(elements));
    }
    default:
      return RedisReply::Nil();
  }
}

}  // namespace

Result<RedisReply> CopyHiredisReply(const ::redisReply& reply) {
  if (reply.type == REDIS_REPLY_ERROR) {
    return ErrorFromReply(std::string_view(reply.str, reply.len));
  }
  return CopyValue(reply);
}

std::int64_t StoredInt(std::string_view text) {
  std::int64_t value = 0;
  std::from_chars(text.data(), text.data() + text.size(), value);
  return value;
}

}  // namespace leadd::queue
