// The `dedupe` section: the thresholds of the matcher's verdicts.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <string>
#include <string_view>

#include "config_test_support.h"

namespace leadd::config {
namespace {

using testing::ConfigTest;
using ::testing::ElementsAre;

// Lines 1 to 4; each test's own text starts on line 5.
std::string Doc(std::string_view rest) { return testing::AfterMinimalConfig(rest); }

using DedupeConfigTest = ConfigTest;

TEST_F(DedupeConfigTest, DefaultsAndWrittenThresholds) {
  const auto plain = Load(Doc(""));
  ASSERT_TRUE(plain.settings) << testing::Formatted(plain).front();
  EXPECT_DOUBLE_EQ(plain.settings->dedupe.auto_match, 0.92);
  EXPECT_DOUBLE_EQ(plain.settings->dedupe.review, 0.80);
  const auto written = Load(Doc("dedupe: {auto_match: 0.95, review: 0.7}\n"));
  ASSERT_TRUE(written.settings) << testing::Formatted(written).front();
  EXPECT_DOUBLE_EQ(written.settings->dedupe.auto_match, 0.95);
  EXPECT_DOUBLE_EQ(written.settings->dedupe.review, 0.7);
  EXPECT_TRUE(Load(Doc("dedupe: {auto_match: 1}\n")).settings);
  EXPECT_EQ(plain.settings->dedupe.default_region, "");
}

TEST_F(DedupeConfigTest, TheDefaultRegionIsATwoLetterCountryCode) {
  const auto written = Load(Doc("dedupe: {default_region: de}\n"));
  ASSERT_TRUE(written.settings) << testing::Formatted(written).front();
  EXPECT_EQ(written.settings->dedupe.default_region, "DE");
  EXPECT_THAT(Problems(Doc("dedupe: {default_region: Germany}\n")),
              ElementsAre("leadd.yaml:5:26: dedupe.default_region: expected a two-letter country "
                          "code such as DE or CN, got 'Germany'"));
  EXPECT_THAT(Problems(Doc("dedupe: {default_region: [DE]}\n")),
              ElementsAre("leadd.yaml:5:26: dedupe.default_region: expected a two-letter country "
                          "code such as DE or CN, got ''"));
  EXPECT_THAT(Problems(Doc("dedupe: {default_region: D1}\n")),
              ElementsAre("leadd.yaml:5:26: dedupe.default_region: expected a two-letter country "
                          "code such as DE or CN, got 'D1'"));
}

TEST_F(DedupeConfigTest, ThresholdsOutsideTheScoresRangeAreRefused) {
  EXPECT_THAT(Problems(Doc("dedupe: {auto_match: 1.5}\n")),
              ElementsAre("leadd.yaml:5:22: dedupe.auto_match: must be more than 0 and at most 1, "
                          "got 1.5"));
  EXPECT_THAT(Problems(Doc("dedupe: {review: 0}\n")),
              ElementsAre("leadd.yaml:5:18: dedupe.review: must be more than 0 and at most 1, got "
                          "0"));
  EXPECT_THAT(Problems(Doc("dedupe: {review: high}\n")),
              ElementsAre("leadd.yaml:5:18: dedupe.review: expected a number such as 100000 or "
                          "2.5, got 'high'"));
  EXPECT_THAT(Problems(Doc("dedupe: {auto: 0.9}\n")),
              ElementsAre("leadd.yaml:5:10: dedupe: unknown key 'auto'; expected one of "
                          "auto_match, review, default_region"));
}

TEST_F(DedupeConfigTest, ReviewAboveAutoMatchIsRefused) {
  EXPECT_THAT(Problems(Doc("dedupe: {auto_match: 0.85, review: 0.9}\n")),
              ElementsAre("leadd.yaml:5:36: dedupe.review: review (0.9) must not be above "
                          "auto_match (0.85): a lead sure enough to be the owner's is sure "
                          "enough to be flagged"));
  EXPECT_THAT(Problems(Doc("dedupe: {auto_match: 0.5}\n")),
              ElementsAre("leadd.yaml:5:22: dedupe.auto_match: review (0.8) must not be above "
                          "auto_match (0.5): a lead sure enough to be the owner's is sure enough "
                          "to be flagged"));
}

}  // namespace
}  // namespace leadd::config
