// The BullMQ peer of leadd's SLA timer benchmark (docs/benchmarks.md, "SLA timers: BullMQ peer").
//
//   node delayed_expiry.mjs --port 6390 --mode burst   # N delayed jobs all due at one instant T
//   node delayed_expiry.mjs --port 6390 --mode armed   # many far-future jobs + a few due soon
//
// Lateness of a job is (Date.now() when its handler starts) - (its due instant), both read
// from the same machine's wall clock. The due instant travels in the job's data because
// BullMQ resets the job's `delay` field to 0 when it promotes the job, so `timestamp + delay`
// no longer names it by the time the handler runs. Two more clocks are reported beside it:
// `processedOn` (stamped by the worker when it moved the job to active) and the 'completed'
// event (after BullMQ has recorded the result), which is what "bounced and re-routed" means
// for the peer.
//
// The database must be empty: used_memory is only meaningful for a Redis holding nothing
// but this run. scripts/bench-peers gives each mode a fresh private redis-server.
import { fork } from 'node:child_process';
import { loadavg } from 'node:os';
import { createRequire } from 'node:module';
import { parseArgs } from 'node:util';
import { Queue, Worker } from 'bullmq';
import IORedis from 'ioredis';

const require = createRequire(import.meta.url);

const { values: opt } = parseArgs({
  options: {
    host: { type: 'string', default: '127.0.0.1' },
    port: { type: 'string' },
    mode: { type: 'string', default: 'burst' },
    jobs: { type: 'string' },
    armed: { type: 'string', default: '1000000' },
    'soon-window-ms': { type: 'string', default: '5000' },
    'far-min-ms': { type: 'string', default: String(3600e3) },
    'far-max-ms': { type: 'string', default: String(7 * 86400e3) },
    'slack-ms': { type: 'string', default: '3000' },
    chunk: { type: 'string', default: '1000' },
    concurrency: { type: 'string', default: '50' },
    workers: { type: 'string', default: '1' },
    'keep-completed': { type: 'boolean', default: false },
    'timeout-ms': { type: 'string', default: '600000' },
    queue: { type: 'string' },
    role: { type: 'string', default: 'driver' },
    help: { type: 'boolean', short: 'h', default: false },
  },
  strict: true,
});

const usage = `usage: delayed_expiry.mjs --port PORT [--host H] [--mode burst|armed]
  --jobs N            burst: jobs due at T (100000); armed: jobs due soon (10000)
  --armed N           armed: far-future jobs armed besides them (1000000)
  --soon-window-ms MS armed: the soon jobs are spread evenly over [T, T+MS] (5000)
  --far-min-ms/--far-max-ms  armed: far jobs are due uniformly in this range from now
  --slack-ms MS       gap between the projected end of adding and T (3000)
  --chunk N           jobs per addBulk call (1000)
  --concurrency N     per Worker (50)
  --workers N         worker processes, one Worker each (1)
  --keep-completed    keep completed jobs in Redis (default: removeOnComplete)
  --timeout-ms MS     give up waiting for completions after this long (600000)`;

if (opt.help) {
  console.log(usage);
  process.exit(0);
}
if (!opt.port) {
  console.error(usage);
  process.exit(2);
}

const int = (name) => {
  const v = Number(opt[name]);
  if (!Number.isSafeInteger(v) || v < 0) throw new Error(`--${name} wants a whole number, got ${opt[name]}`);
  return v;
};
const connection = { host: opt.host, port: int('port'), maxRetriesPerRequest: null };
const queueName = opt.queue ?? `sla-${opt.mode}-${process.pid}`;

if (opt.role === 'worker') {
  await runWorker();
} else {
  await drive();
}

// One Worker per process, so --workers N uses N cores' worth of Node. Lateness samples go
// to the driver in batches; one IPC message per job would cost more than the handler.
async function runWorker() {
  const batch = [];
  const flush = () => {
    if (batch.length) process.send({ samples: batch.splice(0) });
  };
  const timer = setInterval(flush, 100);
  const started = new Map();

  const worker = new Worker(
    queueName,
    async (job) => {
      started.set(job.id, Date.now());
    },
    { connection, concurrency: int('concurrency'), autorun: false },
  );
  worker.on('completed', (job) => {
    const now = Date.now();
    const due = job.data.due;
    batch.push(started.get(job.id) - due, (job.processedOn ?? NaN) - due, now - due, now);
    started.delete(job.id);
    if (batch.length >= 4 * 1000) flush();
  });
  worker.on('error', (err) => console.error(`worker ${process.pid}: ${err.message}`));
  process.on('message', async (msg) => {
    if (msg === 'stop') {
      clearInterval(timer);
      flush();
      await worker.close();
      process.disconnect();
    }
  });
  await worker.waitUntilReady();
  process.send({ ready: true });
  worker.run();
}

