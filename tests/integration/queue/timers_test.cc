// Integration tests of the timer engine (leadd_fire_due and the moves that arm and disarm
// timers) against a real redis-server started per test. The Functions judge time by the
// fixture's simulated clock, which only the test steps: a timer is due exactly when the test
// steps onto its instant, never early or late because a machine was slow.
#include <utility>  // before Asio: Boost 1.74 + g++ 12 need std::exchange declared first

#include <gtest/gtest.h>

#include <chrono>
#include <initializer_list>
#include <string>
#include <vector>

#include "lifecycle/timer_plan.h"
#include "tests/fakes/manual_clock.h"
#include "tests/integration/queue/lead_fixture.h"

namespace leadd::queue {
namespace {

using std::chrono::milliseconds;

constexpr ClaimLimits kGenerous{1000, 1000, milliseconds(0)};

class TimersTest : public LeadFixture {
 protected:
  void SetUp() override {
    LeadFixture::SetUp();
    t0_ = SimNowMs();
  }

  // Offsets are from t0_, so a test can name the exact due time it expects back.
  std::int64_t Due(std::int64_t offset_ms) const { return t0_ + offset_ms; }
  std::string DueText(std::int64_t offset_ms) const { return std::to_string(Due(offset_ms)); }

  std::string Plan(std::initializer_list<std::pair<std::string_view, std::int64_t>> timers) {
    lifecycle::TimerPlan plan;
    for (const auto& [kind, offset] : timers) {
      plan.timers.push_back({kind, WallTime{milliseconds(Due(offset))}});
    }
    return plan.Encode();
  }

  // Steps the simulated clock onto t0_ + offset: a timer due then fires at the next sweep.
  void StepToOffset(std::int64_t offset_ms) { StepTo(WallTime{milliseconds(Due(offset_ms))}); }

  std::map<std::string, std::int64_t> Timers() { return Scores(keys_.Timers()); }
  std::string Member(std::string_view kind, const std::string& subject, std::string_view token) {
    return std::string(kind) + "|" + subject + "|" + std::string(token);
  }
  // Arms a timer behind the Functions' backs, as a sweep that had read it before a move would
  // still hold it: its token is the only thing that tells it apart.
  void Inject(const std::string& member, std::int64_t offset_ms) {
    ASSERT_TRUE(server_->Run({"ZADD", keys_.Timers(), std::to_string(Due(offset_ms)), member}));
  }

  std::string OwnerOf(int lead_number) {
    return HashField(keys_.OwnerByEmail(), EmailOf(lead_number));
  }
  std::set<std::string> Customers(const std::string& rep) {
    return Members(keys_.Prefix() + ":rep:" + rep + ":customers");
  }

  int IntakeEntriesFor(const std::string& id) {
    int count = 0;
    for (const auto& entry : Stream(keys_.Intake())) count += entry.Get("lead") == id ? 1 : 0;
    return count;
  }

