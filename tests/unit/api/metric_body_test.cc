// The metric body and query against hostile input: every malformed one is a refusal with a
// sentence, never a crash or a value silently dropped or changed.
#include "api/metric_body.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <string>
#include <utility>

namespace leadd::api {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::IsEmpty;
using ::testing::Pair;

std::string Refusal(std::string_view body) {
  const auto parsed = ParseMetricBody(body);
  EXPECT_FALSE(parsed) << body;
  if (parsed) return {};
  EXPECT_EQ(parsed.error().code, Errc::kRejected);
  return parsed.error().detail;
}

std::string QueryRefusal(std::string_view query) {
  const auto parsed = ParseMetricQuery(query);
  EXPECT_FALSE(parsed) << query;
  return parsed ? std::string() : parsed.error().detail;
}

TEST(ParseMetricBodyTest, ReadsEveryField) {
  const auto parsed = ParseMetricBody(
      R"({"window": "2026-W48", "values": {"alice": 42.5, "bob": 7, "carol": -1e3},)"
      R"( "replace": true})");
  ASSERT_TRUE(parsed) << parsed.error().detail;
  EXPECT_EQ(parsed.value().window, "2026-W48");
  EXPECT_THAT(parsed.value().values,
              ElementsAre(Pair("alice", 42.5), Pair("bob", 7.0), Pair("carol", -1000.0)));
  EXPECT_TRUE(parsed.value().replace);
}

TEST(ParseMetricBodyTest, WindowAndReplaceAreOptional) {
  const auto parsed = ParseMetricBody(R"({"values": {}})");
  ASSERT_TRUE(parsed) << parsed.error().detail;
  EXPECT_EQ(parsed.value().window, std::nullopt);
  EXPECT_THAT(parsed.value().values, IsEmpty());
  EXPECT_FALSE(parsed.value().replace);
}

TEST(ParseMetricBodyTest, LargeIntegersBecomeDoubles) {
  const auto parsed = ParseMetricBody(
      R"({"values": {"a": 18446744073709551615, "b": -9223372036854775808, "c": 0}})");
  ASSERT_TRUE(parsed) << parsed.error().detail;
  EXPECT_THAT(parsed.value().values,
              ElementsAre(Pair("a", 18446744073709551615.0), Pair("b", -9223372036854775808.0),
                          Pair("c", 0.0)));
}

TEST(ParseMetricBodyTest, RefusesWhatIsNotAnObject) {
  EXPECT_THAT(Refusal(""), HasSubstr("not valid JSON"));
  EXPECT_THAT(Refusal("{"), HasSubstr("not valid JSON"));
  EXPECT_THAT(Refusal(R"({"values": {}} trailing)"), HasSubstr("not valid JSON"));
  EXPECT_THAT(Refusal("[]"), HasSubstr("must be a JSON object"));
  EXPECT_THAT(Refusal("null"), HasSubstr("must be a JSON object"));
  EXPECT_THAT(Refusal(R"("values")"), HasSubstr("must be a JSON object"));
  EXPECT_THAT(Refusal(std::string("{\"values\": {\"a\xff\": 1}}")), HasSubstr("not valid JSON"));
}

TEST(ParseMetricBodyTest, RefusesMissingUnknownAndRepeatedFields) {
  EXPECT_THAT(Refusal("{}"), HasSubstr("values is required"));
  EXPECT_THAT(Refusal(R"({"window": "2026-W48"})"), HasSubstr("values is required"));
  EXPECT_THAT(Refusal(R"({"values": {}, "colour": "red"})"), HasSubstr("unknown field 'colour'"));
  EXPECT_THAT(Refusal(R"({"values": {}, "values": {"a": 1}})"),
              HasSubstr("field 'values' appears twice"));
  EXPECT_THAT(Refusal(R"({"values": {}, "replace": true, "replace": false})"),
              HasSubstr("field 'replace' appears twice"));
}

TEST(ParseMetricBodyTest, RefusesFieldsOfTheWrongType) {
  EXPECT_THAT(Refusal(R"({"values": [1, 2]})"), HasSubstr("values must be an object"));
  EXPECT_THAT(Refusal(R"({"values": null})"), HasSubstr("values must be an object"));
  EXPECT_THAT(Refusal(R"({"values": {}, "window": 202648})"), HasSubstr("window must be a string"));
  EXPECT_THAT(Refusal(R"({"values": {}, "replace": "yes"})"), HasSubstr("replace must be true"));
  EXPECT_THAT(Refusal(R"({"values": {}, "replace": 1})"), HasSubstr("replace must be true"));
}

TEST(ParseMetricBodyTest, RefusesValuesThatAreNotNumbers) {
  for (const std::string_view value : {R"("42")", "true", "null", "[1]", R"({"n": 1})"}) {
    EXPECT_THAT(Refusal(R"({"values": {"alice": )" + std::string(value) + "}}"),
                HasSubstr("the value of 'alice' must be a number"))
        << value;
  }
  // JSON has no NaN or infinity; a number too large for a double is not valid JSON to simdjson.
  EXPECT_THAT(Refusal(R"({"values": {"alice": NaN}})"), HasSubstr("not valid JSON"));
  EXPECT_THAT(Refusal(R"({"values": {"alice": Infinity}})"), HasSubstr("not valid JSON"));
  EXPECT_THAT(Refusal(R"({"values": {"alice": 1e999}})"), HasSubstr("not valid JSON"));
}

TEST(ParseMetricBodyTest, RefusesDuplicateEmptyAndLongRepIds) {
  EXPECT_THAT(Refusal(R"({"values": {"alice": 1, "bob": 2, "alice": 3}})"),
              HasSubstr("rep 'alice' appears twice"));
  EXPECT_THAT(Refusal(R"({"values": {"": 1}})"), HasSubstr("'' is not a rep id"));
  const std::string long_id(65, 'a');
  EXPECT_THAT(Refusal(R"({"values": {")" + long_id + R"(": 1}})"),
              HasSubstr("'" + std::string(64, 'a') + "...' is not a rep id"));
  // Control characters are not echoed back.
  EXPECT_THAT(Refusal("{\"values\": {\"a\\u0000b\": 1, \"a\\u0000b\": 2}}"),
              HasSubstr("rep 'a?b' appears twice"));
}

TEST(ParseMetricBodyTest, RefusesTooManyValues) {
  const auto body = [](std::size_t count) {
    std::string text = R"({"values": {)";
    for (std::size_t i = 0; i < count; ++i) {
      if (i > 0) text += ',';
      text += "\"r" + std::to_string(i) + "\":" + std::to_string(i);
    }
    return text + "}}";
  };
  const auto most = ParseMetricBody(body(kMaxMetricValues));
  ASSERT_TRUE(most) << most.error().detail;
  EXPECT_EQ(most.value().values.size(), kMaxMetricValues);
  EXPECT_THAT(Refusal(body(kMaxMetricValues + 1)), HasSubstr("more than 10000 reps"));
}

TEST(ParseMetricBodyTest, RefusesAnOverlongWindow) {
  EXPECT_THAT(Refusal(R"({"values": {}, "window": ")" + std::string(1000, '9') + R"("})"),
              HasSubstr("is too long"));
}

TEST(ParseMetricBodyTest, DeepNestingIsRefusedNotACrash) {
  const std::string deep =
      R"({"values": )" + std::string(100'000, '[') + std::string(100'000, ']') + "}";
  EXPECT_FALSE(ParseMetricBody(deep));
}

TEST(ParseMetricQueryTest, ReadsTheWindow) {
  EXPECT_EQ(ParseMetricQuery("").value(), std::nullopt);
  EXPECT_EQ(ParseMetricQuery("window=2026-W48").value(), "2026-W48");
  EXPECT_EQ(ParseMetricQuery("&window=2026-11&").value(), "2026-11");
}

TEST(ParseMetricQueryTest, RefusesAnythingElse) {
  EXPECT_THAT(QueryRefusal("window="), HasSubstr("is not a window id"));
  EXPECT_THAT(QueryRefusal("window=" + std::string(100, '1')), HasSubstr("is not a window id"));
  EXPECT_THAT(QueryRefusal("window=2026%2D11"), HasSubstr("'2026%2D11' is not a window id"));
  EXPECT_THAT(QueryRefusal("window=2026-11\xff"), HasSubstr("'2026-11?' is not a window id"));
  EXPECT_THAT(QueryRefusal("window=2026-11&window=2026-12"), HasSubstr("given twice"));
  EXPECT_THAT(QueryRefusal("week=2026-W48"), HasSubstr("unknown query parameter 'week'"));
  EXPECT_THAT(QueryRefusal("window"), HasSubstr("unknown query parameter 'window'"));
}

}  // namespace
}  // namespace leadd::api
