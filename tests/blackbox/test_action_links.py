"""Signed action links against a real Redis: the test signs links itself (the documented
format), a GET only shows the form, a POST moves the lead, and expired, forged and stale links
are refused."""

import base64
import hashlib
import hmac
import signal
import socket
import time
import unittest
import urllib.error
import urllib.request

from harness import ADMIN_TOKEN, LeaddTestCase, Leadd, wait_until, write_config

SECRET = b"link-secret-for-the-black-box-test-0123456789"
OTHER_SECRET = b"another-secret-nobody-configured-0123456789ab"


def b64url(data):
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def make_token(lead_id, rep, action, assignment_id, expires_ms, secret=SECRET):
    payload = f"lk1\n{lead_id}\n{rep}\n{action}\n{assignment_id}\n{expires_ms}".encode()
    mac = hmac.new(secret, payload, hashlib.sha256).digest()
    return b64url(payload) + "." + b64url(mac)


def in_an_hour():
    return int(time.time() * 1000) + 3600 * 1000


class ActionLinksTest(LeaddTestCase):
    def setUp(self):
        super().setUp()
        self.write(with_secret=True)
        self.leadd = Leadd(self.config)
        self.leadd.wait_ready()

    def write(self, with_secret):
        self.config = write_config(self.dir, self.redis.port, round_robin=("alice",))
        with open(f"{self.dir}/link.secret", "wb") as f:
            f.write(SECRET + b"\n")
        if with_secret:
            with open(self.config) as f:
                text = f.read()
            marker = "  admin_token_file: admin.token\n"
            self.assertIn(marker, text)
            text = text.replace(marker, marker + "  link_secret_file: link.secret\n"
                                "  public_url: https://leads.example.com\n")
            with open(self.config, "w") as f:
                f.write(text)

    def open_link(self, method, token, form=None):
        """(status, headers, body) of a request to /v1/links/<token>."""
        data = None if form is None else form.encode()
        req = urllib.request.Request(self.leadd.url(f"/v1/links/{token}"), data=data,
                                     method=method)
        if form is not None:
            req.add_header("Content-Type", "application/x-www-form-urlencoded")
        try:
            with urllib.request.urlopen(req, timeout=10) as resp:
                return resp.status, resp.headers, resp.read().decode()
        except urllib.error.HTTPError as e:
            return e.code, e.headers, e.read().decode()
        except (urllib.error.URLError, ConnectionError, TimeoutError, socket.timeout):
            return None, {}, ""

    def new_lead(self, external_id):
        status, created = self.leadd.post_lead({"source": "web", "external_id": external_id,
                                                "phone": "555-0100"})
        self.assertEqual(status, 202, created)
        lead = self.leadd.wait_assigned(created["id"])["lead"]
        self.assertEqual(lead["assignee"], "alice")
        return created["id"], lead["assignment_id"]

    def lead(self, lead_id):
        status, body = self.leadd.get_lead(lead_id)
        self.assertEqual(status, 200, body)
        return body["lead"]

    def test_accept_link_shows_a_form_on_get_and_acts_on_post(self):
        lead_id, assignment = self.new_lead("a")
        token = make_token(lead_id, "alice", "accept", assignment, in_an_hour())

        # Mail scanners fetch links: a GET, however often, changes nothing.
        for _ in range(2):
            status, headers, body = self.open_link("GET", token)
            self.assertEqual(status, 200, body)
            self.assertEqual(headers["Content-Type"], "text/html; charset=utf-8")
            self.assertEqual(headers["Cache-Control"], "no-store")
            self.assertEqual(headers["Referrer-Policy"], "no-referrer")
            self.assertIn('<form method="post">', body)
            self.assertIn(lead_id, body)
        self.assertEqual(self.lead(lead_id)["state"], "assigned")

        status, headers, body = self.open_link("POST", token, "")
        self.assertEqual(status, 200, body)
        self.assertEqual(headers["Content-Type"], "text/html; charset=utf-8")
        self.assertEqual(self.lead(lead_id)["state"], "accepted")
        log = self.leadd.log()
        self.assertIn(f"lead.accepted lead={lead_id} rep=alice via=link", log)
        self.assertNotIn(token.split(".")[0], log)
        self.assertNotIn(token.split(".")[1], log)

        # The same link again: the move is not legal any more.
        status, _, body = self.open_link("POST", token, "")
        self.assertEqual(status, 409, body)

        status, _, _ = self.open_link("PUT", token, "")
        self.assertEqual(status, 405)

    def test_expired_and_forged_links_are_refused(self):
        lead_id, assignment = self.new_lead("b")
        expired = make_token(lead_id, "alice", "accept", assignment,
                             int(time.time() * 1000) - 1000)
        forged = make_token(lead_id, "alice", "accept", assignment, in_an_hour(), OTHER_SECRET)
        for method, form in (("GET", None), ("POST", "")):
            status, headers, body = self.open_link(method, expired, form)
            self.assertEqual(status, 403, body)
            self.assertEqual(headers["Content-Type"], "text/html; charset=utf-8")
            self.assertIn("This link has expired", body)
            status, _, body = self.open_link(method, forged, form)
            self.assertEqual(status, 403, body)
            self.assertIn("This link is not valid", body)
            self.assertNotIn("signature", body)
        status, _, body = self.open_link("GET", "not-a-token")
        self.assertEqual(status, 403, body)
        self.assertEqual(self.lead(lead_id)["state"], "assigned")

    def test_reject_link_needs_a_reason_and_pools_the_lead(self):
        lead_id, assignment = self.new_lead("c")
        token = make_token(lead_id, "alice", "reject", assignment, in_an_hour())
        status, _, body = self.open_link("GET", token)
        self.assertEqual(status, 200, body)
        self.assertIn('name="reason"', body)
        self.assertIn("required", body)

        status, _, body = self.open_link("POST", token, "")
        self.assertEqual(status, 400, body)
        status, _, body = self.open_link("POST", token, "reason=%zz")
        self.assertEqual(status, 400, body)
        status, _, body = self.open_link("POST", token, "reason=x&pool=public")
        self.assertEqual(status, 400, body)
        self.assertEqual(self.lead(lead_id)["state"], "assigned")

        status, _, body = self.open_link("POST", token, "reason=not+our+market%21")
        self.assertEqual(status, 200, body)
        lead = self.lead(lead_id)
        self.assertEqual((lead["state"], lead["pool"]), ("pooled", "nurture"))
        self.assertIn(f"lead.rejected lead={lead_id} rep=alice pool=nurture via=link",
                      self.leadd.log())
        self.assertNotIn("not our market", self.leadd.log())

    def test_link_for_an_earlier_assignment_is_refused(self):
        lead_id, assignment = self.new_lead("d")
        token = make_token(lead_id, "alice", "accept", assignment, in_an_hour())
        status, answer = self.leadd.request("POST", f"/v1/leads/{lead_id}/assign",
                                            '{"rep": "bob", "reason": "vip"}', ADMIN_TOKEN)
        self.assertEqual(status, 200, answer)
        status, _, body = self.open_link("POST", token, "")
        self.assertEqual(status, 409, body)
        lead = self.lead(lead_id)
        self.assertEqual((lead["state"], lead["assignee"]), ("assigned", "bob"))

        # A link for an unknown lead.
        token = make_token("L-999999", "alice", "accept", "1", in_an_hour())
        status, _, body = self.open_link("POST", token, "")
        self.assertEqual(status, 404, body)

    def test_links_are_off_without_a_secret_after_reload(self):
        lead_id, assignment = self.new_lead("e")
        token = make_token(lead_id, "alice", "accept", assignment, in_an_hour())
        self.assertEqual(self.open_link("GET", token)[0], 200)
        reloads = self.leadd.log().count("config.reloaded")
        self.write(with_secret=False)
        self.leadd.signal(signal.SIGHUP)
        wait_until(lambda: self.leadd.log().count("config.reloaded") > reloads, what="reload")
        status, _, _ = self.open_link("GET", token)
        self.assertEqual(status, 404)
        status, _, _ = self.open_link("POST", token, "")
        self.assertEqual(status, 404)
        self.assertEqual(self.lead(lead_id)["state"], "assigned")


if __name__ == "__main__":
    unittest.main()
