// The customer registry against a real redis-server: the first registration wins, leads
// register their customers when assigned, every change of owner reaches the log, and the
// owner index replays and follows that log.
#include "queue/customer_registry.h"

#include <gtest/gtest.h>
#include <spdlog/spdlog.h>

#include <boost/asio/detached.hpp>

#include <string>
#include <vector>

#include "queue/owner_index_follower.h"
#include "tests/integration/queue/lead_fixture.h"

namespace leadd::queue {
namespace {

using dedupe::KeyKind;
using std::chrono::hours;

NewCustomer Customer(std::string rep, std::string email, std::string phone = "",
                     std::int64_t registered_at_ms = 0) {
  NewCustomer customer;
  customer.rep = std::move(rep);
  customer.registered_at_ms = registered_at_ms;
  customer.source = "import crm.csv";
  customer.stage = "customer";
  customer.name = "Acme";
  customer.keys.email = std::move(email);
  customer.keys.phone = std::move(phone);
  customer.keys.company = "acme";
  customer.keys.country = "DE";
  return customer;
}

class CustomerRegistryTest : public LeadFixture {
 protected:
  void SetUp() override {
    LeadFixture::SetUp();
    registry_ =
        std::make_unique<CustomerRegistry>(*client_, keys_, FunctionClock::Simulated(sim_clock_));
    follower_ = std::make_unique<OwnerIndexFollower>(
        OwnerIndexFollower::Deps{clock_, *registry_, spdlog::default_logger()},
        std::chrono::milliseconds(100));
  }

  std::vector<Registered> Register(const std::vector<NewCustomer>& customers) {
    auto all = Await(RegisterAllOf(*registry_, customers));
    std::vector<Registered> registered;
    if (!all) return registered;
    for (auto& each : all.value()) {
      EXPECT_TRUE(each) << each.error().detail;
      registered.push_back(each ? std::move(each).value() : Registered{});
    }
    return registered;
  }
  static boost::asio::awaitable<Result<std::vector<Result<Registered>>>> RegisterAllOf(
      CustomerRegistry& registry, std::vector<NewCustomer> customers) {
    co_return co_await registry.RegisterAll(customers);
  }

  std::vector<CustomerEvent> Log() {
    auto events = Await(registry_->ReadLog("0", 1000));
    EXPECT_TRUE(events) << events.error().detail;
    return events ? std::move(events).value() : std::vector<CustomerEvent>{};
  }

  // Replays the whole log into the follower's index.
  void Rebuild() {
    auto rebuilt = Await(follower_->Rebuild());
    ASSERT_TRUE(rebuilt) << rebuilt.error().detail;
  }
  std::string RepByEmail(const std::string& email) {
    const auto hit = follower_->Index().Find(KeyKind::kEmail, email);
    return hit.customer ? std::string(follower_->Index().Rep(*hit.customer)) : "<none>";
  }
  std::string HashOf(const std::string& key, const std::string& field) {
    auto reply = server_->Run({"HGET", key, field});
    return reply && reply.value().IsString() ? reply.value().str : "<none>";
  }

