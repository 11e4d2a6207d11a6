// `leadctl metric ...`: reading and pushing the values `top` rules rank reps by.
#pragma once

#include <optional>
#include <ostream>
#include <string>
#include <string_view>
#include <vector>

#include "cli/admin_client.h"
#include "core/result.h"

namespace leadd::cli {

// `args` follow "metric": show NAME [--window ID] [--json] | set NAME REP=VALUE...
// [--window ID] [--replace]. Exit codes as RunRepCommand.
int RunMetricCommand(const AdminClient& client, const std::vector<std::string>& args,
                     std::ostream& out, std::ostream& err);

// The body of PUT /v1/metrics/{name} from REP=VALUE arguments; kRejected naming the first
// argument that is not a rep and a finite number, or a rep given twice.
Result<std::string> MetricSetBody(const std::vector<std::string>& assignments,
                                  const std::optional<std::string>& window, bool replace);

// The lines `metric show` prints for the body of GET /v1/metrics/{name}: the reps ranked by
// value, highest first (equal values share a rank, in rep order).
Result<std::string> FormatMetricValues(std::string_view json);

}  // namespace leadd::cli
