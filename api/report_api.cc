#include "api/report_api.h"

#include <spdlog/spdlog.h>

#include <boost/beast/http/status.hpp>
#include <map>

#include "api/admin_bodies.h"
#include "api/http_answers.h"
#include "config/duration.h"
#include "core/json_writer.h"
#include "queue/audit_log.h"
#include "queue/shadow_log.h"
#include "router/distribution.h"
#include "router/shadow_report.h"

namespace leadd::api {

namespace http = boost::beast::http;
using boost::asio::awaitable;

namespace {

// A duration parameter, as leadd.yaml writes durations; nullopt when it does not parse.
std::optional<std::chrono::milliseconds> Ago(std::string_view text) {
  const auto duration = config::ParseDuration(text);
  if (!duration || duration->count() < 0) return std::nullopt;
  return duration;
}

// A report's window, from its `since` and `until` (how long before `now`), or kRejected
// saying what is wrong with them.
struct ReportWindow {
  WallTime since;
  WallTime until;
};
Result<ReportWindow> WindowOf(std::string_view target, WallTime now) {
  const auto since_ago = Ago(QueryValue(target, "since"));
  if (!since_ago) return Rejected("since must be a duration such as 30d, 12h or 1d12h");
  const std::string_view until_text = QueryValue(target, "until");
  const auto until_ago = until_text.empty() ? std::chrono::milliseconds(0) : Ago(until_text);
  if (!until_ago) {
    return Rejected("until must be a duration such as 7d (how long ago), or absent for now");
  }
  if (*until_ago >= *since_ago)
    return Rejected("until must be later than since: a shorter time ago");
  return ReportWindow{now - *since_ago, now - *until_ago};
}

std::string ShadowJson(const router::ShadowReport& report, WallTime since, WallTime until) {
  const auto count = [](std::size_t n) { return static_cast<std::int64_t>(n); };
  JsonWriter json;
  json.BeginObject().Member("since", FormatInstant(since)).Member("until", FormatInstant(until));
  json.Key("leads").Int(count(report.leads)).Key("same_rep").Int(count(report.same_rep));
  json.Key("other_rep").Int(count(report.other_rep));
  json.Key("shadow_pooled").Int(count(report.shadow_pooled));
  json.Key("shadow_assigned").Int(count(report.shadow_assigned));
  json.Key("both_pooled").Int(count(report.both_pooled));
  const auto counts = [&](std::string_view key, std::string_view name_key,
                          const std::vector<router::ReplayCount>& rows) {
    json.Key(key).BeginArray();
    for (const auto& row : rows) {
      json.BeginObject().Member(name_key, row.name).Key("live").Int(count(row.before));
      json.Key("shadow").Int(count(row.after)).EndObject();
    }
    json.EndArray();
  };
  counts("reps", "rep", report.by_rep);
  counts("rules", "rule", report.by_rule);
  json.Key("differences").BeginArray();
  for (const auto& difference : report.differences) {
    json.BeginObject().Member("lead", difference.lead).Member("live_rep", difference.live_rep);
    json.Member("shadow_rep", difference.shadow_rep).Member("shadow_rule", difference.shadow_rule);
    json.EndObject();
  }
  json.EndArray().Key("more_differences").Int(count(report.more_differences)).EndObject();
  return json.Text();
}

std::string DistributionJson(const router::DistributionReport& report,
                             const queue::AuditWindow& window, WallTime since, WallTime until) {
  const auto count = [](std::size_t n) { return static_cast<std::int64_t>(n); };
  JsonWriter json;
  json.BeginObject().Member("since", FormatInstant(since)).Member("until", FormatInstant(until));
  json.Key("reaches_back_to");
  if (window.reaches_back_to) {
    json.String(FormatInstant(*window.reaches_back_to));
  } else {
    json.Null();
  }
  json.Key("unreadable_entries").Int(count(window.malformed));
  json.Key("totals").BeginObject();
  json.Key("ingested").Int(count(report.ingested)).Key("routed").Int(count(report.routed));
  json.Key("pooled").Int(count(report.pooled)).Key("given").Int(count(report.given));
  json.Key("claimed").Int(count(report.claimed)).Key("bounced").Int(count(report.bounced));
  json.EndObject();
  json.Key("reps").BeginArray();
  for (const auto& rep : report.reps) {
    json.BeginObject().Member("rep", rep.rep).Key("routed").Int(count(rep.routed));
    json.Key("by_rule").BeginObject();
    for (const auto& [rule, routed] : rep.routed_by_rule) json.Key(rule).Int(count(routed));
    json.EndObject();
    json.Key("given").Int(count(rep.given)).Key("claimed").Int(count(rep.claimed));
    json.Key("bounced").Int(count(rep.bounced)).Key("received").Int(count(rep.Received()));
    json.EndObject();
  }
  json.EndArray().Key("rules").BeginArray();
  for (const auto& rule : report.rules) {
    json.BeginObject().Member("rule", rule.rule).Key("routed").Int(count(rule.routed)).EndObject();
  }
  json.EndArray().Key("sources").BeginArray();
  for (const auto& source : report.sources) {
    json.BeginObject().Member("source", source.source);
    json.Key("ingested").Int(count(source.ingested)).Key("routed").Int(count(source.routed));
    json.Key("pooled").Int(count(source.pooled)).EndObject();
  }
  json.EndArray().EndObject();
  return json.Text();
}

}  // namespace

std::string_view QueryValue(std::string_view target, std::string_view name) {
  const auto question = target.find('?');
  if (question == std::string_view::npos) return {};
  std::string_view query = target.substr(question + 1);
  while (!query.empty()) {
    const auto amp = query.find('&');
    const std::string_view pair = query.substr(0, amp);
    query.remove_prefix(amp == std::string_view::npos ? query.size() : amp + 1);
    const auto equals = pair.find('=');
    if (equals != std::string_view::npos && pair.substr(0, equals) == name) {
      return pair.substr(equals + 1);
    }
  }
  return {};
}

ReportApi::ReportApi(Deps deps, const config::DaemonSettings& settings) : deps_(std::move(deps)) {
  UpdateSettings(settings);
}

void ReportApi::UpdateSettings(const config::DaemonSettings& settings) {
  callers_.Update(settings);
  reps_.clear();
  for (const config::Rep& rep : settings.reps) reps_.push_back(rep.id);
  rules_.clear();
  for (const auto& rule : settings.rules) rules_.push_back(rule.name);
}

awaitable<Response> ReportApi::Handle(const Request& request, std::string_view rest) {
  if (rest != "distribution" && rest != "shadow") {
    co_return ErrorJson(request, http::status::not_found, "no such report");
  }
  if (auto refused = OnlyMethod(request, http::verb::get)) co_return *std::move(refused);
  const auto caller = callers_.Of(request);
  if (!caller) co_return Unauthorized(request);
  if (rest == "distribution") co_return co_await Distribution(request);
  // Which rules a change would move leads between is the admin's to see, not the team's.
  if (!caller->empty()) {
    co_return ErrorJson(request, http::status::forbidden, "the shadow report is for the admin");
  }
  co_return co_await Shadow(request);
}

awaitable<Response> ReportApi::Shadow(const Request& request) {
  const auto window_of_report = WindowOf(Std(request.target()), deps_.clock.WallNow());
  if (!window_of_report) {
    co_return ErrorJson(request, http::status::bad_request, window_of_report.error().detail);
  }
  const auto [since, until] = window_of_report.value();
  queue::ShadowLog shadow_log(deps_.redis, deps_.keys);
  const auto entries = co_await shadow_log.Read(since, until);
  if (!entries) co_return Unavailable(request, "storage unavailable, retry later");
  const auto report = router::CompareShadow(entries.value(), kShadowDifferencesListed);
  co_return Json(request, http::status::ok, ShadowJson(report, since, until));
}

awaitable<Response> ReportApi::Distribution(const Request& request) {
  const auto window_of_report = WindowOf(Std(request.target()), deps_.clock.WallNow());
  if (!window_of_report) {
    co_return ErrorJson(request, http::status::bad_request, window_of_report.error().detail);
  }
  const auto [since, until] = window_of_report.value();

  queue::AuditLog audit(deps_.redis, deps_.keys);
  auto window = co_await audit.Read(since, until);
  if (!window) co_return Unavailable(request, "storage unavailable, retry later");
  const auto& events = window.value().events;
  auto sources = co_await audit.SourcesOf(router::LeadsNeedingSource(events));
  if (!sources) co_return Unavailable(request, "storage unavailable, retry later");
  const auto& source_by_lead = sources.value();
  const auto report =
      router::Distribute(events, reps_, rules_, [&source_by_lead](std::string_view lead) {
        const auto found = source_by_lead.find(lead);
        return found == source_by_lead.end() ? std::string_view() : std::string_view(found->second);
      });
  if (window.value().malformed > 0) {
    deps_.log->warn("report.unreadable_audit_entries count={} first={}", window.value().malformed,
                    window.value().malformed_ids.front());
  }
  co_return Json(request, http::status::ok, DistributionJson(report, window.value(), since, until));
}

}  // namespace leadd::api
