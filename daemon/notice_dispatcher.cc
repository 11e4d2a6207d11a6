#include "daemon/notice_dispatcher.h"

#include <spdlog/spdlog.h>

#include <boost/asio/use_awaitable.hpp>

#include "core/clock_wait.h"
#include "daemon/spawn_loop.h"

namespace leadd::daemon {

using boost::asio::awaitable;
using boost::asio::use_awaitable;

std::shared_ptr<const NoticeDirectory> MakeNoticeDirectory(const config::DaemonSettings& settings) {
  auto directory = std::make_shared<NoticeDirectory>();
  for (const auto& rep : settings.reps) {
    if (!rep.manager.empty()) directory->manager_of.emplace(rep.id, rep.manager);
  }
  if (settings.http.link_secret) directory->signer.emplace(*settings.http.link_secret);
  directory->http = settings.http;
  return directory;
}

NoticeDispatcher::NoticeDispatcher(Deps deps, std::string consumer_name, Duration block_for)
    : deps_(std::move(deps)),
      outbox_(deps_.clock, deps_.blocking_redis,
              StreamConsumer::Options{deps_.keys.Notices(), std::string(kGroup),
                                      std::move(consumer_name), kClaimIdle, 64, block_for}) {}

void NoticeDispatcher::Start() { SpawnLoop(deps_.executor, Run(), deps_.log, "notify"); }

void NoticeDispatcher::Stop(std::function<void()> done) {
  stopping_ = true;
  on_stopped_ = std::move(done);
}

Result<notify::Notice> NoticeDispatcher::Prepare(const StreamEntry& entry,
                                                 const NoticeDirectory& directory, WallTime now) {
  LEADD_TRY(notice, notify::NoticeFromOutbox(entry.fields, directory.manager_of));
  // An offer is accepted (taken) or rejected (declined) like an assignment.
  const bool actionable =
      notice.kind == "assigned" || notice.kind == "sla_reminder" || notice.kind == "offered";
  const auto assignment = notice.details.find("assignment");
  if (actionable && directory.signer && assignment != notice.details.end() &&
      notice.recipient != notify::kAdmins) {
    LEADD_TRY(links, api::MakeActionLinks(*directory.signer, directory.http, notice.lead_id,
                                          notice.recipient, assignment->second, now));
    notice.actions = notify::ActionUrls{std::move(links.accept), std::move(links.reject)};
  }
  return notice;
}

awaitable<Result<void>> NoticeDispatcher::Deliver(const StreamEntry& entry) {
  auto notice = Prepare(entry, *deps_.current_directory(), deps_.clock.WallNow());
  if (!notice) {
    // Not something a retry can fix: say so and let it go.
    deps_.log->error("notify.dropped entry={} error=\"{}\"", entry.id, notice.error().detail);
  } else {
    auto delivered = co_await deps_.notifier.Deliver(notice.value());
    if (!delivered) {
      if (delivered.error().code == Errc::kTransient) co_return delivered.error();
      deps_.log->error("notify.dropped lead={} kind={} to={} error=\"{}\"", notice.value().lead_id,
                       notice.value().kind, notice.value().recipient, delivered.error().detail);
    }
  }
  co_return Ok();
}

awaitable<void> NoticeDispatcher::Run() {
  while (!stopping_) {
    auto batch = co_await outbox_.Next();
    bool failed = !batch;
    if (batch) {
      std::vector<std::string> done;
      for (const auto& entry : batch.value()) {
        auto delivered = co_await Deliver(entry);
        if (!delivered) {
          failed = true;
          break;
        }
        done.push_back(entry.id);
      }
      // What was delivered leaves the outbox even when a later notice failed: a retry must
      // not send it twice.
      if (!(co_await outbox_.Finish(done))) failed = true;
      if (failed) outbox_.RereadOwnPending();
    }
    if (!failed) {
      failures_ = 0;
      continue;
    }
    if (failures_++ % 60 == 0 && outbox_.EverRead()) {
      deps_.log->warn("notify.retry attempt={} error=\"{}\"", failures_,
                      batch ? "delivery failed" : batch.error().detail);
    }
    if (!stopping_) co_await AsyncWait(deps_.clock, kRetryDelay, use_awaitable);
  }
  if (on_stopped_) on_stopped_();
}

}  // namespace leadd::daemon
