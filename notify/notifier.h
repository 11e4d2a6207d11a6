// Notifier: tells people what happened to a lead — assigned to them, a deadline near, a bounce
// that escalated, a return to the pool, a reorder or contact due. Channels (log, email, chat
// webhooks) implement it.
#pragma once

#include <utility>  // before Asio: Boost 1.74 + g++ 12 need std::exchange declared first

#include <boost/asio/awaitable.hpp>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "core/result.h"

namespace leadd::notify {

// The recipient of notices meant for whoever administers routing (a lead nobody can take, an
// escalation for a rep without a manager).
inline constexpr std::string_view kAdmins = "admins";

// Links that let the recipient act without a token (see api/action_link.h); secrets, so a
// channel that keeps a record (a log) must leave them out.
struct ActionUrls {
  std::string accept;
  std::string reject;
};

struct Notice {
  std::string kind;  // assigned, sla_reminder, escalated, return_reminder, returned,
                     // reorder_due, cadence_due, unrouted
  std::string lead_id;
  std::string recipient;  // a rep id, or kAdmins
  // What the move recorded with it (rule, deadline, owner, reason, product, ...), by name.
  std::map<std::string, std::string> details;
  std::optional<ActionUrls> actions;
};

// The notice an outbox entry stands for, addressed: an escalation goes to the manager of the
// rep it escalated from (kAdmins when that rep has none), a lead nobody could take to kAdmins,
// everything else to the rep the entry names (the acting one: a delegate during an absence).
// Rejected when the entry has no kind or no lead.
Result<Notice> NoticeFromOutbox(const std::vector<std::pair<std::string, std::string>>& fields,
                                const std::map<std::string, std::string, std::less<>>& manager_of);

// Called on the daemon's executor after the move is committed. kTransient: try again later
// (the notice stays in the outbox); any other error drops this notice with a log line.
class Notifier {
 public:
  virtual ~Notifier() = default;
  virtual boost::asio::awaitable<Result<void>> Deliver(const Notice& notice) = 0;
};

}  // namespace leadd::notify
