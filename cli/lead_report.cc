#include "cli/lead_report.h"

#include <simdjson.h>

#include "cli/admin_answers.h"

#include <chrono>
#include <ctime>
#include <sstream>
#include <string>
#include <vector>

namespace leadd::cli {
namespace {

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

// A field of the lead as a rule's `when:` saw it.
std::string FieldSeen(simdjson::dom::element lead, std::string_view field) {
  if (field != "email_domain") return JsonText(lead, field);
  const std::string email = JsonText(lead, "email");
  const auto at = email.rfind('@');
  return at == std::string::npos ? std::string() : email.substr(at + 1);
}

// What one rule did with the lead: its outcome, or for a rule whose `when:` the lead did not
// meet, the test that settled it and the lead's value there.
std::string StepText(simdjson::dom::element step, simdjson::dom::element lead) {
  simdjson::dom::array passed;
  if (step.get(passed)) {
    return JsonText(step, "rule") + " [" + JsonText(step, "strategy") +
           "]: " + JsonText(step, "outcome");
  }
  std::string_view rule;
  std::string_view field;
  if (passed.size() != 2 || passed.at(0).get(rule) || passed.at(1).get(field)) {
    return "(a step this leadctl cannot read)";
  }
  const std::string not_met(field);
  std::string text = std::string(rule) + ": not for this lead (" + not_met;
  if (not_met == "match") return text + ": dedupe's finding)";
  return text + " '" + FieldSeen(lead, not_met) + "')";
}

}  // namespace

Result<std::string> FormatExplanation(std::string_view json) {
  LeadAnswer answer;
  LEADD_TRYV(ParseAnswer(json, answer));
  const auto lead = answer.lead;
  std::ostringstream out;
  const std::string id = JsonText(lead, "id");
  simdjson::dom::element decision;
  if (lead["decision"].get(decision)) {
    out << id << " has not been routed yet (state " << JsonText(lead, "state") << ")\n";
    return out.str();
  }
  const std::string rule = JsonText(decision, "rule");
  simdjson::dom::array candidates;
  std::vector<std::string> chosen;
  if (!decision["candidates"].get(candidates)) {
    for (auto candidate : candidates) {
      std::string_view rep;
      if (!candidate.get(rep)) chosen.emplace_back(rep);
    }
  }
  simdjson::dom::element offer;
  const bool handed_out = !decision["offer"].get(offer);
  const std::string mode = handed_out ? JsonText(offer, "mode") : std::string();
  if (rule.empty()) {
    out << id << " was routed to nobody: no rule found a rep, so it waits in a pool\n";
  } else {
    out << id << " was routed by rule '" << rule << "' (" << JsonText(decision, "strategy")
        << ") to ";
    for (std::size_t i = 0; i < chosen.size(); ++i) out << (i == 0 ? "" : ", ") << chosen[i];
    if (mode == "offer") {
      out << " (offered one at a time, " << JsonNumber(offer, "window_ms") / 1000
          << " s each, in this order)";
    } else if (mode == "race") {
      out << " (a race: offered to the first " << JsonNumber(offer, "to") << " with room at once, "
          << JsonNumber(offer, "window_ms") / 1000 << " s to take it)";
    } else if (mode == "pool_only") {
      out << " (published to pool " << JsonText(offer, "pool") << " for them to claim)";
    } else if (chosen.size() > 1) {
      out << " (in turn: the next in the rotation took it)";
    }
    out << "\n";
  }
  if (const auto grade = JsonText(decision, "grade"); !grade.empty()) {
    out << "Graded " << grade << ": " << JsonText(decision, "grade_reason") << "\n";
  }
  if (const auto holder = JsonText(lead, "assignee"); !holder.empty()) {
    out << "Now " << JsonText(lead, "state") << ", held by " << holder << "\n";
  }
  simdjson::dom::array trace;
  if (!decision["trace"].get(trace)) {
    out << "Rules, in order\n";
    int step_number = 0;
    for (auto step : trace) out << "  " << ++step_number << ". " << StepText(step, lead) << "\n";
    bool any_skipped = false;
    for (auto step : trace) {
      simdjson::dom::array skipped;
      if (!step.is_object() || step["skipped"].get(skipped)) continue;
      for (auto skip : skipped) {
        if (!any_skipped) out << "Passed over\n";
        any_skipped = true;
        out << "  " << JsonText(skip, "rep") << " by " << JsonText(step, "rule") << ": "
            << JsonText(skip, "why") << "\n";
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
  out << "Lead " << JsonText(lead, "id") << "\n";
  Line(out, "state", JsonText(lead, "state"));
  Line(out, "assignee", JsonText(lead, "assignee"));
  if (auto rule = JsonText(lead, "rule"); !rule.empty()) {
    Line(out, "rule", rule + " (" + JsonText(lead, "strategy") + ")");
  }
  Line(out, "pool", JsonText(lead, "pool"));
  Line(out, "source", JsonText(lead, "source") + " / " + JsonText(lead, "channel"));
  Line(out, "external id", JsonText(lead, "external_id"));
  Line(out, "contact", JsonText(lead, "contact_name"));
  Line(out, "company", JsonText(lead, "company"));
  Line(out, "email", JsonText(lead, "email"));
  Line(out, "phone", JsonText(lead, "phone"));
  Line(out, "country", JsonText(lead, "country"));
  Line(out, "region", JsonText(lead, "region"));
  Line(out, "city", JsonText(lead, "city"));
  Line(out, "street", JsonText(lead, "street"));
  Line(out, "postcode", JsonText(lead, "postcode"));
  Line(out, "product", JsonText(lead, "product"));
  Line(out, "account", JsonText(lead, "account"));
  Line(out, "received by", JsonText(lead, "received_by"));
  Line(out, "value", JsonText(lead, "estimated_value"));
  if (auto received = JsonText(lead, "received_at"); !received.empty()) {
    Line(out, "received", Timestamp(received));
  }
  simdjson::dom::array trace;
  if (!lead["decision"]["trace"].get(trace) && trace.size() > 0) {
    out << "Decision\n";
    for (auto step : trace) out << "  " << StepText(step, lead) << "\n";
  }
  out << "History\n";
  for (auto entry : history) {
    std::int64_t at = 0;
    if (entry["at"].get(at)) at = 0;
    out << "  " << Timestamp(std::to_string(at)) << "  " << JsonText(entry, "event");
    for (const char* key : {"rep", "rule", "pool", "by"}) {
      if (auto value = JsonText(entry, key); !value.empty()) out << "  " << key << "=" << value;
    }
    out << "\n";
  }
  return out.str();
}

}  // namespace leadd::cli
