// RepActions: the routes by which reps (and the admin) move a lead — accept, reject, stage,
// activity, close, claim and assign — each a POST to /v1/leads/{id}/{action}.
#pragma once

#include <utility>  // before Asio: Boost 1.74 + g++ 12 need std::exchange declared first

#include <boost/asio/awaitable.hpp>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "api/callers.h"
#include "api/http_server.h"
#include "config/settings.h"
#include "connectors/json_fields.h"
#include "core/clock.h"
#include "lifecycle/timer_plan.h"
#include "queue/lead_store.h"
#include "queue/lead_transitions.h"

namespace spdlog {
class logger;
}

namespace leadd::api {

// Routes (POST, JSON object body, `Authorization: Bearer <token>`):
//   accept    {"assignment_id"}                       the assignee
//   reject    {"assignment_id","reason","pool"?}      the assignee; pool defaults to nurture
//   activity  {}                                      the holder of an accepted lead
//   stage     {"stage"}                               the holder of an accepted lead
//   close     {"outcome":"won"|"lost","reason"?}      the holder of an accepted lead
//   claim     {"pool"?}                               any rep, within the pool's limits
//   lock      {}                                      the holder of an accepted lead, within
//                                                     inactivity.lock_cap: no inactivity return
//   unlock    {}                                      the holder; the inactivity clock resumes
//   assign    {"rep","reason"}                        the admin token only
// A rep's delegate (during a recorded absence) may act wherever the rep may. Each move arms the
// lead's timers as the running config plans them (its grade's SLA, the inactivity returns).
// 200 {"id","state",...} on success; 401 no or unknown token; 403 the lead is another rep's,
// or the token may not take this action; 404 no such lead; 409 the move is not legal now
// (the sentence says why); 400 a bad body; 503 with Retry-After when Redis is away.
class RepActions {
 public:
  struct Deps {
    queue::LeadStore& store;
    queue::LeadTransitions& transitions;
    std::shared_ptr<spdlog::logger> log;
    Clock& clock;
    std::function<std::shared_ptr<const lifecycle::TimerPlanner>()> current_planner;
  };

  RepActions(Deps deps, const config::DaemonSettings& settings);

  // `lead_id` and `action` point into the request's target.
  boost::asio::awaitable<Response> Handle(const Request& request, std::string_view lead_id,
                                          std::string_view action);

  // Tokens, reps and pool limits change on reload; the next request sees the new ones.
  void UpdateSettings(const config::DaemonSettings& settings);

  // Who a request acts as: the admin, or a rep by id.
  struct Caller {
    bool admin = false;
    std::string rep;
  };

 private:
  using Fields = connectors::JsonFields;

  std::optional<Caller> Authenticate(const Request& request) const;
  // The lead as stored (for its grade and timers), or the answer to send.
  boost::asio::awaitable<std::variant<queue::StoredLead, Response>> ReadLead(
      const Request& request, std::string_view lead_id, std::string_view who);
  boost::asio::awaitable<Response> RunRepAction(const Request& request, std::string_view lead_id,
                                                std::string_view action, const std::string& rep,
                                                const Fields& fields);
  boost::asio::awaitable<Response> Claim(const Request& request, std::string_view lead_id,
                                         const std::string& rep, const Fields& fields);
  boost::asio::awaitable<Response> Assign(const Request& request, std::string_view lead_id,
                                          const Fields& fields);
  // The SLA of a claim or an admin assignment of `lead` to `rep`, starting now.
  queue::AssignmentTimers AssignmentTimers(const queue::StoredLead& lead,
                                           std::string_view rep) const;
  Response Refused(const Request& request, std::string_view lead_id, std::string_view action,
                   std::string_view who, const Error& error) const;

  Deps deps_;
  Callers callers_;
  std::vector<std::string> reps_;
  std::map<std::string, config::PoolSettings, std::less<>> pools_;
  std::uint32_t lock_cap_ = 0;
  std::vector<std::string> stages_;  // the names `stage` accepts, in config order
};

}  // namespace leadd::api
