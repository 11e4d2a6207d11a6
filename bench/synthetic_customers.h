// The synthetic customers of the dedupe benchmarks (owner_index_bench, owner_rebuild): a large
// CRM's worth of emails, phones, company domains, company names in Latin and CJK scripts, and
// for half of them a contact person with a postcode and locality. Deterministic: every run and
// every benchmark sees the same customers.
#pragma once

#include <cstdint>
#include <cstdlib>
#include <random>
#include <string>
#include <vector>

namespace leadd::bench {

// LEADD_BENCH_CUSTOMERS, else a million.
inline std::size_t CustomerCount() {
  const char* wanted = std::getenv("LEADD_BENCH_CUSTOMERS");
  return wanted != nullptr ? std::strtoull(wanted, nullptr, 10) : 1'000'000;
}

// Words of two to four syllables, so that the vocabulary has rare and common words alike.
inline std::vector<std::string> Vocabulary(std::mt19937_64& random, std::size_t size) {
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

inline std::string CjkName(std::mt19937_64& random) {
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
  std::vector<std::string> contacts, postcodes, localities;
  std::vector<std::string> reps;
};

inline const Customers& MadeCustomers() {
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
      // Given names and localities from the first 2,000 words (common), surnames from all.
      const bool contact = percent(random) < 50;
      made.contacts.push_back(contact ? words[word(random) % 2'000] + " " + words[word(random)]
                                      : "");
      made.postcodes.push_back(contact ? std::to_string(1'000 + word(random) % 9'000) : "");
      made.localities.push_back(contact ? words[word(random) % 2'000] : "");
    }
    return made;
  }();
  return customers;
}

}  // namespace leadd::bench
