#include "queue/sla_watch.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <map>
#include <random>
#include <string>
#include <utility>
#include <vector>

#include "tests/fakes/manual_clock.h"

namespace leadd::queue {
namespace {

using namespace std::chrono_literals;
using ::testing::ElementsAre;
using ::testing::IsEmpty;

constexpr WallTime kMondayNineAm{1704704400s};  // 2024-01-08 09:00 UTC; fixed start = reproducible

struct Breach {
  std::string id;
  WallTime wall;
  SteadyTime steady;
};

class SlaWatchTest : public ::testing::Test {
 protected:
  std::vector<std::string> Ids() const {
    std::vector<std::string> ids;
    ids.reserve(breaches_.size());
    for (const auto& breach : breaches_) ids.push_back(breach.id);
    return ids;
  }

  fakes::ManualClock clock_{kMondayNineAm};
  std::vector<Breach> breaches_;
  std::function<void(const std::string&)> also_on_breach_;
  SlaWatch watch_{clock_, [this](const std::string& id) {
                    breaches_.push_back({id, clock_.WallNow(), clock_.SteadyNow()});
                    if (also_on_breach_) also_on_breach_(id);
                  }};
};

TEST_F(SlaWatchTest, BreachFiresAtDeadlineNotBefore) {
  watch_.Watch("lead-1", clock_.WallNow() + 15min);
  clock_.Advance(15min - 1ms);
  EXPECT_THAT(Ids(), IsEmpty());
  clock_.Advance(1ms);
  EXPECT_THAT(Ids(), ElementsAre("lead-1"));
  EXPECT_EQ(breaches_[0].wall, kMondayNineAm + 15min);
  EXPECT_EQ(watch_.Size(), 0U);
}

TEST_F(SlaWatchTest, ResolvedLeadNeverBreaches) {
  watch_.Watch("lead-1", clock_.WallNow() + 15min);
  clock_.Advance(10min);
  watch_.Unwatch("lead-1");
  clock_.Advance(24h);
  EXPECT_THAT(Ids(), IsEmpty());
  EXPECT_EQ(clock_.PendingTimers(), 0U);
}

TEST_F(SlaWatchTest, BreachesArriveInDeadlineOrder) {
  watch_.Watch("c", clock_.WallNow() + 30min);
  watch_.Watch("a", clock_.WallNow() + 10min);
  watch_.Watch("b", clock_.WallNow() + 20min);
  watch_.Watch("a2", clock_.WallNow() + 10min);
  clock_.Advance(1h);
  EXPECT_THAT(Ids(), ElementsAre("a", "a2", "b", "c"));
  EXPECT_EQ(breaches_[2].wall, kMondayNineAm + 20min);
}

TEST_F(SlaWatchTest, WallClockStepIsNoticedWithinMaxSleep) {
  watch_.Watch("lead-1", clock_.WallNow() + 2h);
  clock_.Advance(7s);  // mid-way through a capped sleep
  clock_.StepWallClock(3h);
  const SteadyTime stepped_at = clock_.SteadyNow();
  clock_.Advance(SlaWatch::kMaxSleep);
  ASSERT_THAT(Ids(), ElementsAre("lead-1"));
  EXPECT_LE(breaches_[0].steady - stepped_at, SlaWatch::kMaxSleep);
}

TEST_F(SlaWatchTest, WallClockStepBackDoesNotBreachEarly) {
  const WallTime deadline = clock_.WallNow() + 10min;
  watch_.Watch("lead-1", deadline);
  clock_.Advance(1min);
  clock_.StepWallClock(-1h);
  clock_.Advance(1h + 9min - 1ms);  // the wall clock now reads deadline - 1ms
  EXPECT_THAT(Ids(), IsEmpty());
  clock_.Advance(1ms);
  ASSERT_THAT(Ids(), ElementsAre("lead-1"));
  EXPECT_EQ(breaches_[0].wall, deadline);
}

TEST_F(SlaWatchTest, FarDeadlineStillWakesEveryMaxSleep) {
  watch_.Watch("lead-1", clock_.WallNow() + 24h);
  clock_.Advance(SlaWatch::kMaxSleep - 1ms);
  EXPECT_EQ(clock_.PendingTimers(), 1U);
  clock_.Advance(1ms);  // the capped wake re-arms, one timer at a time
  EXPECT_EQ(clock_.PendingTimers(), 1U);
  EXPECT_THAT(Ids(), IsEmpty());
}

TEST_F(SlaWatchTest, RewatchWithEarlierDeadlineRearms) {
  watch_.Watch("lead-1", clock_.WallNow() + 1h);
  clock_.Advance(1min);
  watch_.Watch("lead-1", clock_.WallNow() + 5min);
  clock_.Advance(5min);
  EXPECT_THAT(Ids(), ElementsAre("lead-1"));
  EXPECT_EQ(breaches_[0].wall, kMondayNineAm + 6min);
  clock_.Advance(2h);
  EXPECT_THAT(Ids(), ElementsAre("lead-1"));  // the replaced 1h deadline is gone
}

TEST_F(SlaWatchTest, RewatchWithLaterDeadlinePostponesBreach) {
  watch_.Watch("lead-1", clock_.WallNow() + 5min);
  watch_.Watch("lead-1", clock_.WallNow() + 50min);
  clock_.Advance(50min - 1ms);
  EXPECT_THAT(Ids(), IsEmpty());
  clock_.Advance(1ms);
  EXPECT_THAT(Ids(), ElementsAre("lead-1"));
}

TEST_F(SlaWatchTest, PastDeadlineBreachesOnTheNextWake) {
  watch_.Watch("late", clock_.WallNow() - 1min);
  clock_.Advance(0ms);
  EXPECT_THAT(Ids(), ElementsAre("late"));
}

TEST_F(SlaWatchTest, CallbackCanWatchAnotherLead) {
  also_on_breach_ = [this](const std::string& id) {
    if (id == "first") watch_.Watch("escalation", clock_.WallNow() + 10min);
  };
  watch_.Watch("first", clock_.WallNow() + 5min);
  clock_.Advance(1h);
  ASSERT_THAT(Ids(), ElementsAre("first", "escalation"));
  EXPECT_EQ(breaches_[1].wall, kMondayNineAm + 15min);
}

TEST_F(SlaWatchTest, CallbackUnwatchingALeadDueInTheSameWakeCancelsItsBreach) {
  also_on_breach_ = [this](const std::string& id) {
    if (id == "a") watch_.Unwatch("b");
  };
  watch_.Watch("a", clock_.WallNow() + 5min);
  watch_.Watch("b", clock_.WallNow() + 5min);
  watch_.Watch("c", clock_.WallNow() + 5min);
  clock_.Advance(1h);
  EXPECT_THAT(Ids(), ElementsAre("a", "c"));
}

TEST_F(SlaWatchTest, CallbackRewatchingALeadDueInTheSameWakeMovesItsBreach) {
  also_on_breach_ = [this](const std::string& id) {
    if (id == "a") watch_.Watch("b", clock_.WallNow() + 20min);
  };
  watch_.Watch("a", clock_.WallNow() + 5min);
  watch_.Watch("b", clock_.WallNow() + 5min);
  clock_.Advance(1h);
  ASSERT_THAT(Ids(), ElementsAre("a", "b"));
  EXPECT_EQ(breaches_[1].wall, kMondayNineAm + 25min);
}

TEST_F(SlaWatchTest, CallbackWatchingAnAlreadyLateLeadBreachesItWithoutWaiting) {
  also_on_breach_ = [this](const std::string& id) {
    if (id == "a") watch_.Watch("b", clock_.WallNow() - 1s);
  };
  watch_.Watch("a", clock_.WallNow() + 5min);
  clock_.Advance(5min);
  ASSERT_THAT(Ids(), ElementsAre("a", "b"));
  EXPECT_EQ(breaches_[1].steady, breaches_[0].steady);
}

TEST_F(SlaWatchTest, NoTimerIsPendingOnceEverythingHasBreached) {
  watch_.Watch("a", clock_.WallNow() + 1min);
  clock_.Advance(1min);
  EXPECT_EQ(clock_.PendingTimers(), 0U);
}

TEST_F(SlaWatchTest, TenThousandLeadsOverSevenDaysEachBreachOnceInOrderAtItsDeadline) {
  constexpr int kLeads = 10'000;
  std::mt19937 random(7);  // seeded: the same spread on every run
  std::uniform_int_distribution<std::int64_t> offset_ms(1, std::int64_t{7} * 24 * 3600 * 1000);
  std::map<std::string, WallTime> deadline_of;
  for (int i = 0; i < kLeads; ++i) {
    const std::string id = "lead-" + std::to_string(i);
    const WallTime deadline = kMondayNineAm + Duration(offset_ms(random));
    deadline_of[id] = deadline;
    watch_.Watch(id, deadline);
  }
  for (int hour = 0; hour < 7 * 24 + 1; ++hour) clock_.Advance(1h);

  ASSERT_EQ(breaches_.size(), static_cast<std::size_t>(kLeads));
  std::map<std::string, int> times_breached;
  for (std::size_t i = 0; i < breaches_.size(); ++i) {
    const Breach& breach = breaches_[i];
    ++times_breached[breach.id];
    EXPECT_EQ(breach.wall, deadline_of.at(breach.id)) << breach.id;
    if (i > 0) {
      EXPECT_LE(breaches_[i - 1].wall, breach.wall);
    }
  }
  EXPECT_EQ(times_breached.size(), static_cast<std::size_t>(kLeads));
  EXPECT_EQ(watch_.Size(), 0U);
  EXPECT_EQ(clock_.PendingTimers(), 0U);
}

}  // namespace
}  // namespace leadd::queue
