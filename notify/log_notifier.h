// LogNotifier: each notice as one log line, the channel every installation has.
#pragma once

#include <memory>

#include "notify/notifier.h"

namespace spdlog {
class logger;
}

namespace leadd::notify {

// Action links are secrets: the line says whether the notice carried them, never what they are.
class LogNotifier final : public Notifier {
 public:
  explicit LogNotifier(std::shared_ptr<spdlog::logger> log) : log_(std::move(log)) {}
  boost::asio::awaitable<Result<void>> Deliver(const Notice& notice) override;

 private:
  std::shared_ptr<spdlog::logger> log_;
};

// "notify.<kind> lead=… to=… name=value …" with values quoted when they hold a space.
std::string FormatNotice(const Notice& notice);

}  // namespace leadd::notify
