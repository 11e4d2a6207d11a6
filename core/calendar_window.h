// CalendarWindow: the day, ISO week or month an instant falls in, in a time zone, named so that
// Redis keys and admins agree on it ("2026-11-24", "2026-W48", "2026-11").
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "core/clock.h"

namespace leadd {

enum class CalendarWindow { kDay, kWeek, kMonth };

// "day", "week", "month"; nullopt for anything else.
std::optional<CalendarWindow> CalendarWindowByName(std::string_view name);
std::string_view CalendarWindowName(CalendarWindow window);

// The id of the window holding `t` in `time_zone` (an IANA name the system tzdata knows; an
// unknown one throws std::runtime_error, so check names at config load). Weeks are ISO 8601:
// they begin on Monday, and the week of 2027-01-01 is 2026-W53.
std::string WindowId(CalendarWindow window, WallTime t, const std::string& time_zone);

// Whether `id` is written as an id of that kind of window and names a real one
// ("2026-02-30" and "2026-W54" are not).
bool IsWindowId(CalendarWindow window, std::string_view id);

}  // namespace leadd
