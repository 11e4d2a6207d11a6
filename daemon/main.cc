// leadd: the lead-routing daemon's entry point — argument parsing and the top-level catch.
#include <spdlog/spdlog.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <functional>
#include <iostream>
#include <iterator>
#include <optional>
#include <string>
#include <vector>

#include "config/load_config.h"
#include "daemon/app.h"
#include "daemon/coverage_command.h"
#include "daemon/logging.h"
#include "daemon/route_command.h"

namespace {

using namespace leadd;

constexpr const char* kUsage = R"(usage:
  leadd run --config FILE [--listen HOST:PORT] [--state-dir DIR]
  leadd check-config [--coverage] FILE
  leadd route --dry-run --config FILE [--format jsonl|csv|tsv] [--explain] [--json] LEADS|-
  leadd route --replay --since DURATION --config FILE [--explain] [--json]
  leadd --version

  run            start the daemon in the foreground (SIGTERM stops, SIGHUP reloads FILE)
  check-config   validate FILE, print every problem as file:line:column: message
  --coverage     then, for the week ahead, list the kinds of lead (source x place x grade,
                 from the values rules and reps name) and the hours for which no rep would be
                 eligible (absences and loads, which live in Redis, are not seen)
  --listen       override http.listen (e.g. 127.0.0.1:0 for a free port)
  --state-dir    override state_dir (embedded Redis data lives below it)
  route          route the leads of LEADS (- reads stdin) by FILE's rules, print where each
                 lands and a summary per rep, rule and source; exit 0 when the run completes,
                 1 when FILE, LEADS or Redis cannot be read, 2 on a usage error
  --dry-run      simulate owners, rotations and open leads in memory; nothing touches Redis
  --replay       route the leads that arrived in the last DURATION (--since 30d), read from
                 the audit stream of FILE's Redis, the same way; print only the leads that
                 would go to someone else, and per rep, rule and source the counts before
                 (what the daemon did) and after; Redis is read, never written
  --format       how LEADS is written, when its extension (.jsonl, .ndjson, .csv, .tsv) does
                 not say: JSON Lines as POST /v1/leads takes them, or CSV/TSV with a header row
  --explain      print every rule's reasoning under each lead
  --json         one JSON object per lead, then one with the summary (--replay: one object)
)";

config::LoadEnvironment EnvironmentFromProcess() {
  config::LoadEnvironment environment;
  if (const char* dir = std::getenv("CREDENTIALS_DIRECTORY"); dir != nullptr && *dir != '\0') {
    environment.credentials_directory = dir;
  }
  return environment;
}

// The config's problems on stderr, one a line; the settings when there were none.
std::optional<config::DaemonSettings> LoadReportingProblems(const std::string& path) {
  auto outcome = config::LoadConfigFile(path, EnvironmentFromProcess());
  for (const auto& problem : outcome.problems) std::cerr << config::FormatProblem(problem) << "\n";
  if (!outcome.settings) {
    std::cerr << outcome.problems.size() << " problem(s) in " << path << "\n";
  }
  return std::move(outcome.settings);
}

int CheckConfig(const std::string& path, bool coverage) {
  const auto settings = LoadReportingProblems(path);
  if (!settings) return 1;
  std::cout << path << ": OK\n";
  if (coverage) {
    daemon::PrintCoverage(router::CheckCoverage(*settings, std::chrono::system_clock::now()),
                          std::cout);
  }
  return 0;
}

struct RunArgs {
  std::string config;
  std::optional<std::string> listen;
  std::optional<std::string> state_dir;
};

std::optional<RunArgs> ParseRunArgs(const std::vector<std::string>& args) {
  RunArgs run;
  for (std::size_t i = 0; i < args.size(); ++i) {
    const auto& arg = args[i];
    const bool has_value = i + 1 < args.size();
    if (arg == "--config" && has_value) {
      run.config = args[++i];
    } else if (arg == "--listen" && has_value) {
      run.listen = args[++i];
    } else if (arg == "--state-dir" && has_value) {
      run.state_dir = args[++i];
    } else {
      std::cerr << "leadd: unexpected argument '" << arg << "'\n" << kUsage;
      return std::nullopt;
    }
  }
  if (run.config.empty()) {
    std::cerr << "leadd: run needs --config FILE\n" << kUsage;
    return std::nullopt;
  }
  return run;
}

int Run(const RunArgs& args) {
  const auto environment = EnvironmentFromProcess();
  auto outcome = config::LoadConfigFile(args.config, environment);
  const bool to_journald = std::getenv("JOURNAL_STREAM") != nullptr;
  daemon::SetUpLogging(outcome.settings ? outcome.settings->log : config::LogSettings{},
                       to_journald);
  if (!outcome.settings) {
    auto log = daemon::ModuleLogger("config");
    for (const auto& problem : outcome.problems) {
      log->critical("config.problem {}", config::FormatProblem(problem));
    }
    return daemon::kExitConfig;
  }
  auto settings = std::move(*outcome.settings);
  if (args.listen) settings.http.listen = *args.listen;
  if (args.state_dir) settings.state_dir = *args.state_dir;
  return daemon::RunDaemon(std::move(settings), args.config, environment);
}

}  // namespace

int main(int argc, char** argv) {
  const std::vector<std::string> args(argv + 1, argv + argc);
  try {
    if (args.empty() || args[0] == "--help" || args[0] == "-h") {
      std::cout << kUsage;
      return args.empty() ? daemon::kExitUsage : 0;
    }
    if (args[0] == "--version") {
      std::cout << "leadd " << LEADD_VERSION << "\n";
      return 0;
    }
    if (args[0] == "check-config") {
      const bool coverage = args.size() == 3 && args[1] == "--coverage";
      if (args.size() != (coverage ? 3 : 2)) {
        std::cerr << kUsage;
        return daemon::kExitUsage;
      }
      return CheckConfig(args.back(), coverage);
    }
    if (args[0] == "route") {
      return daemon::RunRouteCommand(std::vector<std::string>(args.begin() + 1, args.end()), kUsage,
                                     LoadReportingProblems);
    }
    const bool explicit_run = args[0] == "run";
    const auto run =
        ParseRunArgs(std::vector<std::string>(args.begin() + (explicit_run ? 1 : 0), args.end()));
    if (!run) return daemon::kExitUsage;
    return Run(*run);
  } catch (const std::exception& e) {
    // The one top-level catch: an exception here is a bug; systemd restarts us, state is in Redis.
    spdlog::critical("daemon.crashed error=\"{}\"", e.what());
    return daemon::kExitSoftware;
  }
}