async function drive() {
  const mode = opt.mode;
  if (mode !== 'burst' && mode !== 'armed') throw new Error(`--mode is burst or armed, got ${mode}`);
  const soon = opt.jobs !== undefined ? int('jobs') : mode === 'burst' ? 100000 : 10000;
  const far = mode === 'armed' ? int('armed') : 0;
  const chunk = Math.max(1, int('chunk'));
  const slack = int('slack-ms');
  const jobOpts = opt['keep-completed'] ? {} : { removeOnComplete: true };

  const redis = new IORedis(connection);
  const dbsize = await redis.dbsize();
  if (dbsize !== 0) throw new Error(`database ${opt.host}:${opt.port} holds ${dbsize} keys; give the benchmark an empty Redis`);
  const redisVersion = (await redis.info('server')).match(/redis_version:(\S+)/)[1];
  const usedMemory = async () => Number((await redis.info('memory')).match(/used_memory:(\d+)/)[1]);
  const memEmpty = await usedMemory();

  const queue = new Queue(queueName, { connection });
  await queue.waitUntilReady();

  // Workers run before anything is armed, as they would in production: the delayed-job
  // marker has to wake an idle worker, which is part of what is measured.
  const samples = [];
  const workers = await startWorkers(int('workers'), samples);

  // Far-future jobs first, so the soon ones are armed into a delayed set that is already big.
  let farSeconds = 0;
  if (far > 0) {
    const t0 = performance.now();
    const lo = int('far-min-ms');
    const span = Math.max(1, int('far-max-ms') - lo);
    for (let i = 0; i < far; i += chunk) {
      const now = Date.now();
      const n = Math.min(chunk, far - i);
      const jobs = new Array(n);
      for (let k = 0; k < n; k++) {
        const due = now + lo + Math.floor(Math.random() * span);
        jobs[k] = { name: 'sla', data: { due }, opts: { ...jobOpts, timestamp: now, delay: due - now } };
      }
      await queue.addBulk(jobs);
      if ((i / chunk) % 100 === 0) progress(`armed ${i + n} far-future jobs`);
    }
    farSeconds = (performance.now() - t0) / 1000;
    progress(`armed ${far} far-future jobs in ${farSeconds.toFixed(1)} s`);
  }
  const memArmed = far > 0 ? await usedMemory() : null;

  // T has to be known before the first soon job is added, yet lie after the last one is.
  // A throwaway chunk on a side queue is timed and the whole batch projected from it; slack
  // absorbs the error, and `margin_ms` below says how much of it was left.
  const window = mode === 'armed' ? int('soon-window-ms') : 0;
  const perJob = await timeOneChunk(Math.min(chunk, soon), jobOpts);
  const addStart = Date.now();
  const T = addStart + Math.ceil(perJob * soon * 1.5) + slack;
  for (let i = 0; i < soon; i += chunk) {
    const n = Math.min(chunk, soon - i);
    const now = Date.now();
    const jobs = new Array(n);
    for (let k = 0; k < n; k++) {
      const due = T + (soon > 1 ? Math.floor((window * (i + k)) / (soon - 1)) : 0);
      jobs[k] = { name: 'sla', data: { due }, opts: { ...jobOpts, timestamp: now, delay: due - now } };
    }
    await queue.addBulk(jobs);
  }
  const addEnd = Date.now();
  const margin = T - addEnd;
  progress(`armed ${soon} jobs due from T in ${((addEnd - addStart) / 1000).toFixed(1)} s; T is ${margin} ms after the last add`);
  const memAll = await usedMemory();

  const deadline = Date.now() + int('timeout-ms');
  while (samples.length / 4 < soon && Date.now() < deadline) {
    await new Promise((r) => setTimeout(r, 50));
  }
  await stopWorkers(workers);
  const completed = samples.length / 4;
  const memEnd = await usedMemory();
  await queue.close();
  await redis.quit();

  const start = [], active = [], done = [];
  let lastDone = -Infinity;
  for (let i = 0; i < samples.length; i += 4) {
    start.push(samples[i]);
    active.push(samples[i + 1]);
    done.push(samples[i + 2]);
    lastDone = Math.max(lastDone, samples[i + 3]);
  }
  const lastDue = T + window;
  const result = {
    bench: 'bullmq-delayed-expiry',
    mode,
    bullmq: require('bullmq/package.json').version,
    ioredis: require('ioredis/package.json').version,
    node: process.versions.node,
    redis: redisVersion,
    jobs_due: soon,
    jobs_far: far,
    completed,
    concurrency: int('concurrency'),
    workers: int('workers'),
    remove_on_complete: !opt['keep-completed'],
    soon_window_ms: window,
    add_seconds: +((addEnd - addStart) / 1000).toFixed(2),
    far_add_seconds: +farSeconds.toFixed(2),
    margin_ms: margin,
    last_completed_after_T_ms: completed ? lastDone - T : null,
    last_completed_after_last_due_ms: completed ? lastDone - lastDue : null,
    lateness_start_ms: summary(start),
    lateness_processed_on_ms: summary(active),
    lateness_completed_ms: summary(done),
    used_memory_bytes: { empty: memEmpty, far_armed: memArmed, all_armed: memAll, end: memEnd },
    // Anything else running on the machine shows up here; compare runs only at similar load.
    loadavg_1m_at_end: +loadavg()[0].toFixed(2),
  };
  console.log(JSON.stringify(result));
  printReadable(result);
  process.exitCode = completed === soon && margin > 0 ? 0 : 1;
}

