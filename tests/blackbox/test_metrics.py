"""Metric values through the API and leadctl against a real Redis: the admin pushes them, every
rep reads them with their own token (the basis of `top` routing is visible to the team), each
window keeps its own, and a reload brings new metrics."""

import datetime
import json
import os
import signal
import subprocess
import unittest

from harness import ADMIN_TOKEN, LEADCTL_BIN, Leadd, LeaddTestCase, wait_until, write_config

ALICE = "alice-token-1"
BOB = "bob-token-1"

METRICS = """\
metrics:
  weekly_score:
    window: week
  marketplace_inquiries:
    window: month
    time_zone: Asia/Shanghai
    count: {channel: marketplace}
"""


def current_week():
    year, week, _ = datetime.datetime.now(datetime.timezone.utc).isocalendar()
    return f"{year:04d}-W{week:02d}"


class MetricsTest(LeaddTestCase):
    def setUp(self):
        super().setUp()
        self.write(METRICS)
        self.leadd = Leadd(self.config)
        self.leadd.wait_ready()
        # leadctl reads the daemon's address from the config.
        self.ctl_config = os.path.join(self.dir, "ctl.yaml")
        with open(self.config) as src, open(self.ctl_config, "w") as dst:
            dst.write(src.read().replace("listen: 127.0.0.1:0", f"listen: {self.leadd.listen}"))

    def write(self, metrics):
        self.config = write_config(self.dir, self.redis.port,
                                   rep_tokens={"alice": ALICE, "bob": BOB},
                                   extra_reps=("carol",), extra_yaml=metrics)

    def ctl(self, *args):
        return subprocess.run([LEADCTL_BIN, "--config", self.ctl_config, *args],
                              capture_output=True, text=True, timeout=60)

    def get(self, path, token):
        status, body = self.leadd.request("GET", path, token=token)
        return status, (json.loads(body) if body.startswith("{") else body)

    def put(self, name, body, token=ADMIN_TOKEN):
        text = body if isinstance(body, str) else json.dumps(body)
        status, answer = self.leadd.request("PUT", f"/v1/metrics/{name}", text, token)
        return status, (json.loads(answer) if answer.startswith("{") else answer)

    def test_values_through_the_api(self):
        status, answer = self.put("weekly_score", {"window": "2024-W10",
                                                   "values": {"alice": 42.5, "bob": 7}})
        self.assertEqual(status, 200, answer)
        self.assertEqual(answer, {"metric": "weekly_score", "window": "2024-W10", "written": 2,
                                  "replace": False})
        self.assertIn("metric.set metric=weekly_score window=2024-W10 values=2",
                      self.leadd.log())
        self.assertEqual(self.redis.cli("HGET", "t:metric:weekly_score:2024-W10", "alice"),
                         "42.5")
        ttl = int(self.redis.cli("TTL", "t:metric:weekly_score:2024-W10"))
        self.assertGreater(ttl, 399 * 86400)

        # The admin and every rep, with their own token, read the same values.
        for token in (ADMIN_TOKEN, ALICE, BOB):
            status, body = self.get("/v1/metrics/weekly_score?window=2024-W10", token)
            self.assertEqual(status, 200, body)
            self.assertEqual(body, {"metric": "weekly_score", "window": "2024-W10",
                                    "values": {"alice": 42.5, "bob": 7}})

        # Another window keeps its own values; a merge keeps the reps not named.
        status, answer = self.put("weekly_score", {"window": "2024-W11", "values": {"bob": 1}})
        self.assertEqual(status, 200, answer)
        status, answer = self.put("weekly_score", {"window": "2024-W10", "values": {"carol": 3}})
        self.assertEqual(status, 200, answer)
        status, body = self.get("/v1/metrics/weekly_score?window=2024-W10", ALICE)
        self.assertEqual(body["values"], {"alice": 42.5, "bob": 7, "carol": 3})
        status, body = self.get("/v1/metrics/weekly_score?window=2024-W11", ALICE)
        self.assertEqual(body["values"], {"bob": 1})
        status, answer = self.put("weekly_score", {"window": "2024-W10", "values": {"bob": 9},
                                                   "replace": True})
        self.assertEqual(status, 200, answer)
        status, body = self.get("/v1/metrics/weekly_score?window=2024-W10", BOB)
        self.assertEqual(body["values"], {"bob": 9})

        # Without a window, the current one: ISO weeks in UTC for this metric (the explicit ones
        # above are long past, so they are not it).
        before = current_week()
        status, answer = self.put("weekly_score", {"values": {"alice": 5}})
        self.assertEqual(status, 200, answer)
        self.assertIn(answer["window"], {before, current_week()})
        status, body = self.get("/v1/metrics/weekly_score", BOB)
        self.assertEqual(body["window"], answer["window"])
        self.assertEqual(body["values"], {"alice": 5})

    def test_refusals(self):
        values = {"window": "2026-W48", "values": {"alice": 1}}
        status, answer = self.put("weekly_score", values, token=ALICE)
        self.assertEqual(status, 403, answer)
        status, answer = self.put("weekly_score", values, token="wrong")
        self.assertEqual(status, 401, answer)
        status, body = self.get("/v1/metrics/weekly_score", None)
        self.assertEqual(status, 401, body)
        status, body = self.get("/v1/metrics/weekly_score", "wrong")
        self.assertEqual(status, 401, body)
        self.assertEqual(self.redis.cli("EXISTS", "t:metric:weekly_score:2026-W48"), "0")

        status, answer = self.put("nope", values)
        self.assertEqual(status, 404, answer)
        self.assertEqual(answer["known"], ["marketplace_inquiries", "weekly_score"])
        status, body = self.get("/v1/metrics/nope", ALICE)
        self.assertEqual(status, 404, body)

        for bad, why in [
                ({"window": "2026-11", "values": {"alice": 1}}, "is not a week"),
                ({"window": "2025-W53", "values": {"alice": 1}}, "is not a week"),
                ({"window": "2026-W48", "values": {"zed": 1}}, "unknown rep 'zed'"),
                ({"window": "2026-W48", "values": {"alice": "1"}}, "must be a number"),
                ({"window": "2026-W48"}, "values is required"),
                ([1, 2], "must be a JSON object"),
                ('{"values": {"alice": 1, "alice": 2}}', "appears twice"),
                ('{"values": {"alice": NaN}}', "not valid JSON")]:
            status, answer = self.put("weekly_score", bad)
            self.assertEqual(status, 400, (bad, answer))
            self.assertIn(why, answer["error"])
        status, body = self.get("/v1/metrics/marketplace_inquiries?window=2026-W48", ALICE)
        self.assertEqual(status, 400, body)
        self.assertIn("is not a month", body["error"])
        status, body = self.get("/v1/metrics/weekly_score?week=2026-W48", ALICE)
        self.assertEqual(status, 400, body)
        status, answer = self.leadd.request("DELETE", "/v1/metrics/weekly_score", token=ADMIN_TOKEN)
        self.assertEqual(status, 405, answer)
        self.assertEqual(self.redis.cli("KEYS", "t:metric:*"), "")

    def test_leadctl(self):
        done = self.ctl("metric", "set", "weekly_score", "alice=42.5", "bob=7", "carol=7",
                        "--window", "2026-W48")
        self.assertEqual(done.returncode, 0, done.stderr)
        self.assertEqual(done.stdout, "set weekly_score for 2026-W48: 3 values\n")
        shown = self.ctl("metric", "show", "weekly_score", "--window", "2026-W48")
        self.assertEqual(shown.returncode, 0, shown.stderr)
        self.assertEqual(shown.stdout, "weekly_score  2026-W48\n"
                                       "   1  alice  42.5\n"
                                       "   2  bob    7\n"
                                       "   2  carol  7\n")
        shown = self.ctl("metric", "show", "weekly_score", "--window", "2026-W48", "--json")
        self.assertEqual(json.loads(shown.stdout)["values"], {"alice": 42.5, "bob": 7, "carol": 7})

        done = self.ctl("metric", "set", "weekly_score", "bob=1", "--window", "2026-W48",
                        "--replace")
        self.assertEqual(done.returncode, 0, done.stderr)
        self.assertEqual(done.stdout, "replaced weekly_score for 2026-W48: 1 value\n")
        status, body = self.get("/v1/metrics/weekly_score?window=2026-W48", BOB)
        self.assertEqual(body["values"], {"bob": 1})

        # The current window when none is given: the month in Shanghai for this metric.
        done = self.ctl("metric", "set", "marketplace_inquiries", "alice=3")
        self.assertEqual(done.returncode, 0, done.stderr)
        shown = self.ctl("metric", "show", "marketplace_inquiries")
        self.assertEqual(shown.returncode, 0, shown.stderr)
        self.assertIn("   1  alice  3\n", shown.stdout)

        refused = self.ctl("metric", "set", "weekly_score", "zed=1")
        self.assertEqual(refused.returncode, 1)
        self.assertIn("leadd answered 400: unknown rep 'zed'", refused.stderr)
        refused = self.ctl("metric", "show", "nope")
        self.assertEqual(refused.returncode, 1)
        self.assertIn("known: marketplace_inquiries weekly_score", refused.stderr)
        refused = self.ctl("metric", "set", "weekly_score", "alice=lots")
        self.assertEqual(refused.returncode, 64)

    def test_reload_brings_new_metrics(self):
        status, body = self.get("/v1/metrics/daily_calls?window=2026-11-24", ALICE)
        self.assertEqual(status, 404, body)
        self.write(METRICS + "  daily_calls:\n    window: day\n")
        self.leadd.signal(signal.SIGHUP)
        wait_until(lambda: self.get("/v1/metrics/daily_calls?window=2026-11-24", ALICE)[0] == 200,
                   what="the reloaded metric to be served")
        status, answer = self.put("daily_calls", {"window": "2026-11-24", "values": {"bob": 12}})
        self.assertEqual(status, 200, answer)
        status, body = self.get("/v1/metrics/daily_calls?window=2026-11-24", ALICE)
        self.assertEqual(body["values"], {"bob": 12})


if __name__ == "__main__":
    unittest.main()
