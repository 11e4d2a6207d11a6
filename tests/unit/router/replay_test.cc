// Replay: the leads of a window, routed as a dry run routes them, set against what the daemon
// did with them.
#include "router/replay.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace leadd::router {
namespace {

AuditEvent Event(std::string lead, std::string event, std::string rep = "", std::string rule = "",
                 std::string by = "router") {
  return AuditEvent{std::move(lead), std::move(event), 0,
                    std::move(rep),  std::move(rule),  std::move(by)};
}

TEST(LeadsToReplayTest, ArrivalOrderAndTheRoutersFirstMove) {
  const std::vector<AuditEvent> events = {
      Event("L-7", "assigned", "alice", "x"),  // ingested before the window: left out
      Event("L-8", "ingested", "", "", "intake"),
      Event("L-9", "ingested", "", "", "intake"),
      Event("L-9", "pooled"),
      Event("L-8", "assigned", "bob", "everyone"),
      Event("L-8", "bounced", "bob", "", "sla"),
      Event("L-8", "assigned", "carol", "everyone"),  // after the bounce: not the first
      Event("L-10", "ingested", "", "", "intake"),
      Event("L-10", "reassigned", "dave", "", "admin"),  // not the router's: still waiting
      Event("L-9", "claimed", "bob", "", "bob"),
      Event("L-11", "ingested", "", "", "intake"),
      Event("L-11", "offered", "erin", "web"),  // an offer: for the first rep asked
      Event("L-11", "taken", "erin", "web", "erin"),
  };
  const auto leads = LeadsToReplay(events);
  ASSERT_EQ(leads.size(), 4u);
  EXPECT_EQ(leads[3].before.outcome, FirstRouting::Outcome::kAssigned);
  EXPECT_EQ(leads[3].before.rep, "erin");
  EXPECT_EQ(leads[3].before.rule, "web");
  EXPECT_EQ(leads[0].lead, "L-8");
  EXPECT_EQ(leads[0].before.outcome, FirstRouting::Outcome::kAssigned);
  EXPECT_EQ(leads[0].before.rep, "bob");
  EXPECT_EQ(leads[0].before.rule, "everyone");
  EXPECT_EQ(leads[1].lead, "L-9");
  EXPECT_EQ(leads[1].before.outcome, FirstRouting::Outcome::kPooled);
  EXPECT_EQ(leads[2].lead, "L-10");
  EXPECT_EQ(leads[2].before.outcome, FirstRouting::Outcome::kWaiting);
}

config::Rep MakeRep(std::string id) {
  config::Rep rep;
  rep.id = std::move(id);
  return rep;
}

Lead LeadOf(std::string id, std::string source, std::string country) {
  Lead lead;
  lead.id = std::move(id);
  lead.source = std::move(source);
  lead.country = std::move(country);
  lead.phone = "+1 555 0100";
  return lead;
}

config::Condition ForCountry(std::string country) {
  return config::Condition{
      config::FieldTest{config::LeadField::kCountry, config::OneOf{{std::move(country)}, false}}};
}

TEST(ReplayTest, SetsTheNewRulesBesideWhatHappened) {
  // The new rules: Germany goes to carol, everyone else to alice; bob has left the rules.
  config::DaemonSettings settings;
  settings.reps = {MakeRep("alice"), MakeRep("carol")};
  settings.rules = {{"german", config::RoundRobinStrategy{{"carol"}}, ForCountry("DE")},
                    {"everyone", config::RoundRobinStrategy{{"alice"}}}};
  Replay replay(settings);
  const auto routed = [](std::string rep, std::string rule) {
    return FirstRouting{FirstRouting::Outcome::kAssigned, std::move(rep), std::move(rule)};
  };
  replay.Route(LeadOf("L-1", "web", "DE"), routed("bob", "territory"));
  replay.Route(LeadOf("L-2", "web", "FR"), routed("alice", "everyone"));
  const auto pooled = replay.Route(LeadOf("L-3", "expo", "DE"),
                                   FirstRouting{FirstRouting::Outcome::kPooled, "", ""});
  EXPECT_EQ(pooled.lead_id, "D-3");  // numbered as a dry run numbers them
  replay.Route(LeadOf("L-4", "expo", "FR"), FirstRouting{});

  const auto report = replay.Report();
  EXPECT_EQ(report.leads, 4u);
  EXPECT_EQ(report.routed_before, 2u);
  EXPECT_EQ(report.unrouted_before, 1u);
  EXPECT_EQ(report.waiting, 1u);
  EXPECT_EQ(report.after.Routed(), 4u);

  ASSERT_EQ(report.by_rep.size(), 3u);
  EXPECT_EQ(report.by_rep[0].name, "alice");
  EXPECT_EQ((std::vector<std::size_t>{report.by_rep[0].before, report.by_rep[0].after}),
            (std::vector<std::size_t>{1, 2}));
  EXPECT_EQ(report.by_rep[1].name, "carol");
  EXPECT_EQ(report.by_rep[1].Change(), 2);
  EXPECT_EQ(report.by_rep[2].name, "bob");  // only in "before"
  EXPECT_EQ(report.by_rep[2].Change(), -1);

  ASSERT_EQ(report.by_rule.size(), 3u);
  EXPECT_EQ(report.by_rule[2].name, "territory");

  ASSERT_EQ(report.by_source.size(), 2u);
  EXPECT_EQ(report.by_source[0].name, "expo");
  EXPECT_EQ((std::vector<std::size_t>{report.by_source[0].before, report.by_source[0].after}),
            (std::vector<std::size_t>{0, 2}));

  // L-2 stays with alice and L-4 has no "before": neither changed.
  ASSERT_EQ(report.changed.size(), 2u);
  EXPECT_EQ(report.changed[0].lead, "L-1");
  EXPECT_EQ(report.changed[0].before_rep, "bob");
  EXPECT_EQ(report.changed[0].after.rep, "carol");
  EXPECT_EQ(report.changed[0].after.decision.rule, "german");
  EXPECT_EQ(report.changed[1].lead, "L-3");
  EXPECT_EQ(report.changed[1].before_rep, "");
}

}  // namespace
}  // namespace leadd::router
