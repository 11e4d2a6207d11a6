// RedisClient: one pipelined Redis connection on Asio, with deadlines, health pings, reconnects.
#pragma once

#include <utility>  // before Asio: Boost 1.74 + g++ 12 need std::exchange declared first

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/associated_executor.hpp>
#include <boost/asio/async_result.hpp>
#include <boost/asio/dispatch.hpp>
#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <type_traits>
#include <vector>

#include "config/settings.h"
#include "core/clock.h"
#include "core/result.h"
#include "queue/redis_reply.h"

namespace leadd::queue {

// Contract:
// - Lifecycle: construct -> Start() -> ... -> Stop() (or destruction, which stops). Start()
//   again after Stop() is allowed. The Clock must outlive the client.
// - Everything runs on the one executor given at construction, which must be single-threaded
//   (an io_context run by one thread, or a strand). No method may be called from elsewhere.
// - Command callbacks run exactly once and never inside the call that issued them: on success,
//   on an error reply (mapped by ErrorFromReply), on a deadline (kTransient), when the
//   connection is lost (kTransient, every request in flight), when not connected (kTransient,
//   "redis: not connected", without queueing) and on Stop() (kUnavailable). A callback may
//   destroy the client.
// - A missed deadline means the server is frozen or the network is gone: the connection is
//   dropped, every other request on it fails, and the client reconnects with backoff.
// - Replies come back in the order commands were issued. A blocking command (BLPOP,
//   XREADGROUP BLOCK) holds up everything issued after it on the connection, so long blocking
//   reads belong on a client of their own, with an explicit timeout above the BLOCK time.
// - Pub/sub, MONITOR, HELLO, RESET and CLIENT REPLY are rejected (kRejected): they break the
//   pairing of requests and replies. SELECT and AUTH would last only until the next reconnect.
class RedisClient {
 public:
  using Callback = std::function<void(Result<RedisReply>)>;
  // Runs after each (re)connect and authentication, before the client reports ready; `done`
  // must be called once, within connect_timeout + request_timeout. Command() is accepted while
  // the hook runs, although IsReady() is still false.
  using OnConnectHook = std::function<void(std::function<void(Result<void>)> done)>;

  struct Options {
    config::RedisEndpoint endpoint;
    std::optional<std::string> password;  // AUTH [endpoint.username] password when set
    std::chrono::milliseconds connect_timeout{2000};
    std::chrono::milliseconds request_timeout{2000};
    std::chrono::milliseconds reconnect_max_backoff{5000};
    std::chrono::milliseconds health_interval{1000};  // PING after this long without a reply
    std::string name;                                 // names this client in log lines
    std::uint64_t jitter_seed = 0;                    // seeds the reconnect jitter
  };

  static Options MakeOptions(const config::RedisSettings& settings, config::RedisEndpoint endpoint,
                             std::string name);

  RedisClient(boost::asio::any_io_executor executor, Clock& clock, Options options);
  RedisClient(const RedisClient&) = delete;
  RedisClient& operator=(const RedisClient&) = delete;
  ~RedisClient();

  // Connects, and keeps reconnecting with jittered exponential backoff until Stop().
  void Start();
  // Fails every pending request with kUnavailable, closes the connection, stops reconnecting.
  void Stop();

  // Connected, authenticated, and the on-connect hook succeeded.
  bool IsReady() const;
  // Called (asynchronously, on the executor) with each change of IsReady().
  void SetOnReadyChange(std::function<void(bool)> on_change);
  void SetOnConnect(OnConnectHook hook);
  // Why the last connection attempt or connection failed; empty while ready.
  const std::optional<Error>& LastError() const;
  // Requests sent and not yet answered, internal PINGs and handshake included.
  std::size_t InFlight() const;
  const boost::asio::any_io_executor& Executor() const { return executor_; }
  const Options& GetOptions() const;

  // Sends one command; args are binary-safe. The deadline is request_timeout unless given.
  void Command(std::vector<std::string> args, Callback callback);
  void Command(std::vector<std::string> args, Duration timeout, Callback callback);

  // Sends the commands back to back, so a batch costs one round trip, and calls back once
  // with every reply (or error), in the order given. An empty batch completes at once.
  using BatchCallback = std::function<void(std::vector<Result<RedisReply>>)>;
  void Commands(std::vector<std::vector<std::string>> commands, BatchCallback callback);

  // Completion-token form with the signature void(Result<RedisReply>), e.g.
  // `co_await client.AsyncCommand({"GET", key}, boost::asio::use_awaitable)`.
  template <class Token>
  auto AsyncCommand(std::vector<std::string> args, Token&& token) {
    return AsyncCommand(std::move(args), RequestTimeout(), std::forward<Token>(token));
  }
  template <class Token>
  auto AsyncCommand(std::vector<std::string> args, Duration timeout, Token&& token) {
    return Initiate<Result<RedisReply>>(
        std::forward<Token>(token), [this, command = std::move(args), timeout](auto done) mutable {
          Command(std::move(command), timeout, std::move(done));
        });
  }
  // Completion-token form of Commands: void(std::vector<Result<RedisReply>>).
  template <class Token>
  auto AsyncCommands(std::vector<std::vector<std::string>> commands, Token&& token) {
    return Initiate<std::vector<Result<RedisReply>>>(
        std::forward<Token>(token), [this, batch = std::move(commands)](auto done) mutable {
          Commands(std::move(batch), std::move(done));
        });
  }

 private:
  class Impl;
  Duration RequestTimeout() const;

  // Runs start(callback) and completes `token` with the value the callback receives, on the
  // handler's associated executor.
  template <class Value, class Token, class Start>
  auto Initiate(Token&& token, Start start) {
    return boost::asio::async_initiate<Token, void(Value)>(
        [ex = executor_](auto handler, Start begin) {
          // Shared because std::function needs a copyable target and handlers may be move-only.
          using Handler = std::decay_t<decltype(handler)>;
          auto shared = std::make_shared<Handler>(std::move(handler));
          begin([shared, ex](Value value) {
            auto target = boost::asio::get_associated_executor(*shared, ex);
            boost::asio::dispatch(
                target, [shared, v = std::move(value)]() mutable { (*shared)(std::move(v)); });
          });
        },
        token, std::move(start));
  }

  boost::asio::any_io_executor executor_;
  std::unique_ptr<Impl> impl_;
};

}  // namespace leadd::queue
