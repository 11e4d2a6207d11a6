// MetricStore against a real redis-server: values per window, replacing, expiry, and hashes
// holding things that are not numbers.
#include "queue/metric_store.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <cmath>
#include <limits>
#include <string>

#include "lead_fixture.h"

namespace leadd::queue {
namespace {

using ::testing::ElementsAre;
using ::testing::IsEmpty;
using ::testing::Pair;

class MetricStoreTest : public LeadFixture {
 protected:
  void SetUp() override {
    LeadFixture::SetUp();
    metrics_ = std::make_unique<MetricStore>(*client_, keys_);
  }

  void Set(const std::string& window, const MetricValues& values, bool replace = false) {
    auto written = Await(metrics_->Set("score", window, values, replace));
    ASSERT_TRUE(written) << written.error().detail;
  }

  MetricValues Read(const std::string& window) {
    auto values = Await(metrics_->Read("score", window));
    EXPECT_TRUE(values) << values.error().detail;
    return values ? values.value() : MetricValues{};
  }

  std::unique_ptr<MetricStore> metrics_;
};

TEST_F(MetricStoreTest, AbsentWindowReadsEmpty) { EXPECT_THAT(Read("2026-W48"), IsEmpty()); }

TEST_F(MetricStoreTest, ValuesAreStoredAsDecimalTextUnderTheWindowKey) {
  Set("2026-W48", {{"alice", 42.5}, {"bob", 7}, {"carol", -3}});
  EXPECT_EQ(keys_.Metric("score", "2026-W48"), keys_.Prefix() + ":metric:score:2026-W48");
  EXPECT_EQ(HashField(keys_.Metric("score", "2026-W48"), "alice"), "42.5");
  EXPECT_EQ(HashField(keys_.Metric("score", "2026-W48"), "bob"), "7");
  EXPECT_THAT(Read("2026-W48"),
              ElementsAre(Pair("alice", 42.5), Pair("bob", 7.0), Pair("carol", -3.0)));
}

TEST_F(MetricStoreTest, ExtremeValuesReadBackExactly) {
  const double tiny = std::numeric_limits<double>::denorm_min();
  const double huge = std::numeric_limits<double>::max();
  Set("2026-11", {{"alice", tiny}, {"bob", huge}, {"carol", 0.1}});
  EXPECT_THAT(Read("2026-11"),
              ElementsAre(Pair("alice", tiny), Pair("bob", huge), Pair("carol", 0.1)));
}

TEST_F(MetricStoreTest, MergeKeepsOtherRepsAndReplaceDropsThem) {
  Set("2026-W48", {{"alice", 1}, {"bob", 2}});
  Set("2026-W48", {{"bob", 5}, {"carol", 3}});
  EXPECT_THAT(Read("2026-W48"),
              ElementsAre(Pair("alice", 1.0), Pair("bob", 5.0), Pair("carol", 3.0)));
  Set("2026-W48", {{"dave", 9}}, true);
  EXPECT_THAT(Read("2026-W48"), ElementsAre(Pair("dave", 9.0)));
  Set("2026-W48", {}, true);
  EXPECT_THAT(Read("2026-W48"), IsEmpty());
}

TEST_F(MetricStoreTest, WindowsAndMetricsAreSeparate) {
  Set("2026-W48", {{"alice", 1}});
  Set("2026-W49", {{"alice", 2}});
  auto other = Await(metrics_->Set("calls", "2026-W48", {{"alice", 3}}, true));
  ASSERT_TRUE(other) << other.error().detail;
  EXPECT_THAT(Read("2026-W48"), ElementsAre(Pair("alice", 1.0)));
  EXPECT_THAT(Read("2026-W49"), ElementsAre(Pair("alice", 2.0)));
}

TEST_F(MetricStoreTest, EveryWriteSetsTheRetention) {
  Set("2026-11-24", {{"alice", 1}});
  const std::string key = keys_.Metric("score", "2026-11-24");
  ASSERT_TRUE(server_->Run({"EXPIRE", key, "60"}));
  Set("2026-11-24", {{"bob", 1}});
  auto ttl = server_->Run({"TTL", key});
  ASSERT_TRUE(ttl) << ttl.error().detail;
  const auto retention = std::chrono::seconds(MetricStore::kRetention).count();
  EXPECT_GT(ttl.value().integer, retention - 60);
  EXPECT_LE(ttl.value().integer, retention);
}

TEST_F(MetricStoreTest, NonFiniteValuesAreRefusedAndNothingIsWritten) {
  Set("2026-W48", {{"alice", 1}});
  for (const double bad : {std::nan(""), std::numeric_limits<double>::infinity(),
                           -std::numeric_limits<double>::infinity()}) {
    auto written = Await(metrics_->Set("score", "2026-W48", {{"alice", 5}, {"bob", bad}}, true));
    ASSERT_FALSE(written);
    EXPECT_EQ(written.error().code, Errc::kRejected);
    EXPECT_THAT(written.error().detail, ::testing::HasSubstr("bob"));
  }
  EXPECT_THAT(Read("2026-W48"), ElementsAre(Pair("alice", 1.0)));
}

TEST_F(MetricStoreTest, FieldsThatAreNotFiniteNumbersAreSkipped) {
  const std::string key = keys_.Metric("score", "2026-W48");
  ASSERT_TRUE(server_->Run({"HSET",  key,    "alice", "12",   "bob",  "lots",  "carol",
                            "inf",   "dave", "nan",   "erin", "",     "frank", "1e999",
                            "grace", "3.5x", "heidi", " 4",   "ivan", "-0.25"}));
  EXPECT_THAT(Read("2026-W48"), ElementsAre(Pair("alice", 12.0), Pair("ivan", -0.25)));
}

TEST_F(MetricStoreTest, WrongTypeUnderTheKeyIsAnErrorNotACrash) {
  const std::string key = keys_.Metric("score", "2026-W48");
  ASSERT_TRUE(server_->Run({"SET", key, "text"}));
  auto read = Await(metrics_->Read("score", "2026-W48"));
  EXPECT_FALSE(read);
  auto merged = Await(metrics_->Set("score", "2026-W48", {{"alice", 1}}, false));
  EXPECT_FALSE(merged);
  // Replacing deletes whatever was there first.
  Set("2026-W48", {{"alice", 1}}, true);
  EXPECT_THAT(Read("2026-W48"), ElementsAre(Pair("alice", 1.0)));
}

}  // namespace
}  // namespace leadd::queue
