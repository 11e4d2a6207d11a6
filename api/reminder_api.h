// ReminderApi: recurring reminders on a lead (a reorder cycle, a contact cadence) over HTTP.
#pragma once

#include <utility>  // before Asio: Boost 1.74 + g++ 12 need std::exchange declared first

#include <boost/asio/awaitable.hpp>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "api/callers.h"
#include "api/http_server.h"
#include "config/settings.h"
#include "core/clock.h"
#include "lifecycle/timer_plan.h"
#include "queue/lead_store.h"
#include "queue/lead_transitions.h"
#include "queue/redis_client.h"

namespace spdlog {
class logger;
}

namespace leadd::api {

// Routes (the admin token, or the token of the rep holding the lead):
//   POST   /v1/leads/{id}/reminders  {"kind":"reorder"|"cadence","product"?,"every"?,"ahead",
//                                     "first"}; 201 {"id","lead","next_at",...}. A cadence
//                                     without `every` repeats at its grade's follow_up_every.
//   GET    /v1/leads/{id}/reminders  {"lead","reminders":[...]}
//   DELETE /v1/reminders/{id}        {"id","removed":true}
// 400 a bad body; 401 no or wrong token; 403 another rep's lead; 404 no such lead or reminder;
// 503 when Redis is away.
class ReminderApi {
 public:
  struct Deps {
    queue::RedisClient& redis;
    queue::LeadStore& store;
    queue::LeadTransitions& transitions;
    std::shared_ptr<spdlog::logger> log;
    std::function<std::shared_ptr<const lifecycle::TimerPlanner>()> current_planner;
  };

  ReminderApi(Deps deps, const config::DaemonSettings& settings);

  boost::asio::awaitable<Response> HandleLead(const Request& request, std::string_view lead_id);
  boost::asio::awaitable<Response> HandleReminder(const Request& request,
                                                  std::string_view reminder_id);

  void UpdateSettings(const config::DaemonSettings& settings);

 private:
  boost::asio::awaitable<Response> Add(const Request& request, std::string_view lead_id,
                                       const std::string& who, const queue::StoredLead& lead);
  boost::asio::awaitable<Response> List(const Request& request, std::string_view lead_id);
  Response Refused(const Request& request, const Error& error, std::string_view missing) const;

  Deps deps_;
  Callers callers_;
};

// Reminder ids are "R-<n>".
bool IsReminderId(std::string_view id);

}  // namespace leadd::api
