#include "connectors/lead_csv.h"

#include <simdjson.h>

#include <set>

#include "config/nearest_name.h"
#include "connectors/web_form/lead_json.h"

namespace leadd::connectors {
namespace {

constexpr std::string_view kByteOrderMark = "\xEF\xBB\xBF";
// Names from the file are echoed in messages: keep them short and free of control bytes.
constexpr std::size_t kMaxEchoedBytes = 64;

std::string Echoed(std::string_view name) {
  std::string shown(name.substr(0, kMaxEchoedBytes));
  for (char& c : shown) {
    if (static_cast<unsigned char>(c) < 0x20 || c == 0x7f) c = '?';
  }
  return shown;
}

std::string AtLine(std::size_t line, std::string_view what) {
  return "line " + std::to_string(line) + ": " + std::string(what);
}

// The header's names, each a lead field named once.
Result<std::vector<std::string>> ColumnsOf(const CsvRecord& header) {
  if (!header.problem.empty()) return Rejected(AtLine(header.line, header.problem));
  const std::vector<std::string_view> known = LeadFieldNames();
  std::set<std::string_view> seen;
  for (std::size_t i = 0; i < header.fields.size(); ++i) {
    const std::string& name = header.fields[i];
    if (name.empty()) {
      return Rejected(AtLine(header.line, "column " + std::to_string(i + 1) +
                                              " has no name; the header names a lead field "
                                              "for every column"));
    }
    if (LeadFieldLimit(name) == 0) {
      std::string why = "unknown column '" + Echoed(name) + "'";
      if (const auto hint = config::NearestName(name, known)) {
        why += " (did you mean '" + *hint + "'?)";
      }
      return Rejected(AtLine(header.line, why));
    }
    if (!seen.insert(name).second) {
      return Rejected(AtLine(header.line, "column '" + name + "' appears twice"));
    }
  }
  return header.fields;
}

}  // namespace

std::optional<CsvRecord> CsvScanner::Next() {
  // A blank line between records holds no lead: skipped, as in JSON Lines.
  while (at_ < text_.size()) {
    if (text_[at_] == '\n') {
      at_ += 1;
    } else if (text_.substr(at_, 2) == "\r\n") {
      at_ += 2;
    } else {
      break;
    }
    ++line_;
  }
  if (at_ >= text_.size()) return std::nullopt;

  CsvRecord record;
  record.line = line_;
  const std::size_t start = at_;
  std::size_t end = start;  // where the record's text stops, before its line end
  std::size_t column = 1;
  std::size_t field_start = at_;
  std::size_t quote_line = 0;  // where the open quoted field began; 0 outside one
  bool after_closing_quote = false;
  std::string field;
  // Only the first problem is told; the scan goes on to the record's end all the same.
  const auto note = [&](std::string why) {
    if (record.problem.empty()) record.problem = std::move(why);
  };
  const auto in_column = [&] { return " in column " + std::to_string(column); };
  const auto keep = [&](char c) {
    if (record.problem.empty()) field += c;
  };
  const auto next_is = [&](char c) { return at_ + 1 < text_.size() && text_[at_ + 1] == c; };

  while (true) {
    if (record.problem.empty() && at_ - start > kMaxCsvRowBytes) {
      note("the row is longer than " + std::to_string(kMaxCsvRowBytes) + " bytes");
    }
    if (at_ == text_.size()) {
      if (quote_line != 0) {
        note("the quote opened on line " + std::to_string(quote_line) + in_column() +
             " is never closed");
      }
      end = at_;
      break;
    }
    const char c = text_[at_];
    if (quote_line != 0) {
      if (c == '"' && next_is('"')) {
        keep('"');
        at_ += 2;
        continue;
      }
      if (c == '"') {
        quote_line = 0;
        after_closing_quote = true;
      } else {
        if (c == '\n') ++line_;
        keep(c);
      }
      ++at_;
      continue;
    }
    if (c == delimiter_) {
      if (record.problem.empty()) record.fields.push_back(std::move(field));
      field.clear();
      after_closing_quote = false;
      ++column;
      field_start = ++at_;
      continue;
    }
    if (c == '\n' || (c == '\r' && next_is('\n'))) {
      end = at_;
      at_ += c == '\r' ? 2 : 1;
      ++line_;
      break;
    }
    if (c == '"' && at_ == field_start) {
      quote_line = line_;
      ++at_;
      continue;
    }
    if (c == '\r') {
      note("a carriage return without a line feed" + in_column());
    } else if (after_closing_quote) {
      note("text after the closing quote" + in_column());
    } else if (c == '"') {
      note("a quote inside an unquoted field" + in_column() +
           ": quote the whole field and double the quotes inside it");
    }
    keep(c);
    ++at_;
  }
  if (record.problem.empty()) {
    record.fields.push_back(std::move(field));
  } else {
    record.fields.clear();
  }
  record.text = text_.substr(start, end - start);
  return record;
}

Result<LeadCsvReader> LeadCsvReader::Open(std::string_view text, char delimiter,
                                          WallTime received_at) {
  if (text.starts_with(kByteOrderMark)) text.remove_prefix(kByteOrderMark.size());
  CsvScanner rows(text, delimiter);
  const auto header = rows.Next();
  if (!header) {
    return Rejected("the file is empty: its first line must name the lead field of each column");
  }
  LEADD_TRY(columns, ColumnsOf(*header));
  return LeadCsvReader(rows, std::move(columns), received_at);
}

std::optional<CsvLead> LeadCsvReader::Next() {
  auto record = rows_.Next();
  if (!record) return std::nullopt;
  const auto refuse = [&](std::string why) {
    return CsvLead{record->line, Rejected(std::move(why))};
  };
  if (!record->problem.empty()) return refuse(record->problem);
  if (record->fields.size() != columns_.size()) {
    return refuse("the row has " + std::to_string(record->fields.size()) + " fields, the header " +
                  std::to_string(columns_.size()));
  }
  JsonFields fields;
  for (std::size_t i = 0; i < columns_.size(); ++i) {
    const std::string& name = columns_[i];
    std::string& value = record->fields[i];
    if (value.empty()) continue;
    const std::size_t limit = LeadFieldLimit(name);
    if (value.size() > limit) {
      return refuse("field '" + name + "' is longer than " + std::to_string(limit) + " bytes");
    }
    if (value.find('\0') != std::string::npos)
      return refuse("field '" + name + "' holds a NUL byte");
    if (!simdjson::validate_utf8(value.data(), value.size())) {
      return refuse("field '" + name + "' is not valid UTF-8");
    }
    fields.emplace(name, std::move(value));
  }
  return CsvLead{record->line, LeadFromFields(std::move(fields), {}, record->text, received_at_)};
}

}  // namespace leadd::connectors
