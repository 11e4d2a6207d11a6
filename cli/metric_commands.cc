#include "cli/metric_commands.h"

#include <simdjson.h>

#include <algorithm>
#include <charconv>
#include <cmath>
#include <cstdint>
#include <iomanip>
#include <set>
#include <sstream>
#include <utility>

#include "cli/admin_answers.h"
#include "cli/command_args.h"
#include "core/json_writer.h"

namespace leadd::cli {
namespace {

constexpr const char* kMetricUsage = R"(usage:
  leadctl metric show NAME [--window ID] [--json]
  leadctl metric set NAME REP=VALUE... [--window ID] [--replace]
)";

int Usage(std::ostream& err, std::string_view problem) {
  if (!problem.empty()) err << "leadctl: " << problem << "\n";
  err << kMetricUsage;
  return kExitUsage;
}

// The shortest text that reads back as the same double; it is also a JSON number.
std::string Number(double value) {
  char text[32];
  const auto result = std::to_chars(text, text + sizeof text, value);
  return std::string(text, result.ptr);
}

// Metric names and window ids go into the path and query as they are.
bool PathSafe(std::string_view text) {
  return !text.empty() && text.find_first_of("/?#%& ") == std::string_view::npos;
}

}  // namespace

Result<std::string> MetricSetBody(const std::vector<std::string>& assignments,
                                  const std::optional<std::string>& window, bool replace) {
  JsonWriter body;
  body.BeginObject();
  if (window) body.Member("window", *window);
  body.Key("values").BeginObject();
  std::set<std::string_view> seen;
  for (const std::string& assignment : assignments) {
    const auto equals = assignment.find('=');
    if (equals == std::string::npos || equals == 0) {
      return Rejected("expected REP=VALUE, got " + assignment);
    }
    const std::string_view rep = std::string_view(assignment).substr(0, equals);
    const std::string_view text = std::string_view(assignment).substr(equals + 1);
    double value = 0;
    const auto parsed = std::from_chars(text.data(), text.data() + text.size(), value);
    if (text.empty() || parsed.ec != std::errc() || parsed.ptr != text.data() + text.size() ||
        !std::isfinite(value)) {
      return Rejected("the value of " + std::string(rep) +
                      " is not a number: " + std::string(text));
    }
    if (!seen.insert(rep).second) return Rejected(std::string(rep) + " is given twice");
    body.Key(rep).RawJson(Number(value));
  }
  body.EndObject();
  if (replace) body.Key("replace").Bool(true);
  body.EndObject();
  return body.Text();
}

Result<std::string> FormatMetricValues(std::string_view json) {
  simdjson::dom::parser parser;
  simdjson::dom::element root;
  if (parser.parse(json.data(), json.size()).get(root)) return Rejected("answer is not JSON");
  simdjson::dom::object values;
  if (root["values"].get(values)) return Rejected("answer has no values");
  std::vector<std::pair<std::string, double>> ranked;
  for (const auto field : values) {
    double value = 0;
    if (field.value.get(value)) return Rejected("answer holds a value that is not a number");
    ranked.emplace_back(std::string(field.key), value);
  }
  std::stable_sort(ranked.begin(), ranked.end(),
                   [](const auto& a, const auto& b) { return a.second > b.second; });
  std::ostringstream out;
  out << JsonText(root, "metric") << "  " << JsonText(root, "window") << "\n";
  if (ranked.empty()) {
    out << "  no values\n";
    return out.str();
  }
  std::size_t width = 0;
  for (const auto& entry : ranked) width = std::max(width, entry.first.size());
  std::size_t rank = 0;
  for (std::size_t i = 0; i < ranked.size(); ++i) {
    if (i == 0 || ranked[i].second != ranked[i - 1].second) rank = i + 1;
    out << std::setw(4) << rank << "  " << std::left << std::setw(static_cast<int>(width))
        << ranked[i].first << std::right << "  " << Number(ranked[i].second) << "\n";
  }
  return out.str();
}

int RunMetricCommand(const AdminClient& client, const std::vector<std::string>& args,
                     std::ostream& out, std::ostream& err) {
  std::string problem;
  const auto parsed = ParseArgs(args, {"--window"}, {"--json", "--replace"}, problem);
  if (!parsed) return Usage(err, problem);
  if (parsed->positional.size() < 2) return Usage(err, "");
  const std::string& verb = parsed->positional[0];
  const std::string& name = parsed->positional[1];
  if (!PathSafe(name)) return Usage(err, "not a metric name: " + name);
  std::optional<std::string> window;
  if (const auto found = parsed->values.find("--window"); found != parsed->values.end()) {
    if (!PathSafe(found->second)) return Usage(err, "not a window id: " + found->second);
    window = found->second;
  }
  const std::string path = "/v1/metrics/" + name;
  HttpAnswer answer;
  if (verb == "show") {
    if (parsed->positional.size() != 2 || parsed->switches.contains("--replace")) {
      return Usage(err, "");
    }
    const std::string target = window ? path + "?window=" + *window : path;
    if (auto failed = CallAdmin(client, "GET", target, "", err, answer)) return *failed;
    if (parsed->switches.contains("--json")) {
      out << answer.body << "\n";
      return 0;
    }
    auto shown = FormatMetricValues(answer.body);
    if (!shown) {
      err << "leadctl: " << shown.error().detail << "\n";
      return kExitRefused;
    }
    out << shown.value();
    return 0;
  }
  if (verb == "set") {
    if (parsed->positional.size() < 3 || parsed->switches.contains("--json")) {
      return Usage(err, parsed->positional.size() < 3 ? "give at least one REP=VALUE" : "");
    }
    const std::vector<std::string> assignments(parsed->positional.begin() + 2,
                                               parsed->positional.end());
    const bool replace = parsed->switches.contains("--replace");
    auto body = MetricSetBody(assignments, window, replace);
    if (!body) return Usage(err, body.error().detail);
    if (auto failed = CallAdmin(client, "PUT", path, body.value(), err, answer)) return *failed;
    simdjson::dom::parser parser;
    simdjson::dom::element root;
    std::int64_t written = 0;
    if (parser.parse(answer.body).get(root) || root["written"].get(written)) return kExitRefused;
    out << (replace ? "replaced " : "set ") << name << " for " << JsonText(root, "window") << ": "
        << written << (written == 1 ? " value" : " values") << "\n";
    return 0;
  }
  return Usage(err, "unknown command metric " + verb);
}

}  // namespace leadd::cli
