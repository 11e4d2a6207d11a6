// LeadApi: the HTTP routes — lead intake, lead reads for admins, health and readiness.
#pragma once

#include <functional>
#include <memory>
#include <string>

#include "api/http_server.h"
#include "api/link_actions.h"
#include "api/rep_actions.h"
#include "config/settings.h"
#include "core/clock.h"
#include "queue/lead_store.h"

namespace leadd::api {

class RepAdmin;
class ReminderApi;
class ReportApi;
class MetricApi;
class CustomerApi;

// Routes:
//   POST /v1/leads        intake token; 202 {"id"} when committed, 200 {"id","duplicate":true}
//                         for a source key seen before, 400 (quarantined) for bad input,
//                         503 when Redis cannot commit it (never a 2xx without a commit)
//   GET  /v1/leads/{id}   admin token; the lead, its decision and history
//   POST /v1/leads/{id}/{action}   a rep's or the admin's move of the lead (see RepActions)
//   GET|POST /v1/links/{token}     a rep's signed accept/reject link (see LinkActions)
//   GET|POST /v1/leads/{id}/reminders, DELETE /v1/reminders/{id}   (see ReminderApi)
//   GET /v1/reps/{rep}, POST|DELETE /v1/reps/{rep}/away, POST /v1/reps/{rep}/offboard
//                                  (see RepAdmin)
//   GET|PUT /v1/metrics/{name}     metric values of a calendar window (see MetricApi)
//   POST /v1/customers, GET /v1/customers/{id}   registering the customers reps own (see
//                                  CustomerApi)
//   GET /v1/reports/distribution   who got which leads over a window (see ReportApi)
//   GET  /healthz         the process answers
//   GET  /readyz          Redis answers, config loaded, owner index built, not draining
class LeadApi final : public RequestHandler {
 public:
  struct Deps {
    queue::LeadStore& store;
    Clock& clock;
    std::function<bool()> redis_ready;
    std::shared_ptr<spdlog::logger> log;
    // Whether the owner index has been rebuilt since start: until then nothing is routed and
    // the customer API answers 503, so /readyz is not ready either. None: always.
    std::function<bool()> owners_ready = {};
  };

  LeadApi(Deps deps, config::HttpSettings settings);

  boost::asio::awaitable<Response> Handle(Request request) override;

  // Tokens change on reload; the next request sees the new ones.
  void UpdateSettings(config::HttpSettings settings) { settings_ = std::move(settings); }
  void SetDraining() { draining_ = true; }
  // Serves /v1/leads/{id}/{action}; without it those paths answer 404. Must outlive this.
  void SetRepActions(RepActions* actions) { rep_actions_ = actions; }
  // Serves /v1/links/{token}; without it those paths answer 404. Must outlive this.
  void SetLinkActions(LinkActions* actions) { link_actions_ = actions; }
  // Serves /v1/reps/...; without it those paths answer 404. Must outlive this.
  void SetRepAdmin(RepAdmin* admin) { rep_admin_ = admin; }
  // Serves /v1/leads/{id}/reminders and /v1/reminders/{id}. Must outlive this.
  void SetReminderApi(ReminderApi* reminders) { reminder_api_ = reminders; }
  // Serves /v1/reports/...; without it those paths answer 404. Must outlive this.
  void SetReportApi(ReportApi* reports) { report_api_ = reports; }
  // Serves /v1/metrics/{name}; without it those paths answer 404. Must outlive this.
  void SetMetricApi(MetricApi* metrics) { metric_api_ = metrics; }
  // Serves /v1/customers and /v1/customers/{id}; without it those paths answer 404. Must
  // outlive this.
  void SetCustomerApi(CustomerApi* customers) { customer_api_ = customers; }

 private:
  boost::asio::awaitable<Response> PostLead(const Request& request);
  boost::asio::awaitable<Response> GetLead(const Request& request, std::string_view id);
  Response Ready(const Request& request) const;

  Deps deps_;
  config::HttpSettings settings_;
  bool draining_ = false;
  RepActions* rep_actions_ = nullptr;
  LinkActions* link_actions_ = nullptr;
  RepAdmin* rep_admin_ = nullptr;
  ReminderApi* reminder_api_ = nullptr;
  ReportApi* report_api_ = nullptr;
  MetricApi* metric_api_ = nullptr;
  CustomerApi* customer_api_ = nullptr;
};

}  // namespace leadd::api
