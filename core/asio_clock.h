// Clock on an Asio executor: steady_timer for waiting, system_clock for wall time.
#pragma once

#include <utility>  // before Asio: Boost 1.74 + g++ 12 need std::exchange declared first

#include <boost/asio/any_io_executor.hpp>

#include "core/clock.h"

namespace leadd {

class AsioClock final : public Clock {
 public:
  explicit AsioClock(boost::asio::any_io_executor executor) : executor_(std::move(executor)) {}
  WallTime WallNow() const override;
  SteadyTime SteadyNow() const override;
  std::unique_ptr<Timer> MakeTimer() override;

 private:
  boost::asio::any_io_executor executor_;
};

}  // namespace leadd
