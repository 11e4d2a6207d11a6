// Decision: where the router sends a lead, and why, in a form stored with the lead.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "config/settings.h"

namespace leadd::router {

// A rep a rule's strategy named but could not offer the lead to, and why.
struct SkippedRep {
  std::string rep;
  std::string why;  // "bounced before or left", "at capacity (40 of 40)"
};

// One line of the explanation: what a rule whose `when:` the lead met did with it.
struct RuleTrace {
  std::string rule;
  std::string strategy;
  std::string outcome;              // "no owner on record", "round robin over 3 reps", ...
  std::vector<SkippedRep> skipped;  // also named at the end of `outcome`
  std::uint32_t position = 0;       // the rule's place among the rules, from 0
};

// A rule whose `when:` the lead did not meet. A decision passes over most of a large rule set,
// so only the test that settled it is kept; the lead's own value of that field says the rest.
struct PassedOver {
  std::uint32_t position;  // the rule's place among the rules, from 0
  std::string_view test;   // a field's name ("country") or "match"; static storage
};

// Key accounts are never single-threaded: who stands in for the assignee, and whether their
// manager (whom the notice dispatcher finds, as for escalations) is told of the assignment.
struct KeyAccountTeam {
  std::string backup;  // empty: none wanted, or nobody to stand in
  bool inform_manager = false;
};

struct Decision {
  std::string rule;      // the rule that yielded candidates; empty when none did
  std::string strategy;  // "owner", "round_robin"
  // Eligible reps. When `round_robin_cursor` is set the assignment picks among them by an
  // atomic counter in Redis, so that several daemons share one rotation; otherwise the first.
  std::vector<std::string> candidates;
  std::string round_robin_cursor;
  std::vector<RuleTrace> trace;         // every rule whose `when:` held, in order
  std::vector<PassedOver> passed_over;  // every other rule looked at, in order
  // The names of the router's rules by position, which passed_over refers to; shared, so a
  // decision outlives a reload.
  std::shared_ptr<const std::vector<std::string>> rule_names;
  // The grade the router gave a lead that came without one (the first of `grades` whose
  // `when:` it meets), and why; empty when the lead had its own or met none.
  std::string grade;
  std::string grade_reason;
  // How the deciding rule hands the lead out: with offer, race or pool_only, `candidates` is
  // the whole ranking, best first (or in rotation from the cursor).
  config::OfferSettings offer;

  bool Routed() const { return !candidates.empty(); }
  std::string_view RuleName(const PassedOver& passed) const {
    return (*rule_names)[passed.position];
  }
};

// Calls `tried` or `passed` for each rule looked at, in the rules' order.
template <typename Tried, typename Passed>
void ForEachRule(const Decision& decision, Tried&& tried, Passed&& passed) {
  auto next_tried = decision.trace.begin();
  for (const PassedOver& rule : decision.passed_over) {
    for (; next_tried != decision.trace.end() && next_tried->position < rule.position;
         ++next_tried) {
      tried(*next_tried);
    }
    passed(rule);
  }
  for (; next_tried != decision.trace.end(); ++next_tried) tried(*next_tried);
}

// "direct", "offer", "race", "pool_only": as the rules file writes it.
std::string_view OfferModeName(config::OfferMode mode);

// The decision as a JSON document (stored with the lead, printed by leadctl). Its "trace" lists
// every rule looked at in order: an object for a rule that was tried, and a pair
// ["rule", "country"] for one passed over, naming the test that settled it.
std::string ToJson(const Decision& decision);

}  // namespace leadd::router
