#include "router/dry_run.h"

#include "dedupe/email_key.h"

namespace leadd::router {

DryRun::DryRun(const config::DaemonSettings& settings) : router_(settings) {
  for (const auto& rule : settings.rules) rule_names_.push_back(rule.name);
}

DryRunResult DryRun::Route(Lead lead) {
  ++total_;
  lead.id = "D-" + std::to_string(total_);
  const std::string email_key = dedupe::EmailKey(lead.email);
  std::optional<dedupe::OwnerMatch> owner;
  if (const auto found = owner_by_email_key_.find(email_key);
      !email_key.empty() && found != owner_by_email_key_.end()) {
    owner = dedupe::OwnerMatch{found->second, "email", "exact email match"};
  }

  // Rules for reps on duty judge the hour the lead arrived, as the daemon would have.
  state_.now = lead.received_at;
  DryRunResult result{lead.id, router_.Decide(lead, owner, state_), {}};
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
  // The first registration wins (HSETNX), as the Function's take_owner.
  if (!email_key.empty()) owner_by_email_key_.try_emplace(email_key, result.rep);
  return result;
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
