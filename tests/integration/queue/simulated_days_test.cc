// Days of timers against a real redis-server, in milliseconds: the Functions judge time by the
// fixture's simulated clock, and each test steps it as the daemon's poll would (every 15
// minutes, every hour, every day), sweeping the due timers at each step. The plans come from
// the real lifecycle::TimerPlanner, so these tests check the planner and the Functions together:
// the working-hours SLA over a weekend and a time-zone change, the bounce ladder up to its
// escalation, a delegate during an absence, the inactivity returns, the pool limits over days,
// and a year of recurring reminders.
#include <utility>  // before Asio: Boost 1.74 + g++ 12 need std::exchange declared first

#include <gtest/gtest.h>

#include <date/date.h>
#include <array>
#include <chrono>
#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "config/settings.h"
#include "core/working_hours.h"
#include "lifecycle/timer_plan.h"
#include "tests/integration/queue/lead_fixture.h"

namespace leadd::queue {
namespace {

using namespace std::chrono_literals;
using std::chrono::days;
using std::chrono::milliseconds;

WallTime Utc(int y, unsigned m, unsigned d, int hour, int minute) {
  return date::sys_days{date::year{y} / date::month{m} / date::day{d}} + std::chrono::hours(hour) +
         std::chrono::minutes(minute);
}
WallTime Day(int n) { return kSimulatedStart + days(n); }
std::string Ms(WallTime t) { return std::to_string(ToEpochMillis(t)); }
std::string Minute(WallTime t) {
  return date::format("%F %R", std::chrono::time_point_cast<std::chrono::minutes>(t));
}

config::Rep WorkingMondayToFriday(std::string id, const std::string& zone) {
  auto hours = MakeWorkingHours(zone, {true, true, true, true, true, false, false}, 9h, 17h, {});
  EXPECT_TRUE(hours.has_value()) << zone;
  config::Rep rep;
  rep.id = std::move(id);
  if (hours.has_value()) rep.working_hours = hours.value();
  return rep;
}

// Grade B: four working hours to accept, a reminder one hour before; ana works Mon–Fri 09–17 in
// `zone`.
config::DaemonSettings WorkingHoursSla(const std::string& zone) {
  config::DaemonSettings settings;
  settings.sla.clock = config::SlaClock::kWorkingHours;
  config::GradeSettings b;
  b.accept_within = 4h;
  b.remind_before = 1h;
  settings.grades["B"] = b;
  settings.reps = {WorkingMondayToFriday("ana", zone)};
  return settings;
}

// One step at which a sweep fired something, with the notices it wrote.
struct StepEvent {
  WallTime at;
  TimerSweep sweep;
  std::vector<OutboxEntry> notices;
};

class SimulatedDaysTest : public LeadFixture {
 protected:
  // Steps the simulated clock on a grid of `step` counted from kSimulatedStart up to `until`,
  // sweeping at each step; `on_step` then acts as people would at that instant. Every step
  // whose sweep fired something lands in events_.
  void Run(WallTime until, Duration step, const std::function<void()>& on_step = {}) {
    std::size_t seen = OutboxLength();
    for (;;) {
      const WallTime next = kSimulatedStart + ((SimNow() - kSimulatedStart) / step + 1) * step;
      if (next > until) break;
      StepTo(next);
      const TimerSweep sweep = Fire();
      EXPECT_EQ(sweep.now, next) << "the sweep is judged by the simulated clock";
      if (sweep.fired > 0) {
        auto outbox = Outbox();
        events_.push_back(
            {next, sweep, {outbox.begin() + static_cast<std::ptrdiff_t>(seen), outbox.end()}});
      }
      if (on_step) on_step();
      seen = OutboxLength();
    }
  }

  std::size_t OutboxLength() {
    auto reply = server_->Run({"XLEN", keys_.Notices()});
    return reply ? static_cast<std::size_t>(reply.value().integer) : 0;
  }

