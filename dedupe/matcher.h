// Matcher: does a lead belong to a customer someone already owns? Exact keys first (email, then
// phone, then company domain), then the company name, fuzzily, among the customers that share
// its rarest words, and the contact's name among the customers whose contact shares a name
// word, its start, the postcode or the locality. Every finding says which keys agreed and which
// disagreed.
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

// A lead's keys, normalised as the customers' were (CustomerRecord says how).
struct LeadKeys {
  std::string_view email = {};
  std::string_view phone = {};  // E.164
  std::string_view domain = {};
  std::string_view company = {};
  std::string_view country = {};  // ISO 3166-1 alpha-2
  std::string_view company_location = {};
  std::string_view contact = {};
  std::string_view street = {};
  std::string_view locality = {};
  std::string_view postcode = {};
  std::string_view region = {};
};

struct MatchFinding {
  enum class Verdict { kNone, kReview, kOwner };
  Verdict verdict = Verdict::kNone;
  std::optional<OwnerIndex::Id> customer;  // the best candidate, when there was one
  double score = 0.0;
  std::vector<std::string> agreed;     // "email", "phone", "company domain", "company name 0.95",
                                       // "contact name 0.97", "postcode", "country"
  std::vector<std::string> disagreed;  // "phone", "country DE against FR"
  std::vector<std::string> notes;      // keys that could not decide, and why

  // One sentence for the decision's explanation: the verdict, the score and the keys, free of
  // the personal data itself.
  std::string Explanation(const OwnerIndex& index) const;
  // The same without the verdict ("customer C-1 of alice, score 0.97; agreed: phone"), for a
  // sentence that says the verdict itself.
  std::string Evidence(const OwnerIndex& index) const;
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
  // Both company names say where they are registered, and no place is the same: "中山市宏发
  // 五金制品" and "佛山市宏发五金制品" are two firms, however alike the rest.
  double other_company_location = 0.15;
  // Of a contact: each postcode, locality, street, email or phone that agrees (a typo
  // forgiven), each postcode, locality, street or region that does not, and each name part
  // only one side gives ("white" / "mitchell white").
  double address_agrees = 0.08;
  double address_differs = 0.10;
  double missing_name_word = 0.10;
  // A contact's name alone never applies the owner rule: many people share a name. Unless
  // more of its postcode, locality, street, email and phone agree than its keys differ (two
  // agree and none differs, when either name is one word: "Oliver"), a contact scores at most
  // this, and below auto_match whatever it is.
  double name_only_contact = 0.88;
};

MatchFinding FindOwner(const OwnerIndex& index, const LeadKeys& lead,
                       const MatchThresholds& thresholds, const MatchWeights& weights = {});

}  // namespace leadd::dedupe
