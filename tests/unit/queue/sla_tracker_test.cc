#include "queue/sla_tracker.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <random>
#include <string>
#include <vector>

namespace leadd::queue {
namespace {

using namespace std::chrono_literals;
using ::testing::ElementsAre;
using ::testing::IsEmpty;
using ::testing::Optional;

constexpr WallTime kMondayNineAm{1704704400s};  // 2024-01-08 09:00 UTC

TEST(SlaTrackerTest, EmptyTrackerHasNoNextDeadline) {
  SlaTracker tracker;
  EXPECT_EQ(tracker.Size(), 0U);
  EXPECT_EQ(tracker.NextDeadline(), std::nullopt);
  EXPECT_THAT(tracker.TakeExpired(kMondayNineAm), IsEmpty());
}

TEST(SlaTrackerTest, NextDeadlineIsTheEarliestArmed) {
  SlaTracker tracker;
  tracker.Arm("b", kMondayNineAm + 20min);
  tracker.Arm("a", kMondayNineAm + 10min);
  tracker.Arm("c", kMondayNineAm + 30min);
  EXPECT_EQ(tracker.Size(), 3U);
  EXPECT_THAT(tracker.NextDeadline(), Optional(kMondayNineAm + 10min));
}

TEST(SlaTrackerTest, TakeExpiredReturnsDueIdsEarliestFirstAndRemovesThem) {
  SlaTracker tracker;
  tracker.Arm("late", kMondayNineAm + 30min);
  tracker.Arm("second", kMondayNineAm + 20min);
  tracker.Arm("first", kMondayNineAm + 10min);
  EXPECT_THAT(tracker.TakeExpired(kMondayNineAm + 25min), ElementsAre("first", "second"));
  EXPECT_EQ(tracker.Size(), 1U);
  EXPECT_THAT(tracker.TakeExpired(kMondayNineAm + 25min), IsEmpty());
  EXPECT_THAT(tracker.NextDeadline(), Optional(kMondayNineAm + 30min));
}

TEST(SlaTrackerTest, DeadlineEqualToNowIsExpired) {
  SlaTracker tracker;
  tracker.Arm("a", kMondayNineAm);
  EXPECT_THAT(tracker.TakeExpired(kMondayNineAm - 1ns), IsEmpty());
  EXPECT_THAT(tracker.TakeExpired(kMondayNineAm), ElementsAre("a"));
}

TEST(SlaTrackerTest, EqualDeadlinesComeOutInIdOrder) {
  SlaTracker tracker;
  for (const char* id : {"lead-3", "lead-1", "lead-2"}) tracker.Arm(id, kMondayNineAm);
  EXPECT_THAT(tracker.TakeExpired(kMondayNineAm), ElementsAre("lead-1", "lead-2", "lead-3"));
}

TEST(SlaTrackerTest, ArmingAgainReplacesTheDeadline) {
  SlaTracker tracker;
  tracker.Arm("a", kMondayNineAm + 10min);
  tracker.Arm("a", kMondayNineAm + 40min);
  EXPECT_EQ(tracker.Size(), 1U);
  EXPECT_THAT(tracker.DeadlineOf("a"), Optional(kMondayNineAm + 40min));
  EXPECT_THAT(tracker.TakeExpired(kMondayNineAm + 30min), IsEmpty());
  EXPECT_THAT(tracker.TakeExpired(kMondayNineAm + 40min), ElementsAre("a"));
}

TEST(SlaTrackerTest, DisarmedIdNeverExpires) {
  SlaTracker tracker;
  tracker.Arm("a", kMondayNineAm);
  tracker.Arm("b", kMondayNineAm + 1min);
  EXPECT_TRUE(tracker.Disarm("a"));
  EXPECT_FALSE(tracker.Disarm("a"));
  EXPECT_FALSE(tracker.Disarm("never-armed"));
  EXPECT_THAT(tracker.TakeExpired(kMondayNineAm + 1h), ElementsAre("b"));
  EXPECT_EQ(tracker.Size(), 0U);
}

TEST(SlaTrackerTest, TakeFirstExpiredTakesOneAtATime) {
  SlaTracker tracker;
  tracker.Arm("a", kMondayNineAm);
  tracker.Arm("b", kMondayNineAm + 1s);
  EXPECT_THAT(tracker.TakeFirstExpired(kMondayNineAm + 1s), Optional(std::string("a")));
  EXPECT_THAT(tracker.TakeFirstExpired(kMondayNineAm + 1s), Optional(std::string("b")));
  EXPECT_EQ(tracker.TakeFirstExpired(kMondayNineAm + 1s), std::nullopt);
}

TEST(SlaTrackerTest, HoldsAMillionLeadsAndReleasesThemInOrder) {
  constexpr int kLeads = 1'000'000;
  std::mt19937_64 random(42);  // seeded: the same spread on every run
  std::uniform_int_distribution<std::int64_t> offset_ms(0, std::int64_t{30} * 24 * 3600 * 1000);
  SlaTracker tracker;
  for (int i = 0; i < kLeads; ++i) {
    tracker.Arm("lead-" + std::to_string(i), kMondayNineAm + Duration(offset_ms(random)));
  }
  // Re-arm and disarm a slice so the replace paths run at size too.
  for (int i = 0; i < kLeads; i += 10) tracker.Arm("lead-" + std::to_string(i), kMondayNineAm);
  for (int i = 5; i < kLeads; i += 10) tracker.Disarm("lead-" + std::to_string(i));
  ASSERT_EQ(tracker.Size(), static_cast<std::size_t>(kLeads - kLeads / 10));
  EXPECT_THAT(tracker.NextDeadline(), Optional(kMondayNineAm));

  std::size_t taken = 0;
  WallTime previous = WallTime::min();
  while (auto next = tracker.NextDeadline()) {
    ASSERT_GE(*next, previous);
    previous = *next;
    taken += tracker.TakeExpired(*next).size();
  }
  EXPECT_EQ(taken, static_cast<std::size_t>(kLeads - kLeads / 10));
  EXPECT_EQ(tracker.Size(), 0U);
}

}  // namespace
}  // namespace leadd::queue
