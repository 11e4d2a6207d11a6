// The human-readable page `leadctl leads show` prints for one lead.
#pragma once

#include <string>
#include <string_view>

#include "core/result.h"

namespace leadd::cli {

// `json` is the body of GET /v1/leads/{id}; kRejected when it is not that shape.
Result<std::string> FormatLeadReport(std::string_view json);

}  // namespace leadd::cli
