#include "api/callers.h"

#include "api/http_answers.h"

namespace leadd::api {

void Callers::Update(const config::DaemonSettings& settings) {
  admin_token_ = settings.http.admin_token;
  rep_tokens_.clear();
  for (const config::Rep& rep : settings.reps) {
    if (rep.token) rep_tokens_.emplace_back(rep.id, *rep.token);
  }
}

std::optional<std::string> Callers::Of(const Request& request) const {
  const std::string_view given = BearerOf(request);
  if (given.empty()) return std::nullopt;
  // Every token is compared, matched or not, so the time taken does not tell which one (or
  // whether the admin's) was close.
  std::optional<std::string> caller;
  if (SameToken(given, admin_token_)) caller = std::string();
  for (const auto& [rep, token] : rep_tokens_) {
    if (SameToken(given, token) && !caller) caller = rep;
  }
  return caller;
}

}  // namespace leadd::api
