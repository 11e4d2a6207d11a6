#include "api/lead_api.h"

#include <spdlog/spdlog.h>

#include <boost/beast/http/status.hpp>
#include <optional>

#include "api/customer_api.h"
#include "api/http_answers.h"
#include "api/metric_api.h"
#include "api/reminder_api.h"
#include "api/rep_admin.h"
#include "api/report_api.h"
#include "connectors/web_form/lead_json.h"
#include "core/json_writer.h"

namespace leadd::api {

namespace http = boost::beast::http;
using boost::asio::awaitable;

LeadApi::LeadApi(Deps deps, config::HttpSettings settings)
    : deps_(std::move(deps)), settings_(std::move(settings)) {}

awaitable<Response> LeadApi::Handle(Request request) {
  const std::string_view target = Std(request.target());
  const std::string_view path = target.substr(0, target.find('?'));
  constexpr std::string_view kLeadsPrefix = "/v1/leads/";

  if (path == "/healthz") {
    if (auto refused = OnlyMethod(request, http::verb::get)) co_return *std::move(refused);
    co_return Json(request, http::status::ok, R"({"status":"up"})");
  }
  if (path == "/readyz") {
    if (auto refused = OnlyMethod(request, http::verb::get)) co_return *std::move(refused);
    co_return Ready(request);
  }
  if (path == "/v1/leads") {
    if (auto refused = OnlyMethod(request, http::verb::post)) co_return *std::move(refused);
    co_return co_await PostLead(request);
  }
  if (path.starts_with(kLeadsPrefix) && path.size() > kLeadsPrefix.size()) {
    const std::string_view rest = path.substr(kLeadsPrefix.size());
    if (const auto slash = rest.find('/'); slash != std::string_view::npos) {
      if (rest.substr(slash + 1) == "reminders" && reminder_api_ != nullptr) {
        co_return co_await reminder_api_->HandleLead(request, rest.substr(0, slash));
      }
      if (rep_actions_ == nullptr) {
        co_return ErrorJson(request, http::status::not_found, "no such route");
      }
      co_return co_await rep_actions_->Handle(request, rest.substr(0, slash),
                                              rest.substr(slash + 1));
    }
    if (auto refused = OnlyMethod(request, http::verb::get)) co_return *std::move(refused);
    co_return co_await GetLead(request, path.substr(kLeadsPrefix.size()));
  }
  if (constexpr std::string_view kReps = "/v1/reps/";
      path.starts_with(kReps) && rep_admin_ != nullptr) {
    co_return co_await rep_admin_->Handle(request, path.substr(kReps.size()));
  }
  if (constexpr std::string_view kReminders = "/v1/reminders/";
      path.starts_with(kReminders) && reminder_api_ != nullptr) {
    co_return co_await reminder_api_->HandleReminder(request, path.substr(kReminders.size()));
  }
  if (constexpr std::string_view kMetrics = "/v1/metrics/";
      path.starts_with(kMetrics) && metric_api_ != nullptr) {
    co_return co_await metric_api_->Handle(request, path.substr(kMetrics.size()));
  }
  if (constexpr std::string_view kCustomers = "/v1/customers";
      customer_api_ != nullptr && path.starts_with(kCustomers) &&
      (path.size() == kCustomers.size() || path[kCustomers.size()] == '/')) {
    co_return co_await customer_api_->Handle(request, path.substr(kCustomers.size()));
  }
  if (constexpr std::string_view kReports = "/v1/reports/";
      path.starts_with(kReports) && report_api_ != nullptr) {
    co_return co_await report_api_->Handle(request, path.substr(kReports.size()));
  }
  if (constexpr std::string_view kLinks = "/v1/links/";
      path.starts_with(kLinks) && link_actions_ != nullptr) {
    co_return co_await link_actions_->Handle(request, path.substr(kLinks.size()));
  }
  co_return ErrorJson(request, http::status::not_found, "no such route");
}

Response LeadApi::Ready(const Request& request) const {
  const bool redis = deps_.redis_ready();
  const bool owners = !deps_.owners_ready || deps_.owners_ready();
  const bool ready = redis && owners && !draining_;
  JsonWriter json;
  json.BeginObject().Key("ready").Bool(ready).Key("redis").Bool(redis).Key("config").Bool(true);
  json.Key("owners").Bool(owners).Key("draining").Bool(draining_).EndObject();
  return Json(request, ready ? http::status::ok : http::status::service_unavailable, json.Text());
}

awaitable<Response> LeadApi::PostLead(const Request& request) {
  if (!HasBearer(request, settings_.intake_token)) co_return Unauthorized(request);
  if (draining_) co_return Unavailable(request, "shutting down");
  const auto content_type = Std(request[http::field::content_type]);
  if (!content_type.starts_with("application/json")) {
    co_return ErrorJson(request, http::status::unsupported_media_type,
                        "send the lead as application/json");
  }
  // Fail fast rather than wait for a deadline: the sender retries, the source key dedupes.
  if (!deps_.redis_ready()) co_return Unavailable(request, "storage unavailable, retry later");

  auto lead = connectors::ParseLeadJson(request.body(), Std(request["Idempotency-Key"]),
                                        deps_.clock.WallNow());
  if (!lead) {
    const auto& reason = lead.error().detail;
    deps_.log->warn("lead.rejected origin=http reason=\"{}\"", reason);
    auto kept = co_await deps_.store.Quarantine("http:/v1/leads", reason, request.body());
    if (!kept) deps_.log->error("quarantine.failed error=\"{}\"", kept.error().detail);
    co_return ErrorJson(request, http::status::bad_request, reason);
  }
  auto committed = co_await deps_.store.Ingest(lead.value());
  if (!committed) {
    deps_.log->warn("lead.commit_failed source={} error=\"{}\"", lead.value().source,
                    committed.error().detail);
    co_return Unavailable(request, "storage unavailable, retry later");
  }
  const auto& result = committed.value();
  deps_.log->info("lead.accepted lead={} source={} duplicate={}", result.lead_id,
                  lead.value().source, result.duplicate);
  JsonWriter json;
  json.BeginObject().Member("id", result.lead_id).Key("duplicate").Bool(result.duplicate);
  json.EndObject();
  // 200 for a repeat, never 409: form senders treat a conflict as a failure and retry.
  co_return Json(request, result.duplicate ? http::status::ok : http::status::accepted,
                 json.Text());
}

awaitable<Response> LeadApi::GetLead(const Request& request, std::string_view id) {
  if (!HasBearer(request, settings_.admin_token)) co_return Unauthorized(request);
  if (!IsLeadId(id)) co_return ErrorJson(request, http::status::not_found, "no such lead");
  auto stored = co_await deps_.store.GetWithHistory(id);
  if (!stored) co_return ErrorJson(request, StatusOf(stored.error()), stored.error().detail);
  JsonWriter json;
  json.BeginObject().Key("lead").BeginObject();
  for (const auto& [name, value] : stored.value().fields) {
    // The decision is JSON already; keep it a document, not a string.
    if (name == "decision") {
      json.Key(name).RawJson(value);
    } else {
      json.Member(name, value);
    }
  }
  json.EndObject().Key("history").BeginArray();
  for (const auto& entry : stored.value().history) json.RawJson(entry);
  json.EndArray().EndObject();
  co_return Json(request, http::status::ok, json.Text());
}

}  // namespace leadd::api
