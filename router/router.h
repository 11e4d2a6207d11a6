// Router: the pure choice of rule and candidates for one lead, from rules and owner match.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "config/settings.h"
#include "core/lead.h"
#include "dedupe/owner_match.h"
#include "router/decision.h"

namespace leadd::router {

// Immutable once built: a reload builds a new Router and swaps it in whole.
class Router {
 public:
  Router(std::vector<config::Rule> rules, const std::vector<config::Rep>& reps);

  // Rules are tried top to bottom, each only for a lead that meets its `when:`; the first
  // whose strategy yields a rep decides. When none
  // does, the decision is unrouted and its trace says why each rule passed.
  // Reps in `excluded` gave this lead up before (a bounce or a reject): no strategy offers
  // them, and a rule left without candidates falls through to the next.
  Decision Decide(const Lead& lead, const std::optional<dedupe::OwnerMatch>& owner,
                  const std::vector<std::string>& excluded = {}) const;

 private:
  std::vector<config::Rule> rules_;
  std::vector<std::string> rep_ids_;
};

}  // namespace leadd::router
