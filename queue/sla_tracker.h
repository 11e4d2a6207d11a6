// SlaTracker: which lead is due when — pure bookkeeping of SLA deadlines, no clock and no I/O.
#pragma once

#include <cstddef>
#include <optional>
#include <set>
#include <string>
#include <unordered_map>
#include <vector>

#include "core/clock.h"

namespace leadd::queue {

// Every operation is O(log n); each id is stored once, so a million armed leads cost roughly
// 100 bytes each plus the id. Not thread-safe: one owner (SlaWatch) drives it.
class SlaTracker {
 public:
  SlaTracker() = default;
  SlaTracker(const SlaTracker&) = delete;
  SlaTracker& operator=(const SlaTracker&) = delete;
  SlaTracker(SlaTracker&&) = default;
  SlaTracker& operator=(SlaTracker&&) = default;
  ~SlaTracker() = default;

  // Arming an id that is already armed replaces its deadline.
  void Arm(const std::string& id, WallTime deadline);
  // Returns whether the id was armed.
  bool Disarm(const std::string& id);

  // Removes and returns every id due at `now` (deadline <= now), earliest deadline first, equal
  // deadlines by id.
  std::vector<std::string> TakeExpired(WallTime now);
  // The same for the single earliest due id, if any.
  std::optional<std::string> TakeFirstExpired(WallTime now);

  std::optional<WallTime> NextDeadline() const;
  std::optional<WallTime> DeadlineOf(const std::string& id) const;
  std::size_t Size() const { return deadline_of_.size(); }

 private:
  // Points at a key of deadline_of_: unordered_map nodes never move, even on rehash.
  struct Entry {
    WallTime deadline;
    const std::string* id;
  };
  struct EarlierFirst {
    bool operator()(const Entry& a, const Entry& b) const {
      if (a.deadline != b.deadline) return a.deadline < b.deadline;
      return *a.id < *b.id;
    }
  };

  std::unordered_map<std::string, WallTime> deadline_of_;
  std::set<Entry, EarlierFirst> by_deadline_;
};

}  // namespace leadd::queue
