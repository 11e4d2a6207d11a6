"""Rep actions over HTTP against a real Redis: who may move a lead (assignee, holder, any rep,
admin), the answers for each refusal, claim limits from the pools section, and rep tokens
reloaded with SIGHUP."""

import json
import signal
import unittest

from harness import LeaddTestCase, ADMIN_TOKEN, Leadd, wait_until, write_config

ALICE = "alice-token-1"
ALICE_NEW = "alice-token-2"
BOB = "bob-token-1"
CAROL = "carol-token-1"


class RepActionsTest(LeaddTestCase):
    def setUp(self):
        super().setUp()
        self.write(ALICE)
        self.leadd = Leadd(self.config)
        self.leadd.wait_ready()

    def write(self, alice_token):
        self.config = write_config(
            self.dir, self.redis.port, round_robin=("alice",),
            rep_tokens={"alice": alice_token, "bob": BOB, "carol": CAROL}, extra_reps=("carol",),
            pools={"tight": {"max_held": 1, "claim_per_day": 5}})

    def act(self, lead_id, action, body, token):
        text = body if isinstance(body, str) else json.dumps(body)
        status, answer = self.leadd.request("POST", f"/v1/leads/{lead_id}/{action}", text, token)
        return status, (json.loads(answer) if answer.startswith("{") else answer)

    def new_lead(self, external_id):
        status, created = self.leadd.post_lead({"source": "web", "external_id": external_id,
                                                "phone": "555-0100"})
        self.assertEqual(status, 202, created)
        lead = self.leadd.wait_assigned(created["id"])["lead"]
        self.assertEqual(lead["assignee"], "alice")
        return created["id"], lead["assignment_id"]

    def lead(self, lead_id):
        status, body = self.leadd.get_lead(lead_id)
        self.assertEqual(status, 200, body)
        return body["lead"]

    def claims_today(self, rep):
        keys = self.redis.cli("KEYS", f"t:rep:{rep}:claims:*").split()
        return sum(int(self.redis.cli("GET", key)) for key in keys)

    def test_rep_actions(self):
        first, assignment = self.new_lead("a")

        # Only the assignee may accept, and only the current assignment.
        status, answer = self.act(first, "accept", {"assignment_id": assignment}, BOB)
        self.assertEqual(status, 403, answer)
        stale = str(int(assignment) - 1)
        status, answer = self.act(first, "accept", {"assignment_id": stale}, ALICE)
        self.assertEqual(status, 409, answer)
        self.assertIn("stale assignment", answer["error"])
        status, answer = self.act(first, "accept", {"assignment_id": assignment}, ALICE)
        self.assertEqual(status, 200, answer)
        self.assertEqual(answer["state"], "accepted")
        self.assertEqual(self.lead(first)["state"], "accepted")
        self.assertIn(f"lead.accepted lead={first} rep=alice", self.leadd.log())

        status, answer = self.act(first, "stage", {"stage": "25%"}, ALICE)
        self.assertEqual(status, 200, answer)
        self.assertEqual(self.lead(first)["stage"], "25%")
        status, answer = self.act(first, "activity", {}, ALICE)
        self.assertEqual(status, 200, answer)
        status, answer = self.act(first, "activity", {}, BOB)
        self.assertEqual(status, 403, answer)

        # A reject pools the lead in nurture; any rep may claim it, once.
        second, assignment = self.new_lead("b")
        status, answer = self.act(second, "reject",
                                  {"assignment_id": assignment, "reason": "not our market"},
                                  ALICE)
        self.assertEqual(status, 200, answer)
        self.assertEqual(answer["state"], "pooled")
        lead = self.lead(second)
        self.assertEqual((lead["state"], lead["pool"]), ("pooled", "nurture"))
        self.assertNotIn("not our market", self.leadd.log())

        status, answer = self.act(second, "claim", {"pool": "nurture"}, BOB)
        self.assertEqual(status, 200, answer)
        self.assertEqual(answer["state"], "assigned")
        self.assertGreater(int(answer["assignment_id"]), int(assignment))
        lead = self.lead(second)
        self.assertEqual((lead["assignee"], lead["assignment_id"]),
                         ("bob", answer["assignment_id"]))
        status, answer = self.act(second, "claim", {"pool": "nurture"}, CAROL)
        self.assertEqual(status, 409, answer)
        self.assertIn("is assigned", answer["error"])

        # bob holds one lead, the tight pool's limit: refused without using his quota.
        third, assignment = self.new_lead("c")
        status, answer = self.act(third, "reject", {"assignment_id": assignment,
                                                    "reason": "too big", "pool": "tight"}, ALICE)
        self.assertEqual(status, 200, answer)
        self.assertEqual(self.claims_today("bob"), 1)
        status, answer = self.act(third, "claim", {"pool": "tight"}, BOB)
        self.assertEqual(status, 409, answer)
        self.assertIn("limit 1", answer["error"])
        self.assertEqual(self.claims_today("bob"), 1)
        self.assertEqual(self.lead(third)["state"], "pooled")

        # One-click assignment is the admin's.
        status, answer = self.act(third, "assign", {"rep": "carol", "reason": "vip"}, BOB)
        self.assertEqual(status, 403, answer)
        status, answer = self.act(third, "assign", {"rep": "zed", "reason": "vip"}, ADMIN_TOKEN)
        self.assertEqual(status, 400, answer)
        status, answer = self.act(third, "assign", {"rep": "carol", "reason": "vip"}, ADMIN_TOKEN)
        self.assertEqual(status, 200, answer)
        self.assertEqual(answer["state"], "assigned")
        lead = self.lead(third)
        self.assertEqual((lead["state"], lead["assignee"]), ("assigned", "carol"))

        # No token, an unknown token, a malformed body, an unknown lead.
        status, _ = self.act(first, "activity", {}, None)
        self.assertEqual(status, 401)
        status, _ = self.act(first, "activity", {}, "nobody-token")
        self.assertEqual(status, 401)
        status, answer = self.act(first, "stage", '{"stage": ', ALICE)
        self.assertEqual(status, 400, answer)
        status, answer = self.act(first, "stage", {"stage": "50%", "colour": "red"}, ALICE)
        self.assertEqual(status, 400, answer)
        status, answer = self.act("L-999999", "activity", {}, ALICE)
        self.assertEqual(status, 404, answer)

        # A changed token file takes effect on SIGHUP; the old token stops working.
        reloads = self.leadd.log().count("config.reloaded")
        self.write(ALICE_NEW)
        self.leadd.signal(signal.SIGHUP)
        wait_until(lambda: self.leadd.log().count("config.reloaded") > reloads, what="reload")
        status, _ = self.act(first, "activity", {}, ALICE)
        self.assertEqual(status, 401)
        status, answer = self.act(first, "activity", {}, ALICE_NEW)
        self.assertEqual(status, 200, answer)

        status, answer = self.act(first, "close", {"outcome": "won", "reason": "signed"},
                                  ALICE_NEW)
        self.assertEqual(status, 200, answer)
        self.assertEqual(self.lead(first)["state"], "won")


if __name__ == "__main__":
    unittest.main()
