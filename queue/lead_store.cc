#include "queue/lead_store.h"

#include <algorithm>
#include <boost/asio/use_awaitable.hpp>
#include <charconv>

#include "core/clock.h"
#include "queue/lead_functions_source.h"

namespace leadd::queue {
namespace {

using boost::asio::awaitable;
using boost::asio::use_awaitable;
// Arguments are built in a statement of their own: g++ 12 miscompiles a braced list holding a
// string literal inside a co_await expression ("array used as initializer").
using Args = std::vector<std::string>;

// The lead's text fields as stored in its hash, one name per Lead member.
constexpr std::pair<const char*, std::string Lead::*> kLeadFields[] = {
    {"source", &Lead::source},
    {"channel", &Lead::channel},
    {"external_id", &Lead::external_id},
    {"contact_name", &Lead::contact_name},
    {"company", &Lead::company},
    {"email", &Lead::email},
    {"phone", &Lead::phone},
    {"country", &Lead::country},
    {"region", &Lead::region},
    {"product", &Lead::product},
    {"grade", &Lead::grade},
    {"message", &Lead::message},
    {"raw", &Lead::raw},
};

Result<std::string> ElementString(const RedisReply& reply, std::size_t index) {
  if (reply.type != RedisReply::Type::kArray || reply.elements.size() <= index) {
    return Transient("redis: unexpected reply shape");
  }
  return reply.elements[index].AsString();
}

}  // namespace

std::string_view StoredLead::Field(std::string_view name) const {
  for (const auto& [key, value] : fields) {
    if (key == name) return value;
  }
  return {};
}

std::string_view LeadStore::FunctionsSource() { return kLeadFunctionsSource; }

awaitable<Result<IngestResult>> LeadStore::Ingest(const Lead& lead) {
  Args args{"FCALL",
            "leadd_ingest",
            "3",
            keys_.SourceIndex(),
            keys_.LeadSequence(),
            keys_.Intake(),
            keys_.Prefix(),
            lead.source_key};
  for (const auto& [name, member] : kLeadFields) {
    if ((lead.*member).empty()) continue;
    args.emplace_back(name);
    args.push_back(lead.*member);
  }
  args.emplace_back("received_at");
  args.push_back(std::to_string(ToEpochMillis(lead.received_at)));

  auto reply = co_await redis_.AsyncCommand(std::move(args), use_awaitable);
  if (!reply) co_return reply.error();
  auto id = ElementString(reply.value(), 0);
  if (!id) co_return id.error();
  if (reply.value().elements.size() < 2) co_return Transient("redis: unexpected ingest reply");
  co_return IngestResult{std::move(id).value(), reply.value().elements[1].integer == 0};
}

awaitable<Result<StoredLead>> LeadStore::Get(std::string_view lead_id) {
  Args read_hash{"HGETALL", keys_.Lead(lead_id)};
  auto hash = co_await redis_.AsyncCommand(std::move(read_hash), use_awaitable);
  if (!hash) co_return hash.error();
  if (hash.value().elements.empty()) co_return NotFound("no lead " + std::string(lead_id));
  StoredLead stored;
  const auto& elements = hash.value().elements;
  for (std::size_t i = 0; i + 1 < elements.size(); i += 2) {
    stored.fields.emplace_back(elements[i].str, elements[i + 1].str);
  }
  co_return stored;
}

awaitable<Result<StoredLead>> LeadStore::GetWithHistory(std::string_view lead_id) {
  LEADD_CO_TRY(stored, co_await Get(lead_id));
  Args read_history{"LRANGE", keys_.History(lead_id), "0", "-1"};
  auto history = co_await redis_.AsyncCommand(std::move(read_history), use_awaitable);
  if (!history) co_return history.error();
  for (const auto& entry : history.value().elements) stored.history.push_back(entry.str);
  co_return stored;
}

awaitable<Result<void>> LeadStore::Quarantine(std::string_view origin, std::string_view reason,
                                              std::string_view raw) {
  // Capped: quarantine is for inspection, and a flood of garbage must not fill Redis.
  Args add{"XADD",   keys_.Quarantine(),
           "MAXLEN", "~",
           "100000", "*",
           "origin", std::string(origin),
           "reason", std::string(reason),
           "raw",    std::string(raw)};
  auto reply = co_await redis_.AsyncCommand(std::move(add), use_awaitable);
  if (!reply) co_return reply.error();
  co_return Ok();
}

awaitable<Result<std::optional<std::string>>> LeadStore::OwnerOfEmail(std::string_view key) {
  Args lookup{"HGET", keys_.OwnerByEmail(), std::string(key)};
  auto reply = co_await redis_.AsyncCommand(std::move(lookup), use_awaitable);
  if (!reply) co_return reply.error();
  if (reply.value().type == RedisReply::Type::kNil) co_return std::optional<std::string>{};
  co_return std::optional<std::string>{reply.value().str};
}

awaitable<Result<Assignment>> LeadStore::Assign(const IntakeEntry& entry,
                                                const router::Decision& decision,
                                                std::string_view email_key,
                                                const std::vector<std::string>& sla_plans,
                                                std::uint32_t escalate_after) {
  if (sla_plans.size() != decision.candidates.size()) {
    co_return Rejected("assign needs one SLA plan per candidate");
  }
  const bool rotate = !decision.round_robin_cursor.empty();
  Args args{"FCALL",
            "leadd_assign",
            "2",
            keys_.Intake(),
            keys_.Cursor(rotate ? decision.round_robin_cursor : "unused"),
            keys_.Prefix(),
            std::string(kPipelineGroup),
            entry.entry_id,
            entry.lead_id,
            decision.rule,
            decision.strategy,
            rotate ? "1" : "0",
            router::ToJson(decision),
            std::string(email_key),
            std::to_string(escalate_after)};
  for (std::size_t i = 0; i < sla_plans.size(); ++i) {
    args.push_back(decision.candidates[i]);
    args.push_back(sla_plans[i]);
  }
  auto reply = co_await redis_.AsyncCommand(std::move(args), use_awaitable);
  if (!reply) co_return reply.error();
  auto rep = ElementString(reply.value(), 0);
  if (!rep) co_return rep.error();
  if (reply.value().elements.size() < 2) co_return Transient("redis: unexpected assign reply");
  co_return Assignment{std::move(rep).value(), reply.value().elements[1].integer == 1};
}

awaitable<Result<TimerSweep>> LeadStore::FireDue(std::int64_t limit,
                                                 std::string_view inactivity_pool) {
  Args args{"FCALL",
            "leadd_fire_due",
            "2",
            keys_.Timers(),
            keys_.Intake(),
            keys_.Prefix(),
            std::to_string(limit),
            std::string(inactivity_pool)};
  auto reply = co_await redis_.AsyncCommand(std::move(args), use_awaitable);
  if (!reply) co_return reply.error();
  const auto& n = reply.value().elements;
  if (n.size() != 10) co_return Transient("redis: unexpected fire_due reply");
  const auto at = [](std::int64_t ms) { return WallTime{std::chrono::milliseconds(ms)}; };
  TimerSweep sweep;
  sweep.now = at(n[0].integer);
  if (n[1].integer >= 0) sweep.next_due = at(n[1].integer);
  sweep.fired = n[2].integer;
  sweep.stale = n[3].integer;
  sweep.bounced = n[4].integer;
  sweep.requeued = n[5].integer;
  sweep.escalated = n[6].integer;
  sweep.reminded = n[7].integer;
  sweep.returned = n[8].integer;
  sweep.kept_locked = n[9].integer;
  co_return sweep;
}

awaitable<Result<void>> LeadStore::Park(const IntakeEntry& entry,
                                        const router::Decision& decision) {
  Args park{"FCALL",
            "leadd_park",
            "2",
            keys_.Intake(),
            keys_.Pool(kDefaultPool),
            keys_.Prefix(),
            std::string(kPipelineGroup),
            entry.entry_id,
            entry.lead_id,
            router::ToJson(decision),
            std::string(kDefaultPool)};
  auto reply = co_await redis_.AsyncCommand(std::move(park), use_awaitable);
  if (!reply) co_return reply.error();
  co_return Ok();
}

Lead LeadFromStored(const StoredLead& stored) {
  Lead lead;
  lead.id = stored.Field("id");
  lead.source_key = stored.Field("source_key");
  for (const auto& [name, member] : kLeadFields) lead.*member = stored.Field(name);
  std::int64_t millis = 0;
  const auto received = stored.Field("received_at");
  std::from_chars(received.data(), received.data() + received.size(), millis);
  lead.received_at = WallTime{std::chrono::milliseconds{millis}};
  return lead;
}

}  // namespace leadd::queue
