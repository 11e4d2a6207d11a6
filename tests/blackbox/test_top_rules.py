"""DOMAIN.md distribution rules 4 and 5 through the real daemon, with the reps, metrics and
rules of examples/distribution-rules.yaml: main-account marketplace inquiries go to the rep
with the most marketplace inquiries this month (counted by leadd as it assigns them), website
inquiries to the best weekly score an admin pushes in; the ranking is in every decision, and
the distribution of the main-account inquiries is published by `leadctl report
distribution`."""

import json

from harness import (ADMIN_TOKEN, Leadd, LeaddTestCase, example_reps_and_rules, leadctl_config,
                     run_leadctl, write_config)


class TopRulesTest(LeaddTestCase):
    def setUp(self):
        super().setUp()
        config = write_config(self.dir, self.redis.port,
                              reps_and_rules=example_reps_and_rules("distribution-rules.yaml"))
        self.leadd = Leadd(config)
        self.leadd.wait_ready()
        self.ctl = leadctl_config(config, self.leadd)
        self.made = 0

    def route(self, **fields):
        self.made += 1
        lead = {"external_id": f"top-{self.made}", "phone": f"555-02{self.made:02d}", **fields}
        status, created = self.leadd.post_lead(lead)
        self.assertEqual(status, 202, created)
        return self.leadd.wait_assigned(created["id"])["lead"]

    @staticmethod
    def outcome(lead, rule):
        for step in lead["decision"]["trace"]:
            if isinstance(step, dict) and step["rule"] == rule:
                return step["outcome"]
        return None

    def metric(self, name):
        status, body = self.leadd.request("GET", f"/v1/metrics/{name}", token=ADMIN_TOKEN)
        self.assertEqual(status, 200, body)
        return json.loads(body)["values"]

    def test_main_account_inquiries_go_to_the_most_marketplace_inquiries_this_month(self):
        # Sub-account inquiries (rule 3) are counted for their rep as they are assigned.
        for account in ("alice_sub1", "alice_sub1", "bob_sub2"):
            self.route(source="alibaba", account=account)
        self.assertEqual(self.metric("marketplace_inquiries"), {"alice": 2, "bob": 1})

        first = self.route(source="alibaba", account="main")
        self.assertEqual((first["assignee"], first["rule"], first["strategy"]),
                         ("alice", "alibaba-main-account", "top"))
        self.assertIn("ranked by marketplace_inquiries: alice 2, bob 1; best eligible: alice",
                      self.outcome(first, "alibaba-main-account"))
        # The reward is not counted as an inquiry of the rep's own.
        self.assertEqual(self.metric("marketplace_inquiries"), {"alice": 2, "bob": 1})

        for _ in range(2):
            self.route(source="alibaba", account="bob_sub2")
        second = self.route(source="alibaba", account="main")
        self.assertEqual(second["assignee"], "bob")
        self.assertIn("ranked by marketplace_inquiries: bob 3, alice 2; best eligible: bob",
                      self.outcome(second, "alibaba-main-account"))

        # Published to the team: who got the main-account inquiries, by which rule.
        report = run_leadctl(self.ctl, "report", "distribution", "--since", "1d", "--json")
        self.assertEqual(report.returncode, 0, report.stderr)
        published = json.loads(report.stdout)
        self.assertIn("alibaba-main-account", json.dumps(published))
        text = run_leadctl(self.ctl, "report", "distribution", "--since", "1d")
        self.assertEqual(text.returncode, 0, text.stderr)
        self.assertIn("alibaba-main-account", text.stdout)

    def test_website_inquiries_go_to_the_best_weekly_score(self):
        pushed = run_leadctl(self.ctl, "metric", "set", "weekly_score", "carol=87", "dave=92")
        self.assertEqual(pushed.returncode, 0, pushed.stderr)
        web = self.route(source="web")
        self.assertEqual((web["assignee"], web["rule"]), ("dave", "website-best-of-week"))
        self.assertIn("ranked by weekly_score: dave 92, carol 87; best eligible: dave",
                      self.outcome(web, "website-best-of-week"))

        # A new score moves the next inquiry; the decision shows the basis (DOMAIN rule 7).
        status, body = self.leadd.request("PUT", "/v1/metrics/weekly_score",
                                          json.dumps({"values": {"carol": 95}}), ADMIN_TOKEN)
        self.assertEqual(status, 200, body)
        again = self.route(source="web")
        self.assertEqual(again["assignee"], "carol")
        self.assertIn("ranked by weekly_score: carol 95, dave 92; best eligible: carol",
                      self.outcome(again, "website-best-of-week"))

        shown = run_leadctl(self.ctl, "metric", "show", "weekly_score")
        self.assertEqual(shown.returncode, 0, shown.stderr)
        self.assertLess(shown.stdout.index("carol"), shown.stdout.index("dave"))
