// The CSV reader is a parser of outside input: well-formed files of every dialect, and files
// malformed by accident or on purpose, each bad row refused on its own with its line.
#include "connectors/lead_csv.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "connectors/web_form/lead_json.h"
#include "core/sha256.h"

namespace leadd::connectors {
namespace {

using namespace std::chrono_literals;
using ::testing::HasSubstr;

const WallTime kNow{1704704400s};

std::vector<CsvLead> ReadAll(std::string_view text, char delimiter = ',') {
  auto reader = LeadCsvReader::Open(text, delimiter, kNow);
  EXPECT_TRUE(reader) << reader.error().detail;
  std::vector<CsvLead> rows;
  if (!reader) return rows;
  while (auto row = reader.value().Next()) rows.push_back(std::move(*row));
  return rows;
}

std::string RefusalOf(const CsvLead& row) {
  if (row.lead) return "accepted";
  EXPECT_EQ(row.lead.error().code, Errc::kRejected);
  return row.lead.error().detail;
}

// Every text a lead carries, for comparing two leads whole.
std::vector<std::string> TextsOf(const Lead& lead) {
  return {lead.id,          lead.source,          lead.channel, lead.external_id,
          lead.source_key,  lead.contact_name,    lead.company, lead.email,
          lead.phone,       lead.country,         lead.region,  lead.city,
          lead.street,      lead.postcode,        lead.product, lead.account,
          lead.received_by, lead.estimated_value, lead.grade,   lead.message,
          lead.raw};
}

std::string HeaderRefusalOf(std::string_view text) {
  auto reader = LeadCsvReader::Open(text, ',', kNow);
  if (reader) return "accepted";
  EXPECT_EQ(reader.error().code, Errc::kRejected);
  return reader.error().detail;
}

TEST(LeadCsvTest, EachColumnFillsTheFieldItsHeaderNames) {
  // Every lead field, each with its own value: the lead equals the one its JSON body gives.
  std::string header;
  std::string row;
  std::string json;
  for (const std::string_view name : LeadFieldNames()) {
    const std::string value = name == "source" ? "expo" : "v-" + std::string(name);
    header += (header.empty() ? "" : ",") + std::string(name);
    row += (row.empty() ? "" : ",") + value;
    json += (json.empty() ? "{" : ",") + ("\"" + std::string(name) + "\":\"" + value + "\"");
  }
  const auto rows = ReadAll(header + "\n" + row + "\n");
  ASSERT_EQ(rows.size(), 1u);
  ASSERT_TRUE(rows[0].lead) << rows[0].lead.error().detail;
  EXPECT_EQ(rows[0].line, 2u);
  Lead from_csv = rows[0].lead.value();
  Lead from_json = ParseLeadJson(json + "}", {}, kNow).value();
  EXPECT_EQ(from_csv.raw, row);
  from_csv.raw = from_json.raw;
  EXPECT_EQ(from_csv.source_key, "expo:ext:v-external_id");
  EXPECT_EQ(TextsOf(from_csv), TextsOf(from_json));
  EXPECT_EQ(from_csv.received_at, kNow);
}

TEST(LeadCsvTest, ARowWithoutAnExternalIdIsKeyedByItsOwnText) {
  const auto rows = ReadAll("email,source\r\na@b.example,web\r\n");
  ASSERT_EQ(rows.size(), 1u);
  const Lead& lead = rows[0].lead.value();
  EXPECT_EQ(lead.raw, "a@b.example,web");
  EXPECT_EQ(lead.source_key, "web:sha256:" + Sha256Hex("a@b.example,web"));
  EXPECT_EQ(lead.channel, "api");  // as POST /v1/leads fills it in
}

TEST(LeadCsvTest, QuotedFieldsHoldDelimitersQuotesAndLineEnds) {
  const auto rows = ReadAll(
      "source,company,message\n"
      "web,\"ACME, Inc.\",\"He said \"\"hi\"\"\r\nand left\"\n"
      "web,\"\",\"\"\"\"\n"
      "web,Beta,plain\n");
  ASSERT_EQ(rows.size(), 3u);
  EXPECT_EQ(rows[0].line, 2u);
  EXPECT_EQ(rows[0].lead.value().company, "ACME, Inc.");
  EXPECT_EQ(rows[0].lead.value().message, "He said \"hi\"\r\nand left");
  EXPECT_EQ(rows[1].line, 4u);  // the line end inside the quotes still counts
  EXPECT_EQ(RefusalOf(rows[1]),
            "a lead needs at least one of email, phone, contact_name, company");  // "" is empty
  EXPECT_EQ(rows[2].line, 5u);
  EXPECT_EQ(rows[2].lead.value().company, "Beta");
}

TEST(LeadCsvTest, CrLfAndLfLineEndsAndALastLineWithoutOne) {
  const auto rows = ReadAll("source,email\r\nweb,a@b.example\nweb,c@d.example\r\nweb,e@f.example");
  ASSERT_EQ(rows.size(), 3u);
  EXPECT_EQ(rows[0].lead.value().email, "a@b.example");
  EXPECT_EQ(rows[1].lead.value().email, "c@d.example");
  EXPECT_EQ(rows[2].lead.value().email, "e@f.example");
  EXPECT_EQ(rows[2].line, 4u);
}

TEST(LeadCsvTest, BlankLinesAreSkippedButCounted) {
  const auto rows = ReadAll("\nsource,email\n\n\r\nweb,a@b.example\n\n");
  ASSERT_EQ(rows.size(), 1u);
  EXPECT_EQ(rows[0].line, 5u);
}

TEST(LeadCsvTest, AByteOrderMarkBeforeTheHeaderIsSkipped) {
  const auto rows = ReadAll("\xEF\xBB\xBFsource,email\nweb,a@b.example\n");
  ASSERT_EQ(rows.size(), 1u);
  EXPECT_EQ(rows[0].lead.value().source, "web");
  // Anywhere else it is data, and a source may not hold it.
  EXPECT_THAT(RefusalOf(ReadAll("source,email\n\xEF\xBB\xBFweb,a@b.example\n")[0]),
              HasSubstr("field 'source' may hold only"));
}

TEST(LeadCsvTest, TsvSplitsOnTabsOnly) {
  const auto rows = ReadAll("source\tcompany\temail\nweb\tACME, Inc.\t\"a\tb@c.example\"\n", '\t');
  ASSERT_EQ(rows.size(), 1u);
  EXPECT_EQ(rows[0].lead.value().company, "ACME, Inc.");
  EXPECT_EQ(rows[0].lead.value().email, "a\tb@c.example");
}

TEST(LeadCsvTest, AnEmptyCellIsAnAbsentField) {
  const auto rows = ReadAll("source,email,phone\nweb,,+1 555\n");
  EXPECT_EQ(rows[0].lead.value().email, "");
  EXPECT_EQ(rows[0].lead.value().phone, "+1 555");
}

TEST(LeadCsvTest, RowsPassTheSameRulesAsJsonBodies) {
  const std::vector<std::pair<std::string, std::string>> cases = {
      {"email\na@b.example\n", R"({"email":"a@b.example"})"},
      {"source,email\nWeb!,a@b.example\n", R"({"source":"Web!","email":"a@b.example"})"},
      {"source,country\nweb,DE\n", R"({"source":"web","country":"DE"})"},
      {"source,grade,email\nweb,ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789,a@b.example\n",
       R"({"source":"web","grade":"ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789","email":"a@b.example"})"},
  };
  for (const auto& [csv, json] : cases) {
    const auto rows = ReadAll(csv);
    ASSERT_EQ(rows.size(), 1u) << csv;
    const auto from_json = ParseLeadJson(json, {}, kNow);
    ASSERT_FALSE(from_json) << json;
    EXPECT_EQ(RefusalOf(rows[0]), from_json.error().detail) << csv;
  }
}

TEST(LeadCsvTest, AnEmptyFileOrOneOfBlankLinesHasNoHeader) {
  for (const std::string_view text : {"", "\n\r\n\n", "\xEF\xBB\xBF"}) {
    EXPECT_THAT(HeaderRefusalOf(text), HasSubstr("the file is empty")) << text;
  }
}

TEST(LeadCsvTest, AHeaderAloneHoldsNoLeads) {
  EXPECT_TRUE(ReadAll("source,email\n").empty());
  EXPECT_TRUE(ReadAll("source,email").empty());
}

TEST(LeadCsvTest, TheHeaderNamesEachLeadFieldOnce) {
  EXPECT_EQ(HeaderRefusalOf("source,emial\n"),
            "line 1: unknown column 'emial' (did you mean 'email'?)");
  EXPECT_EQ(HeaderRefusalOf("source,Email\n"),
            "line 1: unknown column 'Email' (did you mean 'email'?)");
  EXPECT_EQ(HeaderRefusalOf("source,favourite_colour\n"),
            "line 1: unknown column 'favourite_colour'");
  EXPECT_EQ(HeaderRefusalOf("\nsource,email,email\n"), "line 2: column 'email' appears twice");
  EXPECT_THAT(HeaderRefusalOf("source,,email\n"), HasSubstr("line 1: column 2 has no name"));
  EXPECT_THAT(HeaderRefusalOf("source,\"email\n"), HasSubstr("line 1: the quote opened on line 1"));
  EXPECT_EQ(HeaderRefusalOf(std::string("source,e\0\x1b[2J\n", 14)),
            "line 1: unknown column 'e??[2J'");  // control bytes are not echoed
}

TEST(LeadCsvTest, AnUnterminatedQuoteRefusesItsRowAndRunsToTheEnd) {
  const auto rows = ReadAll("source,email\nweb,a@b.example\nweb,\"c@d.example\nweb,e@f.example\n");
  ASSERT_EQ(rows.size(), 2u);
  EXPECT_TRUE(rows[0].lead);
  EXPECT_EQ(rows[1].line, 3u);
  EXPECT_EQ(RefusalOf(rows[1]), "the quote opened on line 3 in column 2 is never closed");
}

TEST(LeadCsvTest, StrayQuotesAndLoneCarriageReturnsRefuseOnlyTheirRow) {
  const auto rows = ReadAll(
      "source,company\n"
      "web,ACME \"Pumps\"\n"
      "web,\"ACME\" Pumps\n"
      "web,AC\rME\n"
      "web,ACME\n");
  ASSERT_EQ(rows.size(), 4u);
  EXPECT_EQ(RefusalOf(rows[0]),
            "a quote inside an unquoted field in column 2: quote the whole field and double the "
            "quotes inside it");
  EXPECT_EQ(RefusalOf(rows[1]), "text after the closing quote in column 2");
  EXPECT_EQ(RefusalOf(rows[2]), "a carriage return without a line feed in column 2");
  EXPECT_EQ(rows[3].line, 5u);
  EXPECT_EQ(rows[3].lead.value().company, "ACME");
}

TEST(LeadCsvTest, RaggedRowsAreRefused) {
  const auto rows = ReadAll("source,email,phone\nweb,a@b.example\nweb,a@b.example,1,2\nweb,,1\n");
  ASSERT_EQ(rows.size(), 3u);
  EXPECT_EQ(RefusalOf(rows[0]), "the row has 2 fields, the header 3");
  EXPECT_EQ(RefusalOf(rows[1]), "the row has 4 fields, the header 3");
  EXPECT_TRUE(rows[2].lead);
}

TEST(LeadCsvTest, NulBytesAndBadUtf8AreRefused) {
  using namespace std::string_literals;
  const auto rows =
      ReadAll("source,company\nweb,AC\0ME\nweb,\"\0\"\nweb,AC\xC3\x28ME\nweb,\xC3\xA9t\xC3\xA9\n"s);
  ASSERT_EQ(rows.size(), 4u);
  EXPECT_EQ(RefusalOf(rows[0]), "field 'company' holds a NUL byte");
  EXPECT_EQ(RefusalOf(rows[1]), "field 'company' holds a NUL byte");
  EXPECT_EQ(RefusalOf(rows[2]), "field 'company' is not valid UTF-8");
  EXPECT_EQ(rows[3].lead.value().company, "\xC3\xA9t\xC3\xA9");
}

TEST(LeadCsvTest, FieldsAreHeldToTheirJsonLimits) {
  const std::string message(kMaxMessageBytes, 'm');
  const std::string text =
      "source,email,message\n"
      "web,a@b.example," +
      message + "\nweb,a@b.example," + message + "m\nweb," + std::string(kMaxFieldBytes + 1, 'e') +
      ",\n";
  const auto rows = ReadAll(text);
  ASSERT_EQ(rows.size(), 3u);
  EXPECT_EQ(rows[0].lead.value().message.size(), kMaxMessageBytes);
  EXPECT_EQ(RefusalOf(rows[1]), "field 'message' is longer than 65536 bytes");
  EXPECT_EQ(RefusalOf(rows[2]), "field 'email' is longer than 1024 bytes");
}

TEST(LeadCsvTest, AnOverlongRowIsRefusedWithoutLosingTheNext) {
  const std::string huge(3 * kMaxCsvRowBytes, 'x');
  const auto rows = ReadAll("source,company\nweb,\"" + huge + "\n" + huge + "\"\nweb,Alpha\n" +
                            "web," + std::string(kMaxCsvRowBytes, ',') + "\nweb,Beta\n");
  ASSERT_EQ(rows.size(), 4u);
  EXPECT_EQ(RefusalOf(rows[0]), "the row is longer than 131072 bytes");
  EXPECT_EQ(rows[1].line, 4u);
  EXPECT_EQ(rows[1].lead.value().company, "Alpha");
  EXPECT_EQ(RefusalOf(rows[2]), "the row is longer than 131072 bytes");
  EXPECT_EQ(rows[3].line, 6u);
  EXPECT_EQ(rows[3].lead.value().company, "Beta");
}

TEST(CsvScannerTest, SplitsRecordsAndKeepsTheirText) {
  CsvScanner scanner("a,\"b,c\"\r\n\"d\"\"\",\n", ',');
  const auto first = scanner.Next();
  ASSERT_TRUE(first);
  EXPECT_EQ(first->fields, (std::vector<std::string>{"a", "b,c"}));
  EXPECT_EQ(first->text, "a,\"b,c\"");
  const auto second = scanner.Next();
  ASSERT_TRUE(second);
  EXPECT_EQ(second->fields, (std::vector<std::string>{"d\"", ""}));
  EXPECT_EQ(second->line, 2u);
  EXPECT_FALSE(scanner.Next());
}

}  // namespace
}  // namespace leadd::connectors
