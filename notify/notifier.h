// Notifier: tells a rep that a lead is theirs. Channels (email, chat webhooks) implement it.
#pragma once

#include <string>

namespace leadd::notify {

struct AssignmentNotice {
  std::string lead_id;
  std::string rep;
  std::string rule;
};

// Called on the daemon's executor after the assignment is committed; must not block.
class Notifier {
 public:
  virtual ~Notifier() = default;
  virtual void Assigned(const AssignmentNotice& notice) = 0;
};

}  // namespace leadd::notify
