// ReportApi: reports over the audit stream — who got which leads, and how — and over the
// shadow stream: where the shadow rules would have sent them.
#pragma once

#include <utility>  // before Asio: Boost 1.74 + g++ 12 need std::exchange declared first

#include <boost/asio/awaitable.hpp>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "api/callers.h"
#include "api/http_server.h"
#include "config/settings.h"
#include "core/clock.h"
#include "queue/redis_client.h"
#include "queue/redis_keys.h"

namespace spdlog {
class logger;
}

namespace leadd::api {

// Routes (the admin token or any rep's own token: the distribution is published to the team):
//   GET /v1/reports/distribution?since=30d[&until=7d]
//       what the window from `since` ago to `until` ago (default now) held, durations as
//       leadd.yaml writes them: {"since","until","reaches_back_to","unreadable_entries",
//       "totals":{...},"reps":[{"rep","routed","by_rule":{rule:n},"given","claimed",
//       "bounced","received"}],"rules":[{"rule","routed"}],"sources":[{"source","ingested",
//       "routed","pooled"}]}; reps and rules in config order, then any others the window names.
//   GET /v1/reports/shadow?since=7d[&until=1d]   (the admin token only)
//       the shadow rules (`shadow:`) set against the live ones over the window:
//       {"since","until","leads","same_rep","other_rep","shadow_pooled","shadow_assigned",
//       "both_pooled","reps":[{"rep","live","shadow"}],"rules":[{"rule","live","shadow"}],
//       "differences":[{"lead","live_rep","shadow_rep","shadow_rule"}],"more_differences"};
//       an empty rep is the pool.
// 400 a bad window; 401 no or unknown token; 403 a rep's token for an admin report; 404 no
// such report; 503 Redis away.
class ReportApi {
 public:
  struct Deps {
    queue::RedisClient& redis;
    queue::RedisKeys keys;
    Clock& clock;
    std::shared_ptr<spdlog::logger> log;
  };

  ReportApi(Deps deps, const config::DaemonSettings& settings);

  // `rest` is the path after "/v1/reports/".
  boost::asio::awaitable<Response> Handle(const Request& request, std::string_view rest);

  void UpdateSettings(const config::DaemonSettings& settings);

 private:
  boost::asio::awaitable<Response> Distribution(const Request& request);
  boost::asio::awaitable<Response> Shadow(const Request& request);

  Deps deps_;
  Callers callers_;
  std::vector<std::string> reps_;
  std::vector<std::string> rules_;
};

// Differences the shadow report lists; the rest are counted.
inline constexpr std::size_t kShadowDifferencesListed = 100;

// The value of `name` in the target's query string ("/x?since=30d&until=1d"); empty when absent.
std::string_view QueryValue(std::string_view target, std::string_view name);

}  // namespace leadd::api
