// `leadctl reminders ...`: recurring reminders on a lead through the admin API.
#pragma once

#include <ostream>
#include <string>
#include <string_view>
#include <vector>

#include "cli/admin_client.h"
#include "core/result.h"

namespace leadd::cli {

// `args` follow "reminders": add LEAD --kind KIND [--product P] [--every D] --ahead D
// --first DATE | list LEAD [--json] | remove R-ID. Exit codes as RunRepCommand.
int RunReminderCommand(const AdminClient& client, const std::vector<std::string>& args,
                       std::ostream& out, std::ostream& err);

// The lines `reminders list` prints for the body of GET /v1/leads/{id}/reminders.
Result<std::string> FormatReminderList(std::string_view json);

}  // namespace leadd::cli
