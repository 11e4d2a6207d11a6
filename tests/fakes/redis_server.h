// RedisServerProcess: a real redis-server on a free loopback port in a temp dir, for tests.
#pragma once

#include <sys/types.h>

#include <chrono>
#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include "config/settings.h"
#include "core/result.h"
#include "queue/redis_reply.h"

namespace leadd::fakes {

// Everything here blocks the calling thread (bounded waits); call it from the test body, not
// from inside a handler. No persistence: `--save "" --appendonly no`.
class RedisServerProcess {
 public:
  struct Options {
    std::optional<std::string> password;  // --requirepass
    bool unix_socket = false;             // also listen on Dir()/redis.sock
    std::string binary = "redis-server";
    std::vector<std::string> extra_args;  // appended as given: {"--maxmemory", "1mb"}
  };

  RedisServerProcess();
  explicit RedisServerProcess(Options options);
  RedisServerProcess(const RedisServerProcess&) = delete;
  RedisServerProcess& operator=(const RedisServerProcess&) = delete;
  // Stops the server and removes the temp dir.
  ~RedisServerProcess();

  // Starts on a free port and waits until it answers PING. The constructor does not start.
  Result<void> Start();
  void Kill();    // SIGKILL and reap
  void Freeze();  // SIGSTOP; returns once the process is stopped
  void Thaw();    // SIGCONT
  // Stops (or reaps a killed server) and starts again on the same port, waiting for PING.
  Result<void> Restart();
  // SIGTERM (SIGKILL after 5 s) and reap; no-op when not running.
  void Stop();

  bool IsRunning() const { return pid_ > 0; }
  pid_t Pid() const { return pid_; }
  std::uint16_t Port() const { return port_; }
  const std::filesystem::path& Dir() const { return dir_; }
  std::string UnixPath() const { return (dir_ / "redis.sock").string(); }
  // 127.0.0.1:Port(); with `unix` the socket instead (needs Options::unix_socket).
  config::RedisEndpoint Endpoint(bool unix = false) const;

  // One command on a fresh blocking connection (authenticated when a password is set), for
  // arranging and checking state around the client under test.
  Result<queue::RedisReply> Run(const std::vector<std::string>& args,
                                std::chrono::milliseconds timeout = std::chrono::seconds(2)) const;

 private:
  Result<void> Launch();
  bool WaitForPing(std::chrono::milliseconds limit);
  bool Reap(std::chrono::milliseconds limit);

  Options options_;
  std::filesystem::path dir_;
  std::uint16_t port_ = 0;
  pid_t pid_ = 0;
};

}  // namespace leadd::fakes
