#include "daemon/pipeline.h"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <boost/asio/use_awaitable.hpp>
#include <set>
#include <string_view>

#include "core/clock_wait.h"
#include "daemon/spawn_loop.h"
#include "dedupe/contact_keys.h"
#include "queue/departures.h"
#include "queue/lead_transitions.h"
#include "queue/metric_store.h"

namespace leadd::daemon {

using boost::asio::awaitable;
using boost::asio::use_awaitable;

namespace {

// The Redis hash of the metric's window that holds `now`.
std::string MetricKey(const queue::RedisKeys& keys, const router::Router::MetricWindow& metric,
                      WallTime now) {
  return keys.Metric(metric.name, WindowId(metric.window, now, metric.time_zone));
}

// The decision a lead is parked with when its rule's candidates were all full at each of the
// assignments tried: the rule's trace names each of them and why it was passed over.
router::Decision ParkedFull(router::Decision decision) {
  const std::string why = "at capacity by the time of assignment (" +
                          std::to_string(Pipeline::kFullRetries + 1) +
                          " routings in a row found every candidate full)";
  for (auto& step : decision.trace) {
    if (step.rule != decision.rule) continue;
    for (const auto& rep : decision.candidates) {
      step.outcome += "; skipped " + rep + ": " + why;
      step.skipped.push_back(router::SkippedRep{rep, why});
    }
  }
  decision.rule.clear();
  decision.strategy.clear();
  decision.candidates.clear();
  decision.round_robin_cursor.clear();
  return decision;
}

}  // namespace

std::vector<dedupe::LeadOwnership> Pipeline::Ownerships(
    std::span<const Routable> leads, const std::vector<std::optional<std::string>>& email_owners,
    const config::DedupeSettings& dedupe) {
  std::vector<dedupe::LeadOwnership> ownerships;
  ownerships.reserve(leads.size());
  const dedupe::MatchThresholds thresholds{dedupe.auto_match, dedupe.review};
  std::size_t next_owner = 0;
  for (const Routable& each : leads) {
    const bool asked = !each.contact.email.empty();
    const std::optional<std::string> none;
    ownerships.push_back(dedupe::OwnershipOf(asked ? email_owners[next_owner++] : none,
                                             deps_.owners.Index(), each.contact.ForMatching(),
                                             thresholds));
  }
  return ownerships;
}

Pipeline::Pipeline(Deps deps, std::string consumer_name, Duration block_for)
    : deps_(std::move(deps)),
      shadow_log_(deps_.blocking_redis, deps_.store.Keys()),
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
  while (!stopping_ && !deps_.owners.Ready()) {
    co_await AsyncWait(deps_.clock, kOwnersPoll, use_awaitable);
  }
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
    auto processed = co_await Process(batch.value());
    if (!processed) {
      // What was not assigned stays pending; it is read again from our own pending list after
      // a pause (what was, was acknowledged with its assignment).
      deps_.log->warn("pipeline.retry entries={} error=\"{}\"", batch.value().size(),
                      processed.error().detail);
      intake_.RereadOwnPending();
      co_await AsyncWait(deps_.clock, kRetryDelay, use_awaitable);
    }
  }
  if (on_stopped_) on_stopped_();
}

std::vector<std::size_t> IndependentRuns(const std::vector<std::vector<std::string>>& keys) {
  std::vector<std::size_t> runs;
  std::set<std::string_view> seen;
  std::size_t length = 0;
  for (const auto& item : keys) {
    const bool repeats = std::any_of(item.begin(), item.end(), [&](const std::string& key) {
      return !key.empty() && seen.contains(key);
    });
    if (repeats) {
      runs.push_back(length);
      seen.clear();
      length = 0;
    }
    for (const auto& key : item) {
      if (!key.empty()) seen.insert(key);
    }
    ++length;
  }
  if (length > 0) runs.push_back(length);
  return runs;
}

