// leadctl: the admin's command line for a running leadd.
#include <cstdlib>
#include <iostream>
#include <optional>
#include <string>
#include <vector>

#include "cli/admin_client.h"
#include "cli/assign_command.h"
#include "cli/lead_report.h"
#include "cli/metric_commands.h"
#include "cli/owner_commands.h"
#include "cli/reminder_commands.h"
#include "cli/rep_commands.h"
#include "cli/report_commands.h"
#include "config/load_config.h"

namespace {

using namespace leadd;

constexpr const char* kUsage = R"(usage: leadctl [--config FILE] COMMAND

  leads show LEAD_ID [--json]   the lead, its routing decision and history
  leads assign LEAD_ID REP --reason TEXT
                                the lead goes to REP now, from a pool or from another rep
  explain LEAD_ID               why the router sent the lead where it went, rule by rule
  rep show REP [--json]         a rep's absence, open leads and customers
  rep away REP --from DATE --to DATE --delegate REP2
                                REP2 acts for REP meanwhile (dates or RFC 3339 times)
  rep back REP                  ends REP's absence now
  rep offboard REP (--to REP2 | --route)
                                REP leaves: leads and customers go to REP2 (or open leads
                                back to routing); safe to run again
  reminders add LEAD --kind reorder|cadence [--product P] [--every 30d] --ahead 3d
                --first DATE    a recurring reminder to the lead's holder
  reminders list LEAD [--json]
  reminders remove REMINDER_ID
  report distribution --since 30d [--until 7d] [--json]
                                who got which leads in the window, and how (routed by
                                rule, given by an admin, claimed, bounced), per source
  report shadow --since 7d [--until 1d] [--json]
                                where the shadow rules would have sent the window's leads,
                                against where the live rules did (admin only)
  metric show NAME [--window ID] [--json]
                                a metric's values in the current window (or ID), ranked
  metric set NAME REP=VALUE... [--window ID] [--replace]
                                writes values; --replace drops the reps not given
  owners import FILE [--map FIELD=COLUMN]... [--rep REP] [--delimiter ,|tab]
                [--source TEXT] [--batch N] [--report FILE] [--quiet]
                                registers a CRM export's customers with their reps; the
                                first registration of a customer wins, later claimants are
                                listed in the report (default FILE.import-report.csv)

  --config FILE   leadd's config, for the address and admin token
                  (default: $LEADD_CONFIG, else /etc/leadd/leadd.yaml)
)";

constexpr int kExitUsage = 64;
constexpr int kExitUnavailable = 69;
constexpr int kExitConfig = 78;

std::string BaseUrl(const std::string& listen) {
  // A daemon bound to every address is reached on loopback.
  std::string address = listen;
  if (address.starts_with("0.0.0.0:")) address.replace(0, 7, "127.0.0.1");
  if (address.starts_with("[::]:")) address.replace(0, 4, "[::1]");
  return "http://" + address;
}

}  // namespace

int main(int argc, char** argv) {
  std::vector<std::string> args(argv + 1, argv + argc);
  std::string config_path = "/etc/leadd/leadd.yaml";
  if (const char* env = std::getenv("LEADD_CONFIG"); env != nullptr && *env != '\0') {
    config_path = env;
  }
  if (args.size() >= 2 && args[0] == "--config") {
    config_path = args[1];
    args.erase(args.begin(), args.begin() + 2);
  }
  const bool assign = args.size() >= 2 && args[0] == "leads" && args[1] == "assign";
  const bool people = assign || (!args.empty() && (args[0] == "rep" || args[0] == "reminders" ||
                                                   args[0] == "metric" || args[0] == "report" ||
                                                   args[0] == "owners"));
  const bool as_json = !people && !args.empty() && args.back() == "--json";
  if (as_json) args.pop_back();
  const bool explain = !people && args.size() == 2 && args[0] == "explain" && !as_json;
  if (explain) args.insert(args.begin() + 1, "show");  // the same answer, another page
  if (!people && (args.size() != 3 || (args[0] != "leads" && !explain) || args[1] != "show")) {
    std::cerr << kUsage;
    return kExitUsage;
  }

  config::LoadEnvironment environment;
  if (const char* dir = std::getenv("CREDENTIALS_DIRECTORY"); dir != nullptr && *dir != '\0') {
    environment.credentials_directory = dir;
  }
  const auto outcome = config::LoadConfigFile(config_path, environment);
  if (!outcome.settings) {
    for (const auto& problem : outcome.problems) {
      std::cerr << config::FormatProblem(problem) << "\n";
    }
    return kExitConfig;
  }
  const auto& http = outcome.settings->http;
  const cli::AdminClient client(BaseUrl(http.listen), http.admin_token);
  if (people) {
    const std::vector<std::string> rest(args.begin() + 1, args.end());
    if (assign) return cli::RunAssignCommand(client, rest, std::cout, std::cerr);
    if (args[0] == "metric") return cli::RunMetricCommand(client, rest, std::cout, std::cerr);
    if (args[0] == "report") return cli::RunReportCommand(client, rest, std::cout, std::cerr);
    if (args[0] == "owners") return cli::RunOwnersCommand(client, rest, std::cout, std::cerr);
    return args[0] == "rep" ? cli::RunRepCommand(client, rest, std::cout, std::cerr)
                            : cli::RunReminderCommand(client, rest, std::cout, std::cerr);
  }
  auto answer = client.Get("/v1/leads/" + args[2]);
  if (!answer) {
    std::cerr << "leadctl: " << answer.error().detail << "\n";
    return kExitUnavailable;
  }
  if (answer.value().status == 404) {
    std::cerr << "leadctl: no lead " << args[2] << "\n";
    return 1;
  }
  if (answer.value().status != 200) {
    std::cerr << "leadctl: leadd answered " << answer.value().status << ": " << answer.value().body
              << "\n";
    return 1;
  }
  if (as_json) {
    std::cout << answer.value().body << "\n";
    return 0;
  }
  auto report = explain ? cli::FormatExplanation(answer.value().body)
                        : cli::FormatLeadReport(answer.value().body);
  if (!report) {
    std::cerr << "leadctl: " << report.error().detail << "\n";
    return 1;
  }
  std::cout << report.value();
  return 0;
}