  // Each event as "<UTC minute> <count>=<n>...", the non-zero counts of its sweep.
  std::vector<std::string> Timeline() const {
    std::vector<std::string> lines;
    for (const auto& event : events_) {
      const auto& s = event.sweep;
      std::string line = Minute(event.at);
      const std::array<std::pair<const char*, std::int64_t>, 7> counts{
          {{"stale", s.stale},
           {"reminded", s.reminded},
           {"bounced", s.bounced},
           {"requeued", s.requeued},
           {"escalated", s.escalated},
           {"returned", s.returned},
           {"kept_locked", s.kept_locked}}};
      for (const auto& [name, n] : counts) {
        if (n != 0) line += " " + std::string(name) + "=" + std::to_string(n);
      }
      lines.push_back(std::move(line));
    }
    return lines;
  }

  // The swept notices of `kind`, each as "<UTC minute> <lead> to <rep> [field=value...]".
  std::vector<std::string> Swept(const std::string& kind,
                                 const std::vector<std::string>& fields) const {
    std::vector<std::string> lines;
    for (const auto& event : events_) {
      for (const auto& notice : event.notices) {
        if (notice.Get("kind") != kind) continue;
        std::string line = Minute(event.at) + " " + notice.Get("lead") + " to " + notice.Get("rep");
        for (const auto& field : fields) line += " " + field + "=" + notice.Get(field);
        lines.push_back(std::move(line));
      }
    }
    return lines;
  }

  // The intake entry a bounce re-queued the lead with: what the pipeline reads next.
  IntakeEntry RequeuedEntry(const std::string& id) {
    IntakeEntry found{"", id};
    for (const auto& entry : Stream(keys_.Intake())) {
      if (entry.Get("lead") == id) found.entry_id = entry.id;
    }
    EXPECT_FALSE(found.entry_id.empty()) << id << " was not re-queued";
    return found;
  }

  void ExpectClaimed(const std::string& id, const std::string& rep, const std::string& pool,
                     const ClaimLimits& limits) {
    auto claimed = Await(transitions_->Claim(id, rep, pool, limits));
    EXPECT_TRUE(claimed) << id << ": " << claimed.error().detail;
  }

  int HistoryEvents(const std::string& id, const std::string& event) {
    int count = 0;
    for (const auto& entry : History(id)) {
      count += entry.find("\"event\":\"" + event + "\"") != std::string::npos ? 1 : 0;
    }
    return count;
  }

