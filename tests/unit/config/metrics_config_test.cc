// The `metrics` section: per-rep figures over calendar windows that `top` rules rank by.
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

// Lines 1 to 4; each test's own text starts on line 5.
std::string Doc(std::string_view rest) { return testing::AfterMinimalConfig(rest); }

using MetricsConfigTest = ConfigTest;

TEST_F(MetricsConfigTest, NoSectionMeansNoMetrics) {
  const auto outcome = Load(Doc(""));
  ASSERT_TRUE(outcome.settings) << testing::Formatted(outcome).front();
  EXPECT_TRUE(outcome.settings->metrics.empty());
}

TEST_F(MetricsConfigTest, GoodSectionIsRead) {
  const auto outcome =
      Load(Doc("metrics:\n"
               "  marketplace_inquiries:\n"
               "    window: month\n"
               "    time_zone: Asia/Shanghai\n"
               "    count: {channel: marketplace}\n"
               "  weekly_score:\n"
               "    window: week\n"
               "  calls_2day: {window: day}\n"));
  ASSERT_TRUE(outcome.settings) << testing::Formatted(outcome).front();
  const auto& metrics = outcome.settings->metrics;
  ASSERT_EQ(metrics.size(), 3U);

  const MetricSettings& inquiries = metrics.at("marketplace_inquiries");
  EXPECT_EQ(inquiries.window, CalendarWindow::kMonth);
  EXPECT_EQ(inquiries.time_zone, "Asia/Shanghai");
  ASSERT_TRUE(inquiries.count.has_value());
  ASSERT_TRUE(std::holds_alternative<FieldTest>(inquiries.count->node));
  EXPECT_EQ(std::get<FieldTest>(inquiries.count->node).field, LeadField::kChannel);

  const MetricSettings& score = metrics.at("weekly_score");
  EXPECT_EQ(score.window, CalendarWindow::kWeek);
  EXPECT_EQ(score.time_zone, "UTC");
  EXPECT_FALSE(score.count.has_value());

  EXPECT_EQ(metrics.at("calls_2day").window, CalendarWindow::kDay);
}

TEST_F(MetricsConfigTest, UnknownOrMissingWindow) {
  EXPECT_THAT(Problems(Doc("metrics:\n"
                           "  score: {window: weak}\n"
                           "  calls: {time_zone: UTC}\n")),
              ElementsAre("leadd.yaml:6:19: metrics.score.window: unknown window 'weak', did "
                          "you mean 'week'?",
                          "leadd.yaml:7:10: metrics.calls: missing required key 'window'"));
}

TEST_F(MetricsConfigTest, BadTimeZone) {
  EXPECT_THAT(Problems(Doc("metrics:\n"
                           "  score: {window: day, time_zone: Europe/Atlantis}\n"
                           "  calls: {window: day, time_zone: ../../etc/passwd}\n")),
              ElementsAre("leadd.yaml:6:35: metrics.score.time_zone: unknown time zone "
                          "'Europe/Atlantis'; expected an IANA name from the system's tzdata, "
                          "such as Europe/Berlin",
                          "leadd.yaml:7:35: metrics.calls.time_zone: expected an IANA time zone "
                          "name such as Europe/Berlin, got '../../etc/passwd'"));
}

TEST_F(MetricsConfigTest, BadNames) {
  const std::string long_name(65, 'a');
  const auto problems =
      Problems(Doc("metrics:\n"
                   "  Score: {window: day}\n"
                   "  2nd: {window: day}\n"
                   "  with-dash: {window: day}\n"
                   "  " +
                   long_name + ": {window: day}\n"));
  ASSERT_EQ(problems.size(), 4U) << ::testing::PrintToString(problems);
  EXPECT_THAT(problems[0], ::testing::StartsWith("leadd.yaml:6:3: metrics: "));
  EXPECT_THAT(problems[0], ::testing::HasSubstr("'Score'"));
  EXPECT_THAT(problems[0], ::testing::HasSubstr("lowercase letters, digits and '_', starting "
                                                "with a letter, at most 64 characters"));
  EXPECT_THAT(problems[1], ::testing::StartsWith("leadd.yaml:7:3: metrics: "));
  EXPECT_THAT(problems[2], ::testing::StartsWith("leadd.yaml:8:3: metrics: "));
  EXPECT_THAT(problems[3], ::testing::StartsWith("leadd.yaml:9:3: metrics: "));
}

TEST_F(MetricsConfigTest, BadCountCondition) {
  const auto problems =
      Problems(Doc("metrics:\n"
                   "  inquiries:\n"
                   "    window: month\n"
                   "    count: {chanel: marketplace}\n"));
  ASSERT_EQ(problems.size(), 1U) << ::testing::PrintToString(problems);
  EXPECT_THAT(problems[0], ::testing::StartsWith("leadd.yaml:8:13: metrics.inquiries.count"));
  EXPECT_THAT(problems[0], ::testing::HasSubstr("'channel'"));
}

TEST_F(MetricsConfigTest, UnknownKeyAndNotAMapping) {
  EXPECT_THAT(Problems(Doc("metrics:\n"
                           "  score: {window: day, timezone: UTC}\n"
                           "  calls: day\n")),
              ElementsAre("leadd.yaml:6:24: metrics.score: unknown key 'timezone', did you mean "
                          "'time_zone'?",
                          "leadd.yaml:7:10: metrics.calls: expected a mapping, got 'day'"));
  EXPECT_THAT(
      Problems(Doc("metrics: [score]\n")),
      ElementsAre("leadd.yaml:5:10: metrics: expected a mapping of metric names, got a list"));
}

}  // namespace
}  // namespace leadd::config
