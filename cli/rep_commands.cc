#include "cli/rep_commands.h"

#include <simdjson.h>

#include <sstream>

#include "cli/admin_answers.h"
#include "cli/command_args.h"
#include "core/json_writer.h"

namespace leadd::cli {
namespace {

// A departure of any size ends well before this; the cap only stops a loop that a bug would
// make endless.
constexpr int kMaxOffboardRounds = 100'000;

constexpr const char* kRepUsage = R"(usage:
  leadctl rep away REP --from DATE --to DATE --delegate REP2
  leadctl rep back REP
  leadctl rep show REP [--json]
  leadctl rep offboard REP (--to REP2 | --route)
)";

int Usage(std::ostream& err, std::string_view problem) {
  if (!problem.empty()) err << "leadctl: " << problem << "\n";
  err << kRepUsage;
  return kExitUsage;
}

int Away(const AdminClient& client, const ParsedArgs& parsed, std::ostream& out,
         std::ostream& err) {
  for (const char* flag : {"--from", "--to", "--delegate"}) {
    if (!parsed.values.contains(flag)) return Usage(err, std::string(flag) + " is required");
  }
  const std::string& rep = parsed.positional.at(1);
  JsonWriter body;
  body.BeginObject().Member("from", parsed.values.at("--from"));
  body.Member("to", parsed.values.at("--to")).Member("delegate", parsed.values.at("--delegate"));
  body.EndObject();
  HttpAnswer answer;
  if (auto failed =
          CallAdmin(client, "POST", "/v1/reps/" + rep + "/away", body.Text(), err, answer)) {
    return *failed;
  }
  simdjson::dom::parser parser;
  simdjson::dom::element root;
  if (parser.parse(answer.body).get(root)) return kExitRefused;
  simdjson::dom::element absence;
  if (root["absence"].get(absence)) return kExitRefused;
  out << rep << " is away from " << JsonText(absence, "from") << " to " << JsonText(absence, "to")
      << "; " << JsonText(absence, "delegate") << " acts for them\n";
  return 0;
}

int Back(const AdminClient& client, const std::string& rep, std::ostream& out, std::ostream& err) {
  HttpAnswer answer;
  if (auto failed = CallAdmin(client, "DELETE", "/v1/reps/" + rep + "/away", "", err, answer)) {
    return *failed;
  }
  const bool was_away = answer.body.find("\"was_away\":true") != std::string::npos;
  out << rep << (was_away ? " is back\n" : " was not away\n");
  return 0;
}

int Show(const AdminClient& client, const std::string& rep, bool as_json, std::ostream& out,
         std::ostream& err) {
  HttpAnswer answer;
  if (auto failed = CallAdmin(client, "GET", "/v1/reps/" + rep, "", err, answer)) return *failed;
  if (as_json) {
    out << answer.body << "\n";
    return 0;
  }
  auto report = FormatRepReport(answer.body);
  if (!report) {
    err << "leadctl: " << report.error().detail << "\n";
    return kExitRefused;
  }
  out << report.value();
  return 0;
}

int Offboard(const AdminClient& client, const ParsedArgs& parsed, std::ostream& out,
             std::ostream& err) {
  const std::string& rep = parsed.positional.at(1);
  const bool route = parsed.switches.contains("--route");
  const auto to = parsed.values.find("--to");
  if (route == (to != parsed.values.end())) return Usage(err, "give one of --to REP2 and --route");
  JsonWriter body;
  body.BeginObject();
  if (route) {
    body.Member("route", "true");
  } else {
    body.Member("to", to->second);
  }
  body.EndObject();
  const std::string target = route ? std::string("routing") : to->second;
  out << "offboarding " << rep << ": handing everything over to " << target << "\n";
  OffboardRound total;
  for (int round = 0; round < kMaxOffboardRounds; ++round) {
    HttpAnswer answer;
    if (auto failed =
            CallAdmin(client, "POST", "/v1/reps/" + rep + "/offboard", body.Text(), err, answer)) {
      return *failed;
    }
    auto parsed_round = ParseOffboardAnswer(answer.body);
    if (!parsed_round) {
      err << "leadctl: " << parsed_round.error().detail << "\n";
      return kExitRefused;
    }
    const OffboardRound& step = parsed_round.value();
    total.direct += step.direct;
    total.phone += step.phone;
    total.in_person += step.in_person;
    total.requeued += step.requeued;
    total.closed_leads += step.closed_leads;
    total.customers += step.customers;
    total.skipped += step.skipped;
    total.open_left = step.open_left;
    total.closed_left = step.closed_left;
    total.customers_left = step.customers_left;
    total.done = step.done;
    out << "  moved " << step.Moved() << " leads and " << step.customers
        << " customers; left: " << step.open_left << " open leads, " << step.closed_left
        << " closed leads, " << step.customers_left << " customers\n";
    if (step.done) break;
    if (step.Moved() == 0 && step.customers == 0) {
      err << "leadctl: offboarding " << rep << " made no progress (" << step.skipped
          << " leads could not be moved); run it again, or see leadd's log\n";
      return kExitRefused;
    }
  }
  out << OffboardSummary(rep, route ? std::string_view() : std::string_view(to->second), total);
  return 0;
}

}  // namespace

