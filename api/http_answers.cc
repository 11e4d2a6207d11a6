#include "api/http_answers.h"

#include <openssl/crypto.h>

#include <algorithm>

#include "core/json_writer.h"

namespace leadd::api {

namespace http = boost::beast::http;

Response Json(const Request& request, http::status status, std::string body) {
  Response response{status, request.version()};
  response.set(http::field::content_type, "application/json");
  response.set(http::field::cache_control, "no-store");
  response.body() = std::move(body);
  return response;
}

Response ErrorJson(const Request& request, http::status status, std::string_view message) {
  return Json(request, status,
              JsonWriter().BeginObject().Member("error", message).EndObject().Text());
}

Response Unauthorized(const Request& request) {
  auto response = ErrorJson(request, http::status::unauthorized, "missing or wrong bearer token");
  response.set(http::field::www_authenticate, "Bearer");
  return response;
}

Response Unavailable(const Request& request, std::string_view why) {
  auto response = ErrorJson(request, http::status::service_unavailable, why);
  response.set(http::field::retry_after, "5");
  return response;
}

std::optional<Response> OnlyMethod(const Request& request, http::verb allowed) {
  if (request.method() == allowed) return std::nullopt;
  auto response = ErrorJson(request, http::status::method_not_allowed,
                            "use " + std::string(Std(http::to_string(allowed))));
  response.set(http::field::allow, http::to_string(allowed));
  return response;
}

http::status StatusOf(const Error& error) {
  switch (error.code) {
    case Errc::kRejected:
      return http::status::bad_request;
    case Errc::kNotFound:
      return http::status::not_found;
    case Errc::kConflict:
      return http::status::conflict;
    case Errc::kTransient:
    case Errc::kUnavailable:
      return http::status::service_unavailable;
  }
  return http::status::internal_server_error;
}

std::string_view RefusalSentence(const Error& error) {
  std::string_view text = error.detail;
  const auto space = text.find(' ');
  if (space == std::string_view::npos) return text;
  const auto code = text.substr(0, space);
  const bool is_code = std::all_of(code.begin(), code.end(),
                                   [](char c) { return (c >= 'A' && c <= 'Z') || c == '_'; });
  return is_code ? text.substr(space + 1) : text;
}

Response StoreRefused(const Request& request, const Error& error) {
  if (error.code == Errc::kTransient || error.code == Errc::kUnavailable) {
    return Unavailable(request, "storage unavailable, retry later");
  }
  return ErrorJson(request, StatusOf(error), RefusalSentence(error));
}

std::string_view BearerOf(const Request& request) {
  const auto header = Std(request[http::field::authorization]);
  constexpr std::string_view kScheme = "Bearer ";
  if (!header.starts_with(kScheme)) return {};
  return header.substr(kScheme.size());
}

bool SameToken(std::string_view given, std::string_view expected) {
  return !expected.empty() && given.size() == expected.size() &&
         CRYPTO_memcmp(given.data(), expected.data(), expected.size()) == 0;
}

}  // namespace leadd::api
