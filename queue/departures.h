// Departures: a rep leaving for good — marked departed so routing skips them, their open leads
// re-queued, their closed leads and customers handed to another rep — and what a rep holds.
#pragma once

#include <utility>  // before Asio: Boost 1.74 + g++ 12 need std::exchange declared first

#include <boost/asio/awaitable.hpp>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/clock.h"
#include "core/result.h"
#include "queue/function_call.h"
#include "queue/redis_client.h"
#include "queue/redis_keys.h"

namespace leadd::queue {

// Reps who left: routing never chooses them again (a set of rep ids).
inline std::string DepartedKey(const RedisKeys& keys) { return keys.Prefix() + ":departed"; }
// Leads a rep closed (won or lost): a departure hands them over with the customers.
inline std::string RepClosedKey(const RedisKeys& keys, std::string_view rep) {
  return keys.Prefix() + ":rep:" + std::string(rep) + ":closed";
}
// Email keys of the customers a rep owns (the owner index's reverse).
inline std::string RepCustomersKey(const RedisKeys& keys, std::string_view rep) {
  return keys.Prefix() + ":rep:" + std::string(rep) + ":customers";
}
// The registry ids of the customers a rep owns that were registered without an email.
inline std::string RepUnmailedKey(const RedisKeys& keys, std::string_view rep) {
  return keys.Prefix() + ":rep:" + std::string(rep) + ":unmailed";
}

// What leadd_depart found when it marked the rep.
struct DepartureStart {
  bool newly_departed = false;
  std::int64_t open = 0;
  std::int64_t closed = 0;
  std::int64_t customers = 0;
};

// One batch of leadd_transfer_customers.
struct CustomerTransfer {
  std::int64_t leads = 0;      // closed leads now the new owner's
  std::int64_t customers = 0;  // owner index entries moved
  std::int64_t closed_left = 0;
  std::int64_t customers_left = 0;
};

struct Absence {
  WallTime from{};
  WallTime to{};
  std::string delegate;
};

// What a rep holds, for `leadctl rep show`.
struct RepHoldings {
  std::optional<Absence> absence;
  std::int64_t open = 0;
  std::int64_t closed = 0;
  std::int64_t customers = 0;
  bool departed = false;
};

enum class DepartureMode { kTo, kRoute };

// Errors as LeadTransitions: kConflict (not legal now, nothing changed), kRejected (a bad
// argument), kTransient (Redis away; every call here is safe to repeat).
class Departures {
 public:
  Departures(RedisClient& redis, RedisKeys keys, FunctionClock clock = FunctionClock::RedisTime())
      : redis_(redis), keys_(std::move(keys)), clock_(clock) {}

  // Marks `rep` departed and ends their absence; refused (kConflict) for kRoute while the rep
  // keeps customers or closed leads that no open lead carries.
  boost::asio::awaitable<Result<DepartureStart>> Depart(std::string_view rep, DepartureMode mode,
                                                        std::string_view by);
  // Up to `limit` of the rep's open lead ids, in id order.
  boost::asio::awaitable<Result<std::vector<std::string>>> OpenLeads(std::string_view rep,
                                                                     std::int64_t limit);
  // Drops a lead from the rep's open set (it is not theirs any more).
  boost::asio::awaitable<Result<void>> ForgetOpen(std::string_view rep, std::string_view lead_id);
  // The lead goes back to `public` and to the pipeline with the rep excluded. False when the
  // rep no longer held it.
  boost::asio::awaitable<Result<bool>> Requeue(std::string_view lead_id, std::string_view rep,
                                               std::string_view by);
  boost::asio::awaitable<Result<CustomerTransfer>> TransferCustomers(std::string_view rep,
                                                                     std::string_view to,
                                                                     std::int64_t batch,
                                                                     std::string_view by);
  boost::asio::awaitable<Result<RepHoldings>> Holdings(std::string_view rep);
  // The departed reps, for routing.
  boost::asio::awaitable<Result<std::vector<std::string>>> Departed();

 private:
  RedisClient& redis_;
  RedisKeys keys_;
  FunctionClock clock_;
};

}  // namespace leadd::queue
