"""`leadd check-config`: every problem as file:line:column, exit 1; shipped examples pass."""

import glob
import os
import shutil
import subprocess
import tempfile
import textwrap
import unittest

from harness import LEADD_BIN, SOURCE_DIR


def check(path):
    return subprocess.run([LEADD_BIN, "check-config", path], capture_output=True, text=True,
                          timeout=30)


class CheckConfigTest(unittest.TestCase):
    def setUp(self):
        self.dir = tempfile.mkdtemp(prefix="leadd-check-")
        for name in ("intake.token", "admin.token"):
            with open(os.path.join(self.dir, name), "w") as f:
                f.write("secret\n")

    def tearDown(self):
        shutil.rmtree(self.dir, ignore_errors=True)

    def write(self, text):
        path = os.path.join(self.dir, "leadd.yaml")
        with open(path, "w") as f:
            f.write(textwrap.dedent(text))
        return path

    def test_typo_wrong_type_and_unknown_rep_are_three_located_errors(self):
        path = self.write("""\
            version: 1
            http:
              lisen: 127.0.0.1:8080
              intake_token_file: intake.token
              admin_token_file: admin.token
              max_body_bytes: lots
            reps:
              - {id: alice}
            rules:
              - name: everyone
                assign: {round_robin: {reps: [alice, zed]}}
            """)
        result = check(path)
        self.assertEqual(result.returncode, 1, result.stdout + result.stderr)
        problems = [line for line in result.stderr.splitlines() if line.startswith(path + ":")]
        self.assertEqual(len(problems), 3, result.stderr)
        self.assertTrue(problems[0].startswith(f"{path}:3:3: "), problems[0])
        self.assertIn("'lisen'", problems[0])
        self.assertIn("did you mean 'listen'", problems[0])
        self.assertTrue(problems[1].startswith(f"{path}:6:19: "), problems[1])
        self.assertIn("max_body_bytes", problems[1])
        self.assertIn("'lots'", problems[1])
        self.assertTrue(problems[2].startswith(f"{path}:11:42: "), problems[2])
        self.assertIn("unknown rep 'zed'", problems[2])

    def test_good_file_passes(self):
        path = self.write("""\
            version: 1
            http: {intake_token_file: intake.token, admin_token_file: admin.token}
            reps: [{id: alice}]
            rules: [{name: all, assign: {round_robin: {reps: [alice]}}}]
            """)
        result = check(path)
        self.assertEqual(result.returncode, 0, result.stderr)
        self.assertIn("OK", result.stdout)

    def test_coverage_names_the_leads_and_hours_nobody_takes(self):
        path = self.write("""\
            version: 1
            http: {intake_token_file: intake.token, admin_token_file: admin.token}
            reps:
              - {id: alice, regions: [DE], working_hours: {timezone: Europe/Berlin,
                 days: Mon-Fri, from: "09:00", to: "17:00"}}
              - {id: bob}
            rules:
              - {name: german-desk, when: {country: DE}, on_duty_only: true,
                 assign: {round_robin: {reps: [alice]}}}
              - {name: web, when: {source: web}, assign: {round_robin: {reps: [bob]}}}
            """)
        result = subprocess.run([LEADD_BIN, "check-config", "--coverage", path],
                                capture_output=True, text=True, timeout=60)
        self.assertEqual(result.returncode, 0, result.stderr)
        out = result.stdout
        self.assertIn("168 hours, 4 kinds of lead (source x place x grade)", out)
        # Web leads always have bob; German leads from elsewhere only alice's working week.
        self.assertNotIn("source web,", out)
        self.assertRegex(out, r"source \(any other\), place DE, grade \(any other\): "
                              r"\w{3} \d{4}-\d\d-\d\d \d\d:00 – ")
        self.assertIn("skipped alice: off duty until", out)
        self.assertRegex(out, r"source \(any other\), place \(any other\), grade \(any other\): "
                              r"all week\n    no rule is for such a lead")
        usage = subprocess.run([LEADD_BIN, "check-config", "--coverag", path],
                               capture_output=True, text=True, timeout=30)
        self.assertEqual(usage.returncode, 64)

    def test_missing_file_is_an_error_not_a_crash(self):
        result = check(os.path.join(self.dir, "absent.yaml"))
        self.assertEqual(result.returncode, 1)
        self.assertIn("absent.yaml", result.stderr)

    def test_every_shipped_example_passes(self):
        examples = sorted(glob.glob(os.path.join(SOURCE_DIR, "examples", "*.yaml")))
        self.assertTrue(examples)
        for example in examples:
            result = check(example)
            self.assertEqual(result.returncode, 0, f"{example}: {result.stderr}")

    def test_daemon_refuses_to_start_on_a_bad_file_with_exit_78(self):
        path = self.write("version: 2\n")
        result = subprocess.run([LEADD_BIN, "run", "--config", path], capture_output=True,
                                text=True, timeout=30)
        self.assertEqual(result.returncode, 78)
        self.assertIn(f"{path}:1:", result.stderr)


if __name__ == "__main__":
    unittest.main()
