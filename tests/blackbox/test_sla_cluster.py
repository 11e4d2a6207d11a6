"""Response SLA shared by three daemons on one real Redis: 10,000 leads that nobody accepts
each bounce exactly `escalate_after_bounces` times, once per deadline, and none is lost, even
though one daemon is SIGKILLed mid-run and never comes back."""

import concurrent.futures
import http.client
import json
import os
import re
import signal
import sys
import threading
import time
import unittest

from harness import (INTAKE_TOKEN, Leadd, LeaddTestCase, RespConnection,
                     write_config)

LEADS = 10_000
REPS = ("alice", "bob", "carol", "dave")
ESCALATE_AFTER = 3
# The bounce count every lead must end with; the rules say it equals ESCALATE_AFTER.
EXPECTED_BOUNCES = ESCALATE_AFTER
PREFIX = "t"  # harness.write_config's redis.key_prefix
INGEST_THREADS = 12
# Claimed entries of a dead consumer wait Pipeline::kClaimIdle (30 s) idle, and a survivor
# scans for them at most once per kClaimIdle, so up to ~60 s pass before they move again.
FINAL_TIMEOUT = 130

# Counts, per lead, where it stands; one call instead of 10,000 round trips.
PROGRESS_LUA = """
local prefix, n = ARGV[1], tonumber(ARGV[2])
local present, bounced_once, final = 0, 0, 0
for i = 1, n do
  local h = redis.call('HMGET', prefix .. ':lead:L-' .. i, 'state', 'bounces', 'escalated')
  if h[1] then present = present + 1 end
  if h[2] then bounced_once = bounced_once + 1 end
  if h[1] == 'pooled' and h[3] == '1' then final = final + 1 end
end
return {present, bounced_once, final}
"""

# Every per-lead expectation, judged where the data is. Returns {kind, count, ...} for every
# kind of violation seen, then up to 20 "kind:lead" examples.
VERIFY_LUA = """
local prefix, n, want = ARGV[1], tonumber(ARGV[2]), tonumber(ARGV[3])
local counts, order, examples = {}, {}, {}
local function bad(kind, id)
  if not counts[kind] then counts[kind] = 0; order[#order + 1] = kind end
  counts[kind] = counts[kind] + 1
  if #examples < 20 then examples[#examples + 1] = kind .. ':' .. id end
end
local expected_events = {'ingested'}
for _ = 1, want do
  expected_events[#expected_events + 1] = 'assigned'
  expected_events[#expected_events + 1] = 'bounced'
end
for i = 1, n do
  local id = 'L-' .. i
  local key = prefix .. ':lead:' .. id
  local h = redis.call('HMGET', key, 'state', 'pool', 'bounces', 'escalated', 'sla_deadline',
                       'assignee', 'requeued', 'assignment_id')
  if not h[1] then
    bad('missing', id)
  else
    if h[1] ~= 'pooled' then bad('state_not_pooled', id) end
    if h[2] ~= 'public' then bad('pool_not_public', id) end
    if tonumber(h[3]) ~= want then bad('bounces_field', id) end
    if h[4] ~= '1' then bad('not_escalated', id) end
    if h[5] then bad('deadline_left_on_lead', id) end
    if h[6] then bad('assignee_left', id) end
    if h[7] then bad('requeued_left', id) end
    if tonumber(h[8]) ~= want then bad('assignment_id_field', id) end
    if redis.call('ZSCORE', prefix .. ':pool:public', id) == false then
      bad('not_in_public_pool', id)
    end
    if redis.call('SCARD', key .. ':excluded') ~= want then bad('excluded_set', id) end
    local assigned, bounced, events = {}, {}, {}
    local reps_seen, rep_repeated, deadline_twice, unmatched, flags = {}, false, false, false, false
    for _, raw in ipairs(redis.call('LRANGE', key .. ':history', 0, -1)) do
      local e = cjson.decode(raw)
      events[#events + 1] = e.event
      if e.event == 'assigned' then
        assigned[#assigned + 1] = e
        if reps_seen[e.rep] then rep_repeated = true end
        reps_seen[e.rep] = true
      elseif e.event == 'bounced' then
        bounced[#bounced + 1] = e
      end
    end
    local bounced_for = {}
    for k, b in ipairs(bounced) do
      if bounced_for[b.assignment] then deadline_twice = true end
      bounced_for[b.assignment] = true
      local a = assigned[k]
      if not a or a.assignment ~= b.assignment or a.rep ~= b.rep then unmatched = true end
      if b.reason ~= 'sla' or b.pool ~= 'public' or b.bounces ~= k then flags = true end
      if k < want and b.requeued ~= 1 then flags = true end
      if k == want and b.escalated ~= 1 then flags = true end
    end
    if #assigned ~= want then bad('assigned_entries', id) end
    if #bounced ~= want then bad('bounced_entries', id) end
    if deadline_twice then bad('bounced_twice_for_one_assignment', id) end
    if unmatched then bad('bounce_not_matching_assignment', id) end
    if rep_repeated then bad('rep_assigned_twice', id) end
    if flags then bad('bounce_entry_fields', id) end
    if table.concat(events, ',') ~= table.concat(expected_events, ',') then
      bad('history_sequence', id)
    end
  end
end
local out = {}
for _, kind in ipairs(order) do
  out[#out + 1] = kind
  out[#out + 1] = counts[kind]
end
return {out, examples}
"""


