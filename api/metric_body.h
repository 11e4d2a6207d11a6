// The body and query of the metric routes: pure parsers, so every hostile input is tested (and
// fuzzed) without a server.
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "core/result.h"

namespace leadd::api {

// More values than any team has reps; the cap keeps one request's Redis write small.
inline constexpr std::size_t kMaxMetricValues = 10'000;

// PUT /v1/metrics/{name}: {"window"?: ID, "values": {REP: NUMBER, ...}, "replace"?: BOOL}.
struct MetricBody {
  std::optional<std::string> window;                   // absent: the current window
  std::vector<std::pair<std::string, double>> values;  // in body order, each rep once
  bool replace = false;
};

// Strict: one JSON object with only those keys, each once; `values` an object of finite
// numbers (JSON has no others) keyed by distinct, non-empty rep ids of at most 64 bytes, at most
// kMaxMetricValues of them; `window` a string; `replace` a boolean. Whether the window is of the
// metric's kind and the reps exist is the caller's to check. kRejected with a sentence.
Result<MetricBody> ParseMetricBody(std::string_view body);

// The query of GET /v1/metrics/{name} (the text after '?', possibly empty): at most one
// `window=ID`, nothing else. The window, or nullopt for the current one.
Result<std::optional<std::string>> ParseMetricQuery(std::string_view query);

}  // namespace leadd::api