  std::int64_t t0_ = 0;
};

// --- SLA ladder ---------------------------------------------------------------------------

TEST_F(TimersTest, SlaRemindsFirstThenBouncesAndRequeues) {
  const auto id =
      AssignedTo("ana", Plan({{lifecycle::kSlaRemind, 200}, {lifecycle::kSlaBounce, 500}}));
  EXPECT_EQ(Field(id, "sla_deadline"), DueText(500));
  EXPECT_EQ(Timers(),
            (std::map<std::string, std::int64_t>{{Member("sla_remind", id, "1"), Due(200)},
                                                 {Member("sla_bounce", id, "1"), Due(500)}}));

  auto early = Fire();
  EXPECT_EQ(early.fired, 0);
  ASSERT_TRUE(early.next_due);
  EXPECT_EQ(ToEpochMillis(*early.next_due), Due(200));

  StepToOffset(200);
  auto reminded = Fire();
  EXPECT_EQ(reminded.fired, 1);
  EXPECT_EQ(reminded.reminded, 1);
  EXPECT_EQ(reminded.bounced, 0);
  EXPECT_EQ(Field(id, "state"), "assigned");
  const auto reminders = Outbox("sla_reminder");
  ASSERT_EQ(reminders.size(), 1u);
  EXPECT_EQ(reminders[0].Get("lead"), id);
  EXPECT_EQ(reminders[0].Get("rep"), "ana");
  EXPECT_EQ(reminders[0].Get("owner"), "ana");
  EXPECT_EQ(reminders[0].Get("assignment"), "1");
  EXPECT_EQ(reminders[0].Get("deadline"), DueText(500));
  ASSERT_TRUE(reminded.next_due);
  EXPECT_EQ(ToEpochMillis(*reminded.next_due), Due(500));

  StepToOffset(500);
  auto bounced = Fire();
  EXPECT_EQ(bounced.fired, 1);
  EXPECT_EQ(bounced.bounced, 1);
  EXPECT_EQ(bounced.requeued, 1);
  EXPECT_EQ(bounced.escalated, 0);
  EXPECT_FALSE(bounced.next_due);
  EXPECT_EQ(Field(id, "state"), "pooled");
  EXPECT_EQ(Field(id, "pool"), "public");
  EXPECT_EQ(Field(id, "requeued"), "1");
  EXPECT_EQ(Field(id, "bounces"), "1");
  EXPECT_EQ(Field(id, "sla_deadline"), "");
  EXPECT_EQ(Members(ExcludedKey(keys_, id)), std::set<std::string>{"ana"});
  EXPECT_TRUE(Members(RepOpenKey(keys_, "ana")).empty());
  ExpectLastEntry(id, {R"("event":"bounced")", R"("rep":"ana")", R"("reason":"sla")",
                       R"("by":"sla")", R"("requeued":1)", "\"due\":" + DueText(500)});
  EXPECT_EQ(IntakeEntriesFor(id), 2) << "ingested once, requeued once";
  EXPECT_TRUE(Timers().empty());
  EXPECT_TRUE(Outbox("escalated").empty());
  // The outbox in order: the assignment, the reminder, nothing for a requeue.
  const auto outbox = Outbox();
  ASSERT_EQ(outbox.size(), 2u);
  EXPECT_EQ(outbox[0].Get("kind"), "assigned");
  EXPECT_EQ(outbox[1].Get("kind"), "sla_reminder");
}

TEST_F(TimersTest, LeadAcceptedAfterTheReminderNeverBounces) {
  const auto id =
      AssignedTo("ana", Plan({{lifecycle::kSlaRemind, 150}, {lifecycle::kSlaBounce, 400}}));
  StepToOffset(150);
  EXPECT_EQ(Fire().reminded, 1);
  ASSERT_TRUE(Await(transitions_->Accept(id, "ana", "1")));
  EXPECT_TRUE(Timers().empty());
  EXPECT_EQ(Field(id, "sla_deadline"), "");

  StepToOffset(400);
  auto after = Fire();
  EXPECT_EQ(after.fired, 0);
  EXPECT_EQ(after.bounced, 0);
  EXPECT_EQ(Field(id, "state"), "accepted");
  EXPECT_EQ(Field(id, "bounces"), "");
  ExpectLastEntry(id, {R"("event":"accepted")"});
}

TEST_F(TimersTest, RemindAndBounceBothOverdueFireInOneSweepInOrder) {
  const auto id =
      AssignedTo("ana", Plan({{lifecycle::kSlaRemind, 50}, {lifecycle::kSlaBounce, 100}}));
  StepToOffset(100);
  auto swept = Fire();
  EXPECT_EQ(swept.fired, 2);
  EXPECT_EQ(swept.reminded, 1);
  EXPECT_EQ(swept.bounced, 1);
  EXPECT_EQ(swept.stale, 0);
  const auto outbox = Outbox();
  ASSERT_EQ(outbox.size(), 2u);
  EXPECT_EQ(outbox[1].Get("kind"), "sla_reminder");
  EXPECT_EQ(Field(id, "state"), "pooled");
}

TEST_F(TimersTest, ClaimArmsItsOwnSlaAndTheOldTokenIsStale) {
  const auto id =
      AssignedTo("ana", Plan({{lifecycle::kSlaRemind, 150}, {lifecycle::kSlaBounce, 300}}));
  ASSERT_TRUE(Await(transitions_->Reject(id, "ana", "1", "not mine", "public")));
  EXPECT_TRUE(Timers().empty()) << "a rejected lead keeps no timers";

  AssignmentTimers timers{Plan({{lifecycle::kSlaRemind, 450}, {lifecycle::kSlaBounce, 900}}), 2};
  auto claimed = Await(transitions_->Claim(id, "ben", "public", kGenerous, timers));
  ASSERT_TRUE(claimed) << claimed.error().detail;
  EXPECT_EQ(claimed.value(), "2");
  EXPECT_EQ(Field(id, "sla_deadline"), DueText(900));
  EXPECT_EQ(Timers(),
            (std::map<std::string, std::int64_t>{{Member("sla_remind", id, "2"), Due(450)},
                                                 {Member("sla_bounce", id, "2"), Due(900)}}));
  ExpectLastEntry(id, {R"("event":"claimed")", "\"sla_deadline\":" + DueText(900)});

  // The first assignment's timers, had a sweep still held them, act on nothing.
  Inject(Member("sla_remind", id, "1"), 150);
  Inject(Member("sla_bounce", id, "1"), 300);
  StepToOffset(300);
  auto stale = Fire();
  EXPECT_EQ(stale.fired, 2);
  EXPECT_EQ(stale.stale, 2);
  EXPECT_EQ(stale.reminded + stale.bounced, 0);
  EXPECT_EQ(Field(id, "state"), "assigned");
  EXPECT_EQ(Field(id, "assignee"), "ben");
  EXPECT_TRUE(Outbox("sla_reminder").empty());

  StepToOffset(450);
  EXPECT_EQ(Fire().reminded, 1);
  const auto reminders = Outbox("sla_reminder");
  ASSERT_EQ(reminders.size(), 1u);
  EXPECT_EQ(reminders[0].Get("rep"), "ben");
  EXPECT_EQ(reminders[0].Get("assignment"), "2");
  EXPECT_EQ(reminders[0].Get("deadline"), DueText(900));
}

TEST_F(TimersTest, ReassignArmsItsOwnSlaAndTheOldTimersNeverAct) {
  const auto id =
      AssignedTo("ana", Plan({{lifecycle::kSlaRemind, 150}, {lifecycle::kSlaBounce, 300}}));
  AssignmentTimers timers{Plan({{lifecycle::kSlaRemind, 500}, {lifecycle::kSlaBounce, 5000}}), 2};
  auto moved = Await(transitions_->Reassign(id, "ben", "admin", "vip", timers));
  ASSERT_TRUE(moved) << moved.error().detail;
  EXPECT_EQ(moved.value(), "2");
  EXPECT_EQ(Timers(),
            (std::map<std::string, std::int64_t>{{Member("sla_remind", id, "2"), Due(500)},
                                                 {Member("sla_bounce", id, "2"), Due(5000)}}));
  const auto assigned = Outbox("assigned");
  ASSERT_EQ(assigned.size(), 2u);
  EXPECT_EQ(assigned[1].Get("rep"), "ben");
  EXPECT_EQ(assigned[1].Get("previous"), "ana");
  EXPECT_EQ(assigned[1].Get("deadline"), DueText(5000));

  StepToOffset(300);
  auto disarmed = Fire();
  EXPECT_EQ(disarmed.fired, 0) << "the reassignment took ana's timers off";
  Inject(Member("sla_bounce", id, "1"), 300);
  auto stale = Fire();
  EXPECT_EQ(stale.fired, 1);
  EXPECT_EQ(stale.stale, 1);
  EXPECT_EQ(stale.bounced, 0);
  EXPECT_EQ(Field(id, "state"), "assigned");
  EXPECT_EQ(Field(id, "bounces"), "");

  StepToOffset(500);
  EXPECT_EQ(Fire().reminded, 1);
  const auto reminders = Outbox("sla_reminder");
  ASSERT_EQ(reminders.size(), 1u);
  EXPECT_EQ(reminders[0].Get("rep"), "ben");
  EXPECT_EQ(reminders[0].Get("assignment"), "2");
}

// --- escalation ---------------------------------------------------------------------------

TEST_F(TimersTest, BounceEscalatesAfterItsGradesBounces) {
  const auto id = AssignedTo("ana", Plan({{lifecycle::kSlaBounce, 100}}), 1);
  EXPECT_EQ(Field(id, "escalate_after"), "1");
  StepToOffset(100);
  auto swept = Fire();
  EXPECT_EQ(swept.bounced, 1);
  EXPECT_EQ(swept.escalated, 1);
  EXPECT_EQ(swept.requeued, 0);
  EXPECT_EQ(Field(id, "state"), "pooled");
  EXPECT_EQ(Field(id, "pool"), "public");
  EXPECT_TRUE(InPool("public", id));
  EXPECT_EQ(Field(id, "escalated"), "1");
  EXPECT_EQ(Field(id, "requeued"), "");
  EXPECT_EQ(IntakeEntriesFor(id), 1) << "an escalated lead is not routed again";
  ExpectLastEntry(id,
                  {R"("event":"bounced")", R"("escalated":1)", R"("bounces":1)", R"("rep":"ana")"});
  const auto escalated = Outbox("escalated");
  ASSERT_EQ(escalated.size(), 1u);
  EXPECT_EQ(escalated[0].Get("lead"), id);
  EXPECT_EQ(escalated[0].Get("rep"), "ana");
  EXPECT_EQ(escalated[0].Get("bounces"), "1");
}

// --- delegation ---------------------------------------------------------------------------

// Redis expires keys by its real clock, so the Functions expire a day's claim quota and an
// absence relatively: written at a simulated instant years behind Redis, both still last.
TEST_F(TimersTest, QuotasAndAbsencesLastWhenTheClockIsBehindRedis) {
  fakes::ManualClock behind_clock{WallTime{} + std::chrono::hours(24 * 365 * 50)};  // 2019-12
  LeadTransitions behind(*client_, keys_, FunctionClock::Simulated(behind_clock));
  const ClaimLimits two_a_day{2, 100, milliseconds(0)};
  ASSERT_TRUE(Await(behind.Claim(Parked(), "ana", "public", two_a_day)));
  ASSERT_TRUE(Await(behind.Claim(Parked(), "ana", "public", two_a_day)));
  ExpectRefused(behind.Claim(Parked(), "ana", "public", two_a_day), Errc::kConflict,
                "CONFLICT rep ana has claimed 2 leads today (limit 2)");

  const WallTime now = behind_clock.WallNow();
  ASSERT_TRUE(Await(behind.Away("ana", now, now + std::chrono::hours(48), "ben", "admin")));
  EXPECT_EQ(HashField(keys_.Prefix() + ":rep:ana:absence", "delegate"), "ben");
}

TEST_F(TimersTest, DelegateReceivesTheRepsNoticesAndMayActUntilBack) {
  const WallTime now = SimNow();
  ASSERT_TRUE(Await(transitions_->Away("alice", now - std::chrono::seconds(1),
                                       now + std::chrono::hours(1), "bob", "admin")));
  EXPECT_EQ(HashField(keys_.Prefix() + ":rep:alice:absence", "delegate"), "bob");

  const auto id =
      AssignedTo("alice", Plan({{lifecycle::kSlaRemind, 150}, {lifecycle::kSlaBounce, 60000}}));
  const auto assigned = Outbox("assigned");
  ASSERT_EQ(assigned.size(), 1u);
  EXPECT_EQ(assigned[0].Get("rep"), "bob");
  EXPECT_EQ(assigned[0].Get("owner"), "alice");
  EXPECT_EQ(Field(id, "assignee"), "alice") << "ownership stays with the rep";

  ExpectRefused(transitions_->Accept(id, "carol", "1"), Errc::kConflict,
                "CONFLICT lead " + id + " is held by alice, not carol");

  StepToOffset(150);
  EXPECT_EQ(Fire().reminded, 1);
  const auto reminders = Outbox("sla_reminder");
  ASSERT_EQ(reminders.size(), 1u);
  EXPECT_EQ(reminders[0].Get("rep"), "bob");
  EXPECT_EQ(reminders[0].Get("owner"), "alice");

  auto accepted = Await(transitions_->Accept(id, "bob", "1"));
  ASSERT_TRUE(accepted) << accepted.error().detail;
  EXPECT_EQ(Field(id, "state"), "accepted");
  EXPECT_EQ(Field(id, "assignee"), "alice");
  ExpectLastEntry(id, {R"("event":"accepted")", R"("by":"bob")"});

  const auto second = AssignedTo("alice");
  auto back = Await(transitions_->Back("alice", "admin"));
  ASSERT_TRUE(back);
  EXPECT_TRUE(back.value());
  ExpectRefused(transitions_->Accept(second, "bob", "1"), Errc::kConflict,
                "CONFLICT lead " + second + " is held by alice, not bob");
  auto again = Await(transitions_->Back("alice", "admin"));
  ASSERT_TRUE(again);
  EXPECT_FALSE(again.value()) << "no absence left to end";
  ASSERT_TRUE(Await(transitions_->Accept(second, "alice", "1")));
}

TEST_F(TimersTest, AwayRefusesAnAwayDelegateAnEmptySpanAndSelfDelegation) {
  const WallTime now = SimNow();
  const WallTime later = now + std::chrono::hours(1);
  ASSERT_TRUE(
      Await(transitions_->Away("bob", now - std::chrono::seconds(1), later, "dave", "admin")));
  ExpectRefused(transitions_->Away("alice", now, later, "bob", "admin"), Errc::kConflict,
                "CONFLICT delegate bob is away then too (delegating to dave)");
  ExpectRefused(transitions_->Away("alice", now, now, "carol", "admin"), Errc::kRejected,
                "ERR away needs `to` after `from`");
  ExpectRefused(transitions_->Away("alice", later, now, "carol", "admin"), Errc::kRejected,
                "ERR away needs `to` after `from`");
  ExpectRefused(transitions_->Away("alice", now, later, "alice", "admin"), Errc::kRejected,
                "ERR away needs a rep and a different delegate");
}

// --- inactivity ---------------------------------------------------------------------------

TEST_F(TimersTest, IdleLeadIsRemindedThenReturnedToTheInactivityPool) {
  const auto id =
      Accepted("ana", Plan({{lifecycle::kIdleRemind, 150}, {lifecycle::kIdleReturn, 400}}));
  EXPECT_EQ(Field(id, "activity_seq"), "1");
  EXPECT_EQ(Timers(),
            (std::map<std::string, std::int64_t>{{Member("idle_remind", id, "1"), Due(150)},
                                                 {Member("idle_return", id, "1"), Due(400)}}));
  EXPECT_EQ(OwnerOf(1), "ana");

  StepToOffset(150);
  auto reminded = Fire();
  EXPECT_EQ(reminded.reminded, 1);
  EXPECT_EQ(reminded.returned, 0);
  const auto reminders = Outbox("return_reminder");
  ASSERT_EQ(reminders.size(), 1u);
  EXPECT_EQ(reminders[0].Get("lead"), id);
  EXPECT_EQ(reminders[0].Get("rep"), "ana");
  EXPECT_EQ(reminders[0].Get("reason"), "inactivity");
  EXPECT_EQ(reminders[0].Get("returns_at"), DueText(400));
  EXPECT_EQ(Field(id, "state"), "accepted");

  StepToOffset(400);
  auto returned = Fire();
  EXPECT_EQ(returned.returned, 1);
  EXPECT_EQ(returned.kept_locked, 0);
  EXPECT_EQ(Field(id, "state"), "pooled");
  EXPECT_EQ(Field(id, "pool"), kInactivePool);
  EXPECT_EQ(Field(id, "assignee"), "");
  EXPECT_TRUE(InPool(std::string(kInactivePool), id));
  EXPECT_EQ(Members(ExcludedKey(keys_, id)), std::set<std::string>{"ana"});
  EXPECT_TRUE(Members(RepOpenKey(keys_, "ana")).empty());
  EXPECT_EQ(OwnerOf(1), "") << "the owner index entry is released";
  EXPECT_TRUE(Customers("ana").empty());
  ExpectLastEntry(id, {R"("event":"returned")", R"("from":"accepted")", R"("to":"pooled")",
                       R"("reason":"inactivity")", R"("rep":"ana")", R"("pool":"inactive")",
                       R"("by":"timer")"});
  const auto notices = Outbox("returned");
  ASSERT_EQ(notices.size(), 1u);
  EXPECT_EQ(notices[0].Get("rep"), "ana");
  EXPECT_EQ(notices[0].Get("reason"), "inactivity");
  EXPECT_EQ(notices[0].Get("pool"), kInactivePool);
  EXPECT_TRUE(Timers().empty());
}

TEST_F(TimersTest, ActivityRearmsTheIdleTimersAndTheEarlierOnesAreStale) {
  const auto id =
      Accepted("ana", Plan({{lifecycle::kIdleRemind, 100}, {lifecycle::kIdleReturn, 200}}));
  ASSERT_TRUE(
      Await(transitions_->RecordActivity(id, "ana", Plan({{lifecycle::kIdleReturn, 60000}}))));
  EXPECT_EQ(Field(id, "activity_seq"), "2");
  EXPECT_EQ(Timers(),
            (std::map<std::string, std::int64_t>{{Member("idle_return", id, "2"), Due(60000)}}));

  Inject(Member("idle_return", id, "1"), 200);
  StepToOffset(200);
  auto swept = Fire();
  EXPECT_EQ(swept.fired, 1);
  EXPECT_EQ(swept.stale, 1);
  EXPECT_EQ(swept.reminded + swept.returned, 0);
  EXPECT_EQ(Field(id, "state"), "accepted");
  EXPECT_EQ(Field(id, "assignee"), "ana");
  EXPECT_TRUE(Outbox("return_reminder").empty());
  ExpectLastEntry(id, {R"("event":"activity")", R"("by":"ana")"});
}

TEST_F(TimersTest, ActivityDoesNotMoveTheNoDealReturn) {
  const auto id = Accepted("ana", Plan({{lifecycle::kDealRemind, 150},
                                        {lifecycle::kDealReturn, 350},
                                        {lifecycle::kIdleReturn, 60000}}));
  ASSERT_TRUE(
      Await(transitions_->RecordActivity(id, "ana", Plan({{lifecycle::kIdleReturn, 90000}}))));
  EXPECT_EQ(Timers(),
            (std::map<std::string, std::int64_t>{{Member("deal_remind", id, "1"), Due(150)},
                                                 {Member("deal_return", id, "1"), Due(350)},
                                                 {Member("idle_return", id, "2"), Due(90000)}}));

  StepToOffset(150);
  EXPECT_EQ(Fire().reminded, 1);
  const auto reminders = Outbox("return_reminder");
  ASSERT_EQ(reminders.size(), 1u);
  EXPECT_EQ(reminders[0].Get("reason"), "no_deal");
  EXPECT_EQ(reminders[0].Get("returns_at"), DueText(350));

  StepToOffset(350);
  EXPECT_EQ(Fire().returned, 1);
  EXPECT_EQ(Field(id, "state"), "pooled");
  ExpectLastEntry(id, {R"("event":"returned")", R"("reason":"no_deal")"});
  EXPECT_TRUE(Timers().empty()) << "the return took the idle timer off too";
}

TEST_F(TimersTest, AReturnMakesTheOtherDueReturnOfTheSweepStale) {
  const auto id =
      Accepted("ana", Plan({{lifecycle::kIdleReturn, 100}, {lifecycle::kDealReturn, 150}}));
  StepToOffset(150);
  auto swept = Fire();
  EXPECT_EQ(swept.fired, 2);
  EXPECT_EQ(swept.returned, 1);
  EXPECT_EQ(swept.stale, 1);
  EXPECT_EQ(Outbox("returned").size(), 1u);
  ExpectLastEntry(id, {R"("event":"returned")", R"("reason":"inactivity")"});
}

TEST_F(TimersTest, LockedLeadIsKeptAndUnlockRearms) {
  const auto id = Accepted("ana", Plan({{lifecycle::kIdleReturn, 150}}));
  auto locked = Await(transitions_->Lock(id, "ana", 1));
  ASSERT_TRUE(locked) << locked.error().detail;
  EXPECT_TRUE(locked.value());
  auto twice = Await(transitions_->Lock(id, "ana", 1));
  ASSERT_TRUE(twice);
  EXPECT_FALSE(twice.value()) << "already locked";
  EXPECT_EQ(Field(id, "locked"), "1");
  EXPECT_EQ(Members(keys_.Prefix() + ":rep:ana:locked"), std::set<std::string>{id});

  const auto other = Accepted("ana", "");
  ExpectRefused(transitions_->Lock(other, "ana", 1), Errc::kConflict,
                "CONFLICT rep ana has locked 1 leads (limit 1)");

  StepToOffset(150);
  auto kept = Fire();
  EXPECT_EQ(kept.fired, 1);
  EXPECT_EQ(kept.kept_locked, 1);
  EXPECT_EQ(kept.returned, 0);
  EXPECT_EQ(Field(id, "state"), "accepted");
  EXPECT_TRUE(Outbox("returned").empty());
  EXPECT_TRUE(Timers().empty());

  auto unlocked = Await(transitions_->Unlock(id, "ana", Plan({{lifecycle::kIdleReturn, 300}})));
  ASSERT_TRUE(unlocked) << unlocked.error().detail;
  EXPECT_TRUE(unlocked.value());
  EXPECT_EQ(Field(id, "locked"), "");
  EXPECT_TRUE(Members(keys_.Prefix() + ":rep:ana:locked").empty());
  EXPECT_EQ(Timers(),
            (std::map<std::string, std::int64_t>{{Member("idle_return", id, "1"), Due(300)}}));
  ExpectLastEntry(id, {R"("event":"unlocked")", R"("by":"ana")"});

  StepToOffset(300);
  EXPECT_EQ(Fire().returned, 1);
  EXPECT_EQ(Field(id, "state"), "pooled");
  EXPECT_EQ(Field(id, "pool"), kInactivePool);
}

// --- recurring reminders ------------------------------------------------------------------

TEST_F(TimersTest, RecurringReminderNotifiesTheHolderAndRearmsUntilRemoved) {
  const auto id = Accepted("ana", "");
  ReminderSpec spec{id,
                    "reorder",
                    "toner",
                    milliseconds(300),
                    milliseconds(50),
                    WallTime{milliseconds(Due(150))},
                    "ana"};
  auto added = Await(transitions_->AddReminder(spec));
  ASSERT_TRUE(added) << added.error().detail;
  const std::string rid = added.value();
  EXPECT_EQ(rid, "R-1");
  const std::string rkey = keys_.Prefix() + ":reminder:" + rid;
  EXPECT_EQ(HashField(rkey, "next_at"), DueText(150));
  EXPECT_EQ(HashField(rkey, "seq"), "1");
  EXPECT_EQ(Timers(), (std::map<std::string, std::int64_t>{{Member("recur", rid, "1"), Due(100)}}));
  ExpectLastEntry(id, {R"("event":"reminder_added")", R"("reminder":"R-1")"});

  StepToOffset(100);
  auto first = Fire();
  EXPECT_EQ(first.reminded, 1);
  auto notices = Outbox("reorder_due");
  ASSERT_EQ(notices.size(), 1u);
  EXPECT_EQ(notices[0].Get("lead"), id);
  EXPECT_EQ(notices[0].Get("rep"), "ana");
  EXPECT_EQ(notices[0].Get("owner"), "ana");
  EXPECT_EQ(notices[0].Get("reminder"), rid);
  EXPECT_EQ(notices[0].Get("product"), "toner");
  EXPECT_EQ(notices[0].Get("occurs_at"), DueText(150));
  EXPECT_EQ(HashField(rkey, "next_at"), DueText(450));
  EXPECT_EQ(HashField(rkey, "seq"), "2");
  EXPECT_EQ(Timers(), (std::map<std::string, std::int64_t>{{Member("recur", rid, "2"), Due(400)}}));

  StepToOffset(400);
  EXPECT_EQ(Fire().reminded, 1);
  notices = Outbox("reorder_due");
  ASSERT_EQ(notices.size(), 2u);
  EXPECT_EQ(notices[1].Get("occurs_at"), DueText(450));
  EXPECT_EQ(HashField(rkey, "seq"), "3");

  ASSERT_TRUE(Await(transitions_->RemoveReminder(rid, "ana")));
  EXPECT_TRUE(Timers().empty());
  EXPECT_EQ(HashField(rkey, "kind"), "");
  auto listed = Await(transitions_->Reminders(id));
  ASSERT_TRUE(listed);
  EXPECT_TRUE(listed.value().empty());
  ExpectLastEntry(id, {R"("event":"reminder_removed")", R"("reminder":"R-1")", R"("by":"ana")"});

  StepToOffset(700);
  EXPECT_EQ(Fire().fired, 0);
  EXPECT_EQ(Outbox("reorder_due").size(), 2u);
}

TEST_F(TimersTest, ALostLeadEndsItsReminder) {
  const auto id = Accepted("ana", "");
  ReminderSpec spec{
      id,   "cadence", "", milliseconds(300), milliseconds(50), WallTime{milliseconds(Due(150))},
      "ana"};
  auto added = Await(transitions_->AddReminder(spec));
  ASSERT_TRUE(added) << added.error().detail;
  ASSERT_TRUE(Await(transitions_->Close(id, "ana", Outcome::kLost, "went elsewhere")));

  StepToOffset(100);
  auto swept = Fire();
  EXPECT_EQ(swept.fired, 1);
  EXPECT_EQ(swept.stale, 1);
  EXPECT_EQ(swept.reminded, 0);
  EXPECT_TRUE(Outbox("cadence_due").empty());
  EXPECT_TRUE(Timers().empty());
  EXPECT_EQ(HashField(keys_.Prefix() + ":reminder:" + added.value(), "lead"), "");
  EXPECT_TRUE(Members(keys_.Lead(id) + ":reminders").empty());
}

TEST_F(TimersTest, AfterALongPauseOneSweepRemindsOnceAndSkipsAhead) {
  const auto id = Accepted("ana", "");
  ReminderSpec spec{id,
                    "reorder",
                    "paper",
                    milliseconds(300),
                    milliseconds(50),
                    WallTime{milliseconds(Due(100))},
                    "ana"};
  auto added = Await(transitions_->AddReminder(spec));
  ASSERT_TRUE(added) << added.error().detail;
  const std::string rkey = keys_.Prefix() + ":reminder:" + added.value();

  // Occurrences at 100, 400, 700 and 1000 ms have all passed.
  StepToOffset(1000);
  auto swept = Fire();
  EXPECT_EQ(swept.fired, 1);
  EXPECT_EQ(swept.reminded, 1);
  const auto notices = Outbox("reorder_due");
  ASSERT_EQ(notices.size(), 1u);
  EXPECT_EQ(notices[0].Get("occurs_at"), DueText(100));

  const std::int64_t now = ToEpochMillis(swept.now);
  const std::int64_t next_at = std::stoll(HashField(rkey, "next_at"));
  EXPECT_EQ((next_at - Due(100)) % 300, 0) << "still on the reminder's cycle";
  EXPECT_GT(next_at - 50, now) << "the next reminder is ahead";
  EXPECT_LE(next_at - 50 - 300, now) << "and no occurrence still ahead was skipped";
  EXPECT_EQ(now, Due(1000));
  EXPECT_EQ(next_at, Due(1300)) << "the first occurrence whose reminder is still ahead";
  EXPECT_EQ(HashField(rkey, "seq"), "2");
  EXPECT_EQ(
      Timers(),
      (std::map<std::string, std::int64_t>{{Member("recur", added.value(), "2"), next_at - 50}}));
  EXPECT_EQ(Fire().fired, 0) << "one notice for the whole pause";
}

TEST_F(TimersTest, BadReminderArgumentsAreRejected) {
  const auto id = Accepted("ana", "");
  const WallTime first{milliseconds(Due(60000))};
  ReminderSpec kind{id, "weekly", "", milliseconds(300), milliseconds(50), first, "ana"};
  ExpectRefused(transitions_->AddReminder(kind), Errc::kRejected,
                "ERR reminder kind must be reorder or cadence, not \"weekly\"");
  ReminderSpec ahead{id, "reorder", "toner", milliseconds(300), milliseconds(300), first, "ana"};
  ExpectRefused(transitions_->AddReminder(ahead), Errc::kRejected,
                "ERR a reminder needs every > 0 and ahead < every");
  ReminderSpec never{id, "reorder", "toner", milliseconds(0), milliseconds(0), first, "ana"};
  ExpectRefused(transitions_->AddReminder(never), Errc::kRejected,
                "ERR a reminder needs every > 0 and ahead < every");
  ReminderSpec nobody{"L-99",           "reorder", "toner", milliseconds(300),
                      milliseconds(50), first,     "ana"};
  ExpectRefused(transitions_->AddReminder(nobody), Errc::kNotFound, "NOTFOUND lead L-99");
  ExpectRefused(transitions_->RemoveReminder("R-9", "ana"), Errc::kNotFound,
                "NOTFOUND reminder R-9");
}

TEST_F(TimersTest, RemindersListsTheLeadsReminders) {
  const auto id = Accepted("ana", "");
  const auto other = Accepted("ana", "");
  ReminderSpec reorder{id,
                       "reorder",
                       "toner",
                       milliseconds(30000),
                       milliseconds(5000),
                       WallTime{milliseconds(Due(60000))},
                       "ana"};
  ReminderSpec cadence{id,
                       "cadence",
                       "",
                       milliseconds(7000),
                       milliseconds(1000),
                       WallTime{milliseconds(Due(90000))},
                       "admin"};
  ReminderSpec elsewhere{other,
                         "cadence",
                         "",
                         milliseconds(7000),
                         milliseconds(1000),
                         WallTime{milliseconds(Due(90000))},
                         "ana"};
  ASSERT_TRUE(Await(transitions_->AddReminder(reorder)));
  ASSERT_TRUE(Await(transitions_->AddReminder(cadence)));
  ASSERT_TRUE(Await(transitions_->AddReminder(elsewhere)));

  auto listed = Await(transitions_->Reminders(id));
  ASSERT_TRUE(listed) << listed.error().detail;
  const auto& reminders = listed.value();
  ASSERT_EQ(reminders.size(), 2u);
  EXPECT_EQ(reminders[0].id, "R-1");
  EXPECT_EQ(reminders[0].spec.lead_id, id);
  EXPECT_EQ(reminders[0].spec.kind, "reorder");
  EXPECT_EQ(reminders[0].spec.product, "toner");
  EXPECT_EQ(reminders[0].spec.every, milliseconds(30000));
  EXPECT_EQ(reminders[0].spec.ahead, milliseconds(5000));
  EXPECT_EQ(reminders[0].spec.by, "ana");
  EXPECT_EQ(ToEpochMillis(reminders[0].next), Due(60000));
  EXPECT_EQ(reminders[1].id, "R-2");
  EXPECT_EQ(reminders[1].spec.kind, "cadence");
  EXPECT_EQ(reminders[1].spec.by, "admin");
  EXPECT_EQ(ToEpochMillis(reminders[1].next), Due(90000));
}

// --- ownership ----------------------------------------------------------------------------

TEST_F(TimersTest, RejectReleasesTheCustomer) {
  const auto id = AssignedTo("ana");
  EXPECT_EQ(OwnerOf(1), "ana");
  EXPECT_EQ(Customers("ana"), std::set<std::string>{EmailOf(1)});
  ASSERT_TRUE(Await(transitions_->Reject(id, "ana", "1", "a student")));
  EXPECT_EQ(OwnerOf(1), "");
  EXPECT_TRUE(Customers("ana").empty());
}

TEST_F(TimersTest, ReassignMovesTheCustomer) {
  const auto id = AssignedTo("ana");
  ASSERT_TRUE(Await(transitions_->Reassign(id, "ben", "admin", "territory")));
  EXPECT_EQ(OwnerOf(1), "ben");
  EXPECT_TRUE(Customers("ana").empty());
  EXPECT_EQ(Customers("ben"), std::set<std::string>{EmailOf(1)});
}

TEST_F(TimersTest, CloseKeepsTheCustomer) {
  const auto id = Accepted("ana", "");
  ASSERT_TRUE(Await(transitions_->Close(id, "ana", Outcome::kWon, "signed")));
  EXPECT_EQ(Field(id, "state"), "won");
  EXPECT_EQ(OwnerOf(1), "ana");
  EXPECT_EQ(Customers("ana"), std::set<std::string>{EmailOf(1)});
}

// --- plan validation ----------------------------------------------------------------------

TEST_F(TimersTest, APlanFromTheWrongFamilyIsRejectedAndChangesNothing) {
  const auto pooled = AssignedTo("ana");
  ASSERT_TRUE(Await(transitions_->Reject(pooled, "ana", "1", "not mine", "public")));
  AssignmentTimers idle{"idle_return=123", 2};
  ExpectRefused(transitions_->Claim(pooled, "ben", "public", kGenerous, idle), Errc::kRejected,
                "ERR bad timer \"idle_return=123\" for this move");
  AssignmentTimers deal{"sla_bounce=5,deal_return=123", 2};
  ExpectRefused(transitions_->Reassign(pooled, "ben", "admin", "vip", deal), Errc::kRejected,
                "ERR bad timer \"deal_return=123\" for this move");
  AssignmentTimers malformed{"sla_bounce=soon", 2};
  ExpectRefused(transitions_->Claim(pooled, "ben", "public", kGenerous, malformed), Errc::kRejected,
                "ERR bad timer \"sla_bounce=soon\" for this move");

  const auto assigned = AssignedTo("ana");
  ExpectRefused(transitions_->Accept(assigned, "ana", "1", "sla_bounce=123"), Errc::kRejected,
                "ERR bad timer \"sla_bounce=123\" for this move");

  const auto accepted = Accepted("ana", "");
  ExpectRefused(transitions_->RecordActivity(accepted, "ana", "deal_return=123"), Errc::kRejected,
                "ERR bad timer \"deal_return=123\" for this move");
  ExpectRefused(transitions_->SetStage(accepted, "ana", "proposal", "sla_remind=123"),
                Errc::kRejected, "ERR bad timer \"sla_remind=123\" for this move");
  ExpectRefused(transitions_->Unlock(accepted, "ana", "sla_bounce=123"), Errc::kRejected,
                "ERR bad timer \"sla_bounce=123\" for this move");
  EXPECT_TRUE(Timers().empty());
}

}  // namespace
}  // namespace leadd::queue
