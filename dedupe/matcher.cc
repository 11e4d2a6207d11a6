#include "dedupe/matcher.h"

#include <algorithm>
#include <array>
#include <cstdio>

#include "dedupe/similarity.h"

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

// A company-name candidate's score: how alike the names are, up for the same country and down
// for another, down for a different company domain. The names' likeness is Jaro-Winkler on
// the whole key (spelling) and soft Dice on the grams (words in any order, a plural or a typo
// forgiven), averaged, so that neither a shared prefix nor one shared word alone makes two
// companies the same. Jaro-Winkler is the costly half: a candidate that could not reach
// `floor` even with a perfect one is left there, with nullopt.
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

  thread_local std::vector<std::string_view> grams;
  CompanyGrams(index.Company(customer), grams);
  SortedTokens(grams);
  const double words = SoftTokenDiceOfSorted(lead_grams, grams);
  if ((1.0 + words) / 2.0 + adjustment < floor) return std::nullopt;
  const double similarity = (JaroWinkler(lead.company, index.Company(customer)) + words) / 2.0;
  if (agreed) {
    agreed->push_back("company name " + Score(similarity));
    if (same_country) agreed->emplace_back("country");
  }
  if (disagreed) {
    if (countries_known && !same_country) disagreed->emplace_back("country");
    if (other_domain) disagreed->emplace_back("company domain");
  }
  return std::clamp(similarity + adjustment, 0.0, 1.0);
}

}  // namespace

std::string MatchFinding::Explanation(const OwnerIndex& index) const {
  const auto listed = [](const std::vector<std::string>& items) {
    std::string text;
    for (const auto& item : items) text += (text.empty() ? "" : ", ") + item;
    return text;
  };
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
  if (customer) {
    text += ": customer " + std::string(index.CustomerId(*customer)) + " of " +
            std::string(index.Rep(*customer)) + ", score " + Score(score);
  }
  if (!agreed.empty()) text += "; agreed: " + listed(agreed);
  if (!disagreed.empty()) text += "; disagreed: " + listed(disagreed);
  if (!notes.empty()) text += "; " + listed(notes);
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
  } else if (!lead.company.empty()) {
    // Both prepared once per lead: the lead's grams, sorted for comparing, and the buffer of
    // candidates.
    thread_local std::vector<std::string_view> grams;
    thread_local std::vector<Id> candidates;
    thread_local std::vector<std::uint32_t> shared;
    CompanyGrams(lead.company, grams);
    SortedTokens(grams);
    index.CompanyCandidates(grams, weights.candidates, candidates, &shared);
    for (std::size_t c = 0; c < candidates.size(); ++c) {
      const Id candidate = candidates[c];
      // Candidates come most shared grams first: once one is the owner, those sharing fewer
      // of the lead's rarest words are not scored (the blocking's evidence against them is
      // what an exhaustive score would mostly confirm, at the cost of most of a lookup).
      if (finding.score >= thresholds.auto_match && shared[c] < shared.front()) break;
      // Only a candidate that can reach the best so far (and at least `review`) is worth
      // finishing; ties go to the earlier registration, the first to register owning it.
      const double floor = std::max(thresholds.review, finding.score);
      const auto score = CompanyScore(index, candidate, lead, grams, weights, floor);
      if (!score || *score < floor) continue;
      if (*score > finding.score || !finding.customer || candidate < *finding.customer) {
        finding.score = *score;
        finding.customer = candidate;
      }
    }
    if (finding.customer) {
      CompanyScore(index, *finding.customer, lead, grams, weights, 0.0, &finding.agreed,
                   &finding.disagreed);
    }
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
