// The strategies one by one, and the properties every one of them keeps: nobody excluded or at
// capacity is ever offered a lead, and weighted shares hold over many leads.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <map>
#include <random>
#include <string>
#include <vector>

#include "router/router.h"

namespace leadd::router {
namespace {

using ::testing::ElementsAre;

config::Rep MakeRep(std::string id, std::vector<std::string> regions = {}) {
  config::Rep rep;
  rep.id = std::move(id);
  rep.name = "Rep " + rep.id;
  rep.email = rep.id + "@example.com";
  rep.regions = std::move(regions);
  return rep;
}

std::vector<config::Rep> Team() {
  auto alice = MakeRep("alice", {"DE", "AT"});
  alice.accounts = {{"alibaba", "alice_sub1"}};
  auto bob = MakeRep("bob", {"CN-GD", "Bavaria"});
  bob.accounts = {{"alibaba", "bob_sub2"}, {"indiamart", "1234567"}};
  auto carol = MakeRep("carol", {"CN", "de"});
  return {alice, bob, carol};
}

Router One(config::Strategy strategy, std::vector<config::Rep> reps = Team()) {
  return Router({config::Rule{"r", std::move(strategy)}}, reps);
}

Lead LeadWithId(int n) {
  Lead lead;
  lead.id = "L-" + std::to_string(n);
  return lead;
}

TEST(FieldStrategyTest, TheFieldNamesARepByIdEmailOrName) {
  const auto router = One(config::FieldStrategy{config::LeadField::kReceivedBy});
  Lead card;
  for (const std::string named : {"bob", "BOB@example.com", "rep bob"}) {
    card.received_by = named;
    const auto decision = router.Decide(card, std::nullopt);
    EXPECT_THAT(decision.candidates, ElementsAre("bob")) << named;
    EXPECT_EQ(decision.strategy, "field");
    EXPECT_EQ(decision.trace[0].outcome, "received_by '" + named + "' names bob");
  }
  card.received_by = "zed";
  EXPECT_EQ(router.Decide(card, std::nullopt).trace[0].outcome, "received_by 'zed' names no rep");
  card.received_by = "";
  EXPECT_EQ(router.Decide(card, std::nullopt).trace[0].outcome, "received_by is empty");
}

TEST(AccountOwnerStrategyTest, TheMarketplaceAccountPicksItsRep) {
  const auto router = One(config::AccountOwnerStrategy{"alibaba"});
  Lead inquiry;
  inquiry.account = "Bob_Sub2";
  const auto decision = router.Decide(inquiry, std::nullopt);
  EXPECT_THAT(decision.candidates, ElementsAre("bob"));
  EXPECT_EQ(decision.trace[0].outcome, "account 'Bob_Sub2' on alibaba is bob's");
  inquiry.account = "1234567";  // bob's, but on another marketplace
  EXPECT_EQ(router.Decide(inquiry, std::nullopt).trace[0].outcome,
            "no rep has account '1234567' on alibaba");
  inquiry.account = "";
  EXPECT_FALSE(router.Decide(inquiry, std::nullopt).Routed());
}

TEST(TerritoryStrategyTest, TheRegionComesBeforeTheCountry) {
  const auto router = One(config::TerritoryStrategy{{"alice", "bob", "carol"}});
  Lead lead;
  lead.country = "CN";
  lead.region = "cn-gd";
  const auto guangdong = router.Decide(lead, std::nullopt);
  EXPECT_THAT(guangdong.candidates, ElementsAre("bob"));
  EXPECT_EQ(guangdong.round_robin_cursor, "rr:r:cn-gd");
  EXPECT_EQ(guangdong.trace[0].outcome, "territory 'cn-gd' of bob");

  lead.region = "CN-ZJ";  // nobody covers Zhejiang itself: the country decides
  const auto zhejiang = router.Decide(lead, std::nullopt);
  EXPECT_THAT(zhejiang.candidates, ElementsAre("carol"));
  EXPECT_EQ(zhejiang.round_robin_cursor, "rr:r:cn");

  lead.country = "DE";
  lead.region = "Bavaria";  // a free-text region name
  EXPECT_THAT(router.Decide(lead, std::nullopt).candidates, ElementsAre("bob"));
  lead.region = "";
  const auto germany = router.Decide(lead, std::nullopt);
  EXPECT_THAT(germany.candidates, ElementsAre("alice", "carol"));  // both rotate
  EXPECT_EQ(germany.round_robin_cursor, "rr:r:de");

  lead.country = "FR";
  EXPECT_EQ(router.Decide(lead, std::nullopt).trace[0].outcome,
            "no rep covers region '' or country 'FR'");
}

TEST(LeastLoadedStrategyTest, TheFewestOpenLeadsWinTiesInFileOrder) {
  const auto router = One(config::LeastLoadedStrategy{{"alice", "bob", "carol"}});
  EXPECT_TRUE(router.NeedsLoads());
  RoutingState state;
  state.open_leads = {{"alice", 5}, {"bob", 3}, {"carol", 3}};
  const auto decision = router.Decide(Lead{}, std::nullopt, state);
  EXPECT_THAT(decision.candidates, ElementsAre("bob"));
  EXPECT_EQ(decision.trace[0].outcome,
            "least loaded of 3 reps; bob (3 open) carol (3 open) alice (5 open)");
  state.open_leads.erase("alice");  // holds none
  EXPECT_THAT(router.Decide(Lead{}, std::nullopt, state).candidates, ElementsAre("alice"));
}

TEST(CapacityTest, ARepAtCapacityIsPassedOverByEveryStrategy) {
  auto reps = Team();
  reps[1].capacity = 2;  // bob
  const auto router = One(config::RoundRobinStrategy{{"alice", "bob"}}, reps);
  EXPECT_TRUE(router.NeedsLoads());
  RoutingState state;
  state.open_leads = {{"bob", 2}};
  const auto decision = router.Decide(Lead{}, std::nullopt, state);
  EXPECT_THAT(decision.candidates, ElementsAre("alice"));
  EXPECT_EQ(decision.trace[0].outcome,
            "round robin over 2 reps; skipped bob: at capacity (2 of 2)");
  state.open_leads = {{"bob", 1}};
  EXPECT_THAT(router.Decide(Lead{}, std::nullopt, state).candidates, ElementsAre("alice", "bob"));
}

TEST(WeightedStrategyTest, TheSameLeadAlwaysLandsOnTheSameRep) {
  const auto router = One(config::WeightedStrategy{{"alice", "bob"}, {2, 1}});
  const auto first = router.Decide(LeadWithId(42), std::nullopt);
  ASSERT_EQ(first.candidates.size(), 1u);
  EXPECT_EQ(router.Decide(LeadWithId(42), std::nullopt).candidates, first.candidates);
  EXPECT_THAT(
      first.trace[0].outcome,
      ::testing::StartsWith("weighted over alice:2, bob:1; the lead's hash falls on share "));
}

// Issue 4's property: over 100,000 leads each rep's share is within 2% of its weight's.
TEST(WeightedStrategyTest, SharesFollowTheWeightsOver100000Leads) {
  const std::vector<std::uint32_t> weights{5, 3, 2};
  const auto router = One(config::WeightedStrategy{{"alice", "bob", "carol"}, weights});
  std::map<std::string, int> got;
  constexpr int kLeads = 100000;
  for (int n = 1; n <= kLeads; ++n)
    ++got[router.Decide(LeadWithId(n), std::nullopt).candidates.at(0)];
  const std::vector<std::string> reps{"alice", "bob", "carol"};
  for (std::size_t i = 0; i < reps.size(); ++i) {
    const double expected = kLeads * weights[i] / 10.0;
    EXPECT_NEAR(got[reps[i]], expected, expected * 0.02) << reps[i];
  }
}

TEST(WeightedStrategyTest, AnExcludedRepsShareGoesToTheOthersInProportion) {
  const auto router = One(config::WeightedStrategy{{"alice", "bob", "carol"}, {1, 1, 2}});
  RoutingState state;
  state.excluded = {"carol"};
  std::map<std::string, int> got;
  for (int n = 1; n <= 20000; ++n)
    ++got[router.Decide(LeadWithId(n), std::nullopt, state).candidates.at(0)];
  EXPECT_EQ(got.count("carol"), 0u);
  EXPECT_NEAR(got["alice"], 10000, 200);
  EXPECT_NEAR(got["bob"], 10000, 200);
}

TEST(RandomStrategyTest, EachRepGetsAnEqualShare) {
  const auto router = One(config::RandomStrategy{{"alice", "bob", "carol", "dave"}},
                          {MakeRep("alice"), MakeRep("bob"), MakeRep("carol"), MakeRep("dave")});
  std::map<std::string, int> got;
  for (int n = 1; n <= 40000; ++n)
    ++got[router.Decide(LeadWithId(n), std::nullopt).candidates.at(0)];
  for (const auto& [rep, count] : got) EXPECT_NEAR(count, 10000, 200) << rep;
  EXPECT_EQ(got.size(), 4u);
}

TEST(LeadHashTest, TheSaltSeparatesRules) {
  // Two weighted rules over the same reps must not send every lead to the same place.
  int same = 0;
  for (int n = 1; n <= 1000; ++n) {
    same += LeadHash(LeadWithId(n), "first") % 2 == LeadHash(LeadWithId(n), "second") % 2;
  }
  EXPECT_NEAR(same, 500, 80);
}

// Issue 4's property: whatever the rules and the moment, no strategy offers a lead to a rep
// who is excluded or at capacity, or to someone who is not a rep.
TEST(RoutingPropertyTest, NoStrategyEverOffersAnExcludedOrFullRep) {
  std::mt19937 random(20261124);
  const std::vector<std::string> ids{"alice", "bob", "carol", "dave", "erin"};
  std::vector<config::Rep> reps;
  for (const auto& id : ids) {
    auto rep = MakeRep(id, {id == "alice" || id == "bob" ? "DE" : "CN", "CN-GD"});
    rep.accounts = {{"alibaba", id + "_sub"}};
    rep.capacity = 3;
    reps.push_back(rep);
  }
  const std::vector<config::Strategy> strategies{
      config::OwnerStrategy{},
      config::RoundRobinStrategy{ids},
      config::FieldStrategy{config::LeadField::kReceivedBy},
      config::AccountOwnerStrategy{"alibaba"},
      config::TerritoryStrategy{ids},
      config::WeightedStrategy{ids, {1, 2, 3, 4, 5}},
      config::RandomStrategy{ids},
      config::LeastLoadedStrategy{ids},
  };
  for (const auto& strategy : strategies) {
    const auto router = One(strategy, reps);
    for (int trial = 0; trial < 2000; ++trial) {
      RoutingState state;
      for (const auto& id : ids) {
        if (random() % 4 == 0) state.excluded.push_back(id);
        state.open_leads[id] = random() % 5;
      }
      Lead lead = LeadWithId(trial);
      const auto& someone = ids[random() % ids.size()];
      lead.received_by = someone;
      lead.account = someone + "_sub";
      lead.country = random() % 2 ? "DE" : "CN";
      lead.region = random() % 3 ? "" : "CN-GD";
      const std::optional<dedupe::OwnerMatch> owner =
          random() % 2
              ? std::optional<dedupe::OwnerMatch>(dedupe::OwnerMatch{someone, "email", "x"})
              : std::nullopt;
      const auto decision = router.Decide(lead, owner, state);
      for (const auto& rep : decision.candidates) {
        EXPECT_NE(std::find(ids.begin(), ids.end(), rep), ids.end()) << rep;
        EXPECT_EQ(std::find(state.excluded.begin(), state.excluded.end(), rep),
                  state.excluded.end())
            << StrategyName(strategy) << " offered excluded " << rep;
        EXPECT_LT(state.open_leads[rep], 3u) << StrategyName(strategy) << " offered full " << rep;
      }
    }
  }
}

}  // namespace
}  // namespace leadd::router
