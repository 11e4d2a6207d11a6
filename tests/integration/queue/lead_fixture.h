// LeadFixture: a real redis-server with the leadd Functions loaded, a client on a test-owned
// io_context, and readers for what the Functions leave behind (hashes, sets, streams). The
// Functions judge time by a simulated clock that only the test moves, so a test names the exact
// instant every timer is due and steps through days of them in milliseconds.
#pragma once

#include <utility>  // before Asio: Boost 1.74 + g++ 12 need std::exchange declared first

#include <gtest/gtest.h>

#include <date/date.h>
#include <boost/asio/awaitable.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>
#include <chrono>
#include <cstdint>
#include <exception>
#include <map>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "core/asio_clock.h"
#include "core/lead.h"
#include "queue/lead_store.h"
#include "queue/lead_transitions.h"
#include "queue/redis_client.h"
#include "router/decision.h"
#include "tests/fakes/manual_clock.h"
#include "tests/fakes/redis_server.h"
#include "tests/fakes/run_until.h"

namespace leadd::queue {

// One stream entry as XRANGE returns it.
struct OutboxEntry {
  std::string id;
  std::map<std::string, std::string> fields;

  std::string Get(const std::string& name) const {
    const auto found = fields.find(name);
    return found == fields.end() ? std::string() : found->second;
  }
};

// Where the simulated clock starts: Friday 2032-03-05 09:00:00 UTC, a working morning before a
// weekend, and more than a week before Europe and the US change to summer time.
inline const WallTime kSimulatedStart =
    date::sys_days{date::year{2032} / date::March / date::day{5}} + std::chrono::hours(9);

class LeadFixture : public ::testing::Test {
 protected:
  void SetUp() override {
    fakes::RedisServerProcess::Options options;
    // DEBUG DIGEST proves that a refused call changed nothing at all.
    options.extra_args = {"--enable-debug-command", "yes"};
    server_ = std::make_unique<fakes::RedisServerProcess>(std::move(options));
    auto started = server_->Start();
    ASSERT_TRUE(started) << started.error().detail;
    auto loaded =
        server_->Run({"FUNCTION", "LOAD", "REPLACE", std::string(LeadStore::FunctionsSource())});
    ASSERT_TRUE(loaded) << loaded.error().detail;
    client_ = ConnectedClient("test");
    ASSERT_NE(client_, nullptr);
    store_ = std::make_unique<LeadStore>(*client_, keys_, FunctionClock::Simulated(sim_clock_));
    transitions_ =
        std::make_unique<LeadTransitions>(*client_, keys_, FunctionClock::Simulated(sim_clock_));
    ASSERT_TRUE(server_->Run({"XGROUP", "CREATE", keys_.Intake(), "pipeline", "0", "MKSTREAM"}));
  }

  // A client of its own on the test's io_context, started and ready; null if it never was.
  std::unique_ptr<RedisClient> ConnectedClient(std::string name) {
    RedisClient::Options options;
    options.endpoint = server_->Endpoint();
    options.connect_timeout = std::chrono::milliseconds(1000);
    options.request_timeout = std::chrono::milliseconds(5000);
    options.reconnect_max_backoff = std::chrono::milliseconds(200);
    options.health_interval = std::chrono::milliseconds(10000);
    options.name = std::move(name);
    auto client = std::make_unique<RedisClient>(io_.get_executor(), clock_, std::move(options));
    client->Start();
    const bool ready = fakes::RunUntil(
        io_, [&] { return client->IsReady(); }, std::chrono::milliseconds(10000));
    return ready ? std::move(client) : nullptr;
  }

  // The simulated time the Functions see next.
  WallTime SimNow() const { return sim_clock_.WallNow(); }
  std::int64_t SimNowMs() const { return ToEpochMillis(SimNow()); }
  void Step(Duration d) { sim_clock_.Advance(d); }
  // Steps to `at` (never back: a simulated clock that ran backwards would prove nothing).
  void StepTo(WallTime at) {
    if (at > SimNow()) Step(std::chrono::duration_cast<Duration>(at - SimNow()));
  }

