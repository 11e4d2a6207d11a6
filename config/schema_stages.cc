#include <map>
#include <string>

#include "config/schema.h"

namespace leadd::config {
namespace {

constexpr KeySpec kStageKeys[] = {{"name", true}, {"percent", true}};

// Stage names travel in request bodies and lead hashes, like grade names.
constexpr std::size_t kMaxStageNameBytes = 32;

}  // namespace

// `stages:` replaces the default vocabulary as a whole: a list that adds to the defaults would
// leave no way to retire a name.
void ReadStagesSection(const ValueRef& value, Draft& draft, ProblemLog& log) {
  const auto items = ReadList(value, log);
  if (!items) return;
  if (items->empty()) {
    log.Add(value.at, value.path, "must name at least one stage; leave it out for the defaults");
    return;
  }
  std::vector<StageSettings> stages;
  std::map<std::string, int, std::less<>> first_line;
  bool complete = true;
  for (const ValueRef& item : *items) {
    const MappingReader fields(item, kStageKeys, log);
    if (!fields.IsMapping()) {
      complete = false;
      continue;
    }
    StageSettings stage;
    const auto name = fields.Find("name");
    const auto percent = fields.Find("percent");
    std::optional<std::string> text;
    std::optional<std::uint64_t> number;
    if (name) text = ReadText(*name, log);
    if (percent) number = ReadWholeNumber(*percent, log);
    if (text && text->size() > kMaxStageNameBytes) {
      log.Add(name->at, name->path,
              "must be at most " + std::to_string(kMaxStageNameBytes) + " bytes, got " +
                  QuoteForMessage(*text));
      text.reset();
    }
    if (text) {
      if (const auto [seen, inserted] = first_line.emplace(*text, name->at.line); !inserted) {
        log.Add(name->at, name->path,
                "duplicate stage " + QuoteForMessage(*text) + " (first at line " +
                    std::to_string(seen->second) + ")");
        text.reset();
      }
    }
    if (number && *number > 100) {
      log.Add(percent->at, percent->path,
              "must be a percentage from 0 to 100, got " + std::to_string(*number));
      number.reset();
    }
    if (!text || !number) {
      complete = false;
      continue;
    }
    stage.name = *text;
    stage.percent = static_cast<std::uint32_t>(*number);
    stages.push_back(std::move(stage));
  }
  if (complete) draft.settings.stages = std::move(stages);
}

}  // namespace leadd::config
