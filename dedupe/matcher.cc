#include "dedupe/matcher.h"

#include <algorithm>
#include <array>
#include <cmath>
#include <cstdio>

#include "dedupe/similarity.h"
#include "dedupe/text_fold.h"

namespace leadd::dedupe {
namespace {

using Id = OwnerIndex::Id;

struct ExactKey {
  KeyKind kind;
  std::string_view name;
  std::string_view lead_value;
  double worth;
};

std::array<ExactKey, kKeyKinds> ExactKeys(const LeadKeys& lead, const MatchWeights& weights) {
  return {{{KeyKind::kEmail, "email", lead.email, weights.email},
           {KeyKind::kPhone, "phone", lead.phone, weights.phone},
           {KeyKind::kDomain, "company domain", lead.domain, weights.domain}}};
}

std::string_view CustomerKey(const OwnerIndex& index, KeyKind kind, Id id) {
  switch (kind) {
    case KeyKind::kEmail:
      return index.Email(id);
    case KeyKind::kPhone:
      return index.Phone(id);
    case KeyKind::kDomain:
      return index.Domain(id);
  }
  return {};
}

std::string Score(double score) {
  char text[16];
  std::snprintf(text, sizeof text, "%.2f", score);
  return text;
}

// The candidate an exact key found, set against the lead's other keys: one that both sides
// have and that differs costs `disagreeing_key`, as does another country (a multinational's
// buyer writes from abroad, so less than for a name-only match).
double CompareExact(const OwnerIndex& index, Id customer, const LeadKeys& lead, KeyKind found_by,
                    const MatchWeights& weights, MatchFinding& finding) {
  double score = 0.0;
  for (const ExactKey& key : ExactKeys(lead, weights)) {
    if (key.kind == found_by) {
      score = key.worth;
      finding.agreed.emplace_back(key.name);
      continue;
    }
    const std::string_view theirs = CustomerKey(index, key.kind, customer);
    if (key.lead_value.empty() || theirs.empty()) continue;
    if (key.lead_value == theirs) {
      finding.agreed.emplace_back(key.name);
    } else {
      finding.disagreed.emplace_back(key.name);
      score -= weights.disagreeing_key;
    }
  }
  const std::string_view country = index.Country(customer);
  if (!lead.country.empty() && !country.empty()) {
    if (lead.country == country) {
      finding.agreed.emplace_back("country");
    } else {
      finding.disagreed.emplace_back("country");
      score -= weights.disagreeing_key;
    }
  }
  return score;
}

// Two places a company name gave ("深圳", "广东 深圳"): the same when they share a word.
bool SharePlace(std::string_view a, std::string_view b) {
  for (const std::string_view place : SplitWords(a)) {
    for (const std::string_view other : SplitWords(b)) {
      if (place == other) return true;
    }
  }
  return false;
}

// A disagreeing email counts against a name match only when the company domains have not
// already been compared: colleagues at one firm write from different mailboxes of its domain.
bool OtherEmail(const OwnerIndex& index, Id customer, const LeadKeys& lead) {
  const std::string_view email = index.Email(customer);
  if (lead.email.empty() || email.empty() || lead.email == email) return false;
  return lead.domain.empty() || index.Domain(customer).empty();
}

// A company-name candidate's score: how alike the names are, up for the same country and down
// for another, down for a different company domain, email or registered location. The names'
// likeness is Jaro-Winkler on the whole key (spelling) and soft Dice on the grams (words in any
// order, a plural or a typo forgiven), averaged, so that neither a shared prefix nor one shared
// word alone makes two companies the same. Jaro-Winkler is the costly half: a candidate that
// could not reach `floor` even with a perfect one is left there, with nullopt.
std::optional<double> CompanyScore(const OwnerIndex& index, Id customer, const LeadKeys& lead,
                                   const std::vector<std::string_view>& lead_grams,  // sorted
                                   const MatchWeights& weights, double floor,
                                   std::vector<std::string>* agreed = nullptr,
                                   std::vector<std::string>* disagreed = nullptr) {
  double adjustment = 0.0;
  const std::string_view country = index.Country(customer);
  const bool countries_known = !lead.country.empty() && !country.empty();
  const bool same_country = countries_known && lead.country == country;
  if (countries_known) adjustment += same_country ? weights.same_country : -weights.other_country;
  const std::string_view domain = index.Domain(customer);
  const bool other_domain = !lead.domain.empty() && !domain.empty() && lead.domain != domain;
  if (other_domain) adjustment -= weights.disagreeing_key;
  const bool other_email = OtherEmail(index, customer, lead);
  if (other_email) adjustment -= weights.disagreeing_key;
  const std::string_view location = index.CompanyLocation(customer);
  const bool locations_known = !lead.company_location.empty() && !location.empty();
  const bool same_location = locations_known && SharePlace(lead.company_location, location);
  if (locations_known && !same_location) adjustment -= weights.other_company_location;

  thread_local std::vector<std::string_view> grams;
  CompanyGrams(index.Company(customer), grams);
  SortedTokens(grams);
  const double words = SoftTokenDiceOfSorted(lead_grams, grams);
  if ((1.0 + words) / 2.0 + adjustment < floor) return std::nullopt;
  const double similarity = (JaroWinkler(lead.company, index.Company(customer)) + words) / 2.0;
  if (agreed) {
    agreed->push_back("company name " + Score(similarity));
    if (same_location) agreed->emplace_back("company location");
    if (same_country) agreed->emplace_back("country");
  }
  if (disagreed) {
    if (locations_known && !same_location) disagreed->emplace_back("company location");
    if (countries_known && !same_country) disagreed->emplace_back("country");
    if (other_domain) disagreed->emplace_back("company domain");
    if (other_email) disagreed->emplace_back("email");
  }
  return std::clamp(similarity + adjustment, 0.0, 1.0);
}

// Spellings of one value that differ by a typo or two ("lonon" / "london", "evied56@harris-
// bailey.net" / "evihd56@earris-bailey.net") are this alike or more.
constexpr double kAlike = 0.9;
// Below that, a spelling this alike may still be a typo of the same ("lodon" / "london") or
// another value ("luton" / "london" is less): it decides nothing.
constexpr double kMaybeAlike = 0.85;
// Two street addresses agree when this share of their words do, a typo in each forgiven, in
// any order (the lines of an address are swapped as often as not): "2 lambrigg street" / "2
// lambrig gstreet", "may maxwell crescent" / "28 may maxwell crescent"; from the lower share
// on they may be one address written differently ("19 warrumbul street" / "4 warrumbmul
// street") and decide nothing; below it they differ ("61 downes place" / "16 downes place"
// agree no more than half).
constexpr double kSameStreet = 0.8;
constexpr double kStreetUndecided = 0.55;

// How a key of a contact is compared: a code (postcode, phone) that differs by a typo neither
// agrees nor differs, since a typo'd code is often another real one; a spelt value (a
// locality, an email) agrees despite a typo; a street by its words, or despite a typo when
// two words were run together.
enum class Compared { kCode, kSpelling, kWords };

// One of the keys a contact candidate is set against besides the name.
struct ContactKey {
  std::string_view name;
  std::string_view lead_value;
  std::string_view their_value;
  Compared compared;
  bool corroborates;  // agreeing says something about this person (a state or country does not)
  double agrees;
  double differs;
};

enum class Outcome { kAgrees, kUndecided, kDiffers };

Outcome Compare(const ContactKey& key) {
  if (key.lead_value == key.their_value) return Outcome::kAgrees;
  switch (key.compared) {
    case Compared::kCode:
      return JaroWinkler(key.lead_value, key.their_value) >= kAlike ? Outcome::kUndecided
                                                                    : Outcome::kDiffers;
    case Compared::kSpelling: {
      const double spelling = JaroWinkler(key.lead_value, key.their_value);
      if (spelling >= kAlike) return Outcome::kAgrees;
      return spelling >= kMaybeAlike ? Outcome::kUndecided : Outcome::kDiffers;
    }
    case Compared::kWords: {
      const double words = SoftTokenDice(SplitWords(key.lead_value), SplitWords(key.their_value));
      if (words >= kSameStreet || JaroWinkler(key.lead_value, key.their_value) >= kAlike) {
        return Outcome::kAgrees;
      }
      return words >= kStreetUndecided ? Outcome::kUndecided : Outcome::kDiffers;
    }
  }
  return Outcome::kDiffers;
}

// A contact candidate's score: how alike the names are word by word (a name part only one side
// gives costs `missing_name_word`), up for each postcode, locality, street, email or phone that
// agrees and down for each that does not. A name stays under `name_only_contact` unless more
// keys agree than differ (another email outweighs the same town); a one-word name ("Oliver",
// "White") unless two agree and none differs.
double ContactScore(const OwnerIndex& index, Id customer, const LeadKeys& lead,
                    const std::vector<std::string_view>& lead_words,
                    const MatchThresholds& thresholds, const MatchWeights& weights,
                    std::vector<std::string>* agreed = nullptr,
                    std::vector<std::string>* disagreed = nullptr) {
  const std::vector<std::string_view> words = SplitWords(index.Contact(customer));
  const std::size_t missing =
      std::max(lead_words.size(), words.size()) - std::min(lead_words.size(), words.size());
  const double name = PairedWordSimilarity(lead_words, words) -
                      weights.missing_name_word * static_cast<double>(missing);
  if (agreed) agreed->push_back("contact name " + Score(name));

  const ContactKey keys[] = {
      {"postcode", lead.postcode, index.Postcode(customer), Compared::kCode, true,
       weights.address_agrees, weights.address_differs},
      {"locality", lead.locality, index.Locality(customer), Compared::kSpelling, true,
       weights.address_agrees, weights.address_differs},
      {"street", lead.street, index.Street(customer), Compared::kWords, true,
       weights.address_agrees, weights.address_differs},
      {"region", lead.region, index.Region(customer), Compared::kCode, false, 0.0,
       weights.address_differs},
      {"email", lead.email, index.Email(customer), Compared::kSpelling, true,
       weights.address_agrees, weights.disagreeing_key},
      {"phone", lead.phone, index.Phone(customer), Compared::kCode, true, weights.address_agrees,
       weights.disagreeing_key},
      {"country", lead.country, index.Country(customer), Compared::kCode, false, 0.0,
       weights.other_country},
  };
  double score = name;
  int corroborations = 0;
  int contradictions = 0;
  for (const ContactKey& key : keys) {
    if (key.lead_value.empty() || key.their_value.empty()) continue;
    switch (Compare(key)) {
      case Outcome::kAgrees:
        score += key.agrees;
        corroborations += key.corroborates ? 1 : 0;
        if (agreed) agreed->emplace_back(key.name);
        break;
      case Outcome::kUndecided:
        break;
      case Outcome::kDiffers:
        score -= key.differs;
        ++contradictions;
        if (disagreed) disagreed->emplace_back(key.name);
        break;
    }
  }
  const bool one_word = lead_words.size() < 2 || words.size() < 2;
  const bool corroborated =
      one_word ? corroborations >= 2 && contradictions == 0 : corroborations - contradictions >= 1;
  if (!corroborated) {
    // Whatever the thresholds: an operator lowering auto_match must not make names alone owners.
    score =
        std::min({score, weights.name_only_contact, std::nextafter(thresholds.auto_match, 0.0)});
  }
  return std::clamp(score, 0.0, 1.0);
}

// The best candidate by company name and by contact name, when no exact key found one; ties go
// to the earlier registration, the first to register owning it.
void FindByName(const OwnerIndex& index, const LeadKeys& lead, const MatchThresholds& thresholds,
                const MatchWeights& weights, MatchFinding& finding) {
  const auto better = [&finding](Id candidate, double score) {
    return score > finding.score ||
           (score == finding.score && (!finding.customer || candidate < *finding.customer));
  };
  // Prepared once per lead: the lead's grams (sorted for comparing) and name words, and the
  // buffers of candidates.
  thread_local std::vector<std::string_view> grams;
  thread_local std::vector<std::string_view> contact_words;
  thread_local std::vector<Id> candidates;
  thread_local std::vector<std::uint32_t> shared;
  bool by_contact = false;
  if (!lead.company.empty()) {
    CompanyGrams(lead.company, grams);
    SortedTokens(grams);
    index.CompanyCandidates(grams, weights.candidates, candidates, &shared);
    for (std::size_t c = 0; c < candidates.size(); ++c) {
      const Id candidate = candidates[c];
      if (index.Released(candidate)) continue;
      // Candidates come most shared grams first: once one is the owner, those sharing fewer
      // of the lead's rarest words are not scored (the blocking's evidence against them is
      // what an exhaustive score would mostly confirm, at the cost of most of a lookup).
      if (finding.score >= thresholds.auto_match && shared[c] < shared.front()) break;
      // Only a candidate that can reach the best so far (and at least `review`) is worth
      // finishing.
      const double floor = std::max(thresholds.review, finding.score);
      const auto score = CompanyScore(index, candidate, lead, grams, weights, floor);
      if (!score || *score < floor || !better(candidate, *score)) continue;
      finding.score = *score;
      finding.customer = candidate;
    }
  }
  // A company name that already names its owner is not second-guessed by the contact's.
  if (!lead.contact.empty() && finding.score < thresholds.auto_match) {
    contact_words = SplitWords(lead.contact);
    index.ContactCandidates(lead.contact, lead.postcode, lead.locality, weights.candidates,
                            candidates, &shared);
    for (std::size_t c = 0; c < candidates.size(); ++c) {
      const Id candidate = candidates[c];
      if (index.Released(candidate)) continue;
      // As for company names: once one is the owner, those sharing fewer keys are not scored.
      if (finding.score >= thresholds.auto_match && shared[c] < shared.front()) break;
      const double score = ContactScore(index, candidate, lead, contact_words, thresholds, weights);
      if (score < thresholds.review || !better(candidate, score)) continue;
      finding.score = score;
      finding.customer = candidate;
      by_contact = true;
    }
  }
  if (!finding.customer) return;
  if (by_contact) {
    ContactScore(index, *finding.customer, lead, contact_words, thresholds, weights,
                 &finding.agreed, &finding.disagreed);
  } else {
    CompanyScore(index, *finding.customer, lead, grams, weights, 0.0, &finding.agreed,
                 &finding.disagreed);
  }
}

}  // namespace

std::string MatchFinding::Evidence(const OwnerIndex& index) const {
  std::vector<std::string> parts;
  if (customer) {
    parts.push_back("customer " + std::string(index.CustomerId(*customer)) + " of " +
                    std::string(index.Rep(*customer)) + ", score " + Score(score));
  }
  const auto listed = [](std::string text, const std::vector<std::string>& items) {
    for (std::size_t i = 0; i < items.size(); ++i) text += (i == 0 ? "" : ", ") + items[i];
    return text;
  };
  if (!agreed.empty()) parts.push_back(listed("agreed: ", agreed));
  if (!disagreed.empty()) parts.push_back(listed("disagreed: ", disagreed));
  parts.insert(parts.end(), notes.begin(), notes.end());
  std::string text;
  for (const auto& part : parts) text += (text.empty() ? "" : "; ") + part;
  return text;
}

std::string MatchFinding::Explanation(const OwnerIndex& index) const {
  std::string text;
  switch (verdict) {
    case Verdict::kNone:
      text = "no owner";
      break;
    case Verdict::kReview:
      text = "possible owner, for review";
      break;
    case Verdict::kOwner:
      text = "owner";
      break;
  }
  const std::string evidence = Evidence(index);
  if (!evidence.empty()) text += (customer ? ": " : "; ") + evidence;
  return text;
}

MatchFinding FindOwner(const OwnerIndex& index, const LeadKeys& lead,
                       const MatchThresholds& thresholds, const MatchWeights& weights) {
  MatchFinding finding;
  std::optional<Id> found;
  KeyKind found_by = KeyKind::kEmail;
  bool contested = false;
  for (const ExactKey& key : ExactKeys(lead, weights)) {
    if (key.lead_value.empty()) continue;
    const OwnerIndex::KeyHit hit = index.Find(key.kind, key.lead_value);
    if (hit.shared_across_reps) {
      finding.notes.push_back(std::string(key.name) + " is shared by " +
                              std::to_string(hit.holders) +
                              " customers of different reps, so it names none of them");
      continue;
    }
    if (!hit.customer) continue;
    if (!found) {
      found = hit.customer;
      found_by = key.kind;
    } else if (index.Rep(*hit.customer) != index.Rep(*found)) {
      contested = true;
      finding.notes.push_back(std::string(key.name) + " names customer " +
                              std::string(index.CustomerId(*hit.customer)) + " of " +
                              std::string(index.Rep(*hit.customer)) + " instead");
    }
  }

  if (found) {
    finding.customer = found;
    finding.score = CompareExact(index, *found, lead, found_by, weights, finding);
  } else {
    FindByName(index, lead, thresholds, weights, finding);
  }

  if (contested) {
    // Two reps' customers each hold one of the lead's keys: neither rule may take it alone.
    finding.verdict = MatchFinding::Verdict::kReview;
    finding.notes.emplace_back("keys name customers of different reps: an admin decides");
  } else if (finding.score >= thresholds.auto_match) {
    finding.verdict = MatchFinding::Verdict::kOwner;
  } else if (finding.score >= thresholds.review) {
    finding.verdict = MatchFinding::Verdict::kReview;
  }
  return finding;
}

}  // namespace leadd::dedupe
