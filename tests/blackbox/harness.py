"""Helpers for black-box tests: free ports, a real redis-server, a leadd process, HTTP calls."""

import json
import os
import re
import shlex
import shutil
import signal
import socket
import subprocess
import tempfile
import textwrap
import time
import unittest
import urllib.error
import urllib.request

LEADD_BIN = os.environ.get("LEADD_BIN", "leadd")
LEADCTL_BIN = os.environ.get("LEADCTL_BIN", "leadctl")
SOURCE_DIR = os.environ.get("LEADD_SOURCE_DIR", os.path.join(os.path.dirname(__file__), "..", ".."))

INTAKE_TOKEN = "intake-secret-for-tests"
ADMIN_TOKEN = "admin-secret-for-tests"


def free_port():
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_until(predicate, timeout=15.0, interval=0.05, what="condition"):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(interval)
    raise AssertionError(f"timed out after {timeout}s waiting for {what}")


class RedisServer:
    """Debian's redis-server on a free loopback port in a temp dir; stopped on close()."""

    def __init__(self):
        self.dir = tempfile.mkdtemp(prefix="leadd-redis-")
        self.port = free_port()
        self.process = None
        self.start()

    def start(self):
        self.process = subprocess.Popen(
            ["redis-server", "--port", str(self.port), "--bind", "127.0.0.1", "--dir", self.dir,
             "--save", "", "--appendonly", "no", "--daemonize", "no", "--logfile", ""],
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        wait_until(lambda: self.ping(), what="redis-server to answer PING")

    def ping(self):
        try:
            return self.cli("PING") == "PONG"
        except subprocess.SubprocessError:
            return False

    def cli(self, *args):
        out = subprocess.run(["redis-cli", "-p", str(self.port), *args],
                             capture_output=True, text=True, timeout=5)
        return out.stdout.strip()

    def kill(self):
        self.process.kill()
        self.process.wait()

    def freeze(self):
        self.process.send_signal(signal.SIGSTOP)

    def thaw(self):
        self.process.send_signal(signal.SIGCONT)

    def close(self):
        if self.process and self.process.poll() is None:
            self.process.send_signal(signal.SIGCONT)
            self.process.kill()
            self.process.wait()
        shutil.rmtree(self.dir, ignore_errors=True)


def write_config(directory, redis_port, round_robin=("alice",), request_timeout="2s",
                 rep_tokens=None, extra_reps=(), pools=None, managers=None, extra_yaml="",
                 reps_and_rules=None):
    """A daemon config against an external Redis, tokens in files beside it.

    rep_tokens maps a rep id to its token (written to <rep>.token); extra_reps are reps besides
    alice and bob; pools maps a pool name to its settings, e.g. {"vip": {"max_held": 1}};
    managers maps a rep id to its manager's; extra_yaml is appended as given (top-level keys
    such as sla or grades); reps_and_rules, when given, replaces the `reps:` and `rules:`
    sections whole (YAML text starting with `reps:`)."""
    with open(os.path.join(directory, "intake.token"), "w") as f:
        f.write(INTAKE_TOKEN + "\n")
    with open(os.path.join(directory, "admin.token"), "w") as f:
        f.write(ADMIN_TOKEN + "\n")
    rep_tokens = rep_tokens or {}
    for rep, token in rep_tokens.items():
        with open(os.path.join(directory, f"{rep}.token"), "w") as f:
            f.write(token + "\n")

    managers = managers or {}

    def rep_options(rep):
        manager = f", manager: {managers[rep]}" if rep in managers else ""
        return (f", token_file: {rep}.token" if rep in rep_tokens else "") + manager

    reps = ", ".join(round_robin)
    extra = "".join(f"\n          - {{id: {rep}{rep_options(rep)}}}" for rep in extra_reps)
    pool_lines = ""
    if pools:
        pool_lines = "pools:" + "".join(
            "\n  " + name + ": {" + ", ".join(f"{k}: {v}" for k, v in settings.items()) + "}"
            for name, settings in pools.items()) + "\n"
    text = textwrap.dedent(f"""\
        version: 1
        state_dir: state
        shutdown_grace: 5s
        log:
          level: debug
        redis:
          url: redis://127.0.0.1:{redis_port}/0
          connect_timeout: 1s
          request_timeout: {request_timeout}
          reconnect_max_backoff: 500ms
          key_prefix: t
        http:
          listen: 127.0.0.1:0
          intake_token_file: intake.token
          admin_token_file: admin.token
        """)
    text += reps_and_rules or textwrap.dedent(f"""\
        reps:
          - {{id: alice, name: Alice, email: alice@example.com, teams: [sales]{rep_options("alice")}}}
          - {{id: bob, name: Bob, email: bob@example.com, teams: [sales]{rep_options("bob")}}}{extra}
        rules:
          - name: existing-owner
            assign: owner
          - name: everyone
            assign: {{round_robin: {{reps: [{reps}]}}}}
        """)
    text += pool_lines + extra_yaml
    path = os.path.join(directory, "leadd.yaml")
    with open(path, "w") as f:
        f.write(text)
    return path


class Leadd:
    """A leadd process with its stderr captured to a file; `port` is read from its log."""

    def __init__(self, config, listen=None, env=None, args=None, command=None):
        self.log_path = tempfile.mktemp(prefix="leadd-log-")
        self.log_file = open(self.log_path, "w")
        self.port = None
        if listen is None:
            listen = f"127.0.0.1:{free_port()}"
        self.listen = listen
        full_env = dict(os.environ)
        full_env.update(env or {})
        cmd = command or [LEADD_BIN, "run", "--config", config]
        cmd = cmd + ["--listen", listen] + (args or [])
        self.process = subprocess.Popen(cmd, stdout=self.log_file, stderr=subprocess.STDOUT,
                                        env=full_env)
        self.port = int(listen.rsplit(":", 1)[1])

    def log(self):
        with open(self.log_path) as f:
            return f.read()

    def url(self, path):
        return f"http://127.0.0.1:{self.port}{path}"

    def request(self, method, path, body=None, token=None, headers=None, timeout=10):
        data = body.encode() if isinstance(body, str) else body
        req = urllib.request.Request(self.url(path), data=data, method=method)
        if token:
            req.add_header("Authorization", f"Bearer {token}")
        if body is not None:
            req.add_header("Content-Type", "application/json")
        for key, value in (headers or {}).items():
            req.add_header(key, value)
        try:
            with urllib.request.urlopen(req, timeout=timeout) as resp:
                return resp.status, resp.read().decode()
        except urllib.error.HTTPError as e:
            return e.code, e.read().decode()
        except (urllib.error.URLError, ConnectionError, TimeoutError, socket.timeout):
            return None, ""

    def post_lead(self, lead, token=INTAKE_TOKEN, headers=None):
        status, body = self.request("POST", "/v1/leads", json.dumps(lead), token, headers)
        return status, (json.loads(body) if body.startswith("{") else body)

    def get_lead(self, lead_id):
        status, body = self.request("GET", f"/v1/leads/{lead_id}", token=ADMIN_TOKEN)
        return status, (json.loads(body) if status == 200 else body)

    def ready_status(self):
        return self.request("GET", "/readyz", timeout=5)[0]

    def wait_ready(self, timeout=20):
        wait_until(lambda: self.ready_status() == 200, timeout, what="/readyz to answer 200")

    def wait_assigned(self, lead_id, timeout=15):
        def assigned():
            status, body = self.get_lead(lead_id)
            if status == 200 and body["lead"].get("state") == "assigned":
                return body
            return None
        return wait_until(assigned, timeout, what=f"lead {lead_id} to be assigned")

    def signal(self, sig):
        self.process.send_signal(sig)

    def stop(self, timeout=15):
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(timeout)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        self.log_file.close()
        return self.process.returncode

    def close(self):
        self.stop()
        if os.path.exists(self.log_path):
            os.unlink(self.log_path)


class LeaddTestCase(unittest.TestCase):
    """Each test gets a temp dir and its own redis-server; a leadd the test starts into
    `self.leadd` is stopped afterwards and must exit 0 (a clean drain)."""

    def setUp(self):
        self.dir = tempfile.mkdtemp(prefix="leadd-bb-")
        self.redis = RedisServer()
        self.leadd = None

    def tearDown(self):
        self.redis.thaw()  # a test may leave it frozen; the drain needs it
        code, log = None, ""
        if self.leadd:
            code = self.leadd.stop()
            log = self.leadd.log()
            self.leadd.close()
        self.redis.close()
        shutil.rmtree(self.dir, ignore_errors=True)
        if self.leadd:
            self.assertEqual(code, 0, log[-3000:])


class RespError(Exception):
    """An error reply from Redis (the `-ERR ...` line)."""


class RespConnection:
    """One plain RESP2 connection to Redis, for checks that would otherwise start a redis-cli
    process per command; replies come back as str, int, None or (nested) lists."""

    def __init__(self, port, host="127.0.0.1", timeout=30):
        self.sock = socket.create_connection((host, port), timeout=timeout)
        self.reader = self.sock.makefile("rb")

    def call(self, *args):
        out = [b"*%d\r\n" % len(args)]
        for arg in args:
            data = arg if isinstance(arg, bytes) else str(arg).encode()
            out.append(b"$%d\r\n%s\r\n" % (len(data), data))
        self.sock.sendall(b"".join(out))
        return self._reply()

    def _reply(self):
        line = self.reader.readline()
        if not line.endswith(b"\r\n"):
            raise ConnectionError("redis closed the connection mid-reply")
        kind, rest = line[:1], line[1:-2]
        if kind == b"+":
            return rest.decode()
        if kind == b"-":
            raise RespError(rest.decode())
        if kind == b":":
            return int(rest)
        if kind == b"$":
            size = int(rest)
            return None if size < 0 else self.reader.read(size + 2)[:-2].decode()
        if kind == b"*":
            size = int(rest)
            return None if size < 0 else [self._reply() for _ in range(size)]
        raise ConnectionError(f"unexpected RESP reply {line!r}")

    def close(self):
        self.reader.close()
        self.sock.close()


def leadctl_config(config, leadd):
    """A copy of `config` beside it naming the running daemon's address, for leadctl, which
    reads the address from the config."""
    path = os.path.join(os.path.dirname(config), "ctl.yaml")
    with open(config) as src, open(path, "w") as dst:
        dst.write(src.read().replace("listen: 127.0.0.1:0", f"listen: {leadd.listen}"))
    return path


def run_leadctl(ctl_config, *args):
    return subprocess.run([LEADCTL_BIN, "--config", ctl_config, *args],
                          capture_output=True, text=True, timeout=60)


def notices(log, kind, lead_id):
    """The log notifier's notify.<kind> lines for the lead, each as a dict: `to` and the
    notice's details (a value with spaces comes quoted)."""
    found = []
    for line in re.findall(rf"notify\.{re.escape(kind)} lead={re.escape(lead_id)} (.*)", log):
        found.append(dict(item.split("=", 1) for item in shlex.split(line) if "=" in item))
    return found


def example_reps_and_rules(name):
    """The YAML of examples/<name> from its `reps:` section on (reps, rules and what follows
    them), for write_config(reps_and_rules=...): a test routes with exactly what the example
    ships."""
    with open(os.path.join(SOURCE_DIR, "examples", name)) as example:
        return "reps:\n" + example.read().split("\nreps:\n", 1)[1]