// Milliseconds per job of one addBulk call, on a side queue that is thrown away after.
async function timeOneChunk(n, jobOpts) {
  const side = new Queue(`${queueName}-calibration`, { connection });
  const now = Date.now();
  const jobs = Array.from({ length: n }, () => ({
    name: 'sla',
    data: { due: now + 86400e3 },
    opts: { ...jobOpts, timestamp: now, delay: 86400e3 },
  }));
  // The first call also loads BullMQ's Lua scripts into Redis; only the second is timed.
  await side.addBulk(jobs.map((j) => ({ ...j })));
  const t0 = performance.now();
  await side.addBulk(jobs);
  const perJob = (performance.now() - t0) / Math.max(1, n);
  await side.obliterate({ force: true });
  await side.close();
  return perJob;
}

function startWorkers(count, samples) {
  return Promise.all(
    Array.from({ length: Math.max(1, count) }, () => {
      const args = process.argv.slice(2).filter((a, i, all) => a !== '--role' && all[i - 1] !== '--role');
      const child = fork(process.argv[1], [...args, '--role', 'worker', '--queue', queueName], {
        stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
      });
      child.on('message', (msg) => {
        if (msg.samples) for (const v of msg.samples) samples.push(v);
      });
      return new Promise((resolve, reject) => {
        child.once('error', reject);
        child.once('exit', (code) => reject(new Error(`worker exited early (${code})`)));
        child.on('message', (msg) => msg.ready && resolve(child));
      });
    }),
  );
}

function stopWorkers(children) {
  return Promise.all(
    children.map((child) => {
      child.removeAllListeners('exit');
      const gone = new Promise((resolve) => child.once('disconnect', resolve));
      child.send('stop');
      return gone;
    }),
  );
}

function summary(values) {
  if (values.length === 0) return null;
  const v = Float64Array.from(values).sort();
  // Nearest rank, so every reported figure is one some job actually had.
  const at = (p) => v[Math.min(v.length - 1, Math.max(0, Math.ceil((p / 100) * v.length) - 1))];
  return { min: v[0], p50: at(50), p90: at(90), p99: at(99), max: v[v.length - 1] };
}

function progress(line) {
  console.error(`[bullmq ${opt.mode}] ${line}`);
}

function printReadable(r) {
  const mb = (b) => (b == null ? '-' : `${(b / 1048576).toFixed(1)} MiB`);
  const row = (name, s) =>
    s ? `  ${name.padEnd(24)} p50 ${s.p50}  p90 ${s.p90}  p99 ${s.p99}  max ${s.max}  (min ${s.min})` : `  ${name}: none`;
  console.log(
    [
      `BullMQ ${r.bullmq} / ioredis ${r.ioredis} / node ${r.node} / redis ${r.redis}, ` +
        `${r.workers} worker process(es) x concurrency ${r.concurrency}`,
      `  ${r.jobs_due} jobs due ${r.soon_window_ms ? `over ${r.soon_window_ms} ms from T` : 'at T'}` +
        (r.jobs_far ? `, with ${r.jobs_far} more armed far in the future` : ''),
      `  completed ${r.completed}/${r.jobs_due}; last completion ${r.last_completed_after_T_ms} ms after T` +
        (r.soon_window_ms ? ` (${r.last_completed_after_last_due_ms} ms after the last due time)` : ''),
      `  adding took ${r.add_seconds} s` + (r.jobs_far ? ` (+ ${r.far_add_seconds} s for the far-future jobs)` : '') +
        `; T was ${r.margin_ms} ms after the last add`,
      'lateness in ms (handler start / processedOn / completed event - due):',
      row('handler start', r.lateness_start_ms),
      row('processedOn', r.lateness_processed_on_ms),
      row('completed', r.lateness_completed_ms),
      `used_memory: empty ${mb(r.used_memory_bytes.empty)}, far armed ${mb(r.used_memory_bytes.far_armed)}, ` +
        `all armed ${mb(r.used_memory_bytes.all_armed)}, end ${mb(r.used_memory_bytes.end)}`,
      `load average (1 min) at the end: ${r.loadavg_1m_at_end}`,
    ].join('\n'),
  );
}
