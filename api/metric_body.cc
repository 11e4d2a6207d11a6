#include "api/metric_body.h"

#include <simdjson.h>

#include <algorithm>
#include <set>

#include "core/ascii.h"

namespace leadd::api {
namespace {

constexpr std::size_t kMaxRepIdBytes = 64;
// Longer than any window id ("2026-11-24"); anything longer is cut in the message.
constexpr std::size_t kMaxWindowBytes = 16;

// A name from the request, for a message: printable ASCII only, and short.
std::string Shown(std::string_view text) { return QuotedForMessage(text, kMaxRepIdBytes, '\''); }

Result<void> ReadValues(simdjson::dom::element element, MetricBody& body) {
  simdjson::dom::object values;
  if (element.get(values)) return Rejected("values must be an object of rep: number");
  if (values.size() > kMaxMetricValues) {
    return Rejected("values holds more than " + std::to_string(kMaxMetricValues) + " reps");
  }
  std::set<std::string_view> seen;  // views into the parser's document, alive until return
  for (const auto field : values) {
    if (field.key.empty() || field.key.size() > kMaxRepIdBytes) {
      return Rejected("values: " + Shown(field.key) + " is not a rep id");
    }
    if (!seen.insert(field.key).second) {
      return Rejected("values: rep " + Shown(field.key) + " appears twice");
    }
    double number = 0;
    if (!field.value.is_number() || field.value.get(number)) {
      return Rejected("values: the value of " + Shown(field.key) + " must be a number");
    }
    body.values.emplace_back(std::string(field.key), number);
  }
  return Ok();
}

}  // namespace

Result<MetricBody> ParseMetricBody(std::string_view text) {
  simdjson::dom::parser parser;
  simdjson::dom::element root;
  if (auto error = parser.parse(text.data(), text.size()).get(root); error) {
    return Rejected(std::string("body is not valid JSON: ") + simdjson::error_message(error));
  }
  simdjson::dom::object object;
  if (root.get(object)) return Rejected("body must be a JSON object");
  MetricBody body;
  std::set<std::string_view> seen;
  bool has_values = false;
  for (const auto field : object) {
    if (!seen.insert(field.key).second) {
      return Rejected("field " + Shown(field.key) + " appears twice");
    }
    if (field.key == "values") {
      LEADD_TRYV(ReadValues(field.value, body));
      has_values = true;
    } else if (field.key == "window") {
      std::string_view window;
      if (field.value.get(window)) return Rejected("window must be a string such as \"2026-W48\"");
      if (window.size() > kMaxWindowBytes)
        return Rejected("window " + Shown(window) + " is too long");
      body.window = std::string(window);
    } else if (field.key == "replace") {
      if (field.value.get(body.replace)) return Rejected("replace must be true or false");
    } else {
      return Rejected("unknown field " + Shown(field.key) +
                      "; expected window, values and replace");
    }
  }
  if (!has_values) return Rejected("values is required: an object of rep: number");
  return body;
}

Result<std::optional<std::string>> ParseMetricQuery(std::string_view query) {
  std::optional<std::string> window;
  while (!query.empty()) {
    const auto amp = query.find('&');
    const std::string_view pair = query.substr(0, amp);
    query = amp == std::string_view::npos ? std::string_view() : query.substr(amp + 1);
    if (pair.empty()) continue;
    constexpr std::string_view kWindow = "window=";
    if (!pair.starts_with(kWindow)) {
      return Rejected("unknown query parameter " + Shown(pair.substr(0, pair.find('='))) +
                      "; only window=ID is accepted");
    }
    if (window) return Rejected("window is given twice");
    // Window ids are digits, '-' and 'W', which need no percent-decoding. Anything else is
    // refused here, so what is echoed back in a later message is plain text.
    const std::string_view id = pair.substr(kWindow.size());
    const bool plain = std::all_of(id.begin(), id.end(), [](char c) {
      return (c >= '0' && c <= '9') || (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || c == '-';
    });
    if (id.empty() || id.size() > kMaxWindowBytes || !plain) {
      return Rejected("window " + Shown(id) + " is not a window id");
    }
    window = std::string(id);
  }
  return window;
}

}  // namespace leadd::api
