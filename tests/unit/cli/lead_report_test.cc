#include "cli/lead_report.h"

#include <gtest/gtest.h>

#include <string>
#include <string_view>

namespace leadd::cli {
namespace {

TEST(LeadReportTest, PrintsStateAssigneeDecisionAndHistory) {
  const auto report = FormatLeadReport(
      R"({"lead":{"id":"L-7","state":"assigned","assignee":"bob","rule":"everyone",)"
      R"("strategy":"round_robin","source":"web","channel":"api","email":"j@x.example",)"
      R"("received_at":"1704704400000","decision":{"trace":[)"
      R"({"rule":"existing-owner","strategy":"owner","outcome":"no owner on record"}]}},)"
      R"("history":[{"event":"ingested","at":1704704400000,"by":"intake"},)"
      R"({"event":"assigned","at":1704704401000,"rep":"bob","rule":"everyone","by":"router"}]})");
  ASSERT_TRUE(report) << report.error().detail;
  EXPECT_EQ(report.value(),
            "Lead L-7\n"
            "  state         assigned\n"
            "  assignee      bob\n"
            "  rule          everyone (round_robin)\n"
            "  source        web / api\n"
            "  email         j@x.example\n"
            "  received      2024-01-08 09:00:00Z\n"
            "Decision\n"
            "  existing-owner [owner]: no owner on record\n"
            "History\n"
            "  2024-01-08 09:00:00Z  ingested  by=intake\n"
            "  2024-01-08 09:00:01Z  assigned  rep=bob  rule=everyone  by=router\n");
}

TEST(LeadReportTest, RefusesAnswersOfAnotherShape) {
  EXPECT_FALSE(FormatLeadReport("not json"));
  EXPECT_FALSE(FormatLeadReport(R"({"error":"no such lead"})"));
  EXPECT_FALSE(FormatExplanation("not json"));
  EXPECT_FALSE(FormatExplanation(R"({"error":"no such lead"})"));
}

TEST(ExplanationTest, SaysWhichRuleChoseAndWhoWasPassedOver) {
  const auto page = FormatExplanation(
      R"json({"lead":{"id":"L-9","state":"accepted","assignee":"dave","source":"web",)json"
      R"json("email":"buyer@Example.COM","decision":{)json"
      R"json("rule":"inside-sales","strategy":"least_loaded","candidates":["dave"],"trace":[)json"
      R"json(["expo-cards","source"],["known-customers","match"],["partners","email_domain"],)json"
      R"json({"rule":"inside-sales","strategy":"least_loaded",)json"
      R"json("outcome":"least loaded of 2 reps; skipped carol: at capacity (2 of 2); dave (1 open)",)json"
      R"json("skipped":[{"rep":"carol","why":"at capacity (2 of 2)"}]}]}},"history":[]})json");
  ASSERT_TRUE(page) << page.error().detail;
  EXPECT_EQ(page.value(),
            "L-9 was routed by rule 'inside-sales' (least_loaded) to dave\n"
            "Now accepted, held by dave\n"
            "Rules, in order\n"
            "  1. expo-cards: not for this lead (source 'web')\n"
            "  2. known-customers: not for this lead (match: dedupe's finding)\n"
            "  3. partners: not for this lead (email_domain 'Example.COM')\n"
            "  4. inside-sales [least_loaded]: least loaded of 2 reps; skipped carol: at capacity "
            "(2 of 2); dave (1 open)\n"
            "Passed over\n"
            "  carol by inside-sales: at capacity (2 of 2)\n");
}

TEST(ExplanationTest, AnOfferARaceAndAPublicationSaySo) {
  const auto explain = [](std::string_view offer) {
    const auto page = FormatExplanation(
        R"({"lead":{"id":"L-5","state":"offered","decision":{"rule":"web","strategy":"top",)"
        R"("candidates":["bob","alice"],"trace":[],"offer":)" +
        std::string(offer) + R"(}},"history":[]})");
    EXPECT_TRUE(page) << page.error().detail;
    return page ? page.value() : std::string();
  };
  EXPECT_EQ(explain(R"({"mode":"offer","window_ms":600000})"),
            "L-5 was routed by rule 'web' (top) to bob, alice (offered one at a time, 600 s "
            "each, in this order)\nRules, in order\n");
  EXPECT_EQ(explain(R"({"mode":"race","window_ms":60000,"to":2})"),
            "L-5 was routed by rule 'web' (top) to bob, alice (a race: offered to the first 2 "
            "with room at once, 60 s to take it)\nRules, in order\n");
  EXPECT_EQ(explain(R"({"mode":"pool_only","pool":"vip"})"),
            "L-5 was routed by rule 'web' (top) to bob, alice (published to pool vip for them to "
            "claim)\nRules, in order\n");
}

TEST(ExplanationTest, ARotationAndAnUnroutedLeadSaySo) {
  const auto rotated = FormatExplanation(
      R"({"lead":{"id":"L-3","state":"assigned","assignee":"bob","decision":{"rule":"everyone",)"
      R"("strategy":"round_robin","candidates":["alice","bob"],"trace":[],"grade":"A",)"
      R"("grade_reason":"source 'expo' is expo"}},"history":[]})");
  ASSERT_TRUE(rotated) << rotated.error().detail;
  EXPECT_EQ(rotated.value(),
            "L-3 was routed by rule 'everyone' (round_robin) to alice, bob (in turn: the next in "
            "the rotation took it)\n"
            "Graded A: source 'expo' is expo\n"
            "Now assigned, held by bob\n"
            "Rules, in order\n");
  const auto unrouted = FormatExplanation(
      R"({"lead":{"id":"L-4","state":"pooled","decision":{"rule":"","strategy":"",)"
      R"("candidates":[],"trace":[{"rule":"known","strategy":"owner","outcome":"no owner on record"}]}},)"
      R"("history":[]})");
  ASSERT_TRUE(unrouted) << unrouted.error().detail;
  EXPECT_EQ(unrouted.value(),
            "L-4 was routed to nobody: no rule found a rep, so it waits in a pool\n"
            "Rules, in order\n"
            "  1. known [owner]: no owner on record\n");
  const auto fresh = FormatExplanation(R"({"lead":{"id":"L-5","state":"ingested"},"history":[]})");
  ASSERT_TRUE(fresh) << fresh.error().detail;
  EXPECT_EQ(fresh.value(), "L-5 has not been routed yet (state ingested)\n");
}

}  // namespace
}  // namespace leadd::cli
