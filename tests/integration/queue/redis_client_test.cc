// Integration tests of RedisClient against a real redis-server started per test.
#include <utility>  // before Asio: Boost 1.74 + g++ 12 need std::exchange declared first

#include <gtest/gtest-spi.h>
#include <gtest/gtest.h>

#include <boost/asio/awaitable.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <chrono>
#include <cstdio>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "core/asio_clock.h"
#include "queue/redis_client.h"
#include "tests/fakes/manual_clock.h"
#include "tests/fakes/redis_server.h"
#include "tests/fakes/run_until.h"

namespace leadd::queue {
namespace {

using fakes::ManualClock;
using fakes::RedisServerProcess;
using std::chrono::milliseconds;
using std::chrono::steady_clock;

// Records each callback's result and fails the test if any callback runs twice.
class ReplyLog {
 public:
  RedisClient::Callback Expect() {
    const std::size_t index = results_.size();
    results_.emplace_back();
    calls_.push_back(0);
    return [this, index](Result<RedisReply> result) {
      if (++calls_[index] > 1) {
        ADD_FAILURE() << "callback " << index << " ran " << calls_[index] << " times";
        return;
      }
      results_[index] = std::move(result);
      order_.push_back(index);
    };
  }

  std::size_t Size() const { return results_.size(); }
  std::size_t Answered() const { return order_.size(); }
  bool AllAnswered() const { return Answered() == Size(); }
  const std::vector<std::size_t>& Order() const { return order_; }
  int Calls(std::size_t index) const { return calls_.at(index); }

  const Result<RedisReply>& At(std::size_t index) const {
    static const Result<RedisReply> kUnanswered = Transient("test: no answer yet");
    const auto& slot = results_.at(index);
    return slot ? *slot : kUnanswered;
  }
  const RedisReply& Value(std::size_t index) const {
    static const RedisReply kNone{};
    const auto& r = At(index);
    if (!r) {
      ADD_FAILURE() << "callback " << index << " failed: " << r.error().detail;
      return kNone;
    }
    return r.value();
  }
  Errc Code(std::size_t index) const {
    const auto& r = At(index);
    if (r) {
      ADD_FAILURE() << "callback " << index << " succeeded, an error was expected";
      return Errc::kTransient;
    }
    return r.error().code;
  }
  std::string Detail(std::size_t index) const {
    const auto& r = At(index);
    return r ? std::string("<success>") : r.error().detail;
  }

 private:
  std::vector<std::optional<Result<RedisReply>>> results_;
  std::vector<int> calls_;
  std::vector<std::size_t> order_;
};

RedisServerProcess::Options WithPassword(std::string password) {
  RedisServerProcess::Options options;
  options.password = std::move(password);
  return options;
}

RedisServerProcess::Options WithUnixSocket() {
  RedisServerProcess::Options options;
  options.unix_socket = true;
  return options;
}

class RedisClientTest : public ::testing::Test {
 protected:
  void StartServer(RedisServerProcess::Options options = {}) {
    server_ = std::make_unique<RedisServerProcess>(std::move(options));
    auto started = server_->Start();
    ASSERT_TRUE(started) << started.error().detail;
  }

  RedisClient::Options OptionsFor(config::RedisEndpoint endpoint) {
    RedisClient::Options options;
    options.endpoint = std::move(endpoint);
    options.connect_timeout = milliseconds(1000);
    options.request_timeout = milliseconds(1000);
    options.reconnect_max_backoff = milliseconds(200);
    options.health_interval = milliseconds(1000);
    options.name = "test";
    options.jitter_seed = 42;
    return options;
  }

  std::unique_ptr<RedisClient> MakeClient(RedisClient::Options options, Clock& clock) {
    return std::make_unique<RedisClient>(io_.get_executor(), clock, std::move(options));
  }
  std::unique_ptr<RedisClient> MakeClient(RedisClient::Options options) {
    return MakeClient(std::move(options), asio_clock_);
  }

  // Drives the io_context until `done` holds; false after `limit` of real time.
  template <class Pred>
  bool RunUntil(Pred done, milliseconds limit = milliseconds(5000)) {
    return fakes::RunUntil(io_, std::move(done), limit);
  }
  void RunFor(milliseconds d) { io_.run_for(d); }

  bool StartAndWaitReady(RedisClient& client) {
    client.Start();
    return RunUntil([&] { return client.IsReady(); });
  }

