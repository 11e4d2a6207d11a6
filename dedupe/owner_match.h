// OwnerMatch: the answer of dedupe, "this lead belongs to that rep, because ...", and how a
// lead's answer is reached from the registry's email owner and the matcher's finding.
#pragma once

#include <optional>
#include <string>

#include "dedupe/matcher.h"
#include "dedupe/owner_index.h"

namespace leadd::dedupe {

struct OwnerMatch {
  std::string rep;      // the registered owner
  std::string key;      // which key agreed: "email"
  std::string because;  // a sentence for the explanation, free of personal data
};

// A customer that may be the lead's, scored between `review` and `auto_match`: the lead is
// routed normally, and the possible owner is flagged to both reps and the admins.
struct PossibleOwner {
  std::string rep;
  std::string customer;
  double score = 0.0;
  std::string because;
};

struct LeadOwnership {
  std::optional<OwnerMatch> owner;  // the owner rule applies
  std::optional<PossibleOwner> possible;
  // The lead's customer is registered already (it has an owner): whoever takes the lead
  // registers no new customer.
  bool known = false;
  // That customer's id, when the index holds it: if it changes hands before the lead is
  // assigned, the owner named here is no longer its owner.
  std::string customer;
  // The owner's customer, when the lead gives a key it is not found by yet (another phone, the
  // name in another script): the owner's rep, taking the lead, adds the lead's keys to it as a
  // further contact, so that the customer's next lead is found by those keys too.
  std::string adds_contact_to;
};

// Whether `lead` gives a key (email, phone, domain, company name, contact name, street) that no
// entry of the customer `entry` belongs to holds.
bool GivesNewKeys(const OwnerIndex& index, OwnerIndex::Id entry, const LeadKeys& lead);

// `email_owner` is the rep `P:owner:email` names for the lead's email key: the registry's own
// answer, atomic with every assignment, and the only one for owners recorded before the
// registry kept customers. Without it, the matcher's finding over `index` decides; a customer
// released by its rep (no rep in the index) owns nothing.
LeadOwnership OwnershipOf(const std::optional<std::string>& email_owner, const OwnerIndex& index,
                          const LeadKeys& lead, const MatchThresholds& thresholds);

}  // namespace leadd::dedupe
