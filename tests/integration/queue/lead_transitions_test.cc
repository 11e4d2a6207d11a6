// Integration tests of the lead transitions against a real redis-server started per test. The
// Functions judge time by a simulated clock (the one LeadFixture starts at), so the claim
// cooldown and the SLA deadlines are met by stepping it, not by sleeping.
#include <utility>  // before Asio: Boost 1.74 + g++ 12 need std::exchange declared first

#include <gtest/gtest.h>

#include <algorithm>
#include <boost/asio/awaitable.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>
#include <chrono>
#include <exception>
#include <map>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "core/asio_clock.h"
#include "core/lead.h"
#include "queue/lead_store.h"
#include "queue/lead_transitions.h"
#include "queue/redis_client.h"
#include "router/decision.h"
#include "tests/fakes/manual_clock.h"
#include "tests/fakes/redis_server.h"
#include "tests/fakes/run_until.h"
#include "tests/integration/queue/lead_fixture.h"

namespace leadd::queue {
namespace {

using boost::asio::awaitable;
using fakes::RedisServerProcess;
using std::chrono::milliseconds;

constexpr ClaimLimits kGenerous{1000, 1000, milliseconds(0)};

class LeadTransitionsTest : public ::testing::Test {
 protected:
  void SetUp() override {
    RedisServerProcess::Options options;
    // DEBUG DIGEST proves that a refused transition changed nothing at all.
    options.extra_args = {"--enable-debug-command", "yes"};
    server_ = std::make_unique<RedisServerProcess>(std::move(options));
    auto started = server_->Start();
    ASSERT_TRUE(started) << started.error().detail;
    auto loaded =
        server_->Run({"FUNCTION", "LOAD", "REPLACE", std::string(LeadStore::FunctionsSource())});
    ASSERT_TRUE(loaded) << loaded.error().detail;
    client_ = MakeClient("test");
    ASSERT_TRUE(StartAndWaitReady(*client_));
    store_ = std::make_unique<LeadStore>(*client_, keys_, Simulated());
    transitions_ = std::make_unique<LeadTransitions>(*client_, keys_, Simulated());
    ASSERT_TRUE(server_->Run({"XGROUP", "CREATE", keys_.Intake(), "pipeline", "0", "MKSTREAM"}));
  }

  FunctionClock Simulated() const { return FunctionClock::Simulated(sim_clock_); }
  std::int64_t SimNowMs() const { return ToEpochMillis(sim_clock_.WallNow()); }
  void Step(Duration d) { sim_clock_.Advance(d); }

  std::unique_ptr<RedisClient> MakeClient(std::string name) {
    RedisClient::Options options;
    options.endpoint = server_->Endpoint();
    options.connect_timeout = milliseconds(1000);
    options.request_timeout = milliseconds(5000);
    options.reconnect_max_backoff = milliseconds(200);
    options.health_interval = milliseconds(10000);
    options.name = std::move(name);
    return std::make_unique<RedisClient>(io_.get_executor(), clock_, std::move(options));
  }

  template <class Pred>
  bool RunUntil(Pred done, milliseconds limit = milliseconds(10000)) {
    return fakes::RunUntil(io_, std::move(done), limit);
  }

  bool StartAndWaitReady(RedisClient& client) {
    client.Start();
    return RunUntil([&] { return client.IsReady(); });
  }

  // Runs one coroutine to its end on the test's io_context. (co_spawn itself would need a
  // default-constructible T, which Result is not.)
  template <class T>
  T Await(awaitable<T> task) {
    std::optional<T> result;
    bool threw = false;
    boost::asio::co_spawn(io_, Keep(std::move(task), result),
                          [&](const std::exception_ptr& error) { threw = error != nullptr; });
    if (!RunUntil([&] { return result.has_value() || threw; }) || threw) {
      ADD_FAILURE() << "coroutine threw or never finished";
      return T(Transient("test: no result"));
    }
    return std::move(*result);
  }
  template <class T>
  static awaitable<void> Keep(awaitable<T> task, std::optional<T>& result) {
    result.emplace(co_await std::move(task));
  }

  std::string NewLead() {
    Lead lead;
    lead.source = "web";
    lead.source_key = "web:" + std::to_string(++leads_made_);
    lead.email = "buyer" + std::to_string(leads_made_) + "@example.com";
    auto ingested = Await(store_->Ingest(lead));
    EXPECT_TRUE(ingested) << ingested.error().detail;
    return ingested ? ingested.value().lead_id : std::string();
  }

  // A lead the router assigned to `rep` (assignment id 1).
  std::string AssignedTo(const std::string& rep) {
    std::string id = NewLead();
    router::Decision decision;
    decision.rule = "test";
    decision.strategy = "owner";
    decision.candidates = {rep};
    auto assigned = Await(store_->Assign(
        AssignRequest{IntakeEntry{"0-1", id}, decision, {}, {""}, {std::nullopt}, 2, {}, {}}));
    EXPECT_TRUE(assigned) << assigned.error().detail;
    return id;
  }

  std::string AcceptedBy(const std::string& rep) {
    std::string id = AssignedTo(rep);
    auto accepted = Await(transitions_->Accept(id, rep, "1"));
    EXPECT_TRUE(accepted) << accepted.error().detail;
    return id;
  }

  // A lead no rule routed: parked in the public pool.
  std::string Pooled() {
    std::string id = NewLead();
    auto parked = Await(store_->Park(IntakeEntry{"0-1", id}, router::Decision{}));
    EXPECT_TRUE(parked) << parked.error().detail;
    return id;
  }

  std::string Field(const std::string& id, const std::string& name) {
    auto reply = server_->Run({"HGET", keys_.Lead(id), name});
    return reply && reply.value().IsString() ? reply.value().str : std::string();
  }

  std::set<std::string> Members(const std::string& key) {
    std::set<std::string> members;
    auto reply = server_->Run({"SMEMBERS", key});
    if (reply) {
      for (const auto& element : reply.value().elements) members.insert(element.str);
    }
    return members;
  }
  std::set<std::string> Open(const std::string& rep) { return Members(RepOpenKey(keys_, rep)); }

