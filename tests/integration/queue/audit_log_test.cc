// AuditLog against a real redis-server: what the Functions record, read back a page at a time,
// with unreadable entries counted instead of stopping the read.
#include "queue/audit_log.h"

#include <gtest/gtest.h>

#include <chrono>
#include <string>
#include <vector>

#include "tests/integration/queue/lead_fixture.h"

namespace leadd::queue {
namespace {

class AuditLogTest : public LeadFixture {
 protected:
  // Stream ids are Redis's own clock, which the simulated one does not move: a window around
  // the real now holds everything a test records.
  static WallTime RealNow() { return std::chrono::system_clock::now(); }

  AuditWindow ReadAround(std::chrono::minutes margin = std::chrono::minutes(1)) {
    AuditLog audit(*client_, keys_);
    auto window = Await(audit.Read(RealNow() - margin, RealNow() + margin));
    EXPECT_TRUE(window) << window.error().detail;
    return window ? std::move(window).value() : AuditWindow{};
  }

  std::string Audit() const { return keys_.Prefix() + ":audit"; }
};

TEST_F(AuditLogTest, ReadsWhatTheFunctionsRecordInOrder) {
  const auto routed = AssignedTo("alice");
  const auto parked = Parked();
  const auto window = ReadAround();
  ASSERT_EQ(window.events.size(), 4u);
  EXPECT_EQ(window.malformed, 0u);
  EXPECT_FALSE(window.reaches_back_to);

  EXPECT_EQ(window.events[0].lead, routed);
  EXPECT_EQ(window.events[0].event, "ingested");
  EXPECT_EQ(window.events[0].by, "intake");
  const auto& assigned = window.events[1];
  EXPECT_EQ(assigned.event, "assigned");
  EXPECT_EQ(assigned.rep, "alice");
  EXPECT_EQ(assigned.rule, "test");
  EXPECT_EQ(assigned.by, "router");
  EXPECT_EQ(assigned.at_ms, SimNowMs());  // the Function's clock, simulated here
  EXPECT_EQ(window.events[3].lead, parked);
  EXPECT_EQ(window.events[3].event, "pooled");
}

TEST_F(AuditLogTest, CountsUnreadableEntriesAndGoesOn) {
  AssignedTo("alice");
  auto bad = server_->Run({"XADD", Audit(), "*", "lead", "L-99", "event", "{not json"});
  ASSERT_TRUE(bad);
  ASSERT_TRUE(server_->Run({"XADD", Audit(), "*", "lead", "L-99", "event", R"({"by":"x"})"}));
  ASSERT_TRUE(server_->Run({"XADD", Audit(), "*", "junk", "1"}));
  // A Lua nil written as false is "none", not a reason to drop the event.
  ASSERT_TRUE(server_->Run({"XADD", Audit(), "*", "lead", "L-98", "event",
                            R"({"event":"reassigned","rep":"bob","previous":false,"by":"ann"})"}));
  AssignedTo("bob");

  const auto window = ReadAround();
  EXPECT_EQ(window.malformed, 3u);
  ASSERT_EQ(window.malformed_ids.size(), 3u);
  EXPECT_EQ(window.malformed_ids[0], bad.value().str);
  ASSERT_EQ(window.events.size(), 5u);
  EXPECT_EQ(window.events[2].lead, "L-98");
  EXPECT_EQ(window.events[2].rep, "bob");
  EXPECT_EQ(window.events[4].rep, "bob");
}

TEST_F(AuditLogTest, ReadsPastAPageAndOnlyTheWindow) {
  const std::int64_t now_ms = ToEpochMillis(RealNow());
  // Entries with ids of our choosing: an hour ago, then a run of more than two pages.
  const std::string old_id = std::to_string(now_ms - 3'600'000) + "-0";
  ASSERT_TRUE(server_->Run(
      {"XADD", Audit(), old_id, "lead", "L-1", "event", R"({"event":"ingested","by":"intake"})"}));
  const std::size_t count = AuditLog::kPage * 2 + 7;
  for (std::size_t i = 0; i < count; ++i) {
    const std::string id = std::to_string(now_ms - 60'000) + "-" + std::to_string(i);
    ASSERT_TRUE(server_->Run({"XADD", Audit(), id, "lead", "L-" + std::to_string(i + 2), "event",
                              R"({"event":"ingested","by":"intake"})"}));
  }
  const auto window = ReadAround(std::chrono::minutes(30));
  ASSERT_EQ(window.events.size(), count);
  EXPECT_EQ(window.events.front().lead, "L-2");
  EXPECT_EQ(window.events.back().lead, "L-" + std::to_string(count + 1));
  EXPECT_FALSE(window.reaches_back_to);  // the hour-old entry is older than the window

  // Trimmed to its newest entries, the stream no longer reaches back to the window's start.
  ASSERT_TRUE(server_->Run({"XTRIM", Audit(), "MAXLEN", "10"}));
  const auto trimmed = ReadAround(std::chrono::minutes(30));
  EXPECT_EQ(trimmed.events.size(), 10u);
  ASSERT_TRUE(trimmed.reaches_back_to);
  EXPECT_EQ(ToEpochMillis(*trimmed.reaches_back_to), now_ms - 60'000);
}

TEST_F(AuditLogTest, AStreamNothingWasTrimmedFromReachesBackFully) {
  EXPECT_TRUE(ReadAround().events.empty());
  EXPECT_FALSE(ReadAround().reaches_back_to);
  NewLead();
  // Its first entry is younger than the window, but nothing older was ever recorded.
  const auto window = ReadAround(std::chrono::minutes(30));
  EXPECT_EQ(window.events.size(), 1u);
  EXPECT_FALSE(window.reaches_back_to);
}

TEST_F(AuditLogTest, LooksUpEachLeadsSource) {
  const auto first = NewLead();
  const auto second = NewLead();
  AuditLog audit(*client_, keys_);
  auto sources = Await(audit.SourcesOf({first, "L-404", second}));
  ASSERT_TRUE(sources) << sources.error().detail;
  EXPECT_EQ(sources.value().size(), 2u);
  EXPECT_EQ(sources.value().at(first), "web");
  EXPECT_EQ(sources.value().at(second), "web");
}

TEST(ParseAuditEntryTest, NamesWhyAnEntryIsUnreadable) {
  EXPECT_EQ(ParseAuditEntry("L-1", "", "[1]").error().detail, "event is not a JSON object");
  EXPECT_EQ(ParseAuditEntry("L-1", "", "{}").error().detail, "event has no name");
  EXPECT_EQ(ParseAuditEntry("", "", R"({"event":"x"})").error().detail,
            "event names no lead and no rep");
  const auto away = ParseAuditEntry("", "dave", R"({"event":"away","at":1.7e12,"by":"ann"})");
  ASSERT_TRUE(away) << away.error().detail;
  EXPECT_EQ(away.value().rep, "dave");
  EXPECT_EQ(away.value().at_ms, 1'700'000'000'000);
}

}  // namespace
}  // namespace leadd::queue
