#include "notify/notifier.h"

namespace leadd::notify {

Result<Notice> NoticeFromOutbox(const std::vector<std::pair<std::string, std::string>>& fields,
                                const std::map<std::string, std::string, std::less<>>& manager_of) {
  Notice notice;
  std::string rep;
  for (const auto& [name, value] : fields) {
    if (name == "kind") {
      notice.kind = value;
    } else if (name == "lead") {
      notice.lead_id = value;
    } else if (name == "rep") {
      rep = value;
    } else {
      notice.details[name] = value;
    }
  }
  if (notice.kind.empty() || notice.lead_id.empty()) {
    return Rejected("outbox entry without a kind or a lead");
  }
  // Escalations and key-account news go to the rep's manager, or the admins when none is set.
  if (notice.kind == "escalated" || notice.kind == "key_account") {
    notice.details["rep"] = rep;
    const auto manager = manager_of.find(rep);
    notice.recipient = manager == manager_of.end() ? std::string(kAdmins) : manager->second;
  } else {
    notice.recipient = rep.empty() ? std::string(kAdmins) : rep;
  }
  return notice;
}

}  // namespace leadd::notify