  bool InPool(const std::string& pool, const std::string& id) {
    auto reply = server_->Run({"ZSCORE", keys_.Pool(pool), id});
    return reply && !reply.value().IsNil();
  }

  std::vector<std::string> History(const std::string& id) {
    std::vector<std::string> entries;
    auto reply = server_->Run({"LRANGE", keys_.History(id), "0", "-1"});
    if (reply) {
      for (const auto& element : reply.value().elements) entries.push_back(element.str);
    }
    return entries;
  }

  // The last history entry holds every fragment, has a time, and is the audit stream's last.
  void ExpectLastEntry(const std::string& id, const std::vector<std::string>& fragments) {
    const auto history = History(id);
    ASSERT_FALSE(history.empty());
    const std::string& last = history.back();
    for (const auto& fragment : fragments) {
      EXPECT_NE(last.find(fragment), std::string::npos) << fragment << " not in " << last;
    }
    EXPECT_NE(last.find("\"at\":"), std::string::npos) << last;
    EXPECT_NE(last.find("\"lead\":\"" + id + "\""), std::string::npos) << last;
    auto audit = server_->Run({"XREVRANGE", keys_.Prefix() + ":audit", "+", "-", "COUNT", "1"});
    ASSERT_TRUE(audit);
    ASSERT_EQ(audit.value().elements.size(), 1u);
    const auto& payload = audit.value().elements[0].elements.at(1).elements;
    ASSERT_EQ(payload.size(), 4u);
    EXPECT_EQ(payload[1].str, id);
    EXPECT_EQ(payload[3].str, last);
  }

  std::string Digest() {
    auto reply = server_->Run({"DEBUG", "DIGEST"});
    EXPECT_TRUE(reply) << reply.error().detail;
    return reply ? reply.value().str : std::string();
  }

  // The transition fails with `code` and `detail`, and the dataset is unchanged.
  template <class T>
  void ExpectRefused(awaitable<Result<T>> task, Errc code, const std::string& detail) {
    const std::string before = Digest();
    auto result = Await(std::move(task));
    ASSERT_FALSE(result) << "expected: " << detail;
    EXPECT_EQ(result.error().code, code) << result.error().detail;
    EXPECT_EQ(result.error().detail, detail);
    EXPECT_EQ(Digest(), before) << "refused but changed: " << detail;
  }
  template <class T>
  void ExpectConflict(awaitable<Result<T>> task, const std::string& detail) {
    ExpectRefused(std::move(task), Errc::kConflict, detail);
  }

  // Every open lead is in its holder's open set and in no other; closed and pooled leads are
  // in none.
  void ExpectOpenSetsConsistent(const std::vector<std::string>& leads,
                                const std::vector<std::string>& reps) {
    std::map<std::string, std::set<std::string>> holders;
    for (const auto& rep : reps) {
      for (const auto& id : Open(rep)) holders[id].insert(rep);
    }
    for (const auto& id : leads) {
      const std::string state = Field(id, "state");
      if (state == "assigned" || state == "accepted") {
        EXPECT_EQ(holders[id], std::set<std::string>{Field(id, "assignee")}) << id;
      } else {
        EXPECT_TRUE(holders[id].empty()) << id << " is " << state;
      }
    }
  }

