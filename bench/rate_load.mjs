// Open-loop-ish load for bench/tail_latency.py: autocannon at a fixed overall arrival
// rate (its -R, `overallRate`) against a local URL, rotating through the request
// bodies in a JSON file. Prints one JSON line: the window's percentiles, and every
// second's p50/p99/max (the latency-over-time plot).
// usage: node bench/rate_load.mjs URL BODIES.json RATE CONNECTIONS SECONDS [DELAY_S]
// DELAY_S: wait this long before the load starts (node's own start-up is then not in the window)
import autocannon from 'autocannon';
import { readFileSync } from 'node:fs';

const [url, bodiesFile, rate, connections, seconds, delay = '0'] = process.argv.slice(2);
const bodies = JSON.parse(readFileSync(bodiesFile, 'utf8'));
await new Promise((resolve) => setTimeout(resolve, Number(delay) * 1000));
const started = Date.now();
const seconds_ = [];

function quantile(sorted, q) {
  if (sorted.length === 0) return null;
  return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))];
}

const instance = autocannon({
  url,
  connections: Number(connections),
  overallRate: Number(rate),
  duration: Number(seconds),
  method: 'POST',
  headers: { 'content-type': 'application/json' },
  requests: bodies.map((body) => ({ method: 'POST', body })),
}, (err, result) => {
  if (err) throw err;
  const perSecond = seconds_.map((samples, second) => {
    const sorted = (samples ?? []).sort((a, b) => a - b);
    return { second, n: sorted.length, p50: quantile(sorted, 0.5), p99: quantile(sorted, 0.99), max: sorted.at(-1) ?? null };
  });
  process.stdout.write(`${JSON.stringify({
    rps: result.requests.average,
    total: result.requests.total,
    p50_ms: result.latency.p50,
    p90_ms: result.latency.p90,
    p99_ms: result.latency.p99,
    max_ms: result.latency.max,
    errors: result.errors,
    timeouts: result.timeouts,
    non2xx: result.non2xx,
    per_second: perSecond,
  })}\n`);
});
instance.on('response', (client, statusCode, resBytes, responseTime) => {
  const second = Math.floor((Date.now() - started) / 1000);
  (seconds_[second] ??= []).push(responseTime);
});
