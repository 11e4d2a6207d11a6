// ShadowReport: how a shadow rules file (`shadow:`) would have routed the leads the live rules
// did, set against what the live rules did, from the entries the pipeline recorded.
#pragma once

#include <cstddef>
#include <string>
#include <vector>

#include "router/replay.h"

namespace leadd::router {

// One live routing of a lead and the shadow rules' decision for it; an empty rep is the pool.
struct ShadowEntry {
  std::string lead;
  std::string live_rep;
  std::string live_rule;
  std::string shadow_rep;
  std::string shadow_rule;
  std::string shadow_strategy;
};

// A lead the shadow rules would send elsewhere than the live rules did.
struct ShadowDifference {
  std::string lead;
  std::string live_rep;
  std::string shadow_rep;
  std::string shadow_rule;
};

struct ShadowReport {
  // Live routings compared: a lead routed again (after a bounce) counts once per routing.
  std::size_t leads = 0;
  std::size_t same_rep = 0;         // both sent it to the same rep
  std::size_t other_rep = 0;        // both sent it to a rep, not the same
  std::size_t shadow_pooled = 0;    // live assigned it, the shadow would leave it in the pool
  std::size_t shadow_assigned = 0;  // live left it in the pool, the shadow would assign it
  std::size_t both_pooled = 0;
  // `before` is live, `after` the shadow; by name. Pooled leads count under no rep or rule.
  std::vector<ReplayCount> by_rep;
  std::vector<ReplayCount> by_rule;
  // The first `max_listed` differences in the order they were recorded, and how many more.
  std::vector<ShadowDifference> differences;
  std::size_t more_differences = 0;
};

// Pure: `entries` in the order they were recorded.
ShadowReport CompareShadow(const std::vector<ShadowEntry>& entries, std::size_t max_listed);

}  // namespace leadd::router