  boost::asio::io_context io_;
  boost::asio::executor_work_guard<boost::asio::io_context::executor_type> work_ =
      boost::asio::make_work_guard(io_);
  AsioClock clock_{io_.get_executor()};  // the clients' own timeouts and reconnects
  fakes::ManualClock sim_clock_{kSimulatedStart};
  RedisKeys keys_{"t"};
  std::unique_ptr<RedisServerProcess> server_;
  std::unique_ptr<RedisClient> client_;
  std::unique_ptr<LeadStore> store_;
  std::unique_ptr<LeadTransitions> transitions_;
  int leads_made_ = 0;
};

TEST_F(LeadTransitionsTest, RouterAssignmentOpensTheLeadForItsRep) {
  const auto id = AssignedTo("ana");
  EXPECT_EQ(Field(id, "state"), "assigned");
  EXPECT_EQ(Field(id, "assignment_id"), "1");
  EXPECT_EQ(Open("ana"), std::set<std::string>{id});
}

TEST_F(LeadTransitionsTest, AssigneeAccepts) {
  const auto id = AssignedTo("ana");
  auto accepted = Await(transitions_->Accept(id, "ana", "1"));
  ASSERT_TRUE(accepted) << accepted.error().detail;
  EXPECT_EQ(Field(id, "state"), "accepted");
  EXPECT_FALSE(Field(id, "accepted_at").empty());
  EXPECT_EQ(Field(id, "last_activity_at"), Field(id, "accepted_at"));
  ExpectLastEntry(id, {R"("event":"accepted")", R"("from":"assigned")", R"("to":"accepted")",
                       R"("by":"ana")", R"("assignment":1)"});
  EXPECT_EQ(Open("ana"), std::set<std::string>{id});
}

TEST_F(LeadTransitionsTest, RejectSendsToNurtureWithReasonAndExcludesTheRep) {
  const auto id = AssignedTo("ana");
  auto rejected = Await(transitions_->Reject(id, "ana", "1", "a student, not a buyer"));
  ASSERT_TRUE(rejected) << rejected.error().detail;
  EXPECT_EQ(Field(id, "state"), "pooled");
  EXPECT_EQ(Field(id, "pool"), "nurture");
  EXPECT_EQ(Field(id, "assignee"), "");
  EXPECT_TRUE(InPool("nurture", id));
  EXPECT_EQ(Members(ExcludedKey(keys_, id)), std::set<std::string>{"ana"});
  EXPECT_TRUE(Open("ana").empty());
  ExpectLastEntry(
      id, {R"("event":"rejected")", R"("from":"assigned")", R"("to":"pooled")", R"("by":"ana")",
           R"("pool":"nurture")", R"("reason":"a student, not a buyer")"});
}

TEST_F(LeadTransitionsTest, AcceptedLeadCanBeRejectedToAGivenPool) {
  const auto id = AcceptedBy("ana");
  auto rejected = Await(transitions_->Reject(id, "ana", "1", "wrong region", "public"));
  ASSERT_TRUE(rejected) << rejected.error().detail;
  EXPECT_EQ(Field(id, "state"), "pooled");
  EXPECT_TRUE(InPool("public", id));
  EXPECT_FALSE(InPool("nurture", id));
  ExpectLastEntry(id, {R"("from":"accepted")", R"("to":"pooled")", R"("pool":"public")"});
}

TEST_F(LeadTransitionsTest, RejectNeedsAReason) {
  const auto id = AssignedTo("ana");
  ExpectRefused(transitions_->Reject(id, "ana", "1", ""), Errc::kRejected,
                "ERR reject needs a reason");
}

TEST_F(LeadTransitionsTest, BounceReturnsTheCountAndExcludesTheAssignee) {
  const auto id = AssignedTo("ana");
  auto first = Await(transitions_->Bounce(id, "1", "no response within 15 min"));
  ASSERT_TRUE(first) << first.error().detail;
  EXPECT_EQ(first.value(), 1);
  EXPECT_EQ(Field(id, "state"), "pooled");
  EXPECT_TRUE(InPool("public", id));
  EXPECT_TRUE(Open("ana").empty());
  EXPECT_EQ(Members(ExcludedKey(keys_, id)), std::set<std::string>{"ana"});
  ExpectLastEntry(
      id, {R"("event":"bounced")", R"("from":"assigned")", R"("to":"pooled")", R"("rep":"ana")",
           R"("by":"sla")", R"("bounces":1)", R"("reason":"no response within 15 min")"});

  auto claimed = Await(transitions_->Claim(id, "ben", "public", kGenerous));
  ASSERT_TRUE(claimed) << claimed.error().detail;
  EXPECT_EQ(claimed.value(), "2");
  auto second = Await(transitions_->Bounce(id, "2", "no response within 15 min"));
  ASSERT_TRUE(second) << second.error().detail;
  EXPECT_EQ(second.value(), 2);
  EXPECT_EQ(Members(ExcludedKey(keys_, id)), (std::set<std::string>{"ana", "ben"}));
}

TEST_F(LeadTransitionsTest, OneAssignmentBouncesOnce) {
  const auto id = AssignedTo("ana");
  auto first = Await(transitions_->Bounce(id, "1", "sla"));
  ASSERT_TRUE(first);
  ExpectConflict(transitions_->Bounce(id, "1", "sla"),
                 "CONFLICT lead " + id + " is pooled, not assigned");
  auto reassigned = Await(transitions_->Reassign(id, "ben", "admin", "vip"));
  ASSERT_TRUE(reassigned);
  ExpectConflict(transitions_->Bounce(id, "1", "sla"), "CONFLICT stale assignment 1 (current 2)");
  EXPECT_EQ(Field(id, "bounces"), "1");
}

TEST_F(LeadTransitionsTest, StaleAssignmentIsRefused) {
  const auto id = AssignedTo("ana");
  auto reassigned = Await(transitions_->Reassign(id, "ana", "admin", "re-sent"));
  ASSERT_TRUE(reassigned);
  EXPECT_EQ(reassigned.value(), "2");
  const std::string stale = "CONFLICT stale assignment 1 (current 2)";
  ExpectConflict(transitions_->Accept(id, "ana", "1"), stale);
  ExpectConflict(transitions_->Reject(id, "ana", "1", "not for us"), stale);
  ExpectConflict(transitions_->Bounce(id, "1", "sla"), stale);
  ExpectConflict(transitions_->Accept(id, "ana", "3"), "CONFLICT stale assignment 3 (current 2)");
  ExpectRefused(transitions_->Accept(id, "ana", "two"), Errc::kRejected,
                "ERR assignment id must be a number, not \"two\"");
  ASSERT_TRUE(Await(transitions_->Accept(id, "ana", "2")));
  ExpectConflict(transitions_->Reject(id, "ana", "1", "not for us"), stale);
}

TEST_F(LeadTransitionsTest, ClaimAssignsWithANewAssignmentId) {
  const auto id = Pooled();
  auto claimed = Await(transitions_->Claim(id, "ana", "public", kGenerous));
  ASSERT_TRUE(claimed) << claimed.error().detail;
  EXPECT_EQ(claimed.value(), "1");
  EXPECT_EQ(Field(id, "state"), "assigned");
  EXPECT_EQ(Field(id, "assignee"), "ana");
  EXPECT_EQ(Field(id, "pool"), "");
  EXPECT_FALSE(InPool("public", id));
  EXPECT_EQ(Open("ana"), std::set<std::string>{id});
  ExpectLastEntry(id, {R"("event":"claimed")", R"("from":"pooled")", R"("to":"assigned")",
                       R"("by":"ana")", R"("pool":"public")", R"("assignment":1)"});
  EXPECT_TRUE(Await(transitions_->Accept(id, "ana", claimed.value())));
}

TEST_F(LeadTransitionsTest, AdminReassignsFromEveryOpenState) {
  const auto assigned = AssignedTo("ana");
  const auto accepted = AcceptedBy("ana");
  const auto pooled = Pooled();
  for (const auto& id : {assigned, accepted, pooled}) {
    const std::string from = Field(id, "state");
    auto reassigned = Await(transitions_->Reassign(id, "ben", "boss", "key account"));
    ASSERT_TRUE(reassigned) << reassigned.error().detail;
    EXPECT_EQ(reassigned.value(), from == "pooled" ? "1" : "2");
    EXPECT_EQ(Field(id, "state"), "assigned");
    EXPECT_EQ(Field(id, "assignee"), "ben");
    EXPECT_EQ(Field(id, "accepted_at"), "");
    ExpectLastEntry(id,
                    {R"("event":"reassigned")", R"("from":")" + from + "\"", R"("to":"assigned")",
                     R"("rep":"ben")", R"("by":"boss")", R"("reason":"key account")"});
  }
  EXPECT_NE(History(accepted).back().find(R"("previous":"ana")"), std::string::npos);
  EXPECT_FALSE(InPool("public", pooled));
  EXPECT_TRUE(Open("ana").empty());
  EXPECT_EQ(Open("ben"), (std::set<std::string>{assigned, accepted, pooled}));
}

TEST_F(LeadTransitionsTest, StageAndFollowUpOnAnAcceptedLead) {
  const auto id = AcceptedBy("ana");
  ASSERT_TRUE(Await(transitions_->SetStage(id, "ana", "25%")));
  EXPECT_EQ(Field(id, "stage"), "25%");
  EXPECT_EQ(Field(id, "state"), "accepted");
  ExpectLastEntry(id, {R"("event":"stage")", R"("from":"accepted")", R"("to":"accepted")",
                       R"("stage":"25%")", R"("by":"ana")"});
  ASSERT_TRUE(Await(transitions_->SetStage(id, "ana", "50%")));
  ExpectLastEntry(id, {R"("stage":"50%")", R"("previous_stage":"25%")"});

  const std::string before = Field(id, "last_activity_at");
  Step(milliseconds(5));
  ASSERT_TRUE(Await(transitions_->RecordActivity(id, "ana")));
  EXPECT_GT(std::stoll(Field(id, "last_activity_at")), std::stoll(before));
  EXPECT_EQ(Field(id, "last_activity_at"), std::to_string(SimNowMs()));
  ExpectLastEntry(
      id, {R"("event":"activity")", R"("from":"accepted")", R"("to":"accepted")", R"("by":"ana")"});
  ExpectRefused(transitions_->SetStage(id, "ana", ""), Errc::kRejected, "ERR stage needs a name");
}

TEST_F(LeadTransitionsTest, CloseWonAndLost) {
  const auto won = AcceptedBy("ana");
  const auto lost = AcceptedBy("ana");
  ASSERT_TRUE(Await(transitions_->Close(won, "ana", Outcome::kWon, "order 991")));
  ASSERT_TRUE(Await(transitions_->Close(lost, "ana", Outcome::kLost, "went with a rival")));
  EXPECT_EQ(Field(won, "state"), "won");
  EXPECT_EQ(Field(lost, "state"), "lost");
  EXPECT_EQ(Field(won, "close_reason"), "order 991");
  EXPECT_FALSE(Field(won, "closed_at").empty());
  EXPECT_EQ(Field(won, "assignee"), "ana");
  EXPECT_TRUE(Open("ana").empty());
  ExpectLastEntry(lost, {R"("event":"closed")", R"("from":"accepted")", R"("to":"lost")",
                         R"("by":"ana")", R"("reason":"went with a rival")"});
}

TEST_F(LeadTransitionsTest, IllegalMovesAreRefusedWithoutChange) {
  const auto assigned = AssignedTo("ana");
  const auto accepted = AcceptedBy("ana");
  const auto pooled = Pooled();
  const auto won = AcceptedBy("ana");
  ASSERT_TRUE(Await(transitions_->Close(won, "ana", Outcome::kWon, "")));
  const auto ingested = NewLead();
  auto is = [](const std::string& id, const std::string& rest) {
    return "CONFLICT lead " + id + " is " + rest;
  };

  ExpectConflict(transitions_->Accept(accepted, "ana", "1"),
                 is(accepted, "accepted, not assigned"));
  ExpectConflict(transitions_->Accept(pooled, "ana", "0"), is(pooled, "pooled, not assigned"));
  ExpectConflict(transitions_->Accept(assigned, "ben", "1"), is(assigned, "held by ana, not ben"));
  ExpectConflict(transitions_->Reject(pooled, "ana", "0", "no"),
                 is(pooled, "pooled, not assigned or accepted"));
  ExpectConflict(transitions_->Reject(won, "ana", "1", "no"),
                 is(won, "won, not assigned or accepted"));
  ExpectConflict(transitions_->Reject(accepted, "ben", "1", "no"),
                 is(accepted, "held by ana, not ben"));
  ExpectConflict(transitions_->Bounce(accepted, "1", "sla"),
                 is(accepted, "accepted, not assigned"));
  ExpectConflict(transitions_->Bounce(ingested, "0", "sla"),
                 is(ingested, "ingested, not assigned"));
  ExpectConflict(transitions_->Claim(assigned, "ben", "public", kGenerous),
                 is(assigned, "assigned, not pooled"));
  ExpectConflict(transitions_->Claim(pooled, "ben", "nurture", kGenerous),
                 is(pooled, "in pool public, not nurture"));
  ExpectConflict(transitions_->Reassign(won, "ben", "boss", ""),
                 is(won, "won, not assigned or accepted or pooled"));
  ExpectConflict(transitions_->Reassign(ingested, "ben", "boss", ""),
                 is(ingested, "ingested, not assigned or accepted or pooled"));
  ExpectConflict(transitions_->SetStage(assigned, "ana", "25%"),
                 is(assigned, "assigned, not accepted"));
  ExpectConflict(transitions_->SetStage(accepted, "ben", "25%"),
                 is(accepted, "held by ana, not ben"));
  ExpectConflict(transitions_->RecordActivity(pooled, "ana"), is(pooled, "pooled, not accepted"));
  ExpectConflict(transitions_->Close(assigned, "ana", Outcome::kWon, ""),
                 is(assigned, "assigned, not accepted"));
  ExpectConflict(transitions_->Close(won, "ana", Outcome::kLost, ""), is(won, "won, not accepted"));
  ExpectConflict(transitions_->Close(accepted, "ben", Outcome::kWon, ""),
                 is(accepted, "held by ana, not ben"));
  ExpectRefused(transitions_->Accept("L-999", "ana", "1"), Errc::kNotFound, "NOTFOUND lead L-999");
  ExpectRefused(transitions_->Claim("L-999", "ana", "public", kGenerous), Errc::kNotFound,
                "NOTFOUND lead L-999");
  ExpectOpenSetsConsistent({assigned, accepted, pooled, won, ingested}, {"ana", "ben"});
}

TEST_F(LeadTransitionsTest, ClaimsPerDayAreLimited) {
  const ClaimLimits limits{2, 100, milliseconds(0)};
  const auto a = Pooled();
  const auto b = Pooled();
  const auto c = Pooled();
  ASSERT_TRUE(Await(transitions_->Claim(a, "ana", "public", limits)));
  ASSERT_TRUE(Await(transitions_->Claim(b, "ana", "public", limits)));
  ExpectConflict(transitions_->Claim(c, "ana", "public", limits),
                 "CONFLICT rep ana has claimed 2 leads today (limit 2)");
  ASSERT_TRUE(Await(transitions_->Claim(c, "ben", "public", limits)));  // the limit is per rep

  const auto day = SimNowMs() / 86400000;
  const std::string quota = keys_.Prefix() + ":rep:ana:claims:" + std::to_string(day);
  EXPECT_EQ(server_->Run({"GET", quota}).value().str, "2");
  // Kept until the end of the next UTC day of the simulated clock; the expiry is relative
  // because Redis expires keys by its real clock.
  const auto left = server_->Run({"PTTL", quota}).value().integer;
  const auto planned = (day + 2) * 86400000 - SimNowMs();
  EXPECT_LE(left, planned);
  EXPECT_GT(left, planned - 5000);
}

TEST_F(LeadTransitionsTest, HeldLeadsAreLimitedAndARefusedClaimUsesNoQuota) {
  const ClaimLimits limits{2, 1, milliseconds(0)};
  const auto a = Pooled();
  const auto b = Pooled();
  const auto c = Pooled();
  auto first = Await(transitions_->Claim(a, "ana", "public", limits));
  ASSERT_TRUE(first);
  // Refused twice for holding a lead already: neither refusal counts against the day.
  ExpectConflict(transitions_->Claim(b, "ana", "public", limits),
                 "CONFLICT rep ana holds 1 leads (limit 1)");
  ExpectConflict(transitions_->Claim(c, "ana", "public", limits),
                 "CONFLICT rep ana holds 1 leads (limit 1)");
  ASSERT_TRUE(Await(transitions_->Accept(a, "ana", first.value())));
  ASSERT_TRUE(Await(transitions_->Close(a, "ana", Outcome::kWon, "")));
  ASSERT_TRUE(Await(transitions_->Claim(b, "ana", "public", limits)));
  ASSERT_TRUE(Await(transitions_->Reassign(b, "ben", "boss", "rebalancing")));
  ExpectConflict(transitions_->Claim(c, "ana", "public", limits),
                 "CONFLICT rep ana has claimed 2 leads today (limit 2)");
  ExpectOpenSetsConsistent({a, b, c}, {"ana", "ben"});
}

TEST_F(LeadTransitionsTest, ARepCannotClaimBackWhatTheyReturnedWithinTheCooldown) {
  const ClaimLimits limits{100, 100, milliseconds(300)};
  const auto id = AssignedTo("ana");
  ASSERT_TRUE(Await(transitions_->Reject(id, "ana", "1", "not now", "public")));
  const std::string before = Digest();
  auto refused = Await(transitions_->Claim(id, "ana", "public", limits));
  ASSERT_FALSE(refused);
  EXPECT_EQ(refused.error().code, Errc::kConflict);
  EXPECT_TRUE(
      refused.error().detail.starts_with("CONFLICT rep ana returned lead " + id + " to the pool "))
      << refused.error().detail;
  EXPECT_TRUE(refused.error().detail.ends_with(" ms ago (cooldown 300 ms)"))
      << refused.error().detail;
  EXPECT_EQ(Digest(), before);  // no quota used either

  Step(milliseconds(299));
  ExpectConflict(
      transitions_->Claim(id, "ana", "public", limits),
      "CONFLICT rep ana returned lead " + id + " to the pool 299 ms ago (cooldown 300 ms)");
  Step(milliseconds(1));
  auto claimed = Await(transitions_->Claim(id, "ana", "public", limits));
  ASSERT_TRUE(claimed) << claimed.error().detail;
  EXPECT_EQ(claimed.value(), "2");

  // A bounce starts the cooldown too; another rep is not affected by it.
  ASSERT_TRUE(Await(transitions_->Bounce(id, "2", "sla")));
  auto again = Await(transitions_->Claim(id, "ana", "public", limits));
  ASSERT_FALSE(again);
  EXPECT_TRUE(again.error().detail.ends_with("(cooldown 300 ms)")) << again.error().detail;
  ASSERT_TRUE(Await(transitions_->Claim(id, "ben", "public", limits)));
}

// Claims the leads in an order of its own, as fast as the connection allows.
awaitable<void> ClaimAll(LeadTransitions& transitions, std::string rep,
                         std::vector<std::string> leads, ClaimLimits limits, int& won,
                         int& unexpected, int& finished) {
  for (const auto& id : leads) {
    auto claimed = co_await transitions.Claim(id, rep, "public", limits);
    if (claimed) {
      ++won;
    } else if (claimed.error().code != Errc::kConflict) {
      ++unexpected;
    }
  }
  ++finished;
}

// Issue 4's property for round robin: over any run, no rep gets more than one lead more than
// another. The rotation is the Function's (a counter in Redis), so it is tested there, with the
// batches sent back to back as the pipeline sends them.
TEST_F(LeadTransitionsTest, RoundRobinIsFairWithinOneOverAnyRun) {
  const std::vector<std::string> reps{"ana", "ben", "cy"};
  std::map<std::string, int> held;
  int routed = 0;
  for (const int batch : {1, 7, 64, 5, 64, 2, 64}) {
    std::vector<AssignRequest> requests;
    for (int i = 0; i < batch; ++i) {
      router::Decision decision;
      decision.rule = "everyone";
      decision.strategy = "round_robin";
      decision.candidates = reps;
      decision.round_robin_cursor = "rr:everyone";
      requests.push_back(AssignRequest{IntakeEntry{"0-1", NewLead()},
                                       decision,
                                       {},
                                       std::vector<std::string>(reps.size()),
                                       std::vector<std::optional<std::uint32_t>>(reps.size()),
                                       2,
                                       {},
                                       {}});
    }
    // Wrapped so that Await has a Result to fill in when the coroutine never finishes.
    const auto send = [&]() -> awaitable<Result<std::vector<Result<Assignment>>>> {
      co_return co_await store_->AssignAll(requests);
    };
    auto assigned = Await(send());
    ASSERT_TRUE(assigned) << assigned.error().detail;
    for (const auto& one : assigned.value()) {
      ASSERT_TRUE(one) << one.error().detail;
      ++held[one.value().rep];
      ++routed;
      int fewest = routed, most = 0;
      for (const auto& rep : reps) {
        fewest = std::min(fewest, held[rep]);
        most = std::max(most, held[rep]);
      }
      ASSERT_LE(most - fewest, 1) << "after " << routed << " leads";
    }
  }
  EXPECT_EQ(routed, 207);
  EXPECT_EQ(held["ana"], 69);
  EXPECT_EQ(held["ben"], 69);
  EXPECT_EQ(held["cy"], 69);
}

TEST_F(LeadTransitionsTest, ConcurrentClaimsGiveEachLeadToExactlyOneRep) {
  constexpr int kReps = 20;
  constexpr int kLeads = 1000;
  constexpr int kMaxHeld = 60;
  // 20 x 60 = 1200 places for 1000 leads: a lead left in the pool would mean every rep was full
  // when trying it, 1200 claims of 1000 leads; so each lead must end with exactly one holder.
  const ClaimLimits limits{kLeads, kMaxHeld, milliseconds(0)};
  std::vector<std::string> leads;
  leads.reserve(kLeads);
  for (int i = 0; i < kLeads; ++i) leads.push_back(Pooled());

  std::vector<std::unique_ptr<RedisClient>> clients;
  std::vector<std::unique_ptr<LeadTransitions>> transitions;
  std::vector<std::string> reps;
  for (int r = 0; r < kReps; ++r) {
    reps.push_back("rep" + std::to_string(r));
    clients.push_back(MakeClient(reps.back()));
    ASSERT_TRUE(StartAndWaitReady(*clients.back()));
    transitions.push_back(std::make_unique<LeadTransitions>(*clients.back(), keys_));
  }
  std::vector<int> won(kReps, 0);
  int unexpected = 0;
  int finished = 0;
  for (int r = 0; r < kReps; ++r) {
    auto order = leads;
    std::rotate(order.begin(), order.begin() + (r * 7) % kLeads, order.end());
    if (r % 2 == 1) std::reverse(order.begin(), order.end());
    boost::asio::co_spawn(
        io_,
        ClaimAll(*transitions[r], reps[r], std::move(order), limits, won[r], unexpected, finished),
        [](const std::exception_ptr& error) { EXPECT_FALSE(error); });
  }
  ASSERT_TRUE(RunUntil([&] { return finished == kReps; }, milliseconds(60000)));
  EXPECT_EQ(unexpected, 0);

  int total = 0;
  std::map<std::string, int> held_by;
  for (int r = 0; r < kReps; ++r) {
    total += won[r];
    const auto open = Open(reps[r]);
    EXPECT_LE(open.size(), static_cast<std::size_t>(kMaxHeld)) << reps[r];
    EXPECT_EQ(open.size(), static_cast<std::size_t>(won[r])) << reps[r];
    for (const auto& id : open) ++held_by[id];
  }
  EXPECT_EQ(total, kLeads);
  for (const auto& id : leads) {
    EXPECT_EQ(held_by[id], 1) << id;
    EXPECT_EQ(Field(id, "state"), "assigned");
    EXPECT_EQ(Field(id, "assignment_id"), "1") << id;
    const auto history = History(id);
    EXPECT_EQ(std::count_if(history.begin(), history.end(),
                            [](const std::string& e) {
                              return e.find(R"("event":"claimed")") != std::string::npos;
                            }),
              1)
        << id;
  }
  EXPECT_EQ(server_->Run({"ZCARD", keys_.Pool("public")}).value().integer, 0);
  ExpectOpenSetsConsistent(leads, reps);
}

TEST_F(LeadTransitionsTest, OpenSetsFollowALeadThroughItsLife) {
  const std::vector<std::string> reps{"ana", "ben", "cy"};
  const auto id = AssignedTo("ana");
  const std::vector<std::string> leads{id};
  ExpectOpenSetsConsistent(leads, reps);
  ASSERT_TRUE(Await(transitions_->Accept(id, "ana", "1")));
  ExpectOpenSetsConsistent(leads, reps);
  ASSERT_TRUE(Await(transitions_->Reject(id, "ana", "1", "too small", "public")));
  ExpectOpenSetsConsistent(leads, reps);
  auto claimed = Await(transitions_->Claim(id, "ben", "public", kGenerous));
  ASSERT_TRUE(claimed);
  ExpectOpenSetsConsistent(leads, reps);
  ASSERT_TRUE(Await(transitions_->Bounce(id, claimed.value(), "sla")));
  ExpectOpenSetsConsistent(leads, reps);
  auto reassigned = Await(transitions_->Reassign(id, "cy", "boss", "escalated"));
  ASSERT_TRUE(reassigned);
  EXPECT_EQ(Open("cy"), std::set<std::string>{id});
  ASSERT_TRUE(Await(transitions_->Accept(id, "cy", reassigned.value())));
  ASSERT_TRUE(Await(transitions_->Reassign(id, "ana", "boss", "cy left")));
  ExpectOpenSetsConsistent(leads, reps);
  EXPECT_EQ(Open("ana"), std::set<std::string>{id});
  ASSERT_TRUE(Await(transitions_->Accept(id, "ana", "4")));
  ASSERT_TRUE(Await(transitions_->Close(id, "ana", Outcome::kLost, "budget cut")));
  ExpectOpenSetsConsistent(leads, reps);
  for (const auto& rep : reps) EXPECT_TRUE(Open(rep).empty()) << rep;
  EXPECT_EQ(Field(id, "bounces"), "1");
  EXPECT_EQ(History(id).size(), 11u);  // ingested, assigned, then the nine moves above
}

// Response SLA deadlines: armed by the router's assignment, fired by leadd_fire_due.
class SlaDeadlineTest : public LeadTransitionsTest {
 protected:
  // The plan the daemon's TimerPlanner makes for a wall-clock SLA starting at the simulated now.
  std::string BounceAfter(milliseconds within) const {
    if (within.count() == 0) return "";
    return "sla_bounce=" + std::to_string(SimNowMs() + within.count());
  }

