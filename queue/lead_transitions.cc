#include "queue/lead_transitions.h"

#include <boost/asio/use_awaitable.hpp>
#include <vector>

namespace leadd::queue {
namespace {

using boost::asio::awaitable;
using boost::asio::use_awaitable;
// Arguments are built in a statement of their own: g++ 12 miscompiles a braced list holding a
// string literal inside a co_await expression ("array used as initializer").
using Args = std::vector<std::string>;

std::string Str(std::string_view s) { return std::string(s); }

}  // namespace

awaitable<Result<void>> LeadTransitions::Accept(std::string_view lead_id, std::string_view rep,
                                                std::string_view assignment_id) {
  Args args{"FCALL",  "leadd_accept",    "0", keys_.Prefix(), Str(lead_id),
            Str(rep), Str(assignment_id)};
  auto reply = co_await redis_.AsyncCommand(std::move(args), use_awaitable);
  if (!reply) co_return reply.error();
  co_return Ok();
}

awaitable<Result<void>> LeadTransitions::Reject(std::string_view lead_id, std::string_view rep,
                                                std::string_view assignment_id,
                                                std::string_view reason, std::string_view pool) {
  Args args{"FCALL",
            "leadd_reject",
            "3",
            keys_.Pool(pool),
            ExcludedKey(keys_, lead_id),
            RepOpenKey(keys_, rep),
            keys_.Prefix(),
            Str(lead_id),
            Str(rep),
            Str(assignment_id),
            Str(reason),
            Str(pool)};
  auto reply = co_await redis_.AsyncCommand(std::move(args), use_awaitable);
  if (!reply) co_return reply.error();
  co_return Ok();
}

awaitable<Result<std::int64_t>> LeadTransitions::Bounce(std::string_view lead_id,
                                                        std::string_view assignment_id,
                                                        std::string_view reason,
                                                        std::string_view pool) {
  Args args{"FCALL",
            "leadd_bounce",
            "2",
            keys_.Pool(pool),
            ExcludedKey(keys_, lead_id),
            keys_.Prefix(),
            Str(lead_id),
            Str(assignment_id),
            Str(reason),
            Str(pool)};
  auto reply = co_await redis_.AsyncCommand(std::move(args), use_awaitable);
  if (!reply) co_return reply.error();
  co_return reply.value().AsInteger();
}

awaitable<Result<std::string>> LeadTransitions::Claim(std::string_view lead_id,
                                                      std::string_view rep, std::string_view pool,
                                                      const ClaimLimits& limits) {
  Args args{"FCALL",
            "leadd_claim",
            "2",
            keys_.Pool(pool),
            RepOpenKey(keys_, rep),
            keys_.Prefix(),
            Str(lead_id),
            Str(rep),
            Str(pool),
            std::to_string(limits.per_day),
            std::to_string(limits.max_held),
            std::to_string(limits.cooldown.count())};
  auto reply = co_await redis_.AsyncCommand(std::move(args), use_awaitable);
  if (!reply) co_return reply.error();
  LEADD_CO_TRY(assignment, reply.value().AsInteger());
  co_return std::to_string(assignment);
}

awaitable<Result<std::string>> LeadTransitions::Reassign(std::string_view lead_id,
                                                         std::string_view to_rep,
                                                         std::string_view by_admin,
                                                         std::string_view reason) {
  Args args{"FCALL",        "leadd_reassign", "1",         RepOpenKey(keys_, to_rep),
            keys_.Prefix(), Str(lead_id),     Str(to_rep), Str(by_admin),
            Str(reason)};
  auto reply = co_await redis_.AsyncCommand(std::move(args), use_awaitable);
  if (!reply) co_return reply.error();
  LEADD_CO_TRY(assignment, reply.value().AsInteger());
  co_return std::to_string(assignment);
}

awaitable<Result<void>> LeadTransitions::SetStage(std::string_view lead_id, std::string_view rep,
                                                  std::string_view stage) {
  Args args{"FCALL", "leadd_stage", "0", keys_.Prefix(), Str(lead_id), Str(rep), Str(stage)};
  auto reply = co_await redis_.AsyncCommand(std::move(args), use_awaitable);
  if (!reply) co_return reply.error();
  co_return Ok();
}

awaitable<Result<void>> LeadTransitions::RecordActivity(std::string_view lead_id,
                                                        std::string_view rep) {
  Args args{"FCALL", "leadd_activity", "0", keys_.Prefix(), Str(lead_id), Str(rep)};
  auto reply = co_await redis_.AsyncCommand(std::move(args), use_awaitable);
  if (!reply) co_return reply.error();
  co_return Ok();
}

awaitable<Result<void>> LeadTransitions::Close(std::string_view lead_id, std::string_view rep,
                                               Outcome outcome, std::string_view reason) {
  Args args{"FCALL",        "leadd_close", "1",      RepOpenKey(keys_, rep),
            keys_.Prefix(), Str(lead_id),  Str(rep), outcome == Outcome::kWon ? "won" : "lost",
            Str(reason)};
  auto reply = co_await redis_.AsyncCommand(std::move(args), use_awaitable);
  if (!reply) co_return reply.error();
  co_return Ok();
}

}  // namespace leadd::queue
