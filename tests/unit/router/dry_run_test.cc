// DryRun keeps in memory what Redis keeps live: owners, round-robin cursors, open leads.
#include "router/dry_run.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <set>
#include <string>
#include <utility>
#include <vector>

namespace leadd::router {
namespace {

using ::testing::ElementsAre;
using ::testing::Field;
using ::testing::HasSubstr;
using ::testing::Pair;

config::Rep MakeRep(std::string id, std::optional<std::uint32_t> capacity = std::nullopt) {
  config::Rep rep;
  rep.id = std::move(id);
  rep.capacity = capacity;
  return rep;
}

config::DaemonSettings Settings(std::vector<config::Rule> rules,
                                std::vector<config::Rep> reps = {MakeRep("alice"), MakeRep("bob"),
                                                                 MakeRep("carol")}) {
  config::DaemonSettings settings;
  settings.rules = std::move(rules);
  settings.reps = std::move(reps);
  return settings;
}

config::Condition ForCountry(std::string country) {
  return config::Condition{
      config::FieldTest{config::LeadField::kCountry, config::OneOf{{std::move(country)}, false}}};
}

Lead From(std::string email) {
  Lead lead;
  lead.source = "web";
  lead.email = std::move(email);
  return lead;
}

std::vector<std::pair<std::string, std::size_t>> Listed(
    const std::vector<DryRunSummary::Count>& counts) {
  std::vector<std::pair<std::string, std::size_t>> listed;
  for (const auto& count : counts) listed.emplace_back(count.name, count.leads);
  return listed;
}

// Where each of `count` leads without an email lands, in order ("" for the pool).
std::vector<std::string> RepsOf(DryRun& run, int count) {
  std::vector<std::string> reps;
  for (int i = 0; i < count; ++i) reps.push_back(run.Route(From("")).rep);
  return reps;
}

TEST(DryRunTest, AReturningCustomerGoesToTheRepItWasFirstAssignedTo) {
  DryRun run(Settings({{"owner", config::OwnerStrategy{}},
                       {"rotate", config::RoundRobinStrategy{{"alice", "bob"}}}}));
  EXPECT_EQ(run.Route(From("jane@acme.example")).rep, "alice");
  EXPECT_EQ(run.Route(From("li@shop.example")).rep, "bob");
  // The same customer however the address is written, as dedupe::EmailKey folds it.
  const auto again = run.Route(From(" mailto:Jane@ACME.example"));
  EXPECT_EQ(again.rep, "alice");
  EXPECT_EQ(again.decision.rule, "owner");
  EXPECT_EQ(again.decision.trace[0].outcome, "owner 'alice' by exact email match");
  EXPECT_EQ(run.Route(From("li@shop.example")).rep, "bob");
  // A new customer still takes the rotation's next turn: owners do not move the cursor.
  EXPECT_EQ(run.Route(From("new@example.org")).rep, "alice");
}

TEST(DryRunTest, TheFirstRepKeepsTheCustomerWhenALaterLeadGoesElsewhere) {
  // As HSETNX in the Function: a lead of hers that alice is too full to take does not hand
  // the customer to whoever took it.
  DryRun run(Settings({{"owner", config::OwnerStrategy{}},
                       {"rotate", config::RoundRobinStrategy{{"alice", "bob", "carol"}}}},
                      {MakeRep("alice", 1), MakeRep("bob"), MakeRep("carol")}));
  EXPECT_EQ(run.Route(From("jane@acme.example")).rep, "alice");
  EXPECT_EQ(run.Route(From("jane@acme.example")).rep, "carol");
  const auto third = run.Route(From("jane@acme.example"));
  EXPECT_EQ(third.rep, "bob");
  EXPECT_EQ(third.decision.rule, "rotate");
  EXPECT_EQ(third.decision.trace[0].outcome,
            "owner 'alice' by exact email match; skipped alice: at capacity (1 of 1)");
}

TEST(DryRunTest, LeadsWithoutAnEmailHaveNoOwner) {
  DryRun run(Settings({{"owner", config::OwnerStrategy{}},
                       {"rotate", config::RoundRobinStrategy{{"alice", "bob"}}}}));
  EXPECT_THAT(RepsOf(run, 3), ElementsAre("alice", "bob", "alice"));
  EXPECT_EQ(run.Summary().by_rule[0].leads, 0u);
}

TEST(DryRunTest, RoundRobinPicksByTheCountersTurnModuloTheEligibleReps) {
  // As the Function: pick = candidates[(INCR - 1) % n], over the candidates left after
  // capacity, so once alice is full the counter's 1, 2, 3 fall on carol, bob, carol.
  DryRun run(Settings({{"rotate", config::RoundRobinStrategy{{"alice", "bob", "carol"}}}},
                      {MakeRep("alice", 1), MakeRep("bob"), MakeRep("carol")}));
  EXPECT_THAT(RepsOf(run, 4), ElementsAre("alice", "carol", "bob", "carol"));
}

TEST(DryRunTest, EachCursorTurnsOnItsOwn) {
  config::Rule german{"german", config::RoundRobinStrategy{{"bob", "carol"}}};
  german.when = ForCountry("DE");
  DryRun run(Settings({german, {"rest", config::RoundRobinStrategy{{"alice", "bob", "carol"}}}}));
  std::vector<std::string> reps;
  for (const char* country : {"DE", "FR", "DE", "FR", "DE", "FR"}) {
    Lead lead = From("");
    lead.country = country;
    reps.push_back(run.Route(lead).rep);
  }
  EXPECT_THAT(reps, ElementsAre("bob", "alice", "carol", "bob", "bob", "carol"));
}

TEST(DryRunTest, AFullRepTakesNoMoreAndAFullTeamLeavesTheLeadInThePool) {
  DryRun run(Settings({{"rotate", config::RoundRobinStrategy{{"alice", "bob"}}}},
                      {MakeRep("alice", 1), MakeRep("bob", 2)}));
  EXPECT_THAT(RepsOf(run, 4), ElementsAre("alice", "bob", "bob", ""));
  const auto pooled = run.Route(From(""));
  EXPECT_FALSE(pooled.decision.Routed());
  EXPECT_EQ(pooled.rep, "");
  EXPECT_THAT(pooled.decision.trace[0].outcome, HasSubstr("skipped alice: at capacity (1 of 1)"));
  EXPECT_THAT(pooled.decision.trace[0].outcome, HasSubstr("skipped bob: at capacity (2 of 2)"));
}

TEST(DryRunTest, AnOfferCountsForTheFirstRepOfferedAndAPublicationForNobody) {
  config::Rule offered{"offered", config::LeastLoadedStrategy{{"alice", "bob"}}};
  offered.offer.mode = config::OfferMode::kOffer;
  offered.when = ForCountry("DE");
  config::Rule published{"published", config::RoundRobinStrategy{{"alice", "bob"}}};
  published.offer.mode = config::OfferMode::kPoolOnly;
  DryRun run(Settings({offered, published}));
  Lead german = From("");
  german.country = "DE";
  const auto first = run.Route(german);
  EXPECT_EQ(first.rep, "alice");
  EXPECT_THAT(first.decision.candidates, ElementsAre("alice", "bob"));
  EXPECT_EQ(run.Route(german).rep, "bob") << "alice holds the first";
  const auto pooled = run.Route(From(""));
  EXPECT_EQ(pooled.rep, "");
  EXPECT_EQ(pooled.decision.rule, "published");
  const auto summary = run.Summary();
  EXPECT_THAT(summary.by_rule, ElementsAre(Field(&DryRunSummary::Count::leads, 2),
                                           Field(&DryRunSummary::Count::leads, 1)));
  EXPECT_EQ(summary.unrouted, 0U);
}

TEST(DryRunTest, LeastLoadedCountsTheRunsOwnAssignments) {
  DryRun run(Settings({{"owner", config::OwnerStrategy{}},
                       {"least", config::LeastLoadedStrategy{{"alice", "bob"}}}}));
  EXPECT_EQ(run.Route(From("jane@acme.example")).rep, "alice");
  EXPECT_EQ(run.Route(From("jane@acme.example")).rep, "alice");  // her owner, not the least
  EXPECT_THAT(RepsOf(run, 3), ElementsAre("bob", "bob", "alice"));
}

TEST(DryRunTest, TheSummaryCountsEveryRepAndRuleInFileOrder) {
  config::Rule german{"german", config::RoundRobinStrategy{{"carol"}}};
  german.when = ForCountry("DE");
  DryRun run(Settings(
      {{"owner", config::OwnerStrategy{}}, german, {"rest", config::RoundRobinStrategy{{"bob"}}}},
      {MakeRep("carol"), MakeRep("bob", 2), MakeRep("alice")}));
  Lead german_lead = From("hans@example.de");
  german_lead.country = "DE";
  run.Route(german_lead);
  run.Route(german_lead);  // owner: carol
  run.Route(From("a@example.com"));
  run.Route(From("b@example.com"));
  Lead card = From("c@example.com");  // bob is full
  card.source = "expo";
  run.Route(card);
  const DryRunSummary summary = run.Summary();
  EXPECT_THAT(Listed(summary.by_rep),
              ElementsAre(Pair("carol", 2), Pair("bob", 2), Pair("alice", 0)));
  EXPECT_THAT(Listed(summary.by_rule),
              ElementsAre(Pair("owner", 1), Pair("german", 1), Pair("rest", 2)));
  // Every source seen, by name, even one none of whose leads was routed.
  EXPECT_THAT(Listed(summary.by_source), ElementsAre(Pair("expo", 0), Pair("web", 4)));
  EXPECT_EQ(summary.unrouted, 1u);
  EXPECT_EQ(summary.total, 5u);
  EXPECT_EQ(summary.Routed(), 4u);
}

TEST(DryRunTest, LeadsAreNumberedInInputOrderWhateverTheirIds) {
  DryRun run(Settings({{"rotate", config::RoundRobinStrategy{{"alice"}}}}, {MakeRep("alice", 0)}));
  Lead lead = From("");
  lead.id = "L-7";
  EXPECT_EQ(run.Route(lead).lead_id, "D-1");
  EXPECT_EQ(run.Route(lead).lead_id, "D-2");  // unrouted leads are numbered too
}

TEST(DryRunTest, WeightedPicksFollowTheDryRunIdAndRepeatRunToRun) {
  const auto settings = Settings({{"split", config::WeightedStrategy{{"alice", "bob"}, {1, 3}}}});
  const Router reference(settings.rules, settings.reps);
  DryRun first(settings);
  DryRun second(settings);
  std::set<std::string> chosen;
  for (int n = 1; n <= 40; ++n) {
    const auto rep = first.Route(From("")).rep;
    EXPECT_EQ(second.Route(From("")).rep, rep) << n;
    Lead numbered = From("");
    numbered.id = "D-" + std::to_string(n);
    EXPECT_THAT(reference.Decide(numbered, std::nullopt).candidates, ElementsAre(rep)) << n;
    chosen.insert(rep);
  }
  EXPECT_THAT(chosen, ElementsAre("alice", "bob"));
}

}  // namespace
}  // namespace leadd::router
