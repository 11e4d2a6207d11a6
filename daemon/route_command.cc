#include "daemon/route_command.h"

#include <utility>  // before Asio: Boost 1.74 + g++ 12 need std::exchange declared first

#include <simdjson.h>
#include <spdlog/sinks/stdout_sinks.h>
#include <spdlog/spdlog.h>
#include <algorithm>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>
#include <cstdio>
#include <exception>
#include <filesystem>
#include <iostream>
#include <iterator>

#include "api/admin_bodies.h"
#include "config/duration.h"
#include "config/small_file.h"
#include "connectors/lead_csv.h"
#include "connectors/web_form/lead_json.h"
#include "core/asio_clock.h"
#include "core/json_writer.h"
#include "queue/audit_log.h"
#include "queue/embedded_redis.h"
#include "queue/lead_store.h"
#include "queue/redis_client.h"
#include "router/dry_run.h"
#include "router/replay.h"

namespace leadd::daemon {
namespace {

// `leadd route` has exit codes of its own, those of a command-line tool.
constexpr int kRouteExitCannotStart = 1;
constexpr int kRouteExitUsage = 2;
// A dry run holds its leads file in memory.
constexpr std::size_t kMaxLeadsFileBytes = std::size_t{1} << 30;
// A replay reads the leads' hashes this many at a time, one round trip each.
constexpr std::size_t kReplayLeadBatch = 500;

enum class LeadsFormat { kJsonLines, kCsv, kTsv };

struct RouteArgs {
  std::string config;
  std::string leads;  // a path, or "-" for stdin
  LeadsFormat format = LeadsFormat::kJsonLines;
  bool explain = false;
  bool json = false;
  bool replay = false;  // the leads come from the audit stream, `since` ago until now
  std::chrono::milliseconds since{};
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
  std::optional<std::string> since;
  const auto refuse = [usage](const std::string& why) {
    std::cerr << "leadd route: " << why << "\n" << usage;
    return std::nullopt;
  };
  for (std::size_t i = 0; i < args.size(); ++i) {
    const auto& arg = args[i];
    const bool has_value = i + 1 < args.size();
    if (arg == "--dry-run") {
      dry_run = true;
    } else if (arg == "--replay") {
      route.replay = true;
    } else if (arg == "--since" && has_value) {
      since = args[++i];
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
  if (dry_run == route.replay) {
    return refuse("give --dry-run (leads from a file) or --replay (leads from the audit stream)");
  }
  if (route.config.empty()) return refuse("--config FILE is required");
  if (route.replay) {
    if (leads || format_name) return refuse("--replay reads its leads from Redis, not a file");
    if (!since) return refuse("--replay needs --since DURATION (e.g. 30d)");
    const auto duration = config::ParseDuration(*since);
    if (!duration || duration->count() <= 0) {
      return refuse("--since '" + *since + "' is not a duration such as 30d, 12h or 1d12h");
    }
    route.since = *duration;
    return route;
  }
  if (since) return refuse("--since goes with --replay");
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

std::size_t NameWidth(const auto& rows) {
  std::size_t width = 0;
  for (const auto& row : rows) width = std::max(width, row.name.size());
  return width;
}

void PrintCounts(const char* title, const std::vector<router::DryRunSummary::Count>& counts,
                 std::size_t routed) {
  const std::size_t width = NameWidth(counts);
  std::cout << title << ":\n";
  for (const auto& count : counts) {
    std::cout << "  " << count.name << std::string(width - count.name.size() + 2, ' ')
              << count.leads << "  " << Percent(count.leads, routed) << "\n";
  }
}

// Where the result lands and by which rule, then with `explain` each rule's reasoning.
void PrintLanding(const router::DryRunResult& result, bool explain) {
  const auto& decision = result.decision;
  if (decision.Routed()) {
    std::cout << result.rep << " by " << decision.rule << " [" << decision.strategy << "]\n";
  } else {
    std::cout << "(pool) by no rule\n";
  }
  if (!explain) return;
  router::ForEachRule(
      decision,
      [](const router::RuleTrace& step) {
        std::cout << "    " << step.rule << " [" << step.strategy << "]: " << step.outcome << "\n";
      },
      [&](const router::PassedOver& rule) {
        std::cout << "    " << decision.RuleName(rule) << ": not for this lead (" << rule.test
                  << ")\n";
      });
}

void PrintDecisionText(const router::DryRunResult& result, std::size_t line, bool explain) {
  std::cout << result.lead_id << " line " << line << ": ";
  PrintLanding(result, explain);
}

// A rep or a rule, null when there is none (the pool, no rule).
void TextOrNull(JsonWriter& json, std::string_view text) {
  if (text.empty()) {
    json.Null();
  } else {
    json.String(text);
  }
}

void PrintDecisionJson(const router::DryRunResult& result, std::size_t line) {
  JsonWriter json;
  json.BeginObject()
      .Member("lead", result.lead_id)
      .Key("line")
      .Int(static_cast<std::int64_t>(line));
  json.Key("rep");
  TextOrNull(json, result.rep);
  json.Key("decision").RawJson(router::ToJson(result.decision)).EndObject();
  std::cout << json.Text() << "\n";
}

void PrintSummaryText(const router::DryRunSummary& summary, std::size_t refused) {
  std::cout << "\n";
  PrintCounts("by rep", summary.by_rep, summary.Routed());
  PrintCounts("by rule", summary.by_rule, summary.Routed());
  PrintCounts("by source", summary.by_source, summary.Routed());
  std::cout << "routed: " << summary.Routed() << "\nunrouted: " << summary.unrouted
            << "\nrefused: " << refused << "\n";
}

void CountsJson(JsonWriter& json, const std::vector<router::DryRunSummary::Count>& of) {
  json.BeginObject();
  for (const auto& count : of) json.Key(count.name).Int(static_cast<std::int64_t>(count.leads));
  json.EndObject();
}

void PrintSummaryJson(const router::DryRunSummary& summary, std::size_t refused) {
  JsonWriter json;
  json.BeginObject().Key("summary").BeginObject();
  json.Key("leads").Int(static_cast<std::int64_t>(summary.total));
  json.Key("routed").Int(static_cast<std::int64_t>(summary.Routed()));
  json.Key("unrouted").Int(static_cast<std::int64_t>(summary.unrouted));
  json.Key("refused").Int(static_cast<std::int64_t>(refused));
  json.Key("by_rep");
  CountsJson(json, summary.by_rep);
  json.Key("by_rule");
  CountsJson(json, summary.by_rule);
  json.Key("by_source");
  CountsJson(json, summary.by_source);
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

// Where a replay reads: the config's external Redis, or the socket of the Redis a daemon with
// this config runs embedded (queue/embedded_redis.h), which must be running already.
Result<config::RedisEndpoint> ReplayEndpoint(const config::DaemonSettings& settings,
                                             boost::asio::io_context& io, Clock& clock) {
  if (const auto* external = std::get_if<config::ExternalRedis>(&settings.redis.server)) {
    return external->endpoint;
  }
  const auto& embedded = std::get<config::EmbeddedRedis>(settings.redis.server);
  const queue::EmbeddedRedis addressing(io.get_executor(), clock, settings.state_dir / "redis",
                                        embedded.server_binary);
  auto endpoint = addressing.Endpoint();
  std::error_code ec;
  if (!std::filesystem::exists(endpoint.unix_path, ec)) {
    return Unavailable("the embedded Redis is not running (no socket at " + endpoint.unix_path +
                       "): start leadd with this config, or replay against its external Redis");
  }
  return endpoint;
}

// The lead as it came in. The router's grade for a lead that came without one is kept in the
// hash's `grade` (the Function writes it there with the assignment), and the stored decision
// says so: such a lead is replayed without it, for the new rules' grades to decide.
Lead LeadAsIngested(const queue::StoredLead& stored) {
  Lead lead = queue::LeadFromStored(stored);
  const std::string_view decision = stored.Field("decision");
  simdjson::dom::parser parser;
  simdjson::dom::element root;
  std::string_view given;
  if (!lead.grade.empty() && !parser.parse(decision.data(), decision.size()).get(root) &&
      !root["grade"].get(given) && given == lead.grade) {
    lead.grade.clear();
  }
  return lead;
}

// What a replay read, before routing anything.
struct ReplayInput {
  queue::AuditWindow window;
  std::vector<router::ReplayedLead> leads;
  std::vector<std::optional<Lead>> stored;  // nullopt: the lead's hash is gone
};

boost::asio::awaitable<Result<ReplayInput>> ReadReplayInput(queue::RedisClient& redis,
                                                            const queue::RedisKeys& keys,
                                                            WallTime since, WallTime until) {
  queue::AuditLog audit(redis, keys);
  queue::LeadStore store(redis, keys);
  ReplayInput input;
  LEADD_CO_TRY(window, co_await audit.Read(since, until));
  input.window = std::move(window);
  input.leads = router::LeadsToReplay(input.window.events);
  input.stored.reserve(input.leads.size());
  for (std::size_t from = 0; from < input.leads.size(); from += kReplayLeadBatch) {
    std::vector<std::string> ids;
    for (std::size_t i = from; i < std::min(input.leads.size(), from + kReplayLeadBatch); ++i) {
      ids.push_back(input.leads[i].lead);
    }
    LEADD_CO_TRY(hashes, co_await store.GetMany(ids));
    for (const auto& hash : hashes) {
      input.stored.push_back(hash ? std::optional<Lead>(LeadAsIngested(*hash)) : std::nullopt);
    }
  }
  co_return input;
}

// Connects to the config's Redis, reads, disconnects; nothing is written.
Result<ReplayInput> LoadReplayInput(const config::DaemonSettings& settings, WallTime since,
                                    WallTime until) {
  // The Redis client's log lines would mix with the report on stdout: only its warnings, and
  // on stderr.
  spdlog::set_default_logger(spdlog::stderr_logger_st("route"));
  spdlog::set_level(spdlog::level::warn);
  boost::asio::io_context io;
  AsioClock clock(io.get_executor());
  LEADD_TRY(endpoint, ReplayEndpoint(settings, io, clock));
  queue::RedisClient redis(io.get_executor(), clock,
                           queue::RedisClient::MakeOptions(settings.redis, endpoint, "replay"));
  redis.Start();
  const auto deadline = std::chrono::steady_clock::now() + settings.redis.connect_timeout +
                        settings.redis.request_timeout;
  while (!redis.IsReady() && std::chrono::steady_clock::now() < deadline) {
    io.run_for(std::chrono::milliseconds(10));
  }
  if (!redis.IsReady()) {
    const auto& why = redis.LastError();
    return Unavailable("cannot reach Redis: " + (why ? why->detail : std::string("timed out")));
  }
  std::optional<Result<ReplayInput>> read;
  const queue::RedisKeys keys(settings.redis.key_prefix);
  boost::asio::co_spawn(
      io,
      [&]() -> boost::asio::awaitable<void> {
        read.emplace(co_await ReadReplayInput(redis, keys, since, until));
      },
      [&](const std::exception_ptr& error) {
        if (error && !read) read.emplace(Unavailable("the replay's reads failed"));
      });
  while (!read) io.run_for(std::chrono::milliseconds(10));
  redis.Stop();
  return std::move(*read);
}

void PrintReplayCountsText(const char* title, const std::vector<router::ReplayCount>& counts) {
  const std::size_t width = NameWidth(counts);
  std::cout << title << ":\n";
  char row[64];
  std::cout << "  " << std::string(width, ' ');
  std::snprintf(row, sizeof row, "  %7s  %7s  %7s\n", "before", "after", "change");
  std::cout << row;
  for (const auto& count : counts) {
    std::cout << "  " << count.name << std::string(width - count.name.size(), ' ');
    std::snprintf(row, sizeof row, "  %7zu  %7zu  %+7lld\n", count.before, count.after,
                  static_cast<long long>(count.Change()));
    std::cout << row;
  }
}

std::string RepOrPool(std::string_view rep) { return rep.empty() ? "(pool)" : std::string(rep); }

void PrintReplayText(const router::ReplayReport& report, const queue::AuditWindow& window,
                     WallTime since, WallTime until, std::size_t missing, bool explain) {
  std::cout << "replay of " << report.leads << " leads first ingested from "
            << api::FormatInstant(since) << " to " << api::FormatInstant(until) << "\n";
  if (window.reaches_back_to) {
    std::cout << "the audit stream only reaches back to "
              << api::FormatInstant(*window.reaches_back_to)
              << ": leads that came before are not replayed\n";
  }
  std::cout << "\n";
  for (const auto& change : report.changed) {
    std::cout << change.lead << ": " << RepOrPool(change.before_rep) << " -> ";
    PrintLanding(change.after, explain);
  }
  if (!report.changed.empty()) std::cout << "\n";
  PrintReplayCountsText("by rep", report.by_rep);
  PrintReplayCountsText("by rule", report.by_rule);
  PrintReplayCountsText("by source", report.by_source);
  std::cout << "routed: " << report.routed_before << " before, " << report.after.Routed()
            << " after\nunrouted: " << report.unrouted_before << " before, "
            << report.after.unrouted << " after\nnot routed yet: " << report.waiting
            << "\nchanged: " << report.changed.size() << "\n";
  if (missing > 0) std::cout << "gone (no lead hash): " << missing << "\n";
  if (window.malformed > 0) {
    std::cout << "unreadable audit entries: " << window.malformed << " (";
    for (std::size_t i = 0; i < window.malformed_ids.size(); ++i) {
      std::cout << (i == 0 ? "" : ", ") << window.malformed_ids[i];
    }
    std::cout << (window.malformed > window.malformed_ids.size() ? ", ...)\n" : ")\n");
  }
}

void ReplayCountsJson(JsonWriter& json, const std::vector<router::ReplayCount>& counts) {
  json.BeginObject();
  for (const auto& count : counts) {
    json.Key(count.name).BeginObject();
    json.Key("before").Int(static_cast<std::int64_t>(count.before));
    json.Key("after").Int(static_cast<std::int64_t>(count.after));
    json.Key("change").Int(count.Change()).EndObject();
  }
  json.EndObject();
}

void PrintReplayJson(const router::ReplayReport& report, const queue::AuditWindow& window,
                     WallTime since, WallTime until, std::size_t missing, bool explain) {
  const auto count = [](std::size_t n) { return static_cast<std::int64_t>(n); };
  JsonWriter json;
  json.BeginObject().Key("replay").BeginObject();
  json.Member("since", api::FormatInstant(since)).Member("until", api::FormatInstant(until));
  json.Key("reaches_back_to");
  if (window.reaches_back_to) {
    json.String(api::FormatInstant(*window.reaches_back_to));
  } else {
    json.Null();
  }
  json.Key("leads").Int(count(report.leads));
  json.Key("not_routed_yet").Int(count(report.waiting));
  json.Key("gone").Int(count(missing));
  json.Key("unreadable_entries").Int(count(window.malformed));
  json.Key("before").BeginObject().Key("routed").Int(count(report.routed_before));
  json.Key("unrouted").Int(count(report.unrouted_before)).EndObject();
  json.Key("after").BeginObject().Key("routed").Int(count(report.after.Routed()));
  json.Key("unrouted").Int(count(report.after.unrouted)).EndObject();
  json.Key("by_rep");
  ReplayCountsJson(json, report.by_rep);
  json.Key("by_rule");
  ReplayCountsJson(json, report.by_rule);
  json.Key("by_source");
  ReplayCountsJson(json, report.by_source);
  json.Key("changed").BeginArray();
  for (const auto& change : report.changed) {
    json.BeginObject().Member("lead", change.lead).Key("before");
    TextOrNull(json, change.before_rep);
    json.Key("after");
    TextOrNull(json, change.after.rep);
    json.Key("rule");
    TextOrNull(json, change.after.decision.rule);
    if (explain) json.Key("decision").RawJson(router::ToJson(change.after.decision));
    json.EndObject();
  }
  json.EndArray().EndObject().EndObject();
  std::cout << json.Text() << "\n";
}

int RouteReplay(const RouteArgs& args, const ConfigLoader& load_config) {
  const auto settings = load_config(args.config);
  if (!settings) return kRouteExitCannotStart;
  const WallTime until = std::chrono::system_clock::now();
  const WallTime since = until - args.since;
  auto input = LoadReplayInput(*settings, since, until);
  if (!input) {
    std::cerr << "leadd route: " << input.error().detail << "\n";
    return kRouteExitCannotStart;
  }
  router::Replay replay(*settings);
  std::size_t missing = 0;
  const auto& read = input.value();
  for (std::size_t i = 0; i < read.leads.size(); ++i) {
    if (!read.stored[i]) {
      ++missing;
      continue;
    }
    replay.Route(*read.stored[i], read.leads[i].before);
  }
  const auto report = replay.Report();
  if (args.json) {
    PrintReplayJson(report, read.window, since, until, missing, args.explain);
  } else {
    PrintReplayText(report, read.window, since, until, missing, args.explain);
  }
  return 0;
}

}  // namespace

int RunRouteCommand(const std::vector<std::string>& args, std::string_view usage,
                    const ConfigLoader& load_config) {
  const auto route = ParseRouteArgs(args, usage);
  if (!route) return kRouteExitUsage;
  return route->replay ? RouteReplay(*route, load_config) : RouteDryRun(*route, load_config);
}

}  // namespace leadd::daemon
