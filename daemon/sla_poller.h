// SlaPoller: bounces assigned leads whose response SLA ran out, once a second.
#pragma once

#include <utility>  // before Asio: Boost 1.74 + g++ 12 need std::exchange declared first

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/awaitable.hpp>
#include <cstdint>
#include <functional>
#include <memory>

#include "core/clock.h"
#include "queue/lead_store.h"

namespace spdlog {
class logger;
}

namespace leadd::daemon {

// The deadlines live in Redis (LeadStore::BounceDue), so every daemon may poll: the sweep is
// one atomic Function and a deadline bounces once however many of them run. A bounce that
// re-queues a lead hands it to the pipeline through the intake stream.
//
// Lifecycle: Start -> Stop(done) on one executor; `done` runs after the sweep in hand.
class SlaPoller {
 public:
  static constexpr Duration kInterval{1000};
  static constexpr std::int64_t kBatch = 1000;

  struct Deps {
    boost::asio::any_io_executor executor;
    Clock& clock;
    queue::LeadStore& store;
    // Read per sweep so that a reload applies at once.
    std::function<std::uint32_t()> escalate_after_bounces;
    std::shared_ptr<spdlog::logger> log;
  };

  explicit SlaPoller(Deps deps) : deps_(std::move(deps)) {}

  void Start();
  void Stop(std::function<void()> done);

 private:
  boost::asio::awaitable<void> Run();

  Deps deps_;
  bool stopping_ = false;
  std::uint64_t failures_ = 0;  // consecutive, for quieter logs during an outage
  std::function<void()> on_stopped_;
};

}  // namespace leadd::daemon
