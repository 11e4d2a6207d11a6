#include "router/router.h"

#include <algorithm>
#include <numeric>

#include <date/tz.h>

#include "core/ascii.h"
#include "router/condition_check.h"

namespace leadd::router {

// What a strategy made of one lead: its candidates (ranked, or to rotate among when `cursor`
// is set) and the sentence for the trace.
struct Router::Outcome {
  std::vector<Candidate> candidates;
  std::string cursor;
  std::string outcome;
  std::vector<SkippedRep> skipped;
};

namespace {

// "alice, bob" of reps or candidates.
template <typename Reps>
std::string Listed(const Reps& reps) {
  std::string out;
  for (const auto& rep : reps) {
    if (!out.empty()) out += ", ";
    if constexpr (std::is_pointer_v<std::decay_t<decltype(rep)>>) {
      out += rep->id;
    } else {
      out += rep.id;
    }
  }
  return out;
}

// The rep at `point` of the cumulative weights (point < their sum).
std::size_t PickByWeight(const std::vector<std::uint32_t>& weights, std::uint64_t point) {
  for (std::size_t i = 0; i < weights.size(); ++i) {
    if (point < weights[i]) return i;
    point -= weights[i];
  }
  return weights.size() - 1;
}

// A rep's value of `metric` in its current window, 0 when none is recorded.
auto MetricValues(const RoutingState& state, std::string_view metric) {
  const auto found = state.metrics.find(metric);
  const auto* values = found == state.metrics.end() ? nullptr : &found->second;
  return [values](std::string_view rep) {
    if (values == nullptr) return 0.0;
    const auto value = values->find(rep);
    return value == values->end() ? 0.0 : value->second;
  };
}

// "off duty until Mon 09:00 Europe/Berlin": when the rep's next working hours begin, in the
// rep's own time.
std::string OffDuty(WallTime now, const WorkingHours& hours) {
  const WallTime opens = DeadlineFor(now, Duration::zero(), hours);
  if (opens == WallTime::max()) return "off duty, with no working hours ahead";
  const auto local = date::make_zoned(hours.time_zone, date::floor<std::chrono::minutes>(opens));
  return "off duty until " + date::format("%a %H:%M ", local) + hours.time_zone;
}

std::uint32_t OpenLeads(const RoutingState& state, std::string_view rep) {
  const auto found = state.open_leads.find(rep);
  return found == state.open_leads.end() ? 0 : found->second;
}

// The reps a strategy chooses among, or null for one that names its rep another way.
const std::vector<std::string>* RosterOf(const config::Strategy& strategy) {
  return std::visit(
      [](const auto& chosen) -> const std::vector<std::string>* {
        if constexpr (requires { chosen.reps; }) {
          return &chosen.reps;
        } else {
          return nullptr;
        }
      },
      strategy);
}

}  // namespace

std::string_view StrategyName(const config::Strategy& strategy) {
  constexpr std::string_view kNames[] = {"owner",         "round_robin",  "field",
                                         "account_owner", "territory",    "weighted",
                                         "random",        "least_loaded", "top"};
  static_assert(std::size(kNames) == std::variant_size_v<config::Strategy>);
  return kNames[strategy.index()];
}

std::uint64_t LeadHash(const Lead& lead, std::string_view salt) {
  // FNV-1a over salt and key, then splitmix64's finalizer: sequential ids ("L-41", "L-42") must
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
  mix_in(lead.source_key.empty() ? lead.id : lead.source_key);
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
    // The first rep in file order that answers to a name keeps it.
    for (const std::string* name : {&rep.id, &rep.email, &rep.name}) {
      if (!name->empty()) rep_by_name_.emplace(AsciiLowered(*name), &rep);
    }
    for (const auto& [marketplace, account] : rep.accounts) {
      account_holders_[marketplace + '\x1f' + AsciiLowered(account)].push_back(&rep);
    }
  }
  auto names = std::make_shared<std::vector<std::string>>();
  for (const auto& rule : rules_) {
    names->push_back(rule.name);
    Roster& roster = rosters_.emplace_back();
    if (const auto* ids = RosterOf(rule.assign)) {
      for (const auto& id : *ids) {
        const config::Rep* rep = FindRep(id);
        roster.members.push_back({id, rep, roster.members.size()});
        if (rep == nullptr || !std::holds_alternative<config::TerritoryStrategy>(rule.assign)) {
          continue;
        }
        for (const auto& region : rep->regions) {
          auto& covering = roster.by_place[AsciiLowered(region)];
          if (covering.empty() || covering.back() != roster.members.size() - 1) {
            covering.push_back(roster.members.size() - 1);
          }
        }
      }
    }
    if (std::holds_alternative<config::LeastLoadedStrategy>(rule.assign)) needs_loads_ = true;
    const auto* top = std::get_if<config::TopStrategy>(&rule.assign);
    if (top != nullptr &&
        std::none_of(top_metrics_.begin(), top_metrics_.end(),
                     [&](const auto& known) { return known.name == top->metric; })) {
      top_metrics_.push_back({top->metric});
    }
  }
  rule_names_ = std::move(names);
  rule_index_ = RuleIndex(rules_);
}

