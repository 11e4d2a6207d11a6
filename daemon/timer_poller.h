// TimerPoller: fires due timers — SLA reminders and bounces, inactivity reminders and returns,
// recurring reminders — which live in Redis and are judged by Redis TIME.
#pragma once

#include <utility>  // before Asio: Boost 1.74 + g++ 12 need std::exchange declared first

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/awaitable.hpp>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>

#include "core/clock.h"
#include "queue/lead_store.h"

namespace spdlog {
class logger;
}

namespace leadd::daemon {

// Every daemon polls: a sweep is one atomic Function and a timer fires once however many of
// them run, so a dead daemon's timers are taken over at the next poll of any other. After a
// sweep the poller sleeps until the earliest armed timer, at most kInterval (a timer another
// daemon arms meanwhile waits for that) — so a due timer is late by at most kInterval, and by
// the round trip when it was already known.
//
// Lifecycle: Start -> Stop(done) on one executor; `done` runs after the sweep in hand.
class TimerPoller {
 public:
  static constexpr Duration kInterval{1000};
  static constexpr std::int64_t kBatch = 1000;

  struct Deps {
    boost::asio::any_io_executor executor;
    Clock& clock;
    queue::LeadStore& store;
    // Read per sweep so that a reload applies at once.
    std::function<std::string()> inactivity_pool;
    std::shared_ptr<spdlog::logger> log;
  };

  explicit TimerPoller(Deps deps) : deps_(std::move(deps)) {}

  void Start();
  void Stop(std::function<void()> done);

  // How long to sleep after a sweep that saw `next_due` at Redis time `now`.
  static Duration SleepAfter(WallTime now, std::optional<WallTime> next_due);

 private:
  boost::asio::awaitable<void> Run();

  Deps deps_;
  bool stopping_ = false;
  std::uint64_t failures_ = 0;  // consecutive, for quieter logs during an outage
  std::function<void()> on_stopped_;
};

}  // namespace leadd::daemon
