// TimerPoller::SleepAfter: how long a poller waits after a sweep.
#include "daemon/timer_poller.h"

#include <gtest/gtest.h>

#include <chrono>
#include <optional>

namespace leadd::daemon {
namespace {

using std::chrono::milliseconds;

const WallTime kNow{milliseconds(1'700'000'000'000)};

TEST(TimerPollerSleepTest, NothingArmedSleepsTheIntervalOfOneSecond) {
  EXPECT_EQ(TimerPoller::kInterval, milliseconds(1000));
  EXPECT_EQ(TimerPoller::SleepAfter(kNow, std::nullopt), milliseconds(1000));
}

TEST(TimerPollerSleepTest, AlreadyDueSweepsAgainAtOnce) {
  EXPECT_EQ(TimerPoller::SleepAfter(kNow, kNow), Duration::zero());
  EXPECT_EQ(TimerPoller::SleepAfter(kNow, kNow - milliseconds(250)), Duration::zero());
}

TEST(TimerPollerSleepTest, DueWithinTheIntervalSleepsExactlyUntilIt) {
  EXPECT_EQ(TimerPoller::SleepAfter(kNow, kNow + milliseconds(1)), milliseconds(1));
  EXPECT_EQ(TimerPoller::SleepAfter(kNow, kNow + milliseconds(437)), milliseconds(437));
  EXPECT_EQ(TimerPoller::SleepAfter(kNow, kNow + milliseconds(1000)), milliseconds(1000));
}

TEST(TimerPollerSleepTest, FarAheadIsCappedSoOthersTimersAreNotMissed) {
  EXPECT_EQ(TimerPoller::SleepAfter(kNow, kNow + milliseconds(1001)), milliseconds(1000));
  EXPECT_EQ(TimerPoller::SleepAfter(kNow, kNow + std::chrono::hours(24)), milliseconds(1000));
}

}  // namespace
}  // namespace leadd::daemon
