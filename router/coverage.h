// Coverage: for the week ahead, which kinds of lead no rep would be eligible for, and when.
// A kind of lead (a segment) is a source, a place and a grade, each taken from the values the
// rules and reps name, plus "any other"; an hour is a gap for a segment when the rules would
// leave such a lead, arriving then, in the pool. Pure: nothing is read but the settings.
#pragma once

#include <cstddef>
#include <string>
#include <vector>

#include "config/settings.h"
#include "core/clock.h"

namespace leadd::router {

// Stands for a value no rule or rep names ("any other source").
inline constexpr std::string_view kAnyOther = "(any other)";

struct CoverageGap {
  std::string source;  // a value, or kAnyOther
  std::string place;   // a country, subdivision or region name, or kAnyOther
  std::string grade;   // a grade, or kAnyOther: the lead came without one (graded by `when:`)
  // The hours (each the start of one) from `from` for which no rep would be eligible.
  std::vector<WallTime> hours;
  std::string why;  // what the last rule tried said, for the first of those hours
};

struct CoverageReport {
  WallTime from{};
  std::size_t hours = 0;     // how many were looked at: 1 when no rule depends on the hour
  std::size_t segments = 0;  // sources × places × grades
  std::vector<CoverageGap> gaps;
};

// Routes one lead of each segment at the start of each hour of `days` from `from` (truncated to
// the hour), as a new customer (dedupe found no owner) with every rep free of leads. Working
// hours matter only to rules with `on_duty_only`; absences, departures and loads live in
// Redis and are not seen.
CoverageReport CheckCoverage(const config::DaemonSettings& settings, WallTime from, int days = 7);

}  // namespace leadd::router
