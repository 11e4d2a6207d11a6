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

// A lead without an email, as a form or a list gives one.
Lead Without(std::string phone, std::string company, std::string country = "DE") {
  Lead lead = From("");
  lead.phone = std::move(phone);
  lead.company = std::move(company);
  lead.country = std::move(country);
  return lead;
}

TEST(DryRunTest, ACustomerIsFoundByPhoneAndCompanyNameAsTheDaemonFindsIt) {
  DryRun run(Settings({{"owner", config::OwnerStrategy{}},
                       {"rotate", config::RoundRobinStrategy{{"alice", "bob"}}}}));
  EXPECT_EQ(run.Route(Without("+49 30 1234 5678", "Müller Präzisionstechnik GmbH")).rep, "alice");
  EXPECT_EQ(run.Route(Without("+49 89 9999 0000", "Schmidt AG")).rep, "bob");
  // The same phone written another way, and no company.
  const auto by_phone = run.Route(Without("030 12345678", ""));
  EXPECT_EQ(by_phone.rep, "alice");
  EXPECT_EQ(by_phone.decision.rule, "owner");
  EXPECT_THAT(by_phone.decision.trace[0].outcome, HasSubstr("owner 'alice'"));
  // The company name alone, in capitals and without its legal form.
  EXPECT_EQ(run.Route(Without("", "MÜLLER PRÄZISIONSTECHNIK")).rep, "alice");
  // A customer nobody registered takes the rotation's next turn.
  EXPECT_EQ(run.Route(Without("+49 40 5555 1212", "Hafen KG")).rep, "alice");
}

TEST(DryRunTest, ACustomerLearnsTheKeysOfItsOwnersLeads) {
  DryRun run(Settings({{"owner", config::OwnerStrategy{}},
                       {"rotate", config::RoundRobinStrategy{{"alice", "bob"}}}}));
  Lead first = From("einkauf@mueller-praezision.de");
  EXPECT_EQ(run.Route(first).rep, "alice");
  // Her customer's lead from a new phone: hers by the email, and the phone is learnt.
  Lead second = first;
  second.phone = "+49 89 5555 0100";
  second.country = "DE";
  EXPECT_EQ(run.Route(second).rep, "alice");
  // The phone alone now finds the customer; before, it would have taken bob's turn.
  EXPECT_EQ(run.Route(Without("089 55550100", "")).rep, "alice");
  EXPECT_EQ(run.Route(Without("+49 40 5555 1212", "")).rep, "bob");
}

TEST(DryRunTest, ANameAloneFindsNobody) {
  DryRun run(Settings({{"owner", config::OwnerStrategy{}},
                       {"rotate", config::RoundRobinStrategy{{"alice", "bob"}}}}));
  Lead person = Without("+44 113 496 0000", "", "GB");
  person.contact_name = "Jonathan Whitaker";
  EXPECT_EQ(run.Route(person).rep, "alice");
  Lead namesake = From("");
  namesake.contact_name = "Jonathan Whitaker";
  namesake.country = "GB";
  EXPECT_EQ(run.Route(namesake).rep, "bob");
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
  // Three companies (one company domain would make them one customer).
  run.Route(From("a@alpha.example"));
  run.Route(From("b@beta.example"));
  Lead card = From("c@gamma.example");  // bob is full
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
