// Integration tests of the offer modes (offer one at a time, race, pool_only) and of key-account
// teams, against a real redis-server running the leadd Functions on a simulated clock.
#include <utility>  // before Asio: Boost 1.74 + g++ 12 need std::exchange declared first

#include <gtest/gtest.h>

#include <chrono>
#include <optional>
#include <string>
#include <vector>

#include "config/settings.h"
#include "queue/departures.h"
#include "queue/lead_store.h"
#include "queue/lead_transitions.h"
#include "router/decision.h"
#include "tests/integration/queue/lead_fixture.h"

namespace leadd::queue {
namespace {

using std::chrono::milliseconds;
using std::chrono::minutes;

constexpr auto kWindow = minutes(10);
constexpr std::string_view kFollowUp = "";

class OffersTest : public LeadFixture {
 protected:
  // A new lead routed by a rule handing it out in `mode` to `reps`, best first.
  AssignRequest Request(config::OfferMode mode, const std::vector<std::string>& reps,
                        std::vector<std::optional<std::uint32_t>> capacities = {}) {
    router::Decision decision;
    decision.rule = "web";
    decision.strategy = "least_loaded";
    decision.candidates = reps;
    decision.offer.mode = mode;
    decision.offer.window = kWindow;
    decision.offer.race_to = 3;
    decision.offer.pool = "vip";
    if (capacities.empty()) capacities.resize(reps.size());
    const std::string id = NewLead();
    return AssignRequest{IntakeEntry{"0-1", id},
                         decision,
                         LeadCustomer{.keys = {.email = EmailOf(leads_made_)}},
                         std::vector<std::string>(reps.size()),
                         std::move(capacities),
                         2,
                         {},
                         {}};
  }

  Assignment Route(const AssignRequest& request) {
    auto routed = Await(store_->Assign(request));
    EXPECT_TRUE(routed) << routed.error().detail;
    return routed ? routed.value() : Assignment{};
  }

  // Routes a lead offered (mode offer) to `reps`; returns its id.
  std::string OfferedTo(const std::vector<std::string>& reps) {
    const auto request = Request(config::OfferMode::kOffer, reps);
    const auto offered = Route(request);
    EXPECT_EQ(offered.outcome, AssignOutcome::kOffered);
    return request.entry.lead_id;
  }

  Result<void> Take(const std::string& id, const std::string& rep, const std::string& round) {
    return Await(transitions_->Accept(id, rep, round, kFollowUp));
  }
  Result<void> Decline(const std::string& id, const std::string& rep, const std::string& round) {
    return Await(transitions_->Reject(id, rep, round, "not my market"));
  }

  void Fill(const std::string& rep, int leads) {
    for (int i = 0; i < leads; ++i)
      ASSERT_TRUE(server_->Run({"SADD", RepOpenKey(keys_, rep), "L-full-" + std::to_string(i)}));
  }