  // Runs one coroutine to its end on the test's io_context. (co_spawn itself would need a
  // default-constructible T, which Result is not.)
  template <class T>
  T Await(boost::asio::awaitable<T> task) {
    std::optional<T> result;
    bool threw = false;
    boost::asio::co_spawn(io_, Keep(std::move(task), result),
                          [&](const std::exception_ptr& error) { threw = error != nullptr; });
    if (!fakes::RunUntil(
            io_, [&] { return result.has_value() || threw; }, std::chrono::milliseconds(10000)) ||
        threw) {
      ADD_FAILURE() << "coroutine threw or never finished";
      return T(Transient("test: no result"));
    }
    return std::move(*result);
  }
  template <class T>
  static boost::asio::awaitable<void> Keep(boost::asio::awaitable<T> task,
                                           std::optional<T>& result) {
    result.emplace(co_await std::move(task));
  }

  // Each lead has a customer of its own: buyer<n>@example.com, also its email key.
  std::string NewLead() {
    Lead lead;
    lead.source = "web";
    lead.source_key = "web:" + std::to_string(++leads_made_);
    lead.email = EmailOf(leads_made_);
    auto ingested = Await(store_->Ingest(lead));
    EXPECT_TRUE(ingested) << ingested.error().detail;
    return ingested ? ingested.value().lead_id : std::string();
  }
  static std::string EmailOf(int n) { return "buyer" + std::to_string(n) + "@example.com"; }

  // A lead the router assigned to `rep` (assignment id 1) with the SLA `plan`.
  std::string AssignedTo(const std::string& rep, const std::string& plan = "",
                         std::uint32_t escalate_after = 2) {
    std::string id = NewLead();
    RouteTo(IntakeEntry{"0-1", id}, rep, plan, escalate_after, EmailOf(leads_made_));
    return id;
  }

  // A lead assigned to `rep` and accepted, arming the `follow_up` plan (idle/deal timers).
  std::string Accepted(const std::string& rep, const std::string& follow_up) {
    const auto id = AssignedTo(rep);
    auto accepted = Await(transitions_->Accept(id, rep, "1", follow_up));
    EXPECT_TRUE(accepted) << accepted.error().detail;
    return id;
  }

  // The pipeline's assignment of the lead behind `entry` to `rep` (an email key of "" keeps
  // the one the lead has).
  void RouteTo(const IntakeEntry& entry, const std::string& rep, const std::string& plan,
               std::uint32_t escalate_after, const std::string& email_key = "") {
    router::Decision decision;
    decision.rule = "test";
    decision.strategy = "owner";
    decision.candidates = {rep};
    auto assigned = Await(store_->Assign(AssignRequest{entry,
                                                       decision,
                                                       LeadCustomer{.keys = {.email = email_key}},
                                                       {plan},
                                                       {std::nullopt},
                                                       escalate_after,
                                                       {},
                                                       {}}));
    ASSERT_TRUE(assigned) << assigned.error().detail;
    EXPECT_EQ(assigned.value().outcome, AssignOutcome::kAssigned);
    EXPECT_EQ(assigned.value().rep, rep);
  }

  // A lead no rule routed: it waits in the `public` pool.
  std::string Parked() {
    std::string id = NewLead();
    auto parked = Await(store_->Park(IntakeEntry{"0-1", id}, router::Decision{}));
    EXPECT_TRUE(parked) << parked.error().detail;
    return id;
  }

  // One sweep of the timers due at the simulated now.
  static constexpr std::string_view kInactivePool = "inactive";
  TimerSweep Fire() {
    auto swept = Await(store_->FireDue(100, kInactivePool));
    EXPECT_TRUE(swept) << swept.error().detail;
    return swept ? swept.value() : TimerSweep{};
  }

  std::string Field(const std::string& id, const std::string& name) {
    return HashField(keys_.Lead(id), name);
  }
  std::string HashField(const std::string& key, const std::string& name) {
    auto reply = server_->Run({"HGET", key, name});
    return reply && reply.value().IsString() ? reply.value().str : std::string();
  }

