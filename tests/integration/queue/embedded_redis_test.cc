// Integration tests of EmbeddedRedis: a real redis-server child, supervised.
#include <utility>  // before Asio: Boost 1.74 + g++ 12 need std::exchange declared first

#include <gtest/gtest.h>
#include <hiredis/hiredis.h>
#include <signal.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>
#include <cerrno>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "core/asio_clock.h"
#include "queue/embedded_redis.h"
#include "queue/redis_client.h"
#include "tests/fakes/manual_clock.h"
#include "tests/fakes/run_until.h"

namespace leadd::queue {
namespace {

using fakes::ManualClock;
using std::chrono::milliseconds;
using std::chrono::steady_clock;

// One blocking command over the unix socket, retried until the server accepts connections.
Result<RedisReply> RunUnix(const std::string& path, const std::vector<std::string>& args,
                           milliseconds limit = milliseconds(5000)) {
  const auto deadline = steady_clock::now() + limit;
  std::string last_error = "never tried";
  while (steady_clock::now() < deadline) {
    redisContext* c = redisConnectUnixWithTimeout(path.c_str(), timeval{1, 0});
    if (c != nullptr && c->err == 0) {
      redisSetTimeout(c, timeval{2, 0});
      std::vector<const char*> argv;
      std::vector<std::size_t> lengths;
      for (const auto& arg : args) {
        argv.push_back(arg.data());
        lengths.push_back(arg.size());
      }
      auto* reply = static_cast<redisReply*>(
          redisCommandArgv(c, static_cast<int>(args.size()), argv.data(), lengths.data()));
      if (reply != nullptr) {
        auto copy = CopyHiredisReply(*reply);
        freeReplyObject(reply);
        redisFree(c);
        // Right after start Redis may still be loading the AOF.
        if (copy || !copy.error().detail.starts_with("LOADING")) return copy;
        std::this_thread::sleep_for(milliseconds(10));
        continue;
      }
    }
    last_error = c != nullptr ? c->errstr : "no context";
    if (c != nullptr) redisFree(c);
    std::this_thread::sleep_for(milliseconds(10));
  }
  return Transient("test: " + path + ": " + last_error);
}

bool ProcessGone(pid_t pid) { return kill(pid, 0) == -1 && errno == ESRCH; }

class EmbeddedRedisTest : public ::testing::Test {
 protected:
  void SetUp() override {
    char pattern[] = "/tmp/leadd-embedded-XXXXXX";
    ASSERT_NE(mkdtemp(pattern), nullptr);
    root_ = pattern;
    dir_ = root_ / "state" / "redis";
  }
  void TearDown() override {
    std::error_code ignored;
    std::filesystem::remove_all(root_, ignored);
  }

  std::unique_ptr<EmbeddedRedis> Make(std::string binary = "redis-server",
                                      EmbeddedRedisOptions options = {}) {
    return std::make_unique<EmbeddedRedis>(io_.get_executor(), clock_, dir_, std::move(binary),
                                           options);
  }

  template <class Pred>
  bool RunUntil(Pred done, milliseconds limit = milliseconds(10000)) {
    return fakes::RunUntil(io_, std::move(done), limit);
  }

  bool StopAndWait(EmbeddedRedis& redis) {
    bool stopped = false;
    redis.Stop([&] { stopped = true; });
    EXPECT_FALSE(stopped) << "done must not run inside Stop()";
    return RunUntil([&] { return stopped; });
  }

