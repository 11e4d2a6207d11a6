// The `stages` section: the vocabulary of sales stages and their percentages.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <string>
#include <string_view>

#include "config_test_support.h"

namespace leadd::config {
namespace {

using testing::ConfigTest;
using ::testing::ElementsAre;
using ::testing::IsEmpty;

// Lines 1 to 4; each test's own text starts on line 5.
std::string Doc(std::string_view rest) { return testing::AfterMinimalConfig(rest); }

using StagesConfigTest = ConfigTest;

std::vector<std::string> Names(const DaemonSettings& settings) {
  std::vector<std::string> names;
  for (const auto& stage : settings.stages)
    names.push_back(stage.name + "=" + std::to_string(stage.percent));
  return names;
}

TEST_F(StagesConfigTest, DefaultsHoldBothVocabularies) {
  const auto outcome = Load(Doc(""));
  ASSERT_TRUE(outcome.settings) << testing::Formatted(outcome).front();
  EXPECT_THAT(Names(*outcome.settings),
              ElementsAre("0%=0", "25%=25", "50%=50", "75%=75", "100%=100", "unidentified=0",
                          "potential=25", "opportunity=50", "order=75", "user=100"));
}

TEST_F(StagesConfigTest, ListReplacesTheDefaults) {
  const auto outcome =
      Load(Doc("stages:\n"
               "  - {name: lead, percent: 0}\n"
               "  - {name: demo, percent: 40}\n"
               "  - {name: contract, percent: 90}\n"));
  ASSERT_TRUE(outcome.settings) << testing::Formatted(outcome).front();
  EXPECT_THAT(Names(*outcome.settings), ElementsAre("lead=0", "demo=40", "contract=90"));
}

TEST_F(StagesConfigTest, DuplicateNameIsReportedWithBothLines) {
  EXPECT_THAT(Problems(Doc("stages:\n"
                           "  - {name: demo, percent: 10}\n"
                           "  - {name: demo, percent: 20}\n")),
              ElementsAre("leadd.yaml:7:12: stages[1].name: duplicate stage 'demo' (first at "
                          "line 6)"));
}

TEST_F(StagesConfigTest, PercentOutOfRangeOrNotANumber) {
  EXPECT_THAT(
      Problems(Doc("stages:\n"
                   "  - {name: a, percent: 101}\n"
                   "  - {name: b, percent: -5}\n"
                   "  - {name: c, percent: 50%}\n")),
      ElementsAre("leadd.yaml:6:24: stages[0].percent: must be a percentage from 0 to "
                  "100, got 101",
                  "leadd.yaml:7:24: stages[1].percent: expected a whole number, got '-5'",
                  "leadd.yaml:8:24: stages[2].percent: expected a whole number, got '50%'"));
}

TEST_F(StagesConfigTest, MissingKeysUnknownKeysAndEmptyList) {
  EXPECT_THAT(Problems(Doc("stages: []\n")),
              ElementsAre("leadd.yaml:5:9: stages: must name at least one stage; leave it out "
                          "for the defaults"));
  const auto problems =
      Problems(Doc("stages:\n"
                   "  - {name: a}\n"
                   "  - {name: b, percent: 5, colour: red}\n"
                   "  - just-a-name\n"));
  ASSERT_EQ(problems.size(), 3u) << ::testing::PrintToString(problems);
  EXPECT_THAT(problems[0], ::testing::HasSubstr("leadd.yaml:6:"));
  EXPECT_THAT(problems[0], ::testing::HasSubstr("percent"));
  EXPECT_THAT(problems[1], ::testing::HasSubstr("leadd.yaml:7:"));
  EXPECT_THAT(problems[1], ::testing::HasSubstr("colour"));
  EXPECT_THAT(problems[2], ::testing::HasSubstr("leadd.yaml:8:"));
}

TEST_F(StagesConfigTest, OverlongNameIsRefused) {
  const auto problems =
      Problems(Doc("stages:\n  - {name: " + std::string(40, 'x') + ", percent: 5}\n"));
  ASSERT_EQ(problems.size(), 1u);
  EXPECT_THAT(problems[0], ::testing::HasSubstr("stages[0].name: must be at most 32 bytes"));
}

TEST_F(StagesConfigTest, ValidListHasNoProblems) {
  EXPECT_THAT(Problems(Doc("stages: [{name: \"0%\", percent: 0}, {name: won, percent: 100}]\n")),
              IsEmpty());
}

}  // namespace
}  // namespace leadd::config
