// CheckCondition: whether a lead meets a rule's `when:`, and the sentence that says why, for
// the decision's trace.
#pragma once

#include <string>

#include "config/condition.h"
#include "core/lead.h"

namespace leadd::router {

// What a condition sees: the lead, and what dedupe found.
struct LeadFacts {
  const Lead& lead;
  bool owner_found = false;
};

struct ConditionResult {
  bool holds = false;
  std::string why;  // "source 'alibaba' is alibaba", "country 'US' is not one of DE, FR"
};

ConditionResult CheckCondition(const config::Condition& condition, const LeadFacts& facts);

// The lead's value of a condition field as text ("" when unknown). `email_domain` is the
// part after the '@', in lower case.
std::string FieldValue(const Lead& lead, config::LeadField field);

}  // namespace leadd::router
