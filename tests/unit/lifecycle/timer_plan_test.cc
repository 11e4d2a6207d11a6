#include "lifecycle/timer_plan.h"

#include <gtest/gtest.h>

#include <date/date.h>

#include "tests/fakes/manual_clock.h"

namespace leadd::lifecycle {
namespace {

using namespace std::chrono_literals;
using config::DaemonSettings;
using config::GradeSettings;
using config::SlaClock;

constexpr std::array<bool, 7> kMondayToFriday{true, true, true, true, true, false, false};

WallTime Utc(int y, unsigned m, unsigned d, int hour, int minute) {
  return date::sys_days{date::year{y} / date::month{m} / date::day{d}} + std::chrono::hours(hour) +
         std::chrono::minutes(minute);
}

WorkingHours NineToSix(const std::string& zone) {
  auto hours = MakeWorkingHours(zone, kMondayToFriday, 9h, 18h, {});
  EXPECT_TRUE(hours.has_value()) << zone;
  return hours.has_value() ? hours.value() : WorkingHours{};
}

config::Rep RepWithHours(std::string id, std::optional<WorkingHours> hours) {
  config::Rep rep;
  rep.id = std::move(id);
  rep.working_hours = std::move(hours);
  return rep;
}

DaemonSettings Graded() {
  DaemonSettings settings;
  settings.sla.accept_within = 2h;
  settings.sla.remind_before = 30min;
  settings.sla.escalate_after_bounces = 2;
  GradeSettings a;
  a.accept_within = 30min;
  a.remind_before = 10min;
  a.escalate_after_bounces = 1;
  a.follow_up_every = std::chrono::days(14);
  settings.grades["A"] = a;
  GradeSettings c;
  c.accept_within = std::chrono::days(1);
  settings.grades["C"] = c;
  settings.grades["B"] = GradeSettings{};
  settings.reps = {RepWithHours("alice", NineToSix("Europe/Berlin")),
                   RepWithHours("bob", std::nullopt)};
  return settings;
}

TEST(TimerPlannerTest, GradeOverridesTheSlaDefaultsFieldByField) {
  const TimerPlanner planner(Graded());
  const auto a = planner.ForGrade("A");
  EXPECT_EQ(a.accept_within, 30min);
  EXPECT_EQ(a.remind_before, 10min);
  EXPECT_EQ(a.escalate_after_bounces, 1u);
  EXPECT_EQ(a.follow_up_every, std::chrono::days(14));
  const auto c = planner.ForGrade("C");
  EXPECT_EQ(c.accept_within, std::chrono::days(1));
  EXPECT_EQ(c.remind_before, 30min) << "inherited from sla";
  EXPECT_EQ(c.escalate_after_bounces, 2u);
  EXPECT_FALSE(c.follow_up_every.has_value());
}

TEST(TimerPlannerTest, UnknownOrMissingGradeUsesTheDefaultGradeThenTheSlaDefaults) {
  auto settings = Graded();
  EXPECT_EQ(TimerPlanner(settings).ForGrade("").accept_within, 2h);
  EXPECT_EQ(TimerPlanner(settings).ForGrade("Z").accept_within, 2h);
  settings.sla.default_grade = "A";
  EXPECT_EQ(TimerPlanner(settings).ForGrade("").accept_within, 30min);
  EXPECT_EQ(TimerPlanner(settings).ForGrade("Z").accept_within, 30min);
  EXPECT_EQ(TimerPlanner(settings).ForGrade("C").accept_within, std::chrono::days(1));
}

TEST(TimerPlannerTest, WallClockLadderIsReminderThenBounce) {
  const TimerPlanner planner(Graded());
  const WallTime now = Utc(2026, 11, 20, 16, 30);  // a Friday
  const auto plan = planner.Assignment("A", "alice", now);
  ASSERT_EQ(plan.timers.size(), 2u);
  EXPECT_EQ(plan.timers[0].kind, kSlaRemind);
  EXPECT_EQ(plan.timers[0].due, now + 20min);
  EXPECT_EQ(plan.timers[1].kind, kSlaBounce);
  EXPECT_EQ(plan.timers[1].due, now + 30min);
}

TEST(TimerPlannerTest, NoAcceptWithinMeansNoSlaTimers) {
  DaemonSettings settings;
  EXPECT_TRUE(
      TimerPlanner(settings).Assignment("", "alice", Utc(2026, 11, 20, 9, 0)).timers.empty());
}

TEST(TimerPlannerTest, ReminderNotShorterThanTheDeadlineIsLeftOut) {
  DaemonSettings settings;
  settings.sla.accept_within = 10min;
  settings.sla.remind_before = 10min;
  const auto plan = TimerPlanner(settings).Assignment("", "bob", Utc(2026, 11, 20, 9, 0));
  ASSERT_EQ(plan.timers.size(), 1u);
  EXPECT_EQ(plan.timers[0].kind, kSlaBounce);
}

TEST(TimerPlannerTest, WorkingHoursSlaRunsOverTheWeekend) {
  auto settings = Graded();
  settings.sla.clock = SlaClock::kWorkingHours;
  const TimerPlanner planner(settings);
  // Friday 17:30 in Berlin (CET, UTC+1): half an hour left on Friday, 1h30 on Monday.
  const auto plan = planner.Assignment("B", "alice", Utc(2026, 11, 20, 16, 30));
  EXPECT_EQ(plan.DueOf(kSlaRemind), Utc(2026, 11, 23, 9, 0)) << "Monday 10:00 Berlin";
  EXPECT_EQ(plan.DueOf(kSlaBounce), Utc(2026, 11, 23, 9, 30)) << "Monday 10:30 Berlin";
}

TEST(TimerPlannerTest, WorkingHoursSlaAcrossTheSpringForwardWeekend) {
  auto settings = Graded();
  settings.sla.clock = SlaClock::kWorkingHours;
  const TimerPlanner planner(settings);
  // Friday 26 March 2027 17:00 CET; Berlin moves to CEST (UTC+2) on Sunday the 28th. One hour
  // is left on Friday, the other starts Monday 09:00 CEST = 07:00 UTC.
  const auto plan = planner.Assignment("B", "alice", Utc(2027, 3, 26, 16, 0));
  EXPECT_EQ(plan.DueOf(kSlaBounce), Utc(2027, 3, 29, 8, 0));
  EXPECT_EQ(plan.DueOf(kSlaRemind), Utc(2027, 3, 29, 7, 30));
}

TEST(TimerPlannerTest, RepMovingTimeZoneChangesDeadlinesAfterReload) {
  auto settings = Graded();
  settings.sla.clock = SlaClock::kWorkingHours;
  const WallTime now = Utc(2026, 11, 23, 7, 0);  // Monday: 15:00 Shanghai, 02:00 New York
  settings.reps[0].working_hours = NineToSix("Asia/Shanghai");
  const auto in_shanghai = TimerPlanner(settings).Assignment("B", "alice", now);
  EXPECT_EQ(in_shanghai.DueOf(kSlaBounce), Utc(2026, 11, 23, 9, 0)) << "17:00 Shanghai";
  settings.reps[0].working_hours = NineToSix("America/New_York");
  const auto in_new_york = TimerPlanner(settings).Assignment("B", "alice", now);
  EXPECT_EQ(in_new_york.DueOf(kSlaBounce), Utc(2026, 11, 23, 16, 0)) << "11:00 New York";
}

TEST(TimerPlannerTest, RepWithoutHoursCountsWallTimeEvenUnderWorkingHoursClock) {
  auto settings = Graded();
  settings.sla.clock = SlaClock::kWorkingHours;
  const WallTime friday_evening = Utc(2026, 11, 20, 20, 0);
  const auto plan = TimerPlanner(settings).Assignment("B", "bob", friday_evening);
  EXPECT_EQ(plan.DueOf(kSlaBounce), friday_evening + 2h);
}

TEST(TimerPlannerTest, WallClockIgnoresWorkingHours) {
  const WallTime friday_evening = Utc(2026, 11, 20, 20, 0);
  const auto plan = TimerPlanner(Graded()).Assignment("B", "alice", friday_evening);
  EXPECT_EQ(plan.DueOf(kSlaBounce), friday_evening + 2h);
}

DaemonSettings WithInactivity() {
  DaemonSettings settings;
  settings.inactivity.return_after = std::chrono::days(30);
  settings.inactivity.no_deal_after = std::chrono::days(90);
  settings.inactivity.remind_before = std::chrono::days(3);
  return settings;
}

TEST(TimerPlannerTest, FollowUpArmsIdleAndNoDealReturnsWithTheirReminders) {
  const WallTime accepted = Utc(2026, 11, 2, 10, 0);
  const auto plan = TimerPlanner(WithInactivity()).FollowUp(accepted, accepted);
  ASSERT_EQ(plan.timers.size(), 4u);
  EXPECT_EQ(plan.timers[0].kind, kIdleRemind);
  EXPECT_EQ(plan.timers[0].due, accepted + std::chrono::days(27));
  EXPECT_EQ(plan.timers[1].kind, kIdleReturn);
  EXPECT_EQ(plan.timers[1].due, accepted + std::chrono::days(30));
  EXPECT_EQ(plan.timers[2].kind, kDealRemind);
  EXPECT_EQ(plan.timers[2].due, accepted + std::chrono::days(87));
  EXPECT_EQ(plan.timers[3].kind, kDealReturn);
  EXPECT_EQ(plan.timers[3].due, accepted + std::chrono::days(90));
}

TEST(TimerPlannerTest, ActivityMovesTheIdleReturnButNotTheNoDealReturn) {
  const WallTime accepted = Utc(2026, 11, 2, 10, 0);
  const WallTime call = accepted + std::chrono::days(20);
  const TimerPlanner planner(WithInactivity());
  const auto plan = planner.FollowUp(call, accepted);
  EXPECT_EQ(plan.DueOf(kIdleReturn), call + std::chrono::days(30));
  EXPECT_EQ(plan.DueOf(kDealReturn), accepted + std::chrono::days(90));
  EXPECT_EQ(planner.Idle(call).DueOf(kIdleReturn), call + std::chrono::days(30));
  EXPECT_FALSE(planner.Idle(call).DueOf(kDealReturn).has_value());
}

TEST(TimerPlannerTest, NoInactivityPeriodsMeanNoReturns) {
  EXPECT_TRUE(TimerPlanner(DaemonSettings{})
                  .FollowUp(Utc(2026, 1, 1, 0, 0), Utc(2026, 1, 1, 0, 0))
                  .timers.empty());
}

TEST(TimerPlannerTest, ZeroReminderLeadMeansReturnWithoutReminder) {
  auto settings = WithInactivity();
  settings.inactivity.remind_before = std::chrono::days(0);
  settings.inactivity.no_deal_after.reset();
  const auto plan = TimerPlanner(settings).Idle(Utc(2026, 1, 1, 0, 0));
  ASSERT_EQ(plan.timers.size(), 1u);
  EXPECT_EQ(plan.timers[0].kind, kIdleReturn);
}

TEST(TimerPlanTest, EncodesKindEqualsEpochMillisCommaSeparated) {
  TimerPlan plan;
  EXPECT_EQ(plan.Encode(), "");
  plan.timers.push_back({kSlaRemind, WallTime{std::chrono::milliseconds(1500)}});
  plan.timers.push_back({kSlaBounce, WallTime{std::chrono::milliseconds(2000)}});
  EXPECT_EQ(plan.Encode(), "sla_remind=1500,sla_bounce=2000");
}

// Days of a simulated clock in a few milliseconds: a lead assigned at Friday's closing time in
// Berlin, checked every 15 minutes through the weekend, gets its reminder and then its bounce on
// Monday morning, never during the weekend.
TEST(TimerPlannerTest, SimulatedWeekendRemindsAndBouncesOnMondayMorning) {
  auto settings = Graded();
  settings.sla.clock = SlaClock::kWorkingHours;
  const TimerPlanner planner(settings);
  fakes::ManualClock clock(Utc(2026, 11, 20, 17, 0));  // Friday 18:00 Berlin
  const auto plan = planner.Assignment("B", "alice", clock.WallNow());
  std::optional<WallTime> reminded, bounced;
  while (!bounced && clock.WallNow() < Utc(2026, 11, 30, 0, 0)) {
    clock.StepWallClock(15min);
    const WallTime now = clock.WallNow();
    if (!reminded && now >= *plan.DueOf(kSlaRemind)) reminded = now;
    if (now >= *plan.DueOf(kSlaBounce)) bounced = now;
  }
  EXPECT_EQ(reminded, Utc(2026, 11, 23, 9, 30)) << "Monday 10:30 Berlin";
  EXPECT_EQ(bounced, Utc(2026, 11, 23, 10, 0)) << "Monday 11:00 Berlin";
  // Assigned two hours before closing, the same lead is due at closing on Friday.
  const auto early = planner.Assignment("B", "alice", Utc(2026, 11, 20, 15, 0));
  EXPECT_EQ(early.DueOf(kSlaBounce), Utc(2026, 11, 20, 17, 0));
}

}  // namespace
}  // namespace leadd::lifecycle
