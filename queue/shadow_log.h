// ShadowLog: the shadow stream (`P:shadow`), one entry per live routing of a lead with what the
// shadow rules would have done instead: recorded by the pipeline, read back for the report.
#pragma once

#include <utility>  // before Asio: Boost 1.74 + g++ 12 need std::exchange declared first

#include <boost/asio/awaitable.hpp>
#include <string>
#include <vector>

#include "core/clock.h"
#include "core/result.h"
#include "queue/redis_client.h"
#include "queue/redis_keys.h"
#include "router/decision.h"
#include "router/shadow_report.h"

namespace leadd::queue {

// A lead as the live rules routed it, and the shadow rules' decision for the same lead.
struct ShadowRecord {
  std::string lead;
  std::string live_rep;  // the rep it was assigned to; empty when it was not
  std::string live_rule;
  const router::Decision* shadow = nullptr;
};

// All methods run on the Redis client's executor; errors are the client's.
class ShadowLog {
 public:
  static constexpr std::size_t kPage = 1000;  // entries per XRANGE

  ShadowLog(RedisClient& redis, const RedisKeys& keys) : redis_(redis), keys_(keys) {}

  // One Function call per record, all in one round trip: a rotating shadow rule picks on a
  // cursor of its own (shared by every daemon), and the entry is appended, capped like the
  // audit stream. Per record, the rep the shadow rules picked ("" for the pool).
  boost::asio::awaitable<std::vector<Result<std::string>>> Record(
      const std::vector<ShadowRecord>& records);

  // Every entry recorded from `since` up to and including `until`, in order, a page at a time.
  boost::asio::awaitable<Result<std::vector<router::ShadowEntry>>> Read(WallTime since,
                                                                        WallTime until);

 private:
  RedisClient& redis_;
  RedisKeys keys_;
};

}  // namespace leadd::queue
