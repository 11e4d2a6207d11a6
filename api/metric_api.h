// MetricApi: reading and pushing the values of the `metrics:` section over HTTP.
#pragma once

#include <utility>  // before Asio: Boost 1.74 + g++ 12 need std::exchange declared first

#include <boost/asio/awaitable.hpp>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "api/callers.h"
#include "api/http_server.h"
#include "config/settings.h"
#include "core/clock.h"
#include "queue/metric_store.h"

namespace spdlog {
class logger;
}

namespace leadd::api {

// Routes:
//   GET /v1/metrics/{name}[?window=ID]   the admin token or any rep's own token: the reps see
//                                        what `top` rules rank them by. 200 {"metric","window",
//                                        "values":{REP: NUMBER}}; the current window by default
//   PUT /v1/metrics/{name}               the admin token; body {"window"?,"values","replace"?}
//                                        (api/metric_body.h); 200 {"metric","window","written",
//                                        "replace"}
// 400 a bad body, window or rep; 401 no or wrong token; 403 a rep's token on PUT; 404 no such
// metric (the answer lists the known ones); 503 when Redis is away.
class MetricApi {
 public:
  struct Deps {
    queue::MetricStore& store;
    Clock& clock;  // which window is current
    std::shared_ptr<spdlog::logger> log;
  };

  MetricApi(Deps deps, const config::DaemonSettings& settings);

  // `name` is the path after /v1/metrics/; the query is read from the request.
  boost::asio::awaitable<Response> Handle(const Request& request, std::string_view name);

  // Metrics, tokens and reps change on reload; the next request sees the new ones.
  void UpdateSettings(const config::DaemonSettings& settings);

 private:
  // The window `given` names, checked against the metric's kind, or the current one.
  Result<std::string> Window(const config::MetricSettings& metric,
                             const std::optional<std::string>& given) const;
  Response UnknownMetric(const Request& request) const;
  // Both run after every check that reads the settings, which a reload may replace while they
  // wait for Redis.
  boost::asio::awaitable<Response> Get(const Request& request, std::string name,
                                       std::string window);
  boost::asio::awaitable<Response> Put(const Request& request, std::string name, std::string window,
                                       queue::MetricValues values, bool replace);

  Deps deps_;
  std::map<std::string, config::MetricSettings, std::less<>> metrics_;
  Callers callers_;
  std::vector<std::string> reps_;
};

}  // namespace leadd::api
