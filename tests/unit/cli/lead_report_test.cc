#include "cli/lead_report.h"

#include <gtest/gtest.h>

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
}

}  // namespace
}  // namespace leadd::cli
