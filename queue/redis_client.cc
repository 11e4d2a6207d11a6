#include "queue/redis_client.h"

#include <hiredis/async.h>
#include <hiredis/hiredis.h>
#include <spdlog/spdlog.h>

#include <algorithm>
#include <boost/asio/posix/stream_descriptor.hpp>
#include <boost/asio/post.hpp>
#include <cctype>
#include <cstdint>
#include <map>
#include <random>
#include <string_view>

#include "queue/redis_argv.h"

namespace leadd::queue {
namespace {

constexpr Duration kInitialBackoff{50};
constexpr std::size_t kMaxLoggedNameLength = 32;

std::shared_ptr<spdlog::logger> QueueLogger() {
  auto logger = spdlog::get("queue");
  return logger ? logger : spdlog::default_logger();
}

std::string DescribeEndpoint(const config::RedisEndpoint& endpoint) {
  std::string out = endpoint.unix_path.empty() ? endpoint.host + ":" + std::to_string(endpoint.port)
                                               : "unix:" + endpoint.unix_path;
  if (endpoint.db != 0) out += "/" + std::to_string(endpoint.db);
  return out;
}

// Arguments may carry personal data; the command name never does, so logs get only that.
std::string CommandName(const std::string& first) {
  std::string name;
  for (char c : std::string_view(first).substr(0, kMaxLoggedNameLength)) {
    const auto u = static_cast<unsigned char>(c);
    name.push_back(std::isalnum(u) || c == '.' || c == '_' || c == '-'
                       ? static_cast<char>(std::toupper(u))
                       : '?');
  }
  return name;
}

// Commands that break the one-request-one-reply pairing this client relies on: push modes,
// a protocol switch hiredis 0.14 cannot parse, a connection reset, replies switched off.
bool IsUnsupportedCommand(std::string_view name, const std::vector<std::string>& args) {
  if (name == "SUBSCRIBE" || name == "PSUBSCRIBE" || name == "SSUBSCRIBE" ||
      name == "UNSUBSCRIBE" || name == "PUNSUBSCRIBE" || name == "SUNSUBSCRIBE" ||
      name == "MONITOR" || name == "HELLO" || name == "RESET") {
    return true;
  }
  return name == "CLIENT" && args.size() > 1 && CommandName(args[1]) == "REPLY";
}

std::string_view WithoutPrefix(std::string_view detail) {
  constexpr std::string_view kPrefix = "redis: ";
  if (detail.starts_with(kPrefix)) detail.remove_prefix(kPrefix.size());
  return detail;
}

// One hiredis async context bridged to Asio: hiredis asks for read/write interest through
// its ev hooks, and we answer with async_wait on the socket it owns.
class Connection : public std::enable_shared_from_this<Connection> {
 public:
  class Listener {
   public:
    virtual ~Listener() = default;
    virtual void OnConnected() = 0;
    virtual void OnConnectFailed(std::string why) = 0;
    virtual void OnLost(std::string why) = 0;
    virtual void OnReply(std::uint64_t id, const redisReply& reply) = 0;
  };

  Connection(const boost::asio::any_io_executor& executor, Listener* listener)
      : executor_(executor), descriptor_(executor), listener_(listener) {}
  Connection(const Connection&) = delete;
  Connection& operator=(const Connection&) = delete;
  ~Connection() { Free(); }

  Result<void> Open(const config::RedisEndpoint& endpoint) {
    redisAsyncContext* ac = endpoint.unix_path.empty()
                                ? redisAsyncConnect(endpoint.host.c_str(), endpoint.port)
                                : redisAsyncConnectUnix(endpoint.unix_path.c_str());
    if (ac == nullptr) return Transient("redis: cannot allocate a connection");
    if (ac->err != 0) {
      std::string why = ac->c.errstr;
      redisAsyncFree(ac);
      return Transient("redis: connect failed: " + why);
    }
    boost::system::error_code ec;
    descriptor_.assign(ac->c.fd, ec);
    if (ec) {
      redisAsyncFree(ac);
      return Transient("redis: cannot watch the socket: " + ec.message());
    }
    ac_ = ac;
    ac->data = this;
    ac->ev.data = this;
    ac->ev.addRead = &AddRead;
    ac->ev.delRead = &DelRead;
    ac->ev.addWrite = &AddWrite;
    ac->ev.delWrite = &DelWrite;
    ac->ev.cleanup = &Cleanup;
    // Only now: setting the connect callback asks the hooks above for a write event.
    redisAsyncSetConnectCallback(ac, &HandleConnect);
    redisAsyncSetDisconnectCallback(ac, &HandleDisconnect);
    return Ok();
  }

