// Answer helpers shared by the API's routes: JSON bodies, error answers and bearer checks.
#pragma once

#include <boost/beast/core/string_type.hpp>
#include <boost/beast/http/status.hpp>
#include <boost/beast/http/verb.hpp>
#include <optional>
#include <string>
#include <string_view>

#include "api/http_server.h"
#include "core/lead.h"  // IsLeadId, for the routes that take one
#include "core/result.h"

namespace leadd::api {

// Beast 1.74 hands out boost::string_view.
inline std::string_view Std(boost::beast::string_view text) { return {text.data(), text.size()}; }

Response Json(const Request& request, boost::beast::http::status status, std::string body);
Response ErrorJson(const Request& request, boost::beast::http::status status,
                   std::string_view message);
// 401 with the WWW-Authenticate challenge.
Response Unauthorized(const Request& request);
// 503 with Retry-After: the client may retry the same request.
Response Unavailable(const Request& request, std::string_view why);
// A 405 naming the method to use, or nullopt when the request uses it.
std::optional<Response> OnlyMethod(const Request& request, boost::beast::http::verb allowed);
boost::beast::http::status StatusOf(const Error& error);
// A Function's refusal without its leading code word ("CONFLICT lead L-1 is won, not ..."):
// the sentence to show a client.
std::string_view RefusalSentence(const Error& error);
// What a store's error tells the client: 503 (retry) when Redis is away or slow, otherwise the
// error's status and its sentence.
Response StoreRefused(const Request& request, const Error& error);

// The token after "Bearer " in the Authorization header; empty when there is none.
std::string_view BearerOf(const Request& request);
// Compares in time independent of where the strings differ, so a token cannot be guessed
// byte by byte from response times. An empty `expected` never matches.
bool SameToken(std::string_view given, std::string_view expected);
inline bool HasBearer(const Request& request, std::string_view token) {
  return SameToken(BearerOf(request), token);
}

}  // namespace leadd::api
