// The owner index rebuilt from Redis, as every daemon does at start, at the size of a large
// CRM: the customers of owner_index_bench (1,000,000 by default) are registered through the
// registry's Function into the daemon's own embedded Redis (AOF on, as the quickstart runs
// it), then a fresh OwnerIndexFollower replays the registration log. Prints the time of
// both, the index's bytes per customer and Redis's memory per customer, and beside the rebuild
// its peer in the same run: the same customers added to an index straight from memory.
//
//   scripts/bench-dedupe-rebuild    (LEADD_BENCH_CUSTOMERS=100000 for a quick run)
#include <utility>  // before Asio: Boost 1.74 + g++ 12 need std::exchange declared first

#include <spdlog/spdlog.h>
#include <unistd.h>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include "bench/synthetic_customers.h"
#include "core/asio_clock.h"
#include "queue/customer_registry.h"
#include "queue/embedded_redis.h"
#include "queue/lead_store.h"
#include "queue/owner_index_follower.h"
#include "queue/redis_client.h"

namespace leadd {
namespace {

using Seconds = std::chrono::duration<double>;
constexpr std::size_t kBatch = 1'000;  // customers per round trip, as leadctl sends them

template <class Pred>
bool RunUntil(boost::asio::io_context& io, Pred done) {
  while (!done()) {
    if (io.run_for(std::chrono::milliseconds(5)) == 0 && io.stopped()) io.restart();
  }
  return true;
}

template <class T>
T Await(boost::asio::io_context& io, boost::asio::awaitable<T> task) {
  std::optional<T> result;
  boost::asio::co_spawn(
      io, [&]() -> boost::asio::awaitable<void> { result.emplace(co_await std::move(task)); },
      [](const std::exception_ptr& error) {
        if (error) std::rethrow_exception(error);
      });
  RunUntil(io, [&] { return result.has_value(); });
  return std::move(*result);
}

std::unique_ptr<queue::RedisClient> Connect(boost::asio::io_context& io, Clock& clock,
                                            const config::RedisEndpoint& endpoint,
                                            std::string name) {
  queue::RedisClient::Options options;
  options.endpoint = endpoint;
  options.request_timeout = std::chrono::minutes(5);  // a 10,000-entry log page is large
  options.name = std::move(name);
  auto client = std::make_unique<queue::RedisClient>(io.get_executor(), clock, options);
  client->Start();
  RunUntil(io, [&] { return client->IsReady(); });
  return client;
}

std::vector<queue::NewCustomer> Batch(const bench::Customers& made, std::size_t from,
                                      std::size_t to) {
  std::vector<queue::NewCustomer> batch;
  for (std::size_t i = from; i < to; ++i) {
    queue::NewCustomer customer;
    customer.rep = made.reps[i % made.reps.size()];
    customer.registered_at_ms = 1'700'000'000'000 + static_cast<std::int64_t>(i);
    customer.source = "bench";
    customer.keys.email = made.emails[i];
    customer.keys.phone = made.phones[i];
    customer.keys.domain = made.domains[i];
    customer.keys.company = made.companies[i];
    customer.keys.country = made.countries[i];
    customer.keys.contact = made.contacts[i];
    customer.keys.locality = made.localities[i];
    customer.keys.postcode = made.postcodes[i];
    batch.push_back(std::move(customer));
  }
  return batch;
}

std::int64_t UsedMemory(boost::asio::io_context& io, queue::RedisClient& redis) {
  auto info = Await(io, redis.AsyncCommand({"MEMORY", "STATS"}, boost::asio::use_awaitable));
  if (!info) return -1;
  const auto& fields = info.value().elements;
  for (std::size_t i = 0; i + 1 < fields.size(); i += 2) {
    if (fields[i].str == "dataset.bytes") return fields[i + 1].integer;
  }
  return -1;
}

int Run() {
  spdlog::set_level(spdlog::level::warn);
  const bench::Customers& made = bench::MadeCustomers();
  const std::size_t count = made.emails.size();
  boost::asio::io_context io;
  AsioClock clock(io.get_executor());
  const auto dir = std::filesystem::temp_directory_path() /
                   ("leadd-owner-rebuild-" + std::to_string(::getpid()));
  queue::EmbeddedRedis redis(io.get_executor(), clock, dir / "redis");
  if (auto started = redis.Start(); !started) {
    std::fprintf(stderr, "embedded redis: %s\n", started.error().detail.c_str());
    return 1;
  }
  auto client = Connect(io, clock, redis.Endpoint(), "bench");
  auto loaded = Await(io, client->AsyncCommand({"FUNCTION", "LOAD", "REPLACE",
                                                std::string(queue::LeadStore::FunctionsSource())},
                                               boost::asio::use_awaitable));
  if (!loaded) {
    std::fprintf(stderr, "FUNCTION LOAD: %s\n", loaded.error().detail.c_str());
    return 1;
  }
  const queue::RedisKeys keys("bench");
  queue::CustomerRegistry registry(*client, keys);

  const auto register_start = std::chrono::steady_clock::now();
  std::size_t registered = 0;
  for (std::size_t from = 0; from < count; from += kBatch) {
    auto batch = Batch(made, from, std::min(count, from + kBatch));
    for (const auto& each : Await(io, registry.RegisterAll(batch))) {
      if (each && each.value().outcome == queue::RegisterOutcome::kRegistered) ++registered;
    }
  }
  const Seconds register_took = std::chrono::steady_clock::now() - register_start;
  const std::int64_t redis_bytes = UsedMemory(io, *client);

  auto follower_client = Connect(io, clock, redis.Endpoint(), "bench/owners");
  queue::CustomerRegistry log(*follower_client, keys);
  queue::OwnerIndexFollower follower({clock, log, spdlog::default_logger()},
                                     std::chrono::seconds(1));
  const auto rebuild_start = std::chrono::steady_clock::now();
  auto rebuilt = Await(io, follower.Rebuild());
  const Seconds rebuild_took = std::chrono::steady_clock::now() - rebuild_start;
  if (!rebuilt) {
    std::fprintf(stderr, "rebuild: %s\n", rebuilt.error().detail.c_str());
    return 1;
  }
  // The peer, in the same run: the same customers added to an index straight from memory, the
  // part of the rebuild that does not wait on Redis.
  const auto direct_start = std::chrono::steady_clock::now();
  dedupe::OwnerIndex direct;
  for (std::size_t from = 0; from < count; from += kBatch) {
    for (const auto& customer : Batch(made, from, std::min(count, from + kBatch))) {
      direct.Add(customer.keys.AsCustomer("C-0", customer.rep, customer.registered_at_ms));
    }
  }
  const Seconds direct_took = std::chrono::steady_clock::now() - direct_start;
  const auto& index = follower.Index();
  std::printf(
      "customers=%zu registered=%zu register_s=%.2f register_per_s=%.0f "
      "redis_dataset_bytes_per_customer=%.0f rebuild_s=%.2f rebuild_per_s=%.0f "
      "index_customers=%zu index_bytes_per_customer=%.0f in_memory_build_s=%.2f "
      "rebuild_over_in_memory=%.1f\n",
      count, registered, register_took.count(), static_cast<double>(count) / register_took.count(),
      static_cast<double>(redis_bytes) / static_cast<double>(count), rebuild_took.count(),
      static_cast<double>(rebuilt.value()) / rebuild_took.count(), index.Size(),
      static_cast<double>(index.MemoryBytes()) / static_cast<double>(index.Size()),
      direct_took.count(), rebuild_took.count() / direct_took.count());

  client->Stop();
  follower_client->Stop();
  bool stopped = false;
  redis.Stop([&] { stopped = true; });
  RunUntil(io, [&] { return stopped; });
  std::filesystem::remove_all(dir);
  return 0;
}

}  // namespace
}  // namespace leadd

int main() { return leadd::Run(); }
