// LogNotifier: the notification as one log line, the channel every installation has.
#pragma once

#include <memory>

#include "notify/notifier.h"

namespace spdlog {
class logger;
}

namespace leadd::notify {

class LogNotifier final : public Notifier {
 public:
  explicit LogNotifier(std::shared_ptr<spdlog::logger> log) : log_(std::move(log)) {}
  void Assigned(const AssignmentNotice& notice) override;

 private:
  std::shared_ptr<spdlog::logger> log_;
};

}  // namespace leadd::notify
