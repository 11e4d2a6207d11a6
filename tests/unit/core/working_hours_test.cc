#include "core/working_hours.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <string>
#include <utility>
#include <vector>

#include <date/date.h>

namespace leadd {
namespace {

using namespace std::chrono_literals;
using std::chrono::minutes;

constexpr std::array<bool, 7> kMondayToFriday{true, true, true, true, true, false, false};
constexpr std::array<bool, 7> kMondayToSaturday{true, true, true, true, true, true, false};
constexpr std::array<bool, 7> kEveryDay{true, true, true, true, true, true, true};

// An instant written as the UTC wall time, so every expectation is checkable against a tz table.
WallTime Utc(int y, unsigned m, unsigned d, int hour, int minute) {
  return date::sys_days{date::year{y} / date::month{m} / date::day{d}} + std::chrono::hours(hour) +
         minutes(minute);
}

WorkingHours Hours(const std::string& zone, std::array<bool, 7> days = kMondayToFriday,
                   minutes from = 9h, minutes to = 18h,
                   std::vector<date::year_month_day> holidays = {}) {
  auto hours = MakeWorkingHours(zone, days, from, to, std::move(holidays));
  EXPECT_TRUE(hours.has_value()) << zone;
  return hours.has_value() ? hours.value() : WorkingHours{};
}

struct DeadlineCase {
  std::string name;
  WorkingHours hours;
  WallTime start;
  Duration budget;
  WallTime expected;
};

void PrintTo(const DeadlineCase& c, std::ostream* os) { *os << c.name; }

class DeadlineForTest : public ::testing::TestWithParam<DeadlineCase> {};

TEST_P(DeadlineForTest, CountsOnlyWorkingTime) {
  const DeadlineCase& c = GetParam();
  EXPECT_EQ(DeadlineFor(c.start, c.budget, c.hours), c.expected)
      << "got " << date::format("%FT%TZ", DeadlineFor(c.start, c.budget, c.hours));
}

// Europe/Berlin is UTC+1 in winter and UTC+2 in summer (2024: from 31 March to 27 October).
// 2024-01-08 is a Monday.
const DeadlineCase kCases[] = {
    {"WithinOneDay", Hours("Europe/Berlin"), Utc(2024, 1, 8, 9, 0), 2h, Utc(2024, 1, 8, 11, 0)},
    {"CrossingTheCloseIntoTheNextMorning", Hours("Europe/Berlin"), Utc(2024, 1, 8, 16, 0), 2h,
     Utc(2024, 1, 9, 9, 0)},
    {"Friday1759Plus30MinutesIsMonday0929", Hours("Europe/Berlin"), Utc(2024, 1, 12, 16, 59), 30min,
     Utc(2024, 1, 15, 8, 29)},
    {"StartingOnSaturdayCountsFromMondayOpening", Hours("Europe/Berlin"), Utc(2024, 1, 13, 10, 0),
     1h, Utc(2024, 1, 15, 9, 0)},
    {"StartingBeforeOpeningCountsFromOpening", Hours("Europe/Berlin"), Utc(2024, 1, 8, 6, 0), 30min,
     Utc(2024, 1, 8, 8, 30)},
    {"EndingExactlyAtTheCloseStaysThatDay", Hours("Europe/Berlin"), Utc(2024, 1, 8, 16, 30), 30min,
     Utc(2024, 1, 8, 17, 0)},
    {"HolidayIsSkipped",
     Hours("Europe/Berlin", kMondayToFriday, 9h, 18h, {date::year{2024} / 1 / 1}),
     Utc(2023, 12, 29, 16, 0), 2h, Utc(2024, 1, 2, 9, 0)},
    {"BudgetZeroInsideHoursIsTheStart", Hours("Europe/Berlin"), Utc(2024, 1, 8, 10, 17), 0ms,
     Utc(2024, 1, 8, 10, 17)},
    {"BudgetZeroOutsideHoursIsTheNextOpening", Hours("Europe/Berlin"), Utc(2024, 1, 13, 10, 0), 0ms,
     Utc(2024, 1, 15, 8, 0)},
    {"TwoWorkingDaysSpanningAWeekend", Hours("Europe/Berlin"), Utc(2024, 1, 11, 13, 0), 18h,
     Utc(2024, 1, 15, 13, 0)},
    {"BerlinSpringForwardWeekendShiftsTheUtcOffset", Hours("Europe/Berlin"),
     Utc(2024, 3, 29, 16, 0), 2h, Utc(2024, 4, 1, 8, 0)},
    {"BerlinFallBackWeekendShiftsTheUtcOffset", Hours("Europe/Berlin"), Utc(2024, 10, 25, 15, 0),
     2h, Utc(2024, 10, 28, 9, 0)},
    // Hours 01:00-05:00 span the 02:00 jump: 31 March holds 3 working hours, not 4.
    {"BerlinSpringForwardDayLosesAnHour", Hours("Europe/Berlin", kEveryDay, 1h, 5h),
     Utc(2024, 3, 31, 0, 0), 4h, Utc(2024, 4, 1, 0, 0)},
    // ...and 27 October holds 5: 01:00 CEST is 23:00 UTC, 05:00 CET is 04:00 UTC.
    {"BerlinFallBackDayGainsAnHour", Hours("Europe/Berlin", kEveryDay, 1h, 5h),
     Utc(2024, 10, 26, 23, 0), 5h, Utc(2024, 10, 27, 4, 0)},
    {"AsiaShanghaiAfterCloseIsNextMorning", Hours("Asia/Shanghai"), Utc(2024, 1, 8, 9, 30), 1h,
     Utc(2024, 1, 9, 1, 30)},
    {"AsiaShanghaiSixDayWeekWorksSaturday", Hours("Asia/Shanghai", kMondayToSaturday),
     Utc(2024, 1, 13, 1, 0), 1h, Utc(2024, 1, 13, 2, 0)},
    {"AmericaNewYorkFridayEveningIsMonday", Hours("America/New_York"), Utc(2024, 1, 12, 22, 0),
     90min, Utc(2024, 1, 15, 14, 30)},
    {"AmericaNewYorkSpringForwardWeekend", Hours("America/New_York"), Utc(2024, 3, 8, 22, 0), 2h,
     Utc(2024, 3, 11, 14, 0)},
    // The same start and budget for reps in three zones (12:00 UTC on a Monday).
    {"RepInBerlin", Hours("Europe/Berlin"), Utc(2024, 1, 8, 12, 0), 1h, Utc(2024, 1, 8, 13, 0)},
    {"RepInShanghaiAfterHours", Hours("Asia/Shanghai"), Utc(2024, 1, 8, 12, 0), 1h,
     Utc(2024, 1, 9, 2, 0)},
    {"RepInNewYorkBeforeHours", Hours("America/New_York"), Utc(2024, 1, 8, 12, 0), 1h,
     Utc(2024, 1, 8, 15, 0)},
    {"HoursUntilMidnight", Hours("Asia/Shanghai", kEveryDay, 20h, 24h), Utc(2024, 1, 8, 15, 0), 2h,
     Utc(2024, 1, 9, 13, 0)},
};

std::string CaseName(const ::testing::TestParamInfo<DeadlineCase>& case_info) {
  return case_info.param.name;
}

INSTANTIATE_TEST_SUITE_P(Table, DeadlineForTest, ::testing::ValuesIn(kCases), CaseName);

TEST(WorkingHoursTest, SameBudgetInAnotherZoneGivesAnotherDeadline) {
  const WallTime start = Utc(2024, 1, 8, 12, 0);
  const WallTime berlin = DeadlineFor(start, 1h, Hours("Europe/Berlin"));
  const WallTime shanghai = DeadlineFor(start, 1h, Hours("Asia/Shanghai"));
  const WallTime new_york = DeadlineFor(start, 1h, Hours("America/New_York"));
  EXPECT_NE(berlin, shanghai);
  EXPECT_NE(berlin, new_york);
  EXPECT_NE(shanghai, new_york);
}

TEST(WorkingHoursTest, IsWorkingTimeFollowsLocalHours) {
  const WorkingHours berlin = Hours("Europe/Berlin");
  EXPECT_FALSE(IsWorkingTime(Utc(2024, 1, 8, 7, 59), berlin));  // Monday 08:59 local
  EXPECT_TRUE(IsWorkingTime(Utc(2024, 1, 8, 8, 0), berlin));    // opening is inside
  EXPECT_TRUE(IsWorkingTime(Utc(2024, 1, 8, 16, 59), berlin));
  EXPECT_FALSE(IsWorkingTime(Utc(2024, 1, 8, 17, 0), berlin));   // closing is outside
  EXPECT_FALSE(IsWorkingTime(Utc(2024, 1, 13, 10, 0), berlin));  // Saturday
  EXPECT_TRUE(IsWorkingTime(Utc(2024, 7, 8, 7, 0), berlin));     // 09:00 summer time
  EXPECT_FALSE(IsWorkingTime(Utc(2024, 1, 8, 20, 0), Hours("Asia/Shanghai")));
  EXPECT_TRUE(IsWorkingTime(Utc(2024, 1, 8, 14, 0), Hours("America/New_York")));
}

TEST(WorkingHoursTest, HolidayIsNotWorkingTime) {
  const WorkingHours hours =
      Hours("Europe/Berlin", kMondayToFriday, 9h, 18h, {date::year{2024} / 1 / 1});
  EXPECT_FALSE(IsWorkingTime(Utc(2024, 1, 1, 10, 0), hours));
  EXPECT_TRUE(IsWorkingTime(Utc(2024, 1, 2, 10, 0), hours));
}

TEST(WorkingHoursTest, HoursUntilMidnightIncludeTheLastMinute) {
  const WorkingHours hours = Hours("Asia/Shanghai", kEveryDay, 20h, 24h);
  EXPECT_TRUE(IsWorkingTime(Utc(2024, 1, 8, 15, 59), hours));  // 23:59 local
  EXPECT_FALSE(IsWorkingTime(Utc(2024, 1, 8, 16, 0), hours));  // 00:00 local
}

TEST(WorkingHoursTest, UnknownTimeZoneIsRejected) {
  auto hours = MakeWorkingHours("Europe/Atlantis", kMondayToFriday, 9h, 18h, {});
  ASSERT_FALSE(hours.has_value());
  EXPECT_EQ(hours.error().code, Errc::kRejected);
  EXPECT_THAT(hours.error().detail, ::testing::HasSubstr("Europe/Atlantis"));
}

TEST(WorkingHoursTest, WeekWithoutWorkingDayIsRejected) {
  auto hours = MakeWorkingHours("Europe/Berlin", {}, 9h, 18h, {});
  ASSERT_FALSE(hours.has_value());
  EXPECT_EQ(hours.error().code, Errc::kRejected);
}

TEST(WorkingHoursTest, OpeningNotBeforeClosingIsRejected) {
  EXPECT_FALSE(MakeWorkingHours("Europe/Berlin", kMondayToFriday, 18h, 9h, {}).has_value());
  EXPECT_FALSE(MakeWorkingHours("Europe/Berlin", kMondayToFriday, 9h, 9h, {}).has_value());
  EXPECT_FALSE(MakeWorkingHours("Europe/Berlin", kMondayToFriday, -1h, 9h, {}).has_value());
  EXPECT_FALSE(MakeWorkingHours("Europe/Berlin", kMondayToFriday, 9h, 25h, {}).has_value());
}

TEST(WorkingHoursTest, InvalidHolidayIsRejected) {
  EXPECT_FALSE(
      MakeWorkingHours("Europe/Berlin", kMondayToFriday, 9h, 18h, {date::year{2024} / 2 / 30})
          .has_value());
}

TEST(WorkingHoursTest, UncheckedWeekWithoutWorkingTimeGivesNeverInsteadOfLooping) {
  const WorkingHours none{"Europe/Berlin", {}, 9h, 18h, {}};
  EXPECT_EQ(DeadlineFor(Utc(2024, 1, 8, 9, 0), 1h, none), WallTime::max());
}

TEST(WorkingHoursTest, NegativeBudgetCountsAsZero) {
  EXPECT_EQ(DeadlineFor(Utc(2024, 1, 13, 10, 0), -5min, Hours("Europe/Berlin")),
            Utc(2024, 1, 15, 8, 0));
}

}  // namespace
}  // namespace leadd
