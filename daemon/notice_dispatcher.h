// NoticeDispatcher: delivers the notification outbox — notices the Redis Functions wrote with
// the moves that caused them — to the configured channel, at least once.
#pragma once

#include <utility>  // before Asio: Boost 1.74 + g++ 12 need std::exchange declared first

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/awaitable.hpp>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>

#include "api/action_link.h"
#include "core/clock.h"
#include "daemon/stream_consumer.h"
#include "notify/notifier.h"
#include "queue/redis_client.h"
#include "queue/redis_keys.h"

namespace spdlog {
class logger;
}

namespace leadd::daemon {

// Who is told what, as of the running config: managers by rep, and how to make action links
// (no signer: notices carry none).
struct NoticeDirectory {
  std::map<std::string, std::string, std::less<>> manager_of;
  std::optional<api::ActionLinkSigner> signer;
  config::HttpSettings http;
};

std::shared_ptr<const NoticeDirectory> MakeNoticeDirectory(const config::DaemonSettings& settings);

// Every daemon reads the outbox in one consumer group: each notice goes to one of them, and
// one a dead daemon had read is delivered by another after kClaimIdle. A notice is removed
// from the outbox only after its channel took it (a kTransient failure leaves it for a retry).
//
// Lifecycle: Start -> Stop(done) on one executor.
class NoticeDispatcher {
 public:
  static constexpr std::string_view kGroup = "notify";
  static constexpr Duration kClaimIdle{10000};
  static constexpr Duration kRetryDelay{1000};

  struct Deps {
    boost::asio::any_io_executor executor;
    Clock& clock;
    queue::RedisClient& blocking_redis;  // a connection of its own: XREADGROUP BLOCK holds it
    const queue::RedisKeys& keys;
    notify::Notifier& notifier;
    std::function<std::shared_ptr<const NoticeDirectory>()> current_directory;
    std::shared_ptr<spdlog::logger> log;
  };

  NoticeDispatcher(Deps deps, std::string consumer_name, Duration block_for);

  void Start();
  void Stop(std::function<void()> done);

  // The notice for an outbox entry, addressed, with action links where one can act on it.
  static Result<notify::Notice> Prepare(const StreamEntry& entry, const NoticeDirectory& directory,
                                        WallTime now);

 private:
  boost::asio::awaitable<void> Run();
  // Hands the notice to the channel (or drops one no retry can fix); kTransient: try again.
  boost::asio::awaitable<Result<void>> Deliver(const StreamEntry& entry);

  Deps deps_;
  StreamConsumer outbox_;
  bool stopping_ = false;
  std::uint64_t failures_ = 0;
  std::function<void()> on_stopped_;
};

}  // namespace leadd::daemon
