// The pure parts of `leadctl report`: flags to the request, the answer to tables.
#include "cli/report_commands.h"

#include <gtest/gtest.h>

namespace leadd::cli {
namespace {

TEST(ReportTargetTest, FlagsBecomeTheQuery) {
  bool as_json = false;
  auto target = ReportTarget({"distribution", "--since", "30d"}, as_json);
  ASSERT_TRUE(target) << target.error().detail;
  EXPECT_EQ(target.value(), "/v1/reports/distribution?since=30d");
  EXPECT_FALSE(as_json);
  target = ReportTarget({"distribution", "--until", "7d", "--since", "1d12h", "--json"}, as_json);
  ASSERT_TRUE(target) << target.error().detail;
  EXPECT_EQ(target.value(), "/v1/reports/distribution?since=1d12h&until=7d");
  EXPECT_TRUE(as_json);
}

TEST(ReportTargetTest, RefusesWhatIsNotAReportRequest) {
  bool as_json = false;
  const auto refused = [&](const std::vector<std::string>& args) {
    const auto target = ReportTarget(args, as_json);
    return target ? std::string() : target.error().detail;
  };
  EXPECT_EQ(refused({"distribution"}), "--since is required (e.g. --since 30d)");
  EXPECT_EQ(refused({"sales", "--since", "1d"}), "the reports are 'distribution' and 'shadow'");
  EXPECT_EQ(refused({"distribution", "--since", "1d&until=2d"}),
            "--since takes a duration such as 30d");
  EXPECT_EQ(refused({"distribution", "--since", "1d", "--until", "x y"}),
            "--until takes a duration such as 7d");
  EXPECT_EQ(refused({"distribution", "--since"}), "--since needs a value");
  EXPECT_EQ(refused({"distribution", "--by", "rep"}), "unknown option --by");
}

TEST(FormatDistributionTest, PrintsTablesPerRepRuleAndSource) {
  const auto page = FormatDistribution(
      R"({"since":"2026-10-25T07:00:00Z","until":"2026-11-24T07:00:00Z",)"
      R"("reaches_back_to":"2026-11-01T00:00:00Z","unreadable_entries":2,)"
      R"("totals":{"ingested":12,"routed":10,"pooled":2,"given":1,"claimed":1,"bounced":1},)"
      R"("reps":[{"rep":"alice","routed":7,"by_rule":{"territory":5,"everyone":2},"given":0,)"
      R"("claimed":1,"bounced":0,"received":8},{"rep":"bob","routed":3,"by_rule":)"
      R"({"everyone":3},"given":1,"claimed":0,"bounced":1,"received":4}],)"
      R"("rules":[{"rule":"territory","routed":5},{"rule":"everyone","routed":5}],)"
      R"("sources":[{"source":"alibaba","ingested":2,"routed":2,"pooled":0},)"
      R"({"source":"web","ingested":10,"routed":8,"pooled":2}]})");
  ASSERT_TRUE(page) << page.error().detail;
  EXPECT_EQ(page.value(),
            "Lead distribution from 2026-10-25T07:00:00Z to 2026-11-24T07:00:00Z\n"
            "(the audit stream only reaches back to 2026-11-01T00:00:00Z: what happened before "
            "is not counted)\n"
            "(2 unreadable audit entries were skipped)\n"
            "\n"
            "By rep\n"
            "  rep    routed  given  claimed  received  bounced  routed by rule\n"
            "  alice       7      0        1         8        0  territory 5, everyone 2\n"
            "  bob         3      1        0         4        1  everyone 3\n"
            "\n"
            "By rule\n"
            "  rule       routed\n"
            "  territory       5\n"
            "  everyone        5\n"
            "\n"
            "By source\n"
            "  source   ingested  routed  pooled\n"
            "  alibaba         2       2       0\n"
            "  web            10       8       2\n"
            "\n"
            "Ingested 12, routed 10, left in the pool 2, given by an admin 1, claimed 1, "
            "bounced 1\n");
  EXPECT_FALSE(FormatDistribution(R"({"error":"no"})"));
  EXPECT_FALSE(FormatDistribution("not json"));
}

TEST(ReportTargetTest, ShadowTakesTheSameWindow) {
  bool as_json = false;
  const auto target = ReportTarget({"shadow", "--since", "7d", "--json"}, as_json);
  ASSERT_TRUE(target) << target.error().detail;
  EXPECT_EQ(target.value(), "/v1/reports/shadow?since=7d");
  EXPECT_TRUE(as_json);
}

TEST(FormatShadowTest, PrintsTotalsCountsAndTheDifferences) {
  const auto page = FormatShadow(
      R"({"since":"2026-11-17T07:00:00Z","until":"2026-11-24T07:00:00Z","leads":4,)"
      R"("same_rep":1,"other_rep":1,"shadow_pooled":1,"shadow_assigned":1,"both_pooled":0,)"
      R"("reps":[{"rep":"alice","live":3,"shadow":1},{"rep":"bob","live":0,"shadow":2}],)"
      R"("rules":[{"rule":"web","live":3,"shadow":0},{"rule":"web-rr","live":0,"shadow":3}],)"
      R"("differences":[{"lead":"L-2","live_rep":"alice","shadow_rep":"bob",)"
      R"("shadow_rule":"web-rr"},{"lead":"L-3","live_rep":"alice","shadow_rep":"",)"
      R"("shadow_rule":""}],"more_differences":1})");
  ASSERT_TRUE(page) << page.error().detail;
  EXPECT_EQ(page.value(),
            "Shadow rules against the live ones from 2026-11-17T07:00:00Z to "
            "2026-11-24T07:00:00Z\n"
            "\n"
            "Leads compared 4: same rep 1, another rep 1, to the pool while live assigned 1, to a "
            "rep while live pooled 1, pooled by both 0\n"
            "\n"
            "By rep\n"
            "  rep    live  shadow  change\n"
            "  alice     3       1      -2\n"
            "  bob       0       2      +2\n"
            "\n"
            "By rule\n"
            "  rule    live  shadow  change\n"
            "  web        3       0      -3\n"
            "  web-rr     0       3      +3\n"
            "\n"
            "Differences\n"
            "  lead  live rep  shadow rep  shadow rule\n"
            "  L-2   alice     bob         web-rr\n"
            "  L-3   alice     (pool)\n"
            "  and 1 more\n");
  EXPECT_FALSE(FormatShadow(R"({"error":"no"})"));
}

}  // namespace
}  // namespace leadd::cli
