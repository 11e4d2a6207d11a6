"""A rep who leaves or is away, through leadctl and the admin API: offboarding to another rep
(hand-over tasks by stage, customers and their history moved, routing follows the new owner),
offboarding back to routing, running it twice, and an absence with a delegate."""

import datetime
import json
import os
import subprocess
import unittest

from harness import ADMIN_TOKEN, LEADCTL_BIN, Leadd, LeaddTestCase, wait_until, write_config

ALICE = "alice-token-1"
BOB = "bob-token-1"
CAROL = "carol-token-1"


class DepartureTest(LeaddTestCase):
    def start(self, round_robin=("alice",)):
        self.config = write_config(self.dir, self.redis.port, round_robin=round_robin,
                                   rep_tokens={"alice": ALICE, "bob": BOB, "carol": CAROL},
                                   extra_reps=("carol",))
        self.leadd = Leadd(self.config)
        self.leadd.wait_ready()
        # leadctl reads the daemon's address from the config.
        self.ctl_config = os.path.join(self.dir, "ctl.yaml")
        with open(self.config) as src, open(self.ctl_config, "w") as dst:
            dst.write(src.read().replace("listen: 127.0.0.1:0", f"listen: {self.leadd.listen}"))

    def ctl(self, *args):
        return subprocess.run([LEADCTL_BIN, "--config", self.ctl_config, *args],
                              capture_output=True, text=True, timeout=60)

    def act(self, lead_id, action, body, token):
        status, answer = self.leadd.request("POST", f"/v1/leads/{lead_id}/{action}",
                                            json.dumps(body), token)
        return status, (json.loads(answer) if answer.startswith("{") else answer)

    def lead(self, lead_id):
        status, body = self.leadd.get_lead(lead_id)
        self.assertEqual(status, 200, body)
        return body

    def new_lead(self, external_id, email):
        status, created = self.leadd.post_lead({"source": "web", "external_id": external_id,
                                                "email": email})
        self.assertEqual(status, 202, created)
        return self.leadd.wait_assigned(created["id"])["lead"]

    def accepted_at_stage(self, external_id, email, stage):
        lead = self.new_lead(external_id, email)
        self.assertEqual(lead["assignee"], "alice")
        status, answer = self.act(lead["id"], "accept", {"assignment_id": lead["assignment_id"]},
                                  ALICE)
        self.assertEqual(status, 200, answer)
        if stage:
            status, answer = self.act(lead["id"], "stage", {"stage": stage}, ALICE)
            self.assertEqual(status, 200, answer)
        return lead["id"]

    def test_offboard_to_another_rep(self):
        self.start()
        at_0 = self.accepted_at_stage("s0", "zero@gmail.com", "0%")
        at_50 = self.accepted_at_stage("s50", "fifty@gmail.com", "50%")
        at_100 = self.accepted_at_stage("s100", "hundred@gmail.com", "100%")
        won = self.accepted_at_stage("won", "won@gmail.com", "")
        # Stages come from the configured vocabulary (here the defaults).
        status, answer = self.act(at_0, "stage", {"stage": "proposal"}, ALICE)
        self.assertEqual(status, 400, answer)
        self.assertIn("unknown stage 'proposal'; the stages are 0%, 25%, 50%", answer["error"])
        self.assertIn("opportunity", answer["error"])
        status, answer = self.act(won, "close", {"outcome": "won", "reason": "signed"}, ALICE)
        self.assertEqual(status, 200, answer)
        history_before = len(self.lead(won)["history"])

        ctl = self.ctl("rep", "offboard", "alice", "--to", "bob")
        self.assertEqual(ctl.returncode, 0, ctl.stderr)
        self.assertIn("offboarding alice: handing everything over to bob", ctl.stdout)
        self.assertIn("alice offboarded to bob: 3 open leads (direct 1, phone 1, in_person 1), "
                      "1 closed leads, 4 customers", ctl.stdout)

        for lead_id, task in ((at_0, "direct"), (at_50, "phone"), (at_100, "in_person")):
            body = self.lead(lead_id)
            self.assertEqual((body["lead"]["state"], body["lead"]["assignee"]),
                             ("assigned", "bob"))
            last = body["history"][-1]
            self.assertEqual((last["event"], last["handover"], last["previous"]),
                             ("reassigned", task, "alice"))
        self.assertEqual(self.redis.cli("SMEMBERS", "t:rep:alice:open"), "")
        self.assertEqual(self.redis.cli("SCARD", "t:rep:alice:customers"), "0")
        self.assertEqual(self.redis.cli("SISMEMBER", "t:departed", "alice"), "1")

        # The won lead is bob's now, and all its history is still there.
        body = self.lead(won)
        self.assertEqual((body["lead"]["state"], body["lead"]["assignee"]), ("won", "bob"))
        self.assertEqual(len(body["history"]), history_before + 1)
        self.assertEqual(body["history"][-1]["event"], "transferred")

        # The customer comes back: the owner rule now picks bob.
        again = self.new_lead("won-again", "won@gmail.com")
        self.assertEqual((again["assignee"], again["rule"]), ("bob", "existing-owner"))
        # A new customer: routing no longer chooses alice, the only rep of the rotation.
        status, created = self.leadd.post_lead({"source": "web", "external_id": "fresh",
                                                "email": "fresh@gmail.com"})
        self.assertEqual(status, 202, created)
        wait_until(lambda: self.lead(created["id"])["lead"]["state"] == "pooled",
                   what="the new lead to wait in the pool")

        # Twice is harmless: nothing left, nothing moved.
        assignments = {i: self.lead(i)["lead"]["assignment_id"] for i in (at_0, at_50, at_100)}
        ctl = self.ctl("rep", "offboard", "alice", "--to", "bob")
        self.assertEqual(ctl.returncode, 0, ctl.stderr)
        self.assertIn("alice offboarded to bob: 0 open leads (direct 0, phone 0, in_person 0), "
                      "0 closed leads, 0 customers", ctl.stdout)
        self.assertEqual({i: self.lead(i)["lead"]["assignment_id"] for i in assignments},
                         assignments)

        show = self.ctl("rep", "show", "alice")
        self.assertEqual(show.returncode, 0, show.stderr)
        self.assertIn("departed", show.stdout)
        self.assertIn("open leads    0", show.stdout)

    def test_offboard_back_to_routing(self):
        self.start(round_robin=("alice", "bob"))
        first = self.new_lead("r1", "one@gmail.com")
        second = self.new_lead("r2", "two@gmail.com")
        alices = first if first["assignee"] == "alice" else second
        self.assertEqual(alices["assignee"], "alice")

        ctl = self.ctl("rep", "offboard", "alice", "--route")
        self.assertEqual(ctl.returncode, 0, ctl.stderr)
        self.assertIn("alice offboarded: 1 open leads re-queued for routing", ctl.stdout)

        def rerouted():
            body = self.lead(alices["id"])
            return body if body["lead"].get("assignee") == "bob" else None
        body = wait_until(rerouted, what="the re-queued lead to be routed to bob")
        events = [entry["event"] for entry in body["history"]]
        self.assertIn("offboarded", events)
        self.assertEqual(events[-1], "assigned")
        self.assertEqual(self.redis.cli("SCARD", "t:rep:alice:open"), "0")

        ctl = self.ctl("rep", "offboard", "alice", "--route")
        self.assertEqual(ctl.returncode, 0, ctl.stderr)
        self.assertIn("0 open leads re-queued", ctl.stdout)

    def test_route_refuses_a_rep_with_customers(self):
        self.start()
        won = self.accepted_at_stage("w", "kept@gmail.com", "75%")
        status, answer = self.act(won, "close", {"outcome": "won", "reason": "signed"}, ALICE)
        self.assertEqual(status, 200, answer)
        ctl = self.ctl("rep", "offboard", "alice", "--route")
        self.assertEqual(ctl.returncode, 1, ctl.stdout)
        self.assertIn("409", ctl.stderr)
        self.assertIn("keeps 1 customers and 1 closed leads", ctl.stderr)
        self.assertIn("--to", ctl.stderr)
        self.assertEqual(self.redis.cli("SISMEMBER", "t:departed", "alice"), "0")

        ctl = self.ctl("rep", "offboard", "alice", "--to", "carol")
        self.assertEqual(ctl.returncode, 0, ctl.stderr)
        self.assertEqual(self.lead(won)["lead"]["assignee"], "carol")

    def test_offboard_refusals(self):
        self.start()
        for args, says in ((("--to", "zed"), "unknown rep to take over 'zed'"),
                           (("--to", "alice"), "their own leads")):
            ctl = self.ctl("rep", "offboard", "alice", *args)
            self.assertEqual(ctl.returncode, 1, ctl.stdout)
            self.assertIn(says, ctl.stderr)
        ctl = self.ctl("rep", "offboard", "alice")
        self.assertEqual(ctl.returncode, 64)
        status, answer = self.leadd.request("POST", "/v1/reps/alice/offboard",
                                            json.dumps({"to": "bob"}), BOB)
        self.assertEqual(status, 401, answer)
        status, answer = self.leadd.request("POST", "/v1/reps/nobody/offboard",
                                            json.dumps({"to": "bob"}), ADMIN_TOKEN)
        self.assertEqual(status, 400, answer)
        status, answer = self.leadd.request("POST", "/v1/reps/alice/offboard",
                                            '{"to": "bob", "route": "true"}', ADMIN_TOKEN)
        self.assertEqual(status, 400, answer)
        self.assertEqual(self.redis.cli("SCARD", "t:departed"), "0")

    def test_away_with_a_delegate(self):
        self.start()
        today = datetime.datetime.now(datetime.timezone.utc).date()
        first = self.new_lead("a1", "a1@gmail.com")

        ctl = self.ctl("rep", "away", "alice", "--from", today.isoformat(), "--to",
                       (today + datetime.timedelta(days=1)).isoformat(), "--delegate", "zed")
        self.assertEqual(ctl.returncode, 1, ctl.stdout)
        self.assertIn("unknown delegate 'zed'", ctl.stderr)

        ctl = self.ctl("rep", "away", "alice", "--from", today.isoformat(), "--to",
                       (today + datetime.timedelta(days=1)).isoformat(), "--delegate", "bob")
        self.assertEqual(ctl.returncode, 0, ctl.stderr)
        self.assertIn("bob acts for them", ctl.stdout)
        status, shown = self.leadd.request("GET", "/v1/reps/alice", token=ADMIN_TOKEN)
        self.assertEqual(status, 200, shown)
        shown = json.loads(shown)
        self.assertEqual(shown["absence"]["delegate"], "bob")
        self.assertEqual(shown["absence"]["from"], today.isoformat() + "T00:00:00Z")
        self.assertEqual(shown["open"], 1)

        # bob acts for alice with his own token, carol does not; the lead stays alice's.
        status, answer = self.act(first["id"], "accept",
                                  {"assignment_id": first["assignment_id"]}, CAROL)
        self.assertEqual(status, 403, answer)
        status, answer = self.act(first["id"], "accept",
                                  {"assignment_id": first["assignment_id"]}, BOB)
        self.assertEqual(status, 200, answer)
        self.assertEqual(self.lead(first["id"])["lead"]["assignee"], "alice")

        ctl = self.ctl("rep", "back", "alice")
        self.assertEqual(ctl.returncode, 0, ctl.stderr)
        self.assertIn("alice is back", ctl.stdout)
        show = self.ctl("rep", "show", "alice")
        self.assertNotIn("away", show.stdout)

        second = self.new_lead("a2", "a2@gmail.com")
        status, answer = self.act(second["id"], "accept",
                                  {"assignment_id": second["assignment_id"]}, BOB)
        self.assertEqual(status, 403, answer)

        status, answer = self.leadd.request("POST", "/v1/reps/alice/away",
                                            '{"from": "tomorrow", "to": "2026-01-01", '
                                            '"delegate": "bob"}', ADMIN_TOKEN)
        self.assertEqual(status, 400, answer)
        self.assertIn("from must be a date", answer)
        status, answer = self.leadd.request("GET", "/v1/reps/alice")
        self.assertEqual(status, 401, answer)


if __name__ == "__main__":
    unittest.main()
