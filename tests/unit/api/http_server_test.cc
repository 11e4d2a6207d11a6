#include "api/http_server.h"

#include <gtest/gtest.h>

namespace leadd::api {
namespace {

TEST(ListenEndpointTest, AcceptsV4V6AndLocalhost) {
  auto v4 = ListenEndpoint("127.0.0.1:8080");
  ASSERT_TRUE(v4);
  EXPECT_EQ(v4.value().address().to_string(), "127.0.0.1");
  EXPECT_EQ(v4.value().port(), 8080);
  auto v6 = ListenEndpoint("[::1]:0");
  ASSERT_TRUE(v6);
  EXPECT_TRUE(v6.value().address().is_v6());
  EXPECT_EQ(ListenEndpoint("localhost:9").value().address().to_string(), "127.0.0.1");
}

TEST(ListenEndpointTest, RejectsWhatIsNotAnAddress) {
  for (const char* bad : {"8080", "127.0.0.1:", "127.0.0.1:65536", "127.0.0.1:-1", "127.0.0.1:80x",
                          "example.com:80", ":80", "[::1:80"}) {
    EXPECT_FALSE(ListenEndpoint(bad)) << bad;
  }
}

}  // namespace
}  // namespace leadd::api
