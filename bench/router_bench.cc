// Routing decision micro-benchmark (issue 4; docs/benchmarks.md, "Routing decisions"): how
// many Router::Decide calls one core makes per second with 500 reps and 200 rules, beside the
// cost of one Redis round trip. Run it with scripts/bench-routing, which starts the Redis.
//
// Everything is generated from fixed seeds, so every run decides the same leads the same way:
//   500 reps: 10 teams of 50, 1-3 regions each from 40 countries and subdivisions, marketplace
//             accounts for 100 of them, a capacity on every other one;
//   200 rules: an owner rule first, 189 specific ones (source, country lists, `not:`, RE2
//             `matches:` on the company, estimated_value bounds, any/all nesting) with every
//             strategy, then 10 per-source rules; a lead from `partner` matches none;
//   10,000 leads, 5% with an owner found by dedupe; 3 reps excluded, open leads for every rep.
#include <benchmark/benchmark.h>
#include <hiredis/hiredis.h>
#include <re2/re2.h>

#include <algorithm>
#include <cstdint>
#include <cstdlib>
#include <memory>
#include <optional>
#include <random>
#include <string>
#include <utility>
#include <vector>

#include "router/router.h"

namespace leadd::router {
namespace {

using config::Condition;
using config::LeadField;

constexpr int kTeams = 10;
constexpr int kTeamSize = 50;
constexpr int kReps = kTeams * kTeamSize;
constexpr int kLeads = 10000;
constexpr int kSpecificRules = 189;

// Countries and subdivisions the reps cover and the leads come from (40).
const std::vector<std::string> kPlaces = {
    "DE",    "FR",    "NL",    "IT",    "ES",    "GB",    "PL",    "AT",    "CH",    "SE",
    "US",    "CA",    "MX",    "BR",    "AR",    "CN",    "JP",    "KR",    "IN",    "VN",
    "TH",    "ID",    "AU",    "AE",    "SA",    "TR",    "ZA",    "NG",    "EG",    "RU",
    "CN-GD", "CN-ZJ", "CN-JS", "US-CA", "US-TX", "US-NY", "DE-BY", "DE-NW", "IN-MH", "IN-KA"};
const std::vector<std::string> kCountries(kPlaces.begin(), kPlaces.begin() + 30);
// Subdivisions by the country they belong to, for leads.
const std::vector<std::pair<std::string, std::vector<std::string>>> kSubdivisions = {
    {"CN", {"CN-GD", "CN-ZJ", "CN-JS", "CN-SD"}},
    {"US", {"US-CA", "US-TX", "US-NY", "US-FL"}},
    {"DE", {"DE-BY", "DE-NW", "DE-BE"}},
    {"IN", {"IN-MH", "IN-KA", "IN-DL"}}};
const std::vector<std::string> kSources = {"web",   "alibaba",  "indiamart", "expo",
                                           "email", "referral", "partner"};
const std::vector<int> kSourceWeights = {35, 20, 10, 10, 15, 5, 5};
const std::vector<std::string> kProducts = {"pumps", "valves", "motors", "sensors", "cables"};
const std::vector<std::string> kCompanyWords = {
    "Nordic", "Pacific", "Golden",  "Delta", "Summit", "Harbor", "Evergreen", "Atlas",
    "Sun",    "Orion",   "Zenith",  "Apex",  "Blue",   "Silver", "Red River", "Great Wall",
    "Lotus",  "Phoenix", "Horizon", "Metro", "Prime",  "Union",  "Alpine",    "Coastal"};
const std::vector<std::string> kCompanyKinds = {
    "Trading", "Industries", "Machinery", "Supply", "Engineering", "Import Export", "Technology"};
const std::vector<std::string> kCompanySuffixes = {"GmbH",       "Ltd",  "Co., Ltd", "Inc",
                                                   "LLC",        "S.A.", "B.V.",     "Pvt Ltd",
                                                   "Sp. z o.o.", "AG",   "S.r.l.",   ""};

std::string RepId(int n) {
  std::string digits = std::to_string(n);
  return "rep-" + std::string(3 - digits.size(), '0') + digits;
}

template <typename T>
const T& Pick(std::mt19937& random, const std::vector<T>& from) {
  return from[std::uniform_int_distribution<std::size_t>(0, from.size() - 1)(random)];
}

bool Chance(std::mt19937& random, double p) {
  return std::uniform_real_distribution<double>(0, 1)(random) < p;
}

std::vector<std::string> Sample(std::mt19937& random, const std::vector<std::string>& from,
                                std::size_t n) {
  std::vector<std::string> out = from;
  std::shuffle(out.begin(), out.end(), random);
  out.resize(std::min(n, out.size()));
  return out;
}

std::vector<config::Rep> MakeReps() {
  std::mt19937 random(4001);
  std::vector<config::Rep> reps;
  for (int n = 0; n < kReps; ++n) {
    config::Rep rep;
    rep.id = RepId(n);
    rep.name = "Rep " + std::to_string(n);
    rep.email = rep.id + "@example.com";
    rep.teams = {"team-" + std::to_string(n / kTeamSize)};
    const int regions = std::uniform_int_distribution<int>(1, 3)(random);
    for (int i = 0; i < regions; ++i) rep.regions.push_back(Pick(random, kPlaces));
    if (n % 5 == 0) {  // 100 reps sell on marketplaces
      rep.accounts = {{"alibaba", rep.id + "_sub1"}};
      if (n % 10 == 0) rep.accounts.emplace("indiamart", std::to_string(100000 + n));
    }
    if (n % 2 == 1) rep.capacity = std::uniform_int_distribution<std::uint32_t>(20, 80)(random);
    reps.push_back(std::move(rep));
  }
  return reps;
}

std::vector<std::string> Team(int team) {
  std::vector<std::string> ids;
  for (int n = team * kTeamSize; n < (team + 1) * kTeamSize; ++n) ids.push_back(RepId(n));
  return ids;
}

// Conditions, spelt as the YAML would be.
Condition Is(LeadField field, std::vector<std::string> values, bool negated = false) {
  return {config::FieldTest{field, config::OneOf{std::move(values), negated}}};
}
Condition Matches(LeadField field, const std::string& pattern) {
  auto regex = std::make_shared<const re2::RE2>(pattern);
  if (!regex->ok()) std::abort();
  return {config::FieldTest{field, config::Pattern{pattern, std::move(regex)}}};
}
Condition Between(double low, double high) {
  return {config::FieldTest{
      LeadField::kEstimatedValue,
      config::Range{{{config::Comparison::kGte, low}, {config::Comparison::kLt, high}}}}};
}
Condition Present(LeadField field, bool present) {
  return {config::FieldTest{field, config::Presence{present}}};
}
Condition All(std::vector<Condition> parts) { return {config::AllOf{std::move(parts)}}; }
Condition Any(std::vector<Condition> parts) { return {config::AnyOf{std::move(parts)}}; }
Condition Not(std::vector<Condition> parts) { return {config::NoneOf{std::move(parts)}}; }

// RE2 patterns on the company, as admins write them; none is common among the leads.
std::string CompanyPattern(int n) {
  const std::vector<std::string> patterns = {"(?i)\\bgolden (trading|supply)\\b",
                                             "(?i)^(apex|zenith) .*gmbh$",
                                             "(?i)great wall .*co\\., ltd$",
                                             "(?i)\\b(orion|atlas) engineering\\b",
                                             "(?i)pvt ltd$",
                                             "(?i)^nordic .* (ab|as|oy)$",
                                             "(?i)(holding|group)\\b",
                                             "(?i)\\bsp\\. z o\\.o\\.$",
                                             "(?i)^red river machinery",
                                             "(?i)\\b(phoenix|lotus) technology (inc|llc)$"};
  return patterns[static_cast<std::size_t>(n) % patterns.size()];
}

// One of the 189 specific rules: a narrow `when:` most leads fail, and a strategy of each kind
// in turn.
config::Rule SpecificRule(std::mt19937& random, int n) {
  const int team = n % kTeams;
  const auto team_reps = Team(team);
  config::Rule rule;
  rule.name = "rule-" + std::to_string(n);
  switch (n % 8) {
    case 0:  // a source in a few countries
      rule.when = All({Is(LeadField::kSource, {Pick(random, kSources)}),
                       Is(LeadField::kCountry, Sample(random, kCountries, 3))});
      rule.assign = config::TerritoryStrategy{team_reps};
      break;
    case 1:  // a big deal from one of two sources
      rule.when = All({Is(LeadField::kSource, Sample(random, kSources, 2)),
                       Between(50000.0 * (n % 5 + 1), 50000.0 * (n % 5 + 2)),
                       Is(LeadField::kCountry, Sample(random, kCountries, 6))});
      rule.assign = config::WeightedStrategy{{team_reps[0], team_reps[1], team_reps[2]},
                                             {static_cast<std::uint32_t>(n % 3 + 1), 2, 1}};
      break;
    case 2:  // a country list, but not from the web, and grade A
      rule.when =
          All({Is(LeadField::kCountry, Sample(random, kCountries, 4)),
               Not({Is(LeadField::kSource, {"web", "email"})}), Is(LeadField::kGrade, {"A"})});
      rule.assign = config::RoundRobinStrategy{
          std::vector<std::string>(team_reps.begin(), team_reps.begin() + 10)};
      break;
    case 3:  // a company pattern, within a region of the world
      rule.when = All({Is(LeadField::kCountry, Sample(random, kCountries, 8)),
                       Matches(LeadField::kCompany, CompanyPattern(n / 8))});
      rule.assign = config::RandomStrategy{
          std::vector<std::string>(team_reps.begin() + 10, team_reps.begin() + 15)};
      break;
    case 4:  // a trade show's cards, or one channel
      rule.when = Any({All({Is(LeadField::kSource, {"expo"}), Present(LeadField::kReceivedBy, true),
                            Is(LeadField::kProduct, {Pick(random, kProducts)}),
                            Is(LeadField::kCountry, Sample(random, kCountries, 2))}),
                       Is(LeadField::kChannel, {"channel-" + std::to_string(n)})});
      rule.assign = config::FieldStrategy{LeadField::kReceivedBy};
      break;
    case 5: {  // a few marketplace sub-accounts
      std::vector<std::string> accounts;
      for (int i = 0; i < 4; ++i) {
        accounts.push_back(RepId(std::uniform_int_distribution<int>(0, kReps / 5 - 1)(random) * 5) +
                           "_sub1");
      }
      rule.when =
          All({Is(LeadField::kSource, {"alibaba"}), Is(LeadField::kAccount, std::move(accounts)),
               Is(LeadField::kProduct, {Pick(random, kProducts)})});
      rule.assign = config::AccountOwnerStrategy{"alibaba"};
      break;
    }
    case 6:  // a subdivision and a product
      rule.when = All({Is(LeadField::kRegion, Sample(random, kPlaces, 2)),
                       Is(LeadField::kProduct, {Pick(random, kProducts)}),
                       Not({Is(LeadField::kSource, {"partner"})})});
      rule.assign = config::LeastLoadedStrategy{
          std::vector<std::string>(team_reps.begin() + 20, team_reps.begin() + 30)};
      break;
    default:  // small leads from some countries, unless they came in by email
      rule.when =
          All({Any({Between(0, 500), Present(LeadField::kEstimatedValue, false)}),
               Is(LeadField::kCountry, Sample(random, kCountries, 2)),
               Is(LeadField::kSource, {"email"}, /*negated=*/true), Is(LeadField::kGrade, {"C"})});
      rule.assign = config::LeastLoadedStrategy{
          std::vector<std::string>(team_reps.begin() + 30, team_reps.begin() + 40)};
      break;
  }
  return rule;
}

std::vector<config::Rule> SpecificRules(int count) {
  std::mt19937 random(4002);
  std::vector<config::Rule> rules;
  for (int n = 0; n < count; ++n) rules.push_back(SpecificRule(random, n));
  return rules;
}

// What most leads end up with: one rule per source at the bottom. `partner` has none.
std::vector<config::Rule> SourceRules() {
  std::vector<config::Rule> rules;
  const auto add = [&](std::string name, Condition when, config::Strategy assign) {
    rules.push_back({std::move(name), std::move(assign), std::move(when)});
  };
  add("alibaba-accounts", Is(LeadField::kSource, {"alibaba"}),
      config::AccountOwnerStrategy{"alibaba"});
  add("indiamart-accounts", Is(LeadField::kSource, {"indiamart"}),
      config::AccountOwnerStrategy{"indiamart"});
  add("expo-cards", All({Is(LeadField::kSource, {"expo"}), Present(LeadField::kReceivedBy, true)}),
      config::FieldStrategy{LeadField::kReceivedBy});
  std::vector<std::string> two_teams = Team(0);
  for (const auto& id : Team(1)) two_teams.push_back(id);
  add("web-territory", Is(LeadField::kSource, {"web"}), config::TerritoryStrategy{two_teams});
  add("email-least-loaded", Is(LeadField::kSource, {"email"}),
      config::LeastLoadedStrategy{Team(3)});
  add("referral-weighted", Is(LeadField::kSource, {"referral"}),
      config::WeightedStrategy{{RepId(200), RepId(201), RepId(202)}, {3, 2, 1}});
  add("marketplace-random", Is(LeadField::kSource, {"alibaba", "indiamart"}),
      config::RandomStrategy{Team(4)});
  add("expo-rotation", Is(LeadField::kSource, {"expo"}), config::RoundRobinStrategy{Team(6)});
  add("asia-rotation",
      All({Is(LeadField::kCountry, {"CN", "JP", "KR", "VN", "TH", "ID", "IN"}),
           Not({Is(LeadField::kSource, {"partner"})})}),
      config::RoundRobinStrategy{Team(7)});
  add("everyone-else", Not({Is(LeadField::kSource, {"partner"})}),
      config::RoundRobinStrategy{Team(5)});
  return rules;
}

config::Rule OwnerRule() {
  return {"existing-owner", config::OwnerStrategy{}, {config::OwnerMatchTest{true}}};
}

// A rule every lead meets and whose strategy always yields somebody: a rotation over a team,
// by default the last in the file (the eligibility check looks each rep up by id).
config::Rule CatchAll(int team = kTeams - 1) {
  return {"catch-all", config::RoundRobinStrategy{Team(team)}};
}

struct Input {
  Lead lead;
  std::optional<dedupe::OwnerMatch> owner;
};

std::vector<Input> MakeLeads() {
  std::mt19937 random(4003);
  std::discrete_distribution<std::size_t> source(kSourceWeights.begin(), kSourceWeights.end());
  std::vector<Input> inputs;
  for (int n = 0; n < kLeads; ++n) {
    Input input;
    Lead& lead = input.lead;
    lead.id = "L-" + std::to_string(100000 + n);
    lead.source = kSources[source(random)];
    lead.channel = lead.source == "web" ? "contact-form" : lead.source + "/inbox";
    lead.source_key = lead.source + ":" + std::to_string(n);
    lead.company = Pick(random, kCompanyWords) + " " + Pick(random, kCompanyKinds) + " " +
                   Pick(random, kCompanySuffixes);
    lead.email = "buyer" + std::to_string(n) + "@example.org";
    lead.country = Pick(random, kCountries);
    for (const auto& [country, regions] : kSubdivisions) {
      if (country == lead.country && Chance(random, 0.7)) lead.region = Pick(random, regions);
    }
    lead.product = Pick(random, kProducts);
    if (lead.source == "alibaba") {
      lead.account =
          Chance(random, 0.7)
              ? RepId(std::uniform_int_distribution<int>(0, kReps / 5 - 1)(random) * 5) + "_sub1"
              : "main";
    } else if (lead.source == "indiamart") {
      lead.account =
          std::to_string(100000 + 10 * std::uniform_int_distribution<int>(0, 60)(random));
    }
    if (lead.source == "expo" && Chance(random, 0.8)) {
      const std::string rep = RepId(std::uniform_int_distribution<int>(0, kReps - 1)(random));
      lead.received_by = Chance(random, 0.5) ? rep : rep + "@example.com";
    }
    if (Chance(random, 0.6)) {
      lead.estimated_value =
          std::to_string(std::uniform_int_distribution<int>(100, 400000)(random));
    }
    lead.grade = Pick(random, std::vector<std::string>{"A", "B", "C", ""});
    if (Chance(random, 0.05)) {
      input.owner =
          dedupe::OwnerMatch{RepId(std::uniform_int_distribution<int>(0, kReps - 1)(random)),
                             "email", "exact email match"};
    }
    inputs.push_back(std::move(input));
  }
  return inputs;
}

RoutingState MakeState() {
  std::mt19937 random(4004);
  RoutingState state;
  state.excluded = {RepId(7), RepId(255), RepId(402)};
  for (int n = 0; n < kReps; ++n) {
    state.open_leads[RepId(n)] = std::uniform_int_distribution<std::uint32_t>(0, 60)(random);
  }
  return state;
}

const std::vector<config::Rep>& Reps() {
  static const auto* reps = new std::vector<config::Rep>(MakeReps());
  return *reps;
}
const std::vector<Input>& Leads() {
  static const auto* leads = new std::vector<Input>(MakeLeads());
  return *leads;
}
const RoutingState& State() {
  static const auto* state = new RoutingState(MakeState());
  return *state;
}

// The realistic set: the owner rule, 189 specific rules, 10 per source (200).
std::vector<config::Rule> RealisticRules() {
  std::vector<config::Rule> rules{OwnerRule()};
  for (auto& rule : SpecificRules(kSpecificRules)) rules.push_back(std::move(rule));
  for (auto& rule : SourceRules()) rules.push_back(std::move(rule));
  return rules;
}

// Those of `leads` that `router` routes nowhere (each passes over all its rules).
std::vector<Input> Unrouted(const Router& router, const std::vector<Input>& leads) {
  std::vector<Input> out;
  for (const auto& input : leads) {
    if (!router.Decide(input.lead, input.owner, State()).Routed()) out.push_back(input);
  }
  return out;
}

// One Decide per iteration, cycling over `leads`; reports decisions/s, and per decision the
// rules looked at and the share routed.
void RunDecide(benchmark::State& state, const Router& router, const std::vector<Input>& leads) {
  const RoutingState& routing = State();
  std::size_t next = 0;
  std::uint64_t rules_looked_at = 0;
  std::uint64_t routed = 0;
  for (auto _ : state) {
    const Input& input = leads[next];
    if (++next == leads.size()) next = 0;
    Decision decision = router.Decide(input.lead, input.owner, routing);
    rules_looked_at += decision.trace.size() + decision.passed_over.size();
    routed += decision.Routed() ? 1 : 0;
    benchmark::DoNotOptimize(decision);
  }
  const auto decisions = static_cast<double>(state.iterations());
  state.SetItemsProcessed(state.iterations());
  state.counters["rules_per_decision"] = static_cast<double>(rules_looked_at) / decisions;
  state.counters["routed_share"] = static_cast<double>(routed) / decisions;
}

// The realistic shape over the whole pool of leads.
void BM_Decide(benchmark::State& state) {
  static const Router router(RealisticRules(), Reps());
  RunDecide(state, router, Leads());
}
BENCHMARK(BM_Decide);

// The same, and the decision written as the JSON stored with the lead (and sent to Redis with
// the assignment): what the pipeline spends per lead before the round trip.
void BM_DecideAndStore(benchmark::State& state) {
  static const Router router(RealisticRules(), Reps());
  const RoutingState& routing = State();
  const auto& leads = Leads();
  std::size_t next = 0;
  std::uint64_t bytes = 0;
  for (auto _ : state) {
    const Input& input = leads[next];
    if (++next == leads.size()) next = 0;
    const std::string json = ToJson(router.Decide(input.lead, input.owner, routing));
    bytes += json.size();
    benchmark::DoNotOptimize(json);
  }
  state.SetItemsProcessed(state.iterations());
  state.counters["json_bytes"] =
      static_cast<double>(bytes) / static_cast<double>(state.iterations());
}
BENCHMARK(BM_DecideAndStore);

// A rule every lead meets comes first, before 199 specific ones: the cost of one rule that
// matches and its strategy. The argument is the catch-all's team: the first 50 reps in the
// file (0) or the last 50 (9).
void BM_DecideMatchFirst(benchmark::State& state) {
  const auto team = static_cast<int>(state.range(0));
  std::vector<config::Rule> rules{CatchAll(team)};
  for (auto& rule : SpecificRules(kSpecificRules + 10)) rules.push_back(std::move(rule));
  const Router router(std::move(rules), Reps());
  RunDecide(state, router, Leads());
}
BENCHMARK(BM_DecideMatchFirst)->Arg(0)->Arg(kTeams - 1);

// The same 199 specific rules, then the rule every lead meets, for the leads the 199 pass over
// (most): the worst case, every rule looked at.
void BM_DecideMatchLast(benchmark::State& state) {
  static const auto rules = [] {
    auto specific = SpecificRules(kSpecificRules + 10);
    specific.push_back(CatchAll());
    return specific;
  }();
  static const Router router(rules, Reps());
  static const auto leads =
      Unrouted(Router(std::vector<config::Rule>(rules.begin(), rules.end() - 1), Reps()), Leads());
  state.counters["leads"] = static_cast<double>(leads.size());
  RunDecide(state, router, leads);
}
BENCHMARK(BM_DecideMatchLast);

// 199 rules without `when:` that every lead falls through (owner, with no owner found), then
// the catch-all: what the router spends per rule besides conditions and strategies.
void BM_DecideNoConditions(benchmark::State& state) {
  static const Router router = [] {
    std::vector<config::Rule> rules;
    for (int n = 0; n < kSpecificRules + 10; ++n) {
      rules.push_back({"owner-" + std::to_string(n), config::OwnerStrategy{}});
    }
    rules.push_back(CatchAll());
    return Router(std::move(rules), Reps());
  }();
  static const auto leads = [] {
    std::vector<Input> out = Leads();
    for (auto& input : out) input.owner.reset();
    return out;
  }();
  RunDecide(state, router, leads);
}
BENCHMARK(BM_DecideNoConditions);

// 199 rules whose `when:` is one `source:` test every lead fails, then the catch-all: the
// cheapest condition.
void BM_DecideSimpleConditions(benchmark::State& state) {
  static const Router router = [] {
    std::vector<config::Rule> rules;
    for (int n = 0; n < kSpecificRules + 10; ++n) {
      rules.push_back({"source-" + std::to_string(n), config::RoundRobinStrategy{Team(n % kTeams)},
                       Is(LeadField::kSource, {"source-" + std::to_string(n)})});
    }
    rules.push_back(CatchAll());
    return Router(std::move(rules), Reps());
  }();
  RunDecide(state, router, Leads());
}
BENCHMARK(BM_DecideSimpleConditions);

// 199 rules whose `when:` is one RE2 `matches:` on the company that every lead fails, then the
// catch-all.
void BM_DecideRegexConditions(benchmark::State& state) {
  static const Router router = [] {
    std::vector<config::Rule> rules;
    for (int n = 0; n < kSpecificRules + 10; ++n) {
      const std::string pattern =
          "(?i)\\b(quasar|nebula)" + std::to_string(n) + " (gmbh|ltd|inc)\\b";
      rules.push_back({"company-" + std::to_string(n), config::RoundRobinStrategy{Team(n % kTeams)},
                       Matches(LeadField::kCompany, pattern)});
    }
    rules.push_back(CatchAll());
    return Router(std::move(rules), Reps());
  }();
  RunDecide(state, router, Leads());
}
BENCHMARK(BM_DecideRegexConditions);

// One synchronous PING to a redis-server on loopback: what every round trip the pipeline makes
// costs at the least. The port comes from LEADD_BENCH_REDIS_PORT.
void BM_RedisRoundTrip(benchmark::State& state) {
  const char* port = std::getenv("LEADD_BENCH_REDIS_PORT");
  if (port == nullptr || *port == '\0') {
    state.SkipWithError("LEADD_BENCH_REDIS_PORT is not set");
    return;
  }
  const std::unique_ptr<redisContext, decltype(&redisFree)> redis(
      redisConnect("127.0.0.1", std::atoi(port)), &redisFree);
  if (!redis || redis->err != 0) {
    state.SkipWithError(redis ? redis->errstr : "cannot allocate a Redis context");
    return;
  }
  for (auto _ : state) {
    auto* reply = static_cast<redisReply*>(redisCommand(redis.get(), "PING"));
    if (reply == nullptr) {
      state.SkipWithError(redis->errstr);
      break;
    }
    freeReplyObject(reply);
  }
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_RedisRoundTrip)->UseRealTime();

}  // namespace
}  // namespace leadd::router

BENCHMARK_MAIN();
