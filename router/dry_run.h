// DryRun: routes leads through the configured rules as the daemon would, with the live state
// (owners, round-robin cursors, open leads) simulated in memory, so nothing live is touched.
#pragma once

#include <cstddef>
#include <map>
#include <string>
#include <vector>

#include "config/settings.h"
#include "core/lead.h"
#include "dedupe/contact_keys.h"
#include "dedupe/owner_index.h"
#include "dedupe/owner_match.h"
#include "router/decision.h"
#include "router/router.h"

namespace leadd::router {

struct DryRunResult {
  std::string lead_id;  // "D-<n>", the n-th lead routed by this run
  Decision decision;
  std::string rep;  // the rep the lead lands on; empty when it would wait in the pool
};

// How many leads went where; every configured rep and rule is listed, in file order, and every
// source the run saw, by name.
struct DryRunSummary {
  struct Count {
    std::string name;
    std::size_t leads = 0;
  };
  std::vector<Count> by_rep;
  std::vector<Count> by_rule;
  std::vector<Count> by_source;
  std::size_t unrouted = 0;  // no rule yielded a rep: the lead would wait in the public pool
  std::size_t total = 0;

  std::size_t Routed() const { return total - unrouted; }
};

// What the Redis Functions do on assignment, kept in memory:
//  - the owner registry, empty at the start of the run: as in the pipeline, a lead's owner is
//    its email key's first rep, else what dedupe::FindOwner finds among the customers the
//    run's earlier leads registered (by phone, company domain, company name, contact), at the
//    config's dedupe thresholds; as in the Function take_owner, a lead nobody owned registers
//    its customer to the rep it lands on, and one its customer's rep takes teaches the
//    customer the keys it was not found by;
//  - round-robin cursors: one counter per cursor name, the pick candidates[counter++ % n];
//  - open leads: each rep starts with none and holds one more per assignment (nothing closes
//    during a dry run), so capacities and least_loaded see the run's own assignments.
// Nobody is excluded: no lead of a dry run has bounced, and departures live in Redis.
class DryRun {
 public:
  explicit DryRun(const config::DaemonSettings& settings);

  // Routes the next lead. Its id becomes "D-<n>"; weighted and random hash its source key, not
  // the id, so they pick as the daemon did for the same lead.
  DryRunResult Route(Lead lead);

  DryRunSummary Summary() const;

 private:
  // The rep `rep` takes the lead `lead_id` with keys `contact`, whose ownership was found
  // before routing: what take_owner does to the registry.
  void TakeCustomer(const std::string& lead_id, WallTime at, const dedupe::ContactKeys& contact,
                    const dedupe::LeadOwnership& ownership, const std::string& rep);

  Router router_;
  config::DedupeSettings dedupe_;
  // Its open leads are also the run's count per rep: nothing closes during a dry run.
  RoutingState state_;
  std::map<std::string, std::string, std::less<>> owner_by_email_key_;
  dedupe::OwnerIndex customers_;
  // Each registered customer's entry in customers_, by its id (the registering lead's "D-<n>").
  std::map<std::string, dedupe::OwnerIndex::Id, std::less<>> customer_entries_;
  std::map<std::string, std::size_t, std::less<>> cursors_;
  std::map<std::string, std::size_t, std::less<>> leads_by_rule_;
  std::map<std::string, std::size_t, std::less<>> routed_by_source_;  // every source seen
  std::vector<std::string> rule_names_;
  std::size_t unrouted_ = 0;
  std::size_t total_ = 0;
};

}  // namespace leadd::router
