// Replay: a rules change tried on the leads that really came, in the order they came, and set
// against where the daemon really sent them. The routing is a dry run's (router/dry_run.h):
// the live state is simulated from scratch, so the same leads give the same answer as a dry run
// of a file holding them.
#pragma once

#include <cstddef>
#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "config/settings.h"
#include "core/lead.h"
#include "router/audit_event.h"
#include "router/dry_run.h"

namespace leadd::router {

// How the router first dealt with a lead, by its audit events.
struct FirstRouting {
  enum class Outcome {
    kWaiting,   // not routed yet (or its routing is past the window's end)
    kAssigned,  // to `rep` by `rule`
    kPooled,    // no rule found a rep
  };
  Outcome outcome = Outcome::kWaiting;
  std::string rep;
  std::string rule;
};

struct ReplayedLead {
  std::string lead;
  FirstRouting before;
};

// The leads first ingested among the events, in the order they arrived, each with the first
// 'assigned' or 'pooled' event the router recorded for it there. Events of leads ingested
// before the first event are left out: their arrival is not in the window.
std::vector<ReplayedLead> LeadsToReplay(const std::vector<AuditEvent>& events);

struct ReplayCount {
  std::string name;
  std::size_t before = 0;
  std::size_t after = 0;

  std::int64_t Change() const {
    return static_cast<std::int64_t>(after) - static_cast<std::int64_t>(before);
  }
};

// A lead the new rules send to someone else; an empty rep is the pool.
struct ReplayChange {
  std::string lead;
  std::string before_rep;
  DryRunResult after;
};

struct ReplayReport {
  // Routed leads. Reps and rules: the new config's in file order, then any other the daemon
  // routed to (a rep or rule the change removes), by name. Sources by name.
  std::vector<ReplayCount> by_rep;
  std::vector<ReplayCount> by_rule;
  std::vector<ReplayCount> by_source;
  std::vector<ReplayChange> changed;  // in arrival order
  std::size_t leads = 0;
  std::size_t routed_before = 0;
  std::size_t unrouted_before = 0;
  std::size_t waiting = 0;  // not routed by the daemon yet: in no "before" count, nor changed
  DryRunSummary after;
};

class Replay {
 public:
  explicit Replay(const config::DaemonSettings& settings) : run_(settings) {}

  // Routes the lead as a dry run does, and compares with `before`.
  DryRunResult Route(Lead lead, const FirstRouting& before);

  ReplayReport Report() const;

 private:
  DryRun run_;
  std::map<std::string, std::size_t, std::less<>> before_by_rep_;
  std::map<std::string, std::size_t, std::less<>> before_by_rule_;
  std::map<std::string, std::size_t, std::less<>> before_by_source_;
  std::vector<ReplayChange> changed_;
  std::size_t routed_before_ = 0;
  std::size_t unrouted_before_ = 0;
  std::size_t waiting_ = 0;
};

}  // namespace leadd::router
