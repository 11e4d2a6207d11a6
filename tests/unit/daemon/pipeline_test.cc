// IndependentRuns: how the pipeline splits a batch so that leads sharing an email are routed
// one after another, each seeing the assignment of the one before.
#include "daemon/pipeline.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace leadd::daemon {
namespace {

using Keys = std::vector<std::vector<std::string>>;
using Runs = std::vector<std::size_t>;

TEST(IndependentRunsTest, DistinctLeadsFormOneRun) {
  EXPECT_EQ(IndependentRuns(Keys{{"L-1", "a@x"}, {"L-2", "b@x"}, {"L-3", "c@x"}}), Runs{3});
}

TEST(IndependentRunsTest, NothingGivesNoRuns) { EXPECT_EQ(IndependentRuns(Keys{}), Runs{}); }

TEST(IndependentRunsTest, ARepeatedEmailStartsANewRun) {
  EXPECT_EQ(IndependentRuns(Keys{{"L-1", "a@x"}, {"L-2", "b@x"}, {"L-3", "a@x"}, {"L-4", "c@x"}}),
            (Runs{2, 2}));
}

TEST(IndependentRunsTest, ARepeatedLeadStartsANewRun) {
  EXPECT_EQ(IndependentRuns(Keys{{"L-1", "a@x"}, {"L-1", "a@x"}}), (Runs{1, 1}));
}

TEST(IndependentRunsTest, EmptyKeysNeverCollide) {
  // Leads without an email share the empty key, which says nothing about them.
  EXPECT_EQ(IndependentRuns(Keys{{"L-1", ""}, {"L-2", ""}, {"L-3", ""}}), Runs{3});
}

TEST(IndependentRunsTest, EachRunStartsAfresh) {
  // After a split only the new run's keys count: a@x may come back in the third run, not
  // the second.
  EXPECT_EQ(IndependentRuns(Keys{
                {"L-1", "a@x"}, {"L-2", "a@x"}, {"L-3", "b@x"}, {"L-4", "b@x"}, {"L-5", "a@x"}}),
            (Runs{1, 2, 2}));
}

}  // namespace
}  // namespace leadd::daemon
