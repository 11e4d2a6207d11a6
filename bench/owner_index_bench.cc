// The dedupe index at the size of a large CRM: 1,000,000 registered customers (emails, phones,
// company domains, company names in Latin and CJK scripts, half of them a contact person with
// a postcode and locality), then lookups of leads that hit an email, a phone, a misspelt
// company name (with its contact, when there is one), or nothing. Reports lookups per second with
// fuzzy matching on, the index's bytes per customer, and the time to build it from records in
// memory (the part of a rebuild at start that does not wait on Redis).
//
//   scripts/bench-dedupe            (LEADD_BENCH_CUSTOMERS=100000 for a quick run)
#include <benchmark/benchmark.h>

#include <cstdint>
#include <cstdlib>
#include <random>
#include <string>
#include <vector>

#include "bench/synthetic_customers.h"
#include "dedupe/company_key.h"
#include "dedupe/email_key.h"
#include "dedupe/matcher.h"
#include "dedupe/owner_index.h"
#include "dedupe/phone_key.h"

namespace leadd::dedupe {
namespace {

using bench::Customers;
using bench::MadeCustomers;

void Fill(OwnerIndex& index) {
  const Customers& c = MadeCustomers();
  for (std::size_t i = 0; i < c.ids.size(); ++i) {
    index.Add(CustomerRecord{.customer = c.ids[i],
                             .rep = c.reps[i % c.reps.size()],
                             .registered_at_ms = static_cast<std::int64_t>(i),
                             .email = c.emails[i],
                             .phone = c.phones[i],
                             .domain = c.domains[i],
                             .company = c.companies[i],
                             .country = c.countries[i],
                             .contact = c.contacts[i],
                             .locality = c.localities[i],
                             .postcode = c.postcodes[i]});
  }
}

const OwnerIndex& Index() {
  static const OwnerIndex index = [] {
    OwnerIndex built;
    Fill(built);
    return built;
  }();
  return index;
}

// A lead as they come: 40% a known email, 20% a known phone, 25% a known company misspelt (a
// letter dropped) from its country, with the customer's contact, postcode and locality when it
// has them, 15% nobody known.
struct Lead {
  std::string email, phone, company, country, contact, postcode, locality;
};

std::vector<Lead> Leads(std::size_t count) {
  const Customers& c = MadeCustomers();
  std::mt19937_64 random(7);
  std::uniform_int_distribution<std::size_t> customer(0, c.ids.size() - 1);
  std::uniform_int_distribution<int> percent(0, 99);
  std::vector<Lead> leads;
  for (std::size_t i = 0; i < count; ++i) {
    const std::size_t k = customer(random);
    const int kind = percent(random);
    Lead lead;
    lead.country = c.countries[k];
    if (kind < 40) {
      lead.email = c.emails[k];
    } else if (kind < 60) {
      lead.phone = c.phones[k];
    } else if (kind < 85) {
      lead.company = c.companies[k];
      if (lead.company.size() > 8 && static_cast<unsigned char>(lead.company[0]) < 0x80) {
        lead.company.erase(lead.company.size() / 2, 1);
      }
      lead.contact = c.contacts[k];
      lead.postcode = c.postcodes[k];
      lead.locality = c.localities[k];
    } else {
      lead.email = "stranger" + std::to_string(i) + "@example.org";
      lead.company = "unknown trading " + std::to_string(i);
    }
    leads.push_back(std::move(lead));
  }
  return leads;
}

void BM_BuildIndex(benchmark::State& state) {
  MadeCustomers();
  for (auto _ : state) {
    OwnerIndex index;
    Fill(index);
    benchmark::DoNotOptimize(index.Size());
    state.counters["bytes_per_customer"] =
        static_cast<double>(index.MemoryBytes()) / static_cast<double>(index.Size());
  }
  state.counters["customers"] = static_cast<double>(MadeCustomers().ids.size());
}
BENCHMARK(BM_BuildIndex)->Unit(benchmark::kMillisecond)->Iterations(1);

void Lookups(benchmark::State& state, bool fuzzy) {
  const OwnerIndex& index = Index();
  static const std::vector<Lead> leads = Leads(1'000'000);
  const MatchThresholds thresholds;
  std::size_t next = 0;
  std::size_t owners = 0;
  for (auto _ : state) {
    const Lead& lead = leads[next++ % leads.size()];
    const LeadKeys keys{.email = lead.email,
                        .phone = lead.phone,
                        .company = fuzzy ? lead.company : std::string_view(),
                        .country = lead.country,
                        .contact = fuzzy ? lead.contact : std::string_view(),
                        .locality = lead.locality,
                        .postcode = lead.postcode};
    const MatchFinding found = FindOwner(index, keys, thresholds);
    owners += found.verdict == MatchFinding::Verdict::kOwner ? 1 : 0;
    benchmark::DoNotOptimize(found.score);
  }
  state.SetItemsProcessed(state.iterations());
  state.counters["owner_found_pct"] =
      100.0 * static_cast<double>(owners) / static_cast<double>(state.iterations());
  state.counters["bytes_per_customer"] =
      static_cast<double>(index.MemoryBytes()) / static_cast<double>(index.Size());
}

void BM_FindOwner(benchmark::State& state) { Lookups(state, true); }
BENCHMARK(BM_FindOwner)->Iterations(1'000'000);

void BM_FindOwnerExactKeysOnly(benchmark::State& state) { Lookups(state, false); }
BENCHMARK(BM_FindOwnerExactKeysOnly)->Iterations(1'000'000);

// What a contact's keys cost before any lookup: every lead and every imported customer row
// goes through ContactKeysOf once. The phone (libphonenumber, parsed twice so that the key is
// known to read back as itself) against the email and the company name; `key_of` makes the
// n-th value's key.
template <class KeyOf>
void BM_Normaliser(benchmark::State& state, KeyOf key_of) {
  std::size_t next = 0;
  for (auto _ : state) {
    auto key = key_of(next++);
    benchmark::DoNotOptimize(key);
  }
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK_CAPTURE(BM_Normaliser, PhoneKey, [](std::size_t n) {
  return PhoneKey("030 " + std::to_string(10'000'000 + n % 90'000'000), "DE");
})->Iterations(100'000);
BENCHMARK_CAPTURE(BM_Normaliser, EmailKey, [](std::size_t n) {
  return EmailKey(" Buyer." + std::to_string(n) + "+expo@GoogleMail.com ");
})->Iterations(100'000);
BENCHMARK_CAPTURE(BM_Normaliser, CompanyKey, [](std::size_t n) {
  return CompanyKey("深圳市" + std::to_string(n) + "華鑫塑膠製品有限公司");
})->Iterations(100'000);

}  // namespace
}  // namespace leadd::dedupe

BENCHMARK_MAIN();
