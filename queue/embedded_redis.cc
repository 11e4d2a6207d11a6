#include "queue/embedded_redis.h"

#include <fcntl.h>
#include <spdlog/spdlog.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <boost/asio/post.hpp>
#include <cerrno>
#include <climits>
#include <csignal>
#include <cstdlib>
#include <cstring>
#include <string_view>

namespace leadd::queue {
namespace {

std::shared_ptr<spdlog::logger> QueueLogger() {
  auto logger = spdlog::get("queue");
  return logger ? logger : spdlog::default_logger();
}

// glibc 2.36's <sys/pidfd.h> lacks extern "C", so C++ cannot link its pidfd_open().
int PidfdOpen(pid_t pid) { return static_cast<int>(syscall(SYS_pidfd_open, pid, 0)); }

std::string ErrnoText(int error) {
  return std::error_code(error, std::system_category()).message();
}

std::string DescribeStatus(int status) {
  if (WIFEXITED(status)) return "exit " + std::to_string(WEXITSTATUS(status));
  if (WIFSIGNALED(status)) {
    const char* name = sigabbrev_np(WTERMSIG(status));
    return name != nullptr ? std::string("signal SIG") + name
                           : "signal " + std::to_string(WTERMSIG(status));
  }
  return "status " + std::to_string(status);
}

bool IsExecutableFile(const std::string& path) {
  std::error_code ec;
  return std::filesystem::is_regular_file(path, ec) && access(path.c_str(), X_OK) == 0;
}

Result<std::string> ResolveBinary(const std::string& name) {
  if (name.find('/') != std::string::npos) {
    if (IsExecutableFile(name)) return name;
    return Unavailable("embedded redis: " + name + " is not an executable file");
  }
  const char* path_env = std::getenv("PATH");
  std::string_view search = path_env != nullptr ? path_env : "/usr/local/bin:/usr/bin:/bin";
  while (!search.empty()) {
    const auto colon = search.find(':');
    std::string dir(search.substr(0, colon));
    search = colon == std::string_view::npos ? std::string_view() : search.substr(colon + 1);
    if (dir.empty()) continue;
    std::string candidate = std::move(dir);
    candidate.append("/").append(name);
    if (IsExecutableFile(candidate)) return candidate;
  }
  return Unavailable("embedded redis: " + name +
                     " not found in PATH (install the redis-server package or configure the "
                     "binary's full path)");
}

// True when something already accepts connections on `path`: a second server on the same
// directory would unlink its socket and write the same AOF.
bool SocketIsServed(const std::string& path) {
  const int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd < 0) return false;
  sockaddr_un address{};
  address.sun_family = AF_UNIX;
  std::memcpy(address.sun_path, path.c_str(), path.size() + 1);
  const bool served = connect(fd, reinterpret_cast<const sockaddr*>(&address), sizeof address) == 0;
  close(fd);
  return served;
}

// Runs in the forked child: only async-signal-safe calls until exec.
[[noreturn]] void ExecChild(const char* path, char* const* argv, int error_fd, pid_t parent) {
  prctl(PR_SET_PDEATHSIG, SIGTERM);
  // The parent may have died before prctl took effect; then nobody would ever stop us.
  if (getppid() != parent) _exit(1);
  // Its own process group: a Ctrl-C meant for leadd must not kill Redis behind its back.
  setpgid(0, 0);
  sigset_t none;
  sigemptyset(&none);
  sigprocmask(SIG_SETMASK, &none, nullptr);
  struct sigaction default_action {};
  default_action.sa_handler = SIG_DFL;
  for (int sig : {SIGPIPE, SIGINT, SIGTERM, SIGHUP, SIGQUIT, SIGCHLD}) {
    sigaction(sig, &default_action, nullptr);
  }
  const int null_fd = open("/dev/null", O_RDWR);
  if (null_fd >= 0) {
    dup2(null_fd, STDIN_FILENO);
    dup2(null_fd, STDOUT_FILENO);
    if (null_fd > STDERR_FILENO) close(null_fd);
  }
  // stderr stays: Redis reports config errors there before its log file is open.
  if (error_fd > 3) close_range(3, static_cast<unsigned>(error_fd - 1), 0);
  close_range(static_cast<unsigned>(error_fd + 1), UINT_MAX, 0);
  execv(path, argv);
  const int error = errno;
  [[maybe_unused]] auto written = write(error_fd, &error, sizeof error);
  _exit(127);
}

pid_t WaitNoHang(pid_t pid, int* status) {
  pid_t reaped;
  do {
    reaped = waitpid(pid, status, WNOHANG);
  } while (reaped < 0 && errno == EINTR);
  return reaped;
}

void WaitBlocking(pid_t pid) {
  while (waitpid(pid, nullptr, 0) < 0 && errno == EINTR) {
  }
}

}  // namespace

