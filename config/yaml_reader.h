// MappingReader and the scalar readers: yaml-cpp nodes checked against leadd's schema.
// Each problem is reported with its dotted path and position. Internal to config/ (it exposes
// yaml-cpp).
#pragma once

// yaml-cpp 0.7 defines Node's copy constructor and iteration inline in node/impl.h and
// node/iterator.h; node.h alone leaves clang with undefined references.
#include <yaml-cpp/yaml.h>

#include <chrono>
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "config/problem_log.h"

namespace leadd::config {

SourcePosition PositionOf(const YAML::Mark& mark);

// A node in the document, with the path and the position that problems about it carry.
struct ValueRef {
  YAML::Node node;
  std::string path;       // "rules[1].assign"; empty for the document itself
  SourcePosition at;      // the value; when it is empty, its key (see MappingReader)
  SourcePosition key_at;  // the key holding the value; for a list item, the item itself
};

ValueRef DocumentRef(const YAML::Node& root);
std::string ChildPath(std::string_view parent, std::string_view key);
std::string ItemPath(std::string_view parent, std::size_t index);

// The "got ..." half of a message: "a mapping", "a list", "nothing" or the quoted scalar.
std::string Describe(const YAML::Node& node);

struct KeySpec {
  std::string_view name;
  bool required = false;
};

// Validates one mapping's keys against a fixed list.
class MappingReader {
 public:
  // Reports, all at once: a node that is not a mapping; keys that are not text; duplicate keys
  // (yaml-cpp keeps the first silently); unknown keys, with the nearest known one; and missing
  // required keys, at the mapping's own position since yaml-cpp has no mark for an absent key.
  // A required key that an unknown key was taken for ("did you mean") is not reported missing
  // as well. `noun` names keys in messages: "key", or "module" for log.modules.
  MappingReader(const ValueRef& mapping, std::span<const KeySpec> keys, ProblemLog& log,
                std::string_view noun = "key");

  bool IsMapping() const { return is_mapping_; }
  // The value of a known key (its first occurrence), or nullopt when absent.
  std::optional<ValueRef> Find(std::string_view key) const;
  // The known keys present, in file order, with their values.
  std::vector<std::pair<std::string, ValueRef>> Entries() const { return entries_; }
  // Reports when neither or both of two alternative keys are present; true when exactly one is.
  bool RequireExactlyOne(std::string_view a, std::string_view b);
  // Reports when both of two alternative keys are present; true otherwise.
  bool RequireAtMostOne(std::string_view a, std::string_view b);

 private:
  bool WasSuggested(std::string_view key) const;
  void ReportBoth(std::string_view a, std::string_view b);

  ValueRef self_;
  ProblemLog& log_;
  bool is_mapping_ = false;
  std::vector<std::pair<std::string, ValueRef>> entries_;
  std::vector<std::string> suggested_;
};

// Each reader reports what is wrong with the value and returns nullopt, or returns the value.

// Text: a plain or quoted scalar, not empty, without control characters.
std::optional<std::string> ReadText(const ValueRef& value, ProblemLog& log);
// Digits only. A plain scalar with a leading zero is refused: YAML 1.1 (and yaml-cpp's as<int>)
// reads 01234 as octal 668. Signs, 0x, exponents and separators are refused too.
std::optional<std::uint64_t> ReadWholeNumber(const ValueRef& value, ProblemLog& log);
// See duration.h for the syntax.
std::optional<std::chrono::milliseconds> ReadDuration(const ValueRef& value, ProblemLog& log);
// The items of a list, each with its own path ("reps[2]") and position.
std::optional<std::vector<ValueRef>> ReadList(const ValueRef& value, ProblemLog& log);
// One of `names`; an unknown name is reported with the nearest one, or the whole list.
std::optional<std::size_t> ReadChoice(const ValueRef& value,
                                      std::span<const std::string_view> names,
                                      std::string_view noun, ProblemLog& log);

}  // namespace leadd::config
