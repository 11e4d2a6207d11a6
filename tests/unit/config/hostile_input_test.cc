// Inputs no admin writes on purpose: each must give problems, never a crash, a hang or a
// flood of output.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <random>
#include <string>

#include "config_test_support.h"

namespace leadd::config {
namespace {

using ::testing::AnyOf;
using testing::ConfigTest;
using ::testing::ElementsAre;
using testing::Formatted;
using ::testing::IsEmpty;
using ::testing::SizeIs;
using ::testing::StartsWith;

constexpr std::string_view kNoSettings =
    "leadd.yaml:1:1: the file holds no settings; it is empty or holds only comments";

using HostileInputTest = ConfigTest;

TEST_F(HostileInputTest, EmptyFile) {
  const auto outcome = Load("");
  EXPECT_FALSE(outcome.settings.has_value());
  EXPECT_THAT(Formatted(outcome), ElementsAre(kNoSettings));
}

TEST_F(HostileInputTest, OnlyCommentsAndBlankLines) {
  EXPECT_THAT(Problems("# leadd.yaml\n\n   \n# nothing yet\n"), ElementsAre(kNoSettings));
}

TEST_F(HostileInputTest, OnlyADocumentMarker) {
  EXPECT_THAT(Problems("---\n"),
              ElementsAre("leadd.yaml:1:1: expected a mapping of settings at the top level, got "
                          "nothing"));
}

TEST_F(HostileInputTest, ListAtTheTopLevel) {
  EXPECT_THAT(Problems("- version: 1\n- http: {}\n"),
              ElementsAre("leadd.yaml:1:1: expected a mapping of settings at the top level, got "
                          "a list"));
}

TEST_F(HostileInputTest, ScalarAtTheTopLevel) {
  EXPECT_THAT(Problems("hello\n"),
              ElementsAre("leadd.yaml:1:1: expected a mapping of settings at the top level, got "
                          "'hello'"));
}

TEST_F(HostileInputTest, StrayCommaDoesNotHangTheParser) {
  // yaml-cpp 0.7 starts an empty document at a ',' outside a flow collection without consuming
  // it, forever; found by fuzzing, as an out-of-memory.
  EXPECT_THAT(Problems(","), ElementsAre("leadd.yaml:1:1: invalid YAML: unexpected ','"));
  EXPECT_THAT(Problems("- a\n,"), ElementsAre("leadd.yaml:2:1: invalid YAML: unexpected ','"));
  EXPECT_THAT(Problems(",}version: 01\nstat}}]\n"),
              ElementsAre("leadd.yaml:1:1: invalid YAML: unexpected ','"));
}

TEST_F(HostileInputTest, DeeplyNestedFlowListIsOneProblem) {
  // yaml-cpp 0.7 recurses once per level; its DepthGuard stops at 2000 levels with an exception
  // (message "bad file") instead of overflowing the stack.
  for (const std::string& text :
       {std::string(10'000, '['), std::string(10'000, '[') + std::string(10'000, ']'),
        "version: " + std::string(10'000, '[')}) {
    const auto outcome = Load(text);
    ASSERT_THAT(outcome.problems, SizeIs(1));
    EXPECT_EQ(outcome.problems[0].message, "the document nests too deeply for a config file");
  }
}

TEST_F(HostileInputTest, DeeplyNestedFlowMappingAndBlockListAreOneProblem) {
  std::string mappings;
  std::string block;
  for (int i = 0; i < 10'000; ++i) {
    mappings += "{a: ";
    block += "- ";
  }
  for (const std::string& text : {mappings, block + "x\n"}) {
    const auto outcome = Load(text);
    ASSERT_THAT(outcome.problems, SizeIs(1));
    EXPECT_EQ(outcome.problems[0].message, "the document nests too deeply for a config file");
  }
}

TEST_F(HostileInputTest, TenMegabyteScalarIsRefusedBeforeParsing) {
  const std::string text =
      "instance_name: " + std::string(std::size_t{10} * 1024 * 1024, 'x') + "\n";
  EXPECT_THAT(Problems(text), ElementsAre("leadd.yaml:1:1: the file is 10485776 bytes; a config "
                                          "file may hold at most 1048576"));
}

TEST_F(HostileInputTest, LargeScalarIsCutShortInMessages) {
  const std::string huge(900'000, 'x');
  // YAML caps an implicit key at 1024 characters; this one stays under.
  const std::string long_key(1'000, 'k');
  const auto problems = Problems(
      "version: 1\n"
      "http:\n"
      "  intake_token_file: intake.token\n"
      "  admin_token_file: admin.token\n"
      "  max_body_bytes: " +
      huge +
      "\n"
      "  " +
      long_key +
      ": 1\n"
      "reps: [{id: alice}]\n"
      "rules: [{name: all, assign: owner}]\n");
  // Only the quoted key matters here; the list of http's keys after it grows with the section.
  EXPECT_THAT(problems,
              ElementsAre("leadd.yaml:5:19: http.max_body_bytes: expected a whole number, got '" +
                              std::string(60, 'x') + "...'",
                          StartsWith("leadd.yaml:6:3: http: unknown key '" + std::string(60, 'k') +
                                     "...'; expected one of listen, intake_token_file, ")));
}

TEST_F(HostileInputTest, BinaryGarbageIsOneProblem) {
  std::mt19937 random(20240601);
  std::string garbage;
  for (int i = 0; i < 64 * 1024; ++i) garbage += static_cast<char>(random() & 0xFF);
  const auto outcome = Load(garbage);
  EXPECT_FALSE(outcome.settings.has_value());
  ASSERT_THAT(outcome.problems, SizeIs(1));
  EXPECT_THAT(outcome.problems[0].message,
              AnyOf("the file holds a NUL byte; is it a YAML text file?",
                    "the file is not valid UTF-8 here; save it as UTF-8"));
}

TEST_F(HostileInputTest, NulByteIsReportedWhereItIs) {
  const std::string text("version: 1\ninstance_name: a\0b\n", 29);
  EXPECT_THAT(Problems(text),
              ElementsAre("leadd.yaml:2:17: the file holds a NUL byte; is it a YAML text file?"));
}

TEST_F(HostileInputTest, InvalidUtf8IsReportedWhereItIs) {
  EXPECT_THAT(Problems("version: 1\nreps: [{id: mueller, name: M\xFCller}]\n"),
              ElementsAre("leadd.yaml:2:29: the file is not valid UTF-8 here; save it as UTF-8"));
  // UTF-16 starts with a byte order mark that is not UTF-8.
  EXPECT_THAT(Problems(std::string("\xFF\xFEv\0e\0r\0", 8)),
              ElementsAre("leadd.yaml:1:1: the file is not valid UTF-8 here; save it as UTF-8"));
  // Overlong encodings and UTF-16 surrogates are not UTF-8 either.
  EXPECT_THAT(Problems("instance_name: \xC0\xAF\n"),
              ElementsAre("leadd.yaml:1:16: the file is not valid UTF-8 here; save it as UTF-8"));
  EXPECT_THAT(Problems("instance_name: \xED\xA0\x80\n"),
              ElementsAre("leadd.yaml:1:16: the file is not valid UTF-8 here; save it as UTF-8"));
}

TEST_F(HostileInputTest, ControlCharactersAreEscapedInMessages) {
  EXPECT_THAT(
      Problems("version: \"\\e[2J\\x07\"\n"),
      ElementsAre("leadd.yaml:1:1: missing required key 'http'",
                  "leadd.yaml:1:1: missing required key 'reps'",
                  "leadd.yaml:1:1: missing required key 'rules'",
                  "leadd.yaml:1:10: version: expected a whole number, got '\\x1B[2J\\x07'"));
}

TEST_F(HostileInputTest, ControlCharactersSpelledAsEscapesAreRejectedInText) {
  EXPECT_THAT(Problems("version: 1\n"
                       "http: {intake_token_file: \"intake.token\\0x\", admin_token_file: "
                       "admin.token}\n"
                       "reps: [{id: alice, name: \"\\e[31mAlice\"}]\n"
                       "rules: [{name: \"all\\nrule=forged\", assign: owner}]\n"),
              ElementsAre("leadd.yaml:2:27: http.intake_token_file: must not hold control "
                          "characters, got 'intake.token\\x00x'",
                          "leadd.yaml:3:26: reps[0].name: must not hold control characters, got "
                          "'\\x1B[31mAlice'",
                          "leadd.yaml:4:16: rules[0].name: must not hold control characters, got "
                          "'all\\x0Arule=forged'"));
}

TEST_F(HostileInputTest, ByteOrderMarkAndCrlfLineEndingsAreFine) {
  const auto outcome = Load(
      "\xEF\xBB\xBFversion: 1\r\n"
      "http: {intake_token_file: intake.token, admin_token_file: admin.token}\r\n"
      "reps: [{id: alice}]\r\n"
      "rules: [{name: all, assign: owner}]\r\n");
  EXPECT_THAT(Formatted(outcome), IsEmpty());
  // Positions on the first line do not count the byte order mark.
  EXPECT_THAT(Problems("\xEF\xBB\xBFversion: 2\r\n"
                       "http: {intake_token_file: intake.token, admin_token_file: admin.token}\r\n"
                       "reps: [{id: alice}]\r\n"
                       "rules: [{name: all, assign: owner}]\r\n"),
              ElementsAre("leadd.yaml:1:10: version: unsupported version 2; this leadd reads "
                          "version 1"));
}

TEST_F(HostileInputTest, RoundRobinExpansionIsCapped) {
  // 1001 rules over one team of 1000 reps: the first 1000 fill the cap of a million entries.
  std::string text =
      "version: 1\n"
      "http: {intake_token_file: intake.token, admin_token_file: admin.token}\n"
      "reps:\n";
  for (int i = 0; i < 1000; ++i) text += "  - {id: r" + std::to_string(i) + ", teams: [t]}\n";
  text += "rules:\n";
  for (int i = 0; i < 1001; ++i) {
    text += "  - {name: n" + std::to_string(i) + ", assign: {round_robin: {team: t}}}\n";
  }
  EXPECT_THAT(Problems(text),
              ElementsAre("leadd.yaml:2005:48: rules[1000].assign.round_robin.team: the rules' "
                          "teams and rep lists would hold more than 1000000 reps in all; use "
                          "fewer rules over large teams or over every rep"));
}

}  // namespace
}  // namespace leadd::config
