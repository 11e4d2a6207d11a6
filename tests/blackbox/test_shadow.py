"""Shadow mode through the real daemon and Redis: the live rules send web leads to alice, a
shadow rules file sends them round robin to bob and carol. Every lead goes to alice and only
alice hears of it; the shadow's picks show up in `leadctl report shadow` and in
GET /v1/reports/shadow (the admin's alone); a SIGHUP with a changed shadow file takes effect
for the next leads."""

import json
import os
import signal
import textwrap

from harness import (ADMIN_TOKEN, Leadd, LeaddTestCase, leadctl_config, notices, run_leadctl,
                     wait_until, write_config)

REPS = textwrap.dedent("""\
    reps:
      - {id: alice, name: Alice, email: alice@example.com, teams: [sales]}
      - {id: bob, name: Bob, email: bob@example.com, teams: [sales]}
      - {id: carol, name: Carol, email: carol@example.com, teams: [sales]}
    """)

# bob holds a token in the live config, to show that a rep's token cannot read the report.
LIVE_RULES = REPS.replace("bob@example.com, teams: [sales]}",
                          "bob@example.com, teams: [sales], token_file: bob.token}")
LIVE_RULES += textwrap.dedent("""\
    rules:
      - name: web-to-alice
        when: {source: web}
        assign: {round_robin: {reps: [alice]}}
    """)

SHADOW_HEAD = textwrap.dedent("""\
    version: 1
    http:
      intake_token_file: intake.token
      admin_token_file: admin.token
    """)


def shadow_rules(rule, reps):
    return SHADOW_HEAD + REPS + textwrap.dedent(f"""\
        rules:
          - name: {rule}
            when: {{source: web}}
            assign: {{round_robin: {{reps: [{", ".join(reps)}]}}}}
        """)


