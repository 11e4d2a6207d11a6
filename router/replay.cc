#include "router/replay.h"

#include <unordered_map>

namespace leadd::router {
namespace {

// The run's counts in their order, each beside its "before", then the names only "before" has.
std::vector<ReplayCount> Beside(const std::vector<DryRunSummary::Count>& after,
                                std::map<std::string, std::size_t, std::less<>> before) {
  std::vector<ReplayCount> rows;
  for (const auto& count : after) {
    std::size_t was = 0;
    if (const auto found = before.find(count.name); found != before.end()) {
      was = found->second;
      before.erase(found);
    }
    rows.push_back({count.name, was, count.leads});
  }
  for (const auto& [name, was] : before) rows.push_back({name, was, 0});
  return rows;
}

}  // namespace

std::vector<ReplayedLead> LeadsToReplay(const std::vector<AuditEvent>& events) {
  std::vector<ReplayedLead> leads;
  std::unordered_map<std::string_view, std::size_t> index;
  for (const auto& event : events) {
    if (event.lead.empty()) continue;
    if (event.event == "ingested") {
      if (index.emplace(event.lead, leads.size()).second) leads.push_back({event.lead, {}});
      continue;
    }
    // An offer or a race counts for the first rep asked, as in a dry run.
    const bool assigned = event.event == "assigned" || event.event == "offered";
    if ((!assigned && event.event != "pooled") || event.by != kByRouter) continue;
    const auto found = index.find(event.lead);
    if (found == index.end()) continue;
    auto& before = leads[found->second].before;
    if (before.outcome != FirstRouting::Outcome::kWaiting) continue;
    if (assigned) {
      before = {FirstRouting::Outcome::kAssigned, event.rep, event.rule};
    } else {
      before.outcome = FirstRouting::Outcome::kPooled;
    }
  }
  return leads;
}

DryRunResult Replay::Route(Lead lead, const FirstRouting& before) {
  std::string id = lead.id;
  const std::string source = lead.source;
  DryRunResult after = run_.Route(std::move(lead));
  switch (before.outcome) {
    case FirstRouting::Outcome::kWaiting:
      ++waiting_;
      return after;
    case FirstRouting::Outcome::kAssigned:
      ++routed_before_;
      ++before_by_rep_[before.rep];
      ++before_by_rule_[before.rule];
      ++before_by_source_[source];
      break;
    case FirstRouting::Outcome::kPooled:
      ++unrouted_before_;
      before_by_source_.try_emplace(source, 0);
      break;
  }
  if (after.rep != before.rep) changed_.push_back({std::move(id), before.rep, after});
  return after;
}

ReplayReport Replay::Report() const {
  ReplayReport report;
  report.after = run_.Summary();
  report.by_rep = Beside(report.after.by_rep, before_by_rep_);
  report.by_rule = Beside(report.after.by_rule, before_by_rule_);
  report.by_source = Beside(report.after.by_source, before_by_source_);
  report.changed = changed_;
  report.leads = report.after.total;
  report.routed_before = routed_before_;
  report.unrouted_before = unrouted_before_;
  report.waiting = waiting_;
  return report;
}

}  // namespace leadd::router
