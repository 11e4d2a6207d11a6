#include "core/calendar_window.h"

#include <gtest/gtest.h>

#include <stdexcept>

#include <date/date.h>

namespace leadd {
namespace {

using namespace std::chrono_literals;

// An instant written as the UTC wall time, so every expectation is checkable against a tz table.
WallTime Utc(int y, unsigned m, unsigned d, int hour = 12, int minute = 0) {
  return date::sys_days{date::year{y} / date::month{m} / date::day{d}} + std::chrono::hours(hour) +
         std::chrono::minutes(minute);
}

TEST(CalendarWindowTest, NamesRoundTrip) {
  for (const auto window : {CalendarWindow::kDay, CalendarWindow::kWeek, CalendarWindow::kMonth}) {
    EXPECT_EQ(CalendarWindowByName(CalendarWindowName(window)), window);
  }
  EXPECT_EQ(CalendarWindowByName("year"), std::nullopt);
  EXPECT_EQ(CalendarWindowByName("Month"), std::nullopt);
  EXPECT_EQ(CalendarWindowByName(""), std::nullopt);
}

TEST(CalendarWindowTest, DayAndMonthInUtc) {
  EXPECT_EQ(WindowId(CalendarWindow::kDay, Utc(2026, 11, 24), "UTC"), "2026-11-24");
  EXPECT_EQ(WindowId(CalendarWindow::kMonth, Utc(2026, 11, 24), "UTC"), "2026-11");
  EXPECT_EQ(WindowId(CalendarWindow::kWeek, Utc(2026, 11, 24), "UTC"), "2026-W48");
}

TEST(CalendarWindowTest, IsoWeeksAtYearBoundaries) {
  EXPECT_EQ(WindowId(CalendarWindow::kWeek, Utc(2026, 12, 31), "UTC"), "2026-W53");
  EXPECT_EQ(WindowId(CalendarWindow::kWeek, Utc(2027, 1, 1), "UTC"), "2026-W53");
  EXPECT_EQ(WindowId(CalendarWindow::kWeek, Utc(2027, 1, 3), "UTC"), "2026-W53");
  EXPECT_EQ(WindowId(CalendarWindow::kWeek, Utc(2027, 1, 4), "UTC"), "2027-W01");
  EXPECT_EQ(WindowId(CalendarWindow::kWeek, Utc(2021, 1, 3), "UTC"), "2020-W53");
  // 2024-12-30 is a Monday in the first week of 2025.
  EXPECT_EQ(WindowId(CalendarWindow::kWeek, Utc(2024, 12, 30), "UTC"), "2025-W01");
}

TEST(CalendarWindowTest, ZoneAheadOfUtcIsAlreadyTheNextDayAndMonth) {
  // 20:00 UTC on 31 October is 04:00 on 1 November in Shanghai (UTC+8).
  const WallTime t = Utc(2026, 10, 31, 20);
  EXPECT_EQ(WindowId(CalendarWindow::kDay, t, "UTC"), "2026-10-31");
  EXPECT_EQ(WindowId(CalendarWindow::kDay, t, "Asia/Shanghai"), "2026-11-01");
  EXPECT_EQ(WindowId(CalendarWindow::kMonth, t, "UTC"), "2026-10");
  EXPECT_EQ(WindowId(CalendarWindow::kMonth, t, "Asia/Shanghai"), "2026-11");
  // Saturday 31 October UTC, but Sunday in Shanghai: still week 44 in both.
  EXPECT_EQ(WindowId(CalendarWindow::kWeek, t, "Asia/Shanghai"), "2026-W44");
  // Sunday evening UTC is Monday morning in Shanghai: the next ISO week.
  EXPECT_EQ(WindowId(CalendarWindow::kWeek, Utc(2026, 11, 1, 20), "UTC"), "2026-W44");
  EXPECT_EQ(WindowId(CalendarWindow::kWeek, Utc(2026, 11, 1, 20), "Asia/Shanghai"), "2026-W45");
}

TEST(CalendarWindowTest, BerlinDaysAcrossDaylightSavingChanges) {
  // 2026-03-29: clocks go from 02:00 to 03:00, so the day begins at 23:00 UTC the day before
  // and ends at 22:00 UTC.
  EXPECT_EQ(WindowId(CalendarWindow::kDay, Utc(2026, 3, 28, 22, 59), "Europe/Berlin"),
            "2026-03-28");
  EXPECT_EQ(WindowId(CalendarWindow::kDay, Utc(2026, 3, 28, 23, 0), "Europe/Berlin"), "2026-03-29");
  EXPECT_EQ(WindowId(CalendarWindow::kDay, Utc(2026, 3, 29, 21, 59), "Europe/Berlin"),
            "2026-03-29");
  EXPECT_EQ(WindowId(CalendarWindow::kDay, Utc(2026, 3, 29, 22, 0), "Europe/Berlin"), "2026-03-30");
  // 2026-10-25: clocks go back from 03:00 to 02:00; the day begins at 22:00 UTC the day before
  // and lasts 25 hours, until 23:00 UTC.
  EXPECT_EQ(WindowId(CalendarWindow::kDay, Utc(2026, 10, 24, 21, 59), "Europe/Berlin"),
            "2026-10-24");
  EXPECT_EQ(WindowId(CalendarWindow::kDay, Utc(2026, 10, 24, 22, 0), "Europe/Berlin"),
            "2026-10-25");
  EXPECT_EQ(WindowId(CalendarWindow::kDay, Utc(2026, 10, 25, 22, 59), "Europe/Berlin"),
            "2026-10-25");
  EXPECT_EQ(WindowId(CalendarWindow::kDay, Utc(2026, 10, 25, 23, 0), "Europe/Berlin"),
            "2026-10-26");
}

TEST(CalendarWindowTest, UnknownZoneThrows) {
  EXPECT_THROW(WindowId(CalendarWindow::kDay, Utc(2026, 11, 24), "Mars/Olympus_Mons"),
               std::runtime_error);
}

TEST(CalendarWindowTest, DayIds) {
  EXPECT_TRUE(IsWindowId(CalendarWindow::kDay, "2026-11-24"));
  EXPECT_TRUE(IsWindowId(CalendarWindow::kDay, "2024-02-29"));
  EXPECT_FALSE(IsWindowId(CalendarWindow::kDay, "2026-02-29"));
  EXPECT_FALSE(IsWindowId(CalendarWindow::kDay, "2026-02-30"));
  EXPECT_FALSE(IsWindowId(CalendarWindow::kDay, "2026-13-01"));
  EXPECT_FALSE(IsWindowId(CalendarWindow::kDay, "2026-00-10"));
  EXPECT_FALSE(IsWindowId(CalendarWindow::kDay, "2026-1-05"));
  EXPECT_FALSE(IsWindowId(CalendarWindow::kDay, "2026-11-24 "));
  EXPECT_FALSE(IsWindowId(CalendarWindow::kDay, "2026-11"));
  EXPECT_FALSE(IsWindowId(CalendarWindow::kDay, "2026-W48"));
  EXPECT_FALSE(IsWindowId(CalendarWindow::kDay, ""));
}

TEST(CalendarWindowTest, WeekIds) {
  EXPECT_TRUE(IsWindowId(CalendarWindow::kWeek, "2026-W01"));
  EXPECT_TRUE(IsWindowId(CalendarWindow::kWeek, "2026-W48"));
  EXPECT_TRUE(IsWindowId(CalendarWindow::kWeek, "2026-W53"));
  EXPECT_FALSE(IsWindowId(CalendarWindow::kWeek, "2026-W54"));
  EXPECT_TRUE(IsWindowId(CalendarWindow::kWeek, "2025-W52"));
  EXPECT_FALSE(IsWindowId(CalendarWindow::kWeek, "2025-W53"));
  EXPECT_FALSE(IsWindowId(CalendarWindow::kWeek, "2026-W00"));
  EXPECT_FALSE(IsWindowId(CalendarWindow::kWeek, "2026-W4"));
  EXPECT_FALSE(IsWindowId(CalendarWindow::kWeek, "2026-w48"));
  EXPECT_FALSE(IsWindowId(CalendarWindow::kWeek, "2026-11-24"));
}

TEST(CalendarWindowTest, MonthIds) {
  EXPECT_TRUE(IsWindowId(CalendarWindow::kMonth, "2026-01"));
  EXPECT_TRUE(IsWindowId(CalendarWindow::kMonth, "2026-12"));
  EXPECT_FALSE(IsWindowId(CalendarWindow::kMonth, "2026-13"));
  EXPECT_FALSE(IsWindowId(CalendarWindow::kMonth, "2026-00"));
  EXPECT_FALSE(IsWindowId(CalendarWindow::kMonth, "2026-1"));
  EXPECT_FALSE(IsWindowId(CalendarWindow::kMonth, "2026-11-24"));
  EXPECT_FALSE(IsWindowId(CalendarWindow::kMonth, "26-11"));
}

TEST(CalendarWindowTest, EveryIdItMakesIsAnId) {
  for (const auto window : {CalendarWindow::kDay, CalendarWindow::kWeek, CalendarWindow::kMonth}) {
    for (WallTime t = Utc(2020, 12, 20); t < Utc(2021, 1, 20); t += 7h) {
      EXPECT_TRUE(IsWindowId(window, WindowId(window, t, "Pacific/Kiritimati")))
          << WindowId(window, t, "Pacific/Kiritimati");
    }
  }
}

}  // namespace
}  // namespace leadd
