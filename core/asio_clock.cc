#include "core/asio_clock.h"

#include <boost/asio/steady_timer.hpp>

namespace leadd {
namespace {

class AsioTimer final : public Timer {
 public:
  explicit AsioTimer(const boost::asio::any_io_executor& executor) : timer_(executor) {}
  AsioTimer(const AsioTimer&) = delete;
  AsioTimer& operator=(const AsioTimer&) = delete;
  ~AsioTimer() override {
    *alive_ = false;
    timer_.cancel();
  }

  void ArmAfter(Duration delay, std::function<void()> on_fire) override {
    // A generation counter, not only cancel(): a handler already queued when we re-arm or
    // cancel must not run the old callback.
    ++generation_;
    timer_.expires_after(delay);
    timer_.async_wait([this, generation = generation_, fire = std::move(on_fire),
                       alive = alive_](const boost::system::error_code& ec) {
      if (ec || !*alive || generation != generation_) return;
      fire();
    });
  }

  void Cancel() override {
    ++generation_;
    timer_.cancel();
  }

 private:
  boost::asio::steady_timer timer_;
  std::uint64_t generation_ = 0;
  // Destruction cancels, but a completion may already sit in the queue: it checks this flag
  // before touching `this`.
  std::shared_ptr<bool> alive_ = std::make_shared<bool>(true);
};

}  // namespace

WallTime AsioClock::WallNow() const { return std::chrono::system_clock::now(); }
SteadyTime AsioClock::SteadyNow() const { return std::chrono::steady_clock::now(); }
std::unique_ptr<Timer> AsioClock::MakeTimer() { return std::make_unique<AsioTimer>(executor_); }

}  // namespace leadd
