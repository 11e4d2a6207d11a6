// Distribution: who got which leads over a window, and how, from the audit stream (DOMAIN rule
// 4: the distribution is published to the team; rule 7: the basis of every decision is visible).
#pragma once

#include <cstddef>
#include <functional>
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "router/audit_event.h"

namespace leadd::router {

// The ways a lead reaches or leaves a rep, counted per rep.
struct RepDistribution {
  std::string rep;
  std::size_t routed = 0;                                          // the router assigned it
  std::map<std::string, std::size_t, std::less<>> routed_by_rule;  // of those, by rule
  std::size_t given = 0;    // an admin reassigned it to the rep
  std::size_t claimed = 0;  // the rep took it from a pool
  std::size_t bounced = 0;  // its SLA passed and it left the rep

  std::size_t Received() const { return routed + given + claimed; }
};

struct RuleDistribution {
  std::string rule;
  std::size_t routed = 0;
};

struct SourceDistribution {
  std::string source;  // "(unknown)" when the lead's hash is gone
  std::size_t ingested = 0;
  std::size_t routed = 0;  // router assignments of the source's leads
  std::size_t pooled = 0;  // no rule found a rep
};

struct DistributionReport {
  // The configured reps in file order, then any other rep the window names (one who left),
  // by name; likewise the rules. Sources by name.
  std::vector<RepDistribution> reps;
  std::vector<RuleDistribution> rules;
  std::vector<SourceDistribution> sources;
  std::size_t ingested = 0;
  std::size_t routed = 0;
  std::size_t pooled = 0;
  std::size_t given = 0;
  std::size_t claimed = 0;
  std::size_t bounced = 0;
};

// The lead's source, or empty when unknown.
using SourceOf = std::function<std::string_view(std::string_view lead)>;

// Counts the events (those of the window, in any order): an 'assigned' or 'pooled' event by
// the router, 'reassigned', 'claimed', 'bounced' and 'ingested'; every other event is a later
// step of a lead already counted, and is left out.
DistributionReport Distribute(const std::vector<AuditEvent>& events,
                              const std::vector<std::string>& reps,
                              const std::vector<std::string>& rules, const SourceOf& source_of);

// The leads the report needs the source of: those the events of Distribute name.
std::vector<std::string> LeadsNeedingSource(const std::vector<AuditEvent>& events);

}  // namespace leadd::router
