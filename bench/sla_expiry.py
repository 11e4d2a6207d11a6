#!/usr/bin/env python3
"""leadd's side of the SLA timer benchmark (docs/benchmarks.md, "SLA timers").

  sla_expiry.py --port 6390 --leadd build/daemon/leadd --mode burst [--daemons 3]
  sla_expiry.py --port 6390 --leadd build/daemon/leadd --mode armed

The Redis must be empty. Leads are written with the same Functions calls the daemon makes
(leadd_ingest, then leadd_assign as the pipeline would, with one SLA plan for every lead), so
when the real daemon starts it finds exactly what it would have left behind itself. The timers
are then fired by the daemon's TimerPoller and the bounced leads re-routed by its pipeline;
this script only watches.

All times are wall-clock milliseconds of this machine: the Functions stamp history entries
with Redis TIME, and Redis runs on the same host. Lateness of a bounce is the `bounced`
history entry's `at` minus its `due`; of a re-route, the second `assigned` entry's `at` minus
the same `due`.
"""

import argparse
import json
import math
import os
import platform
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import textwrap
import time
import urllib.request

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from resp import Resp, RespError  # noqa: E402

GROUP = "pipeline"
# Every leadd Function takes the clock it judges time by as its first argument; empty: Redis TIME.
REDIS_TIME = ""
SEEDER = "bench-seeder"
FIRST_REP, SECOND_REP = "alice", "bob"
HOUR_MS = 3600 * 1000


def parse_args():
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--host", default="127.0.0.1")
    p.add_argument("--port", type=int, required=True)
    p.add_argument("--leadd", required=True, help="the leadd binary")
    p.add_argument("--mode", choices=("burst", "armed"), default="burst")
    p.add_argument("--leads", type=int,
                   help="leads whose SLA expires: burst 100000 at T, armed 10000 over the window")
    p.add_argument("--armed", type=int, default=1_000_000,
                   help="armed: far-future timers armed besides them")
    p.add_argument("--far-as", choices=("members", "leads"), default="members",
                   help="armed: far timers as bare sorted-set members of leads that do not "
                        "exist (cheap), or as fully ingested and assigned leads")
    p.add_argument("--far-min-ms", type=int, default=HOUR_MS)
    p.add_argument("--far-max-ms", type=int, default=7 * 24 * HOUR_MS)
    p.add_argument("--soon-window-ms", type=int, default=5000)
    p.add_argument("--slack-ms", type=int, default=5000,
                   help="gap between the projected end of arming and T; leadd starts in it")
    p.add_argument("--daemons", type=int, default=1)
    p.add_argument("--prefix", default="bench")
    p.add_argument("--chunk", type=int, default=1000, help="commands per pipelined write")
    p.add_argument("--log-level", default="info", help="leadd's log level (info, as deployed)")
    p.add_argument("--timeout-s", type=float, default=600)
    p.add_argument("--workdir", help="daemon configs and logs (default: a temp dir, removed)")
    p.add_argument("--keep-logs", action="store_true")
    return p.parse_args()


def progress(opt, line):
    print(f"[leadd {opt.mode}] {line}", file=sys.stderr, flush=True)


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def now_ms():
    return int(time.time() * 1000)


def redis_ms(r):
    sec, usec = r.call("TIME")
    return int(sec) * 1000 + int(usec) // 1000


def info(r, section):
    out = {}
    for line in r.call("INFO", section).splitlines():
        if ":" in line and not line.startswith("#"):
            key, value = line.split(":", 1)
            out[key] = value
    return out


def used_memory(r):
    return int(info(r, "memory")["used_memory"])


def redis_cpu(r):
    cpu = info(r, "cpu")
    return float(cpu["used_cpu_sys"]) + float(cpu["used_cpu_user"])


def command_stats(r):
    stats = {}
    for key, value in info(r, "commandstats").items():
        fields = dict(kv.split("=") for kv in value.split(","))
        stats[key.removeprefix("cmdstat_")] = (int(fields["calls"]), int(fields["usec"]))
    return stats


