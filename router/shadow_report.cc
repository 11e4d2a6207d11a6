#include "router/shadow_report.h"

#include <map>

namespace leadd::router {
namespace {

// Live counts go to `before`, shadow counts to `after`; the pool is no name.
class CountsByName {
 public:
  void Live(const std::string& name) {
    if (!name.empty()) ++counts_[name].first;
  }
  void Shadow(const std::string& name) {
    if (!name.empty()) ++counts_[name].second;
  }
  std::vector<ReplayCount> Take() const {
    std::vector<ReplayCount> rows;
    rows.reserve(counts_.size());
    for (const auto& [name, count] : counts_) rows.push_back({name, count.first, count.second});
    return rows;
  }

 private:
  std::map<std::string, std::pair<std::size_t, std::size_t>> counts_;
};

}  // namespace

ShadowReport CompareShadow(const std::vector<ShadowEntry>& entries, std::size_t max_listed) {
  ShadowReport report;
  CountsByName reps;
  CountsByName rules;
  for (const ShadowEntry& entry : entries) {
    ++report.leads;
    reps.Live(entry.live_rep);
    reps.Shadow(entry.shadow_rep);
    rules.Live(entry.live_rule);
    rules.Shadow(entry.shadow_rule);
    const bool live_pooled = entry.live_rep.empty();
    const bool shadow_pooled = entry.shadow_rep.empty();
    if (live_pooled && shadow_pooled) {
      ++report.both_pooled;
    } else if (live_pooled) {
      ++report.shadow_assigned;
    } else if (shadow_pooled) {
      ++report.shadow_pooled;
    } else if (entry.live_rep == entry.shadow_rep) {
      ++report.same_rep;
    } else {
      ++report.other_rep;
    }
    if (entry.live_rep == entry.shadow_rep) continue;
    if (report.differences.size() < max_listed) {
      report.differences.push_back(
          {entry.lead, entry.live_rep, entry.shadow_rep, entry.shadow_rule});
    } else {
      ++report.more_differences;
    }
  }
  report.by_rep = reps.Take();
  report.by_rule = rules.Take();
  return report;
}

}  // namespace leadd::router
