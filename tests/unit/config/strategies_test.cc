// A rule's `assign:` and the rep settings strategies read (regions, accounts, capacity): what
// the loader builds, the reps it resolves, and every mistake reported at file:line:column.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <cstdint>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "config_test_support.h"

namespace leadd::config {
namespace {

using testing::ConfigTest;
using ::testing::ElementsAre;
using ::testing::IsEmpty;

// Lines 1 to 7; the rule under test is line 8. The reps are not in alphabetical order, so
// "file order" cannot pass by sorting: every rep is carol, alice, bob; team dach is carol,
// alice; team sales is alice, bob.
std::string Head() {
  return std::string(testing::kVersionAndTokens) +
         "reps:\n"
         "  - {id: carol, teams: [dach], regions: [Bavaria, DE]}\n"
         "  - {id: alice, teams: [sales, dach], regions: [DE, CN-GD], accounts: {alibaba: "
         "alice_sub1}}\n"
         "  - {id: bob, teams: [sales], accounts: {alibaba: bob_main, indiamart: \"1234567\"}, "
         "capacity: 40}\n"
         "rules:\n";
}

// The assign value starts at column 23 of line 8.
std::string WithAssign(std::string_view assign) {
  return Head() + "  - {name: r, assign: " + std::string(assign) + "}\n";
}

using Reps = std::vector<std::string>;

using StrategyConfigTest = ConfigTest;

// The strategy the one rule was loaded with; fails the test when the file did not load.
template <typename T>
T LoadedAs(const LoadOutcome& outcome) {
  if (!outcome.settings) {
    ADD_FAILURE() << ::testing::PrintToString(testing::Formatted(outcome));
    return {};
  }
  const Strategy& assign = outcome.settings->rules.front().assign;
  if (!std::holds_alternative<T>(assign)) {
    ADD_FAILURE() << "the rule holds strategy #" << assign.index();
    return {};
  }
  return std::get<T>(assign);
}

TEST_F(StrategyConfigTest, RepRegionsAccountsAndCapacityLoad) {
  const auto outcome = Load(WithAssign("owner"));
  ASSERT_TRUE(outcome.settings) << testing::Formatted(outcome).front();
  const auto& reps = outcome.settings->reps;
  ASSERT_EQ(reps.size(), 3u);
  EXPECT_EQ(reps[0].regions, (Reps{"Bavaria", "DE"}));
  EXPECT_THAT(reps[0].accounts, IsEmpty());
  EXPECT_EQ(reps[0].capacity, std::nullopt);
  EXPECT_EQ(reps[1].regions, (Reps{"DE", "CN-GD"}));
  EXPECT_THAT(reps[1].accounts,
              ElementsAre(std::pair<const std::string, std::string>("alibaba", "alice_sub1")));
  EXPECT_THAT(reps[2].regions, IsEmpty());
  EXPECT_THAT(reps[2].accounts,
              ElementsAre(std::pair<const std::string, std::string>("alibaba", "bob_main"),
                          std::pair<const std::string, std::string>("indiamart", "1234567")));
  EXPECT_EQ(reps[2].capacity, std::optional<std::uint32_t>(40));
}

TEST_F(StrategyConfigTest, OwnerStaysOwner) { LoadedAs<OwnerStrategy>(Load(WithAssign("owner"))); }

TEST_F(StrategyConfigTest, ScalarStrategiesChooseAmongEveryRepInFileOrder) {
  const Reps every_rep = {"carol", "alice", "bob"};
  EXPECT_EQ(LoadedAs<TerritoryStrategy>(Load(WithAssign("territory"))).reps, every_rep);
  EXPECT_EQ(LoadedAs<RandomStrategy>(Load(WithAssign("random"))).reps, every_rep);
  EXPECT_EQ(LoadedAs<LeastLoadedStrategy>(Load(WithAssign("least_loaded"))).reps, every_rep);
}

TEST_F(StrategyConfigTest, RostersTakeTheListedRepsInTheirOrder) {
  const Reps listed = {"bob", "carol"};
  EXPECT_EQ(
      LoadedAs<RoundRobinStrategy>(Load(WithAssign("{round_robin: {reps: [bob, carol]}}"))).reps,
      listed);
  EXPECT_EQ(LoadedAs<TerritoryStrategy>(Load(WithAssign("{territory: {reps: [bob, carol]}}"))).reps,
            listed);
  EXPECT_EQ(LoadedAs<RandomStrategy>(Load(WithAssign("{random: {reps: [bob, carol]}}"))).reps,
            listed);
  EXPECT_EQ(
      LoadedAs<LeastLoadedStrategy>(Load(WithAssign("{least_loaded: {reps: [bob, carol]}}"))).reps,
      listed);
}

TEST_F(StrategyConfigTest, RostersTakeATeamsMembersInFileOrder) {
  const Reps dach = {"carol", "alice"};
  EXPECT_EQ(LoadedAs<RoundRobinStrategy>(Load(WithAssign("{round_robin: {team: dach}}"))).reps,
            dach);
  EXPECT_EQ(LoadedAs<TerritoryStrategy>(Load(WithAssign("{territory: {team: dach}}"))).reps, dach);
  EXPECT_EQ(LoadedAs<RandomStrategy>(Load(WithAssign("{random: {team: dach}}"))).reps, dach);
  EXPECT_EQ(LoadedAs<LeastLoadedStrategy>(Load(WithAssign("{least_loaded: {team: sales}}"))).reps,
            (Reps{"alice", "bob"}));
}

TEST_F(StrategyConfigTest, WeightedKeepsRepsAndWeightsParallelInFileOrder) {
  const auto weighted =
      LoadedAs<WeightedStrategy>(Load(WithAssign("{weighted: {bob: 3, carol: 1, alice: 2}}")));
  EXPECT_EQ(weighted.reps, (Reps{"bob", "carol", "alice"}));
  EXPECT_EQ(weighted.weights, (std::vector<std::uint32_t>{3, 1, 2}));
}

TEST_F(StrategyConfigTest, WeightsMayAddUpToTheLimit) {
  const auto weighted =
      LoadedAs<WeightedStrategy>(Load(WithAssign("{weighted: {alice: 999999, bob: 1}}")));
  EXPECT_EQ(weighted.weights, (std::vector<std::uint32_t>{999999, 1}));
}

TEST_F(StrategyConfigTest, FieldNamesATextLeadField) {
  EXPECT_EQ(LoadedAs<FieldStrategy>(Load(WithAssign("{field: received_by}"))).field,
            LeadField::kReceivedBy);
  EXPECT_EQ(LoadedAs<FieldStrategy>(Load(WithAssign("{field: email_domain}"))).field,
            LeadField::kEmailDomain);
}

TEST_F(StrategyConfigTest, AccountOwnerNamesAMarketplaceARepHasAnAccountOn) {
  EXPECT_EQ(
      LoadedAs<AccountOwnerStrategy>(Load(WithAssign("{account_owner: indiamart}"))).marketplace,
      "indiamart");
}

// One mistake each, and the one line the admin reads about it.
struct Mistake {
  std::string_view assign;
  std::string_view problem;
};

constexpr Mistake kMistakes[] = {
    // field
    {"{field: estimated_value}",
     "leadd.yaml:8:31: rules[0].assign.field: estimated_value is a number, and a number cannot "
     "name a rep; name a text field such as received_by"},
    {"{field: recieved_by}",
     "leadd.yaml:8:31: rules[0].assign.field: unknown field 'recieved_by', did you mean "
     "'received_by'?"},
    {"{field: [received_by]}", "leadd.yaml:8:31: rules[0].assign.field: expected text, got a list"},
    // account_owner
    {"{account_owner: alibab}",
     "leadd.yaml:8:39: rules[0].assign.account_owner: no rep lists an account on 'alibab', did "
     "you mean 'alibaba'?"},
    {"{account_owner: ebay}",
     "leadd.yaml:8:39: rules[0].assign.account_owner: no rep lists an account on 'ebay'"},
    {"{account_owner: Alibaba}",
     "leadd.yaml:8:39: rules[0].assign.account_owner: expected a marketplace name of lower-case "
     "letters, digits, '.', '_' and '-', starting with a letter or digit, got 'Alibaba'"},
    // weighted
    {"{weighted: {}}", "leadd.yaml:8:34: rules[0].assign.weighted: must name at least one rep"},
    {"{weighted: {alcie: 2, bob: 1}}",
     "leadd.yaml:8:35: rules[0].assign.weighted.alcie: unknown rep 'alcie', did you mean "
     "'alice'?"},
    {"{weighted: {alice: 0}}",
     "leadd.yaml:8:42: rules[0].assign.weighted.alice: must be at least 1; leave the rep out to "
     "give them none"},
    {"{weighted: {alice: 600000, bob: 400001}}",
     "leadd.yaml:8:34: rules[0].assign.weighted: the weights add up to 1000001; at most 1000000 "
     "in all"},
    {"{weighted: [alice, bob]}",
     "leadd.yaml:8:34: rules[0].assign.weighted: expected a mapping of rep names, got a list"},
    {"{weighted: {alice: 1, alice: 2}}",
     "leadd.yaml:8:45: rules[0].assign.weighted: duplicate rep 'alice' (first at line 8)"},
    // rosters
    {"{random: {reps: [alice], team: dach}}",
     "leadd.yaml:8:48: rules[0].assign.random: 'reps' and 'team' exclude each other; keep one"},
    {"{territory: {team: sale}}",
     "leadd.yaml:8:42: rules[0].assign.territory.team: unknown team 'sale', did you mean "
     "'sales'?"},
    {"{random: {team: marketing}}",
     "leadd.yaml:8:39: rules[0].assign.random.team: unknown team 'marketing'; no rep lists it "
     "in its teams"},
    {"{least_loaded: {reps: [bobb]}}",
     "leadd.yaml:8:46: rules[0].assign.least_loaded.reps[0]: unknown rep 'bobb', did you mean "
     "'bob'?"},
    {"{least_loaded: {}}",
     "leadd.yaml:8:38: rules[0].assign.least_loaded: missing required key 'reps' or 'team'"},
    // the strategy itself
    {"{round_robin: {reps: [alice]}, random: {team: dach}}",
     "leadd.yaml:8:54: rules[0].assign: names more than one strategy ('round_robin', "
     "'random'); a rule assigns by one, keep one"},
    {"{}",
     "leadd.yaml:8:23: rules[0].assign: names no strategy; expected owner, territory, random, "
     "least_loaded, or a mapping naming one of round_robin, territory, random, least_loaded, "
     "weighted, field, account_owner, top"},
    {"{least_busy: {}}",
     "leadd.yaml:8:24: rules[0].assign: unknown strategy 'least_busy'; expected one of "
     "round_robin, territory, random, least_loaded, weighted, field, account_owner, top"},
    {"randm", "leadd.yaml:8:23: rules[0].assign: unknown strategy 'randm', did you mean 'random'?"},
    {"busiest",
     "leadd.yaml:8:23: rules[0].assign: unknown strategy 'busiest'; expected owner, territory, "
     "random, least_loaded, or a mapping naming one of round_robin, territory, random, "
     "least_loaded, weighted, field, account_owner, top"},
    {"[owner]",
     "leadd.yaml:8:23: rules[0].assign: expected owner, territory, random, least_loaded, or a "
     "mapping naming one of round_robin, territory, random, least_loaded, weighted, field, "
     "account_owner, top, got a list"},
    {"round_robin",
     "leadd.yaml:8:23: rules[0].assign: round_robin needs its reps: write {round_robin: {reps: "
     "[alice, bob]}} or {round_robin: {team: sales}}"},
    {"weighted",
     "leadd.yaml:8:23: rules[0].assign: weighted needs its reps and weights: write {weighted: "
     "{alice: 2, bob: 1}}"},
    {"field",
     "leadd.yaml:8:23: rules[0].assign: field needs the lead field that names the rep: write "
     "{field: received_by}"},
    {"account_owner",
     "leadd.yaml:8:23: rules[0].assign: account_owner needs a marketplace: write "
     "{account_owner: alibaba}"},
    {"top",
     "leadd.yaml:8:23: rules[0].assign: top needs the metric that ranks the reps: write {top: "
     "{metric: weekly_score}}"},
    // top (this file defines no metrics)
    {"{top: {metric: weekly_score}}",
     "leadd.yaml:8:38: rules[0].assign.top.metric: unknown metric 'weekly_score'; define it "
     "under `metrics:`"},
    {"{top: {team: sales}}", "leadd.yaml:8:29: rules[0].assign.top: missing required key 'metric'"},
};

// The rules of `WithAssign`, after a `metrics:` section: the rule is then on line 11.
std::string WithMetricsAndAssign(std::string_view assign) {
  return Head().substr(0, Head().rfind("rules:\n")) +
         "metrics:\n"
         "  weekly_score: {window: week}\n"
         "  marketplace_inquiries: {window: month, count: {channel: marketplace}}\n"
         "rules:\n"
         "  - {name: r, assign: " +
         std::string(assign) + "}\n";
}

TEST_F(StrategyConfigTest, OnDutyOnlyIsARuleSwitch) {
  const auto on = Load(Head() + "  - {name: r, on_duty_only: true, assign: random}\n");
  ASSERT_TRUE(on.settings) << ::testing::PrintToString(testing::Formatted(on));
  EXPECT_TRUE(on.settings->rules.front().on_duty_only);
  const auto off = Load(WithAssign("random"));
  ASSERT_TRUE(off.settings);
  EXPECT_FALSE(off.settings->rules.front().on_duty_only);
  EXPECT_THAT(Problems(Head() + "  - {name: r, on_duty_only: yes, assign: random}\n"),
              ElementsAre("leadd.yaml:8:29: rules[0].on_duty_only: unknown value 'yes'; expected "
                          "one of false, true"));
}

TEST_F(StrategyConfigTest, TopRanksARosterOrEveryRepByAMetric) {
  const auto team = LoadedAs<TopStrategy>(
      Load(WithMetricsAndAssign("{top: {metric: weekly_score, team: sales, among: 2}}")));
  EXPECT_EQ(team.metric, "weekly_score");
  EXPECT_THAT(team.reps, ElementsAre("alice", "bob"));
  EXPECT_EQ(team.among, 2u);
  const auto everyone =
      LoadedAs<TopStrategy>(Load(WithMetricsAndAssign("{top: {metric: marketplace_inquiries}}")));
  EXPECT_THAT(everyone.reps, ElementsAre("carol", "alice", "bob"));
  EXPECT_EQ(everyone.among, 1u);
}

TEST_F(StrategyConfigTest, TopMistakesAreReportedWhereTheyAre) {
  EXPECT_THAT(Problems(WithMetricsAndAssign("{top: {metric: weekly_scor}}")),
              ElementsAre("leadd.yaml:11:38: rules[0].assign.top.metric: unknown metric "
                          "'weekly_scor', did you mean 'weekly_score'?"));
  EXPECT_THAT(Problems(WithMetricsAndAssign("{top: {metric: weekly_score, among: 0}}")),
              ElementsAre("leadd.yaml:11:59: rules[0].assign.top.among: must be at least 1: the "
                          "best rep is always among them"));
  EXPECT_THAT(Problems(WithMetricsAndAssign("{top: {metric: weekly_score, reps: [alice], team: "
                                            "sales}}")),
              ElementsAre("leadd.yaml:11:67: rules[0].assign.top: 'reps' and 'team' exclude each "
                          "other; keep one"));
}

TEST_F(StrategyConfigTest, EachMistakeIsReportedWhereItIs) {
  for (const auto& [assign, problem] : kMistakes) {
    EXPECT_THAT(Problems(WithAssign(assign)), ElementsAre(std::string(problem))) << assign;
  }
}

// Lines 1 to 3; each test's reps start on line 4.
std::string RepsHead() { return std::string(testing::kVersionAndTokens) + "reps:\n"; }

std::string WithReps(std::string_view reps) {
  return RepsHead() + std::string(reps) + "rules: [{name: r, assign: owner}]\n";
}

TEST_F(StrategyConfigTest, RepFieldMistakesAreReportedWhereTheyAre) {
  EXPECT_THAT(
      Problems(WithReps("  - {id: a, regions: [DE, \"\"]}\n"
                        "  - {id: b, regions: DE}\n"
                        "  - {id: c, accounts: {Alibaba: x, indiamart: [y]}}\n"
                        "  - {id: d, accounts: [alibaba]}\n"
                        "  - {id: e, capacity: 0}\n"
                        "  - {id: f, capacity: -1}\n"
                        "  - {id: g, capacity: 4294967296}\n")),
      ElementsAre(
          "leadd.yaml:4:27: reps[0].regions[1]: must not be empty",
          "leadd.yaml:5:22: reps[1].regions: expected a list, got 'DE'",
          "leadd.yaml:6:24: reps[2].accounts: expected a marketplace name of lower-case "
          "letters, digits, '.', '_' and '-', starting with a letter or digit, got 'Alibaba'",
          "leadd.yaml:6:47: reps[2].accounts.indiamart: expected text, got a list",
          "leadd.yaml:7:23: reps[3].accounts: expected a mapping of marketplace names, got a "
          "list",
          "leadd.yaml:8:23: reps[4].capacity: must be at least 1 (the most open leads the rep "
          "may hold); leave capacity out for no limit",
          "leadd.yaml:9:23: reps[5].capacity: expected a whole number, got '-1'",
          "leadd.yaml:10:23: reps[6].capacity: must be at most 4294967295"));
}

TEST_F(StrategyConfigTest, TwoRepsClaimingOneAccountPointsAtTheSecond) {
  EXPECT_THAT(Problems(WithReps("  - {id: a, accounts: {alibaba: shared, indiamart: \"7\"}}\n"
                                "  - {id: b, accounts: {alibaba: own}}\n"
                                "  - {id: c, accounts: {alibaba: shared}}\n")),
              ElementsAre("leadd.yaml:6:33: reps[2].accounts.alibaba: duplicate account "
                          "'shared' on 'alibaba' (first at line 4, rep 'a')"));
}

TEST_F(StrategyConfigTest, AccountsDifferingOnlyInCaseAreOneAccount) {
  // The router matches a lead's account without ASCII case, so these two would both claim it.
  EXPECT_THAT(Problems(WithReps("  - {id: a, accounts: {alibaba: Sales_One}}\n"
                                "  - {id: b, accounts: {alibaba: sales_one}}\n")),
              ElementsAre("leadd.yaml:5:33: reps[1].accounts.alibaba: duplicate account "
                          "'sales_one' on 'alibaba' (first at line 4, rep 'a')"));
}

TEST_F(StrategyConfigTest, OneAccountNameOnTwoMarketplacesIsTwoAccounts) {
  EXPECT_THAT(Problems(WithReps("  - {id: a, accounts: {alibaba: sales1}}\n"
                                "  - {id: b, accounts: {indiamart: sales1}}\n")),
              IsEmpty());
}

TEST_F(StrategyConfigTest, AnUnreadableMarketplaceTurnsTheAccountOwnerCheckOff) {
  // The unreadable key might have been `indiamart`: "no rep lists an account on" would guess.
  EXPECT_THAT(Problems(RepsHead() + "  - {id: a, accounts: {[x]: y}}\n"
                                    "rules: [{name: r, assign: {account_owner: indiamart}}]\n"),
              ElementsAre("leadd.yaml:4:24: reps[0].accounts: expected a marketplace name, got "
                          "a list"));
}

TEST_F(StrategyConfigTest, SeveralProblemsAreReportedAtOnce) {
  EXPECT_THAT(
      Problems(Head() + "  - {name: a, assign: {weighted: {alice: 0, zed: 1}}}\n"
                        "  - {name: b, assign: {territory: {reps: [carl]}}}\n"
                        "  - {name: c, assign: {field: estimated_value}}\n"
                        "  - {name: d, assign: {account_owner: amazon}}\n"
                        "  - {name: e, assign: {random: {team: dach}, weighted: {bob: 1}}}\n"),
      ElementsAre(
          "leadd.yaml:8:42: rules[0].assign.weighted.alice: must be at least 1; leave the rep "
          "out to give them none",
          "leadd.yaml:8:45: rules[0].assign.weighted.zed: unknown rep 'zed'",
          "leadd.yaml:9:43: rules[1].assign.territory.reps[0]: unknown rep 'carl', did you mean "
          "'carol'?",
          "leadd.yaml:10:31: rules[2].assign.field: estimated_value is a number, and a number "
          "cannot name a rep; name a text field such as received_by",
          "leadd.yaml:11:39: rules[3].assign.account_owner: no rep lists an account on 'amazon'",
          "leadd.yaml:12:46: rules[4].assign: names more than one strategy ('random', "
          "'weighted'); a rule assigns by one, keep one"));
}

TEST_F(StrategyConfigTest, TheExpansionCapCountsStrategiesOverEveryRep) {
  // 1001 rules over every one of 1000 reps: the first 1000 fill the cap of a million entries.
  std::string text = RepsHead();
  for (int i = 0; i < 1000; ++i) text += "  - {id: r" + std::to_string(i) + "}\n";
  text += "rules:\n";
  for (int i = 0; i < 1001; ++i) {
    text += "  - {name: n" + std::to_string(i) + ", assign: least_loaded}\n";
  }
  EXPECT_THAT(Problems(text),
              ElementsAre("leadd.yaml:2005:27: rules[1000].assign: the rules' teams and rep lists "
                          "would hold more than 1000000 reps in all; use fewer rules over large "
                          "teams or over every rep"));
}

}  // namespace
}  // namespace leadd::config
