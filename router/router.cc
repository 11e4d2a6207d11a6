#include "router/router.h"

#include <algorithm>

#include "router/condition_check.h"

namespace leadd::router {
namespace {

// Strategies see the lead and the owner match; each returns its candidates and a sentence.
struct StrategyOutcome {
  std::vector<std::string> candidates;
  std::string cursor;
  std::string outcome;
};

}  // namespace

Router::Router(std::vector<config::Rule> rules, const std::vector<config::Rep>& reps)
    : rules_(std::move(rules)) {
  for (const auto& rep : reps) rep_ids_.push_back(rep.id);
}

Decision Router::Decide(const Lead& lead, const std::optional<dedupe::OwnerMatch>& owner,
                        const std::vector<std::string>& excluded) const {
  Decision decision;
  const auto is_rep = [this](const std::string& id) {
    return std::find(rep_ids_.begin(), rep_ids_.end(), id) != rep_ids_.end();
  };
  const LeadFacts facts{lead, owner.has_value()};
  for (const auto& rule : rules_) {
    const char* strategy_name =
        std::holds_alternative<config::OwnerStrategy>(rule.assign) ? "owner" : "round_robin";
    ConditionResult when;
    if (!config::IsAlways(rule.when)) {
      when = CheckCondition(rule.when, facts);
      if (!when.holds) {
        decision.trace.push_back({rule.name, strategy_name, "not for this lead: " + when.why});
        continue;
      }
    }
    StrategyOutcome result = std::visit(
        [&](const auto& strategy) -> StrategyOutcome {
          using S = std::decay_t<decltype(strategy)>;
          if constexpr (std::is_same_v<S, config::OwnerStrategy>) {
            if (!owner) return {{}, {}, "no owner on record"};
            if (!is_rep(owner->rep)) {
              return {{}, {}, "owner '" + owner->rep + "' is no longer a configured rep"};
            }
            return {{owner->rep}, {}, "owner '" + owner->rep + "' by " + owner->because};
          } else {
            if (strategy.reps.empty()) return {{}, {}, "no reps to rotate among"};
            return {strategy.reps, "rr:" + rule.name,
                    "round robin over " + std::to_string(strategy.reps.size()) + " reps"};
          }
        },
        rule.assign);
    for (const auto& rep : excluded) {
      const auto gone = std::remove(result.candidates.begin(), result.candidates.end(), rep);
      if (gone == result.candidates.end()) continue;
      result.candidates.erase(gone, result.candidates.end());
      result.outcome += "; skipped " + rep + ": bounced before";
    }
    if (!when.why.empty()) result.outcome = when.why + "; " + result.outcome;
    decision.trace.push_back({rule.name, strategy_name, result.outcome});
    if (!result.candidates.empty()) {
      decision.rule = rule.name;
      decision.strategy = strategy_name;
      decision.candidates = std::move(result.candidates);
      decision.round_robin_cursor = std::move(result.cursor);
      return decision;
    }
  }
  return decision;
}

}  // namespace leadd::router