Router::Router(const config::DaemonSettings& settings) : Router(settings.rules, settings.reps) {
  for (auto& metric : top_metrics_) {
    if (const auto defined = settings.metrics.find(metric.name);
        defined != settings.metrics.end()) {
      metric.window = defined->second.window;
      metric.time_zone = defined->second.time_zone;
    }
  }
  for (const auto& [name, metric] : settings.metrics) {
    if (metric.count) counted_.push_back({{name, metric.window, metric.time_zone}, *metric.count});
  }
  for (const auto& name : settings.grade_order) {
    const auto grade = settings.grades.find(name);
    if (grade != settings.grades.end() && grade->second.when) {
      grading_.push_back({name, *grade->second.when});
    }
  }
  for (const auto& [name, grade] : settings.grades) {
    if (grade.backup || grade.inform_manager) {
      team_grades_.emplace(name, TeamGrade{grade.backup, grade.inform_manager});
    }
  }
}

KeyAccountTeam Router::TeamFor(std::string_view grade, std::string_view rep,
                               const std::vector<std::string>& candidates) const {
  const auto found = team_grades_.find(grade);
  if (found == team_grades_.end()) return {};
  const config::Rep* holder = FindRep(rep);
  KeyAccountTeam team;
  team.inform_manager = found->second.inform_manager;
  if (!found->second.backup) return team;
  if (holder != nullptr && !holder->backup.empty()) {
    team.backup = holder->backup;
    return team;
  }
  // Without a backup of their own, the next of the rule's ranking stands in: the rep the rule
  // would have chosen had the assignee not been there.
  const auto at = std::find(candidates.begin(), candidates.end(), rep);
  for (auto next = at == candidates.end() ? candidates.begin() : std::next(at);
       next != candidates.end(); ++next) {
    if (*next != rep) {
      team.backup = *next;
      break;
    }
  }
  if (team.backup.empty() && at != candidates.end() && at != candidates.begin()) {
    team.backup = candidates.front();
  }
  return team;
}

std::vector<Router::MetricWindow> Router::CountedMetrics(
    const Lead& lead, const std::optional<dedupe::OwnerMatch>& owner) const {
  std::vector<MetricWindow> met;
  std::string_view settled_by;
  for (const auto& counted : counted_) {
    if (Meets(counted.when, LeadFacts{lead, owner.has_value()}, settled_by)) {
      met.push_back(counted.metric);
    }
  }
  return met;
}

const config::Rep* Router::FindRep(std::string_view id) const {
  const auto found = rep_by_id_.find(id);
  return found == rep_by_id_.end() ? nullptr : found->second;
}

void Router::KeepEligible(const config::Rule& rule, const RoutingState& state,
                          Outcome& result) const {
  auto& candidates = result.candidates;
  std::size_t kept = 0;
  for (const Candidate& candidate : candidates) {
    std::string why;
    if (candidate.rep == nullptr) {
      why = "no longer a configured rep";
    } else if (std::find(state.excluded.begin(), state.excluded.end(), candidate.id) !=
               state.excluded.end()) {
      why = "bounced before or left";
    } else if (const auto capacity = candidate.rep->capacity) {
      const std::uint32_t held = OpenLeads(state, candidate.id);
      if (held >= *capacity) {
        why = "at capacity (" + std::to_string(held) + " of " + std::to_string(*capacity) + ")";
      }
    }
    if (why.empty() && rule.on_duty_only && candidate.rep->working_hours &&
        !IsWorkingTime(state.now, *candidate.rep->working_hours)) {
      why = OffDuty(state.now, *candidate.rep->working_hours);
    }
    if (why.empty()) {
      candidates[kept++] = candidate;
    } else {
      result.outcome += "; skipped " + std::string(candidate.id) + ": " + why;
      result.skipped.push_back({std::string(candidate.id), std::move(why)});
    }
  }
  candidates.resize(kept);
}

// A strategy that found nobody, and why.
Router::Outcome Router::Nobody(std::string why) {
  Outcome nobody;
  nobody.outcome = std::move(why);
  return nobody;
}