def summary(values):
    if not values:
        return None
    v = sorted(values)
    # Nearest rank, so every reported figure is one some lead actually had.
    def at(p):
        return v[min(len(v) - 1, max(0, math.ceil(p / 100 * len(v)) - 1))]
    return {"min": v[0], "p50": at(50), "p90": at(90), "p99": at(99), "max": v[-1]}


def check(replies, what):
    for reply in replies:
        if isinstance(reply, RespError):
            raise SystemExit(f"{what}: {reply}")
    return replies


class Store:
    """The Functions calls leadd makes, with the key names of queue/redis_keys.h."""

    def __init__(self, r, prefix, chunk):
        self.r, self.p, self.chunk = r, prefix, chunk

    def key(self, *parts):
        return ":".join((self.p,) + parts)

    def create_group(self, stream, group, start):
        try:
            self.r.call("XGROUP", "CREATE", self.key(stream), group, start, "MKSTREAM")
        except RespError as e:
            if not str(e).startswith("BUSYGROUP"):
                raise
            self.r.call("XGROUP", "SETID", self.key(stream), group, start)

    def ingest(self, first, count, tag):
        received = now_ms()

        def commands():
            for i in range(first, first + count):
                yield ("FCALL", "leadd_ingest", "3", self.key("source"), self.key("lead", "seq"),
                       self.key("intake"), REDIS_TIME, self.p, f"bench:ext:{tag}-{i}",
                       "source", "bench", "external_id", f"{tag}-{i}",
                       "email", f"{tag}-{i}@example.com", "contact_name", f"Lead {tag}-{i}",
                       "received_at", received)
        replies = check(self.r.pipeline(commands(), self.chunk), "leadd_ingest")
        return [reply[0] for reply in replies]

    def take_intake(self):
        """Reads the intake entries into the pipeline's group, as a daemon's consumer would, so
        that leadd_assign acknowledges entries that were really delivered."""
        entries = {}
        while True:
            reply = self.r.call("XREADGROUP", "GROUP", GROUP, SEEDER, "COUNT", 10000,
                                "STREAMS", self.key("intake"), ">")
            if not reply:
                return entries
            for entry_id, fields in reply[0][1]:
                entries[fields[fields.index("lead") + 1]] = entry_id

    def assign(self, ids, entries, due_of):
        def commands():
            for n, lead in enumerate(ids):
                yield ("FCALL", "leadd_assign", "2", self.key("intake"),
                       self.key("cursor", "unused"), REDIS_TIME, self.p, GROUP, entries[lead], lead,
                       "everyone", "round_robin", "0", "{}", "", "2", "",
                       FIRST_REP, f"sla_bounce={due_of(n)}")
        for reply in check(self.r.pipeline(commands(), self.chunk), "leadd_assign"):
            if reply != [FIRST_REP, 1]:
                raise SystemExit(f"leadd_assign answered {reply}")

    def arm_bare(self, count, lo, hi, seed_ms):
        """Far-future SLA bounces for leads that do not exist: the sorted set holds what it
        would for real leads, while the leads' hashes and histories are left out."""
        span = max(1, hi - lo)
        per = 1000

        def commands():
            for start in range(0, count, per):
                args = ["ZADD", self.key("timers")]
                for i in range(start, min(count, start + per)):
                    # A fixed stride instead of random(): spread the same, and repeatable.
                    args += [seed_ms + lo + (i * 7919) % span, f"sla_bounce|F-{i}|1"]
                yield args
        check(self.r.pipeline(commands(), 50), "ZADD")

    def histories(self, ids):
        return self.r.pipeline((("LRANGE", self.key("lead", lead, "history"), 0, -1)
                                for lead in ids), self.chunk)

    def final_states(self, ids):
        return self.r.pipeline((("HMGET", self.key("lead", lead), "state", "assignment_id",
                                 "assignee") for lead in ids), self.chunk)


