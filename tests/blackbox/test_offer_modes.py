"""Offer modes and key-account teams through the real daemon: an `offer` goes to one rep at a
time and on to the next when declined or left unanswered, then to the pool; a `race` goes to
several at once and the first to accept takes it; `pool_only` publishes the lead for claiming;
a key-account grade gives the assignee a backup and tells their manager."""

import json
import unittest

from harness import Leadd, LeaddTestCase, notices, wait_until, write_config

TOKENS = {"alice": "alice-token-1", "bob": "bob-token-1", "carol": "carol-token-1",
          "dave": "dave-token-1"}

REPS_AND_RULES = """\
reps:
  - {id: alice, token_file: alice.token, manager: carol}
  - {id: bob, token_file: bob.token, manager: carol}
  - {id: carol, token_file: carol.token}
  - {id: dave, token_file: dave.token}
rules:
  - name: offers
    when: {source: web}
    assign: {round_robin: {reps: [alice, bob]}}
    offer: {mode: offer, window: 2s}
  - name: races
    when: {source: expo}
    assign: {round_robin: {reps: [alice, bob, dave]}}
    offer: {mode: race, to: 2, window: 1h}
  - name: published
    when: {source: directory}
    assign: {round_robin: {reps: [alice, bob]}}
    offer: {mode: pool_only, pool: vip}
  - name: key-accounts
    when: {grade: A}
    assign: {round_robin: {reps: [alice, bob]}}
grades:
  A: {when: {source: fair}, team: {backup: true, inform_manager: true}}
pools: {public: {}, nurture: {}, vip: {}}
"""


