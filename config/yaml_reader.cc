#include "config/yaml_reader.h"

#include <algorithm>
#include <map>

#include "config/duration.h"
#include "config/nearest_name.h"

namespace leadd::config {
namespace {

bool IsDigits(std::string_view text) {
  return !text.empty() &&
         std::all_of(text.begin(), text.end(), [](char c) { return c >= '0' && c <= '9'; });
}

// yaml-cpp tags a scalar written in quotes with the non-specific tag "!"; a plain one gets "?".
bool IsQuoted(const YAML::Node& node) { return node.Tag() == "!"; }

std::string JoinNames(std::span<const std::string_view> names) {
  std::string joined;
  for (const std::string_view name : names) {
    if (!joined.empty()) joined += ", ";
    joined += name;
  }
  return joined;
}

std::string UnknownNameMessage(std::string_view noun, std::string_view name,
                               std::span<const std::string_view> known) {
  std::string message = "unknown " + std::string(noun) + " " + QuoteForMessage(name);
  if (const auto nearest = NearestName(name, known)) {
    message += ", did you mean '" + *nearest + "'?";
  } else {
    message += "; expected one of " + JoinNames(known);
  }
  return message;
}

}  // namespace

SourcePosition PositionOf(const YAML::Mark& mark) {
  return {std::max(mark.line, 0) + 1, std::max(mark.column, 0) + 1};
}

ValueRef DocumentRef(const YAML::Node& root) {
  const SourcePosition at = PositionOf(root.Mark());
  return {root, "", at, at};
}

std::string ChildPath(std::string_view parent, std::string_view key) {
  if (parent.empty()) return std::string(key);
  return std::string(parent) + "." + std::string(key);
}

std::string ItemPath(std::string_view parent, std::size_t index) {
  return std::string(parent) + "[" + std::to_string(index) + "]";
}

std::string Describe(const YAML::Node& node) {
  switch (node.Type()) {
    case YAML::NodeType::Map:
      return "a mapping";
    case YAML::NodeType::Sequence:
      return "a list";
    case YAML::NodeType::Scalar:
      return QuoteForMessage(node.Scalar());
    case YAML::NodeType::Null:
    case YAML::NodeType::Undefined:
      break;
  }
  return "nothing";
}

MappingReader::MappingReader(const ValueRef& mapping, std::span<const KeySpec> keys,
                             ProblemLog& log, std::string_view noun)
    : self_(mapping), log_(log) {
  if (!mapping.node.IsMap()) {
    log_.Add(mapping.at, mapping.path, "expected a mapping, got " + Describe(mapping.node));
    return;
  }
  is_mapping_ = true;
  std::vector<std::string_view> known;
  for (const KeySpec& spec : keys) known.push_back(spec.name);

  std::map<std::string, int, std::less<>> first_line;
  for (auto it = mapping.node.begin(); it != mapping.node.end(); ++it) {
    // Copies: `it->` hands out a temporary pair, so references into it would dangle.
    const YAML::Node key = it->first;
    const YAML::Node value = it->second;
    const SourcePosition key_at = PositionOf(key.Mark());
    if (!key.IsScalar()) {
      log_.Add(key_at, mapping.path, "expected a key name, got " + Describe(key));
      continue;
    }
    const std::string& name = key.Scalar();
    if (const auto [seen, inserted] = first_line.emplace(name, key_at.line); !inserted) {
      log_.Add(key_at, mapping.path,
               "duplicate " + std::string(noun) + " " + QuoteForMessage(name) + " (first at line " +
                   std::to_string(seen->second) + ")");
      continue;
    }
    if (std::find(known.begin(), known.end(), name) == known.end()) {
      log_.Add(key_at, mapping.path, UnknownNameMessage(noun, name, known));
      if (const auto nearest = NearestName(name, known)) suggested_.push_back(*nearest);
      continue;
    }
    // yaml-cpp marks an empty value at the token after it, often on the next line; the key is
    // where the admin has to look.
    const SourcePosition value_at = value.IsNull() ? key_at : PositionOf(value.Mark());
    entries_.emplace_back(name, ValueRef{value, ChildPath(mapping.path, name), value_at, key_at});
  }
  for (const KeySpec& spec : keys) {
    if (spec.required && !Find(spec.name) && !WasSuggested(spec.name)) {
      log_.Add(mapping.at, mapping.path,
               "missing required " + std::string(noun) + " '" + std::string(spec.name) + "'");
    }
  }
}

std::optional<ValueRef> MappingReader::Find(std::string_view key) const {
  for (const auto& [name, value] : entries_) {
    if (name == key) return value;
  }
  return std::nullopt;
}

bool MappingReader::WasSuggested(std::string_view key) const {
  return std::find(suggested_.begin(), suggested_.end(), key) != suggested_.end();
}

void MappingReader::ReportBoth(std::string_view a, std::string_view b) {
  const ValueRef first = *Find(a);
  const ValueRef second = *Find(b);
  const bool a_first = std::pair(first.key_at.line, first.key_at.column) <
                       std::pair(second.key_at.line, second.key_at.column);
  log_.Add(a_first ? second.key_at : first.key_at, self_.path,
           "'" + std::string(a) + "' and '" + std::string(b) + "' exclude each other; keep one");
}

bool MappingReader::RequireExactlyOne(std::string_view a, std::string_view b) {
  if (!is_mapping_) return false;
  const bool has_a = Find(a).has_value();
  const bool has_b = Find(b).has_value();
  if (has_a && has_b) {
    ReportBoth(a, b);
    return false;
  }
  if (!has_a && !has_b) {
    if (!WasSuggested(a) && !WasSuggested(b)) {
      log_.Add(self_.at, self_.path,
               "missing required key '" + std::string(a) + "' or '" + std::string(b) + "'");
    }
    return false;
  }
  return true;
}

bool MappingReader::RequireAtMostOne(std::string_view a, std::string_view b) {
  if (!is_mapping_) return false;
  if (Find(a) && Find(b)) {
    ReportBoth(a, b);
    return false;
  }
  return true;
}

std::optional<std::string> ReadText(const ValueRef& value, ProblemLog& log) {
  if (!value.node.IsScalar()) {
    log.Add(value.at, value.path, "expected text, got " + Describe(value.node));
    return std::nullopt;
  }
  const std::string& text = value.node.Scalar();
  if (text.empty()) {
    log.Add(value.at, value.path, "must not be empty");
    return std::nullopt;
  }
  // Double-quoted YAML can spell any byte ("\0", "\n", "\e"); in a name, path or id they only
  // ever break a log line, a Redis key or a terminal.
  if (std::any_of(text.begin(), text.end(),
                  [](char c) { return static_cast<unsigned char>(c) < 0x20 || c == 0x7F; })) {
    log.Add(value.at, value.path, "must not hold control characters, got " + QuoteForMessage(text));
    return std::nullopt;
  }
  return text;
}

std::optional<std::uint64_t> ReadWholeNumber(const ValueRef& value, ProblemLog& log) {
  if (!value.node.IsScalar() || !IsDigits(value.node.Scalar())) {
    log.Add(value.at, value.path, "expected a whole number, got " + Describe(value.node));
    return std::nullopt;
  }
  const std::string& text = value.node.Scalar();
  if (text.size() > 1 && text.front() == '0' && !IsQuoted(value.node)) {
    const auto first_nonzero = text.find_first_not_of('0');
    const std::string decimal =
        first_nonzero == std::string::npos ? "0" : text.substr(first_nonzero);
    log.Add(value.at, value.path,
            QuoteForMessage(text) +
                " has a leading zero, which YAML 1.1 reads as octal; drop the zero, or quote it "
                "to mean decimal " +
                decimal);
    return std::nullopt;
  }
  std::uint64_t number = 0;
  for (const char c : text) {
    if (__builtin_mul_overflow(number, 10, &number) ||
        __builtin_add_overflow(number, static_cast<std::uint64_t>(c - '0'), &number)) {
      log.Add(value.at, value.path, QuoteForMessage(text) + " is too large");
      return std::nullopt;
    }
  }
  return number;
}

std::optional<std::chrono::milliseconds> ReadDuration(const ValueRef& value, ProblemLog& log) {
  if (value.node.IsScalar()) {
    if (const auto duration = ParseDuration(value.node.Scalar())) return duration;
  }
  std::string message =
      "expected a duration such as 500ms, 30s, 5m, 2h, 7d or 1h30m, got " + Describe(value.node);
  if (value.node.IsScalar() && IsDigits(value.node.Scalar())) {
    message += " (add a unit, as in " + value.node.Scalar().substr(0, 20) + "s)";
  }
  log.Add(value.at, value.path, message);
  return std::nullopt;
}

std::optional<std::vector<ValueRef>> ReadList(const ValueRef& value, ProblemLog& log) {
  if (!value.node.IsSequence()) {
    log.Add(value.at, value.path, "expected a list, got " + Describe(value.node));
    return std::nullopt;
  }
  std::vector<ValueRef> items;
  std::size_t index = 0;
  for (auto it = value.node.begin(); it != value.node.end(); ++it) {
    const YAML::Node item = *it;
    const SourcePosition at = item.IsNull() ? value.at : PositionOf(item.Mark());
    items.push_back({item, ItemPath(value.path, index), at, at});
    ++index;
  }
  return items;
}

std::optional<std::size_t> ReadChoice(const ValueRef& value,
                                      std::span<const std::string_view> names,
                                      std::string_view noun, ProblemLog& log) {
  const auto text = ReadText(value, log);
  if (!text) return std::nullopt;
  const auto found = std::find(names.begin(), names.end(), *text);
  if (found != names.end()) return static_cast<std::size_t>(found - names.begin());
  log.Add(value.at, value.path, UnknownNameMessage(noun, *text, names));
  return std::nullopt;
}

}  // namespace leadd::config
