#include "router/distribution.h"

#include <set>

namespace leadd::router {
namespace {

constexpr std::string_view kUnknownSource = "(unknown)";

// The row named `name`, made (with its name member set) when new.
template <class Row>
Row& RowNamed(std::map<std::string, Row, std::less<>>& rows, std::string_view name,
              std::string Row::*name_member) {
  auto found = rows.find(name);
  if (found == rows.end()) {
    Row row{};
    row.*name_member = std::string(name);
    found = rows.emplace(std::string(name), std::move(row)).first;
  }
  return found->second;
}

// The configured names in order, then the others seen in the window by name: a rep who left or
// a rule since renamed still shows what it did.
template <class Row>
std::vector<Row> InOrder(const std::vector<std::string>& configured,
                         std::map<std::string, Row, std::less<>> seen,
                         std::string Row::*name_member) {
  std::vector<Row> rows;
  for (const auto& name : configured) {
    RowNamed(seen, name, name_member);
    const auto found = seen.find(name);
    rows.push_back(std::move(found->second));
    seen.erase(found);
  }
  for (auto& entry : seen) rows.push_back(std::move(entry.second));
  return rows;
}

bool Counted(const AuditEvent& event) {
  if (event.lead.empty()) return false;  // a rep's own event (away, back, departed)
  if (event.event == "assigned" || event.event == "pooled") return event.by == kByRouter;
  // A lead a rule offered counts when a rep takes it, for the rule (the rep's own act).
  return event.event == "ingested" || event.event == "taken" || event.event == "reassigned" ||
         event.event == "claimed" || event.event == "bounced";
}

}  // namespace

DistributionReport Distribute(const std::vector<AuditEvent>& events,
                              const std::vector<std::string>& reps,
                              const std::vector<std::string>& rules, const SourceOf& source_of) {
  std::map<std::string, RepDistribution, std::less<>> by_rep;
  std::map<std::string, RuleDistribution, std::less<>> by_rule;
  std::map<std::string, SourceDistribution, std::less<>> by_source;
  DistributionReport report;
  for (const auto& event : events) {
    if (!Counted(event)) continue;
    std::string_view source = source_of(event.lead);
    if (source.empty()) source = kUnknownSource;
    auto& from = RowNamed(by_source, source, &SourceDistribution::source);
    if (event.event == "ingested") {
      ++from.ingested;
      ++report.ingested;
      continue;
    }
    if (event.event == "pooled") {
      ++from.pooled;
      ++report.pooled;
      continue;
    }
    auto& rep = RowNamed(by_rep, event.rep, &RepDistribution::rep);
    if (event.event == "assigned" || event.event == "taken") {
      ++rep.routed;
      ++rep.routed_by_rule[event.rule];
      ++RowNamed(by_rule, event.rule, &RuleDistribution::rule).routed;
      ++from.routed;
      ++report.routed;
    } else if (event.event == "reassigned") {
      ++rep.given;
      ++report.given;
    } else if (event.event == "claimed") {
      ++rep.claimed;
      ++report.claimed;
    } else {
      ++rep.bounced;
      ++report.bounced;
    }
  }
  report.reps = InOrder(reps, std::move(by_rep), &RepDistribution::rep);
  report.rules = InOrder(rules, std::move(by_rule), &RuleDistribution::rule);
  report.sources = InOrder({}, std::move(by_source), &SourceDistribution::source);
  return report;
}

std::vector<std::string> LeadsNeedingSource(const std::vector<AuditEvent>& events) {
  std::set<std::string_view> seen;
  std::vector<std::string> leads;
  for (const auto& event : events) {
    if (Counted(event) && seen.insert(event.lead).second) leads.push_back(event.lead);
  }
  return leads;
}

}  // namespace leadd::router