EmbeddedRedis::EmbeddedRedis(boost::asio::any_io_executor executor, Clock& clock,
                             std::filesystem::path dir, std::string server_binary,
                             EmbeddedRedisOptions options)
    : executor_(std::move(executor)),
      clock_(clock),
      dir_(std::move(dir)),
      server_binary_(std::move(server_binary)),
      options_(options),
      restart_timer_(clock_.MakeTimer()),
      stable_timer_(clock_.MakeTimer()),
      kill_timer_(clock_.MakeTimer()),
      pidfd_(executor_),
      backoff_(options.restart_backoff) {}

EmbeddedRedis::~EmbeddedRedis() {
  *alive_ = false;
  if (pid_ != 0) {
    QueueLogger()->warn("redis.embedded.killed pid={} reason=\"destroyed without Stop()\"", pid_);
    kill(pid_, SIGKILL);
    WaitBlocking(pid_);
    pid_ = 0;
  }
  boost::system::error_code ignored;
  pidfd_.close(ignored);
}

config::RedisEndpoint EmbeddedRedis::Endpoint() const {
  config::RedisEndpoint endpoint;
  endpoint.host.clear();
  endpoint.port = 0;
  endpoint.unix_path = (dir_ / "redis.sock").string();
  return endpoint;
}

std::vector<std::string> EmbeddedRedis::Arguments() const {
  const std::pair<const char*, std::string> flags[] = {
      {"--port", "0"},  // no TCP listener: the socket's file mode is the access control
      {"--unixsocket", (dir_ / "redis.sock").string()},
      {"--unixsocketperm", "700"},
      {"--dir", dir_.string()},
      {"--appendonly", "yes"},
      {"--appendfsync", "everysec"},
      {"--save", ""},
      {"--daemonize", "no"},
      {"--protected-mode", "yes"},
      {"--logfile", (dir_ / "redis.log").string()},
  };
  std::vector<std::string> args{resolved_binary_};
  for (const auto& [flag, value] : flags) {
    args.emplace_back(flag);
    args.push_back(value);
  }
  return args;
}

Result<void> EmbeddedRedis::Start() {
  if (started_ || pid_ != 0) return Ok();
  std::error_code ec;
  dir_ = std::filesystem::absolute(dir_, ec);
  if (ec) {
    return Unavailable("embedded redis: bad directory " + dir_.string() + ": " + ec.message());
  }
  const bool created = std::filesystem::create_directories(dir_, ec);
  if (ec) {
    return Unavailable("embedded redis: cannot create " + dir_.string() + ": " + ec.message());
  }
  if (created) {
    std::filesystem::permissions(dir_, std::filesystem::perms::owner_all,
                                 std::filesystem::perm_options::replace, ec);
  }
  const std::string socket_path = (dir_ / "redis.sock").string();
  if (socket_path.size() >= sizeof(sockaddr_un{}.sun_path)) {
    return Unavailable("embedded redis: socket path " + socket_path + " is longer than " +
                       std::to_string(sizeof(sockaddr_un{}.sun_path) - 1) +
                       " bytes; choose a shorter state_dir");
  }
  if (SocketIsServed(socket_path)) {
    return Unavailable("embedded redis: " + socket_path +
                       " is already served by another process (another leadd on this "
                       "state_dir?)");
  }
  LEADD_TRY(binary, ResolveBinary(server_binary_));
  resolved_binary_ = std::move(binary);
  backoff_ = options_.restart_backoff;
  stopping_ = false;
  LEADD_TRYV(Spawn());
  started_ = true;
  return Ok();
}

