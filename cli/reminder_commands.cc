#include "cli/reminder_commands.h"

#include <simdjson.h>

#include <sstream>

#include "cli/admin_answers.h"
#include "cli/command_args.h"
#include "core/json_writer.h"

namespace leadd::cli {
namespace {

constexpr const char* kReminderUsage = R"(usage:
  leadctl reminders add LEAD --kind reorder|cadence [--product P] [--every 30d] --ahead 3d
                             --first DATE
  leadctl reminders list LEAD [--json]
  leadctl reminders remove REMINDER_ID
)";

int Usage(std::ostream& err, std::string_view problem) {
  if (!problem.empty()) err << "leadctl: " << problem << "\n";
  err << kReminderUsage;
  return kExitUsage;
}

bool PathSafe(std::string_view id) { return id.find_first_of("/?#% ") == std::string_view::npos; }

}  // namespace

Result<std::string> FormatReminderList(std::string_view json) {
  simdjson::dom::parser parser;
  simdjson::dom::element root;
  if (parser.parse(json.data(), json.size()).get(root)) return Rejected("answer is not JSON");
  simdjson::dom::array reminders;
  if (root["reminders"].get(reminders)) return Rejected("answer has no reminders");
  std::ostringstream out;
  if (reminders.size() == 0) {
    out << "no reminders on " << JsonText(root, "lead") << "\n";
    return out.str();
  }
  for (auto reminder : reminders) {
    out << JsonText(reminder, "id") << "  " << JsonText(reminder, "kind");
    if (auto product = JsonText(reminder, "product"); !product.empty()) out << " " << product;
    out << "  every " << JsonText(reminder, "every") << ", " << JsonText(reminder, "ahead")
        << " ahead  next " << JsonText(reminder, "next_at") << "  by "
        << JsonText(reminder, "created_by") << "\n";
  }
  return out.str();
}

int RunReminderCommand(const AdminClient& client, const std::vector<std::string>& args,
                       std::ostream& out, std::ostream& err) {
  std::string problem;
  const auto parsed = ParseArgs(args, {"--kind", "--product", "--every", "--ahead", "--first"},
                                {"--json"}, problem);
  if (!parsed) return Usage(err, problem);
  if (parsed->positional.size() != 2) return Usage(err, "");
  const std::string& verb = parsed->positional[0];
  const std::string& id = parsed->positional[1];
  if (!PathSafe(id)) return Usage(err, "not an id: " + id);
  HttpAnswer answer;
  if (verb == "add") {
    for (const char* flag : {"--kind", "--ahead", "--first"}) {
      if (!parsed->values.contains(flag)) return Usage(err, std::string(flag) + " is required");
    }
    JsonWriter body;
    body.BeginObject();
    for (const char* flag : {"--kind", "--product", "--every", "--ahead", "--first"}) {
      const auto found = parsed->values.find(flag);
      if (found != parsed->values.end())
        body.Member(std::string_view(flag).substr(2), found->second);
    }
    body.EndObject();
    if (auto failed = CallAdmin(client, "POST", "/v1/leads/" + id + "/reminders", body.Text(), err,
                                answer, 201)) {
      return *failed;
    }
    simdjson::dom::parser parser;
    simdjson::dom::element root;
    if (parser.parse(answer.body).get(root)) return kExitRefused;
    out << "added " << JsonText(root, "id") << " on " << id << ": " << JsonText(root, "kind")
        << " every " << JsonText(root, "every") << ", " << JsonText(root, "ahead")
        << " ahead, next " << JsonText(root, "next_at") << "\n";
    return 0;
  }
  if (verb == "list") {
    if (auto failed =
            CallAdmin(client, "GET", "/v1/leads/" + id + "/reminders", "", err, answer, 200)) {
      return *failed;
    }
    if (parsed->switches.contains("--json")) {
      out << answer.body << "\n";
      return 0;
    }
    auto listed = FormatReminderList(answer.body);
    if (!listed) {
      err << "leadctl: " << listed.error().detail << "\n";
      return kExitRefused;
    }
    out << listed.value();
    return 0;
  }
  if (verb == "remove") {
    if (auto failed = CallAdmin(client, "DELETE", "/v1/reminders/" + id, "", err, answer, 200)) {
      return *failed;
    }
    out << "removed " << id << "\n";
    return 0;
  }
  return Usage(err, "unknown command reminders " + verb);
}

}  // namespace leadd::cli
