"""`leadd route --dry-run`: the real binary routes JSON Lines and CSV files without Redis."""

import json
import os
import shutil
import socket
import subprocess
import tempfile
import textwrap
import unittest

from harness import LEADD_BIN


def closed_port():
    """A port nothing listens on: the config's Redis, which a dry run must never need."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def route(*args, stdin=None):
    return subprocess.run([LEADD_BIN, "route", *args], capture_output=True, text=True,
                          input=stdin, timeout=30)


class DryRunTest(unittest.TestCase):
    def setUp(self):
        self.dir = tempfile.mkdtemp(prefix="leadd-dry-run-")
        self.addCleanup(shutil.rmtree, self.dir, ignore_errors=True)
        self.write("intake.token", "secret\n")
        self.write("admin.token", "secret\n")
        self.config = self.write("leadd.yaml", f"""\
            version: 1
            redis: {{url: "redis://127.0.0.1:{closed_port()}/0", connect_timeout: 200ms}}
            http: {{intake_token_file: intake.token, admin_token_file: admin.token}}
            reps:
              - {{id: alice}}
              - {{id: bob, capacity: 2}}
              - {{id: carol}}
            rules:
              - {{name: existing-owner, assign: owner}}
              - {{name: german, when: {{country: DE}}, assign: {{round_robin: {{reps: [carol]}}}}}}
              - {{name: everyone, assign: {{round_robin: {{reps: [alice, bob]}}}}}}
            """)

    def write(self, name, text):
        path = os.path.join(self.dir, name)
        with open(path, "w", newline="", encoding="utf-8") as f:
            f.write(textwrap.dedent(text))
        return path

    def dry_run(self, *args, config=None):
        """Stdout's lines and stderr of a run that must complete."""
        result = route("--dry-run", "--config", config or self.config, *args)
        self.assertEqual(result.returncode, 0, result.stderr)
        return result.stdout.splitlines(), result.stderr

    def leads_jsonl(self):
        return self.write("leads.jsonl", """\
            {"source":"web","email":"jane@acme.example"}
            {"source":"web","email":"li@shop.example"}

            {"source":"web","email":"JANE@acme.example"}
            {"source":"web","email":"hans@example.de","country":"DE"}
            {"source":"Web!","email":"bad@example.com"}
            {"source":"web","phone":"+1 555 0100"}
            {"source":"web","phone":"+1 555 0101"}
            {"source":"web","phone":"+1 555 0102"}
            """)

    def test_jsonl_routes_each_lead_and_summarises(self):
        lines, errors = self.dry_run(self.leads_jsonl())
        self.assertEqual(lines[:7], [
            "D-1 line 1: alice by everyone [round_robin]",
            "D-2 line 2: bob by everyone [round_robin]",
            "D-3 line 4: alice by existing-owner [owner]",
            "D-4 line 5: carol by german [round_robin]",
            "D-5 line 7: alice by everyone [round_robin]",
            "D-6 line 8: bob by everyone [round_robin]",
            "D-7 line 9: alice by everyone [round_robin]",  # bob is at capacity
        ])
        summary = "\n".join(lines[7:])
        self.assertIn("by rep:\n  alice  4  57.1%\n  bob    2  28.6%\n  carol  1  14.3%", summary)
        self.assertIn("by rule:\n  existing-owner  1  14.3%\n  german          1  14.3%\n"
                      "  everyone        5  71.4%", summary)
        self.assertIn("by source:\n  web  7  100.0%", summary)
        self.assertIn("routed: 7\nunrouted: 0\nrefused: 1", summary)
        self.assertIn("line 6: refused: field 'source' may hold only", errors)

    def test_explain_prints_every_rules_reasoning(self):
        lines, _ = self.dry_run("--explain", self.leads_jsonl())
        self.assertEqual(lines[:4], [
            "D-1 line 1: alice by everyone [round_robin]",
            "    existing-owner [owner]: no owner on record",
            "    german: not for this lead (country)",
            "    everyone [round_robin]: round robin over 2 reps",
        ])
        self.assertIn("    everyone [round_robin]: round robin over 2 reps; "
                      "skipped bob: at capacity (2 of 2)", lines)

    def test_csv_with_a_bad_row_reports_it_and_goes_on(self):
        leads = self.write("leads.csv", "\ufeffsource,email,country,company\r\n"
                                        "web,a@x.example,DE,\"Müller, Söhne\"\r\n"
                                        "web,b@x.example,FR,\"Quote \"\"in\"\" it\"\r\n"
                                        "web,c@x.example,FR\r\n"
                                        "web,a@x.example,,\r\n")
        lines, errors = self.dry_run(leads)
        self.assertEqual(lines[:3], [
            "D-1 line 2: carol by german [round_robin]",
            "D-2 line 3: alice by everyone [round_robin]",
            "D-3 line 5: carol by existing-owner [owner]",
        ])
        self.assertIn(f"{leads} line 4: refused: the row has 3 fields, the header 4", errors)
        self.assertIn("refused: 1", lines)

    def test_json_output_and_stdin(self):
        with open(self.leads_jsonl()) as f:
            result = route("--dry-run", "--json", "--format", "jsonl", "--config", self.config,
                           "-", stdin=f.read())
        self.assertEqual(result.returncode, 0, result.stderr)
        objects = [json.loads(line) for line in result.stdout.splitlines()]
        self.assertEqual(len(objects), 8)
        first = objects[0]
        self.assertEqual((first["lead"], first["line"], first["rep"]), ("D-1", 1, "alice"))
        self.assertEqual(first["decision"]["rule"], "everyone")
        self.assertEqual(len(first["decision"]["trace"]), 3)
        self.assertEqual(objects[-1], {"summary": {
            "leads": 7, "routed": 7, "unrouted": 0, "refused": 1,
            "by_rep": {"alice": 4, "bob": 2, "carol": 1},
            "by_rule": {"existing-owner": 1, "german": 1, "everyone": 5},
            "by_source": {"web": 7}}})

    def test_a_full_team_leaves_leads_in_the_pool(self):
        config = self.write("full.yaml", """\
            version: 1
            http: {intake_token_file: intake.token, admin_token_file: admin.token}
            reps: [{id: bob, capacity: 1}]
            rules: [{name: all, assign: {round_robin: {reps: [bob]}}}]
            """)
        leads = self.write("leads.tsv", "source\tphone\nweb\t1\nweb\t2\n")
        lines, _ = self.dry_run(leads, config=config)
        self.assertEqual(lines[:2], ["D-1 line 2: bob by all [round_robin]",
                                     "D-2 line 3: (pool) by no rule"])
        self.assertIn("unrouted: 1", lines)

    def test_exit_codes_for_usage_config_and_leads_problems(self):
        leads = self.leads_jsonl()
        without_dry_run = route("--config", self.config, leads)
        self.assertEqual(without_dry_run.returncode, 2)
        self.assertIn("give --dry-run (leads from a file) or --replay", without_dry_run.stderr)
        for args in (["--dry-run", leads],  # no --config
                     ["--dry-run", "--config", self.config],  # no leads
                     ["--dry-run", "--config", self.config, "-"],  # stdin without --format
                     ["--dry-run", "--config", self.config, "--format", "xml", leads],
                     ["--dry-run", "--config", self.config, self.write("leads.txt", "")],
                     ["--dry-run", "--config", self.config, "--frobnicate", leads]):
            result = route(*args)
            self.assertEqual(result.returncode, 2, args)
            self.assertIn("usage:", result.stderr, args)

        broken = self.write("broken.yaml", """\
            version: 1
            http: {intake_token_file: intake.token, admin_token_file: admin.token}
            reps: [{id: alice}]
            rules: [{name: all, assign: {round_robin: {reps: [zed]}}}]
            """)
        result = route("--dry-run", "--config", broken, leads)
        self.assertEqual(result.returncode, 1)
        self.assertIn(f"{broken}:4:", result.stderr)
        self.assertIn("unknown rep 'zed'", result.stderr)
        self.assertEqual(result.stdout, "")

        absent = os.path.join(self.dir, "absent.csv")
        result = route("--dry-run", "--config", self.config, absent)
        self.assertEqual(result.returncode, 1)
        self.assertIn("cannot read the leads", result.stderr)
        self.assertIn("absent.csv", result.stderr)

        misnamed = self.write("misnamed.csv", "source,emial\nweb,a@b.example\n")
        result = route("--dry-run", "--config", self.config, misnamed)
        self.assertEqual(result.returncode, 1)
        self.assertIn("line 1: unknown column 'emial' (did you mean 'email'?)", result.stderr)


if __name__ == "__main__":
    unittest.main()
