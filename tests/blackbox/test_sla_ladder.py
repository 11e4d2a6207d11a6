"""The SLA ladder per grade against a real Redis: a reminder to the assignee before the
deadline, then the bounce, and the escalation to the rep's manager after the grade's bounces;
a lead without a grade climbs the default ladder."""

import json
import os
import re
import subprocess
import unittest

from harness import LEADCTL_BIN, LeaddTestCase, Leadd, wait_until, write_config

LADDER = """\
sla: {accept_within: 2s, remind_before: 1s, escalate_after_bounces: 2}
grades:
  A: {accept_within: 1s, remind_before: 500ms, escalate_after_bounces: 1}
"""


class SlaLadderTest(LeaddTestCase):
    def setUp(self):
        super().setUp()
        self.config = write_config(self.dir, self.redis.port, round_robin=("alice", "bob"),
                                   extra_reps=("carol",),
                                   managers={"alice": "carol", "bob": "carol"},
                                   extra_yaml=LADDER)
        self.leadd = Leadd(self.config)
        self.leadd.wait_ready()
        # leadctl reads the daemon's address from the config.
        self.ctl_config = os.path.join(self.dir, "ctl.yaml")
        with open(self.config) as src, open(self.ctl_config, "w") as dst:
            dst.write(src.read().replace("listen: 127.0.0.1:0", f"listen: {self.leadd.listen}"))

    def show(self, lead_id):
        ctl = subprocess.run([LEADCTL_BIN, "--config", self.ctl_config, "leads", "show", lead_id,
                              "--json"], capture_output=True, text=True, timeout=30)
        self.assertEqual(ctl.returncode, 0, ctl.stderr)
        return json.loads(ctl.stdout)

    def new_lead(self, external_id, **fields):
        lead = {"source": "web", "external_id": external_id, "phone": "555-0100", **fields}
        status, created = self.leadd.post_lead(lead)
        self.assertEqual(status, 202, created)
        return created["id"]

    def notices(self, kind, lead_id):
        """The log's notify.<kind> lines for the lead, as name -> value dicts."""
        lines = re.findall(rf"notify\.{kind} lead={lead_id} (.*)", self.leadd.log())
        return [dict(re.findall(r'(\w+)=("[^"]*"|\S+)', line)) for line in lines]

    def wait_escalated(self, lead_id, timeout):
        def escalated():
            body = self.show(lead_id)
            return body if body["lead"].get("escalated") == "1" else None
        return wait_until(escalated, timeout=timeout, interval=0.2,
                          what=f"lead {lead_id} to escalate")

    def test_grade_a_reminds_bounces_once_and_escalates_to_the_manager(self):
        lead_id = self.new_lead("graded", grade="A")
        assigned = self.leadd.wait_assigned(lead_id)["lead"]
        rep = assigned["assignee"]
        self.assertEqual(rep, "alice")

        reminder = wait_until(lambda: self.notices("sla_reminder", lead_id), timeout=5,
                              what="the SLA reminder")[0]
        self.assertEqual(reminder["to"], rep)
        self.assertEqual(reminder["owner"], rep)
        self.assertEqual(reminder["assignment"], assigned["assignment_id"])

        final = self.wait_escalated(lead_id, timeout=6)
        self.assertEqual(final["lead"]["state"], "pooled")
        self.assertEqual(final["lead"]["pool"], "public")
        self.assertEqual([e["event"] for e in final["history"]],
                         ["ingested", "assigned", "bounced"])
        bounce = final["history"][-1]
        self.assertEqual((bounce["rep"], bounce["reason"], bounce["bounces"]), ("alice", "sla", 1))
        self.assertEqual(bounce.get("escalated"), 1)
        # The deadline is the grade's: a second after the assignment, not the default two. (The
        # daemon plans from its clock, Redis stamps assigned_at: a few ms apart.)
        self.assertAlmostEqual(int(assigned["sla_deadline"]) - int(assigned["assigned_at"]), 1000,
                               delta=200)

        escalation = wait_until(lambda: self.notices("escalated", lead_id), timeout=5,
                                what="the escalation notice")
        self.assertEqual(len(escalation), 1)
        self.assertEqual(escalation[0]["to"], "carol")
        self.assertEqual(escalation[0]["rep"], "alice")
        self.assertIn(f"notify.escalated lead={lead_id} to=carol", self.leadd.log())
        # Reminded before the bounce, and only once.
        log = self.leadd.log()
        self.assertLess(log.index(f"notify.sla_reminder lead={lead_id}"),
                        log.index(f"notify.escalated lead={lead_id}"))
        self.assertEqual(len(self.notices("sla_reminder", lead_id)), 1)

    def test_lead_without_grade_bounces_twice_before_escalating(self):
        lead_id = self.new_lead("plain")
        first = self.leadd.wait_assigned(lead_id)["lead"]
        self.assertAlmostEqual(int(first["sla_deadline"]) - int(first["assigned_at"]), 2000,
                               delta=200)

        final = self.wait_escalated(lead_id, timeout=12)
        events = [e["event"] for e in final["history"]]
        self.assertEqual(events, ["ingested", "assigned", "bounced", "assigned", "bounced"])
        first_bounce, second_bounce = final["history"][2], final["history"][4]
        self.assertEqual(first_bounce.get("requeued"), 1)
        self.assertNotIn("escalated", first_bounce)
        self.assertEqual(second_bounce.get("escalated"), 1)
        self.assertEqual(second_bounce["bounces"], 2)
        holders = [final["history"][1]["rep"], final["history"][3]["rep"]]
        self.assertEqual(sorted(holders), ["alice", "bob"], "the second rep is a different one")

        reminders = wait_until(lambda: len(self.notices("sla_reminder", lead_id)) == 2 and
                               self.notices("sla_reminder", lead_id), timeout=5,
                               what="a reminder per assignment")
        self.assertEqual([r["to"] for r in reminders], holders)
        escalation = wait_until(lambda: self.notices("escalated", lead_id), timeout=5,
                                what="the escalation notice")
        self.assertEqual(len(escalation), 1)
        self.assertEqual(escalation[0]["to"], "carol")
        self.assertEqual(escalation[0]["rep"], holders[1])


if __name__ == "__main__":
    unittest.main()
