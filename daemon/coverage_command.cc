#include "daemon/coverage_command.h"

#include <date/date.h>

namespace leadd::daemon {
namespace {

std::string HourText(WallTime t) {
  return date::format("%a %Y-%m-%d %H:%M", date::floor<std::chrono::minutes>(t));
}

// "all week", or the runs of consecutive hours as "from – to" (to exclusive), in UTC.
std::string Ranges(const router::CoverageReport& report, const std::vector<WallTime>& hours) {
  if (hours.size() == report.hours) return report.hours == 1 ? "at every hour" : "all week";
  std::string text;
  for (std::size_t i = 0; i < hours.size();) {
    std::size_t j = i + 1;
    while (j < hours.size() && hours[j] - hours[j - 1] == std::chrono::hours(1)) ++j;
    if (!text.empty()) text += ", ";
    text += HourText(hours[i]) + " – " + HourText(hours[j - 1] + std::chrono::hours(1)) + " UTC";
    i = j;
  }
  return text;
}

}  // namespace

void PrintCoverage(const router::CoverageReport& report, std::ostream& out) {
  out << "coverage from " << HourText(report.from) << " UTC, "
      << (report.hours == 1 ? std::string("every hour alike (no rule is on_duty_only)")
                            : std::to_string(report.hours) + " hours")
      << ", " << report.segments << " kinds of lead (source x place x grade)\n";
  if (report.gaps.empty()) {
    out << "every kind of lead has an eligible rep at every hour\n";
    return;
  }
  out << report.gaps.size() << " kinds of lead would wait in the pool:\n";
  for (const auto& gap : report.gaps) {
    out << "  source " << gap.source << ", place " << gap.place << ", grade " << gap.grade << ": "
        << Ranges(report, gap.hours) << "\n    " << gap.why << "\n";
  }
}

}  // namespace leadd::daemon
