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

awaitable<Result<void>> LeadStore::EnsureIntakeGroup() {
  Args create{"XGROUP", "CREATE", keys_.Intake(), std::string(kPipelineGroup), "0", "MKSTREAM"};
  auto reply = co_await redis_.AsyncCommand(std::move(create), use_awaitable);
  if (!reply && !reply.error().detail.starts_with("BUSYGROUP")) co_return reply.error();
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
                                                std::chrono::milliseconds accept_within) {
  const bool rotate = !decision.round_robin_cursor.empty();
  std::vector<std::string> args{"FCALL",
                                "leadd_assign",
                                "4",
                                keys_.Intake(),
                                keys_.OwnerByEmail(),
                                keys_.Cursor(rotate ? decision.round_robin_cursor : "unused"),
                                keys_.Sla(),
                                keys_.Prefix(),
                                std::string(kPipelineGroup),
                                entry.entry_id,
                                entry.lead_id,
                                decision.rule,
                                decision.strategy,
                                rotate ? "1" : "0",
                                router::ToJson(decision),
                                std::string(email_key),
                                std::to_string(std::max<std::int64_t>(0, accept_within.count()))};
  args.insert(args.end(), decision.candidates.begin(), decision.candidates.end());
  auto reply = co_await redis_.AsyncCommand(std::move(args), use_awaitable);
  if (!reply) co_return reply.error();
  auto rep = ElementString(reply.value(), 0);
  if (!rep) co_return rep.error();
  if (reply.value().elements.size() < 2) co_return Transient("redis: unexpected assign reply");
  co_return Assignment{std::move(rep).value(), reply.value().elements[1].integer == 1};
}

awaitable<Result<SlaSweep>> LeadStore::BounceDue(std::int64_t limit, std::int64_t escalate_after) {
  Args args{"FCALL", "leadd_bounce_due", "3"};
  args.insert(args.end(), {keys_.Sla(), keys_.Intake(), keys_.Pool(kDefaultPool)});
  args.insert(args.end(), {keys_.Prefix(), std::to_string(limit), std::to_string(escalate_after)});
  auto reply = co_await redis_.AsyncCommand(std::move(args), use_awaitable);
  if (!reply) co_return reply.error();
  const auto& counts = reply.value().elements;
  if (counts.size() != 3) co_return Transient("redis: unexpected bounce_due reply");
  co_return SlaSweep{counts[0].integer, counts[1].integer, counts[2].integer};
}

awaitable<Result<void>> LeadStore::Drop(const IntakeEntry& entry) {
  Args ack_args{"XACK", keys_.Intake(), std::string(kPipelineGroup), entry.entry_id};
  auto ack = co_await redis_.AsyncCommand(std::move(ack_args), use_awaitable);
  if (!ack) co_return ack.error();
  Args del_args{"XDEL", keys_.Intake(), entry.entry_id};
  auto del = co_await redis_.AsyncCommand(std::move(del_args), use_awaitable);
  if (!del) co_return del.error();
  co_return Ok();
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

std::vector<IntakeEntry> ParseIntakeEntries(const RedisReply& entries) {
  // Each entry: [id, [field, value, ...]]; the payload is nil when the entry was deleted.
  std::vector<IntakeEntry> parsed;
  for (const auto& entry : entries.elements) {
    if (entry.elements.size() != 2) continue;
    const auto& payload = entry.elements[1].elements;
    for (std::size_t i = 0; i + 1 < payload.size(); i += 2) {
      if (payload[i].str == "lead") parsed.push_back({entry.elements[0].str, payload[i + 1].str});
    }
  }
  return parsed;
}

}  // namespace leadd::queue
