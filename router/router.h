// Router: the pure choice of rule and candidates for one lead, from rules and owner match.
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "config/settings.h"
#include "core/lead.h"
#include "dedupe/owner_match.h"
#include "router/decision.h"
#include "router/rule_index.h"

namespace leadd::router {

// What the router needs to know of the moment besides the lead, read from Redis by the
// pipeline just before deciding.
struct RoutingState {
  // The moment of the decision, for rules that offer leads only to reps on duty: the clock's
  // now when routing live, the lead's arrival in a dry run or replay.
  WallTime now{};
  // Reps no strategy may offer the lead to: those it bounced from, and those who left.
  std::vector<std::string> excluded;
  // Open leads (assigned or accepted, not closed) per rep; a rep not listed holds none. Read
  // only when NeedsLoads().
  std::map<std::string, std::uint32_t, std::less<>> open_leads;
  // Each metric a `top` rule ranks by (TopMetrics()), per rep, in its current window; a rep not
  // listed has 0.
  std::map<std::string, std::map<std::string, double, std::less<>>, std::less<>> metrics;
};

// Immutable once built: a reload builds a new Router and swaps it in whole.
class Router {
 public:
  Router(std::vector<config::Rule> rules, const std::vector<config::Rep>& reps);
  // The rules and reps of a config, and its grades that have a `when:`, in file order: a lead
  // that arrives without a grade gets the first whose condition it meets, before any rule
  // looks at it.
  explicit Router(const config::DaemonSettings& settings);
  // Moves keep reps_'s elements where they are; a copy would leave its index pointing into
  // the original.
  Router(Router&&) = default;
  Router& operator=(Router&&) = default;
  Router(const Router&) = delete;
  Router& operator=(const Router&) = delete;

  // Rules are tried top to bottom, each only for a lead that meets its `when:`; the first
  // whose strategy yields a rep decides. Every strategy passes over excluded reps and reps at
  // their capacity; a rule left without candidates falls through to the next. When none
  // yields anybody, the decision is unrouted and its trace says why each rule passed.
  Decision Decide(const Lead& lead, const std::optional<dedupe::OwnerMatch>& owner,
                  const RoutingState& state = {}) const;

  // Whether Decide needs RoutingState::open_leads: some rep has a capacity or some rule
  // assigns to the least loaded.
  bool NeedsLoads() const { return needs_loads_; }
  // A metric as routing uses it: its name and the calendar window its values count over.
  struct MetricWindow {
    std::string name;
    CalendarWindow window = CalendarWindow::kMonth;
    std::string time_zone = "UTC";
  };
  // The metrics `top` rules rank by, each once: the pipeline reads their current values.
  const std::vector<MetricWindow>& TopMetrics() const { return top_metrics_; }
  // The metrics whose `count:` the lead meets: its assignee's value goes up by one.
  std::vector<MetricWindow> CountedMetrics(const Lead& lead,
                                           const std::optional<dedupe::OwnerMatch>& owner) const;
  // Every configured rep, in file order.
  const std::vector<std::string>& RepIds() const { return rep_ids_; }
  // The most open leads `rep` may hold; nullopt for no limit or an unknown rep. The assignment
  // checks it again against Redis, where the loads Decide saw may have moved on.
  std::optional<std::uint32_t> CapacityOf(std::string_view rep) const {
    const config::Rep* found = FindRep(rep);
    return found == nullptr ? std::nullopt : found->capacity;
  }
  // For a lead of `grade` that goes to `rep`, among the decision's `candidates`: nothing for
  // other than key-account grades (`team:`); else whether the manager is told, and the backup:
  // the rep's own, else the next candidate after them (else the first, when they were not
  // first).
  KeyAccountTeam TeamFor(std::string_view grade, std::string_view rep,
                         const std::vector<std::string>& candidates) const;

 private:
  // A rep a strategy named: its id as the rule or owner wrote it, the configured rep (null
  // when none is), and its place in the rule's roster (for weights).
  struct Candidate {
    std::string_view id;
    const config::Rep* rep = nullptr;
    std::size_t slot = 0;
  };
  struct Outcome;
  // A rule's reps, resolved once: strategies look at every one for every lead they decide.
  struct Roster {
    std::vector<Candidate> members;  // as the rule lists them
    // For territory rules: by place (ASCII lower-cased), the members whose regions cover it.
    std::unordered_map<std::string, std::vector<std::size_t>> by_place;
  };
  static Outcome Nobody(std::string why);
  // The strategy's own candidates (before eligibility) and what it says of them.
  Outcome Apply(std::size_t position, const Lead& lead,
                const std::optional<dedupe::OwnerMatch>& owner, const RoutingState& state) const;
  // For least_loaded, weighted, random and top: the rep (or reps to rotate among) chosen from
  // the eligible candidates.
  void Choose(const config::Rule& rule, const Lead& lead, const RoutingState& state,
              Outcome& result) const;
  // Drops candidates that are unknown, excluded, at capacity or (for an on_duty_only rule) off
  // duty, noting each and why.
  void KeepEligible(const config::Rule& rule, const RoutingState& state, Outcome& result) const;
  const config::Rep* FindRep(std::string_view id) const;

  struct Grading {
    std::string grade;
    config::Condition when;
  };

  std::vector<Grading> grading_;
  struct TeamGrade {
    bool backup = false;
    bool inform_manager = false;
  };
  std::map<std::string, TeamGrade, std::less<>> team_grades_;
  std::vector<config::Rule> rules_;
  std::shared_ptr<const std::vector<std::string>> rule_names_;
  RuleIndex rule_index_;
  std::vector<config::Rep> reps_;
  std::vector<std::string> rep_ids_;
  std::vector<MetricWindow> top_metrics_;
  struct Counted {
    MetricWindow metric;
    config::Condition when;
  };
  std::vector<Counted> counted_;
  std::unordered_map<std::string_view, const config::Rep*> rep_by_id_;
  // By id, email and name (ASCII lower-cased), for `field` rules.
  std::unordered_map<std::string, const config::Rep*> rep_by_name_;
  // By marketplace and account (lower-cased), joined by \x1f: the reps holding it.
  std::unordered_map<std::string, std::vector<const config::Rep*>> account_holders_;
  std::vector<Roster> rosters_;  // by rule position
  bool needs_loads_ = false;
};

// The strategy's name as decisions and logs show it: "owner", "round_robin", "weighted", ...
std::string_view StrategyName(const config::Strategy& strategy);

// Where a lead falls among `total` equal shares, from its source key (its idempotency key: the
// source and its own id, or a hash of the content; the lead id when there is none) and a salt
// (the rule): the same lead always lands in the same place, so a replay or a dry run of it
// decides as the daemon did, though they number leads their own way.
std::uint64_t LeadHash(const Lead& lead, std::string_view salt);

}  // namespace leadd::router