class OfferModesTest(LeaddTestCase):
    def setUp(self):
        super().setUp()
        config = write_config(self.dir, self.redis.port, rep_tokens=TOKENS,
                              reps_and_rules=REPS_AND_RULES)
        self.leadd = Leadd(config)
        self.leadd.wait_ready()
        self.made = 0

    def post(self, source):
        self.made += 1
        status, created = self.leadd.post_lead({"source": source, "external_id": f"x-{self.made}",
                                                "email": f"buyer{self.made}@example.com"})
        self.assertEqual(status, 202, created)
        return created["id"]

    def lead(self, lead_id):
        status, body = self.leadd.get_lead(lead_id)
        self.assertEqual(status, 200, body)
        return body["lead"]

    def wait_state(self, lead_id, state):
        return wait_until(lambda: self.lead(lead_id) if self.lead(lead_id)["state"] == state
                          else None, what=f"lead {lead_id} to be {state}")

    def wait_notice(self, kind, lead_id, count=1):
        return wait_until(lambda: (lambda found: found if len(found) >= count else None)(
            notices(self.leadd.log(), kind, lead_id)), what=f"{count} {kind} notice(s)")

    def act(self, lead_id, action, rep, **body):
        status, answer = self.leadd.request("POST", f"/v1/leads/{lead_id}/{action}",
                                            json.dumps(body), TOKENS[rep])
        return status, (json.loads(answer) if answer.startswith("{") else answer)

    def test_an_offer_goes_to_the_next_rep_when_declined_and_to_the_pool_when_unanswered(self):
        first = self.post("web")
        offered = self.wait_state(first, "offered")
        self.assertNotIn("assignee", offered)
        self.assertEqual(self.wait_notice("offered", first)[0]["to"], "alice")

        status, answer = self.act(first, "accept", "bob", assignment_id=offered["assignment_id"])
        self.assertEqual(status, 409, answer)
        self.assertIn("is offered to alice, not bob", answer["error"])

        status, answer = self.act(first, "reject", "alice", assignment_id="1",
                                  reason="not my market")
        self.assertEqual((status, answer["state"]), (200, "declined"), answer)
        self.assertEqual(self.wait_notice("offered", first, 2)[1]["to"], "bob")

        # Bob lets the 2 s window pass: nobody is left, so the lead waits in the pool.
        pooled = self.wait_state(first, "pooled")
        self.assertEqual(pooled["pool"], "public")
        self.assertEqual(self.wait_notice("unrouted", first)[0]["reason"],
                         "nobody took the offer in time")
        self.assertEqual(set(self.redis.cli("SMEMBERS", f"t:lead:{first}:excluded").split()),
                         {"alice", "bob"})

        # The rotation moved past alice: the next lead is offered to bob first, who takes it.
        second = self.post("web")
        offered = self.wait_state(second, "offered")
        self.assertEqual(self.wait_notice("offered", second)[0]["to"], "bob")
        status, answer = self.act(second, "accept", "bob", assignment_id=offered["assignment_id"])
        self.assertEqual((status, answer["state"]), (200, "accepted"), answer)
        taken = self.lead(second)
        self.assertEqual((taken["state"], taken["assignee"], taken["rule"]),
                         ("accepted", "bob", "offers"))

    def test_a_race_goes_to_the_best_two_and_the_first_to_accept_takes_it(self):
        lead_id = self.post("expo")
        offered = self.wait_state(lead_id, "offered")
        told = sorted(n["to"] for n in self.wait_notice("offered", lead_id, 2))
        self.assertEqual(told, ["alice", "bob"])

        status, answer = self.act(lead_id, "accept", "dave",
                                  assignment_id=offered["assignment_id"])
        self.assertEqual(status, 409, answer)
        status, answer = self.act(lead_id, "accept", "bob",
                                  assignment_id=offered["assignment_id"])
        self.assertEqual(status, 200, answer)
        status, answer = self.act(lead_id, "accept", "alice",
                                  assignment_id=offered["assignment_id"])
        self.assertEqual(status, 409, answer)
        self.assertEqual(self.lead(lead_id)["assignee"], "bob")
        gone = self.wait_notice("offer_taken", lead_id)
        self.assertEqual((gone[0]["to"], gone[0]["taken_by"]), ("alice", "bob"))

        # The published distribution counts the lead for bob, by the rule that offered it.
        status, body = self.leadd.request("GET", "/v1/reports/distribution?since=1d",
                                          token=TOKENS["dave"])
        self.assertEqual(status, 200, body)
        report = json.loads(body)
        self.assertEqual({r["rep"]: r["routed"] for r in report["reps"] if r["routed"]},
                         {"bob": 1})
        self.assertEqual({r["rule"]: r["routed"] for r in report["rules"] if r["routed"]},
                         {"races": 1})

    def test_pool_only_publishes_the_lead_for_the_candidates_to_claim(self):
        lead_id = self.post("directory")
        pooled = self.wait_state(lead_id, "pooled")
        self.assertEqual((pooled["pool"], pooled["rule"]), ("vip", "published"))
        told = sorted(n["to"] for n in self.wait_notice("published", lead_id, 2))
        self.assertEqual(told, ["alice", "bob"])
        status, answer = self.act(lead_id, "claim", "alice", pool="vip")
        self.assertEqual((status, answer["state"]), (200, "assigned"), answer)

    def test_a_key_account_gets_a_backup_and_the_managers_attention(self):
        lead_id = self.post("fair")
        assigned = self.leadd.wait_assigned(lead_id)["lead"]
        self.assertEqual((assigned["grade"], assigned["assignee"], assigned["backup"]),
                         ("A", "alice", "bob"))
        backup = self.wait_notice("backup", lead_id)[0]
        self.assertEqual((backup["to"], backup["owner"]), ("bob", "alice"))
        manager = self.wait_notice("key_account", lead_id)[0]
        self.assertEqual((manager["to"], manager["owner"], manager["backup"]),
                         ("carol", "alice", "bob"))

        # Other grades have no team.
        plain = self.post("web")
        self.wait_state(plain, "offered")
        self.assertNotIn("backup", self.lead(plain))


if __name__ == "__main__":
    unittest.main()
