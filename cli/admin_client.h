// AdminClient: leadctl's blocking HTTP client for the daemon's admin API.
#pragma once

#include <string>
#include <string_view>

#include "core/result.h"

namespace leadd::cli {

struct HttpAnswer {
  int status = 0;
  std::string body;
};

class AdminClient {
 public:
  // `base` is "http://host:port"; `token` the admin bearer token.
  AdminClient(const std::string& base, std::string token);

  // kUnavailable when the daemon cannot be reached (with the address in the message).
  Result<HttpAnswer> Get(std::string_view target) const;
  // `method` is "POST", "DELETE", ...; a non-empty `body` is sent as application/json.
  Result<HttpAnswer> Send(std::string_view method, std::string_view target,
                          std::string_view body) const;

 private:
  std::string host_;
  std::string port_;
  std::string token_;
};

}  // namespace leadd::cli
