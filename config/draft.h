// Draft: the settings as the shape pass read them, with positions, for the meaning pass.
// Internal to config/: the meaning pass checks and completes it.
#pragma once

#include <functional>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "config/problem_log.h"
#include "config/settings.h"

namespace leadd::config {

enum class SecretSlot { kRedisPassword, kIntakeToken, kAdminToken, kRepToken, kLinkSecret };

// A *_file or *_credential key; the meaning pass reads it into its slot.
struct SecretSource {
  SecretSlot slot{};
  bool is_credential = false;
  std::string value;  // the file path, resolved against the config's folder, or the credential name
  std::string path;   // "http.intake_token_file", for messages
  std::string file_key;  // "intake_token_file": the alternative to suggest outside systemd
  SourcePosition key_at;
  std::size_t rep_index = 0;  // for kRepToken: the rep in settings.reps
};

// A rep or team a rule names, and where.
struct NameRef {
  std::string name;
  std::string path;
  SourcePosition at;
};

// What a rule's strategy names, before the meaning pass checks and resolves it. The strategy
// itself is in settings.rules; the reps of those that choose among reps are filled in from here.
struct DraftRule {
  std::vector<NameRef> reps;    // a roster's `reps:`, or weighted's keys (parallel to weights)
  std::optional<NameRef> team;  // a roster's `team:`
  // A strategy written as a scalar (`assign: random`) that chooses among every rep; the scalar
  // and where, for the cap on expansions.
  std::optional<NameRef> every_rep;
  std::optional<NameRef> marketplace;  // account_owner's
  std::optional<NameRef> metric;       // top's
};

struct Draft {
  // settings.reps and settings.rules hold one entry per item of `reps:` and `rules:`, even an
  // item that could not be read (its id or name is then empty), so index i is reps[i] / rules[i]
  // in messages.
  DaemonSettings settings;
  // Where the scalar settings the meaning pass checks were written, by dotted path. A setting
  // the file leaves out keeps its default, which needs no check, and has no entry.
  std::map<std::string, SourcePosition, std::less<>> positions;
  std::vector<SecretSource> secrets;
  std::vector<DraftRule> rules;  // parallel to settings.rules
  // False when some rep's id or teams could not be read: "unknown rep" would then be a guess.
  bool reps_complete = true;
  // False when some rep's `accounts` could not be read: "no rep lists an account on" would
  // then be a guess.
  bool accounts_complete = true;
  // The same for checks against other sections: an unreadable pool or grade name, or an
  // unreadable sla.accept_within or sla.remind_before, turns the check it feeds off. (A grade
  // with an unreadable timer has no entry in `positions`, which turns its own check off.)
  bool pools_complete = true;
  bool grades_complete = true;
  bool metrics_complete = true;
  bool sla_timers_complete = true;
  // This is a shadow config being loaded for a main one: it may not name a shadow of its own.
  bool is_shadow_file = false;
};

}  // namespace leadd::config
