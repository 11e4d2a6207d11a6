#include "core/working_hours.h"

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <exception>
#include <optional>
#include <string>
#include <utility>

#include <date/tz.h>

namespace leadd {
namespace {

using std::chrono::minutes;

const date::time_zone* FindZone(const std::string& name) {
  try {
    return date::locate_zone(name);
  } catch (const std::exception&) {
    return nullptr;
  }
}

const date::time_zone& ZoneOrAbort(const std::string& name) {
  const date::time_zone* zone = FindZone(name);
  if (zone == nullptr) {
    // MakeWorkingHours rejects unknown zones, so this is a caller skipping validation.
    std::fprintf(stderr, "leadd: WorkingHours with unchecked time zone \"%s\"\n", name.c_str());
    std::abort();
  }
  return *zone;
}

bool IsWorkingDay(date::local_days day, const WorkingHours& hours) {
  // date::weekday counts from Sunday = 0; the days array starts on Monday.
  const unsigned monday_first = (date::weekday{day}.c_encoding() + 6) % 7;
  if (!hours.days.at(monday_first)) return false;
  const date::year_month_day ymd{day};
  return std::find(hours.holidays.begin(), hours.holidays.end(), ymd) == hours.holidays.end();
}

WallTime ToSys(const date::time_zone& zone, date::local_time<minutes> local) {
  // earliest: a skipped time maps to the jump, a repeated one to its first occurrence.
  return zone.to_sys(local, date::choose::earliest);
}

struct Span {
  WallTime open;
  WallTime close;
};

std::optional<Span> WorkingSpan(const date::time_zone& zone, date::local_days day,
                                const WorkingHours& hours) {
  if (!IsWorkingDay(day, hours)) return std::nullopt;
  return Span{ToSys(zone, day + hours.from), ToSys(zone, day + hours.to)};
}

date::local_days LocalDay(const date::time_zone& zone, WallTime t) {
  return date::floor<date::days>(zone.to_local(t));
}

}  // namespace

Result<WorkingHours> MakeWorkingHours(std::string time_zone, std::array<bool, 7> days, minutes from,
                                      minutes to, std::vector<date::year_month_day> holidays) {
  if (FindZone(time_zone) == nullptr) {
    return Rejected("unknown time zone \"" + time_zone + "\"");
  }
  if (std::none_of(days.begin(), days.end(), [](bool d) { return d; })) {
    return Rejected("working hours of zone \"" + time_zone + "\" have no working day");
  }
  if (from < minutes::zero() || to > date::days{1} || from >= to) {
    return Rejected("working hours " + std::to_string(from.count()) + "-" +
                    std::to_string(to.count()) +
                    " min must satisfy 0 <= from < to <= 1440 minutes");
  }
  for (const auto& holiday : holidays) {
    if (!holiday.ok()) {
      return Rejected("holiday " + std::to_string(static_cast<int>(holiday.year())) + "-" +
                      std::to_string(static_cast<unsigned>(holiday.month())) + "-" +
                      std::to_string(static_cast<unsigned>(holiday.day())) + " is not a date");
    }
  }
  return WorkingHours{std::move(time_zone), days, from, to, std::move(holidays)};
}

WallTime DeadlineFor(WallTime start, Duration budget, const WorkingHours& hours) {
  const date::time_zone& zone = ZoneOrAbort(hours.time_zone);
  WallTime cursor = start;
  WallTime::duration remaining = std::max(budget, Duration::zero());
  // Start a day early: a span that ends after local midnight (to == 24h, or an ambiguous close on
  // a fall-back day) may still contain `start`.
  const date::local_days first = LocalDay(zone, start) - date::days{1};
  for (date::local_days day = first; day <= first + kMaxDeadlineSearch; day += date::days{1}) {
    const auto span = WorkingSpan(zone, day, hours);
    if (!span || span->close <= cursor) continue;
    const WallTime from = std::max(span->open, cursor);
    const auto available = span->close - from;
    if (remaining <= available) return from + remaining;
    remaining -= available;
    cursor = span->close;
  }
  return WallTime::max();
}

bool IsWorkingTime(WallTime t, const WorkingHours& hours) {
  const date::time_zone& zone = ZoneOrAbort(hours.time_zone);
  const date::local_days today = LocalDay(zone, t);
  for (date::local_days day = today - date::days{1}; day <= today; day += date::days{1}) {
    const auto span = WorkingSpan(zone, day, hours);
    if (span && span->open <= t && t < span->close) return true;
  }
  return false;
}

}  // namespace leadd
