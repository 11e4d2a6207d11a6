"""`scripts/run`: leadd with its own Redis and the quickstart config, as the README promises."""

import json
import os
import shutil
import signal
import subprocess
import tempfile
import time
import unittest

from harness import SOURCE_DIR, Leadd, free_port, wait_until

QUICKSTART_INTAKE = "quickstart-intake-token"
QUICKSTART_ADMIN = "quickstart-admin-token"


def processes_mentioning(text):
    found = []
    for pid in os.listdir("/proc"):
        if not pid.isdigit():
            continue
        try:
            with open(f"/proc/{pid}/cmdline", "rb") as f:
                if text.encode() in f.read():
                    found.append(int(pid))
        except OSError:
            pass
    return found


class QuickstartTest(unittest.TestCase):
    def setUp(self):
        self.state = tempfile.mkdtemp(prefix="leadd-qs-")
        script = os.path.join(SOURCE_DIR, "scripts", "run")
        port = free_port()
        self.leadd = Leadd(None, listen=f"127.0.0.1:{port}", command=["bash", script],
                           args=["--state-dir", self.state])

    def tearDown(self):
        self.leadd.close()
        shutil.rmtree(self.state, ignore_errors=True)

    def test_scripts_run_serves_with_embedded_redis_and_commits_a_lead_once(self):
        leadd = self.leadd
        leadd.wait_ready(timeout=120)  # scripts/run may still be building on a first start
        self.assertTrue(os.path.exists(os.path.join(self.state, "redis", "redis.sock")))
        lead = {"source": "web", "external_id": "qs-1", "email": "buyer@example.com"}
        first = leadd.post_lead(lead, token=QUICKSTART_INTAKE)
        second = leadd.post_lead(lead, token=QUICKSTART_INTAKE)
        self.assertEqual(first[0], 202, first)
        self.assertEqual(second[0], 200, second)
        self.assertEqual(first[1]["id"], second[1]["id"])

        def assigned():
            status, body = leadd.request("GET", f"/v1/leads/{first[1]['id']}",
                                         token=QUICKSTART_ADMIN)
            body = json.loads(body) if status == 200 else {}
            return body if body.get("lead", {}).get("state") == "assigned" else None
        body = wait_until(assigned, 15, what="assignment")
        self.assertEqual([e["event"] for e in body["history"]].count("assigned"), 1)

        self.assertTrue(processes_mentioning(self.state), "no embedded redis-server running")
        leadd.signal(signal.SIGTERM)
        self.assertEqual(leadd.process.wait(30), 0, leadd.log()[-3000:])
        wait_until(lambda: not processes_mentioning(self.state), 10,
                   what="the embedded redis-server to exit with leadd")


if __name__ == "__main__":
    unittest.main()
