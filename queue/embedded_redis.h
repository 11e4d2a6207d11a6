// EmbeddedRedis: the quickstart's own redis-server child on a unix socket, supervised by leadd.
#pragma once

#include <utility>  // before Asio: Boost 1.74 + g++ 12 need std::exchange declared first

#include <sys/types.h>

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/posix/stream_descriptor.hpp>
#include <cstdint>
#include <filesystem>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "config/settings.h"
#include "core/clock.h"
#include "core/result.h"

namespace leadd::queue {

struct EmbeddedRedisOptions {
  Duration stop_timeout{5000};    // SIGTERM, then SIGKILL after this long
  Duration restart_backoff{100};  // first restart delay after an unexpected exit; doubles
  Duration max_restart_backoff{30000};
  Duration stable_after{60000};  // a child that ran this long resets the backoff
};

// Contract:
// - Lifecycle: construct -> Start() -> Stop(done) -> destruction. Start() again after done ran
//   is allowed. The Clock must outlive this object.
// - Runs on the one executor given at construction (single-threaded).
// - The child runs `redis-server` with its socket, AOF and log in `dir` (the daemon passes
//   <state_dir>/redis), no TCP port, and PR_SET_PDEATHSIG(SIGTERM): it dies with the thread
//   that called Start(), so call it from the thread that runs the daemon's lifetime.
// - An unexpected exit is logged and the child restarted with backoff until Stop(). Data
//   written before the exit survives through the AOF.
// - Destruction without Stop() SIGKILLs and reaps the child synchronously.
class EmbeddedRedis {
 public:
  EmbeddedRedis(boost::asio::any_io_executor executor, Clock& clock, std::filesystem::path dir,
                std::string server_binary = "redis-server", EmbeddedRedisOptions options = {});
  EmbeddedRedis(const EmbeddedRedis&) = delete;
  EmbeddedRedis& operator=(const EmbeddedRedis&) = delete;
  ~EmbeddedRedis();

  // Creates `dir` if needed and starts the child. kUnavailable names what is wrong: the
  // binary is missing, the directory cannot be created, the socket path is too long.
  Result<void> Start();
  // SIGTERM, SIGKILL after stop_timeout, reap; then `done` runs (on the executor, never
  // inside Stop()). Also cancels a pending restart.
  void Stop(std::function<void()> done);

  // Where clients connect: unix_path set, host empty.
  config::RedisEndpoint Endpoint() const;
  // The running child's pid, 0 when none (stopped, or waiting to restart).
  pid_t Pid() const { return pid_; }
  // How many times the supervisor restarted the child after an unexpected exit.
  std::uint64_t Restarts() const { return restarts_; }

 private:
  Result<void> Spawn();
  void Watch();
  void OnChildExit();
  void ScheduleRestart();
  void FinishStop();
  std::vector<std::string> Arguments() const;

  boost::asio::any_io_executor executor_;
  Clock& clock_;
  std::filesystem::path dir_;
  std::string server_binary_;
  std::string resolved_binary_;
  EmbeddedRedisOptions options_;
  std::unique_ptr<Timer> restart_timer_;
  std::unique_ptr<Timer> stable_timer_;
  std::unique_ptr<Timer> kill_timer_;
  boost::asio::posix::stream_descriptor pidfd_;
  pid_t pid_ = 0;
  bool started_ = false;
  bool stopping_ = false;
  std::uint64_t restarts_ = 0;
  Duration backoff_{};
  std::vector<std::function<void()>> on_stopped_;
  std::shared_ptr<bool> alive_ = std::make_shared<bool>(true);
};

}  // namespace leadd::queue
