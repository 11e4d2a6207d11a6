#include "queue/lead_transitions.h"

#include <boost/asio/use_awaitable.hpp>

namespace leadd::queue {
namespace {

using boost::asio::awaitable;
using boost::asio::use_awaitable;
// Arguments are built in a statement of their own: g++ 12 miscompiles a braced list holding a
// string literal inside a co_await expression ("array used as initializer").
using Args = std::vector<std::string>;

std::string Str(std::string_view s) { return std::string(s); }
std::string Millis(WallTime t) { return std::to_string(ToEpochMillis(t)); }

}  // namespace

awaitable<Result<RedisReply>> LeadTransitions::Call(std::string_view function, Args args) {
  args.insert(args.begin(), keys_.Prefix());
  auto command = FunctionCall(function, {}, clock_, std::move(args));
  co_return co_await redis_.AsyncCommand(std::move(command), use_awaitable);
}

awaitable<Result<void>> LeadTransitions::Accept(std::string_view lead_id, std::string_view rep,
                                                std::string_view assignment_id,
                                                std::string_view follow_up) {
  Args args{Str(lead_id), Str(rep), Str(assignment_id), Str(follow_up)};
  LEADD_CO_TRYV(co_await Call("leadd_accept", std::move(args)));
  co_return Ok();
}

awaitable<Result<void>> LeadTransitions::Reject(std::string_view lead_id, std::string_view rep,
                                                std::string_view assignment_id,
                                                std::string_view reason, std::string_view pool) {
  Args args{Str(lead_id), Str(rep), Str(assignment_id), Str(reason), Str(pool)};
  LEADD_CO_TRYV(co_await Call("leadd_reject", std::move(args)));
  co_return Ok();
}

awaitable<Result<std::int64_t>> LeadTransitions::Bounce(std::string_view lead_id,
                                                        std::string_view assignment_id,
                                                        std::string_view reason,
                                                        std::string_view pool) {
  Args args{Str(lead_id), Str(assignment_id), Str(reason), Str(pool)};
  LEADD_CO_TRY(reply, co_await Call("leadd_bounce", std::move(args)));
  co_return reply.AsInteger();
}

awaitable<Result<std::string>> LeadTransitions::Claim(std::string_view lead_id,
                                                      std::string_view rep, std::string_view pool,
                                                      const ClaimLimits& limits,
                                                      AssignmentTimers timers) {
  Args args{Str(lead_id),
            Str(rep),
            Str(pool),
            std::to_string(limits.per_day),
            std::to_string(limits.max_held),
            std::to_string(limits.cooldown.count()),
            std::to_string(timers.escalate_after),
            timers.plan};
  LEADD_CO_TRY(reply, co_await Call("leadd_claim", std::move(args)));
  LEADD_CO_TRY(assignment, reply.AsInteger());
  co_return std::to_string(assignment);
}

awaitable<Result<std::string>> LeadTransitions::Reassign(
    std::string_view lead_id, std::string_view to_rep, std::string_view by_admin,
    std::string_view reason, AssignmentTimers timers, std::string_view handover) {
  Args args{
      Str(lead_id), Str(to_rep),  Str(by_admin), Str(reason), std::to_string(timers.escalate_after),
      timers.plan,  Str(handover)};
  LEADD_CO_TRY(reply, co_await Call("leadd_reassign", std::move(args)));
  LEADD_CO_TRY(assignment, reply.AsInteger());
  co_return std::to_string(assignment);
}

awaitable<Result<void>> LeadTransitions::SetStage(std::string_view lead_id, std::string_view rep,
                                                  std::string_view stage, std::string_view idle) {
  Args args{Str(lead_id), Str(rep), Str(stage), Str(idle)};
  LEADD_CO_TRYV(co_await Call("leadd_stage", std::move(args)));
  co_return Ok();
}

awaitable<Result<void>> LeadTransitions::RecordActivity(std::string_view lead_id,
                                                        std::string_view rep,
                                                        std::string_view idle) {
  Args args{Str(lead_id), Str(rep), Str(idle)};
  LEADD_CO_TRYV(co_await Call("leadd_activity", std::move(args)));
  co_return Ok();
}

awaitable<Result<void>> LeadTransitions::Close(std::string_view lead_id, std::string_view rep,
                                               Outcome outcome, std::string_view reason) {
  Args args{Str(lead_id), Str(rep), outcome == Outcome::kWon ? "won" : "lost", Str(reason)};
  LEADD_CO_TRYV(co_await Call("leadd_close", std::move(args)));
  co_return Ok();
}

awaitable<Result<bool>> LeadTransitions::Lock(std::string_view lead_id, std::string_view rep,
                                              std::uint32_t cap) {
  Args args{Str(lead_id), Str(rep), std::to_string(cap)};
  LEADD_CO_TRY(reply, co_await Call("leadd_lock", std::move(args)));
  LEADD_CO_TRY(locked, reply.AsInteger());
  co_return locked == 1;
}

awaitable<Result<bool>> LeadTransitions::Unlock(std::string_view lead_id, std::string_view rep,
                                                std::string_view follow_up) {
  Args args{Str(lead_id), Str(rep), Str(follow_up)};
  LEADD_CO_TRY(reply, co_await Call("leadd_unlock", std::move(args)));
  LEADD_CO_TRY(unlocked, reply.AsInteger());
  co_return unlocked == 1;
}

awaitable<Result<void>> LeadTransitions::Away(std::string_view rep, WallTime from, WallTime to,
                                              std::string_view delegate, std::string_view by) {
  Args args{Str(rep), Millis(from), Millis(to), Str(delegate), Str(by)};
  LEADD_CO_TRYV(co_await Call("leadd_away", std::move(args)));
  co_return Ok();
}

awaitable<Result<bool>> LeadTransitions::Back(std::string_view rep, std::string_view by) {
  Args args{Str(rep), Str(by)};
  LEADD_CO_TRY(reply, co_await Call("leadd_back", std::move(args)));
  LEADD_CO_TRY(removed, reply.AsInteger());
  co_return removed == 1;
}

awaitable<Result<std::string>> LeadTransitions::AddReminder(const ReminderSpec& spec) {
  Args args{spec.lead_id,
            spec.kind,
            spec.product,
            std::to_string(spec.every.count()),
            std::to_string(spec.ahead.count()),
            Millis(spec.first),
            spec.by};
  LEADD_CO_TRY(reply, co_await Call("leadd_reminder_add", std::move(args)));
  co_return reply.AsString();
}

awaitable<Result<void>> LeadTransitions::RemoveReminder(std::string_view reminder_id,
                                                        std::string_view by) {
  Args args{Str(reminder_id), Str(by)};
  LEADD_CO_TRYV(co_await Call("leadd_reminder_remove", std::move(args)));
  co_return Ok();
}

awaitable<Result<std::vector<Reminder>>> LeadTransitions::Reminders(std::string_view lead_id) {
  Args members{"SMEMBERS", keys_.Lead(lead_id) + ":reminders"};
  LEADD_CO_TRY(ids, co_await redis_.AsyncCommand(std::move(members), use_awaitable));
  std::vector<Reminder> reminders;
  for (const auto& id : ids.elements) {
    Args read{"HGETALL", keys_.Prefix() + ":reminder:" + id.str};
    LEADD_CO_TRY(hash, co_await redis_.AsyncCommand(std::move(read), use_awaitable));
    Reminder reminder;
    reminder.id = id.str;
    reminder.spec.lead_id = std::string(lead_id);
    const auto& fields = hash.elements;
    for (std::size_t i = 0; i + 1 < fields.size(); i += 2) {
      const std::string& name = fields[i].str;
      const std::string& value = fields[i + 1].str;
      if (name == "kind") reminder.spec.kind = value;
      if (name == "product") reminder.spec.product = value;
      if (name == "every") reminder.spec.every = std::chrono::milliseconds(StoredInt(value));
      if (name == "ahead") reminder.spec.ahead = std::chrono::milliseconds(StoredInt(value));
      if (name == "created_by") reminder.spec.by = value;
      if (name == "next_at") reminder.next = WallTime{std::chrono::milliseconds(StoredInt(value))};
    }
    // Removed between the two reads: not a reminder any more.
    if (!reminder.spec.kind.empty()) reminders.push_back(std::move(reminder));
  }
  std::sort(reminders.begin(), reminders.end(), [](const Reminder& a, const Reminder& b) {
    return StoredInt(std::string_view(a.id).substr(2)) <
           StoredInt(std::string_view(b.id).substr(2));
  });
  co_return reminders;
}

}  // namespace leadd::queue