  std::string AssignedWithSla(const std::string& rep, milliseconds within,
                              const std::string& id_in = "", std::uint32_t escalate_after = 2) {
    std::string id = id_in.empty() ? NewLead() : id_in;
    router::Decision decision;
    decision.rule = "test";
    decision.strategy = "owner";
    decision.candidates = {rep};
    auto assigned = Await(store_->Assign(AssignRequest{IntakeEntry{"0-1", id},
                                                       decision,
                                                       {},
                                                       {BounceAfter(within)},
                                                       {std::nullopt},
                                                       escalate_after,
                                                       {},
                                                       {}}));
    EXPECT_TRUE(assigned) << assigned.error().detail;
    if (assigned) {
      EXPECT_EQ(assigned.value().rep, rep);
    }
    return id;
  }

  TimerSweep Sweep(std::int64_t limit = 1000) {
    auto swept = Await(store_->FireDue(limit, "public"));
    EXPECT_TRUE(swept) << swept.error().detail;
    return swept ? swept.value() : TimerSweep{};
  }

  std::int64_t Count(const std::vector<std::string>& history, const std::string& fragment) {
    return std::count_if(history.begin(), history.end(), [&](const std::string& entry) {
      return entry.find(fragment) != std::string::npos;
    });
  }

  std::int64_t SlaSize() { return server_->Run({"ZCARD", keys_.Timers()}).value().integer; }

