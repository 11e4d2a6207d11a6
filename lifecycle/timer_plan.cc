#include "lifecycle/timer_plan.h"

#include <algorithm>

namespace leadd::lifecycle {
namespace {

// A return `period` after `since`, preceded by its reminder `ahead` earlier. A reminder (or a
// return) already past is kept: it fires at the next poll, which is what a rep who was never
// reminded should get.
void AddReturn(TimerPlan& plan, std::string_view remind_kind, std::string_view return_kind,
               WallTime since, std::optional<std::chrono::days> period, std::chrono::days ahead) {
  if (!period) return;
  const WallTime due = since + *period;
  if (ahead.count() > 0 && ahead < *period) plan.timers.push_back({remind_kind, due - ahead});
  plan.timers.push_back({return_kind, due});
}

void SortByDue(TimerPlan& plan) {
  std::stable_sort(plan.timers.begin(), plan.timers.end(),
                   [](const PlannedTimer& a, const PlannedTimer& b) { return a.due < b.due; });
}

}  // namespace

std::optional<WallTime> TimerPlan::DueOf(std::string_view kind) const {
  for (const auto& timer : timers) {
    if (timer.kind == kind) return timer.due;
  }
  return std::nullopt;
}

std::string TimerPlan::Encode() const {
  std::string text;
  for (const auto& timer : timers) {
    if (!text.empty()) text += ',';
    text += timer.kind;
    text += '=';
    text += std::to_string(std::max<std::int64_t>(0, ToEpochMillis(timer.due)));
  }
  return text;
}

TimerPlanner::TimerPlanner(const config::DaemonSettings& settings)
    : sla_(settings.sla), grades_(settings.grades), inactivity_(settings.inactivity) {
  for (const auto& rep : settings.reps) {
    if (rep.working_hours) hours_.emplace(rep.id, *rep.working_hours);
  }
}

GradeTimers TimerPlanner::ForGrade(std::string_view grade) const {
  GradeTimers timers{sla_.accept_within, sla_.remind_before, sla_.escalate_after_bounces,
                     std::nullopt};
  auto found = grades_.find(grade);
  if (found == grades_.end()) found = grades_.find(sla_.default_grade);
  if (found == grades_.end()) return timers;
  const auto& own = found->second;
  if (own.accept_within) timers.accept_within = own.accept_within;
  if (own.remind_before) timers.remind_before = own.remind_before;
  if (own.escalate_after_bounces) timers.escalate_after_bounces = *own.escalate_after_bounces;
  timers.follow_up_every = own.follow_up_every;
  return timers;
}

const WorkingHours* TimerPlanner::HoursOf(std::string_view rep) const {
  if (sla_.clock != config::SlaClock::kWorkingHours) return nullptr;
  const auto found = hours_.find(rep);
  return found == hours_.end() ? nullptr : &found->second;
}

TimerPlan TimerPlanner::Assignment(std::string_view grade, std::string_view rep,
                                   WallTime now) const {
  TimerPlan plan;
  const GradeTimers timers = ForGrade(grade);
  if (!timers.accept_within) return plan;
  const WorkingHours* hours = HoursOf(rep);
  const auto after = [&](Duration budget) {
    return hours ? DeadlineFor(now, budget, *hours) : now + budget;
  };
  if (timers.remind_before && *timers.remind_before < *timers.accept_within) {
    plan.timers.push_back({kSlaRemind, after(*timers.accept_within - *timers.remind_before)});
  }
  plan.timers.push_back({kSlaBounce, after(*timers.accept_within)});
  return plan;
}

TimerPlan TimerPlanner::FollowUp(WallTime last_activity, WallTime accepted_at) const {
  TimerPlan plan = Idle(last_activity);
  AddReturn(plan, kDealRemind, kDealReturn, accepted_at, inactivity_.no_deal_after,
            inactivity_.remind_before);
  SortByDue(plan);
  return plan;
}

TimerPlan TimerPlanner::Idle(WallTime last_activity) const {
  TimerPlan plan;
  AddReturn(plan, kIdleRemind, kIdleReturn, last_activity, inactivity_.return_after,
            inactivity_.remind_before);
  return plan;
}

}  // namespace leadd::lifecycle
