#include "queue/sla_tracker.h"

#include <utility>

namespace leadd::queue {

void SlaTracker::Arm(const std::string& id, WallTime deadline) {
  auto [it, inserted] = deadline_of_.try_emplace(id, deadline);
  if (!inserted) {
    if (it->second == deadline) return;
    by_deadline_.erase(Entry{it->second, &it->first});
    it->second = deadline;
  }
  by_deadline_.insert(Entry{deadline, &it->first});
}

bool SlaTracker::Disarm(const std::string& id) {
  auto it = deadline_of_.find(id);
  if (it == deadline_of_.end()) return false;
  by_deadline_.erase(Entry{it->second, &it->first});
  deadline_of_.erase(it);
  return true;
}

std::vector<std::string> SlaTracker::TakeExpired(WallTime now) {
  std::vector<std::string> expired;
  while (auto id = TakeFirstExpired(now)) expired.push_back(std::move(*id));
  return expired;
}

std::optional<std::string> SlaTracker::TakeFirstExpired(WallTime now) {
  if (by_deadline_.empty() || by_deadline_.begin()->deadline > now) return std::nullopt;
  // The set entry points into the map, so drop the entry before the map node it points at.
  auto map_it = deadline_of_.find(*by_deadline_.begin()->id);
  by_deadline_.erase(by_deadline_.begin());
  auto node = deadline_of_.extract(map_it);
  return std::move(node.key());
}

std::optional<WallTime> SlaTracker::NextDeadline() const {
  if (by_deadline_.empty()) return std::nullopt;
  return by_deadline_.begin()->deadline;
}

std::optional<WallTime> SlaTracker::DeadlineOf(const std::string& id) const {
  auto it = deadline_of_.find(id);
  if (it == deadline_of_.end()) return std::nullopt;
  return it->second;
}

}  // namespace leadd::queue
