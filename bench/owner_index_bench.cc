// The dedupe index at the size of a large CRM: 1,000,000 registered customers (emails, phones,
// company domains, company names in Latin and CJK scripts), then lookups of leads that hit an
// email, a phone, a misspelt company name, or nothing. Reports lookups per second with fuzzy
// matching on, the index's bytes per customer, and the time to build it from records in memory
// (the part of a rebuild at start that does not wait on Redis).
//
//   scripts/bench-dedupe            (LEADD_BENCH_CUSTOMERS=100000 for a quick run)
#include <benchmark/benchmark.h>

#include <cstdint>
#include <cstdlib>
#include <random>
#include <string>
#include <vector>

#include "dedupe/matcher.h"
#include "dedupe/owner_index.h"

namespace leadd::dedupe {
namespace {

std::size_t CustomerCount() {
  const char* wanted = std::getenv("LEADD_BENCH_CUSTOMERS");
  return wanted != nullptr ? std::strtoull(wanted, nullptr, 10) : 1'000'000;
}

// Words of two to four syllables, so that the vocabulary has rare and common words alike.
std::vector<std::string> Vocabulary(std::mt19937_64& random, std::size_t size) {
  static const char* const kSyllables[] = {"ka",  "lo",  "mi",  "ne",  "tra", "dor", "vel", "sun",
                                           "pri", "gan", "tek", "sol", "mar", "zen", "qui", "bel",
                                           "ro",  "fa",  "chi", "wen", "xin", "hua", "tai", "kor"};
  std::vector<std::string> words;
  std::uniform_int_distribution<std::size_t> syllable(0, std::size(kSyllables) - 1);
  std::uniform_int_distribution<int> count(2, 4);
  for (std::size_t i = 0; i < size; ++i) {
    std::string word;
    for (int s = count(random); s > 0; --s) word += kSyllables[syllable(random)];
    words.push_back(std::move(word));
  }
  return words;
}

std::string CjkName(std::mt19937_64& random) {
  // From the 3,500 most common ideographs' block; a name of four to eight characters.
  std::uniform_int_distribution<char32_t> ideograph(0x4E00, 0x4E00 + 3500);
  std::uniform_int_distribution<int> length(4, 8);
  std::string name;
  for (int i = length(random); i > 0; --i) {
    const char32_t point = ideograph(random);
    name += static_cast<char>(0xE0 | (point >> 12));
    name += static_cast<char>(0x80 | ((point >> 6) & 0x3F));
    name += static_cast<char>(0x80 | (point & 0x3F));
  }
  return name;
}

struct Customers {
  std::vector<std::string> ids, emails, phones, domains, companies, countries;
  std::vector<std::string> reps;
};

const Customers& MadeCustomers() {
  static const Customers customers = [] {
    Customers made;
    std::mt19937_64 random(42);
    const auto words = Vocabulary(random, 60'000);
    std::uniform_int_distribution<std::size_t> word(0, words.size() - 1);
    std::uniform_int_distribution<int> percent(0, 99);
    std::uniform_int_distribution<std::uint64_t> digits(1'000'000'000ULL, 9'999'999'999ULL);
    static const char* const kCountries[] = {"CN", "US", "DE", "IN", "FR", "GB", "JP", "BR"};
    const std::size_t count = CustomerCount();
    for (int r = 0; r < 500; ++r) made.reps.push_back("rep" + std::to_string(r));
    for (std::size_t i = 0; i < count; ++i) {
      made.ids.push_back("C-" + std::to_string(i));
      const std::string brand = words[word(random)];
      std::string company = percent(random) < 30
                                ? CjkName(random)
                                : brand + " " + words[word(random)] + " " + words[word(random)];
      made.companies.push_back(std::move(company));
      made.domains.push_back(percent(random) < 60 ? brand + std::to_string(i % 97) + ".com" : "");
      made.emails.push_back(
          percent(random) < 80 ? "buyer" + std::to_string(i) + "@" + brand + ".com" : "");
      made.phones.push_back(percent(random) < 70 ? "+86" + std::to_string(digits(random)) : "");
      made.countries.emplace_back(kCountries[i % std::size(kCountries)]);
    }
    return made;
  }();
  return customers;
}

void Fill(OwnerIndex& index) {
  const Customers& c = MadeCustomers();
  for (std::size_t i = 0; i < c.ids.size(); ++i) {
    index.Add(CustomerRecord{c.ids[i], c.reps[i % c.reps.size()], static_cast<std::int64_t>(i),
                             c.emails[i], c.phones[i], c.domains[i], c.companies[i],
                             c.countries[i]});
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
// letter dropped) from its country, 15% nobody known.
struct Lead {
  std::string email, phone, company, country;
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
    const LeadKeys keys{lead.email, lead.phone, "", fuzzy ? lead.company : std::string_view(),
                        lead.country};
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

}  // namespace
}  // namespace leadd::dedupe

BENCHMARK_MAIN();