def log(message):
    print(f"[sla_cluster] {message}", file=sys.stderr, flush=True)


class Intake:
    """Posts leads from a thread pool over keep-alive connections, spreading them over the live
    daemons. A request to a daemon that died is sent again to a live one: the external id
    makes that safe (the answer is then 200 with the same id if the first one committed)."""

    def __init__(self, daemons):
        self.daemons = daemons
        self.dead = set()
        self.lock = threading.Lock()
        self.retries = 0
        self.local = threading.local()
        self.opened = []  # every thread's connections, closed by close()

    def connection(self, index):
        pool = self.local.__dict__.setdefault("connections", {})
        if index not in pool:
            pool[index] = http.client.HTTPConnection("127.0.0.1", self.daemons[index].port,
                                                     timeout=15)
            with self.lock:
                self.opened.append(pool[index])
        return pool[index]

    def drop(self, index):
        conn = self.local.__dict__.get("connections", {}).pop(index, None)
        if conn:
            conn.close()

    def post(self, n):
        body = json.dumps({"source": "web", "external_id": f"cluster-{n}",
                           "phone": "555-0100"})
        headers = {"Authorization": f"Bearer {INTAKE_TOKEN}",
                   "Content-Type": "application/json"}
        deadline = time.monotonic() + 60
        attempt = 0
        while time.monotonic() < deadline:
            live = [i for i in range(len(self.daemons)) if i not in self.dead]
            index = live[(n + attempt) % len(live)]
            attempt += 1
            try:
                conn = self.connection(index)
                conn.request("POST", "/v1/leads", body, headers)
                resp = conn.getresponse()
                data = resp.read()
            except (OSError, http.client.HTTPException):
                self.drop(index)
                with self.lock:
                    self.retries += 1
                continue
            if resp.status in (200, 202):
                return n, resp.status, json.loads(data)["id"], attempt
            if resp.status == 503:
                with self.lock:
                    self.retries += 1
                time.sleep(0.05)
                continue
            raise AssertionError(f"lead {n}: HTTP {resp.status} {data[:200]!r}")
        raise AssertionError(f"lead {n}: no daemon took it within 60 s")

    def close(self):
        for conn in self.opened:
            conn.close()


