#include "bench/dedupe_quality_metrics.h"

#include <gtest/gtest.h>

namespace leadd::bench {
namespace {

TEST(QualityCountsTest, EachOutcomeLandsInItsCell) {
  QualityCounts counts;
  counts.Add(/*has_true_owner=*/true, /*predicted=*/true, /*predicted_same_entity=*/true);
  counts.Add(false, true, false);
  counts.Add(true, false, false);
  counts.Add(false, false, false);
  EXPECT_EQ(counts.true_positives, 1);
  EXPECT_EQ(counts.false_positives, 1);
  EXPECT_EQ(counts.false_negatives, 1);
  EXPECT_EQ(counts.true_negatives, 1);
}

TEST(QualityCountsTest, WrongOwnerIsBothFalsePositiveAndFalseNegative) {
  QualityCounts counts;
  counts.Add(true, true, false);
  EXPECT_EQ(counts.true_positives, 0);
  EXPECT_EQ(counts.false_positives, 1);
  EXPECT_EQ(counts.false_negatives, 1);
  EXPECT_EQ(counts.true_negatives, 0);
}

TEST(QualityCountsTest, PrecisionRecallAndF1) {
  QualityCounts counts;
  for (int i = 0; i < 8; ++i) counts.Add(true, true, true);
  for (int i = 0; i < 2; ++i) counts.Add(false, true, false);
  for (int i = 0; i < 8; ++i) counts.Add(true, false, false);
  counts.Add(false, false, false);
  EXPECT_DOUBLE_EQ(counts.Precision(), 0.8);
  EXPECT_DOUBLE_EQ(counts.Recall(), 0.5);
  EXPECT_DOUBLE_EQ(counts.F1(), 2.0 * 0.8 * 0.5 / 1.3);
}

TEST(QualityCountsTest, EmptyDenominatorsGiveZero) {
  QualityCounts counts;
  EXPECT_EQ(counts.Precision(), 0.0);
  EXPECT_EQ(counts.Recall(), 0.0);
  EXPECT_EQ(counts.F1(), 0.0);
  counts.Add(false, false, false);
  EXPECT_EQ(counts.F1(), 0.0);
}

}  // namespace
}  // namespace leadd::bench
