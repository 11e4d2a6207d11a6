// Distribute: the audit events of a window, counted per rep, rule and source.
#include "router/distribution.h"

#include <gtest/gtest.h>

#include <map>
#include <string>
#include <vector>

namespace leadd::router {
namespace {

AuditEvent Event(std::string lead, std::string event, std::string rep = "", std::string rule = "",
                 std::string by = "router") {
  return AuditEvent{std::move(lead), std::move(event), 0,
                    std::move(rep),  std::move(rule),  std::move(by)};
}

const std::map<std::string, std::string, std::less<>> kSources = {
    {"L-1", "web"}, {"L-2", "alibaba"}, {"L-3", "web"}, {"L-4", "expo"}};

std::string_view SourceOf(std::string_view lead) {
  const auto found = kSources.find(lead);
  return found == kSources.end() ? std::string_view() : std::string_view(found->second);
}

TEST(DistributionTest, CountsEachWayALeadReachesOrLeavesARep) {
  const std::vector<AuditEvent> events = {
      Event("L-1", "ingested", "", "", "intake"),
      Event("L-1", "assigned", "alice", "territory"),
      Event("L-2", "ingested", "", "", "intake"),
      Event("L-2", "assigned", "bob", "main-account"),
      Event("L-3", "ingested", "", "", "intake"),
      Event("L-3", "pooled"),
      Event("L-3", "claimed", "bob", "", "bob"),
      Event("L-1", "accepted", "alice", "", "alice"),  // a later step: not counted
      Event("L-2", "bounced", "bob", "", "sla"),
      Event("L-2", "assigned", "alice", "main-account"),  // re-routed after the bounce
      Event("L-4", "reassigned", "carol", "", "admin"),   // ingested before the window
      Event("", "away", "dave", "", "admin"),             // a rep's own event
  };
  const auto report = Distribute(events, {"alice", "bob", "carol", "dave"},
                                 {"territory", "main-account", "everyone"}, SourceOf);

  ASSERT_EQ(report.reps.size(), 4u);
  const auto& alice = report.reps[0];
  EXPECT_EQ(alice.rep, "alice");
  EXPECT_EQ(alice.routed, 2u);
  EXPECT_EQ(alice.routed_by_rule, (std::map<std::string, std::size_t, std::less<>>{
                                      {"main-account", 1}, {"territory", 1}}));
  const auto& bob = report.reps[1];
  EXPECT_EQ((std::vector<std::size_t>{bob.routed, bob.claimed, bob.bounced, bob.Received()}),
            (std::vector<std::size_t>{1, 1, 1, 2}));
  EXPECT_EQ(report.reps[2].given, 1u);
  EXPECT_EQ(report.reps[3].Received(), 0u);  // listed although idle: the team sees everyone

  ASSERT_EQ(report.rules.size(), 3u);
  EXPECT_EQ(report.rules[1].rule, "main-account");
  EXPECT_EQ(report.rules[1].routed, 2u);
  EXPECT_EQ(report.rules[2].routed, 0u);

  ASSERT_EQ(report.sources.size(), 3u);  // by name
  EXPECT_EQ(report.sources[0].source, "alibaba");
  EXPECT_EQ(report.sources[0].routed, 2u);
  EXPECT_EQ(report.sources[1].source, "expo");
  EXPECT_EQ(report.sources[1].ingested, 0u);
  EXPECT_EQ(report.sources[2].source, "web");
  EXPECT_EQ((std::vector<std::size_t>{report.sources[2].ingested, report.sources[2].routed,
                                      report.sources[2].pooled}),
            (std::vector<std::size_t>{2, 1, 1}));

  EXPECT_EQ((std::vector<std::size_t>{report.ingested, report.routed, report.pooled, report.given,
                                      report.claimed, report.bounced}),
            (std::vector<std::size_t>{3, 3, 1, 1, 1, 1}));
}

TEST(DistributionTest, NamesNoLongerConfiguredComeAfterTheConfiguredOnes) {
  const std::vector<AuditEvent> events = {Event("L-1", "assigned", "zoe", "old-rule"),
                                          Event("L-9", "assigned", "alice", "everyone")};
  const auto report = Distribute(events, {"alice"}, {"everyone"}, SourceOf);
  ASSERT_EQ(report.reps.size(), 2u);
  EXPECT_EQ(report.reps[1].rep, "zoe");
  ASSERT_EQ(report.rules.size(), 2u);
  EXPECT_EQ(report.rules[1].rule, "old-rule");
  // A lead whose hash is gone still counts, under an unknown source.
  ASSERT_EQ(report.sources.size(), 2u);
  EXPECT_EQ(report.sources[0].source, "(unknown)");
}

TEST(DistributionTest, OnlyTheRoutersAssignmentsCountAsRouted) {
  const std::vector<AuditEvent> events = {Event("L-1", "assigned", "alice", "x", "someone-else")};
  const auto report = Distribute(events, {"alice"}, {}, SourceOf);
  EXPECT_EQ(report.routed, 0u);
  EXPECT_TRUE(LeadsNeedingSource(events).empty());
}

TEST(DistributionTest, AnOfferCountsForTheRepWhoTookItByTheRulesName) {
  const std::vector<AuditEvent> events = {
      Event("L-1", "ingested", "", "", "intake"),
      Event("L-1", "offered", "alice", "main-account"),
      Event("L-1", "declined", "alice", "", "alice"),
      Event("L-1", "offered", "bob", "main-account", "alice"),
      Event("L-1", "taken", "bob", "main-account", "bob"),
  };
  const auto report = Distribute(events, {"alice", "bob"}, {"main-account"}, SourceOf);
  EXPECT_EQ(report.routed, 1u);
  ASSERT_EQ(report.reps.size(), 2u);
  EXPECT_EQ(report.reps[0].routed, 0u);
  EXPECT_EQ(report.reps[1].routed, 1u);
  ASSERT_EQ(report.rules.size(), 1u);
  EXPECT_EQ(report.rules[0].routed, 1u);
}

TEST(DistributionTest, EachLeadNeedsItsSourceLookedUpOnce) {
  const std::vector<AuditEvent> events = {
      Event("L-1", "ingested", "", "", "intake"), Event("L-1", "assigned", "alice", "x"),
      Event("L-2", "accepted", "bob", "", "bob"), Event("L-3", "claimed", "bob", "", "bob")};
  EXPECT_EQ(LeadsNeedingSource(events), (std::vector<std::string>{"L-1", "L-3"}));
}

}  // namespace
}  // namespace leadd::router
