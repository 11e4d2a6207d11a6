// CheckCoverage: the kinds of lead and the hours of the week ahead with no eligible rep.
#include "router/coverage.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <string>
#include <utility>
#include <vector>

namespace leadd::router {
namespace {

using ::testing::ElementsAre;
using ::testing::IsEmpty;

config::Condition SourceIs(std::string source) {
  return {config::FieldTest{config::LeadField::kSource, config::OneOf{{std::move(source)}}}};
}

config::DaemonSettings TwoReps() {
  config::DaemonSettings settings;
  config::Rep alice;
  alice.id = "alice";
  alice.regions = {"DE"};
  config::Rep bob;
  bob.id = "bob";
  settings.reps = {alice, bob};
  return settings;
}

// Monday 2026-11-30, 00:00 UTC.
const WallTime kMonday = date::sys_days{date::year{2026} / 11 / 30};

std::vector<std::string> Segment(const CoverageGap& gap) {
  return {gap.source, gap.place, gap.grade};
}

TEST(CoverageTest, ASourceNoRuleTakesIsAGapAtEveryHour) {
  auto settings = TwoReps();
  settings.rules = {
      {"web", config::RoundRobinStrategy{{"alice", "bob"}}, SourceIs("web")},
      {"cards", config::FieldStrategy{config::LeadField::kReceivedBy}, SourceIs("expo")}};
  const auto report = CheckCoverage(settings, kMonday + std::chrono::minutes(90));
  EXPECT_EQ(report.from, kMonday + std::chrono::hours(1));
  EXPECT_EQ(report.hours, 1u);  // no rule depends on the hour
  // Sources expo, web and any other; places DE (a rep's region) and any other; no grades.
  EXPECT_EQ(report.segments, 3u * 2u * 1u);
  std::vector<std::vector<std::string>> gaps;
  for (const auto& gap : report.gaps) gaps.push_back(Segment(gap));
  const std::string other(kAnyOther);
  EXPECT_THAT(gaps, ElementsAre(std::vector<std::string>{"expo", "DE", other},
                                std::vector<std::string>{"expo", other, other},
                                std::vector<std::string>{other, "DE", other},
                                std::vector<std::string>{other, other, other}));
  EXPECT_EQ(report.gaps[0].why, "cards [field]: source 'expo' is expo; received_by is empty");
  EXPECT_EQ(report.gaps[2].why, "no rule is for such a lead");
}

TEST(CoverageTest, OnDutyOnlyRulesLeaveTheHoursNobodyWorks) {
  auto settings = TwoReps();
  // alice works Monday to Friday, 09:00-17:00 in Berlin (08:00-16:00 UTC in winter).
  settings.reps[0].working_hours =
      MakeWorkingHours("Europe/Berlin", {true, true, true, true, true}, std::chrono::hours(9),
                       std::chrono::hours(17), {})
          .value();
  config::Rule on_duty{"desk", config::RoundRobinStrategy{{"alice"}}};
  on_duty.on_duty_only = true;
  settings.rules = {on_duty};
  const auto report = CheckCoverage(settings, kMonday);
  EXPECT_EQ(report.hours, 168u);
  ASSERT_FALSE(report.gaps.empty());
  const auto& hours = report.gaps.front().hours;
  EXPECT_EQ(hours.size(), 168u - 5u * 8u);
  EXPECT_EQ(hours.front(), kMonday);
  // Monday 07:00 UTC is the last hour before alice's day begins; 16:00 the first after.
  EXPECT_EQ(hours[7], kMonday + std::chrono::hours(7));
  EXPECT_EQ(hours[8], kMonday + std::chrono::hours(16));
  EXPECT_THAT(report.gaps.front().why,
              ::testing::HasSubstr("skipped alice: off duty until Mon 09:00 Europe/Berlin"));
  // A second rep without working hours covers every hour.
  settings.rules.front().assign = config::RoundRobinStrategy{{"alice", "bob"}};
  EXPECT_THAT(CheckCoverage(settings, kMonday).gaps, IsEmpty());
}

}  // namespace
}  // namespace leadd::router
