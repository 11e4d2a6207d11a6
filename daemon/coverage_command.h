// `leadd check-config --coverage`: the config's problems, then for the week ahead the kinds of
// lead (source × place × grade) and the hours for which no rep would be eligible
// (router/coverage.h).
#pragma once

#include <ostream>

#include "config/settings.h"
#include "core/clock.h"
#include "router/coverage.h"

namespace leadd::daemon {

// The report as people read it: each gap with its hours as ranges ("all week", or
// "Sat 00:00 – Mon 09:00 UTC"), and what the last rule tried said.
void PrintCoverage(const router::CoverageReport& report, std::ostream& out);

}  // namespace leadd::daemon
