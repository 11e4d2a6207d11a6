#include "core/result.h"

#include <gtest/gtest.h>

#include <charconv>
#include <string>

namespace leadd {
namespace {

Result<int> ParsePort(std::string_view text) {
  int port = 0;
  const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), port);
  if (ec != std::errc{} || end != text.data() + text.size() || port < 1 || port > 65535) {
    return Rejected("not a port: '" + std::string(text) + "'");
  }
  return port;
}

Result<std::string> Endpoint(const std::string& host, std::string_view port_text) {
  LEADD_TRY(port, ParsePort(port_text));
  return host + ":" + std::to_string(port);
}

TEST(ResultTest, TryPassesTheValueOn) {
  auto endpoint = Endpoint("localhost", "6379");
  ASSERT_TRUE(endpoint);
  EXPECT_EQ(endpoint.value(), "localhost:6379");
}

TEST(ResultTest, TryReturnsTheErrorUnchanged) {
  auto endpoint = Endpoint("localhost", "63x79");
  ASSERT_FALSE(endpoint);
  EXPECT_EQ(endpoint.error().code, Errc::kRejected);
  EXPECT_EQ(endpoint.error().detail, "not a port: '63x79'");
}

}  // namespace
}  // namespace leadd
