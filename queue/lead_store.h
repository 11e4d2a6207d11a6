// LeadStore: the leads in Redis — commit, read, quarantine, and the routing transitions.
#pragma once

#include <utility>  // before Asio: Boost 1.74 + g++ 12 need std::exchange declared first

#include <boost/asio/awaitable.hpp>
#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "core/lead.h"
#include "core/result.h"
#include "dedupe/contact_keys.h"
#include "dedupe/owner_match.h"
#include "queue/function_call.h"
#include "queue/redis_client.h"
#include "queue/redis_keys.h"
#include "router/decision.h"

namespace leadd::queue {

struct IngestResult {
  std::string lead_id;
  bool duplicate = false;  // the source key was committed before; nothing new was created
};

// A lead as stored: its hash fields in a stable order, its history entries (JSON text each).
struct StoredLead {
  std::vector<std::pair<std::string, std::string>> fields;
  std::vector<std::string> history;

  std::string_view Field(std::string_view name) const;
};

// What leadd_assign did with a routed lead.
enum class AssignOutcome {
  kAssigned,
  kAlreadyAssigned,  // an earlier delivery of the same entry assigned it
  // Every candidate held its capacity by then (the router's loads were outdated): nothing
  // changed and the intake entry is still pending, for the lead to be routed again.
  kAllFull,
  kOffered,    // offered (mode offer or race) to the reps in `rep`, joined by ','
  kPublished,  // published to a pool for claiming (mode pool_only)
  // The customer the lead would register was registered, by another lead, after the index it
  // was matched with (LeadCustomer::seen), or the customer it was found to be
  // (LeadCustomer::known_as) changed hands or was released since: nothing changed and the
  // intake entry is still pending, for the lead to be matched and routed again.
  kRegistryMoved,
};

struct Assignment {
  std::string rep;  // empty when kAllFull, kPublished or kRegistryMoved
  AssignOutcome outcome = AssignOutcome::kAssigned;
};

// What one sweep of due timers did.
struct TimerSweep {
  WallTime now{};                    // Redis TIME at the sweep
  std::optional<WallTime> next_due;  // the earliest timer still armed
  std::int64_t fired = 0;            // due timers taken off the set
  std::int64_t stale = 0;            // of those, armed for a move the lead has left behind
  std::int64_t bounced = 0;          // assigned leads whose SLA deadline passed, now in `public`
  std::int64_t requeued = 0;         // of the bounced, sent back to the intake stream to route
  std::int64_t escalated = 0;        // of the bounced, held in `public` and the manager told
  std::int64_t reminded = 0;         // reminders written to the notification outbox
  std::int64_t returned = 0;         // accepted leads returned to the pool for inactivity
  std::int64_t kept_locked = 0;      // return reminders and returns skipped: the lead is locked
  std::int64_t reoffered = 0;        // offers nobody answered in time, now offered to the next rep
  std::int64_t offer_pooled = 0;     // offers and races nobody answered in time, now in the pool
};

// One entry of the intake stream, handed to the pipeline (which reads the stream).
struct IntakeEntry {
  std::string entry_id;
  std::string lead_id;
};

// The customer behind a routed lead, for the owner registry (queue/customer_registry.h): its
// keys, and whether the matcher found it registered already. The rep who takes the lead takes
// its email key as before; a customer nobody knew is also registered to them, with every key,
// unless another lead registered it with one of those keys after `seen`.
struct LeadCustomer {
  dedupe::ContactKeys keys;
  bool known = false;
  std::string adds_contact_to = {};  // dedupe::LeadOwnership::adds_contact_to
  std::string known_as = {};         // dedupe::LeadOwnership::customer
  // The registry log position of the owner index the lead was matched with
  // (OwnerIndexFollower::Position); empty to register without looking.
  std::string seen = {};
};

// What the pipeline asks of one routed entry: `sla_plans` holds the encoded SLA timers
// (lifecycle::TimerPlan) and `capacities` the most open leads each may hold (config
// Rep::capacity, nullopt for no limit), for each of the decision's candidates, in order. The
// decision's `offer` says how the lead is handed out.
struct AssignRequest {
  IntakeEntry entry;
  router::Decision decision;
  LeadCustomer customer;
  std::vector<std::string> sla_plans;
  std::vector<std::optional<std::uint32_t>> capacities;
  std::uint32_t escalate_after = 0;
  // The metric windows (RedisKeys::Metric) in which the assignee is counted for this lead.
  std::vector<std::string> counted_in;
  // For a key-account grade (router::Router::TeamFor), each candidate's team, in order; empty
  // for other grades.
  std::vector<router::KeyAccountTeam> teams;
};

// All methods run on the Redis client's executor. Errors: kTransient when Redis is away or
// slow (nothing was committed, or the commit is idempotent and safe to retry), kNotFound for
// an unknown lead.
class LeadStore {
 public:
  static constexpr std::string_view kPipelineGroup = "pipeline";
  static constexpr std::string_view kDefaultPool = "public";

