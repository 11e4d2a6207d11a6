#include "config/schema.h"

namespace leadd::config {
namespace {

constexpr KeySpec kHttpKeys[] = {
    {"listen"},           {"intake_token_file"},      {"intake_token_credential"},
    {"admin_token_file"}, {"admin_token_credential"}, {"max_body_bytes"},
    {"request_timeout"},
};

}  // namespace

void ReadHttpSection(const ValueRef& value, const std::filesystem::path& base_dir, Draft& draft,
                     ProblemLog& log) {
  MappingReader section(value, kHttpKeys, log);
  if (!section.IsMapping()) return;
  HttpSettings& http = draft.settings.http;

  if (const auto listen = section.Find("listen")) {
    // Checked as host:port by the meaning pass.
    if (const auto text = ReadText(*listen, log)) {
      http.listen = *text;
      draft.positions[listen->path] = listen->at;
    }
  }
  ReadSecretKeys(section, "intake_token", SecretSlot::kIntakeToken, true, base_dir, draft, log);
  ReadSecretKeys(section, "admin_token", SecretSlot::kAdminToken, true, base_dir, draft, log);
  if (const auto bytes = section.Find("max_body_bytes")) {
    if (const auto number = ReadWholeNumber(*bytes, log)) {
      http.max_body_bytes = static_cast<std::size_t>(*number);
      draft.positions[bytes->path] = bytes->at;
    }
  }
  ReadDurationInto(section.Find("request_timeout"), http.request_timeout, draft, log);
}

}  // namespace leadd::config
