// Working hours: SLA deadlines that count only a team's working time, in its own time zone.
#pragma once

#include <array>
#include <chrono>
#include <string>
#include <vector>

#include <date/date.h>

#include "core/clock.h"
#include "core/result.h"

namespace leadd {

// A team's week in its local time. Build it with MakeWorkingHours, which checks it once (at
// config load, where every problem is reported together) so the per-lead functions below need no
// error path: a deadline is computed for every lead and cannot fail for a checked WorkingHours.
struct WorkingHours {
  std::string time_zone;                       // IANA name, e.g. "Europe/Berlin"
  std::array<bool, 7> days{};                  // working weekdays, Monday first
  std::chrono::minutes from{};                 // local opening, after midnight
  std::chrono::minutes to{};                   // local closing, from < to <= 24h
  std::vector<date::year_month_day> holidays;  // local dates with no working time
};

// kRejected, naming the value, when the zone is unknown to the system tzdata, no weekday is a
// working day, from/to are out of order or outside one day, or a holiday is not a real date.
Result<WorkingHours> MakeWorkingHours(std::string time_zone, std::array<bool, 7> days,
                                      std::chrono::minutes from, std::chrono::minutes to,
                                      std::vector<date::year_month_day> holidays);

// How far DeadlineFor looks for working time before giving up (holidays can be listed for
// years ahead, but not forever).
inline constexpr date::days kMaxDeadlineSearch{3660};

// The instant at which `budget` of working time has passed since `start`. Starting outside
// hours, counting begins at the next opening; a zero (or negative) budget gives that opening, or
// `start` itself inside hours. Working time is real elapsed time: a day that loses an hour to a
// DST change inside its hours holds one hour less. A local time the clock skips stands for the
// instant of the jump; one it shows twice stands for its first occurrence.
// `hours` must have passed MakeWorkingHours: an unknown zone aborts. If kMaxDeadlineSearch of days
// holds too little working time the result is WallTime::max(), i.e. never.
WallTime DeadlineFor(WallTime start, Duration budget, const WorkingHours& hours);

// Whether `t` falls inside working hours; same precondition as DeadlineFor.
bool IsWorkingTime(WallTime t, const WorkingHours& hours);

}  // namespace leadd
