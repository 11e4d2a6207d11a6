#include "cli/lead_report.h"

#include <simdjson.h>

#include <chrono>
#include <ctime>
#include <sstream>

namespace leadd::cli {
namespace {

std::string Text(simdjson::dom::element element, std::string_view key) {
  std::string_view value;
  if (element[key].get(value)) return {};
  return std::string(value);
}

// Epoch milliseconds (as stored) to "2026-11-23 20:01:02Z".
std::string Timestamp(std::string_view millis_text) {
  long long millis = 0;
  try {
    millis = std::stoll(std::string(millis_text));
  } catch (const std::exception&) {
    return std::string(millis_text);
  }
  const auto seconds = static_cast<std::time_t>(millis / 1000);
  std::tm utc{};
  gmtime_r(&seconds, &utc);
  char buffer[32];
  std::strftime(buffer, sizeof(buffer), "%Y-%m-%d %H:%M:%SZ", &utc);
  return buffer;
}

void Line(std::ostringstream& out, std::string_view label, std::string_view value) {
  if (value.empty()) return;
  out << "  " << label;
  for (std::size_t i = label.size(); i < 14; ++i) out << ' ';
  out << value << "\n";
}

}  // namespace

Result<std::string> FormatLeadReport(std::string_view json) {
  simdjson::dom::parser parser;
  simdjson::dom::element root;
  if (parser.parse(json.data(), json.size()).get(root)) return Rejected("answer is not JSON");
  simdjson::dom::element lead;
  simdjson::dom::array history;
  if (root["lead"].get(lead) || root["history"].get(history)) {
    return Rejected("answer has no lead");
  }
  std::ostringstream out;
  out << "Lead " << Text(lead, "id") << "\n";
  Line(out, "state", Text(lead, "state"));
  Line(out, "assignee", Text(lead, "assignee"));
  if (auto rule = Text(lead, "rule"); !rule.empty()) {
    Line(out, "rule", rule + " (" + Text(lead, "strategy") + ")");
  }
  Line(out, "pool", Text(lead, "pool"));
  Line(out, "source", Text(lead, "source") + " / " + Text(lead, "channel"));
  Line(out, "external id", Text(lead, "external_id"));
  Line(out, "contact", Text(lead, "contact_name"));
  Line(out, "company", Text(lead, "company"));
  Line(out, "email", Text(lead, "email"));
  Line(out, "phone", Text(lead, "phone"));
  Line(out, "country", Text(lead, "country"));
  Line(out, "region", Text(lead, "region"));
  Line(out, "product", Text(lead, "product"));
  Line(out, "account", Text(lead, "account"));
  Line(out, "received by", Text(lead, "received_by"));
  Line(out, "value", Text(lead, "estimated_value"));
  if (auto received = Text(lead, "received_at"); !received.empty()) {
    Line(out, "received", Timestamp(received));
  }
  simdjson::dom::array trace;
  if (!lead["decision"]["trace"].get(trace) && trace.size() > 0) {
    out << "Decision\n";
    for (auto step : trace) {
      out << "  " << Text(step, "rule") << " [" << Text(step, "strategy")
          << "]: " << Text(step, "outcome") << "\n";
    }
  }
  out << "History\n";
  for (auto entry : history) {
    std::int64_t at = 0;
    if (entry["at"].get(at)) at = 0;
    out << "  " << Timestamp(std::to_string(at)) << "  " << Text(entry, "event");
    for (const char* key : {"rep", "rule", "pool", "by"}) {
      if (auto value = Text(entry, key); !value.empty()) out << "  " << key << "=" << value;
    }
    out << "\n";
  }
  return out.str();
}

}  // namespace leadd::cli
