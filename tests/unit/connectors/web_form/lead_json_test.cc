#include "connectors/web_form/lead_json.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <string>

#include "core/sha256.h"

namespace leadd::connectors {
namespace {

using namespace std::chrono_literals;
using ::testing::HasSubstr;

const WallTime kNow{1704704400s};

Result<Lead> Parse(std::string_view body, std::string_view key = {}) {
  return ParseLeadJson(body, key, kNow);
}

std::string RejectionOf(std::string_view body) {
  auto lead = Parse(body);
  if (lead) return "accepted";
  EXPECT_EQ(lead.error().code, Errc::kRejected);
  return lead.error().detail;
}

TEST(LeadJsonTest, ReadsEveryField) {
  const std::string body = R"({"source":"web","channel":"contact-form","external_id":"sub-9",
    "contact_name":"Jane Roe","company":"ACME GmbH","email":"jane@acme.example",
    "phone":"+49 30 1234567","country":"DE","region":"DE-BE","city":"Berlin",
    "street":"Unter den Linden 5","postcode":"10117","product":"pumps",
    "message":"Need 40 units"})";
  auto lead = Parse(body);
  ASSERT_TRUE(lead) << lead.error().detail;
  const Lead& l = lead.value();
  EXPECT_EQ(l.source, "web");
  EXPECT_EQ(l.channel, "contact-form");
  EXPECT_EQ(l.contact_name, "Jane Roe");
  EXPECT_EQ(l.company, "ACME GmbH");
  EXPECT_EQ(l.email, "jane@acme.example");
  EXPECT_EQ(l.phone, "+49 30 1234567");
  EXPECT_EQ(l.country, "DE");
  EXPECT_EQ(l.region, "DE-BE");
  EXPECT_EQ(l.city, "Berlin");
  EXPECT_EQ(l.street, "Unter den Linden 5");
  EXPECT_EQ(l.postcode, "10117");
  EXPECT_EQ(l.product, "pumps");
  EXPECT_EQ(l.message, "Need 40 units");
  EXPECT_EQ(l.raw, body);
  EXPECT_EQ(l.received_at, kNow);
  EXPECT_EQ(l.source_key, "web:ext:sub-9");
}

TEST(LeadJsonTest, SourceKeyPrefersExternalIdThenHeaderThenContentHash) {
  EXPECT_EQ(Parse(R"({"source":"web","external_id":"1","email":"a@b.c"})", "k").value().source_key,
            "web:ext:1");
  EXPECT_EQ(Parse(R"({"source":"web","email":"a@b.c"})", "k-7").value().source_key, "web:key:k-7");
  const std::string body = R"({"source":"web","email":"a@b.c"})";
  EXPECT_EQ(Parse(body).value().source_key, "web:sha256:" + Sha256Hex(body));
}

TEST(LeadJsonTest, SameSubmissionFromTwoSourcesGetsTwoKeys) {
  EXPECT_NE(Parse(R"({"source":"web","external_id":"1","email":"a@b.c"})").value().source_key,
            Parse(R"({"source":"expo","external_id":"1","email":"a@b.c"})").value().source_key);
}

TEST(LeadJsonTest, DefaultsChannelToApiAndTreatsNullAsAbsent) {
  auto lead = Parse(R"({"source":"web","email":"a@b.c","phone":null})");
  ASSERT_TRUE(lead);
  EXPECT_EQ(lead.value().channel, "api");
  EXPECT_EQ(lead.value().phone, "");
}

TEST(LeadJsonTest, KeepsUnicodeIntact) {
  auto lead = Parse(R"({"source":"expo","company":"上海\u6709\u9650\u516c\u53f8"})");
  ASSERT_TRUE(lead);
  EXPECT_EQ(lead.value().company, "上海有限公司");
}

TEST(LeadJsonTest, RejectsMalformedAndHostileBodies) {
  EXPECT_THAT(RejectionOf(""), HasSubstr("not valid JSON"));
  EXPECT_THAT(RejectionOf("{"), HasSubstr("not valid JSON"));
  EXPECT_THAT(RejectionOf(R"({"source":"web",})"), HasSubstr("not valid JSON"));
  EXPECT_THAT(RejectionOf("\xff\xfe{}"), HasSubstr("not valid JSON"));
  EXPECT_THAT(RejectionOf("{\"source\":\"web\",\"email\":\"\xc3\x28\"}"),
              HasSubstr("not valid JSON"));
  EXPECT_THAT(RejectionOf(std::string(100000, '[')), HasSubstr("not valid JSON"));
  EXPECT_EQ(RejectionOf(R"([{"source":"web"}])"), "body must be a JSON object");
  EXPECT_EQ(RejectionOf("42"), "body must be a JSON object");
}

TEST(LeadJsonTest, RejectsFieldProblemsNamingTheField) {
  EXPECT_EQ(RejectionOf(R"({"source":"web","emial":"a@b.c"})"), "unknown field 'emial'");
  EXPECT_EQ(RejectionOf(R"({"source":"web","email":"a@b.c","email":"d@e.f"})"),
            "field 'email' appears twice");
  EXPECT_EQ(RejectionOf(R"({"source":"web","email":null,"email":"d@e.f"})"),
            "field 'email' appears twice");
  EXPECT_EQ(RejectionOf(R"({"source":"web","phone":4930123})"), "field 'phone' must be a string");
  EXPECT_EQ(RejectionOf(R"({"source":"web","email":["a@b.c"]})"), "field 'email' must be a string");
  EXPECT_EQ(RejectionOf(R"({"email":"a@b.c"})"), "field 'source' is required");
  EXPECT_EQ(RejectionOf(R"({"source":"Web Form","email":"a@b.c"})"),
            "field 'source' may hold only a-z, 0-9, '-', '_' and '.'");
  EXPECT_EQ(RejectionOf(R"({"source":"web:x","email":"a@b.c"})"),
            "field 'source' may hold only a-z, 0-9, '-', '_' and '.'");
  EXPECT_EQ(RejectionOf(R"({"source":"web","message":"hi"})"),
            "a lead needs at least one of email, phone, contact_name, company");
}

TEST(LeadJsonTest, RefusesOverlongFieldsInsteadOfTruncating) {
  const std::string long_name(kMaxFieldBytes + 1, 'x');
  EXPECT_EQ(RejectionOf(R"({"source":"web","contact_name":")" + long_name + "\"}"),
            "field 'contact_name' is longer than 1024 bytes");
  EXPECT_EQ(
      RejectionOf(R"({"source":"web","email":"a@b.c","postcode":")" + std::string(65, '1') + "\"}"),
      "field 'postcode' is longer than 64 bytes");
  const std::string message(kMaxMessageBytes, 'm');
  EXPECT_EQ(RejectionOf(R"({"source":"web","email":"a@b.c","message":")" + message + "\"}"),
            "accepted");
  EXPECT_FALSE(Parse(R"({"source":"web","email":"a@b.c"})", std::string(2000, 'k')));
}

TEST(LeadJsonTest, UnknownKeyInRejectionIsCapped) {
  const std::string key(5000, 'k');
  const auto detail = RejectionOf(R"({"source":"web",")" + key + R"(":"v"})");
  EXPECT_LT(detail.size(), 100u);
}

}  // namespace
}  // namespace leadd::connectors
