// Fuzz target: the JSON body of POST /v1/customers.
#include <cstddef>
#include <cstdint>
#include <initializer_list>
#include <string_view>

#include "api/customer_body.h"
#include "core/utf8.h"

namespace {

bool CleanText(std::string_view text, std::size_t max_bytes) {
  return text.size() <= max_bytes && text.find('\0') == std::string_view::npos &&
         leadd::IsValidUtf8(text);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view input(reinterpret_cast<const char*>(data), size);
  auto batch = leadd::api::ParseCustomerBatch(input);
  if (!batch) {
    if (batch.error().code != leadd::Errc::kRejected || batch.error().detail.empty()) {
      __builtin_trap();
    }
    return 0;
  }
  // What the parser lets through is what the registry may store: a bounded batch of rows, each
  // either refused with a sentence or holding a rep and clean, bounded text.
  const auto& rows = batch.value().rows;
  if (rows.empty() || rows.size() > leadd::api::kMaxCustomerRows) __builtin_trap();
  for (const leadd::api::CustomerRow& row : rows) {
    if (row.line < 0 || row.registered_at_ms < 0) __builtin_trap();
    if (!row.Valid()) {
      if (!row.error.starts_with("row ") || !leadd::IsValidUtf8(row.error)) __builtin_trap();
      continue;
    }
    if (row.rep.empty() || !CleanText(row.rep, 64)) __builtin_trap();
    for (const std::string_view text :
         std::initializer_list<std::string_view>{row.email, row.phone, row.website, row.company,
                                                 row.name, row.source, row.stage, row.grade}) {
      if (!CleanText(text, 1024)) __builtin_trap();
    }
    if (!row.country.empty() && row.country.size() != 2) __builtin_trap();
  }
  return 0;
}