  bool Send(const std::vector<std::string>& args, std::uint64_t id) {
    if (ac_ == nullptr) return false;
    RedisArgv argv(args);
    // The request id rides in hiredis's privdata pointer: nothing to allocate or free.
    void* privdata = reinterpret_cast<void*>(  // NOLINT(performance-no-int-to-ptr)
        static_cast<std::uintptr_t>(id));
    return redisAsyncCommandArgv(ac_, &HandleReply, privdata, argv.Count(), argv.Values(),
                                 argv.Lengths()) == REDIS_OK;
  }

  // Silences every later callback, then frees the context: at once, or on the next turn of
  // the executor when called from inside hiredis (freeing there would pull the context out
  // from under the call still running).
  void Close() {
    listener_ = nullptr;
    if (ac_ == nullptr) return;
    if (depth_ > 0) {
      boost::asio::post(executor_, [self = shared_from_this()] { self->Free(); });
      return;
    }
    Free();
  }

 private:
  static Connection* Of(void* privdata) { return static_cast<Connection*>(privdata); }
  static Connection* Of(const redisAsyncContext* ac) { return static_cast<Connection*>(ac->data); }

  static void AddRead(void* privdata) {
    Of(privdata)->want_read_ = true;
    Of(privdata)->WaitRead();
  }
  static void DelRead(void* privdata) { Of(privdata)->want_read_ = false; }
  static void AddWrite(void* privdata) {
    Of(privdata)->want_write_ = true;
    Of(privdata)->WaitWrite();
  }
  static void DelWrite(void* privdata) { Of(privdata)->want_write_ = false; }
  // hiredis closes the socket right after this; the descriptor must let go of it first.
  static void Cleanup(void* privdata) {
    Connection* self = Of(privdata);
    self->ac_ = nullptr;
    if (self->descriptor_.is_open()) self->descriptor_.release();
  }

  static void HandleConnect(const redisAsyncContext* ac, int status) {
    Connection* self = Of(ac);
    if (self->listener_ == nullptr) return;
    if (status == REDIS_OK) {
      self->listener_->OnConnected();
    } else {
      self->listener_->OnConnectFailed(ac->c.errstr);
    }
  }
  static void HandleDisconnect(const redisAsyncContext* ac, int status) {
    Connection* self = Of(ac);
    if (self->listener_ == nullptr) return;
    self->listener_->OnLost(status == REDIS_OK ? "closed" : ac->c.errstr);
  }
  // A NULL reply means hiredis is freeing the context after an error.
  static void HandleReply(redisAsyncContext* ac, void* reply, void* privdata) {
    Connection* self = Of(ac);
    if (self->listener_ == nullptr) return;
    if (reply == nullptr) {
      self->listener_->OnLost(ac->c.err != 0 ? ac->c.errstr : "connection closed");
      return;
    }
    self->listener_->OnReply(static_cast<std::uint64_t>(reinterpret_cast<std::uintptr_t>(privdata)),
                             *static_cast<redisReply*>(reply));
  }

  void WaitRead() {
    if (reading_ || ac_ == nullptr) return;
    reading_ = true;
    descriptor_.async_wait(boost::asio::posix::descriptor_base::wait_read,
                           [self = shared_from_this()](const boost::system::error_code& ec) {
                             self->reading_ = false;
                             if (ec || self->ac_ == nullptr || !self->want_read_) return;
                             ++self->depth_;
                             redisAsyncHandleRead(self->ac_);
                             --self->depth_;
                             if (self->want_read_) self->WaitRead();
                           });
  }

  void WaitWrite() {
    if (writing_ || ac_ == nullptr) return;
    writing_ = true;
    descriptor_.async_wait(boost::asio::posix::descriptor_base::wait_write,
                           [self = shared_from_this()](const boost::system::error_code& ec) {
                             self->writing_ = false;
                             if (ec || self->ac_ == nullptr || !self->want_write_) return;
                             ++self->depth_;
                             redisAsyncHandleWrite(self->ac_);
                             --self->depth_;
                             if (self->want_write_) self->WaitWrite();
                           });
  }

