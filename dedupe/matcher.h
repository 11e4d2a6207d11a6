// Matcher: does a lead belong to a customer someone already owns? Exact keys first (email, then
// phone, then company domain), then the company name, fuzzily, among the customers that share
// its rarest words. Every finding says which keys agreed and which disagreed.
//
// A wrong match steals a lead from the right rep, a missed one starts a quarrel between two
// reps: so a score at or above `auto_match` applies the owner rule, one at or above `review`
// routes the lead normally but flags the possible owner, and below that there is no owner.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "dedupe/owner_index.h"

namespace leadd::dedupe {

struct MatchThresholds {
  double auto_match = 0.92;
  double review = 0.80;
};

// A lead's keys, normalised as the customers' were.
struct LeadKeys {
  std::string_view email;
  std::string_view phone;  // E.164
  std::string_view domain;
  std::string_view company;
  std::string_view country;  // ISO 3166-1 alpha-2
};

struct MatchFinding {
  enum class Verdict { kNone, kReview, kOwner };
  Verdict verdict = Verdict::kNone;
  std::optional<OwnerIndex::Id> customer;  // the best candidate, when there was one
  double score = 0.0;
  std::vector<std::string>
      agreed;  // "email", "phone", "company domain", "company name 0.95", "country"
  std::vector<std::string> disagreed;  // "phone", "country DE against FR"
  std::vector<std::string> notes;      // keys that could not decide, and why

  // One sentence for the decision's explanation: the verdict, the score and the keys, free of
  // the personal data itself.
  std::string Explanation(const OwnerIndex& index) const;
};

// How much each kind of evidence is worth; the score of a candidate starts from its strongest
// exact key (or its company-name similarity) and moves with each other key compared.
struct MatchWeights {
  double email = 1.0;
  double phone = 0.97;
  double domain = 0.95;
  double disagreeing_key = 0.06;  // taken off per exact key both sides have and that differs
  double same_country = 0.04;
  double other_country = 0.20;
  double same_calling_code = 0.02;
  std::size_t candidates = 16;  // company candidates scored per lead, at most
};

MatchFinding FindOwner(const OwnerIndex& index, const LeadKeys& lead,
                       const MatchThresholds& thresholds, const MatchWeights& weights = {});

}  // namespace leadd::dedupe
