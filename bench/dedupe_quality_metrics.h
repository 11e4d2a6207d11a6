// The arithmetic of dedupe quality: each lead is judged once, against whether an earlier
// record of its entity exists, and the tallies give precision, recall and F1 of "this lead
// matches an existing owner". Kept apart from the tool so that a unit test can pin it down.
#pragma once

#include <cstdint>

namespace leadd::bench {

struct QualityCounts {
  std::int64_t true_positives = 0;
  std::int64_t false_positives = 0;
  std::int64_t false_negatives = 0;
  std::int64_t true_negatives = 0;

  // One lead. `has_true_owner`: an earlier-registered record of the same entity exists.
  // `predicted`: the matcher named an owner. `predicted_same_entity`: that owner is of the
  // lead's entity. Naming the wrong entity both steals the lead (a false positive) and loses
  // the right owner (a false negative, when there was one), so it counts twice.
  void Add(bool has_true_owner, bool predicted, bool predicted_same_entity) {
    if (predicted && predicted_same_entity) {
      ++true_positives;
    } else if (predicted) {
      ++false_positives;
      if (has_true_owner) ++false_negatives;
    } else if (has_true_owner) {
      ++false_negatives;
    } else {
      ++true_negatives;
    }
  }

  // An empty denominator gives 0: no prediction is no evidence of precision, and a run on a
  // dataset without duplicates has nothing to recall.
  double Precision() const { return Ratio(true_positives, true_positives + false_positives); }
  double Recall() const { return Ratio(true_positives, true_positives + false_negatives); }
  double F1() const {
    const double p = Precision();
    const double r = Recall();
    return p + r > 0.0 ? 2.0 * p * r / (p + r) : 0.0;
  }

 private:
  static double Ratio(std::int64_t part, std::int64_t whole) {
    return whole > 0 ? static_cast<double>(part) / static_cast<double>(whole) : 0.0;
  }
};

}  // namespace leadd::bench
