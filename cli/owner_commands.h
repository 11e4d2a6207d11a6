// `leadctl owners ...`: the customers reps already own, loaded into the daemon's owner registry.
#pragma once

#include <ostream>
#include <string>
#include <vector>

#include "cli/admin_client.h"

namespace leadd::cli {

// EX_DATAERR, EX_NOINPUT and EX_CANTCREAT (sysexits.h): an export that cannot be read or is
// malformed, one that does not exist, a report that cannot be written.
inline constexpr int kExitDataError = 65;
inline constexpr int kExitNoInput = 66;
inline constexpr int kExitCannotCreate = 73;

// `args` follow "owners": import FILE [--map FIELD=COLUMN]... [--rep REP] [--delimiter ,|tab]
// [--source TEXT] [--batch N] [--report FILE] [--quiet]. The rows go to POST /v1/customers in
// batches, one after another; progress goes to `err`, the summary to `out`, every row not
// registered to the report. Returns 0 when the import ran to the end (conflicts included), 1 when
// leadd refused, 64 for bad usage or mapping, 65/66 for the file, 69 when leadd cannot be
// reached, 73 when the report cannot be written.
int RunOwnersCommand(const AdminClient& client, const std::vector<std::string>& args,
                     std::ostream& out, std::ostream& err);

}  // namespace leadd::cli
