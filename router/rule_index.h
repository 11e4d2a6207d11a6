// RuleIndex: which rules a lead can possibly meet, found without testing each rule in turn.
// Most `when:`s require a field to be one of a few values (`source: alibaba`,
// `country: [DE, AT]`); the index maps each such value to the rules that accept it, so a lead
// rules out most of a large rule set with one lookup per field. The rules it leaves are then
// checked in full: the index only ever rules out a rule the lead cannot meet.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "config/settings.h"
#include "core/lead.h"

namespace leadd::router {

class RuleIndex {
 public:
  RuleIndex() = default;
  explicit RuleIndex(const std::vector<config::Rule>& rules);

  // The verdict for one lead: which rules are still possible, and for the others the field
  // whose value ruled them out.
  class Screen {
   public:
    bool Possible(std::uint32_t position) const {
      return (possible_[position / 64] >> (position % 64) & 1U) != 0;
    }
    // The field that ruled the rule out; only for a rule that is not Possible.
    std::string_view RuledOutBy(std::uint32_t position) const;

   private:
    friend class RuleIndex;
    using Bits = std::vector<std::uint64_t>;
    struct Look {
      config::LeadField field;
      const Bits* accepting;  // the rules this field's value leaves possible
    };
    Bits possible_;
    std::vector<Look> looks_;  // one per indexed field, in the order they were applied
  };

  Screen ScreenFor(const Lead& lead) const;

 private:
  using Bits = Screen::Bits;
  // The rules that accept each value of one field (ASCII lower-cased), and the rules that
  // accept any value because they place no one-of requirement on this field.
  struct FieldIndex {
    config::LeadField field;
    std::unordered_map<std::string, Bits> by_value;
    Bits unconstrained;
  };

  std::size_t words_ = 0;
  std::vector<FieldIndex> fields_;
};

}  // namespace leadd::router
