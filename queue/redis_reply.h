// RedisReply: an owned copy of one Redis reply, and how Redis error replies become Errors.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/result.h"

struct redisReply;  // hiredis

namespace leadd::queue {

// A reply detached from hiredis's memory; values, so it can be moved between handlers freely.
struct RedisReply {
  enum class Type {
    kString,  // bulk string: binary-safe, may hold NUL bytes
    kStatus,  // simple string such as OK or PONG
    kInteger,
    kNil,  // a missing key, a timed-out blocking read
    kArray,
    kError,  // only inside an array (EXEC); a top-level error reply is an Error instead
  };

  Type type = Type::kNil;
  std::string str;  // kString, kStatus, kError
  std::int64_t integer = 0;
  std::vector<RedisReply> elements;

  static RedisReply String(std::string s) { return {Type::kString, std::move(s), 0, {}}; }
  static RedisReply Status(std::string s) { return {Type::kStatus, std::move(s), 0, {}}; }
  static RedisReply Integer(std::int64_t i) { return {Type::kInteger, {}, i, {}}; }
  static RedisReply Nil() { return {}; }
  static RedisReply Array(std::vector<RedisReply> e) { return {Type::kArray, {}, 0, std::move(e)}; }

  bool IsNil() const { return type == Type::kNil; }
  bool IsArray() const { return type == Type::kArray; }
  bool IsString() const { return type == Type::kString || type == Type::kStatus; }
  bool IsInteger() const { return type == Type::kInteger; }

  // The text of a bulk or status string. Nil is kNotFound; any other type is kTransient
  // (the server answered something this code does not expect, as LeadStore treats shapes).
  Result<std::string> AsString() const;
  // Nil becomes an empty optional, for HGET-like lookups.
  Result<std::optional<std::string>> AsOptionalString() const;
  // An integer reply, or a bulk string holding a decimal integer (as Lua and HGET return).
  Result<std::int64_t> AsInteger() const;
};

std::string_view TypeName(RedisReply::Type type);

// An error reply's text ("WRONGTYPE Operation against ...") as an Error: LOADING, BUSY,
// MASTERDOWN, TRYAGAIN, READONLY and CLUSTERDOWN are kTransient, CONFLICT kConflict, NOTFOUND
// kNotFound, anything else kRejected. Only the first word counts: BUSYGROUP is not BUSY.
Error ErrorFromReply(std::string_view text);

// An integer the Functions stored as text (a count, epoch milliseconds, an id's number); 0 when
// the text is empty or does not start with one.
std::int64_t StoredInt(std::string_view text);

// Deep copy of a hiredis reply; a top-level error reply becomes ErrorFromReply(text).
Result<RedisReply> CopyHiredisReply(const ::redisReply& reply);

}  // namespace leadd::queue