  void Free() {
    listener_ = nullptr;
    if (redisAsyncContext* ac = std::exchange(ac_, nullptr)) redisAsyncFree(ac);
    if (descriptor_.is_open()) descriptor_.release();
  }

  boost::asio::any_io_executor executor_;
  boost::asio::posix::stream_descriptor descriptor_;
  Listener* listener_;
  redisAsyncContext* ac_ = nullptr;
  bool want_read_ = false;
  bool want_write_ = false;
  bool reading_ = false;
  bool writing_ = false;
  int depth_ = 0;  // > 0 while redisAsyncHandleRead/Write runs
};

}  // namespace

class RedisClient::Impl final : public Connection::Listener {
 public:
  Impl(boost::asio::any_io_executor executor, Clock& clock, Options options)
      : executor_(std::move(executor)),
        clock_(clock),
        options_(std::move(options)),
        endpoint_text_(DescribeEndpoint(options_.endpoint)),
        log_(QueueLogger()),
        rng_(options_.jitter_seed),
        connect_timer_(clock_.MakeTimer()),
        reconnect_timer_(clock_.MakeTimer()),
        hook_timer_(clock_.MakeTimer()),
        health_timer_(clock_.MakeTimer()) {
    if (options_.name.empty()) options_.name = "redis";
  }
  Impl(const Impl&) = delete;
  Impl& operator=(const Impl&) = delete;
  ~Impl() override {
    Stop();
    *alive_ = false;
  }

  const Options& GetOptions() const { return options_; }
  bool IsReady() const { return state_ == State::kReady; }
  const std::optional<Error>& LastError() const { return last_error_; }
  std::size_t InFlight() const { return pending_.size(); }
  void SetOnReadyChange(std::function<void(bool)> f) { on_ready_change_ = std::move(f); }
  void SetOnConnect(OnConnectHook hook) { on_connect_ = std::move(hook); }

  void Start() {
    if (state_ != State::kStopped) return;
    backoff_ = kInitialBackoff;
    attempt_ = 0;
    log_->info("redis.starting name={} endpoint={}", options_.name, endpoint_text_);
    Connect();
  }

  void Stop() {
    if (state_ == State::kStopped) return;
    const bool was_ready = IsReady();
    CloseConnection();
    reconnect_timer_->Cancel();
    state_ = State::kStopped;
    FailAll(Unavailable("redis: client stopped"));
    log_->info("redis.stopped name={} endpoint={}", options_.name, endpoint_text_);
    if (was_ready) NotifyReady(false);
  }

  void Issue(std::vector<std::string> args, Duration timeout, Callback callback, bool internal) {
    if (args.empty()) {
      FailSoon(std::move(callback), Rejected("redis: empty command"));
      return;
    }
    std::string name = CommandName(args.front());
    if (IsUnsupportedCommand(name, args)) {
      FailSoon(std::move(callback),
               Rejected("redis: " + name + " is not supported by this client"));
      return;
    }
    const bool accepting = state_ == State::kReady || state_ == State::kHook ||
                           (internal && state_ == State::kHandshake);
    if (!accepting || conn_ == nullptr) {
      FailSoon(std::move(callback), Transient("redis: not connected"));
      return;
    }
    const std::uint64_t id = ++next_id_;
    auto it = pending_.try_emplace(id).first;
    Request& request = it->second;
    request.callback = std::move(callback);
    request.command = std::move(name);
    request.timeout = timeout;
    request.internal = internal;
    if (!conn_->Send(args, id)) {
      Request failed = std::move(request);
      pending_.erase(it);
      FailSoon(std::move(failed.callback), Transient("redis: connection is closing"));
      return;
    }
    request.deadline = clock_.MakeTimer();
    request.deadline->ArmAfter(timeout, [this, id] { OnDeadline(id); });
  }

  // Connection::Listener
  void OnConnected() override {
    connect_timer_->Cancel();
    state_ = State::kHandshake;
    handshake_left_ = 0;
    const auto& endpoint = options_.endpoint;
    if (options_.password) {
      std::vector<std::string> auth{"AUTH"};
      if (!endpoint.username.empty()) auth.push_back(endpoint.username);
      auth.push_back(*options_.password);
      SendHandshake(std::move(auth), "AUTH");
    }
    if (endpoint.db != 0) SendHandshake({"SELECT", std::to_string(endpoint.db)}, "SELECT");
    // Without any handshake command a frozen server would look ready: its kernel still
    // completes the TCP handshake. A PING proves the process answers.
    if (handshake_left_ == 0) SendHandshake({"PING"}, "PING");
  }

