#include "api/rep_admin.h"

#include <spdlog/spdlog.h>

#include <boost/beast/http/status.hpp>

#include "api/admin_bodies.h"
#include "api/http_answers.h"
#include "core/json_writer.h"

namespace leadd::api {

namespace http = boost::beast::http;
using boost::asio::awaitable;

namespace {

std::string UnknownRep(std::string_view role, std::string_view rep) {
  return "unknown " + std::string(role) + " '" + std::string(rep.substr(0, 64)) +
         "': not a rep in the config";
}

void WriteAbsence(JsonWriter& json, const queue::Absence& absence) {
  json.Key("absence").BeginObject();
  json.Member("from", FormatInstant(absence.from)).Member("to", FormatInstant(absence.to));
  json.Member("delegate", absence.delegate).EndObject();
}

}  // namespace

RepAdmin::RepAdmin(Deps deps, const config::DaemonSettings& settings) : deps_(std::move(deps)) {
  UpdateSettings(settings);
}

void RepAdmin::UpdateSettings(const config::DaemonSettings& settings) {
  admin_token_ = settings.http.admin_token;
  zones_.clear();
  for (const config::Rep& rep : settings.reps) {
    zones_[rep.id] = rep.working_hours ? rep.working_hours->time_zone : std::string();
  }
  stage_percent_.clear();
  for (const config::StageSettings& stage : settings.stages) {
    stage_percent_[stage.name] = stage.percent;
  }
}

std::string_view RepAdmin::HandoverFor(std::uint32_t percent) {
  if (percent < 25) return "direct";
  if (percent < 75) return "phone";
  return "in_person";
}

awaitable<Response> RepAdmin::Handle(const Request& request, std::string_view rest) {
  if (!HasBearer(request, admin_token_)) co_return Unauthorized(request);
  const auto slash = rest.find('/');
  const std::string rep(rest.substr(0, slash));
  const std::string_view action =
      slash == std::string_view::npos ? std::string_view() : rest.substr(slash + 1);
  if (!IsRepId(rep))
    co_return ErrorJson(request, http::status::bad_request, UnknownRep("rep", rep));
  if (action.empty()) {
    if (auto refused = OnlyMethod(request, http::verb::get)) co_return *std::move(refused);
    co_return co_await Show(request, rep);
  }
  if (action == "away") {
    if (request.method() == http::verb::delete_) co_return co_await Back(request, rep);
    if (auto refused = OnlyMethod(request, http::verb::post)) co_return *std::move(refused);
    co_return co_await Away(request, rep);
  }
  if (action == "offboard") {
    if (auto refused = OnlyMethod(request, http::verb::post)) co_return *std::move(refused);
    co_return co_await Offboard(request, rep);
  }
  co_return ErrorJson(request, http::status::not_found, "no such route");
}

awaitable<Response> RepAdmin::Show(const Request& request, const std::string& rep) {
  if (!zones_.contains(rep)) {
    co_return ErrorJson(request, http::status::bad_request, UnknownRep("rep", rep));
  }
  auto holdings = co_await deps_.departures.Holdings(rep);
  if (!holdings) co_return StoreRefused(request, holdings.error());
  const auto& held = holdings.value();
  JsonWriter json;
  json.BeginObject().Member("rep", rep).Key("departed").Bool(held.departed);
  if (held.absence) WriteAbsence(json, *held.absence);
  json.Key("open").Int(held.open).Key("closed").Int(held.closed);
  json.Key("customers").Int(held.customers).EndObject();
  co_return Json(request, http::status::ok, json.Text());
}

awaitable<Response> RepAdmin::Away(const Request& request, const std::string& rep) {
  const auto zone = zones_.find(rep);
  if (zone == zones_.end()) {
    co_return ErrorJson(request, http::status::bad_request, UnknownRep("rep", rep));
  }
  auto body = ParseAwayBody(request.body(), zone->second);
  if (!body) co_return ErrorJson(request, http::status::bad_request, body.error().detail);
  const auto& away = body.value();
  if (!zones_.contains(away.delegate)) {
    co_return ErrorJson(request, http::status::bad_request, UnknownRep("delegate", away.delegate));
  }
  if (away.delegate == rep) {
    co_return ErrorJson(request, http::status::bad_request,
                        "the delegate must be another rep than " + rep);
  }
  auto recorded = co_await deps_.transitions.Away(rep, away.from, away.to, away.delegate, "admin");
  if (!recorded) co_return StoreRefused(request, recorded.error());
  deps_.log->info("rep.away rep={} delegate={} from={} to={}", rep, away.delegate,
                  FormatInstant(away.from), FormatInstant(away.to));
  JsonWriter json;
  json.BeginObject().Member("rep", rep);
  WriteAbsence(json, queue::Absence{away.from, away.to, away.delegate});
  json.EndObject();
  co_return Json(request, http::status::ok, json.Text());
}

awaitable<Response> RepAdmin::Back(const Request& request, const std::string& rep) {
  if (!zones_.contains(rep)) {
    co_return ErrorJson(request, http::status::bad_request, UnknownRep("rep", rep));
  }
  auto ended = co_await deps_.transitions.Back(rep, "admin");
  if (!ended) co_return StoreRefused(request, ended.error());
  if (ended.value()) deps_.log->info("rep.back rep={}", rep);
  JsonWriter json;
  json.BeginObject().Member("rep", rep).Key("was_away").Bool(ended.value()).EndObject();
  co_return Json(request, http::status::ok, json.Text());
}

awaitable<Response> RepAdmin::Offboard(const Request& request, const std::string& rep) {
  // A rep removed from the config can no longer be offboarded by name: the operator's order is
  // offboard first, then remove.
  if (!zones_.contains(rep)) {
    co_return ErrorJson(request, http::status::bad_request, UnknownRep("rep", rep));
  }
  auto body = ParseOffboardBody(request.body());
  if (!body) co_return ErrorJson(request, http::status::bad_request, body.error().detail);
  const std::string to = body.value().to;
  const bool route = body.value().route;
  if (!route) {
    if (!zones_.contains(to)) {
      co_return ErrorJson(request, http::status::bad_request, UnknownRep("rep to take over", to));
    }
    if (to == rep) {
      co_return ErrorJson(request, http::status::bad_request,
                          "a rep cannot take over their own leads");
    }
    auto successor = co_await deps_.departures.Holdings(to);
    if (!successor) co_return StoreRefused(request, successor.error());
    if (successor.value().departed) {
      co_return ErrorJson(request, http::status::conflict,
                          to + " has left too: choose another rep");
    }
  }
  // Departed first, so routing stops choosing the rep before any lead leaves them.
  auto started = co_await deps_.departures.Depart(
      rep, route ? queue::DepartureMode::kRoute : queue::DepartureMode::kTo, "admin");
  if (!started) co_return StoreRefused(request, started.error());
  if (started.value().newly_departed) {
    deps_.log->info("rep.departed rep={} open={} closed={} customers={}", rep, started.value().open,
                    started.value().closed, started.value().customers);
  }

  std::map<std::string, std::int64_t, std::less<>> moved = {
      {"direct", 0}, {"phone", 0}, {"in_person", 0}};
  std::int64_t requeued = 0;
  std::int64_t skipped = 0;
  auto open = co_await deps_.departures.OpenLeads(rep, kOpenPerCall);
  if (!open) co_return StoreRefused(request, open.error());
  const auto planner = deps_.current_planner();
  const std::string reason = "offboarded " + rep;
  for (const std::string& id : open.value()) {
    auto stored = co_await deps_.store.Get(id);
    if (!stored && stored.error().code != Errc::kNotFound) {
      co_return StoreRefused(request, stored.error());
    }
    const bool held = stored && stored.value().Field("assignee") == rep &&
                      (stored.value().Field("state") == "assigned" ||
                       stored.value().Field("state") == "accepted");
    if (!held) {
      // Not the rep's any more (a stale entry): nothing to move, only to forget.
      auto forgotten = co_await deps_.departures.ForgetOpen(rep, id);
      if (!forgotten) co_return StoreRefused(request, forgotten.error());
      continue;
    }
    if (route) {
      auto sent = co_await deps_.departures.Requeue(id, rep, "admin");
      if (!sent) co_return StoreRefused(request, sent.error());
      if (sent.value()) {
        ++requeued;
        deps_.log->info("lead.offboarded lead={} rep={} requeued=1", id, rep);
      }
      continue;
    }
    const auto& lead = stored.value();
    const auto stage = stage_percent_.find(lead.Field("stage"));
    const std::string_view task = HandoverFor(stage == stage_percent_.end() ? 0 : stage->second);
    const auto grade = lead.Field("grade");
    queue::AssignmentTimers timers{planner->Assignment(grade, to, deps_.clock.WallNow()).Encode(),
                                   planner->ForGrade(grade).escalate_after_bounces};
    auto reassigned = co_await deps_.transitions.Reassign(id, to, "admin", reason, timers, task);
    if (!reassigned) {
      const auto code = reassigned.error().code;
      if (code == Errc::kTransient || code == Errc::kUnavailable) {
        co_return StoreRefused(request, reassigned.error());
      }
      // It moved between the read and the reassign; the next call looks at it again.
      ++skipped;
      deps_.log->warn("lead.offboard_skipped lead={} rep={} error=\"{}\"", id, rep,
                      reassigned.error().detail);
      continue;
    }
    ++moved[std::string(task)];
    deps_.log->info("lead.offboarded lead={} rep={} to={} handover={}", id, rep, to, task);
  }

  std::int64_t closed_moved = 0;
  if (!route) {
    for (int batch = 0; batch < kCustomerBatchesPerCall; ++batch) {
      auto transfer = co_await deps_.departures.TransferCustomers(rep, to, kCustomerBatch, "admin");
      if (!transfer) co_return StoreRefused(request, transfer.error());
      closed_moved += transfer.value().leads;
      if (transfer.value().closed_left == 0 && transfer.value().customers_left == 0) break;
    }
  }
  auto left = co_await deps_.departures.Holdings(rep);
  if (!left) co_return StoreRefused(request, left.error());
  const auto& rest = left.value();
  const bool done = rest.open == 0 && rest.closed == 0 && rest.customers == 0;
  const std::int64_t customers = started.value().customers - rest.customers;
  deps_.log->info("rep.offboard rep={} to={} requeued={} closed={} customers={} done={}", rep,
                  route ? "routing" : to, requeued, closed_moved, customers, done);

  JsonWriter json;
  json.BeginObject().Member("rep", rep);
  if (route) {
    json.Key("route").Bool(true);
  } else {
    json.Member("to", to);
  }
  json.Key("newly_departed").Bool(started.value().newly_departed);
  json.Key("moved").BeginObject();
  for (const auto& [task, count] : moved) json.Key(task).Int(count);
  json.EndObject();
  json.Key("requeued").Int(requeued).Key("closed_leads").Int(closed_moved);
  json.Key("customers").Int(customers).Key("skipped").Int(skipped);
  json.Key("left").BeginObject().Key("open").Int(rest.open).Key("closed").Int(rest.closed);
  json.Key("customers").Int(rest.customers).EndObject();
  json.Key("done").Bool(done).EndObject();
  co_return Json(request, http::status::ok, json.Text());
}

}  // namespace leadd::api
