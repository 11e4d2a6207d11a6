// ShadowLog against a real redis-server: the shadow rules' picks, on rotations of their own,
// recorded in the shadow stream and read back for the report.
#include "queue/shadow_log.h"

#include <gtest/gtest.h>

#include <chrono>
#include <string>
#include <vector>

#include "tests/integration/queue/lead_fixture.h"

namespace leadd::queue {
namespace {

using Picks = std::vector<Result<std::string>>;

router::Decision Rotating(std::vector<std::string> reps) {
  router::Decision decision;
  decision.rule = "web-rr";
  decision.strategy = "round_robin";
  decision.candidates = std::move(reps);
  decision.round_robin_cursor = "web-rr";
  return decision;
}

class ShadowLogTest : public LeadFixture {
 protected:
  // Stream ids are Redis's own clock: a window around the real now holds what a test records.
  static WallTime RealNow() { return std::chrono::system_clock::now(); }

  static boost::asio::awaitable<Result<Picks>> RecordAll(ShadowLog& log,
                                                         std::vector<ShadowRecord> records) {
    co_return co_await log.Record(records);
  }

  std::vector<std::string> Record(const std::vector<ShadowRecord>& records) {
    ShadowLog log(*client_, keys_);
    auto picks = Await(RecordAll(log, records));
    EXPECT_TRUE(picks) << picks.error().detail;
    std::vector<std::string> reps;
    if (!picks) return reps;
    for (const auto& pick : picks.value()) {
      EXPECT_TRUE(pick) << pick.error().detail;
      reps.push_back(pick ? pick.value() : "<failed>");
    }
    return reps;
  }

  std::vector<router::ShadowEntry> ReadAround() {
    ShadowLog log(*client_, keys_);
    auto entries =
        Await(log.Read(RealNow() - std::chrono::minutes(1), RealNow() + std::chrono::minutes(1)));
    EXPECT_TRUE(entries) << entries.error().detail;
    return entries ? std::move(entries).value() : std::vector<router::ShadowEntry>{};
  }

  std::string Get(const std::string& key) {
    auto reply = server_->Run({"GET", key});
    return reply && reply.value().IsString() ? reply.value().str : "<none>";
  }
};

TEST_F(ShadowLogTest, RotatesOnACursorOfItsOwnAndRecordsEachLead) {
  const auto rotating = Rotating({"bob", "carol"});
  const auto picks = Record({{"L-1", "alice", "web", &rotating},
                             {"L-2", "alice", "web", &rotating},
                             {"L-3", "alice", "web", &rotating}});
  EXPECT_EQ(picks, (std::vector<std::string>{"bob", "carol", "bob"}));
  EXPECT_EQ(Get(keys_.ShadowCursor("web-rr")), "3");
  // The live rotation of the same name never moves.
  EXPECT_EQ(Get(keys_.Cursor("web-rr")), "<none>");

  // Shared by every caller: a second batch goes on where the first stopped.
  EXPECT_EQ(Record({{"L-4", "", "", &rotating}}), (std::vector<std::string>{"carol"}));
}

TEST_F(ShadowLogTest, WithoutRotationTheFirstCandidateAndWithoutCandidatesThePool) {
  router::Decision owner;
  owner.rule = "owners";
  owner.strategy = "owner";
  owner.candidates = {"dave", "erin"};
  router::Decision unrouted;
  EXPECT_EQ(Record({{"L-1", "alice", "web", &owner}, {"L-2", "", "", &unrouted}}),
            (std::vector<std::string>{"dave", ""}));
}

TEST_F(ShadowLogTest, ReadsBackEveryFieldInOrderWithinTheWindowOnly) {
  const std::int64_t hour_ago_ms = ToEpochMillis(RealNow()) - 3'600'000;
  ASSERT_TRUE(server_->Run({"XADD", keys_.Shadow(), std::to_string(hour_ago_ms) + "-0", "lead",
                            "L-0", "live_rep", "alice", "shadow_rep", "bob"}));
  const auto rotating = Rotating({"bob", "carol"});
  router::Decision unrouted;
  Record({{"L-1", "alice", "web", &rotating}, {"L-2", "", "", &unrouted}});

  const auto entries = ReadAround();
  ASSERT_EQ(entries.size(), 2u);
  EXPECT_EQ(entries[0].lead, "L-1");
  EXPECT_EQ(entries[0].live_rep, "alice");
  EXPECT_EQ(entries[0].live_rule, "web");
  EXPECT_EQ(entries[0].shadow_rep, "bob");
  EXPECT_EQ(entries[0].shadow_rule, "web-rr");
  EXPECT_EQ(entries[0].shadow_strategy, "round_robin");
  EXPECT_EQ(entries[1].lead, "L-2");
  EXPECT_EQ(entries[1].live_rep, "");
  EXPECT_EQ(entries[1].shadow_rep, "");
  EXPECT_EQ(entries[1].shadow_rule, "");
}

TEST_F(ShadowLogTest, ReadsPastAPage) {
  const auto rotating = Rotating({"bob"});
  std::vector<ShadowRecord> records;
  const std::size_t count = ShadowLog::kPage + 3;
  std::vector<std::string> leads;
  leads.reserve(count);
  for (std::size_t i = 0; i < count; ++i) leads.push_back("L-" + std::to_string(i));
  for (const auto& lead : leads) records.push_back({lead, "alice", "web", &rotating});
  Record(records);
  const auto entries = ReadAround();
  ASSERT_EQ(entries.size(), count);
  EXPECT_EQ(entries.back().lead, leads.back());
}

}  // namespace
}  // namespace leadd::queue
