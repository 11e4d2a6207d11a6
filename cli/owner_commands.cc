#include "cli/owner_commands.h"

#include <unistd.h>

#include <charconv>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <iterator>
#include <thread>
#include <utility>

#include "cli/admin_answers.h"
#include "cli/command_args.h"
#include "cli/owner_import.h"
#include "core/ascii.h"

namespace leadd::cli {
namespace {

constexpr const char* kOwnersUsage = R"(usage:
  leadctl owners import FILE [--map FIELD=COLUMN]... [--rep REP] [--delimiter ,|tab]
                             [--source TEXT] [--batch N] [--report FILE] [--quiet]
)";

int Usage(std::ostream& err, std::string_view problem) {
  if (!problem.empty()) err << "leadctl: " << problem << "\n";
  err << kOwnersUsage;
  return kExitUsage;
}

struct ImportSettings {
  std::string file;
  std::vector<std::string> maps;
  std::string rep;
  char delimiter = ',';
  std::string source;
  std::size_t batch = kDefaultBatchRows;
  std::string report;
  bool quiet = false;
};

// --map may be given once per field, which ParseArgs does not allow: it is taken out first.
std::optional<ImportSettings> ParseImportArgs(const std::vector<std::string>& args,
                                              std::string& problem) {
  ImportSettings settings;
  std::vector<std::string> rest;
  for (std::size_t i = 0; i < args.size(); ++i) {
    if (args[i] != "--map") {
      rest.push_back(args[i]);
    } else if (i + 1 < args.size()) {
      settings.maps.push_back(args[++i]);
    } else {
      problem = "--map needs FIELD=COLUMN";
      return std::nullopt;
    }
  }
  const auto parsed = ParseArgs(rest, {"--rep", "--delimiter", "--source", "--batch", "--report"},
                                {"--quiet"}, problem);
  if (!parsed) return std::nullopt;
  if (parsed->positional.size() != 2 || parsed->positional[0] != "import") {
    problem = parsed->positional.empty() || parsed->positional[0] == "import"
                  ? "give the file to import"
                  : "unknown command owners " + parsed->positional[0];
    return std::nullopt;
  }
  settings.file = parsed->positional[1];
  const auto value = [&](const std::string& flag, std::string fallback) {
    const auto found = parsed->values.find(flag);
    return found == parsed->values.end() ? fallback : found->second;
  };
  settings.rep = value("--rep", "");
  settings.source =
      value("--source", "import " + std::filesystem::path(settings.file).filename().string());
  settings.report = value("--report", settings.file + ".import-report.csv");
  settings.quiet = parsed->switches.contains("--quiet");

  const std::string extension =
      AsciiLowered(std::filesystem::path(settings.file).extension().string());
  const std::string delimiter = value("--delimiter", extension == ".tsv" ? "tab" : ",");
  if (delimiter != "," && delimiter != "tab") {
    problem = "--delimiter takes , or tab, not " + delimiter;
    return std::nullopt;
  }
  settings.delimiter = delimiter == "tab" ? '\t' : ',';

  const std::string batch = value("--batch", std::to_string(kDefaultBatchRows));
  const auto read = std::from_chars(batch.data(), batch.data() + batch.size(), settings.batch);
  if (read.ec != std::errc() || read.ptr != batch.data() + batch.size() || settings.batch == 0 ||
      settings.batch > kMaxBatchRows) {
    problem = "--batch takes a number of rows from 1 to " + std::to_string(kMaxBatchRows) +
              ", not " + batch;
    return std::nullopt;
  }
  if (settings.rep.empty() && parsed->values.contains("--rep")) {
    problem = "--rep needs a rep";
    return std::nullopt;
  }
  return settings;
}

// The whole export: CsvScanner reads records out of one text.
std::optional<std::string> ReadExport(const std::string& file, std::ostream& err, int& code) {
  std::error_code ec;
  if (!std::filesystem::exists(file, ec)) {
    err << "leadctl: there is no file " << file << "\n";
    code = kExitNoInput;
    return std::nullopt;
  }
  std::ifstream in(file, std::ios::binary);
  const auto size = std::filesystem::file_size(file, ec);
  if (in && !ec && std::filesystem::is_regular_file(file, ec)) {
    std::string text(size, '\0');
    if (in.read(text.data(), static_cast<std::streamsize>(size))) return text;
  }
  err << "leadctl: cannot read " << file << "\n";
  code = kExitDataError;
  return std::nullopt;
}

// Sends one batch, waiting out 503s (the owner index loading, Redis away) for up to
// kRetryBudget. kUnavailable when leadd cannot be reached or stays unready.
Result<HttpAnswer> SendBatch(const AdminClient& client, const std::string& body, std::ostream& err,
                             bool& told_waiting) {
  const auto give_up = std::chrono::steady_clock::now() + kRetryBudget;
  for (int attempt = 1;; ++attempt) {
    auto sent = client.Send("POST", "/v1/customers", body);
    if (!sent || sent.value().status != 503) return sent;
    const Duration delay = RetryDelay(attempt);
    if (std::chrono::steady_clock::now() + delay > give_up) {
      return Unavailable("leadd stayed unavailable for a minute: " + RefusalOf(sent.value()));
    }
    if (!told_waiting) {
      err << "leadctl: leadd is not ready (" << RefusalOf(sent.value())
          << "); retrying for up to a minute\n";
      told_waiting = true;
    }
    std::this_thread::sleep_for(delay);
  }
}

// Why the import stopped after leadd answered a batch with `answer`.
std::string RefusalSentence(const HttpAnswer& answer) {
  if (answer.status == 401 || answer.status == 403) {
    return "leadd refused the admin token (" + std::to_string(answer.status) +
           "): " + RefusalOf(answer);
  }
  return "leadd answered " + std::to_string(answer.status) + ": " + RefusalOf(answer);
}

}  // namespace