  std::string OfferMember(const std::string& id, const std::string& round) {
    return "offer_expire|" + id + "|" + round;
  }
};

TEST_F(OffersTest, AnOfferGoesToOneRepAtATimeAndToTheNextWhenDeclined) {
  const std::string id = OfferedTo({"ana", "ben", "cy"});
  EXPECT_EQ(Field(id, "state"), "offered");
  EXPECT_EQ(Field(id, "assignee"), "");
  EXPECT_EQ(Field(id, "assignment_id"), "1");
  const auto due = SimNowMs() + milliseconds(kWindow).count();
  EXPECT_EQ(Scores(keys_.Timers())[OfferMember(id, "1")], due);
  auto offered = Outbox("offered");
  ASSERT_EQ(offered.size(), 1U);
  EXPECT_EQ(offered[0].Get("rep"), "ana");
  EXPECT_EQ(offered[0].Get("assignment"), "1");
  EXPECT_EQ(offered[0].Get("deadline"), std::to_string(due));
  EXPECT_TRUE(Members(RepOpenKey(keys_, "ana")).empty()) << "an offer is nobody's lead yet";

  ExpectRefused(transitions_->Accept(id, "ben", "1", kFollowUp), Errc::kConflict,
                "CONFLICT " + std::string("lead " + id + " is offered to ana, not ben"));

  ASSERT_TRUE(Decline(id, "ana", "1"));
  EXPECT_EQ(Field(id, "state"), "offered");
  EXPECT_EQ(Field(id, "assignment_id"), "2");
  EXPECT_EQ(Members(ExcludedKey(keys_, id)), std::set<std::string>{"ana"});
  EXPECT_FALSE(Scores(keys_.Timers()).contains(OfferMember(id, "1")));
  EXPECT_TRUE(Scores(keys_.Timers()).contains(OfferMember(id, "2")));
  offered = Outbox("offered");
  ASSERT_EQ(offered.size(), 2U);
  EXPECT_EQ(offered[1].Get("rep"), "ben");

  ExpectRefused(transitions_->Accept(id, "ana", "1", kFollowUp), Errc::kConflict,
                "CONFLICT stale assignment 1 (current 2)");
  ASSERT_TRUE(Take(id, "ben", "2"));
  EXPECT_EQ(Field(id, "state"), "accepted");
  EXPECT_EQ(Field(id, "assignee"), "ben");
  EXPECT_EQ(Members(RepOpenKey(keys_, "ben")), std::set<std::string>{id});
  EXPECT_EQ(HashField(keys_.Prefix() + ":owner:email", EmailOf(leads_made_)), "ben");
  EXPECT_TRUE(Scores(keys_.Timers()).empty()) << "the offer's timer went with the offer";
  const auto history = History(id);
  ASSERT_GE(history.size(), 5U);
  EXPECT_NE(history[history.size() - 2].find(R"("event":"taken")"), std::string::npos);
  EXPECT_NE(history[history.size() - 2].find(R"("rule":"web")"), std::string::npos);
  ExpectLastEntry(id, {R"("event":"accepted")", R"("rep":"ben")"});
}

TEST_F(OffersTest, AnOfferNobodyAnswersMovesOnAndThenLapsesIntoThePool) {
  const std::string id = OfferedTo({"ana", "ben"});
  Step(kWindow - milliseconds(1));
  EXPECT_EQ(Fire().fired, 0);
  Step(milliseconds(1));
  const auto first = Fire();
  EXPECT_EQ(first.reoffered, 1);
  EXPECT_EQ(Field(id, "state"), "offered");
  EXPECT_EQ(Outbox("offered").back().Get("rep"), "ben");

  Step(kWindow);
  const auto second = Fire();
  EXPECT_EQ(second.offer_pooled, 1);
  EXPECT_EQ(Field(id, "state"), "pooled");
  EXPECT_EQ(Field(id, "pool"), "vip");
  EXPECT_TRUE(InPool("vip", id));
  EXPECT_EQ(Members(ExcludedKey(keys_, id)), (std::set<std::string>{"ana", "ben"}));
  const auto unrouted = Outbox("unrouted");
  ASSERT_EQ(unrouted.size(), 1U);
  EXPECT_EQ(unrouted[0].Get("rep"), "") << "the admins are told";
  EXPECT_EQ(unrouted[0].Get("reason"), "nobody took the offer in time");
  ExpectRefused(transitions_->Accept(id, "ben", "2", kFollowUp), Errc::kConflict,
                "CONFLICT " + std::string("lead " + id + " is pooled, not assigned"));
}

TEST_F(OffersTest, TheNextInLinePassesOverRepsWhoFilledUpOrLeftMeanwhile) {
  auto request = Request(config::OfferMode::kOffer, {"ana", "ben", "cy", "dee"},
                         {std::nullopt, 1, std::nullopt, std::nullopt});
  ASSERT_EQ(Route(request).rep, "ana");
  const auto& id = request.entry.lead_id;
  Fill("ben", 1);
  ASSERT_TRUE(server_->Run({"SADD", DepartedKey(keys_), "cy"}));
  ASSERT_TRUE(Decline(id, "ana", "1"));
  EXPECT_EQ(Outbox("offered").back().Get("rep"), "dee");
}

TEST_F(OffersTest, ARaceOffersTheBestAtOnceAndTheFirstToAcceptWins) {
  const auto request = Request(config::OfferMode::kRace, {"ana", "ben", "cy", "dee"});
  const auto raced = Route(request);
  EXPECT_EQ(raced.outcome, AssignOutcome::kOffered);
  EXPECT_EQ(raced.rep, "ana,ben,cy");
  const auto& id = request.entry.lead_id;
  EXPECT_EQ(Outbox("offered").size(), 3U);

  ASSERT_TRUE(Take(id, "ben", "1"));
  EXPECT_EQ(Field(id, "assignee"), "ben");
  ExpectRefused(transitions_->Accept(id, "ana", "1", kFollowUp), Errc::kConflict,
                "CONFLICT " + std::string("lead " + id + " is accepted, not assigned"));
  const auto taken = Outbox("offer_taken");
  ASSERT_EQ(taken.size(), 2U);
  EXPECT_EQ(taken[0].Get("rep"), "ana");
  EXPECT_EQ(taken[1].Get("rep"), "cy");
  EXPECT_EQ(taken[0].Get("taken_by"), "ben");
}

TEST_F(OffersTest, ARaceEveryoneDeclinesLapsesIntoThePool) {
  const auto request = Request(config::OfferMode::kRace, {"ana", "ben"});
  Route(request);
  const auto& id = request.entry.lead_id;
  ASSERT_TRUE(Decline(id, "ana", "1"));
  EXPECT_EQ(Field(id, "state"), "offered") << "ben may still take it";
  ExpectRefused(transitions_->Reject(id, "ana", "1", "again"), Errc::kConflict,
                "CONFLICT " + std::string("lead " + id + " is offered to ben, not ana"));
  ASSERT_TRUE(Decline(id, "ben", "1"));
  EXPECT_EQ(Field(id, "state"), "pooled");
  EXPECT_TRUE(InPool("vip", id));
}

TEST_F(OffersTest, ARaceNobodyAnswersLapsesIntoThePoolAtOnce) {
  const auto request = Request(config::OfferMode::kRace, {"ana", "ben", "cy"});
  Route(request);
  Step(kWindow);
  EXPECT_EQ(Fire().offer_pooled, 1);
  EXPECT_TRUE(InPool("vip", request.entry.lead_id));
}

TEST_F(OffersTest, OnlyRepsWithRoomAreOfferedAndWhenNoneHasRoomNothingChanges) {
  Fill("ana", 1);
  auto request = Request(config::OfferMode::kRace, {"ana", "ben", "cy"}, {1, 1, std::nullopt});
  EXPECT_EQ(Route(request).rep, "ben,cy");

  Fill("ben", 1);
  request = Request(config::OfferMode::kOffer, {"ana", "ben"}, {1, 1});
  const std::string before = Digest();
  EXPECT_EQ(Route(request).outcome, AssignOutcome::kAllFull);
  EXPECT_EQ(Digest(), before);
}

TEST_F(OffersTest, TakingAnOfferChecksCapacityAgain) {
  auto request = Request(config::OfferMode::kRace, {"ana", "ben"}, {1, std::nullopt});
  Route(request);
  Fill("ana", 1);
  ExpectRefused(transitions_->Accept(request.entry.lead_id, "ana", "1", kFollowUp), Errc::kConflict,
                "CONFLICT rep ana holds 1 leads (capacity 1)");
  EXPECT_TRUE(Take(request.entry.lead_id, "ben", "1"));
}

TEST_F(OffersTest, TheDelegateOfAnAbsentRepAnswersTheOfferForThem) {
  const auto now = SimNow();
  ASSERT_TRUE(
      Await(transitions_->Away("ana", now - minutes(1), now + minutes(600), "bob", "admin")));
  const std::string id = OfferedTo({"ana", "ben"});
  const auto offered = Outbox("offered");
  ASSERT_EQ(offered.size(), 1U);
  EXPECT_EQ(offered[0].Get("rep"), "bob");
  EXPECT_EQ(offered[0].Get("owner"), "ana");
  ASSERT_TRUE(Take(id, "bob", "1"));
  EXPECT_EQ(Field(id, "assignee"), "ana") << "ownership stays with the absent rep";
}

TEST_F(OffersTest, PoolOnlyPublishesToThePoolAndTellsEveryCandidate) {
  Fill("ben", 5);
  const auto request = Request(config::OfferMode::kPoolOnly, {"ana", "ben"}, {std::nullopt, 5});
  const auto published = Route(request);
  EXPECT_EQ(published.outcome, AssignOutcome::kPublished);
  const auto& id = request.entry.lead_id;
  EXPECT_EQ(Field(id, "state"), "pooled");
  EXPECT_EQ(Field(id, "rule"), "web");
  EXPECT_TRUE(InPool("vip", id));
  const auto told = Outbox("published");
  ASSERT_EQ(told.size(), 2U);
  EXPECT_EQ(told[0].Get("rep"), "ana");
  EXPECT_EQ(told[1].Get("rep"), "ben");
  EXPECT_EQ(told[0].Get("pool"), "vip");
  ExpectLastEntry(id, {R"("event":"pooled")", R"("published":1)", R"("rule":"web")"});
  const ClaimLimits limits{5, 10, milliseconds(0)};
  EXPECT_TRUE(Await(transitions_->Claim(id, "ana", "vip", limits)));
}

TEST_F(OffersTest, ARotationOffersEachLeadFirstToTheNextRepInTurn) {
  std::vector<std::string> first_offered;
  for (int i = 0; i < 4; ++i) {
    auto request = Request(config::OfferMode::kOffer, {"ana", "ben", "cy"});
    request.decision.round_robin_cursor = "rr:web";
    first_offered.push_back(Route(request).rep);
  }
  EXPECT_EQ(first_offered, (std::vector<std::string>{"ana", "ben", "cy", "ana"}));
}

TEST_F(OffersTest, TakingAnOfferCountsTheTakerInTheRulesMetrics) {
  auto request = Request(config::OfferMode::kRace, {"ana", "ben"});
  const std::string window = keys_.Metric("inquiries", "2032-03");
  request.counted_in = {window};
  Route(request);
  EXPECT_EQ(HashField(window, "ana"), "") << "nobody is counted before taking it";
  ASSERT_TRUE(Take(request.entry.lead_id, "ben", "1"));
  EXPECT_EQ(HashField(window, "ben"), "1");
}

TEST_F(OffersTest, AKeyAccountGetsABackupAndItsHoldersManagerIsTold) {
  auto request = Request(config::OfferMode::kDirect, {"ana", "ben"});
  request.teams = {{"ben", true}, {"ana", true}};
  ASSERT_EQ(Route(request).rep, "ana");
  const auto& id = request.entry.lead_id;
  EXPECT_EQ(Field(id, "backup"), "ben");
  const auto backup = Outbox("backup");
  ASSERT_EQ(backup.size(), 1U);
  EXPECT_EQ(backup[0].Get("rep"), "ben");
  EXPECT_EQ(backup[0].Get("owner"), "ana");
  const auto manager = Outbox("key_account");
  ASSERT_EQ(manager.size(), 1U);
  EXPECT_EQ(manager[0].Get("rep"), "ana") << "the dispatcher finds ana's manager";
  EXPECT_EQ(manager[0].Get("backup"), "ben");
  EXPECT_NE(History(id).back().find(R"("backup":"ben")"), std::string::npos);
}

TEST_F(OffersTest, ABackupWhoLeftIsNoBackupAndAnOfferTakenGetsTheTakersTeam) {
  ASSERT_TRUE(server_->Run({"SADD", DepartedKey(keys_), "ben"}));
  auto direct = Request(config::OfferMode::kDirect, {"ana"});
  direct.teams = {{"ben", false}};
  Route(direct);
  EXPECT_EQ(Field(direct.entry.lead_id, "backup"), "");
  EXPECT_TRUE(Outbox("backup").empty());

  auto race = Request(config::OfferMode::kRace, {"ana", "cy"});
  race.teams = {{"cy", true}, {"ana", true}};
  Route(race);
  EXPECT_TRUE(Outbox("key_account").empty()) << "nobody holds an offered lead yet";
  ASSERT_TRUE(Take(race.entry.lead_id, "cy", "1"));
  EXPECT_EQ(Field(race.entry.lead_id, "backup"), "ana");
  ASSERT_EQ(Outbox("key_account").size(), 1U);
  EXPECT_EQ(Outbox("key_account")[0].Get("rep"), "cy");
}

TEST_F(OffersTest, AnUnknownModeOrAModeWithoutAPoolIsRefusedBeforeAnyWrite) {
  auto request = Request(config::OfferMode::kOffer, {"ana"});
  request.decision.offer.pool.clear();
  const std::string before = Digest();
  auto refused = Await(store_->Assign(request));
  ASSERT_FALSE(refused);
  EXPECT_NE(refused.error().detail.find("offer needs a pool"), std::string::npos)
      << refused.error().detail;
  EXPECT_EQ(Digest(), before);
}

}  // namespace
}  // namespace leadd::queue
