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

RoutingState Excluding(std::vector<std::string> reps) {
  RoutingState state;
  state.excluded = std::move(reps);
  return state;
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
  EXPECT_EQ(decision.trace[0].outcome,
            "owner 'zed' by exact; skipped zed: no longer a configured rep");
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
  const auto decision = router.Decide(Lead{}, std::nullopt, Excluding({"alice"}));
  EXPECT_EQ(decision.rule, "everyone");
  EXPECT_THAT(decision.candidates, ElementsAre("bob"));
  EXPECT_EQ(decision.round_robin_cursor, "rr:everyone");
  ASSERT_EQ(decision.trace.size(), 2u);
  EXPECT_EQ(decision.trace[1].outcome,
            "round robin over 2 reps; skipped alice: bounced before or left");
}

TEST(RouterTest, ARuleLeftWithoutCandidatesFallsThrough) {
  const Router router(OwnerThenRotation(), Reps());
  const auto decision = router.Decide(
      Lead{}, dedupe::OwnerMatch{"bob", "email", "exact email match"}, Excluding({"bob"}));
  EXPECT_EQ(decision.rule, "everyone");
  EXPECT_THAT(decision.candidates, ElementsAre("alice"));
  ASSERT_EQ(decision.trace.size(), 2u);
  EXPECT_EQ(decision.trace[0].outcome,
            "owner 'bob' by exact email match; skipped bob: bounced before or left");
  EXPECT_EQ(decision.trace[1].outcome,
            "round robin over 2 reps; skipped bob: bounced before or left");
}

TEST(RouterTest, EveryRepExcludedLeavesTheLeadUnrouted) {
  const Router router(OwnerThenRotation(), Reps());
  const auto decision = router.Decide(Lead{}, std::nullopt, Excluding({"bob", "alice", "zed"}));
  EXPECT_FALSE(decision.Routed());
  ASSERT_EQ(decision.trace.size(), 2u);
  EXPECT_EQ(decision.trace[1].outcome,
            "round robin over 2 reps; skipped alice: bounced before or left; skipped bob: bounced "
            "before or left");
}

TEST(RouterTest, SkippedRepsAreKeptWithTheirReasonAndStored) {
  const Router router(OwnerThenRotation(), Reps());
  const auto decision = router.Decide(Lead{}, std::nullopt, Excluding({"alice"}));
  ASSERT_EQ(decision.trace.size(), 2u);
  EXPECT_TRUE(decision.trace[0].skipped.empty());
  ASSERT_EQ(decision.trace[1].skipped.size(), 1u);
  EXPECT_EQ(decision.trace[1].skipped[0].rep, "alice");
  EXPECT_EQ(decision.trace[1].skipped[0].why, "bounced before or left");
  EXPECT_THAT(
      ToJson(decision),
      ::testing::HasSubstr(R"("skipped":[{"rep":"alice","why":"bounced before or left"}])"));
}

TEST(RouterTest, DecisionSerialisesForStorage) {
  const Router router(OwnerThenRotation(), Reps());
  EXPECT_EQ(
      ToJson(router.Decide(Lead{}, std::nullopt)),
      R"({"rule":"everyone","strategy":"round_robin","candidates":["alice","bob"],)"
      R"("trace":[{"rule":"existing-owner","strategy":"owner","outcome":"no owner on record"},)"
      R"({"rule":"everyone","strategy":"round_robin","outcome":"round robin over 2 reps"}]})");
}

TEST(RouterTest, ARuleIsTriedOnlyForLeadsThatMeetItsWhen) {
  config::Rule expo{"expo-cards", config::RoundRobinStrategy{{"alice"}},
                    config::Condition{config::FieldTest{config::LeadField::kSource,
                                                        config::OneOf{{"expo"}, false}}}};
  const Router router({expo, {"everyone", config::RoundRobinStrategy{{"bob"}}}}, Reps());
  Lead web;
  web.source = "web";
  const auto passed_by = router.Decide(web, std::nullopt);
  EXPECT_EQ(passed_by.rule, "everyone");
  ASSERT_EQ(passed_by.passed_over.size(), 1u);
  EXPECT_EQ(passed_by.RuleName(passed_by.passed_over[0]), "expo-cards");
  EXPECT_EQ(passed_by.passed_over[0].test, "source");
  ASSERT_EQ(passed_by.trace.size(), 1u);
  EXPECT_EQ(passed_by.trace[0].position, 1u);
  EXPECT_THAT(ToJson(passed_by),
              ::testing::HasSubstr(R"("trace":[["expo-cards","source"],)"
                                   R"({"rule":"everyone","strategy":"round_robin",)"));

  Lead card;
  card.source = "expo";
  const auto taken = router.Decide(card, std::nullopt);
  EXPECT_EQ(taken.rule, "expo-cards");
  EXPECT_THAT(taken.candidates, ElementsAre("alice"));
  ASSERT_EQ(taken.trace.size(), 1u);
  EXPECT_EQ(taken.trace[0].outcome, "source 'expo' is expo; round robin over 1 reps");
}

