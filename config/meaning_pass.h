// The meaning pass: the checks that span settings or reach outside the file, after the shape pass.
// Rep and team references, uniqueness, ranges, the Redis URL and secrets. Internal to config/.
#pragma once

#include "config/draft.h"
#include "config/load_config.h"
#include "config/problem_log.h"

namespace leadd::config {

// Runs after the shape pass even when it found problems, so one run reports everything; a
// check whose input the shape pass could not read is skipped rather than guessed at.
// Rules' strategies get their reps (listed, a team's members, or every rep), the Redis URL is
// parsed into its endpoint, and secrets are read into the settings.
void RunMeaningPass(Draft& draft, const LoadEnvironment& environment, ProblemLog& log);

}  // namespace leadd::config
