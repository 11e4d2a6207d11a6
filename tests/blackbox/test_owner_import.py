"""`leadctl owners import` against a real daemon and Redis: a CRM export of existing customers
(UTF-8 with a byte order mark, quoted commas, a Chinese company, a bad row, one customer claimed
by two reps) goes into the owner registry with a report of every row not registered; a second
run registers nothing new; and a lead from an imported customer goes to its owner."""

import csv
import http.server
import json
import os
import re
import shutil
import tempfile
import threading
import unittest

from harness import LeaddTestCase, Leadd, leadctl_config, run_leadctl, write_config

# Bob's row of Acme comes first in the file but was registered later: rows are sent by
# registration date, so alice, the first to register Acme, owns it and bob's claim conflicts.
CRM_EXPORT = (
    "\ufeff"
    "Owner,E-Mail,Company,Phone,Country,Registered,Stage\n"
    'bob,ann@acme.example,"Acme, Inc.",,DE,2024-01-10,customer\n'
    "bob,li@dianqi.example,上海电器有限公司,,CN,2023-06-01T09:00:00+08:00,customer\n"
    "carol,not-an-email,,,,2023-07-01,prospect\n"
    'alice,Ann@Acme.example,"Acme, Inc.",,DE,2023-05-01,customer\n'
)

MAPPING = ("--map", "rep=Owner", "--map", "email=E-Mail", "--map", "registered_at=Registered")


def summary_count(stdout, label):
    found = re.search(rf"^{label}\s+([\d,]+)$", stdout, re.MULTILINE)
    return int(found.group(1).replace(",", "")) if found else None


class OwnerImportTest(LeaddTestCase):
    def setUp(self):
        super().setUp()
        self.config = write_config(self.dir, self.redis.port, round_robin=("carol",),
                                   extra_reps=("carol",))
        self.leadd = Leadd(self.config)
        self.leadd.wait_ready()
        self.ctl_config = leadctl_config(self.config, self.leadd)
        self.export = os.path.join(self.dir, "crm.csv")
        with open(self.export, "w", encoding="utf-8", newline="") as f:
            f.write(CRM_EXPORT)
        self.report = self.export + ".import-report.csv"

    def run_import(self):
        done = run_leadctl(self.ctl_config, "owners", "import", self.export, *MAPPING)
        self.assertEqual(done.returncode, 0, done.stderr)
        with open(self.report, encoding="utf-8", newline="") as f:
            return done, {int(row["line"]): row for row in csv.DictReader(f)}

    def test_import_report_rerun_and_routing(self):
        done, report = self.run_import()
        counts = {label: summary_count(done.stdout, label)
                  for label in ("rows read", "registered", "review", "already theirs",
                                "conflicts", "invalid")}
        self.assertEqual(counts, {"rows read": 4, "registered": 2, "review": 0,
                                  "already theirs": 0, "conflicts": 1, "invalid": 1}, done.stdout)
        self.assertIn(f"report: {self.report} (2 rows not registered)", done.stdout)
        # Not a terminal: the progress is a plain line per tenth, ending at all the rows.
        self.assertIn("100%  4/4 rows  registered 2  conflicts 1  review 0  invalid 1",
                      done.stderr)
        self.assertNotIn("\r", done.stderr)

        self.assertEqual(sorted(report), [2, 4])
        conflict = report[2]
        self.assertEqual((conflict["outcome"], conflict["owner"]), ("conflict", "alice"))
        self.assertTrue(conflict["customer"].startswith("C-"), conflict)
        self.assertIn("alice", conflict["detail"])
        self.assertEqual(report[4]["outcome"], "invalid")
        self.assertTrue(report[4]["detail"], report[4])
        self.assertEqual(self.redis.cli("HGET", "t:owner:email", "ann@acme.example"), "alice")
        self.assertEqual(self.redis.cli("HGET", "t:owner:email", "li@dianqi.example"), "bob")

        # Running it again is safe: every customer is known, nothing new is registered.
        again, report = self.run_import()
        self.assertEqual(summary_count(again.stdout, "registered"), 0, again.stdout)
        self.assertEqual(summary_count(again.stdout, "already theirs"), 2, again.stdout)
        self.assertEqual(summary_count(again.stdout, "conflicts"), 1, again.stdout)
        self.assertEqual(summary_count(again.stdout, "invalid"), 1, again.stdout)
        self.assertEqual({line: row["outcome"] for line, row in report.items()},
                         {2: "conflict", 3: "already_theirs", 4: "invalid",
                          5: "already_theirs"})
        self.assertEqual(report[3]["owner"], "bob")
        self.assertEqual(report[5]["owner"], "alice")

        # A lead from an imported customer, its email written differently, goes to the owner.
        status, created = self.leadd.post_lead({"source": "web", "external_id": "acme-1",
                                                "email": "  ANN@Acme.EXAMPLE "})
        self.assertEqual(status, 202, created)
        lead = self.leadd.wait_assigned(created["id"])["lead"]
        self.assertEqual((lead["assignee"], lead["rule"]), ("alice", "existing-owner"))

    def test_mapping_mistakes_stop_before_sending(self):
        done = run_leadctl(self.ctl_config, "owners", "import", self.export)
        self.assertEqual(done.returncode, 64, done.stderr)
        self.assertIn("no column gives the rep who owns each customer", done.stderr)
        self.assertFalse(os.path.exists(self.report))
        self.assertEqual(self.redis.cli("HLEN", "t:owner:email"), "0")

        missing = run_leadctl(self.ctl_config, "owners", "import", self.export + ".nope")
        self.assertEqual(missing.returncode, 66, missing.stderr)


