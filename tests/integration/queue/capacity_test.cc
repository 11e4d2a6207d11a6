// Integration tests of capacity at assignment: leadd_assign counts a rep's open set itself and
// passes over a rep at capacity, whatever loads the caller routed with, so several daemons (or
// one batch's rotation) never hand a rep more than its capacity.
#include <utility>  // before Asio: Boost 1.74 + g++ 12 need std::exchange declared first

#include <gtest/gtest.h>

#include <algorithm>
#include <boost/asio/awaitable.hpp>
#include <boost/asio/co_spawn.hpp>
#include <cstdint>
#include <exception>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "queue/lead_store.h"
#include "queue/lead_transitions.h"
#include "router/decision.h"
#include "tests/integration/queue/lead_fixture.h"

namespace leadd::queue {
namespace {

using boost::asio::awaitable;
using Capacities = std::vector<std::optional<std::uint32_t>>;

class CapacityTest : public LeadFixture {
 protected:
  // A routed lead offered to `reps` (each with its capacity), rotating by the rule's cursor
  // when `rotate`. The entry is read into the pipeline group's pending list first, as the
  // pipeline does, so a test can see whether the assignment acknowledged it.
  AssignRequest Request(const std::vector<std::string>& reps, const Capacities& capacities,
                        bool rotate) {
    const std::string id = NewLead();
    router::Decision decision;
    decision.rule = "inside-sales";
    decision.strategy = rotate ? "round_robin" : "least_loaded";
    decision.candidates = reps;
    if (rotate) decision.round_robin_cursor = "rr:inside-sales";
    return AssignRequest{IntakeEntry{ReadEntry(), id},
                         decision,
                         {},
                         std::vector<std::string>(reps.size()),
                         capacities,
                         2,
                         {},
                         {}};
  }

  // The newest intake entry (the lead just ingested), read with any before it so that it is
  // pending for the pipeline group.
  std::string ReadEntry() {
    auto read =
        server_->Run({"XREADGROUP", "GROUP", "pipeline", "test", "STREAMS", keys_.Intake(), ">"});
    EXPECT_TRUE(read) << read.error().detail;
    if (!read || read.value().elements.empty()) return {};
    return read.value().elements.at(0).elements.at(1).elements.back().elements.at(0).str;
  }

  bool IsPending(const std::string& entry) {
    auto reply = server_->Run({"XPENDING", keys_.Intake(), "pipeline", entry, entry, "1"});
    EXPECT_TRUE(reply) << reply.error().detail;
    return reply && !reply.value().elements.empty();
  }

  std::int64_t Pending() {
    auto reply = server_->Run({"XPENDING", keys_.Intake(), "pipeline"});
    EXPECT_TRUE(reply) << reply.error().detail;
    return reply ? reply.value().elements.at(0).integer : -1;
  }

  std::size_t Held(const std::string& rep) { return Members(RepOpenKey(keys_, rep)).size(); }

  // Fills the rep's open set to `count` leads routed to them without a capacity.
  void Fill(const std::string& rep, int count) {
    for (int i = 0; i < count; ++i) AssignedTo(rep);
  }

