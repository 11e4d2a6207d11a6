// What leadctl's commands share in reading the daemon's answers: exit codes, fields of a JSON
// answer, and one request with its refusal printed.
#pragma once

#include <simdjson.h>

#include <cstdint>
#include <optional>
#include <ostream>
#include <string>
#include <string_view>

#include "cli/admin_client.h"

namespace leadd::cli {

// Exit codes (sysexits.h where one fits): leadd refused, bad usage, leadd unreachable.
inline constexpr int kExitRefused = 1;
inline constexpr int kExitUsage = 64;
inline constexpr int kExitUnavailable = 69;

// A text or whole-number member of a JSON object; "" or 0 when absent or of another type.
std::string JsonText(simdjson::dom::element element, std::string_view key);
std::int64_t JsonNumber(simdjson::dom::element element, std::string_view key);

// Why leadd refused: the answer's "error" sentence (with the "known" names some refusals list),
// or the body itself when it has none.
std::string RefusalOf(const HttpAnswer& answer);

// Sends one request. nullopt when leadd answered `expected` (the answer is in `answer`);
// otherwise prints why to `err` and returns the exit code.
std::optional<int> CallAdmin(const AdminClient& client, std::string_view method,
                             const std::string& path, const std::string& body, std::ostream& err,
                             HttpAnswer& answer, int expected = 200);

}  // namespace leadd::cli
