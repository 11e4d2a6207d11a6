"""`leadd route --replay`: 10,000 leads through the real daemon with one set of rules, then a
replay of them under changed rules. Its "after" must be exactly what a dry run of the same leads
in the same order gives, its "before" what the daemon really did, and its list of changed leads
the difference of the two. Also the distribution report, which the team reads with their own
tokens."""

import http.client
import json
import os
import random
import subprocess
import threading
import time
import unittest

from harness import (ADMIN_TOKEN, INTAKE_TOKEN, LEADCTL_BIN, LEADD_BIN, Leadd, LeaddTestCase,
                     RespConnection, wait_until, write_config)

LEADS = 10_000
POSTERS = 4

REPS = """\
reps:
  - {{id: alice, regions: [{alice_regions}], accounts: {{alibaba: alice_sub1}}, token_file: alice.token}}
  - {{id: bob, regions: [{bob_regions}], accounts: {{alibaba: bob_sub2}}}}
  - {{id: carol}}
  - {{id: dave}}
  - {{id: erin}}
"""

# What the daemon runs. Expo cards get grade A from the router, which keeps it on the lead.
RULES_A = REPS.format(alice_regions="DE, AT", bob_regions="CN") + """\
grades:
  A: {when: {source: expo}, accept_within: 2h}
rules:
  - {name: existing-owner, when: {match: owner}, assign: owner}
  - name: alibaba-sub-accounts
    when: {source: alibaba, account: {not: main}}
    assign: {account_owner: alibaba}
  - {name: directory-lists, when: {source: directory}, assign: territory}
  - {name: everyone, assign: {round_robin: {reps: [carol, dave]}}}
"""

# The change: territories swapped, grade A for China (not expo cards) with a rep of its own,
# website leads weighted, a third rep in the rotation, which no longer takes directory leads
# (those nobody covers now wait in the pool).
RULES_B = REPS.format(alice_regions="CN", bob_regions="DE, AT") + """\
grades:
  A: {when: {country: CN}, accept_within: 2h}
rules:
  - {name: existing-owner, when: {match: owner}, assign: owner}
  - {name: a-leads, when: {grade: A}, assign: {round_robin: {reps: [erin]}}}
  - name: alibaba-sub-accounts
    when: {source: alibaba, account: {not: main}}
    assign: {account_owner: alibaba}
  - {name: directory-lists, when: {source: directory}, assign: territory}
  - {name: web-weighted, when: {source: web}, assign: {weighted: {alice: 1, bob: 2, erin: 1}}}
  - name: everyone
    when: {source: [alibaba, expo]}
    assign: {round_robin: {reps: [carol, dave, erin]}}
"""


def make_leads():
    """Varied sources, countries and accounts; about 3,000 customers, so many write again and
    owner matching decides where their later leads go."""
    rng = random.Random(20261124)
    leads = []
    for i in range(LEADS):
        source = rng.choices(["web", "alibaba", "directory", "expo"], [4, 2, 3, 1])[0]
        lead = {"source": source, "external_id": f"replay-{i}", "contact_name": f"Buyer {i}"}
        if rng.random() < 0.9:
            lead["email"] = f"buyer{rng.randrange(3000)}@example.com"
        else:
            lead["phone"] = f"+1 555 {i:05d}"
        if source == "alibaba":
            lead["account"] = rng.choice(["alice_sub1", "bob_sub2", "main", "main"])
        lead["country"] = rng.choice(["DE", "AT", "CN", "JP", "FR", "US"])
        leads.append(lead)
    return leads


