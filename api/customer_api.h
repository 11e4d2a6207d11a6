// CustomerApi: registering the customers reps already own (a CRM export, in batches) and
// reading one back, so that their leads go to them from then on.
#pragma once

#include <utility>  // before Asio: Boost 1.74 + g++ 12 need std::exchange declared first

#include <boost/asio/awaitable.hpp>
#include <cstdint>
#include <memory>
#include <random>
#include <set>
#include <string>
#include <string_view>

#include "api/callers.h"
#include "api/customer_body.h"
#include "api/http_server.h"
#include "config/settings.h"
#include "core/clock.h"
#include "dedupe/matcher.h"
#include "queue/customer_registry.h"
#include "queue/owner_index_follower.h"

namespace spdlog {
class logger;
}

namespace leadd::api {

// Routes (the admin token only):
//   POST /v1/customers        body {"customers":[ROW, ...]} (api/customer_body.h); each row is
//                             matched against the registered customers and the rows before it,
//                             then registered unless someone owns it already (the first
//                             registration wins). 200 {"results":[...], "registered", "review",
//                             "already_theirs", "conflicts", "invalid"}, one result per row
//   GET  /v1/customers/{id}   the stored customer, and the contacts its leads taught it
// 400 a body that is not a batch, an id that is not C-<n>; 401 no or wrong token; 403 a rep's
// token; 404 no such customer; 503 while the owner index loads, or when Redis is away.
class CustomerApi {
 public:
  // A row another registration got ahead of (queue::RegisterOutcome::kRegistryMoved) is
  // matched again this many times; then it is registered without looking.
  static constexpr std::uint32_t kRematches = 3;

  struct Deps {
    queue::CustomerRegistry& registry;
    queue::OwnerIndexFollower& owners;
    Clock& clock;  // how long a batch took, for the log
    std::shared_ptr<spdlog::logger> log;
  };

  CustomerApi(Deps deps, const config::DaemonSettings& settings);

  // `rest` is the path after /v1/customers: empty, or "/" and the id.
  boost::asio::awaitable<Response> Handle(const Request& request, std::string_view rest);

  // Tokens, reps and thresholds change on reload; the next request sees the new ones.
  void UpdateSettings(const config::DaemonSettings& settings);

 private:
  boost::asio::awaitable<Response> Register(const Request& request, CustomerBatch batch);
  boost::asio::awaitable<Response> Show(const Request& request, std::string id);
  // Unique to one round of one batch (queue::MatchedAt::batch), across daemons too.
  std::string NewBatchName();

  Deps deps_;
  Callers callers_;
  std::set<std::string, std::less<>> reps_;
  config::DedupeSettings dedupe_;
  Duration catch_up_within_{};
  std::mt19937_64 batch_names_{std::random_device{}()};
};

}  // namespace leadd::api