Router::Outcome Router::Apply(std::size_t position, const Lead& lead,
                              const std::optional<dedupe::OwnerMatch>& owner,
                              const RoutingState& state) const {
  const config::Rule& rule = rules_[position];
  const Roster& roster = rosters_[position];
  return std::visit(
      [&](const auto& strategy) -> Outcome {
        using S = std::decay_t<decltype(strategy)>;
        Outcome result;
        if constexpr (std::is_same_v<S, config::OwnerStrategy>) {
          if (!owner) return Nobody("no owner on record");
          result.candidates = {{owner->rep, FindRep(owner->rep)}};
          result.outcome = "owner '" + owner->rep + "' by " + owner->because;
        } else if constexpr (std::is_same_v<S, config::FieldStrategy>) {
          const std::string name(config::FieldName(strategy.field));
          const std::string value = FieldValue(lead, strategy.field);
          if (value.empty()) return Nobody(name + " is empty");
          const auto named = rep_by_name_.find(AsciiLowered(value));
          if (named == rep_by_name_.end()) return Nobody(name + " '" + value + "' names no rep");
          result.candidates = {{named->second->id, named->second}};
          result.outcome = name + " '" + value + "' names " + named->second->id;
        } else if constexpr (std::is_same_v<S, config::AccountOwnerStrategy>) {
          if (lead.account.empty()) return Nobody("the lead names no account");
          const std::string where = "account '" + lead.account + "' on " + strategy.marketplace;
          const auto holders =
              account_holders_.find(strategy.marketplace + '\x1f' + AsciiLowered(lead.account));
          if (holders == account_holders_.end()) return Nobody("no rep has " + where);
          for (const config::Rep* rep : holders->second)
            result.candidates.push_back({rep->id, rep});
          result.outcome = where + " is " + Listed(holders->second) + "'s";
        } else if constexpr (std::is_same_v<S, config::TerritoryStrategy>) {
          // The most specific place first: a rep covering CN-GD beats one covering all of CN.
          for (const std::string* place : {&lead.region, &lead.country}) {
            if (place->empty()) continue;
            const auto covering = roster.by_place.find(AsciiLowered(*place));
            if (covering == roster.by_place.end()) continue;
            for (const std::size_t slot : covering->second) {
              result.candidates.push_back(roster.members[slot]);
            }
            result.cursor = "rr:" + rule.name + ":" + AsciiLowered(*place);
            result.outcome = "territory '" + *place + "' of ";
            for (const std::size_t slot : covering->second) {
              if (slot != covering->second.front()) result.outcome += ", ";
              result.outcome += roster.members[slot].id;
            }
            return result;
          }
          return Nobody("no rep covers region '" + lead.region + "' or country '" + lead.country +
                        "'");
        } else {
          result.candidates = roster.members;
          const std::string count = std::to_string(roster.members.size());
          if constexpr (std::is_same_v<S, config::RoundRobinStrategy>) {
            result.cursor = "rr:" + rule.name;
            result.outcome = "round robin over " + count + " reps";
          } else if constexpr (std::is_same_v<S, config::LeastLoadedStrategy>) {
            result.outcome = "least loaded of " + count + " reps";
          } else if constexpr (std::is_same_v<S, config::WeightedStrategy>) {
            result.outcome = "weighted over";
            for (std::size_t i = 0; i < strategy.reps.size(); ++i) {
              result.outcome += (i == 0 ? " " : ", ") + strategy.reps[i] + ":" +
                                std::to_string(strategy.weights[i]);
            }
          } else if constexpr (std::is_same_v<S, config::TopStrategy>) {
            const auto values = MetricValues(state, strategy.metric);
            // Stable: reps with equal values keep their file order.
            std::stable_sort(
                result.candidates.begin(), result.candidates.end(),
                [&](const auto& a, const auto& b) { return values(a.id) > values(b.id); });
            result.outcome = "ranked by " + strategy.metric + ":";
            for (std::size_t i = 0; i < result.candidates.size(); ++i) {
              const auto id = result.candidates[i].id;
              result.outcome +=
                  (i == 0 ? " " : ", ") + std::string(id) + " " + NumberText(values(id));
            }
          } else {
            static_assert(std::is_same_v<S, config::RandomStrategy>);
            result.outcome = "random over " + count + " reps";
          }
        }
        return result;
      },
      rule.assign);
}