def post_all(port, leads):
    """Posts every lead over a few keep-alive connections; returns the lead id of each."""
    ids = [None] * len(leads)
    failures = []

    def poster(first):
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        headers = {"Authorization": f"Bearer {INTAKE_TOKEN}", "Content-Type": "application/json"}
        try:
            for i in range(first, len(leads), POSTERS):
                conn.request("POST", "/v1/leads", json.dumps(leads[i]), headers)
                answer = conn.getresponse()
                body = answer.read()
                if answer.status != 202:
                    failures.append((i, answer.status, body))
                    return
                ids[i] = json.loads(body)["id"]
        finally:
            conn.close()

    threads = [threading.Thread(target=poster, args=(n,)) for n in range(POSTERS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    if failures:
        raise AssertionError(f"intake refused: {failures[:3]}")
    return ids


def number(lead_id):
    return int(lead_id.split("-")[1])


class ReplayTest(LeaddTestCase):
    def setUp(self):
        super().setUp()
        with open(os.path.join(self.dir, "alice.token"), "w") as f:
            f.write("alice-secret-for-tests\n")
        self.config_a = write_config(self.dir, self.redis.port, reps_and_rules=RULES_A)
        self.dir_b = os.path.join(self.dir, "b")
        os.mkdir(self.dir_b)
        with open(os.path.join(self.dir_b, "alice.token"), "w") as f:
            f.write("alice-secret-for-tests\n")
        self.config_b = write_config(self.dir_b, self.redis.port, reps_and_rules=RULES_B)
        self.resp = RespConnection(self.redis.port)
        self.addCleanup(self.resp.close)

    def route(self, *args):
        started = time.monotonic()
        result = subprocess.run([LEADD_BIN, "route", *args], capture_output=True, text=True,
                                timeout=120)
        self.assertEqual(result.returncode, 0, result.stderr[-3000:])
        return result.stdout, time.monotonic() - started

    def test_replay_after_matches_a_dry_run_and_before_matches_the_daemon(self):
        self.leadd = Leadd(self.config_a)
        self.leadd.wait_ready()
        leads = make_leads()
        ids = post_all(self.leadd.port, leads)
        # Every intake entry is deleted once its lead is assigned or pooled.
        wait_until(lambda: self.resp.call("XLEN", "t:intake") == 0, timeout=90,
                   what="the daemon to route every lead")

        # What the daemon did, lead by lead, in arrival order (ids count up as leads commit).
        order = sorted(range(LEADS), key=lambda i: number(ids[i]))
        did = {}
        for i in order:
            state, assignee, rule = self.resp.call("HMGET", f"t:lead:{ids[i]}", "state",
                                                   "assignee", "rule")
            self.assertIn(state, ("assigned", "pooled"), ids[i])
            did[ids[i]] = (assignee, rule) if state == "assigned" else (None, None)
        # ... which the API shows the same way.
        for lead_id in random.Random(7).sample(sorted(did), 25):
            status, body = self.leadd.get_lead(lead_id)
            self.assertEqual(status, 200)
            self.assertEqual((body["lead"].get("assignee"), body["lead"].get("rule")),
                             did[lead_id])

        def counted(pairs):
            counts = {}
            for key in pairs:
                if key is not None:
                    counts[key] = counts.get(key, 0) + 1
            return counts

        did_by_rep = counted(rep for rep, _ in did.values())
        did_by_rule = counted(rule for _, rule in did.values())
        did_by_source = counted(leads[i]["source"] for i in order if did[ids[i]][0])

        # The distribution report, read with a rep's own token, tells the same story.
        status, body = self.leadd.request("GET", "/v1/reports/distribution?since=1d",
                                          token="alice-secret-for-tests")
        self.assertEqual(status, 200, body)
        report = json.loads(body)
        self.assertEqual(report["totals"]["ingested"], LEADS)
        self.assertIsNone(report["reaches_back_to"])
        self.assertEqual({r["rep"]: r["routed"] for r in report["reps"] if r["routed"]},
                         did_by_rep)
        self.assertEqual({r["rule"]: r["routed"] for r in report["rules"] if r["routed"]},
                         did_by_rule)
        self.assertEqual({s["source"]: s["routed"] for s in report["sources"] if s["routed"]},
                         did_by_source)
        status, _ = self.leadd.request("GET", "/v1/reports/distribution?since=1d",
                                       token="not-a-token")
        self.assertEqual(status, 401)
        status, _ = self.leadd.request("GET", "/v1/reports/distribution?since=soon",
                                       token=ADMIN_TOKEN)
        self.assertEqual(status, 400)
        # leadctl prints it as tables (it reads the daemon's address from the config).
        ctl_config = os.path.join(self.dir, "ctl.yaml")
        with open(self.config_a) as src, open(ctl_config, "w") as dst:
            dst.write(src.read().replace("listen: 127.0.0.1:0", f"listen: {self.leadd.listen}"))
        printed = subprocess.run([LEADCTL_BIN, "--config", ctl_config, "report", "distribution",
                                  "--since", "1d"], capture_output=True, text=True, timeout=60)
        self.assertEqual(printed.returncode, 0, printed.stderr)
        carol = next(r for r in report["reps"] if r["rep"] == "carol")
        self.assertRegex(printed.stdout, rf"\n  carol +{carol['routed']} +0 +0 +{carol['routed']} +0 ")
        self.assertIn(f"\nIngested {LEADS}, routed {sum(did_by_rep.values())}, ", printed.stdout)

        # The replay needs Redis, not the daemon; stopped, nothing else writes meanwhile.
        self.assertEqual(self.leadd.stop(), 0)
        changes_before = self.persistence_changes()

        leads_file = os.path.join(self.dir, "leads.jsonl")
        with open(leads_file, "w") as f:
            for i in order:
                f.write(json.dumps(leads[i]) + "\n")
        replayed, replay_seconds = self.route("--replay", "--since", "1d", "--config",
                                              self.config_b, "--json")
        dry, _ = self.route("--dry-run", "--config", self.config_b, leads_file, "--json")
        self.assertEqual(self.persistence_changes(), changes_before, "the replay wrote to Redis")
        print(f"\nreplay of {LEADS} leads took {replay_seconds:.2f}s")

        replay = json.loads(replayed)["replay"]
        dry_lines = [json.loads(line) for line in dry.splitlines()]
        summary = dry_lines[-1]["summary"]
        self.assertEqual(replay["leads"], LEADS)
        self.assertEqual(replay["not_routed_yet"], 0)
        self.assertEqual(replay["gone"], 0)
        self.assertEqual(replay["unreadable_entries"], 0)
        self.assertEqual(replay["after"], {"routed": summary["routed"],
                                           "unrouted": summary["unrouted"]})
        self.assertGreater(summary["unrouted"], 0)  # rules B leave some directory leads over

        def after(of):
            return {name: row["after"] for name, row in replay[of].items() if row["after"]}

        def before(of):
            return {name: row["before"] for name, row in replay[of].items() if row["before"]}

        def nonzero(counts):
            return {name: n for name, n in counts.items() if n}

        self.assertEqual(after("by_rep"), nonzero(summary["by_rep"]))
        self.assertEqual(after("by_rule"), nonzero(summary["by_rule"]))
        self.assertEqual(after("by_source"), nonzero(summary["by_source"]))
        self.assertEqual(before("by_rep"), did_by_rep)
        self.assertEqual(before("by_rule"), did_by_rule)
        self.assertEqual(before("by_source"), did_by_source)
        self.assertEqual(replay["before"]["routed"], sum(did_by_rep.values()))
        for row in list(replay["by_rep"].values()) + list(replay["by_rule"].values()):
            self.assertEqual(row["change"], row["after"] - row["before"])

        # The changed leads: exactly those whose dry-run rep differs from the daemon's.
        expected = []
        for position, i in enumerate(order):
            decided = dry_lines[position]
            if decided["rep"] != did[ids[i]][0]:
                expected.append({"lead": ids[i], "before": did[ids[i]][0], "after": decided["rep"],
                                 "rule": decided["decision"].get("rule") or None})
        self.assertGreater(len(expected), LEADS // 10)  # the change moves many leads
        self.assertEqual(replay["changed"], expected)

        # The text form says the same in tables.
        text, _ = self.route("--replay", "--since", "1d", "--config", self.config_b)
        self.assertIn(f"replay of {LEADS} leads first ingested from ", text)
        self.assertIn(f"changed: {len(expected)}\n", text)
        first = expected[0]
        self.assertIn(f"{first['lead']}: {first['before'] or '(pool)'} -> "
                      f"{first['after'] or '(pool)'}", text)

    def persistence_changes(self):
        info = self.resp.call("INFO", "persistence")
        for line in info.splitlines():
            if line.startswith("rdb_changes_since_last_save:"):
                return int(line.split(":")[1])
        raise AssertionError("INFO persistence has no rdb_changes_since_last_save")

    def test_replay_refusals(self):
        # Nothing listens where the config's Redis is: a clear error, exit 1.
        self.redis.kill()
        result = subprocess.run([LEADD_BIN, "route", "--replay", "--since", "1d", "--config",
                                 self.config_b], capture_output=True, text=True, timeout=60)
        self.assertEqual(result.returncode, 1, result.stderr)
        self.assertIn("cannot reach Redis", result.stderr)
        for args in (["--replay", "--config", self.config_b],
                     ["--replay", "--since", "soon", "--config", self.config_b],
                     ["--replay", "--dry-run", "--since", "1d", "--config", self.config_b],
                     ["--replay", "--since", "1d", "--config", self.config_b, "leads.jsonl"]):
            result = subprocess.run([LEADD_BIN, "route", *args], capture_output=True, text=True,
                                    timeout=60)
            self.assertEqual(result.returncode, 2, (args, result.stderr))


if __name__ == "__main__":
    unittest.main()
