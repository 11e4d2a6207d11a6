// The pure parts of `leadctl metric`: the body `set` sends and the ranking `show` prints.
#include "cli/metric_commands.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <sstream>

namespace leadd::cli {
namespace {

using ::testing::HasSubstr;

std::string Refusal(const std::vector<std::string>& assignments) {
  const auto body = MetricSetBody(assignments, std::nullopt, false);
  EXPECT_FALSE(body);
  return body ? std::string() : body.error().detail;
}

TEST(MetricSetBodyTest, WritesValuesAsNumbers) {
  const auto body =
      MetricSetBody({"alice=42.5", "bob=7", "carol=-0.25", "dave=1e3"}, "2026-W48", true);
  ASSERT_TRUE(body) << body.error().detail;
  EXPECT_EQ(body.value(),
            R"({"window":"2026-W48","values":{"alice":42.5,"bob":7,"carol":-0.25,"dave":1000},)"
            R"("replace":true})");
  EXPECT_EQ(MetricSetBody({"alice=1"}, std::nullopt, false).value(), R"({"values":{"alice":1}})");
}

TEST(MetricSetBodyTest, RefusesWhatIsNotRepEqualsNumber) {
  EXPECT_THAT(Refusal({"alice"}), HasSubstr("expected REP=VALUE, got alice"));
  EXPECT_THAT(Refusal({"=5"}), HasSubstr("expected REP=VALUE"));
  EXPECT_THAT(Refusal({"alice="}), HasSubstr("the value of alice is not a number"));
  EXPECT_THAT(Refusal({"alice=lots"}), HasSubstr("not a number: lots"));
  EXPECT_THAT(Refusal({"alice=5x"}), HasSubstr("not a number: 5x"));
  EXPECT_THAT(Refusal({"alice=nan"}), HasSubstr("not a number"));
  EXPECT_THAT(Refusal({"alice=inf"}), HasSubstr("not a number"));
  EXPECT_THAT(Refusal({"alice=1e999"}), HasSubstr("not a number"));
  EXPECT_THAT(Refusal({"alice=1", "alice=2"}), HasSubstr("alice is given twice"));
}

TEST(FormatMetricValuesTest, RanksHighestFirstWithSharedRanksForTies) {
  const auto shown = FormatMetricValues(
      R"({"metric":"score","window":"2026-W48","values":{"alice":7,"bob":42.5,"carol":7,)"
      R"("dave":-1}})");
  ASSERT_TRUE(shown) << shown.error().detail;
  EXPECT_EQ(shown.value(),
            "score  2026-W48\n"
            "   1  bob    42.5\n"
            "   2  alice  7\n"
            "   2  carol  7\n"
            "   4  dave   -1\n");
}

TEST(FormatMetricValuesTest, EmptyWindowAndBadAnswers) {
  EXPECT_EQ(FormatMetricValues(R"({"metric":"score","window":"2026-11","values":{}})").value(),
            "score  2026-11\n  no values\n");
  EXPECT_FALSE(FormatMetricValues("not json"));
  EXPECT_FALSE(FormatMetricValues(R"({"error":"no such metric"})"));
  EXPECT_FALSE(FormatMetricValues(R"({"values":{"alice":"7"}})"));
}

TEST(RunMetricCommandTest, UsageProblemsNeverReachTheDaemon) {
  // Nothing listens on port 9: a call that got as far as the daemon would exit 69, not 64.
  const AdminClient client("http://127.0.0.1:9", "token");
  const std::vector<std::vector<std::string>> bad = {
      {},
      {"show"},
      {"show", "score", "extra"},
      {"show", "score", "--replace"},
      {"set", "score"},
      {"set", "score", "alice=x"},
      {"set", "score", "alice=1", "--json"},
      {"set", "score", "alice=1", "--window"},
      {"show", "a/b"},
      {"show", "score", "--window", "2026-11&x=1"},
      {"show", "score", "--colour", "red"},
      {"drop", "score"},
  };
  for (const auto& args : bad) {
    std::ostringstream out;
    std::ostringstream err;
    EXPECT_EQ(RunMetricCommand(client, args, out, err), 64) << ::testing::PrintToString(args);
    EXPECT_THAT(err.str(), HasSubstr("usage:"));
    EXPECT_EQ(out.str(), "");
  }
}

}  // namespace
}  // namespace leadd::cli
