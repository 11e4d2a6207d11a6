#include "router/router.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

namespace leadd::router {
namespace {

using ::testing::ElementsAre;
using ::testing::IsEmpty;

config::Rep MakeRep(std::string id, std::string name, std::string email) {
  config::Rep rep;
  rep.id = std::move(id);
  rep.name = std::move(name);
  rep.email = std::move(email);
  rep.teams = {"sales"};
  return rep;
}

std::vector<config::Rep> Reps() {
  return {MakeRep("alice", "Alice", "alice@example.com"), MakeRep("bob", "Bob", "bob@example.com")};
}

std::vector<config::Rule> OwnerThenRotation() {
  return {{"existing-owner", config::OwnerStrategy{}},
          {"everyone", config::RoundRobinStrategy{{"alice", "bob"}}}};
}

TEST(RouterTest, OwnerRuleSendsTheLeadToTheOwner) {
  const Router router(OwnerThenRotation(), Reps());
  const auto decision =
      router.Decide(Lead{}, dedupe::OwnerMatch{"bob", "email", "exact email match"});
  EXPECT_EQ(decision.rule, "existing-owner");
  EXPECT_EQ(decision.strategy, "owner");
  EXPECT_THAT(decision.candidates, ElementsAre("bob"));
  EXPECT_EQ(decision.round_robin_cursor, "");
  ASSERT_EQ(decision.trace.size(), 1u);
  EXPECT_EQ(decision.trace[0].outcome, "owner 'bob' by exact email match");
}

TEST(RouterTest, WithoutOwnerTheNextRuleRotates) {
  const Router router(OwnerThenRotation(), Reps());
  const auto decision = router.Decide(Lead{}, std::nullopt);
  EXPECT_EQ(decision.rule, "everyone");
  EXPECT_EQ(decision.strategy, "round_robin");
  EXPECT_THAT(decision.candidates, ElementsAre("alice", "bob"));
  EXPECT_EQ(decision.round_robin_cursor, "rr:everyone");
  ASSERT_EQ(decision.trace.size(), 2u);
  EXPECT_EQ(decision.trace[0].outcome, "no owner on record");
  EXPECT_EQ(decision.trace[1].outcome, "round robin over 2 reps");
}

TEST(RouterTest, OwnerWhoLeftFallsThroughWithTheReason) {
  const Router router(OwnerThenRotation(), Reps());
  const auto decision = router.Decide(Lead{}, dedupe::OwnerMatch{"zed", "email", "exact"});
  EXPECT_EQ(decision.rule, "everyone");
  EXPECT_EQ(decision.trace[0].outcome, "owner 'zed' is no longer a configured rep");
}

TEST(RouterTest, NoRuleYieldingLeavesTheLeadUnroutedWithATrace) {
  const Router router({{"existing-owner", config::OwnerStrategy{}}}, Reps());
  const auto decision = router.Decide(Lead{}, std::nullopt);
  EXPECT_FALSE(decision.Routed());
  EXPECT_EQ(decision.rule, "");
  EXPECT_THAT(decision.candidates, IsEmpty());
  ASSERT_EQ(decision.trace.size(), 1u);
}

TEST(RouterTest, ExcludedRepsAreSkippedWithAReason) {
  const Router router(OwnerThenRotation(), Reps());
  const auto decision = router.Decide(Lead{}, std::nullopt, {"alice"});
  EXPECT_EQ(decision.rule, "everyone");
  EXPECT_THAT(decision.candidates, ElementsAre("bob"));
  EXPECT_EQ(decision.round_robin_cursor, "rr:everyone");
  ASSERT_EQ(decision.trace.size(), 2u);
  EXPECT_EQ(decision.trace[1].outcome, "round robin over 2 reps; skipped alice: bounced before");
}

TEST(RouterTest, ARuleLeftWithoutCandidatesFallsThrough) {
  const Router router(OwnerThenRotation(), Reps());
  const auto decision =
      router.Decide(Lead{}, dedupe::OwnerMatch{"bob", "email", "exact email match"}, {"bob"});
  EXPECT_EQ(decision.rule, "everyone");
  EXPECT_THAT(decision.candidates, ElementsAre("alice"));
  ASSERT_EQ(decision.trace.size(), 2u);
  EXPECT_EQ(decision.trace[0].outcome,
            "owner 'bob' by exact email match; skipped bob: bounced before");
  EXPECT_EQ(decision.trace[1].outcome, "round robin over 2 reps; skipped bob: bounced before");
}

TEST(RouterTest, EveryRepExcludedLeavesTheLeadUnrouted) {
  const Router router(OwnerThenRotation(), Reps());
  const auto decision = router.Decide(Lead{}, std::nullopt, {"bob", "alice", "zed"});
  EXPECT_FALSE(decision.Routed());
  ASSERT_EQ(decision.trace.size(), 2u);
  EXPECT_EQ(decision.trace[1].outcome,
            "round robin over 2 reps; skipped bob: bounced before; skipped alice: bounced before");
}

TEST(RouterTest, DecisionSerialisesForStorage) {
  const Router router(OwnerThenRotation(), Reps());
  EXPECT_EQ(
      ToJson(router.Decide(Lead{}, std::nullopt)),
      R"({"rule":"everyone","strategy":"round_robin","candidates":["alice","bob"],)"
      R"("trace":[{"rule":"existing-owner","strategy":"owner","outcome":"no owner on record"},)"
      R"({"rule":"everyone","strategy":"round_robin","outcome":"round robin over 2 reps"}]})");
}

}  // namespace
}  // namespace leadd::router
