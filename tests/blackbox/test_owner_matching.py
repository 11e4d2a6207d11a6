"""Owners found by dedupe in a real daemon: a customer registered through the API owns the leads
that come with its phone, company domain or company name, however they are written; a weaker
match is routed normally and flagged to both reps and the admins; a lead's new customer is
registered to the rep who takes it; a lead of a known customer teaches it the keys it was not
found by; and every daemon sharing the Redis, including one started afterwards, knows every
registration, and two of them taking one new customer's leads at the same moment, or one
importing it while another takes its lead, register it once."""

import collections
import contextlib
import json
import os
import threading
import unittest

from harness import (ADMIN_TOKEN, Leadd, LeaddTestCase, RespConnection, notices, wait_until,
                     write_config)

CUSTOMER = {
    "rep": "alice",
    "company": "Müller Präzisionstechnik GmbH",
    "phone": "+49 30 1234 5678",
    "website": "https://www.mueller-praezision.de",
    "country": "DE",
    "line": 2,
}


class OwnerMatchingTest(LeaddTestCase):
    def setUp(self):
        super().setUp()
        # New customers go to bob: a lead that reaches alice was given to her by the owner rule.
        self.config = write_config(self.dir, self.redis.port, round_robin=("bob",))
        self.leadd = Leadd(self.config)
        self.leadd.wait_ready()

    def register(self, leadd, *customers):
        status, body = leadd.request("POST", "/v1/customers",
                                     json.dumps({"customers": list(customers)}), ADMIN_TOKEN)
        self.assertEqual(status, 200, body)
        return json.loads(body)["results"]

    def routed(self, leadd, lead):
        status, body = leadd.post_lead(dict({"source": "web"}, **lead))
        self.assertIn(status, (200, 202), body)
        routed = leadd.wait_assigned(body["id"])
        return body["id"], routed["lead"]["assignee"], json.dumps(routed)

    def test_a_registered_customer_owns_leads_by_phone_domain_and_name(self):
        results = self.register(self.leadd, CUSTOMER)
        self.assertEqual(results[0]["outcome"], "registered", results)

        # The phone in national form with the lead's country; no email.
        _, rep, seen = self.routed(self.leadd, {"phone": "030 12345678", "country": "DE",
                                                "external_id": "1"})
        self.assertEqual(rep, "alice", seen)
        explanation = json.loads(seen)["lead"]["decision"]["trace"][0]["outcome"]
        self.assertIn("owner 'alice' by customer C-1 of alice", explanation)
        self.assertIn("agreed: phone", explanation)
        self.assertNotIn("12345678", explanation, "an explanation names keys, never their values")
        # Another person at the firm's domain.
        _, rep, seen = self.routed(self.leadd, {"email": "einkauf@mueller-praezision.de",
                                                "external_id": "2"})
        self.assertEqual(rep, "alice", seen)
        # The name in capitals, without its legal form.
        _, rep, seen = self.routed(self.leadd, {"company": "MÜLLER PRÄZISIONSTECHNIK",
                                                "country": "DE", "external_id": "3"})
        self.assertEqual(rep, "alice", seen)
        # Somebody else entirely.
        _, rep, _ = self.routed(self.leadd, {"company": "Schmidt Logistik AG", "country": "DE",
                                             "email": "info@schmidt-logistik.de",
                                             "external_id": "4"})
        self.assertEqual(rep, "bob")

    def test_a_weaker_match_is_routed_normally_and_flagged_to_both_reps_and_the_admins(self):
        self.register(self.leadd, CUSTOMER)
        # The customer's phone, but another firm's email domain: possible, not sure.
        lead_id, rep, seen = self.routed(self.leadd, {"phone": "+49 30 12345678",
                                                      "email": "buyer@other-firm.de",
                                                      "external_id": "5"})
        self.assertEqual(rep, "bob", seen)
        flagged = wait_until(
            lambda: notices(self.leadd.log(), "possible_owner", lead_id)
            if len(notices(self.leadd.log(), "possible_owner", lead_id)) == 3 else None,
            what="three possible_owner notices")
        self.assertEqual(sorted(n["to"] for n in flagged), ["admins", "alice", "bob"])
        self.assertTrue(all(n["owner"] == "alice" and n["customer"] == "C-1" for n in flagged))
        status, body = self.leadd.get_lead(lead_id)
        self.assertEqual(status, 200)
        events = [json.loads(e) if isinstance(e, str) else e for e in body["history"]]
        self.assertIn("possible_owner", [e["event"] for e in events])

    def test_a_leads_new_customer_belongs_to_the_rep_who_took_it(self):
        _, first, _ = self.routed(self.leadd, {"phone": "+86 139 1234 5678",
                                               "company": "深圳市华鑫塑胶制品有限公司",
                                               "external_id": "6"})
        self.assertEqual(first, "bob")
        # Registered with the assignment: the same firm, written in Traditional characters and
        # with a bracketed city, now goes to bob by the owner rule, whoever is next in turn.
        self.leadd.stop()
        self.leadd.close()
        self.config = write_config(self.dir, self.redis.port, round_robin=("alice",))
        self.leadd = Leadd(self.config)
        self.leadd.wait_ready()
        _, again, seen = self.routed(self.leadd, {"phone": "0086-13912345678",
                                                  "external_id": "7"})
        self.assertEqual(again, "bob", seen)
        _, by_name, seen = self.routed(self.leadd, {"company": "華鑫塑膠製品（深圳）有限公司",
                                                    "external_id": "8"})
        self.assertEqual(by_name, "bob", seen)

    def test_an_owners_lead_teaches_the_customer_the_keys_it_was_not_found_by(self):
        self.register(self.leadd, CUSTOMER)
        # Found by the customer's phone, from a mailbox the registry has never seen.
        _, rep, seen = self.routed(self.leadd, {"phone": "+49 30 12345678", "country": "DE",
                                                "email": "m.weber.einkauf@gmail.com",
                                                "external_id": "11"})
        self.assertEqual(rep, "alice", seen)
        # That mailbox, from a new phone: alice's by the email, and the phone is learnt too.
        _, rep, seen = self.routed(self.leadd, {"phone": "+49 89 5555 0100", "country": "DE",
                                                "email": "M.Weber.Einkauf@gmail.com",
                                                "external_id": "12"})
        self.assertEqual(rep, "alice", seen)
        # The new phone alone now finds the customer; before, it found nobody and went to bob.
        _, rep, seen = self.routed(self.leadd, {"phone": "089 55550100", "country": "DE",
                                                "external_id": "13"})
        self.assertEqual(rep, "alice", seen)
        self.assertIn("by customer C-1 of alice", seen)
        # An admin sees what the customer learnt, and when.
        status, body = self.leadd.request("GET", "/v1/customers/C-1", token=ADMIN_TOKEN)
        self.assertEqual(status, 200, body)
        learnt = json.loads(body)["learnt"]
        self.assertEqual([(each["email"], each["phone"]) for each in learnt],
                         [("mwebereinkauf@gmail.com", "+493012345678"),
                          ("mwebereinkauf@gmail.com", "+498955550100")], learnt)
        self.assertLessEqual(learnt[0]["learnt_at"], learnt[1]["learnt_at"])
        # A daemon started afterwards knows the learnt keys from the log.
        late = Leadd(self.config)
        try:
            late.wait_ready()
            _, rep, seen = self.routed(late, {"phone": "+4989 5555 0100", "country": "DE",
                                              "external_id": "14"})
            self.assertEqual(rep, "alice", seen)
        finally:
            self.assertEqual(late.stop(), 0)
            late.close()

    def test_a_person_is_found_by_name_and_address_never_by_name_alone(self):
        results = self.register(self.leadd, {
            "rep": "alice", "name": "Jonathan Whitaker", "email": "jwhitaker1968@gmail.com",
            "street": "12 High Street", "city": "Leeds", "postcode": "LS1 4AP",
            "country": "GB", "line": 2})
        self.assertEqual(results[0]["outcome"], "registered", results)
        # No email or phone: the name with the address the lead form gave.
        _, rep, seen = self.routed(self.leadd, {"contact_name": "WHITAKER, Jonathan",
                                                "street": "12 High Street", "city": "LEEDS",
                                                "postcode": "ls1 4ap", "country": "GB",
                                                "external_id": "15"})
        self.assertEqual(rep, "alice", seen)
        self.assertIn("agreed: contact name", seen)
        # The same name without an address could be anybody's.
        _, rep, seen = self.routed(self.leadd, {"contact_name": "Jonathan Whitaker",
                                                "country": "GB", "external_id": "16"})
        self.assertEqual(rep, "bob", seen)

    def test_every_daemon_sharing_the_redis_knows_every_registration(self):
        other = Leadd(self.config)
        try:
            other.wait_ready()
            self.register(self.leadd, CUSTOMER)
            _, rep, seen = self.routed(other, {"phone": "+49 30 12345678", "country": "DE",
                                               "external_id": "9"})
            self.assertEqual(rep, "alice", seen)
            # A daemon started afterwards rebuilds its index from the registration log.
            late = Leadd(self.config)
            try:
                late.wait_ready()
                wait_until(lambda: "owners.index_rebuilt customers=1 " in late.log(),
                           what="the late daemon's rebuild")
                _, rep, seen = self.routed(late, {"email": "vertrieb@mueller-praezision.de",
                                                  "external_id": "10"})
                self.assertEqual(rep, "alice", seen)
            finally:
                self.assertEqual(late.stop(), 0)
                late.close()
        finally:
            self.assertEqual(other.stop(), 0)
            other.close()

    @contextlib.contextmanager
    def two_daemons(self, config):
        first, second = Leadd(config), Leadd(config)
        try:
            first.wait_ready()
            second.wait_ready()
            yield first, second
        finally:
            self.assertEqual(first.stop(), 0)
            self.assertEqual(second.stop(), 0)
            first.close()
            second.close()

    @staticmethod
    def at_once(*tasks):
        """Runs each (function, args) in a thread of its own, released together."""
        ready = threading.Barrier(len(tasks))
        threads = [threading.Thread(target=function, args=args + (ready,))
                   for function, args in tasks]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()

    def registered_reps(self):
        """Each registered phone key with the reps it was registered to, in log order."""
        redis = RespConnection(self.redis.port)
        try:
            log = redis.call("XRANGE", "t:customers:log", "-", "+")
        finally:
            redis.close()
        reps = collections.defaultdict(list)
        for _, fields in log:
            entry = dict(zip(fields[::2], fields[1::2]))
            if entry["op"] == "register":
                reps[entry["phone"]].append(entry["rep"])
        return reps

    def test_two_daemons_given_one_new_customers_leads_at_once_register_it_once(self):
        # New customers in turn to alice and bob, so that two leads of one customer routed as
        # new go to different reps.
        both = os.path.join(self.dir, "both")
        os.mkdir(both)
        config = write_config(both, self.redis.port, round_robin=("alice", "bob"))
        pairs = 24
        with self.two_daemons(config) as (first, second):
            ids = {}

            def post(leadd, customer, copy, ready):
                ready.wait()
                status, body = leadd.post_lead({"source": "web", "country": "DE",
                                                "phone": f"+49 30 5550 {customer:04d}",
                                                "external_id": f"{customer}-{copy}"})
                self.assertIn(status, (200, 202), body)
                ids[(customer, copy)] = body["id"]

            # Each pair at once through both daemons: whichever reads a lead matches it against
            # an index that may not have the other one's registration yet.
            for customer in range(pairs):
                self.at_once((post, (first, customer, 0)), (post, (second, customer, 1)))
            reps = {key: first.wait_assigned(lead)["lead"]["assignee"]
                    for key, lead in ids.items()}
            registered = self.registered_reps()
            for customer in range(pairs):
                phone = f"+49305550{customer:04d}"
                self.assertEqual(len(registered[phone]), 1, (phone, registered[phone]))
                self.assertEqual(reps[(customer, 0)], reps[(customer, 1)], (customer, reps))
            rematched = first.log().count("lead.rematched") + second.log().count("lead.rematched")
            print(f"{pairs} pairs, {rematched} leads matched again")

    def test_an_import_and_another_daemons_leads_of_one_new_customer_register_it_once(self):
        # New customers from leads go to bob; the import gives each to alice.
        batches, rows = 20, 8
        with self.two_daemons(self.config) as (importing, routing):
            results, ids = {}, {}

            def phone(customer):
                return f"+49 30 5551 {customer:04d}"

            def post_batch(batch, ready):
                ready.wait()
                customers = [{"rep": "alice", "phone": phone(c), "country": "DE", "line": c + 1}
                             for c in range(batch * rows, (batch + 1) * rows)]
                status, body = importing.request("POST", "/v1/customers",
                                                 json.dumps({"customers": customers}),
                                                 ADMIN_TOKEN)
                self.assertEqual(status, 200, body)
                for result in json.loads(body)["results"]:
                    results[result["line"] - 1] = result

            def post_leads(batch, ready):
                ready.wait()
                for c in reversed(range(batch * rows, (batch + 1) * rows)):
                    status, body = routing.post_lead({"source": "web", "country": "DE",
                                                      "phone": phone(c), "external_id": str(c)})
                    self.assertIn(status, (200, 202), body)
                    ids[c] = body["id"]

            # Each batch at once with leads of its customers through the other daemon, which
            # registers those it takes while the batch is between its match and its registration.
            for batch in range(batches):
                self.at_once((post_batch, (batch,)), (post_leads, (batch,)))
            reps = {c: routing.wait_assigned(lead)["lead"]["assignee"] for c, lead in ids.items()}
            registered = self.registered_reps()
            for customer in range(batches * rows):
                key = phone(customer).replace(" ", "")
                self.assertEqual(len(registered[key]), 1, (key, registered[key]))
                owner = registered[key][0]
                # The lead went to the customer's one owner, and the import row says who that is.
                self.assertEqual(reps[customer], owner, (customer, reps[customer], owner))
                result = results[customer]
                if owner == "alice":
                    self.assertEqual(result["outcome"], "registered", result)
                else:
                    self.assertEqual((result["outcome"], result["owner"]), ("conflict", owner),
                                     result)
            rematched = importing.log().count("customers.rematched")
            print(f"{batches * rows} customers, {rematched} import rounds matched again")

if __name__ == "__main__":
    unittest.main()
