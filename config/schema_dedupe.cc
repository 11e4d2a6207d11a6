// The `dedupe:` section: how sure a match must be to apply the owner rule, or to be flagged, and
// the country a phone number without one is read in.
#include <cstdio>
#include <optional>
#include <string>

#include "config/schema.h"

namespace leadd::config {
namespace {

constexpr KeySpec kDedupeKeys[] = {{"auto_match"}, {"review"}, {"default_region"}};

// An ISO 3166-1 alpha-2 code, in any case; upper case as libphonenumber takes it.
std::optional<std::string> ReadRegion(const ValueRef& value, ProblemLog& log) {
  const std::string text = value.node.IsScalar() ? value.node.Scalar() : std::string();
  const auto letter = [](char c) { return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z'); };
  if (text.size() != 2 || !letter(text[0]) || !letter(text[1])) {
    log.Add(value.at, value.path,
            "expected a two-letter country code such as DE or CN, got '" + text + "'");
    return std::nullopt;
  }
  std::string region = text;
  for (char& c : region) c = static_cast<char>(c >= 'a' ? c - 'a' + 'A' : c);
  return region;
}

// A score threshold: more than 0 (every lead would match) and at most 1 (a perfect match).
std::optional<double> ReadThreshold(const ValueRef& value, ProblemLog& log) {
  const auto number = ReadNumber(value, log);
  if (!number) return std::nullopt;
  if (*number <= 0.0 || *number > 1.0) {
    log.Add(value.at, value.path, "must be more than 0 and at most 1, got " + value.node.Scalar());
    return std::nullopt;
  }
  return number;
}

std::string Written(double number) {
  char text[32];
  std::snprintf(text, sizeof text, "%g", number);
  return text;
}

}  // namespace

void ReadDedupeSection(const ValueRef& value, Draft& draft, ProblemLog& log) {
  const MappingReader fields(value, kDedupeKeys, log);
  DedupeSettings& dedupe = draft.settings.dedupe;
  const auto auto_match = fields.Find("auto_match");
  const auto review = fields.Find("review");
  if (auto_match) {
    if (const auto threshold = ReadThreshold(*auto_match, log)) dedupe.auto_match = *threshold;
  }
  if (review) {
    if (const auto threshold = ReadThreshold(*review, log)) dedupe.review = *threshold;
  }
  if (const auto region = fields.Find("default_region")) {
    if (auto read = ReadRegion(*region, log)) dedupe.default_region = std::move(*read);
  }
  if (dedupe.review > dedupe.auto_match) {
    const ValueRef& at = review ? *review : *auto_match;
    log.Add(at.at, at.path,
            "review (" + Written(dedupe.review) + ") must not be above auto_match (" +
                Written(dedupe.auto_match) +
                "): a lead sure enough to be the owner's is sure enough to be flagged");
  }
}

}  // namespace leadd::config
