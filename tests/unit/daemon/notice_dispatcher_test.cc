// NoticeDispatcher::Prepare: addressing an outbox entry and adding action links.
#include "daemon/notice_dispatcher.h"

#include <gtest/gtest.h>

#include <chrono>
#include <string>
#include <utility>
#include <vector>

namespace leadd::daemon {
namespace {

using std::chrono::milliseconds;

const WallTime kNow{milliseconds(1'700'000'000'000)};
const std::string kSecret(40, 'k');

NoticeDirectory Directory(bool with_signer) {
  NoticeDirectory directory;
  directory.manager_of = {{"alice", "carol"}};
  directory.http.public_url = "https://leads.example.com";
  if (with_signer) directory.signer.emplace(kSecret);
  return directory;
}

StreamEntry Entry(std::vector<std::pair<std::string, std::string>> fields) {
  return StreamEntry{"1-0", std::move(fields)};
}

StreamEntry Assigned(const std::string& rep) {
  return Entry({{"kind", "assigned"},
                {"lead", "L-5"},
                {"rep", rep},
                {"owner", rep},
                {"assignment", "3"},
                {"rule", "everyone"},
                {"deadline", ""}});
}

// The link's token verifies with the directory's signer and carries these claims.
void ExpectLinkFor(const std::string& url, api::LinkAction action, const std::string& rep) {
  const std::string prefix = "https://leads.example.com/v1/links/";
  ASSERT_EQ(url.rfind(prefix, 0), 0u) << url;
  api::ActionLinkSigner signer(kSecret);
  auto claims = signer.Verify(url.substr(prefix.size()), kNow);
  ASSERT_TRUE(claims) << claims.error().detail;
  EXPECT_EQ(claims.value().lead_id, "L-5");
  EXPECT_EQ(claims.value().rep, rep);
  EXPECT_EQ(claims.value().action, action);
  EXPECT_EQ(claims.value().assignment_id, "3");
}

TEST(NoticeDispatcherPrepareTest, AssignedNoticeCarriesLinksForTheRepWhenSigning) {
  auto notice = NoticeDispatcher::Prepare(Assigned("alice"), Directory(true), kNow);
  ASSERT_TRUE(notice) << notice.error().detail;
  EXPECT_EQ(notice.value().recipient, "alice");
  ASSERT_TRUE(notice.value().actions);
  ExpectLinkFor(notice.value().actions->accept, api::LinkAction::kAccept, "alice");
  ExpectLinkFor(notice.value().actions->reject, api::LinkAction::kReject, "alice");
}

TEST(NoticeDispatcherPrepareTest, SlaReminderCarriesLinksForTheActingRep) {
  // During an absence the entry names the delegate: the links are theirs.
  auto notice = NoticeDispatcher::Prepare(Entry({{"kind", "sla_reminder"},
                                                 {"lead", "L-5"},
                                                 {"rep", "bob"},
                                                 {"owner", "alice"},
                                                 {"assignment", "3"},
                                                 {"deadline", "1700000060000"}}),
                                          Directory(true), kNow);
  ASSERT_TRUE(notice) << notice.error().detail;
  EXPECT_EQ(notice.value().recipient, "bob");
  ASSERT_TRUE(notice.value().actions);
  ExpectLinkFor(notice.value().actions->accept, api::LinkAction::kAccept, "bob");
}

TEST(NoticeDispatcherPrepareTest, NoSignerNoLinks) {
  auto notice = NoticeDispatcher::Prepare(Assigned("alice"), Directory(false), kNow);
  ASSERT_TRUE(notice) << notice.error().detail;
  EXPECT_EQ(notice.value().recipient, "alice");
  EXPECT_FALSE(notice.value().actions);
}

TEST(NoticeDispatcherPrepareTest, OtherKindsCarryNoLinks) {
  for (const char* kind : {"escalated", "return_reminder", "returned", "reorder_due"}) {
    auto notice = NoticeDispatcher::Prepare(
        Entry({{"kind", kind}, {"lead", "L-5"}, {"rep", "alice"}, {"assignment", "3"}}),
        Directory(true), kNow);
    ASSERT_TRUE(notice) << kind << ": " << notice.error().detail;
    EXPECT_FALSE(notice.value().actions) << kind;
  }
}

TEST(NoticeDispatcherPrepareTest, AdminsGetNoLinks) {
  // An assignment notice without a rep is addressed to the admins, who cannot accept.
  auto notice = NoticeDispatcher::Prepare(Assigned(""), Directory(true), kNow);
  ASSERT_TRUE(notice) << notice.error().detail;
  EXPECT_EQ(notice.value().recipient, notify::kAdmins);
  EXPECT_FALSE(notice.value().actions);

  auto escalated = NoticeDispatcher::Prepare(
      Entry({{"kind", "escalated"}, {"lead", "L-5"}, {"rep", "bob"}, {"assignment", "3"}}),
      Directory(true), kNow);
  ASSERT_TRUE(escalated) << escalated.error().detail;
  EXPECT_EQ(escalated.value().recipient, notify::kAdmins);
  EXPECT_FALSE(escalated.value().actions);
}

TEST(NoticeDispatcherPrepareTest, EscalationIsAddressedToTheManager) {
  auto notice = NoticeDispatcher::Prepare(
      Entry({{"kind", "escalated"}, {"lead", "L-5"}, {"rep", "alice"}, {"bounces", "1"}}),
      Directory(true), kNow);
  ASSERT_TRUE(notice) << notice.error().detail;
  EXPECT_EQ(notice.value().recipient, "carol");
  EXPECT_EQ(notice.value().details.at("rep"), "alice");
}

TEST(NoticeDispatcherPrepareTest, BadEntryIsAnError) {
  auto no_kind =
      NoticeDispatcher::Prepare(Entry({{"lead", "L-5"}, {"rep", "alice"}}), Directory(true), kNow);
  ASSERT_FALSE(no_kind);
  EXPECT_EQ(no_kind.error().code, Errc::kRejected);

  // A link cannot be signed for an assignment id that is not a number.
  auto bad_assignment = NoticeDispatcher::Prepare(
      Entry({{"kind", "assigned"}, {"lead", "L-5"}, {"rep", "alice"}, {"assignment", "x"}}),
      Directory(true), kNow);
  ASSERT_FALSE(bad_assignment);
  EXPECT_EQ(bad_assignment.error().code, Errc::kRejected);
}

}  // namespace
}  // namespace leadd::daemon
