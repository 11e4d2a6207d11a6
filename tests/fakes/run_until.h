// RunUntil: drives a real io_context until a condition holds or a time limit passes.
#pragma once

#include <utility>  // before Asio: Boost 1.74 + g++ 12 need std::exchange declared first

#include <boost/asio/io_context.hpp>
#include <chrono>

namespace leadd::fakes {

// For tests against real servers, where time is real; returns false when the limit passed.
template <class Pred>
bool RunUntil(boost::asio::io_context& io, Pred done, std::chrono::milliseconds limit) {
  const auto deadline = std::chrono::steady_clock::now() + limit;
  while (!done()) {
    if (std::chrono::steady_clock::now() >= deadline) return false;
    io.run_for(std::chrono::milliseconds(2));
  }
  return true;
}

}  // namespace leadd::fakes
