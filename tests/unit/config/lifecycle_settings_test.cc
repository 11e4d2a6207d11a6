// The lead-lifecycle settings: a rep's manager and working hours, the SLA reminder and clock,
// grades and inactivity returns.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <array>
#include <chrono>
#include <string>
#include <string_view>

#include "config_test_support.h"

namespace leadd::config {
namespace {

using std::chrono::days;
using std::chrono::hours;
using std::chrono::minutes;
using testing::ConfigTest;
using ::testing::ElementsAre;
using testing::Formatted;
using ::testing::IsEmpty;

// Lines 1 to 3; each test's own text starts on line 4.
constexpr std::string_view kHead =
    "version: 1\n"
    "http: {intake_token_file: intake.token, admin_token_file: admin.token}\n"
    "rules: [{name: all, assign: owner}]\n";

std::string Doc(std::string_view rest) { return std::string(kHead) + std::string(rest); }

// Two plain reps on line 4; the test's text starts on line 5.
std::string WithReps(std::string_view rest) {
  return Doc("reps: [{id: alice}, {id: bob}]\n" + std::string(rest));
}

// A rep whose working_hours are written one key per line: days on line 7 (value at column 13),
// from on 8 (13), to on 9 (11), timezone on 10 (17), then `extra` from line 11.
std::string HoursDoc(std::string_view weekdays, std::string_view from, std::string_view to,
                     std::string_view zone, std::string_view extra = "") {
  return Doc("reps:\n  - id: alice\n    working_hours:\n      days: " + std::string(weekdays) +
             "\n      from: " + std::string(from) + "\n      to: " + std::string(to) +
             "\n      timezone: " + std::string(zone) + "\n" + std::string(extra));
}

// A rep whose working_hours value is `value`, written on line 6 at column 20.
std::string FlowHoursDoc(std::string_view value) {
  return Doc("reps:\n  - id: alice\n    working_hours: " + std::string(value) + "\n");
}

constexpr std::array<bool, 7> kMonToFri = {true, true, true, true, true, false, false};

using LifecycleConfigTest = ConfigTest;

TEST_F(LifecycleConfigTest, FullLifecycleConfigIsRead) {
  const auto outcome =
      Load(Doc("reps:\n"
               "  - id: alice\n"
               "    manager: carol\n"
               "    working_hours: {days: Mon-Fri, from: \"09:00\", to: \"18:00\", timezone: "
               "Europe/Berlin, holidays: [2026-12-25, 2028-02-29]}\n"
               "  - id: carol\n"
               "sla:\n"
               "  accept_within: 2h\n"
               "  remind_before: 30m\n"
               "  escalate_after_bounces: 2\n"
               "  clock: working_hours\n"
               "  default_grade: C\n"
               "grades:\n"
               "  A: {accept_within: 30m, remind_before: 10m, escalate_after_bounces: 1, "
               "follow_up_every: 14d}\n"
               "  B: {accept_within: 2h, follow_up_every: 30d}\n"
               "  C: {}\n"
               "inactivity:\n"
               "  return_after_days: 30\n"
               "  no_deal_after_days: 90\n"
               "  remind_before_days: 3\n"
               "  pool: public\n"
               "  lock_cap: 5\n"));
  ASSERT_THAT(Formatted(outcome), IsEmpty());
  const DaemonSettings& s = *outcome.settings;

  ASSERT_EQ(s.reps.size(), 2u);
  EXPECT_EQ(s.reps[0].manager, "carol");
  ASSERT_TRUE(s.reps[0].working_hours.has_value());
  const WorkingHours& working = *s.reps[0].working_hours;
  EXPECT_EQ(working.time_zone, "Europe/Berlin");
  EXPECT_EQ(working.days, kMonToFri);
  EXPECT_EQ(working.from, minutes(9 * 60));
  EXPECT_EQ(working.to, minutes(18 * 60));
  EXPECT_THAT(working.holidays, ElementsAre(date::year{2026} / 12 / 25, date::year{2028} / 2 / 29));
  EXPECT_EQ(s.reps[1].manager, "");
  EXPECT_FALSE(s.reps[1].working_hours.has_value());

  EXPECT_EQ(s.sla.accept_within, hours(2));
  EXPECT_EQ(s.sla.remind_before, minutes(30));
  EXPECT_EQ(s.sla.escalate_after_bounces, 2u);
  EXPECT_EQ(s.sla.clock, SlaClock::kWorkingHours);
  EXPECT_EQ(s.sla.default_grade, "C");

  ASSERT_EQ(s.grades.size(), 3u);
  const GradeSettings& a = s.grades.at("A");
  EXPECT_EQ(a.accept_within, minutes(30));
  EXPECT_EQ(a.remind_before, minutes(10));
  EXPECT_EQ(a.escalate_after_bounces, 1u);
  EXPECT_EQ(a.follow_up_every, days(14));
  const GradeSettings& b = s.grades.at("B");
  EXPECT_EQ(b.accept_within, hours(2));
  EXPECT_EQ(b.remind_before, std::nullopt);
  EXPECT_EQ(b.escalate_after_bounces, std::nullopt);
  EXPECT_EQ(b.follow_up_every, days(30));
  const GradeSettings& c = s.grades.at("C");
  EXPECT_EQ(c.accept_within, std::nullopt);
  EXPECT_EQ(c.remind_before, std::nullopt);
  EXPECT_EQ(c.escalate_after_bounces, std::nullopt);
  EXPECT_EQ(c.follow_up_every, std::nullopt);

  EXPECT_EQ(s.inactivity.return_after, days(30));
  EXPECT_EQ(s.inactivity.no_deal_after, days(90));
  EXPECT_EQ(s.inactivity.remind_before, days(3));
  EXPECT_EQ(s.inactivity.pool, "public");
  EXPECT_EQ(s.inactivity.lock_cap, 5u);
}

TEST_F(LifecycleConfigTest, LeftOutLifecycleKeysKeepTheirDefaults) {
  const auto outcome = Load(WithReps(""));
  ASSERT_THAT(Formatted(outcome), IsEmpty());
  const DaemonSettings& s = *outcome.settings;
  EXPECT_EQ(s.reps[0].manager, "");
  EXPECT_FALSE(s.reps[0].working_hours.has_value());
  EXPECT_EQ(s.sla.remind_before, std::nullopt);
  EXPECT_EQ(s.sla.clock, SlaClock::kWall);
  EXPECT_EQ(s.sla.default_grade, "");
  EXPECT_THAT(s.grades, IsEmpty());
  EXPECT_EQ(s.inactivity.return_after, std::nullopt);
  EXPECT_EQ(s.inactivity.no_deal_after, std::nullopt);
  EXPECT_EQ(s.inactivity.remind_before, days(3));
  EXPECT_EQ(s.inactivity.pool, "public");
  EXPECT_EQ(s.inactivity.lock_cap, 5u);
}

TEST_F(LifecycleConfigTest, WorkingDaysMayBeARangeOneDayOrAList) {
  const auto range = Load(HoursDoc("mon-SAT", "09:00", "17:00", "Europe/Berlin"));
  ASSERT_THAT(Formatted(range), IsEmpty());
  EXPECT_EQ(range.settings->reps[0].working_hours->days,
            (std::array<bool, 7>{true, true, true, true, true, true, false}));

  const auto single = Load(HoursDoc("Sun", "09:00", "17:00", "Europe/Berlin"));
  ASSERT_THAT(Formatted(single), IsEmpty());
  EXPECT_EQ(single.settings->reps[0].working_hours->days,
            (std::array<bool, 7>{false, false, false, false, false, false, true}));

  const auto list = Load(HoursDoc("[Mon, wed, FRI]", "09:00", "17:00", "Europe/Berlin"));
  ASSERT_THAT(Formatted(list), IsEmpty());
  EXPECT_EQ(list.settings->reps[0].working_hours->days,
            (std::array<bool, 7>{true, false, true, false, true, false, false}));

  const auto one_day_range = Load(HoursDoc("Tue-Tue", "09:00", "17:00", "Europe/Berlin"));
  ASSERT_THAT(Formatted(one_day_range), IsEmpty());
  EXPECT_EQ(one_day_range.settings->reps[0].working_hours->days,
            (std::array<bool, 7>{false, true, false, false, false, false, false}));
}

TEST_F(LifecycleConfigTest, UnquotedTimesAndTheEndOfTheDayAreRead) {
  // YAML 1.1 would read an unquoted 09:00 as a base-60 number; yaml-cpp keeps the text.
  const auto outcome = Load(HoursDoc("Mon-Fri", "00:00", "24:00", "Etc/GMT+5"));
  ASSERT_THAT(Formatted(outcome), IsEmpty());
  const WorkingHours& working = *outcome.settings->reps[0].working_hours;
  EXPECT_EQ(working.from, minutes(0));
  EXPECT_EQ(working.to, minutes(24 * 60));
  EXPECT_EQ(working.time_zone, "Etc/GMT+5");
  EXPECT_THAT(working.holidays, IsEmpty());
}

TEST_F(LifecycleConfigTest, WrappingDayRangeIsRefusedWithTheListToWrite) {
  EXPECT_THAT(Problems(HoursDoc("Fri-Mon", "09:00", "17:00", "Europe/Berlin")),
              ElementsAre("leadd.yaml:7:13: reps[0].working_hours.days: the range 'Fri-Mon' runs "
                          "past Sunday, which a range may not; list the days instead, as in "
                          "[Fri, Sat, Sun, Mon]"));
}

TEST_F(LifecycleConfigTest, MalformedDaysAreReported) {
  const auto days_problem = [&](std::string_view weekdays) {
    return Problems(HoursDoc(weekdays, "09:00", "17:00", "Europe/Berlin"));
  };
  EXPECT_THAT(days_problem("Mon-"),
              ElementsAre("leadd.yaml:7:13: reps[0].working_hours.days: expected a day such as "
                          "Mon, a range such as Mon-Fri or a list such as [Mon, Wed, Fri], got "
                          "'Mon-'"));
  EXPECT_THAT(days_problem("-Fri"),
              ElementsAre("leadd.yaml:7:13: reps[0].working_hours.days: expected a day such as "
                          "Mon, a range such as Mon-Fri or a list such as [Mon, Wed, Fri], got "
                          "'-Fri'"));
  EXPECT_THAT(days_problem("Mon-Wed-Fri"),
              ElementsAre("leadd.yaml:7:13: reps[0].working_hours.days: expected a day such as "
                          "Mon, a range such as Mon-Fri or a list such as [Mon, Wed, Fri], got "
                          "'Mon-Wed-Fri'"));
  EXPECT_THAT(days_problem("Monday"),
              ElementsAre("leadd.yaml:7:13: reps[0].working_hours.days: unknown day 'Monday'; "
                          "expected Mon, Tue, Wed, Thu, Fri, Sat or Sun"));
  EXPECT_THAT(days_problem("Thr"), ElementsAre("leadd.yaml:7:13: reps[0].working_hours.days: "
                                               "unknown day 'Thr', did you mean 'Thu'?"));
  EXPECT_THAT(days_problem("Mon-Fry"), ElementsAre("leadd.yaml:7:13: reps[0].working_hours.days: "
                                                   "unknown day 'Fry', did you mean 'Fri'?"));
  EXPECT_THAT(days_problem("5"),
              ElementsAre("leadd.yaml:7:13: reps[0].working_hours.days: unknown day '5'; "
                          "expected Mon, Tue, Wed, Thu, Fri, Sat or Sun"));
  EXPECT_THAT(days_problem("{}"),
              ElementsAre("leadd.yaml:7:13: reps[0].working_hours.days: expected a day such as "
                          "Mon, a range such as Mon-Fri or a list such as [Mon, Wed, Fri], got a "
                          "mapping"));
  EXPECT_THAT(days_problem("[]"), ElementsAre("leadd.yaml:7:13: reps[0].working_hours.days: must "
                                              "name at least one day"));
  EXPECT_THAT(days_problem("[Mon, mon]"),
              ElementsAre("leadd.yaml:7:19: reps[0].working_hours.days[1]: names Mon twice"));
  EXPECT_THAT(days_problem("[Mon, [Tue], Mon-Fri]"),
              ElementsAre("leadd.yaml:7:19: reps[0].working_hours.days[1]: expected a day such as "
                          "Mon, got a list",
                          "leadd.yaml:7:26: reps[0].working_hours.days[2]: unknown day 'Mon-Fri'; "
                          "expected Mon, Tue, Wed, Thu, Fri, Sat or Sun"));
}

TEST_F(LifecycleConfigTest, TimesOfDayMustBeHoursAndMinutes) {
  EXPECT_THAT(Problems(HoursDoc("Mon-Fri", "\"9\"", "25:00", "Europe/Berlin")),
              ElementsAre("leadd.yaml:8:13: reps[0].working_hours.from: expected a time of day "
                          "from 00:00 to 23:59 as HH:MM, got '9'",
                          "leadd.yaml:9:11: reps[0].working_hours.to: expected a time of day from "
                          "00:00 to 24:00 as HH:MM, got '25:00'"));
  EXPECT_THAT(Problems(HoursDoc("Mon-Fri", "9:00", "18:60", "Europe/Berlin")),
              ElementsAre("leadd.yaml:8:13: reps[0].working_hours.from: expected a time of day "
                          "from 00:00 to 23:59 as HH:MM, got '9:00'",
                          "leadd.yaml:9:11: reps[0].working_hours.to: expected a time of day from "
                          "00:00 to 24:00 as HH:MM, got '18:60'"));
  EXPECT_THAT(Problems(HoursDoc("Mon-Fri", "[9]", "-1:00", "Europe/Berlin")),
              ElementsAre("leadd.yaml:8:13: reps[0].working_hours.from: expected a time of day "
                          "from 00:00 to 23:59 as HH:MM, got a list",
                          "leadd.yaml:9:11: reps[0].working_hours.to: expected a time of day from "
                          "00:00 to 24:00 as HH:MM, got '-1:00'"));
}

TEST_F(LifecycleConfigTest, TwentyFourHundredIsOnlyAClosingTime) {
  EXPECT_THAT(Problems(HoursDoc("Mon-Fri", "24:00", "24:00", "Europe/Berlin")),
              ElementsAre("leadd.yaml:8:13: reps[0].working_hours.from: expected a time of day "
                          "from 00:00 to 23:59 as HH:MM, got '24:00' (24:00 is allowed for 'to' "
                          "only)"));
}

TEST_F(LifecycleConfigTest, OpeningMustComeBeforeClosing) {
  EXPECT_THAT(Problems(HoursDoc("Mon-Fri", "18:00", "09:00", "Europe/Berlin")),
              ElementsAre("leadd.yaml:7:7: reps[0].working_hours: from 18:00 must be earlier than "
                          "to 09:00; hours that pass midnight are not supported"));
  EXPECT_THAT(Problems(HoursDoc("Mon-Fri", "09:00", "09:00", "Europe/Berlin")),
              ElementsAre("leadd.yaml:7:7: reps[0].working_hours: from 09:00 must be earlier than "
                          "to 09:00; hours that pass midnight are not supported"));
}

TEST_F(LifecycleConfigTest, TimeZoneThatIsNotANameNeverReachesTzdata) {
  for (const std::string_view zone :
       {"../../etc/passwd", "/etc/localtime", "Europe/../Berlin", "Europe//Berlin", "Europe/"}) {
    EXPECT_THAT(Problems(HoursDoc("Mon-Fri", "09:00", "17:00", zone)),
                ElementsAre("leadd.yaml:10:17: reps[0].working_hours.timezone: expected an IANA "
                            "time zone name such as Europe/Berlin, got '" +
                            std::string(zone) + "'"))
        << zone;
  }
  EXPECT_THAT(Problems(HoursDoc("Mon-Fri", "09:00", "17:00", std::string(200, 'A'))),
              ElementsAre("leadd.yaml:10:17: reps[0].working_hours.timezone: expected an IANA "
                          "time zone name such as Europe/Berlin, got '" +
                          std::string(60, 'A') + "...'"));
}

TEST_F(LifecycleConfigTest, UnknownTimeZoneIsReportedAtItsValue) {
  EXPECT_THAT(Problems(HoursDoc("Mon-Fri", "09:00", "17:00", "Europe/Berln")),
              ElementsAre("leadd.yaml:10:17: reps[0].working_hours.timezone: unknown time zone "
                          "'Europe/Berln'; expected an IANA name from the system's tzdata, such "
                          "as Europe/Berlin"));
  EXPECT_THAT(Problems(HoursDoc("Mon-Fri", "09:00", "17:00", "[Europe/Berlin]")),
              ElementsAre("leadd.yaml:10:17: reps[0].working_hours.timezone: expected text, got "
                          "a list"));
}

TEST_F(LifecycleConfigTest, HolidaysMustBeRealDates) {
  EXPECT_THAT(
      Problems(
          HoursDoc("Mon-Fri", "09:00", "17:00", "Europe/Berlin",
                   "      holidays: [2026-02-30, 2026-2-3, 20261225, 2026-12-25, 2026-13-01]\n")),
      ElementsAre("leadd.yaml:11:18: reps[0].working_hours.holidays[0]: '2026-02-30' is not a date",
                  "leadd.yaml:11:30: reps[0].working_hours.holidays[1]: expected a date as "
                  "YYYY-MM-DD, such as 2026-12-25, got '2026-2-3'",
                  "leadd.yaml:11:40: reps[0].working_hours.holidays[2]: expected a date as "
                  "YYYY-MM-DD, such as 2026-12-25, got '20261225'",
                  "leadd.yaml:11:62: reps[0].working_hours.holidays[4]: '2026-13-01' is not a "
                  "date"));
  EXPECT_THAT(Problems(HoursDoc("Mon-Fri", "09:00", "17:00", "Europe/Berlin",
                                "      holidays: 2026-12-25\n")),
              ElementsAre("leadd.yaml:11:17: reps[0].working_hours.holidays: expected a list, got "
                          "'2026-12-25'"));
}

TEST_F(LifecycleConfigTest, WorkingHoursKeysAreChecked) {
  EXPECT_THAT(
      Problems(FlowHoursDoc("{days: Mon-Fri, from: 09:00, to: 17:00, timezon: UTC}")),
      ElementsAre("leadd.yaml:6:60: reps[0].working_hours: unknown key 'timezon', did you mean "
                  "'timezone'?"));
  EXPECT_THAT(Problems(FlowHoursDoc("{days: Mon-Fri}")),
              ElementsAre("leadd.yaml:6:20: reps[0].working_hours: missing required key 'from'",
                          "leadd.yaml:6:20: reps[0].working_hours: missing required key 'to'",
                          "leadd.yaml:6:20: reps[0].working_hours: missing required key "
                          "'timezone'"));
  EXPECT_THAT(Problems(FlowHoursDoc("9-5")),
              ElementsAre("leadd.yaml:6:20: reps[0].working_hours: expected a mapping, got "
                          "'9-5'"));
}

TEST_F(LifecycleConfigTest, ManagerMustBeAnotherKnownRep) {
  EXPECT_THAT(Problems(Doc("reps:\n"
                           "  - {id: alice, manager: carl}\n"
                           "  - {id: bob, manager: bob}\n"
                           "  - {id: carol, manager: zed}\n"
                           "  - {id: dave, manager: carol}\n"
                           "  - {id: erin, manager: [carol]}\n")),
              ElementsAre("leadd.yaml:5:26: reps[0].manager: unknown rep 'carl', did you mean "
                          "'carol'?",
                          "leadd.yaml:6:24: reps[1].manager: a rep cannot be their own manager",
                          "leadd.yaml:7:26: reps[2].manager: unknown rep 'zed'",
                          "leadd.yaml:9:25: reps[4].manager: expected text, got a list"));
}

TEST_F(LifecycleConfigTest, ManagersMayReportToEachOther) {
  const auto outcome =
      Load(Doc("reps:\n"
               "  - {id: alice, manager: bob}\n"
               "  - {id: bob, manager: alice}\n"));
  ASSERT_THAT(Formatted(outcome), IsEmpty());
  EXPECT_EQ(outcome.settings->reps[0].manager, "bob");
  EXPECT_EQ(outcome.settings->reps[1].manager, "alice");
}

TEST_F(LifecycleConfigTest, UnreadableRepDoesNotMakeAManagerUnknown) {
  // bob's id cannot be read, so "unknown rep 'bob'" would be a false second problem.
  EXPECT_THAT(Problems(Doc("reps:\n"
                           "  - {id: alice, manager: bob}\n"
                           "  - {id: [bob]}\n")),
              ElementsAre("leadd.yaml:6:10: reps[1].id: expected text, got a list"));
}

TEST_F(LifecycleConfigTest, SlaClockIsOneOfTwo) {
  const auto wall = Load(WithReps("sla: {clock: wall}\n"));
  ASSERT_THAT(Formatted(wall), IsEmpty());
  EXPECT_EQ(wall.settings->sla.clock, SlaClock::kWall);
  EXPECT_THAT(Problems(WithReps("sla: {clock: wal}\n")),
              ElementsAre("leadd.yaml:5:14: sla.clock: unknown clock 'wal', did you mean 'wall'?"));
  EXPECT_THAT(Problems(WithReps("sla: {clock: utc}\n")),
              ElementsAre("leadd.yaml:5:14: sla.clock: unknown clock 'utc'; expected one of wall, "
                          "working_hours"));
  EXPECT_THAT(Problems(WithReps("sla: {clock: [wall]}\n")),
              ElementsAre("leadd.yaml:5:14: sla.clock: expected text, got a list"));
}

TEST_F(LifecycleConfigTest, WorkingHoursClockWithoutAnyRepHoursLoads) {
  // Such reps count wall time (see the reference); not a mistake worth refusing the file for.
  const auto outcome = Load(WithReps("sla: {accept_within: 1h, clock: working_hours}\n"));
  ASSERT_THAT(Formatted(outcome), IsEmpty());
  EXPECT_EQ(outcome.settings->sla.clock, SlaClock::kWorkingHours);
  EXPECT_FALSE(outcome.settings->reps[0].working_hours.has_value());
}

TEST_F(LifecycleConfigTest, SlaReminderMustComeBeforeTheDeadline) {
  EXPECT_THAT(Problems(WithReps("sla: {accept_within: 30m, remind_before: 30m}\n")),
              ElementsAre("leadd.yaml:5:42: sla.remind_before: must be shorter than "
                          "accept_within (30m), got 30m"));
  EXPECT_THAT(Problems(WithReps("sla: {accept_within: 1h, remind_before: 1h30m}\n")),
              ElementsAre("leadd.yaml:5:41: sla.remind_before: must be shorter than "
                          "accept_within (1h), got 1h30m"));
  EXPECT_THAT(Problems(WithReps("sla: {remind_before: 10m}\n")),
              ElementsAre("leadd.yaml:5:22: sla.remind_before: there is no sla.accept_within to "
                          "remind before; set it, or leave remind_before out"));
  const auto fine = Load(WithReps("sla: {accept_within: 1h, remind_before: 59m59s999ms}\n"));
  ASSERT_THAT(Formatted(fine), IsEmpty());
  EXPECT_EQ(fine.settings->sla.remind_before, std::chrono::milliseconds(3'599'999));
}

TEST_F(LifecycleConfigTest, SlaReminderValuesAreChecked) {
  EXPECT_THAT(Problems(WithReps("sla: {accept_within: 1h, remind_before: 0s, remind_befor: 1m}\n")),
              ElementsAre("leadd.yaml:5:41: sla.remind_before: must be longer than 0s; leave "
                          "remind_before out for no reminder",
                          "leadd.yaml:5:45: sla: unknown key 'remind_befor', did you mean "
                          "'remind_before'?"));
  EXPECT_THAT(Problems(WithReps("sla: {accept_within: 1h, remind_before: 9999999999999999d}\n")),
              ElementsAre("leadd.yaml:5:41: sla.remind_before: expected a duration such as "
                          "500ms, 30s, 5m, 2h, 7d or 1h30m, got '9999999999999999d'"));
  EXPECT_THAT(Problems(WithReps("sla: {accept_within: 1h, remind_before: 600}\n")),
              ElementsAre("leadd.yaml:5:41: sla.remind_before: expected a duration such as "
                          "500ms, 30s, 5m, 2h, 7d or 1h30m, got '600' (add a unit, as in 600s)"));
}

TEST_F(LifecycleConfigTest, UnreadableDeadlineTurnsTheReminderCheckOff) {
  // With accept_within unread, "no accept_within to remind before" would be a false problem.
  EXPECT_THAT(Problems(WithReps("sla: {accept_within: soon, remind_before: 10m}\n")),
              ElementsAre("leadd.yaml:5:22: sla.accept_within: expected a duration such as "
                          "500ms, 30s, 5m, 2h, 7d or 1h30m, got 'soon'"));
  // Only the grade with the unread timer goes unchecked; sla and the other grades still are.
  EXPECT_THAT(Problems(WithReps("sla: {accept_within: 10m, remind_before: 10m}\n"
                                "grades:\n"
                                "  A: {accept_within: 5x, remind_before: 30m}\n"
                                "  B: {remind_before: 20m}\n")),
              ElementsAre("leadd.yaml:5:42: sla.remind_before: must be shorter than "
                          "accept_within (10m), got 10m",
                          "leadd.yaml:7:22: grades.A.accept_within: expected a duration such as "
                          "500ms, 30s, 5m, 2h, 7d or 1h30m, got '5x'",
                          "leadd.yaml:8:3: grades.B: remind_before 20m must be shorter than "
                          "accept_within 10m (from sla)"));
}

TEST_F(LifecycleConfigTest, GradesMayBeEmptyOrBareAndNamedWithDigits) {
  const auto outcome =
      Load(WithReps("grades:\n"
                    "  A: {}\n"
                    "  key-accounts_2:\n"
                    "  7: {follow_up_every: 1d12h}\n"));
  ASSERT_THAT(Formatted(outcome), IsEmpty());
  const auto& grades = outcome.settings->grades;
  ASSERT_EQ(grades.size(), 3u);
  EXPECT_EQ(grades.at("A").accept_within, std::nullopt);
  EXPECT_EQ(grades.at("key-accounts_2").follow_up_every, std::nullopt);
  EXPECT_EQ(grades.at("7").follow_up_every, hours(36));

  const auto none = Load(WithReps("grades: {}\n"));
  ASSERT_THAT(Formatted(none), IsEmpty());
  EXPECT_THAT(none.settings->grades, IsEmpty());
}

TEST_F(LifecycleConfigTest, GradesWithWhenKeepTheirFileOrder) {
  const auto outcome =
      Load(WithReps("grades:\n"
                    "  key: {when: {estimated_value: {gte: 100000}}}\n"
                    "  B: {accept_within: 2h}\n"
                    "  A: {when: {source: expo}}\n"));
  ASSERT_THAT(Formatted(outcome), IsEmpty());
  const auto& settings = *outcome.settings;
  EXPECT_THAT(settings.grade_order, ElementsAre("key", "B", "A"));
  EXPECT_TRUE(settings.grades.at("key").when.has_value());
  EXPECT_FALSE(settings.grades.at("B").when.has_value());
  EXPECT_TRUE(settings.grades.at("A").when.has_value());
}

TEST_F(LifecycleConfigTest, AGradesConditionIsCheckedLikeARules) {
  EXPECT_THAT(Problems(WithReps("grades:\n"
                                "  A: {when: {contry: DE}}\n")),
              ElementsAre("leadd.yaml:6:14: grades.A.when: unknown field 'contry', did you mean "
                          "'country'?"));
}

TEST_F(LifecycleConfigTest, GradeNamesAreChecked) {
  EXPECT_THAT(
      Problems(WithReps("grades:\n"
                        "  A B: {}\n"
                        "  -x: {}\n"
                        "  " +
                        std::string(33, 'G') +
                        ": {}\n"
                        "  A: {}\n"
                        "  A: {accept_within: 1h}\n"
                        "  [A]: {}\n")),
      ElementsAre("leadd.yaml:6:3: grades: expected a grade name of letters, digits, '_' and "
                  "'-', starting with a letter or digit, at most 32 characters, got 'A B'",
                  "leadd.yaml:7:3: grades: expected a grade name of letters, digits, '_' and "
                  "'-', starting with a letter or digit, at most 32 characters, got '-x'",
                  "leadd.yaml:8:3: grades: expected a grade name of letters, digits, '_' and "
                  "'-', starting with a letter or digit, at most 32 characters, got '" +
                      std::string(33, 'G') + "'",
                  "leadd.yaml:10:3: grades: duplicate grade 'A' (first at line 9)",
                  "leadd.yaml:11:3: grades: expected a grade name, got a list"));
  EXPECT_THAT(Problems(WithReps("grades: [A, B]\n")),
              ElementsAre("leadd.yaml:5:9: grades: expected a mapping of grade names, got a list"));
}

TEST_F(LifecycleConfigTest, GradeValuesAreChecked) {
  EXPECT_THAT(
      Problems(WithReps("grades:\n"
                        "  A: {accept_within: 0s, remind_before: soon, escalate_after_bounces: 0, "
                        "follow_up_every: -1d}\n"
                        "  B: {acept_within: 1h}\n"
                        "  C: 5m\n"
                        "  D: {escalate_after_bounces: 99999999999, follow_up_every: 0s}\n")),
      ElementsAre(
          "leadd.yaml:6:22: grades.A.accept_within: must be longer than 0s",
          "leadd.yaml:6:41: grades.A.remind_before: expected a duration such as 500ms, 30s, 5m, "
          "2h, 7d or 1h30m, got 'soon'",
          "leadd.yaml:6:71: grades.A.escalate_after_bounces: must be at least 1",
          "leadd.yaml:6:91: grades.A.follow_up_every: expected a duration such as 500ms, 30s, 5m, "
          "2h, 7d or 1h30m, got '-1d'",
          "leadd.yaml:7:7: grades.B: unknown key 'acept_within', did you mean 'accept_within'?",
          "leadd.yaml:8:6: grades.C: expected a mapping, got '5m'",
          "leadd.yaml:9:31: grades.D.escalate_after_bounces: must be at most 4294967295",
          "leadd.yaml:9:61: grades.D.follow_up_every: must be longer than 0s"));
}

TEST_F(LifecycleConfigTest, GradeReminderIsCheckedAfterFallingBackToSla) {
  EXPECT_THAT(Problems(WithReps("sla: {accept_within: 1h, remind_before: 30m}\n"
                                "grades:\n"
                                "  A: {accept_within: 20m}\n"
                                "  B: {remind_before: 2h}\n"
                                "  C: {accept_within: 2h, remind_before: 1h}\n"
                                "  D: {}\n"
                                "  E: {accept_within: 30m, remind_before: 30m}\n"
                                "  F: {follow_up_every: 1d}\n")),
              ElementsAre("leadd.yaml:7:3: grades.A: remind_before 30m (from sla) must be shorter "
                          "than accept_within 20m",
                          "leadd.yaml:8:3: grades.B: remind_before 2h must be shorter than "
                          "accept_within 1h (from sla)",
                          "leadd.yaml:11:3: grades.E: remind_before 30m must be shorter than "
                          "accept_within 30m"));
}

TEST_F(LifecycleConfigTest, GradeReminderNeedsSomeDeadline) {
  EXPECT_THAT(Problems(WithReps("grades:\n"
                                "  A: {remind_before: 10m}\n"
                                "  B: {accept_within: 1h, remind_before: 10m}\n"
                                "  C: {escalate_after_bounces: 3}\n")),
              ElementsAre("leadd.yaml:6:3: grades.A: remind_before 10m has no accept_within to "
                          "come before; set accept_within here or in sla"));
}

TEST_F(LifecycleConfigTest, DefaultGradeMustNameAGrade) {
  EXPECT_THAT(Problems(WithReps("sla: {default_grade: Gold}\n"
                                "grades: {gold: {}, silver: {}}\n")),
              ElementsAre("leadd.yaml:5:22: sla.default_grade: unknown grade 'Gold', did you mean "
                          "'gold'?"));
  EXPECT_THAT(Problems(WithReps("sla: {default_grade: c}\n"
                                "grades: {A: {}, C: {}}\n")),
              ElementsAre("leadd.yaml:5:22: sla.default_grade: unknown grade 'c'; expected one of "
                          "A, C"));
  EXPECT_THAT(Problems(WithReps("sla: {default_grade: C}\n")),
              ElementsAre("leadd.yaml:5:22: sla.default_grade: unknown grade 'C'; the grades "
                          "section defines none"));
  // With the grades unreadable, any name might have been among them.
  EXPECT_THAT(Problems(WithReps("sla: {default_grade: C}\n"
                                "grades: [C]\n")),
              ElementsAre("leadd.yaml:6:9: grades: expected a mapping of grade names, got a list"));
}

TEST_F(LifecycleConfigTest, ManyGradesAreCountedNotListed) {
  std::string grades = "grades:\n";
  for (int i = 10; i < 30; ++i) grades += "  grade_number_" + std::to_string(i) + ":\n";
  EXPECT_THAT(Problems(WithReps("sla: {default_grade: nope}\n" + grades)),
              ElementsAre("leadd.yaml:5:22: sla.default_grade: unknown grade 'nope'; it is none "
                          "of the 20 grades defined"));
}

TEST_F(LifecycleConfigTest, InactivityIsRead) {
  const auto outcome =
      Load(WithReps("pools: {vip: {}}\n"
                    "inactivity: {return_after_days: 1, no_deal_after_days: 36500, "
                    "remind_before_days: 0, pool: vip, lock_cap: 0}\n"));
  ASSERT_THAT(Formatted(outcome), IsEmpty());
  const InactivitySettings& inactivity = outcome.settings->inactivity;
  EXPECT_EQ(inactivity.return_after, days(1));
  EXPECT_EQ(inactivity.no_deal_after, days(36500));
  EXPECT_EQ(inactivity.remind_before, days(0));
  EXPECT_EQ(inactivity.pool, "vip");
  EXPECT_EQ(inactivity.lock_cap, 0u);

  const auto reminder_only =
      Load(WithReps("inactivity: {remind_before_days: 500, pool: nurture}\n"));
  ASSERT_THAT(Formatted(reminder_only), IsEmpty());
  EXPECT_EQ(reminder_only.settings->inactivity.remind_before, days(500));
  EXPECT_EQ(reminder_only.settings->inactivity.return_after, std::nullopt);
}

TEST_F(LifecycleConfigTest, InactivityNumbersAreChecked) {
  EXPECT_THAT(Problems(WithReps("inactivity:\n"
                                "  return_after_days: 0\n"
                                "  no_deal_after_days: 36501\n"
                                "  remind_before_days: -1\n"
                                "  lock_cap: 4294967296\n")),
              ElementsAre("leadd.yaml:6:22: inactivity.return_after_days: must be at least 1; "
                          "leave it out for never",
                          "leadd.yaml:7:23: inactivity.no_deal_after_days: must be at most 36500 "
                          "(100 years); leave it out for never",
                          "leadd.yaml:8:23: inactivity.remind_before_days: expected a whole "
                          "number, got '-1'",
                          "leadd.yaml:9:13: inactivity.lock_cap: must be at most 4294967295"));
  EXPECT_THAT(Problems(WithReps("inactivity:\n"
                                "  return_after_days: 99999999999999999999999\n"
                                "  no_deal_after_days: 30d\n"
                                "  remind_before_days: 1.5\n"
                                "  lock_cap: [5]\n"
                                "  pool: \"\"\n")),
              ElementsAre("leadd.yaml:6:22: inactivity.return_after_days: "
                          "'99999999999999999999999' is too large",
                          "leadd.yaml:7:23: inactivity.no_deal_after_days: expected a whole "
                          "number, got '30d'",
                          "leadd.yaml:8:23: inactivity.remind_before_days: expected a whole "
                          "number, got '1.5'",
                          "leadd.yaml:9:13: inactivity.lock_cap: expected a whole number, got a "
                          "list",
                          "leadd.yaml:10:9: inactivity.pool: must not be empty"));
  EXPECT_THAT(Problems(WithReps("inactivity: 30\n")),
              ElementsAre("leadd.yaml:5:13: inactivity: expected a mapping, got '30'"));
  EXPECT_THAT(Problems(WithReps("inactivity: {return_after_day: 30}\n")),
              ElementsAre("leadd.yaml:5:14: inactivity: unknown key 'return_after_day', did you "
                          "mean 'return_after_days'?"));
}

TEST_F(LifecycleConfigTest, InactivityReminderMustBeShorterThanEachPeriod) {
  EXPECT_THAT(Problems(WithReps("inactivity:\n"
                                "  return_after_days: 25\n"
                                "  no_deal_after_days: 20\n"
                                "  remind_before_days: 25\n")),
              ElementsAre("leadd.yaml:8:23: inactivity.remind_before_days: must be less than "
                          "return_after_days (25), got 25",
                          "leadd.yaml:8:23: inactivity.remind_before_days: must be less than "
                          "no_deal_after_days (20), got 25"));
  // The default reminder counts too; the problem is then at the period, the key the admin wrote.
  EXPECT_THAT(Problems(WithReps("inactivity: {return_after_days: 3, no_deal_after_days: 4}\n")),
              ElementsAre("leadd.yaml:5:33: inactivity.return_after_days: must be more than "
                          "remind_before_days, which is 3 unless set; set remind_before_days "
                          "lower"));
  const auto lowered =
      Load(WithReps("inactivity: {return_after_days: 3, remind_before_days: 2}\n"));
  ASSERT_THAT(Formatted(lowered), IsEmpty());
}

TEST_F(LifecycleConfigTest, InactivityPoolMustBeConfigured) {
  EXPECT_THAT(Problems(WithReps("inactivity: {pool: pubic}\n")),
              ElementsAre("leadd.yaml:5:20: inactivity.pool: unknown pool 'pubic', did you mean "
                          "'public'?"));
  EXPECT_THAT(Problems(WithReps("inactivity: {pool: vip}\n")),
              ElementsAre("leadd.yaml:5:20: inactivity.pool: unknown pool 'vip'; expected one of "
                          "nurture, public"));
  // With the pools unreadable, "unknown pool" would be a guess.
  EXPECT_THAT(Problems(WithReps("pools: [vip]\ninactivity: {pool: vip}\n")),
              ElementsAre("leadd.yaml:5:8: pools: expected a mapping of pool names, got a list"));
}

TEST_F(LifecycleConfigTest, EveryLifecycleProblemIsReportedInOneRun) {
  EXPECT_THAT(Problems(Doc("reps:\n"
                           "  - id: alice\n"
                           "    manager: alice\n"
                           "    working_hours: {days: Sat-Tue, from: \"9\", to: 17:00, timezone: "
                           "Mars/Olympus}\n"
                           "sla: {accept_within: 10m, remind_before: 10m, clock: solar, "
                           "default_grade: Z}\n"
                           "grades: {A: {escalate_after_bounces: 0}}\n"
                           "inactivity: {return_after_days: 2, pool: attic}\n")),
              ElementsAre("leadd.yaml:6:14: reps[0].manager: a rep cannot be their own manager",
                          "leadd.yaml:7:27: reps[0].working_hours.days: the range 'Sat-Tue' runs "
                          "past Sunday, which a range may not; list the days instead, as in [Sat, "
                          "Sun, Mon, Tue]",
                          "leadd.yaml:7:42: reps[0].working_hours.from: expected a time of day "
                          "from 00:00 to 23:59 as HH:MM, got '9'",
                          "leadd.yaml:7:68: reps[0].working_hours.timezone: unknown time zone "
                          "'Mars/Olympus'; expected an IANA name from the system's tzdata, such "
                          "as Europe/Berlin",
                          "leadd.yaml:8:42: sla.remind_before: must be shorter than "
                          "accept_within (10m), got 10m",
                          "leadd.yaml:8:54: sla.clock: unknown clock 'solar'; expected one of "
                          "wall, working_hours",
                          "leadd.yaml:8:76: sla.default_grade: unknown grade 'Z'; expected one of "
                          "A",
                          "leadd.yaml:9:38: grades.A.escalate_after_bounces: must be at least 1",
                          "leadd.yaml:10:33: inactivity.return_after_days: must be more than "
                          "remind_before_days, which is 3 unless set; set remind_before_days "
                          "lower",
                          "leadd.yaml:10:42: inactivity.pool: unknown pool 'attic'; expected one "
                          "of nurture, public"));
}

}  // namespace
}  // namespace leadd::config
