#include "tests/fakes/redis_server.h"

#include <arpa/inet.h>
#include <fcntl.h>
#include <hiredis/hiredis.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <csignal>
#include <cstdlib>
#include <memory>
#include <system_error>
#include <thread>

#include "queue/redis_argv.h"

namespace leadd::fakes {
namespace {

using std::chrono::milliseconds;
using std::chrono::steady_clock;

constexpr int kStartAttempts = 5;
constexpr milliseconds kStartLimit{10000};
constexpr milliseconds kStopLimit{5000};
constexpr milliseconds kPollStep{10};

// glibc 2.36's <sys/pidfd.h> lacks extern "C", so C++ cannot link its pidfd_open().
int PidfdOpen(pid_t pid) { return static_cast<int>(syscall(SYS_pidfd_open, pid, 0)); }

std::string ErrnoText(int error) {
  return std::error_code(error, std::system_category()).message();
}

timeval ToTimeval(milliseconds d) {
  return timeval{static_cast<time_t>(d.count() / 1000),
                 static_cast<suseconds_t>((d.count() % 1000) * 1000)};
}

// Port 0 lets the kernel pick; the socket closes before Redis binds, so a rare collision is
// possible and Start() retries with another port.
std::uint16_t PickFreePort() {
  const int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd < 0) return 0;
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  address.sin_port = 0;
  socklen_t length = sizeof address;
  std::uint16_t port = 0;
  if (bind(fd, reinterpret_cast<sockaddr*>(&address), sizeof address) == 0 &&
      getsockname(fd, reinterpret_cast<sockaddr*>(&address), &length) == 0) {
    port = ntohs(address.sin_port);
  }
  close(fd);
  return port;
}

struct ContextCloser {
  void operator()(redisContext* c) const { redisFree(c); }
};
using ContextPtr = std::unique_ptr<redisContext, ContextCloser>;

struct ReplyCloser {
  void operator()(redisReply* r) const { freeReplyObject(r); }
};
using ReplyPtr = std::unique_ptr<redisReply, ReplyCloser>;

ReplyPtr Call(redisContext* c, const std::vector<std::string>& args) {
  queue::RedisArgv argv(args);
  return ReplyPtr(
      static_cast<redisReply*>(redisCommandArgv(c, argv.Count(), argv.Values(), argv.Lengths())));
}

}  // namespace

RedisServerProcess::RedisServerProcess() : RedisServerProcess(Options{}) {}

RedisServerProcess::RedisServerProcess(Options options) : options_(std::move(options)) {
  char pattern[] = "/tmp/leadd-redis-XXXXXX";
  if (const char* made = mkdtemp(pattern)) dir_ = made;
}

RedisServerProcess::~RedisServerProcess() {
  Stop();
  if (!dir_.empty()) {
    std::error_code ignored;
    std::filesystem::remove_all(dir_, ignored);
  }
}

config::RedisEndpoint RedisServerProcess::Endpoint(bool unix) const {
  config::RedisEndpoint endpoint;
  if (unix) {
    endpoint.host.clear();
    endpoint.unix_path = UnixPath();
  } else {
    endpoint.host = "127.0.0.1";
    endpoint.port = port_;
  }
  return endpoint;
}

Result<void> RedisServerProcess::Start() {
  if (dir_.empty()) return Unavailable("fake redis: cannot create a temp dir");
  if (IsRunning()) return Ok();
  for (int attempt = 0; attempt < kStartAttempts; ++attempt) {
    port_ = PickFreePort();
    if (port_ == 0) continue;
    if (auto launched = Launch(); !launched) return launched;
    if (WaitForPing(kStartLimit)) return Ok();
    Kill();
  }
  return Unavailable("fake redis: redis-server did not come up; see " +
                     (dir_ / "redis.log").string());
}

Result<void> RedisServerProcess::Restart() {
  Stop();
  // The old listener may linger for a moment; Redis sets SO_REUSEADDR, so a retry suffices.
  for (int attempt = 0; attempt < kStartAttempts; ++attempt) {
    if (auto launched = Launch(); !launched) return launched;
    if (WaitForPing(kStartLimit)) return Ok();
    Kill();
    std::this_thread::sleep_for(milliseconds(100));
  }
  return Unavailable("fake redis: restart on port " + std::to_string(port_) + " failed");
}

