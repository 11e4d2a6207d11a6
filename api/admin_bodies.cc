#include "api/admin_bodies.h"

#include <date/date.h>
#include <date/tz.h>

#include <algorithm>
#include <array>
#include <initializer_list>
#include <stdexcept>
#include <vector>

#include "config/duration.h"
#include "connectors/json_fields.h"
#include "core/ascii.h"

namespace leadd::api {
namespace {

using connectors::JsonFields;
using std::chrono::milliseconds;

constexpr std::size_t kMaxInstantBytes = 40;
constexpr std::size_t kMaxRepIdBytes = 64;
constexpr std::size_t kMaxProductBytes = 200;
constexpr std::size_t kMaxDurationBytes = 24;
// A reminder further apart than this is a typo, and the cap keeps the arithmetic of the
// occurrences (epoch ms) far from overflowing.
constexpr milliseconds kMaxReminderPeriod = std::chrono::days(3660);

std::string Quoted(std::string_view text) { return QuotedForMessage(text, 40, '"'); }

bool Digits(std::string_view text, std::size_t at, std::size_t count, int& value) {
  if (at + count > text.size()) return false;
  value = 0;
  for (std::size_t i = at; i < at + count; ++i) {
    if (text[i] < '0' || text[i] > '9') return false;
    value = value * 10 + (text[i] - '0');
  }
  return true;
}

constexpr int kLastYear = 2200;

std::optional<date::year_month_day> ReadDate(std::string_view text) {
  int year = 0;
  int month = 0;
  int day = 0;
  if (text.size() < 10 || !Digits(text, 0, 4, year) || text[4] != '-' ||
      !Digits(text, 5, 2, month) || text[7] != '-' || !Digits(text, 8, 2, day)) {
    return std::nullopt;
  }
  const date::year_month_day ymd{date::year{year}, date::month{static_cast<unsigned>(month)},
                                 date::day{static_cast<unsigned>(day)}};
  // WallTime counts nanoseconds and ends in 2262; no date an admin means is that far out.
  if (!ymd.ok() || year < 1970 || year > kLastYear) return std::nullopt;
  return ymd;
}

Result<WallTime> DateIn(date::year_month_day ymd, DateEdge edge, std::string_view time_zone) {
  date::local_days local{ymd};
  if (edge == DateEdge::kEndOfDay) local += date::days{1};
  if (time_zone.empty()) return WallTime{date::sys_days{local.time_since_epoch()}};
  try {
    const auto* zone = date::locate_zone(std::string(time_zone));
    const date::local_seconds midnight{local};
    const auto info = zone->get_info(midnight);
    // A midnight the clocks skip stands for the instant of the jump; one they show twice, for
    // its first occurrence.
    if (info.result == date::local_info::nonexistent) return WallTime{info.first.end};
    return WallTime{date::sys_seconds{(midnight - info.first.offset).time_since_epoch()}};
  } catch (const std::exception&) {
    return Rejected("unknown time zone " + Quoted(time_zone));
  }
}

Result<milliseconds> ReadDuration(std::string_view text, std::string_view what, bool positive) {
  if (text.size() > kMaxDurationBytes) return Rejected(std::string(what) + " is too long");
  const auto duration = config::ParseDuration(text);
  if (!duration) {
    return Rejected(std::string(what) + " must be a duration such as 30d, 12h or 1h30m, not " +
                    Quoted(text));
  }
  if (positive && duration->count() == 0) {
    return Rejected(std::string(what) + " must be longer than 0");
  }
  if (*duration > kMaxReminderPeriod) {
    return Rejected(std::string(what) + " must be at most 3660d");
  }
  return *duration;
}

// An empty body is not an empty object here: every route below needs something.
Result<JsonFields> Fields(std::string_view body, std::initializer_list<std::string_view> names,
                          std::size_t limit) {
  if (body.find_first_not_of(" \t\r\n") == std::string_view::npos) {
    return Rejected("the body must be a JSON object");
  }
  const std::vector<std::string_view> known(names);
  return connectors::ReadJsonFields(body, [known, limit](std::string_view name) -> std::size_t {
    return std::find(known.begin(), known.end(), name) != known.end() ? limit : 0;
  });
}

std::string Field(const JsonFields& fields, std::string_view key) {
  const auto found = fields.find(key);
  return found == fields.end() ? std::string() : found->second;
}

}  // namespace

Result<WallTime> ParseInstant(std::string_view text, DateEdge edge, std::string_view time_zone,
                              std::string_view what) {
  const std::string expected = std::string(what) +
                               " must be a date (2026-12-01) or an RFC 3339 time "
                               "(2026-12-01T09:00:00Z), not " +
                               Quoted(text);
  if (text.empty() || text.size() > kMaxInstantBytes) return Rejected(expected);
  const auto ymd = ReadDate(text);
  if (!ymd) return Rejected(expected);
  if (text.size() == 10) return DateIn(*ymd, edge, time_zone);

  int hour = 0;
  int minute = 0;
  int second = 0;
  if (text.size() < 20 || (text[10] != 'T' && text[10] != 't') || !Digits(text, 11, 2, hour) ||
      text[13] != ':' || !Digits(text, 14, 2, minute) || text[16] != ':' ||
      !Digits(text, 17, 2, second) || hour > 23 || minute > 59 || second > 59) {
    return Rejected(expected);
  }
  std::size_t at = 19;
  milliseconds fraction{0};
  if (text[at] == '.') {
    const std::size_t start = ++at;
    int scale = 100;
    while (at < text.size() && text[at] >= '0' && text[at] <= '9') {
      fraction += milliseconds((text[at] - '0') * scale);
      scale /= 10;
      ++at;
    }
    if (at == start || at - start > 9) return Rejected(expected);
  }
  std::chrono::minutes offset{0};
  const std::string_view zone = text.substr(std::min(at, text.size()));
  if (zone == "Z" || zone == "z") {
    offset = std::chrono::minutes(0);
  } else {
    int offset_hours = 0;
    int offset_minutes = 0;
    if (zone.size() != 6 || (zone[0] != '+' && zone[0] != '-') ||
        !Digits(zone, 1, 2, offset_hours) || zone[3] != ':' ||
        !Digits(zone, 4, 2, offset_minutes) || offset_hours > 23 || offset_minutes > 59) {
      return Rejected(expected);
    }
    offset = std::chrono::hours(offset_hours) + std::chrono::minutes(offset_minutes);
    if (zone[0] == '-') offset = -offset;
  }
  const auto local = date::sys_days{*ymd} + std::chrono::hours(hour) +
                     std::chrono::minutes(minute) + std::chrono::seconds(second) + fraction;
  const WallTime instant = local - offset;
  if (instant < WallTime{}) return Rejected(expected);
  return instant;
}

std::string FormatInstant(WallTime t) {
  const auto millis = std::chrono::floor<milliseconds>(t);
  if (millis.time_since_epoch().count() % 1000 == 0) {
    return date::format("%FT%TZ", std::chrono::floor<std::chrono::seconds>(t));
  }
  return date::format("%FT%TZ", millis);
}

std::string FormatDuration(milliseconds duration) {
  if (duration.count() <= 0) return "0s";
  constexpr std::array<std::pair<std::int64_t, std::string_view>, 5> kUnits = {
      {{86'400'000, "d"}, {3'600'000, "h"}, {60'000, "m"}, {1'000, "s"}, {1, "ms"}}};
  std::int64_t left = duration.count();
  std::string text;
  for (const auto& [size, unit] : kUnits) {
    if (left >= size) {
      text += std::to_string(left / size) + std::string(unit);
      left %= size;
    }
  }
  return text;
}

bool IsRepId(std::string_view id) {
  return !id.empty() && id.size() <= kMaxRepIdBytes &&
         std::all_of(id.begin(), id.end(), [](char c) {
           return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                  c == '_' || c == '-' || c == '.' || c == '@';
         });
}

Result<AwayBody> ParseAwayBody(std::string_view body, std::string_view time_zone) {
  auto fields = Fields(body, {"from", "to", "delegate"}, 100);
  if (!fields) return fields.error();
  for (const std::string_view name : {"from", "to", "delegate"}) {
    if (Field(fields.value(), name).empty()) return Rejected(std::string(name) + " is required");
  }
  AwayBody away;
  away.delegate = Field(fields.value(), "delegate");
  LEADD_TRY(from,
            ParseInstant(Field(fields.value(), "from"), DateEdge::kStartOfDay, time_zone, "from"));
  LEADD_TRY(to, ParseInstant(Field(fields.value(), "to"), DateEdge::kEndOfDay, time_zone, "to"));
  if (to <= from) return Rejected("to must be after from");
  away.from = from;
  away.to = to;
  return away;
}

Result<OffboardBody> ParseOffboardBody(std::string_view body) {
  auto fields = Fields(body, {"to", "route"}, 100);
  if (!fields) return fields.error();
  OffboardBody offboard;
  offboard.to = Field(fields.value(), "to");
  const std::string route = Field(fields.value(), "route");
  if (!route.empty() && route != "true") return Rejected(R"(route must be "true" when given)");
  offboard.route = route == "true";
  if (offboard.route == !offboard.to.empty()) {
    return Rejected(R"(give exactly one of "to" (the rep who takes over) and "route": "true")");
  }
  return offboard;
}

Result<ReminderBody> ParseReminderBody(std::string_view body) {
  auto fields = Fields(body, {"kind", "product", "every", "ahead", "first"}, kMaxProductBytes);
  if (!fields) return fields.error();
  const auto& f = fields.value();
  ReminderBody reminder;
  reminder.kind = Field(f, "kind");
  if (reminder.kind != "reorder" && reminder.kind != "cadence") {
    return Rejected(R"(kind must be "reorder" or "cadence")");
  }
  reminder.product = Field(f, "product");
  if (reminder.kind == "reorder" && reminder.product.empty()) {
    return Rejected("product is required for a reorder reminder");
  }
  if (const auto every = Field(f, "every"); !every.empty()) {
    LEADD_TRY(period, ReadDuration(every, "every", true));
    reminder.every = period;
  } else if (reminder.kind == "reorder") {
    return Rejected("every is required for a reorder reminder");
  }
  const auto ahead = Field(f, "ahead");
  if (ahead.empty()) return Rejected("ahead is required");
  LEADD_TRY(lead_time, ReadDuration(ahead, "ahead", false));
  reminder.ahead = lead_time;
  if (reminder.every && reminder.ahead >= *reminder.every) {
    return Rejected("ahead must be shorter than every");
  }
  const auto first = Field(f, "first");
  if (first.empty()) return Rejected("first is required");
  LEADD_TRY(when, ParseInstant(first, DateEdge::kStartOfDay, "", "first"));
  reminder.first = when;
  return reminder;
}

}  // namespace leadd::api
