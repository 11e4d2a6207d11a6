#include "router/decision.h"

#include "core/json_writer.h"

namespace leadd::router {

std::string_view OfferModeName(config::OfferMode mode) {
  switch (mode) {
    case config::OfferMode::kDirect:
      return "direct";
    case config::OfferMode::kOffer:
      return "offer";
    case config::OfferMode::kRace:
      return "race";
    case config::OfferMode::kPoolOnly:
      return "pool_only";
  }
  return "direct";
}

std::string ToJson(const Decision& decision) {
  JsonWriter json;
  json.BeginObject().Member("rule", decision.rule).Member("strategy", decision.strategy);
  json.Key("candidates").BeginArray();
  for (const auto& rep : decision.candidates) json.String(rep);
  json.EndArray().Key("trace").BeginArray();
  ForEachRule(
      decision,
      [&](const RuleTrace& step) {
        json.BeginObject()
            .Member("rule", step.rule)
            .Member("strategy", step.strategy)
            .Member("outcome", step.outcome);
        if (!step.skipped.empty()) {
          json.Key("skipped").BeginArray();
          for (const auto& skip : step.skipped) {
            json.BeginObject().Member("rep", skip.rep).Member("why", skip.why).EndObject();
          }
          json.EndArray();
        }
        json.EndObject();
      },
      // A rule passed over is a pair, [rule, field], not an object: a decision over a large
      // rule set holds a hundred of them, stored with every lead.
      [&](const PassedOver& rule) {
        json.BeginArray().String(decision.RuleName(rule)).String(rule.test).EndArray();
      });
  json.EndArray();
  if (!decision.grade.empty()) {
    json.Member("grade", decision.grade).Member("grade_reason", decision.grade_reason);
  }
  if (decision.offer.mode != config::OfferMode::kDirect) {
    json.Key("offer").BeginObject().Member("mode", OfferModeName(decision.offer.mode));
    if (decision.offer.mode == config::OfferMode::kPoolOnly) {
      json.Member("pool", decision.offer.pool);
    } else {
      json.Key("window_ms").Int(decision.offer.window.count());
      if (decision.offer.mode == config::OfferMode::kRace) {
        json.Key("to").Int(decision.offer.race_to);
      }
    }
    json.EndObject();
  }
  json.EndObject();
  return json.Text();
}

}  // namespace leadd::router
