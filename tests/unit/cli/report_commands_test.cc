// The pure parts of `leadctl report`: flags to the request, the answer to tables.
#include "cli/report_commands.h"

#include <gtest/gtest.h>

namespace leadd::cli {
namespace {

TEST(DistributionTargetTest, FlagsBecomeTheQuery) {
  bool as_json = false;
  auto target = DistributionTarget({"distribution", "--since", "30d"}, as_json);
  ASSERT_TRUE(target) << target.error().detail;
  EXPECT_EQ(target.value(), "/v1/reports/distribution?since=30d");
  EXPECT_FALSE(as_json);
  target =
      DistributionTarget({"distribution", "--until", "7d", "--since", "1d12h", "--json"}, as_json);
  ASSERT_TRUE(target) << target.error().detail;
  EXPECT_EQ(target.value(), "/v1/reports/distribution?since=1d12h&until=7d");
  EXPECT_TRUE(as_json);
}

TEST(DistributionTargetTest, RefusesWhatIsNotADistributionRequest) {
  bool as_json = false;
  const auto refused = [&](const std::vector<std::string>& args) {
    const auto target = DistributionTarget(args, as_json);
    return target ? std::string() : target.error().detail;
  };
  EXPECT_EQ(refused({"distribution"}), "--since is required (e.g. --since 30d)");
  EXPECT_EQ(refused({"sales", "--since", "1d"}), "the one report is 'distribution'");
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

}  // namespace
}  // namespace leadd::cli
