#include "queue/customer_registry.h"

#include <boost/asio/use_awaitable.hpp>
#include <charconv>

namespace leadd::queue {
namespace {

using boost::asio::awaitable;
using boost::asio::use_awaitable;
using Args = std::vector<std::string>;

Result<Registered> RegisteredFromReply(const Result<RedisReply>& reply) {
  if (!reply) return reply.error();
  const auto& parts = reply.value().elements;
  if (parts.size() == 1 && parts[0].str == "moved") {
    return Registered{RegisterOutcome::kRegistryMoved, "", "", 0, ""};
  }
  if (parts.size() != 4) return Transient("redis: unexpected register reply");
  const std::string_view outcome = parts[0].str;
  if (outcome == "registered") {
    return Registered{RegisterOutcome::kRegistered, parts[1].str, "", StoredInt(parts[2].str),
                      parts[3].str};
  }
  const auto held =
      outcome == "theirs" ? RegisterOutcome::kAlreadyTheirs : RegisterOutcome::kOwnedByOther;
  return Registered{held, parts[1].str, parts[2].str, StoredInt(parts[3].str), ""};
}

// One log entry, [id, [field, value, ...]]; nullopt when the reply is not shaped so.
std::optional<CustomerEvent> EventOf(const RedisReply& entry) {
  if (!entry.IsArray() || entry.elements.size() != 2 || !entry.elements[1].IsArray()) {
    return std::nullopt;
  }
  CustomerEvent event;
  event.position = entry.elements[0].str;
  const auto& fields = entry.elements[1].elements;
  std::string_view op;
  for (std::size_t i = 0; i + 1 < fields.size(); i += 2) {
    const std::string_view name = fields[i].str;
    const std::string& value = fields[i + 1].str;
    if (name == "op") op = value;
    if (name == "customer") event.customer = value;
    if (name == "rep") event.rep = value;
    if (name == "at") event.registered_at_ms = StoredInt(value);
    for (const auto& [key, member] : dedupe::kContactKeyNames) {
      if (name == key) event.keys.*member = value;
    }
  }
  if (op == "register") {
    event.kind = CustomerEvent::Kind::kRegistered;
  } else if (op == "contact") {
    event.kind = CustomerEvent::Kind::kContact;
  } else if (op == "owner") {
    event.kind = CustomerEvent::Kind::kOwnerChanged;
  } else if (op == "release") {
    event.kind = CustomerEvent::Kind::kReleased;
  } else {
    event.kind = CustomerEvent::Kind::kOther;
  }
  return event;
}

Result<std::vector<CustomerEvent>> EventsOf(const RedisReply& entries) {
  std::vector<CustomerEvent> events;
  events.reserve(entries.elements.size());
  for (const auto& entry : entries.elements) {
    auto event = EventOf(entry);
    if (!event) return Transient("redis: unexpected registration log reply");
    events.push_back(std::move(*event));
  }
  return events;
}

}  // namespace

std::string_view StoredCustomer::Field(std::string_view name) const {
  for (const auto& [key, value] : fields) {
    if (key == name) return value;
  }
  return {};
}

std::optional<std::uint32_t> CustomerRegistry::NumberOf(std::string_view customer) {
  if (!customer.starts_with("C-") || customer.size() < 3 || customer.size() > 12) {
    return std::nullopt;
  }
  std::uint32_t number = 0;
  const char* end = customer.data() + customer.size();
  const auto [stop, error] = std::from_chars(customer.data() + 2, end, number);
  if (error != std::errc() || stop != end) return std::nullopt;
  return number;
}

awaitable<std::vector<Result<Registered>>> CustomerRegistry::RegisterAll(
    const std::vector<NewCustomer>& customers, MatchedAt matched_at) {
  std::vector<Args> calls;
  calls.reserve(customers.size());
  for (const NewCustomer& customer : customers) {
    const dedupe::ContactKeys& keys = customer.keys;
    Args args{keys_.Prefix(),
              customer.rep,
              customer.registered_at_ms > 0 ? std::to_string(customer.registered_at_ms) : "",
              customer.source,
              customer.stage,
              customer.grade,
              customer.name};
    for (const auto& [name, member] : dedupe::kContactKeyNames) args.push_back(keys.*member);
    args.push_back(matched_at.position);
    args.push_back(matched_at.batch);
    calls.push_back(FunctionCall("leadd_register_customer", {}, clock_, std::move(args)));
  }
  auto replies = co_await redis_.AsyncCommands(std::move(calls), use_awaitable);
  std::vector<Result<Registered>> registered;
  registered.reserve(replies.size());
  for (const auto& reply : replies) registered.push_back(RegisteredFromReply(reply));
  co_return registered;
}

awaitable<Result<std::vector<CustomerEvent>>> CustomerRegistry::ReadLog(std::string after,
                                                                        std::size_t count) {
  // "(" makes the start exclusive.
  Args page{"XRANGE", keys_.CustomerLog(), "(" + after, "+", "COUNT", std::to_string(count)};
  if (after == "0") page[2] = "-";
  auto read = co_await redis_.AsyncCommand(std::move(page), use_awaitable);
  if (!read) co_return read.error();
  co_return EventsOf(read.value());
}

awaitable<Result<std::vector<CustomerEvent>>> CustomerRegistry::WaitLog(std::string after,
                                                                        std::size_t count,
                                                                        Duration block) {
  Args wait{"XREAD",
            "COUNT",
            std::to_string(count),
            "BLOCK",
            std::to_string(std::chrono::duration_cast<std::chrono::milliseconds>(block).count()),
            "STREAMS",
            keys_.CustomerLog(),
            std::move(after)};
  auto read = co_await redis_.AsyncCommand(std::move(wait), use_awaitable);
  if (!read) co_return read.error();
  // [[stream, entries]], or nil when nothing came.
  const RedisReply& streams = read.value();
  if (streams.IsNil() || streams.elements.empty()) co_return std::vector<CustomerEvent>{};
  const RedisReply& stream = streams.elements.front();
  if (stream.elements.size() != 2) co_return Transient("redis: unexpected XREAD reply");
  co_return EventsOf(stream.elements[1]);
}

awaitable<Result<std::string>> CustomerRegistry::LastPosition() {
  Args last{"XREVRANGE", keys_.CustomerLog(), "+", "-", "COUNT", "1"};
  auto read = co_await redis_.AsyncCommand(std::move(last), use_awaitable);
  if (!read) co_return read.error();
  const auto& entries = read.value().elements;
  if (entries.empty()) co_return std::string("0");
  if (entries.front().elements.empty()) co_return Transient("redis: unexpected XREVRANGE reply");
  co_return entries.front().elements.front().str;
}

awaitable<Result<StoredCustomer>> CustomerRegistry::Get(std::string_view customer) {
  Args read{"HGETALL", keys_.Customer(customer)};
  auto hash = co_await redis_.AsyncCommand(std::move(read), use_awaitable);
  if (!hash) co_return hash.error();
  const auto& elements = hash.value().elements;
  if (elements.empty()) co_return NotFound("no customer " + std::string(customer));
  StoredCustomer stored;
  for (std::size_t i = 0; i + 1 < elements.size(); i += 2) {
    stored.fields.emplace_back(elements[i].str, elements[i + 1].str);
  }
  co_return stored;
}

}  // namespace leadd::queue
