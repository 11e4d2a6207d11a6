#include "queue/lead_store.h"

#include <algorithm>
#include <boost/asio/use_awaitable.hpp>
#include <charconv>
#include <cstdio>

#include "core/clock.h"
#include "core/json_writer.h"
#include "queue/function_call.h"
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
    {"city", &Lead::city},
    {"street", &Lead::street},
    {"postcode", &Lead::postcode},
    {"product", &Lead::product},
    {"account", &Lead::account},
    {"received_by", &Lead::received_by},
    {"estimated_value", &Lead::estimated_value},
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

// A lead's hash as HGETALL returns it; an empty reply means no such lead.
std::optional<StoredLead> StoredFromHash(const RedisReply& hash) {
  if (hash.elements.empty()) return std::nullopt;
  StoredLead stored;
  const auto& elements = hash.elements;
  for (std::size_t i = 0; i + 1 < elements.size(); i += 2) {
    stored.fields.emplace_back(elements[i].str, elements[i + 1].str);
  }
  return stored;
}

// The Functions' argument for a lead's customer: the keys it has, `known`, `add_to`, the
// customer its keys are added to as a contact, `known_as`, the customer it was found to be, and
// `seen`; empty when the lead gave no key.
std::string LeadCustomerJson(const LeadCustomer& customer) {
  const dedupe::ContactKeys& keys = customer.keys;
  if (keys.Empty()) return {};
  JsonWriter json;
  json.BeginObject();
  for (const auto& [name, member] : dedupe::kContactKeyNames) {
    if (!(keys.*member).empty()) json.Member(name, keys.*member);
  }
  json.Key("known").Bool(customer.known);
  if (!customer.adds_contact_to.empty()) json.Member("add_to", customer.adds_contact_to);
  if (!customer.known_as.empty()) json.Member("known_as", customer.known_as);
  if (!customer.seen.empty()) json.Member("seen", customer.seen);
  json.EndObject();
  return json.Text();
}

Result<Assignment> AssignmentFromReply(const Result<RedisReply>& reply) {
  if (!reply) return reply.error();
  auto rep = ElementString(reply.value(), 0);
  if (!rep) return rep.error();
  if (reply.value().elements.size() < 2) return Transient("redis: unexpected assign reply");
  switch (reply.value().elements[1].integer) {
    case 0:
      return Assignment{std::move(rep).value(), AssignOutcome::kAlreadyAssigned};
    case 1:
      return Assignment{std::move(rep).value(), AssignOutcome::kAssigned};
    case 2:
      return Assignment{std::string(), AssignOutcome::kAllFull};
    case 3:
      return Assignment{std::move(rep).value(), AssignOutcome::kOffered};
    case 4:
      return Assignment{std::string(), AssignOutcome::kPublished};
    case 5:
      return Assignment{std::string(), AssignOutcome::kRegistryMoved};
    default:
      return Transient("redis: unexpected assign outcome");
  }
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
  Args args{keys_.Prefix(), lead.source_key};
  for (const auto& [name, member] : kLeadFields) {
    if ((lead.*member).empty()) continue;
    args.emplace_back(name);
    args.push_back(lead.*member);
  }
  args.emplace_back("received_at");
  args.push_back(std::to_string(ToEpochMillis(lead.received_at)));
  auto command =
      FunctionCall("leadd_ingest", {keys_.SourceIndex(), keys_.LeadSequence(), keys_.Intake()},
                   clock_, std::move(args));

  auto reply = co_await redis_.AsyncCommand(std::move(command), use_awaitable);
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
  auto stored = StoredFromHash(hash.value());
  if (!stored) co_return NotFound("no lead " + std::string(lead_id));
  co_return std::move(*stored);
}

