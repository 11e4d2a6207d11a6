#include "notify/log_notifier.h"

#include <spdlog/spdlog.h>

namespace leadd::notify {

void LogNotifier::Assigned(const AssignmentNotice& notice) {
  log_->info("notify.assigned lead={} rep={} rule={}", notice.lead_id, notice.rep, notice.rule);
}

}  // namespace leadd::notify
