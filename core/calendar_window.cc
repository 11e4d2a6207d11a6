#include "core/calendar_window.h"

#include <cstdio>
#include <stdexcept>

#include <date/date.h>
#include <date/iso_week.h>
#include <date/tz.h>

namespace leadd {
namespace {

const date::time_zone& ZoneOrThrow(const std::string& name) {
  try {
    return *date::locate_zone(name);
  } catch (const std::exception&) {
    throw std::runtime_error("unknown time zone \"" + name + "\"");
  }
}

// Reads exactly `width` decimal digits at `pos`; ids are fixed-width so "2026-1-5" and
// "+2026-01" are not ids.
std::optional<int> Digits(std::string_view id, std::size_t pos, std::size_t width) {
  if (pos + width > id.size()) return std::nullopt;
  int value = 0;
  for (std::size_t i = pos; i < pos + width; ++i) {
    if (id[i] < '0' || id[i] > '9') return std::nullopt;
    value = value * 10 + (id[i] - '0');
  }
  return value;
}

bool IsDayId(std::string_view id) {
  if (id.size() != 10 || id[4] != '-' || id[7] != '-') return false;
  const auto year = Digits(id, 0, 4);
  const auto month = Digits(id, 5, 2);
  const auto day = Digits(id, 8, 2);
  if (!year || !month || !day) return false;
  return date::year_month_day{date::year{*year}, date::month(static_cast<unsigned>(*month)),
                              date::day(static_cast<unsigned>(*day))}
      .ok();
}

bool IsWeekId(std::string_view id) {
  if (id.size() != 8 || id[4] != '-' || id[5] != 'W') return false;
  const auto year = Digits(id, 0, 4);
  const auto week = Digits(id, 6, 2);
  if (!year || !week || *week < 1) return false;
  // An ISO year has 52 or 53 weeks; its last week says which.
  const iso_week::year_lastweek_weekday last{iso_week::year{*year}, iso_week::mon};
  return static_cast<unsigned>(*week) <= static_cast<unsigned>(last.weeknum());
}

bool IsMonthId(std::string_view id) {
  if (id.size() != 7 || id[4] != '-') return false;
  const auto year = Digits(id, 0, 4);
  const auto month = Digits(id, 5, 2);
  return year && month && *month >= 1 && *month <= 12;
}

}  // namespace

std::optional<CalendarWindow> CalendarWindowByName(std::string_view name) {
  if (name == "day") return CalendarWindow::kDay;
  if (name == "week") return CalendarWindow::kWeek;
  if (name == "month") return CalendarWindow::kMonth;
  return std::nullopt;
}

std::string_view CalendarWindowName(CalendarWindow window) {
  switch (window) {
    case CalendarWindow::kDay:
      return "day";
    case CalendarWindow::kWeek:
      return "week";
    case CalendarWindow::kMonth:
      return "month";
  }
  return "month";
}

std::string WindowId(CalendarWindow window, WallTime t, const std::string& time_zone) {
  const date::time_zone& zone = ZoneOrThrow(time_zone);
  const date::local_days day = date::floor<date::days>(zone.to_local(t));
  const date::year_month_day ymd{day};
  char text[64];  // wide enough for any int year, so the compiler sees no truncation
  switch (window) {
    case CalendarWindow::kDay:
      std::snprintf(text, sizeof text, "%04d-%02u-%02u", static_cast<int>(ymd.year()),
                    static_cast<unsigned>(ymd.month()), static_cast<unsigned>(ymd.day()));
      break;
    case CalendarWindow::kWeek: {
      // The ISO year differs from the calendar year in the days around New Year.
      const iso_week::year_weeknum_weekday week{date::sys_days{day.time_since_epoch()}};
      std::snprintf(text, sizeof text, "%04d-W%02u", static_cast<int>(week.year()),
                    static_cast<unsigned>(week.weeknum()));
      break;
    }
    case CalendarWindow::kMonth:
      std::snprintf(text, sizeof text, "%04d-%02u", static_cast<int>(ymd.year()),
                    static_cast<unsigned>(ymd.month()));
      break;
  }
  return text;
}

bool IsWindowId(CalendarWindow window, std::string_view id) {
  switch (window) {
    case CalendarWindow::kDay:
      return IsDayId(id);
    case CalendarWindow::kWeek:
      return IsWeekId(id);
    case CalendarWindow::kMonth:
      return IsMonthId(id);
  }
  return false;
}

}  // namespace leadd
