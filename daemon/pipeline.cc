#include "daemon/pipeline.h"

#include <spdlog/spdlog.h>

#include <boost/asio/use_awaitable.hpp>

#include "core/clock_wait.h"
#include "daemon/spawn_loop.h"
#include "dedupe/email_key.h"
#include "queue/departures.h"
#include "queue/lead_transitions.h"

namespace leadd::daemon {

using boost::asio::awaitable;
using boost::asio::use_awaitable;

Pipeline::Pipeline(Deps deps, std::string consumer_name, Duration block_for)
    : deps_(std::move(deps)),
      intake_(deps_.clock, deps_.blocking_redis,
              StreamConsumer::Options{deps_.store.Keys().Intake(),
                                      std::string(queue::LeadStore::kPipelineGroup),
                                      std::move(consumer_name), kClaimIdle, kBatch, block_for}) {}

void Pipeline::Start() { SpawnLoop(deps_.executor, Run(), deps_.log, "pipeline"); }

void Pipeline::Stop(std::function<void()> done) {
  stopping_ = true;
  on_stopped_ = std::move(done);
}

awaitable<void> Pipeline::Run() {
  while (!stopping_) {
    auto batch = co_await intake_.Next();
    if (!batch) {
      // While Redis is away this fails every second: say so once a minute, not every time.
      // Before the first connection the Redis client's own readiness line says it all.
      const bool say = read_failures_++ % 60 == 0 && intake_.EverRead();
      const auto level = say ? spdlog::level::warn : spdlog::level::debug;
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
    for (const auto& item : batch.value()) {
      const queue::IntakeEntry entry{item.id, std::string(item.Field("lead"))};
      auto processed = co_await Process(entry);
      if (!processed) {
        // The entry stays pending; it is read again from our own pending list after a pause.
        deps_.log->warn("pipeline.retry lead={} error=\"{}\"", entry.lead_id,
                        processed.error().detail);
        intake_.RereadOwnPending();
        co_await AsyncWait(deps_.clock, kRetryDelay, use_awaitable);
        break;
      }
    }
  }
  if (on_stopped_) on_stopped_();
}

awaitable<Result<void>> Pipeline::Process(const queue::IntakeEntry& entry) {
  auto& store = deps_.store;
  auto stored = co_await store.Get(entry.lead_id);
  if (!stored) {
    if (stored.error().code != Errc::kNotFound) co_return stored.error();
    // Acknowledged, so that it is not delivered forever.
    deps_.log->error("pipeline.lead_missing lead={} entry={}", entry.lead_id, entry.entry_id);
    co_return co_await intake_.Finish(entry.entry_id);
  }
  const Lead lead = queue::LeadFromStored(stored.value());

  const std::string email_key = dedupe::EmailKey(lead.email);
  std::optional<dedupe::OwnerMatch> owner;
  if (!email_key.empty()) {
    LEADD_CO_TRY(owner_rep, co_await store.OwnerOfEmail(email_key));
    if (owner_rep) owner = dedupe::OwnerMatch{*owner_rep, "email", "exact email match"};
  }

  // Departed reps are never chosen; only a lead that was assigned before can also have reps
  // who gave it up.
  std::vector<std::string> excluded;
  {
    std::vector<std::string> members{"SUNION", queue::DepartedKey(store.Keys())};
    if (stored.value().Field("state") == "pooled") {
      members.push_back(queue::ExcludedKey(store.Keys(), entry.lead_id));
    }
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
  // The Function picks among the candidates (a round-robin cursor lives in Redis), so each
  // gets its own plan: with working hours, deadlines differ by rep.
  const auto planner = deps_.current_planner();
  const WallTime now = deps_.clock.WallNow();
  std::vector<std::string> plans;
  plans.reserve(decision.candidates.size());
  for (const auto& rep : decision.candidates) {
    plans.push_back(planner->Assignment(lead.grade, rep, now).Encode());
  }
  const auto escalate_after = planner->ForGrade(lead.grade).escalate_after_bounces;
  LEADD_CO_TRY(assignment,
               co_await store.Assign(entry, decision, email_key, plans, escalate_after));
  if (assignment.newly_assigned) {
    deps_.log->info("lead.routed lead={} rep={} rule={} strategy={}", entry.lead_id, assignment.rep,
                    decision.rule, decision.strategy);
  }
  co_return Ok();
}

}  // namespace leadd::daemon