  LeadStore(RedisClient& redis, RedisKeys keys, FunctionClock clock = FunctionClock::RedisTime())
      : redis_(redis), keys_(std::move(keys)), clock_(clock) {}

  // The Lua library of state transitions, for FUNCTION LOAD on every connect.
  static std::string_view FunctionsSource();

  // Commits the lead and its intake entry atomically, once per source key.
  boost::asio::awaitable<Result<IngestResult>> Ingest(const Lead& lead);
  // The lead's fields (history left empty: most callers need only the state).
  boost::asio::awaitable<Result<StoredLead>> Get(std::string_view lead_id);
  // Several leads' fields in one round trip, in order; an unknown lead is nullopt.
  boost::asio::awaitable<Result<std::vector<std::optional<StoredLead>>>> GetMany(
      const std::vector<std::string>& lead_ids);
  // The fields and the history.
  boost::asio::awaitable<Result<StoredLead>> GetWithHistory(std::string_view lead_id);
  // Keeps input that could not be accepted, with the reason, for an admin to inspect.
  boost::asio::awaitable<Result<void>> Quarantine(std::string_view origin, std::string_view reason,
                                                  std::string_view raw);

  // The pipeline's side: owner lookups, assignment and parking.
  // The owner of each normalised email key (dedupe::EmailKey), in order, in one round trip.
  boost::asio::awaitable<Result<std::vector<std::optional<std::string>>>> OwnersOfEmails(
      const std::vector<std::string>& keys);
  // The Function picks among the candidates (a round-robin cursor lives in Redis), passing
  // over those whose open set already holds their capacity, and arms that rep's plan. A lead
  // an SLA bounce re-queued is routed again like a new one. The assignment notice goes to the
  // notification outbox in the same step.
  boost::asio::awaitable<Result<Assignment>> Assign(const AssignRequest& request);
  // Each request in its own Function call, all in one round trip, run by Redis in order: one
  // result per request.
  boost::asio::awaitable<std::vector<Result<Assignment>>> AssignAll(
      const std::vector<AssignRequest>& requests);
  // Whoever claims the parked lead later takes `customer` with it.
  boost::asio::awaitable<Result<void>> Park(const IntakeEntry& entry,
                                            const router::Decision& decision,
                                            const LeadCustomer& customer = {});
  // Each lead's possible owner (dedupe scored a customer between `review` and `auto_match`):
  // recorded on the lead and in its history, and told to the possible owner, the lead's
  // holder (when another rep) and the admins, once per lead. One round trip.
  boost::asio::awaitable<Result<void>> FlagPossibleOwners(
      const std::vector<std::pair<std::string, dedupe::PossibleOwner>>& flagged);
  // Fires up to `limit` due timers, judged by Redis TIME: SLA reminders and bounces (a bounced
  // lead that has bounced fewer times than its grade allows is re-queued for routing with its
  // earlier assignees excluded, the others stay in `public`, escalated), inactivity reminders
  // and returns to `inactivity_pool`, recurring reminders. Notices go to the outbox. Atomic:
  // with several daemons sweeping, each timer fires once.
  boost::asio::awaitable<Result<TimerSweep>> FireDue(std::int64_t limit,
                                                     std::string_view inactivity_pool);

  const RedisKeys& Keys() const { return keys_; }

 private:
  RedisClient& redis_;
  RedisKeys keys_;
  FunctionClock clock_;
};

// The lead's own fields out of its stored hash.
Lead LeadFromStored(const StoredLead& stored);

}  // namespace leadd::queue
