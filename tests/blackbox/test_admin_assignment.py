"""One-click assignment by an admin (DOMAIN.md, distribution rule 8) through the real daemon:
a lead from the pool to a rep, then from that rep to another, each with the new rep's SLA, a
notice to the new rep and a history entry naming the admin; a rep's own token cannot do it, and
an unknown or departed rep is refused with a sentence saying so."""

import json
import unittest

from harness import (ADMIN_TOKEN, Leadd, LeaddTestCase, leadctl_config, notices, run_leadctl,
                     wait_until, write_config)

ALICE = "alice-token-1"
BOB = "bob-token-1"
CAROL = "carol-token-1"
HOUR_MS = 3600 * 1000


class AdminAssignmentTest(LeaddTestCase):
    def setUp(self):
        super().setUp()
        config = write_config(self.dir, self.redis.port, round_robin=("alice",),
                              rep_tokens={"alice": ALICE, "bob": BOB, "carol": CAROL},
                              extra_reps=("carol", "dave"),
                              extra_yaml="sla: {accept_within: 1h}\n")
        self.leadd = Leadd(config)
        self.leadd.wait_ready()
        self.ctl_config = leadctl_config(config, self.leadd)

    def act(self, lead_id, action, body, token):
        status, answer = self.leadd.request("POST", f"/v1/leads/{lead_id}/{action}",
                                            json.dumps(body), token)
        return status, (json.loads(answer) if answer.startswith("{") else answer)

    def assign(self, lead_id, rep, token=ADMIN_TOKEN):
        return self.act(lead_id, "assign", {"rep": rep, "reason": "speaks the language"}, token)

    def lead(self, lead_id):
        status, body = self.leadd.get_lead(lead_id)
        self.assertEqual(status, 200, body)
        return body

    def open_leads(self, rep):
        return set(self.redis.cli("SMEMBERS", f"t:rep:{rep}:open").split())

    def pooled(self):
        """A lead alice was routed and gave back: it waits in the nurture pool."""
        status, created = self.leadd.post_lead({"source": "web", "external_id": "card-1",
                                                "email": "buyer@example.com"})
        self.assertEqual(status, 202, created)
        lead = self.leadd.wait_assigned(created["id"])["lead"]
        status, answer = self.act(lead["id"], "reject", {"assignment_id": lead["assignment_id"],
                                                         "reason": "not our market"}, ALICE)
        self.assertEqual(status, 200, answer)
        self.assertEqual((self.lead(lead["id"])["lead"]["state"], answer["pool"]),
                         ("pooled", "nurture"))
        return lead["id"]

    def assert_assigned_to(self, lead_id, rep, answer):
        """The lead is the rep's, under the answer's assignment, with a deadline an hour after
        the assignment; the rep is told, and the history's last entry names the admin."""
        lead = self.lead(lead_id)["lead"]
        self.assertEqual((lead["state"], lead["assignee"], lead["assignment_id"]),
                         ("assigned", rep, answer["assignment_id"]))
        self.assertAlmostEqual(int(lead["sla_deadline"]) - int(lead["assigned_at"]), HOUR_MS,
                               delta=5000)
        self.assertIn(lead_id, self.open_leads(rep))
        notice = wait_until(
            lambda: [n for n in notices(self.leadd.log(), "assigned", lead_id)
                     if n.get("assignment") == answer["assignment_id"]],
            what=f"the notice to {rep}")[0]
        self.assertEqual((notice["to"], notice["owner"], notice["rule"]),
                         (rep, rep, "reassigned by admin"))
        self.assertEqual(notice["deadline"], lead["sla_deadline"])
        return notice

    def test_from_the_pool_to_a_rep_then_to_another_rep(self):
        lead_id = self.pooled()

        # From the pool to bob.
        status, answer = self.assign(lead_id, "bob")
        self.assertEqual(status, 200, answer)
        self.assertEqual((answer["id"], answer["state"]), (lead_id, "assigned"))
        self.assert_assigned_to(lead_id, "bob", answer)
        self.assertNotIn(lead_id, self.redis.cli("ZRANGE", "t:pool:nurture", "0", "-1").split())
        entry = self.lead(lead_id)["history"][-1]
        self.assertEqual((entry["event"], entry["from"], entry["to"], entry["rep"], entry["by"]),
                         ("reassigned", "pooled", "assigned", "bob", "admin"))
        self.assertEqual(entry["reason"], "speaks the language")
        self.assertIn(f"lead.assigned lead={lead_id} rep=bob by=admin", self.leadd.log())

        # From bob to carol, with leadctl: bob loses it, carol has it, with an assignment of
        # her own.
        moved = run_leadctl(self.ctl_config, "leads", "assign", lead_id, "carol", "--reason",
                            "speaks the language")
        self.assertEqual(moved.returncode, 0, moved.stderr)
        self.assertRegex(moved.stdout, rf"^{lead_id} assigned to carol \(assignment \d+\)")
        second = {"id": lead_id, "state": "assigned",
                  "assignment_id": self.lead(lead_id)["lead"]["assignment_id"]}
        self.assertGreater(int(second["assignment_id"]), int(answer["assignment_id"]))
        notice = self.assert_assigned_to(lead_id, "carol", second)
        self.assertEqual(notice["previous"], "bob")
        self.assertNotIn(lead_id, self.open_leads("bob"))
        status, refused = self.act(lead_id, "accept", {"assignment_id": answer["assignment_id"]},
                                   BOB)
        self.assertEqual(status, 403, refused)

        # The history shows both moves, each by the admin.
        moves = [e for e in self.lead(lead_id)["history"] if e["event"] == "reassigned"]
        self.assertEqual([(e["from"], e["rep"], e["by"]) for e in moves],
                         [("pooled", "bob", "admin"), ("assigned", "carol", "admin")])
        self.assertEqual(moves[1]["previous"], "bob")
        self.assertNotIn("previous", moves[0])  # from the pool: nobody held it
        shown = run_leadctl(self.ctl_config, "leads", "show", lead_id)
        self.assertEqual(shown.returncode, 0, shown.stderr)
        self.assertRegex(shown.stdout, r"reassigned  rep=bob .*by=admin\n")
        self.assertRegex(shown.stdout, r"reassigned  rep=carol .*by=admin\n")

    def test_only_the_admin_assigns_and_only_to_a_rep_who_is_there(self):
        lead_id = self.pooled()

        # A rep's own token may not, not even to give it to themselves.
        for token, rep in ((BOB, "carol"), (CAROL, "carol")):
            status, answer = self.assign(lead_id, rep, token)
            self.assertEqual(status, 403, answer)
            self.assertEqual(answer["error"], "only the admin token may assign leads")

        status, answer = self.assign(lead_id, "zed")
        self.assertEqual(status, 400, answer)
        self.assertEqual(answer["error"], "unknown rep 'zed'")
        refused = run_leadctl(self.ctl_config, "leads", "assign", lead_id, "zed", "--reason", "x")
        self.assertEqual(refused.returncode, 1)
        self.assertIn("unknown rep 'zed'", refused.stderr)
        usage = run_leadctl(self.ctl_config, "leads", "assign", lead_id, "bob")
        self.assertEqual(usage.returncode, 64)

        offboarded = run_leadctl(self.ctl_config, "rep", "offboard", "dave", "--route")
        self.assertEqual(offboarded.returncode, 0, offboarded.stderr)
        status, answer = self.assign(lead_id, "dave")
        self.assertEqual(status, 409, answer)
        self.assertIn("rep dave has left", answer["error"])

        # None of it moved the lead.
        lead = self.lead(lead_id)["lead"]
        self.assertEqual((lead["state"], lead["pool"]), ("pooled", "nurture"))
        self.assertNotIn("assignee", lead)
        self.assertEqual(notices(self.leadd.log(), "assigned", lead_id)[1:], [])
        for rep in ("bob", "carol", "dave"):
            self.assertNotIn(lead_id, self.open_leads(rep))


if __name__ == "__main__":
    unittest.main()
