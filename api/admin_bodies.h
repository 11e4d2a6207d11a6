// The bodies and values of the admin's people routes (absence, departure) and of recurring
// reminders: pure parsers, so every hostile input is tested without a server.
#pragma once

#include <chrono>
#include <optional>
#include <string>
#include <string_view>

#include "core/clock.h"
#include "core/result.h"

namespace leadd::api {

// Which instant a bare date stands for: its first moment, or the first moment of the next day
// (an absence "to 2026-12-24" includes the whole of the 24th).
enum class DateEdge { kStartOfDay, kEndOfDay };

// An RFC 3339 instant ("2026-12-01T09:30:00Z", "2026-12-01T09:30:00.250+02:00") or a date
// ("2026-12-01") taken in `time_zone` (an IANA name; empty means UTC). Years 1970 to 9999.
// kRejected with a sentence naming `what`.
Result<WallTime> ParseInstant(std::string_view text, DateEdge edge, std::string_view time_zone,
                              std::string_view what);
// RFC 3339 in UTC, with milliseconds only when there are any.
std::string FormatInstant(WallTime t);
// The shortest duration text ParseDuration reads back: "30d", "1h30m", "0s".
std::string FormatDuration(std::chrono::milliseconds duration);

// Rep ids in paths: what a config id may hold, and short. Anything else would name some other
// key under the rep's prefix in Redis.
bool IsRepId(std::string_view id);

// POST /v1/reps/{rep}/away
struct AwayBody {
  WallTime from{};
  WallTime to{};
  std::string delegate;
};
Result<AwayBody> ParseAwayBody(std::string_view body, std::string_view time_zone);

// POST /v1/reps/{rep}/offboard: exactly one of {"to": REP} and {"route": "true"}.
struct OffboardBody {
  std::string to;  // empty with route
  bool route = false;
};
Result<OffboardBody> ParseOffboardBody(std::string_view body);

// POST /v1/leads/{id}/reminders. `every` is absent only for a cadence, which then repeats at
// its grade's follow_up_every; the caller checks ahead < every once every is known.
struct ReminderBody {
  std::string kind;  // reorder | cadence
  std::string product;
  std::optional<std::chrono::milliseconds> every;
  std::chrono::milliseconds ahead{0};
  WallTime first{};
};
Result<ReminderBody> ParseReminderBody(std::string_view body);

}  // namespace leadd::api