class ScriptedDaemon(http.server.ThreadingHTTPServer):
    """POST /v1/customers answered by a script of statuses (then 200s): a 200 registers every
    row; the bodies received are kept."""

    def __init__(self, statuses):
        self.statuses = list(statuses)
        self.batches = []
        super().__init__(("127.0.0.1", 0), ScriptedHandler)
        threading.Thread(target=self.serve_forever, daemon=True).start()

    @property
    def listen(self):
        return f"127.0.0.1:{self.server_address[1]}"


class ScriptedHandler(http.server.BaseHTTPRequestHandler):
    def do_POST(self):
        body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
        status = self.server.statuses.pop(0) if self.server.statuses else 200
        if status == 200:
            self.server.batches.append(body["customers"])
            answer = {"results": [{"line": row["line"], "outcome": "registered",
                                   "customer": f"C-{row['line']}"} for row in body["customers"]],
                      "registered": len(body["customers"]), "review": 0, "already_theirs": 0,
                      "conflicts": 0, "invalid": 0}
        else:
            answer = {"error": "owner index loading" if status == 503 else "not a batch"}
        text = json.dumps(answer).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(text)))
        self.end_headers()
        self.wfile.write(text)

    def log_message(self, *args):
        pass


class OwnerImportProtocolTest(unittest.TestCase):
    """What leadctl does with the daemon's answers, against a scripted stand-in: batches in
    order, 503 waited out, a 400 stops the import."""

    def setUp(self):
        self.dir = tempfile.mkdtemp(prefix="leadd-bb-")
        self.export = os.path.join(self.dir, "crm.tsv")
        with open(self.export, "w", encoding="utf-8") as f:
            f.write("rep\temail\n")
            for i in range(25):
                f.write(f"alice\tc{i}@example.com\n")

    def tearDown(self):
        shutil.rmtree(self.dir, ignore_errors=True)

    def run_against(self, statuses, *args):
        daemon = ScriptedDaemon(statuses)
        self.addCleanup(daemon.server_close)
        self.addCleanup(daemon.shutdown)
        config = write_config(self.dir, 6379)
        with open(config) as src, open(os.path.join(self.dir, "ctl.yaml"), "w") as dst:
            dst.write(src.read().replace("listen: 127.0.0.1:0", f"listen: {daemon.listen}"))
        done = run_leadctl(os.path.join(self.dir, "ctl.yaml"), "owners", "import", self.export,
                           *args)
        return done, daemon

    def test_batches_go_in_order_and_unready_answers_are_waited_out(self):
        done, daemon = self.run_against([503, 503], "--batch", "10")
        self.assertEqual(done.returncode, 0, done.stderr)
        self.assertEqual(done.stderr.count("leadd is not ready (owner index loading)"), 1,
                         done.stderr)
        self.assertEqual([len(batch) for batch in daemon.batches], [10, 10, 5])
        self.assertEqual([row["line"] for batch in daemon.batches for row in batch],
                         list(range(2, 27)))
        self.assertEqual(daemon.batches[0][0], {"line": 2, "rep": "alice",
                                                "email": "c0@example.com",
                                                "source": "import crm.tsv"})
        self.assertRegex(done.stdout, r"registered\s+25\n")
        self.assertIn("40%  10/25 rows", done.stderr)
        self.assertIn("100%  25/25 rows", done.stderr)

    def test_a_refused_batch_stops_the_import(self):
        done, daemon = self.run_against([200, 400], "--batch", "10", "--quiet")
        self.assertEqual(done.returncode, 1, done.stderr)
        self.assertIn("leadd answered 400: not a batch", done.stderr)
        self.assertIn("10 of 25 rows were imported before the import stopped", done.stderr)
        self.assertNotIn("%", done.stderr)  # --quiet: no progress
        self.assertEqual(len(daemon.batches), 1)