Result<void> EmbeddedRedis::Spawn() {
  std::vector<std::string> args = Arguments();
  std::vector<char*> argv;
  argv.reserve(args.size() + 1);
  for (auto& arg : args) argv.push_back(arg.data());
  argv.push_back(nullptr);

  // Exec failure travels back over a close-on-exec pipe: EOF means exec succeeded.
  int pipe_fds[2];
  if (pipe2(pipe_fds, O_CLOEXEC) != 0) {
    return Unavailable("embedded redis: pipe: " + ErrnoText(errno));
  }
  const pid_t parent = getpid();
  const pid_t pid = fork();
  if (pid < 0) {
    const int error = errno;
    close(pipe_fds[0]);
    close(pipe_fds[1]);
    return Unavailable("embedded redis: fork: " + ErrnoText(error));
  }
  if (pid == 0) ExecChild(argv[0], argv.data(), pipe_fds[1], parent);

  close(pipe_fds[1]);
  int child_error = 0;
  ssize_t got;
  do {
    got = read(pipe_fds[0], &child_error, sizeof child_error);
  } while (got < 0 && errno == EINTR);
  close(pipe_fds[0]);
  if (got == static_cast<ssize_t>(sizeof child_error)) {
    WaitBlocking(pid);
    return Unavailable("embedded redis: cannot run " + resolved_binary_ + ": " +
                       ErrnoText(child_error));
  }

  const int fd = PidfdOpen(pid);
  boost::system::error_code ec;
  if (fd >= 0) pidfd_.assign(fd, ec);
  if (fd < 0 || ec) {
    const std::string why = fd < 0 ? ErrnoText(errno) : ec.message();
    if (fd >= 0) close(fd);
    kill(pid, SIGKILL);
    WaitBlocking(pid);
    return Unavailable("embedded redis: cannot watch the child: " + why);
  }
  pid_ = pid;
  Watch();
  stable_timer_->ArmAfter(options_.stable_after, [this] { backoff_ = options_.restart_backoff; });
  QueueLogger()->info("redis.embedded.started pid={} dir={}", pid_, dir_.string());
  return Ok();
}

void EmbeddedRedis::Watch() {
  pidfd_.async_wait(boost::asio::posix::descriptor_base::wait_read,
                    [this, alive = alive_](const boost::system::error_code& ec) {
                      if (ec || !*alive) return;
                      OnChildExit();
                    });
}

void EmbeddedRedis::OnChildExit() {
  int status = 0;
  const pid_t reaped = WaitNoHang(pid_, &status);
  if (reaped == 0) {
    Watch();
    return;
  }
  // -1 (ECHILD) when someone else reaped it, e.g. SIGCHLD set to SIG_IGN: gone all the same.
  const std::string how = reaped < 0 ? "unknown (reaped elsewhere)" : DescribeStatus(status);
  boost::system::error_code ignored;
  pidfd_.close(ignored);
  const pid_t pid = std::exchange(pid_, 0);
  stable_timer_->Cancel();
  if (stopping_) {
    QueueLogger()->info("redis.embedded.stopped pid={} status=\"{}\"", pid, how);
    FinishStop();
    return;
  }
  QueueLogger()->error("redis.embedded.exited pid={} status=\"{}\" restart_in_ms={} log={}", pid,
                       how, backoff_.count(), (dir_ / "redis.log").string());
  ScheduleRestart();
}

void EmbeddedRedis::ScheduleRestart() {
  const Duration delay = backoff_;
  backoff_ = std::min(backoff_ * 2, options_.max_restart_backoff);
  restart_timer_->ArmAfter(delay, [this] {
    auto spawned = Spawn();
    if (!spawned) {
      QueueLogger()->error("redis.embedded.restart_failed reason=\"{}\" retry_in_ms={}",
                           spawned.error().detail, backoff_.count());
      ScheduleRestart();
      return;
    }
    ++restarts_;
  });
}

void EmbeddedRedis::Stop(std::function<void()> done) {
  on_stopped_.push_back(std::move(done));
  started_ = false;
  restart_timer_->Cancel();
  stable_timer_->Cancel();
  if (pid_ == 0) {
    FinishStop();
    return;
  }
  if (stopping_) return;
  stopping_ = true;
  QueueLogger()->info("redis.embedded.stopping pid={}", pid_);
  kill(pid_, SIGTERM);
  // A stopped (SIGSTOP) child would keep SIGTERM pending until the SIGKILL.
  kill(pid_, SIGCONT);
  kill_timer_->ArmAfter(options_.stop_timeout, [this] {
    if (pid_ == 0) return;
    QueueLogger()->warn("redis.embedded.kill pid={} after_ms={}", pid_,
                        options_.stop_timeout.count());
    kill(pid_, SIGKILL);
  });
}

void EmbeddedRedis::FinishStop() {
  stopping_ = false;
  kill_timer_->Cancel();
  for (auto& done : std::exchange(on_stopped_, {})) {
    if (done) boost::asio::post(executor_, std::move(done));
  }
}

}  // namespace leadd::queue
