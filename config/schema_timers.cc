#include <array>
#include <chrono>
#include <cstdint>
#include <map>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "config/nearest_name.h"
#include "config/schema.h"
#include "core/ascii.h"

namespace leadd::config {
namespace {

using std::chrono::minutes;

constexpr KeySpec kWorkingHoursKeys[] = {
    {"days", true}, {"from", true}, {"to", true}, {"timezone", true}, {"holidays"}};
constexpr KeySpec kGradeKeys[] = {
    {"when"}, {"accept_within"}, {"remind_before"}, {"escalate_after_bounces"}, {"follow_up_every"},
    {"team"}};
constexpr KeySpec kTeamKeys[] = {{"backup"}, {"inform_manager"}};
constexpr KeySpec kInactivityKeys[] = {
    {"return_after_days"}, {"no_deal_after_days"}, {"remind_before_days"}, {"pool"}, {"lock_cap"}};

// Monday first, as in WorkingHours::days.
constexpr std::string_view kDayNames[] = {"Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"};

constexpr std::string_view kDaysExpected =
    "expected a day such as Mon, a range such as Mon-Fri or a list such as [Mon, Wed, Fri]";

// Grade names travel in lead bodies and Redis hashes; short and plain keeps both tidy.
constexpr std::size_t kMaxGradeNameBytes = 32;

// A century. A longer period would mean "never", which leaving the key out already says, and the
// cap keeps the days far from overflowing the millisecond arithmetic of the timers.
constexpr std::uint64_t kMaxInactivityDays = 36'500;

// Longer than any IANA name (the longest is about 32 bytes); a bound for the shape check only.
constexpr std::size_t kMaxZoneNameBytes = 64;

std::optional<std::size_t> DayIndex(std::string_view text) {
  if (text.size() != 3) return std::nullopt;
  for (std::size_t i = 0; i < std::size(kDayNames); ++i) {
    const std::string_view name = kDayNames[i];
    if (AsciiLower(text[0]) == AsciiLower(name[0]) && AsciiLower(text[1]) == AsciiLower(name[1]) &&
        AsciiLower(text[2]) == AsciiLower(name[2])) {
      return i;
    }
  }
  return std::nullopt;
}

// Day names are case-insensitive, so the nearest-name hint compares them in one spelling.
std::string Capitalized(std::string_view text) {
  std::string spelled;
  for (const char c : text) spelled += AsciiLower(c);
  if (!spelled.empty() && spelled[0] >= 'a' && spelled[0] <= 'z') {
    spelled[0] = static_cast<char>(spelled[0] - 'a' + 'A');
  }
  return spelled;
}

std::optional<std::size_t> ReadDayName(std::string_view text, const ValueRef& value,
                                       ProblemLog& log) {
  if (const auto index = DayIndex(text)) return index;
  std::string message = "unknown day " + QuoteForMessage(text);
  // A long word cannot be near a three-letter name; skip the quadratic distance on it.
  const auto nearest = text.size() <= 8 ? NearestName(Capitalized(text), kDayNames) : std::nullopt;
  if (nearest) {
    message += ", did you mean '" + *nearest + "'?";
  } else {
    message += "; expected Mon, Tue, Wed, Thu, Fri, Sat or Sun";
  }
  log.Add(value.at, value.path, message);
  return std::nullopt;
}

std::optional<std::array<bool, 7>> ReadWeekdayList(const ValueRef& value, ProblemLog& log) {
  const auto items = ReadList(value, log);
  if (!items) return std::nullopt;
  if (items->empty()) {
    log.Add(value.at, value.path, "must name at least one day");
    return std::nullopt;
  }
  std::array<bool, 7> days{};
  bool complete = true;
  for (const ValueRef& item : *items) {
    if (!item.node.IsScalar()) {
      log.Add(item.at, item.path, "expected a day such as Mon, got " + Describe(item.node));
      complete = false;
      continue;
    }
    const auto index = ReadDayName(item.node.Scalar(), item, log);
    if (!index) {
      complete = false;
    } else if (days.at(*index)) {
      // Harmless as written, but most likely a slip for another day.
      log.Add(item.at, item.path, "names " + std::string(kDayNames[*index]) + " twice");
      complete = false;
    } else {
      days.at(*index) = true;
    }
  }
  if (!complete) return std::nullopt;
  return days;
}

// "Mon-Fri", "Sun" or [Mon, Wed, Fri].
std::optional<std::array<bool, 7>> ReadWeekdays(const ValueRef& value, ProblemLog& log) {
  if (value.node.IsSequence()) return ReadWeekdayList(value, log);
  if (!value.node.IsScalar() || value.node.Scalar().empty()) {
    log.Add(value.at, value.path, std::string(kDaysExpected) + ", got " + Describe(value.node));
    return std::nullopt;
  }
  const std::string_view text = value.node.Scalar();
  std::array<bool, 7> days{};
  const auto dash = text.find('-');
  if (dash == std::string_view::npos) {
    const auto index = ReadDayName(text, value, log);
    if (!index) return std::nullopt;
    days.at(*index) = true;
    return days;
  }
  const std::string_view first = text.substr(0, dash);
  const std::string_view last = text.substr(dash + 1);
  if (first.empty() || last.empty() || last.find('-') != std::string_view::npos) {
    log.Add(value.at, value.path, std::string(kDaysExpected) + ", got " + QuoteForMessage(text));
    return std::nullopt;
  }
  const auto from = ReadDayName(first, value, log);
  const auto to = ReadDayName(last, value, log);
  if (!from || !to) return std::nullopt;
  if (*from > *to) {
    // Fri-Mon could mean Fri, Sat, Sun, Mon or a typo for Mon-Fri; a list says which.
    std::string listed;
    for (std::size_t i = *from;; i = (i + 1) % 7) {
      listed += (listed.empty() ? "" : ", ") + std::string(kDayNames[i]);
      if (i == *to) break;
    }
    log.Add(value.at, value.path,
            "the range " + QuoteForMessage(text) +
                " runs past Sunday, which a range may not; list the days instead, as in [" +
                listed + "]");
    return std::nullopt;
  }
  for (std::size_t i = *from; i <= *to; ++i) days.at(i) = true;
  return days;
}

bool IsDigit(char c) { return c >= '0' && c <= '9'; }

std::string FormatTimeOfDay(minutes time) {
  const auto two = [](long long n) { return std::string(n < 10 ? "0" : "") + std::to_string(n); };
  return two(time.count() / 60) + ":" + two(time.count() % 60);
}

// "HH:MM", 24-hour. "24:00", the end of the day, only for a closing time.
std::optional<minutes> ReadTimeOfDay(const ValueRef& value, bool is_closing, ProblemLog& log) {
  const std::string expected = std::string("expected a time of day from 00:00 to ") +
                               (is_closing ? "24:00" : "23:59") + " as HH:MM, got ";
  if (value.node.IsScalar()) {
    const std::string& text = value.node.Scalar();
    if (text.size() == 5 && IsDigit(text[0]) && IsDigit(text[1]) && text[2] == ':' &&
        IsDigit(text[3]) && IsDigit(text[4])) {
      const int hour = (text[0] - '0') * 10 + (text[1] - '0');
      const int minute = (text[3] - '0') * 10 + (text[4] - '0');
      if (hour < 24 && minute < 60) return minutes(hour * 60 + minute);
      if (hour == 24 && minute == 0) {
        if (is_closing) return minutes(24 * 60);
        log.Add(value.at, value.path, expected + "'24:00' (24:00 is allowed for 'to' only)");
        return std::nullopt;
      }
    }
  }
  log.Add(value.at, value.path, expected + Describe(value.node));
  return std::nullopt;
}

// The shape of an IANA name: '/'-separated parts of letters, digits, '_', '-' and '+'. Checked
// before the zone is looked up so that a path such as ../../etc/passwd never reaches tzdata.
bool IsZoneName(std::string_view name) {
  if (name.empty() || name.size() > kMaxZoneNameBytes) return false;
  std::size_t start = 0;
  while (true) {
    const auto slash = name.find('/', start);
    const std::string_view part = name.substr(
        start, slash == std::string_view::npos ? std::string_view::npos : slash - start);
    if (part.empty() || part == "." || part == "..") return false;
    for (const char c : part) {
      const bool letter = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
      if (!letter && !IsDigit(c) && c != '_' && c != '-' && c != '+') return false;
    }
    if (slash == std::string_view::npos) return true;
    start = slash + 1;
  }
}

}  // namespace

std::optional<std::string> ReadTimeZone(const ValueRef& value, ProblemLog& log) {
  const auto text = ReadText(value, log);
  if (!text) return std::nullopt;
  if (!IsZoneName(*text)) {
    log.Add(value.at, value.path,
            "expected an IANA time zone name such as Europe/Berlin, got " + QuoteForMessage(*text));
    return std::nullopt;
  }
  // MakeWorkingHours is the one place that knows the zones; asked with hours that are otherwise
  // valid, its only possible refusal is the zone, which can then be reported at this value.
  std::array<bool, 7> every_day{};
  every_day.fill(true);
  if (!MakeWorkingHours(*text, every_day, minutes(0), minutes(24 * 60), {})) {
    log.Add(value.at, value.path,
            "unknown time zone " + QuoteForMessage(*text) +
                "; expected an IANA name from the system's tzdata, such as Europe/Berlin");
    return std::nullopt;
  }
  return text;
}

namespace {

// YYYY-MM-DD.
std::optional<date::year_month_day> ReadDate(const ValueRef& value, ProblemLog& log) {
  if (value.node.IsScalar()) {
    const std::string& text = value.node.Scalar();
    const bool shaped = text.size() == 10 && text[4] == '-' && text[7] == '-' && IsDigit(text[0]) &&
                        IsDigit(text[1]) && IsDigit(text[2]) && IsDigit(text[3]) &&
                        IsDigit(text[5]) && IsDigit(text[6]) && IsDigit(text[8]) &&
                        IsDigit(text[9]);
    if (shaped) {
      const date::year_month_day day{
          date::year{std::stoi(text.substr(0, 4))},
          date::month{static_cast<unsigned>(std::stoi(text.substr(5, 2)))},
          date::day{static_cast<unsigned>(std::stoi(text.substr(8, 2)))}};
      if (day.ok()) return day;
      log.Add(value.at, value.path, QuoteForMessage(text) + " is not a date");
      return std::nullopt;
    }
  }
  log.Add(value.at, value.path,
          "expected a date as YYYY-MM-DD, such as 2026-12-25, got " + Describe(value.node));
  return std::nullopt;
}

std::optional<std::vector<date::year_month_day>> ReadHolidays(const ValueRef& value,
                                                              ProblemLog& log) {
  const auto items = ReadList(value, log);
  if (!items) return std::nullopt;
  std::vector<date::year_month_day> holidays;
  bool complete = true;
  for (const ValueRef& item : *items) {
    if (const auto day = ReadDate(item, log)) {
      holidays.push_back(*day);
    } else {
      complete = false;
    }
  }
  if (!complete) return std::nullopt;
  return holidays;
}

// [A-Za-z0-9][A-Za-z0-9_-]*, at most kMaxGradeNameBytes.
bool IsGradeName(std::string_view name) {
  const auto letter_or_digit = [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || IsDigit(c);
  };
  if (name.empty() || name.size() > kMaxGradeNameBytes || !letter_or_digit(name.front())) {
    return false;
  }
  for (const char c : name) {
    if (!letter_or_digit(c) && c != '_' && c != '-') return false;
  }
  return true;
}

// Zero is refused: a zero deadline, reminder or cadence would fire the moment it is set.
std::optional<std::chrono::milliseconds> ReadPositiveDuration(const ValueRef& value,
                                                              ProblemLog& log) {
  const auto duration = ReadDuration(value, log);
  if (!duration) return std::nullopt;
  if (duration->count() <= 0) {
    log.Add(value.at, value.path, "must be longer than 0s");
    return std::nullopt;
  }
  return duration;
}

// `timers_read` turns false when accept_within or remind_before is present but unreadable.
GradeSettings ReadGrade(const ValueRef& value, bool& timers_read, ProblemLog& log) {
  GradeSettings grade;
  const MappingReader fields(value, kGradeKeys, log);
  for (const std::string_view key : {"accept_within", "remind_before"}) {
    const auto found = fields.Find(key);
    if (!found) continue;
    const auto duration = ReadPositiveDuration(*found, log);
    if (!duration) {
      timers_read = false;
    } else if (key == "accept_within") {
      grade.accept_within = duration;
    } else {
      grade.remind_before = duration;
    }
  }
  if (const auto after = fields.Find("escalate_after_bounces")) {
    if (const auto count = ReadCount(*after, log)) {
      // As in sla: every bounce counts at least one, so 0 would mean the same as 1.
      if (*count == 0) {
        log.Add(after->at, after->path, "must be at least 1");
      } else {
        grade.escalate_after_bounces = count;
      }
    }
  }
  if (const auto every = fields.Find("follow_up_every")) {
    grade.follow_up_every = ReadPositiveDuration(*every, log);
  }
  if (const auto when = fields.Find("when")) grade.when = ReadCondition(*when, log);
  if (const auto team = fields.Find("team")) {
    const MappingReader members(*team, kTeamKeys, log);
    constexpr std::string_view kBooleans[] = {"false", "true"};
    const std::pair<std::string_view, bool*> flags[] = {{"backup", &grade.backup},
                                                        {"inform_manager", &grade.inform_manager}};
    for (const auto& [key, flag] : flags) {
      if (const auto written = members.Find(key)) {
        if (const auto choice = ReadChoice(*written, kBooleans, "value", log)) *flag = *choice == 1;
      }
    }
  }
  return grade;
}

// A whole number of days from `minimum` to kMaxInactivityDays.
std::optional<std::chrono::days> ReadDayCount(const ValueRef& value, std::uint64_t minimum,
                                              std::string_view absent_means, ProblemLog& log) {
  const auto number = ReadWholeNumber(value, log);
  if (!number) return std::nullopt;
  if (*number < minimum) {
    log.Add(value.at, value.path,
            "must be at least " + std::to_string(minimum) + std::string(absent_means));
    return std::nullopt;
  }
  if (*number > kMaxInactivityDays) {
    log.Add(value.at, value.path,
            "must be at most " + std::to_string(kMaxInactivityDays) + " (100 years)" +
                std::string(absent_means));
    return std::nullopt;
  }
  return std::chrono::days(static_cast<std::chrono::days::rep>(*number));
}

}  // namespace

std::optional<WorkingHours> ReadWorkingHours(const ValueRef& value, ProblemLog& log) {
  const MappingReader fields(value, kWorkingHoursKeys, log);
  if (!fields.IsMapping()) return std::nullopt;
  std::optional<std::array<bool, 7>> days;
  std::optional<minutes> from;
  std::optional<minutes> to;
  std::optional<std::string> zone;
  std::optional<std::vector<date::year_month_day>> holidays{std::in_place};
  if (const auto found = fields.Find("days")) days = ReadWeekdays(*found, log);
  if (const auto found = fields.Find("from")) from = ReadTimeOfDay(*found, false, log);
  if (const auto found = fields.Find("to")) to = ReadTimeOfDay(*found, true, log);
  if (const auto found = fields.Find("timezone")) zone = ReadTimeZone(*found, log);
  if (const auto found = fields.Find("holidays")) holidays = ReadHolidays(*found, log);
  if (!days || !from || !to || !zone || !holidays) return std::nullopt;
  if (*from >= *to) {
    log.Add(value.at, value.path,
            "from " + FormatTimeOfDay(*from) + " must be earlier than to " + FormatTimeOfDay(*to) +
                "; hours that pass midnight are not supported");
    return std::nullopt;
  }
  auto hours = MakeWorkingHours(std::move(*zone), *days, *from, *to, std::move(*holidays));
  if (!hours) {
    log.Add(value.at, value.path, hours.error().detail);
    return std::nullopt;
  }
  return std::move(hours).value();
}

void ReadGradesSection(const ValueRef& value, Draft& draft, ProblemLog& log) {
  const std::string form =
      "letters, digits, '_' and '-', starting with a letter or digit, at most " +
      std::to_string(kMaxGradeNameBytes) + " characters";
  draft.grades_complete = ReadNamedEntries(
      value, "grade", IsGradeName, form, log, [&](const std::string& name, const ValueRef& grade) {
        bool timers_read = true;
        // `C:` alone, like `C: {}`, takes every default from sla.
        draft.settings.grades[name] =
            grade.node.IsNull() ? GradeSettings{} : ReadGrade(grade, timers_read, log);
        draft.settings.grade_order.push_back(name);
        // The meaning pass checks a grade's reminder against its deadline only at a recorded
        // position; with one of the two unread, the check would be a guess.
        if (timers_read) draft.positions[grade.path] = grade.key_at;
      });
}

void ReadInactivitySection(const ValueRef& value, Draft& draft, ProblemLog& log) {
  const MappingReader fields(value, kInactivityKeys, log);
  if (!fields.IsMapping()) return;
  InactivitySettings& inactivity = draft.settings.inactivity;
  constexpr std::string_view kNever = "; leave it out for never";
  struct Period {
    std::optional<ValueRef> value;
    std::optional<std::chrono::days>* target;
    bool read = true;
  };
  Period periods[] = {{fields.Find("return_after_days"), &inactivity.return_after},
                      {fields.Find("no_deal_after_days"), &inactivity.no_deal_after}};
  for (Period& period : periods) {
    if (!period.value) continue;
    *period.target = ReadDayCount(*period.value, 1, kNever, log);
    period.read = period.target->has_value();
  }
  const auto remind = fields.Find("remind_before_days");
  bool remind_read = true;
  if (remind) {
    const auto days = ReadDayCount(*remind, 0, "", log);
    if (days) inactivity.remind_before = *days;
    remind_read = days.has_value();
  }
  if (const auto pool = fields.Find("pool")) {
    // Whether the pool exists is the meaning pass's to say, once the pools section is read.
    if (const auto text = ReadText(*pool, log)) {
      inactivity.pool = *text;
      draft.positions[pool->path] = pool->at;
    }
  }
  // Zero is allowed: no rep may lock a lead.
  if (const auto cap = fields.Find("lock_cap")) {
    if (const auto count = ReadCount(*cap, log)) inactivity.lock_cap = *count;
  }

  // A reminder as early as the return itself, or earlier than the lead was taken, is no warning.
  if (!remind_read) return;
  const std::string remind_text = std::to_string(inactivity.remind_before.count());
  for (const Period& period : periods) {
    if (!period.value || !period.read) continue;
    const auto length = **period.target;
    if (inactivity.remind_before < length) continue;
    const std::string key = period.value->path.substr(period.value->path.rfind('.') + 1);
    if (remind) {
      log.Add(remind->at, remind->path,
              "must be less than " + key + " (" + std::to_string(length.count()) + "), got " +
                  remind_text);
    } else {
      log.Add(period.value->at, period.value->path,
              "must be more than remind_before_days, which is " + remind_text +
                  " unless set; set remind_before_days lower");
    }
  }
}

}  // namespace leadd::config
