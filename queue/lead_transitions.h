// LeadTransitions: a lead's moves after routing — accept, reject, bounce, claim, reassign,
// stage, follow-up and close — each one atomic Redis Function.
#pragma once

#include <utility>  // before Asio: Boost 1.74 + g++ 12 need std::exchange declared first

#include <boost/asio/awaitable.hpp>
#include <chrono>
#include <cstdint>
#include <string>
#include <string_view>

#include "core/result.h"
#include "queue/redis_client.h"
#include "queue/redis_keys.h"

namespace leadd::queue {

// The keys the transitions keep besides those of RedisKeys.
// Leads a rep holds and has not closed: assigned or accepted to them (a set of lead ids).
inline std::string RepOpenKey(const RedisKeys& keys, std::string_view rep) {
  return keys.Prefix() + ":rep:" + std::string(rep) + ":open";
}
// Reps who gave the lead up (rejected it or let it bounce): routing skips them for it.
inline std::string ExcludedKey(const RedisKeys& keys, std::string_view lead_id) {
  return keys.Lead(lead_id) + ":excluded";
}

// What a rep may take from a pool. Days are UTC days of the Redis clock.
struct ClaimLimits {
  std::int64_t per_day = 0;               // claims per rep per day
  std::int64_t max_held = 0;              // open leads (assigned or accepted) a rep may hold
  std::chrono::milliseconds cooldown{0};  // before a rep may claim back a lead they returned
};

enum class Outcome { kWon, kLost };

// States: ingested → assigned → accepted → won | lost, with pooled in between (reject,
// bounce) and out again (claim, reassign). Each method is one Redis Function: it checks the
// state and, where a rep acts on an assignment, the assignment id (the fencing token every
// assignment increments), moves atomically, and appends who, when (Redis TIME), from, to and
// why to the lead's history and the audit stream.
//
// All methods run on the Redis client's executor; the client must outlive this object. The
// library must be loaded (LeadStore::FunctionsSource()). Errors:
// - kConflict: the move is not legal now (wrong state, not the holder, a stale assignment
//   id, a claim limit); nothing changed. The detail says why in a sentence.
// - kNotFound: no such lead.
// - kRejected: a bad argument (an empty reason, a non-numeric assignment id); nothing changed.
// - kTransient: Redis away or slow; the move may or may not have happened. A retry is safe:
//   if the first attempt went through, the retry is refused with kConflict (the state or the
//   assignment id moved on), so read the lead to tell which.
class LeadTransitions {
 public:
  static constexpr std::string_view kNurturePool = "nurture";
  static constexpr std::string_view kPublicPool = "public";

  LeadTransitions(RedisClient& redis, RedisKeys keys) : redis_(redis), keys_(std::move(keys)) {}

  // assigned → accepted, only by the assignee with the current assignment id.
  boost::asio::awaitable<Result<void>> Accept(std::string_view lead_id, std::string_view rep,
                                              std::string_view assignment_id);
  // assigned | accepted → pooled in `pool`, by the assignee; `reason` must not be empty. The
  // rep joins the lead's exclusions and starts the claim cooldown.
  boost::asio::awaitable<Result<void>> Reject(std::string_view lead_id, std::string_view rep,
                                              std::string_view assignment_id,
                                              std::string_view reason,
                                              std::string_view pool = kNurturePool);
  // assigned → pooled when the response SLA of assignment `assignment_id` is breached.
  // Returns the lead's bounce count. A second bounce of the same assignment is kConflict, so a
  // deadline counts once.
  boost::asio::awaitable<Result<std::int64_t>> Bounce(std::string_view lead_id,
                                                      std::string_view assignment_id,
                                                      std::string_view reason,
                                                      std::string_view pool = kPublicPool);
  // pooled (in `pool`) → assigned to `rep`, within `limits`; returns the new assignment id.
  // Of concurrent claims of one lead exactly one succeeds. A refused claim uses no quota.
  boost::asio::awaitable<Result<std::string>> Claim(std::string_view lead_id, std::string_view rep,
                                                    std::string_view pool,
                                                    const ClaimLimits& limits);
  // assigned | accepted | pooled → assigned to `to_rep` by an admin; returns the new
  // assignment id, which makes the previous holder's stale.
  boost::asio::awaitable<Result<std::string>> Reassign(std::string_view lead_id,
                                                       std::string_view to_rep,
                                                       std::string_view by_admin,
                                                       std::string_view reason);
  // Records the sales stage of an accepted lead held by `rep`, as a follow-up too. The stage
  // is free text here: the caller validates it against the configured vocabulary.
  boost::asio::awaitable<Result<void>> SetStage(std::string_view lead_id, std::string_view rep,
                                                std::string_view stage);
  // Records a follow-up on an accepted lead held by `rep` (resets its inactivity clock).
  boost::asio::awaitable<Result<void>> RecordActivity(std::string_view lead_id,
                                                      std::string_view rep);
  // accepted → won | lost, by the holder; the lead leaves the rep's open leads.
  boost::asio::awaitable<Result<void>> Close(std::string_view lead_id, std::string_view rep,
                                             Outcome outcome, std::string_view reason);

  const RedisKeys& Keys() const { return keys_; }

 private:
  RedisClient& redis_;
  RedisKeys keys_;
};

}  // namespace leadd::queue
