#include "config/schema.h"

namespace leadd::config {
namespace {

constexpr KeySpec kShadowKeys[] = {{"config", true}};

}  // namespace

void ReadShadowSection(const ValueRef& value, const std::filesystem::path& base_dir, Draft& draft,
                       ProblemLog& log) {
  // A shadow of a shadow would be recorded by nobody: only the main config's pipeline runs one.
  if (draft.is_shadow_file) {
    log.Add(value.key_at, value.path,
            "a shadow config cannot have a shadow of its own; remove this key");
    return;
  }
  const MappingReader section(value, kShadowKeys, log);
  const auto config = section.Find("config");
  if (!config) return;
  const auto text = ReadText(*config, log);
  if (!text) return;
  // The file itself is loaded after this one's meaning pass (LoadConfigText), and a file that
  // cannot be read at all is reported here.
  draft.settings.shadow = ShadowSettings{ResolvePath(base_dir, *text), nullptr};
  draft.positions[config->path] = config->at;
}

}  // namespace leadd::config
