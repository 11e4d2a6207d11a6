// The pure parts of `leadctl rep` and `leadctl reminders`: flags, answers and the lines printed.
#include <gtest/gtest.h>

#include "cli/command_args.h"
#include "cli/reminder_commands.h"
#include "cli/rep_commands.h"

namespace leadd::cli {
namespace {

TEST(ParseArgsTest, ValuesSwitchesAndPositionals) {
  std::string problem;
  const auto parsed =
      ParseArgs({"offboard", "alice", "--to", "bob"}, {"--to"}, {"--route"}, problem);
  ASSERT_TRUE(parsed) << problem;
  EXPECT_EQ(parsed->positional, (std::vector<std::string>{"offboard", "alice"}));
  EXPECT_EQ(parsed->values.at("--to"), "bob");
  EXPECT_FALSE(ParseArgs({"x", "--to"}, {"--to"}, {}, problem));
  EXPECT_EQ(problem, "--to needs a value");
  EXPECT_FALSE(ParseArgs({"x", "--route", "--route"}, {}, {"--route"}, problem));
  EXPECT_EQ(problem, "--route given twice");
  EXPECT_FALSE(ParseArgs({"x", "--force"}, {}, {}, problem));
  EXPECT_EQ(problem, "unknown option --force");
}

TEST(OffboardAnswerTest, ParsesAndSums) {
  const auto round = ParseOffboardAnswer(
      R"({"rep":"alice","to":"bob","newly_departed":true,"moved":{"direct":1,"in_person":2,)"
      R"("phone":3},"requeued":0,"closed_leads":4,"customers":5,"skipped":0,)"
      R"("left":{"open":6,"closed":7,"customers":8},"done":false})");
  ASSERT_TRUE(round) << round.error().detail;
  EXPECT_EQ(round.value().Moved(), 10);
  EXPECT_EQ(round.value().customers_left, 8);
  EXPECT_FALSE(round.value().done);
  EXPECT_EQ(OffboardSummary("alice", "bob", round.value()),
            "alice offboarded to bob: 6 open leads (direct 1, phone 3, in_person 2), 4 closed "
            "leads, 5 customers\n");
  EXPECT_FALSE(ParseOffboardAnswer(R"({"error":"no"})"));
  EXPECT_FALSE(ParseOffboardAnswer("not json"));
}

TEST(RepReportTest, ShowsAbsenceOnlyWhenThereIsOne) {
  const auto away = FormatRepReport(
      R"({"rep":"alice","departed":false,"absence":{"from":"2026-12-24T00:00:00Z",)"
      R"("to":"2026-12-27T00:00:00Z","delegate":"bob"},"open":3,"closed":1,"customers":2})");
  ASSERT_TRUE(away);
  EXPECT_NE(away.value().find("away          2026-12-24T00:00:00Z to 2026-12-27T00:00:00Z, "
                              "delegate bob"),
            std::string::npos)
      << away.value();
  const auto here = FormatRepReport(R"({"rep":"alice","departed":true,"open":0,"closed":0,)"
                                    R"("customers":0})");
  ASSERT_TRUE(here);
  EXPECT_EQ(here.value().find("away"), std::string::npos);
  EXPECT_NE(here.value().find("departed"), std::string::npos);
  EXPECT_FALSE(FormatRepReport("[]"));
}

TEST(ReminderListTest, OneLinePerReminder) {
  const auto listed = FormatReminderList(
      R"({"lead":"L-1","reminders":[{"id":"R-1","kind":"reorder","product":"toner",)"
      R"("every":"30d","ahead":"3d","next_at":"2026-12-01T00:00:00Z","created_by":"admin"}]})");
  ASSERT_TRUE(listed);
  EXPECT_EQ(listed.value(),
            "R-1  reorder toner  every 30d, 3d ahead  next 2026-12-01T00:00:00Z  by admin\n");
  EXPECT_EQ(FormatReminderList(R"({"lead":"L-1","reminders":[]})").value(),
            "no reminders on L-1\n");
}

}  // namespace
}  // namespace leadd::cli