class Daemons:
    """`count` leadd processes on the benchmark's Redis, each with its own directory."""

    def __init__(self, opt, workdir, count, name="daemon"):
        self.opt, self.workdir, self.count, self.name = opt, workdir, count, name
        self.procs, self.ports, self.logs = [], [], []
        self.started_ms = self.ready_ms = None

    def write_config(self, directory):
        for name in ("intake", "admin"):
            with open(os.path.join(directory, f"{name}.token"), "w") as f:
                f.write(f"bench-{name}-token-0123456789abcdef\n")
        text = textwrap.dedent(f"""\
            version: 1
            state_dir: state
            shutdown_grace: 5s
            log:
              level: {self.opt.log_level}
            redis:
              url: redis://{self.opt.host}:{self.opt.port}/0
              key_prefix: {self.opt.prefix}
            http:
              listen: 127.0.0.1:0
              intake_token_file: intake.token
              admin_token_file: admin.token
            reps:
              - {{id: {FIRST_REP}, name: Alice, email: alice@example.com, teams: [sales]}}
              - {{id: {SECOND_REP}, name: Bob, email: bob@example.com, teams: [sales]}}
            rules:
              - name: existing-owner
                assign: owner
              - name: everyone
                assign: {{round_robin: {{reps: [{FIRST_REP}, {SECOND_REP}]}}}}
            # Long enough that a re-routed lead does not bounce again during the run.
            sla: {{accept_within: 1h}}
            """)
        path = os.path.join(directory, "leadd.yaml")
        with open(path, "w") as f:
            f.write(text)
        return path

    def start(self):
        self.started_ms = now_ms()
        for k in range(self.count):
            directory = os.path.join(self.workdir, f"{self.name}-{k}")
            os.makedirs(directory, exist_ok=True)
            config = self.write_config(directory)
            port = free_port()
            log = open(os.path.join(directory, "leadd.log"), "w")
            self.logs.append(log)
            self.ports.append(port)
            self.procs.append(subprocess.Popen(
                [self.opt.leadd, "run", "--config", config, "--listen", f"127.0.0.1:{port}"],
                stdout=log, stderr=subprocess.STDOUT))

    def wait_ready(self, timeout=30):
        deadline = time.monotonic() + timeout
        waiting = set(self.ports)
        while waiting and time.monotonic() < deadline:
            for port in list(waiting):
                try:
                    with urllib.request.urlopen(f"http://127.0.0.1:{port}/readyz", timeout=1) as r:
                        if r.status == 200:
                            waiting.discard(port)
                except OSError:
                    pass
            for proc in self.procs:
                if proc.poll() is not None:
                    raise SystemExit(f"leadd exited early ({proc.returncode}); see its log")
            if waiting:
                time.sleep(0.02)
        if waiting:
            raise SystemExit("leadd did not become ready")
        self.ready_ms = now_ms()

    def cpu_seconds(self):
        tick = os.sysconf("SC_CLK_TCK")
        total = 0
        for proc in self.procs:
            try:
                with open(f"/proc/{proc.pid}/stat") as f:
                    fields = f.read().rsplit(")", 1)[1].split()
                total += int(fields[11]) + int(fields[12])
            except OSError:
                pass
        return round(total / tick, 2)

    def stop(self):
        for proc in self.procs:
            if proc.poll() is None:
                proc.send_signal(signal.SIGTERM)
        codes = []
        for proc in self.procs:
            try:
                codes.append(proc.wait(30))
            except subprocess.TimeoutExpired:
                proc.kill()
                codes.append(proc.wait())
        for log in self.logs:
            log.close()
        return codes

    def log_counts(self):
        counts = {"warn": 0, "error": 0}
        for k in range(len(self.procs)):
            with open(os.path.join(self.workdir, f"{self.name}-{k}", "leadd.log"),
                      errors="replace") as f:
                for line in f:
                    if re.search(r"\b(warn|warning)\b", line):
                        counts["warn"] += 1
                    elif re.search(r"\b(error|critical)\b", line):
                        counts["error"] += 1
        return counts