void Router::Choose(const config::Rule& rule, const Lead& lead, const RoutingState& state,
                    Outcome& result) const {
  auto& candidates = result.candidates;
  if (candidates.empty()) return;
  // An offer goes to the next rep when the first declines, a race to several at once, and a
  // publication tells every candidate: those modes keep the whole ranking, best first.
  const bool ranked = rule.offer.mode != config::OfferMode::kDirect;
  if (const auto* top = std::get_if<config::TopStrategy>(&rule.assign)) {
    // The best `among` eligible reps, and whoever ties with the last of them, take turns.
    const auto values = MetricValues(state, top->metric);
    std::size_t kept =
        std::min<std::size_t>(std::max<std::uint32_t>(top->among, 1), candidates.size());
    while (kept < candidates.size() &&
           values(candidates[kept].id) == values(candidates[kept - 1].id)) {
      ++kept;
    }
    if (ranked) {
      result.outcome += "; ranked by " + top->metric + ": " + Listed(candidates);
      return;
    }
    candidates.resize(kept);
    if (kept > 1) {
      result.cursor = "rr:" + rule.name;
      result.outcome += "; in turn among " + Listed(candidates);
    } else {
      result.outcome += "; best eligible: " + std::string(candidates.front().id);
    }
    return;
  }
  if (std::holds_alternative<config::LeastLoadedStrategy>(rule.assign)) {
    std::vector<std::pair<std::uint32_t, Candidate>> by_load;
    by_load.reserve(candidates.size());
    for (const Candidate& candidate : candidates) {
      by_load.emplace_back(OpenLeads(state, candidate.id), candidate);
    }
    std::stable_sort(by_load.begin(), by_load.end(),
                     [](const auto& a, const auto& b) { return a.first < b.first; });
    result.outcome += ";";
    for (const auto& [open, candidate] : by_load) {
      result.outcome.append(" ").append(candidate.id).append(" (");
      result.outcome.append(std::to_string(open)).append(" open)");
    }
    candidates.clear();
    for (const auto& each : by_load) {
      candidates.push_back(each.second);
      if (!ranked) break;
    }
    return;
  }
  std::vector<std::uint32_t> weights(candidates.size(), 1);
  if (const auto* weighted = std::get_if<config::WeightedStrategy>(&rule.assign)) {
    for (std::size_t i = 0; i < candidates.size(); ++i) {
      weights[i] = weighted->weights[candidates[i].slot];
    }
  } else if (!std::holds_alternative<config::RandomStrategy>(rule.assign)) {
    return;
  }
  const std::uint64_t total = std::accumulate(weights.begin(), weights.end(), std::uint64_t{0});
  const std::uint64_t point = LeadHash(lead, rule.name) % total;
  const std::size_t chosen = PickByWeight(weights, point);
  result.outcome += "; the lead's hash falls on share " + std::to_string(point + 1) + " of " +
                    std::to_string(total) + ": " + std::string(candidates[chosen].id);
  // Ranked: the hash's pick first, then the others in roster order after it.
  std::rotate(candidates.begin(), candidates.begin() + static_cast<std::ptrdiff_t>(chosen),
              candidates.end());
  if (!ranked) candidates.resize(1);
}

Decision Router::Decide(const Lead& lead, const std::optional<dedupe::OwnerMatch>& owner,
                        const RoutingState& state) const {
  Decision decision;
  decision.rule_names = rule_names_;
  decision.passed_over.reserve(rules_.size());
  std::string_view settled_by;
  // A lead without a grade of its own is graded first, so that rules see the grade.
  std::optional<Lead> graded;
  if (lead.grade.empty()) {
    for (const auto& [grade, condition] : grading_) {
      if (!Meets(condition, LeadFacts{lead, owner.has_value()}, settled_by)) continue;
      decision.grade = grade;
      decision.grade_reason = CheckCondition(condition, LeadFacts{lead, owner.has_value()}).why;
      graded = lead;
      graded->grade = grade;
      break;
    }
  }
  const Lead& subject = graded ? *graded : lead;
  const LeadFacts facts{subject, owner.has_value()};
  const RuleIndex::Screen screen = rule_index_.ScreenFor(subject);
  for (std::uint32_t position = 0; position < rules_.size(); ++position) {
    const config::Rule& rule = rules_[position];
    std::string why_met;
    if (!screen.Possible(position)) {
      decision.passed_over.push_back({position, screen.RuledOutBy(position)});
      continue;
    }
    if (!config::IsAlways(rule.when)) {
      if (!Meets(rule.when, facts, settled_by)) {
        decision.passed_over.push_back({position, settled_by});
        continue;
      }
      why_met = CheckCondition(rule.when, facts).why;
    }
    Outcome result = Apply(position, subject, owner, state);
    KeepEligible(rule, state, result);
    Choose(rule, subject, state, result);
    if (!why_met.empty()) result.outcome = why_met + "; " + result.outcome;
    const std::string_view strategy_name = StrategyName(rule.assign);
    decision.trace.push_back({rule.name, std::string(strategy_name), std::move(result.outcome),
                              std::move(result.skipped), position});
    if (!result.candidates.empty()) {
      decision.rule = rule.name;
      decision.strategy = strategy_name;
      decision.candidates.reserve(result.candidates.size());
      for (const Candidate& candidate : result.candidates) {
        decision.candidates.emplace_back(candidate.id);
      }
      decision.round_robin_cursor = std::move(result.cursor);
      decision.offer = rule.offer;
      return decision;
    }
  }
  return decision;
}

}  // namespace leadd::router
