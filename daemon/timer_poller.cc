#include "daemon/timer_poller.h"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <boost/asio/use_awaitable.hpp>

#include "core/clock_wait.h"
#include "daemon/spawn_loop.h"

namespace leadd::daemon {

using boost::asio::awaitable;
using boost::asio::use_awaitable;

void TimerPoller::Start() { SpawnLoop(deps_.executor, Run(), deps_.log, "timers"); }

void TimerPoller::Stop(std::function<void()> done) {
  stopping_ = true;
  on_stopped_ = std::move(done);
}

Duration TimerPoller::SleepAfter(WallTime now, std::optional<WallTime> next_due) {
  if (!next_due) return kInterval;
  const auto until = std::chrono::duration_cast<Duration>(*next_due - now);
  // A timer due within the same millisecond is swept again at once (Redis TIME has moved on
  // by the time the next call runs).
  return std::clamp(until, Duration::zero(), kInterval);
}

awaitable<void> TimerPoller::Run() {
  while (!stopping_) {
    queue::TimerSweep total;
    Duration sleep = kInterval;
    bool full = true;
    // A full batch may mean more are due: sweep again at once rather than a second later.
    while (full && !stopping_) {
      auto swept = co_await deps_.store.FireDue(kBatch, deps_.inactivity_pool());
      if (!swept) {
        // Redis away: the pipeline already says so; keep to debug here.
        if (failures_++ == 0) {
          deps_.log->debug("timers.sweep_failed error=\"{}\"", swept.error().detail);
        }
        sleep = kInterval;
        break;
      }
      failures_ = 0;
      const auto& s = swept.value();
      total.fired += s.fired;
      total.bounced += s.bounced;
      total.requeued += s.requeued;
      total.escalated += s.escalated;
      total.reminded += s.reminded;
      total.returned += s.returned;
      total.kept_locked += s.kept_locked;
      total.reoffered += s.reoffered;
      total.offer_pooled += s.offer_pooled;
      full = s.fired >= kBatch;
      sleep = SleepAfter(s.now, s.next_due);
    }
    if (total.bounced > 0) {
      deps_.log->info("sla.breach bounced={} requeued={} escalated={}", total.bounced,
                      total.requeued, total.escalated);
    }
    if (total.reminded + total.returned + total.kept_locked > 0) {
      deps_.log->info("timers.fired reminded={} returned={} kept_locked={}", total.reminded,
                      total.returned, total.kept_locked);
    }
    if (total.reoffered + total.offer_pooled > 0) {
      deps_.log->info("offer.expired reoffered={} pooled={}", total.reoffered, total.offer_pooled);
    }
    if (!stopping_) co_await AsyncWait(deps_.clock, sleep, use_awaitable);
  }
  if (on_stopped_) on_stopped_();
}

}  // namespace leadd::daemon
