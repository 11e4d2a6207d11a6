// AuditLog: reads the audit stream (`P:audit`), where every Function records each transition,
// for reports and replays. Read only.
#pragma once

#include <utility>  // before Asio: Boost 1.74 + g++ 12 need std::exchange declared first

#include <boost/asio/awaitable.hpp>
#include <cstddef>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/clock.h"
#include "core/result.h"
#include "queue/redis_client.h"
#include "queue/redis_keys.h"
#include "router/audit_event.h"

namespace leadd::queue {

struct AuditWindow {
  std::vector<router::AuditEvent> events;  // in the order they were recorded
  // Entries that could not be read (not JSON, no event name): counted, skipped; the ids of
  // the first kMalformedIdsKept of them, for an admin to look at.
  std::size_t malformed = 0;
  std::vector<std::string> malformed_ids;
  // Set when the cap (MAXLEN ~1,000,000) trimmed entries away and the oldest left is newer
  // than the window's start: what happened before this time is not in `events`.
  std::optional<WallTime> reaches_back_to;
};

// All methods run on the Redis client's executor; errors are the client's (kTransient when
// Redis is away or slow).
class AuditLog {
 public:
  static constexpr std::size_t kPage = 1000;  // entries per XRANGE
  static constexpr std::size_t kMalformedIdsKept = 10;
  static constexpr std::size_t kLookupBatch = 1000;  // HGETs per round trip

  AuditLog(RedisClient& redis, const RedisKeys& keys)
      : redis_(redis), keys_(keys), stream_(keys.Prefix() + ":audit") {}

  // Every entry recorded from `since` up to and including `until`, a page at a time.
  boost::asio::awaitable<Result<AuditWindow>> Read(WallTime since, WallTime until);

  // The `source` field of each lead's hash (empty when the lead is gone), in batches.
  boost::asio::awaitable<Result<std::map<std::string, std::string, std::less<>>>> SourcesOf(
      const std::vector<std::string>& leads);

 private:
  RedisClient& redis_;
  RedisKeys keys_;
  std::string stream_;
};

// One stream entry's fields: `lead` (or `rep`, for a rep's own event such as an absence) and
// `event`, the JSON the Function recorded. kRejected, saying why, when it cannot be read.
Result<router::AuditEvent> ParseAuditEntry(std::string_view lead, std::string_view rep,
                                           std::string_view json);

}  // namespace leadd::queue
