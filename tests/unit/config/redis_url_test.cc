#include "config/redis_url.h"

#include <gtest/gtest.h>

#include <string>

#include "config/host_port.h"

namespace leadd::config {
namespace {

std::string RejectionOf(std::string_view url) {
  const auto parsed = ParseRedisUrl(url);
  if (parsed) return "accepted";
  return parsed.error().detail;
}

TEST(ParseRedisUrlTest, TcpUrlWithEverything) {
  const auto parsed = ParseRedisUrl("redis://leadd@10.0.0.5:6380/3");
  ASSERT_TRUE(parsed) << parsed.error().detail;
  EXPECT_EQ(parsed.value().host, "10.0.0.5");
  EXPECT_EQ(parsed.value().port, 6380);
  EXPECT_EQ(parsed.value().db, 3);
  EXPECT_EQ(parsed.value().username, "leadd");
  EXPECT_EQ(parsed.value().unix_path, "");
}

TEST(ParseRedisUrlTest, TcpUrlDefaultsToPort6379AndDatabase0) {
  for (const std::string_view url : {"redis://cache.internal", "redis://cache.internal/"}) {
    const auto parsed = ParseRedisUrl(url);
    ASSERT_TRUE(parsed) << url;
    EXPECT_EQ(parsed.value().host, "cache.internal");
    EXPECT_EQ(parsed.value().port, 6379);
    EXPECT_EQ(parsed.value().db, 0);
    EXPECT_EQ(parsed.value().username, "");
  }
}

TEST(ParseRedisUrlTest, BracketedIpv6Host) {
  const auto parsed = ParseRedisUrl("redis://[::1]:6379/0");
  ASSERT_TRUE(parsed);
  EXPECT_EQ(parsed.value().host, "::1");
  EXPECT_EQ(parsed.value().port, 6379);
}

TEST(ParseRedisUrlTest, UnixSocketWithDatabase) {
  const auto parsed = ParseRedisUrl("unix:///run/redis/redis.sock?db=2");
  ASSERT_TRUE(parsed);
  EXPECT_EQ(parsed.value().unix_path, "/run/redis/redis.sock");
  EXPECT_EQ(parsed.value().host, "");
  EXPECT_EQ(parsed.value().db, 2);
}

TEST(ParseRedisUrlTest, UnixSocketWithoutDatabaseUsesDatabase0) {
  const auto parsed = ParseRedisUrl("unix:///run/redis/redis-server.sock");
  ASSERT_TRUE(parsed);
  EXPECT_EQ(parsed.value().unix_path, "/run/redis/redis-server.sock");
  EXPECT_EQ(parsed.value().db, 0);
}

TEST(ParseRedisUrlTest, PasswordIsRejectedWithoutBeingRepeated) {
  for (const std::string_view url :
       {"redis://leadd:hunter2@host:6379/0", "redis://:hunter2@host", "redis://a:hunter2@b@host"}) {
    const std::string detail = RejectionOf(url);
    EXPECT_EQ(detail,
              "a password in the URL is not accepted; remove it and put it in a file named by "
              "password_file (or use password_credential)")
        << url;
    EXPECT_EQ(detail.find("hunter2"), std::string::npos);
  }
}

TEST(ParseRedisUrlTest, OtherSchemesAreRejected) {
  EXPECT_EQ(RejectionOf("http://host:6379"),
            "expected a URL starting redis:// or unix://, as in redis://127.0.0.1:6379/0");
  EXPECT_EQ(RejectionOf("127.0.0.1:6379"),
            "expected a URL starting redis:// or unix://, as in redis://127.0.0.1:6379/0");
  EXPECT_EQ(RejectionOf("REDIS://host"),
            "expected a URL starting redis:// or unix://, as in redis://127.0.0.1:6379/0");
  EXPECT_EQ(
      RejectionOf("rediss://host:6380"),
      "TLS (rediss://) is not supported; reach Redis over a unix socket or a trusted network");
}

TEST(ParseRedisUrlTest, BadPortsAreRejected) {
  EXPECT_EQ(RejectionOf("redis://host:0"), "the port must be a number from 1 to 65535");
  EXPECT_EQ(RejectionOf("redis://host:65536"), "the port must be a number from 1 to 65535");
  EXPECT_EQ(RejectionOf("redis://host:63a9"), "the port must be a number from 1 to 65535");
  EXPECT_EQ(RejectionOf("redis://host:"), "the port must be a number from 1 to 65535");
  EXPECT_EQ(RejectionOf("redis://host:-1"), "the port must be a number from 1 to 65535");
}

TEST(ParseRedisUrlTest, MalformedTcpUrlsAreRejected) {
  EXPECT_EQ(RejectionOf("redis://"), "the host is missing");
  EXPECT_EQ(RejectionOf("redis://:6379"), "the host is missing");
  EXPECT_EQ(RejectionOf("redis://@host"), "the user name before '@' is empty");
  EXPECT_EQ(RejectionOf("redis://host/two"), "the database must be a number from 0 to 1000000");
  EXPECT_EQ(RejectionOf("redis://host/-1"), "the database must be a number from 0 to 1000000");
  EXPECT_EQ(RejectionOf("redis://host/0?timeout=5"),
            "redis:// URLs take no '?' parameters or '#' fragment; write the database as a path, "
            "as in redis://127.0.0.1:6379/2");
  EXPECT_EQ(RejectionOf("redis://::1:6379"), "an IPv6 address needs brackets, as in [::1]:8080");
  EXPECT_EQ(RejectionOf("redis://[::1:6379"), "an IPv6 address needs its closing ']'");
  EXPECT_EQ(RejectionOf("redis://[db.local]:6379"),
            "the address in brackets is not an IPv6 address");
  EXPECT_EQ(RejectionOf("redis://ho st"),
            "the host must be a name or an IP address (letters, digits, '-', '.', '_')");
}

TEST(ParseRedisUrlTest, MalformedUnixUrlsAreRejected) {
  EXPECT_EQ(RejectionOf("unix://run/redis.sock"),
            "a unix socket URL needs an absolute path, as in unix:///run/redis/redis-server.sock");
  EXPECT_EQ(RejectionOf("unix:///"), "the socket path names no file");
  EXPECT_EQ(RejectionOf("unix:///run/redis/"), "the socket path names no file");
  EXPECT_EQ(RejectionOf("unix:///run/redis.sock?timeout=1"),
            "the only parameter a unix:// URL takes is ?db=N");
  EXPECT_EQ(RejectionOf("unix:///run/redis.sock?db=x"),
            "the database must be a number from 0 to 1000000");
  EXPECT_EQ(RejectionOf("unix:///" + std::string(120, 'a')),
            "the socket path is longer than the 107 bytes a unix socket address holds");
}

TEST(ParseHostPortTest, ListenAddressesTakePort0ButNeedAPort) {
  const auto any = ParseHostPort("127.0.0.1:0", std::nullopt, 0);
  ASSERT_TRUE(any);
  EXPECT_EQ(any.value().host, "127.0.0.1");
  EXPECT_EQ(any.value().port, 0);
  const auto v6 = ParseHostPort("[::]:8080", std::nullopt, 0);
  ASSERT_TRUE(v6);
  EXPECT_EQ(v6.value().host, "::");
  EXPECT_EQ(v6.value().port, 8080);
  const auto named = ParseHostPort("localhost:65535", std::nullopt, 0);
  ASSERT_TRUE(named);
  EXPECT_EQ(named.value().port, 65535);

  const auto no_port = ParseHostPort("127.0.0.1", std::nullopt, 0);
  ASSERT_FALSE(no_port);
  EXPECT_EQ(no_port.error().detail, "expected host:port, as in 127.0.0.1:8080");
  const auto v6_no_port = ParseHostPort("[::1]", std::nullopt, 0);
  ASSERT_FALSE(v6_no_port);
  EXPECT_EQ(v6_no_port.error().detail, "expected host:port, as in 127.0.0.1:8080");
  const auto junk_after = ParseHostPort("[::1]8080", std::nullopt, 0);
  ASSERT_FALSE(junk_after);
  EXPECT_EQ(junk_after.error().detail, "expected ':' and a port after ']'");
}

}  // namespace
}  // namespace leadd::config
