// TimerPlanner: when a lead's timers are due — the SLA ladder of its grade, counted on the
// acting rep's working hours, and the inactivity returns. Pure: time comes in as arguments.
#pragma once

#include <chrono>
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "config/settings.h"
#include "core/clock.h"
#include "core/working_hours.h"

namespace leadd::lifecycle {

// The timer kinds Redis knows (queue/lead_functions.lua, timer_functions.lua).
inline constexpr std::string_view kSlaRemind = "sla_remind";
inline constexpr std::string_view kSlaBounce = "sla_bounce";
inline constexpr std::string_view kIdleRemind = "idle_remind";
inline constexpr std::string_view kIdleReturn = "idle_return";
inline constexpr std::string_view kDealRemind = "deal_remind";
inline constexpr std::string_view kDealReturn = "deal_return";

struct PlannedTimer {
  std::string_view kind;  // one of the constants above
  WallTime due;
};

// The timers one move arms, in due order.
struct TimerPlan {
  std::vector<PlannedTimer> timers;

  std::optional<WallTime> DueOf(std::string_view kind) const;
  // "kind=epoch_ms,kind=epoch_ms": the form the Redis Functions take.
  std::string Encode() const;
};

// A grade's timers after falling back to the `sla` defaults.
struct GradeTimers {
  std::optional<std::chrono::milliseconds> accept_within;
  std::optional<std::chrono::milliseconds> remind_before;
  std::uint32_t escalate_after_bounces = 2;
  std::optional<std::chrono::milliseconds> follow_up_every;
};

// Built from checked settings (config::LoadConfig*); immutable, so one instance may be shared
// and replaced whole on reload.
class TimerPlanner {
 public:
  explicit TimerPlanner(const config::DaemonSettings& settings);

  // An unknown or empty grade means `sla.default_grade`, and without one the `sla` defaults.
  GradeTimers ForGrade(std::string_view grade) const;

  // The SLA ladder of an assignment to `rep` starting at `now`: a reminder `remind_before`
  // ahead of the deadline (when configured and still ahead), then the bounce. With
  // `sla.clock: working_hours` both count only the rep's working hours (a rep without any
  // counts wall time). Empty when the grade has no `accept_within`.
  TimerPlan Assignment(std::string_view grade, std::string_view rep, WallTime now) const;

  // An accepted lead's returns to the pool: with no follow-up since `last_activity` (idle) and
  // with no deal since `accepted_at` (deal), each preceded by a reminder `remind_before_days`
  // earlier. Timers already past are kept: they fire at the next poll (a lead nobody touched
  // for longer than the period goes back at once, after its reminder).
  TimerPlan FollowUp(WallTime last_activity, WallTime accepted_at) const;
  // The idle part alone: what a follow-up (activity, stage change) re-arms.
  TimerPlan Idle(WallTime last_activity) const;

 private:
  const WorkingHours* HoursOf(std::string_view rep) const;

  config::SlaSettings sla_;
  std::map<std::string, config::GradeSettings, std::less<>> grades_;
  config::InactivitySettings inactivity_;
  std::map<std::string, WorkingHours, std::less<>> hours_;  // reps who have working hours
};

}  // namespace leadd::lifecycle