int RunOwnersCommand(const AdminClient& client, const std::vector<std::string>& args,
                     std::ostream& out, std::ostream& err) {
  std::string problem;
  const auto settings = ParseImportArgs(args, problem);
  if (!settings) return Usage(err, problem);

  int code = 0;
  const auto text = ReadExport(settings->file, err, code);
  if (!text) return code;
  const auto header = ReadExportHeader(*text, settings->delimiter);
  if (!header) {
    err << "leadctl: " << settings->file << ": " << header.error().detail << "\n";
    return kExitDataError;
  }
  const auto mapping = MapColumns(header.value(), settings->maps, !settings->rep.empty());
  if (!mapping) {
    err << "leadctl: " << mapping.error().detail << "\n";
    return kExitUsage;
  }

  std::vector<ImportRow> rows;
  std::vector<ReportLine> report;
  ImportTally tally;
  for (ImportRow& row : ReadExportRows(*text, settings->delimiter, mapping.value(),
                                       {settings->rep, settings->source})) {
    ++tally.rows_read;
    if (row.invalid.empty()) {
      rows.push_back(std::move(row));
      continue;
    }
    ++tally.invalid;
    ++tally.done;
    report.push_back(ReportLine{.line = row.line,
                                .outcome = "invalid",
                                .owner = {},
                                .customer = {},
                                .registered_at = {},
                                .detail = std::move(row.invalid)});
  }
  if (mapping.value().ColumnOf("registered_at")) OrderByRegistration(rows);

  std::ofstream report_file(settings->report, std::ios::binary | std::ios::trunc);
  if (!report_file) {
    err << "leadctl: cannot write the report " << settings->report << "\n";
    return kExitCannotCreate;
  }

  const bool terminal = &err == &std::cerr && isatty(STDERR_FILENO) == 1;
  ImportProgress progress(terminal);
  const auto started = std::chrono::steady_clock::now();
  const auto seconds = [&] {
    return std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
  };
  const auto write_report = [&] {
    report_file << ReportCsv(std::move(report));
    report_file.close();
    if (!report_file) err << "leadctl: cannot write the report " << settings->report << "\n";
    return static_cast<bool>(report_file);
  };
  // What a stopped import has done: the rows answered so far are in the registry.
  const auto stop = [&](int exit_code, const std::string& why, std::size_t imported) {
    if (!settings->quiet) err << progress.Finish();
    err << "leadctl: " << why << "\n";
    write_report();
    err << "leadctl: " << imported << " of " << rows.size()
        << " rows were imported before the import stopped; running it again is safe: rows "
           "already registered come back as already_theirs. Report so far: "
        << settings->report << "\n";
    return exit_code;
  };

  bool told_waiting = false;
  for (std::size_t begin = 0; begin < rows.size();) {
    const std::size_t end = BatchEnd(rows, begin, settings->batch, kMaxBatchBytes);
    auto answer = SendBatch(client, BatchBody(rows, begin, end), err, told_waiting);
    if (!answer) return stop(kExitUnavailable, answer.error().detail, begin);
    if (answer.value().status != 200)
      return stop(kExitRefused, RefusalSentence(answer.value()), begin);
    auto lines = ReadBatchAnswer(answer.value().body, rows, begin, end, tally);
    if (!lines) return stop(kExitRefused, lines.error().detail, begin);
    report.insert(report.end(), std::make_move_iterator(lines.value().begin()),
                  std::make_move_iterator(lines.value().end()));
    if (!settings->quiet) err << progress.Update(tally, seconds()) << std::flush;
    begin = end;
  }
  if (!settings->quiet) err << progress.Finish();
  const std::size_t reported = report.size();
  if (!write_report()) return kExitCannotCreate;
  out << FormatImportSummary(tally, seconds());
  out << "report: " << settings->report << " (" << reported << (reported == 1 ? " row" : " rows")
      << " not registered)\n";
  return 0;
}

}  // namespace leadd::cli
