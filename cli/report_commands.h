// `leadctl report ...`: reports over the audit and shadow streams through the admin API.
#pragma once

#include <ostream>
#include <string>
#include <string_view>
#include <vector>

#include "cli/admin_client.h"
#include "core/result.h"

namespace leadd::cli {

// `args` follow "report": distribution|shadow --since DURATION [--until DURATION] [--json].
// Returns the exit code: 0, 1 when leadd refused, 64 for bad usage, 69 when leadd cannot be
// reached.
int RunReportCommand(const AdminClient& client, const std::vector<std::string>& args,
                     std::ostream& out, std::ostream& err);

// The request `report distribution` or `report shadow` sends for its flags, or kRejected saying
// what is wrong.
Result<std::string> ReportTarget(const std::vector<std::string>& args, bool& as_json);

// The tables `report distribution` prints for the body of GET /v1/reports/distribution.
Result<std::string> FormatDistribution(std::string_view json);

// The counts and differences `report shadow` prints for the body of GET /v1/reports/shadow.
Result<std::string> FormatShadow(std::string_view json);

}  // namespace leadd::cli
