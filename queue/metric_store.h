// MetricStore: the values of the `metrics:` section in Redis, one hash per metric and window
// (rep -> value as decimal text).
#pragma once

#include <utility>  // before Asio: Boost 1.74 + g++ 12 need std::exchange declared first

#include <boost/asio/awaitable.hpp>
#include <chrono>
#include <map>
#include <string>
#include <string_view>

#include "core/result.h"
#include "queue/redis_client.h"
#include "queue/redis_keys.h"

namespace leadd::queue {

// A metric's values in one window, by rep.
using MetricValues = std::map<std::string, double, std::less<>>;

// Errors: kTransient when Redis is away or slow (a Set either committed whole or not at all,
// and is safe to repeat), kRejected for a value that is not a finite number.
class MetricStore {
 public:
  // Every write keeps a window this long. Past windows are only ever read to compare with (this
  // month against the same month a year ago), so a year and a margin is enough, and windows
  // nobody writes to any more go away on their own instead of piling up for ever. The same for
  // days as for months: a day's hash is small, and one rule is easier to reason about.
  static constexpr std::chrono::hours kRetention{24 * 400};

  MetricStore(RedisClient& redis, RedisKeys keys) : redis_(redis), keys_(std::move(keys)) {}

  // Writes `values` into the window, atomically; `replace` first drops every value not given
  // (an empty `values` then clears the window).
  boost::asio::awaitable<Result<void>> Set(std::string_view metric, std::string_view window_id,
                                           const MetricValues& values, bool replace);
  // The window's values; an absent window is empty. A field that does not hold a finite number
  // (written by hand, or by something else) is left out rather than failing the whole read.
  boost::asio::awaitable<Result<MetricValues>> Read(std::string_view metric,
                                                    std::string_view window_id);

 private:
  RedisClient& redis_;
  RedisKeys keys_;
};

// A window's values from the reply to HGETALL of its key, as Read gives them (for callers that
// read a window together with other things in one round trip).
MetricValues MetricValuesOf(const RedisReply& hgetall);

// Decimal text that reads back as the same double ("42", "42.5", "1e+300").
std::string FormatMetricValue(double value);

}  // namespace leadd::queue
