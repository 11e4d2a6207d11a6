// OwnerIndexFollower: keeps a daemon's in-process owner index in step with the registry in
// Redis. At start it replays the whole registration log into a fresh index, then follows the
// log as it grows (XREAD BLOCK), so a registration by any daemon sharing the Redis reaches
// every daemon's index, in the one order the log gives them all.
#pragma once

#include <utility>  // before Asio: Boost 1.74 + g++ 12 need std::exchange declared first

#include <boost/asio/awaitable.hpp>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "core/clock.h"
#include "core/result.h"
#include "dedupe/owner_index.h"
#include "queue/customer_registry.h"

namespace spdlog {
class logger;
}

namespace leadd::queue {

// Not thread-safe: the loop and every reader run on one executor.
class OwnerIndexFollower {
 public:
  struct Deps {
    Clock& clock;
    // On a connection of its own: following the log holds it in XREAD BLOCK.
    CustomerRegistry& registry;
    std::shared_ptr<spdlog::logger> log;
  };

  // `block_for` bounds each wait for new entries (below the connection's request timeout).
  OwnerIndexFollower(Deps deps, Duration block_for)
      : deps_(std::move(deps)), block_for_(block_for) {}

  // The loop: rebuilds, then follows the log until Stop; Redis being away is waited out. The
  // daemon spawns it (daemon/spawn_loop.h). When the registry goes back to an older state (a
  // flush, a restored backup: the log ends before the index's position, or a new entry
  // registers a customer number the index holds), it rebuilds, not ready meanwhile.
  boost::asio::awaitable<void> Run();
  void Stop(std::function<void()> done);

  // Applies one log entry; entries must come in log order. Public for the tests and the
  // rebuild benchmark, which replay a log without a daemon.
  void Apply(const CustomerEvent& event);
  // Replays the log from its start into the index (the start-up rebuild); returns the entries
  // applied.
  boost::asio::awaitable<Result<std::size_t>> Rebuild();

  // Whether the start-up rebuild has finished: before that the index knows nobody, and
  // matching against it would miss every owner.
  bool Ready() const { return ready_; }
  const dedupe::OwnerIndex& Index() const { return index_; }
  // The last log entry applied ("0" before any).
  const std::string& Position() const { return position_; }
  // Resolves once the index has applied the log up to `position` (a registration's
  // log_position), or with kTransient after `timeout`: so that an import's next batch is
  // matched against the customers its previous batch registered.
  boost::asio::awaitable<Result<void>> CatchUp(std::string position, Duration timeout);
  // As CatchUp, up to the log's last entry now, read through `registry`: a connection other
  // than the follower's own, which waits in XREAD BLOCK.
  boost::asio::awaitable<Result<void>> CatchUpWithLog(CustomerRegistry& registry, Duration timeout);

  // The index id of a customer ("C-42"), when the index holds it.
  std::optional<dedupe::OwnerIndex::Id> IdOf(std::string_view customer) const;

 private:
  // Sets registry_went_back_ when the log now ends before the index's position.
  boost::asio::awaitable<void> CheckLogEnd();

  Deps deps_;
  Duration block_for_;
  dedupe::OwnerIndex index_;
  // By customer number (C-<n>): its id in the index plus one, 0 for none.
  std::vector<std::uint32_t> ids_by_number_;
  std::string position_ = "0";
  bool ready_ = false;
  bool registry_went_back_ = false;
  bool stopping_ = false;
  std::uint32_t read_failures_ = 0;
  std::function<void()> on_stopped_;
};

// Whether stream entry id `a` comes after `b` ("1700000000000-3" > "1700000000000-2").
bool LogPositionAfter(std::string_view a, std::string_view b);

}  // namespace leadd::queue