awaitable<Result<void>> Pipeline::Process(const std::vector<StreamEntry>& batch) {
  std::vector<std::string> lead_ids;
  lead_ids.reserve(batch.size());
  for (const auto& item : batch) lead_ids.emplace_back(item.Field("lead"));
  LEADD_CO_TRY(stored, co_await deps_.store.GetMany(lead_ids));

  std::vector<Routable> leads;
  std::vector<std::string> missing;
  const config::DedupeSettings dedupe = deps_.current_dedupe();
  for (std::size_t i = 0; i < batch.size(); ++i) {
    if (!stored[i]) {
      deps_.log->error("pipeline.lead_missing lead={} entry={}", lead_ids[i], batch[i].id);
      missing.push_back(batch[i].id);
      continue;
    }
    Lead lead = queue::LeadFromStored(*stored[i]);
    auto contact = dedupe::ContactKeysOf(dedupe::ContactTextOf(lead), dedupe.default_region);
    leads.push_back(Routable{queue::IntakeEntry{batch[i].id, lead_ids[i]}, std::move(lead),
                             stored[i]->Field("state") == "pooled", std::move(contact)});
  }
  // Acknowledged, so that they are not delivered forever.
  LEADD_CO_TRYV(co_await intake_.Finish(missing));

  std::vector<std::vector<std::string>> keys;
  keys.reserve(leads.size());
  for (const auto& each : leads) {
    const dedupe::ContactKeys& contact = each.contact;
    std::vector<std::string> item{each.entry.lead_id, contact.email};
    // Kinds apart, so that no phone can equal a domain.
    if (!contact.phone.empty()) item.push_back("phone " + contact.phone);
    if (!contact.domain.empty()) item.push_back("domain " + contact.domain);
    keys.push_back(std::move(item));
  }
  std::size_t start = 0;
  for (const std::size_t length : IndependentRuns(keys)) {
    // The leads assigned before (the run before, or the batch before, here or in another
    // daemon) may have registered this run's customers or taught them new keys: wait for the
    // index to have them, as far as the log had got by now.
    LEADD_CO_TRYV(co_await deps_.owners.CatchUpWithLog(deps_.registry, kOwnersCatchUp));
    LEADD_CO_TRYV(co_await Route(std::span<const Routable>(leads).subspan(start, length)));
    start += length;
  }
  co_return Ok();
}

