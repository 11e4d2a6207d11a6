// CustomerRegistry: the customers someone owns, in Redis — the truth the in-process owner index
// (dedupe::OwnerIndex) is built from.
//
// A customer is a hash `P:customer:C-<n>` (rep, registered_at, source, stage, grade, name and
// its normalised keys). The email key is also the key of `P:owner:email` (email key -> rep),
// which the lead Functions already keep: a customer registered here owns the leads that later
// come with that email, and a lead assigned to a rep registers its customer here. Every
// registration and change of owner is appended to the registration log `P:customers:log`, in
// the same atomic step: the index is the log replayed, so every daemon sharing the Redis builds
// and keeps the same index by reading it.
#pragma once

#include <utility>  // before Asio: Boost 1.74 + g++ 12 need std::exchange declared first

#include <boost/asio/awaitable.hpp>
#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/result.h"
#include "dedupe/contact_keys.h"
#include "queue/function_call.h"
#include "queue/redis_client.h"
#include "queue/redis_keys.h"

namespace leadd::queue {

// A customer to register. `keys` are dedupe::ContactKeysOf the customer's contact data.
struct NewCustomer {
  std::string rep;
  std::int64_t registered_at_ms = 0;  // when the source registered it; 0 for now (Redis TIME)
  std::string source;                 // "import crm.csv line 12", "lead L-42"
  std::string stage;                  // the CRM's stage ("customer", "prospect"), free text
  std::string grade;
  std::string name;  // the company (or the person) as written, for people reading the registry
  dedupe::ContactKeys keys;
};

enum class RegisterOutcome {
  kRegistered,
  // The email key is registered already: to the same rep (kAlreadyTheirs) or to another
  // (kOwnedByOther). The first registration wins; nothing changed.
  kAlreadyTheirs,
  kOwnedByOther,
  // Another registration since the batch was matched (MatchedAt) holds one of its keys, or the
  // log grew too far since to tell: nothing changed; match it again against a caught-up index.
  kRegistryMoved,
};

// Where a batch of customers was matched. Each is registered only when no registration since,
// by another daemon or lead, holds one of its exact keys (email, phone, company domain, company
// key): else a customer the matcher could not see would get a twin owned by another rep. The
// batch's own registrations do not count. Empty: registered without looking.
struct MatchedAt {
  std::string position;  // the owner index's log position (OwnerIndexFollower::Position)
  std::string batch;     // unique to the batch: names what the registry gathers for it
};

struct Registered {
  RegisterOutcome outcome = RegisterOutcome::kRegistered;
  // The new customer, or the one registered with the email first (empty when that owner came
  // from a lead assigned before the registry existed).
  std::string customer;
  std::string owner;                  // its rep
  std::int64_t registered_at_ms = 0;  // when it was registered (0 when not known)
  std::string log_position;           // the registration's log entry, when kRegistered
};

// One entry of the registration log.
struct CustomerEvent {
  // kOther: an operation this daemon does not know (a newer daemon's), passed over.
  // kContact: a further contact of a registered customer (dedupe::OwnerIndex::AddContact).
  enum class Kind { kRegistered, kContact, kOwnerChanged, kReleased, kOther };
  std::string position;  // the stream entry id
  Kind kind = Kind::kRegistered;
  std::string customer;
  std::string rep;  // the owner from now on; empty when released
  std::int64_t registered_at_ms = 0;
  dedupe::ContactKeys keys;  // kRegistered and kContact
};

// A registered customer as stored.
struct StoredCustomer {
  std::vector<std::pair<std::string, std::string>> fields;
  std::string_view Field(std::string_view name) const;
};

// All methods run on the Redis client's executor. Errors: kTransient when Redis is away or slow.
class CustomerRegistry {
 public:
  static constexpr std::size_t kLogPage = 10'000;  // entries per log read

  CustomerRegistry(RedisClient& redis, RedisKeys keys,
                   FunctionClock clock = FunctionClock::RedisTime())
      : redis_(redis), keys_(std::move(keys)), clock_(clock) {}

  // Each customer in its own Function call, all in one round trip, run by Redis in order: a
  // customer given twice in one call is registered once.
  boost::asio::awaitable<std::vector<Result<Registered>>> RegisterAll(
      const std::vector<NewCustomer>& customers, MatchedAt matched_at);
  // Registered without looking (a benchmark's or a test's registry, nobody else writing).
  boost::asio::awaitable<std::vector<Result<Registered>>> RegisterAll(
      const std::vector<NewCustomer>& customers) {
    return RegisterAll(customers, MatchedAt{});
  }

  // Up to `count` log entries after `after` ("0" for the start), in order.
  boost::asio::awaitable<Result<std::vector<CustomerEvent>>> ReadLog(std::string after,
                                                                     std::size_t count);
  // As ReadLog, but waits up to `block` for the first entry after `after` (XREAD BLOCK):
  // call it on a connection of its own. Empty when none came.
  boost::asio::awaitable<Result<std::vector<CustomerEvent>>> WaitLog(std::string after,
                                                                     std::size_t count,
                                                                     Duration block);

  // The log's last entry ("0" when it is empty): what an index must have applied to know
  // every registration made so far.
  boost::asio::awaitable<Result<std::string>> LastPosition();

  // kNotFound for an unknown customer.
  boost::asio::awaitable<Result<StoredCustomer>> Get(std::string_view customer);

  // The customer's number in "C-<n>", for indexing by it; nullopt for anything else.
  static std::optional<std::uint32_t> NumberOf(std::string_view customer);

 private:
  RedisClient& redis_;
  RedisKeys keys_;
  FunctionClock clock_;
};

}  // namespace leadd::queue
