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

struct Assignment {
  std::string rep;
  bool newly_assigned = false;  // false: an earlier delivery of the same entry assigned it
};

// What one sweep of due SLA deadlines did.
struct SlaSweep {
  std::int64_t bounced = 0;    // assigned leads whose deadline passed, now in `public`
  std::int64_t requeued = 0;   // of those, sent back to the intake stream for routing
  std::int64_t escalated = 0;  // of those, left in `public` for having bounced too often
};

// One entry of the intake stream, handed to the pipeline.
struct IntakeEntry {
  std::string entry_id;
  std::string lead_id;
};

// All methods run on the Redis client's executor. Errors: kTransient when Redis is away or
// slow (nothing was committed, or the commit is idempotent and safe to retry), kNotFound for
// an unknown lead.
class LeadStore {
 public:
  static constexpr std::string_view kPipelineGroup = "pipeline";
  static constexpr std::string_view kDefaultPool = "public";

  LeadStore(RedisClient& redis, RedisKeys keys) : redis_(redis), keys_(std::move(keys)) {}

  // The Lua library of state transitions, for FUNCTION LOAD on every connect.
  static std::string_view FunctionsSource();

  // Commits the lead and its intake entry atomically, once per source key.
  boost::asio::awaitable<Result<IngestResult>> Ingest(const Lead& lead);
  boost::asio::awaitable<Result<StoredLead>> Get(std::string_view lead_id);
  // Keeps input that could not be accepted, with the reason, for an admin to inspect.
  boost::asio::awaitable<Result<void>> Quarantine(std::string_view origin, std::string_view reason,
                                                  std::string_view raw);

  // The pipeline's side: the consumer group, owner lookups, assignment and parking.
  boost::asio::awaitable<Result<void>> EnsureIntakeGroup();
  boost::asio::awaitable<Result<std::optional<std::string>>> OwnerOfEmail(std::string_view key);
  // With `accept_within` > 0 the assignee must accept within it or the lead bounces (see
  // BounceDue). A lead an SLA bounce re-queued is routed again like a new one.
  boost::asio::awaitable<Result<Assignment>> Assign(
      const IntakeEntry& entry, const router::Decision& decision, std::string_view email_key,
      std::chrono::milliseconds accept_within = std::chrono::milliseconds::zero());
  boost::asio::awaitable<Result<void>> Park(const IntakeEntry& entry,
                                            const router::Decision& decision);
  // Bounces up to `limit` assigned leads whose response deadline has passed to `public`: one
  // that has bounced fewer than `escalate_after` times is re-queued for routing (its earlier
  // assignees excluded), the others stay in the pool, escalated. Atomic: with several daemons
  // sweeping, each deadline bounces once.
  boost::asio::awaitable<Result<SlaSweep>> BounceDue(std::int64_t limit,
                                                     std::int64_t escalate_after);
  // Acknowledges an entry whose lead is gone, so it is not delivered forever.
  boost::asio::awaitable<Result<void>> Drop(const IntakeEntry& entry);

  const RedisKeys& Keys() const { return keys_; }

 private:
  RedisClient& redis_;
  RedisKeys keys_;
};

// The lead's own fields out of its stored hash.
Lead LeadFromStored(const StoredLead& stored);

// The intake entries in a reply to XREADGROUP or XAUTOCLAIM (entries whose payload was
// deleted come back as nil and are skipped).
std::vector<IntakeEntry> ParseIntakeEntries(const RedisReply& entries);

}  // namespace leadd::queue