awaitable<Result<void>> Pipeline::Route(std::span<const Routable> leads, std::uint32_t full_retries,
                                        std::uint32_t rematches) {
  auto& store = deps_.store;
  std::vector<std::string> email_keys;
  for (const auto& each : leads) {
    if (!each.contact.email.empty()) email_keys.push_back(each.contact.email);
  }
  LEADD_CO_TRY(email_owners, co_await store.OwnersOfEmails(email_keys));

  // Departed reps are never chosen; only a lead that was assigned before can also have reps
  // who gave it up. With capacities or least_loaded, each rep's open leads are read in the
  // same round trip, once for the run.
  const auto router = deps_.current_router();
  std::vector<std::vector<std::string>> reads;
  reads.reserve(leads.size() + router->RepIds().size());
  for (const auto& each : leads) {
    std::vector<std::string> members{"SUNION", queue::DepartedKey(store.Keys())};
    if (each.pooled) members.push_back(queue::ExcludedKey(store.Keys(), each.entry.lead_id));
    reads.push_back(std::move(members));
  }
  const std::size_t loads_from = reads.size();
  if (router->NeedsLoads()) {
    for (const auto& rep : router->RepIds()) {
      reads.push_back({"SCARD", queue::RepOpenKey(store.Keys(), rep)});
    }
  }
  // `top` rules rank by their metrics' current windows, read in the same round trip.
  const WallTime now = deps_.clock.WallNow();
  const std::size_t metrics_from = reads.size();
  for (const auto& metric : router->TopMetrics()) {
    reads.push_back({"HGETALL", MetricKey(store.Keys(), metric, now)});
  }
  auto replies = co_await deps_.blocking_redis.AsyncCommands(std::move(reads), use_awaitable);
  router::RoutingState state;
  state.now = now;
  for (std::size_t r = loads_from; r < replies.size(); ++r) {
    if (!replies[r]) co_return replies[r].error();
    if (r < metrics_from) {
      const auto held = replies[r].value().integer;
      state.open_leads[router->RepIds()[r - loads_from]] =
          static_cast<std::uint32_t>(std::max<std::int64_t>(held, 0));
    } else {
      const auto& metric = router->TopMetrics()[r - metrics_from];
      for (auto& [rep, value] : queue::MetricValuesOf(replies[r].value())) {
        state.metrics[metric.name][rep] = value;
      }
    }
  }

  // The Function picks among the candidates (a round-robin cursor lives in Redis), so each
  // gets its own plan: with working hours, deadlines differ by rep.
  const auto planner = deps_.current_planner();
  std::vector<queue::AssignRequest> requests;
  std::vector<std::size_t> requested;  // the lead of each request
  const auto ownerships = Ownerships(leads, email_owners, deps_.current_dedupe());
  const std::string seen = rematches < kFullRetries ? deps_.owners.Position() : std::string();
  std::vector<std::pair<std::string, dedupe::PossibleOwner>> flagged;
  for (std::size_t i = 0; i < leads.size(); ++i) {
    const auto& [entry, lead, pooled, contact] = leads[i];
    const auto& owner = ownerships[i].owner;
    const queue::LeadCustomer customer{contact, ownerships[i].known, ownerships[i].adds_contact_to,
                                       ownerships[i].customer, seen};
    if (!replies[i]) co_return replies[i].error();
    state.excluded.clear();
    for (const auto& member : replies[i].value().elements) state.excluded.push_back(member.str);

    router::Decision decision = router->Decide(lead, owner, state);
    if (!decision.Routed()) {
      LEADD_CO_TRYV(co_await store.Park(entry, decision, customer));
      if (ownerships[i].possible) flagged.emplace_back(entry.lead_id, *ownerships[i].possible);
      deps_.log->warn("lead.unrouted lead={} pool={}", entry.lead_id,
                      queue::LeadStore::kDefaultPool);
      continue;
    }
    // A grade the router gave (the lead came without one) sets the SLA like the lead's own.
    const std::string& grade = decision.grade.empty() ? lead.grade : decision.grade;
    std::vector<std::string> plans;
    std::vector<std::optional<std::uint32_t>> capacities;
    std::vector<router::KeyAccountTeam> teams;
    plans.reserve(decision.candidates.size());
    capacities.reserve(decision.candidates.size());
    teams.reserve(decision.candidates.size());
    for (const auto& rep : decision.candidates) {
      plans.push_back(planner->Assignment(grade, rep, now).Encode());
      capacities.push_back(router->CapacityOf(rep));
      teams.push_back(router->TeamFor(grade, rep, decision.candidates));
    }
    const auto escalate_after = planner->ForGrade(grade).escalate_after_bounces;
    // The loads were read once for the run: count what the run itself hands out where the
    // rep is known already (a rotation's pick is made by the Function).
    if (decision.candidates.size() == 1) ++state.open_leads[decision.candidates.front()];
    std::vector<std::string> counted_in;
    for (const auto& metric : router->CountedMetrics(lead, owner)) {
      counted_in.push_back(MetricKey(store.Keys(), metric, now));
    }
    requests.push_back(queue::AssignRequest{entry, std::move(decision), customer, std::move(plans),
                                            std::move(capacities), escalate_after,
                                            std::move(counted_in), std::move(teams)});
    requested.push_back(i);
  }
  auto assigned = co_await store.AssignAll(requests);
  std::vector<Routable> full;
  std::vector<Routable> moved;
  for (std::size_t i = 0; i < requests.size(); ++i) {
    if (!assigned[i]) co_return assigned[i].error();
    const auto& request = requests[i];
    const auto& possible = ownerships[requested[i]].possible;
    const auto outcome = assigned[i].value().outcome;
    const bool routes_again =
        (outcome == queue::AssignOutcome::kAllFull && full_retries < kFullRetries) ||
        outcome == queue::AssignOutcome::kRegistryMoved;
    if (possible && outcome != queue::AssignOutcome::kAlreadyAssigned && !routes_again) {
      flagged.emplace_back(request.entry.lead_id, *possible);
    }
    switch (outcome) {
      case queue::AssignOutcome::kAssigned:
        deps_.log->info("lead.routed lead={} rep={} rule={} strategy={}", request.entry.lead_id,
                        assigned[i].value().rep, request.decision.rule, request.decision.strategy);
        break;
      case queue::AssignOutcome::kOffered:
        deps_.log->info("lead.offered lead={} reps={} rule={} mode={}", request.entry.lead_id,
                        assigned[i].value().rep, request.decision.rule,
                        router::OfferModeName(request.decision.offer.mode));
        break;
      case queue::AssignOutcome::kPublished:
        deps_.log->info("lead.published lead={} pool={} rule={}", request.entry.lead_id,
                        request.decision.offer.pool, request.decision.rule);
        break;
      case queue::AssignOutcome::kAlreadyAssigned:
        break;
      case queue::AssignOutcome::kRegistryMoved:
        deps_.log->info("lead.rematched lead={} reason=registry_moved_since_match",
                        request.entry.lead_id);
        moved.push_back(leads[requested[i]]);
        break;
      case queue::AssignOutcome::kAllFull:
        if (full_retries < kFullRetries) {
          full.push_back(leads[requested[i]]);
        } else {
          LEADD_CO_TRYV(
              co_await store.Park(request.entry, ParkedFull(request.decision), request.customer));
          deps_.log->warn("lead.unrouted lead={} pool={} rule={} reason=all_full tries={}",
                          request.entry.lead_id, queue::LeadStore::kDefaultPool,
                          request.decision.rule, full_retries + 1);
        }
        break;
    }
  }
  if (!flagged.empty()) {
    LEADD_CO_TRYV(co_await store.FlagPossibleOwners(flagged));
  }
  if (const auto shadow = deps_.current_shadow_router ? deps_.current_shadow_router() : nullptr) {
    co_await RecordShadow(*shadow, leads, ownerships, replies, std::move(state), requests,
                          requested, assigned, full_retries < kFullRetries);
  }
  // Their intake entries are still pending: should this daemon stop now, another claims them.
  if (!moved.empty()) {
    LEADD_CO_TRYV(co_await deps_.owners.CatchUpWithLog(deps_.registry, kOwnersCatchUp));
    LEADD_CO_TRYV(co_await Route(moved, full_retries, rematches + 1));
  }
  if (!full.empty()) co_return co_await Route(full, full_retries + 1, rematches);
  co_return Ok();
}

