// Result<T>: the error channel of every stage; expected failures are values, not exceptions.
#pragma once

#include <boost/outcome.hpp>
#include <string>
#include <utility>

namespace leadd {

namespace outcome = BOOST_OUTCOME_V2_NAMESPACE;

// What the caller can do about a failure; keep this list short.
enum class Errc {
  kTransient,    // retry later: network, Redis down or slow, HTTP 5xx
  kRejected,     // the input is bad: quarantine it, do not retry
  kUnavailable,  // a dependency is misconfigured or gone
  kNotFound,     // the thing asked for does not exist
  kConflict,     // the state moved on: a stale token, an illegal transition
};

struct Error {
  Errc code{};
  std::string detail;  // human text naming the offending value, never personal data
};

inline Error Transient(std::string detail) { return {Errc::kTransient, std::move(detail)}; }
inline Error Rejected(std::string detail) { return {Errc::kRejected, std::move(detail)}; }
inline Error Unavailable(std::string detail) { return {Errc::kUnavailable, std::move(detail)}; }
inline Error NotFound(std::string detail) { return {Errc::kNotFound, std::move(detail)}; }
inline Error Conflict(std::string detail) { return {Errc::kConflict, std::move(detail)}; }

// policy::terminate: calling value() on an error is a bug, not an exception.
template <class T>
using Result = outcome::result<T, Error, outcome::policy::terminate>;

inline Result<void> Ok() { return outcome::success(); }

}  // namespace leadd

// Boost 1.74 keeps Outcome's v2.1 spelling, which declares `var` itself; Outcome v2.2 (the
// default from Boost 1.76) wants `auto var`. One place to change on upgrade.
#define LEADD_TRY(var, expr) BOOST_OUTCOME_TRY(var, expr)
#define LEADD_TRYV(expr) BOOST_OUTCOME_TRYV(expr)
// The same inside coroutines, which must co_return.
#define LEADD_CO_TRY(var, expr) BOOST_OUTCOME_CO_TRY(var, expr)
#define LEADD_CO_TRYV(expr) BOOST_OUTCOME_CO_TRYV(expr)
