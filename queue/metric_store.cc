#include "queue/metric_store.h"

#include <boost/asio/use_awaitable.hpp>
#include <charconv>
#include <cmath>
#include <vector>

namespace leadd::queue {
namespace {

using boost::asio::awaitable;
using boost::asio::use_awaitable;
using Args = std::vector<std::string>;

std::optional<double> ParseValue(std::string_view text) {
  double value = 0;
  const auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (error != std::errc() || end != text.data() + text.size() || !std::isfinite(value)) {
    return std::nullopt;
  }
  return value;
}

}  // namespace

std::string FormatMetricValue(double value) {
  char text[32];  // the longest shortest form of a double is 24 characters
  const auto result = std::to_chars(text, text + sizeof text, value);
  return std::string(text, result.ptr);
}

awaitable<Result<void>> MetricStore::Set(std::string_view metric, std::string_view window_id,
                                         const MetricValues& values, bool replace) {
  for (const auto& entry : values) {
    if (!std::isfinite(entry.second)) {
      co_return Rejected("the value of " + entry.first + " is not a finite number");
    }
  }
  const std::string key = keys_.Metric(metric, window_id);
  // MULTI ... EXEC sent as one batch: no other command on this connection comes in between,
  // and Redis applies the deletion, the values and the expiry together or not at all.
  std::vector<Args> batch{{"MULTI"}};
  if (replace) batch.push_back({"DEL", key});
  if (!values.empty()) {
    Args hset{"HSET", key};
    hset.reserve(2 + 2 * values.size());
    for (const auto& entry : values) {
      hset.push_back(entry.first);
      hset.push_back(FormatMetricValue(entry.second));
    }
    batch.push_back(std::move(hset));
    batch.push_back({"EXPIRE", key, std::to_string(std::chrono::seconds(kRetention).count())});
  }
  batch.push_back({"EXEC"});
  const auto replies = co_await redis_.AsyncCommands(std::move(batch), use_awaitable);
  for (const auto& reply : replies) {
    if (!reply) co_return reply.error();
  }
  const RedisReply& exec = replies.back().value();
  if (!exec.IsArray()) co_return Transient("redis: the metric write was not applied");
  for (const RedisReply& element : exec.elements) {
    if (element.type == RedisReply::Type::kError) co_return ErrorFromReply(element.str);
  }
  co_return Ok();
}

awaitable<Result<MetricValues>> MetricStore::Read(std::string_view metric,
                                                  std::string_view window_id) {
  Args command{"HGETALL", keys_.Metric(metric, window_id)};
  LEADD_CO_TRY(reply, co_await redis_.AsyncCommand(std::move(command), use_awaitable));
  co_return MetricValuesOf(reply);
}

MetricValues MetricValuesOf(const RedisReply& hgetall) {
  MetricValues values;
  for (std::size_t i = 0; i + 1 < hgetall.elements.size(); i += 2) {
    if (const auto value = ParseValue(hgetall.elements[i + 1].str)) {
      values.emplace(hgetall.elements[i].str, *value);
    }
  }
  return values;
}

}  // namespace leadd::queue
