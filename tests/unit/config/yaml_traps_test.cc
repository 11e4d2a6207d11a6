// Each trap of yaml-cpp 0.7 (docs: PITFALLS.md): first a test pinning what the library does, so
// an upgrade that changes it is noticed, then the loader's answer to it.
#include <yaml-cpp/yaml.h>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <string>

#include "config_test_support.h"

namespace leadd::config {
namespace {

using testing::ConfigTest;
using ::testing::ElementsAre;
using testing::Formatted;
using ::testing::IsEmpty;

constexpr std::string_view kValidTail =
    "http: {intake_token_file: intake.token, admin_token_file: admin.token}\n"
    "reps: [{id: alice}]\n"
    "rules: [{name: all, assign: owner}]\n";

std::string WithTail(std::string_view head) { return std::string(head) + std::string(kValidTail); }

constexpr std::string_view kUnclosedQuote =
    "this quote is not closed on its line; an unclosed quote swallows the rest of the file, and "
    "quoted text may not span lines";

// Duplicate keys.

TEST(YamlCppBehaviourTest, DuplicateKeyIsAcceptedSilentlyAndTheFirstWins) {
  const YAML::Node node = YAML::Load("a: 1\na: 2\n");
  EXPECT_EQ(node["a"].as<int>(), 1);
  EXPECT_EQ(node.size(), 2u);
}

using YamlTrapTest = ConfigTest;

TEST_F(YamlTrapTest, DuplicateKeyIsReportedAtTheSecondOccurrence) {
  EXPECT_THAT(Problems("version: 1\n"
                       "http:\n"
                       "  listen: 127.0.0.1:8080\n"
                       "  intake_token_file: intake.token\n"
                       "  admin_token_file: admin.token\n"
                       "  listen: 0.0.0.0:8080\n"
                       "reps: [{id: alice, id: bob}]\n"
                       "rules: [{name: all, assign: owner}]\n"
                       "version: 1\n"),
              ElementsAre("leadd.yaml:6:3: http: duplicate key 'listen' (first at line 3)",
                          "leadd.yaml:7:20: reps[0]: duplicate key 'id' (first at line 7)",
                          "leadd.yaml:9:1: duplicate key 'version' (first at line 1)"));
}

// Leading zeros and other integer spellings.

TEST(YamlCppBehaviourTest, LeadingZeroReadsAsOctalAndOtherSpellingsAsNumbers) {
  const YAML::Node node = YAML::Load("octal: 01234\nhex: 0x1F\nplus: +5\n");
  EXPECT_EQ(node["octal"].as<int>(), 668);
  EXPECT_EQ(node["hex"].as<int>(), 31);
  EXPECT_EQ(node["plus"].as<int>(), 5);
}

TEST_F(YamlTrapTest, LeadingZeroInAWholeNumberIsRejected) {
  EXPECT_THAT(Problems(WithTail("version: 01\n")),
              ElementsAre("leadd.yaml:1:10: version: '01' has a leading zero, which YAML 1.1 "
                          "reads as octal; drop the zero, or quote it to mean decimal 1"));
  EXPECT_THAT(
      Problems("version: 1\n"
               "http:\n"
               "  intake_token_file: intake.token\n"
               "  admin_token_file: admin.token\n"
               "  max_body_bytes: 01234\n"
               "reps: [{id: alice}]\n"
               "rules: [{name: all, assign: owner}]\n"),
      ElementsAre("leadd.yaml:5:19: http.max_body_bytes: '01234' has a leading zero, which YAML "
                  "1.1 reads as octal; drop the zero, or quote it to mean decimal 1234"));
}

TEST_F(YamlTrapTest, QuotedLeadingZeroMeansDecimal) {
  const auto outcome = Load(
      "version: '1'\n"
      "http:\n"
      "  intake_token_file: intake.token\n"
      "  admin_token_file: admin.token\n"
      "  max_body_bytes: \"01234\"\n"
      "reps: [{id: alice}]\n"
      "rules: [{name: all, assign: owner}]\n");
  ASSERT_THAT(Formatted(outcome), IsEmpty());
  EXPECT_EQ(outcome.settings->http.max_body_bytes, 1234u);
}

TEST_F(YamlTrapTest, OnlyDigitsMakeAWholeNumber) {
  for (const std::string_view spelling :
       {"0x1F", "1e3", "+5", "-5", "1_000", "12.0", "0o17", "0b101", "'12 '", "12kB"}) {
    const std::string text =
        "version: 1\n"
        "http:\n"
        "  intake_token_file: intake.token\n"
        "  admin_token_file: admin.token\n"
        "  max_body_bytes: " +
        std::string(spelling) +
        "\n"
        "reps: [{id: alice}]\n"
        "rules: [{name: all, assign: owner}]\n";
    std::string shown(spelling);
    if (shown.front() == '\'') shown = shown.substr(1, shown.size() - 2);
    EXPECT_THAT(Problems(text), ElementsAre("leadd.yaml:5:19: http.max_body_bytes: expected a "
                                            "whole number, got '" +
                                            shown + "'"));
  }
}

TEST_F(YamlTrapTest, WholeNumberBeyond64BitsIsRejected) {
  EXPECT_THAT(Problems(WithTail("version: 99999999999999999999\n")),
              ElementsAre("leadd.yaml:1:10: version: '99999999999999999999' is too large"));
}

// Unterminated quotes.

TEST(YamlCppBehaviourTest, UnterminatedQuoteSwallowsTheRestOfTheFileWithoutError) {
  const YAML::Node node = YAML::Load("a: \"x\nb: 1\nc: 2\n");
  EXPECT_EQ(node.size(), 1u);
  EXPECT_EQ(node["a"].as<std::string>(), "x b: 1 c: 2 ");
}

TEST_F(YamlTrapTest, UnterminatedDoubleQuoteIsReportedAtTheQuote) {
  EXPECT_THAT(Problems(WithTail("version: 1\ninstance_name: \"web-1\n")),
              ElementsAre("leadd.yaml:2:16: " + std::string(kUnclosedQuote)));
}

TEST_F(YamlTrapTest, UnterminatedSingleQuoteIsReportedAtTheQuote) {
  EXPECT_THAT(Problems("version: 1\n"
                       "http: {intake_token_file: intake.token, admin_token_file: admin.token}\n"
                       "reps:\n"
                       "  - id: alice\n"
                       "    name: 'Alice\n"
                       "rules: [{name: all, assign: owner}]\n"),
              ElementsAre("leadd.yaml:5:11: " + std::string(kUnclosedQuote)));
}

TEST_F(YamlTrapTest, UnterminatedQuoteBeforeALaterQuoteAlsoGivesTheParseError) {
  // The open quote closes at the next one, and what follows no longer parses; the quote is
  // reported first, as the cause.
  EXPECT_THAT(Problems("version: 1\n"
                       "instance_name: \"web-1\n"
                       "state_dir: \"/srv\"\n"),
              ElementsAre("leadd.yaml:2:16: " + std::string(kUnclosedQuote),
                          "leadd.yaml:3:13: invalid YAML: end of map not found"));
}

TEST_F(YamlTrapTest, UnterminatedQuoteAfterAnAnchorIsFound) {
  EXPECT_THAT(Problems(WithTail("version: 1\ninstance_name: &name 'web-1\n")),
              ElementsAre("leadd.yaml:2:22: " + std::string(kUnclosedQuote)));
}

TEST_F(YamlTrapTest, QuotedTextSpanningLinesIsRejected) {
  EXPECT_THAT(Problems(WithTail("version: 1\ninstance_name: \"web\n  one\"\n")),
              ElementsAre("leadd.yaml:2:16: " + std::string(kUnclosedQuote)));
}

TEST_F(YamlTrapTest, ApostrophesAndEscapedQuotesAreNotMistakenForOpenQuotes) {
  const auto outcome = Load(
      "# it's a comment with a \" in it\n"
      "version: 1\n"
      "instance_name: \"say \\\"hi\\\" \\\\\"  # trailing ' comment\n"
      "http: {intake_token_file: intake.token, admin_token_file: admin.token}\n"
      "reps:\n"
      "  - id: obrien\n"
      "    name: Miles O'Brien\n"
      "  - id: dan\n"
      "    name: 'Dan ''the man'' Smith'\n"
      "  - id: eve\n"
      "    name: \"Eve's\"\n"
      "rules: [{name: \"it's all\", assign: owner}]\n");
  ASSERT_THAT(Formatted(outcome), IsEmpty());
  EXPECT_EQ(outcome.settings->instance_name, "say \"hi\" \\");
  EXPECT_EQ(outcome.settings->reps[0].name, "Miles O'Brien");
  EXPECT_EQ(outcome.settings->reps[1].name, "Dan 'the man' Smith");
  EXPECT_EQ(outcome.settings->reps[2].name, "Eve's");
  EXPECT_EQ(outcome.settings->rules[0].name, "it's all");
}

// Missing keys.

TEST(YamlCppBehaviourTest, MissingKeyHasNoMark) {
  YAML::Node node = YAML::Load("a: 1\n");
  EXPECT_FALSE(node["b"].IsDefined());
  EXPECT_TRUE(node["b"].Mark().is_null());
  // Through a const node the missing key is a "zombie" whose Mark() throws instead.
  const YAML::Node fresh = YAML::Load("a: 1\n");
  EXPECT_THROW(fresh["b"].Mark(), YAML::InvalidNode);
}

TEST_F(YamlTrapTest, MissingKeyIsReportedAtTheParentMapping) {
  EXPECT_THAT(Problems("version: 1\n"
                       "http: {intake_token_file: intake.token, admin_token_file: admin.token}\n"
                       "reps:\n"
                       "  - name: Alice\n"
                       "rules:\n"
                       "  - {assign: owner}\n"),
              ElementsAre("leadd.yaml:4:5: reps[0]: missing required key 'id'",
                          "leadd.yaml:6:5: rules[0]: missing required key 'name'"));
}

// Syntax errors, and what yaml-cpp accepts but a config must not hold.

TEST_F(YamlTrapTest, ParserErrorIsOneProblemAtItsMark) {
  EXPECT_THAT(Problems("version: 1\nhttp: [a, b\nreps: 1\n"),
              ElementsAre("leadd.yaml:3:5: invalid YAML: end of sequence flow not found"));
}

TEST_F(YamlTrapTest, TabIndentationGetsAHint) {
  EXPECT_THAT(Problems("version: 1\nhttp:\n\tlisten: x\n"),
              ElementsAre("leadd.yaml:3:8: invalid YAML: illegal map value (indent with spaces; "
                          "YAML forbids tabs)"));
}

TEST_F(YamlTrapTest, AliasesAreRejected) {
  EXPECT_THAT(Problems("version: 1\n"
                       "http: {intake_token_file: intake.token, admin_token_file: admin.token}\n"
                       "reps: [&a {id: alice}]\n"
                       "rules: [{name: all, assign: {round_robin: {reps: [*a]}}}]\n"),
              ElementsAre("leadd.yaml:4:51: aliases (*name) are not supported; write the value "
                          "out, or share a list of reps with teams and round_robin: {team: ...}"));
}

TEST_F(YamlTrapTest, SecondDocumentIsRejected) {
  EXPECT_THAT(Problems(WithTail("version: 1\n") + "---\nversion: 2\n"),
              ElementsAre("leadd.yaml:5:1: a second YAML document starts here; a config file "
                          "holds exactly one"));
}

TEST_F(YamlTrapTest, NonTextKeysAreRejected) {
  EXPECT_THAT(Problems(WithTail("version: 1\n[a, b]: 1\n~: 2\n")),
              ElementsAre("leadd.yaml:2:1: expected a key name, got a list",
                          "leadd.yaml:3:1: expected a key name, got nothing"));
}

}  // namespace
}  // namespace leadd::config