  // Intake entries naming `id`, as the pipeline would read them. Its ingest entry is one of
  // them: these tests assign with a made-up entry id, so that one is never consumed.
  std::int64_t IntakeEntriesFor(const std::string& id) {
    auto reply = server_->Run({"XRANGE", keys_.Intake(), "-", "+"});
    if (!reply) return -1;
    std::int64_t found = 0;
    // Each entry: [entry id, ["lead", lead id]].
    for (const auto& entry : reply.value().elements) {
      const auto& payload = entry.elements.at(1).elements;
      found += payload.size() == 2 && payload[1].str == id;
    }
    return found;
  }
};

TEST_F(SlaDeadlineTest, ADeadlineBouncesExactlyOnce) {
  const auto due = AssignedWithSla("alice", milliseconds(20));
  const auto later = AssignedWithSla("alice", milliseconds(600000));
  EXPECT_FALSE(Field(due, "sla_deadline").empty());
  EXPECT_EQ(SlaSize(), 2);
  Step(milliseconds(20));

  const auto first = Sweep();
  EXPECT_EQ(first.bounced, 1);
  EXPECT_EQ(first.requeued, 1);
  EXPECT_EQ(first.escalated, 0);
  const auto second = Sweep();
  EXPECT_EQ(second.bounced, 0);

  EXPECT_EQ(Field(due, "state"), "pooled");
  EXPECT_EQ(Field(due, "bounces"), "1");
  EXPECT_EQ(Field(due, "requeued"), "1");
  EXPECT_TRUE(InPool("public", due));
  EXPECT_EQ(Members(ExcludedKey(keys_, due)), std::set<std::string>{"alice"});
  EXPECT_TRUE(Open("alice").count(due) == 0);
  EXPECT_EQ(IntakeEntriesFor(due), 2);  // ingested, re-queued
  EXPECT_EQ(Count(History(due), R"("event":"bounced")"), 1);
  ExpectLastEntry(due, {R"("event":"bounced")", R"("reason":"sla")", R"("requeued":1)"});

  EXPECT_EQ(Field(later, "state"), "assigned");
  EXPECT_EQ(SlaSize(), 1);
}

TEST_F(SlaDeadlineTest, NoSlaArmsNoDeadline) {
  const auto id = AssignedWithSla("alice", milliseconds(0));
  EXPECT_EQ(Field(id, "sla_deadline"), "");
  EXPECT_EQ(SlaSize(), 0);
}

TEST_F(SlaDeadlineTest, ALeadAcceptedBeforeItsDeadlineNeverBounces) {
  const auto id = AssignedWithSla("alice", milliseconds(50));
  ASSERT_TRUE(Await(transitions_->Accept(id, "alice", "1")));
  EXPECT_EQ(SlaSize(), 0);
  Step(milliseconds(80));
  EXPECT_EQ(Sweep().bounced, 0);
  EXPECT_EQ(Field(id, "state"), "accepted");
  EXPECT_EQ(Count(History(id), R"("event":"bounced")"), 0);
}

TEST_F(SlaDeadlineTest, LeavingAssignedDisarmsTheDeadline) {
  const auto rejected = AssignedWithSla("alice", milliseconds(600000));
  ASSERT_TRUE(Await(transitions_->Reject(rejected, "alice", "1", "not mine")));
  const auto reassigned = AssignedWithSla("alice", milliseconds(600000));
  ASSERT_TRUE(Await(transitions_->Reassign(reassigned, "bob", "admin", "cover")));
  const auto bounced = AssignedWithSla("alice", milliseconds(600000));
  ASSERT_TRUE(Await(transitions_->Bounce(bounced, "1", "manual")));
  EXPECT_EQ(SlaSize(), 0);
}

TEST_F(SlaDeadlineTest, AStaleDeadlineEntryDoesNotBounceTheLead) {
  const auto id = AssignedWithSla("alice", milliseconds(600000));
  // A timer armed for an earlier assignment, as a reassignment in a race could leave.
  ASSERT_TRUE(server_->Run({"ZADD", keys_.Timers(), "1", "sla_bounce|" + id + "|0"}));
  const auto sweep = Sweep();
  EXPECT_EQ(sweep.bounced, 0);
  EXPECT_EQ(sweep.stale, 1);
  EXPECT_EQ(Field(id, "state"), "assigned");
  EXPECT_EQ(SlaSize(), 1) << "its own deadline stays armed";
}

TEST_F(SlaDeadlineTest, DeadlinesOfAnOlderVersionMoveIntoTheTimerSet) {
  const auto id = AssignedWithSla("alice", milliseconds(0));
  const auto gone = NewLead();  // still ingested: its old deadline is dropped
  const auto due = std::to_string(SimNowMs() - 1);
  ASSERT_TRUE(server_->Run({"ZADD", "t:sla", due, id, due, gone}));
  auto moved = server_->Run({"FCALL", "leadd_migrate", "0", "", "t"});
  ASSERT_TRUE(moved) << moved.error().detail;
  EXPECT_EQ(moved.value().integer, 1);
  EXPECT_EQ(server_->Run({"EXISTS", "t:sla"}).value().integer, 0);
  EXPECT_EQ(SlaSize(), 1);
  EXPECT_EQ(Sweep().bounced, 1);
  EXPECT_EQ(Field(id, "state"), "pooled");
  EXPECT_EQ(server_->Run({"FCALL", "leadd_migrate", "0", "", "t"}).value().integer, 0);
}

TEST_F(SlaDeadlineTest, ConcurrentSweepsBounceEachLeadOnce) {
  constexpr int kLeads = 120;
  std::vector<std::string> leads;
  for (int i = 0; i < kLeads; ++i) leads.push_back(AssignedWithSla("alice", milliseconds(1)));
  Step(milliseconds(1));

  std::vector<std::unique_ptr<RedisClient>> clients;
  std::vector<std::unique_ptr<LeadStore>> stores;
  for (int c = 0; c < 2; ++c) {
    clients.push_back(MakeClient("sweeper" + std::to_string(c)));
    ASSERT_TRUE(StartAndWaitReady(*clients.back()));
    stores.push_back(std::make_unique<LeadStore>(*clients.back(), keys_, Simulated()));
  }
  std::int64_t bounced[2] = {0, 0};
  int finished = 0;
  for (int c = 0; c < 2; ++c) {
    boost::asio::co_spawn(
        io_,
        [](LeadStore& store, std::int64_t& total, int& done) -> awaitable<void> {
          // Small batches, so the two sweepers interleave.
          for (;;) {
            auto swept = co_await store.FireDue(7, "public");
            if (!swept) break;
            total += swept.value().bounced;
            if (swept.value().bounced == 0) break;
          }
          ++done;
        }(*stores[c], bounced[c], finished),
        [](const std::exception_ptr& error) { EXPECT_FALSE(error); });
  }
  ASSERT_TRUE(RunUntil([&] { return finished == 2; }, milliseconds(30000)));
  EXPECT_EQ(bounced[0] + bounced[1], kLeads);
  for (const auto& id : leads) {
    EXPECT_EQ(Field(id, "state"), "pooled") << id;
    EXPECT_EQ(Count(History(id), R"("event":"bounced")"), 1) << id;
    EXPECT_EQ(IntakeEntriesFor(id), 2) << id;  // ingested, re-queued once
  }
  EXPECT_EQ(SlaSize(), 0);
}

TEST_F(SlaDeadlineTest, EscalatesAfterTheConfiguredBounces) {
  const auto id = AssignedWithSla("alice", milliseconds(1));
  Step(milliseconds(1));
  const auto first = Sweep();
  EXPECT_EQ(first.requeued, 1);
  EXPECT_EQ(first.escalated, 0);

  // Routed again: the re-queued pooled lead is assigned like a new one, with a new token.
  AssignedWithSla("bob", milliseconds(1), id);
  EXPECT_EQ(Field(id, "state"), "assigned");
  EXPECT_EQ(Field(id, "assignment_id"), "2");
  EXPECT_EQ(Field(id, "requeued"), "");
  EXPECT_FALSE(InPool("public", id));
  Step(milliseconds(1));
  const auto second = Sweep();
  EXPECT_EQ(second.bounced, 1);
  EXPECT_EQ(second.requeued, 0);
  EXPECT_EQ(second.escalated, 1);

  EXPECT_EQ(Field(id, "state"), "pooled");
  EXPECT_EQ(Field(id, "escalated"), "1");
  EXPECT_EQ(Field(id, "bounces"), "2");
  EXPECT_TRUE(InPool("public", id));
  EXPECT_EQ(Members(ExcludedKey(keys_, id)), (std::set<std::string>{"alice", "bob"}));
  EXPECT_EQ(IntakeEntriesFor(id), 2);  // ingested; only the first bounce re-queued it
  ExpectLastEntry(id, {R"("event":"bounced")", R"("escalated":1)", R"("rep":"bob")"});

  // An escalated lead is not routed again, even if an intake entry for it turns up.
  router::Decision decision;
  decision.rule = "test";
  decision.strategy = "owner";
  decision.candidates = {"carol"};
  auto again = Await(store_->Assign(AssignRequest{IntakeEntry{"0-1", id},
                                                  decision,
                                                  {},
                                                  {BounceAfter(milliseconds(1))},
                                                  {std::nullopt},
                                                  2,
                                                  {},
                                                  {}}));
  ASSERT_TRUE(again);
  EXPECT_EQ(again.value().outcome, AssignOutcome::kAlreadyAssigned);
  EXPECT_EQ(Field(id, "state"), "pooled");
}

}  // namespace
}  // namespace leadd::queue