  void OnConnectFailed(std::string why) override {
    Drop(Transient("redis: connect failed: " + why));
  }

  void OnLost(std::string why) override { Drop(Transient("redis: connection lost: " + why)); }

  void OnReply(std::uint64_t id, const redisReply& reply) override {
    last_activity_ = clock_.SteadyNow();
    auto it = pending_.find(id);
    if (it == pending_.end()) return;
    auto result = CopyHiredisReply(reply);
    if (!result && log_->should_log(spdlog::level::debug)) {
      const std::string_view detail = result.error().detail;
      log_->debug("redis.error_reply name={} command={} code={}", options_.name, it->second.command,
                  detail.substr(0, detail.find(' ')));
    }
    Complete(it, std::move(result));
  }

 private:
  enum class State { kStopped, kBackoff, kConnecting, kHandshake, kHook, kReady };

  struct Request {
    Callback callback;
    std::unique_ptr<Timer> deadline;
    std::string command;  // the name only, for logs
    Duration timeout{};
    bool internal = false;  // ours: runs synchronously, guarded against our destruction
  };
  using Pending = std::map<std::uint64_t, Request>;

  Callback Guard(std::function<void(Result<RedisReply>)> f) {
    return [alive = alive_, f = std::move(f)](Result<RedisReply> r) {
      if (*alive) f(std::move(r));
    };
  }

  void FailSoon(Callback callback, Error error) {
    boost::asio::post(executor_,
                      [callback = std::move(callback), error = std::move(error)]() mutable {
                        callback(std::move(error));
                      });
  }

  void Complete(Pending::iterator it, Result<RedisReply> result) {
    Request request = std::move(it->second);
    pending_.erase(it);
    Deliver(std::move(request), std::move(result));
  }

  void Deliver(Request request, Result<RedisReply> result) {
    if (request.internal) {
      request.callback(std::move(result));
      return;
    }
    boost::asio::post(
        executor_, [callback = std::move(request.callback), result = std::move(result)]() mutable {
          callback(std::move(result));
        });
  }

  // Callers move the state on first, so the internal callbacks run here see a stale
  // generation or state and issue nothing new.
  void FailAll(const Error& error) {
    Pending failing = std::exchange(pending_, {});
    for (auto& entry : failing) Deliver(std::move(entry.second), error);
  }

  void OnDeadline(std::uint64_t id) {
    auto it = pending_.find(id);
    if (it == pending_.end()) return;
    const auto timeout_ms = it->second.timeout.count();
    const std::string command = it->second.command;
    log_->warn("redis.timeout name={} endpoint={} command={} timeout_ms={}", options_.name,
               endpoint_text_, command, timeout_ms);
    Complete(it, Transient("redis: no reply within " + std::to_string(timeout_ms) + " ms"));
    // A server that lets one request go unanswered is frozen or unreachable: anything else on
    // this connection would wait just as long.
    if (conn_ != nullptr) {
      Drop(Transient("redis: " + command + " got no reply within " + std::to_string(timeout_ms) +
                     " ms"));
    }
  }

  void Connect() {
    state_ = State::kConnecting;
    ++attempt_;
    ++generation_;
    if (options_.endpoint.host.empty() && options_.endpoint.unix_path.empty()) {
      Drop(Unavailable("redis: the endpoint has neither a host nor a unix socket path"));
      return;
    }
    auto conn = std::make_shared<Connection>(executor_, this);
    auto opened = conn->Open(options_.endpoint);
    if (!opened) {
      Drop(opened.error());
      return;
    }
    conn_ = std::move(conn);
    connect_timer_->ArmAfter(options_.connect_timeout, [this] {
      Drop(Transient("redis: connect timed out after " +
                     std::to_string(options_.connect_timeout.count()) + " ms"));
    });
  }

  void SendHandshake(std::vector<std::string> args, std::string what) {
    ++handshake_left_;
    Issue(std::move(args), options_.request_timeout,
          Guard([this, generation = generation_, what = std::move(what)](Result<RedisReply> r) {
            OnHandshakeReply(generation, what, std::move(r));
          }),
          /*internal=*/true);
  }

