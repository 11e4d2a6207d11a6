// Callers: whom a request's bearer token names, for the routes the admin and reps share.
#pragma once

#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "api/http_server.h"
#include "config/settings.h"

namespace leadd::api {

class Callers {
 public:
  // The admin token and every rep's own token; call again on reload.
  void Update(const config::DaemonSettings& settings);

  // "" for the admin, the rep's id for a rep, nullopt without a token or with one nobody holds.
  std::optional<std::string> Of(const Request& request) const;

 private:
  std::string admin_token_;
  std::vector<std::pair<std::string, std::string>> rep_tokens_;  // rep id, token
};

}  // namespace leadd::api