Result<void> RedisServerProcess::Launch() {
  std::vector<std::string> args{options_.binary};
  const std::pair<const char*, std::string> flags[] = {
      {"--port", std::to_string(port_)},
      {"--bind", "127.0.0.1"},
      {"--dir", dir_.string()},
      {"--save", ""},
      {"--appendonly", "no"},
      {"--daemonize", "no"},
      {"--logfile", (dir_ / "redis.log").string()},
  };
  for (const auto& [flag, value] : flags) {
    args.emplace_back(flag);
    args.push_back(value);
  }
  if (options_.password) {
    args.insert(args.end(), {"--requirepass", *options_.password});
  }
  if (options_.unix_socket) {
    args.insert(args.end(), {"--unixsocket", UnixPath(), "--unixsocketperm", "700"});
  }
  args.insert(args.end(), options_.extra_args.begin(), options_.extra_args.end());
  std::vector<char*> argv;
  argv.reserve(args.size() + 1);
  for (auto& arg : args) argv.push_back(arg.data());
  argv.push_back(nullptr);

  const pid_t parent = getpid();
  const pid_t pid = fork();
  if (pid < 0) return Unavailable("fake redis: fork: " + ErrnoText(errno));
  if (pid == 0) {
    // A crashed test must not leave servers behind.
    prctl(PR_SET_PDEATHSIG, SIGKILL);
    if (getppid() != parent) _exit(1);
    setpgid(0, 0);
    sigset_t none;
    sigemptyset(&none);
    sigprocmask(SIG_SETMASK, &none, nullptr);
    const int null_fd = open("/dev/null", O_RDWR);
    if (null_fd >= 0) {
      dup2(null_fd, STDIN_FILENO);
      dup2(null_fd, STDOUT_FILENO);
    }
    close_range(3, ~0U, 0);
    execvp(argv[0], argv.data());
    _exit(127);
  }
  pid_ = pid;
  return Ok();
}

bool RedisServerProcess::WaitForPing(milliseconds limit) {
  const auto deadline = steady_clock::now() + limit;
  while (steady_clock::now() < deadline) {
    int status = 0;
    if (waitpid(pid_, &status, WNOHANG) == pid_) {
      pid_ = 0;
      return false;
    }
    const timeval tv = ToTimeval(milliseconds(200));
    ContextPtr c(redisConnectWithTimeout("127.0.0.1", port_, tv));
    if (c != nullptr && c->err == 0) {
      redisSetTimeout(c.get(), tv);
      if (options_.password) Call(c.get(), {"AUTH", *options_.password});
      ReplyPtr reply = Call(c.get(), {"PING"});
      if (reply != nullptr && reply->type == REDIS_REPLY_STATUS) return true;
    }
    std::this_thread::sleep_for(kPollStep);
  }
  return false;
}

bool RedisServerProcess::Reap(milliseconds limit) {
  if (pid_ <= 0) return true;
  const int fd = PidfdOpen(pid_);
  if (fd >= 0) {
    pollfd entry{fd, POLLIN, 0};
    int ready;
    do {
      ready = poll(&entry, 1, static_cast<int>(limit.count()));
    } while (ready < 0 && errno == EINTR);
    close(fd);
    if (ready == 0) return false;
  }
  while (waitpid(pid_, nullptr, 0) < 0 && errno == EINTR) {
  }
  pid_ = 0;
  return true;
}

void RedisServerProcess::Kill() {
  if (pid_ <= 0) return;
  kill(pid_, SIGKILL);
  Reap(kStopLimit);
}

void RedisServerProcess::Freeze() {
  if (pid_ <= 0) return;
  kill(pid_, SIGSTOP);
  int status = 0;
  while (waitpid(pid_, &status, WUNTRACED) < 0 && errno == EINTR) {
  }
}

void RedisServerProcess::Thaw() {
  if (pid_ > 0) kill(pid_, SIGCONT);
}

void RedisServerProcess::Stop() {
  if (pid_ <= 0) return;
  kill(pid_, SIGTERM);
  kill(pid_, SIGCONT);
  if (!Reap(kStopLimit)) Kill();
}

Result<queue::RedisReply> RedisServerProcess::Run(const std::vector<std::string>& args,
                                                  milliseconds timeout) const {
  const timeval tv = ToTimeval(timeout);
  ContextPtr c(redisConnectWithTimeout("127.0.0.1", port_, tv));
  if (c == nullptr) return Transient("fake redis: cannot allocate a context");
  if (c->err != 0) return Transient(std::string("fake redis: connect: ") + c->errstr);
  redisSetTimeout(c.get(), tv);
  if (options_.password) {
    ReplyPtr auth = Call(c.get(), {"AUTH", *options_.password});
    if (auth == nullptr) return Transient(std::string("fake redis: AUTH: ") + c->errstr);
  }
  ReplyPtr reply = Call(c.get(), args);
  if (reply == nullptr) return Transient(std::string("fake redis: ") + c->errstr);
  return queue::CopyHiredisReply(*reply);
}

}  // namespace leadd::fakes