  std::unique_ptr<CustomerRegistry> registry_;
  std::unique_ptr<OwnerIndexFollower> follower_;
};

TEST_F(CustomerRegistryTest, TheFirstRegistrationOfAnEmailWins) {
  const auto first =
      Register({Customer("alice", "jane@acme.de", "+493012345678", 1'600'000'000'000),
                Customer("bob", "jane@acme.de"), Customer("alice", "jane@acme.de"),
                Customer("bob", "max@acme.de")});
  EXPECT_EQ(first[0].outcome, RegisterOutcome::kRegistered);
  EXPECT_EQ(first[0].customer, "C-1");
  EXPECT_EQ(first[0].registered_at_ms, 1'600'000'000'000);
  EXPECT_FALSE(first[0].log_position.empty());
  // A later claimant is told who owns it, and since when.
  EXPECT_EQ(first[1].outcome, RegisterOutcome::kOwnedByOther);
  EXPECT_EQ(first[1].customer, "C-1");
  EXPECT_EQ(first[1].owner, "alice");
  EXPECT_EQ(first[1].registered_at_ms, 1'600'000'000'000);
  EXPECT_EQ(first[2].outcome, RegisterOutcome::kAlreadyTheirs);
  EXPECT_EQ(first[3].outcome, RegisterOutcome::kRegistered);
  EXPECT_EQ(first[3].customer, "C-2");
  // Without a registration time, the Functions' clock gives it.
  EXPECT_EQ(first[3].registered_at_ms, SimNowMs());

  // The lead Functions' owner index is the same: a lead with that email belongs to alice.
  EXPECT_EQ(HashOf(keys_.OwnerByEmail(), "jane@acme.de"), "alice");
  auto stored = Await(registry_->Get("C-1"));
  ASSERT_TRUE(stored) << stored.error().detail;
  EXPECT_EQ(stored.value().Field("rep"), "alice");
  EXPECT_EQ(stored.value().Field("phone"), "+493012345678");
  EXPECT_EQ(stored.value().Field("source"), "import crm.csv");
  EXPECT_EQ(stored.value().Field("stage"), "customer");
  EXPECT_EQ(Await(registry_->Get("C-9")).error().code, Errc::kNotFound);
}

TEST_F(CustomerRegistryTest, AnEmailALeadGaveARepBeforeTheRegistryIsTheirsToo) {
  AssignedTo("carol");  // buyer1@example.com, before any registration
  ASSERT_EQ(HashOf(keys_.OwnerByEmail(), EmailOf(1)), "carol");
  const auto claimed = Register({Customer("bob", EmailOf(1))});
  EXPECT_EQ(claimed[0].outcome, RegisterOutcome::kOwnedByOther);
  EXPECT_EQ(claimed[0].owner, "carol");
}

TEST_F(CustomerRegistryTest, TheIndexReplaysTheLogInOrder) {
  Register(
      {Customer("alice", "jane@acme.de", "+493012345678"), Customer("bob", "", "+4989123456")});
  const auto events = Log();
  ASSERT_EQ(events.size(), 2u);
  EXPECT_EQ(events[0].kind, CustomerEvent::Kind::kRegistered);
  EXPECT_EQ(events[0].customer, "C-1");
  EXPECT_EQ(events[0].keys.email, "jane@acme.de");
  EXPECT_EQ(events[0].keys.company, "acme");
  EXPECT_EQ(events[1].keys.email, "");

  Rebuild();
  EXPECT_TRUE(follower_->Ready());
  EXPECT_EQ(follower_->Index().Size(), 2u);
  EXPECT_EQ(follower_->Position(), events[1].position);
  EXPECT_EQ(RepByEmail("jane@acme.de"), "alice");
  const auto by_phone = follower_->Index().Find(KeyKind::kPhone, "+4989123456");
  ASSERT_TRUE(by_phone.customer);
  EXPECT_EQ(follower_->Index().Rep(*by_phone.customer), "bob");
  EXPECT_EQ(follower_->IdOf("C-2"), by_phone.customer);
  EXPECT_FALSE(follower_->IdOf("C-3"));
  EXPECT_FALSE(follower_->IdOf("L-2"));

  // Applying an entry twice (a log read again after a reconnect) adds nobody.
  follower_->Apply(events[0]);
  EXPECT_EQ(follower_->Index().Size(), 2u);
}

TEST_F(CustomerRegistryTest, AnAssignedLeadRegistersItsUnknownCustomerWithEveryKey) {
  const std::string id = NewLead();
  router::Decision decision;
  decision.rule = "web";
  decision.strategy = "round_robin";
  decision.candidates = {"dave"};
  LeadCustomer customer;
  customer.keys.email = EmailOf(1);
  customer.keys.phone = "+4930111222";
  customer.keys.domain = "example.com";
  auto assigned = Await(store_->Assign(
      AssignRequest{IntakeEntry{"0-1", id}, decision, customer, {""}, {std::nullopt}, 2, {}, {}}));
  ASSERT_TRUE(assigned) << assigned.error().detail;

  EXPECT_EQ(HashOf(keys_.Lead(id), "customer"), "C-1");
  EXPECT_EQ(HashOf(keys_.Customer("C-1"), "rep"), "dave");
  EXPECT_EQ(HashOf(keys_.Customer("C-1"), "source"), "lead " + id);
  EXPECT_EQ(HashOf(keys_.Customer("C-1"), "registered_at"), std::to_string(SimNowMs()));
  Rebuild();
  const auto by_domain = follower_->Index().Find(KeyKind::kDomain, "example.com");
  ASSERT_TRUE(by_domain.customer);
  EXPECT_EQ(follower_->Index().Rep(*by_domain.customer), "dave");
}

TEST_F(CustomerRegistryTest, ALeadOfAKnownCustomerRegistersNobody) {
  const std::string id = NewLead();
  router::Decision decision;
  decision.rule = "owner";
  decision.strategy = "owner";
  decision.candidates = {"dave"};
  LeadCustomer customer;
  customer.keys.phone = "+4930111222";
  customer.known = true;
  auto assigned = Await(store_->Assign(
      AssignRequest{IntakeEntry{"0-1", id}, decision, customer, {""}, {std::nullopt}, 2, {}, {}}));
  ASSERT_TRUE(assigned) << assigned.error().detail;
  EXPECT_TRUE(Log().empty());
  EXPECT_EQ(HashOf(keys_.Lead(id), "customer"), "<none>");
}

TEST_F(CustomerRegistryTest, AParkedLeadsCustomerGoesToWhoeverClaimsIt) {
  const std::string id = NewLead();
  LeadCustomer customer;
  customer.keys.phone = "+4930111222";
  ASSERT_TRUE(Await(store_->Park(IntakeEntry{"0-1", id}, router::Decision{}, customer)));
  auto claimed = Await(
      transitions_->Claim(id, "erin", LeadStore::kDefaultPool, ClaimLimits{10, 10, hours(0)}));
  ASSERT_TRUE(claimed) << claimed.error().detail;
  EXPECT_EQ(HashOf(keys_.Customer("C-1"), "rep"), "erin");
}

TEST_F(CustomerRegistryTest, EveryChangeOfOwnerReachesTheIndex) {
  const std::string given_away = AssignedTo("alice");  // registers buyer1's customer, C-1
  const std::string moved = AssignedTo("alice");       // C-2
  Rebuild();
  EXPECT_EQ(RepByEmail(EmailOf(1)), "alice");

  // A rep who gives the lead up gives the customer up; an admin's move moves it.
  ASSERT_TRUE(Await(transitions_->Reject(given_away, "alice", "1", "not ours")));
  ASSERT_TRUE(Await(transitions_->Reassign(moved, "bob", "admin", "territory")));
  const auto events = Log();
  ASSERT_EQ(events.size(), 4u);
  EXPECT_EQ(events[2].kind, CustomerEvent::Kind::kReleased);
  EXPECT_EQ(events[2].customer, "C-1");
  EXPECT_EQ(events[3].kind, CustomerEvent::Kind::kOwnerChanged);
  EXPECT_EQ(events[3].customer, "C-2");
  EXPECT_EQ(events[3].rep, "bob");
  EXPECT_EQ(HashOf(keys_.Customer("C-1"), "rep"), "<none>");

  for (std::size_t i = 2; i < events.size(); ++i) follower_->Apply(events[i]);
  EXPECT_EQ(RepByEmail(EmailOf(1)), "<none>");  // released: no key finds it any more
  EXPECT_EQ(RepByEmail(EmailOf(2)), "bob");
}

// A lead of a known customer, assigned to `rep`; its keys are the phone `phone` and the
// company "acme", and `add_to` is the customer the pipeline found it to be.
class CustomerContactTest : public CustomerRegistryTest {
 protected:
  std::string KnownLeadTo(const std::string& rep, const std::string& phone,
                          const std::string& add_to = "C-1") {
    const std::string id = NewLead();
    router::Decision decision;
    decision.rule = "owner";
    decision.strategy = "owner";
    decision.candidates = {rep};
    LeadCustomer customer;
    customer.keys.phone = phone;
    customer.keys.company = "acme";
    customer.known = true;
    customer.adds_contact_to = add_to;
    auto assigned = Await(store_->Assign(AssignRequest{
        IntakeEntry{"0-1", id}, decision, customer, {""}, {std::nullopt}, 2, {}, {}}));
    EXPECT_TRUE(assigned) << assigned.error().detail;
    return id;
  }
  std::vector<CustomerEvent> Contacts() {
    std::vector<CustomerEvent> contacts;
    for (auto& event : Log()) {
      if (event.kind == CustomerEvent::Kind::kContact) contacts.push_back(std::move(event));
    }
    return contacts;
  }
};

TEST_F(CustomerContactTest, AKnownCustomersLeadTeachesItTheKeysItWasNotFoundBy) {
  Register({Customer("alice", "jane@acme.de", "+493012345678")});
  KnownLeadTo("alice", "+4930999888");
  const auto contacts = Contacts();
  ASSERT_EQ(contacts.size(), 1u);
  EXPECT_EQ(contacts[0].customer, "C-1");
  EXPECT_EQ(contacts[0].rep, "alice");
  EXPECT_EQ(contacts[0].keys.phone, "+4930999888");
  EXPECT_EQ(contacts[0].keys.company, "acme");
  EXPECT_EQ(HashOf(keys_.Customer("C-1"), "contacts"), "1");

  // Replayed, the new phone finds the same customer, and the customer changes hands whole.
  Rebuild();
  const auto& index = follower_->Index();
  const auto by_phone = index.Find(KeyKind::kPhone, "+4930999888");
  ASSERT_TRUE(by_phone.customer);
  EXPECT_EQ(index.CustomerId(*by_phone.customer), "C-1");
  EXPECT_EQ(index.Rep(*by_phone.customer), "alice");
  follower_->Apply(
      CustomerEvent{"9999999999999-0", CustomerEvent::Kind::kOwnerChanged, "C-1", "bob", 0, {}});
  EXPECT_EQ(index.Rep(*index.Find(KeyKind::kPhone, "+4930999888").customer), "bob");
  EXPECT_EQ(RepByEmail("jane@acme.de"), "bob");
  // Applied again (a log read over itself), the contact is not added twice.
  follower_->Apply(contacts[0]);
  EXPECT_EQ(index.Size(), 2u);
}

TEST_F(CustomerContactTest, OnlyTheCustomersOwnRepTeachesItAndEachLeadOnce) {
  Register({Customer("alice", "jane@acme.de", "+493012345678")});
  KnownLeadTo("bob", "+4930111111");  // the owner rule could not give it to alice
  EXPECT_TRUE(Contacts().empty());
  const std::string lead = KnownLeadTo("alice", "+4930222222");
  ASSERT_EQ(Contacts().size(), 1u);
  // Moved away and back, the lead does not teach the customer a second time.
  ASSERT_TRUE(Await(transitions_->Reassign(lead, "bob", "admin", "cover")));
  ASSERT_TRUE(Await(transitions_->Reassign(lead, "alice", "admin", "back")));
  EXPECT_EQ(Contacts().size(), 1u);
  EXPECT_EQ(HashOf(keys_.Customer("C-1"), "rep"), "alice");
}

TEST_F(CustomerContactTest, ACustomerKeepsAtMostSixteenContacts) {
  Register({Customer("alice", "jane@acme.de", "+493012345678")});
  for (int i = 0; i < 18; ++i) KnownLeadTo("alice", "+49301000" + std::to_string(100 + i));
  EXPECT_EQ(Contacts().size(), 16u);
  EXPECT_EQ(HashOf(keys_.Customer("C-1"), "contacts"), "16");
  KnownLeadTo("alice", "+4930555555", "C-404");  // a customer released meanwhile: nothing
  EXPECT_EQ(Contacts().size(), 16u);
}

// Leads matched against an index at log position `seen` (LeadCustomer::seen), whose customer
// another lead or daemon may have registered since.
class RegisteredSinceTest : public CustomerRegistryTest {
 protected:
  LeadCustomer PhoneOnly(const std::string& phone, std::string seen) {
    LeadCustomer customer;
    customer.keys.phone = phone;
    customer.keys.country = "DE";
    customer.seen = std::move(seen);
    return customer;
  }
  Assignment AssignTo(const std::string& id, const std::string& rep, const LeadCustomer& customer) {
    router::Decision decision;
    decision.rule = "web";
    decision.strategy = "round_robin";
    decision.candidates = {rep};
    auto assigned = Await(store_->Assign(AssignRequest{
        IntakeEntry{"0-1", id}, decision, customer, {""}, {std::nullopt}, 2, {}, {}}));
    EXPECT_TRUE(assigned) << assigned.error().detail;
    return assigned ? assigned.value() : Assignment{"<failed>", AssignOutcome::kAssigned};
  }
  std::size_t Registrations() {
    std::size_t registered = 0;
    for (const auto& event : Log()) {
      if (event.kind == CustomerEvent::Kind::kRegistered) ++registered;
    }
    return registered;
  }
  std::string Head() {
    auto head = Await(registry_->LastPosition());
    EXPECT_TRUE(head) << head.error().detail;
    return head ? head.value() : "";
  }
};

TEST_F(RegisteredSinceTest, ALeadWhoseCustomerWasRegisteredSinceItsMatchIsMatchedAgain) {
  const std::string seen = "0";                    // matched before any registration
  Register({Customer("bob", "", "+4930111222")});  // another daemon, a moment later
  const std::string id = NewLead();

  const auto moved = AssignTo(id, "alice", PhoneOnly("+4930111222", seen));
  EXPECT_EQ(moved.outcome, AssignOutcome::kRegistryMoved);
  EXPECT_EQ(moved.rep, "");
  // Nothing changed: the lead waits to be routed, and bob's customer has no twin.
  EXPECT_EQ(HashOf(keys_.Lead(id), "state"), "ingested");
  EXPECT_EQ(HashOf(keys_.Lead(id), "assignee"), "<none>");
  EXPECT_EQ(Registrations(), 1u);

  // Matched again against an index that has bob's customer, the lead is routed.
  LeadCustomer known = PhoneOnly("+4930111222", Head());
  known.known = true;
  EXPECT_EQ(AssignTo(id, "bob", known).outcome, AssignOutcome::kAssigned);
  EXPECT_EQ(Registrations(), 1u);
}

TEST_F(RegisteredSinceTest, ARegistrationOfOtherKeysSinceTheMatchChangesNothing) {
  const std::string seen = Head();
  Register({Customer("bob", "jane@acme.de", "+4930999999")});  // keys the lead does not have
  const std::string id = NewLead();
  EXPECT_EQ(AssignTo(id, "alice", PhoneOnly("+4930111222", seen)).outcome,
            AssignOutcome::kAssigned);
  EXPECT_EQ(Registrations(), 2u);
  EXPECT_EQ(HashOf(keys_.Customer("C-2"), "rep"), "alice");

  // Matched after that registration, a lead with the same phone registers (the matcher saw
  // bob's customer and found it not to be this lead's: a shared switchboard, say).
  const std::string other = NewLead();
  EXPECT_EQ(AssignTo(other, "carol", PhoneOnly("+4930999999", Head())).outcome,
            AssignOutcome::kAssigned);
  EXPECT_EQ(Registrations(), 3u);
}

TEST_F(RegisteredSinceTest, AContactTaughtSinceTheMatchCountsAsARegistration) {
  Register({Customer("bob", "jane@acme.de", "+4930999999")});
  const std::string seen = Head();
  LeadCustomer taught = PhoneOnly("+4930555555", "");
  taught.known = true;
  taught.adds_contact_to = "C-1";
  ASSERT_EQ(AssignTo(NewLead(), "bob", taught).outcome, AssignOutcome::kAssigned);
  EXPECT_EQ(AssignTo(NewLead(), "alice", PhoneOnly("+4930555555", seen)).outcome,
            AssignOutcome::kRegistryMoved);
}

TEST_F(RegisteredSinceTest, ALeadMatchedTooManyRegistrationsAgoIsMatchedAgain) {
  const std::string seen = Head();
  std::vector<NewCustomer> many;
  for (int i = 0; i < 256; ++i) many.push_back(Customer("bob", "c" + std::to_string(i) + "@x.de"));
  Register(many);
  EXPECT_EQ(AssignTo(NewLead(), "alice", PhoneOnly("+4930111222", seen)).outcome,
            AssignOutcome::kRegistryMoved);
  // Without a position (the pipeline's last try), the lead registers without looking.
  EXPECT_EQ(AssignTo(NewLead(), "alice", PhoneOnly("+4930111222", "")).outcome,
            AssignOutcome::kAssigned);
  EXPECT_EQ(Registrations(), 257u);
}

TEST_F(RegisteredSinceTest, AKnownLeadWhoseCustomerChangedHandsSinceItsMatchIsMatchedAgain) {
  const std::string moved = AssignedTo("alice");     // registers C-1
  const std::string released = AssignedTo("alice");  // C-2
  const std::string kept = AssignedTo("alice");      // C-3
  const std::string seen = Head();
  // After the match, before the assignment: an admin moves C-1's lead, and with it C-1, to
  // bob; alice gives C-2's lead, and with it C-2, up.
  ASSERT_TRUE(Await(transitions_->Reassign(moved, "bob", "admin", "territory")));
  ASSERT_TRUE(Await(transitions_->Reject(released, "alice", "1", "not ours")));
  const auto known_as = [&](const std::string& customer, std::string at) {
    LeadCustomer known = PhoneOnly("+4930111222", std::move(at));
    known.known = true;
    known.known_as = customer;
    return known;
  };
  // The owner rule named alice for each: she owns C-3 still, and the others no more.
  EXPECT_EQ(AssignTo(NewLead(), "alice", known_as("C-1", seen)).outcome,
            AssignOutcome::kRegistryMoved);
  EXPECT_EQ(AssignTo(NewLead(), "alice", known_as("C-2", seen)).outcome,
            AssignOutcome::kRegistryMoved);
  EXPECT_EQ(AssignTo(NewLead(), "alice", known_as("C-3", seen)).outcome, AssignOutcome::kAssigned);
  // Matched again, against an index that has the move, the lead goes to bob.
  EXPECT_EQ(AssignTo(NewLead(), "bob", known_as("C-1", Head())).outcome, AssignOutcome::kAssigned);
  EXPECT_EQ(HashOf(keys_.Lead(kept), "assignee"), "alice");
  EXPECT_EQ(Registrations(), 3u);
}

TEST_F(RegisteredSinceTest, AClaimAfterAnotherRegistrationTakesTheLeadNotTheCustomer) {
  const std::string id = NewLead();
  LeadCustomer customer = PhoneOnly("+4930111222", Head());
  customer.keys.email = "buyer@shop.de";
  ASSERT_TRUE(Await(store_->Park(IntakeEntry{"0-1", id}, router::Decision{}, customer)));
  // While the lead waits in the pool, another lead of the same phone registers it to bob.
  Register({Customer("bob", "", "+4930111222")});

  auto claimed = Await(
      transitions_->Claim(id, "erin", LeadStore::kDefaultPool, ClaimLimits{10, 10, hours(0)}));
  ASSERT_TRUE(claimed) << claimed.error().detail;
  EXPECT_EQ(HashOf(keys_.Lead(id), "assignee"), "erin");
  EXPECT_EQ(Registrations(), 1u);
  EXPECT_EQ(HashOf(keys_.Customer("C-1"), "rep"), "bob");
  EXPECT_EQ(HashOf(keys_.OwnerByEmail(), "buyer@shop.de"), "<none>");
}

// An import's batch matched at log position `seen`: another daemon's lead may have registered
// one of its customers since.
class BatchRegisteredSinceTest : public RegisteredSinceTest {
 protected:
  static NewCustomer PhoneOnly(std::string rep, std::string phone) {
    NewCustomer customer;
    customer.rep = std::move(rep);
    customer.source = "import crm.csv";
    customer.keys.phone = std::move(phone);
    customer.keys.country = "DE";
    return customer;
  }
  static std::string Phone(int n) { return "+49301" + std::to_string(100000 + n); }
  std::vector<RegisterOutcome> RegisterBatch(const std::vector<NewCustomer>& customers,
                                             const MatchedAt& matched_at) {
    auto all = Await(RegisterBatchOf(*registry_, customers, matched_at));
    std::vector<RegisterOutcome> outcomes;
    if (!all) return outcomes;
    for (const auto& each : all.value()) {
      EXPECT_TRUE(each) << each.error().detail;
      outcomes.push_back(each ? each.value().outcome : RegisterOutcome::kOwnedByOther);
    }
    return outcomes;
  }
  static boost::asio::awaitable<Result<std::vector<Result<Registered>>>> RegisterBatchOf(
      CustomerRegistry& registry, std::vector<NewCustomer> customers, MatchedAt matched_at) {
    co_return co_await registry.RegisterAll(customers, matched_at);
  }
};

TEST_F(BatchRegisteredSinceTest, ARowWhoseCustomerALeadRegisteredSinceTheMatchIsMatchedAgain) {
  Register({PhoneOnly("carol", Phone(0))});  // before the match: the matcher saw it
  const MatchedAt matched_at{Head(), "batch-1"};
  Register({PhoneOnly("bob", Phone(1))});  // another daemon's lead, a moment later
  const auto outcomes = RegisterBatch(
      {PhoneOnly("alice", Phone(1)), PhoneOnly("alice", Phone(2)), PhoneOnly("alice", Phone(0))},
      matched_at);
  EXPECT_EQ(outcomes, (std::vector{RegisterOutcome::kRegistryMoved, RegisterOutcome::kRegistered,
                                   RegisterOutcome::kRegistered}));
  EXPECT_EQ(Registrations(), 4u);  // not Phone(1) twice
  // Without a position (the last time round), the row registers without looking.
  EXPECT_EQ(RegisterBatch({PhoneOnly("alice", Phone(1))}, {}),
            std::vector{RegisterOutcome::kRegistered});
}

TEST_F(BatchRegisteredSinceTest, TheBatchsOwnRegistrationsAreNotAnothers) {
  const MatchedAt matched_at{Head(), "batch-1"};
  // More rows than a lead's check reads, two of them with one switchboard number (the matcher
  // found the number shared, not a match): all are registered, each call reading only what
  // came since the one before.
  std::vector<NewCustomer> first_half;
  for (int i = 0; i < 300; ++i) first_half.push_back(PhoneOnly("alice", Phone(i)));
  first_half.push_back(PhoneOnly("bob", Phone(7)));
  for (const RegisterOutcome outcome : RegisterBatch(first_half, matched_at)) {
    EXPECT_EQ(outcome, RegisterOutcome::kRegistered);
  }
  Register({PhoneOnly("bob", Phone(1000))});  // another daemon, between two calls of the batch
  const auto outcomes =
      RegisterBatch({PhoneOnly("alice", Phone(1001)), PhoneOnly("alice", Phone(1000))}, matched_at);
  EXPECT_EQ(outcomes, (std::vector{RegisterOutcome::kRegistered, RegisterOutcome::kRegistryMoved}));
  // Another batch matched at the same position has its own view of what came since.
  EXPECT_EQ(RegisterBatch({PhoneOnly("carol", Phone(5))}, {matched_at.position, "batch-2"}),
            std::vector{RegisterOutcome::kRegistryMoved});
  EXPECT_EQ(Registrations(), 303u);
}

TEST_F(BatchRegisteredSinceTest, ABatchMatchedTooManyRegistrationsAgoIsMatchedAgain) {
  const MatchedAt matched_at{Head(), "batch-1"};
  std::vector<NewCustomer> many;
  for (int i = 0; i < 4096; ++i) many.push_back(PhoneOnly("bob", Phone(i)));
  Register(many);
  // The first row cannot tell; the second reads on from where the first stopped.
  const auto outcomes =
      RegisterBatch({PhoneOnly("alice", Phone(5000)), PhoneOnly("alice", Phone(5001))}, matched_at);
  EXPECT_EQ(outcomes, (std::vector{RegisterOutcome::kRegistryMoved, RegisterOutcome::kRegistered}));
}

TEST_F(CustomerRegistryTest, FollowingTheLogSeesAnotherClientsRegistration) {
  auto owner_client = ConnectedClient("owners");
  ASSERT_NE(owner_client, nullptr);
  CustomerRegistry owner_log(*owner_client, keys_);
  OwnerIndexFollower follower({clock_, owner_log, spdlog::default_logger()},
                              std::chrono::milliseconds(200));
  boost::asio::co_spawn(io_, follower.Run(), boost::asio::detached);
  ASSERT_TRUE(fakes::RunUntil(
      io_, [&] { return follower.Ready(); }, std::chrono::seconds(5)));

  const auto registered = Register({Customer("alice", "jane@acme.de")});
  auto caught = Await(follower.CatchUp(registered[0].log_position, std::chrono::seconds(5)));
  ASSERT_TRUE(caught) << caught.error().detail;
  EXPECT_EQ(follower.Index().Size(), 1u);
  auto head = Await(registry_->LastPosition());
  ASSERT_TRUE(head);
  EXPECT_EQ(head.value(), registered[0].log_position);

  // A position the log never reaches times out with kTransient.
  auto never = Await(follower.CatchUp("99999999999999-0", std::chrono::milliseconds(50)));
  ASSERT_FALSE(never);
  EXPECT_EQ(never.error().code, Errc::kTransient);

  bool stopped = false;
  follower.Stop([&] { stopped = true; });
  EXPECT_TRUE(fakes::RunUntil(
      io_, [&] { return stopped; }, std::chrono::seconds(5)));
}

TEST_F(CustomerRegistryTest, AFollowerRebuildsWhenTheRegistryGoesBack) {
  auto owner_client = ConnectedClient("owners");
  ASSERT_NE(owner_client, nullptr);
  CustomerRegistry owner_log(*owner_client, keys_);
  OwnerIndexFollower follower({clock_, owner_log, spdlog::default_logger()},
                              std::chrono::milliseconds(100));
  boost::asio::co_spawn(io_, follower.Run(), boost::asio::detached);
  ASSERT_TRUE(fakes::RunUntil(
      io_, [&] { return follower.Ready(); }, std::chrono::seconds(5)));
  const auto first = Register({Customer("alice", "jane@acme.de")});
  ASSERT_TRUE(Await(follower.CatchUp(first[0].log_position, std::chrono::seconds(5))));
  const auto finds = [&](const std::string& email) {
    const auto hit = follower.Index().Find(KeyKind::kEmail, email);
    return hit.customer ? std::string(follower.Index().Rep(*hit.customer)) : "";
  };
  ASSERT_EQ(finds("jane@acme.de"), "alice");

  // Flushed, then a new C-1: the index forgets jane and learns max, as a restart would.
  ASSERT_TRUE(server_->Run({"FLUSHALL"}));
  const auto again = Register({Customer("bob", "max@acme.de")});
  ASSERT_EQ(again[0].customer, "C-1");
  EXPECT_TRUE(fakes::RunUntil(
      io_, [&] { return follower.Ready() && finds("max@acme.de") == "bob"; },
      std::chrono::seconds(5)));
  EXPECT_EQ(finds("jane@acme.de"), "");
  EXPECT_EQ(follower.Index().Size(), 1u);

  // Flushed and quiet: the log now ends before the index, which empties.
  ASSERT_TRUE(server_->Run({"FLUSHALL"}));
  EXPECT_TRUE(fakes::RunUntil(
      io_, [&] { return follower.Ready() && follower.Index().Size() == 0; },
      std::chrono::seconds(5)));

  bool stopped = false;
  follower.Stop([&] { stopped = true; });
  EXPECT_TRUE(fakes::RunUntil(
      io_, [&] { return stopped; }, std::chrono::seconds(5)));
}

TEST_F(CustomerRegistryTest, APossibleOwnerIsToldOnceToBothRepsAndTheAdmins) {
  const std::string id = AssignedTo("alice");
  std::vector<std::pair<std::string, dedupe::PossibleOwner>> flagged{
      {id, dedupe::PossibleOwner{"bob", "C-7", 0.8543, "possible owner, for review"}}};
  ASSERT_TRUE(Await(store_->FlagPossibleOwners(flagged)));
  ASSERT_TRUE(Await(store_->FlagPossibleOwners(flagged)));  // a redelivery

  EXPECT_EQ(HashOf(keys_.Lead(id), "possible_owner"), "bob");
  EXPECT_EQ(HashOf(keys_.Lead(id), "possible_customer"), "C-7");
  std::vector<std::string> told;
  for (const auto& notice : Outbox()) {
    if (notice.Get("kind") != "possible_owner") continue;
    told.push_back(notice.Get("rep"));
    EXPECT_EQ(notice.Get("score"), "0.85");
    EXPECT_EQ(notice.Get("holder"), "alice");
  }
  EXPECT_EQ(told, (std::vector<std::string>{"bob", "alice", ""}));
  const auto history = Await(store_->GetWithHistory(id));
  ASSERT_TRUE(history);
  EXPECT_NE(history.value().history.back().find("\"event\":\"possible_owner\""), std::string::npos);

  EXPECT_FALSE(Await(store_->FlagPossibleOwners({{"L-999", flagged[0].second}})));
}

TEST(LogPositionTest, ComparesMillisecondsThenSequence) {
  EXPECT_TRUE(LogPositionAfter("1700000000000-3", "1700000000000-2"));
  EXPECT_TRUE(LogPositionAfter("1700000000001-0", "1700000000000-9"));
  EXPECT_TRUE(LogPositionAfter("10-0", "9-5"));  // numbers, not text
  EXPECT_FALSE(LogPositionAfter("1700000000000-2", "1700000000000-2"));
  EXPECT_FALSE(LogPositionAfter("0", "1-0"));
  EXPECT_TRUE(LogPositionAfter("1-0", "0"));
}

}  // namespace
}  // namespace leadd::queue
