#include <string>

#include "config/schema.h"

namespace leadd::config {
namespace {

constexpr KeySpec kTopKeys[] = {
    {"version", true}, {"state_dir"},  {"instance_name"}, {"shutdown_grace"}, {"log"},
    {"redis"},         {"http", true}, {"reps", true},    {"rules", true},    {"pools"},
    {"sla"},           {"grades"},     {"inactivity"},    {"stages"},         {"metrics"},
    {"shadow"},        {"dedupe"},
};

constexpr int kSupportedVersion = 1;

// In LogLevel's order.
constexpr std::string_view kLevelNames[] = {"trace", "debug",    "info", "warn",
                                            "error", "critical", "off"};

constexpr KeySpec kLogKeys[] = {{"level"}, {"modules"}};

// The loggers daemon/ creates, one per module.
constexpr KeySpec kModuleKeys[] = {{"daemon"}, {"config"}, {"connectors"}, {"dedupe"},
                                   {"router"}, {"queue"},  {"notify"},     {"api"}};

std::optional<LogLevel> ReadLevel(const ValueRef& value, ProblemLog& log) {
  const auto index = ReadChoice(value, kLevelNames, "level", log);
  if (!index) return std::nullopt;
  return static_cast<LogLevel>(*index);
}

}  // namespace

std::filesystem::path ResolvePath(const std::filesystem::path& base_dir, std::string_view text) {
  std::filesystem::path path(text);
  if (path.is_absolute()) return path;
  return (base_dir / path).lexically_normal();
}

void ReadDurationInto(const std::optional<ValueRef>& value, std::chrono::milliseconds& target,
                      Draft& draft, ProblemLog& log) {
  if (!value) return;
  if (const auto duration = ReadDuration(*value, log)) {
    target = *duration;
    draft.positions[value->path] = value->at;
  }
}

void ReadSecretKeys(MappingReader& mapping, std::string_view name, SecretSlot slot, bool required,
                    const std::filesystem::path& base_dir, Draft& draft, ProblemLog& log) {
  const std::string file_key = std::string(name) + "_file";
  const std::string credential_key = std::string(name) + "_credential";
  const bool valid = required ? mapping.RequireExactlyOne(file_key, credential_key)
                              : mapping.RequireAtMostOne(file_key, credential_key);
  if (!valid) return;
  const bool is_credential = !mapping.Find(file_key).has_value();
  const auto value = mapping.Find(is_credential ? credential_key : file_key);
  if (!value) return;
  const auto text = ReadText(*value, log);
  if (!text) return;
  draft.secrets.push_back({slot, is_credential,
                           is_credential ? *text : ResolvePath(base_dir, *text).string(),
                           value->path, file_key, value->key_at, 0});
}

void ReadDocument(const YAML::Node& root, const std::filesystem::path& base_dir, Draft& draft,
                  ProblemLog& log) {
  if (!root.IsMap()) {
    // An empty document ("---" alone) has no position of its own worth pointing at.
    const SourcePosition at = root.IsNull() ? SourcePosition{} : PositionOf(root.Mark());
    log.Add(at, "", "expected a mapping of settings at the top level, got " + Describe(root));
    return;
  }
  MappingReader top(DocumentRef(root), kTopKeys, log);
  DaemonSettings& settings = draft.settings;

  if (const auto value = top.Find("version")) {
    const auto version = ReadWholeNumber(*value, log);
    if (version && *version != kSupportedVersion) {
      log.Add(value->at, value->path,
              "unsupported version " + std::to_string(*version) + "; this leadd reads version " +
                  std::to_string(kSupportedVersion));
    }
  }
  if (const auto value = top.Find("state_dir")) {
    if (const auto text = ReadText(*value, log)) settings.state_dir = ResolvePath(base_dir, *text);
  }
  if (const auto value = top.Find("instance_name")) {
    if (const auto text = ReadText(*value, log)) settings.instance_name = *text;
  }
  ReadDurationInto(top.Find("shutdown_grace"), settings.shutdown_grace, draft, log);
  if (const auto value = top.Find("log")) ReadLogSection(*value, draft, log);
  if (const auto value = top.Find("redis")) ReadRedisSection(*value, base_dir, draft, log);
  if (const auto value = top.Find("http")) ReadHttpSection(*value, base_dir, draft, log);
  if (const auto value = top.Find("reps")) {
    ReadRepsSection(*value, base_dir, draft, log);
  } else {
    draft.reps_complete = false;
  }
  if (const auto value = top.Find("rules")) ReadRulesSection(*value, draft, log);
  if (const auto value = top.Find("pools")) ReadPoolsSection(*value, draft, log);
  if (const auto value = top.Find("sla")) ReadSlaSection(*value, draft, log);
  if (const auto value = top.Find("grades")) ReadGradesSection(*value, draft, log);
  if (const auto value = top.Find("inactivity")) ReadInactivitySection(*value, draft, log);
  if (const auto value = top.Find("stages")) ReadStagesSection(*value, draft, log);
  if (const auto value = top.Find("metrics")) ReadMetricsSection(*value, draft, log);
  if (const auto value = top.Find("dedupe")) ReadDedupeSection(*value, draft, log);
  if (const auto value = top.Find("shadow")) ReadShadowSection(*value, base_dir, draft, log);
}

void ReadLogSection(const ValueRef& value, Draft& draft, ProblemLog& log) {
  const MappingReader section(value, kLogKeys, log);
  if (const auto level = section.Find("level")) {
    if (const auto parsed = ReadLevel(*level, log)) draft.settings.log.level = *parsed;
  }
  if (const auto modules = section.Find("modules")) {
    const MappingReader per_module(*modules, kModuleKeys, log, "module");
    for (const auto& [module, level] : per_module.Entries()) {
      if (const auto parsed = ReadLevel(level, log)) draft.settings.log.modules[module] = *parsed;
    }
  }
}

}  // namespace leadd::config