  void OnHandshakeReply(std::uint64_t generation, const std::string& what, Result<RedisReply> r) {
    if (generation != generation_ || state_ != State::kHandshake) return;
    if (!r) {
      Error error = std::move(r).error();
      // The server refused (WRONGPASS, NOAUTH, a bad db index): configuration, not bad luck.
      const Errc code = error.code == Errc::kRejected ? Errc::kUnavailable : error.code;
      Drop(Error{code, "redis: " + what + " failed: " + std::string(WithoutPrefix(error.detail))});
      return;
    }
    if (--handshake_left_ > 0) return;
    if (!on_connect_) {
      BecomeReady();
      return;
    }
    state_ = State::kHook;
    const auto hook_limit = options_.connect_timeout + options_.request_timeout;
    hook_timer_->ArmAfter(hook_limit, [this, hook_limit] {
      Drop(Transient("redis: on-connect hook did not finish within " +
                     std::to_string(hook_limit.count()) + " ms"));
    });
    auto done = [this, alive = alive_, generation = generation_,
                 called = std::make_shared<bool>(false)](Result<void> result) {
      if (!*alive || *called) return;
      *called = true;
      if (generation != generation_ || state_ != State::kHook) return;
      if (result) {
        BecomeReady();
        return;
      }
      Drop(Error{result.error().code, "redis: on-connect hook failed: " +
                                          std::string(WithoutPrefix(result.error().detail))});
    };
    boost::asio::post(executor_, [this, alive = alive_, generation = generation_,
                                  hook = on_connect_, done = std::move(done)] {
      if (!*alive || generation != generation_ || state_ != State::kHook) return;
      hook(done);
    });
  }

  void BecomeReady() {
    hook_timer_->Cancel();
    state_ = State::kReady;
    last_error_.reset();
    backoff_ = kInitialBackoff;
    attempt_ = 0;
    last_activity_ = clock_.SteadyNow();
    log_->info("redis.connected name={} endpoint={}", options_.name, endpoint_text_);
    ArmHealth(options_.health_interval);
    NotifyReady(true);
  }

  void ArmHealth(Duration after) {
    health_timer_->ArmAfter(after, [this] { OnHealthTick(); });
  }

  void OnHealthTick() {
    if (state_ != State::kReady) return;
    const Duration interval = options_.health_interval;
    // Requests in flight carry deadlines of their own; a PING queued behind a long blocking
    // read would only time out for the wrong reason.
    if (!pending_.empty()) {
      ArmHealth(interval);
      return;
    }
    const auto idle = std::chrono::duration_cast<Duration>(clock_.SteadyNow() - last_activity_);
    if (idle < interval) {
      ArmHealth(interval - idle);
      return;
    }
    Issue({"PING"}, options_.request_timeout, Guard([](const Result<RedisReply>&) {}),
          /*internal=*/true);
    ArmHealth(interval);
  }

  void CloseConnection() {
    connect_timer_->Cancel();
    hook_timer_->Cancel();
    health_timer_->Cancel();
    if (conn_ != nullptr) {
      conn_->Close();
      conn_.reset();
    }
  }

  // The connection (or the attempt) failed: fail what is in flight, retry after a backoff.
  void Drop(Error why) {
    if (state_ == State::kStopped || state_ == State::kBackoff) return;
    const bool was_ready = IsReady();
    CloseConnection();
    state_ = State::kBackoff;
    FailAll(Transient("redis: connection lost (" + std::string(WithoutPrefix(why.detail)) + ")"));
    const Duration delay = ScheduleReconnect();
    if (was_ready) {
      log_->warn("redis.disconnected name={} endpoint={} reason=\"{}\" retry_in_ms={}",
                 options_.name, endpoint_text_, why.detail, delay.count());
      NotifyReady(false);
    } else {
      // Every attempt while Redis stays away would flood the journal; the 1st and every
      // 10th say it is still going on.
      const auto level = (attempt_ % 10 == 1) ? spdlog::level::warn : spdlog::level::debug;
      log_->log(level,
                "redis.connect_failed name={} endpoint={} attempt={} reason=\"{}\" retry_in_ms={}",
                options_.name, endpoint_text_, attempt_, why.detail, delay.count());
    }
    last_error_ = std::move(why);
  }

  Duration ScheduleReconnect() {
    const Duration cap = std::max(options_.reconnect_max_backoff, Duration{1});
    const Duration base = std::min(backoff_, cap);
    backoff_ = std::min(backoff_ * 2, cap);
    // Half fixed, half random: instances restarted together do not reconnect in lockstep.
    std::uniform_int_distribution<Duration::rep> jitter(0, base.count() / 2);
    const Duration delay = base - base / 2 + Duration{jitter(rng_)};
    reconnect_timer_->ArmAfter(delay, [this] { Connect(); });
    return delay;
  }

