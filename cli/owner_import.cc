#include "cli/owner_import.h"

#include <simdjson.h>

#include <algorithm>
#include <charconv>
#include <cstdio>
#include <utility>

#include "api/admin_bodies.h"
#include "core/ascii.h"
#include "core/json_writer.h"
#include "core/utf8.h"

namespace leadd::cli {
namespace {

constexpr std::string_view kByteOrderMark = "\xEF\xBB\xBF";
constexpr std::string_view kBatchOpen = R"({"customers":[)";
constexpr std::string_view kBatchClose = "]}";
constexpr std::size_t kBarWidth = 20;
// Header cells are echoed in messages: keep them short and free of control bytes.
constexpr std::size_t kMaxEchoedBytes = 64;

constexpr std::size_t FieldIndex(std::string_view field) {
  for (std::size_t i = 0; i < kCustomerFields.size(); ++i) {
    if (kCustomerFields[i] == field) return i;
  }
  return kCustomerFields.size();
}

constexpr std::array<std::string_view, 4> kKeyFields = {"email", "phone", "website", "company"};

std::string_view Trimmed(std::string_view text) {
  const auto first = text.find_first_not_of(" \t");
  if (first == std::string_view::npos) return {};
  return text.substr(first, text.find_last_not_of(" \t") - first + 1);
}

std::string Shown(std::string_view name) {
  std::string shown(name.substr(0, kMaxEchoedBytes));
  for (char& c : shown) {
    if (static_cast<unsigned char>(c) < 0x20 || c == 0x7f) c = '?';
  }
  return shown;
}

std::string Echoed(std::string_view name) { return "'" + Shown(name) + "'"; }

std::string ListOf(const std::vector<std::string>& header) {
  std::string list;
  for (const std::string& cell : header) list += (list.empty() ? "" : ", ") + Echoed(cell);
  return list;
}

std::string FieldList() {
  std::string list;
  for (const std::string_view field : kCustomerFields) {
    list += (list.empty() ? "" : ", ") + std::string(field);
  }
  return list;
}

std::string_view SkipByteOrderMark(std::string_view text) {
  if (text.starts_with(kByteOrderMark)) text.remove_prefix(kByteOrderMark.size());
  return text;
}

std::string AtLine(std::size_t line, std::string_view what) {
  return "line " + std::to_string(line) + ": " + std::string(what);
}

// 1234567 -> "1,234,567"
std::string Grouped(std::size_t number) {
  std::string digits = std::to_string(number);
  for (std::size_t at = digits.size(); at > 3; at -= 3) digits.insert(at - 3, ",");
  return digits;
}

std::string Shortest(double value) {
  char text[32];
  const auto written = std::to_chars(text, text + sizeof text, value);
  return std::string(text, written.ptr);
}

std::size_t RowsPerSecond(std::size_t rows, double seconds) {
  return seconds > 0 ? static_cast<std::size_t>(static_cast<double>(rows) / seconds) : 0;
}

// RFC 4180: a field holding a comma, a quote or a line end is quoted, its quotes doubled.
std::string CsvField(std::string_view text) {
  if (text.find_first_of(",\"\r\n") == std::string_view::npos) return std::string(text);
  std::string quoted = "\"";
  for (const char c : text) {
    if (c == '"') quoted += '"';
    quoted += c;
  }
  return quoted + "\"";
}

// The row's cells, or why the row cannot be sent.
std::string WhyNotSent(const connectors::CsvRecord& record, std::size_t header_columns) {
  if (!record.problem.empty()) return record.problem;
  if (!IsValidUtf8(record.text)) return "the row is not valid UTF-8; save the export as UTF-8";
  if (record.text.find('\0') != std::string_view::npos) return "the row holds a NUL byte";
  if (record.fields.size() != header_columns) {
    return "the row has " + std::to_string(record.fields.size()) + " cells, the header " +
           std::to_string(header_columns);
  }
  return {};
}

ImportRow RowOf(const connectors::CsvRecord& record, const ColumnMapping& mapping,
                const RowDefaults& defaults) {
  ImportRow row;
  row.line = record.line;
  row.invalid = WhyNotSent(record, mapping.header_columns);
  if (!row.invalid.empty()) return row;

  std::array<std::string_view, kCustomerFields.size()> values = {};
  for (std::size_t field = 0; field < kCustomerFields.size(); ++field) {
    if (const auto column = mapping.columns[field]) values[field] = Trimmed(record.fields[*column]);
  }
  std::string_view& rep = values[FieldIndex("rep")];
  if (rep.empty()) rep = defaults.rep;
  std::string_view& source = values[FieldIndex("source")];
  if (source.empty()) source = defaults.source;
  if (rep.empty()) {
    row.invalid = "the row names no rep, and no --rep gives a default";
    return row;
  }
  if (std::all_of(kKeyFields.begin(), kKeyFields.end(),
                  [&](std::string_view key) { return values[FieldIndex(key)].empty(); })) {
    row.invalid = "the row has no email, phone, website or company";
    return row;
  }
  if (const std::string_view date = values[FieldIndex("registered_at")]; !date.empty()) {
    auto instant = api::ParseInstant(date, api::DateEdge::kStartOfDay, "", "registered_at");
    if (!instant) {
      row.invalid = instant.error().detail;
      return row;
    }
    row.registered_at = instant.value();
  }

  row.rep = std::string(rep);
  JsonWriter json;
  // The line first: leadd echoes what it read of a row before a fault it refuses the row for.
  json.BeginObject().Key("line").Int(static_cast<std::int64_t>(row.line));
  for (std::size_t field = 0; field < kCustomerFields.size(); ++field) {
    if (!values[field].empty()) json.Member(kCustomerFields[field], values[field]);
  }
  json.EndObject();
  row.json = json.Text();
  return row;
}

// leadd names a refused row by its place in the batch ("row 3: ..."), which means nothing to
// someone reading the report by file line.
std::string WithoutBatchPlace(std::string error) {
  constexpr std::string_view kRow = "row ";
  if (!error.starts_with(kRow)) return error;
  const auto colon = error.find(": ", kRow.size());
  if (colon == std::string::npos || colon == kRow.size() ||
      error.find_first_not_of("0123456789", kRow.size()) != colon) {
    return error;
  }
  return error.substr(colon + 2);
}

std::string JsonString(simdjson::dom::element element, std::string_view key) {
  std::string_view value;
  if (element[key].get(value)) return {};
  return std::string(value);
}

}  // namespace

std::optional<std::size_t> ColumnMapping::ColumnOf(std::string_view field) const {
  const std::size_t index = FieldIndex(field);
  return index < columns.size() ? columns[index] : std::nullopt;
}

Result<std::vector<std::string>> ReadExportHeader(std::string_view text, char delimiter) {
  connectors::CsvScanner records(SkipByteOrderMark(text), delimiter);
  auto header = records.Next();
  if (!header) return Rejected("the file is empty: its first line must name the columns");
  if (!header->problem.empty()) return Rejected(AtLine(header->line, header->problem));
  if (!IsValidUtf8(header->text)) {
    return Rejected(
        AtLine(header->line, "the header is not valid UTF-8; save the export as UTF-8"));
  }
  return std::move(header->fields);
}

Result<ColumnMapping> MapColumns(const std::vector<std::string>& header,
                                 const std::vector<std::string>& overrides, bool has_default_rep) {
  ColumnMapping mapping;
  mapping.header_columns = header.size();
  std::array<bool, kCustomerFields.size()> overridden = {};
  for (const std::string& assignment : overrides) {
    const auto equals = assignment.find('=');
    if (equals == std::string::npos) {
      return Rejected("--map takes FIELD=COLUMN, not " + Echoed(assignment));
    }
    const std::string_view field = std::string_view(assignment).substr(0, equals);
    const std::string_view column = std::string_view(assignment).substr(equals + 1);
    const std::size_t index = FieldIndex(field);
    if (index == kCustomerFields.size()) {
      return Rejected("--map names an unknown field " + Echoed(field) + "; the fields are " +
                      FieldList());
    }
    if (overridden[index])
      return Rejected("--map gives the field " + std::string(field) + " twice");
    const auto found = std::find(header.begin(), header.end(), column);
    if (found == header.end()) {
      return Rejected("--map " + std::string(field) + "=" + Shown(column) +
                      ": the header has no column " + Echoed(column) + "; its columns are " +
                      ListOf(header));
    }
    overridden[index] = true;
    mapping.columns[index] = static_cast<std::size_t>(found - header.begin());
  }
  const auto claimed = [&](std::size_t column) {
    return std::find(mapping.columns.begin(), mapping.columns.end(), column) !=
           mapping.columns.end();
  };
  // A column --map gives to a field is that field's only, whatever its header cell says.
  std::array<std::optional<std::size_t>, kCustomerFields.size()> named = {};
  for (std::size_t column = 0; column < header.size(); ++column) {
    for (std::size_t field = 0; field < kCustomerFields.size(); ++field) {
      if (overridden[field] || claimed(column) ||
          !EqualsIgnoringAsciiCase(Trimmed(header[column]), kCustomerFields[field])) {
        continue;
      }
      if (named[field]) {
        return Rejected("the columns " + Echoed(header[*named[field]]) + " and " +
                        Echoed(header[column]) + " both name the field " +
                        std::string(kCustomerFields[field]) + "; choose one with --map " +
                        std::string(kCustomerFields[field]) + "=COLUMN");
      }
      named[field] = column;
    }
  }
  for (std::size_t field = 0; field < kCustomerFields.size(); ++field) {
    if (named[field]) mapping.columns[field] = named[field];
  }
  for (std::size_t field = 0; field < kCustomerFields.size(); ++field) {
    for (std::size_t other = field + 1; other < kCustomerFields.size(); ++other) {
      if (mapping.columns[field] && mapping.columns[field] == mapping.columns[other]) {
        return Rejected("the column " + Echoed(header[*mapping.columns[field]]) +
                        " is given to two fields, " + std::string(kCustomerFields[field]) +
                        " and " + std::string(kCustomerFields[other]));
      }
    }
  }
  if (!mapping.ColumnOf("rep") && !has_default_rep) {
    return Rejected(
        "no column gives the rep who owns each customer: map one with --map rep=COLUMN or give "
        "every row one with --rep REP");
  }
  if (std::none_of(kKeyFields.begin(), kKeyFields.end(),
                   [&](std::string_view key) { return mapping.ColumnOf(key).has_value(); })) {
    return Rejected(
        "no column gives an email, phone, website or company to know the customer by: map one "
        "with --map email=COLUMN (the header's columns are " +
        ListOf(header) + ")");
  }
  return mapping;
}

std::vector<ImportRow> ReadExportRows(std::string_view text, char delimiter,
                                      const ColumnMapping& mapping, const RowDefaults& defaults) {
  connectors::CsvScanner records(SkipByteOrderMark(text), delimiter);
  records.Next();  // the header
  std::vector<ImportRow> rows;
  while (const auto record = records.Next()) rows.push_back(RowOf(*record, mapping, defaults));
  return rows;
}

void OrderByRegistration(std::vector<ImportRow>& rows) {
  std::stable_sort(rows.begin(), rows.end(), [](const ImportRow& a, const ImportRow& b) {
    if (!a.registered_at || !b.registered_at) return a.registered_at && !b.registered_at;
    return *a.registered_at < *b.registered_at;
  });
}

std::size_t BatchEnd(const std::vector<ImportRow>& rows, std::size_t begin, std::size_t max_rows,
                     std::size_t max_bytes) {
  std::size_t bytes = kBatchOpen.size() + kBatchClose.size();
  std::size_t end = begin;
  while (end < rows.size() && end - begin < max_rows) {
    const std::size_t more = rows[end].json.size() + (end > begin ? 1 : 0);
    if (end > begin && bytes + more > max_bytes) break;
    bytes += more;
    ++end;
  }
  return end;
}

std::string BatchBody(const std::vector<ImportRow>& rows, std::size_t begin, std::size_t end) {
  std::string body(kBatchOpen);
  for (std::size_t i = begin; i < end; ++i) {
    if (i > begin) body += ',';
    body += rows[i].json;
  }
  body += kBatchClose;
  return body;
}

Result<std::vector<ReportLine>> ReadBatchAnswer(std::string_view answer,
                                                const std::vector<ImportRow>& rows,
                                                std::size_t begin, std::size_t end,
                                                ImportTally& tally) {
  simdjson::dom::parser parser;
  simdjson::dom::element root;
  simdjson::dom::array results;
  if (parser.parse(answer.data(), answer.size()).get(root) || root["results"].get(results)) {
    return Rejected("leadd's answer holds no results");
  }
  if (results.size() != end - begin) {
    return Rejected("leadd answered " + std::to_string(results.size()) + " results for " +
                    std::to_string(end - begin) + " rows");
  }
  ImportTally counted;
  std::vector<ReportLine> lines;
  std::size_t at = begin;
  for (const simdjson::dom::element result : results) {
    const ImportRow& row = rows[at++];
    std::int64_t line = 0;
    if (result["line"].get(line) || line != static_cast<std::int64_t>(row.line)) {
      return Rejected("leadd's results are not in the order of the rows sent (line " +
                      std::to_string(row.line) + ")");
    }
    const std::string outcome = JsonString(result, "outcome");
    ReportLine report{.line = row.line,
                      .outcome = outcome,
                      .owner = {},
                      .customer = JsonString(result, "customer"),
                      .registered_at = {},
                      .detail = {}};
    if (outcome == "registered") {
      ++counted.registered;
      continue;
    }
    if (outcome == "review") {
      ++counted.review;
      double score = 0;
      const std::string possible = JsonString(result, "possible_customer");
      report.detail = "possibly the customer " + (possible.empty() ? "?" : possible) + " of " +
                      JsonString(result, "possible_owner");
      if (!result["score"].get(score)) report.detail += " (score " + Shortest(score) + ")";
    } else if (outcome == "already_theirs") {
      ++counted.already_theirs;
      report.owner = row.rep;
    } else if (outcome == "conflict") {
      ++counted.conflicts;
      report.owner = JsonString(result, "owner");
      report.registered_at = JsonString(result, "registered_at");
      report.detail = JsonString(result, "explanation");
    } else if (outcome == "invalid") {
      ++counted.invalid;
      report.detail = WithoutBatchPlace(JsonString(result, "error"));
    } else {
      return Rejected("leadd answered an unknown outcome " + Echoed(outcome) + " for line " +
                      std::to_string(row.line));
    }
    lines.push_back(std::move(report));
  }
  tally.done += end - begin;
  tally.registered += counted.registered;
  tally.review += counted.review;
  tally.already_theirs += counted.already_theirs;
  tally.conflicts += counted.conflicts;
  tally.invalid += counted.invalid;
  return lines;
}

std::string ReportCsv(std::vector<ReportLine> lines) {
  std::stable_sort(lines.begin(), lines.end(),
                   [](const ReportLine& a, const ReportLine& b) { return a.line < b.line; });
  std::string csv = "line,outcome,owner,customer,registered_at,detail\n";
  for (const ReportLine& line : lines) {
    csv += std::to_string(line.line) + "," + CsvField(line.outcome) + "," + CsvField(line.owner) +
           "," + CsvField(line.customer) + "," + CsvField(line.registered_at) + "," +
           CsvField(line.detail) + "\n";
  }
  return csv;
}

Duration RetryDelay(int attempt) {
  constexpr Duration kFirst{500};
  constexpr Duration kLongest{5'000};
  Duration delay = kFirst;
  for (int i = 1; i < attempt && delay < kLongest; ++i) delay *= 2;
  return std::min(delay, kLongest);
}

std::string ImportProgress::Update(const ImportTally& tally, double seconds) {
  const std::size_t total = tally.rows_read;
  const std::string counts = Grouped(tally.done) + "/" + Grouped(total) + " rows  registered " +
                             Grouped(tally.registered) + "  conflicts " + Grouped(tally.conflicts) +
                             "  review " + Grouped(tally.review) + "  invalid " +
                             Grouped(tally.invalid) + "  " +
                             Grouped(RowsPerSecond(tally.done, seconds)) + " rows/s";
  if (!terminal_) {
    const std::size_t tenths = total == 0 ? 10 : tally.done * 10 / total;
    if (tenths <= tenths_shown_) return {};
    tenths_shown_ = tenths;
    return std::to_string(tenths * 10) + "%  " + counts + "\n";
  }
  const std::size_t filled = total == 0 ? kBarWidth : tally.done * kBarWidth / total;
  std::string line =
      "[" + std::string(filled, '#') + std::string(kBarWidth - filled, '.') + "]  " + counts;
  // The line is redrawn over the last one: blanks cover what a longer last one left.
  const std::size_t width = line.size();
  if (width < drawn_width_) line.append(drawn_width_ - width, ' ');
  drawn_width_ = std::max(drawn_width_, width);
  return "\r" + line;
}

std::string ImportProgress::Finish() const { return drawn_width_ > 0 ? "\n" : ""; }

std::string FormatImportSummary(const ImportTally& tally, double seconds) {
  char seconds_text[32];
  std::snprintf(seconds_text, sizeof seconds_text, "%.1f", seconds);
  const std::vector<std::pair<std::string_view, std::string>> rows = {
      {"rows read", Grouped(tally.rows_read)},
      {"registered", Grouped(tally.registered)},
      {"review", Grouped(tally.review)},
      {"already theirs", Grouped(tally.already_theirs)},
      {"conflicts", Grouped(tally.conflicts)},
      {"invalid", Grouped(tally.invalid)},
      {"seconds", seconds_text},
      {"rows/s", Grouped(RowsPerSecond(tally.done, seconds))},
  };
  std::string summary;
  for (const auto& [label, value] : rows) {
    std::string padded(label);
    padded.resize(16, ' ');
    summary += padded + std::string(value.size() < 12 ? 12 - value.size() : 0, ' ') + value + "\n";
  }
  return summary;
}

}  // namespace leadd::cli
