// The body of POST /v1/customers: a batch of customer rows of a CRM export, as `leadctl owners
// import` sends them. A pure parser, so every hostile input is tested (and fuzzed) without a
// server.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "core/result.h"

namespace leadd::api {

// A batch is one round of matching and one Redis round trip; the cap keeps both short enough
// for the request timeout, and the importer sends a large file in several batches.
inline constexpr std::size_t kMaxCustomerRows = 5'000;

// One row as given; every text empty when absent.
struct CustomerRow {
  std::int64_t line = 0;  // the file line, echoed back; 0 when not given
  std::string rep = {};
  std::string email = {};
  std::string phone = {};
  std::string website = {};
  std::string company = {};
  std::string name = {};  // the contact person
  std::string country = {};
  std::string street = {};  // where the contact is: the street address, number included
  std::string city = {};
  std::string postcode = {};
  std::string region = {};            // state, province or county
  std::int64_t registered_at_ms = 0;  // 0 when not given: the time of registration
  std::string source = {};
  std::string stage = {};
  std::string grade = {};
  // Why the row is refused ("row 3: 'rep' is required"); empty for a valid row. A refused row
  // keeps the fields read before the fault, `line` among them when it came first.
  std::string error = {};

  bool Valid() const { return error.empty(); }
};

struct CustomerBatch {
  std::vector<CustomerRow> rows = {};  // in body order, one per row given
};

// {"customers": [ROW, ...]} with 1 to kMaxCustomerRows rows. A ROW is an object of only the
// keys of CustomerRow (`registered_at` for registered_at_ms), each at most once: `line` a
// positive integer, every other value a string of valid UTF-8 without NUL of at most 1,024
// bytes; `rep` required, non-empty, at most 64 bytes; `country` empty or two ASCII letters;
// `registered_at` empty, an RFC 3339 time or a date (UTC). A bad row is refused on its own
// (CustomerRow::error) and the others stand; a body of any other shape, or not UTF-8 anywhere,
// is kRejected whole, with a sentence.
Result<CustomerBatch> ParseCustomerBatch(std::string_view body);

}  // namespace leadd::api
