// Rules that offer, race or publish keep the strategy's whole ranking, best first, and say how
// the lead is handed out; key-account grades name a backup for each candidate.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "router/router.h"

namespace leadd::router {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;

config::Rep MakeRep(std::string id, std::string backup = "", std::string manager = "") {
  config::Rep rep;
  rep.id = std::move(id);
  rep.backup = std::move(backup);
  rep.manager = std::move(manager);
  return rep;
}

config::Rule Offering(config::Strategy strategy, config::OfferMode mode) {
  config::Rule rule{"r", std::move(strategy)};
  rule.offer.mode = mode;
  return rule;
}

const std::vector<std::string> kReps{"ana", "ben", "cy"};
const std::vector<config::Rep> kTeam{MakeRep("ana"), MakeRep("ben"), MakeRep("cy")};

TEST(OfferRankingTest, LeastLoadedRanksEveryEligibleRepForAnOffer) {
  RoutingState state;
  state.open_leads = {{"ana", 5}, {"ben", 1}, {"cy", 3}};
  const Router offer({Offering(config::LeastLoadedStrategy{kReps}, config::OfferMode::kOffer)},
                     kTeam);
  const auto decision = offer.Decide(Lead{}, std::nullopt, state);
  EXPECT_THAT(decision.candidates, ElementsAre("ben", "cy", "ana"));
  EXPECT_EQ(decision.offer.mode, config::OfferMode::kOffer);

  const Router direct({config::Rule{"r", config::LeastLoadedStrategy{kReps}}}, kTeam);
  EXPECT_THAT(direct.Decide(Lead{}, std::nullopt, state).candidates, ElementsAre("ben"));
}

TEST(OfferRankingTest, WeightedAndRandomPutTheHashsPickFirstThenTheOthersInRosterOrder) {
  Lead lead;
  lead.source_key = "web:42";
  const Router direct({config::Rule{"r", config::RandomStrategy{kReps}}}, kTeam);
  const auto pick = direct.Decide(lead, std::nullopt).candidates;
  ASSERT_EQ(pick.size(), 1U);
  const Router race({Offering(config::RandomStrategy{kReps}, config::OfferMode::kRace)}, kTeam);
  const auto ranking = race.Decide(lead, std::nullopt).candidates;
  ASSERT_EQ(ranking.size(), 3U);
  EXPECT_EQ(ranking.front(), pick.front()) << "the race starts with the rep a direct rule picks";
  const auto at = std::find(kReps.begin(), kReps.end(), pick.front()) - kReps.begin();
  for (std::size_t i = 0; i < kReps.size(); ++i) {
    EXPECT_EQ(ranking[i], kReps[(static_cast<std::size_t>(at) + i) % kReps.size()]);
  }
}

TEST(OfferRankingTest, TopRanksTheWholeRosterByTheMetric) {
  RoutingState state;
  state.metrics["score"] = {{"ana", 1}, {"ben", 9}, {"cy", 4}};
  const Router race({Offering(config::TopStrategy{"score", kReps, 1}, config::OfferMode::kRace)},
                    kTeam);
  const auto decision = race.Decide(Lead{}, std::nullopt, state);
  EXPECT_THAT(decision.candidates, ElementsAre("ben", "cy", "ana"));
  EXPECT_TRUE(decision.round_robin_cursor.empty());
  EXPECT_THAT(decision.trace.front().outcome, HasSubstr("ranked by score: ben, cy, ana"));
}

TEST(OfferRankingTest, TheStoredDecisionSaysHowTheLeadIsHandedOut) {
  auto rule = Offering(config::RoundRobinStrategy{kReps}, config::OfferMode::kRace);
  rule.offer.race_to = 2;
  rule.offer.window = std::chrono::minutes(5);
  const auto race = Router({rule}, kTeam).Decide(Lead{}, std::nullopt);
  EXPECT_THAT(ToJson(race), HasSubstr(R"("offer":{"mode":"race","window_ms":300000,"to":2})"));

  rule.offer.mode = config::OfferMode::kPoolOnly;
  rule.offer.pool = "vip";
  const auto published = Router({rule}, kTeam).Decide(Lead{}, std::nullopt);
  EXPECT_THAT(ToJson(published), HasSubstr(R"("offer":{"mode":"pool_only","pool":"vip"})"));

  const auto direct =
      Router({config::Rule{"r", config::RoundRobinStrategy{kReps}}}, kTeam).Decide(Lead{}, {});
  EXPECT_THAT(ToJson(direct), ::testing::Not(HasSubstr("offer")));
}

config::DaemonSettings WithKeyAccounts(std::vector<config::Rep> reps) {
  config::DaemonSettings settings;
  settings.reps = std::move(reps);
  settings.rules = {config::Rule{"r", config::RoundRobinStrategy{kReps}}};
  settings.grades["A"].backup = true;
  settings.grades["A"].inform_manager = true;
  settings.grades["M"].inform_manager = true;
  settings.grades["C"] = {};
  settings.grade_order = {"A", "M", "C"};
  return settings;
}

TEST(KeyAccountTeamTest, TheRepsOwnBackupElseTheNextCandidateElseTheFirst) {
  const Router router(WithKeyAccounts({MakeRep("ana", "cy"), MakeRep("ben"), MakeRep("cy")}));
  const auto own = router.TeamFor("A", "ana", kReps);
  EXPECT_EQ(own.backup, "cy");
  EXPECT_TRUE(own.inform_manager);
  EXPECT_EQ(router.TeamFor("A", "ben", kReps).backup, "cy");
  EXPECT_EQ(router.TeamFor("A", "cy", kReps).backup, "ana");
  EXPECT_EQ(router.TeamFor("A", "ben", {"ben"}).backup, "") << "nobody to stand in";
}

TEST(KeyAccountTeamTest, OtherGradesHaveNoTeam) {
  const Router router(WithKeyAccounts({MakeRep("ana", "cy"), MakeRep("ben"), MakeRep("cy")}));
  const auto manager_only = router.TeamFor("M", "ana", kReps);
  EXPECT_EQ(manager_only.backup, "");
  EXPECT_TRUE(manager_only.inform_manager);
  const auto plain = router.TeamFor("C", "ana", kReps);
  EXPECT_EQ(plain.backup, "");
  EXPECT_FALSE(plain.inform_manager);
  EXPECT_FALSE(router.TeamFor("", "ana", kReps).inform_manager);
}

}  // namespace
}  // namespace leadd::router
