// `leadctl leads assign LEAD REP --reason TEXT`: the admin's one-click assignment (DOMAIN
// rule 8), from a pool to a rep or from one rep to another, with the rep's SLA from now.
#pragma once

#include <ostream>
#include <string>
#include <vector>

#include "cli/admin_client.h"

namespace leadd::cli {

// `args` follow "leads": assign LEAD REP --reason TEXT. Returns the exit code: 0, 1 when leadd
// refused (an unknown or departed rep, a closed lead), 64 for bad usage, 69 when leadd cannot
// be reached.
int RunAssignCommand(const AdminClient& client, const std::vector<std::string>& args,
                     std::ostream& out, std::ostream& err);

}  // namespace leadd::cli
