// The human-readable pages leadctl prints for one lead: `leads show` (the lead, its decision,
// its history) and `explain` (why the router sent it where it went).
#pragma once

#include <string>
#include <string_view>

#include "core/result.h"

namespace leadd::cli {

// `json` is the body of GET /v1/leads/{id}; kRejected when it is not that shape.
Result<std::string> FormatLeadReport(std::string_view json);
// The routing decision alone, rule by rule, with every rep passed over and why.
Result<std::string> FormatExplanation(std::string_view json);

}  // namespace leadd::cli
