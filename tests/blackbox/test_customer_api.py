"""POST /v1/customers and GET /v1/customers/{id} against a real daemon and Redis: only the admin
registers; every row of a batch gets its own outcome, in order; two rows of one customer in a
batch meet, and the next batch meets the customers the one before registered."""

import json

from harness import ADMIN_TOKEN, Leadd, LeaddTestCase, wait_until, write_config

ALICE = "alice-token-1"


class CustomerApiTest(LeaddTestCase):
    def setUp(self):
        super().setUp()
        # A company domain alone (0.95) is then a possible owner, for review; an email, the owner.
        config = write_config(self.dir, self.redis.port, rep_tokens={"alice": ALICE},
                              extra_reps=("carol",),
                              extra_yaml="dedupe:\n  auto_match: 0.97\n  review: 0.8\n")
        self.leadd = Leadd(config)
        self.leadd.wait_ready()
        # Until the owner index has read the registry, a batch is answered 503; a batch of one
        # invalid row registers nothing.
        nothing = {"customers": [{"rep": "nobody", "email": "x@nowhere.example"}]}
        wait_until(lambda: self.call("POST", "/v1/customers", nothing)[0] == 200,
                   what="the owner index to load")

    def call(self, method, path, body=None, token=ADMIN_TOKEN):
        text = body if body is None or isinstance(body, str) else json.dumps(body)
        status, answer = self.leadd.request(method, path, text, token)
        return status, (json.loads(answer) if answer.startswith("{") else answer)

    def register(self, *rows):
        status, answer = self.call("POST", "/v1/customers", {"customers": list(rows)})
        self.assertEqual(status, 200, answer)
        return answer

    def test_only_the_admin_registers_and_reads(self):
        batch = {"customers": [{"rep": "alice", "email": "jo@acme-pumpen.de"}]}
        self.assertEqual(self.call("POST", "/v1/customers", batch, token=None)[0], 401)
        self.assertEqual(self.call("POST", "/v1/customers", batch, token="wrong")[0], 401)
        status, answer = self.call("POST", "/v1/customers", batch, token=ALICE)
        self.assertEqual(status, 403, answer)
        self.assertEqual(self.call("GET", "/v1/customers/C-1", token=None)[0], 401)
        self.assertEqual(self.call("GET", "/v1/customers/C-1", token=ALICE)[0], 403)
        self.assertEqual(self.call("PUT", "/v1/customers", batch)[0], 405)
        self.assertEqual(self.call("GET", "/v1/customers")[0], 405)
        self.assertEqual(self.call("POST", "/v1/customers/C-1", batch)[0], 405)
        self.assertEqual(self.redis.cli("HLEN", "t:owner:email"), "0")

    def test_a_body_that_is_not_a_batch_is_refused_whole(self):
        for body in ("not json", "[]", json.dumps({"customers": []}),
                     json.dumps({"customers": [{"rep": "alice"}], "extra": 1})):
            status, answer = self.call("POST", "/v1/customers", body)
            self.assertEqual(status, 400, body)
            self.assertTrue(answer["error"], answer)
        self.assertEqual(self.redis.cli("HLEN", "t:owner:email"), "0")

    def test_each_row_gets_its_outcome_and_the_next_batch_meets_the_first(self):
        first = self.register(
            {"line": 2, "rep": "alice", "email": "jo@acme-pumpen.de", "company": "Acme",
             "registered_at": "2024-03-01"},
            # The same customer again in the same batch: another rep's claim, then its owner's.
            {"line": 3, "rep": "bob", "email": "JO@ACME-PUMPEN.de"},
            {"line": 4, "rep": "alice", "email": "jo@acme-pumpen.de"},
            # Only the company domain agrees (the email differs): registered, for review.
            {"line": 5, "rep": "bob", "email": "ann@acme-pumpen.de"},
            {"line": 6, "rep": "zed", "email": "zed@zed.example"},
            {"line": 7, "rep": "alice", "name": "Jo Doe"},
            {"line": 8, "rep": "alice", "colour": "red"})
        results = first["results"]
        self.assertEqual([r["line"] for r in results], [2, 3, 4, 5, 6, 7, 8])
        self.assertEqual([r["outcome"] for r in results],
                         ["registered", "conflict", "already_theirs", "review", "invalid",
                          "invalid", "invalid"])
        acme = results[0]["customer"]
        self.assertRegex(acme, r"^C-\d+$")
        conflict = results[1]
        self.assertEqual((conflict["owner"], conflict["customer"]), ("alice", acme))
        self.assertEqual(conflict["registered_at"], "2024-03-01T00:00:00Z")
        self.assertIn("(line 2) of alice", conflict["explanation"])
        self.assertNotIn("jo@acme-pumpen", conflict["explanation"].lower())
        self.assertEqual(results[2]["customer"], acme)
        review = results[3]
        self.assertEqual((review["possible_owner"], review["possible_customer"]), ("alice", acme))
        self.assertEqual(review["score"], 0.95)
        ann = review["customer"]
        self.assertNotEqual(ann, acme)
        self.assertEqual(results[4]["error"], "row 5: rep 'zed' is not a rep of the config")
        self.assertIn("row 6: no email, phone, website or company gives a key",
                      results[5]["error"])
        self.assertIn("row 7: unknown key 'colour'", results[6]["error"])
        self.assertEqual({k: first[k] for k in
                          ("registered", "review", "already_theirs", "conflicts", "invalid")},
                         {"registered": 1, "review": 1, "already_theirs": 1, "conflicts": 1,
                          "invalid": 3})
        self.assertEqual(self.redis.cli("HGET", "t:owner:email", "jo@acme-pumpen.de"), "alice")
        self.assertEqual(self.redis.cli("HGET", "t:owner:email", "ann@acme-pumpen.de"), "bob")

        second = self.register(
            {"line": 10, "rep": "carol", "email": "jo@acme-pumpen.de"},
            {"line": 11, "rep": "bob", "email": "ann@acme-pumpen.de"},
            {"line": 12, "rep": "carol", "email": "mia@other-firm.de"})
        results = second["results"]
        self.assertEqual([r["outcome"] for r in results],
                         ["conflict", "already_theirs", "registered"])
        self.assertEqual((results[0]["owner"], results[0]["customer"]), ("alice", acme))
        self.assertIn(f"customer {acme} of alice", results[0]["explanation"])
        self.assertEqual(results[1]["customer"], ann)
        self.assertIn("customers.import rows=3 registered=1 review=0 already_theirs=1 "
                      "conflicts=1 invalid=0", self.leadd.log())
        self.assertNotIn("jo@acme-pumpen.de", self.leadd.log())

        status, stored = self.call("GET", f"/v1/customers/{acme}")
        self.assertEqual(status, 200, stored)
        self.assertEqual((stored["id"], stored["rep"], stored["name"]), (acme, "alice", "Acme"))
        self.assertEqual(self.call("GET", "/v1/customers/C-999999")[0], 404)
        self.assertEqual(self.call("GET", "/v1/customers/acme")[0], 400)