awaitable<Result<std::vector<std::optional<StoredLead>>>> LeadStore::GetMany(
    const std::vector<std::string>& lead_ids) {
  std::vector<Args> reads;
  reads.reserve(lead_ids.size());
  for (const auto& id : lead_ids) reads.push_back(Args{"HGETALL", keys_.Lead(id)});
  auto hashes = co_await redis_.AsyncCommands(std::move(reads), use_awaitable);
  std::vector<std::optional<StoredLead>> leads;
  leads.reserve(hashes.size());
  for (auto& hash : hashes) {
    if (!hash) co_return hash.error();
    leads.push_back(StoredFromHash(hash.value()));
  }
  co_return leads;
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

awaitable<Result<std::vector<std::optional<std::string>>>> LeadStore::OwnersOfEmails(
    const std::vector<std::string>& keys) {
  std::vector<std::optional<std::string>> owners;
  if (keys.empty()) co_return owners;
  Args lookup{"HMGET", keys_.OwnerByEmail()};
  lookup.insert(lookup.end(), keys.begin(), keys.end());
  auto reply = co_await redis_.AsyncCommand(std::move(lookup), use_awaitable);
  if (!reply) co_return reply.error();
  if (reply.value().elements.size() != keys.size()) {
    co_return Transient("redis: unexpected HMGET reply");
  }
  for (const auto& owner : reply.value().elements) {
    if (owner.type == RedisReply::Type::kNil) {
      owners.emplace_back();
    } else {
      owners.emplace_back(owner.str);
    }
  }
  co_return owners;
}

awaitable<Result<Assignment>> LeadStore::Assign(const AssignRequest& request) {
  const std::vector<AssignRequest> one{request};
  auto results = co_await AssignAll(one);
  co_return std::move(results.front());
}

awaitable<std::vector<Result<Assignment>>> LeadStore::AssignAll(
    const std::vector<AssignRequest>& requests) {
  std::vector<Result<Assignment>> results;
  std::vector<Args> calls;
  std::vector<std::size_t> called;  // which request each call serves
  for (std::size_t i = 0; i < requests.size(); ++i) {
    const auto& [entry, decision, customer, sla_plans, capacities, escalate_after, counted_in,
                 teams] = requests[i];
    const std::size_t candidates = decision.candidates.size();
    if (sla_plans.size() != candidates || capacities.size() != candidates ||
        (!teams.empty() && teams.size() != candidates)) {
      results.emplace_back(
          Rejected("assign needs one SLA plan, capacity and (when any) team per candidate"));
      continue;
    }
    results.emplace_back(Transient("redis: no reply"));
    const bool rotate = !decision.round_robin_cursor.empty();
    const bool inform = std::any_of(teams.begin(), teams.end(),
                                    [](const auto& team) { return team.inform_manager; });
    const config::OfferSettings& offer = decision.offer;
    Args args{keys_.Prefix(),
              std::string(kPipelineGroup),
              entry.entry_id,
              entry.lead_id,
              decision.rule,
              decision.strategy,
              rotate ? "1" : "0",
              router::ToJson(decision),
              LeadCustomerJson(customer),
              std::to_string(escalate_after),
              decision.grade,
              std::string(router::OfferModeName(offer.mode)),
              std::to_string(offer.window.count()),
              std::to_string(offer.race_to),
              offer.pool,
              inform ? "1" : "0"};
    for (std::size_t c = 0; c < candidates; ++c) {
      args.push_back(decision.candidates[c]);
      args.push_back(sla_plans[c]);
      args.push_back(capacities[c] ? std::to_string(*capacities[c]) : std::string());
      args.push_back(teams.empty() ? std::string() : teams[c].backup);
    }
    Args keys{keys_.Intake(), keys_.Cursor(rotate ? decision.round_robin_cursor : "unused")};
    keys.insert(keys.end(), counted_in.begin(), counted_in.end());
    calls.push_back(FunctionCall("leadd_assign", std::move(keys), clock_, std::move(args)));
    called.push_back(i);
  }
  auto replies = co_await redis_.AsyncCommands(std::move(calls), use_awaitable);
  for (std::size_t k = 0; k < replies.size(); ++k) {
    results[called[k]] = AssignmentFromReply(replies[k]);
  }
  co_return results;
}

awaitable<Result<TimerSweep>> LeadStore::FireDue(std::int64_t limit,
                                                 std::string_view inactivity_pool) {
  Args args{keys_.Prefix(), std::to_string(limit), std::string(inactivity_pool)};
  auto command =
      FunctionCall("leadd_fire_due", {keys_.Timers(), keys_.Intake()}, clock_, std::move(args));
  auto reply = co_await redis_.AsyncCommand(std::move(command), use_awaitable);
  if (!reply) co_return reply.error();
  const auto& n = reply.value().elements;
  if (n.size() != 12) co_return Transient("redis: unexpected fire_due reply");
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
  sweep.reoffered = n[10].integer;
  sweep.offer_pooled = n[11].integer;
  co_return sweep;
}

awaitable<Result<void>> LeadStore::Park(const IntakeEntry& entry, const router::Decision& decision,
                                        const LeadCustomer& customer) {
  Args args{keys_.Prefix(), std::string(kPipelineGroup), entry.entry_id,
            entry.lead_id,  router::ToJson(decision),    std::string(kDefaultPool),
            decision.grade, LeadCustomerJson(customer)};
  auto command = FunctionCall("leadd_park", {keys_.Intake(), keys_.Pool(kDefaultPool)}, clock_,
                              std::move(args));
  auto reply = co_await redis_.AsyncCommand(std::move(command), use_awaitable);
  if (!reply) co_return reply.error();
  co_return Ok();
}

awaitable<Result<void>> LeadStore::FlagPossibleOwners(
    const std::vector<std::pair<std::string, dedupe::PossibleOwner>>& flagged) {
  std::vector<Args> calls;
  calls.reserve(flagged.size());
  for (const auto& [lead_id, possible] : flagged) {
    char score[16];
    std::snprintf(score, sizeof score, "%.2f", possible.score);
    Args args{keys_.Prefix(), lead_id, possible.rep, possible.customer, score, possible.because};
    calls.push_back(FunctionCall("leadd_flag_possible_owner", {}, clock_, std::move(args)));
  }
  auto replies = co_await redis_.AsyncCommands(std::move(calls), use_awaitable);
  for (const auto& reply : replies) {
    if (!reply) co_return reply.error();
  }
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
