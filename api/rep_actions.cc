#include "api/rep_actions.h"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <array>
#include <boost/beast/http/status.hpp>

#include "api/http_answers.h"
#include "core/json_writer.h"

namespace leadd::api {

namespace http = boost::beast::http;
using boost::asio::awaitable;

namespace {

// Free text (reasons) is kept in the lead's history; the cap keeps one request from bloating it.
constexpr std::size_t kMaxFieldBytes = 1000;

struct ActionSpec {
  std::string_view name;
  bool admin_only = false;
  std::array<std::string_view, 3> fields{};  // the body's allowed keys; empty slots unused
};

constexpr std::array<ActionSpec, 9> kActions = {{
    {"accept", false, {"assignment_id"}},
    {"reject", false, {"assignment_id", "reason", "pool"}},
    {"activity", false, {}},
    {"stage", false, {"stage"}},
    {"close", false, {"outcome", "reason"}},
    {"claim", false, {"pool"}},
    {"lock", false, {}},
    {"unlock", false, {}},
    {"assign", true, {"rep", "reason"}},
}};

const ActionSpec* FindAction(std::string_view name) {
  const auto* found = std::find_if(kActions.begin(), kActions.end(),
                                   [name](const ActionSpec& spec) { return spec.name == name; });
  return found == kActions.end() ? nullptr : found;
}

// The body as string fields; an empty body is an empty object, so `activity` needs none.
Result<connectors::JsonFields> ParseBody(std::string_view body, const ActionSpec& spec) {
  if (body.find_first_not_of(" \t\r\n") == std::string_view::npos) return connectors::JsonFields{};
  return connectors::ReadJsonFields(body, [&spec](std::string_view name) -> std::size_t {
    const bool known = std::find(spec.fields.begin(), spec.fields.end(), name) != spec.fields.end();
    return known ? kMaxFieldBytes : 0;
  });
}

std::string Field(const connectors::JsonFields& fields, std::string_view key) {
  const auto found = fields.find(key);
  return found == fields.end() ? std::string() : found->second;
}

// A time the Functions stored (epoch ms); the epoch when absent, which plans timers as overdue.
WallTime StoredTime(const queue::StoredLead& lead, std::string_view name) {
  return WallTime{std::chrono::milliseconds(queue::StoredInt(lead.Field(name)))};
}

Response Answer(const Request& request, std::string_view lead_id, std::string_view state,
                std::string_view assignment_id = {}, std::string_view pool = {}) {
  JsonWriter json;
  json.BeginObject().Member("id", lead_id).Member("state", state);
  if (!assignment_id.empty()) json.Member("assignment_id", assignment_id);
  if (!pool.empty()) json.Member("pool", pool);
  json.EndObject();
  return Json(request, http::status::ok, json.Text());
}

}  // namespace

RepActions::RepActions(Deps deps, const config::DaemonSettings& settings) : deps_(std::move(deps)) {
  UpdateSettings(settings);
}

void RepActions::UpdateSettings(const config::DaemonSettings& settings) {
  callers_.Update(settings);
  reps_.clear();
  for (const config::Rep& rep : settings.reps) reps_.push_back(rep.id);
  pools_ = {settings.pools.begin(), settings.pools.end()};
  lock_cap_ = settings.inactivity.lock_cap;
  stages_.clear();
  for (const config::StageSettings& stage : settings.stages) stages_.push_back(stage.name);
}

std::optional<RepActions::Caller> RepActions::Authenticate(const Request& request) const {
  const auto who = callers_.Of(request);
  if (!who) return std::nullopt;
  return Caller{who->empty(), *who};
}

awaitable<Response> RepActions::Handle(const Request& request, std::string_view lead_id,
                                       std::string_view action) {
  if (auto refused = OnlyMethod(request, http::verb::post)) co_return *std::move(refused);
  const auto caller = Authenticate(request);
  if (!caller) co_return Unauthorized(request);
  const ActionSpec* spec = FindAction(action);
  if (spec == nullptr) co_return ErrorJson(request, http::status::not_found, "no such route");
  if (!IsLeadId(lead_id)) co_return ErrorJson(request, http::status::not_found, "no such lead");
  if (spec->admin_only && !caller->admin) {
    co_return ErrorJson(request, http::status::forbidden, "only the admin token may assign leads");
  }
  if (!spec->admin_only && caller->admin) {
    co_return ErrorJson(request, http::status::forbidden,
                        std::string(spec->name) + " is a rep's action: use the rep's own token");
  }
  auto fields = ParseBody(request.body(), *spec);
  if (!fields) {
    co_return ErrorJson(request, http::status::bad_request, fields.error().detail);
  }
  if (spec->admin_only) co_return co_await Assign(request, lead_id, fields.value());
  if (spec->name == "claim") {
    co_return co_await Claim(request, lead_id, caller->rep, fields.value());
  }
  co_return co_await RunRepAction(request, lead_id, spec->name, caller->rep, fields.value());
}

awaitable<std::variant<queue::StoredLead, Response>> RepActions::ReadLead(const Request& request,
                                                                          std::string_view lead_id,
                                                                          std::string_view who) {
  auto stored = co_await deps_.store.Get(lead_id);
  if (!stored) co_return Refused(request, lead_id, "read", who, stored.error());
  co_return std::move(stored).value();
}

awaitable<Response> RepActions::RunRepAction(const Request& request, std::string_view lead_id,
                                             std::string_view action, const std::string& rep,
                                             const Fields& fields) {
  const std::string assignment_id = Field(fields, "assignment_id");
  const std::string reason = Field(fields, "reason");
  std::string pool;
  std::optional<queue::Outcome> outcome;
  if ((action == "accept" || action == "reject") && assignment_id.empty()) {
    co_return ErrorJson(request, http::status::bad_request, "assignment_id is required");
  }
  if (action == "reject") {
    if (reason.empty()) {
      co_return ErrorJson(request, http::status::bad_request, "reason is required");
    }
    pool = Field(fields, "pool");
    if (pool.empty()) pool = std::string(queue::LeadTransitions::kNurturePool);
    if (!pools_.contains(pool)) {
      co_return ErrorJson(request, http::status::bad_request, "unknown pool '" + pool + "'");
    }
  }
  if (action == "stage" && Field(fields, "stage").empty()) {
    co_return ErrorJson(request, http::status::bad_request, "stage is required");
  }
  if (action == "stage" && !Field(fields, "stage").empty() &&
      std::find(stages_.begin(), stages_.end(), Field(fields, "stage")) == stages_.end()) {
    // A departure picks the hand-over task by the stage: a name outside the list would hide
    // how far the sale has come.
    std::string allowed;
    for (const auto& name : stages_) allowed += (allowed.empty() ? "" : ", ") + name;
    co_return ErrorJson(
        request, http::status::bad_request,
        "unknown stage '" + Field(fields, "stage").substr(0, 64) + "'; the stages are " + allowed);
  }
  if (action == "close") {
    const std::string written = Field(fields, "outcome");
    if (written == "won") {
      outcome = queue::Outcome::kWon;
    } else if (written == "lost") {
      outcome = queue::Outcome::kLost;
    } else {
      co_return ErrorJson(request, http::status::bad_request, R"(outcome must be "won" or "lost")");
    }
  }

  auto read = co_await ReadLead(request, lead_id, rep);
  if (auto* answer = std::get_if<Response>(&read)) co_return std::move(*answer);
  const auto& lead = std::get<queue::StoredLead>(read);
  const auto planner = deps_.current_planner();
  const WallTime now = deps_.clock.WallNow();

  auto& transitions = deps_.transitions;
  Result<void> moved = Ok();
  std::string_view state = "accepted";
  if (action == "accept") {
    moved = co_await transitions.Accept(lead_id, rep, assignment_id,
                                        planner->FollowUp(now, now).Encode());
    if (moved) deps_.log->info("lead.accepted lead={} rep={}", lead_id, rep);
  } else if (action == "reject") {
    moved = co_await transitions.Reject(lead_id, rep, assignment_id, reason, pool);
    // Rejecting an offer declines it: the lead goes on to the next rep, or to the offer's pool.
    state = lead.Field("state") == "offered" ? "declined" : "pooled";
    if (state == "declined") pool.clear();
    if (moved) deps_.log->info("lead.rejected lead={} rep={} pool={}", lead_id, rep, pool);
  } else if (action == "activity") {
    moved = co_await transitions.RecordActivity(lead_id, rep, planner->Idle(now).Encode());
    if (moved) deps_.log->info("lead.activity lead={} rep={}", lead_id, rep);
  } else if (action == "stage") {
    const std::string stage = Field(fields, "stage");
    moved = co_await transitions.SetStage(lead_id, rep, stage, planner->Idle(now).Encode());
    if (moved) deps_.log->info("lead.stage lead={} rep={}", lead_id, rep);
  } else if (action == "lock" || action == "unlock") {
    const bool locking = action == "lock";
    Result<bool> changed = false;
    if (locking) {
      changed = co_await transitions.Lock(lead_id, rep, lock_cap_);
    } else {
      // The inactivity clock resumes where it stood: from the last follow-up and the accept.
      const auto plan =
          planner->FollowUp(StoredTime(lead, "last_activity_at"), StoredTime(lead, "accepted_at"));
      changed = co_await transitions.Unlock(lead_id, rep, plan.Encode());
    }
    if (!changed) co_return Refused(request, lead_id, action, rep, changed.error());
    if (changed.value()) deps_.log->info("lead.{}ed lead={} rep={}", action, lead_id, rep);
  } else {
    moved = co_await transitions.Close(lead_id, rep, *outcome, reason);
    state = *outcome == queue::Outcome::kWon ? "won" : "lost";
    if (moved) deps_.log->info("lead.closed lead={} rep={} outcome={}", lead_id, rep, state);
  }
  if (!moved) co_return Refused(request, lead_id, action, rep, moved.error());
  co_return Answer(request, lead_id, state, {}, pool);
}

awaitable<Response> RepActions::Claim(const Request& request, std::string_view lead_id,
                                      const std::string& rep, const Fields& fields) {
  std::string pool = Field(fields, "pool");
  if (pool.empty()) pool = std::string(queue::LeadTransitions::kPublicPool);
  const auto settings = pools_.find(pool);
  if (settings == pools_.end()) {
    co_return ErrorJson(request, http::status::bad_request, "unknown pool '" + pool + "'");
  }
  const queue::ClaimLimits limits{settings->second.claim_per_day, settings->second.max_held,
                                  settings->second.cooldown};
  auto read = co_await ReadLead(request, lead_id, rep);
  if (auto* answer = std::get_if<Response>(&read)) co_return std::move(*answer);
  const auto timers = AssignmentTimers(std::get<queue::StoredLead>(read), rep);
  auto claimed = co_await deps_.transitions.Claim(lead_id, rep, pool, limits, timers);
  if (!claimed) co_return Refused(request, lead_id, "claim", rep, claimed.error());
  deps_.log->info("lead.claimed lead={} rep={} pool={} assignment={}", lead_id, rep, pool,
                  claimed.value());
  co_return Answer(request, lead_id, "assigned", claimed.value());
}

awaitable<Response> RepActions::Assign(const Request& request, std::string_view lead_id,
                                       const Fields& fields) {
  const std::string rep = Field(fields, "rep");
  const std::string reason = Field(fields, "reason");
  if (rep.empty()) co_return ErrorJson(request, http::status::bad_request, "rep is required");
  if (std::find(reps_.begin(), reps_.end(), rep) == reps_.end()) {
    co_return ErrorJson(request, http::status::bad_request,
                        "unknown rep '" + rep.substr(0, 64) + "'");
  }
  if (reason.empty()) {
    co_return ErrorJson(request, http::status::bad_request, "reason is required");
  }
  auto read = co_await ReadLead(request, lead_id, "admin");
  if (auto* answer = std::get_if<Response>(&read)) co_return std::move(*answer);
  const auto timers = AssignmentTimers(std::get<queue::StoredLead>(read), rep);
  auto assigned = co_await deps_.transitions.Reassign(lead_id, rep, "admin", reason, timers);
  if (!assigned) co_return Refused(request, lead_id, "assign", "admin", assigned.error());
  deps_.log->info("lead.assigned lead={} rep={} by=admin assignment={}", lead_id, rep,
                  assigned.value());
  co_return Answer(request, lead_id, "assigned", assigned.value());
}

queue::AssignmentTimers RepActions::AssignmentTimers(const queue::StoredLead& lead,
                                                     std::string_view rep) const {
  const auto planner = deps_.current_planner();
  const auto grade = lead.Field("grade");
  return {planner->Assignment(grade, rep, deps_.clock.WallNow()).Encode(),
          planner->ForGrade(grade).escalate_after_bounces};
}

Response RepActions::Refused(const Request& request, std::string_view lead_id,
                             std::string_view action, std::string_view who,
                             const Error& error) const {
  deps_.log->info("lead.action_refused lead={} action={} by={} code={}", lead_id, action, who,
                  static_cast<int>(error.code));
  switch (error.code) {
    case Errc::kTransient:
    case Errc::kUnavailable:
      return Unavailable(request, "storage unavailable, retry later");
    case Errc::kConflict:
      // Checked before the move too, but the holder can change in between.
      if (RefusalSentence(error).find(" is held by ") != std::string_view::npos) {
        return ErrorJson(request, http::status::forbidden,
                         "lead " + std::string(lead_id) + " is held by another rep");
      }
      break;
    case Errc::kNotFound:
      return ErrorJson(request, http::status::not_found, "no such lead");
    case Errc::kRejected:
      break;
  }
  return ErrorJson(request, StatusOf(error), RefusalSentence(error));
}

}  // namespace leadd::api
