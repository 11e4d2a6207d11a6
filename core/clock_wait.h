// AsyncWait: waiting on the injected Clock from a coroutine (co_await AsyncWait(clock, 1s, ...)).
#pragma once

#include <utility>  // before Asio: Boost 1.74 + g++ 12 need std::exchange declared first

#include <boost/asio/async_result.hpp>
#include <memory>

#include "core/clock.h"

namespace leadd {

template <class Token>
auto AsyncWait(Clock& clock, Duration delay, Token&& token) {
  return boost::asio::async_initiate<Token, void()>(
      [&clock, delay](auto handler) {
        // The timer owns the callback that owns the timer: the pair lives until it fires
        // (or until the executor is destroyed with the wait pending).
        std::shared_ptr<Timer> timer = clock.MakeTimer();
        auto shared = std::make_shared<decltype(handler)>(std::move(handler));
        timer->ArmAfter(delay, [timer, shared]() mutable { std::move (*shared)(); });
      },
      token);
}

}  // namespace leadd
