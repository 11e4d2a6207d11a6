// Fuzz target: the phone field of a lead, with the lead's country taken from the first two bytes.
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "dedupe/phone_key.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view input(reinterpret_cast<const char*>(data), size);
  const std::string_view region = input.substr(0, 2);
  const std::string_view text = input.substr(region.size());
  if (auto key = leadd::dedupe::PhoneKey(text, region)) {
    // A key is "+", a known calling code and a national number of at most 17 digits (the
    // library's limit, above E.164's 15: some plans are longer), and a fixed point.
    const std::string& e164 = key.value();
    if (e164.size() < 3 || e164.size() > 21 || e164.front() != '+') __builtin_trap();
    if (e164.find_first_not_of("0123456789", 1) != std::string::npos) __builtin_trap();
    if (leadd::dedupe::PhoneCountryCode(e164).empty()) __builtin_trap();
    auto again = leadd::dedupe::PhoneKey(e164, "");
    if (!again || again.value() != e164) __builtin_trap();
  } else if (key.error().code != leadd::Errc::kRejected || key.error().detail.empty()) {
    __builtin_trap();
  }
  return 0;
}
