// Leads from a CSV or TSV file (RFC 4180): a header row naming lead fields, then one lead a row.
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/lead.h"
#include "core/result.h"

namespace leadd::connectors {

// A row's bytes, line ends and quotes included, beyond which its fields are no longer kept: more
// than every lead field at its limit together, so only a broken or hostile row reaches it.
inline constexpr std::size_t kMaxCsvRowBytes = 128 * 1024;

// One record as RFC 4180 reads it: fields split on the delimiter, quotes taken off.
struct CsvRecord {
  std::size_t line = 0;  // the line it starts on, 1-based
  std::vector<std::string> fields;
  std::string_view text;  // the record as written, without its line end
  std::string problem;    // why the record is malformed; empty when it is not
};

// Splits text into records. Quoted fields may hold the delimiter, doubled quotes and line ends;
// records end in LF or CR LF; blank lines are skipped. A malformed record (an unterminated
// quote, a quote inside an unquoted field, text after a closing quote, a lone CR, more than
// kMaxCsvRowBytes) is returned with its problem, and the next one starts after it, so that one
// bad row never hides the rest.
class CsvScanner {
 public:
  CsvScanner(std::string_view text, char delimiter) : text_(text), delimiter_(delimiter) {}

  // The next record; nullopt at the end of the text.
  std::optional<CsvRecord> Next();

 private:
  std::string_view text_;
  char delimiter_;
  std::size_t at_ = 0;
  std::size_t line_ = 1;
};

// A lead read from one row, or why the row was refused ("field 'source' is required").
struct CsvLead {
  std::size_t line = 0;
  Result<Lead> lead;
};

// Reads leads row by row. The header names each column's lead field by its JSON name
// ("email", "contact_name"); every name must be known and appear once. Each row then becomes a
// lead through the rules POST /v1/leads applies (LeadFromFields): an empty cell is an absent
// field, values within the field's limit, valid UTF-8 without NUL bytes. A UTF-8 byte order
// mark before the header is skipped.
class LeadCsvReader {
 public:
  // Reads the header; an error (kRejected, naming the line) when the text has none or it is
  // malformed. `delimiter` is ',' for CSV and '\t' for TSV.
  static Result<LeadCsvReader> Open(std::string_view text, char delimiter, WallTime received_at);

  // The next row's lead or refusal; nullopt after the last row.
  std::optional<CsvLead> Next();

 private:
  LeadCsvReader(CsvScanner rows, std::vector<std::string> columns, WallTime received_at)
      : rows_(rows), columns_(std::move(columns)), received_at_(received_at) {}

  CsvScanner rows_;
  std::vector<std::string> columns_;  // the lead field of each column
  WallTime received_at_;
};

}  // namespace leadd::connectors
