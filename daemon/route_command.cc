#include "daemon/route_command.h"

#include <algorithm>
#include <cstdio>
#include <iostream>
#include <iterator>

#include "config/small_file.h"
#include "connectors/lead_csv.h"
#include "connectors/web_form/lead_json.h"
#include "core/json_writer.h"
#include "router/dry_run.h"

namespace leadd::daemon {
namespace {

// `leadd route` has exit codes of its own, those of a command-line tool.
constexpr int kRouteExitCannotStart = 1;
constexpr int kRouteExitUsage = 2;
// A dry run holds its leads file in memory.
constexpr std::size_t kMaxLeadsFileBytes = std::size_t{1} << 30;

enum class LeadsFormat { kJsonLines, kCsv, kTsv };

struct RouteArgs {
  std::string config;
  std::string leads;  // a path, or "-" for stdin
  LeadsFormat format = LeadsFormat::kJsonLines;
  bool explain = false;
  bool json = false;
};

std::optional<LeadsFormat> FormatNamed(std::string_view name) {
  if (name == "jsonl" || name == "ndjson") return LeadsFormat::kJsonLines;
  if (name == "csv") return LeadsFormat::kCsv;
  if (name == "tsv") return LeadsFormat::kTsv;
  return std::nullopt;
}

std::optional<RouteArgs> ParseRouteArgs(const std::vector<std::string>& args,
                                        std::string_view usage) {
  RouteArgs route;
  bool dry_run = false;
  std::optional<std::string> format_name;
  std::optional<std::string> leads;
  const auto refuse = [usage](const std::string& why) {
    std::cerr << "leadd route: " << why << "\n" << usage;
    return std::nullopt;
  };
  for (std::size_t i = 0; i < args.size(); ++i) {
    const auto& arg = args[i];
    const bool has_value = i + 1 < args.size();
    if (arg == "--dry-run") {
      dry_run = true;
    } else if (arg == "--explain") {
      route.explain = true;
    } else if (arg == "--json") {
      route.json = true;
    } else if (arg == "--config" && has_value) {
      route.config = args[++i];
    } else if (arg == "--format" && has_value) {
      format_name = args[++i];
    } else if ((arg == "-" || !arg.starts_with("-")) && !leads) {
      leads = arg;
    } else {
      return refuse("unexpected argument '" + arg + "'");
    }
  }
  if (!dry_run) {
    return refuse("only --dry-run is built: replaying leads into the live state is future work");
  }
  if (route.config.empty()) return refuse("--config FILE is required");
  if (!leads) return refuse("name the leads file, or - for stdin");
  route.leads = *leads;
  if (!format_name) {
    if (route.leads == "-") return refuse("reading stdin needs --format jsonl|csv|tsv");
    const auto dot = route.leads.rfind('.');
    format_name = dot == std::string::npos ? "" : route.leads.substr(dot + 1);
    if (!FormatNamed(*format_name)) {
      return refuse("cannot tell the format of '" + route.leads +
                    "' from its extension; pass --format jsonl|csv|tsv");
    }
  }
  const auto format = FormatNamed(*format_name);
  if (!format) return refuse("unknown format '" + *format_name + "': jsonl, csv or tsv");
  route.format = *format;
  return route;
}

using LeadSink = std::function<void(std::size_t line, Result<Lead> lead)>;

// Hands every lead of the text to `sink` with the line it starts on, or why it was refused;
// an error when the file as a whole is unusable (a CSV without a valid header).
Result<void> ForEachLead(std::string_view text, LeadsFormat format, const LeadSink& sink) {
  const WallTime now = std::chrono::system_clock::now();
  if (format != LeadsFormat::kJsonLines) {
    LEADD_TRY(reader,
              connectors::LeadCsvReader::Open(text, format == LeadsFormat::kTsv ? '\t' : ',', now));
    while (auto row = reader.Next()) sink(row->line, std::move(row->lead));
    return Ok();
  }
  std::size_t line = 0;
  while (!text.empty()) {
    ++line;
    const auto end = text.find('\n');
    std::string_view body = text.substr(0, end);
    text.remove_prefix(end == std::string_view::npos ? text.size() : end + 1);
    if (body.find_first_not_of(" \t\r") == std::string_view::npos) continue;
    if (body.ends_with('\r')) body.remove_suffix(1);
    sink(line, connectors::ParseLeadJson(body, {}, now));
  }
  return Ok();
}

std::string Percent(std::size_t part, std::size_t whole) {
  char text[16];
  std::snprintf(text, sizeof text, "%.1f%%", whole == 0 ? 0.0 : 100.0 * part / whole);
  return text;
}

void PrintCounts(const char* title, const std::vector<router::DryRunSummary::Count>& counts,
                 std::size_t routed) {
  std::size_t width = 0;
  for (const auto& count : counts) width = std::max(width, count.name.size());
  std::cout << title << ":\n";
  for (const auto& count : counts) {
    std::cout << "  " << count.name << std::string(width - count.name.size() + 2, ' ')
              << count.leads << "  " << Percent(count.leads, routed) << "\n";
  }
}

void PrintDecisionText(const router::DryRunResult& result, std::size_t line, bool explain) {
  const auto& decision = result.decision;
  std::cout << result.lead_id << " line " << line << ": ";
  if (decision.Routed()) {
    std::cout << result.rep << " by " << decision.rule << " [" << decision.strategy << "]\n";
  } else {
    std::cout << "(pool) by no rule\n";
  }
  if (!explain) return;
  for (const auto& step : decision.trace) {
    std::cout << "    " << step.rule << " [" << step.strategy << "]: " << step.outcome << "\n";
  }
}

void PrintDecisionJson(const router::DryRunResult& result, std::size_t line) {
  JsonWriter json;
  json.BeginObject()
      .Member("lead", result.lead_id)
      .Key("line")
      .Int(static_cast<std::int64_t>(line));
  json.Key("rep");
  if (result.rep.empty()) {
    json.Null();
  } else {
    json.String(result.rep);
  }
  json.Key("decision").RawJson(router::ToJson(result.decision)).EndObject();
  std::cout << json.Text() << "\n";
}

void PrintSummaryText(const router::DryRunSummary& summary, std::size_t refused) {
  std::cout << "\n";
  PrintCounts("by rep", summary.by_rep, summary.Routed());
  PrintCounts("by rule", summary.by_rule, summary.Routed());
  std::cout << "routed: " << summary.Routed() << "\nunrouted: " << summary.unrouted
            << "\nrefused: " << refused << "\n";
}

void PrintSummaryJson(const router::DryRunSummary& summary, std::size_t refused) {
  const auto counts = [](JsonWriter& json, const std::vector<router::DryRunSummary::Count>& of) {
    json.BeginObject();
    for (const auto& count : of) json.Key(count.name).Int(static_cast<std::int64_t>(count.leads));
    json.EndObject();
  };
  JsonWriter json;
  json.BeginObject().Key("summary").BeginObject();
  json.Key("leads").Int(static_cast<std::int64_t>(summary.total));
  json.Key("routed").Int(static_cast<std::int64_t>(summary.Routed()));
  json.Key("unrouted").Int(static_cast<std::int64_t>(summary.unrouted));
  json.Key("refused").Int(static_cast<std::int64_t>(refused));
  json.Key("by_rep");
  counts(json, summary.by_rep);
  json.Key("by_rule");
  counts(json, summary.by_rule);
  json.EndObject().EndObject();
  std::cout << json.Text() << "\n";
}

int RouteDryRun(const RouteArgs& args, const ConfigLoader& load_config) {
  const auto settings = load_config(args.config);
  if (!settings) return kRouteExitCannotStart;
  std::string text;
  if (args.leads == "-") {
    text.assign(std::istreambuf_iterator<char>(std::cin), std::istreambuf_iterator<char>());
  } else {
    auto read = config::ReadSmallFile(args.leads, kMaxLeadsFileBytes);
    if (!read) {
      std::cerr << "leadd route: cannot read the leads: " << read.error().detail << "\n";
      return kRouteExitCannotStart;
    }
    text = std::move(read.value());
  }

  router::DryRun run(*settings);
  std::size_t refused = 0;
  const auto routed = ForEachLead(text, args.format, [&](std::size_t line, Result<Lead> lead) {
    if (!lead) {
      ++refused;
      std::cerr << args.leads << " line " << line << ": refused: " << lead.error().detail << "\n";
      return;
    }
    const auto result = run.Route(std::move(lead.value()));
    if (args.json) {
      PrintDecisionJson(result, line);
    } else {
      PrintDecisionText(result, line, args.explain);
    }
  });
  if (!routed) {
    std::cerr << "leadd route: " << args.leads << ": " << routed.error().detail << "\n";
    return kRouteExitCannotStart;
  }
  if (args.json) {
    PrintSummaryJson(run.Summary(), refused);
  } else {
    PrintSummaryText(run.Summary(), refused);
  }
  return 0;
}

}  // namespace

int RunRouteCommand(const std::vector<std::string>& args, std::string_view usage,
                    const ConfigLoader& load_config) {
  const auto route = ParseRouteArgs(args, usage);
  return route ? RouteDryRun(*route, load_config) : kRouteExitUsage;
}

}  // namespace leadd::daemon
