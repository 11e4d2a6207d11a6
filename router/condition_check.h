// CheckCondition: whether a lead meets a rule's `when:`, and the sentence that says why, for
// the decision's trace.
#pragma once

#include <string>
#include <string_view>

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

// Whether the lead meets `condition`, without wording why and without allocating: the router
// asks this of every rule, and a decision passes over most of a large rule set. `settled_by`
// is set to the test that settled the answer: a field's name ("country") or "match" (static
// storage, never dangling).
bool Meets(const config::Condition& condition, const LeadFacts& facts,
           std::string_view& settled_by);

// The lead's value of a condition field as text ("" when unknown). `email_domain` is the
// part after the '@', in lower case.
std::string FieldValue(const Lead& lead, config::LeadField field);
// The same without a copy; `email_domain` keeps the case it was written in, so compare it
// ignoring case.
std::string_view FieldView(const Lead& lead, config::LeadField field);

// A number as admins write it: fixed, in its shortest exact form (100000, 17.5; never 1e+05).
std::string NumberText(double value);

}  // namespace leadd::router
