// Flag parsing shared by leadctl's subcommands: "--name value" pairs and bare switches.
#pragma once

#include <map>
#include <optional>
#include <set>
#include <string>
#include <vector>

namespace leadd::cli {

struct ParsedArgs {
  std::vector<std::string> positional;
  std::map<std::string, std::string> values;  // "--from" -> "2026-12-01"
  std::set<std::string> switches;             // "--route"
};

// Every flag must be in `with_value` or `switches`, and at most once; nullopt (with `problem`
// set) otherwise.
inline std::optional<ParsedArgs> ParseArgs(const std::vector<std::string>& args,
                                           const std::set<std::string>& with_value,
                                           const std::set<std::string>& switches,
                                           std::string& problem) {
  ParsedArgs parsed;
  for (std::size_t i = 0; i < args.size(); ++i) {
    const std::string& arg = args[i];
    if (!arg.starts_with("--")) {
      parsed.positional.push_back(arg);
      continue;
    }
    const bool takes_value = with_value.contains(arg);
    if (!takes_value && !switches.contains(arg)) {
      problem = "unknown option " + arg;
      return std::nullopt;
    }
    if (parsed.values.contains(arg) || parsed.switches.contains(arg)) {
      problem = arg + " given twice";
      return std::nullopt;
    }
    if (!takes_value) {
      parsed.switches.insert(arg);
      continue;
    }
    if (i + 1 >= args.size()) {
      problem = arg + " needs a value";
      return std::nullopt;
    }
    parsed.values[arg] = args[++i];
  }
  return parsed;
}

}  // namespace leadd::cli
