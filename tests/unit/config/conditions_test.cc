// A rule's `when:`: what the loader builds, and every mistake reported at file:line:column.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <string>
#include <string_view>
#include <variant>

#include "config_test_support.h"

namespace leadd::config {
namespace {

using testing::ConfigTest;
using ::testing::ElementsAre;

// Lines 1 to 4; the rule under test is line 5.
constexpr std::string_view kHead =
    "version: 1\n"
    "http: {intake_token_file: intake.token, admin_token_file: admin.token}\n"
    "reps: [{id: alice}]\n"
    "rules:\n";

std::string WithWhen(std::string_view when) {
  return std::string(kHead) + "  - {name: r, when: " + std::string(when) + ", assign: owner}\n";
}

using ConditionConfigTest = ConfigTest;

TEST_F(ConditionConfigTest, ARuleWithoutWhenIsForEveryLead) {
  const auto outcome = Load(std::string(kHead) + "  - {name: r, assign: owner}\n");
  ASSERT_TRUE(outcome.settings) << testing::Formatted(outcome).front();
  EXPECT_TRUE(IsAlways(outcome.settings->rules.front().when));
}

TEST_F(ConditionConfigTest, SeveralKeysMeanAllOfThem) {
  const auto outcome = Load(WithWhen("{source: alibaba, account: {not: [main, backup]}}"));
  ASSERT_TRUE(outcome.settings) << testing::Formatted(outcome).front();
  const auto& all = std::get<AllOf>(outcome.settings->rules.front().when.node);
  ASSERT_EQ(all.parts.size(), 2u);
  const auto& source = std::get<FieldTest>(all.parts[0].node);
  EXPECT_EQ(source.field, LeadField::kSource);
  EXPECT_EQ(std::get<OneOf>(source.test).values, std::vector<std::string>{"alibaba"});
  EXPECT_FALSE(std::get<OneOf>(source.test).negated);
  const auto& account = std::get<FieldTest>(all.parts[1].node);
  EXPECT_EQ(account.field, LeadField::kAccount);
  EXPECT_EQ(std::get<OneOf>(account.test).values, (std::vector<std::string>{"main", "backup"}));
  EXPECT_TRUE(std::get<OneOf>(account.test).negated);
}

TEST_F(ConditionConfigTest, BoundsGatherIntoOneRange) {
  const auto outcome = Load(WithWhen("{estimated_value: {gte: 1000, lt: 2.5e4}}"));
  ASSERT_TRUE(outcome.settings) << testing::Formatted(outcome).front();
  const auto& test = std::get<FieldTest>(outcome.settings->rules.front().when.node);
  const auto& range = std::get<Range>(test.test);
  ASSERT_EQ(range.bounds.size(), 2u);
  EXPECT_EQ(range.bounds[0].op, Comparison::kGte);
  EXPECT_EQ(range.bounds[0].value, 1000);
  EXPECT_EQ(range.bounds[1].op, Comparison::kLt);
  EXPECT_EQ(range.bounds[1].value, 25000);
}

TEST_F(ConditionConfigTest, CombinatorsNest) {
  const auto outcome =
      Load(WithWhen("{any: [{match: owner}, {all: [{grade: A}, {not: {region: {present: "
                    "false}}}]}]}"));
  ASSERT_TRUE(outcome.settings) << testing::Formatted(outcome).front();
  const auto& any = std::get<AnyOf>(outcome.settings->rules.front().when.node);
  ASSERT_EQ(any.parts.size(), 2u);
  EXPECT_TRUE(std::get<OwnerMatchTest>(any.parts[0].node).owner_found);
  const auto& all = std::get<AllOf>(any.parts[1].node);
  ASSERT_EQ(all.parts.size(), 2u);
  const auto& negation = std::get<NoneOf>(all.parts[1].node);
  ASSERT_EQ(negation.parts.size(), 1u);
  const auto& region = std::get<FieldTest>(negation.parts[0].node);
  EXPECT_FALSE(std::get<Presence>(region.test).present);
}

// One mistake each, and the one line the admin reads about it.
struct Mistake {
  std::string_view when;
  std::string_view problem;
};

constexpr Mistake kMistakes[] = {
    {"{contry: DE}",
     "leadd.yaml:5:22: rules[0].when: unknown field 'contry', did you mean 'country'?"},
    {"{company: {match: gmbh}}",
     "leadd.yaml:5:32: rules[0].when.company: unknown test 'match', did you mean 'matches'?"},
    {"{company: {matches: \"(gmbh\"}}",
     "leadd.yaml:5:41: rules[0].when.company.matches: is not a valid RE2 regular expression: "
     "missing ): (gmbh (in '(gmbh')"},
    // RE2 runs in linear time because it has no back-references: no pattern can stall routing.
    {"{company: {matches: \"(a)\\\\1\"}}",
     "leadd.yaml:5:41: rules[0].when.company.matches: is not a valid RE2 regular expression: "
     "invalid escape sequence: \\1 (in '(a)\\1')"},
    {"{country: {gte: 5}}",
     "leadd.yaml:5:32: rules[0].when.country.gte: country is text: compare it with a value, a "
     "list, not: or matches:"},
    {"{estimated_value: 100000}",
     "leadd.yaml:5:39: rules[0].when.estimated_value: estimated_value is a number: compare it "
     "with {gte: 100000}, {lt: 500}, ..."},
    {"{}",
     "leadd.yaml:5:21: rules[0].when: names no condition; expected a field such as {source: "
     "web}, or any:, all:, not:, match:"},
    {"{any: []}", "leadd.yaml:5:27: rules[0].when.any: must list at least one condition"},
    {"{country: []}", "leadd.yaml:5:31: rules[0].when.country: must list at least one value"},
    {"{country: {}}",
     "leadd.yaml:5:31: rules[0].when.country: names no test; expected one of not, matches, lt, "
     "lte, gt, gte, present"},
    {"{match: owners}",
     "leadd.yaml:5:29: rules[0].when.match: unknown dedupe result 'owners', did you mean "
     "'owner'?"},
    {"source", "leadd.yaml:5:21: rules[0].when: expected a mapping, got 'source'"},
};

TEST_F(ConditionConfigTest, EachMistakeIsReportedWhereItIs) {
  for (const auto& [when, problem] : kMistakes) {
    EXPECT_THAT(Problems(WithWhen(when)), ElementsAre(std::string(problem))) << when;
  }
}

TEST_F(ConditionConfigTest, ABoundMustBeANumber) {
  EXPECT_THAT(Problems(WithWhen("{estimated_value: {gte: 10k, lt: .inf}}")),
              ElementsAre("leadd.yaml:5:45: rules[0].when.estimated_value.gte: expected a number "
                          "such as 100000 or 2.5, got '10k'",
                          "leadd.yaml:5:54: rules[0].when.estimated_value.lt: expected a number "
                          "such as 100000 or 2.5, got '.inf'"));
}

TEST_F(ConditionConfigTest, EveryProblemIsReportedAtOnce) {
  EXPECT_THAT(Problems(WithWhen("{any: [{grade: [A, {x: 1}]}, {channel: {present: maybe}}]}")),
              ElementsAre("leadd.yaml:5:40: rules[0].when.any[0].grade[1]: expected text, got a "
                          "mapping",
                          "leadd.yaml:5:70: rules[0].when.any[1].channel.present: unknown value "
                          "'maybe'; expected one of false, true"));
}

TEST_F(ConditionConfigTest, DeepNestingIsRefusedNotRecursedInto) {
  std::string when = "{source: web}";
  for (int i = 0; i < 40; ++i) when = "{not: " + when + "}";
  const auto problems = Problems(WithWhen(when));
  ASSERT_EQ(problems.size(), 1u);
  EXPECT_THAT(problems.front(),
              ::testing::HasSubstr("nests deeper than 16 levels; split the rule instead"));
}

}  // namespace
}  // namespace leadd::config
