#include "daemon/pipeline.h"

#include <spdlog/spdlog.h>

#include <boost/asio/use_awaitable.hpp>

#include "core/clock_wait.h"
#include "daemon/spawn_loop.h"
#include "dedupe/email_key.h"
#include "queue/lead_transitions.h"

namespace leadd::daemon {

using boost::asio::awaitable;
using boost::asio::use_awaitable;

Pipeline::Pipeline(Deps deps, std::string consumer_name, Duration block_for)
    : deps_(std::move(deps)), consumer_(std::move(consumer_name)), block_for_(block_for) {}

void Pipeline::Start() { SpawnLoop(deps_.executor, Run(), deps_.log, "pipeline"); }

void Pipeline::Stop(std::function<void()> done) {
  stopping_ = true;
  on_stopped_ = std::move(done);
}

awaitable<void> Pipeline::Run() {
  while (!stopping_) {
    auto batch = co_await NextBatch();
    if (!batch) {
      // While Redis is away this fails every second: say so once a minute, not every time.
      const auto level = read_failures_++ % 60 == 0 ? spdlog::level::warn : spdlog::level::debug;
      deps_.log->log(level, "pipeline.read_failed attempt={} error=\"{}\"", read_failures_,
                     batch.error().detail);
      if (!stopping_) {
        co_await AsyncWait(deps_.clock, kRetryDelay, use_awaitable);
      }
      continue;
    }
    if (read_failures_ > 0) {
      deps_.log->info("pipeline.read_resumed after_attempts={}", read_failures_);
      read_failures_ = 0;
    }
    for (const auto& entry : batch.value()) {
      auto processed = co_await Process(entry);
      if (!processed) {
        // The entry stays pending; it is read again from our own pending list after a pause.
        deps_.log->warn("pipeline.retry lead={} error=\"{}\"", entry.lead_id,
                        processed.error().detail);
        reread_own_pending_ = true;
        co_await AsyncWait(deps_.clock, kRetryDelay, use_awaitable);
        break;
      }
    }
  }
  if (on_stopped_) on_stopped_();
}

awaitable<Result<std::vector<queue::IntakeEntry>>> Pipeline::NextBatch() {
  auto& store = deps_.store;
  const auto& keys = store.Keys();
  const std::string group(queue::LeadStore::kPipelineGroup);
  if (!group_ready_) {
    LEADD_CO_TRYV(co_await store.EnsureIntakeGroup());
    group_ready_ = true;
  }
  const auto now = deps_.clock.SteadyNow();
  if (now >= next_claim_) {
    // Entries a dead (or restarted) consumer read but never finished. The scan resumes at
    // its cursor on the next batch until it wraps to 0-0, then rests for kClaimIdle.
    std::vector<std::string> claim{"XAUTOCLAIM",
                                   keys.Intake(),
                                   group,
                                   consumer_,
                                   std::to_string(kClaimIdle.count()),
                                   claim_cursor_,
                                   "COUNT",
                                   std::to_string(kBatch)};
    auto claimed = co_await deps_.blocking_redis.AsyncCommand(std::move(claim), use_awaitable);
    if (!claimed) co_return claimed.error();
    const auto& parts = claimed.value().elements;
    if (parts.size() < 2) co_return Transient("redis: unexpected XAUTOCLAIM reply");
    claim_cursor_ = parts[0].str;
    if (claim_cursor_ == "0-0") next_claim_ = now + kClaimIdle;
    auto entries = queue::ParseIntakeEntries(parts[1]);
    if (!entries.empty()) co_return entries;
  }
  // After a start or a failure, our own pending entries come first ("0"); they are returned
  // at once, so no BLOCK.
  const bool own_pending = reread_own_pending_;
  std::vector<std::string> read{"XREADGROUP", "GROUP", group,
                                consumer_,    "COUNT", std::to_string(kBatch)};
  if (!own_pending) {
    read.insert(read.end(), {"BLOCK", std::to_string(block_for_.count())});
  }
  read.insert(read.end(), {"STREAMS", keys.Intake(), own_pending ? "0" : ">"});
  auto reply = co_await deps_.blocking_redis.AsyncCommand(std::move(read), use_awaitable);
  if (!reply) {
    if (reply.error().detail.starts_with("NOGROUP")) group_ready_ = false;
    co_return reply.error();
  }
  if (own_pending) reread_own_pending_ = false;
  // Reply: [[stream, [entries...]]], or nil when BLOCK timed out.
  if (reply.value().elements.empty()) co_return std::vector<queue::IntakeEntry>{};
  const auto& stream = reply.value().elements.front();
  if (stream.elements.size() < 2) co_return std::vector<queue::IntakeEntry>{};
  co_return queue::ParseIntakeEntries(stream.elements[1]);
}

awaitable<Result<void>> Pipeline::Process(const queue::IntakeEntry& entry) {
  auto& store = deps_.store;
  auto stored = co_await store.Get(entry.lead_id);
  if (!stored) {
    if (stored.error().code != Errc::kNotFound) co_return stored.error();
    deps_.log->error("pipeline.lead_missing lead={} entry={}", entry.lead_id, entry.entry_id);
    co_return co_await store.Drop(entry);
  }
  const Lead lead = queue::LeadFromStored(stored.value());

  const std::string email_key = dedupe::EmailKey(lead.email);
  std::optional<dedupe::OwnerMatch> owner;
  if (!email_key.empty()) {
    LEADD_CO_TRY(owner_rep, co_await store.OwnerOfEmail(email_key));
    if (owner_rep) owner = dedupe::OwnerMatch{*owner_rep, "email", "exact email match"};
  }

  // Only a lead that was assigned before can have reps who gave it up.
  std::vector<std::string> excluded;
  if (stored.value().Field("state") == "pooled") {
    std::vector<std::string> members{"SMEMBERS", queue::ExcludedKey(store.Keys(), entry.lead_id)};
    auto reply = co_await deps_.blocking_redis.AsyncCommand(std::move(members), use_awaitable);
    if (!reply) co_return reply.error();
    for (const auto& member : reply.value().elements) excluded.push_back(member.str);
  }

  const auto router = deps_.current_router();
  const router::Decision decision = router->Decide(lead, owner, excluded);
  if (!decision.Routed()) {
    LEADD_CO_TRYV(co_await store.Park(entry, decision));
    deps_.log->warn("lead.unrouted lead={} pool={}", entry.lead_id, queue::LeadStore::kDefaultPool);
    co_return Ok();
  }
  const auto accept_within =
      deps_.accept_within ? deps_.accept_within() : std::chrono::milliseconds::zero();
  LEADD_CO_TRY(assignment, co_await store.Assign(entry, decision, email_key, accept_within));
  if (assignment.newly_assigned) {
    deps_.log->info("lead.routed lead={} rep={} rule={} strategy={}", entry.lead_id, assignment.rep,
                    decision.rule, decision.strategy);
    deps_.notifier.Assigned({entry.lead_id, assignment.rep, decision.rule});
  }
  co_return Ok();
}

}  // namespace leadd::daemon