class ShadowTest(LeaddTestCase):
    def setUp(self):
        super().setUp()
        with open(os.path.join(self.dir, "bob.token"), "w") as f:
            f.write("bob-secret-token\n")
        self.write_shadow(shadow_rules("web-rr", ["bob", "carol"]))
        config = write_config(self.dir, self.redis.port, reps_and_rules=LIVE_RULES,
                              extra_yaml="shadow:\n  config: trials/shadow.yaml\n")
        self.leadd = Leadd(config)
        self.leadd.wait_ready()
        self.ctl_config = leadctl_config(config, self.leadd)
        self.made = 0

    def write_shadow(self, text):
        os.makedirs(os.path.join(self.dir, "trials"), exist_ok=True)
        # The shadow file's own token files are its folder's, as for any config.
        for name in ("intake.token", "admin.token"):
            with open(os.path.join(self.dir, "trials", name), "w") as f:
                f.write("unused-but-required\n")
        with open(os.path.join(self.dir, "trials", "shadow.yaml"), "w") as f:
            f.write(text)

    def route(self, count):
        ids = []
        for _ in range(count):
            self.made += 1
            status, created = self.leadd.post_lead({
                "source": "web", "external_id": f"w-{self.made}",
                "email": f"buyer{self.made}@example.com"})
            self.assertEqual(status, 202, created)
            ids.append(created["id"])
        for lead_id in ids:
            lead = self.leadd.wait_assigned(lead_id)["lead"]
            # The shadow never acts: the live rule's rep holds it, the live rule decided it.
            self.assertEqual((lead["state"], lead["assignee"], lead["rule"]),
                             ("assigned", "alice", "web-to-alice"))
        return ids

    def shadow_report(self, expected_leads):
        def recorded():
            answer = run_leadctl(self.ctl_config, "report", "shadow", "--since", "1h", "--json")
            self.assertEqual(answer.returncode, 0, answer.stderr)
            report = json.loads(answer.stdout)
            return report if report["leads"] == expected_leads else None
        return wait_until(recorded, what=f"{expected_leads} shadow entries")

    def test_shadow_records_its_rotation_and_never_acts(self):
        ids = self.route(4)
        report = self.shadow_report(4)
        self.assertEqual((report["same_rep"], report["other_rep"], report["shadow_pooled"],
                          report["shadow_assigned"]), (0, 4, 0, 0))
        self.assertEqual(report["reps"], [{"rep": "alice", "live": 4, "shadow": 0},
                                          {"rep": "bob", "live": 0, "shadow": 2},
                                          {"rep": "carol", "live": 0, "shadow": 2}])
        self.assertEqual(report["rules"], [{"rule": "web-rr", "live": 0, "shadow": 4},
                                           {"rule": "web-to-alice", "live": 4, "shadow": 0}])
        self.assertEqual(report["differences"], [
            {"lead": lead_id, "live_rep": "alice", "shadow_rep": rep, "shadow_rule": "web-rr"}
            for lead_id, rep in zip(ids, ["bob", "carol", "bob", "carol"])])
        self.assertEqual(report["more_differences"], 0)

        # Only alice was told; the shadow's rotation is its own, the live cursor untouched by it.
        log = self.leadd.log()
        for lead_id in ids:
            self.assertEqual([n["to"] for n in notices(log, "assigned", lead_id)], ["alice"])
        self.assertNotIn("to=bob", log)
        self.assertNotIn("to=carol", log)
        self.assertEqual(self.redis.cli("GET", "t:shadow:cursor:rr:web-rr").strip(), "4")
        self.assertEqual(self.redis.cli("EXISTS", "t:cursor:rr:web-rr").strip(), "0")
        self.assertEqual(self.redis.cli("SCARD", "t:rep:bob:open").strip(), "0")
        self.assertEqual(self.redis.cli("SCARD", "t:rep:carol:open").strip(), "0")

        page = run_leadctl(self.ctl_config, "report", "shadow", "--since", "1h")
        self.assertEqual(page.returncode, 0, page.stderr)
        self.assertIn("Leads compared 4: same rep 0, another rep 4, to the pool while live "
                      "assigned 0, to a rep while live pooled 0", page.stdout)
        self.assertIn("  alice     4       0      -4\n", page.stdout)
        self.assertIn("  bob       0       2      +2\n", page.stdout)
        self.assertIn(f"  {ids[1]}   alice     carol       web-rr\n", page.stdout)

        # The HTTP report is the same, and the admin's alone.
        status, body = self.leadd.request("GET", "/v1/reports/shadow?since=1h", token=ADMIN_TOKEN)
        self.assertEqual(status, 200, body)
        self.assertEqual(json.loads(body)["reps"], report["reps"])
        status, _ = self.leadd.request("GET", "/v1/reports/shadow?since=1h",
                                       token="bob-secret-token")
        self.assertEqual(status, 403)
        status, _ = self.leadd.request("GET", "/v1/reports/shadow?since=1h")
        self.assertEqual(status, 401)
        status, _ = self.leadd.request("GET", "/v1/reports/shadow?since=soon", token=ADMIN_TOKEN)
        self.assertEqual(status, 400)

        # A changed shadow file applies to the next leads after a reload.
        self.write_shadow(shadow_rules("web-carol", ["carol"]))
        self.leadd.signal(signal.SIGHUP)
        wait_until(lambda: "config.reloaded" in self.leadd.log(), what="the reload")
        later = self.route(2)
        report = self.shadow_report(6)
        self.assertEqual(report["reps"], [{"rep": "alice", "live": 6, "shadow": 0},
                                          {"rep": "bob", "live": 0, "shadow": 2},
                                          {"rep": "carol", "live": 0, "shadow": 4}])
        self.assertEqual([d["shadow_rule"] for d in report["differences"][4:]],
                         ["web-carol", "web-carol"])
        self.assertEqual([d["lead"] for d in report["differences"][4:]], later)

    def test_a_broken_shadow_file_on_reload_keeps_the_previous_config(self):
        self.write_shadow(shadow_rules("web-rr", ["bob", "zed"]))
        self.leadd.signal(signal.SIGHUP)
        wait_until(lambda: "config.reload_rejected" in self.leadd.log(), what="the rejection")
        self.assertIn("shadow.yaml:12:", self.leadd.log())
        self.assertIn("unknown rep 'zed'", self.leadd.log())
        # (leadctl reads the config, shadow file included, so it refuses the broken file too.)
        self.route(1)
        def recorded():
            status, body = self.leadd.request("GET", "/v1/reports/shadow?since=1h",
                                              token=ADMIN_TOKEN)
            self.assertEqual(status, 200, body)
            report = json.loads(body)
            return report if report["leads"] == 1 else None
        report = wait_until(recorded, what="the shadow entry")
        self.assertEqual(report["differences"][0]["shadow_rep"], "bob")
