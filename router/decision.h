// Decision: where the router sends a lead, and why, in a form stored with the lead.
#pragma once

#include <string>
#include <vector>

namespace leadd::router {

// A rep a rule's strategy named but could not offer the lead to, and why.
struct SkippedRep {
  std::string rep;
  std::string why;  // "bounced before or left", "at capacity (40 of 40)"
};

// One line of the explanation: what a rule did with this lead.
struct RuleTrace {
  std::string rule;
  std::string strategy;
  std::string outcome;              // "no owner on record", "round robin over 3 reps", ...
  std::vector<SkippedRep> skipped;  // also named at the end of `outcome`
};

struct Decision {
  std::string rule;      // the rule that yielded candidates; empty when none did
  std::string strategy;  // "owner", "round_robin"
  // Eligible reps. When `round_robin_cursor` is set the assignment picks among them by an
  // atomic counter in Redis, so that several daemons share one rotation; otherwise the first.
  std::vector<std::string> candidates;
  std::string round_robin_cursor;
  std::vector<RuleTrace> trace;  // every rule looked at, in order
  // The grade the router gave a lead that came without one (the first of `grades` whose
  // `when:` it meets), and why; empty when the lead had its own or met none.
  std::string grade;
  std::string grade_reason;

  bool Routed() const { return !candidates.empty(); }
};

// The decision as a JSON document (stored with the lead, printed by leadctl).
std::string ToJson(const Decision& decision);

}  // namespace leadd::router