  Assignment AssignOne(const AssignRequest& request) {
    auto assigned = Await(store_->Assign(request));
    EXPECT_TRUE(assigned) << assigned.error().detail;
    return assigned ? assigned.value() : Assignment{};
  }
};

TEST_F(CapacityTest, ARepAtCapacityIsSkippedWhateverLoadsTheCallerRead) {
  Fill("ana", 2);
  // The caller decided on loads from before those two: ana looked free.
  EXPECT_EQ(AssignOne(Request({"ana", "ben"}, {2, std::nullopt}, false)).rep, "ben");
  EXPECT_EQ(Held("ana"), 2u);
  EXPECT_EQ(Held("ben"), 1u);
}

TEST_F(CapacityTest, WhenEveryCandidateIsFullNothingChangesAndTheEntryStaysPending) {
  Fill("ana", 2);
  Fill("ben", 1);
  const auto request = Request({"ana", "ben"}, {2, 1}, true);
  const auto id = request.entry.lead_id;
  ASSERT_TRUE(IsPending(request.entry.entry_id));
  const std::string before = Digest();

  const auto full = AssignOne(request);
  EXPECT_EQ(full.outcome, AssignOutcome::kAllFull);
  EXPECT_EQ(full.rep, "");
  // Not acknowledged, not assigned, the rotation's cursor not moved: routed again, the lead
  // meets the same rotation.
  EXPECT_EQ(Digest(), before);
  EXPECT_TRUE(IsPending(request.entry.entry_id));
  EXPECT_EQ(Field(id, "state"), "ingested");

  // A place frees up: the same entry is assigned and only then acknowledged.
  ASSERT_TRUE(server_->Run({"SPOP", RepOpenKey(keys_, "ben")}));
  const auto assigned = AssignOne(request);
  EXPECT_EQ(assigned.outcome, AssignOutcome::kAssigned);
  EXPECT_EQ(assigned.rep, "ben");
  EXPECT_FALSE(IsPending(request.entry.entry_id));
  EXPECT_EQ(Field(id, "assignee"), "ben");
}

TEST_F(CapacityTest, ACapacityIsACountOrNothing) {
  const auto request = Request({"ana"}, {std::nullopt}, false);
  std::vector<std::string> command{"FCALL",
                                   "leadd_assign",
                                   "2",
                                   keys_.Intake(),
                                   keys_.Cursor("unused"),
                                   "",
                                   keys_.Prefix(),
                                   "pipeline",
                                   request.entry.entry_id,
                                   request.entry.lead_id,
                                   "r",
                                   "owner",
                                   "0",
                                   "{}",
                                   "",
                                   "2",
                                   "",
                                   "direct",
                                   "0",
                                   "3",
                                   "",
                                   "0",
                                   "ana",
                                   "",
                                   "ten",
                                   ""};
  const std::string before = Digest();
  auto refused = server_->Run(command);
  ASSERT_FALSE(refused);
  EXPECT_NE(refused.error().detail.find("capacity must be empty or a non-negative integer"),
            std::string::npos)
      << refused.error().detail;
  EXPECT_EQ(Digest(), before);
}

// The rotation passes a full rep's turn to the next rep with room and moves on from there, so
// reps with room stay within one lead of each other; a full rep is not owed the turns it
// missed, and takes its next turn as soon as it has room.
TEST_F(CapacityTest, RotationPassesOverAFullRepAndStaysFairAmongTheOthers) {
  const std::vector<std::string> reps{"ana", "ben", "cy"};
  const Capacities capacities{2, std::nullopt, std::nullopt};
  Fill("ana", 2);
  std::map<std::string, int> got;
  for (int i = 0; i < 12; ++i) {
    const auto assigned = AssignOne(Request(reps, capacities, true));
    ASSERT_EQ(assigned.outcome, AssignOutcome::kAssigned);
    ++got[assigned.rep];
    EXPECT_LE(std::abs(got["ben"] - got["cy"]), 1) << "after " << i + 1 << " leads";
  }
  EXPECT_EQ(got["ana"], 0);
  EXPECT_EQ(got["ben"], 6);
  EXPECT_EQ(got["cy"], 6);

  ASSERT_TRUE(server_->Run({"SPOP", RepOpenKey(keys_, "ana")}));
  std::vector<std::string> next;
  for (int i = 0; i < 4; ++i) next.push_back(AssignOne(Request(reps, capacities, true)).rep);
  EXPECT_EQ(next, (std::vector<std::string>{"ana", "ben", "cy", "ben"}));
  EXPECT_EQ(Held("ana"), 2u);
}

awaitable<void> SendAll(LeadStore& store, const std::vector<AssignRequest>& requests,
                        std::vector<Result<Assignment>>& results, int& finished) {
  results = co_await store.AssignAll(requests);
  ++finished;
}

// Twenty daemons route a hundred leads each to three reps of capacity 10, on loads that said
// every rep was free: some rotate, some offer one rep, some try the reps in their own order.
// Exactly thirty leads are assigned, ten to each rep; every other comes back full, unchanged
// and still pending.
TEST_F(CapacityTest, ConcurrentAssignsNeverPushARepPastItsCapacity) {
  constexpr int kClients = 20;
  constexpr int kLeadsEach = 100;
  constexpr std::uint32_t kCapacity = 10;
  const std::vector<std::string> reps{"ana", "ben", "cy"};

  std::vector<std::unique_ptr<RedisClient>> clients;
  std::vector<std::unique_ptr<LeadStore>> stores;
  std::vector<std::vector<AssignRequest>> batches(kClients);
  for (int c = 0; c < kClients; ++c) {
    clients.push_back(ConnectedClient("daemon" + std::to_string(c)));
    ASSERT_NE(clients.back(), nullptr);
    stores.push_back(
        std::make_unique<LeadStore>(*clients.back(), keys_, FunctionClock::Simulated(sim_clock_)));
    for (int i = 0; i < kLeadsEach; ++i) {
      std::vector<std::string> offered = reps;
      std::rotate(offered.begin(), offered.begin() + (c + i) % 3, offered.end());
      if (c % 3 == 1) offered.resize(1);
      batches[c].push_back(
          Request(offered, Capacities(offered.size(), kCapacity), /*rotate=*/c % 3 == 0));
    }
  }
  ASSERT_EQ(Pending(), kClients * kLeadsEach);

  std::vector<std::vector<Result<Assignment>>> results(kClients);
  int finished = 0;
  for (int c = 0; c < kClients; ++c) {
    boost::asio::co_spawn(io_, SendAll(*stores[c], batches[c], results[c], finished),
                          [](const std::exception_ptr& error) { EXPECT_FALSE(error); });
  }
  ASSERT_TRUE(fakes::RunUntil(
      io_, [&] { return finished == kClients; }, std::chrono::milliseconds(60000)));

  std::map<std::string, int> assigned_to;
  int full = 0;
  for (int c = 0; c < kClients; ++c) {
    ASSERT_EQ(results[c].size(), static_cast<std::size_t>(kLeadsEach));
    for (int i = 0; i < kLeadsEach; ++i) {
      const auto& result = results[c][i];
      ASSERT_TRUE(result) << result.error().detail;
      const auto& id = batches[c][i].entry.lead_id;
      if (result.value().outcome == AssignOutcome::kAllFull) {
        ++full;
        EXPECT_EQ(Field(id, "state"), "ingested") << id;
        continue;
      }
      ASSERT_EQ(result.value().outcome, AssignOutcome::kAssigned);
      ++assigned_to[result.value().rep];
      EXPECT_EQ(Field(id, "assignee"), result.value().rep) << id;
    }
  }
  for (const auto& rep : reps) {
    // Open sets only grow here, so ten at the end means never more than ten on the way.
    EXPECT_EQ(Held(rep), kCapacity) << rep;
    EXPECT_EQ(assigned_to[rep], static_cast<int>(kCapacity)) << rep;
  }
  EXPECT_EQ(full, kClients * kLeadsEach - 3 * static_cast<int>(kCapacity));
  EXPECT_EQ(Pending(), full);
}

}  // namespace
}  // namespace leadd::queue