awaitable<void> Pipeline::RecordShadow(
    const router::Router& shadow, std::span<const Routable> leads,
    const std::vector<dedupe::LeadOwnership>& ownerships,
    const std::vector<Result<queue::RedisReply>>& excluded, router::RoutingState state,
    const std::vector<queue::AssignRequest>& requests, const std::vector<std::size_t>& requested,
    const std::vector<Result<queue::Assignment>>& assigned, bool routes_full_again) {
  std::vector<std::optional<std::size_t>> request_of(leads.size());
  for (std::size_t r = 0; r < requested.size(); ++r) request_of[requested[r]] = r;
  // Decisions first, then the records pointing at them: the vector no longer moves by then.
  std::vector<router::Decision> decisions;
  std::vector<queue::ShadowRecord> records;
  decisions.reserve(leads.size());
  for (std::size_t i = 0; i < leads.size(); ++i) {
    const Routable& routable = leads[i];
    queue::ShadowRecord record{routable.entry.lead_id, "", "", nullptr};
    if (const auto r = request_of[i]) {
      const queue::Assignment& live = assigned[*r].value();
      if (live.outcome == queue::AssignOutcome::kAlreadyAssigned ||
          live.outcome == queue::AssignOutcome::kRegistryMoved) {
        continue;
      }
      if (live.outcome == queue::AssignOutcome::kAllFull && routes_full_again) continue;
      if (live.outcome == queue::AssignOutcome::kAssigned) record.live_rep = live.rep;
      // An offer or a race counts for the first rep asked, as in a dry run or a replay.
      if (live.outcome == queue::AssignOutcome::kOffered) {
        record.live_rep = live.rep.substr(0, live.rep.find(','));
      }
      if (live.outcome != queue::AssignOutcome::kAllFull) {
        record.live_rule = requests[*r].decision.rule;
      }
    }
    state.excluded.clear();
    for (const auto& member : excluded[i].value().elements) state.excluded.push_back(member.str);
    decisions.push_back(shadow.Decide(routable.lead, ownerships[i].owner, state));
    records.push_back(std::move(record));
  }
  for (std::size_t r = 0; r < records.size(); ++r) records[r].shadow = &decisions[r];
  if (records.empty()) co_return;
  const auto recorded = co_await shadow_log_.Record(records);
  // One line per run: with Redis away every record of it fails the same way.
  const auto failed = std::find_if(recorded.begin(), recorded.end(),
                                   [](const Result<std::string>& each) { return !each; });
  if (failed != recorded.end()) {
    deps_.log->warn("shadow.record_failed leads={} first_lead={} error=\"{}\"",
                    std::count_if(failed, recorded.end(),
                                  [](const Result<std::string>& each) { return !each; }),
                    records[static_cast<std::size_t>(failed - recorded.begin())].lead,
                    failed->error().detail);
  }
}

}  // namespace leadd::daemon
