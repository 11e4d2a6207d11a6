#include "cli/report_commands.h"

#include <simdjson.h>

#include <algorithm>
#include <sstream>

#include "cli/admin_answers.h"
#include "cli/command_args.h"

namespace leadd::cli {
namespace {

constexpr const char* kReportUsage = R"(usage:
  leadctl report distribution --since DURATION [--until DURATION] [--json]
  leadctl report shadow --since DURATION [--until DURATION] [--json]
    DURATION as leadd.yaml writes them (30d, 12h, 1d12h): how long ago
)";

// A duration goes into the query as given; anything that could break out of it is refused here.
bool QuerySafe(std::string_view value) {
  return !value.empty() && std::all_of(value.begin(), value.end(), [](char c) {
    return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z');
  });
}

// Which columns of a table hold text, left-aligned; the others hold counts, right-aligned.
enum class TextColumns { kFirst, kFirstAndLast, kAll };

// A table: the header row, then the rows.
std::string Table(const std::vector<std::vector<std::string>>& rows,
                  TextColumns text_columns = TextColumns::kFirst) {
  std::vector<std::size_t> widths;
  for (const auto& row : rows) {
    widths.resize(std::max(widths.size(), row.size()));
    for (std::size_t c = 0; c < row.size(); ++c) widths[c] = std::max(widths[c], row[c].size());
  }
  std::ostringstream out;
  for (const auto& row : rows) {
    std::string line;
    for (std::size_t c = 0; c < row.size(); ++c) {
      const std::string pad(widths[c] - row[c].size(), ' ');
      const bool text = c == 0 || text_columns == TextColumns::kAll ||
                        (text_columns == TextColumns::kFirstAndLast && c + 1 == row.size());
      line += "  " + (text ? row[c] + pad : pad + row[c]);
    }
    line.erase(line.find_last_not_of(' ') + 1);
    out << line << "\n";
  }
  return out.str();
}

}  // namespace

Result<std::string> ReportTarget(const std::vector<std::string>& args, bool& as_json) {
  std::string problem;
  const auto parsed = ParseArgs(args, {"--since", "--until"}, {"--json"}, problem);
  if (!parsed) return Rejected(problem);
  if (parsed->positional.size() != 1 ||
      (parsed->positional[0] != "distribution" && parsed->positional[0] != "shadow")) {
    return Rejected("the reports are 'distribution' and 'shadow'");
  }
  const auto since = parsed->values.find("--since");
  if (since == parsed->values.end()) return Rejected("--since is required (e.g. --since 30d)");
  std::string target = "/v1/reports/" + parsed->positional[0] + "?since=";
  if (!QuerySafe(since->second)) return Rejected("--since takes a duration such as 30d");
  target += since->second;
  if (const auto until = parsed->values.find("--until"); until != parsed->values.end()) {
    if (!QuerySafe(until->second)) return Rejected("--until takes a duration such as 7d");
    target += "&until=" + until->second;
  }
  as_json = parsed->switches.contains("--json");
  return target;
}

Result<std::string> FormatDistribution(std::string_view json) {
  simdjson::dom::parser parser;
  simdjson::dom::element root;
  simdjson::dom::array reps;
  simdjson::dom::array rules;
  simdjson::dom::array sources;
  simdjson::dom::element totals;
  if (parser.parse(json.data(), json.size()).get(root) || root["reps"].get(reps) ||
      root["rules"].get(rules) || root["sources"].get(sources) || root["totals"].get(totals)) {
    return Rejected("leadd's answer is not a distribution report");
  }
  std::ostringstream out;
  out << "Lead distribution from " << JsonText(root, "since") << " to " << JsonText(root, "until")
      << "\n";
  if (const auto back = JsonText(root, "reaches_back_to"); !back.empty()) {
    out << "(the audit stream only reaches back to " << back
        << ": what happened before is not counted)\n";
  }
  if (const auto unreadable = JsonNumber(root, "unreadable_entries"); unreadable > 0) {
    out << "(" << unreadable << " unreadable audit entries were skipped)\n";
  }

  out << "\nBy rep\n";
  std::vector<std::vector<std::string>> rows{
      {"rep", "routed", "given", "claimed", "received", "bounced", "routed by rule"}};
  for (simdjson::dom::element rep : reps) {
    std::string by_rule;
    simdjson::dom::object rule_counts;
    if (!rep["by_rule"].get(rule_counts)) {
      for (const auto& field : rule_counts) {
        std::int64_t n = 0;
        if (field.value.get(n)) continue;
        by_rule += (by_rule.empty() ? "" : ", ") + std::string(field.key) + " " + std::to_string(n);
      }
    }
    rows.push_back({JsonText(rep, "rep"), std::to_string(JsonNumber(rep, "routed")),
                    std::to_string(JsonNumber(rep, "given")),
                    std::to_string(JsonNumber(rep, "claimed")),
                    std::to_string(JsonNumber(rep, "received")),
                    std::to_string(JsonNumber(rep, "bounced")), by_rule});
  }
  out << Table(rows, TextColumns::kFirstAndLast);

  out << "\nBy rule\n";
  rows = {{"rule", "routed"}};
  for (simdjson::dom::element rule : rules) {
    rows.push_back({JsonText(rule, "rule"), std::to_string(JsonNumber(rule, "routed"))});
  }
  out << Table(rows);

  out << "\nBy source\n";
  rows = {{"source", "ingested", "routed", "pooled"}};
  for (simdjson::dom::element source : sources) {
    rows.push_back({JsonText(source, "source"), std::to_string(JsonNumber(source, "ingested")),
                    std::to_string(JsonNumber(source, "routed")),
                    std::to_string(JsonNumber(source, "pooled"))});
  }
  out << Table(rows);

  out << "\nIngested " << JsonNumber(totals, "ingested") << ", routed "
      << JsonNumber(totals, "routed") << ", left in the pool " << JsonNumber(totals, "pooled")
      << ", given by an admin " << JsonNumber(totals, "given") << ", claimed "
      << JsonNumber(totals, "claimed") << ", bounced " << JsonNumber(totals, "bounced") << "\n";
  return out.str();
}

