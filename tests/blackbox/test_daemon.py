"""The daemon end to end against a real Redis: intake, idempotency, routing, owner match,
authentication, quarantine, leadctl, SIGHUP reload and the systemd notify protocol."""

import os
import signal
import socket
import subprocess
import unittest

from harness import (LeaddTestCase, ADMIN_TOKEN, INTAKE_TOKEN, LEADCTL_BIN, Leadd, wait_until,
                     write_config)


class DaemonTest(LeaddTestCase):
    def setUp(self):
        super().setUp()
        self.config = write_config(self.dir, self.redis.port, round_robin=("alice", "bob"))

    def start(self, env=None):
        self.leadd = Leadd(self.config, env=env)
        self.leadd.wait_ready()
        return self.leadd

    def test_lead_is_committed_once_and_routed(self):
        leadd = self.start()
        lead = {"source": "web", "external_id": "form-1", "email": "jane@acme.example",
                "contact_name": "Jane Roe", "company": "ACME GmbH"}
        status, first = leadd.post_lead(lead)
        self.assertEqual(status, 202, first)
        self.assertFalse(first["duplicate"])
        status, again = leadd.post_lead(lead)
        self.assertEqual(status, 200, again)
        self.assertEqual(again, {"id": first["id"], "duplicate": True})

        body = leadd.wait_assigned(first["id"])
        self.assertEqual(body["lead"]["assignee"], "alice")
        self.assertEqual(body["lead"]["rule"], "everyone")
        events = [entry["event"] for entry in body["history"]]
        self.assertEqual(events, ["ingested", "assigned"])
        self.assertEqual(self.redis.cli("HLEN", "t:source"), "1")
        wait_until(lambda: f"notify.assigned lead={first['id']} to=alice assignment=1 owner=alice "
                   "rule=everyone" in leadd.log(), what="the assignment notice")
        # Personal data stays out of the log.
        self.assertNotIn("jane@acme.example", leadd.log())
        self.assertNotIn("Jane Roe", leadd.log())

    def test_leadctl_shows_the_lead(self):
        leadd = self.start()
        status, created = leadd.post_lead({"source": "web", "external_id": "x", "phone": "1"})
        self.assertEqual(status, 202)
        leadd.wait_assigned(created["id"])
        config = os.path.join(self.dir, "ctl.yaml")
        with open(self.config) as src, open(config, "w") as dst:
            dst.write(src.read().replace("listen: 127.0.0.1:0", f"listen: {leadd.listen}"))
        ctl = subprocess.run([LEADCTL_BIN, "--config", config, "leads", "show", created["id"]],
                             capture_output=True, text=True, timeout=30)
        self.assertEqual(ctl.returncode, 0, ctl.stderr)
        self.assertIn(f"Lead {created['id']}", ctl.stdout)
        self.assertIn("assignee      alice", ctl.stdout)
        self.assertIn("rule          everyone (round_robin)", ctl.stdout)
        missing = subprocess.run([LEADCTL_BIN, "--config", config, "leads", "show", "L-999999"],
                                 capture_output=True, text=True, timeout=30)
        self.assertEqual(missing.returncode, 1)
        self.assertIn("no lead L-999999", missing.stderr)

    def test_round_robin_alternates_and_an_owner_gets_their_customer_back(self):
        leadd = self.start()
        assignees = []
        # Personal mailboxes: four customers. (Addresses at one company domain would be one
        # customer, whose owner takes every later lead.)
        for i in range(4):
            status, created = leadd.post_lead(
                {"source": "web", "external_id": f"rr-{i}", "email": f"buyer{i}@gmail.com"})
            self.assertEqual(status, 202)
            assignees.append(leadd.wait_assigned(created["id"])["lead"]["assignee"])
        self.assertEqual(assignees, ["alice", "bob", "alice", "bob"])
        # A new inquiry from buyer1 (written differently) goes to buyer1's owner, bob.
        status, created = leadd.post_lead(
            {"source": "email", "external_id": "m-1", "email": " Buyer1@Gmail.COM "})
        body = leadd.wait_assigned(created["id"])
        self.assertEqual(body["lead"]["assignee"], "bob")
        self.assertEqual(body["lead"]["rule"], "existing-owner")

    def test_a_reload_keeping_the_reps_keeps_the_rotation(self):
        leadd = self.start()

        def next_assignee(external_id):
            status, created = leadd.post_lead(
                {"source": "web", "external_id": external_id, "phone": "555-0100"})
            self.assertEqual(status, 202, created)
            return leadd.wait_assigned(created["id"])["lead"]["assignee"]

        self.assertEqual([next_assignee(f"before-{i}") for i in range(3)],
                         ["alice", "bob", "alice"])
        # The same reps, another rule added after: the rotation goes on where it was (a reset
        # would give alice again).
        write_config(self.dir, self.redis.port, round_robin=("alice", "bob"),
                     extra_yaml="  - {name: never-reached, assign: least_loaded}\n")
        leadd.signal(signal.SIGHUP)
        wait_until(lambda: "config.reloaded" in leadd.log(), what="reload")
        self.assertEqual([next_assignee(f"after-{i}") for i in range(2)], ["bob", "alice"])

    def test_every_request_needs_its_token(self):
        leadd = self.start()
        lead = {"source": "web", "email": "a@b.example"}
        self.assertEqual(leadd.post_lead(lead, token=None)[0], 401)
        self.assertEqual(leadd.post_lead(lead, token="wrong")[0], 401)
        self.assertEqual(leadd.post_lead(lead, token=ADMIN_TOKEN)[0], 401)
        status, created = leadd.post_lead(lead)
        self.assertEqual(status, 202)
        self.assertEqual(leadd.request("GET", f"/v1/leads/{created['id']}", token=INTAKE_TOKEN)[0],
                         401)
        self.assertEqual(leadd.request("GET", f"/v1/leads/{created['id']}")[0], 401)
        self.assertEqual(self.redis.cli("HLEN", "t:source"), "1")

    def test_bad_input_is_refused_clearly_and_quarantined(self):
        leadd = self.start()
        cases = [
            ("{not json", 400),
            ('{"source":"web","emial":"a@b.c"}', 400),
            ('{"source":"web"}', 400),
        ]
        for body, expected in cases:
            status, answer = leadd.request("POST", "/v1/leads", body, INTAKE_TOKEN)
            self.assertEqual(status, expected, body)
            self.assertIn("error", answer)
        self.assertEqual(self.redis.cli("XLEN", "t:quarantine"), "3")
        status, _ = leadd.request("POST", "/v1/leads", "x" * (2 << 20), INTAKE_TOKEN)
        self.assertIn(status, (413, None))  # refused at the limit; the peer may see a reset
        status, _ = leadd.request("POST", "/v1/leads", '{"source":"web","phone":"1"}',
                                  INTAKE_TOKEN, headers={"Content-Type": "text/plain"})
        self.assertEqual(status, 415)
        self.assertEqual(leadd.request("GET", "/nowhere")[0], 404)
        self.assertEqual(leadd.request("DELETE", "/v1/leads", token=INTAKE_TOKEN)[0], 405)
        self.assertEqual(leadd.request("GET", "/v1/leads/t:source", token=ADMIN_TOKEN)[0], 404)
        self.assertEqual(leadd.ready_status(), 200)

    def raw_exchange(self, payload, timeout=5):
        with socket.create_connection(("127.0.0.1", self.leadd.port), timeout=timeout) as conn:
            conn.sendall(payload)
            chunks = []
            try:
                while True:
                    data = conn.recv(65536)
                    if not data:
                        break
                    chunks.append(data)
            except (socket.timeout, ConnectionResetError):
                pass
            return b"".join(chunks).decode(errors="replace")

    def test_malformed_http_is_answered_and_the_server_keeps_serving(self):
        leadd = self.start()
        cases = {
            b"GARBAGE\r\n\r\n": "400",
            b"GET / HTTP/1.1\r\nHost: x\r\nBad Header\r\n\r\n": "400",
            b"POST /v1/leads HTTP/1.1\r\nContent-Length: -5\r\n\r\n": "400",
            b"POST /v1/leads HTTP/1.1\r\nContent-Length: 99999999999\r\n\r\n": "413",
            b"GET / HTTP/1.1\r\nX: " + b"a" * 20000 + b"\r\n\r\n": "431",
            b"\x00\xff\xfe\r\n\r\n": "400",
        }
        for payload, status in cases.items():
            answer = self.raw_exchange(payload)
            self.assertTrue(answer.startswith(f"HTTP/1.1 {status}"), (payload[:40], answer[:80]))
        # A client that sends half a request and goes quiet holds up nobody else.
        with socket.create_connection(("127.0.0.1", leadd.port), timeout=30) as conn:
            conn.sendall(b"POST /v1/leads HTTP/1.1\r\nContent-Length: 10\r\n\r\nabc")
            self.assertEqual(leadd.ready_status(), 200)
        self.assertEqual(leadd.ready_status(), 200)
        self.assertEqual(self.redis.cli("HLEN", "t:source"), "0")

    def test_sighup_reload_and_systemd_notifications(self):
        notify_path = os.path.join(self.dir, "notify.sock")
        notify = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
        notify.bind(notify_path)
        notify.settimeout(10)
        messages = []

        def expect(state):
            def seen():
                while True:
                    try:
                        data = notify.recv(4096).decode()
                    except socket.timeout:
                        return False
                    messages.append(data)
                    if state in data.split("\n"):
                        return True
            self.assertTrue(seen(), f"no {state} in {messages}")

        try:
            write_config(self.dir, self.redis.port, round_robin=("alice",))
            leadd = self.start(env={"NOTIFY_SOCKET": notify_path, "WATCHDOG_USEC": "400000"})
            expect("READY=1")
            expect("WATCHDOG=1")

            with open(self.config, "w") as f:
                f.write("version: 1\nhttp: {listen: '127.0.0.1:0'\n")
            leadd.signal(signal.SIGHUP)
            expect("RELOADING=1")
            expect("READY=1")
            wait_until(lambda: "config.reload_rejected" in leadd.log(), what="reload rejected")
            status, created = leadd.post_lead({"source": "web", "external_id": "a", "phone": "1"})
            self.assertEqual(status, 202)
            self.assertEqual(leadd.wait_assigned(created["id"])["lead"]["assignee"], "alice")

            write_config(self.dir, self.redis.port, round_robin=("bob",))
            leadd.signal(signal.SIGHUP)
            expect("RELOADING=1")
            expect("READY=1")
            wait_until(lambda: "config.reloaded" in leadd.log(), what="reload")
            status, created = leadd.post_lead({"source": "web", "external_id": "b", "phone": "2"})
            self.assertEqual(leadd.wait_assigned(created["id"])["lead"]["assignee"], "bob")

            leadd.signal(signal.SIGTERM)
            expect("STOPPING=1")
            self.assertEqual(leadd.process.wait(15), 0)
        finally:
            notify.close()


if __name__ == "__main__":
    unittest.main()
