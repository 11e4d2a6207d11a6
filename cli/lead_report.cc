#include "cli/lead_report.h"

#include <simdjson.h>

#include <chrono>
#include <ctime>
#include <sstream>
#include <string>
#include <vector>

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

// The body of GET /v1/leads/{id}: the lead and its history.
struct LeadAnswer {
  simdjson::dom::parser parser;
  simdjson::dom::element lead;
  simdjson::dom::array history;
};

Result<void> ParseAnswer(std::string_view json, LeadAnswer& answer) {
  simdjson::dom::element root;
  if (answer.parser.parse(json.data(), json.size()).get(root)) {
    return Rejected("answer is not JSON");
  }
  if (root["lead"].get(answer.lead) || root["history"].get(answer.history)) {
    return Rejected("answer has no lead");
  }
  return Ok();
}

}  // namespace

Result<std::string> FormatExplanation(std::string_view json) {
  LeadAnswer answer;
  LEADD_TRYV(ParseAnswer(json, answer));
  const auto lead = answer.lead;
  std::ostringstream out;
  const std::string id = Text(lead, "id");
  simdjson::dom::element decision;
  if (lead["decision"].get(decision)) {
    out << id << " has not been routed yet (state " << Text(lead, "state") << ")\n";
    return out.str();
  }
  const std::string rule = Text(decision, "rule");
  simdjson::dom::array candidates;
  std::vector<std::string> chosen;
  if (!decision["candidates"].get(candidates)) {
    for (auto candidate : candidates) {
      std::string_view rep;
      if (!candidate.get(rep)) chosen.emplace_back(rep);
    }
  }
  if (rule.empty()) {
    out << id << " was routed to nobody: no rule found a rep, so it waits in a pool\n";
  } else {
    out << id << " was routed by rule '" << rule << "' (" << Text(decision, "strategy") << ") to ";
    for (std::size_t i = 0; i < chosen.size(); ++i) out << (i == 0 ? "" : ", ") << chosen[i];
    out << (chosen.size() > 1 ? " (in turn: the next in the rotation took it)" : "") << "\n";
  }
  if (const auto grade = Text(decision, "grade"); !grade.empty()) {
    out << "Graded " << grade << ": " << Text(decision, "grade_reason") << "\n";
  }
  if (const auto holder = Text(lead, "assignee"); !holder.empty()) {
    out << "Now " << Text(lead, "state") << ", held by " << holder << "\n";
  }
  simdjson::dom::array trace;
  if (!decision["trace"].get(trace)) {
    out << "Rules, in order\n";
    int step_number = 0;
    for (auto step : trace) {
      out << "  " << ++step_number << ". " << Text(step, "rule") << " [" << Text(step, "strategy")
          << "]: " << Text(step, "outcome") << "\n";
    }
    bool any_skipped = false;
    for (auto step : trace) {
      simdjson::dom::array skipped;
      if (step["skipped"].get(skipped)) continue;
      for (auto skip : skipped) {
        if (!any_skipped) out << "Passed over\n";
        any_skipped = true;
        out << "  " << Text(skip, "rep") << " by " << Text(step, "rule") << ": "
            << Text(skip, "why") << "\n";
      }
    }
  }
  return out.str();
}

Result<std::string> FormatLeadReport(std::string_view json) {
  LeadAnswer answer;
  LEADD_TRYV(ParseAnswer(json, answer));
  const auto lead = answer.lead;
  const auto history = answer.history;
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
