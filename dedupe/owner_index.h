// OwnerIndex: every registered customer's normalised keys in memory, so that matching a lead
// costs no Redis round trip. The registry in Redis is the truth; a daemon builds the index from
// it at start and applies each registration and change of owner as it learns of it.
//
// Sized for a million customers: text lives in one arena, a customer is a 32-byte record, each
// exact key is a 4-byte slot of an open-addressing table, and company names are blocked by
// their words (CJK runs by character pairs), contacts by their name words, postcode and
// locality, in posting lists of 4-byte ids.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

namespace leadd::dedupe {

// The exact keys a customer is found by.
enum class KeyKind : std::uint8_t { kEmail, kPhone, kDomain };
inline constexpr std::size_t kKeyKinds = 3;

// What a registration tells the index; every key already normalised (EmailKey, PhoneKey,
// CompanyDomainOf, CompanyKey, PersonNameKey, FoldText), empty when unknown.
struct CustomerRecord {
  std::string_view customer = {};  // the registry's id
  std::string_view rep = {};       // who owns the customer
  std::int64_t registered_at_ms = 0;
  std::string_view email = {};
  std::string_view phone = {};
  std::string_view domain = {};
  std::string_view company = {};  // CompanyName::key
  std::string_view country = {};  // ISO 3166-1 alpha-2
  // Where the company name says it is registered (CompanyName::location): "深圳" of
  // "深圳市金鹏电子", which the key leaves out so that the name without it still meets it.
  std::string_view company_location = {};
  // The contact person and where they are, as a lead form or a list gives them; never the
  // person's date of birth or an identity number, which leads do not carry.
  std::string_view contact = {};   // PersonNameKey
  std::string_view street = {};    // FoldText of the street address, number included
  std::string_view locality = {};  // FoldText of the city, town or suburb
  std::string_view postcode = {};  // FoldText
  std::string_view region = {};    // FoldText of the state, province or county
};

// The words a company key is blocked and compared by: its space-separated words, and for a word
// in a script written without spaces (CJK) each pair of adjacent characters. Views into `key`.
void CompanyGrams(std::string_view key, std::vector<std::string_view>& grams);

class OwnerIndex {
 public:
  using Id = std::uint32_t;  // a customer's place in the index, from 0 in order of addition

  // What one exact key finds. A key several customers were registered with (a shared
  // switchboard, a reseller's domain) names one of them only when they all belong to one rep.
  // Released customers do not count.
  struct KeyHit {
    std::optional<Id> customer;  // the first registered with the key, unless shared across reps
    std::uint32_t holders = 0;   // customers registered with the key
    bool shared_across_reps = false;
  };

  // Adds a customer; its keys find it from now on. Text longer than 255 bytes is cut (at a
  // character boundary): no real key is that long, and the record stays small.
  Id Add(const CustomerRecord& record);
  // A further contact of the customer `entry` belongs to (its registration or another
  // contact): the keys a lead of its owner gave that the customer was not yet found by, such as
  // another phone or the name in another script. The new entry finds the same customer (its id
  // and rep) and changes hands with it; its own `customer` and `rep` are not read.
  Id AddContact(Id entry, const CustomerRecord& record);
  // Every entry of the customer `entry` belongs to, its registration first.
  std::vector<Id> EntriesOf(Id entry) const;
  // The customer changed hands (a reassignment, a departure's transfer), or was released (an
  // empty `rep`): then it owns nothing, and no key or name finds it any more.
  void Reassign(Id customer, std::string_view rep);

  KeyHit Find(KeyKind kind, std::string_view key) const;
  // Customers whose company shares the rarest of `grams` (CompanyGrams of the lead's company),
  // most grams shared first, at most `limit`, and none sharing two fewer than the first. Grams
  // held by more than kCommonGram customers ("trading", "科技") are too common to block on.
  static constexpr std::size_t kCommonGram = 20000;
  // `shared`, when given, gets how many of the blocking grams each candidate shares.
  void CompanyCandidates(const std::vector<std::string_view>& grams, std::size_t limit,
                         std::vector<Id>& out, std::vector<std::uint32_t>* shared = nullptr) const;
  // The same for a contact: customers whose contact shares the rarest of the words of
  // `contact` (a PersonNameKey), their first three letters, `postcode` and `locality`, so that
  // a typo in a name part, or a part missing, still finds the person by the rest. The same
  // limits hold: at most `limit`, none sharing two fewer than the first, none by a key held by
  // more than kCommonGram customers (a city's name in a large CRM).
  void ContactCandidates(std::string_view contact, std::string_view postcode,
                         std::string_view locality, std::size_t limit, std::vector<Id>& out,
                         std::vector<std::uint32_t>* shared = nullptr) const;

