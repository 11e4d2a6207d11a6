// StreamConsumer: reads a Redis stream through a consumer group, at least once — its own
// pending entries first after a start or a failure, then entries a dead consumer left behind,
// then new ones.
#pragma once

#include <utility>  // before Asio: Boost 1.74 + g++ 12 need std::exchange declared first

#include <boost/asio/awaitable.hpp>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/clock.h"
#include "core/result.h"
#include "queue/redis_client.h"

namespace leadd::daemon {

struct StreamEntry {
  std::string id;
  std::vector<std::pair<std::string, std::string>> fields;

  std::string_view Field(std::string_view name) const;
};

// The entries of an XREADGROUP or XAUTOCLAIM reply (a deleted entry's nil payload is skipped).
std::vector<StreamEntry> ParseStreamEntries(const queue::RedisReply& entries);

// Not thread-safe; one coroutine calls Next at a time. The caller acknowledges entries itself
// (often inside the Redis Function that acts on them, so act and ack are one step).
class StreamConsumer {
 public:
  struct Options {
    std::string stream;
    std::string group;
    std::string consumer;
    // An entry pending this long on another consumer is taken over. Taking over one that is
    // merely slow is safe when acting on it twice is (the Functions check the state first).
    Duration claim_idle{30000};
    std::size_t batch = 64;
    std::optional<Duration> block;  // how long a read waits for new entries; none: no wait
  };

  // `redis` must be a connection of its own when `block` is set: XREADGROUP BLOCK holds it.
  StreamConsumer(Clock& clock, queue::RedisClient& redis, Options options)
      : clock_(clock), redis_(redis), options_(std::move(options)) {}

  // The next batch; empty when nothing came within `block`.
  boost::asio::awaitable<Result<std::vector<StreamEntry>>> Next();
  // After a failed entry: the next read starts again from this consumer's own pending entries.
  void RereadOwnPending() { reread_own_pending_ = true; }
  // XACK and XDEL, in one round trip: the entries are done with (their payload lives
  // elsewhere).
  boost::asio::awaitable<Result<void>> Finish(const std::vector<std::string>& entry_ids);

  // Whether a read has succeeded yet: failures before the first one are the connection
  // coming up, not news.
  bool EverRead() const { return ever_read_; }

 private:
  boost::asio::awaitable<Result<void>> EnsureGroup();

  Clock& clock_;
  queue::RedisClient& redis_;
  Options options_;
  bool group_ready_ = false;
  bool reread_own_pending_ = true;
  bool ever_read_ = false;
  SteadyTime next_claim_{};
  std::string claim_cursor_ = "0-0";
};

}  // namespace leadd::daemon
