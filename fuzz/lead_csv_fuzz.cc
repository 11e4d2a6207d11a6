// Fuzz target: a leads CSV file for `leadd route --dry-run`, as CSV and as TSV.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "connectors/lead_csv.h"

namespace {

void ReadEveryRow(std::string_view text, char delimiter) {
  auto reader = leadd::connectors::LeadCsvReader::Open(text, delimiter, leadd::WallTime{});
  if (!reader) return;
  std::size_t last_line = 0;
  while (auto row = reader.value().Next()) {
    // Rows come in file order, each after the header and the row before it.
    if (row->line <= last_line || row->line < 2) __builtin_trap();
    last_line = row->line;
    if (row->lead && row->lead.value().source_key.empty()) __builtin_trap();
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  ReadEveryRow(text, ',');
  ReadEveryRow(text, '\t');
  return 0;
}
