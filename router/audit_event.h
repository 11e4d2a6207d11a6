// AuditEvent: one transition of a lead as the Functions recorded it in the audit stream, the
// input of the distribution report and of a replay.
#pragma once

#include <cstdint>
#include <string>

namespace leadd::router {

struct AuditEvent {
  std::string lead;
  std::string event;       // ingested, assigned, offered, taken, pooled, reassigned, claimed, ...
  std::int64_t at_ms = 0;  // when it happened, epoch ms (Redis TIME)
  std::string rep;         // who has the lead now; for a bounce, who lost it
  std::string rule;        // the rule that routed it ('assigned' only)
  std::string by;          // router, intake, sla, or the admin or rep who acted
};

// Who records what (queue/lead_functions.lua): the pipeline's moves are by "router".
inline constexpr const char* kByRouter = "router";

}  // namespace leadd::router
