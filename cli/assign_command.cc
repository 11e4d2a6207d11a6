#include "cli/assign_command.h"

#include "cli/admin_answers.h"
#include "cli/command_args.h"
#include "core/json_writer.h"
#include "core/lead.h"

namespace leadd::cli {

int RunAssignCommand(const AdminClient& client, const std::vector<std::string>& args,
                     std::ostream& out, std::ostream& err) {
  constexpr const char* kAssignUsage = "usage: leadctl leads assign LEAD REP --reason TEXT\n";
  std::string problem;
  const auto parsed = ParseArgs(args, {"--reason"}, {}, problem);
  if (!parsed || parsed->positional.size() != 3 || parsed->positional[0] != "assign" ||
      !parsed->values.contains("--reason")) {
    err << (problem.empty() ? "" : "leadctl: " + problem + "\n") << kAssignUsage;
    return kExitUsage;
  }
  const std::string& lead = parsed->positional[1];
  const std::string& rep = parsed->positional[2];
  // The id goes into the path as it is: only a lead id may.
  if (!IsLeadId(lead)) {
    err << "leadctl: '" << lead << "' is not a lead id (L-<digits>)\n";
    return kExitUsage;
  }
  JsonWriter body;
  body.BeginObject().Member("rep", rep).Member("reason", parsed->values.at("--reason"));
  body.EndObject();
  HttpAnswer answer;
  if (auto failed =
          CallAdmin(client, "POST", "/v1/leads/" + lead + "/assign", body.Text(), err, answer)) {
    return *failed;
  }
  simdjson::dom::parser parser;
  simdjson::dom::element root;
  if (parser.parse(answer.body).get(root)) {
    err << "leadctl: leadd's answer is not JSON: " << answer.body << "\n";
    return kExitRefused;
  }
  out << lead << " assigned to " << rep << " (assignment " << JsonText(root, "assignment_id")
      << "); the SLA runs from now\n";
  return 0;
}

}  // namespace leadd::cli