def leadd_version(binary):
    try:
        out = subprocess.run([binary, "--version"], capture_output=True, text=True, timeout=10)
        return (out.stdout or out.stderr).strip().split()[-1]
    except (OSError, subprocess.SubprocessError, IndexError):
        return None


def run(opt, r, workdir):
    store = Store(r, opt.prefix, opt.chunk)
    if r.call("DBSIZE") != 0:
        raise SystemExit("the database is not empty; give the benchmark an empty Redis")
    redis_version = info(r, "server")["redis_version"]
    soon = opt.leads if opt.leads is not None else (100_000 if opt.mode == "burst" else 10_000)
    far = opt.armed if opt.mode == "armed" else 0
    window = opt.soon_window_ms if opt.mode == "armed" else 0
    mem = {"empty": used_memory(r), "far_armed": None}

    # The Functions library is the one compiled into the binary: a daemon started and stopped
    # once loads it (and creates its consumer groups), so the seeding below calls exactly the
    # code the measured daemons run.
    primer = Daemons(opt, workdir, 1, "primer")
    primer.start()
    try:
        primer.wait_ready()
    finally:
        if any(primer.stop()):
            raise SystemExit("the priming leadd did not exit cleanly; see its log")
    store.create_group("intake", GROUP, "0")

    far_seconds = 0.0
    if far:
        t0 = time.monotonic()
        base = redis_ms(r)
        if opt.far_as == "members":
            store.arm_bare(far, opt.far_min_ms, opt.far_max_ms, base)
        else:
            ids = store.ingest(0, far, "far")
            entries = store.take_intake()
            span = max(1, opt.far_max_ms - opt.far_min_ms)
            store.assign(ids, entries,
                         lambda n: base + opt.far_min_ms + (n * 7919) % span)
        far_seconds = time.monotonic() - t0
        mem["far_armed"] = used_memory(r)
        progress(opt, f"armed {far} far-future timers ({opt.far_as}) in {far_seconds:.1f} s")

    # T has to be fixed before the first plan is written yet lie after the last, with room for
    # the daemons to start. Assigning is projected from ingesting: it costs about twice as
    # much (more keys, the history and the outbox both grow), and 1.5 x that absorbs noise;
    # `margin_ms` says what was left.
    t0, c0 = time.monotonic(), redis_cpu(r)
    ids = store.ingest(0, soon, "due")
    entries = store.take_intake()
    ingest_s, ingest_cpu = time.monotonic() - t0, redis_cpu(r) - c0
    T = redis_ms(r) + math.ceil(1.5 * 2 * ingest_s * 1000) + opt.slack_ms
    t1, c1 = time.monotonic(), redis_cpu(r)
    store.assign(ids, entries,
                 lambda n: T + (window * n // (soon - 1) if soon > 1 and window else 0))
    assign_s, assign_cpu = time.monotonic() - t1, redis_cpu(r) - c1
    armed_end = redis_ms(r)
    margin = T - armed_end
    progress(opt, f"ingested {soon} leads in {ingest_s:.1f} s, assigned in {assign_s:.1f} s; "
                  f"T is {margin} ms after the last assignment")
    # The seeding's `assigned` notices count as delivered long ago: the daemons' dispatchers
    # start after them, as they would have in production.
    store.create_group("notify", "notify", "$")
    mem["all_armed"] = used_memory(r)
    timers_bytes = r.call("MEMORY", "USAGE", store.key("timers"), "SAMPLES", "0")

    r.call("CONFIG", "RESETSTAT")
    cpu0 = redis_cpu(r)
    daemons = Daemons(opt, workdir, opt.daemons)
    daemons.start()
    try:
        daemons.wait_ready()
        progress(opt, f"{opt.daemons} leadd ready {T - daemons.ready_ms} ms before T")

        # Cheap O(1) reads, so watching does not compete with the daemons for Redis.
        first_open = store.key("rep", FIRST_REP, "open")
        second_open = store.key("rep", SECOND_REP, "open")
        first_target = far if (far and opt.far_as == "leads") else 0
        polled_bounced = polled_rerouted = None
        deadline = time.monotonic() + opt.timeout_s + max(0, T - now_ms()) / 1000
        while time.monotonic() < deadline:
            a, b = r.pipeline([("SCARD", first_open), ("SCARD", second_open)])
            t = now_ms()
            if polled_bounced is None and a == first_target and t >= T:
                polled_bounced = t
            if b == soon:
                polled_rerouted = t
                break
            time.sleep(0.01)
        cpu_redis = round(redis_cpu(r) - cpu0, 2)
        cpu_leadd = daemons.cpu_seconds()
        stats = command_stats(r)
    finally:
        codes = daemons.stop()
    mem["end"] = used_memory(r)

    bounce_late, reroute_late, bounce_at, reroute_at = [], [], [], []
    for history in store.histories(ids):
        events = [json.loads(e) for e in history]
        bounced = next((e for e in events if e["event"] == "bounced"), None)
        if not bounced:
            continue
        bounce_at.append(bounced["at"])
        bounce_late.append(bounced["at"] - bounced["due"])
        again = [e for e in events if e["event"] == "assigned" and e.get("assignment") == 2]
        if again:
            reroute_at.append(again[0]["at"])
            reroute_late.append(again[0]["at"] - bounced["due"])
    done = sum(1 for state, assignment, rep in store.final_states(ids)
               if state == "assigned" and assignment == "2" and rep == SECOND_REP)

    last_due = T + window
    sweeps = None if window else sweep_profile(bounce_at)
    fcall = stats.get("fcall", (0, 0))
    result = {
        "bench": "leadd-sla-expiry",
        "mode": opt.mode,
        "leadd": leadd_version(opt.leadd),
        "redis": redis_version,
        "python": platform.python_version(),
        "leads_due": soon,
        "timers_far": far,
        "far_as": opt.far_as if far else None,
        "daemons": opt.daemons,
        "soon_window_ms": window,
        "ingest_seconds": round(ingest_s, 2),
        "assign_seconds": round(assign_s, 2),
        "far_arm_seconds": round(far_seconds, 2),
        # What one call costs Redis itself, without round trips: the seeding is pipelined.
        "seed_redis_cpu_us_per_lead": {"ingest": round(ingest_cpu * 1e6 / soon),
                                       "assign": round(assign_cpu * 1e6 / soon)},
        "margin_ms": margin,
        "leadd_started_before_T_ms": T - daemons.started_ms,
        "leadd_ready_before_T_ms": T - daemons.ready_ms,
        "bounced": len(bounce_at),
        "rerouted": done,
        "first_bounce_after_T_ms": min(bounce_at) - T if bounce_at else None,
        "all_bounced_after_T_ms": max(bounce_at) - T if bounce_at else None,
        "all_rerouted_after_T_ms": max(reroute_at) - T if reroute_at else None,
        "all_rerouted_after_last_due_ms": max(reroute_at) - last_due if reroute_at else None,
        "polled_all_bounced_after_T_ms": polled_bounced - T if polled_bounced else None,
        "polled_all_rerouted_after_T_ms": polled_rerouted - T if polled_rerouted else None,
        "lateness_bounced_ms": summary(bounce_late),
        "lateness_rerouted_ms": summary(reroute_late),
        "bounce_sweeps": sweeps,
        "used_memory_bytes": mem,
        "timers_set_bytes": timers_bytes,
        # From leadd's start until the last re-route: which side was busy.
        "cpu_seconds": {"redis": cpu_redis, "leadd": cpu_leadd},
        # Every command, busiest first; calls made inside Functions count under their own
        # names as well as inside fcall's time.
        "redis_calls": {name: {"calls": calls, "usec": usec}
                        for name, (calls, usec) in sorted(stats.items(), key=lambda s: -s[1][1])},
        "fire_due_calls": fcall[0] - len(reroute_at),
        "leadd_exit_codes": codes,
        "leadd_log": daemons.log_counts(),
        "loadavg_1m_at_end": round(os.getloadavg()[0], 2),
        "nice": os.nice(0),
    }
    return result, done == soon and margin > 0


def sweep_profile(bounce_at):
    """How the bounces spread over sweeps. A sweep is one atomic leadd_fire_due call (up to
    1,000 timers), and every entry one call records carries the same Redis TIME, read once at
    the call's start: so the bounces sharing an `at` are one sweep, and the gap from one
    sweep's start to the next is its time inside Redis plus the poller's round trip and
    whatever else Redis served in between."""
    starts = sorted(set(bounce_at))
    if len(starts) < 2:
        return None
    sizes = [0] * len(starts)
    index = {at: i for i, at in enumerate(starts)}
    for at in bounce_at:
        sizes[index[at]] += 1
    gaps = [b - a for a, b in zip(starts, starts[1:])]
    return {"sweeps": len(starts), "first_to_last_start_ms": starts[-1] - starts[0],
            "bounces_per_sweep": summary(sizes), "start_to_start_ms": summary(gaps)}


def print_readable(r):
    def row(name, s):
        if not s:
            return f"  {name}: none"
        return (f"  {name:<12} p50 {s['p50']}  p90 {s['p90']}  p99 {s['p99']}  max {s['max']}"
                f"  (min {s['min']})")

    def mib(b):
        return "-" if b is None else f"{b / 1048576:.1f} MiB"
    m = r["used_memory_bytes"]
    lines = [
        f"leadd {r['leadd']} x {r['daemons']} process(es) / redis {r['redis']} / python {r['python']}",
        f"  {r['leads_due']} leads due " +
        (f"over {r['soon_window_ms']} ms from T" if r["soon_window_ms"] else "at T") +
        (f", with {r['timers_far']} more timers armed far in the future ({r['far_as']})"
         if r["timers_far"] else ""),
        f"  bounced {r['bounced']}, re-routed {r['rerouted']}/{r['leads_due']}; "
        f"last bounce {r['all_bounced_after_T_ms']} ms after T, last re-route "
        f"{r['all_rerouted_after_T_ms']} ms after T",
        f"  arming took {r['ingest_seconds']} s ingest + {r['assign_seconds']} s assign" +
        (f" (+ {r['far_arm_seconds']} s far)" if r["timers_far"] else "") +
        f"; T was {r['margin_ms']} ms after the last assignment; leadd ready "
        f"{r['leadd_ready_before_T_ms']} ms before T",
        "lateness in ms (history `at` - due):",
        row("bounced", r["lateness_bounced_ms"]),
        row("re-routed", r["lateness_rerouted_ms"]),
        f"used_memory: empty {mib(m['empty'])}, far armed {mib(m['far_armed'])}, "
        f"all armed {mib(m['all_armed'])}, end {mib(m['end'])}; timers set "
        f"{mib(r['timers_set_bytes'])}",
        (f"bounce sweeps: {r['bounce_sweeps']['sweeps']}, one every "
         f"{r['bounce_sweeps']['start_to_start_ms']['p50']} ms (p50), "
         f"{r['bounce_sweeps']['first_to_last_start_ms']} ms from the first to the last\n"
         if r["bounce_sweeps"] else "") +
        f"cpu during the run: redis {r['cpu_seconds']['redis']} s, leadd "
        f"{r['cpu_seconds']['leadd']} s; {r['fire_due_calls']} leadd_fire_due calls",
        f"load average (1 min) at the end: {r['loadavg_1m_at_end']}",
    ]
    print("\n".join(lines))


def main():
    opt = parse_args()
    workdir = opt.workdir or tempfile.mkdtemp(prefix="leadd-bench-")
    r = Resp(opt.port, opt.host)
    try:
        result, ok = run(opt, r, workdir)
    finally:
        r.close()
        if not opt.workdir and not opt.keep_logs:
            shutil.rmtree(workdir, ignore_errors=True)
    print(json.dumps(result, separators=(",", ":")), flush=True)
    print_readable(result)
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
