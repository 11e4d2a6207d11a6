#include "connectors/json_fields.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

namespace leadd::connectors {
namespace {

using ::testing::Pair;
using ::testing::UnorderedElementsAre;

std::size_t NameOrNote(std::string_view name) {
  if (name == "name") return 8;
  if (name == "note") return 100;
  return 0;
}

std::string RejectionOf(std::string_view body) {
  auto fields = ReadJsonFields(body, NameOrNote);
  if (fields) return "accepted";
  EXPECT_EQ(fields.error().code, Errc::kRejected);
  return fields.error().detail;
}

TEST(JsonFieldsTest, ReadsKnownStringFieldsAndSkipsNulls) {
  auto fields = ReadJsonFields(R"({"name":"Ana","note":null})", NameOrNote);
  ASSERT_TRUE(fields);
  EXPECT_THAT(fields.value(), UnorderedElementsAre(Pair("name", "Ana")));
}

TEST(JsonFieldsTest, EmptyObjectIsNoFields) {
  auto fields = ReadJsonFields("{}", NameOrNote);
  ASSERT_TRUE(fields);
  EXPECT_TRUE(fields.value().empty());
}

TEST(JsonFieldsTest, RefusesWhatIsNotAnObjectOfKnownStrings) {
  EXPECT_EQ(RejectionOf("[]"), "body must be a JSON object");
  EXPECT_EQ(RejectionOf(R"("name")"), "body must be a JSON object");
  EXPECT_THAT(RejectionOf("{\"name\":"), ::testing::StartsWith("body is not valid JSON: "));
  EXPECT_EQ(RejectionOf(R"({"nmae":"Ana"})"), "unknown field 'nmae'");
  EXPECT_EQ(RejectionOf(R"({"":"x"})"), "unknown field ''");
  EXPECT_EQ(RejectionOf(R"({"name":null,"name":"Ana"})"), "field 'name' appears twice");
  EXPECT_EQ(RejectionOf(R"({"name":7})"), "field 'name' must be a string");
  EXPECT_EQ(RejectionOf(R"({"name":{"first":"Ana"}})"), "field 'name' must be a string");
  EXPECT_EQ(RejectionOf(R"({"name":"Anastasia"})"), "field 'name' is longer than 8 bytes");
  EXPECT_EQ(RejectionOf(R"({"name":"Anastasi"})"), "accepted");
}

}  // namespace
}  // namespace leadd::connectors
