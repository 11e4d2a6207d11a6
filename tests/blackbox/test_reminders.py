"""Recurring reminders through leadctl and the API: add, list and remove; who may touch a
lead's reminders; bad bodies answered 400 with a sentence."""

import json
import os
import subprocess
import unittest

from harness import ADMIN_TOKEN, LEADCTL_BIN, Leadd, LeaddTestCase, write_config

ALICE = "alice-token-1"
BOB = "bob-token-1"


class RemindersTest(LeaddTestCase):
    def setUp(self):
        super().setUp()
        self.config = write_config(self.dir, self.redis.port, round_robin=("alice",),
                                   rep_tokens={"alice": ALICE, "bob": BOB})
        self.leadd = Leadd(self.config)
        self.leadd.wait_ready()
        self.ctl_config = os.path.join(self.dir, "ctl.yaml")
        with open(self.config) as src, open(self.ctl_config, "w") as dst:
            dst.write(src.read().replace("listen: 127.0.0.1:0", f"listen: {self.leadd.listen}"))
        status, created = self.leadd.post_lead({"source": "web", "external_id": "r",
                                                "email": "buyer@example.com"})
        self.assertEqual(status, 202, created)
        self.lead_id = created["id"]
        self.leadd.wait_assigned(self.lead_id)

    def ctl(self, *args):
        return subprocess.run([LEADCTL_BIN, "--config", self.ctl_config, *args],
                              capture_output=True, text=True, timeout=30)

    def call(self, method, path, body, token):
        text = None if body is None else (body if isinstance(body, str) else json.dumps(body))
        status, answer = self.leadd.request(method, path, text, token)
        return status, (json.loads(answer) if answer.startswith("{") else answer)

    def test_leadctl_adds_lists_and_removes(self):
        ctl = self.ctl("reminders", "add", self.lead_id, "--kind", "reorder", "--product", "toner",
                       "--every", "30d", "--ahead", "3d", "--first", "2026-12-01")
        self.assertEqual(ctl.returncode, 0, ctl.stderr)
        self.assertIn(f"added R-1 on {self.lead_id}: reorder every 30d, 3d ahead, next "
                      "2026-12-01T00:00:00Z", ctl.stdout)

        ctl = self.ctl("reminders", "list", self.lead_id)
        self.assertEqual(ctl.returncode, 0, ctl.stderr)
        self.assertIn("R-1  reorder toner  every 30d, 3d ahead  next 2026-12-01T00:00:00Z  by admin",
                      ctl.stdout)
        listed = json.loads(self.ctl("reminders", "list", self.lead_id, "--json").stdout)
        self.assertEqual([r["id"] for r in listed["reminders"]], ["R-1"])
        history = self.leadd.get_lead(self.lead_id)[1]["history"]
        self.assertEqual(history[-1]["event"], "reminder_added")

        ctl = self.ctl("reminders", "add", self.lead_id, "--kind", "reorder", "--product", "toner",
                       "--every", "30", "--ahead", "3d", "--first", "2026-12-01")
        self.assertEqual(ctl.returncode, 1)
        self.assertIn("400", ctl.stderr)
        self.assertIn("every must be a duration", ctl.stderr)

        ctl = self.ctl("reminders", "remove", "R-1")
        self.assertEqual(ctl.returncode, 0, ctl.stderr)
        self.assertIn("removed R-1", ctl.stdout)
        ctl = self.ctl("reminders", "list", self.lead_id)
        self.assertIn(f"no reminders on {self.lead_id}", ctl.stdout)
        ctl = self.ctl("reminders", "remove", "R-1")
        self.assertEqual(ctl.returncode, 1)
        self.assertIn("404", ctl.stderr)
        ctl = self.ctl("reminders", "add", self.lead_id, "--kind", "reorder")
        self.assertEqual(ctl.returncode, 64)

    def test_api_access_and_bad_bodies(self):
        path = f"/v1/leads/{self.lead_id}/reminders"
        body = {"kind": "cadence", "every": "14d", "ahead": "1d",
                "first": "2026-12-01T09:00:00+01:00"}
        status, answer = self.call("POST", path, body, ALICE)
        self.assertEqual(status, 201, answer)
        self.assertEqual((answer["id"], answer["next_at"], answer["every"]),
                         ("R-1", "2026-12-01T08:00:00Z", "14d"))

        # bob does not hold the lead: he may neither add, list nor remove.
        status, answer = self.call("POST", path, body, BOB)
        self.assertEqual(status, 403, answer)
        status, answer = self.call("GET", path, None, BOB)
        self.assertEqual(status, 403, answer)
        status, answer = self.call("DELETE", "/v1/reminders/R-1", None, BOB)
        self.assertEqual(status, 403, answer)
        status, answer = self.call("POST", path, body, None)
        self.assertEqual(status, 401, answer)
        status, answer = self.call("POST", path, body, "not-a-token")
        self.assertEqual(status, 401, answer)
        status, answer = self.call("POST", "/v1/leads/L-99999/reminders", body, ADMIN_TOKEN)
        self.assertEqual(status, 404, answer)
        status, answer = self.call("DELETE", "/v1/reminders/R-99999", None, ADMIN_TOKEN)
        self.assertEqual(status, 404, answer)

        for bad, says in (
                ('{"kind": ', ""),
                ({"kind": "weekly", "every": "7d", "ahead": "1d", "first": "2026-12-01"},
                 "kind must be"),
                ({"kind": "cadence", "every": "7d", "ahead": "7d", "first": "2026-12-01"},
                 "ahead must be shorter"),
                ({"kind": "cadence", "every": "7d", "ahead": "1d", "first": "2026-02-30"},
                 "first must be a date"),
                ({"kind": "cadence", "ahead": "1d", "first": "2026-12-01"}, "every is required"),
                ({"kind": "cadence", "every": "7d", "ahead": "1d", "first": "2026-12-01",
                  "colour": "red"}, "colour"),
                ({"kind": "reorder", "every": "7d", "ahead": "1d", "first": "2026-12-01"},
                 "product is required")):
            status, answer = self.call("POST", path, bad, ADMIN_TOKEN)
            self.assertEqual(status, 400, (bad, answer))
            self.assertIn(says, answer["error"] if isinstance(answer, dict) else answer)

        status, answer = self.call("GET", path, None, ALICE)
        self.assertEqual(status, 200, answer)
        self.assertEqual(len(answer["reminders"]), 1)
        status, answer = self.call("DELETE", "/v1/reminders/R-1", None, ALICE)
        self.assertEqual(status, 200, answer)
        status, answer = self.call("GET", path, None, ADMIN_TOKEN)
        self.assertEqual(answer["reminders"], [])


if __name__ == "__main__":
    unittest.main()
