// The pure parts of `leadctl owners import`: a CRM export of existing customers read through a
// column mapping into the rows POST /v1/customers takes, cut into batches, the daemon's
// answers counted, and the progress, summary and conflict report people read.
#pragma once

#include <array>
#include <chrono>
#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "connectors/lead_csv.h"
#include "core/clock.h"
#include "core/result.h"

namespace leadd::cli {

// The fields of a customer row, in the order its JSON lists them.
inline constexpr std::array<std::string_view, 15> kCustomerFields = {
    "rep",  "email",    "phone",  "website",       "company", "name",  "country", "street",
    "city", "postcode", "region", "registered_at", "source",  "stage", "grade"};

// What POST /v1/customers takes in one call: rows, and bytes below the daemon's default 1 MiB
// body limit with room for the envelope.
inline constexpr std::size_t kDefaultBatchRows = 1'000;
inline constexpr std::size_t kMaxBatchRows = 5'000;
inline constexpr std::size_t kMaxBatchBytes = 900'000;

// Which header column fills each customer field.
struct ColumnMapping {
  std::array<std::optional<std::size_t>, kCustomerFields.size()> columns = {};
  std::size_t header_columns = 0;

  std::optional<std::size_t> ColumnOf(std::string_view field) const;
};

// The header of a CRM export: its first record, after a UTF-8 byte order mark. kRejected when
// the text is empty, the header is malformed or is not UTF-8.
Result<std::vector<std::string>> ReadExportHeader(std::string_view text, char delimiter);

// A header cell equal to a field's name (ASCII case and surrounding blanks ignored) fills that
// field; each of `overrides` ("FIELD=COLUMN", the column by its exact text) replaces that.
// kRejected, in a sentence, for an unknown field, a column the header lacks, one column given to
// two fields, no rep column without `has_default_rep`, or no key column (email, phone, website,
// company).
Result<ColumnMapping> MapColumns(const std::vector<std::string>& header,
                                 const std::vector<std::string>& overrides, bool has_default_rep);

// One data row of the export, ready to send, or why it is not sent.
struct ImportRow {
  std::size_t line = 0;
  std::string rep;                        // the row's owner, or the default rep
  std::optional<WallTime> registered_at;  // when the row's date reads as one
  std::string json;                       // the ROW object POST /v1/customers takes
  std::string invalid;                    // why the row is not sent; empty when it is
};

struct RowDefaults {
  std::string rep;     // --rep: the owner of rows whose rep cell is empty
  std::string source;  // --source: every row's "source"
};

// The data rows after the header, in file order. A malformed record, a row with the wrong
// number of cells, a cell that is not UTF-8 or holds a NUL byte, a row without rep or without any
// key value becomes an invalid row naming its line, never dropped. Cells are trimmed of
// surrounding blanks; an empty cell is left out of the JSON.
std::vector<ImportRow> ReadExportRows(std::string_view text, char delimiter,
                                      const ColumnMapping& mapping, const RowDefaults& defaults);

// Sorts rows so the earliest registration is sent first, and so wins the customer: dated rows
// by date, then the undated, each group in file order.
void OrderByRegistration(std::vector<ImportRow>& rows);

// The end of the batch of sendable rows that starts at `begin`: at most `max_rows` rows, and no
// more bytes of JSON than `max_bytes` unless one row alone has more. `rows` holds no invalid row.
std::size_t BatchEnd(const std::vector<ImportRow>& rows, std::size_t begin, std::size_t max_rows,
                     std::size_t max_bytes);

// {"customers":[ROW,...]} for rows [begin, end).
std::string BatchBody(const std::vector<ImportRow>& rows, std::size_t begin, std::size_t end);

// A row of the conflict report: every outcome but "registered".
struct ReportLine {
  std::size_t line = 0;
  std::string outcome;  // conflict, already_theirs, review, invalid
  std::string owner;
  std::string customer;
  std::string registered_at;
  std::string detail;
};

struct ImportTally {
  std::size_t rows_read = 0;  // data rows in the file
  std::size_t done = 0;       // rows with an outcome: answered by leadd, or invalid here
  std::size_t registered = 0;
  std::size_t review = 0;
  std::size_t already_theirs = 0;
  std::size_t conflicts = 0;
  std::size_t invalid = 0;
};

// Counts the answer to the batch [begin, end) of `rows` into `tally` and returns its report
// lines. kRejected when the answer is not one result per row, in order, of a known outcome.
Result<std::vector<ReportLine>> ReadBatchAnswer(std::string_view answer,
                                                const std::vector<ImportRow>& rows,
                                                std::size_t begin, std::size_t end,
                                                ImportTally& tally);

// The report file: a CSV header and the lines ordered by line.
std::string ReportCsv(std::vector<ReportLine> lines);

// How long to wait before retrying a batch leadd answered 503 for the `attempt`th time
// (1-based): doubling from half a second, at most five.
Duration RetryDelay(int attempt);
// How long a batch is retried while leadd answers 503.
inline constexpr Duration kRetryBudget = std::chrono::seconds(60);

// The progress on stderr. On a terminal one line redrawn after each batch; elsewhere (CI logs,
// pipes) a line of its own at each tenth of the rows, so a log shows ten lines at most.
class ImportProgress {
 public:
  explicit ImportProgress(bool terminal) : terminal_(terminal) {}

  // What to write after a batch; empty when nothing.
  std::string Update(const ImportTally& tally, double seconds);
  // What to write when the import ends: the newline that ends a redrawn line.
  std::string Finish() const;

 private:
  bool terminal_ = false;
  std::size_t tenths_shown_ = 0;
  std::size_t drawn_width_ = 0;
};

// The summary printed at the end: rows read, each outcome, seconds and rows per second.
std::string FormatImportSummary(const ImportTally& tally, double seconds);

}  // namespace leadd::cli
