#include "api/reminder_api.h"

#include <spdlog/spdlog.h>

#include <boost/asio/use_awaitable.hpp>
#include <boost/beast/http/status.hpp>

#include "api/admin_bodies.h"
#include "api/http_answers.h"
#include "core/json_writer.h"

namespace leadd::api {

namespace http = boost::beast::http;
using boost::asio::awaitable;
using boost::asio::use_awaitable;

bool IsReminderId(std::string_view id) {
  return id.size() > 2 && id.size() <= 24 && id.starts_with("R-") &&
         id.find_first_not_of("0123456789", 2) == std::string_view::npos;
}

ReminderApi::ReminderApi(Deps deps, const config::DaemonSettings& settings)
    : deps_(std::move(deps)) {
  UpdateSettings(settings);
}

void ReminderApi::UpdateSettings(const config::DaemonSettings& settings) {
  callers_.Update(settings);
}

Response ReminderApi::Refused(const Request& request, const Error& error,
                              std::string_view missing) const {
  switch (error.code) {
    case Errc::kTransient:
    case Errc::kUnavailable:
      return Unavailable(request, "storage unavailable, retry later");
    case Errc::kNotFound:
      return ErrorJson(request, http::status::not_found, missing);
    default:
      return ErrorJson(request, StatusOf(error), RefusalSentence(error));
  }
}

awaitable<Response> ReminderApi::HandleLead(const Request& request, std::string_view lead_id) {
  const bool adding = request.method() == http::verb::post;
  if (!adding) {
    if (auto refused = OnlyMethod(request, http::verb::get)) co_return *std::move(refused);
  }
  const auto caller = callers_.Of(request);
  if (!caller) co_return Unauthorized(request);
  if (!IsLeadId(lead_id)) co_return ErrorJson(request, http::status::not_found, "no such lead");
  auto stored = co_await deps_.store.Get(lead_id);
  if (!stored) co_return Refused(request, stored.error(), "no such lead");
  if (!caller->empty() && stored.value().Field("assignee") != *caller) {
    co_return ErrorJson(request, http::status::forbidden,
                        "lead " + std::string(lead_id) + " is held by another rep");
  }
  if (adding) {
    // Named, not a temporary in the co_await: g++ 12 destroys such temporaries twice.
    const std::string who = caller->empty() ? std::string("admin") : *caller;
    co_return co_await Add(request, lead_id, who, stored.value());
  }
  co_return co_await List(request, lead_id);
}

awaitable<Response> ReminderApi::Add(const Request& request, std::string_view lead_id,
                                     const std::string& who, const queue::StoredLead& lead) {
  auto body = ParseReminderBody(request.body());
  if (!body) co_return ErrorJson(request, http::status::bad_request, body.error().detail);
  auto& parsed = body.value();
  if (!parsed.every) {
    const auto grade = lead.Field("grade");
    parsed.every = deps_.current_planner()->ForGrade(grade).follow_up_every;
    if (!parsed.every) {
      co_return ErrorJson(request, http::status::bad_request,
                          "every is required: the lead's grade has no follow_up_every");
    }
    if (parsed.ahead >= *parsed.every) {
      co_return ErrorJson(request, http::status::bad_request,
                          "ahead must be shorter than every (" + FormatDuration(*parsed.every) +
                              ", the grade's follow_up_every)");
    }
  }
  queue::ReminderSpec spec;
  spec.lead_id = std::string(lead_id);
  spec.kind = parsed.kind;
  spec.product = parsed.product;
  spec.every = *parsed.every;
  spec.ahead = parsed.ahead;
  spec.first = parsed.first;
  spec.by = who;
  auto added = co_await deps_.transitions.AddReminder(spec);
  if (!added) co_return Refused(request, added.error(), "no such lead");
  deps_.log->info("reminder.added id={} lead={} kind={} by={}", added.value(), lead_id, spec.kind,
                  who);
  JsonWriter json;
  json.BeginObject().Member("id", added.value()).Member("lead", lead_id);
  json.Member("kind", spec.kind).Member("product", spec.product);
  json.Member("every", FormatDuration(spec.every)).Member("ahead", FormatDuration(spec.ahead));
  json.Member("next_at", FormatInstant(spec.first)).EndObject();
  co_return Json(request, http::status::created, json.Text());
}

awaitable<Response> ReminderApi::List(const Request& request, std::string_view lead_id) {
  auto reminders = co_await deps_.transitions.Reminders(lead_id);
  if (!reminders) co_return Refused(request, reminders.error(), "no such lead");
  JsonWriter json;
  json.BeginObject().Member("lead", lead_id).Key("reminders").BeginArray();
  for (const auto& reminder : reminders.value()) {
    json.BeginObject().Member("id", reminder.id).Member("kind", reminder.spec.kind);
    json.Member("product", reminder.spec.product);
    json.Member("every", FormatDuration(reminder.spec.every));
    json.Member("ahead", FormatDuration(reminder.spec.ahead));
    json.Member("next_at", FormatInstant(reminder.next));
    json.Member("created_by", reminder.spec.by).EndObject();
  }
  json.EndArray().EndObject();
  co_return Json(request, http::status::ok, json.Text());
}

awaitable<Response> ReminderApi::HandleReminder(const Request& request,
                                                std::string_view reminder_id) {
  if (auto refused = OnlyMethod(request, http::verb::delete_)) co_return *std::move(refused);
  const auto caller = callers_.Of(request);
  if (!caller) co_return Unauthorized(request);
  if (!IsReminderId(reminder_id)) {
    co_return ErrorJson(request, http::status::not_found, "no such reminder");
  }
  std::vector<std::string> read{
      "HGET", deps_.store.Keys().Prefix() + ":reminder:" + std::string(reminder_id), "lead"};
  auto lead = co_await deps_.redis.AsyncCommand(std::move(read), use_awaitable);
  if (!lead) co_return Refused(request, lead.error(), "no such reminder");
  if (!lead.value().IsString()) {
    co_return ErrorJson(request, http::status::not_found, "no such reminder");
  }
  if (!caller->empty()) {
    auto stored = co_await deps_.store.Get(lead.value().str);
    if (!stored) co_return Refused(request, stored.error(), "no such reminder");
    if (stored.value().Field("assignee") != *caller) {
      co_return ErrorJson(
          request, http::status::forbidden,
          "reminder " + std::string(reminder_id) + " is on a lead held by another rep");
    }
  }
  const std::string who = caller->empty() ? "admin" : *caller;
  auto removed = co_await deps_.transitions.RemoveReminder(reminder_id, who);
  if (!removed) co_return Refused(request, removed.error(), "no such reminder");
  deps_.log->info("reminder.removed id={} by={}", reminder_id, who);
  JsonWriter json;
  json.BeginObject().Member("id", reminder_id).Key("removed").Bool(true).EndObject();
  co_return Json(request, http::status::ok, json.Text());
}

}  // namespace leadd::api
