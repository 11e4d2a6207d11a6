"""Redis killed or frozen: readiness fails, intake answers 503 (never a 2xx without a
commit), and leadd recovers by itself when Redis is back."""

import time
import unittest

from harness import LeaddTestCase, Leadd, wait_until, write_config


class RedisOutageTest(LeaddTestCase):
    def setUp(self):
        super().setUp()
        config = write_config(self.dir, self.redis.port, request_timeout="500ms")
        self.leadd = Leadd(config)
        self.leadd.wait_ready()
        self.counter = 0

    def post(self):
        self.counter += 1
        return self.leadd.post_lead(
            {"source": "web", "external_id": f"o-{self.counter}", "phone": str(self.counter)})

    def assert_refused_while_down(self):
        wait_until(lambda: self.leadd.ready_status() == 503, 10, what="/readyz to fail")
        for _ in range(3):
            status, _ = self.post()
            self.assertEqual(status, 503)
        self.assertEqual(self.leadd.request("GET", "/healthz")[0], 200)

    def assert_recovered(self):
        self.leadd.wait_ready(timeout=20)
        status, created = self.post()
        self.assertEqual(status, 202)
        self.leadd.wait_assigned(created["id"])

    def test_killed_redis(self):
        self.redis.kill()
        self.assert_refused_while_down()
        self.redis.start()  # same port, empty data
        self.assert_recovered()

    def test_frozen_redis(self):
        self.redis.freeze()
        started = time.monotonic()
        self.assert_refused_while_down()
        self.assertLess(time.monotonic() - started, 10)
        self.redis.thaw()
        self.assert_recovered()
        # What was refused while frozen was never committed.
        self.assertEqual(self.redis.cli("HLEN", "t:source"), "1")


if __name__ == "__main__":
    unittest.main()
