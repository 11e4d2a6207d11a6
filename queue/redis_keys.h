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
  std::string Cursor(std::string_view name) const {
    return prefix_ + ":cursor:" + std::string(name);
  }
  std::string Pool(std::string_view name) const { return prefix_ + ":pool:" + std::string(name); }
  // Assigned leads by the time their response SLA runs out (Redis TIME, ms).
  std::string Sla() const { return prefix_ + ":sla"; }

 private:
  std::string prefix_;
};

}  // namespace leadd::queue
