// HTTP load generator for bench/run.py: autocannon against a local URL, rotating
// through the request bodies given in a JSON file. Prints one JSON line of results.
// usage: node bench/http_load.mjs URL BODIES.json CONNECTIONS SECONDS [HEADERS.json]
// HEADERS: a JSON object of extra request headers (an API token: bench/auth_cost.py).
import autocannon from 'autocannon';
import { readFileSync } from 'node:fs';

const [url, bodiesFile, connections, seconds, headersJson] = process.argv.slice(2);
const extraHeaders = headersJson ? JSON.parse(headersJson) : {};
const bodies = JSON.parse(readFileSync(bodiesFile, 'utf8'));
const result = await autocannon({
  url,
  connections: Number(connections),
  duration: Number(seconds),
  method: 'POST',
  headers: { 'content-type': 'application/json', ...extraHeaders },
  requests: bodies.map((body) => ({ method: 'POST', body })),
});
process.stdout.write(`${JSON.stringify({
  rps: result.requests.average,
  total: result.requests.total,
  p50_ms: result.latency.p50,
  p99_ms: result.latency.p99,
  max_ms: result.latency.max,
  errors: result.errors,
  timeouts: result.timeouts,
  non2xx: result.non2xx,
})}\n`);
