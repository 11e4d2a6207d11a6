// LinkActions: the pages behind the signed action links in a rep's notifications —
// GET /v1/links/{token} shows what the link would do, POST /v1/links/{token} does it.
#pragma once

#include <utility>  // before Asio: Boost 1.74 + g++ 12 need std::exchange declared first

#include <boost/asio/awaitable.hpp>
#include <functional>
#include <memory>
#include <optional>
#include <string_view>

#include "api/action_link.h"
#include "api/http_server.h"
#include "config/settings.h"
#include "core/clock.h"
#include "lifecycle/timer_plan.h"
#include "queue/lead_transitions.h"

namespace spdlog {
class logger;
}

namespace leadd::api {

// GET never acts: mail scanners and link previews fetch every link in a message, so the page
// only shows a form, and the rep's own POST of that form performs the move. Answers are small
// HTML pages:
//   200 the form (GET) or the result (POST)
//   403 the token is not valid or has expired (the page says only which of the two)
//   400 a bad form body (reject needs a reason); 415 a body that is not a form
//   404 links are off (no link secret configured) or the lead does not exist
//   409 the move is not legal any more (the lead was reassigned, already accepted, ...)
//   503 with Retry-After when Redis is away
class LinkActions {
 public:
  struct Deps {
    queue::LeadTransitions& transitions;
    std::shared_ptr<spdlog::logger> log;
    Clock& clock;
    // Plans the follow-up timers an accept arms, as the running config says.
    std::function<std::shared_ptr<const lifecycle::TimerPlanner>()> current_planner;
  };

  LinkActions(Deps deps, const config::DaemonSettings& settings);

  // `token` points into the request's target.
  boost::asio::awaitable<Response> Handle(const Request& request, std::string_view token);

  // The secret changes on reload (or goes, turning links off); the next request sees it.
  void UpdateSettings(const config::DaemonSettings& settings);

 private:
  boost::asio::awaitable<Response> Act(const Request& request, const LinkClaims& claims);

  Deps deps_;
  std::optional<ActionLinkSigner> signer_;
  config::HttpSettings http_;
};

}  // namespace leadd::api
