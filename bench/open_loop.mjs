// Open-loop HTTP load for bench/open_loop.py: requests arrive at a fixed rate whatever the
// server does, as users' requests do, instead of each connection waiting for its answer
// before it sends again (closed loop: autocannon, even with -R, slows down with the server
// and so hides the queueing it causes: "coordinated omission").
//
// Each request has a due time (bench/schedule.mjs); a 1 ms timer sends what has come due,
// on a keep-alive pool of up to MAX_CONNECTIONS sockets (past that, requests wait for a
// free one, oldest first). Latency is measured from the DUE time, so time spent late (a busy generator, no
// free socket) counts against the server, not hidden. Reported honestly:
// - late: requests sent more than LATE_MS after their due time (the generator fell behind);
// - dropped: requests never sent because MAX_IN_FLIGHT were already outstanding;
// - unfinished: still outstanding TIMEOUT_MS after the last was due; errors, non2xx;
// - peak_connections: how many sockets the load needed at once (opened only when none is free).
// Prints one JSON line.
//
// usage: node bench/open_loop.mjs URL BODIES.json RATE SECONDS [MAX_CONNECTIONS] [TIMEOUT_MS]
//          [--arrivals even|poisson] [--seed N] [--delay S] [--per-second]
// --arrivals: evenly spaced (the default; wrk2's shape) or Poisson (independent users: bursts
//   as chance makes them), seeded; --delay: wait S seconds before the first request (node's
//   own start-up is then out of the window); --per-second: add each second's p50/p99/max.
import { connect } from 'node:net';
import { readFileSync } from 'node:fs';
import { performance } from 'node:perf_hooks';
import { parseArgs } from 'node:util';
import { arrivals, dueUntil, perSecond, percentile, poissonArrivals } from './schedule.mjs';

const { values: options, positionals } = parseArgs({
  allowPositionals: true,
  options: {
    arrivals: { type: 'string', default: 'even' },
    seed: { type: 'string', default: '1' },
    delay: { type: 'string', default: '0' },
    'per-second': { type: 'boolean', default: false },
  },
});
const [url, bodiesFile, rateText, secondsText, connectionsText = '512', timeoutText = '10000'] = positionals;
if (!['even', 'poisson'].includes(options.arrivals)) throw new RangeError(`--arrivals: even or poisson, not ${options.arrivals}`);
const LATE_MS = 5;
const MAX_IN_FLIGHT = 20_000;
const rate = Number(rateText);
const seconds = Number(secondsText);
const maxConnections = Number(connectionsText);
const timeoutMs = Number(timeoutText);
const target = new URL(url);
// Whole requests, serialised once: the generator shares the cores with the server, so it
// does as little per request as it can (a write, and a scan of the answer's head).
const requests = JSON.parse(readFileSync(bodiesFile, 'utf8')).map((body) => Buffer.concat([
  Buffer.from(`POST ${target.pathname} HTTP/1.1\r\nhost: ${target.host}\r\ncontent-type: application/json\r\n`
    + `content-length: ${Buffer.byteLength(body)}\r\n\r\n`),
  Buffer.from(body)]));
const schedule = options.arrivals === 'poisson'
  ? poissonArrivals(rate, seconds, Number(options.seed)) : arrivals(rate, seconds);
const latencies = new Float64Array(schedule.length);
const byIndex = new Float64Array(schedule.length).fill(Number.NaN);  // for --per-second
const counts = { completed: 0, errors: 0, non2xx: 0, dropped: 0, late: 0 };
const HEAD_END = Buffer.from('\r\n\r\n');
let maxLagMs = 0;
let inFlight = 0;
let next = 0;
let lastDone = 0;
let opened = 0;
let peakConnections = 0;
let closedByServer = 0;
const CLOSE = /\r\nconnection:\s*close/i;
let finish;
const finished = new Promise((resolve) => { finish = resolve; });
const idle = [];
const waiting = []; // due requests with no free connection, oldest first from waitingHead
let waitingHead = 0;
let started = 0;

function done(index, ok, status) {
  inFlight -= 1;
  if (!ok) counts.errors += 1;
  else if (status < 200 || status > 299) counts.non2xx += 1;
  else {
    const now = performance.now() - started;
    latencies[counts.completed] = now - schedule[index];
    byIndex[index] = now - schedule[index];
    counts.completed += 1;
    lastDone = now;
  }
  if (next >= schedule.length && inFlight === 0) finish();
}

