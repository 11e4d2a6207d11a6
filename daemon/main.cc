// leadd: the lead-routing daemon's entry point — argument parsing and the top-level catch.
#include <spdlog/spdlog.h>

#include <cstdlib>
#include <iostream>
#include <optional>
#include <string>
#include <vector>

#include "config/load_config.h"
#include "daemon/app.h"
#include "daemon/logging.h"

namespace {

using namespace leadd;

constexpr const char* kUsage = R"(usage:
  leadd run --config FILE [--listen HOST:PORT] [--state-dir DIR]
  leadd check-config FILE
  leadd --version

  run            start the daemon in the foreground (SIGTERM stops, SIGHUP reloads FILE)
  check-config   validate FILE, print every problem as file:line:column: message
  --listen       override http.listen (e.g. 127.0.0.1:0 for a free port)
  --state-dir    override state_dir (embedded Redis data lives below it)
)";

config::LoadEnvironment EnvironmentFromProcess() {
  config::LoadEnvironment environment;
  if (const char* dir = std::getenv("CREDENTIALS_DIRECTORY"); dir != nullptr && *dir != '\0') {
    environment.credentials_directory = dir;
  }
  return environment;
}

int CheckConfig(const std::string& path) {
  const auto outcome = config::LoadConfigFile(path, EnvironmentFromProcess());
  for (const auto& problem : outcome.problems) std::cerr << config::FormatProblem(problem) << "\n";
  if (!outcome.settings) {
    std::cerr << outcome.problems.size() << " problem(s) in " << path << "\n";
    return 1;
  }
  std::cout << path << ": OK\n";
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
      if (args.size() != 2) {
        std::cerr << kUsage;
        return daemon::kExitUsage;
      }
      return CheckConfig(args[1]);
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
