// `leadctl rep ...`: a rep's absence, departure and holdings through the admin API.
#pragma once

#include <cstdint>
#include <ostream>
#include <string>
#include <string_view>
#include <vector>

#include "cli/admin_client.h"
#include "core/result.h"

namespace leadd::cli {

// `args` follow "rep": away REP --from DATE --to DATE --delegate REP2 | back REP |
// show REP [--json] | offboard REP (--to REP2 | --route). Returns the exit code: 0, 1 when
// leadd refused, 64 for bad usage, 69 when leadd cannot be reached.
int RunRepCommand(const AdminClient& client, const std::vector<std::string>& args,
                  std::ostream& out, std::ostream& err);

// The page `rep show` prints for the body of GET /v1/reps/{rep}.
Result<std::string> FormatRepReport(std::string_view json);

// What one offboard call answered, and the sum of several.
struct OffboardRound {
  std::int64_t direct = 0;
  std::int64_t phone = 0;
  std::int64_t in_person = 0;
  std::int64_t requeued = 0;
  std::int64_t closed_leads = 0;
  std::int64_t customers = 0;
  std::int64_t skipped = 0;
  std::int64_t open_left = 0;
  std::int64_t closed_left = 0;
  std::int64_t customers_left = 0;
  bool done = false;

  std::int64_t Moved() const { return direct + phone + in_person + requeued + closed_leads; }
};
Result<OffboardRound> ParseOffboardAnswer(std::string_view json);
// The closing line: what the whole departure moved.
std::string OffboardSummary(std::string_view rep, std::string_view to, const OffboardRound& total);

}  // namespace leadd::cli
