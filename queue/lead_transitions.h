// LeadTransitions: a lead's moves after routing — accept, reject, bounce, claim, reassign,
// stage, follow-up, close, lock — plus absences and recurring reminders, each one atomic Redis
// Function.
#pragma once

#include <utility>  // before Asio: Boost 1.74 + g++ 12 need std::exchange declared first

#include <boost/asio/awaitable.hpp>
#include <chrono>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "core/clock.h"
#include "core/result.h"
#include "queue/function_call.h"
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

// The SLA of a new assignment: its timers, planned by lifecycle::TimerPlanner and encoded
// ("sla_remind=<ms>,sla_bounce=<ms>", empty for none), and how many bounces escalate it.
struct AssignmentTimers {
  std::string plan;
  std::uint32_t escalate_after = 2;
};

// A recurring reminder: a reorder cycle or a contact cadence on a customer's lead.
struct ReminderSpec {
  std::string lead_id;
  std::string kind;     // "reorder" | "cadence"
  std::string product;  // what is reordered; may be empty for a cadence
  std::chrono::milliseconds every{0};
  std::chrono::milliseconds ahead{0};  // how long before each occurrence the owner is told
  WallTime first{};                    // the first occurrence
  std::string by;                      // who created it, for the history
};

struct Reminder {
  std::string id;  // "R-7"
  ReminderSpec spec;
  WallTime next{};  // the next occurrence
};

enum class Outcome { kWon, kLost };

// States: ingested → assigned → accepted → won | lost, with pooled in between (reject,
// bounce, inactivity) and out again (claim, reassign). Each method is one Redis Function: it
// checks the state and, where a rep acts on an assignment, the assignment id (the fencing token
// every assignment increments), moves atomically, arms or disarms the lead's timers, and
// appends who, when (Redis TIME), from, to and why to the lead's history and the audit stream.
// A rep's delegate (during an absence recorded with Away) may act wherever the rep may.
//
// Timer plans are encoded lifecycle::TimerPlan values; each move takes only its own families
// (sla_* for assignments, idle_*/deal_* for accept and unlock, idle_* for follow-ups) and
// refuses others with kRejected.
//
// All methods run on the Redis client's executor; the client must outlive this object. The
// library must be loaded (LeadStore::FunctionsSource()). Errors:
// - kConflict: the move is not legal now (wrong state, not the holder, a stale assignment
//   id, a claim or lock limit); nothing changed. The detail says why in a sentence.
// - kNotFound: no such lead (or reminder).
// - kRejected: a bad argument (an empty reason, a non-numeric assignment id); nothing changed.
// - kTransient: Redis away or slow; the move may or may not have happened. A retry is safe:
//   if the first attempt went through, the retry is refused with kConflict (the state or the
//   assignment id moved on), so read the lead to tell which.
class LeadTransitions {
 public:
  static constexpr std::string_view kNurturePool = "nurture";
  static constexpr std::string_view kPublicPool = "public";

  LeadTransitions(RedisClient& redis, RedisKeys keys,
                  FunctionClock clock = FunctionClock::RedisTime())
      : redis_(redis), keys_(std::move(keys)), clock_(clock) {}

