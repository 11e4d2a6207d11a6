// Fuzz target: the JSON body of PUT /v1/metrics/{name} and the query of its GET.
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <set>
#include <string>
#include <string_view>

#include "api/metric_body.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view input(reinterpret_cast<const char*>(data), size);
  if (auto body = leadd::api::ParseMetricBody(input)) {
    // What the parser lets through is what the store may write: few enough finite numbers,
    // each rep once.
    const auto& values = body.value().values;
    if (values.size() > leadd::api::kMaxMetricValues) __builtin_trap();
    std::set<std::string_view> reps;
    for (const auto& value : values) {
      if (!std::isfinite(value.second) || value.first.empty() || !reps.insert(value.first).second) {
        __builtin_trap();
      }
    }
  } else if (body.error().code != leadd::Errc::kRejected || body.error().detail.empty()) {
    __builtin_trap();
  }
  if (auto window = leadd::api::ParseMetricQuery(input); window && window.value()) {
    if (window.value()->empty() || window.value()->find('&') != std::string::npos) {
      __builtin_trap();
    }
  }
  return 0;
}
