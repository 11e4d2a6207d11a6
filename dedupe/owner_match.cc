#include "dedupe/owner_match.h"

#include <algorithm>
#include <utility>
#include <vector>

namespace leadd::dedupe {

bool GivesNewKeys(const OwnerIndex& index, OwnerIndex::Id entry, const LeadKeys& lead) {
  using Field = std::string_view (OwnerIndex::*)(OwnerIndex::Id) const;
  const std::pair<std::string_view, Field> keys[] = {
      {lead.email, &OwnerIndex::Email},     {lead.phone, &OwnerIndex::Phone},
      {lead.domain, &OwnerIndex::Domain},   {lead.company, &OwnerIndex::Company},
      {lead.contact, &OwnerIndex::Contact}, {lead.street, &OwnerIndex::Street}};
  const std::vector<OwnerIndex::Id> entries = index.EntriesOf(entry);
  for (const auto& [value, field] : keys) {
    const auto holds = [&index, value = value, field = field](OwnerIndex::Id id) {
      return (index.*field)(id) == value;
    };
    if (!value.empty() && std::none_of(entries.begin(), entries.end(), holds)) return true;
  }
  return false;
}

LeadOwnership OwnershipOf(const std::optional<std::string>& email_owner, const OwnerIndex& index,
                          const LeadKeys& lead, const MatchThresholds& thresholds) {
  LeadOwnership ownership;
  const auto owned_as = [&](OwnerIndex::Id entry) {
    ownership.customer = std::string(index.CustomerId(entry));
    if (GivesNewKeys(index, entry, lead)) ownership.adds_contact_to = ownership.customer;
  };
  if (email_owner) {
    ownership.owner = OwnerMatch{*email_owner, "email", "exact email match"};
    ownership.known = true;
    // Owners recorded before the registry kept customers have no customer to learn.
    const OwnerIndex::KeyHit hit = index.Find(KeyKind::kEmail, lead.email);
    if (hit.customer && index.Rep(*hit.customer) == *email_owner) owned_as(*hit.customer);
    return ownership;
  }
  const MatchFinding finding = FindOwner(index, lead, thresholds);
  if (!finding.customer) return ownership;
  const std::string rep(index.Rep(*finding.customer));
  switch (finding.verdict) {
    case MatchFinding::Verdict::kOwner:
      ownership.owner =
          OwnerMatch{rep, finding.agreed.empty() ? "company name" : finding.agreed.front(),
                     finding.Evidence(index)};
      ownership.known = true;
      owned_as(*finding.customer);
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
