#include "daemon/sla_poller.h"

#include <spdlog/spdlog.h>

#include <boost/asio/use_awaitable.hpp>

#include "core/clock_wait.h"
#include "daemon/spawn_loop.h"

namespace leadd::daemon {

using boost::asio::awaitable;
using boost::asio::use_awaitable;

void SlaPoller::Start() { SpawnLoop(deps_.executor, Run(), deps_.log, "sla"); }

void SlaPoller::Stop(std::function<void()> done) {
  stopping_ = true;
  on_stopped_ = std::move(done);
}

awaitable<void> SlaPoller::Run() {
  while (!stopping_) {
    queue::SlaSweep total;
    bool full = true;
    // A full batch may mean more are due: sweep again at once rather than a second later. (A
    // batch that also popped stale entries counts short; the rest waits for the next tick.)
    while (full && !stopping_) {
      auto swept = co_await deps_.store.BounceDue(kBatch, deps_.escalate_after_bounces());
      if (!swept) {
        // Redis away: the pipeline already says so; keep to debug here.
        if (failures_++ == 0) {
          deps_.log->debug("sla.sweep_failed error=\"{}\"", swept.error().detail);
        }
        break;
      }
      failures_ = 0;
      total.bounced += swept.value().bounced;
      total.requeued += swept.value().requeued;
      total.escalated += swept.value().escalated;
      full = swept.value().bounced >= kBatch;
    }
    if (total.bounced > 0) {
      deps_.log->info("sla.breach bounced={} requeued={} escalated={}", total.bounced,
                      total.requeued, total.escalated);
    }
    if (!stopping_) co_await AsyncWait(deps_.clock, kInterval, use_awaitable);
  }
  if (on_stopped_) on_stopped_();
}

}  // namespace leadd::daemon
