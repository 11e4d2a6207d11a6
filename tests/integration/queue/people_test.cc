// Integration tests of the departure Functions (queue/people_functions.lua) against a real
// redis-server: marking a rep departed, re-queueing their open leads, handing over their closed
// leads and customers in resumable batches.
#include "queue/departures.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "queue/customer_registry.h"
#include "tests/integration/queue/lead_fixture.h"

namespace leadd::queue {
namespace {

using std::chrono::hours;

class PeopleTest : public LeadFixture {
 protected:
  void SetUp() override {
    LeadFixture::SetUp();
    departures_ =
        std::make_unique<Departures>(*client_, keys_, FunctionClock::Simulated(sim_clock_));
  }

  // A lead of `rep`'s, accepted and closed `won`; its customer stays theirs.
  std::string WonBy(const std::string& rep) {
    const std::string id = AssignedTo(rep);
    auto accepted = Await(transitions_->Accept(id, rep, "1"));
    EXPECT_TRUE(accepted) << accepted.error().detail;
    auto closed = Await(transitions_->Close(id, rep, Outcome::kWon, "signed"));
    EXPECT_TRUE(closed) << closed.error().detail;
    return id;
  }

  std::string Owner(int n) { return HashField(keys_.OwnerByEmail(), EmailOf(n)); }

