#include <algorithm>
#include <string>
#include <string_view>
#include <utility>

#include "config/schema.h"
#include "core/calendar_window.h"

namespace leadd::config {
namespace {

constexpr KeySpec kMetricKeys[] = {{"window", true}, {"time_zone"}, {"count"}};

constexpr std::string_view kWindowNames[] = {"day", "week", "month"};

// Metric names go into Redis keys and URL paths, so they stay short and need no escaping.
constexpr std::size_t kMaxMetricNameBytes = 64;

bool IsMetricName(std::string_view name) {
  const auto lower = [](char c) { return c >= 'a' && c <= 'z'; };
  return !name.empty() && name.size() <= kMaxMetricNameBytes && lower(name.front()) &&
         std::all_of(name.begin(), name.end(),
                     [&](char c) { return lower(c) || (c >= '0' && c <= '9') || c == '_'; });
}

void ReadMetric(const ValueRef& value, MetricSettings& metric, ProblemLog& log) {
  const MappingReader fields(value, kMetricKeys, log);
  if (const auto window = fields.Find("window")) {
    if (const auto index = ReadChoice(*window, kWindowNames, "window", log)) {
      metric.window = *CalendarWindowByName(kWindowNames[*index]);
    }
  }
  if (const auto zone = fields.Find("time_zone")) {
    if (auto text = ReadTimeZone(*zone, log)) metric.time_zone = std::move(*text);
  }
  if (const auto count = fields.Find("count")) metric.count = ReadCondition(*count, log);
}

}  // namespace

void ReadMetricsSection(const ValueRef& value, Draft& draft, ProblemLog& log) {
  const std::string form = "lowercase letters, digits and '_', starting with a letter, at most " +
                           std::to_string(kMaxMetricNameBytes) + " characters";
  draft.metrics_complete = ReadNamedEntries(value, "metric", IsMetricName, form, log,
                                            [&](const std::string& name, const ValueRef& entry) {
                                              // Kept even when some part is unreadable: that part
                                              // is reported, and a rule naming the metric should
                                              // not be told it does not exist.
                                              ReadMetric(entry, draft.settings.metrics[name], log);
                                            });
}

}  // namespace leadd::config