  // assigned → accepted, by the assignee with the current assignment id; arms `follow_up`.
  boost::asio::awaitable<Result<void>> Accept(std::string_view lead_id, std::string_view rep,
                                              std::string_view assignment_id,
                                              std::string_view follow_up = {});
  // assigned | accepted → pooled in `pool`, by the assignee; `reason` must not be empty. The
  // holder joins the lead's exclusions, gives up the customer and starts the claim cooldown.
  boost::asio::awaitable<Result<void>> Reject(std::string_view lead_id, std::string_view rep,
                                              std::string_view assignment_id,
                                              std::string_view reason,
                                              std::string_view pool = kNurturePool);
  // assigned → pooled when the response SLA of assignment `assignment_id` is breached.
  // Returns the lead's bounce count. A second bounce of the same assignment is kConflict, so a
  // deadline counts once. (The timers do this themselves; see LeadStore::FireDue.)
  boost::asio::awaitable<Result<std::int64_t>> Bounce(std::string_view lead_id,
                                                      std::string_view assignment_id,
                                                      std::string_view reason,
                                                      std::string_view pool = kPublicPool);
  // pooled (in `pool`) → assigned to `rep`, within `limits`, with its SLA; returns the new
  // assignment id. Of concurrent claims of one lead exactly one succeeds. A refused claim uses
  // no quota.
  boost::asio::awaitable<Result<std::string>> Claim(std::string_view lead_id, std::string_view rep,
                                                    std::string_view pool,
                                                    const ClaimLimits& limits,
                                                    AssignmentTimers timers);
  // Without an SLA. (Not a default argument: g++ 12 destroys a coroutine's defaulted
  // by-value argument twice.)
  boost::asio::awaitable<Result<std::string>> Claim(std::string_view lead_id, std::string_view rep,
                                                    std::string_view pool,
                                                    const ClaimLimits& limits) {
    return Claim(lead_id, rep, pool, limits, AssignmentTimers{});
  }
  // assigned | accepted | pooled → assigned to `to_rep` by an admin, with its SLA; the
  // customer moves with it. `handover` (direct | phone | in_person) records the task a
  // departure creates. Returns the new assignment id, which makes the previous holder's stale.
  boost::asio::awaitable<Result<std::string>> Reassign(
      std::string_view lead_id, std::string_view to_rep, std::string_view by_admin,
      std::string_view reason, AssignmentTimers timers, std::string_view handover = {});
  boost::asio::awaitable<Result<std::string>> Reassign(std::string_view lead_id,
                                                       std::string_view to_rep,
                                                       std::string_view by_admin,
                                                       std::string_view reason) {
    return Reassign(lead_id, to_rep, by_admin, reason, AssignmentTimers{});
  }
  // Records the sales stage of an accepted lead held by `rep`, as a follow-up too (re-arms
  // `idle`). The stage is free text here: the caller validates it.
  boost::asio::awaitable<Result<void>> SetStage(std::string_view lead_id, std::string_view rep,
                                                std::string_view stage, std::string_view idle = {});
  // Records a follow-up on an accepted lead held by `rep`: its inactivity clock restarts.
  boost::asio::awaitable<Result<void>> RecordActivity(std::string_view lead_id,
                                                      std::string_view rep,
                                                      std::string_view idle = {});
  // accepted → won | lost, by the holder; the lead leaves the rep's open leads and its timers
  // stop; the rep keeps the customer.
  boost::asio::awaitable<Result<void>> Close(std::string_view lead_id, std::string_view rep,
                                             Outcome outcome, std::string_view reason);
  // Locks an accepted lead against inactivity returns, within the holder's `cap` of locks.
  // Returns false when it was locked already.
  boost::asio::awaitable<Result<bool>> Lock(std::string_view lead_id, std::string_view rep,
                                            std::uint32_t cap);
  // Unlocks it and arms `follow_up` (planned from its last activity and accept). False when it
  // was not locked.
  boost::asio::awaitable<Result<bool>> Unlock(std::string_view lead_id, std::string_view rep,
                                              std::string_view follow_up);

  // A short absence: from `from` to `to` (Redis TIME decides) `delegate` acts for `rep`.
  boost::asio::awaitable<Result<void>> Away(std::string_view rep, WallTime from, WallTime to,
                                            std::string_view delegate, std::string_view by);
  // Ends it early; false when there was none.
  boost::asio::awaitable<Result<bool>> Back(std::string_view rep, std::string_view by);

  boost::asio::awaitable<Result<std::string>> AddReminder(const ReminderSpec& spec);
  boost::asio::awaitable<Result<void>> RemoveReminder(std::string_view reminder_id,
                                                      std::string_view by);
  // The lead's reminders, by id.
  boost::asio::awaitable<Result<std::vector<Reminder>>> Reminders(std::string_view lead_id);

  const RedisKeys& Keys() const { return keys_; }

 private:
  // FCALL `function` 0 <clock> <prefix> args...
  boost::asio::awaitable<Result<RedisReply>> Call(std::string_view function,
                                                  std::vector<std::string> args);

  RedisClient& redis_;
  RedisKeys keys_;
  FunctionClock clock_;
};

}  // namespace leadd::queue