class SlaClusterTest(LeaddTestCase):
    def setUp(self):
        super().setUp()
        self.daemons = []
        self.killed = None
        for name in ("a", "b", "c"):
            directory = os.path.join(self.dir, name)
            os.mkdir(directory)
            config = write_config(directory, self.redis.port, round_robin=REPS,
                                  extra_reps=REPS[2:])
            with open(config) as f:
                text = f.read()
            # Debug lines per request would make the logs, not leadd, the bottleneck.
            text = text.replace("level: debug", "level: info")
            text += (f"instance_name: cluster-{name}\n"
                     f"sla: {{accept_within: 1s, escalate_after_bounces: {ESCALATE_AFTER}}}\n")
            with open(config, "w") as f:
                f.write(text)
            self.daemons.append(Leadd(config))
        for daemon in self.daemons:
            daemon.wait_ready()
        self.resp = RespConnection(self.redis.port)

    def tearDown(self):
        self.resp.close()
        codes = []
        for i, daemon in enumerate(self.daemons):
            if i == self.killed:
                daemon.close()
                continue
            codes.append((daemon.stop(), daemon.log()[-3000:]))
            daemon.close()
        super().tearDown()
        for code, tail in codes:
            self.assertEqual(code, 0, tail)

    def progress(self):
        return self.resp.call("EVAL", PROGRESS_LUA, 0, PREFIX, LEADS)

    def test_every_lead_bounces_exactly_as_configured_despite_a_killed_daemon(self):
        intake = Intake(self.daemons)
        started = time.monotonic()
        results = []
        kill_at = None
        pending_at_kill = None
        with concurrent.futures.ThreadPoolExecutor(INGEST_THREADS) as pool:
            futures = [pool.submit(intake.post, n) for n in range(1, LEADS + 1)]
            ingest_done = None
            deadline = started + 60 + FINAL_TIMEOUT  # within the ctest TIMEOUT
            last_final, last_change = -1, started
            # Kill once a third has bounced at least once, while later bounces are still due;
            # ingest may still be running then, and carries on with the survivors.
            while time.monotonic() < deadline:
                if ingest_done is None and all(f.done() for f in futures):
                    ingest_done = time.monotonic()
                present, bounced_once, final = self.progress()
                if self.killed is None and bounced_once >= LEADS // 3:
                    self.killed = 1
                    pending_at_kill = self.crash(self.daemons[self.killed], "cluster-b")
                    intake.dead.add(self.killed)
                    kill_at = time.monotonic()
                    log(f"SIGKILL daemon b at {kill_at - started:.1f}s: present={present} "
                        f"bounced_once={bounced_once} final={final} "
                        f"its pending intake entries={pending_at_kill}")
                now = time.monotonic()
                if final != last_final:
                    # Shows the wait for the dead daemon's entries to be claimed.
                    if now - last_change > 5:
                        log(f"no lead reached its final state from {last_change - started:.1f}s "
                            f"to {now - started:.1f}s (final={last_final})")
                    last_final, last_change = final, now
                if ingest_done is not None and final == LEADS:
                    break
                time.sleep(0.25)
            results = [f.result() for f in futures]
        finished = time.monotonic()
        intake.close()
        if ingest_done is None:
            ingest_done = finished

        log(f"ingest of {LEADS} leads over HTTP ({INGEST_THREADS} threads, 3 daemons): "
            f"{ingest_done - started:.1f}s, {LEADS / (ingest_done - started):.0f} leads/s, "
            f"{intake.retries} retried requests")
        log(f"all leads in their final state {finished - started:.1f}s after the first POST"
            + (f", {finished - kill_at:.1f}s after the kill" if kill_at else ""))
        self.log_daemon_counts()

        self.assertIsNotNone(self.killed, "no daemon was killed: a third never bounced")
        self.assertLess(kill_at, finished)
        present, bounced_once, final = self.progress()
        self.assertEqual((present, bounced_once, final), (LEADS, LEADS, LEADS),
                         f"not every lead reached its final state within {FINAL_TIMEOUT}s")

        # Intake: one lead per external id, ids L-1..L-N, a 200 only for a repeated request.
        ids = sorted(int(lead_id[2:]) for _, _, lead_id, _ in results)
        self.assertEqual(ids, list(range(1, LEADS + 1)))
        repeats = [r for r in results if r[1] == 200]
        self.assertTrue(all(r[3] > 1 for r in repeats), repeats[:5])
        self.assertEqual(self.resp.call("GET", f"{PREFIX}:lead:seq"), str(LEADS))
        self.assertEqual(self.resp.call("HLEN", f"{PREFIX}:source"), LEADS)

        violations, examples = self.resp.call("EVAL", VERIFY_LUA, 0, PREFIX, LEADS,
                                              EXPECTED_BOUNCES)
        found = dict(zip(violations[::2], violations[1::2]))
        self.assertEqual(found, {}, f"violations per kind {found}, e.g. {examples}")

        # Nothing left waiting on a deadline, in a rep's hands, or in the intake stream.
        self.assertEqual(self.resp.call("ZCARD", f"{PREFIX}:timers"), 0)
        self.assertEqual(self.resp.call("ZCARD", f"{PREFIX}:pool:public"), LEADS)
        for rep in REPS:
            self.assertEqual(self.resp.call("SCARD", f"{PREFIX}:rep:{rep}:open"), 0, rep)
        pending = self.resp.call("XPENDING", f"{PREFIX}:intake", "pipeline")
        self.assertEqual(pending[0], 0, f"intake entries still pending: {pending}")
        self.assertEqual(self.resp.call("XLEN", f"{PREFIX}:intake"), 0)
        # ingested + (assigned + bounced) per round: the audit stream saw each transition once.
        self.assertEqual(self.resp.call("XLEN", f"{PREFIX}:audit"),
                         LEADS * (1 + 2 * EXPECTED_BOUNCES))

        # Escalated leads stay put: another few sweeps change nothing.
        time.sleep(2.5)
        self.assertEqual(self.resp.call("XLEN", f"{PREFIX}:audit"),
                         LEADS * (1 + 2 * EXPECTED_BOUNCES))

    def crash(self, daemon, consumer):
        """SIGKILLs `daemon` at a moment it holds unfinished intake entries if one comes within
        3 s, so that the survivors' claim of a dead consumer's entries is exercised; SIGSTOP
        first makes the pending count it reports exact. Returns that count."""
        give_up = time.monotonic() + 3
        while True:
            daemon.signal(signal.SIGSTOP)
            pending = self.pending_of(consumer)
            if pending > 0 or time.monotonic() > give_up:
                break
            daemon.signal(signal.SIGCONT)
            time.sleep(0.01)
        daemon.signal(signal.SIGKILL)
        daemon.process.wait()
        return pending

    def pending_of(self, consumer):
        for name, count in self.resp.call("XPENDING", f"{PREFIX}:intake", "pipeline")[3] or []:
            if name == consumer:
                return int(count)
        return 0

    def log_daemon_counts(self):
        for name, daemon in zip("abc", self.daemons):
            text = daemon.log()
            bounced = sum(int(m) for m in re.findall(r"sla\.breach bounced=(\d+)", text))
            routed = text.count("lead.routed ")
            problems = [line for line in text.splitlines()
                        if re.search(r" (?:warning|error|critical) ", line)]
            state = "killed" if "abc".index(name) == self.killed else "alive"
            log(f"daemon {name} ({state}): bounced={bounced} routed={routed} "
                f"warning/error lines={len(problems)}")
            for line in problems[:3]:
                log(f"  {line}")


if __name__ == "__main__":
    unittest.main()
