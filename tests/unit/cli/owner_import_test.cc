// `leadctl owners import`: the column mapping, the rows sent, their order and batches, the
// daemon's answers, the report, the progress and the command's refusals before any request.
#include "cli/owner_import.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <sstream>

#include "cli/owner_commands.h"

namespace leadd::cli {
namespace {

using ::testing::HasSubstr;
using ::testing::IsEmpty;
using namespace std::string_literals;

std::string MappingRefusal(const std::vector<std::string>& header,
                           const std::vector<std::string>& overrides, bool default_rep = false) {
  const auto mapping = MapColumns(header, overrides, default_rep);
  EXPECT_FALSE(mapping);
  return mapping ? std::string() : mapping.error().detail;
}

std::vector<ImportRow> Rows(std::string_view text, const RowDefaults& defaults = {"", "import"},
                            const std::vector<std::string>& overrides = {}) {
  const auto header = ReadExportHeader(text, ',');
  EXPECT_TRUE(header) << header.error().detail;
  const auto mapping = MapColumns(header.value(), overrides, !defaults.rep.empty());
  EXPECT_TRUE(mapping) << mapping.error().detail;
  return ReadExportRows(text, ',', mapping.value(), defaults);
}

ImportRow Sendable(std::size_t line, std::string json) {
  return ImportRow{.line = line,
                   .rep = "alice",
                   .registered_at = std::nullopt,
                   .json = std::move(json),
                   .invalid = {}};
}

TEST(MapColumnsTest, HeaderCellsNamingFieldsMapThemselves) {
  const auto mapping =
      MapColumns({" Email ", "REP", "Company", "Notes", "Registered_At"}, {}, false);
  ASSERT_TRUE(mapping) << mapping.error().detail;
  EXPECT_EQ(mapping.value().ColumnOf("email"), 0u);
  EXPECT_EQ(mapping.value().ColumnOf("rep"), 1u);
  EXPECT_EQ(mapping.value().ColumnOf("company"), 2u);
  EXPECT_EQ(mapping.value().ColumnOf("registered_at"), 4u);
  EXPECT_EQ(mapping.value().ColumnOf("phone"), std::nullopt);
  EXPECT_EQ(mapping.value().header_columns, 5u);
}

TEST(MapColumnsTest, MapOverridesByTheColumnsExactText) {
  const auto mapping = MapColumns({"E-Mail", "Owner", "Firma", "name", "email"},
                                  {"email=E-Mail", "rep=Owner", "company=name"}, false);
  ASSERT_TRUE(mapping) << mapping.error().detail;
  EXPECT_EQ(mapping.value().ColumnOf("email"), 0u);
  EXPECT_EQ(mapping.value().ColumnOf("rep"), 1u);
  // A column --map gives to company no longer fills name, whose header cell it is.
  EXPECT_EQ(mapping.value().ColumnOf("company"), 3u);
  EXPECT_EQ(mapping.value().ColumnOf("name"), std::nullopt);
  EXPECT_EQ(mapping.value().ColumnOf("website"), std::nullopt);
}

TEST(MapColumnsTest, EveryMistakeIsASentence) {
  EXPECT_THAT(MappingRefusal({"email", "rep"}, {"mail=email"}),
              HasSubstr("--map names an unknown field 'mail'; the fields are rep, email, phone"));
  EXPECT_THAT(MappingRefusal({"email", "rep"}, {"email"}),
              HasSubstr("--map takes FIELD=COLUMN, not 'email'"));
  EXPECT_THAT(MappingRefusal({"Mail", "Owner"}, {"email=E-Mail", "rep=Owner"}),
              HasSubstr("--map email=E-Mail: the header has no column 'E-Mail'; its columns are "
                        "'Mail', 'Owner'"));
  EXPECT_THAT(MappingRefusal({"Mail", "rep"}, {"email=Mail", "phone=Mail"}),
              HasSubstr("the column 'Mail' is given to two fields, email and phone"));
  EXPECT_THAT(MappingRefusal({"Mail", "rep"}, {"email=Mail", "email=rep"}),
              HasSubstr("--map gives the field email twice"));
  EXPECT_THAT(MappingRefusal({"email", "Email "}, {}),
              HasSubstr("the columns 'email' and 'Email ' both name the field email; choose one "
                        "with --map email=COLUMN"));
  EXPECT_THAT(MappingRefusal({"email", "owner"}, {}),
              HasSubstr("no column gives the rep who owns each customer: map one with --map "
                        "rep=COLUMN or give every row one with --rep REP"));
  EXPECT_TRUE(MapColumns({"email", "owner"}, {}, true));
  EXPECT_THAT(MappingRefusal({"rep", "name", "country"}, {}),
              HasSubstr("no column gives an email, phone, website or company"));
  EXPECT_THAT(MappingRefusal({"rep", "name", "Mail\x01"}, {}),
              HasSubstr("the header's columns are 'rep', 'name', 'Mail?'"));
}

TEST(ReadExportHeaderTest, SkipsTheByteOrderMarkAndRefusesWhatIsNoHeader) {
  EXPECT_EQ(ReadExportHeader("\xEF\xBB\xBF"
                             "email,rep\nx@example.com,alice\n",
                             ',')
                .value(),
            (std::vector<std::string>{"email", "rep"}));
  EXPECT_EQ(ReadExportHeader("email\trep\n", '\t').value(),
            (std::vector<std::string>{"email", "rep"}));
  EXPECT_THAT(ReadExportHeader("", ',').error().detail, HasSubstr("the file is empty"));
  EXPECT_THAT(ReadExportHeader("\xEF\xBB\xBF", ',').error().detail, HasSubstr("the file is empty"));
  EXPECT_THAT(ReadExportHeader("\n\n\"email,rep\n", ',').error().detail,
              HasSubstr("line 3: the quote opened on line 3 in column 1 is never closed"));
  EXPECT_THAT(ReadExportHeader("e\xFFmail,rep\n", ',').error().detail,
              HasSubstr("line 1: the header is not valid UTF-8"));
}

TEST(ReadExportRowsTest, RowsBecomeJsonWithEmptyCellsLeftOut) {
  const auto rows = Rows(
      "\xEF\xBB\xBF"
      "rep,email,company,phone,country,stage,line\n"
      "alice, Ann@Example.com ,\"Acme \"\"Best\"\", Inc.\",,de,customer,ignored\n"
      "bob,,\xE4\xB8\x8A\xE6\xB5\xB7\xE7\x94\xB5\xE5\x99\xA8,+49 30 1234,,,\n"
      "carol,c@example.com,\"back\\slash\nand newline\",,,,\n");
  ASSERT_EQ(rows.size(), 3u);
  EXPECT_EQ(rows[0].line, 2u);
  EXPECT_EQ(rows[0].rep, "alice");
  EXPECT_EQ(rows[0].json,
            R"({"line":2,"rep":"alice","email":"Ann@Example.com","company":"Acme \"Best\", Inc.",)"
            R"("country":"de","source":"import","stage":"customer"})");
  EXPECT_EQ(
      rows[1].json,
      "{\"line\":3,\"rep\":\"bob\",\"phone\":\"+49 30 1234\",\"company\":\"\xE4\xB8\x8A\xE6\xB5\xB7"
      "\xE7\x94\xB5\xE5\x99\xA8\",\"source\":\"import\"}");
  EXPECT_EQ(rows[2].line, 4u);
  EXPECT_EQ(
      rows[2].json,
      R"({"line":4,"rep":"carol","email":"c@example.com","company":"back\\slash\nand newline",)"
      R"("source":"import"})");
  for (const ImportRow& row : rows) EXPECT_THAT(row.invalid, IsEmpty());
}

TEST(ReadExportRowsTest, AddressColumnsGoWithTheRow) {
  const auto rows = Rows(
      "rep,name,email,Postcode,City,Street,Region\n"
      "alice,Jo Doe,jo@example.com,LS1 4AP,Leeds,12 High Street,West Yorkshire\n");
  ASSERT_EQ(rows.size(), 1u);
  EXPECT_EQ(rows[0].json, R"({"line":2,"rep":"alice","email":"jo@example.com","name":"Jo Doe",)"
                          R"("street":"12 High Street","city":"Leeds","postcode":"LS1 4AP",)"
                          R"("region":"West Yorkshire","source":"import"})");
}

TEST(ReadExportRowsTest, DefaultRepFillsEmptyRepCellsAndSourceColumnWins) {
  const auto rows = Rows("rep,email,source\n,a@example.com,\nbob,b@example.com,fair 2024\n",
                         {"dave", "import crm.csv"});
  ASSERT_EQ(rows.size(), 2u);
  EXPECT_EQ(rows[0].rep, "dave");
  EXPECT_EQ(rows[0].json,
            R"({"line":2,"rep":"dave","email":"a@example.com","source":"import crm.csv"})");
  EXPECT_EQ(rows[1].json, R"({"line":3,"rep":"bob","email":"b@example.com","source":"fair 2024"})");
}

TEST(ReadExportRowsTest, BadRowsAreInvalidWithTheirLineAndTheRestIsRead) {
  const auto rows = Rows(
      "rep,email,company,registered_at\n"
      "alice,a@example.com,\"Acme\"x,\n"       // text after a closing quote
      "alice,a@example.com\n"                  // too few cells
      "alice,a@example.com,M\xFCller GmbH,\n"  // Latin-1, not UTF-8
      "alice,a@example.com,Nul\0l,\n"          // a NUL byte
      ",a@example.com,Acme,\n"                 // no rep, no --rep
      "alice,, ,\n"                            // no key
      "alice,a@example.com,Acme,yesterday\n"   // not a date
      "alice,\"multi\nline\",Acme,\n"          // fine: spans lines 9 and 10
      "alice,ok@example.com,Acme,2024-01-31\n"s);
  ASSERT_EQ(rows.size(), 9u);
  EXPECT_THAT(rows[0].invalid, HasSubstr("text after the closing quote in column 3"));
  EXPECT_EQ(rows[0].line, 2u);
  EXPECT_EQ(rows[1].invalid, "the row has 2 cells, the header 4");
  EXPECT_THAT(rows[2].invalid, HasSubstr("the row is not valid UTF-8"));
  EXPECT_EQ(rows[3].invalid, "the row holds a NUL byte");
  EXPECT_EQ(rows[4].invalid, "the row names no rep, and no --rep gives a default");
  EXPECT_EQ(rows[5].invalid, "the row has no email, phone, website or company");
  EXPECT_THAT(rows[6].invalid, HasSubstr("registered_at must be a date (2026-12-01) or an RFC "
                                         "3339 time"));
  EXPECT_EQ(rows[6].line, 8u);
  EXPECT_THAT(rows[7].invalid, IsEmpty());
  EXPECT_EQ(rows[7].line, 9u);
  EXPECT_THAT(rows[8].invalid, IsEmpty());
  EXPECT_EQ(rows[8].line, 11u);
  EXPECT_TRUE(rows[8].registered_at);
  for (const ImportRow& row : rows) {
    if (!row.invalid.empty()) {
      EXPECT_THAT(row.json, IsEmpty());
    }
  }
}

TEST(OrderByRegistrationTest, EarliestFirstThenUndatedInFileOrder) {
  auto rows = Rows(
      "rep,email,registered_at\n"
      "r2,a@example.com,\n"
      "r3,a@example.com,2024-03-01\n"
      "r4,a@example.com,2024-02-29T23:30:00-02:00\n"  // 2024-03-01T01:30Z: after r3
      "r5,a@example.com,2023-12-31T23:59:59Z\n"
      "r6,a@example.com,\n"
      "r7,a@example.com,2024-03-01\n");
  OrderByRegistration(rows);
  std::vector<std::string> order;
  for (const ImportRow& row : rows) order.push_back(row.rep);
  EXPECT_EQ(order, (std::vector<std::string>{"r5", "r3", "r7", "r4", "r2", "r6"}));
}

TEST(BatchTest, CutByCountAndBySize) {
  std::vector<ImportRow> rows;
  for (std::size_t i = 0; i < 7; ++i) rows.push_back(Sendable(i + 2, std::string(100, 'x')));
  EXPECT_EQ(BatchEnd(rows, 0, 3, kMaxBatchBytes), 3u);
  EXPECT_EQ(BatchEnd(rows, 3, 3, kMaxBatchBytes), 6u);
  EXPECT_EQ(BatchEnd(rows, 6, 3, kMaxBatchBytes), 7u);
  // {"customers":[ and ]} take 16 bytes, each row 100 and a comma after the first.
  EXPECT_EQ(BatchEnd(rows, 0, 1000, 16 + 100 + 101), 2u);
  EXPECT_EQ(BatchEnd(rows, 0, 1000, 16 + 100 + 101 - 1), 1u);
  // A row larger than the limit alone still goes, alone.
  EXPECT_EQ(BatchEnd(rows, 0, 1000, 50), 1u);
  EXPECT_EQ(BatchEnd(rows, 7, 3, kMaxBatchBytes), 7u);

  std::vector<ImportRow> small = {Sendable(2, R"({"rep":"a"})"), Sendable(3, R"({"rep":"b"})")};
  EXPECT_EQ(BatchBody(small, 0, 2), R"({"customers":[{"rep":"a"},{"rep":"b"}]})");
  EXPECT_EQ(BatchBody(small, 1, 2), R"({"customers":[{"rep":"b"}]})");
  EXPECT_EQ(BatchBody(small, 0, 2).size(), 16 + 11 + 1 + 11u);
}

TEST(ReadBatchAnswerTest, CountsOutcomesAndReportsAllButRegistered) {
  std::vector<ImportRow> rows;
  for (std::size_t line = 2; line <= 7; ++line) rows.push_back(Sendable(line, "{}"));
  rows[2].rep = "bob";
  ImportTally tally;
  tally.rows_read = 10;
  const auto lines = ReadBatchAnswer(
      R"({"results":[{"line":3,"outcome":"registered","customer":"C-1"},)"
      R"({"line":4,"outcome":"already_theirs","customer":"C-7"},)"
      R"({"line":5,"outcome":"conflict","owner":"carol","customer":"C-2",)"
      R"("registered_at":"2024-01-05T00:00:00Z","explanation":"owned by carol since 2024-01-05"},)"
      R"({"line":6,"outcome":"review","customer":"C-3","possible_owner":"dave",)"
      R"("possible_customer":"C-9","score":0.87},)"
      R"({"line":7,"outcome":"invalid","error":"row 5: country must be two letters"}],)"
      R"("registered":1,"review":1,"already_theirs":1,"conflicts":1,"invalid":1})",
      rows, 1, 6, tally);
  ASSERT_TRUE(lines) << lines.error().detail;
  EXPECT_EQ(tally.done, 5u);
  EXPECT_EQ(tally.registered, 1u);
  EXPECT_EQ(tally.already_theirs, 1u);
  EXPECT_EQ(tally.conflicts, 1u);
  EXPECT_EQ(tally.review, 1u);
  EXPECT_EQ(tally.invalid, 1u);
  ASSERT_EQ(lines.value().size(), 4u);
  const auto& already = lines.value()[0];
  EXPECT_EQ(already.line, 4u);
  EXPECT_EQ(already.outcome, "already_theirs");
  EXPECT_EQ(already.owner, "bob");
  EXPECT_EQ(already.customer, "C-7");
  const auto& conflict = lines.value()[1];
  EXPECT_EQ(conflict.owner, "carol");
  EXPECT_EQ(conflict.customer, "C-2");
  EXPECT_EQ(conflict.registered_at, "2024-01-05T00:00:00Z");
  EXPECT_EQ(conflict.detail, "owned by carol since 2024-01-05");
  EXPECT_EQ(lines.value()[2].detail, "possibly the customer C-9 of dave (score 0.87)");
  // The row's place in the batch is left out: the report names it by its line.
  EXPECT_EQ(lines.value()[3].detail, "country must be two letters");
}

TEST(ReadBatchAnswerTest, KeepsAnErrorThatDoesNotStartWithTheRowsPlace) {
  std::vector<ImportRow> rows = {Sendable(2, "{}"), Sendable(3, "{}"), Sendable(4, "{}")};
  ImportTally tally;
  const auto lines = ReadBatchAnswer(
      R"({"results":[{"line":2,"outcome":"invalid","error":"row: x"},)"
      R"({"line":3,"outcome":"invalid","error":"row 2x: y"},)"
      R"({"line":4,"outcome":"invalid","error":"rep carol is not in the config"}]})",
      rows, 0, 3, tally);
  ASSERT_TRUE(lines) << lines.error().detail;
  EXPECT_EQ(lines.value()[0].detail, "row: x");
  EXPECT_EQ(lines.value()[1].detail, "row 2x: y");
  EXPECT_EQ(lines.value()[2].detail, "rep carol is not in the config");
  EXPECT_EQ(tally.invalid, 3u);
}

TEST(ReadBatchAnswerTest, RefusesAnAnswerThatDoesNotFitTheBatch) {
  std::vector<ImportRow> rows = {Sendable(2, "{}"), Sendable(3, "{}")};
  ImportTally tally;
  const auto refusal = [&](std::string_view answer) {
    const auto lines = ReadBatchAnswer(answer, rows, 0, 2, tally);
    EXPECT_FALSE(lines);
    return lines ? std::string() : lines.error().detail;
  };
  EXPECT_THAT(refusal("not json"), HasSubstr("holds no results"));
  EXPECT_THAT(refusal(R"({"error":"x"})"), HasSubstr("holds no results"));
  EXPECT_THAT(refusal(R"({"results":[{"line":2,"outcome":"registered"}]})"),
              HasSubstr("leadd answered 1 results for 2 rows"));
  EXPECT_THAT(refusal(R"({"results":[{"line":3,"outcome":"registered"},)"
                      R"({"line":2,"outcome":"registered"}]})"),
              HasSubstr("not in the order of the rows sent (line 2)"));
  EXPECT_THAT(refusal(R"({"results":[{"line":2,"outcome":"registered"},)"
                      R"({"line":3,"outcome":"stolen"}]})"),
              HasSubstr("unknown outcome 'stolen' for line 3"));
  EXPECT_EQ(tally.done, 0u);
  EXPECT_EQ(tally.registered, 0u);
}

TEST(ReportCsvTest, QuotesCommasQuotesAndLineEndsAndOrdersByLine) {
  const std::string csv = ReportCsv({
      {.line = 9,
       .outcome = "invalid",
       .owner = {},
       .customer = {},
       .registered_at = {},
       .detail = "line 9: a quote inside an unquoted field"},
      {.line = 3,
       .outcome = "conflict",
       .owner = "bob",
       .customer = "C-1",
       .registered_at = "2024-01-05",
       .detail = "owned by bob, \"since\" 2024\nsee CRM"},
  });
  EXPECT_EQ(csv,
            "line,outcome,owner,customer,registered_at,detail\n"
            "3,conflict,bob,C-1,2024-01-05,\"owned by bob, \"\"since\"\" 2024\nsee CRM\"\n"
            "9,invalid,,,,line 9: a quote inside an unquoted field\n");
  EXPECT_EQ(ReportCsv({}), "line,outcome,owner,customer,registered_at,detail\n");
}

TEST(RetryDelayTest, DoublesFromHalfASecondUpToFive) {
  EXPECT_EQ(RetryDelay(1), Duration(500));
  EXPECT_EQ(RetryDelay(2), Duration(1'000));
  EXPECT_EQ(RetryDelay(3), Duration(2'000));
  EXPECT_EQ(RetryDelay(4), Duration(4'000));
  EXPECT_EQ(RetryDelay(5), Duration(5'000));
  EXPECT_EQ(RetryDelay(60), Duration(5'000));
}

ImportTally Tally(std::size_t read, std::size_t done) {
  return ImportTally{.rows_read = read,
                     .done = done,
                     .registered = 400'112,
                     .review = 55,
                     .already_theirs = 3,
                     .conflicts = 1'203,
                     .invalid = 12};
}

TEST(ImportProgressTest, TerminalRedrawsOneLine) {
  ImportProgress progress(true);
  EXPECT_EQ(progress.Finish(), "");
  EXPECT_EQ(progress.Update(Tally(1'000'000, 450'000), 450'000 / 23'104.5),
            "\r[#########...........]  450,000/1,000,000 rows  registered 400,112  conflicts "
            "1,203  review 55  invalid 12  23,104 rows/s");
  EXPECT_EQ(progress.Update(Tally(1'000'000, 500'000), 500'000 / 23'104.5),
            "\r[##########..........]  500,000/1,000,000 rows  registered 400,112  conflicts "
            "1,203  review 55  invalid 12  23,104 rows/s");
  // A shorter line blanks out what is left of the longer one.
  const std::string shorter = progress.Update(Tally(1'000'000, 1'000'000), 1'000'000 / 9.5);
  EXPECT_EQ(shorter,
            "\r[####################]  1,000,000/1,000,000 rows  registered 400,112  conflicts "
            "1,203  review 55  invalid 12  9 rows/s   ");
  EXPECT_EQ(progress.Finish(), "\n");
  EXPECT_THAT(ImportProgress(true).Update(Tally(0, 0), 0),
              HasSubstr("[####################]  0/0"));
}

TEST(ImportProgressTest, ElsewhereALineAtEachTenth) {
  ImportProgress progress(false);
  EXPECT_EQ(progress.Update(Tally(1'000, 50), 1), "");
  EXPECT_EQ(progress.Update(Tally(1'000, 100), 2),
            "10%  100/1,000 rows  registered 400,112  conflicts 1,203  review 55  invalid 12  "
            "50 rows/s\n");
  EXPECT_EQ(progress.Update(Tally(1'000, 150), 3), "");
  EXPECT_THAT(progress.Update(Tally(1'000, 390), 4), HasSubstr("30%  390/1,000 rows"));
  EXPECT_THAT(progress.Update(Tally(1'000, 1'000), 5), HasSubstr("100%  1,000/1,000 rows"));
  EXPECT_EQ(progress.Update(Tally(1'000, 1'000), 5), "");
  EXPECT_EQ(progress.Finish(), "");
}

TEST(FormatImportSummaryTest, EveryCountSecondsAndRate) {
  EXPECT_EQ(FormatImportSummary(Tally(1'000'000, 1'000'000), 43.28),
            "rows read          1,000,000\n"
            "registered           400,112\n"
            "review                    55\n"
            "already theirs             3\n"
            "conflicts              1,203\n"
            "invalid                   12\n"
            "seconds                 43.3\n"
            "rows/s                23,105\n");
}

class RunOwnersCommandTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ =
        std::filesystem::temp_directory_path() /
        ("owner-import-test-" + std::to_string(::testing::UnitTest::GetInstance()->random_seed()) +
         "-" + ::testing::UnitTest::GetInstance()->current_test_info()->name());
    std::filesystem::create_directories(dir_);
  }
  void TearDown() override { std::filesystem::remove_all(dir_); }

  std::string Write(const std::string& name, std::string_view text) {
    const std::string path = (dir_ / name).string();
    std::ofstream(path, std::ios::binary) << text;
    return path;
  }

  static std::string Slurp(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    std::ostringstream text;
    text << in.rdbuf();
    return text.str();
  }

  int Run(const std::vector<std::string>& args) {
    out_.str("");
    err_.str("");
    return RunOwnersCommand(client_, args, out_, err_);
  }

  // Nothing listens on port 9: a run that got as far as the daemon exits 69.
  const AdminClient client_{"http://127.0.0.1:9", "token"};
  std::filesystem::path dir_;
  std::ostringstream out_;
  std::ostringstream err_;
};

TEST_F(RunOwnersCommandTest, UsageProblemsNeverReachTheDaemon) {
  const std::string file = Write("crm.csv", "rep,email\nalice,a@example.com\n");
  const std::vector<std::vector<std::string>> bad = {
      {},
      {"import"},
      {"export", file},
      {"import", file, "extra"},
      {"import", file, "--batch", "0"},
      {"import", file, "--batch", "5001"},
      {"import", file, "--batch", "10x"},
      {"import", file, "--delimiter", ";"},
      {"import", file, "--map"},
      {"import", file, "--map", "mail=email"},
      {"import", file, "--rep", ""},
      {"import", file, "--quiet", "--quiet"},
      {"import", file, "--colour", "red"},
  };
  for (const auto& args : bad) {
    EXPECT_EQ(Run(args), 64) << ::testing::PrintToString(args) << err_.str();
  }
  EXPECT_EQ(Run({"import", file, "--map", "email=Mail"}), 64);
  EXPECT_THAT(err_.str(), HasSubstr("the header has no column 'Mail'; its columns are 'rep', "
                                    "'email'"));
}

TEST_F(RunOwnersCommandTest, FileProblemsExit66And65) {
  EXPECT_EQ(Run({"import", (dir_ / "missing.csv").string()}), 66);
  EXPECT_THAT(err_.str(), HasSubstr("there is no file"));
  EXPECT_EQ(Run({"import", dir_.string()}), 65);
  EXPECT_THAT(err_.str(), HasSubstr("cannot read"));
  EXPECT_EQ(Run({"import", Write("empty.csv", "")}), 65);
  EXPECT_THAT(err_.str(), HasSubstr("the file is empty"));
  EXPECT_EQ(Run({"import", Write("broken.csv", "rep,\"email\n")}), 65);
  EXPECT_THAT(err_.str(), HasSubstr("broken.csv: line 1: the quote opened on line 1"));
}

TEST_F(RunOwnersCommandTest, TsvFilesAreSplitOnTabs) {
  const std::string text = "rep\temail\nalice\ta@example.com\n";
  // Split on commas, the header is one column named "rep\temail": no rep column.
  EXPECT_EQ(Run({"import", Write("crm.csv", text)}), 64);
  EXPECT_EQ(Run({"import", Write("crm.TSV", text)}), 69);
  EXPECT_EQ(Run({"import", Write("crm.txt", text), "--delimiter", "tab"}), 69);
}

TEST_F(RunOwnersCommandTest, UnreachableDaemonSaysARerunIsSafeAndKeepsTheReport) {
  const std::string file = Write("crm.csv", "rep,email\nalice,a@example.com\nbob,\n");
  EXPECT_EQ(Run({"import", file, "--quiet"}), 69);
  EXPECT_THAT(err_.str(), HasSubstr("cannot reach leadd"));
  EXPECT_THAT(err_.str(), HasSubstr("0 of 1 rows were imported before the import stopped; running "
                                    "it again is safe"));
  EXPECT_EQ(Slurp(file + ".import-report.csv"),
            "line,outcome,owner,customer,registered_at,detail\n"
            "3,invalid,,,,\"the row has no email, phone, website or company\"\n");
}

TEST_F(RunOwnersCommandTest, RowsThatAreAllInvalidNeedNoDaemon) {
  const std::string file = Write("crm.csv", "rep,email\n,a@example.com\nbob,\n");
  const std::string report = (dir_ / "out.csv").string();
  EXPECT_EQ(Run({"import", file, "--report", report}), 0) << err_.str();
  EXPECT_THAT(out_.str(), HasSubstr("rows read                  2\n"));
  EXPECT_THAT(out_.str(), HasSubstr("invalid                    2\n"));
  EXPECT_THAT(out_.str(), HasSubstr("report: " + report + " (2 rows not registered)\n"));
  EXPECT_THAT(Slurp(report), HasSubstr("2,invalid,,,,\"the row names no rep, and no --rep"));
}

TEST_F(RunOwnersCommandTest, AReportThatCannotBeWrittenStopsBeforeSending) {
  const std::string file = Write("crm.csv", "rep,email\nalice,a@example.com\n");
  EXPECT_EQ(Run({"import", file, "--report", (dir_ / "no" / "such" / "dir.csv").string()}), 73);
  EXPECT_THAT(err_.str(), HasSubstr("cannot write the report"));
}

}  // namespace
}  // namespace leadd::cli
