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

TEST(TopStrategyTest, TheBestEligibleRepByTheMetricTakesTheLead) {
  // DOMAIN rule 4: the most marketplace inquiries this month.
  const auto router = One(config::TopStrategy{"inquiries", {"alice", "bob", "carol"}, 1});
  ASSERT_EQ(router.TopMetrics().size(), 1u);
  EXPECT_EQ(router.TopMetrics()[0].name, "inquiries");
  RoutingState state;
  state.metrics["inquiries"] = {{"alice", 12}, {"bob", 31}, {"carol", 17.5}};
  auto decision = router.Decide(Lead{}, std::nullopt, state);
  EXPECT_THAT(decision.candidates, ElementsAre("bob"));
  EXPECT_TRUE(decision.round_robin_cursor.empty());
  EXPECT_EQ(decision.trace[0].outcome,
            "ranked by inquiries: bob 31, carol 17.5, alice 12; best eligible: bob");
  // The best is excluded: the next best takes it, and the trace says why.
  state.excluded = {"bob"};
  decision = router.Decide(Lead{}, std::nullopt, state);
  EXPECT_THAT(decision.candidates, ElementsAre("carol"));
  ASSERT_EQ(decision.trace[0].skipped.size(), 1u);
  EXPECT_EQ(decision.trace[0].skipped[0].rep, "bob");
}

TEST(TopStrategyTest, MetricsKeepTheirWindowsAndCountTheLeadsTheirConditionNames) {
  config::DaemonSettings settings;
  settings.reps = Team();
  settings.rules = {{"main", config::TopStrategy{"inquiries", {"alice", "bob"}, 1}}};
  settings.metrics["inquiries"] = {
      CalendarWindow::kMonth, "Asia/Shanghai",
      config::Condition{config::FieldTest{config::LeadField::kSource, config::OneOf{{"alibaba"}}}}};
  settings.metrics["score"] = {CalendarWindow::kWeek, "UTC", std::nullopt};
  const Router router(settings);
  ASSERT_EQ(router.TopMetrics().size(), 1u);
  EXPECT_EQ(router.TopMetrics()[0].window, CalendarWindow::kMonth);
  EXPECT_EQ(router.TopMetrics()[0].time_zone, "Asia/Shanghai");
  Lead lead;
  lead.source = "Alibaba";
  const auto counted = router.CountedMetrics(lead, std::nullopt);
  ASSERT_EQ(counted.size(), 1u);
  EXPECT_EQ(counted[0].name, "inquiries");
  lead.source = "web";
  EXPECT_TRUE(router.CountedMetrics(lead, std::nullopt).empty());
}

TEST(TopStrategyTest, TiesAndTheTopFewTakeTurns) {
  // DOMAIN rule 5: the best performers of the week share the website's inquiries.
  const auto router = One(config::TopStrategy{"score", {"alice", "bob", "carol"}, 2});
  RoutingState state;
  state.metrics["score"] = {{"alice", 80}, {"bob", 95}, {"carol", 60}};
  auto decision = router.Decide(Lead{}, std::nullopt, state);
  EXPECT_THAT(decision.candidates, ElementsAre("bob", "alice"));
  EXPECT_EQ(decision.round_robin_cursor, "rr:r");
  // Carol ties with the second: she is among them.
  state.metrics["score"]["carol"] = 80;
  EXPECT_THAT(router.Decide(Lead{}, std::nullopt, state).candidates,
              ElementsAre("bob", "alice", "carol"));
  // No values this window (a new week): everyone ties at 0 and takes turns.
  state.metrics.clear();
  EXPECT_THAT(router.Decide(Lead{}, std::nullopt, state).candidates,
              ElementsAre("alice", "bob", "carol"));
}

TEST(WorkingHoursTest, AnOnDutyOnlyRulePassesOverRepsOutsideTheirHours) {
  auto reps = Team();
  // alice works Monday to Friday, 09:00 to 17:00 in Berlin; bob has no hours: always on duty.
  reps[0].working_hours = MakeWorkingHours("Europe/Berlin", {true, true, true, true, true},
                                           std::chrono::hours(9), std::chrono::hours(17), {})
                              .value();
  config::Rule on_duty{"on-duty", config::RoundRobinStrategy{{"alice", "bob"}}};
  on_duty.on_duty_only = true;
  const Router router({on_duty, {"anyone", config::RoundRobinStrategy{{"alice"}}}}, reps);
  RoutingState state;
  // Saturday 2026-11-28, 12:00 UTC.
  state.now = date::sys_days{date::year{2026} / 11 / 28} + std::chrono::hours(12);
  auto decision = router.Decide(Lead{}, std::nullopt, state);
  EXPECT_EQ(decision.rule, "on-duty");
  EXPECT_THAT(decision.candidates, ElementsAre("bob"));
  ASSERT_EQ(decision.trace[0].skipped.size(), 1u);
  EXPECT_EQ(decision.trace[0].skipped[0].why, "off duty until Mon 09:00 Europe/Berlin");
  // Tuesday 2026-11-24, 10:30 Berlin (09:30 UTC): on duty.
  state.now = date::sys_days{date::year{2026} / 11 / 24} + std::chrono::minutes(9 * 60 + 30);
  EXPECT_THAT(router.Decide(Lead{}, std::nullopt, state).candidates, ElementsAre("alice", "bob"));
  // A rule without on_duty_only offers leads whatever the hour.
  const Router any_hour({{"anyone", config::RoundRobinStrategy{{"alice"}}}}, reps);
  state.now = date::sys_days{date::year{2026} / 11 / 28};
  EXPECT_THAT(any_hour.Decide(Lead{}, std::nullopt, state).candidates, ElementsAre("alice"));
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
      config::TopStrategy{"score", ids, 2},
  };
  for (const auto& strategy : strategies) {
    const auto router = One(strategy, reps);
    for (int trial = 0; trial < 2000; ++trial) {
      RoutingState state;
      for (const auto& id : ids) {
        if (random() % 4 == 0) state.excluded.push_back(id);
        state.open_leads[id] = random() % 5;
        state.metrics["score"][id] = random() % 3;
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