/** One keep-alive connection: one request at a time; an answer is complete once its
 * head and content-length bytes of body are in. */
function open() {
  opened += 1;
  if (opened > peakConnections) peakConnections = opened;
  const connection = { socket: connect(Number(target.port), target.hostname), index: -1, chunks: [], size: 0 };
  connection.socket.setNoDelay(true);
  connection.socket.on('data', (chunk) => {
    connection.chunks.push(chunk);
    connection.size += chunk.length;
    const data = connection.chunks.length === 1 ? chunk : Buffer.concat(connection.chunks);
    connection.chunks = [data];
    const headEnd = data.indexOf(HEAD_END);
    if (headEnd < 0) return;
    const head = data.toString('latin1', 0, headEnd);
    const length = /\r\ncontent-length:\s*(\d+)/i.exec(head);
    if (length === null) {  // chunked or close-delimited: not what either server sends
      connection.socket.destroy(new Error('answer without content-length'));
      return;
    }
    if (connection.size < headEnd + 4 + Number(length[1])) return;
    const { index } = connection;
    connection.index = -1;
    connection.chunks = [];
    connection.size = 0;
    done(index, true, Number(head.slice(9, 12)));
    // As HTTP clients do: a connection the server closes after this answer is not reused
    // (the service sends it to move clients off a busy worker, src/flow_codeblock/rebalance.py).
    if (CLOSE.test(head)) {
      closedByServer += 1;
      connection.socket.destroy();
      // Its place goes to a new connection at once when requests are queued for one (at the
      // cap): else they would wait for a later answer, and the last ones for none.
      if (waitingHead < waiting.length) release(open());
    } else release(connection);
  });
  connection.socket.on('error', () => {});
  connection.socket.on('close', () => {
    opened -= 1;
    const position = idle.indexOf(connection);
    if (position >= 0) idle.splice(position, 1);
    if (connection.index >= 0) done(connection.index, false, 0);
    connection.index = -1;
  });
  return connection;
}

function write(connection, index) {
  connection.index = index;
  connection.socket.write(requests[index % requests.length]);
}

function release(connection) {
  if (waitingHead < waiting.length) write(connection, waiting[waitingHead++]);
  else idle.push(connection);
}

function send(index) {
  inFlight += 1;
  const connection = idle.pop() ?? (opened < maxConnections ? open() : undefined);
  if (connection === undefined) waiting.push(index);
  else write(connection, index);
}

await new Promise((resolve) => setTimeout(resolve, Number(options.delay) * 1000));
started = performance.now();
function tick() {
  const now = performance.now() - started;
  const end = dueUntil(schedule, next, now);
  for (; next < end; next += 1) {
    const lag = now - schedule[next];
    if (lag > maxLagMs) maxLagMs = lag;
    if (lag > LATE_MS) counts.late += 1;
    if (inFlight >= MAX_IN_FLIGHT) counts.dropped += 1;
    else send(next);
  }
  if (next < schedule.length) setTimeout(tick, 1);
  else if (inFlight === 0) finish();
}
tick();
const timer = setTimeout(finish, seconds * 1000 + timeoutMs);
await finished;
clearTimeout(timer);
const unfinished = inFlight;
for (const connection of idle) connection.socket.destroy();

const sorted = latencies.subarray(0, counts.completed).sort();
const round = (ms) => (Number.isFinite(ms) ? Math.round(ms * 100) / 100 : null);
process.stdout.write(`${JSON.stringify({
  target_rps: rate,
  scheduled: schedule.length,
  ...counts,
  unfinished,
  peak_connections: peakConnections,
  closed_by_server: closedByServer,
  achieved_rps: Math.round((counts.completed / Math.max(seconds, lastDone / 1000)) * 10) / 10,
  max_lag_ms: round(maxLagMs),
  p50_ms: round(percentile(sorted, 0.5)),
  p90_ms: round(percentile(sorted, 0.9)),
  p99_ms: round(percentile(sorted, 0.99)),
  p999_ms: round(percentile(sorted, 0.999)),
  max_ms: round(sorted.length ? sorted[sorted.length - 1] : Number.NaN),
  ...(options['per-second'] ? { per_second: perSecond(schedule, byIndex) } : {}),
})}\n`);
process.exit(0);
