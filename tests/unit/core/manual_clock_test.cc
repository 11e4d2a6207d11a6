#include "tests/fakes/manual_clock.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace leadd::fakes {
namespace {

using namespace std::chrono_literals;
using ::testing::ElementsAre;
using ::testing::IsEmpty;

constexpr WallTime kMondayNineAm{1704704400s};

TEST(ManualClockTest, TimerFiresAtItsDeadlineNotBefore) {
  ManualClock clock{kMondayNineAm};
  auto timer = clock.MakeTimer();
  std::vector<WallTime> fired;
  timer->ArmAfter(15min, [&] { fired.push_back(clock.WallNow()); });
  clock.Advance(15min - 1ms);
  EXPECT_THAT(fired, IsEmpty());
  clock.Advance(1ms);
  EXPECT_THAT(fired, ElementsAre(kMondayNineAm + 15min));
}

TEST(ManualClockTest, TimersFireInDeadlineOrder) {
  ManualClock clock{kMondayNineAm};
  auto late = clock.MakeTimer();
  auto early = clock.MakeTimer();
  std::vector<std::string> order;
  late->ArmAfter(2s, [&] { order.push_back("late"); });
  early->ArmAfter(1s, [&] { order.push_back("early"); });
  clock.Advance(5s);
  EXPECT_THAT(order, ElementsAre("early", "late"));
}

TEST(ManualClockTest, RearmReplacesAndCancelDrops) {
  ManualClock clock{kMondayNineAm};
  auto timer = clock.MakeTimer();
  int first = 0;
  int second = 0;
  timer->ArmAfter(1s, [&] { ++first; });
  timer->ArmAfter(2s, [&] { ++second; });
  clock.Advance(3s);
  EXPECT_EQ(first, 0);
  EXPECT_EQ(second, 1);
  timer->ArmAfter(1s, [&] { ++second; });
  timer->Cancel();
  clock.Advance(3s);
  EXPECT_EQ(second, 1);
  EXPECT_EQ(clock.PendingTimers(), 0u);
}

TEST(ManualClockTest, DestroyedTimerNeverFires) {
  ManualClock clock{kMondayNineAm};
  int fired = 0;
  clock.MakeTimer()->ArmAfter(1s, [&] { ++fired; });
  clock.Advance(2s);
  EXPECT_EQ(fired, 0);
}

TEST(ManualClockTest, CallbackMayRearmItsOwnTimer) {
  ManualClock clock{kMondayNineAm};
  auto timer = clock.MakeTimer();
  int ticks = 0;
  std::function<void()> tick = [&] {
    ++ticks;
    timer->ArmAfter(1s, tick);
  };
  timer->ArmAfter(1s, tick);
  clock.Advance(10s);
  EXPECT_EQ(ticks, 10);
}

TEST(ManualClockTest, WallClockStepLeavesSteadyTimeAlone) {
  ManualClock clock{kMondayNineAm};
  const auto steady = clock.SteadyNow();
  clock.StepWallClock(-1h);
  EXPECT_EQ(clock.WallNow(), kMondayNineAm - 1h);
  EXPECT_EQ(clock.SteadyNow(), steady);
}

}  // namespace
}  // namespace leadd::fakes
