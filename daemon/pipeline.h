// Pipeline: takes committed leads off the intake stream, dedupes, routes, assigns (with the
// SLA timers of the lead's grade; the assignment notice goes out through the outbox).
#pragma once

#include <utility>  // before Asio: Boost 1.74 + g++ 12 need std::exchange declared first

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/awaitable.hpp>
#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "core/clock.h"
#include "daemon/stream_consumer.h"
#include "dedupe/owner_match.h"
#include "lifecycle/timer_plan.h"
#include "queue/lead_store.h"
#include "queue/owner_index_follower.h"
#include "queue/redis_client.h"
#include "queue/shadow_log.h"
#include "router/router.h"

namespace spdlog {
class logger;
}

namespace leadd::daemon {

// Splits items, in order, into consecutive runs within which no key repeats (empty keys do not
// count), and returns the runs' lengths. A lead is routed only after the leads before it with
// the same email, phone or company domain are assigned, since its owner lookup must see them.
std::vector<std::size_t> IndependentRuns(const std::vector<std::vector<std::string>>& keys);

// Lifecycle: Start -> Stop(done) on one executor. Delivery is at least once: an entry is
// acknowledged in the same Redis function that assigns its lead, and one that a dead
// consumer left pending is claimed by a live one after kClaimIdle, so nothing is lost and
// nothing is assigned twice.
class Pipeline {
 public:
  static constexpr Duration kClaimIdle{5000};
  static constexpr Duration kRetryDelay{1000};
  static constexpr std::size_t kBatch = 64;
  // Each retry sees the loads that made the last one fail, so the router skips those reps;
  // more than a few means reps fill as fast as the pipeline reads, and the lead waits in the
  // pool, its decision saying why.
  static constexpr std::uint32_t kFullRetries = 3;
  // While the owner index is rebuilt at start, how often the loop looks whether it is done.
  static constexpr Duration kOwnersPoll{50};
  // How long a run waits for the index to learn the customers the run before it registered.
  static constexpr Duration kOwnersCatchUp{2000};

  struct Deps {
    boost::asio::any_io_executor executor;
    Clock& clock;
    queue::RedisClient& blocking_redis;  // a connection of its own: XREADGROUP BLOCK holds it
    queue::LeadStore& store;
    // Read per lead, so that a reload applies to the next one.
    std::function<std::shared_ptr<const router::Router>()> current_router;
    std::function<std::shared_ptr<const lifecycle::TimerPlanner>()> current_planner;
    std::shared_ptr<spdlog::logger> log;
    // Shadow mode: the router of the shadow rules, recorded beside each live routing and acted
    // on nowhere; none (or a null result) runs no shadow. Read per run, like current_router.
    std::function<std::shared_ptr<const router::Router>()> current_shadow_router;
    // The registered customers, matched without a round trip; routing waits for its start-up
    // rebuild, since a lead matched against an empty index would miss its owner.
    queue::OwnerIndexFollower& owners;
    queue::CustomerRegistry& registry;  // on a connection that never blocks
    // The `dedupe:` section, read per batch like current_router.
    std::function<config::DedupeSettings()> current_dedupe;
  };

  Pipeline(Deps deps, std::string consumer_name, Duration block_for);

  void Start();
  // Finishes the batch in hand, then calls `done`. Entries read but not yet routed stay
  // pending in Redis and are claimed later.
  void Stop(std::function<void()> done);

 private:
  // A lead read off the intake stream, about to be routed.
  struct Routable {
    queue::IntakeEntry entry;
    Lead lead;
    bool pooled = false;  // assigned before: reps who gave it up are excluded
    dedupe::ContactKeys contact;
  };

  boost::asio::awaitable<void> Run();
  // A batch costs a few round trips to Redis, not a few per lead: the leads are read together,
  // then each run of independent leads is looked up together and assigned together.
  boost::asio::awaitable<Result<void>> Process(const std::vector<StreamEntry>& batch);
  // Each lead's owner: OwnersOfEmails' answers (one per lead with an email key, in order),
  // else the owner index.
  std::vector<dedupe::LeadOwnership> Ownerships(
      std::span<const Routable> leads, const std::vector<std::optional<std::string>>& email_owners,
      const config::DedupeSettings& dedupe);
  // A lead whose candidates all turned out full at assignment (other daemons, or the run's own
  // rotation, filled them since the loads were read) is routed again with fresh loads, up to
  // kFullRetries times; `full_retries` counts how often this run's leads were. One whose
  // customer another lead registered after the index matched it (kRegistryMoved) is matched
  // again once the index has caught up, up to kFullRetries times (`rematches`); the last time
  // it registers without looking.
  boost::asio::awaitable<Result<void>> Route(std::span<const Routable> leads,
                                             std::uint32_t full_retries = 0,
                                             std::uint32_t rematches = 0);

  // After a run's live assignments: what the shadow router decides for the same leads, with
  // the same state and owners, recorded in one round trip. A lead the live rules will route
  // again (all full, registry moved) or did not route now (already assigned) is left for its
  // real routing. A
  // failure is logged, never returned: the shadow must not hold up the live routing.
  boost::asio::awaitable<void> RecordShadow(
      const router::Router& shadow, std::span<const Routable> leads,
      const std::vector<dedupe::LeadOwnership>& ownerships,
      const std::vector<Result<queue::RedisReply>>& excluded, router::RoutingState state,
      const std::vector<queue::AssignRequest>& requests, const std::vector<std::size_t>& requested,
      const std::vector<Result<queue::Assignment>>& assigned, bool routes_full_again);

  Deps deps_;
  queue::ShadowLog shadow_log_;
  StreamConsumer intake_;
  bool stopping_ = false;
  std::uint64_t read_failures_ = 0;  // consecutive, for quieter logs during an outage
  std::function<void()> on_stopped_;
};

}  // namespace leadd::daemon