Result<std::string> FormatShadow(std::string_view json) {
  simdjson::dom::parser parser;
  simdjson::dom::element root;
  simdjson::dom::array reps;
  simdjson::dom::array rules;
  simdjson::dom::array differences;
  if (parser.parse(json.data(), json.size()).get(root) || root["reps"].get(reps) ||
      root["rules"].get(rules) || root["differences"].get(differences)) {
    return Rejected("leadd's answer is not a shadow report");
  }
  const auto number = [&](std::string_view key) { return std::to_string(JsonNumber(root, key)); };
  std::ostringstream out;
  out << "Shadow rules against the live ones from " << JsonText(root, "since") << " to "
      << JsonText(root, "until") << "\n\n"
      << "Leads compared " << number("leads") << ": same rep " << number("same_rep")
      << ", another rep " << number("other_rep") << ", to the pool while live assigned "
      << number("shadow_pooled") << ", to a rep while live pooled " << number("shadow_assigned")
      << ", pooled by both " << number("both_pooled") << "\n";

  const auto counts = [&](std::string_view title, std::string_view name_key,
                          simdjson::dom::array rows_in) {
    std::vector<std::vector<std::string>> rows{{std::string(name_key), "live", "shadow", "change"}};
    for (simdjson::dom::element row : rows_in) {
      const std::int64_t live = JsonNumber(row, "live");
      const std::int64_t shadow = JsonNumber(row, "shadow");
      const std::int64_t change = shadow - live;
      rows.push_back({JsonText(row, name_key), std::to_string(live), std::to_string(shadow),
                      (change > 0 ? "+" : "") + std::to_string(change)});
    }
    out << "\n" << title << "\n" << Table(rows);
  };
  counts("By rep", "rep", reps);
  counts("By rule", "rule", rules);

  const auto rep_or_pool = [](std::string rep) { return rep.empty() ? "(pool)" : rep; };
  std::vector<std::vector<std::string>> rows{{"lead", "live rep", "shadow rep", "shadow rule"}};
  for (simdjson::dom::element difference : differences) {
    rows.push_back({JsonText(difference, "lead"), rep_or_pool(JsonText(difference, "live_rep")),
                    rep_or_pool(JsonText(difference, "shadow_rep")),
                    JsonText(difference, "shadow_rule")});
  }
  out << "\nDifferences\n";
  if (rows.size() == 1) {
    out << "  none\n";
  } else {
    out << Table(rows, TextColumns::kAll);
  }
  if (const auto more = JsonNumber(root, "more_differences"); more > 0) {
    out << "  and " << more << " more\n";
  }
  return out.str();
}

int RunReportCommand(const AdminClient& client, const std::vector<std::string>& args,
                     std::ostream& out, std::ostream& err) {
  bool as_json = false;
  const auto target = ReportTarget(args, as_json);
  if (!target) {
    err << "leadctl: " << target.error().detail << "\n" << kReportUsage;
    return kExitUsage;
  }
  HttpAnswer answer;
  if (auto failed = CallAdmin(client, "GET", target.value(), "", err, answer)) return *failed;
  if (as_json) {
    out << answer.body << "\n";
    return 0;
  }
  const auto page =
      args.front() == "shadow" ? FormatShadow(answer.body) : FormatDistribution(answer.body);
  if (!page) {
    err << "leadctl: " << page.error().detail << "\n";
    return kExitRefused;
  }
  out << page.value();
  return 0;
}

}  // namespace leadd::cli
