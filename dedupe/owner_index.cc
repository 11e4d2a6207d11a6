#include "dedupe/owner_index.h"

#include <algorithm>
#include <functional>
#include <utility>

#include "core/utf8.h"
#include "dedupe/text_fold.h"

namespace leadd::dedupe {
namespace {

constexpr std::size_t kMaxFieldBytes = 255;
constexpr std::size_t kFirstTableSize = 1024;
constexpr std::size_t kFirstArenaBytes = 4096;
// How many of a lead's grams block: the rarest few find a company; more only add common ones.
constexpr std::size_t kBlockingGrams = 4;

std::uint64_t HashOf(std::string_view text) { return std::hash<std::string_view>{}(text); }

// How many of a contact's blocking keys are used, the rarest first: all of a two-word name's
// words and starts, its postcode and its locality.
constexpr std::size_t kContactBlockingKeys = 6;
// A name word's start blocks too, so that a typo after it ("thoas" / "thomas") or a short form
// ("rob" / "robert") still finds the person; a word this short is its own start.
constexpr std::size_t kWordStartPoints = 3;

// Posting keys of every kind live in one map, each kind hashed apart from the others.
enum class Posting : std::uint64_t {
  kCompanyGram = 0,
  kContactWord = 1,
  kContactWordStart = 2,
  kPostcode = 3,
  kLocality = 4
};

std::uint64_t PostingHash(Posting kind, std::string_view text) {
  const std::uint64_t hash = HashOf(text);
  if (kind == Posting::kCompanyGram) return hash;
  return (hash ^ static_cast<std::uint64_t>(kind)) * 0x9E3779B97F4A7C15ULL;
}

// The posting keys a contact is blocked by, appended to `hashes`; none without a name.
void ContactPostings(std::string_view contact, std::string_view postcode, std::string_view locality,
                     std::vector<std::uint64_t>& hashes) {
  if (contact.empty()) return;
  for (const std::string_view word : SplitWords(contact)) {
    hashes.push_back(PostingHash(Posting::kContactWord, word));
    std::size_t start = 0;
    std::size_t length = 0;
    for (std::size_t points = 0; points < kWordStartPoints && start < word.size(); ++points) {
      CodePointAt(word, start, length);
      start += length;
    }
    hashes.push_back(PostingHash(Posting::kContactWordStart, word.substr(0, start)));
  }
  if (!postcode.empty()) hashes.push_back(PostingHash(Posting::kPostcode, postcode));
  if (!locality.empty()) hashes.push_back(PostingHash(Posting::kLocality, locality));
}

// Scripts written without spaces between words: CJK radicals, kana and ideographs, Hangul
// syllables, CJK compatibility ideographs, half-width kana, and the supplementary ideographs.
bool WithoutSpaces(char32_t point) {
  return (point >= 0x2E80 && point < 0xA000) || (point >= 0xAC00 && point < 0xD7B0) ||
         (point >= 0xF900 && point < 0xFB00) || (point >= 0xFF66 && point < 0xFFA0) ||
         point >= 0x20000;
}

bool WrittenWithoutSpaces(std::string_view word) {
  std::size_t length = 0;
  for (std::size_t i = 0; i < word.size(); i += length) {
    if (WithoutSpaces(CodePointAt(word, i, length))) return true;
  }
  return false;
}

// `text` cut to at most kMaxFieldBytes, at a character boundary.
std::string_view Capped(std::string_view text) {
  if (text.size() <= kMaxFieldBytes) return text;
  std::size_t end = kMaxFieldBytes;
  while (end > 0 && (static_cast<unsigned char>(text[end]) & 0xC0U) == 0x80U) --end;
  return text.substr(0, end);
}

}  // namespace

void CompanyGrams(std::string_view key, std::vector<std::string_view>& grams) {
  grams.clear();
  std::size_t start = 0;
  while (start < key.size()) {
    const std::size_t end = std::min(key.find(' ', start), key.size());
    const std::string_view word = key.substr(start, end - start);
    start = end + 1;
    if (word.empty()) continue;
    if (!WrittenWithoutSpaces(word)) {
      grams.push_back(word);
      continue;
    }
    // Pairs of adjacent characters; a word of one character is its own gram.
    std::size_t length = 0;
    CodePointAt(word, 0, length);
    std::size_t first = 0;
    std::size_t second = length;
    if (second == word.size()) {
      grams.push_back(word);
      continue;
    }
    while (second < word.size()) {
      CodePointAt(word, second, length);
      grams.push_back(word.substr(first, second + length - first));
      first = second;
      second += length;
    }
  }
}

OwnerIndex::Id OwnerIndex::Add(const CustomerRecord& record) {
  const Id id = static_cast<Id>(customers_.size());
  Customer customer;
  customer.text = static_cast<std::uint32_t>(arena_.size());
  std::string_view fields[kFields] = {record.customer, record.email,   record.phone,
                                      record.domain,   record.company, record.company_location,
                                      record.contact,  record.street,  record.locality,
                                      record.postcode, record.region};
  std::size_t needed = arena_.size();
  for (std::string_view& field : fields) {
    field = Capped(field);
    needed += field.size();
  }
  if (needed > arena_.capacity()) {
    arena_.reserve(std::max({needed, arena_.capacity() + arena_.capacity() / 4, kFirstArenaBytes}));
  }
  for (std::size_t f = 0; f < kFields; ++f) {
    customer.lengths[f] = static_cast<std::uint8_t>(fields[f].size());
    arena_.insert(arena_.end(), fields[f].begin(), fields[f].end());
  }
  if (record.country.size() == 2) {
    customer.country[0] = record.country[0];
    customer.country[1] = record.country[1];
  }
  customer.rep = RepNumber(record.rep);
  customer.registered_at_ms = record.registered_at_ms;
  customers_.push_back(customer);
  for (std::size_t kind = 0; kind < kKeyKinds; ++kind) IndexKey(static_cast<KeyKind>(kind), id);

  std::vector<std::string_view> grams;
  CompanyGrams(Company(id), grams);
  std::vector<std::uint64_t> hashes;
  for (const auto gram : grams) hashes.push_back(PostingHash(Posting::kCompanyGram, gram));
  ContactPostings(Contact(id), Postcode(id), Locality(id), hashes);
  std::sort(hashes.begin(), hashes.end());
  hashes.erase(std::unique(hashes.begin(), hashes.end()), hashes.end());
  for (const auto hash : hashes) postings_[hash].push_back(id);
  return id;
}

OwnerIndex::Id OwnerIndex::AddContact(Id entry, const CustomerRecord& record) {
  const Id first = RegistrationOf(entry);
  // Copied: Add may move the arena and the reps these views point into.
  const std::string customer(CustomerId(first));
  const std::string rep(Rep(first));
  CustomerRecord contact = record;
  contact.customer = customer;
  contact.rep = rep;
  const Id id = Add(contact);
  contacts_[first].push_back(id);
  registration_of_.emplace(id, first);
  return id;
}

OwnerIndex::Id OwnerIndex::RegistrationOf(Id entry) const {
  const auto registration = registration_of_.find(entry);
  return registration == registration_of_.end() ? entry : registration->second;
}

std::vector<OwnerIndex::Id> OwnerIndex::EntriesOf(Id entry) const {
  const Id first = RegistrationOf(entry);
  std::vector<Id> entries{first};
  if (const auto contacts = contacts_.find(first); contacts != contacts_.end()) {
    entries.insert(entries.end(), contacts->second.begin(), contacts->second.end());
  }
  return entries;
}

void OwnerIndex::Reassign(Id customer, std::string_view rep) {
  const std::uint32_t number = RepNumber(rep);
  const std::vector<Id> entries = EntriesOf(customer);
  for (const Id entry : entries) customers_[entry].rep = number;
  for (const Id entry : entries) {
    for (std::size_t k = 0; k < kKeyKinds; ++k) {
      const auto kind = static_cast<KeyKind>(k);
      const std::string_view key = KeyOf(kind, entry);
      if (key.empty()) continue;
      const Id first = tables_[k].slots[SlotOf(kind, key)] - 1;
      if (const auto shared = shared_[k].find(first); shared != shared_[k].end()) {
        shared->second.across_reps = AcrossReps(shared->second.holders);
      }
    }
  }
}

OwnerIndex::KeyHit OwnerIndex::Find(KeyKind kind, std::string_view key) const {
  const auto k = static_cast<std::size_t>(kind);
  if (key.empty() || tables_[k].slots.empty()) return {};
  const Id stored = tables_[k].slots[SlotOf(kind, key)];
  if (stored == 0) return {};
  const Id first = stored - 1;
  const auto shared = shared_[k].find(first);
  if (shared == shared_[k].end()) return Released(first) ? KeyHit{} : KeyHit{first, 1, false};
  // Customers, not entries: a customer's further contacts may hold the key too.
  const std::vector<Id>& holders = shared->second.holders;
  const auto owned = [this](Id holder) { return !Released(holder); };
  const auto first_owned = std::find_if(holders.begin(), holders.end(), owned);
  if (first_owned == holders.end()) return {};
  std::vector<Id> customers;
  for (const Id holder : holders) {
    if (owned(holder)) customers.push_back(RegistrationOf(holder));
  }
  std::sort(customers.begin(), customers.end());
  const auto count = static_cast<std::uint32_t>(std::unique(customers.begin(), customers.end()) -
                                                customers.begin());
  if (shared->second.across_reps) return KeyHit{std::nullopt, count, true};
  return KeyHit{*first_owned, count, false};
}

void OwnerIndex::CompanyCandidates(const std::vector<std::string_view>& grams, std::size_t limit,
                                   std::vector<Id>& out, std::vector<std::uint32_t>* shared) const {
  thread_local std::vector<std::uint64_t> hashes;
  hashes.clear();
  for (const auto gram : grams) hashes.push_back(PostingHash(Posting::kCompanyGram, gram));
  Candidates(hashes, kBlockingGrams, limit, out, shared);
}

void OwnerIndex::ContactCandidates(std::string_view contact, std::string_view postcode,
                                   std::string_view locality, std::size_t limit,
                                   std::vector<Id>& out, std::vector<std::uint32_t>* shared) const {
  thread_local std::vector<std::uint64_t> hashes;
  hashes.clear();
  ContactPostings(contact, postcode, locality, hashes);
  Candidates(hashes, kContactBlockingKeys, limit, out, shared);
}

void OwnerIndex::Candidates(const std::vector<std::uint64_t>& hashes, std::size_t blocking,
                            std::size_t limit, std::vector<Id>& out,
                            std::vector<std::uint32_t>* shared) const {
  out.clear();
  if (shared) shared->clear();
  // Reused from lookup to lookup: a lookup allocates nothing once they have grown.
  thread_local std::vector<const std::vector<Id>*> lists;
  thread_local std::vector<std::pair<Id, std::uint32_t>> counted;
  thread_local std::vector<std::pair<Id, std::uint32_t>> merged;
  lists.clear();
  counted.clear();
  for (const auto hash : hashes) {
    const auto found = postings_.find(hash);
    if (found == postings_.end() || found->second.size() > kCommonGram) continue;
    if (std::find(lists.begin(), lists.end(), &found->second) == lists.end()) {
      lists.push_back(&found->second);
    }
  }
  std::sort(lists.begin(), lists.end(),
            [](const auto* a, const auto* b) { return a->size() < b->size(); });
  if (lists.size() > blocking) lists.resize(blocking);
  // Each posting list is in id order: count how many lists hold each id by merging them.
  for (const auto* list : lists) {
    merged.clear();
    auto c = counted.begin();
    auto l = list->begin();
    while (c != counted.end() || l != list->end()) {
      if (l == list->end() || (c != counted.end() && c->first < *l)) {
        merged.push_back(*c++);
      } else if (c == counted.end() || *l < c->first) {
        merged.emplace_back(*l++, 1);
      } else {
        merged.emplace_back(c->first, c->second + 1);
        ++c;
        ++l;
      }
    }
    counted.swap(merged);
  }
  // A count is at most `blocking`: one pass per count, most shared first, ids in order
  // within a count. Customers sharing fewer grams than the best but one are not the same
  // company when the best is: scoring them would only cost time.
  std::uint32_t best = 0;
  for (const auto& each : counted) best = std::max(best, each.second);
  const std::uint32_t enough = best < 2 ? 1 : best - 1;
  for (std::uint32_t wanted = best; wanted >= enough && out.size() < limit; --wanted) {
    for (const auto& [id, count] : counted) {
      if (count != wanted) continue;
      out.push_back(id);
      if (shared) shared->push_back(count);
      if (out.size() == limit) break;
    }
  }
}

std::string_view OwnerIndex::Country(Id id) const {
  const Customer& customer = customers_[id];
  if (customer.country[0] == '\0') return {};
  return {customer.country, 2};
}

std::size_t OwnerIndex::MemoryBytes() const {
  // A node of an unordered_map holds its next pointer, the cached hash and the value.
  constexpr std::size_t kNodeOverhead = 2 * sizeof(void*);
  std::size_t bytes = arena_.capacity() + customers_.capacity() * sizeof(Customer);
  for (const auto& table : tables_) bytes += table.slots.capacity() * sizeof(Id);
  for (const auto& shared : shared_) {
    bytes += shared.bucket_count() * sizeof(void*);
    for (const auto& [first, entry] : shared) {
      bytes +=
          kNodeOverhead + sizeof(first) + sizeof(entry) + entry.holders.capacity() * sizeof(Id);
    }
  }
  bytes += postings_.bucket_count() * sizeof(void*);
  for (const auto& [hash, list] : postings_) {
    bytes += kNodeOverhead + sizeof(hash) + sizeof(list) + list.capacity() * sizeof(Id);
  }
  for (const auto& rep : reps_) bytes += sizeof(rep) + rep.capacity();
  bytes += (contacts_.bucket_count() + registration_of_.bucket_count()) * sizeof(void*);
  for (const auto& contacts : contacts_) {
    bytes += kNodeOverhead + sizeof(contacts) + contacts.second.capacity() * sizeof(Id);
  }
  bytes += registration_of_.size() * (kNodeOverhead + 2 * sizeof(Id));
  return bytes;
}

std::string_view OwnerIndex::Field(Id id, std::size_t field) const {
  const Customer& customer = customers_[id];
  std::size_t offset = customer.text;
  for (std::size_t f = 0; f < field; ++f) offset += customer.lengths[f];
  return {arena_.data() + offset, customer.lengths[field]};
}

std::size_t OwnerIndex::SlotOf(KeyKind kind, std::string_view key) const {
  const KeyTable& table = tables_[static_cast<std::size_t>(kind)];
  const std::size_t mask = table.slots.size() - 1;
  std::size_t slot = HashOf(key) & mask;
  while (table.slots[slot] != 0 && KeyOf(kind, table.slots[slot] - 1) != key) {
    slot = (slot + 1) & mask;
  }
  return slot;
}

void OwnerIndex::Grow(KeyKind kind) {
  KeyTable& table = tables_[static_cast<std::size_t>(kind)];
  std::vector<Id> old = std::move(table.slots);
  table.slots.assign(old.empty() ? kFirstTableSize : old.size() * 2, 0);
  const std::size_t mask = table.slots.size() - 1;
  for (const Id stored : old) {
    if (stored == 0) continue;
    std::size_t slot = HashOf(KeyOf(kind, stored - 1)) & mask;
    while (table.slots[slot] != 0) slot = (slot + 1) & mask;
    table.slots[slot] = stored;
  }
}

void OwnerIndex::IndexKey(KeyKind kind, Id id) {
  const std::string_view key = KeyOf(kind, id);
  if (key.empty()) return;
  const auto k = static_cast<std::size_t>(kind);
  KeyTable& table = tables_[k];
  // At most half full: probes stay short.
  if ((table.used + 1) * 2 > table.slots.size()) Grow(kind);
  const std::size_t slot = SlotOf(kind, key);
  if (table.slots[slot] == 0) {
    table.slots[slot] = id + 1;
    ++table.used;
    return;
  }
  const Id first = table.slots[slot] - 1;
  Shared& shared = shared_[k][first];
  if (shared.holders.empty()) shared.holders.push_back(first);
  shared.holders.push_back(id);
  shared.across_reps = AcrossReps(shared.holders);
}

std::uint32_t OwnerIndex::RepNumber(std::string_view rep) {
  const auto [found, added] =
      rep_numbers_.try_emplace(std::string(rep), static_cast<std::uint32_t>(reps_.size()));
  if (added) reps_.emplace_back(rep);
  return found->second;
}

bool OwnerIndex::AcrossReps(const std::vector<Id>& holders) const {
  std::optional<std::uint32_t> rep;
  for (const Id holder : holders) {
    if (Released(holder)) continue;
    if (rep && *rep != customers_[holder].rep) return true;
    rep = customers_[holder].rep;
  }
  return false;
}

}  // namespace leadd::dedupe
