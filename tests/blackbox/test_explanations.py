"""Every decision shows its basis (DOMAIN.md, distribution rule 7), through the real daemon with
the reps and rules of examples/distribution-rules.yaml: `leadctl explain LEAD_ID` and the
decision of GET /v1/leads/{id} name the rule that decided, its strategy, the candidates it
ranked, every rule looked at before it, and why each rep it passed over was passed over (at
capacity, bounced from)."""

import json
import re
import unittest

from harness import (Leadd, LeaddTestCase, example_reps_and_rules, leadctl_config, run_leadctl,
                     wait_until, write_config)

EXAMPLE = example_reps_and_rules("distribution-rules.yaml")
# The example's rule names, in order: every one is looked at for a lead that only the last,
# inside-sales (the rest), takes.
RULES = re.findall(r"^  - \{?name: ([\w-]+)",
                   EXAMPLE.split("\nrules:\n", 1)[1].split("\ngrades:\n", 1)[0], re.M)


class ExplanationsTest(LeaddTestCase):
    def start(self, reps_and_rules=EXAMPLE):
        config = write_config(self.dir, self.redis.port, reps_and_rules=reps_and_rules)
        self.leadd = Leadd(config)
        self.leadd.wait_ready()
        self.ctl_config = leadctl_config(config, self.leadd)
        self.made = 0

    def post(self, **fields):
        self.made += 1
        lead = {"external_id": f"x-{self.made}", "email": f"buyer{self.made}@gmail.com"}
        lead.update(fields)
        status, created = self.leadd.post_lead(lead)
        self.assertEqual(status, 202, created)
        return created["id"]

    def route(self, **fields):
        return self.leadd.wait_assigned(self.post(**fields))["lead"]

    def explain(self, lead_id):
        explained = run_leadctl(self.ctl_config, "explain", lead_id)
        self.assertEqual(explained.returncode, 0, explained.stderr)
        return explained.stdout

    def assert_rules_listed(self, page, names):
        """The page's "Rules, in order" section lists exactly `names`, in order, numbered."""
        section = page.split("Rules, in order\n", 1)[1]
        listed = re.findall(r"^  \d+\. ([\w-]+)[ :]", section, re.M)
        self.assertEqual(listed, names, page)

    def assert_in_order(self, text, parts):
        at = [text.find(part) for part in parts]
        self.assertNotIn(-1, at, text)
        self.assertEqual(at, sorted(at), text)

    def test_a_decision_names_its_rule_strategy_ranking_and_every_rep_passed_over(self):
        self.start()
        # A trade-show card: the rule before it was looked at and passed over, the field rule
        # says whose name the card carries.
        card = self.route(source="expo", received_by="Bob Li")
        page = self.explain(card["id"])
        self.assertIn(f"{card['id']} was routed by rule 'expo-cards' (field) to bob\n", page)
        self.assertIn("Graded A: source 'expo' is expo\n", page)
        self.assertIn("Now assigned, held by bob\n", page)
        self.assert_rules_listed(page, RULES[:2])
        self.assertRegex(page, r"  2\. expo-cards \[field\]: .*received_by 'Bob Li' names bob")

        # A phone call is for no rule but the last: inside sales ranks its team by open leads;
        # carol and dave tie and file order decides.
        self.assertEqual(RULES[-1], "inside-sales")
        first = self.route(source="phone")
        page = self.explain(first["id"])
        self.assertIn(f"{first['id']} was routed by rule 'inside-sales' (least_loaded) to carol\n",
                      page)
        self.assert_rules_listed(page, RULES)
        self.assertIn(f"  {len(RULES)}. inside-sales [least_loaded]: least loaded of 2 reps; "
                      "carol (0 open) dave (0 open)", page)
        self.assertNotIn("Passed over", page)

        self.assertEqual(self.route(source="phone")["assignee"], "dave")
        self.assertEqual(self.route(source="phone")["assignee"], "carol")
        # carol now holds her capacity of two: the next is dave's, and the explanation says why
        # carol, though first in file order, was not considered.
        fourth = self.route(source="phone")
        self.assertEqual(fourth["assignee"], "dave")
        page = self.explain(fourth["id"])
        self.assertIn(f"{fourth['id']} was routed by rule 'inside-sales' (least_loaded) to dave\n",
                      page)
        self.assert_rules_listed(page, RULES)
        self.assertIn("skipped carol: at capacity (2 of 2)", page)
        self.assertIn("Passed over\n  carol by inside-sales: at capacity (2 of 2)\n", page)

        # The API's decision carries the same: the rule, its strategy, the candidates, every
        # rule looked at in order, and each skipped rep with the reason.
        decision = fourth["decision"]
        self.assertEqual((decision["rule"], decision["strategy"], decision["candidates"]),
                         ("inside-sales", "least_loaded", ["dave"]))
        self.assert_in_order(json.dumps(decision["trace"]), [f'"{name}"' for name in RULES])
        self.assertEqual(decision["trace"][-1]["strategy"], "least_loaded")
        self.assertEqual(decision["trace"][-1]["skipped"],
                         [{"rep": "carol", "why": "at capacity (2 of 2)"}])
        self.assertEqual((fourth["rule"], fourth["strategy"]), ("inside-sales", "least_loaded"))

        # Both full: nobody, and each of them named with the reason.
        over = self.post(source="phone")
        wait_until(lambda: self.leadd.get_lead(over)[1]["lead"].get("state") == "pooled",
                   what="the fifth lead in the pool")
        page = self.explain(over)
        self.assertIn(f"{over} was routed to nobody: no rule found a rep, so it waits in a pool\n",
                      page)
        self.assert_rules_listed(page, RULES)
        self.assertIn("Passed over\n  carol by inside-sales: at capacity (2 of 2)\n"
                      "  dave by inside-sales: at capacity (2 of 2)\n", page)

    def test_a_rep_bounced_from_is_named_as_excluded(self):
        # The example's reps and rules as shipped; only grade C's SLA is shortened from a day
        # to seconds, so that a lead bounces while the test waits.
        shipped = "C: {accept_within: 1d}"
        self.assertIn(shipped, EXAMPLE)
        self.start(EXAMPLE.replace(shipped, "C: {accept_within: 3s}"))
        lead = self.route(source="phone", country="AT")
        self.assertEqual(lead["assignee"], "carol")

        def with_dave():
            _, body = self.leadd.get_lead(lead["id"])
            return body["lead"] if body["lead"].get("assignee") == "dave" else None

        rerouted = wait_until(with_dave, timeout=20, what="the bounced lead routed to dave")
        self.assertEqual(rerouted["decision"]["trace"][-1]["skipped"],
                         [{"rep": "carol", "why": "bounced before or left"}])
        page = self.explain(lead["id"])
        self.assertIn(f"{lead['id']} was routed by rule 'inside-sales' (least_loaded) to dave\n",
                      page)
        self.assert_rules_listed(page, RULES)
        self.assertIn("skipped carol: bounced before or left", page)
        self.assertIn("Passed over\n  carol by inside-sales: bounced before or left\n", page)


if __name__ == "__main__":
    unittest.main()
