"""Response SLA against a real Redis: an assignment not accepted in time bounces to the next
rep, escalates after the configured bounces, and an accepted lead stays with its rep."""

import json
import time
import unittest

from harness import LeaddTestCase, Leadd, wait_until, write_config

ALICE = "alice-token-1"
BOB = "bob-token-1"


class SlaTest(LeaddTestCase):
    def setUp(self):
        super().setUp()
        config = write_config(self.dir, self.redis.port, round_robin=("alice", "bob"),
                              rep_tokens={"alice": ALICE, "bob": BOB})
        with open(config, "a") as f:
            f.write("sla: {accept_within: 1s, escalate_after_bounces: 2}\n")
        self.leadd = Leadd(config)
        self.leadd.wait_ready()

    def lead(self, lead_id):
        status, body = self.leadd.get_lead(lead_id)
        self.assertEqual(status, 200, body)
        return body

    def events(self, lead_id):
        return [entry["event"] for entry in self.lead(lead_id)["history"]]

    def new_lead(self, external_id):
        status, created = self.leadd.post_lead({"source": "web", "external_id": external_id,
                                                "phone": "555-0100"})
        self.assertEqual(status, 202, created)
        return created["id"]

    def test_unaccepted_lead_bounces_to_the_next_rep_then_escalates(self):
        lead_id = self.new_lead("slow")
        first = self.leadd.wait_assigned(lead_id)["lead"]
        self.assertEqual(first["assignee"], "alice")

        def with_bob():
            body = self.lead(lead_id)
            lead = body["lead"]
            return body if lead.get("state") == "assigned" and lead.get("assignee") == "bob" \
                else None
        second = wait_until(with_bob, timeout=6, what="the lead to be re-routed to bob")
        self.assertEqual([e["event"] for e in second["history"]],
                         ["ingested", "assigned", "bounced", "assigned"])
        bounce = second["history"][2]
        self.assertEqual((bounce["rep"], bounce["reason"], bounce["pool"]),
                         ("alice", "sla", "public"))

        def escalated():
            body = self.lead(lead_id)
            return body if body["lead"].get("state") == "pooled" else None
        final = wait_until(escalated, timeout=6, what="the second bounce")
        self.assertEqual(final["history"][-1]["event"], "bounced")
        self.assertEqual(final["history"][-1]["rep"], "bob")
        self.assertEqual(final["history"][-1].get("escalated"), 1)
        self.assertEqual(final["lead"]["pool"], "public")

        # Escalated: it stays in the pool, no third assignment.
        time.sleep(2.5)
        after = self.lead(lead_id)
        self.assertEqual(after["lead"]["state"], "pooled")
        self.assertEqual([e["event"] for e in after["history"]],
                         ["ingested", "assigned", "bounced", "assigned", "bounced"])
        self.assertIn("sla.breach bounced=1", self.leadd.log())

        # Accepted in time: it stays with alice.
        quick = self.new_lead("quick")
        lead = self.leadd.wait_assigned(quick)["lead"]
        self.assertEqual(lead["assignee"], "alice")
        status, answer = self.leadd.request(
            "POST", f"/v1/leads/{quick}/accept",
            json.dumps({"assignment_id": lead["assignment_id"]}), ALICE)
        self.assertEqual(status, 200, answer)
        time.sleep(2.5)
        kept = self.lead(quick)
        self.assertEqual(kept["lead"]["state"], "accepted")
        self.assertEqual(kept["lead"]["assignee"], "alice")
        self.assertNotIn("bounced", [e["event"] for e in kept["history"]])


if __name__ == "__main__":
    unittest.main()
