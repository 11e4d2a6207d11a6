// RepAdmin: the admin's routes about reps — a short absence with a delegate, a departure that
// hands everything the rep holds to others, and what a rep holds now.
#pragma once

#include <utility>  // before Asio: Boost 1.74 + g++ 12 need std::exchange declared first

#include <boost/asio/awaitable.hpp>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <string>
#include <string_view>

#include "api/http_server.h"
#include "config/settings.h"
#include "core/clock.h"
#include "lifecycle/timer_plan.h"
#include "queue/departures.h"
#include "queue/lead_store.h"
#include "queue/lead_transitions.h"

namespace spdlog {
class logger;
}

namespace leadd::api {

// Routes (admin token only):
//   GET    /v1/reps/{rep}            {"rep","departed","absence"?:{from,to,delegate},"open",
//                                     "closed","customers"}
//   POST   /v1/reps/{rep}/away       {"from","to","delegate"}: dates or RFC 3339 times; a date
//                                     is the start (from) or the end (to) of that day in the
//                                     rep's working-hours zone, else UTC
//   DELETE /v1/reps/{rep}/away       the absence ends now
//   POST   /v1/reps/{rep}/offboard   {"to": REP2} or {"route": "true"}
// An offboard call does a bounded share of the work (kOpenPerCall open leads, then customer
// batches) and answers what it moved and what is left, with "done"; the caller repeats it until
// done. Every step is idempotent, so a departure cut short is finished by calling again.
// 400 a bad body or an unknown rep; 401 no or wrong token; 409 not legal now; 503 Redis away.
class RepAdmin {
 public:
  static constexpr std::int64_t kOpenPerCall = 200;
  static constexpr std::int64_t kCustomerBatch = 500;
  static constexpr int kCustomerBatchesPerCall = 10;

  struct Deps {
    queue::LeadStore& store;
    queue::LeadTransitions& transitions;
    queue::Departures& departures;
    std::shared_ptr<spdlog::logger> log;
    Clock& clock;
    std::function<std::shared_ptr<const lifecycle::TimerPlanner>()> current_planner;
  };

  RepAdmin(Deps deps, const config::DaemonSettings& settings);

  // `rest` is the path after "/v1/reps/".
  boost::asio::awaitable<Response> Handle(const Request& request, std::string_view rest);

  void UpdateSettings(const config::DaemonSettings& settings);

  // The hand-over task of a lead at `percent` through the sale (no stage: 0).
  static std::string_view HandoverFor(std::uint32_t percent);

 private:
  boost::asio::awaitable<Response> Show(const Request& request, const std::string& rep);
  boost::asio::awaitable<Response> Away(const Request& request, const std::string& rep);
  boost::asio::awaitable<Response> Back(const Request& request, const std::string& rep);
  boost::asio::awaitable<Response> Offboard(const Request& request, const std::string& rep);

  Deps deps_;
  std::string admin_token_;
  std::map<std::string, std::string, std::less<>> zones_;  // every rep; "" without working hours
  std::map<std::string, std::uint32_t, std::less<>> stage_percent_;
};

}  // namespace leadd::api
