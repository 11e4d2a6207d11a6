#include "api/link_actions.h"

#include <spdlog/spdlog.h>

#include <boost/beast/http/field.hpp>
#include <boost/beast/http/status.hpp>
#include <string>

#include "api/http_answers.h"

namespace leadd::api {

namespace http = boost::beast::http;
using boost::asio::awaitable;

namespace {

// A reason is kept in the lead's history, as through RepActions; the body cap leaves room for
// every byte of it to arrive %-escaped.
constexpr std::size_t kMaxReasonBytes = 1000;
constexpr std::size_t kMaxFormBytes = 3 * kMaxReasonBytes + 64;

std::string Escaped(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (const char c : text) {
    switch (c) {
      case '&':
        out += "&amp;";
        break;
      case '<':
        out += "&lt;";
        break;
      case '>':
        out += "&gt;";
        break;
      case '"':
        out += "&quot;";
        break;
      case '\'':
        out += "&#39;";
        break;
      default:
        out.push_back(c);
    }
  }
  return out;
}

// `title` is escaped here; `body_html` must already be.
Response Page(const Request& request, http::status status, std::string_view title,
              std::string_view body_html) {
  Response response{status, request.version()};
  response.set(http::field::content_type, "text/html; charset=utf-8");
  // The token is in the URL: no cache may keep the page, and no link or form on it may pass
  // the URL on to another site.
  response.set(http::field::cache_control, "no-store");
  response.set("Referrer-Policy", "no-referrer");
  response.set("X-Content-Type-Options", "nosniff");
  response.set("Content-Security-Policy",
               "default-src 'none'; style-src 'unsafe-inline'; form-action 'self'; "
               "frame-ancestors 'none'");
  std::string html =
      "<!doctype html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">"
      "<meta name=\"viewport\" content=\"width=device-width\">"
      "<meta name=\"robots\" content=\"noindex\"><title>";
  html += Escaped(title);
  html +=
      "</title><style>body{font-family:sans-serif;max-width:36em;margin:2em auto;padding:0 1em}"
      "textarea{width:100%;min-height:6em}</style></head><body><h1>";
  html += Escaped(title);
  html += "</h1>";
  html += body_html;
  html += "</body></html>\n";
  response.body() = std::move(html);
  return response;
}

Response SentencePage(const Request& request, http::status status, std::string_view title,
                      std::string_view sentence) {
  return Page(request, status, title, "<p>" + Escaped(sentence) + "</p>");
}

std::string LeadTitle(std::string_view verb, const LinkClaims& claims) {
  return std::string(verb) + " lead " + claims.lead_id;
}

Response FormPage(const Request& request, const LinkClaims& claims) {
  const bool accept = claims.action == LinkAction::kAccept;
  std::string body = "<p>Lead <strong>" + Escaped(claims.lead_id) +
                     "</strong> is assigned to <strong>" + Escaped(claims.rep) + "</strong>.</p>";
  body += "<form method=\"post\">";
  if (!accept) {
    body +=
        "<p><label for=\"reason\">Why are you rejecting it?</label></p>"
        "<p><textarea id=\"reason\" name=\"reason\" required maxlength=\"" +
        std::to_string(kMaxReasonBytes) + "\"></textarea></p>";
  }
  body += "<p><button type=\"submit\">";
  body += accept ? "Accept" : "Reject";
  body += " lead " + Escaped(claims.lead_id) + "</button></p></form>";
  return Page(request, http::status::ok, LeadTitle(accept ? "Accept" : "Reject", claims), body);
}

bool IsBlank(std::string_view text) {
  return text.find_first_not_of(" \t\r\n") == std::string_view::npos;
}

}  // namespace

LinkActions::LinkActions(Deps deps, const config::DaemonSettings& settings)
    : deps_(std::move(deps)) {
  UpdateSettings(settings);
}

void LinkActions::UpdateSettings(const config::DaemonSettings& settings) {
  http_ = settings.http;
  if (settings.http.link_secret) {
    signer_.emplace(*settings.http.link_secret);
  } else {
    signer_.reset();
  }
}

awaitable<Response> LinkActions::Handle(const Request& request, std::string_view token) {
  if (!signer_) co_return ErrorJson(request, http::status::not_found, "no such route");
  const auto method = request.method();
  if (method != http::verb::get && method != http::verb::post) {
    auto refused = ErrorJson(request, http::status::method_not_allowed, "use GET or POST");
    refused.set(http::field::allow, "GET, POST");
    co_return refused;
  }
  auto claims = signer_->Verify(token, deps_.clock.WallNow());
  if (!claims) {
    // The reason is ours, never the token: a token in the log would be a usable link.
    deps_.log->info("link.refused reason=\"{}\"", claims.error().detail);
    const bool expired = claims.error().detail == kLinkExpired;
    co_return SentencePage(request, http::status::forbidden,
                           expired ? "Link expired" : "Link not valid",
                           expired ? "This link has expired. Open the lead in your usual tool."
                                   : "This link is not valid.");
  }
  if (method == http::verb::get) co_return FormPage(request, claims.value());
  co_return co_await Act(request, claims.value());
}

awaitable<Response> LinkActions::Act(const Request& request, const LinkClaims& claims) {
  const bool accept = claims.action == LinkAction::kAccept;
  const std::string title = LeadTitle(accept ? "Accept" : "Reject", claims);
  const std::string_view body = request.body();
  const auto content_type = Std(request[http::field::content_type]);
  if (!body.empty() && !content_type.starts_with("application/x-www-form-urlencoded")) {
    co_return SentencePage(request, http::status::unsupported_media_type, title,
                           "Send the form as application/x-www-form-urlencoded.");
  }
  auto form = ParseFormBody(body, {"reason"}, kMaxFormBytes, kMaxReasonBytes);
  if (!form) {
    co_return SentencePage(request, http::status::bad_request, title,
                           "The form was refused: " + form.error().detail + ".");
  }
  const auto reason = form.value().find("reason");
  const std::string_view why =
      reason == form.value().end() ? std::string_view() : std::string_view(reason->second);
  if (!accept && IsBlank(why)) {
    co_return SentencePage(request, http::status::bad_request, title,
                           "A reason is required to reject a lead.");
  }

  Result<void> moved = Ok();
  if (accept) {
    const WallTime now = deps_.clock.WallNow();
    const auto follow_up = deps_.current_planner()->FollowUp(now, now).Encode();
    moved = co_await deps_.transitions.Accept(claims.lead_id, claims.rep, claims.assignment_id,
                                              follow_up);
  } else {
    moved = co_await deps_.transitions.Reject(claims.lead_id, claims.rep, claims.assignment_id, why,
                                              queue::LeadTransitions::kNurturePool);
  }
  if (moved) {
    if (accept) {
      deps_.log->info("lead.accepted lead={} rep={} via=link", claims.lead_id, claims.rep);
      co_return SentencePage(request, http::status::ok, title,
                             "Lead " + claims.lead_id + " is yours: accepted.");
    }
    deps_.log->info("lead.rejected lead={} rep={} pool={} via=link", claims.lead_id, claims.rep,
                    queue::LeadTransitions::kNurturePool);
    co_return SentencePage(request, http::status::ok, title,
                           "Lead " + claims.lead_id + " is rejected and back in the nurture pool.");
  }

  const Error& error = moved.error();
  deps_.log->info("lead.action_refused lead={} action={} by={} code={} via=link", claims.lead_id,
                  LinkActionName(claims.action), claims.rep, static_cast<int>(error.code));
  switch (error.code) {
    case Errc::kTransient:
    case Errc::kUnavailable: {
      auto response =
          SentencePage(request, http::status::service_unavailable, title,
                       "The lead store cannot be reached right now. Try again in a minute.");
      response.set(http::field::retry_after, "5");
      co_return response;
    }
    case Errc::kNotFound:
      co_return SentencePage(request, http::status::not_found, title,
                             "There is no lead " + claims.lead_id + ".");
    case Errc::kConflict:
      // Who holds it now is not the link holder's business.
      if (RefusalSentence(error).find(" is held by ") != std::string_view::npos) {
        co_return SentencePage(request, http::status::conflict, title,
                               "Lead " + claims.lead_id + " is held by another rep now.");
      }
      break;
    case Errc::kRejected:
      break;
  }
  co_return SentencePage(
      request, StatusOf(error), title,
      "This cannot be done any more: " + std::string(RefusalSentence(error)) + ".");
}

}  // namespace leadd::api