  std::vector<StepEvent> events_;
};

// --- SLA on working hours -----------------------------------------------------------------

TEST_F(SimulatedDaysTest, WorkingHoursSlaWaitsOutTheWeekend) {
  const lifecycle::TimerPlanner berlin(WorkingHoursSla("Europe/Berlin"));
  // Friday 15:07 in Berlin (CET, UTC+1): 1h53 of working time left on Friday, so the reminder
  // (after 3h) and the bounce (after 4h) fall on Monday 10:07 and 11:07 Berlin.
  StepTo(Utc(2032, 3, 5, 14, 7));
  const auto plan = berlin.Assignment("B", "ana", SimNow());
  EXPECT_EQ(plan.DueOf(lifecycle::kSlaRemind), Utc(2032, 3, 8, 9, 7));
  EXPECT_EQ(plan.DueOf(lifecycle::kSlaBounce), Utc(2032, 3, 8, 10, 7));
  const auto id = AssignedTo("ana", plan.Encode());

  Run(Utc(2032, 3, 8, 12, 0), 15min);
  // Nothing over the weekend; each timer at the first quarter-hour step after it is due.
  EXPECT_EQ(Timeline(), (std::vector<std::string>{"2032-03-08 09:15 reminded=1",
                                                  "2032-03-08 10:15 bounced=1 requeued=1"}));
  EXPECT_EQ(Swept("sla_reminder", {"deadline"}),
            (std::vector<std::string>{"2032-03-08 09:15 " + id +
                                      " to ana deadline=" + Ms(Utc(2032, 3, 8, 10, 7))}));
  EXPECT_EQ(Field(id, "state"), "pooled");
  ExpectLastEntry(id, {R"("event":"bounced")", "\"due\":" + Ms(Utc(2032, 3, 8, 10, 7))});
}

TEST_F(SimulatedDaysTest, ARepWhoMovesToNewYorkGetsDeadlinesInTheNewZone) {
  const lifecycle::TimerPlanner berlin(WorkingHoursSla("Europe/Berlin"));
  StepTo(Utc(2032, 3, 5, 14, 7));
  const auto before = AssignedTo("ana", berlin.Assignment("B", "ana", SimNow()).Encode());

  // The configuration reloads with ana in New York (EST, UTC-5). Friday 15:07 there is 21:07
  // in Berlin, after hours: the Berlin week would have started counting on Monday 09:00.
  const lifecycle::TimerPlanner new_york(WorkingHoursSla("America/New_York"));
  StepTo(Utc(2032, 3, 5, 20, 7));
  const auto plan = new_york.Assignment("B", "ana", SimNow());
  EXPECT_EQ(plan.DueOf(lifecycle::kSlaRemind), Utc(2032, 3, 8, 15, 7)) << "Monday 10:07 EST";
  EXPECT_EQ(plan.DueOf(lifecycle::kSlaBounce), Utc(2032, 3, 8, 16, 7)) << "Monday 11:07 EST";
  const auto stale_zone = berlin.Assignment("B", "ana", SimNow());
  EXPECT_EQ(stale_zone.DueOf(lifecycle::kSlaBounce), Utc(2032, 3, 8, 12, 0))
      << "what the old zone would have said: Monday 13:00 Berlin";
  const auto after = AssignedTo("ana", plan.Encode());

  Run(Utc(2032, 3, 8, 18, 0), 15min);
  EXPECT_EQ(Timeline(),
            (std::vector<std::string>{
                "2032-03-08 09:15 reminded=1", "2032-03-08 10:15 bounced=1 requeued=1",
                "2032-03-08 15:15 reminded=1", "2032-03-08 16:15 bounced=1 requeued=1"}));
  EXPECT_EQ(Swept("sla_reminder", {"deadline"}),
            (std::vector<std::string>{
                "2032-03-08 09:15 " + before + " to ana deadline=" + Ms(Utc(2032, 3, 8, 10, 7)),
                "2032-03-08 15:15 " + after + " to ana deadline=" + Ms(Utc(2032, 3, 8, 16, 7))}));
}

// --- the bounce ladder --------------------------------------------------------------------

TEST_F(SimulatedDaysTest, EachBounceReroutesUntilTheGradeEscalates) {
  config::DaemonSettings settings;
  config::GradeSettings a;
  a.accept_within = 30min;
  a.remind_before = 10min;
  a.escalate_after_bounces = 3;
  settings.grades["A"] = a;
  const lifecycle::TimerPlanner planner(settings);
  const std::uint32_t escalate_after = planner.ForGrade("A").escalate_after_bounces;
  ASSERT_EQ(escalate_after, 3u);

  const std::vector<std::string> reps{"ana", "ben", "cy"};
  std::size_t next_rep = 0;
  const auto route = [&](const IntakeEntry& entry) {
    const std::string& rep = reps.at(next_rep++);
    RouteTo(entry, rep, planner.Assignment("A", rep, SimNow()).Encode(), escalate_after);
  };
  const std::string id = NewLead();
  route(IntakeEntry{"0-1", id});
  // The pipeline routes a re-queued lead again, away from everyone it bounced from.
  Run(Utc(2032, 3, 5, 12, 0), 5min, [&] {
    if (Field(id, "requeued") == "1") route(RequeuedEntry(id));
  });

  EXPECT_EQ(Timeline(),
            (std::vector<std::string>{
                "2032-03-05 09:20 reminded=1", "2032-03-05 09:30 bounced=1 requeued=1",
                "2032-03-05 09:50 reminded=1", "2032-03-05 10:00 bounced=1 requeued=1",
                "2032-03-05 10:20 reminded=1", "2032-03-05 10:30 bounced=1 escalated=1"}));
  EXPECT_EQ(
      Swept("sla_reminder", {"assignment", "deadline"}),
      (std::vector<std::string>{
          "2032-03-05 09:20 " + id + " to ana assignment=1 deadline=" + Ms(Utc(2032, 3, 5, 9, 30)),
          "2032-03-05 09:50 " + id + " to ben assignment=2 deadline=" + Ms(Utc(2032, 3, 5, 10, 0)),
          "2032-03-05 10:20 " + id +
              " to cy assignment=3 deadline=" + Ms(Utc(2032, 3, 5, 10, 30))}));
  EXPECT_EQ(Swept("escalated", {"bounces"}),
            (std::vector<std::string>{"2032-03-05 10:30 " + id + " to cy bounces=3"}));
  EXPECT_EQ(Field(id, "state"), "pooled");
  EXPECT_EQ(Field(id, "pool"), "public");
  EXPECT_TRUE(InPool("public", id));
  EXPECT_EQ(Field(id, "bounces"), "3");
  EXPECT_EQ(Field(id, "escalated"), "1");
  EXPECT_EQ(Members(ExcludedKey(keys_, id)), (std::set<std::string>{"ana", "ben", "cy"}));
  EXPECT_EQ(HistoryEvents(id, "bounced"), 3) << "one bounce per deadline";
  ExpectRefused(transitions_->Bounce(id, "3", "sla"), Errc::kConflict,
                "CONFLICT lead " + id + " is pooled, not assigned");
}

// --- delegation ---------------------------------------------------------------------------

TEST_F(SimulatedDaysTest, TheDelegateMeetsTheSlasDueDuringTheAbsenceOnly) {
  config::DaemonSettings settings;
  settings.sla.accept_within = days(2);
  settings.sla.remind_before = days(1);
  const lifecycle::TimerPlanner planner(settings);
  // Bob stands in for alice from Monday 00:00 until Wednesday 00:00 (the end excluded).
  ASSERT_TRUE(Await(
      transitions_->Away("alice", Utc(2032, 3, 8, 0, 0), Utc(2032, 3, 10, 0, 0), "bob", "admin")));
  const auto assign = [&] {
    return AssignedTo("alice", planner.Assignment("", "alice", SimNow()).Encode());
  };
  // Assigned Friday 09:00, Sunday, Monday and Tuesday midnight: each is reminded a day later.
  std::vector<std::string> leads{assign()};
  const std::set<WallTime> assigning{Utc(2032, 3, 7, 0, 0), Utc(2032, 3, 8, 0, 0),
                                     Utc(2032, 3, 9, 0, 0)};
  Run(Utc(2032, 3, 11, 6, 0), 1h, [&] {
    if (assigning.contains(SimNow())) leads.push_back(assign());
  });
  ASSERT_EQ(leads.size(), 4u);

  EXPECT_EQ(Swept("sla_reminder", {"owner"}),
            (std::vector<std::string>{"2032-03-06 09:00 " + leads[0] + " to alice owner=alice",
                                      "2032-03-08 00:00 " + leads[1] + " to bob owner=alice",
                                      "2032-03-09 00:00 " + leads[2] + " to bob owner=alice",
                                      "2032-03-10 00:00 " + leads[3] + " to alice owner=alice"}));
  std::vector<std::string> assigned;
  for (const auto& notice : Outbox("assigned")) {
    assigned.push_back(notice.Get("lead") + " to " + notice.Get("rep"));
  }
  EXPECT_EQ(assigned, (std::vector<std::string>{leads[0] + " to alice", leads[1] + " to alice",
                                                leads[2] + " to bob", leads[3] + " to bob"}));
  // The deadlines stay the SLA's, whoever meets them.
  EXPECT_EQ(Timeline(),
            (std::vector<std::string>{
                "2032-03-06 09:00 reminded=1", "2032-03-07 09:00 bounced=1 requeued=1",
                "2032-03-08 00:00 reminded=1", "2032-03-09 00:00 reminded=1 bounced=1 requeued=1",
                "2032-03-10 00:00 reminded=1 bounced=1 requeued=1",
                "2032-03-11 00:00 bounced=1 requeued=1"}));
}

// --- inactivity ---------------------------------------------------------------------------

TEST_F(SimulatedDaysTest, InactivityRemindsThenReturnsAndOnlyFollowUpsPostponeIt) {
  config::DaemonSettings settings;
  settings.inactivity.return_after = days(30);
  settings.inactivity.no_deal_after = days(60);
  settings.inactivity.remind_before = days(3);
  settings.inactivity.lock_cap = 1;
  const lifecycle::TimerPlanner planner(settings);
  const std::string follow_up = planner.FollowUp(SimNow(), SimNow()).Encode();
  const auto untouched = Accepted("ana", follow_up);
  const auto once = Accepted("ana", follow_up);    // one follow-up on day 10
  const auto weekly = Accepted("ana", follow_up);  // followed up every week, never closed
  const auto locked = Accepted("ana", follow_up);
  auto lock = Await(transitions_->Lock(locked, "ana", settings.inactivity.lock_cap));
  ASSERT_TRUE(lock) << lock.error().detail;
  ExpectRefused(transitions_->Lock(untouched, "ana", settings.inactivity.lock_cap), Errc::kConflict,
                "CONFLICT rep ana has locked 1 leads (limit 1)");

  const auto follow_up_on = [&](const std::string& id) {
    auto done = Await(transitions_->RecordActivity(id, "ana", planner.Idle(SimNow()).Encode()));
    EXPECT_TRUE(done) << done.error().detail;
  };
  Run(Day(70), days(1), [&] {
    const auto day = (SimNow() - kSimulatedStart) / days(1);
    if (day == 10) follow_up_on(once);
    if (day % 7 == 0 && day <= 56) follow_up_on(weekly);
  });

  const auto at = [](int day) { return Minute(Day(day)); };
  // The locked lead is neither reminded nor returned: both count as kept_locked.
  EXPECT_EQ(Timeline(),
            (std::vector<std::string>{at(27) + " reminded=1 kept_locked=1",
                                      at(30) + " returned=1 kept_locked=1", at(37) + " reminded=1",
                                      at(40) + " returned=1", at(57) + " reminded=1 kept_locked=1",
                                      at(60) + " returned=1 kept_locked=1"}));
  EXPECT_EQ(Swept("return_reminder", {"reason", "returns_at"}),
            (std::vector<std::string>{
                at(27) + " " + untouched + " to ana reason=inactivity returns_at=" + Ms(Day(30)),
                at(37) + " " + once + " to ana reason=inactivity returns_at=" + Ms(Day(40)),
                at(57) + " " + weekly + " to ana reason=no_deal returns_at=" + Ms(Day(60))}));
  EXPECT_EQ(Swept("returned", {"reason", "pool"}),
            (std::vector<std::string>{
                at(30) + " " + untouched + " to ana reason=inactivity pool=inactive",
                at(40) + " " + once + " to ana reason=inactivity pool=inactive",
                at(60) + " " + weekly + " to ana reason=no_deal pool=inactive"}));
  for (const auto& id : {untouched, once, weekly}) {
    EXPECT_EQ(Field(id, "state"), "pooled") << id;
    EXPECT_TRUE(InPool(std::string(kInactivePool), id)) << id;
  }
  EXPECT_EQ(Field(locked, "state"), "accepted");
  EXPECT_EQ(Field(locked, "assignee"), "ana");
}

// --- pools --------------------------------------------------------------------------------

TEST_F(SimulatedDaysTest, ClaimsPerDayStartAfreshAtTheNextUtcMidnight) {
  const ClaimLimits limits{2, 100, milliseconds(0)};
  std::vector<std::string> leads;
  for (int i = 0; i < 5; ++i) leads.push_back(Parked());
  ExpectClaimed(leads[0], "ana", "public", limits);
  ExpectClaimed(leads[1], "ana", "public", limits);
  const std::string spent = "CONFLICT rep ana has claimed 2 leads today (limit 2)";
  ExpectRefused(transitions_->Claim(leads[2], "ana", "public", limits), Errc::kConflict, spent);
  StepTo(Utc(2032, 3, 6, 0, 0) - 1ms);
  ExpectRefused(transitions_->Claim(leads[2], "ana", "public", limits), Errc::kConflict, spent);

  Step(1ms);  // Saturday 00:00 UTC
  ExpectClaimed(leads[2], "ana", "public", limits);
  ExpectClaimed(leads[3], "ana", "public", limits);
  ExpectRefused(transitions_->Claim(leads[4], "ana", "public", limits), Errc::kConflict, spent);
  const auto quota = [&](WallTime day) {
    return server_
        ->Run({"GET",
               keys_.Prefix() + ":rep:ana:claims:" + std::to_string(ToEpochMillis(day) / 86400000)})
        .value()
        .str;
  };
  EXPECT_EQ(quota(Utc(2032, 3, 5, 0, 0)), "2");
  EXPECT_EQ(quota(Utc(2032, 3, 6, 0, 0)), "2");
}

TEST_F(SimulatedDaysTest, ARepReclaimsWhatInactivityTookOnlyAfterTheCooldown) {
  config::DaemonSettings settings;
  settings.inactivity.return_after = days(30);
  const lifecycle::TimerPlanner planner(settings);
  const auto id = Accepted("ana", planner.FollowUp(SimNow(), SimNow()).Encode());
  const ClaimLimits limits{100, 100, days(7)};
  std::vector<std::string> refusals;
  WallTime reclaimed{};
  Run(Day(45), days(1), [&] {
    if (Field(id, "state") != "pooled" || reclaimed != WallTime{}) return;
    auto claimed = Await(transitions_->Claim(id, "ana", std::string(kInactivePool), limits));
    if (claimed) {
      reclaimed = SimNow();
    } else {
      refusals.push_back(claimed.error().detail);
    }
  });
  EXPECT_EQ(Timeline(), (std::vector<std::string>{Minute(Day(27)) + " reminded=1",
                                                  Minute(Day(30)) + " returned=1"}))
      << "the reminder three days ahead is inactivity's default";
  EXPECT_EQ(reclaimed, Day(37));
  ASSERT_EQ(refusals.size(), 7u) << "days 30 to 36";
  EXPECT_EQ(refusals.front(), "CONFLICT rep ana returned lead " + id +
                                  " to the pool 0 ms ago (cooldown 604800000 ms)");
  EXPECT_EQ(refusals.back(), "CONFLICT rep ana returned lead " + id +
                                 " to the pool 518400000 ms ago (cooldown 604800000 ms)");
  EXPECT_EQ(Field(id, "assignee"), "ana");
  EXPECT_EQ(Field(id, "assignment_id"), "2");
}

TEST_F(SimulatedDaysTest, MaxHeldIsNoDailyLimitAndFreesWhenALeadCloses) {
  const ClaimLimits limits{100, 3, milliseconds(0)};
  std::vector<std::string> leads;
  for (int i = 0; i < 4; ++i) leads.push_back(Parked());
  for (int i = 0; i < 3; ++i) ExpectClaimed(leads[i], "ana", "public", limits);
  const std::string full = "CONFLICT rep ana holds 3 leads (limit 3)";
  ExpectRefused(transitions_->Claim(leads[3], "ana", "public", limits), Errc::kConflict, full);
  Step(days(3));
  ExpectRefused(transitions_->Claim(leads[3], "ana", "public", limits), Errc::kConflict, full);
  ASSERT_TRUE(Await(transitions_->Accept(leads[0], "ana", "1")));
  ExpectRefused(transitions_->Claim(leads[3], "ana", "public", limits), Errc::kConflict, full);
  ASSERT_TRUE(Await(transitions_->Close(leads[0], "ana", Outcome::kWon, "signed")));
  ExpectClaimed(leads[3], "ana", "public", limits);
  EXPECT_EQ(Members(RepOpenKey(keys_, "ana")),
            (std::set<std::string>{leads[1], leads[2], leads[3]}));
}

// --- recurring reminders ------------------------------------------------------------------

TEST_F(SimulatedDaysTest, AYearOfReorderAndCadenceRemindersReachWhoeverActsForTheOwner) {
  config::DaemonSettings settings;
  config::GradeSettings a;
  a.follow_up_every = days(14);
  settings.grades["A"] = a;
  const lifecycle::TimerPlanner planner(settings);
  const auto cadence_every = planner.ForGrade("A").follow_up_every;
  ASSERT_EQ(cadence_every, days(14));

  const auto id = Accepted("ana", "");
  ASSERT_TRUE(Await(transitions_->Close(id, "ana", Outcome::kWon, "signed")));
  const auto add = [&](const std::string& kind, const std::string& product, milliseconds every,
                       milliseconds ahead) {
    auto added = Await(transitions_->AddReminder(
        ReminderSpec{id, kind, product, every, ahead, SimNow() + every, "ana"}));
    EXPECT_TRUE(added) << added.error().detail;
    return added ? added.value() : std::string();
  };
  const auto reorder = add("reorder", "toner", days(30), days(5));
  const auto cadence = add("cadence", "", *cadence_every, days(2));
  // Bob stands in for ana over days 50 to 60.
  ASSERT_TRUE(Await(transitions_->Away("ana", Day(50), Day(60), "bob", "admin")));
  constexpr int kCadenceRemovedOn = 200;
  Run(Day(365), days(1), [&] {
    if (SimNow() == Day(kCadenceRemovedOn)) {
      ASSERT_TRUE(Await(transitions_->RemoveReminder(cadence, "ana")));
    }
  });

  // What each reminder should have sent: `ahead` before each occurrence, the last one on or
  // before `last_day`.
  const auto expected = [](const std::string& lead, const std::string& reminder, int every,
                           int ahead, int last_day) {
    std::vector<std::string> lines;
    for (int occurs = every; occurs - ahead <= last_day; occurs += every) {
      const int day = occurs - ahead;
      const std::string rep = day >= 50 && day < 60 ? "bob" : "ana";
      lines.push_back(Minute(Day(day)) + " " + lead + " to " + rep +
                      " owner=ana reminder=" + reminder + " occurs_at=" + Ms(Day(occurs)));
    }
    return lines;
  };
  const auto reorders = Swept("reorder_due", {"owner", "reminder", "occurs_at"});
  EXPECT_EQ(reorders, expected(id, reorder, 30, 5, 365));
  EXPECT_EQ(reorders.size(), 12u) << "days 25, 55, ... 355";
  const auto cadences = Swept("cadence_due", {"owner", "reminder", "occurs_at"});
  EXPECT_EQ(cadences, expected(id, cadence, 14, 2, kCadenceRemovedOn));
  EXPECT_EQ(cadences.size(), 14u) << "days 12, 26, ... 194, then removed";
  for (const auto& event : events_) {
    EXPECT_EQ(event.sweep.reminded, event.sweep.fired) << Minute(event.at);
  }
  EXPECT_EQ(events_.size(), 26u);
  EXPECT_EQ(Scores(keys_.Timers()),
            (std::map<std::string, std::int64_t>{
                {"recur|" + reorder + "|13", ToEpochMillis(Day(390 - 5))}}));
}

}  // namespace
}  // namespace leadd::queue
