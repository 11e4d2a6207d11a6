#include "api/customer_body.h"

#include <simdjson.h>

#include <array>
#include <set>

#include "api/admin_bodies.h"
#include "core/ascii.h"
#include "core/clock.h"

namespace leadd::api {
namespace {

constexpr std::size_t kMaxRepBytes = 64;
constexpr std::size_t kMaxTextBytes = 1'024;
constexpr std::size_t kMaxShownBytes = 64;

// A key from the request, for a message: printable ASCII only, and short.
std::string Shown(std::string_view text) { return QuotedForMessage(text, kMaxShownBytes, '\''); }

struct TextField {
  std::string_view key = {};
  std::string CustomerRow::*member = nullptr;
};
constexpr std::array<TextField, 14> kTextFields = {{
    {"rep", &CustomerRow::rep},
    {"email", &CustomerRow::email},
    {"phone", &CustomerRow::phone},
    {"website", &CustomerRow::website},
    {"company", &CustomerRow::company},
    {"name", &CustomerRow::name},
    {"country", &CustomerRow::country},
    {"street", &CustomerRow::street},
    {"city", &CustomerRow::city},
    {"postcode", &CustomerRow::postcode},
    {"region", &CustomerRow::region},
    {"source", &CustomerRow::source},
    {"stage", &CustomerRow::stage},
    {"grade", &CustomerRow::grade},
}};
constexpr std::string_view kLine = "line";
constexpr std::string_view kRegisteredAt = "registered_at";

bool IsAsciiLetter(char c) {
  const char lower = AsciiLower(c);
  return lower >= 'a' && lower <= 'z';
}

const TextField* TextFieldNamed(std::string_view key) {
  for (const TextField& field : kTextFields) {
    if (field.key == key) return &field;
  }
  return nullptr;
}

Result<std::string_view> ReadText(std::string_view key, simdjson::dom::element value) {
  std::string_view text;
  if (value.get(text)) return Rejected(Shown(key) + " must be a string");
  if (text.size() > kMaxTextBytes) {
    return Rejected(Shown(key) + " is longer than " + std::to_string(kMaxTextBytes) + " bytes");
  }
  // simdjson refuses a body with bytes that are not UTF-8 and escapes of lone surrogates, but
  // takes \u0000, whose NUL would cut the text short in any C string downstream.
  if (text.find('\0') != std::string_view::npos) return Rejected(Shown(key) + " holds a NUL");
  return text;
}

Result<void> ReadField(std::string_view key, simdjson::dom::element value, CustomerRow& row) {
  if (key == kLine) {
    std::int64_t line = 0;
    if (value.get(line) || line <= 0) return Rejected("'line' must be a positive integer");
    row.line = line;
    return Ok();
  }
  const TextField* field = TextFieldNamed(key);
  if (field == nullptr && key != kRegisteredAt) {
    return Rejected("unknown key " + Shown(key) +
                    "; expected rep, email, phone, website, company, name, country, "
                    "registered_at, source, stage, grade and line");
  }
  LEADD_TRY(text, ReadText(key, value));
  if (field == nullptr) {
    if (text.empty()) return Ok();
    LEADD_TRY(instant, ParseInstant(text, DateEdge::kStartOfDay, "", "'registered_at'"));
    row.registered_at_ms = ToEpochMillis(instant);
    return Ok();
  }
  if (key == "rep" && text.size() > kMaxRepBytes) {
    return Rejected("'rep' is longer than " + std::to_string(kMaxRepBytes) + " bytes");
  }
  if (key == "country" && !text.empty() &&
      (text.size() != 2 || !IsAsciiLetter(text[0]) || !IsAsciiLetter(text[1]))) {
    return Rejected("'country' must be two letters (ISO 3166-1 alpha-2) such as \"DE\"");
  }
  row.*(field->member) = std::string(text);
  return Ok();
}

Result<void> ReadRow(simdjson::dom::element element, CustomerRow& row) {
  simdjson::dom::object object;
  if (element.get(object)) return Rejected("must be an object");
  std::set<std::string_view> seen;  // views into the parser's document, alive until return
  for (const auto field : object) {
    if (!seen.insert(field.key).second) return Rejected(Shown(field.key) + " appears twice");
    LEADD_TRYV(ReadField(field.key, field.value, row));
  }
  if (row.rep.empty()) return Rejected("'rep' is required");
  return Ok();
}

}  // namespace

Result<CustomerBatch> ParseCustomerBatch(std::string_view text) {
  simdjson::dom::parser parser;
  simdjson::dom::element root;
  if (auto error = parser.parse(text.data(), text.size()).get(root); error) {
    return Rejected(std::string("body is not valid JSON: ") + simdjson::error_message(error));
  }
  constexpr std::string_view kShape = "; expected {\"customers\": [ROW, ...]}";
  simdjson::dom::object object;
  if (root.get(object)) return Rejected(std::string("body must be a JSON object") += kShape);
  simdjson::dom::array rows;
  bool has_rows = false;
  for (const auto field : object) {
    if (field.key != "customers") {
      return Rejected("unknown field " + Shown(field.key) + std::string(kShape));
    }
    if (has_rows) return Rejected("field 'customers' appears twice");
    if (field.value.get(rows)) return Rejected("customers must be an array of rows");
    has_rows = true;
  }
  if (!has_rows) return Rejected(std::string("customers is required") += kShape);
  if (rows.size() == 0) return Rejected("customers is empty: give at least one row");
  if (rows.size() > kMaxCustomerRows) {
    return Rejected("customers holds more than " + std::to_string(kMaxCustomerRows) +
                    " rows; send them in several batches");
  }
  CustomerBatch batch;
  batch.rows.reserve(rows.size());
  for (const simdjson::dom::element element : rows) {
    CustomerRow& row = batch.rows.emplace_back();
    if (auto read = ReadRow(element, row); !read) {
      row.error = "row " + std::to_string(batch.rows.size()) + ": " + read.error().detail;
    }
  }
  return batch;
}

}  // namespace leadd::api