  void NotifyReady(bool ready) {
    if (!on_ready_change_) return;
    boost::asio::post(executor_, [alive = alive_, f = on_ready_change_, ready] {
      if (*alive) f(ready);
    });
  }

  boost::asio::any_io_executor executor_;
  Clock& clock_;
  Options options_;
  std::string endpoint_text_;
  std::shared_ptr<spdlog::logger> log_;
  std::mt19937_64 rng_;
  std::unique_ptr<Timer> connect_timer_;
  std::unique_ptr<Timer> reconnect_timer_;
  std::unique_ptr<Timer> hook_timer_;
  std::unique_ptr<Timer> health_timer_;
  std::shared_ptr<bool> alive_ = std::make_shared<bool>(true);

  State state_ = State::kStopped;
  std::shared_ptr<Connection> conn_;
  std::uint64_t generation_ = 0;  // one per connection attempt
  std::uint64_t next_id_ = 0;
  Pending pending_;
  int handshake_left_ = 0;
  Duration backoff_ = kInitialBackoff;
  std::uint64_t attempt_ = 0;
  SteadyTime last_activity_{};
  std::optional<Error> last_error_;
  std::function<void(bool)> on_ready_change_;
  OnConnectHook on_connect_;
};

RedisClient::Options RedisClient::MakeOptions(const config::RedisSettings& settings,
                                              config::RedisEndpoint endpoint, std::string name) {
  Options options;
  options.endpoint = std::move(endpoint);
  options.password = settings.password;
  options.connect_timeout = settings.connect_timeout;
  options.request_timeout = settings.request_timeout;
  options.reconnect_max_backoff = settings.reconnect_max_backoff;
  options.name = std::move(name);
  return options;
}

RedisClient::RedisClient(boost::asio::any_io_executor executor, Clock& clock, Options options)
    : executor_(executor),
      impl_(std::make_unique<Impl>(std::move(executor), clock, std::move(options))) {}

RedisClient::~RedisClient() = default;

void RedisClient::Start() { impl_->Start(); }
void RedisClient::Stop() { impl_->Stop(); }
bool RedisClient::IsReady() const { return impl_->IsReady(); }
void RedisClient::SetOnReadyChange(std::function<void(bool)> on_change) {
  impl_->SetOnReadyChange(std::move(on_change));
}
void RedisClient::SetOnConnect(OnConnectHook hook) { impl_->SetOnConnect(std::move(hook)); }
const std::optional<Error>& RedisClient::LastError() const { return impl_->LastError(); }
std::size_t RedisClient::InFlight() const { return impl_->InFlight(); }
const RedisClient::Options& RedisClient::GetOptions() const { return impl_->GetOptions(); }
Duration RedisClient::RequestTimeout() const { return impl_->GetOptions().request_timeout; }

void RedisClient::Command(std::vector<std::string> args, Callback callback) {
  impl_->Issue(std::move(args), impl_->GetOptions().request_timeout, std::move(callback), false);
}

void RedisClient::Command(std::vector<std::string> args, Duration timeout, Callback callback) {
  impl_->Issue(std::move(args), timeout, std::move(callback), false);
}

void RedisClient::Commands(std::vector<std::vector<std::string>> commands, BatchCallback callback) {
  if (commands.empty()) {
    boost::asio::post(executor_, [done = std::move(callback)] { done({}); });
    return;
  }
  struct Batch {
    std::vector<std::optional<Result<RedisReply>>> replies;
    std::size_t left;
    BatchCallback done;
  };
  auto batch =
      std::make_shared<Batch>(Batch{std::vector<std::optional<Result<RedisReply>>>(commands.size()),
                                    commands.size(), std::move(callback)});
  for (std::size_t i = 0; i < commands.size(); ++i) {
    Command(std::move(commands[i]), [batch, i](Result<RedisReply> reply) {
      batch->replies[i].emplace(std::move(reply));
      if (--batch->left > 0) return;
      std::vector<Result<RedisReply>> replies;
      replies.reserve(batch->replies.size());
      for (auto& each : batch->replies) replies.push_back(std::move(*each));
      batch->done(std::move(replies));
    });
  }
}

}  // namespace leadd::queue