Result<std::string> FormatRepReport(std::string_view json) {
  simdjson::dom::parser parser;
  simdjson::dom::element root;
  if (parser.parse(json.data(), json.size()).get(root)) return Rejected("answer is not JSON");
  if (JsonText(root, "rep").empty()) return Rejected("answer has no rep");
  std::ostringstream out;
  out << "Rep " << JsonText(root, "rep") << "\n";
  bool departed = false;
  if (!root["departed"].get(departed) && departed) out << "  departed\n";
  simdjson::dom::element absence;
  if (!root["absence"].get(absence)) {
    out << "  away          " << JsonText(absence, "from") << " to " << JsonText(absence, "to")
        << ", delegate " << JsonText(absence, "delegate") << "\n";
  }
  out << "  open leads    " << JsonNumber(root, "open") << "\n";
  out << "  closed leads  " << JsonNumber(root, "closed") << "\n";
  out << "  customers     " << JsonNumber(root, "customers") << "\n";
  return out.str();
}

Result<OffboardRound> ParseOffboardAnswer(std::string_view json) {
  simdjson::dom::parser parser;
  simdjson::dom::element root;
  if (parser.parse(json.data(), json.size()).get(root)) return Rejected("answer is not JSON");
  simdjson::dom::element moved;
  simdjson::dom::element left;
  bool done = false;
  if (root["moved"].get(moved) || root["left"].get(left) || root["done"].get(done)) {
    return Rejected("answer is not an offboard report");
  }
  OffboardRound round;
  round.direct = JsonNumber(moved, "direct");
  round.phone = JsonNumber(moved, "phone");
  round.in_person = JsonNumber(moved, "in_person");
  round.requeued = JsonNumber(root, "requeued");
  round.closed_leads = JsonNumber(root, "closed_leads");
  round.customers = JsonNumber(root, "customers");
  round.skipped = JsonNumber(root, "skipped");
  round.open_left = JsonNumber(left, "open");
  round.closed_left = JsonNumber(left, "closed");
  round.customers_left = JsonNumber(left, "customers");
  round.done = done;
  return round;
}

std::string OffboardSummary(std::string_view rep, std::string_view to, const OffboardRound& total) {
  std::ostringstream out;
  if (to.empty()) {
    out << rep << " offboarded: " << total.requeued << " open leads re-queued for routing, "
        << total.customers << " customers released with them\n";
    return out.str();
  }
  out << rep << " offboarded to " << to << ": " << total.direct + total.phone + total.in_person
      << " open leads (direct " << total.direct << ", phone " << total.phone << ", in_person "
      << total.in_person << "), " << total.closed_leads << " closed leads, " << total.customers
      << " customers\n";
  return out.str();
}

int RunRepCommand(const AdminClient& client, const std::vector<std::string>& args,
                  std::ostream& out, std::ostream& err) {
  std::string problem;
  const auto parsed =
      ParseArgs(args, {"--from", "--to", "--delegate"}, {"--route", "--json"}, problem);
  if (!parsed) return Usage(err, problem);
  if (parsed->positional.size() != 2) return Usage(err, "");
  const std::string& verb = parsed->positional[0];
  const std::string& rep = parsed->positional[1];
  // The rep goes into a path: keep it to what a rep id may hold.
  if (rep.find_first_of("/?#% ") != std::string::npos) return Usage(err, "not a rep id: " + rep);
  if (verb == "away") return Away(client, *parsed, out, err);
  if (verb == "back") return Back(client, rep, out, err);
  if (verb == "show") return Show(client, rep, parsed->switches.contains("--json"), out, err);
  if (verb == "offboard") return Offboard(client, *parsed, out, err);
  return Usage(err, "unknown command rep " + verb);
}

}  // namespace leadd::cli
