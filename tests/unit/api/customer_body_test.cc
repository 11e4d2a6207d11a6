// The customer batch against hostile input: a body of the wrong shape is refused whole with a
// sentence, a bad row is refused on its own with a sentence naming it, and nothing crashes or
// is silently dropped or changed.
#include "api/customer_body.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <string>
#include <string_view>

namespace leadd::api {
namespace {

using ::testing::HasSubstr;
using ::testing::IsEmpty;
using ::testing::StartsWith;

std::string Refusal(std::string_view body) {
  const auto parsed = ParseCustomerBatch(body);
  EXPECT_FALSE(parsed) << body;
  if (parsed) return {};
  EXPECT_EQ(parsed.error().code, Errc::kRejected);
  return parsed.error().detail;
}

std::string Batch(std::string_view rows) { return R"({"customers": [)" + std::string(rows) + "]}"; }

// The one row of a batch of one, which must parse as a batch.
CustomerRow OnlyRow(std::string_view row) {
  const auto parsed = ParseCustomerBatch(Batch(row));
  EXPECT_TRUE(parsed) << (parsed ? "" : parsed.error().detail);
  if (!parsed || parsed.value().rows.size() != 1) {
    ADD_FAILURE() << "expected one row: " << row;
    return {};
  }
  return parsed.value().rows.front();
}

// Why the one row of a batch of one is refused.
std::string RowError(std::string_view row) {
  const CustomerRow parsed = OnlyRow(row);
  EXPECT_FALSE(parsed.Valid()) << row;
  return parsed.error;
}

// A row with `key` set to `value` (JSON text) besides a valid rep.
std::string WithField(std::string_view key, std::string_view value) {
  return R"({"rep": "alice", ")" + std::string(key) + R"(": )" + std::string(value) + "}";
}

std::string Quoted(std::string_view text) { return "\"" + std::string(text) + "\""; }

TEST(ParseCustomerBatchTest, ReadsEveryField) {
  const CustomerRow row =
      OnlyRow(R"({"rep": "alice", "email": "Jo@Example.com", "phone": "+49 30 1234567",)"
              R"( "website": "https://example.com", "company": "Example GmbH", "name": "Jo Doe",)"
              R"( "country": "de", "registered_at": "2026-11-24T09:30:00Z", "source": "crm.csv",)"
              R"( "stage": "customer", "grade": "A", "line": 12, "street": "Hauptstr. 5",)"
              R"( "city": "Köln", "postcode": "50667", "region": "NRW"})");
  ASSERT_TRUE(row.Valid()) << row.error;
  EXPECT_EQ(row.rep, "alice");
  EXPECT_EQ(row.email, "Jo@Example.com");
  EXPECT_EQ(row.phone, "+49 30 1234567");
  EXPECT_EQ(row.website, "https://example.com");
  EXPECT_EQ(row.company, "Example GmbH");
  EXPECT_EQ(row.name, "Jo Doe");
  EXPECT_EQ(row.country, "de");
  EXPECT_EQ(row.street, "Hauptstr. 5");
  EXPECT_EQ(row.city, "Köln");
  EXPECT_EQ(row.postcode, "50667");
  EXPECT_EQ(row.region, "NRW");
  EXPECT_EQ(row.registered_at_ms, 1'795'512'600'000);
  EXPECT_EQ(row.source, "crm.csv");
  EXPECT_EQ(row.stage, "customer");
  EXPECT_EQ(row.grade, "A");
  EXPECT_EQ(row.line, 12);
}

TEST(ParseCustomerBatchTest, OnlyRepIsRequired) {
  const CustomerRow row = OnlyRow(R"({"rep": "bob"})");
  ASSERT_TRUE(row.Valid()) << row.error;
  EXPECT_EQ(row.rep, "bob");
  EXPECT_THAT(row.email, IsEmpty());
  EXPECT_EQ(row.line, 0);
  EXPECT_EQ(row.registered_at_ms, 0);
}

TEST(ParseCustomerBatchTest, KeepsRowsInBodyOrder) {
  const auto parsed = ParseCustomerBatch(
      Batch(R"({"rep": "a", "line": 3}, {"rep": "b", "line": 2}, {"rep": "c"})"));
  ASSERT_TRUE(parsed) << parsed.error().detail;
  const auto& rows = parsed.value().rows;
  ASSERT_EQ(rows.size(), 3u);
  EXPECT_EQ(rows[0].rep, "a");
  EXPECT_EQ(rows[0].line, 3);
  EXPECT_EQ(rows[1].rep, "b");
  EXPECT_EQ(rows[2].rep, "c");
}

TEST(ParseCustomerBatchTest, ABadRowLeavesTheOthersStanding) {
  const auto parsed =
      ParseCustomerBatch(Batch(R"({"rep": "a"}, {"email": "x@example.com"}, {"rep": "c"})"));
  ASSERT_TRUE(parsed) << parsed.error().detail;
  const auto& rows = parsed.value().rows;
  ASSERT_EQ(rows.size(), 3u);
  EXPECT_TRUE(rows[0].Valid());
  EXPECT_EQ(rows[1].error, "row 2: 'rep' is required");
  EXPECT_TRUE(rows[2].Valid());
  EXPECT_EQ(rows[2].rep, "c");
}

TEST(ParseCustomerBatchTest, ARefusedRowKeepsTheLineReadBeforeTheFault) {
  const CustomerRow row = OnlyRow(R"({"line": 7, "rep": "alice", "colour": "red"})");
  EXPECT_THAT(row.error, StartsWith("row 1: unknown key 'colour'"));
  EXPECT_EQ(row.line, 7);
}

TEST(ParseCustomerBatchTest, RefusesABodyThatIsNotJson) {
  EXPECT_THAT(Refusal(""), HasSubstr("not valid JSON"));
  EXPECT_THAT(Refusal("{"), HasSubstr("not valid JSON"));
  EXPECT_THAT(Refusal(Batch(R"({"rep": "a"})") + " trailing"), HasSubstr("not valid JSON"));
  EXPECT_THAT(Refusal(R"({"customers": [{"rep": "a",}]})"), HasSubstr("not valid JSON"));
}

TEST(ParseCustomerBatchTest, RefusesATopLevelOtherThanAnObject) {
  for (const std::string_view body : {"[]", "null", "42", R"("customers")", R"([{"rep": "a"}])"}) {
    EXPECT_THAT(Refusal(body), HasSubstr("body must be a JSON object")) << body;
  }
}

TEST(ParseCustomerBatchTest, RefusesMissingUnknownAndRepeatedTopLevelFields) {
  EXPECT_THAT(Refusal("{}"), HasSubstr("customers is required"));
  EXPECT_THAT(Refusal(R"({"customers": [{"rep": "a"}], "dry_run": true})"),
              HasSubstr("unknown field 'dry_run'"));
  EXPECT_THAT(Refusal(R"({"customers": [{"rep": "a"}], "customers": [{"rep": "b"}]})"),
              HasSubstr("'customers' appears twice"));
}

TEST(ParseCustomerBatchTest, RefusesCustomersThatAreNotAnArray) {
  for (const std::string_view value : {"null", R"({"rep": "a"})", R"("a")", "1", "true"}) {
    EXPECT_THAT(Refusal(R"({"customers": )" + std::string(value) + "}"),
                HasSubstr("customers must be an array"))
        << value;
  }
}

TEST(ParseCustomerBatchTest, RefusesAnEmptyBatch) {
  EXPECT_THAT(Refusal(R"({"customers": []})"), HasSubstr("customers is empty"));
}

TEST(ParseCustomerBatchTest, TakesTheMostRowsAndRefusesOneMore) {
  const auto body = [](std::size_t count) {
    std::string rows;
    for (std::size_t i = 0; i < count; ++i) rows += (i > 0 ? "," : "") + std::string("{}");
    return Batch(rows);
  };
  const auto most = ParseCustomerBatch(body(kMaxCustomerRows));
  ASSERT_TRUE(most) << most.error().detail;
  EXPECT_EQ(most.value().rows.size(), kMaxCustomerRows);
  EXPECT_THAT(Refusal(body(kMaxCustomerRows + 1)),
              HasSubstr("more than " + std::to_string(kMaxCustomerRows) + " rows"));
}

TEST(ParseCustomerBatchTest, RefusesRowsThatAreNotObjects) {
  const auto parsed = ParseCustomerBatch(Batch(R"("alice", 1, null, [], {"rep": "a"}, true)"));
  ASSERT_TRUE(parsed) << parsed.error().detail;
  const auto& rows = parsed.value().rows;
  ASSERT_EQ(rows.size(), 6u);
  for (const std::size_t i : {0u, 1u, 2u, 3u, 5u}) {
    EXPECT_EQ(rows[i].error, "row " + std::to_string(i + 1) + ": must be an object");
  }
  EXPECT_TRUE(rows[4].Valid());
}

TEST(ParseCustomerBatchTest, RefusesARowWithoutARep) {
  EXPECT_EQ(RowError(R"({})"), "row 1: 'rep' is required");
  EXPECT_EQ(RowError(R"({"rep": ""})"), "row 1: 'rep' is required");
  EXPECT_EQ(RowError(R"({"email": "jo@example.com", "line": 4})"), "row 1: 'rep' is required");
}

TEST(ParseCustomerBatchTest, TakesARepOf64BytesAndRefusesALongerOne) {
  EXPECT_EQ(OnlyRow(R"({"rep": ")" + std::string(64, 'r') + R"("})").rep, std::string(64, 'r'));
  EXPECT_THAT(RowError(R"({"rep": ")" + std::string(65, 'r') + R"("})"),
              HasSubstr("'rep' is longer than 64 bytes"));
}

TEST(ParseCustomerBatchTest, TakesTextOf1024BytesInEveryField) {
  for (const std::string_view key :
       {"email", "phone", "website", "company", "name", "source", "stage", "grade"}) {
    const CustomerRow row = OnlyRow(WithField(key, Quoted(std::string(1024, 'x'))));
    EXPECT_TRUE(row.Valid()) << key << ": " << row.error;
  }
  EXPECT_EQ(OnlyRow(WithField("company", Quoted(std::string(1024, 'x')))).company.size(), 1024u);
}

TEST(ParseCustomerBatchTest, RefusesTextLongerThan1024Bytes) {
  for (const std::string_view key :
       {"email", "phone", "website", "company", "name", "source", "stage", "grade"}) {
    EXPECT_THAT(RowError(WithField(key, Quoted(std::string(1025, 'x')))),
                HasSubstr("'" + std::string(key) + "' is longer than 1024 bytes"))
        << key;
  }
}

TEST(ParseCustomerBatchTest, CountsBytesNotCharacters) {
  // 342 three-byte characters: 1,026 bytes.
  std::string text;
  for (int i = 0; i < 342; ++i) text += "\xe6\xb7\xb1";
  EXPECT_THAT(RowError(WithField("company", Quoted(text))),
              HasSubstr("'company' is longer than 1024 bytes"));
  EXPECT_EQ(OnlyRow(WithField("company", Quoted(text.substr(0, 1023)))).company.size(), 1023u);
}

TEST(ParseCustomerBatchTest, ReadsEscapedAndNonAsciiText) {
  const CustomerRow row =
      OnlyRow(R"({"rep": "alice", "company": "\u6df1\u5733\u5e02 \"Gold\" \\ Co", "name": "Zoë"})");
  ASSERT_TRUE(row.Valid()) << row.error;
  EXPECT_EQ(row.company, "\xe6\xb7\xb1\xe5\x9c\xb3\xe5\xb8\x82 \"Gold\" \\ Co");
  EXPECT_EQ(row.name, "Zo\xc3\xab");
}

TEST(ParseCustomerBatchTest, RefusesABodyThatIsNotUtf8) {
  // simdjson checks the whole body before any row is read.
  EXPECT_THAT(Refusal(Batch("{\"rep\": \"alice\", \"company\": \"Acme \xff\"}")),
              HasSubstr("not valid JSON"));
  EXPECT_THAT(Refusal(Batch("{\"rep\": \"alice\", \"name\": \"\xc3\"}")),
              HasSubstr("not valid JSON"));
  EXPECT_THAT(Refusal(Batch("{\"rep\": \"alice\", \"name\": \"\xed\xa0\x80\"}")),
              HasSubstr("not valid JSON"));
}

TEST(ParseCustomerBatchTest, RefusesWholeAnEscapeOfALoneSurrogate) {
  EXPECT_THAT(Refusal(Batch(R"({"rep": "alice", "name": "\ud800"})")), HasSubstr("not valid JSON"));
  EXPECT_THAT(Refusal(Batch(R"({"rep": "alice", "name": "\udc00x"})")),
              HasSubstr("not valid JSON"));
}

TEST(ParseCustomerBatchTest, RefusesANulInAnyText) {
  for (const std::string_view key :
       {"rep", "email", "phone", "website", "company", "name", "country", "street", "city",
        "postcode", "region", "registered_at", "source", "stage", "grade"}) {
    const std::string row =
        std::string(key) == "rep" ? R"({"rep": "al\u0000ice"})" : WithField(key, R"("a\u0000b")");
    EXPECT_THAT(RowError(row), HasSubstr("'" + std::string(key) + "' holds a NUL")) << key;
  }
}

TEST(ParseCustomerBatchTest, RefusesARawControlCharacterAsJsonDoes) {
  EXPECT_THAT(Refusal(Batch(std::string("{\"rep\": \"al\0ice\"}", 17))),
              HasSubstr("not valid JSON"));
  EXPECT_THAT(Refusal(Batch("{\"rep\": \"al\nice\"}")), HasSubstr("not valid JSON"));
}

TEST(ParseCustomerBatchTest, RefusesARepeatedKey) {
  EXPECT_EQ(RowError(R"({"rep": "alice", "rep": "bob"})"), "row 1: 'rep' appears twice");
  EXPECT_EQ(RowError(R"({"rep": "alice", "email": "a@x.com", "email": "a@x.com"})"),
            "row 1: 'email' appears twice");
  EXPECT_EQ(RowError(R"({"rep": "alice", "line": 1, "line": 2})"), "row 1: 'line' appears twice");
}

TEST(ParseCustomerBatchTest, RefusesAnUnknownKeyAndNamesTheKnownOnes) {
  const std::string error = RowError(R"({"rep": "alice", "Email": "a@x.com"})");
  EXPECT_THAT(error, StartsWith("row 1: unknown key 'Email'; expected rep, email"));
  EXPECT_THAT(error, HasSubstr("line"));
}

TEST(ParseCustomerBatchTest, ShowsOnlyPrintableAsciiOfAnUnknownKey) {
  EXPECT_THAT(RowError(R"({"rep": "alice", "caf\u00e9\n": 1})"),
              HasSubstr("unknown key 'caf\?\?\?'"));
  const std::string long_key(100, 'k');
  EXPECT_THAT(RowError(WithField(long_key, "1")), HasSubstr("'" + std::string(64, 'k') + "...'"));
}

TEST(ParseCustomerBatchTest, RefusesTextFieldsOfTheWrongType) {
  for (const std::string_view value : {"null", "1", "true", R"(["a"])", R"({"a": "b"})"}) {
    EXPECT_THAT(RowError(WithField("email", value)), HasSubstr("'email' must be a string"))
        << value;
    EXPECT_THAT(RowError(R"({"rep": )" + std::string(value) + "}"),
                HasSubstr("'rep' must be a string"))
        << value;
  }
}

TEST(ParseCustomerBatchTest, RefusesDeepNestingInARow) {
  std::string nested;
  for (int i = 0; i < 200; ++i) nested += "[";
  for (int i = 0; i < 200; ++i) nested += "]";
  EXPECT_THAT(RowError(WithField("company", nested)), HasSubstr("'company' must be a string"));
}

TEST(ParseCustomerBatchTest, RefusesNestingDeeperThanTheParserTakes) {
  std::string nested;
  for (int i = 0; i < 5000; ++i) nested += "[";
  for (int i = 0; i < 5000; ++i) nested += "]";
  EXPECT_THAT(Refusal(Batch(WithField("company", nested))), HasSubstr("not valid JSON"));
}

TEST(ParseCustomerBatchTest, TakesAnEmptyOrTwoLetterCountry) {
  EXPECT_EQ(OnlyRow(WithField("country", R"("")")).country, "");
  EXPECT_EQ(OnlyRow(WithField("country", R"("DE")")).country, "DE");
  EXPECT_EQ(OnlyRow(WithField("country", R"("cn")")).country, "cn");
}

TEST(ParseCustomerBatchTest, RefusesACountryOtherThanTwoLetters) {
  for (const std::string_view country :
       {R"("D")", R"("DEU")", R"("D1")", R"("  ")", R"("Germany")", R"("\u00c4\u00d6")"}) {
    EXPECT_THAT(RowError(WithField("country", country)), HasSubstr("'country' must be two letters"))
        << country;
  }
}

TEST(ParseCustomerBatchTest, ReadsAPositiveLine) {
  EXPECT_EQ(OnlyRow(WithField("line", "1")).line, 1);
  EXPECT_EQ(OnlyRow(WithField("line", "9223372036854775807")).line, 9'223'372'036'854'775'807);
}

TEST(ParseCustomerBatchTest, RefusesALineThatIsNotAPositiveInteger) {
  for (const std::string_view line : {"0", "-1", "1.5", "1e3", R"("12")", "null", "true",
                                      "9223372036854775808", "18446744073709551615"}) {
    EXPECT_THAT(RowError(WithField("line", line)), HasSubstr("'line' must be a positive integer"))
        << line;
  }
}

TEST(ParseCustomerBatchTest, RefusesWholeALineBeyondWhatJsonNumbersHold) {
  // simdjson refuses an integer past 64 bits in the document, before any row is read.
  EXPECT_THAT(Refusal(Batch(WithField("line", "123456789012345678901234567890"))),
              HasSubstr("not valid JSON"));
}

TEST(ParseCustomerBatchTest, ReadsRegisteredAtAsATimeOrADate) {
  EXPECT_EQ(OnlyRow(WithField("registered_at", R"("2026-11-24")")).registered_at_ms,
            1'795'478'400'000);
  EXPECT_EQ(
      OnlyRow(WithField("registered_at", R"("2026-11-24T10:30:00.250+01:00")")).registered_at_ms,
      1'795'512'600'250);
  EXPECT_EQ(OnlyRow(WithField("registered_at", R"("1970-01-01T00:00:00.001Z")")).registered_at_ms,
            1);
  EXPECT_EQ(OnlyRow(WithField("registered_at", R"("")")).registered_at_ms, 0);
}

TEST(ParseCustomerBatchTest, RefusesABadRegisteredAt) {
  for (const std::string_view when :
       {R"("yesterday")", R"("2026-02-30")", R"("2026-13-01")", R"("24.11.2026")",
        R"("2026-11-24 10:30:00")", R"("2026-11-24T25:00:00Z")", R"("2026-11-24T10:30:00")",
        R"("1969-12-31")", R"("2026-11-24T10:30:00+24:00")", R"("2026-1-24")"}) {
    EXPECT_THAT(RowError(WithField("registered_at", when)),
                HasSubstr("'registered_at' must be a date (2026-12-01) or an RFC 3339 time"))
        << when;
  }
  EXPECT_THAT(RowError(WithField("registered_at", "1795478400000")),
              HasSubstr("'registered_at' must be a string"));
}

TEST(ParseCustomerBatchTest, RefusesARegisteredAtPastTheYearsATimeHolds) {
  EXPECT_EQ(OnlyRow(WithField("registered_at", R"("2200-12-31T23:59:59Z")")).registered_at_ms,
            7'289'654'399'000);
  for (const std::string_view when :
       {R"("2201-01-01")", R"("4052-11-24")", R"("9999-12-31T23:59:59Z")",
        R"("2263-01-01T00:00:00Z")", R"("99999-01-01")"}) {
    EXPECT_THAT(RowError(WithField("registered_at", when)),
                HasSubstr("'registered_at' must be a date (2026-12-01) or an RFC 3339 time"))
        << when;
  }
}

TEST(ParseCustomerBatchTest, NamesEachBadRowByItsPlace) {
  const auto parsed = ParseCustomerBatch(
      Batch(R"({"rep": "a"}, {"rep": "b", "country": "XYZ"}, {"rep": "c", "line": 0})"));
  ASSERT_TRUE(parsed) << parsed.error().detail;
  const auto& rows = parsed.value().rows;
  ASSERT_EQ(rows.size(), 3u);
  EXPECT_TRUE(rows[0].Valid());
  EXPECT_THAT(rows[1].error, StartsWith("row 2: 'country'"));
  EXPECT_THAT(rows[2].error, StartsWith("row 3: 'line'"));
}

}  // namespace
}  // namespace leadd::api
