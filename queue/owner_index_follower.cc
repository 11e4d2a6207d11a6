#include "queue/owner_index_follower.h"

#include <spdlog/spdlog.h>

#include <boost/asio/use_awaitable.hpp>
#include <charconv>
#include <utility>

#include "core/clock_wait.h"

namespace leadd::queue {

using boost::asio::awaitable;
using boost::asio::use_awaitable;

namespace {

constexpr Duration kRetryDelay{1000};
// How often CatchUp looks again: a registration reaches the follower in about a round trip.
constexpr Duration kCatchUpPoll{2};

// A stream entry id as (milliseconds, sequence); "0" and malformed ids as (0, 0).
std::pair<std::uint64_t, std::uint64_t> PositionParts(std::string_view position) {
  std::uint64_t millis = 0;
  std::uint64_t sequence = 0;
  const char* end = position.data() + position.size();
  const auto [dash, error] = std::from_chars(position.data(), end, millis);
  if (error == std::errc() && dash != end && *dash == '-') std::from_chars(dash + 1, end, sequence);
  return {millis, sequence};
}

}  // namespace

bool LogPositionAfter(std::string_view a, std::string_view b) {
  return PositionParts(a) > PositionParts(b);
}

void OwnerIndexFollower::Stop(std::function<void()> done) {
  stopping_ = true;
  on_stopped_ = std::move(done);
}

void OwnerIndexFollower::Apply(const CustomerEvent& event) {
  // An entry at or before the position is one applied already (a log replayed over itself).
  const bool applied = !LogPositionAfter(event.position, position_);
  position_ = event.position;
  const auto number = CustomerRegistry::NumberOf(event.customer);
  if (!number) return;
  const auto record = event.keys.AsCustomer(event.customer, event.rep, event.registered_at_ms);
  switch (event.kind) {
    case CustomerEvent::Kind::kRegistered: {
      if (*number >= ids_by_number_.size()) ids_by_number_.resize(*number + 1, 0);
      if (ids_by_number_[*number] != 0) {
        // A new entry registering a number the index holds: the registry started again from
        // an older state (flushed, or restored from a backup), and the index must too.
        if (!applied) registry_went_back_ = true;
        return;
      }
      ids_by_number_[*number] = index_.Add(record) + 1;
      return;
    }
    case CustomerEvent::Kind::kContact:
      if (const auto id = IdOf(event.customer); id && !applied) index_.AddContact(*id, record);
      return;
    case CustomerEvent::Kind::kOwnerChanged:
    case CustomerEvent::Kind::kReleased:
      // A released customer stays in the index with no rep: it names no owner.
      if (const auto id = IdOf(event.customer)) index_.Reassign(*id, event.rep);
      return;
    case CustomerEvent::Kind::kOther:
      return;
  }
}

std::optional<dedupe::OwnerIndex::Id> OwnerIndexFollower::IdOf(std::string_view customer) const {
  const auto number = CustomerRegistry::NumberOf(customer);
  if (!number || *number >= ids_by_number_.size() || ids_by_number_[*number] == 0) {
    return std::nullopt;
  }
  return ids_by_number_[*number] - 1;
}

awaitable<Result<std::size_t>> OwnerIndexFollower::Rebuild() {
  index_ = dedupe::OwnerIndex();
  ids_by_number_.clear();
  position_ = "0";
  ready_ = false;
  registry_went_back_ = false;
  std::size_t applied = 0;
  while (true) {
    LEADD_CO_TRY(events, co_await deps_.registry.ReadLog(position_, CustomerRegistry::kLogPage));
    for (const CustomerEvent& event : events) Apply(event);
    applied += events.size();
    if (events.size() < CustomerRegistry::kLogPage) break;
  }
  ready_ = true;
  co_return applied;
}

awaitable<Result<void>> OwnerIndexFollower::CatchUp(std::string position, Duration timeout) {
  const SteadyTime give_up = deps_.clock.SteadyNow() + timeout;
  while (!ready_ || LogPositionAfter(position, position_)) {
    if (deps_.clock.SteadyNow() >= give_up) {
      co_return Transient("the owner index has not caught up with the registry yet");
    }
    co_await AsyncWait(deps_.clock, kCatchUpPoll, use_awaitable);
  }
  co_return Ok();
}

awaitable<Result<void>> OwnerIndexFollower::CatchUpWithLog(CustomerRegistry& registry,
                                                           Duration timeout) {
  auto end = co_await registry.LastPosition();
  if (!end) co_return end.error();
  co_return co_await CatchUp(std::move(end).value(), timeout);
}

awaitable<void> OwnerIndexFollower::CheckLogEnd() {
  // When Redis is away, the next wait says so.
  if (auto end = co_await deps_.registry.LastPosition(); end) {
    if (LogPositionAfter(position_, end.value())) registry_went_back_ = true;
  }
}

awaitable<void> OwnerIndexFollower::Run() {
  while (!stopping_) {
    if (!ready_) {
      const SteadyTime started = deps_.clock.SteadyNow();
      auto rebuilt = co_await Rebuild();
      if (rebuilt) {
        const auto took = std::chrono::duration_cast<std::chrono::milliseconds>(
            deps_.clock.SteadyNow() - started);
        deps_.log->info("owners.index_rebuilt customers={} log_entries={} ms={} bytes={}",
                        index_.Size(), rebuilt.value(), took.count(), index_.MemoryBytes());
        read_failures_ = 0;
        continue;
      }
      // Before the first connection the Redis client's own readiness line says it all.
      if (read_failures_++ % 60 == 0) {
        deps_.log->warn("owners.rebuild_failed attempt={} error=\"{}\"", read_failures_,
                        rebuilt.error().detail);
      }
    } else {
      auto events =
          co_await deps_.registry.WaitLog(position_, CustomerRegistry::kLogPage, block_for_);
      if (events) {
        for (const CustomerEvent& event : events.value()) Apply(event);
        if (read_failures_ > 0) {
          deps_.log->info("owners.follow_resumed after_attempts={}", read_failures_);
          read_failures_ = 0;
        }
        // A quiet log may be one that lost entries the index has: look at where it ends.
        if (events.value().empty() && !registry_went_back_) co_await CheckLogEnd();
        if (registry_went_back_) {
          deps_.log->warn("owners.registry_went_back position={} action=rebuild", position_);
          ready_ = false;
        }
        continue;
      }
      if (read_failures_++ % 60 == 0) {
        deps_.log->warn("owners.follow_failed attempt={} error=\"{}\"", read_failures_,
                        events.error().detail);
      }
    }
    if (!stopping_) co_await AsyncWait(deps_.clock, kRetryDelay, use_awaitable);
  }
  if (on_stopped_) on_stopped_();
}

}  // namespace leadd::queue
