// Router: the pure choice of rule and candidates for one lead, from rules and owner match.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "config/settings.h"
#include "core/lead.h"
#include "dedupe/owner_match.h"
#include "router/decision.h"

namespace leadd::router {

// What the router needs to know of the moment besides the lead, read from Redis by the
// pipeline just before deciding.
struct RoutingState {
  // Reps no strategy may offer the lead to: those it bounced from, and those who left.
  std::vector<std::string> excluded;
  // Open leads (assigned or accepted, not closed) per rep; a rep not listed holds none. Read
  // only when NeedsLoads().
  std::map<std::string, std::uint32_t, std::less<>> open_leads;
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
  // Every configured rep, in file order.
  const std::vector<std::string>& RepIds() const { return rep_ids_; }

 private:
  struct Outcome;
  static Outcome Nobody(std::string why);
  // The strategy's own candidates (before eligibility) and what it says of them.
  Outcome Apply(const config::Rule& rule, const Lead& lead,
                const std::optional<dedupe::OwnerMatch>& owner) const;
  // For least_loaded, weighted and random: the one rep among the eligible candidates.
  void Choose(const config::Rule& rule, const Lead& lead, const RoutingState& state,
              Outcome& result) const;
  // Drops candidates that are unknown, excluded or at capacity, noting each and why.
  void KeepEligible(const RoutingState& state, Outcome& result) const;
  const config::Rep* FindRep(std::string_view id) const;

  struct Grading {
    std::string grade;
    config::Condition when;
  };

  std::vector<Grading> grading_;
  std::vector<config::Rule> rules_;
  std::vector<config::Rep> reps_;
  std::vector<std::string> rep_ids_;
  // reps_ by id: strategies look reps up for every candidate of every rule they try.
  std::unordered_map<std::string_view, const config::Rep*> rep_by_id_;
  bool needs_loads_ = false;
};

// The strategy's name as decisions and logs show it: "owner", "round_robin", "weighted", ...
std::string_view StrategyName(const config::Strategy& strategy);

// Where a lead falls among `total` equal shares, from its id and a salt (the rule): the same
// lead always lands in the same place, so a replay or a dry run decides as the daemon did.
std::uint64_t LeadHash(const Lead& lead, std::string_view salt);

}  // namespace leadd::router
