#include "api/metric_api.h"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <boost/beast/http/status.hpp>

#include "api/http_answers.h"
#include "api/metric_body.h"
#include "core/calendar_window.h"
#include "core/json_writer.h"

namespace leadd::api {

namespace http = boost::beast::http;
using boost::asio::awaitable;

namespace {

// An example id of each kind, for the messages that refuse one.
std::string_view ExampleWindowId(CalendarWindow window) {
  switch (window) {
    case CalendarWindow::kDay:
      return "2026-11-24";
    case CalendarWindow::kWeek:
      return "2026-W48";
    case CalendarWindow::kMonth:
      return "2026-11";
  }
  return "";
}

}  // namespace

MetricApi::MetricApi(Deps deps, const config::DaemonSettings& settings) : deps_(std::move(deps)) {
  UpdateSettings(settings);
}

void MetricApi::UpdateSettings(const config::DaemonSettings& settings) {
  metrics_ = settings.metrics;
  callers_.Update(settings);
  reps_.clear();
  for (const config::Rep& rep : settings.reps) reps_.push_back(rep.id);
}

Result<std::string> MetricApi::Window(const config::MetricSettings& metric,
                                      const std::optional<std::string>& given) const {
  if (!given) return WindowId(metric.window, deps_.clock.WallNow(), metric.time_zone);
  if (!IsWindowId(metric.window, *given)) {
    return Rejected("window '" + *given + "' is not a " +
                    std::string(CalendarWindowName(metric.window)) + "; expected one such as " +
                    std::string(ExampleWindowId(metric.window)));
  }
  return *given;
}

Response MetricApi::UnknownMetric(const Request& request) const {
  JsonWriter json;
  // The name is not echoed: a path may hold bytes that are not UTF-8.
  json.BeginObject().Member("error", "no such metric").Key("known").BeginArray();
  for (const auto& entry : metrics_) json.String(entry.first);
  json.EndArray().EndObject();
  return Json(request, http::status::not_found, json.Text());
}

awaitable<Response> MetricApi::Handle(const Request& request, std::string_view name) {
  const bool putting = request.method() == http::verb::put;
  if (!putting) {
    if (auto refused = OnlyMethod(request, http::verb::get)) co_return *std::move(refused);
  }
  const auto caller = callers_.Of(request);
  if (!caller) co_return Unauthorized(request);
  if (putting && !caller->empty()) {
    co_return ErrorJson(request, http::status::forbidden,
                        "only the admin token may set metric values");
  }
  const auto found = metrics_.find(name);
  if (found == metrics_.end()) co_return UnknownMetric(request);
  const config::MetricSettings& metric = found->second;

  if (!putting) {
    const std::string_view target = Std(request.target());
    const auto question = target.find('?');
    const auto query = ParseMetricQuery(
        question == std::string_view::npos ? std::string_view() : target.substr(question + 1));
    if (!query) co_return ErrorJson(request, http::status::bad_request, query.error().detail);
    auto window = Window(metric, query.value());
    if (!window) co_return ErrorJson(request, http::status::bad_request, window.error().detail);
    co_return co_await Get(request, std::string(name), std::move(window).value());
  }

  auto body = ParseMetricBody(request.body());
  if (!body) co_return ErrorJson(request, http::status::bad_request, body.error().detail);
  auto window = Window(metric, body.value().window);
  if (!window) co_return ErrorJson(request, http::status::bad_request, window.error().detail);
  queue::MetricValues values;
  for (auto& [rep, value] : body.value().values) {
    if (std::find(reps_.begin(), reps_.end(), rep) == reps_.end()) {
      co_return ErrorJson(request, http::status::bad_request,
                          "unknown rep '" + rep + "' in values; nothing was written");
    }
    values.emplace(std::move(rep), value);
  }
  co_return co_await Put(request, std::string(name), std::move(window).value(), std::move(values),
                         body.value().replace);
}

awaitable<Response> MetricApi::Get(const Request& request, std::string name, std::string window) {
  auto values = co_await deps_.store.Read(name, window);
  if (!values) co_return StoreRefused(request, values.error());
  JsonWriter json;
  json.BeginObject().Member("metric", name).Member("window", window).Key("values").BeginObject();
  for (const auto& [rep, value] : values.value()) {
    json.Key(rep).RawJson(queue::FormatMetricValue(value));
  }
  json.EndObject().EndObject();
  co_return Json(request, http::status::ok, json.Text());
}

awaitable<Response> MetricApi::Put(const Request& request, std::string name, std::string window,
                                   queue::MetricValues values, bool replace) {
  auto written = co_await deps_.store.Set(name, window, values, replace);
  if (!written) co_return StoreRefused(request, written.error());
  deps_.log->info("metric.set metric={} window={} values={} replace={}", name, window,
                  values.size(), replace);
  JsonWriter json;
  json.BeginObject().Member("metric", name).Member("window", window);
  json.Key("written").Int(static_cast<std::int64_t>(values.size()));
  json.Key("replace").Bool(replace).EndObject();
  co_return Json(request, http::status::ok, json.Text());
}

}  // namespace leadd::api
