#include "api/customer_api.h"

#include <spdlog/spdlog.h>

#include <boost/beast/http/status.hpp>
#include <chrono>
#include <cstdio>
#include <numeric>
#include <optional>
#include <vector>

#include "api/admin_bodies.h"
#include "api/http_answers.h"
#include "core/json_writer.h"
#include "dedupe/contact_keys.h"
#include "dedupe/owner_index.h"

namespace leadd::api {

namespace http = boost::beast::http;
using boost::asio::awaitable;
using Verdict = dedupe::MatchFinding::Verdict;

namespace {

constexpr std::string_view kDefaultSource = "import";

enum class Outcome { kRegistered, kReview, kAlreadyTheirs, kConflict, kInvalid };

// A registered customer as a row's match names it.
struct Holder {
  std::string customer = {};
  std::string rep = {};
  std::int64_t registered_at_ms = 0;
};

struct RowResult {
  std::int64_t line = 0;
  Outcome outcome = Outcome::kRegistered;
  std::string customer = {};     // the row's customer: new, or the one that holds it already
  Holder match = {};             // review: the possible owner; conflict: the owner
  double score = 0.0;            // review
  std::string explanation = {};  // conflict
  std::string error = {};        // invalid
  // The earlier row of this batch the match named: its customer is known only once registered.
  std::optional<std::size_t> matched_row = {};
};

// An index entry's keys, by the names the registry stores them under (dedupe::kContactKeyNames).
using IndexField = std::string_view (dedupe::OwnerIndex::*)(dedupe::OwnerIndex::Id) const;
constexpr std::pair<std::string_view, IndexField> kEntryKeys[] = {
    {"email", &dedupe::OwnerIndex::Email},
    {"phone", &dedupe::OwnerIndex::Phone},
    {"domain", &dedupe::OwnerIndex::Domain},
    {"company", &dedupe::OwnerIndex::Company},
    {"country", &dedupe::OwnerIndex::Country},
    {"company_location", &dedupe::OwnerIndex::CompanyLocation},
    {"contact", &dedupe::OwnerIndex::Contact},
    {"street", &dedupe::OwnerIndex::Street},
    {"locality", &dedupe::OwnerIndex::Locality},
    {"postcode", &dedupe::OwnerIndex::Postcode},
    {"region", &dedupe::OwnerIndex::Region},
};

// `learnt`: the further contacts the customer's owner's leads taught it, oldest first, each
// with the keys it holds and when it was learnt; nothing when it has none.
void WriteLearnt(JsonWriter& json, const dedupe::OwnerIndex& index, dedupe::OwnerIndex::Id id) {
  const auto entries = index.EntriesOf(id);
  if (entries.size() < 2) return;
  json.Key("learnt").BeginArray();
  for (std::size_t k = 1; k < entries.size(); ++k) {
    json.BeginObject();
    for (const auto& [name, field] : kEntryKeys) {
      const std::string_view value = (index.*field)(entries[k]);
      if (!value.empty()) json.Member(name, value);
    }
    json.Key("learnt_at").Int(index.RegisteredAt(entries[k]));
    json.EndObject();
  }
  json.EndArray();
}

std::string RowName(const CustomerRow& row, std::size_t index) {
  return row.line > 0 ? "line " + std::to_string(row.line) : "row " + std::to_string(index + 1);
}

// The one the import should heed: the surer verdict, then the higher score; the registry's
// customers win a tie, being registered first.
bool Stronger(const dedupe::MatchFinding& a, const dedupe::MatchFinding& b) {
  if (a.verdict != b.verdict) return a.verdict > b.verdict;
  return a.score > b.score;
}

std::string NoKeySentence(const dedupe::ContactKeys& keys) {
  std::string sentence = "no email, phone, website or company gives a key";
  for (const std::string& unusable : keys.unusable) sentence += "; " + unusable;
  return sentence;
}

// The registry found the email registered first, maybe by another daemon a moment ago.
std::string HeldSentence(const queue::Registered& held) {
  if (held.customer.empty()) return "owner: the email is registered to " + held.owner + " already";
  return "owner: the email is registered to customer " + held.customer + " of " + held.owner +
         " already";
}

std::string FormattedScore(double score) {
  char text[16];
  std::snprintf(text, sizeof text, "%.2f", score);
  return text;
}

// An earlier row of the batch, now registered (or found held): the later row's match.
void Resolve(RowResult& result, const Holder& holder, std::string_view rep) {
  if (result.outcome != Outcome::kReview && holder.rep != result.match.rep) {
    result.explanation += "; that row's customer is " + holder.customer + " of " + holder.rep;
  }
  result.match = holder;
  if (result.outcome == Outcome::kReview) return;
  result.customer = holder.customer;
  result.outcome = holder.rep == rep ? Outcome::kAlreadyTheirs : Outcome::kConflict;
}

// Each row's result as far as matching tells it, and the rows to register.
struct Plan {
  std::vector<RowResult> results = {};  // one per row of the batch; only `matching` ones set
  std::vector<queue::NewCustomer> customers = {};
  std::vector<std::size_t> registering = {};  // the row of each of `customers`
};

// The rows `matching` (places in `rows`, ascending), each matched against the registered
// customers and the rows of the batch to be registered before it, so that two rows of one
// customer meet.
Plan MatchRows(const std::vector<CustomerRow>& rows, const std::vector<std::size_t>& matching,
               const dedupe::OwnerIndex& registered, const std::set<std::string, std::less<>>& reps,
               const config::DedupeSettings& dedupe) {
  const dedupe::MatchThresholds thresholds{.auto_match = dedupe.auto_match,
                                           .review = dedupe.review};
  Plan plan;
  plan.results.resize(rows.size());
  dedupe::OwnerIndex batch_index;  // its ids are places in plan.registering
  for (const std::size_t i : matching) {
    const CustomerRow& row = rows[i];
    RowResult& result = plan.results[i];
    result.line = row.line;
    if (!row.Valid()) {
      result.outcome = Outcome::kInvalid;
      result.error = row.error;
      continue;
    }
    const std::string row_name = "row " + std::to_string(i + 1);
    if (!reps.contains(row.rep)) {
      result.outcome = Outcome::kInvalid;
      result.error = row_name + ": rep '" + row.rep + "' is not a rep of the config";
      continue;
    }
    dedupe::ContactKeys keys = dedupe::ContactKeysOf({.email = row.email,
                                                      .phone = row.phone,
                                                      .website = row.website,
                                                      .company = row.company,
                                                      .country = row.country,
                                                      .contact_name = row.name,
                                                      .street = row.street,
                                                      .locality = row.city,
                                                      .postcode = row.postcode,
                                                      .region = row.region},
                                                     dedupe.default_region);
    if (keys.Empty()) {
      result.outcome = Outcome::kInvalid;
      result.error = row_name + ": " + NoKeySentence(keys);
      continue;
    }

    const dedupe::LeadKeys lead = keys.ForMatching();
    const dedupe::MatchFinding known = dedupe::FindOwner(registered, lead, thresholds);
    const dedupe::MatchFinding earlier = dedupe::FindOwner(batch_index, lead, thresholds);
    const bool from_batch = Stronger(earlier, known);
    const dedupe::MatchFinding& finding = from_batch ? earlier : known;
    const dedupe::OwnerIndex& index = from_batch ? batch_index : registered;
    if (finding.verdict != Verdict::kNone && finding.customer) {
      const dedupe::OwnerIndex::Id id = *finding.customer;
      result.match = Holder{.customer = std::string(index.CustomerId(id)),
                            .rep = std::string(index.Rep(id)),
                            .registered_at_ms = index.RegisteredAt(id)};
      if (from_batch) result.matched_row = plan.registering[id];
      if (finding.verdict == Verdict::kOwner) {
        result.outcome = result.match.rep == row.rep ? Outcome::kAlreadyTheirs : Outcome::kConflict;
        result.customer = result.match.customer;
        result.explanation = finding.Explanation(index);
        continue;
      }
      result.outcome = Outcome::kReview;
      result.score = finding.score;
    }

    // Named by its line in an explanation: its customer id is not known yet.
    const std::string placeholder = "(" + RowName(row, i) + ")";
    batch_index.Add(keys.AsCustomer(placeholder, row.rep, row.registered_at_ms));
    plan.registering.push_back(i);
    plan.customers.push_back(
        queue::NewCustomer{.rep = row.rep,
                           .registered_at_ms = row.registered_at_ms,
                           .source = row.source.empty() ? std::string(kDefaultSource) : row.source,
                           .stage = row.stage,
                           .grade = row.grade,
                           .name = row.company.empty() ? row.name : row.company,
                           .keys = std::move(keys)});
  }
  return plan;
}

struct Settled {
  std::string last_position = {};       // of the last registration; empty for none
  std::vector<std::size_t> moved = {};  // rows to match again (RegisterOutcome::kRegistryMoved)
};

// The registry's answers into the results; the rows that matched an earlier row of the batch
// take what that row became, or are matched again with it. Or the error to refuse the request
// with.
Result<Settled> Settle(Plan& plan, const std::vector<CustomerRow>& rows,
                       const std::vector<Result<queue::Registered>>& answers) {
  if (answers.size() != plan.customers.size()) {
    return Transient("redis: one answer per customer expected");
  }
  std::vector<std::optional<Holder>> became(rows.size());
  std::vector<bool> moved(rows.size());
  Settled settled;
  for (std::size_t k = 0; k < answers.size(); ++k) {
    const std::size_t i = plan.registering[k];
    RowResult& result = plan.results[i];
    const auto& answer = answers[k];
    if (!answer || answer.value().outcome != queue::RegisterOutcome::kRegistered) {
      result.matched_row.reset();  // what the row became settles it, not what it matched
    }
    if (!answer) {
      if (answer.error().code == Errc::kTransient || answer.error().code == Errc::kUnavailable) {
        return answer.error();
      }
      result.outcome = Outcome::kInvalid;
      result.error =
          "row " + std::to_string(i + 1) + ": " + std::string(RefusalSentence(answer.error()));
      continue;
    }
    const queue::Registered& registered = answer.value();
    if (registered.outcome == queue::RegisterOutcome::kRegistryMoved) {
      moved[i] = true;
      continue;
    }
    if (registered.outcome == queue::RegisterOutcome::kRegistered) {
      result.customer = registered.customer;
      became[i] = Holder{.customer = registered.customer,
                         .rep = rows[i].rep,
                         .registered_at_ms = registered.registered_at_ms};
      settled.last_position = registered.log_position;
      continue;
    }
    result.customer = registered.customer;
    result.match = Holder{.customer = registered.customer,
                          .rep = registered.owner,
                          .registered_at_ms = registered.registered_at_ms};
    result.outcome = registered.outcome == queue::RegisterOutcome::kAlreadyTheirs
                         ? Outcome::kAlreadyTheirs
                         : Outcome::kConflict;
    result.explanation = HeldSentence(registered);
    became[i] = result.match;
  }
  for (std::size_t i = 0; i < rows.size(); ++i) {
    RowResult& result = plan.results[i];
    if (moved[i]) {
      settled.moved.push_back(i);
      continue;
    }
    if (!result.matched_row) continue;
    if (const auto& holder = became[*result.matched_row]) {
      Resolve(result, *holder, rows[i].rep);
    } else if (moved[*result.matched_row] && result.outcome != Outcome::kReview) {
      settled.moved.push_back(i);  // its customer is whatever that row turns out to be
    } else if (result.outcome == Outcome::kReview) {
      // Registered itself; its possible owner was not (or is matched again): none to name.
      result.outcome = Outcome::kRegistered;
    } else {
      result.outcome = Outcome::kInvalid;
      result.error = "row " + std::to_string(i + 1) + ": it is the customer of row " +
                     std::to_string(*result.matched_row + 1) + ", which was not registered";
    }
  }
  return settled;
}

struct Tally {
  std::int64_t registered = 0;
  std::int64_t review = 0;
  std::int64_t already_theirs = 0;
  std::int64_t conflicts = 0;
  std::int64_t invalid = 0;
};

void WriteResult(JsonWriter& json, const RowResult& result, Tally& tally) {
  json.BeginObject();
  if (result.line > 0) json.Key("line").Int(result.line);
  switch (result.outcome) {
    case Outcome::kRegistered:
      ++tally.registered;
      json.Member("outcome", "registered").Member("customer", result.customer);
      break;
    case Outcome::kReview:
      ++tally.review;
      json.Member("outcome", "review").Member("customer", result.customer);
      json.Member("possible_owner", result.match.rep);
      json.Member("possible_customer", result.match.customer);
      json.Key("score").RawJson(FormattedScore(result.score));
      break;
    case Outcome::kAlreadyTheirs:
      ++tally.already_theirs;
      json.Member("outcome", "already_theirs").Member("customer", result.customer);
      break;
    case Outcome::kConflict:
      ++tally.conflicts;
      json.Member("outcome", "conflict").Member("owner", result.match.rep);
      json.Member("customer", result.match.customer);
      if (result.match.registered_at_ms > 0) {
        const WallTime at{std::chrono::milliseconds(result.match.registered_at_ms)};
        json.Member("registered_at", FormatInstant(at));
      }
      json.Member("explanation", result.explanation);
      break;
    case Outcome::kInvalid:
      ++tally.invalid;
      json.Member("outcome", "invalid").Member("error", result.error);
      break;
  }
  json.EndObject();
}

}  // namespace

CustomerApi::CustomerApi(Deps deps, const config::DaemonSettings& settings)
    : deps_(std::move(deps)) {
  UpdateSettings(settings);
}

void CustomerApi::UpdateSettings(const config::DaemonSettings& settings) {
  callers_.Update(settings);
  reps_.clear();
  for (const config::Rep& rep : settings.reps) reps_.insert(rep.id);
  dedupe_ = settings.dedupe;
  // Half the request's time: the answer must still reach the importer before it gives up.
  catch_up_within_ = settings.http.request_timeout / 2;
}

awaitable<Response> CustomerApi::Handle(const Request& request, std::string_view rest) {
  const bool listing = rest.empty();
  if (auto refused = OnlyMethod(request, listing ? http::verb::post : http::verb::get)) {
    co_return *std::move(refused);
  }
  const auto caller = callers_.Of(request);
  if (!caller) co_return Unauthorized(request);
  if (!caller->empty()) {
    co_return ErrorJson(request, http::status::forbidden,
                        "only the admin token may register or read customers");
  }
  if (!listing) {
    const std::string_view id = rest.substr(1);
    if (!queue::CustomerRegistry::NumberOf(id)) {
      co_return ErrorJson(request, http::status::bad_request,
                          "a customer id is C- and digits, such as C-42");
    }
    co_return co_await Show(request, std::string(id));
  }
  if (!deps_.owners.Ready()) {
    co_return Unavailable(request, "the owner index is still loading, retry later");
  }
  auto batch = ParseCustomerBatch(request.body());
  if (!batch) co_return ErrorJson(request, http::status::bad_request, batch.error().detail);
  co_return co_await Register(request, std::move(batch).value());
}

awaitable<Response> CustomerApi::Register(const Request& request, CustomerBatch batch) {
  const SteadyTime started = deps_.clock.SteadyNow();
  const SteadyTime catch_up_by = started + catch_up_within_;
  std::vector<RowResult> results(batch.rows.size());
  std::vector<std::size_t> matching(batch.rows.size());
  std::iota(matching.begin(), matching.end(), std::size_t{0});
  for (std::uint32_t rematches = 0; !matching.empty(); ++rematches) {
    // The last time round, the rows are registered without looking: a registry that keeps
    // moving under them must not keep them out for good.
    const queue::MatchedAt matched_at =
        rematches < kRematches ? queue::MatchedAt{deps_.owners.Position(), NewBatchName()}
                               : queue::MatchedAt{};
    Plan plan = MatchRows(batch.rows, matching, deps_.owners.Index(), reps_, dedupe_);
    std::vector<Result<queue::Registered>> answers;
    if (!plan.customers.empty()) {
      answers = co_await deps_.registry.RegisterAll(plan.customers, matched_at);
    }
    auto settled = Settle(plan, batch.rows, answers);
    if (!settled) co_return StoreRefused(request, settled.error());
    for (const std::size_t i : matching) results[i] = std::move(plan.results[i]);
    const auto left = std::chrono::duration_cast<Duration>(catch_up_by - deps_.clock.SteadyNow());
    if (!settled.value().moved.empty()) {
      deps_.log->info("customers.rematched rows={} reason=registered_since_match",
                      settled.value().moved.size());
      // They must meet what was registered meanwhile: the answer waits for that.
      if (auto caught_up = co_await deps_.owners.CatchUpWithLog(deps_.registry, left); !caught_up) {
        co_return StoreRefused(request, caught_up.error());
      }
    } else if (const std::string& last = settled.value().last_position; !last.empty()) {
      // The registrations are committed either way; waiting only lets the importer's next
      // batch be matched against this one.
      if (auto caught_up = co_await deps_.owners.CatchUp(last, left); !caught_up) {
        deps_.log->warn("customers.import the owner index is behind the registry: {}",
                        caught_up.error().detail);
      }
    }
    matching = std::move(settled.value().moved);
  }

  Tally tally;
  JsonWriter json;
  json.BeginObject().Key("results").BeginArray();
  for (const RowResult& result : results) WriteResult(json, result, tally);
  json.EndArray();
  json.Key("registered").Int(tally.registered).Key("review").Int(tally.review);
  json.Key("already_theirs").Int(tally.already_theirs).Key("conflicts").Int(tally.conflicts);
  json.Key("invalid").Int(tally.invalid).EndObject();
  const auto took =
      std::chrono::duration_cast<std::chrono::milliseconds>(deps_.clock.SteadyNow() - started);
  deps_.log->info(
      "customers.import rows={} registered={} review={} already_theirs={} conflicts={} "
      "invalid={} ms={}",
      batch.rows.size(), tally.registered, tally.review, tally.already_theirs, tally.conflicts,
      tally.invalid, took.count());
  co_return Json(request, http::status::ok, json.Text());
}

std::string CustomerApi::NewBatchName() {
  char name[33];
  std::snprintf(name, sizeof name, "%016llx%016llx",
                static_cast<unsigned long long>(batch_names_()),
                static_cast<unsigned long long>(batch_names_()));
  return name;
}

awaitable<Response> CustomerApi::Show(const Request& request, std::string id) {
  auto stored = co_await deps_.registry.Get(id);
  if (!stored) co_return StoreRefused(request, stored.error());
  JsonWriter json;
  json.BeginObject().Member("id", id);
  for (const auto& [name, value] : stored.value().fields) json.Member(name, value);
  if (const auto entry = deps_.owners.IdOf(id)) {
    WriteLearnt(json, deps_.owners.Index(), *entry);
  }
  json.EndObject();
  co_return Json(request, http::status::ok, json.Text());
}

}  // namespace leadd::api
