// Fuzz target: the JSON body of POST /v1/leads.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "connectors/web_form/lead_json.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view body(reinterpret_cast<const char*>(data), size);
  const auto split = body.find('\n');
  // The first line, when there is one, plays the Idempotency-Key header.
  const auto key = split == std::string_view::npos ? std::string_view{} : body.substr(0, split);
  auto lead = leadd::connectors::ParseLeadJson(body, key, leadd::WallTime{});
  if (lead && lead.value().source_key.empty()) __builtin_trap();  // a committed lead needs a key
  return 0;
}