  boost::asio::io_context io_;
  boost::asio::executor_work_guard<boost::asio::io_context::executor_type> work_ =
      boost::asio::make_work_guard(io_);
  AsioClock asio_clock_{io_.get_executor()};
  ManualClock manual_clock_{WallTime{}};
  std::unique_ptr<RedisServerProcess> server_;
};

TEST(ReplyLogTest, FlagsACallbackThatRunsTwice) {
  EXPECT_NONFATAL_FAILURE(
      {
        ReplyLog log;
        auto callback = log.Expect();
        callback(RedisReply::Status("OK"));
        callback(RedisReply::Status("OK"));
      },
      "ran 2 times");
}

TEST(ErrorFromReplyTest, MapsTheFirstWordOnly) {
  EXPECT_EQ(ErrorFromReply("LOADING Redis is loading").code, Errc::kTransient);
  EXPECT_EQ(ErrorFromReply("BUSY Redis is busy running a script").code, Errc::kTransient);
  EXPECT_EQ(ErrorFromReply("MASTERDOWN Link with MASTER is down").code, Errc::kTransient);
  EXPECT_EQ(ErrorFromReply("TRYAGAIN Multiple keys request").code, Errc::kTransient);
  EXPECT_EQ(ErrorFromReply("READONLY You can't write against a replica").code, Errc::kTransient);
  EXPECT_EQ(ErrorFromReply("CLUSTERDOWN The cluster is down").code, Errc::kTransient);
  EXPECT_EQ(ErrorFromReply("CONFLICT stale token").code, Errc::kConflict);
  EXPECT_EQ(ErrorFromReply("NOTFOUND lead L-1").code, Errc::kNotFound);
  EXPECT_EQ(ErrorFromReply("BUSYGROUP Consumer Group name already exists").code, Errc::kRejected);
  EXPECT_EQ(ErrorFromReply("ERR unknown command").code, Errc::kRejected);
  EXPECT_EQ(ErrorFromReply("LOADING").code, Errc::kTransient);
  EXPECT_EQ(ErrorFromReply("NOTFOUND lead L-1").detail, "NOTFOUND lead L-1");
}

TEST_F(RedisClientTest, SetThenGetRoundTrips) {
  StartServer();
  auto client = MakeClient(OptionsFor(server_->Endpoint()));
  ASSERT_TRUE(StartAndWaitReady(*client)) << client->LastError()->detail;

  ReplyLog log;
  client->Command({"SET", "greeting", "hello"}, log.Expect());
  client->Command({"GET", "greeting"}, log.Expect());
  client->Command({"GET", "missing"}, log.Expect());
  client->Command({"INCRBY", "n", "41"}, log.Expect());
  ASSERT_TRUE(RunUntil([&] { return log.AllAnswered(); }));

  EXPECT_EQ(log.Value(0).type, RedisReply::Type::kStatus);
  EXPECT_EQ(log.Value(0).str, "OK");
  EXPECT_EQ(log.Value(1).AsString().value(), "hello");
  EXPECT_TRUE(log.Value(2).IsNil());
  EXPECT_EQ(log.Value(2).AsString().error().code, Errc::kNotFound);
  EXPECT_EQ(log.Value(3).AsInteger().value(), 41);
  EXPECT_EQ(server_->Run({"GET", "greeting"}).value().str, "hello");
}

TEST_F(RedisClientTest, BinarySafeValuesKeepNulBytes) {
  StartServer();
  auto client = MakeClient(OptionsFor(server_->Endpoint()));
  ASSERT_TRUE(StartAndWaitReady(*client));

  const std::string key("k\0ey", 4);
  const std::string value("a\0b\r\n$3\r\n\xff\0", 12);
  ReplyLog log;
  client->Command({"SET", key, value}, log.Expect());
  client->Command({"GET", key}, log.Expect());
  const std::string field("f\0", 2);
  client->Command({"HSET", "h", field, value}, log.Expect());
  client->Command({"HGETALL", "h"}, log.Expect());
  ASSERT_TRUE(RunUntil([&] { return log.AllAnswered(); }));

  EXPECT_EQ(log.Value(1).str, value);
  EXPECT_EQ(log.Value(1).str.size(), 12u);
  ASSERT_EQ(log.Value(3).elements.size(), 2u);
  EXPECT_EQ(log.Value(3).elements[0].str, field);
  EXPECT_EQ(log.Value(3).elements[1].str, value);
  EXPECT_EQ(server_->Run({"STRLEN", key}).value().integer, 12);
}

TEST_F(RedisClientTest, ThousandPipelinedCommandsAnswerInOrder) {
  StartServer();
  auto client = MakeClient(OptionsFor(server_->Endpoint()));
  ASSERT_TRUE(StartAndWaitReady(*client));

  constexpr std::size_t kCount = 1000;
  ReplyLog log;
  for (std::size_t i = 0; i < kCount; ++i) client->Command({"INCR", "counter"}, log.Expect());
  EXPECT_EQ(client->InFlight(), kCount);  // all issued before any reply could be read
  ASSERT_TRUE(RunUntil([&] { return log.AllAnswered(); }));

  for (std::size_t i = 0; i < kCount; ++i) {
    ASSERT_EQ(log.Order()[i], i);
    ASSERT_EQ(log.Value(i).integer, static_cast<std::int64_t>(i + 1));
  }
  EXPECT_EQ(client->InFlight(), 0u);
}

TEST_F(RedisClientTest, ErrorRepliesMapToErrc) {
  StartServer();
  auto client = MakeClient(OptionsFor(server_->Endpoint()));
  ASSERT_TRUE(StartAndWaitReady(*client));

  auto fail_with = [](std::string text) {
    return std::vector<std::string>{"EVAL", "return redis.error_reply(ARGV[1])", "0",
                                    std::move(text)};
  };
  ReplyLog log;
  client->Command({"NOSUCHCOMMAND", "x"}, log.Expect());                            // 0
  client->Command({"SET", "s", "v"}, log.Expect());                                 // 1
  client->Command({"LPUSH", "s", "x"}, log.Expect());                               // 2 WRONGTYPE
  client->Command(fail_with("CONFLICT stale token"), log.Expect());                 // 3
  client->Command(fail_with("NOTFOUND lead L-7"), log.Expect());                    // 4
  client->Command(fail_with("LOADING dataset"), log.Expect());                      // 5
  client->Command(fail_with("BUSY script"), log.Expect());                          // 6
  client->Command(fail_with("READONLY replica"), log.Expect());                     // 7
  client->Command(fail_with("TRYAGAIN later"), log.Expect());                       // 8
  client->Command(fail_with("MASTERDOWN link"), log.Expect());                      // 9
  client->Command(fail_with("CLUSTERDOWN hash slot"), log.Expect());                // 10
  client->Command({"XGROUP", "CREATE", "st", "g", "0", "MKSTREAM"}, log.Expect());  // 11
  client->Command({"XGROUP", "CREATE", "st", "g", "0", "MKSTREAM"}, log.Expect());  // 12
  client->Command({"MULTI"}, log.Expect());                                         // 13
  client->Command({"SET", "t", "1"}, log.Expect());                                 // 14
  client->Command({"LPUSH", "t", "x"}, log.Expect());                               // 15
  client->Command({"EXEC"}, log.Expect());                                          // 16
  client->Command({"PING"}, log.Expect());                                          // 17
  ASSERT_TRUE(RunUntil([&] { return log.AllAnswered(); }));

  EXPECT_EQ(log.Code(0), Errc::kRejected);
  EXPECT_TRUE(log.Detail(0).starts_with("ERR unknown command")) << log.Detail(0);
  EXPECT_EQ(log.Code(2), Errc::kRejected);
  EXPECT_TRUE(log.Detail(2).starts_with("WRONGTYPE")) << log.Detail(2);
  EXPECT_EQ(log.Code(3), Errc::kConflict);
  EXPECT_EQ(log.Detail(3), "CONFLICT stale token");
  EXPECT_EQ(log.Code(4), Errc::kNotFound);
  EXPECT_EQ(log.Detail(4), "NOTFOUND lead L-7");
  for (std::size_t i = 5; i <= 10; ++i) EXPECT_EQ(log.Code(i), Errc::kTransient) << i;
  EXPECT_TRUE(log.At(11));
  EXPECT_EQ(log.Code(12), Errc::kRejected);
  EXPECT_TRUE(log.Detail(12).starts_with("BUSYGROUP")) << log.Detail(12);
  EXPECT_EQ(log.Value(14).str, "QUEUED");
  const RedisReply& exec = log.Value(16);
  ASSERT_EQ(exec.elements.size(), 2u);
  EXPECT_EQ(exec.elements[0].str, "OK");
  EXPECT_EQ(exec.elements[1].type, RedisReply::Type::kError);
  EXPECT_TRUE(exec.elements[1].str.starts_with("WRONGTYPE"));
  // Error replies are answers, not a broken connection.
  EXPECT_EQ(log.Value(17).str, "PONG");
  EXPECT_TRUE(client->IsReady());
}

TEST_F(RedisClientTest, AuthenticatesWithPassword) {
  StartServer(WithPassword("s3cret with spaces"));
  auto options = OptionsFor(server_->Endpoint());
  options.password = "s3cret with spaces";
  auto client = MakeClient(options);
  ASSERT_TRUE(StartAndWaitReady(*client)) << client->LastError()->detail;

  ReplyLog log;
  client->Command({"SET", "k", "v"}, log.Expect());
  ASSERT_TRUE(RunUntil([&] { return log.AllAnswered(); }));
  EXPECT_EQ(log.Value(0).str, "OK");
}

TEST_F(RedisClientTest, AuthenticatesAsAclUserAndSelectsDb) {
  StartServer();
  ASSERT_TRUE(server_->Run({"ACL", "SETUSER", "leadd", "on", ">pw2", "~*", "&*", "+@all"}));
  auto options = OptionsFor(server_->Endpoint());
  options.endpoint.username = "leadd";
  options.endpoint.db = 3;
  options.password = "pw2";
  auto client = MakeClient(options);
  ASSERT_TRUE(StartAndWaitReady(*client)) << client->LastError()->detail;

  ReplyLog log;
  client->Command({"ACL", "WHOAMI"}, log.Expect());
  client->Command({"CLIENT", "INFO"}, log.Expect());
  ASSERT_TRUE(RunUntil([&] { return log.AllAnswered(); }));
  EXPECT_EQ(log.Value(0).str, "leadd");
  EXPECT_NE(log.Value(1).str.find(" db=3 "), std::string::npos) << log.Value(1).str;
}

TEST_F(RedisClientTest, WrongPasswordStaysNotReadyWithClearError) {
  StartServer(WithPassword("right"));
  auto options = OptionsFor(server_->Endpoint());
  options.password = "not-the-Zq9-password";
  auto client = MakeClient(options);
  client->Start();
  ASSERT_TRUE(RunUntil([&] { return client->LastError().has_value(); }));

  EXPECT_FALSE(client->IsReady());
  EXPECT_EQ(client->LastError()->code, Errc::kUnavailable);
  EXPECT_NE(client->LastError()->detail.find("AUTH failed: WRONGPASS"), std::string::npos)
      << client->LastError()->detail;
  EXPECT_EQ(client->LastError()->detail.find("Zq9"), std::string::npos)
      << "the password must not appear in errors";
  // It keeps trying (an operator may fix the password server-side) but never becomes ready.
  RunFor(milliseconds(300));
  EXPECT_FALSE(client->IsReady());
}

TEST_F(RedisClientTest, MissingPasswordReportsNoauth) {
  StartServer(WithPassword("needed"));
  auto client = MakeClient(OptionsFor(server_->Endpoint()));
  client->Start();
  ASSERT_TRUE(RunUntil([&] { return client->LastError().has_value(); }));
  EXPECT_FALSE(client->IsReady());
  EXPECT_EQ(client->LastError()->code, Errc::kUnavailable);
  EXPECT_NE(client->LastError()->detail.find("NOAUTH"), std::string::npos)
      << client->LastError()->detail;
}

TEST_F(RedisClientTest, ConnectsOverUnixSocket) {
  StartServer(WithUnixSocket());
  auto client = MakeClient(OptionsFor(server_->Endpoint(/*unix=*/true)));
  ASSERT_TRUE(StartAndWaitReady(*client)) << client->LastError()->detail;

  ReplyLog log;
  client->Command({"SET", "via", "unix"}, log.Expect());
  client->Command({"CLIENT", "INFO"}, log.Expect());
  ASSERT_TRUE(RunUntil([&] { return log.AllAnswered(); }));
  EXPECT_EQ(log.Value(0).str, "OK");
  EXPECT_NE(log.Value(1).str.find("laddr=" + server_->UnixPath()), std::string::npos)
      << log.Value(1).str;
  EXPECT_EQ(server_->Run({"GET", "via"}).value().str, "unix");
}

// Commands are built outside the co_await expressions: g++ 12 rejects a braced list of
// string literals there ("array used as initializer").
boost::asio::awaitable<void> SetGetFail(RedisClient& client, std::string& got, Errc& failure,
                                        bool& done) {
  std::vector<std::string> set_command{"SET", "co", "routine"};
  auto set = co_await client.AsyncCommand(std::move(set_command), boost::asio::use_awaitable);
  EXPECT_TRUE(set);
  std::vector<std::string> get_command{"GET", "co"};
  auto get = co_await client.AsyncCommand(std::move(get_command), boost::asio::use_awaitable);
  if (get) got = get.value().str;
  std::vector<std::string> bad_command{"NOSUCH"};
  auto bad = co_await client.AsyncCommand(std::move(bad_command), milliseconds(500),
                                          boost::asio::use_awaitable);
  if (!bad) failure = bad.error().code;
  done = true;
}

TEST_F(RedisClientTest, AsyncCommandWorksWithCoAwait) {
  StartServer();
  auto client = MakeClient(OptionsFor(server_->Endpoint()));
  ASSERT_TRUE(StartAndWaitReady(*client));

  std::string got;
  Errc failure = Errc::kTransient;
  bool done = false;
  boost::asio::co_spawn(io_, SetGetFail(*client, got, failure, done), boost::asio::detached);
  ASSERT_TRUE(RunUntil([&] { return done; }));
  EXPECT_EQ(got, "routine");
  EXPECT_EQ(failure, Errc::kRejected);
}

TEST_F(RedisClientTest, AsyncCommandAcceptsMoveOnlyHandlers) {
  StartServer();
  auto client = MakeClient(OptionsFor(server_->Endpoint()));
  ASSERT_TRUE(StartAndWaitReady(*client));

  int seen = 0;
  int calls = 0;
  client->AsyncCommand({"PING"}, [token = std::make_unique<int>(7), &seen,
                                  &calls](Result<RedisReply> reply) mutable {
    ++calls;
    if (reply && reply.value().str == "PONG") seen = *token;
  });
  ASSERT_TRUE(RunUntil([&] { return calls > 0; }));
  RunFor(milliseconds(20));
  EXPECT_EQ(calls, 1);
  EXPECT_EQ(seen, 7);
}

TEST_F(RedisClientTest, CommandWhenNotReadyFailsFastAndAsynchronously) {
  StartServer();
  auto client = MakeClient(OptionsFor(server_->Endpoint()));
  ReplyLog log;
  bool inside_command = true;
  auto expect = log.Expect();
  client->Command({"PING"}, [&, expect](Result<RedisReply> r) {
    EXPECT_FALSE(inside_command);
    expect(std::move(r));
  });
  inside_command = false;
  EXPECT_EQ(log.Answered(), 0u);
  client->Start();  // connecting, not ready yet: still refused
  client->Command({"PING"}, log.Expect());
  ASSERT_TRUE(RunUntil([&] { return log.AllAnswered(); }));
  for (std::size_t i = 0; i < 2; ++i) {
    EXPECT_EQ(log.Code(i), Errc::kTransient);
    EXPECT_EQ(log.Detail(i), "redis: not connected");
  }
}

TEST_F(RedisClientTest, CommandsThatBreakReplyPairingAreRejected) {
  StartServer();
  auto client = MakeClient(OptionsFor(server_->Endpoint()));
  ASSERT_TRUE(StartAndWaitReady(*client));
  ReplyLog log;
  client->Command({"subscribe", "news"}, log.Expect());
  client->Command({"MONITOR"}, log.Expect());
  client->Command({"HELLO", "3"}, log.Expect());
  client->Command({"client", "reply", "off"}, log.Expect());
  client->Command({}, log.Expect());
  client->Command({"PING"}, log.Expect());
  ASSERT_TRUE(RunUntil([&] { return log.AllAnswered(); }));
  for (std::size_t i = 0; i < 5; ++i) EXPECT_EQ(log.Code(i), Errc::kRejected) << i;
  EXPECT_EQ(log.Detail(0), "redis: SUBSCRIBE is not supported by this client");
  EXPECT_EQ(log.Value(5).str, "PONG");
}

TEST_F(RedisClientTest, KilledServerFailsPendingAndClientRecoversAfterRestart) {
  StartServer();
  auto client = MakeClient(OptionsFor(server_->Endpoint()));
  std::vector<bool> changes;
  client->SetOnReadyChange([&](bool ready) { changes.push_back(ready); });
  ASSERT_TRUE(StartAndWaitReady(*client));

  ReplyLog log;
  client->Command({"BLPOP", "never", "0"}, milliseconds(30000), log.Expect());
  client->Command({"GET", "behind-the-blpop"}, log.Expect());
  RunFor(milliseconds(50));
  EXPECT_EQ(log.Answered(), 0u);

  server_->Kill();
  ASSERT_TRUE(RunUntil([&] { return log.AllAnswered(); }));
  for (std::size_t i = 0; i < 2; ++i) {
    EXPECT_EQ(log.Code(i), Errc::kTransient);
    EXPECT_NE(log.Detail(i).find("connection lost"), std::string::npos) << log.Detail(i);
  }
  EXPECT_FALSE(client->IsReady());
  client->Command({"PING"}, log.Expect());
  ASSERT_TRUE(RunUntil([&] { return log.AllAnswered(); }));
  EXPECT_EQ(log.Detail(2), "redis: not connected");

  RunFor(milliseconds(300));  // a few refused reconnects
  ASSERT_TRUE(client->LastError().has_value());
  EXPECT_EQ(client->LastError()->code, Errc::kTransient);

  ASSERT_TRUE(server_->Restart());
  ASSERT_TRUE(RunUntil([&] { return client->IsReady(); }));
  client->Command({"SET", "after", "restart"}, log.Expect());
  ASSERT_TRUE(RunUntil([&] { return log.AllAnswered(); }));
  EXPECT_EQ(log.Value(3).str, "OK");
  ASSERT_TRUE(RunUntil([&] { return changes.size() == 3; }));
  EXPECT_EQ(changes, (std::vector<bool>{true, false, true}));
}

TEST_F(RedisClientTest, FrozenServerFailsRequestWithinItsDeadline) {
  StartServer();
  auto options = OptionsFor(server_->Endpoint());
  options.request_timeout = milliseconds(300);
  options.health_interval = milliseconds(60000);  // this test is about the request deadline
  auto client = MakeClient(options);
  ASSERT_TRUE(StartAndWaitReady(*client));

  server_->Freeze();
  ReplyLog log;
  const auto sent = steady_clock::now();
  client->Command({"GET", "k"}, log.Expect());
  ASSERT_TRUE(RunUntil([&] { return log.AllAnswered(); }));
  const auto failed_after = std::chrono::duration_cast<milliseconds>(steady_clock::now() - sent);
  EXPECT_EQ(log.Code(0), Errc::kTransient);
  EXPECT_EQ(log.Detail(0), "redis: no reply within 300 ms");
  EXPECT_GE(failed_after, milliseconds(300));
  EXPECT_LT(failed_after, milliseconds(1000));
  EXPECT_FALSE(client->IsReady());
  std::printf("[ measured ] SIGSTOP: request failed after %lld ms (request_timeout 300 ms)\n",
              static_cast<long long>(failed_after.count()));
  RecordProperty("request_failed_after_ms", static_cast<int>(failed_after.count()));

  // Reconnects reach the frozen server's kernel backlog, but the handshake PING times out.
  RunFor(milliseconds(700));
  EXPECT_FALSE(client->IsReady());

  server_->Thaw();
  ASSERT_TRUE(RunUntil([&] { return client->IsReady(); }));
  client->Command({"PING"}, log.Expect());
  ASSERT_TRUE(RunUntil([&] { return log.AllAnswered(); }));
  EXPECT_EQ(log.Value(1).str, "PONG");
}

TEST_F(RedisClientTest, FrozenServerGoesNotReadyWithoutTraffic) {
  StartServer();
  auto options = OptionsFor(server_->Endpoint());
  options.request_timeout = milliseconds(300);
  options.health_interval = milliseconds(300);
  auto client = MakeClient(options);
  ASSERT_TRUE(StartAndWaitReady(*client));
  RunFor(milliseconds(700));  // health pings while all is well keep it ready
  ASSERT_TRUE(client->IsReady());

  server_->Freeze();
  const auto frozen = steady_clock::now();
  ASSERT_TRUE(RunUntil([&] { return !client->IsReady(); }));
  const auto noticed_after = std::chrono::duration_cast<milliseconds>(steady_clock::now() - frozen);
  // At most health_interval of idleness, then request_timeout for the PING.
  EXPECT_LT(noticed_after, milliseconds(300 + 300 + 300));
  std::printf(
      "[ measured ] SIGSTOP, no traffic: IsReady() false after %lld ms "
      "(health_interval 300 ms + request_timeout 300 ms)\n",
      static_cast<long long>(noticed_after.count()));
  RecordProperty("not_ready_after_ms", static_cast<int>(noticed_after.count()));

  server_->Thaw();
  const auto thawed = steady_clock::now();
  ASSERT_TRUE(RunUntil([&] { return client->IsReady(); }));
  std::printf("[ measured ] SIGCONT: ready again after %lld ms\n",
              static_cast<long long>(
                  std::chrono::duration_cast<milliseconds>(steady_clock::now() - thawed).count()));
}

TEST_F(RedisClientTest, DeadlinesFollowTheInjectedClock) {
  StartServer();
  auto options = OptionsFor(server_->Endpoint());
  options.request_timeout = milliseconds(2000);
  options.health_interval = milliseconds(60000);
  auto client = MakeClient(options, manual_clock_);
  ASSERT_TRUE(StartAndWaitReady(*client));

  server_->Freeze();
  ReplyLog log;
  client->Command({"GET", "k"}, log.Expect());
  RunFor(milliseconds(100));
  manual_clock_.Advance(milliseconds(1999));
  RunFor(milliseconds(20));
  EXPECT_EQ(log.Answered(), 0u);
  EXPECT_TRUE(client->IsReady());
  manual_clock_.Advance(milliseconds(1));
  ASSERT_TRUE(RunUntil([&] { return log.AllAnswered(); }));
  EXPECT_EQ(log.Detail(0), "redis: no reply within 2000 ms");
  EXPECT_FALSE(client->IsReady());

  // Reconnecting waits for the backoff timer, which only the injected clock fires.
  server_->Thaw();
  RunFor(milliseconds(200));
  EXPECT_FALSE(client->IsReady());
  manual_clock_.Advance(milliseconds(50));  // the first backoff is at most 50 ms
  ASSERT_TRUE(RunUntil([&] { return client->IsReady(); }));
}

TEST_F(RedisClientTest, HealthPingFollowsTheInjectedClock) {
  StartServer();
  auto options = OptionsFor(server_->Endpoint());
  options.request_timeout = milliseconds(500);
  options.health_interval = milliseconds(1000);
  auto client = MakeClient(options, manual_clock_);
  ASSERT_TRUE(StartAndWaitReady(*client));

  manual_clock_.Advance(milliseconds(1000));  // idle for health_interval: PING, answered
  EXPECT_EQ(client->InFlight(), 1u);
  ASSERT_TRUE(RunUntil([&] { return client->InFlight() == 0; }));

  server_->Freeze();
  manual_clock_.Advance(milliseconds(999));
  EXPECT_EQ(client->InFlight(), 0u);
  manual_clock_.Advance(milliseconds(1));
  EXPECT_EQ(client->InFlight(), 1u);
  RunFor(milliseconds(50));
  manual_clock_.Advance(milliseconds(499));
  EXPECT_TRUE(client->IsReady());
  manual_clock_.Advance(milliseconds(1));
  EXPECT_FALSE(client->IsReady());
  ASSERT_TRUE(client->LastError().has_value());
  EXPECT_NE(client->LastError()->detail.find("PING got no reply within 500 ms"), std::string::npos)
      << client->LastError()->detail;

  server_->Thaw();
  manual_clock_.Advance(milliseconds(50));
  ASSERT_TRUE(RunUntil([&] { return client->IsReady(); }));
}

TEST_F(RedisClientTest, MissedDeadlineFailsOtherRequestsOnTheConnectionOnce) {
  StartServer();
  auto options = OptionsFor(server_->Endpoint());
  options.request_timeout = milliseconds(500);
  options.health_interval = milliseconds(60000);
  auto client = MakeClient(options, manual_clock_);
  ASSERT_TRUE(StartAndWaitReady(*client));

  ReplyLog log;
  client->Command({"BLPOP", "empty", "0"}, milliseconds(10000), log.Expect());
  client->Command({"GET", "queued-behind"}, log.Expect());
  RunFor(milliseconds(50));
  manual_clock_.Advance(milliseconds(500));
  ASSERT_TRUE(RunUntil([&] { return log.AllAnswered(); }));
  EXPECT_EQ(log.Detail(1), "redis: no reply within 500 ms");
  EXPECT_EQ(log.Code(0), Errc::kTransient);
  EXPECT_NE(log.Detail(0).find("GET got no reply within 500 ms"), std::string::npos)
      << log.Detail(0);

  // The BLPOP's own deadline and a late push must not call anything again.
  ASSERT_TRUE(server_->Run({"RPUSH", "empty", "x"}));
  manual_clock_.Advance(milliseconds(20000));
  RunFor(milliseconds(100));
  EXPECT_EQ(log.Calls(0), 1);
  EXPECT_EQ(log.Calls(1), 1);
}

TEST_F(RedisClientTest, StopFailsEveryPendingRequestExactlyOnce) {
  StartServer();
  auto client = MakeClient(OptionsFor(server_->Endpoint()));
  ASSERT_TRUE(StartAndWaitReady(*client));

  server_->Freeze();  // nothing gets answered: all 100 are on the wire when Stop() comes
  ReplyLog log;
  for (int i = 0; i < 100; ++i) client->Command({"GET", "k" + std::to_string(i)}, log.Expect());
  RunFor(milliseconds(20));
  EXPECT_EQ(log.Answered(), 0u);
  client->Stop();
  EXPECT_FALSE(client->IsReady());
  EXPECT_EQ(client->InFlight(), 0u);
  ASSERT_TRUE(RunUntil([&] { return log.AllAnswered(); }));
  for (std::size_t i = 0; i < log.Size(); ++i) {
    ASSERT_EQ(log.Code(i), Errc::kUnavailable);
    ASSERT_EQ(log.Detail(i), "redis: client stopped");
  }
  server_->Thaw();
  RunFor(milliseconds(200));
  client.reset();
  RunFor(milliseconds(50));
  for (std::size_t i = 0; i < log.Size(); ++i) ASSERT_EQ(log.Calls(i), 1);
}

TEST_F(RedisClientTest, StopRightAfterIssuingFailsEachOnceAndCanStartAgain) {
  StartServer();
  auto client = MakeClient(OptionsFor(server_->Endpoint()));
  ASSERT_TRUE(StartAndWaitReady(*client));

  ReplyLog log;
  for (int i = 0; i < 50; ++i) client->Command({"INCR", "n"}, log.Expect());
  client->Stop();
  ASSERT_TRUE(RunUntil([&] { return log.AllAnswered(); }));
  RunFor(milliseconds(50));
  for (std::size_t i = 0; i < log.Size(); ++i) {
    ASSERT_EQ(log.Calls(i), 1);
    ASSERT_EQ(log.Code(i), Errc::kUnavailable);
  }
  ASSERT_TRUE(StartAndWaitReady(*client));
  client->Command({"PING"}, log.Expect());
  ASSERT_TRUE(RunUntil([&] { return log.AllAnswered(); }));
  EXPECT_EQ(log.Value(50).str, "PONG");
}

TEST_F(RedisClientTest, DestructionWithRequestsInFlightCallsEachCallbackOnce) {
  StartServer();
  auto client = MakeClient(OptionsFor(server_->Endpoint()));
  ASSERT_TRUE(StartAndWaitReady(*client));

  ReplyLog log;
  for (int i = 0; i < 10; ++i)
    client->Command({"BLPOP", "none", "0"}, milliseconds(60000), log.Expect());
  RunFor(milliseconds(20));
  client.reset();
  ASSERT_TRUE(RunUntil([&] { return log.AllAnswered(); }));
  RunFor(milliseconds(50));
  for (std::size_t i = 0; i < log.Size(); ++i) {
    EXPECT_EQ(log.Calls(i), 1);
    EXPECT_EQ(log.Code(i), Errc::kUnavailable);
  }
}

TEST_F(RedisClientTest, OnConnectHookRunsOnEveryConnectBeforeReady) {
  StartServer();
  auto client = MakeClient(OptionsFor(server_->Endpoint()));
  int hook_runs = 0;
  client->SetOnConnect([&](std::function<void(Result<void>)> done) {
    ++hook_runs;
    EXPECT_FALSE(client->IsReady());
    client->Command({"SET", "hook:ran", std::to_string(hook_runs)}, [done](Result<RedisReply> r) {
      if (r) {
        done(Ok());
      } else {
        done(r.error());
      }
    });
  });
  ASSERT_TRUE(StartAndWaitReady(*client));
  EXPECT_EQ(hook_runs, 1);
  EXPECT_EQ(server_->Run({"GET", "hook:ran"}).value().str, "1");

  server_->Kill();
  ASSERT_TRUE(RunUntil([&] { return !client->IsReady(); }));
  ASSERT_TRUE(server_->Restart());
  ASSERT_TRUE(RunUntil([&] { return client->IsReady(); }));
  EXPECT_EQ(hook_runs, 2);
  EXPECT_EQ(server_->Run({"GET", "hook:ran"}).value().str, "2");
}

TEST_F(RedisClientTest, FailingOnConnectHookKeepsClientNotReady) {
  StartServer();
  auto client = MakeClient(OptionsFor(server_->Endpoint()));
  int hook_runs = 0;
  client->SetOnConnect([&](std::function<void(Result<void>)> done) {
    ++hook_runs;
    done(Unavailable("function load refused"));
    done(Ok());  // a second call is ignored
  });
  client->Start();
  ASSERT_TRUE(RunUntil([&] { return hook_runs >= 3; }));
  EXPECT_FALSE(client->IsReady());
  ASSERT_TRUE(client->LastError().has_value());
  EXPECT_EQ(client->LastError()->code, Errc::kUnavailable);
  EXPECT_EQ(client->LastError()->detail, "redis: on-connect hook failed: function load refused");
}

TEST_F(RedisClientTest, ReconnectsWhenTheServerComesUpLater) {
  StartServer();
  server_->Kill();
  auto client = MakeClient(OptionsFor(server_->Endpoint()));
  client->Start();
  ASSERT_TRUE(RunUntil([&] { return client->LastError().has_value(); }));
  EXPECT_NE(client->LastError()->detail.find("Connection refused"), std::string::npos)
      << client->LastError()->detail;
  RunFor(milliseconds(300));
  EXPECT_FALSE(client->IsReady());
  ASSERT_TRUE(server_->Restart());
  ASSERT_TRUE(RunUntil([&] { return client->IsReady(); }));
  EXPECT_FALSE(client->LastError().has_value());
}

TEST_F(RedisClientTest, MissingUnixSocketIsRetried) {
  config::RedisEndpoint endpoint;
  endpoint.unix_path = "/nonexistent/leadd/redis.sock";
  auto client = MakeClient(OptionsFor(endpoint));
  client->Start();
  ASSERT_TRUE(RunUntil([&] { return client->LastError().has_value(); }));
  EXPECT_NE(client->LastError()->detail.find("No such file"), std::string::npos)
      << client->LastError()->detail;
  client->Stop();
}

}  // namespace
}  // namespace leadd::queue
