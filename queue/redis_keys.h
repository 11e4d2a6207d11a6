// RedisKeys: every key name leadd uses, in one place, under the configured prefix.
#pragma once

#include <string>
#include <string_view>

namespace leadd::queue {

class RedisKeys {
 public:
  explicit RedisKeys(std::string prefix) : prefix_(std::move(prefix)) {}

  const std::string& Prefix() const { return prefix_; }
  std::string SourceIndex() const { return prefix_ + ":source"; }  // source key -> lead id
  std::string LeadSequence() const { return prefix_ + ":lead:seq"; }
  std::string Lead(std::string_view id) const { return prefix_ + ":lead:" + std::string(id); }
  std::string History(std::string_view id) const { return Lead(id) + ":history"; }
  std::string Intake() const { return prefix_ + ":intake"; }  // stream of committed leads
  std::string Quarantine() const { return prefix_ + ":quarantine"; }
  std::string OwnerByEmail() const { return prefix_ + ":owner:email"; }
  // The customer registry (queue/customer_registry.h): a hash per customer and the log of
  // registrations and changes of owner.
  std::string Customer(std::string_view id) const {
    return prefix_ + ":customer:" + std::string(id);
  }
  std::string CustomerLog() const { return prefix_ + ":customers:log"; }
  std::string Cursor(std::string_view name) const {
    return prefix_ + ":cursor:" + std::string(name);
  }
  std::string Pool(std::string_view name) const { return prefix_ + ":pool:" + std::string(name); }
  // Every armed timer ("kind|subject|token") by its due time (Redis TIME, ms).
  std::string Timers() const { return prefix_ + ":timers"; }
  // The notification outbox: notices written with the move that caused them.
  std::string Notices() const { return prefix_ + ":notify"; }
  // A metric's values in one calendar window ("2026-W48"): a hash of rep -> decimal text.
  std::string Metric(std::string_view name, std::string_view window_id) const {
    return prefix_ + ":metric:" + std::string(name) + ":" + std::string(window_id);
  }
  // Shadow mode (queue/shadow_log.h): what the shadow rules would have done with each lead,
  // and their own rotations, apart from the live cursors.
  std::string Shadow() const { return prefix_ + ":shadow"; }
  std::string ShadowCursor(std::string_view name) const {
    return Shadow() + ":cursor:" + std::string(name);
  }

 private:
  std::string prefix_;
};

}  // namespace leadd::queue
