#include "router/router.h"

#include <algorithm>
#include <numeric>

#include "core/ascii.h"
#include "router/condition_check.h"

namespace leadd::router {

// What a strategy made of one lead: its candidates (ranked, or to rotate among when `cursor`
// is set) and the sentence for the trace.
struct Router::Outcome {
  std::vector<std::string> candidates;
  std::string cursor;
  std::string outcome;
  std::vector<SkippedRep> skipped;
};

namespace {

std::string Listed(const std::vector<std::string>& reps) {
  std::string out;
  for (const auto& rep : reps) out += (out.empty() ? "" : ", ") + rep;
  return out;
}

bool Covers(const config::Rep& rep, std::string_view place) {
  return !place.empty() &&
         std::any_of(rep.regions.begin(), rep.regions.end(), [&](const std::string& region) {
           return EqualsIgnoringAsciiCase(region, place);
         });
}

// The rep at `point` of the cumulative weights (point < their sum).
std::size_t PickByWeight(const std::vector<std::uint32_t>& weights, std::uint64_t point) {
  for (std::size_t i = 0; i < weights.size(); ++i) {
    if (point < weights[i]) return i;
    point -= weights[i];
  }
  return weights.size() - 1;
}

}  // namespace

std::string_view StrategyName(const config::Strategy& strategy) {
  constexpr std::string_view kNames[] = {"owner",     "round_robin", "field",  "account_owner",
                                         "territory", "weighted",    "random", "least_loaded"};
  static_assert(std::size(kNames) == std::variant_size_v<config::Strategy>);
  return kNames[strategy.index()];
}

std::uint64_t LeadHash(const Lead& lead, std::string_view salt) {
  // FNV-1a over salt and id, then splitmix64's finalizer: sequential ids ("L-41", "L-42") must
  // still spread evenly over the low bits a modulo reads.
  std::uint64_t hash = 0xcbf29ce484222325ULL;
  const auto mix_in = [&](std::string_view bytes) {
    for (const char c : bytes) {
      hash ^= static_cast<unsigned char>(c);
      hash *= 0x100000001b3ULL;
    }
  };
  mix_in(salt);
  mix_in("\x1f");
  mix_in(lead.id.empty() ? lead.source_key : lead.id);
  hash ^= hash >> 30;
  hash *= 0xbf58476d1ce4e5b9ULL;
  hash ^= hash >> 27;
  hash *= 0x94d049bb133111ebULL;
  hash ^= hash >> 31;
  return hash;
}

Router::Router(std::vector<config::Rule> rules, const std::vector<config::Rep>& reps)
    : rules_(std::move(rules)), reps_(reps) {
  for (const auto& rep : reps_) {
    rep_ids_.push_back(rep.id);
    rep_by_id_.emplace(rep.id, &rep);
    if (rep.capacity) needs_loads_ = true;
  }
  for (const auto& rule : rules_) {
    if (std::holds_alternative<config::LeastLoadedStrategy>(rule.assign)) needs_loads_ = true;
  }
}

Router::Router(const config::DaemonSettings& settings) : Router(settings.rules, settings.reps) {
  for (const auto& name : settings.grade_order) {
    const auto grade = settings.grades.find(name);
    if (grade != settings.grades.end() && grade->second.when) {
      grading_.push_back({name, *grade->second.when});
    }
  }
}

const config::Rep* Router::FindRep(std::string_view id) const {
  const auto found = rep_by_id_.find(id);
  return found == rep_by_id_.end() ? nullptr : found->second;
}

void Router::KeepEligible(const RoutingState& state, Outcome& result) const {
  auto& reps = result.candidates;
  std::vector<std::string> kept;
  for (auto& id : reps) {
    const config::Rep* rep = FindRep(id);
    std::string why;
    if (rep == nullptr) {
      why = "no longer a configured rep";
    } else if (std::find(state.excluded.begin(), state.excluded.end(), id) !=
               state.excluded.end()) {
      why = "bounced before or left";
    } else if (rep->capacity) {
      const auto open = state.open_leads.find(id);
      const std::uint32_t held = open == state.open_leads.end() ? 0 : open->second;
      if (held >= *rep->capacity) {
        why =
            "at capacity (" + std::to_string(held) + " of " + std::to_string(*rep->capacity) + ")";
      }
    }
    if (why.empty()) {
      kept.push_back(std::move(id));
    } else {
      result.outcome += "; skipped " + id + ": " + why;
      result.skipped.push_back({id, std::move(why)});
    }
  }
  reps = std::move(kept);
}

// A strategy that found nobody, and why.
Router::Outcome Router::Nobody(std::string why) {
  Outcome nobody;
  nobody.outcome = std::move(why);
  return nobody;
}

Router::Outcome Router::Apply(const config::Rule& rule, const Lead& lead,
                              const std::optional<dedupe::OwnerMatch>& owner) const {
  return std::visit(
      [&](const auto& strategy) -> Outcome {
        using S = std::decay_t<decltype(strategy)>;
        Outcome result;
        if constexpr (std::is_same_v<S, config::OwnerStrategy>) {
          if (!owner) return Nobody("no owner on record");
          result.candidates = {owner->rep};
          result.outcome = "owner '" + owner->rep + "' by " + owner->because;
        } else if constexpr (std::is_same_v<S, config::RoundRobinStrategy>) {
          result.candidates = strategy.reps;
          result.cursor = "rr:" + rule.name;
          result.outcome = "round robin over " + std::to_string(strategy.reps.size()) + " reps";
        } else if constexpr (std::is_same_v<S, config::FieldStrategy>) {
          const std::string name(config::FieldName(strategy.field));
          const std::string value = FieldValue(lead, strategy.field);
          if (value.empty()) return Nobody(name + " is empty");
          const auto named = std::find_if(reps_.begin(), reps_.end(), [&](const config::Rep& rep) {
            return EqualsIgnoringAsciiCase(rep.id, value) ||
                   (!rep.email.empty() && EqualsIgnoringAsciiCase(rep.email, value)) ||
                   (!rep.name.empty() && EqualsIgnoringAsciiCase(rep.name, value));
          });
          if (named == reps_.end()) return Nobody(name + " '" + value + "' names no rep");
          result.candidates = {named->id};
          result.outcome = name + " '" + value + "' names " + named->id;
        } else if constexpr (std::is_same_v<S, config::AccountOwnerStrategy>) {
          if (lead.account.empty()) return Nobody("the lead names no account");
          for (const auto& rep : reps_) {
            const auto account = rep.accounts.find(strategy.marketplace);
            if (account != rep.accounts.end() &&
                EqualsIgnoringAsciiCase(account->second, lead.account)) {
              result.candidates.push_back(rep.id);
            }
          }
          const std::string where = "account '" + lead.account + "' on " + strategy.marketplace;
          if (result.candidates.empty()) return Nobody("no rep has " + where);
          result.outcome = where + " is " + Listed(result.candidates) + "'s";
        } else if constexpr (std::is_same_v<S, config::TerritoryStrategy>) {
          // The most specific place first: a rep covering CN-GD beats one covering all of CN.
          for (const std::string* place : {&lead.region, &lead.country}) {
            for (const auto& id : strategy.reps) {
              const config::Rep* rep = FindRep(id);
              if (rep != nullptr && Covers(*rep, *place)) result.candidates.push_back(id);
            }
            if (!result.candidates.empty()) {
              result.cursor = "rr:" + rule.name + ":" + AsciiLowered(*place);
              result.outcome = "territory '" + *place + "' of " + Listed(result.candidates);
              break;
            }
          }
          if (result.candidates.empty()) {
            return Nobody("no rep covers region '" + lead.region + "' or country '" + lead.country +
                          "'");
          }
        } else if constexpr (std::is_same_v<S, config::LeastLoadedStrategy>) {
          result.candidates = strategy.reps;
          result.outcome = "least loaded of " + std::to_string(strategy.reps.size()) + " reps";
        } else if constexpr (std::is_same_v<S, config::WeightedStrategy>) {
          result.candidates = strategy.reps;
          result.outcome = "weighted over";
          for (std::size_t i = 0; i < strategy.reps.size(); ++i) {
            result.outcome += (i == 0 ? " " : ", ") + strategy.reps[i] + ":" +
                              std::to_string(strategy.weights[i]);
          }
        } else {
          static_assert(std::is_same_v<S, config::RandomStrategy>);
          result.candidates = strategy.reps;
          result.outcome = "random over " + std::to_string(strategy.reps.size()) + " reps";
        }
        return result;
      },
      rule.assign);
}

void Router::Choose(const config::Rule& rule, const Lead& lead, const RoutingState& state,
                    Outcome& result) const {
  auto& candidates = result.candidates;
  if (candidates.empty()) return;
  if (std::holds_alternative<config::LeastLoadedStrategy>(rule.assign)) {
    const auto open = [&](const std::string& id) {
      const auto found = state.open_leads.find(id);
      return found == state.open_leads.end() ? 0u : found->second;
    };
    std::stable_sort(candidates.begin(), candidates.end(),
                     [&](const auto& a, const auto& b) { return open(a) < open(b); });
    result.outcome += ";";
    for (const auto& id : candidates) {
      result.outcome += " " + id + " (" + std::to_string(open(id)) + " open)";
    }
    candidates.resize(1);
    return;
  }
  std::vector<std::uint32_t> weights(candidates.size(), 1);
  if (const auto* weighted = std::get_if<config::WeightedStrategy>(&rule.assign)) {
    for (std::size_t i = 0; i < candidates.size(); ++i) {
      const auto at = std::find(weighted->reps.begin(), weighted->reps.end(), candidates[i]);
      weights[i] = weighted->weights[static_cast<std::size_t>(at - weighted->reps.begin())];
    }
  } else if (!std::holds_alternative<config::RandomStrategy>(rule.assign)) {
    return;
  }
  const std::uint64_t total = std::accumulate(weights.begin(), weights.end(), std::uint64_t{0});
  const std::uint64_t point = LeadHash(lead, rule.name) % total;
  const std::size_t chosen = PickByWeight(weights, point);
  result.outcome += "; the lead's hash falls on share " + std::to_string(point + 1) + " of " +
                    std::to_string(total) + ": " + candidates[chosen];
  candidates = {candidates[chosen]};
}

Decision Router::Decide(const Lead& lead, const std::optional<dedupe::OwnerMatch>& owner,
                        const RoutingState& state) const {
  Decision decision;
  // A lead without a grade of its own is graded first, so that rules see the grade.
  std::optional<Lead> graded;
  if (lead.grade.empty()) {
    for (const auto& [grade, condition] : grading_) {
      auto met = CheckCondition(condition, LeadFacts{lead, owner.has_value()});
      if (!met.holds) continue;
      decision.grade = grade;
      decision.grade_reason = std::move(met.why);
      graded = lead;
      graded->grade = grade;
      break;
    }
  }
  const Lead& subject = graded ? *graded : lead;
  const LeadFacts facts{subject, owner.has_value()};
  for (const auto& rule : rules_) {
    const std::string strategy_name(StrategyName(rule.assign));
    ConditionResult when;
    if (!config::IsAlways(rule.when)) {
      when = CheckCondition(rule.when, facts);
      if (!when.holds) {
        decision.trace.push_back({rule.name, strategy_name, "not for this lead: " + when.why, {}});
        continue;
      }
    }
    Outcome result = Apply(rule, subject, owner);
    KeepEligible(state, result);
    Choose(rule, subject, state, result);
    if (!when.why.empty()) result.outcome = when.why + "; " + result.outcome;
    decision.trace.push_back({rule.name, strategy_name, result.outcome, std::move(result.skipped)});
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
