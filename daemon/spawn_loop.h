// SpawnLoop: starts one of the daemon's long-running coroutines on its executor.
#pragma once

#include <utility>  // before Asio: Boost 1.74 + g++ 12 need std::exchange declared first

#include <spdlog/spdlog.h>

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/awaitable.hpp>
#include <boost/asio/co_spawn.hpp>
#include <exception>
#include <memory>
#include <string>

namespace leadd::daemon {

// The loops handle every expected failure as a value; an exception escaping one is an
// impossible state: it is logged as `<name>.crashed` and rethrown out of io_context::run(),
// so main() exits 70 and systemd restarts the daemon (all state is in Redis).
inline void SpawnLoop(const boost::asio::any_io_executor& executor,
                      boost::asio::awaitable<void> loop, std::shared_ptr<spdlog::logger> log,
                      std::string name) {
  boost::asio::co_spawn(
      executor, std::move(loop),
      [log = std::move(log), name = std::move(name)](const std::exception_ptr& e) {
        if (!e) return;
        try {
          std::rethrow_exception(e);
        } catch (const std::exception& ex) {
          log->critical("{}.crashed error=\"{}\"", name, ex.what());
          throw;
        }
      });
}

}  // namespace leadd::daemon