  std::set<std::string> Members(const std::string& key) {
    std::set<std::string> members;
    auto reply = server_->Run({"SMEMBERS", key});
    if (reply) {
      for (const auto& element : reply.value().elements) members.insert(element.str);
    }
    return members;
  }

  // The sorted set as member -> score.
  std::map<std::string, std::int64_t> Scores(const std::string& key) {
    std::map<std::string, std::int64_t> scores;
    auto reply = server_->Run({"ZRANGE", key, "0", "-1", "WITHSCORES"});
    if (reply) {
      const auto& e = reply.value().elements;
      for (std::size_t i = 0; i + 1 < e.size(); i += 2) {
        scores[e[i].str] = std::stoll(e[i + 1].str);
      }
    }
    return scores;
  }

  bool InPool(const std::string& pool, const std::string& id) {
    auto reply = server_->Run({"ZSCORE", keys_.Pool(pool), id});
    return reply && !reply.value().IsNil();
  }

  std::vector<std::string> History(const std::string& id) {
    std::vector<std::string> entries;
    auto reply = server_->Run({"LRANGE", keys_.History(id), "0", "-1"});
    if (reply) {
      for (const auto& element : reply.value().elements) entries.push_back(element.str);
    }
    return entries;
  }

  // The last history entry holds every fragment.
  void ExpectLastEntry(const std::string& id, const std::vector<std::string>& fragments) {
    const auto history = History(id);
    ASSERT_FALSE(history.empty());
    for (const auto& fragment : fragments) {
      EXPECT_NE(history.back().find(fragment), std::string::npos)
          << fragment << " not in " << history.back();
    }
  }

  std::vector<OutboxEntry> Stream(const std::string& key) {
    std::vector<OutboxEntry> entries;
    auto reply = server_->Run({"XRANGE", key, "-", "+"});
    EXPECT_TRUE(reply) << reply.error().detail;
    if (!reply) return entries;
    for (const auto& entry : reply.value().elements) {
      OutboxEntry item{entry.elements.at(0).str, {}};
      const auto& payload = entry.elements.at(1).elements;
      for (std::size_t i = 0; i + 1 < payload.size(); i += 2) {
        item.fields[payload[i].str] = payload[i + 1].str;
      }
      entries.push_back(std::move(item));
    }
    return entries;
  }
  std::vector<OutboxEntry> Outbox() { return Stream(keys_.Notices()); }
  // The outbox entries of one kind.
  std::vector<OutboxEntry> Outbox(const std::string& kind) {
    std::vector<OutboxEntry> matching;
    for (auto& entry : Outbox()) {
      if (entry.Get("kind") == kind) matching.push_back(std::move(entry));
    }
    return matching;
  }

  std::string Digest() {
    auto reply = server_->Run({"DEBUG", "DIGEST"});
    EXPECT_TRUE(reply) << reply.error().detail;
    return reply ? reply.value().str : std::string();
  }

  // The call fails with `code` and `detail`, and the dataset is unchanged.
  template <class T>
  void ExpectRefused(boost::asio::awaitable<Result<T>> task, Errc code, const std::string& detail) {
    const std::string before = Digest();
    auto result = Await(std::move(task));
    ASSERT_FALSE(result) << "expected: " << detail;
    EXPECT_EQ(result.error().code, code) << result.error().detail;
    EXPECT_EQ(result.error().detail, detail);
    EXPECT_EQ(Digest(), before) << "refused but changed: " << detail;
  }

  boost::asio::io_context io_;
  boost::asio::executor_work_guard<boost::asio::io_context::executor_type> work_ =
      boost::asio::make_work_guard(io_);
  AsioClock clock_{io_.get_executor()};  // the client's own timeouts and reconnects
  fakes::ManualClock sim_clock_{kSimulatedStart};
  RedisKeys keys_{"t"};
  std::unique_ptr<fakes::RedisServerProcess> server_;
  std::unique_ptr<RedisClient> client_;
  std::unique_ptr<LeadStore> store_;
  std::unique_ptr<LeadTransitions> transitions_;
  int leads_made_ = 0;
};

}  // namespace leadd::queue
