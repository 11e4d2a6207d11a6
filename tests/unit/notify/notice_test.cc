// NoticeFromOutbox (addressing an outbox entry) and FormatNotice (the log channel's line).
#include <gtest/gtest.h>

#include <map>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "notify/log_notifier.h"
#include "notify/notifier.h"

namespace leadd::notify {
namespace {

using Fields = std::vector<std::pair<std::string, std::string>>;
using Managers = std::map<std::string, std::string, std::less<>>;

const Managers kManagers{{"alice", "carol"}};

TEST(NoticeFromOutboxTest, EscalationGoesToTheRepsManagerAndKeepsTheRep) {
  auto notice = NoticeFromOutbox(
      {{"kind", "escalated"}, {"lead", "L-1"}, {"rep", "alice"}, {"bounces", "2"}}, kManagers);
  ASSERT_TRUE(notice) << notice.error().detail;
  EXPECT_EQ(notice.value().kind, "escalated");
  EXPECT_EQ(notice.value().lead_id, "L-1");
  EXPECT_EQ(notice.value().recipient, "carol");
  EXPECT_EQ(notice.value().details,
            (std::map<std::string, std::string>{{"bounces", "2"}, {"rep", "alice"}}));
  EXPECT_FALSE(notice.value().actions);
}

TEST(NoticeFromOutboxTest, EscalationForARepWithoutAManagerGoesToAdmins) {
  auto notice =
      NoticeFromOutbox({{"kind", "escalated"}, {"lead", "L-1"}, {"rep", "bob"}}, kManagers);
  ASSERT_TRUE(notice) << notice.error().detail;
  EXPECT_EQ(notice.value().recipient, kAdmins);
  EXPECT_EQ(notice.value().details.at("rep"), "bob");
}

TEST(NoticeFromOutboxTest, UnroutedLeadGoesToAdmins) {
  auto notice = NoticeFromOutbox(
      {{"kind", "unrouted"}, {"lead", "L-4"}, {"rep", ""}, {"pool", "public"}}, kManagers);
  ASSERT_TRUE(notice) << notice.error().detail;
  EXPECT_EQ(notice.value().recipient, kAdmins);
  EXPECT_EQ(notice.value().details, (std::map<std::string, std::string>{{"pool", "public"}}));
}

TEST(NoticeFromOutboxTest, OtherNoticesGoToTheNamedRepNotTheirManager) {
  auto notice = NoticeFromOutbox({{"kind", "sla_reminder"},
                                  {"lead", "L-2"},
                                  {"rep", "alice"},
                                  {"owner", "dave"},
                                  {"deadline", "1700000000000"},
                                  {"assignment", "3"}},
                                 kManagers);
  ASSERT_TRUE(notice) << notice.error().detail;
  EXPECT_EQ(notice.value().recipient, "alice");
  EXPECT_EQ(notice.value().details,
            (std::map<std::string, std::string>{
                {"assignment", "3"}, {"deadline", "1700000000000"}, {"owner", "dave"}}));
}

TEST(NoticeFromOutboxTest, EntryWithoutKindOrLeadIsAnError) {
  const Fields no_kind{{"lead", "L-1"}, {"rep", "alice"}};
  const Fields no_lead{{"kind", "assigned"}, {"rep", "alice"}};
  const Fields empty_kind{{"kind", ""}, {"lead", "L-1"}};
  for (const auto& fields : {no_kind, no_lead, empty_kind, Fields{}}) {
    auto notice = NoticeFromOutbox(fields, kManagers);
    ASSERT_FALSE(notice);
    EXPECT_EQ(notice.error().code, Errc::kRejected);
    EXPECT_EQ(notice.error().detail, "outbox entry without a kind or a lead");
  }
}

TEST(FormatNoticeTest, QuotesValuesWithSpacesAndSkipsEmptyOnes) {
  Notice notice{"assigned",
                "L-7",
                "alice",
                {{"rule", "reassigned by admin"}, {"handover", ""}, {"assignment", "2"}},
                std::nullopt};
  EXPECT_EQ(FormatNotice(notice),
            "notify.assigned lead=L-7 to=alice assignment=2 rule=\"reassigned by admin\"");
}

TEST(FormatNoticeTest, SaysThatLinksCameButNeverPrintsThem) {
  Notice notice{"sla_reminder",
                "L-7",
                "alice",
                {{"deadline", "1700000000000"}},
                ActionUrls{"https://x.example/v1/links/SECRET-ACCEPT",
                           "https://x.example/v1/links/SECRET-REJECT"}};
  const std::string line = FormatNotice(notice);
  EXPECT_EQ(line, "notify.sla_reminder lead=L-7 to=alice deadline=1700000000000 links=yes");
  EXPECT_EQ(line.find("SECRET"), std::string::npos);
  EXPECT_EQ(line.find("/v1/links/"), std::string::npos);
}

TEST(FormatNoticeTest, NoLinksNoMention) {
  Notice notice{"escalated", "L-3", std::string(kAdmins), {{"rep", "bob"}}, std::nullopt};
  EXPECT_EQ(FormatNotice(notice), "notify.escalated lead=L-3 to=admins rep=bob");
}

}  // namespace
}  // namespace leadd::notify
