#include "dedupe/owner_match.h"

namespace leadd::dedupe {

LeadOwnership OwnershipOf(const std::optional<std::string>& email_owner, const OwnerIndex& index,
                          const LeadKeys& lead, const MatchThresholds& thresholds) {
  LeadOwnership ownership;
  if (email_owner) {
    ownership.owner = OwnerMatch{*email_owner, "email", "exact email match"};
    ownership.known = true;
    return ownership;
  }
  const MatchFinding finding = FindOwner(index, lead, thresholds);
  if (!finding.customer || index.Rep(*finding.customer).empty()) return ownership;
  const std::string rep(index.Rep(*finding.customer));
  switch (finding.verdict) {
    case MatchFinding::Verdict::kOwner:
      ownership.owner =
          OwnerMatch{rep, finding.agreed.empty() ? "company name" : finding.agreed.front(),
                     finding.Evidence(index)};
      ownership.known = true;
      break;
    case MatchFinding::Verdict::kReview:
      ownership.possible = PossibleOwner{rep, std::string(index.CustomerId(*finding.customer)),
                                         finding.score, finding.Explanation(index)};
      break;
    case MatchFinding::Verdict::kNone:
      break;
  }
  return ownership;
}

}  // namespace leadd::dedupe
