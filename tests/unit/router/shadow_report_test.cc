// CompareShadow: the shadow stream's entries summed up against the live routing.
#include "router/shadow_report.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace leadd::router {
namespace {

ShadowEntry Entry(std::string lead, std::string live_rep, std::string live_rule,
                  std::string shadow_rep, std::string shadow_rule) {
  return ShadowEntry{std::move(lead),       std::move(live_rep),    std::move(live_rule),
                     std::move(shadow_rep), std::move(shadow_rule), "round_robin"};
}

void ExpectCount(const ReplayCount& count, const std::string& name, std::size_t live,
                 std::size_t shadow) {
  EXPECT_EQ(count.name, name);
  EXPECT_EQ(count.before, live) << name;
  EXPECT_EQ(count.after, shadow) << name;
}

TEST(CompareShadowTest, SortsEachLeadIntoOneKindOfAgreement) {
  const auto report = CompareShadow(
      {Entry("L-1", "alice", "web", "alice", "web-rr"),
       Entry("L-2", "alice", "web", "bob", "web-rr"), Entry("L-3", "alice", "web", "", ""),
       Entry("L-4", "", "", "carol", "web-rr"), Entry("L-5", "", "", "", "")},
      10);
  EXPECT_EQ(report.leads, 5u);
  EXPECT_EQ(report.same_rep, 1u);
  EXPECT_EQ(report.other_rep, 1u);
  EXPECT_EQ(report.shadow_pooled, 1u);
  EXPECT_EQ(report.shadow_assigned, 1u);
  EXPECT_EQ(report.both_pooled, 1u);
}

TEST(CompareShadowTest, CountsRepsAndRulesLiveAgainstShadowByName) {
  const auto report = CompareShadow(
      {Entry("L-1", "alice", "web", "bob", "web-rr"),
       Entry("L-2", "alice", "web", "carol", "web-rr"),
       Entry("L-3", "alice", "web", "bob", "web-rr"), Entry("L-4", "", "", "alice", "owner")},
      10);
  ASSERT_EQ(report.by_rep.size(), 3u);
  ExpectCount(report.by_rep[0], "alice", 3, 1);
  ExpectCount(report.by_rep[1], "bob", 0, 2);
  ExpectCount(report.by_rep[2], "carol", 0, 1);
  // The pool is no rep and no rule.
  ASSERT_EQ(report.by_rule.size(), 3u);
  ExpectCount(report.by_rule[0], "owner", 0, 1);
  ExpectCount(report.by_rule[1], "web", 3, 0);
  ExpectCount(report.by_rule[2], "web-rr", 0, 3);
}

TEST(CompareShadowTest, ListsDifferencesInOrderUpToTheCapAndCountsTheRest) {
  const auto report =
      CompareShadow({Entry("L-1", "alice", "web", "alice", "web-rr"),
                     Entry("L-2", "alice", "web", "bob", "web-rr"),
                     Entry("L-3", "alice", "web", "", ""), Entry("L-4", "", "", "carol", "web-rr"),
                     Entry("L-5", "", "", "", ""), Entry("L-6", "bob", "web", "carol", "web-rr")},
                    2);
  ASSERT_EQ(report.differences.size(), 2u);
  EXPECT_EQ(report.differences[0].lead, "L-2");
  EXPECT_EQ(report.differences[0].live_rep, "alice");
  EXPECT_EQ(report.differences[0].shadow_rep, "bob");
  EXPECT_EQ(report.differences[0].shadow_rule, "web-rr");
  EXPECT_EQ(report.differences[1].lead, "L-3");
  EXPECT_EQ(report.differences[1].shadow_rep, "");
  // L-4 and L-6; agreements (L-1, and L-5 pooled by both) are no difference.
  EXPECT_EQ(report.more_differences, 2u);
}

TEST(CompareShadowTest, NothingRecordedIsAnEmptyReport) {
  const auto report = CompareShadow({}, 10);
  EXPECT_EQ(report.leads, 0u);
  EXPECT_TRUE(report.by_rep.empty());
  EXPECT_TRUE(report.differences.empty());
  EXPECT_EQ(report.more_differences, 0u);
}

}  // namespace
}  // namespace leadd::router
