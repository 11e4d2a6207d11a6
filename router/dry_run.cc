#include "router/dry_run.h"

#include <chrono>

namespace leadd::router {

namespace {

// As the Functions' MAX_CONTACTS: the further contacts a customer keeps at most.
constexpr std::size_t kMaxContacts = 16;

}  // namespace

DryRun::DryRun(const config::DaemonSettings& settings)
    : router_(settings), dedupe_(settings.dedupe) {
  for (const auto& rule : settings.rules) rule_names_.push_back(rule.name);
}

DryRunResult DryRun::Route(Lead lead) {
  ++total_;
  lead.id = "D-" + std::to_string(total_);
  const dedupe::ContactKeys contact =
      dedupe::ContactKeysOf(dedupe::ContactTextOf(lead), dedupe_.default_region);
  std::optional<std::string> email_owner;
  if (const auto found = owner_by_email_key_.find(contact.email);
      !contact.email.empty() && found != owner_by_email_key_.end()) {
    email_owner = found->second;
  }
  const dedupe::LeadOwnership ownership =
      dedupe::OwnershipOf(email_owner, customers_, contact.ForMatching(),
                          dedupe::MatchThresholds{dedupe_.auto_match, dedupe_.review});

  // Rules for reps on duty judge the hour the lead arrived, as the daemon would have.
  state_.now = lead.received_at;
  DryRunResult result{lead.id, router_.Decide(lead, ownership.owner, state_), {}};
  const Decision& decision = result.decision;
  auto& from_source = routed_by_source_[lead.source];
  if (!decision.Routed()) {
    ++unrouted_;
    return result;
  }
  ++leads_by_rule_[decision.rule];
  ++from_source;
  // Published for claiming: it lands on nobody yet.
  if (decision.offer.mode == config::OfferMode::kPoolOnly) return result;
  // The Function `assign`: a rotation picks by INCR on the cursor, (counter - 1) % n. An offer
  // or a race counts for the first rep offered, who takes it unless they decline.
  std::size_t pick = 0;
  if (!decision.round_robin_cursor.empty()) {
    pick = cursors_[decision.round_robin_cursor]++ % decision.candidates.size();
  }
  result.rep = decision.candidates[pick];
  ++state_.open_leads[result.rep];
  TakeCustomer(lead.id, lead.received_at, contact, ownership, result.rep);
  return result;
}

void DryRun::TakeCustomer(const std::string& lead_id, WallTime at,
                          const dedupe::ContactKeys& contact,
                          const dedupe::LeadOwnership& ownership, const std::string& rep) {
  // The first registration of an email wins (HSETNX).
  const bool newly =
      !contact.email.empty() && owner_by_email_key_.try_emplace(contact.email, rep).second;
  if (contact.Empty()) return;
  const std::int64_t at_ms =
      std::chrono::duration_cast<std::chrono::milliseconds>(at.time_since_epoch()).count();
  if (ownership.known) {
    const auto customer = customer_entries_.find(ownership.adds_contact_to);
    if (customer == customer_entries_.end() || customers_.Rep(customer->second) != rep ||
        customers_.EntriesOf(customer->second).size() > kMaxContacts) {
      return;
    }
    customers_.AddContact(customer->second, contact.AsCustomer(lead_id, "", at_ms));
    return;
  }
  if (!contact.email.empty() && !newly) return;
  customer_entries_.emplace(lead_id, customers_.Add(contact.AsCustomer(lead_id, rep, at_ms)));
}

DryRunSummary DryRun::Summary() const {
  DryRunSummary summary;
  for (const auto& rep : router_.RepIds()) {
    const auto held = state_.open_leads.find(rep);
    summary.by_rep.push_back({rep, held == state_.open_leads.end() ? 0 : held->second});
  }
  for (const auto& rule : rule_names_) {
    const auto routed = leads_by_rule_.find(rule);
    summary.by_rule.push_back({rule, routed == leads_by_rule_.end() ? 0 : routed->second});
  }
  for (const auto& [source, routed] : routed_by_source_)
    summary.by_source.push_back({source, routed});
  summary.unrouted = unrouted_;
  summary.total = total_;
  return summary;
}

}  // namespace leadd::router
