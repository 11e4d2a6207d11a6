#include "config/redis_url.h"

#include <algorithm>
#include <string>

#include "config/host_port.h"

namespace leadd::config {
namespace {

constexpr std::string_view kRedisScheme = "redis://";
constexpr std::string_view kUnixScheme = "unix://";
// sockaddr_un.sun_path holds 108 bytes including the terminating NUL.
constexpr std::size_t kMaxSocketPath = 107;
constexpr int kMaxDb = 1'000'000;

bool IsDigits(std::string_view text) {
  return !text.empty() &&
         std::all_of(text.begin(), text.end(), [](char c) { return c >= '0' && c <= '9'; });
}

Result<int> ParseDb(std::string_view text) {
  if (!IsDigits(text) || text.size() > 7 || std::stoi(std::string(text)) > kMaxDb) {
    return Rejected("the database must be a number from 0 to " + std::to_string(kMaxDb));
  }
  return std::stoi(std::string(text));
}

bool IsPrintableAscii(std::string_view text) {
  return std::all_of(text.begin(), text.end(), [](char c) { return c > ' ' && c < 0x7F; });
}

Result<RedisEndpoint> ParseTcp(std::string_view rest) {
  if (rest.find_first_of("?#") != std::string_view::npos) {
    return Rejected(
        "redis:// URLs take no '?' parameters or '#' fragment; write the database "
        "as a path, as in redis://127.0.0.1:6379/2");
  }
  const auto slash = rest.find('/');
  std::string_view authority = rest.substr(0, slash);
  const std::string_view path = slash == std::string_view::npos ? "" : rest.substr(slash + 1);

  RedisEndpoint endpoint;
  // The last '@' ends the user part, so a password holding '@' is still recognised as one.
  if (const auto at = authority.rfind('@'); at != std::string_view::npos) {
    const std::string_view user = authority.substr(0, at);
    if (user.find(':') != std::string_view::npos) {
      return Rejected(
          "a password in the URL is not accepted; remove it and put it in a file "
          "named by password_file (or use password_credential)");
    }
    if (user.empty()) return Rejected("the user name before '@' is empty");
    if (!IsPrintableAscii(user) || user.find_first_of("@/") != std::string_view::npos) {
      return Rejected("the user name holds characters a Redis ACL user name cannot have");
    }
    endpoint.username = std::string(user);
    authority = authority.substr(at + 1);
  }
  LEADD_TRY(host_port, ParseHostPort(authority, std::uint16_t{6379}, 1));
  endpoint.host = std::move(host_port.host);
  endpoint.port = host_port.port;
  if (!path.empty()) {
    LEADD_TRY(db, ParseDb(path));
    endpoint.db = db;
  }
  return endpoint;
}

Result<RedisEndpoint> ParseUnix(std::string_view rest) {
  if (rest.empty() || rest.front() != '/') {
    return Rejected(
        "a unix socket URL needs an absolute path, as in "
        "unix:///run/redis/redis-server.sock");
  }
  const auto question = rest.find('?');
  const std::string_view path = rest.substr(0, question);
  RedisEndpoint endpoint;
  if (path.size() < 2 || path.back() == '/') return Rejected("the socket path names no file");
  if (path.size() > kMaxSocketPath) {
    return Rejected("the socket path is longer than the " + std::to_string(kMaxSocketPath) +
                    " bytes a unix socket address holds");
  }
  if (path.find('#') != std::string_view::npos || !IsPrintableAscii(path)) {
    return Rejected("the socket path holds spaces, control characters or '#'");
  }
  endpoint.unix_path = std::string(path);
  if (question != std::string_view::npos) {
    const std::string_view query = rest.substr(question + 1);
    if (query.substr(0, 3) != "db=") {
      return Rejected("the only parameter a unix:// URL takes is ?db=N");
    }
    LEADD_TRY(db, ParseDb(query.substr(3)));
    endpoint.db = db;
  }
  return endpoint;
}

}  // namespace

Result<RedisEndpoint> ParseRedisUrl(std::string_view url) {
  if (url.starts_with(kRedisScheme)) return ParseTcp(url.substr(kRedisScheme.size()));
  if (url.starts_with(kUnixScheme)) return ParseUnix(url.substr(kUnixScheme.size()));
  if (url.starts_with("rediss://")) {
    return Rejected(
        "TLS (rediss://) is not supported; reach Redis over a unix socket or a "
        "trusted network");
  }
  return Rejected("expected a URL starting redis:// or unix://, as in redis://127.0.0.1:6379/0");
}

}  // namespace leadd::config
