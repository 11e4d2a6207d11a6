#include "api/http_answers.h"

#include <gtest/gtest.h>

namespace leadd::api {
namespace {

namespace http = boost::beast::http;

Request WithAuthorization(std::string_view value) {
  Request request{http::verb::post, "/v1/leads/L-1/accept", 11};
  request.set(http::field::authorization, std::string(value));
  return request;
}

TEST(BearerOfTest, TakesTheTokenAfterTheScheme) {
  EXPECT_EQ(BearerOf(WithAuthorization("Bearer abc")), "abc");
  EXPECT_EQ(BearerOf(WithAuthorization("Basic abc")), "");
  EXPECT_EQ(BearerOf(Request{http::verb::post, "/", 11}), "");
}

TEST(SameTokenTest, MatchesOnlyTheWholeNonEmptyToken) {
  EXPECT_TRUE(SameToken("secret", "secret"));
  EXPECT_FALSE(SameToken("secre", "secret"));
  EXPECT_FALSE(SameToken("secret!", "secret"));
  EXPECT_FALSE(SameToken("secreT", "secret"));
  // A rep without a token must not be matched by a request without one.
  EXPECT_FALSE(SameToken("", ""));
  EXPECT_TRUE(HasBearer(WithAuthorization("Bearer secret"), "secret"));
  EXPECT_FALSE(HasBearer(WithAuthorization("Bearer "), ""));
}

TEST(IsLeadIdTest, OnlyLDashDigits) {
  EXPECT_TRUE(IsLeadId("L-1"));
  EXPECT_TRUE(IsLeadId("L-123456"));
  for (const char* bad :
       {"", "L-", "L-1a", "l-1", "L-1/accept", "x:L-1", "L-12345678901234567890123"}) {
    EXPECT_FALSE(IsLeadId(bad)) << bad;
  }
}

}  // namespace
}  // namespace leadd::api