  boost::asio::io_context io_;
  boost::asio::executor_work_guard<boost::asio::io_context::executor_type> work_ =
      boost::asio::make_work_guard(io_);
  ManualClock clock_{WallTime{}};
  std::filesystem::path root_;
  std::filesystem::path dir_;
};

TEST_F(EmbeddedRedisTest, StartsAndAnswersPingOverTheUnixSocket) {
  auto redis = Make();
  auto started = redis->Start();
  ASSERT_TRUE(started) << started.error().detail;
  EXPECT_GT(redis->Pid(), 0);

  const auto endpoint = redis->Endpoint();
  EXPECT_TRUE(endpoint.host.empty());
  EXPECT_EQ(endpoint.unix_path, (dir_ / "redis.sock").string());
  auto pong = RunUnix(endpoint.unix_path, {"PING"});
  ASSERT_TRUE(pong) << pong.error().detail;
  EXPECT_EQ(pong.value().str, "PONG");

  struct stat info {};
  ASSERT_EQ(stat(endpoint.unix_path.c_str(), &info), 0);
  EXPECT_EQ(info.st_mode & 0777, 0700u);
  ASSERT_EQ(stat(dir_.c_str(), &info), 0);
  EXPECT_EQ(info.st_mode & 0777, 0700u);
  // No TCP listener, AOF on.
  EXPECT_EQ(RunUnix(endpoint.unix_path, {"CONFIG", "GET", "port"}).value().elements.at(1).str, "0");
  EXPECT_EQ(RunUnix(endpoint.unix_path, {"CONFIG", "GET", "appendonly"}).value().elements.at(1).str,
            "yes");
  EXPECT_TRUE(StopAndWait(*redis));
}

TEST_F(EmbeddedRedisTest, RedisClientConnectsThroughTheEndpoint) {
  auto redis = Make();
  ASSERT_TRUE(redis->Start());
  AsioClock asio_clock(io_.get_executor());
  RedisClient::Options options;
  options.endpoint = redis->Endpoint();
  options.reconnect_max_backoff = milliseconds(100);
  RedisClient client(io_.get_executor(), asio_clock, options);
  client.Start();
  ASSERT_TRUE(RunUntil([&] { return client.IsReady(); }));
  std::string got;
  client.Command({"ECHO", "hi"}, [&](Result<RedisReply> r) { got = r ? r.value().str : "error"; });
  ASSERT_TRUE(RunUntil([&] { return !got.empty(); }));
  EXPECT_EQ(got, "hi");
  client.Stop();
  EXPECT_TRUE(StopAndWait(*redis));
}

TEST_F(EmbeddedRedisTest, DataSurvivesARestartThroughTheAof) {
  {
    auto redis = Make();
    ASSERT_TRUE(redis->Start());
    ASSERT_TRUE(RunUnix(redis->Endpoint().unix_path, {"SET", "lead:1", "kept"}));
    ASSERT_TRUE(StopAndWait(*redis));
  }
  EXPECT_TRUE(std::filesystem::exists(dir_ / "appendonlydir"));
  auto again = Make();
  ASSERT_TRUE(again->Start());
  auto value = RunUnix(again->Endpoint().unix_path, {"GET", "lead:1"});
  ASSERT_TRUE(value) << value.error().detail;
  EXPECT_EQ(value.value().str, "kept");
  EXPECT_TRUE(StopAndWait(*again));
}

TEST_F(EmbeddedRedisTest, SigkilledChildIsRestartedWithBackoff) {
  auto redis = Make();
  ASSERT_TRUE(redis->Start());
  const std::string socket = redis->Endpoint().unix_path;
  ASSERT_TRUE(RunUnix(socket, {"SET", "k", "before-crash"}));

  const pid_t first = redis->Pid();
  ASSERT_EQ(kill(first, SIGKILL), 0);
  ASSERT_TRUE(RunUntil([&] { return redis->Pid() == 0; }));  // exit seen and reaped
  EXPECT_TRUE(ProcessGone(first));
  clock_.Advance(milliseconds(99));
  EXPECT_EQ(redis->Pid(), 0);
  clock_.Advance(milliseconds(1));  // restart_backoff: 100 ms
  ASSERT_GT(redis->Pid(), 0);
  EXPECT_NE(redis->Pid(), first);
  EXPECT_EQ(redis->Restarts(), 1u);
  // Written to the AOF before the reply went out, so a SIGKILL does not lose it.
  auto value = RunUnix(socket, {"GET", "k"});
  ASSERT_TRUE(value) << value.error().detail;
  EXPECT_EQ(value.value().str, "before-crash");

  // A second crash soon after waits twice as long.
  const pid_t second = redis->Pid();
  ASSERT_EQ(kill(second, SIGKILL), 0);
  ASSERT_TRUE(RunUntil([&] { return redis->Pid() == 0; }));
  clock_.Advance(milliseconds(199));
  EXPECT_EQ(redis->Pid(), 0);
  clock_.Advance(milliseconds(1));
  ASSERT_GT(redis->Pid(), 0);
  EXPECT_EQ(redis->Restarts(), 2u);
  EXPECT_TRUE(RunUnix(socket, {"PING"}));
  EXPECT_TRUE(StopAndWait(*redis));
}

TEST_F(EmbeddedRedisTest, StopLeavesNoProcessBehind) {
  auto redis = Make();
  ASSERT_TRUE(redis->Start());
  const pid_t pid = redis->Pid();
  ASSERT_TRUE(RunUnix(redis->Endpoint().unix_path, {"PING"}));
  ASSERT_TRUE(StopAndWait(*redis));
  EXPECT_EQ(redis->Pid(), 0);
  EXPECT_TRUE(ProcessGone(pid));  // not even a zombie: reaped
  EXPECT_EQ(waitpid(pid, nullptr, WNOHANG), -1);
  EXPECT_EQ(errno, ECHILD);
  EXPECT_FALSE(std::filesystem::exists(dir_ / "redis.sock"));
  // A stopped supervisor does not restart anything.
  clock_.Advance(milliseconds(60000));
  EXPECT_EQ(redis->Pid(), 0);
}

TEST_F(EmbeddedRedisTest, StopEscalatesToSigkillWhenSigtermIsIgnored) {
  std::filesystem::create_directories(root_ / "bin");
  const auto script = root_ / "bin" / "stubborn-server";
  {
    std::ofstream out(script);
    out << "#!/bin/sh\ntrap '' TERM\nexec sleep 1000\n";
  }
  std::filesystem::permissions(script, std::filesystem::perms::owner_all);
  auto redis = Make(script.string());
  ASSERT_TRUE(redis->Start());
  const pid_t pid = redis->Pid();
  // Only once the script has exec'd sleep is SIGTERM ignored for sure.
  const auto comm = "/proc/" + std::to_string(pid) + "/comm";
  ASSERT_TRUE(RunUntil([&] {
    std::string name;
    std::ifstream(comm) >> name;
    return name == "sleep";
  }));

  bool stopped = false;
  redis->Stop([&] { stopped = true; });
  RunUntil([&] { return stopped; }, milliseconds(300));
  EXPECT_FALSE(stopped);
  EXPECT_FALSE(ProcessGone(pid));
  clock_.Advance(milliseconds(5000));  // stop_timeout
  ASSERT_TRUE(RunUntil([&] { return stopped; }));
  EXPECT_TRUE(ProcessGone(pid));
}

TEST_F(EmbeddedRedisTest, StopCancelsAPendingRestart) {
  auto redis = Make();
  ASSERT_TRUE(redis->Start());
  ASSERT_EQ(kill(redis->Pid(), SIGKILL), 0);
  ASSERT_TRUE(RunUntil([&] { return redis->Pid() == 0; }));
  ASSERT_TRUE(StopAndWait(*redis));
  clock_.Advance(milliseconds(60000));
  EXPECT_EQ(redis->Pid(), 0);
  EXPECT_EQ(redis->Restarts(), 0u);
}

TEST_F(EmbeddedRedisTest, DestructionWithoutStopKillsTheChild) {
  auto redis = Make();
  ASSERT_TRUE(redis->Start());
  const pid_t pid = redis->Pid();
  redis.reset();
  EXPECT_TRUE(ProcessGone(pid));
}

TEST_F(EmbeddedRedisTest, StartFailsClearlyWhenTheBinaryIsMissing) {
  auto redis = Make("leadd-no-such-redis-server");
  auto started = redis->Start();
  ASSERT_FALSE(started);
  EXPECT_EQ(started.error().code, Errc::kUnavailable);
  EXPECT_NE(started.error().detail.find("leadd-no-such-redis-server not found in PATH"),
            std::string::npos)
      << started.error().detail;

  auto by_path = Make("/nonexistent/bin/redis-server");
  auto started_by_path = by_path->Start();
  ASSERT_FALSE(started_by_path);
  EXPECT_NE(started_by_path.error().detail.find("is not an executable file"), std::string::npos)
      << started_by_path.error().detail;
}

TEST_F(EmbeddedRedisTest, StartFailsClearlyWhenTheDirectoryCannotBeCreated) {
  std::ofstream(root_ / "a-file") << "x";
  dir_ = root_ / "a-file" / "redis";
  auto redis = Make();
  auto started = redis->Start();
  ASSERT_FALSE(started);
  EXPECT_EQ(started.error().code, Errc::kUnavailable);
  EXPECT_NE(started.error().detail.find("cannot create"), std::string::npos)
      << started.error().detail;
}

TEST_F(EmbeddedRedisTest, StartRefusesADirectoryAnotherServerIsServing) {
  auto first = Make();
  ASSERT_TRUE(first->Start());
  ASSERT_TRUE(RunUnix(first->Endpoint().unix_path, {"PING"}));
  auto second = Make();
  auto started = second->Start();
  ASSERT_FALSE(started);
  EXPECT_NE(started.error().detail.find("already served"), std::string::npos)
      << started.error().detail;
  EXPECT_TRUE(StopAndWait(*first));
}

}  // namespace
}  // namespace leadd::queue