TEST(RouterTest, TheTraceKeepsTheRulesOrderWhateverEachDid) {
  const auto source_is = [](std::string source) {
    return config::Condition{
        config::FieldTest{config::LeadField::kSource, config::OneOf{{std::move(source)}, false}}};
  };
  // web leads: passed over, tried (bob is excluded), passed over, tried and routed.
  const Router router({{"expo", config::RoundRobinStrategy{{"alice"}}, source_is("expo")},
                       {"web-bob", config::RoundRobinStrategy{{"bob"}}, source_is("web")},
                       {"mail", config::RoundRobinStrategy{{"alice"}}, source_is("email")},
                       {"everyone", config::RoundRobinStrategy{{"alice"}}}},
                      Reps());
  Lead web;
  web.source = "web";
  const auto decision = router.Decide(web, std::nullopt, Excluding({"bob"}));
  std::vector<std::string> order;
  ForEachRule(
      decision, [&](const RuleTrace& step) { order.push_back("tried " + step.rule); },
      [&](const PassedOver& rule) {
        order.push_back("passed " + std::string(decision.RuleName(rule)));
      });
  EXPECT_THAT(order, ElementsAre("passed expo", "tried web-bob", "passed mail", "tried everyone"));
}

TEST(RouterTest, MatchOwnerSeesTheDedupeResult) {
  config::Rule for_known{"known-customers", config::RoundRobinStrategy{{"alice"}},
                         config::Condition{config::OwnerMatchTest{true}}};
  const Router router({for_known}, Reps());
  EXPECT_FALSE(router.Decide(Lead{}, std::nullopt).Routed());
  // The owner (bob) is not among this rule's reps: the condition only asks whether one exists.
  const auto decision = router.Decide(Lead{}, dedupe::OwnerMatch{"bob", "email", "exact"});
  EXPECT_THAT(decision.candidates, ElementsAre("alice"));
}

config::DaemonSettings GradedSettings() {
  config::DaemonSettings settings;
  settings.reps = Reps();
  const auto source_is = [](std::string value) {
    return config::Condition{
        config::FieldTest{config::LeadField::kSource, config::OneOf{{std::move(value)}, false}}};
  };
  settings.grades["key"].when = config::Condition{config::FieldTest{
      config::LeadField::kEstimatedValue, config::Range{{{config::Comparison::kGte, 100000}}}}};
  settings.grades["A"].when = source_is("expo");
  settings.grades["B"];  // no `when`: only ever given by a source
  settings.grade_order = {"key", "B", "A"};
  settings.rules = {{"key-accounts", config::RoundRobinStrategy{{"bob"}},
                     config::Condition{config::FieldTest{config::LeadField::kGrade,
                                                         config::OneOf{{"key"}, false}}}},
                    {"everyone", config::RoundRobinStrategy{{"alice"}}}};
  return settings;
}

TEST(GradingTest, TheFirstGradeWhoseConditionHoldsIsGivenBeforeTheRules) {
  const Router router(GradedSettings());
  Lead lead;
  lead.source = "expo";
  lead.estimated_value = "250000";  // both key and A hold: key comes first in the file
  const auto decision = router.Decide(lead, std::nullopt);
  EXPECT_EQ(decision.grade, "key");
  EXPECT_EQ(decision.grade_reason, "estimated_value '250000' is >= 100000");
  EXPECT_EQ(decision.rule, "key-accounts") << "rules see the grade the router gave";
  EXPECT_THAT(ToJson(decision),
              ::testing::HasSubstr(R"("grade":"key","grade_reason":"estimated_value '250000')"));

  lead.estimated_value = "";
  const auto expo = router.Decide(lead, std::nullopt);
  EXPECT_EQ(expo.grade, "A");
  EXPECT_EQ(expo.rule, "everyone");
}

TEST(GradingTest, ALeadsOwnGradeStandsAndNoMatchGivesNone) {
  const Router router(GradedSettings());
  Lead graded;
  graded.grade = "B";
  graded.estimated_value = "250000";
  const auto kept = router.Decide(graded, std::nullopt);
  EXPECT_EQ(kept.grade, "");
  EXPECT_EQ(kept.rule, "everyone") << "its own grade B, not key";
  const auto none = router.Decide(Lead{}, std::nullopt);
  EXPECT_EQ(none.grade, "");
  EXPECT_THAT(ToJson(none), ::testing::Not(::testing::HasSubstr(R"("grade":)")));
}

}  // namespace
}  // namespace leadd::router