  std::size_t Size() const { return customers_.size(); }
  std::string_view CustomerId(Id id) const { return Field(id, 0); }
  std::string_view Email(Id id) const { return Field(id, 1); }
  std::string_view Phone(Id id) const { return Field(id, 2); }
  std::string_view Domain(Id id) const { return Field(id, 3); }
  std::string_view Company(Id id) const { return Field(id, 4); }
  std::string_view CompanyLocation(Id id) const { return Field(id, 5); }
  std::string_view Contact(Id id) const { return Field(id, 6); }
  std::string_view Street(Id id) const { return Field(id, 7); }
  std::string_view Locality(Id id) const { return Field(id, 8); }
  std::string_view Postcode(Id id) const { return Field(id, 9); }
  std::string_view Region(Id id) const { return Field(id, 10); }
  std::string_view Country(Id id) const;
  std::string_view Rep(Id id) const { return reps_[customers_[id].rep]; }
  bool Released(Id id) const { return Rep(id).empty(); }
  std::int64_t RegisteredAt(Id id) const { return customers_[id].registered_at_ms; }

  // The heap bytes the index holds (arena, records, tables, postings), for the benchmark's
  // bytes per customer.
  std::size_t MemoryBytes() const;

 private:
  // customer id, email, phone, domain, company, company location, contact, street, locality,
  // postcode, region
  static constexpr std::size_t kFields = 11;
  struct Customer {
    std::uint32_t text = 0;  // offset in arena_ of the fields, back to back
    std::uint8_t lengths[kFields] = {};
    char country[2] = {};
    std::uint32_t rep = 0;  // its number in reps_
    std::int64_t registered_at_ms = 0;
  };
  // One exact key's table: a slot holds id + 1 of the first customer registered with the key
  // (0 is empty); the key itself is read back from that customer's field.
  struct KeyTable {
    std::vector<Id> slots;
    std::size_t used = 0;
  };
  // A key several customers share: all of them, in order of registration.
  struct Shared {
    std::vector<Id> holders;
    bool across_reps = false;
  };

  std::string_view Field(Id id, std::size_t field) const;
  // The registration entry of the customer `entry` belongs to (itself unless a contact).
  Id RegistrationOf(Id entry) const;
  std::string_view KeyOf(KeyKind kind, Id id) const {
    return Field(id, 1 + static_cast<std::size_t>(kind));
  }
  // The slot holding `key` in `kind`'s table, or the empty slot where it would go.
  std::size_t SlotOf(KeyKind kind, std::string_view key) const;
  void Grow(KeyKind kind);
  void IndexKey(KeyKind kind, Id id);
  std::uint32_t RepNumber(std::string_view rep);
  bool AcrossReps(const std::vector<Id>& holders) const;
  // The candidates sharing the most of the `blocking` rarest posting lists `hashes` name.
  void Candidates(const std::vector<std::uint64_t>& hashes, std::size_t blocking, std::size_t limit,
                  std::vector<Id>& out, std::vector<std::uint32_t>* shared) const;

  // Grown by a quarter at a time rather than doubled, so that its spare capacity stays a small
  // part of the index (a std::string would double: up to half of it unused).
  std::vector<char> arena_;
  std::vector<Customer> customers_;
  std::vector<std::string> reps_;
  std::unordered_map<std::string, std::uint32_t> rep_numbers_;
  KeyTable tables_[kKeyKinds];
  // By kind, by the first holder's id: keys more than one customer was registered with.
  std::unordered_map<Id, Shared> shared_[kKeyKinds];
  // By hash of a company gram, or of a contact's name word, word start, postcode or locality
  // (each kind hashed apart, so that "oliver" the person does not block "Oliver" the company).
  std::unordered_map<std::uint64_t, std::vector<Id>> postings_;
  // By a customer's registration entry, its further contacts' entries in order; and the way
  // back. Few customers have any, so they cost the others nothing.
  std::unordered_map<Id, std::vector<Id>> contacts_;
  std::unordered_map<Id, Id> registration_of_;
};

}  // namespace leadd::dedupe