  std::unique_ptr<Departures> departures_;
};

TEST_F(PeopleTest, CloseKeepsTheLeadInTheRepsClosedSet) {
  const std::string id = WonBy("alice");
  EXPECT_EQ(Members(RepClosedKey(keys_, "alice")), std::set<std::string>{id});
  EXPECT_TRUE(Members(RepOpenKey(keys_, "alice")).empty());
}

TEST_F(PeopleTest, DepartMarksTheRepOnceAndEndsTheAbsence) {
  AssignedTo("alice");
  const WallTime now = SimNow();
  ASSERT_TRUE(Await(transitions_->Away("alice", now - hours(1), now + hours(24), "bob", "admin")));
  auto first = Await(departures_->Depart("alice", DepartureMode::kTo, "admin"));
  ASSERT_TRUE(first) << first.error().detail;
  EXPECT_TRUE(first.value().newly_departed);
  EXPECT_EQ(first.value().open, 1);
  EXPECT_EQ(first.value().customers, 1);
  EXPECT_EQ(Members(DepartedKey(keys_)), std::set<std::string>{"alice"});
  EXPECT_EQ(HashField("t:rep:alice:absence", "delegate"), "");
  auto holdings = Await(departures_->Holdings("alice"));
  ASSERT_TRUE(holdings);
  EXPECT_TRUE(holdings.value().departed);
  EXPECT_FALSE(holdings.value().absence.has_value());

  auto again = Await(departures_->Depart("alice", DepartureMode::kTo, "admin"));
  ASSERT_TRUE(again);
  EXPECT_FALSE(again.value().newly_departed);
  auto departed = Await(departures_->Departed());
  ASSERT_TRUE(departed);
  EXPECT_EQ(departed.value(), std::vector<std::string>{"alice"});
}

TEST_F(PeopleTest, NothingIsHandedToADepartedRep) {
  const std::string pooled = AssignedTo("bob");
  ASSERT_TRUE(Await(transitions_->Reject(pooled, "bob", "1", "not ours")));
  const std::string held = AssignedTo("bob");
  ASSERT_TRUE(Await(departures_->Depart("alice", DepartureMode::kTo, "admin")));
  ExpectRefused(transitions_->Claim(pooled, "alice", "nurture", ClaimLimits{10, 10, hours(0)}),
                Errc::kConflict, "CONFLICT rep alice has left");
  ExpectRefused(transitions_->Reassign(held, "alice", "admin", "cover"), Errc::kConflict,
                "CONFLICT rep alice has left");
  EXPECT_EQ(Field(pooled, "state"), "pooled");
  EXPECT_EQ(Field(held, "assignee"), "bob");
}

TEST_F(PeopleTest, RouteIsRefusedWhileTheRepKeepsCustomersBeyondOpenLeads) {
  AssignedTo("alice");  // its customer leaves with the lead: no obstacle
  WonBy("alice");
  ExpectRefused(departures_->Depart("alice", DepartureMode::kRoute, "admin"), Errc::kConflict,
                "CONFLICT rep alice keeps 1 customers and 1 closed leads that routing cannot "
                "place; hand them over with --to");
  EXPECT_TRUE(Members(DepartedKey(keys_)).empty());
}

TEST_F(PeopleTest, RouteIsAllowedWhenOpenLeadsCarryEveryCustomer) {
  AssignedTo("alice");
  auto started = Await(departures_->Depart("alice", DepartureMode::kRoute, "admin"));
  ASSERT_TRUE(started) << started.error().detail;
  EXPECT_EQ(started.value().open, 1);
}

TEST_F(PeopleTest, RequeueSendsTheLeadBackToRoutingWithoutTheRep) {
  const std::string id = AssignedTo("alice");
  const auto intake_before = Stream(keys_.Intake()).size();
  auto requeued = Await(departures_->Requeue(id, "alice", "admin"));
  ASSERT_TRUE(requeued) << requeued.error().detail;
  EXPECT_TRUE(requeued.value());
  EXPECT_EQ(Field(id, "state"), "pooled");
  EXPECT_EQ(Field(id, "requeued"), "1");
  EXPECT_EQ(Field(id, "assignee"), "");
  EXPECT_TRUE(InPool("public", id));
  EXPECT_EQ(Members(ExcludedKey(keys_, id)), std::set<std::string>{"alice"});
  EXPECT_TRUE(Members(RepOpenKey(keys_, "alice")).empty());
  EXPECT_EQ(Owner(leads_made_), "");  // released: routing gives the customer a new owner
  EXPECT_EQ(Stream(keys_.Intake()).size(), intake_before + 1);
  ExpectLastEntry(id, {R"("event":"offboarded")", R"("rep":"alice")", R"("to":"pooled")"});

  // Again: the lead is not alice's any more; nothing moves.
  const std::string before = Digest();
  auto again = Await(departures_->Requeue(id, "alice", "admin"));
  ASSERT_TRUE(again);
  EXPECT_FALSE(again.value());
  EXPECT_EQ(Digest(), before);
}

TEST_F(PeopleTest, RequeueDropsAStaleOpenEntry) {
  const std::string id = AssignedTo("bob");
  ASSERT_TRUE(server_->Run({"SADD", RepOpenKey(keys_, "alice"), id}));
  auto requeued = Await(departures_->Requeue(id, "alice", "admin"));
  ASSERT_TRUE(requeued);
  EXPECT_FALSE(requeued.value());
  EXPECT_TRUE(Members(RepOpenKey(keys_, "alice")).empty());
  EXPECT_EQ(Field(id, "assignee"), "bob");
}

TEST_F(PeopleTest, TransferMovesClosedLeadsAndCustomersInBatches) {
  const std::string first = WonBy("alice");
  const int first_n = leads_made_;
  const std::string second = WonBy("alice");
  const int second_n = leads_made_;
  // A customer alice owns through a lead she lost to the pool later: only the index holds it.
  ASSERT_TRUE(server_->Run({"HSET", keys_.OwnerByEmail(), "orphan@example.com", "alice"}));
  ASSERT_TRUE(server_->Run({"SADD", RepCustomersKey(keys_, "alice"), "orphan@example.com"}));
  // An index entry someone else took meanwhile is dropped, not moved.
  ASSERT_TRUE(server_->Run({"HSET", keys_.OwnerByEmail(), "carols@example.com", "carol"}));
  ASSERT_TRUE(server_->Run({"SADD", RepCustomersKey(keys_, "alice"), "carols@example.com"}));

  std::int64_t leads = 0;
  std::int64_t customers = 0;
  int calls = 0;
  for (; calls < 10; ++calls) {
    auto batch = Await(departures_->TransferCustomers("alice", "bob", 1, "admin"));
    ASSERT_TRUE(batch) << batch.error().detail;
    EXPECT_LE(batch.value().leads + batch.value().customers, 2);
    leads += batch.value().leads;
    customers += batch.value().customers;
    if (batch.value().closed_left == 0 && batch.value().customers_left == 0) break;
  }
  EXPECT_GE(calls, 2) << "a batch of 1 cannot move everything at once";
  EXPECT_EQ(leads, 2);
  EXPECT_EQ(customers, 3);
  for (const auto& id : {first, second}) {
    EXPECT_EQ(Field(id, "assignee"), "bob");
    EXPECT_EQ(Field(id, "state"), "won");
    ExpectLastEntry(id, {R"("event":"transferred")", R"("previous":"alice")", R"("rep":"bob")"});
    EXPECT_GE(History(id).size(), 4u) << "the earlier history stays";
  }
  EXPECT_EQ(Owner(first_n), "bob");
  EXPECT_EQ(Owner(second_n), "bob");
  EXPECT_EQ(HashField(keys_.OwnerByEmail(), "orphan@example.com"), "bob");
  EXPECT_EQ(HashField(keys_.OwnerByEmail(), "carols@example.com"), "carol");
  EXPECT_TRUE(Members(RepCustomersKey(keys_, "alice")).empty());
  EXPECT_TRUE(Members(RepClosedKey(keys_, "alice")).empty());
  EXPECT_EQ(Members(RepClosedKey(keys_, "bob")), (std::set<std::string>{first, second}));
  EXPECT_EQ(Members(RepCustomersKey(keys_, "bob")),
            (std::set<std::string>{EmailOf(first_n), EmailOf(second_n), "orphan@example.com"}));

  // Nothing left: another call moves nothing and changes nothing.
  const std::string before = Digest();
  auto idle = Await(departures_->TransferCustomers("alice", "bob", 500, "admin"));
  ASSERT_TRUE(idle);
  EXPECT_EQ(idle.value().leads + idle.value().customers, 0);
  EXPECT_EQ(Digest(), before);
}

// Customers registered without an email: found by phone, domain or name, they are the rep's
// all the same, and a departure hands them over or keeps `route` from leaving them behind.
class UnmailedCustomersTest : public PeopleTest {
 protected:
  void SetUp() override {
    PeopleTest::SetUp();
    registry_ =
        std::make_unique<CustomerRegistry>(*client_, keys_, FunctionClock::Simulated(sim_clock_));
  }
  // Registers a customer of `rep` with a phone and no email; returns its id.
  std::string PhoneOnly(const std::string& rep, const std::string& phone) {
    NewCustomer customer;
    customer.rep = rep;
    customer.keys.phone = phone;
    auto registered = Await(RegisterOne(*registry_, std::move(customer)));
    EXPECT_TRUE(registered) << registered.error().detail;
    return registered ? registered.value().customer : "";
  }
  static boost::asio::awaitable<Result<Registered>> RegisterOne(CustomerRegistry& registry,
                                                                NewCustomer customer) {
    const std::vector<NewCustomer> customers{std::move(customer)};
    auto all = co_await registry.RegisterAll(customers);
    co_return std::move(all.front());
  }
  std::unique_ptr<CustomerRegistry> registry_;
};

TEST_F(UnmailedCustomersTest, ADepartureHandsThemOverToo) {
  const std::string customer = PhoneOnly("alice", "+4930111222");
  const std::string other = PhoneOnly("carol", "+4930333444");
  EXPECT_EQ(Members(RepUnmailedKey(keys_, "alice")), std::set<std::string>{customer});
  auto started = Await(departures_->Depart("alice", DepartureMode::kTo, "admin"));
  ASSERT_TRUE(started) << started.error().detail;
  EXPECT_EQ(started.value().customers, 1);

  auto batch = Await(departures_->TransferCustomers("alice", "bob", 10, "admin"));
  ASSERT_TRUE(batch) << batch.error().detail;
  EXPECT_EQ(batch.value().customers, 1);
  EXPECT_EQ(batch.value().customers_left, 0);
  EXPECT_EQ(HashField(keys_.Customer(customer), "rep"), "bob");
  EXPECT_EQ(HashField(keys_.Customer(other), "rep"), "carol");
  EXPECT_TRUE(Members(RepUnmailedKey(keys_, "alice")).empty());
  EXPECT_EQ(Members(RepUnmailedKey(keys_, "bob")), std::set<std::string>{customer});
  // The owner indexes learn it from the log.
  auto log = Await(registry_->ReadLog("0", 100));
  ASSERT_TRUE(log) << log.error().detail;
  ASSERT_EQ(log.value().size(), 3u);
  EXPECT_EQ(log.value()[2].kind, CustomerEvent::Kind::kOwnerChanged);
  EXPECT_EQ(log.value()[2].rep, "bob");
}

TEST_F(UnmailedCustomersTest, RouteIsRefusedWhileTheRepKeepsOne) {
  PhoneOnly("alice", "+4930111222");
  ExpectRefused(departures_->Depart("alice", DepartureMode::kRoute, "admin"), Errc::kConflict,
                "CONFLICT rep alice keeps 1 customers and 0 closed leads that routing cannot "
                "place; hand them over with --to");
}

TEST_F(UnmailedCustomersTest, RouteIsAllowedWhenAnOpenLeadCarriesIt) {
  // A lead without an email registers its customer by phone for the rep who takes it.
  const std::string id = NewLead();
  ASSERT_TRUE(server_->Run({"HDEL", keys_.Lead(id), "email_key"}));
  LeadCustomer customer;
  customer.keys.phone = "+4930111222";
  router::Decision decision;
  decision.rule = "test";
  decision.strategy = "owner";
  decision.candidates = {"alice"};
  ASSERT_TRUE(Await(store_->Assign(
      AssignRequest{IntakeEntry{"0-1", id}, decision, customer, {""}, {std::nullopt}, 2, {}, {}})));
  ASSERT_EQ(Members(RepUnmailedKey(keys_, "alice")).size(), 1u);
  auto started = Await(departures_->Depart("alice", DepartureMode::kRoute, "admin"));
  ASSERT_TRUE(started) << started.error().detail;
  // Re-queued, the lead releases its customer.
  auto requeued = Await(departures_->Requeue(id, "alice", "admin"));
  ASSERT_TRUE(requeued) << requeued.error().detail;
  EXPECT_TRUE(Members(RepUnmailedKey(keys_, "alice")).empty());
}

TEST_F(PeopleTest, TransferRefusesBadArguments) {
  ExpectRefused(departures_->TransferCustomers("alice", "alice", 10, "admin"), Errc::kRejected,
                "ERR transfer needs two different reps");
  ExpectRefused(departures_->TransferCustomers("alice", "bob", -1, "admin"), Errc::kRejected,
                "ERR batch must be a non-negative integer");
  ExpectRefused(departures_->Depart("", DepartureMode::kTo, "admin"), Errc::kRejected,
                "ERR depart needs a rep and a mode (to or route)");
}

}  // namespace
}  // namespace leadd::queue
