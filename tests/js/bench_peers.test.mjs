// The pure parts of the benchmark's Node side: the open-loop arrival schedule and
// percentiles (bench/schedule.mjs) and the isolated-vm peers' request contract
// (bench/peers/contract.mjs). Neither needs isolated-vm, whose Node-20 build `make bench`
// makes and `make test` must not need.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Buffer } from 'node:buffer';
import { arrivals, dueUntil, perSecond, percentile, poissonArrivals } from '../../bench/schedule.mjs';
import {
  ContractError, errorType, failureBody, parseRequest, requiredModules, successBody,
} from '../../bench/peers/contract.mjs';

const body = (code, extra = {}) => JSON.stringify({ codebase64: Buffer.from(code).toString('base64'), input: {}, ...extra });

test('arrivals are evenly spaced at the rate, for the whole duration', () => {
  const due = arrivals(4, 2);
  assert.deepEqual([...due], [0, 250, 500, 750, 1000, 1250, 1500, 1750]);
  assert.equal(arrivals(1000, 3).length, 3000);
  assert.equal(arrivals(2.5, 1).length, 2);  // whole requests only
});

test('arrivals refuse a rate or duration that is not positive', () => {
  for (const [rate, seconds] of [[0, 1], [-5, 1], [10, 0], [Number.NaN, 1]]) {
    assert.throws(() => arrivals(rate, seconds), RangeError);
  }
});

test('Poisson arrivals: rising due times inside the window, about rate x seconds of them, repeatable by seed', () => {
  const due = poissonArrivals(300, 20, 7);
  assert.ok(due.length > 300 * 20 * 0.95 && due.length < 300 * 20 * 1.05, `${due.length} arrivals`);
  for (let i = 1; i < due.length; i += 1) assert.ok(due[i] >= due[i - 1]);
  assert.ok(due[0] >= 0 && due.at(-1) < 20_000);
  assert.deepEqual([...poissonArrivals(300, 20, 7)], [...due]);
  assert.notDeepEqual([...poissonArrivals(300, 20, 8)].slice(0, 10), [...due].slice(0, 10));
  // Exponential gaps: mean 1000 / rate, and about e^-1 of them longer than the mean.
  const gaps = due.slice(1).map((t, i) => t - due[i]);
  const mean = gaps.reduce((a, b) => a + b, 0) / gaps.length;
  assert.ok(Math.abs(mean - 1000 / 300) < 0.2, `mean gap ${mean}`);
  const longer = gaps.filter((g) => g > 1000 / 300).length / gaps.length;
  assert.ok(Math.abs(longer - Math.exp(-1)) < 0.03, `share of long gaps ${longer}`);
  assert.throws(() => poissonArrivals(0, 1), RangeError);
});

test('perSecond groups latencies by due second and skips requests that never completed', () => {
  const due = Float64Array.from([0, 500, 999, 1000, 2500]);
  const latency = Float64Array.from([3, 1, 2, Number.NaN, 9]);
  assert.deepEqual(perSecond(due, latency), [
    { second: 0, n: 3, p50: 2, p99: 3, max: 3 },
    { second: 1, n: 0, p50: null, p99: null, max: null },
    { second: 2, n: 1, p50: 9, p99: 9, max: 9 },
  ]);
});

test('dueUntil takes every request that has come due, and none early', () => {
  const due = arrivals(10, 1);  // 0, 100, ..., 900 ms
  assert.equal(dueUntil(due, 0, 0), 1);
  assert.equal(dueUntil(due, 1, 99.9), 1);  // nothing new before 100 ms
  assert.equal(dueUntil(due, 1, 350), 4);  // a late tick sends the backlog at once
  assert.equal(dueUntil(due, 4, 10_000), 10);  // never past the end
});

test('percentile is nearest-rank over sorted values', () => {
  const values = Float64Array.from({ length: 1000 }, (_, i) => i + 1);
  assert.equal(percentile(values, 0.5), 500);
  assert.equal(percentile(values, 0.99), 990);
  assert.equal(percentile(values, 0.999), 999);
  assert.equal(percentile(values, 1), 1000);
  assert.equal(percentile([7], 0.999), 7);
  assert.ok(Number.isNaN(percentile([], 0.5)));
});

test('requiredModules finds literal requires of the bundled modules only', () => {
  assert.deepEqual(requiredModules("const _ = require('lodash'); return _.sum([1]);"), ['lodash']);
  assert.deepEqual(requiredModules('const d = require("dayjs"), _ = require( "lodash" ); return 1;'), ['lodash', 'dayjs']);
  assert.deepEqual(requiredModules("require('node:fs'); require('lodash/fp'); return 1"), []);
  assert.deepEqual(requiredModules('return input.lodash;'), []);
});

test('parseRequest decodes the code and keeps the input as JSON text', () => {
  const parsed = parseRequest(JSON.stringify({ codeBase64: Buffer.from('return input.a;').toString('base64'),
    input: { a: [1, 2] } }), 5000);
  assert.deepEqual(parsed, { code: 'return input.a;', inputJson: '{"a":[1,2]}', timeoutMs: 5000 });
});

test('parseRequest lets a request lower the timeout, never raise it', () => {
  assert.equal(parseRequest(body('return 1', { timeout: 200.2 }), 5000).timeoutMs, 201);
  assert.equal(parseRequest(body('return 1', { timeout: 60_000 }), 5000).timeoutMs, 5000);
});

test('parseRequest refuses what ours refuses, as a 400 ValidationError', () => {
  const refused = [
    'not json', '[]', 'null', JSON.stringify({ input: {} }), JSON.stringify({ codebase64: '', input: {} }),
    JSON.stringify({ codebase64: 'cmV0dXJuIDE=' }), JSON.stringify({ codebase64: 'cmV0dXJuIDE=', input: [1] }),
    JSON.stringify({ codebase64: '!!!', input: {} }), body('const a = 1;'), body('return 1', { timeout: -1 }),
    body('return 1', { timeout: '100' }),
  ];
  for (const text of refused) {
    assert.throws(() => parseRequest(text, 5000), (error) => error instanceof ContractError
      && error.status === 400 && error.type === 'ValidationError', text);
  }
});

test('errorType maps thrown values onto our error types', () => {
  assert.equal(errorType('Error', 'Script execution timed out.'), 'TimeoutError');
  assert.equal(errorType('Error', 'Isolate was disposed during execution due to memory limit'), 'MemoryLimitError');
  assert.equal(errorType('TypeError', "Cannot read properties of null (reading 'x')"), 'TypeError');
  assert.equal(errorType('Error', 'boom'), 'RuntimeError');
  assert.equal(errorType('CustomError', 'boom'), 'RuntimeError');
});

test('the envelopes are JSON with the fields of our API', () => {
  const started = process.hrtime.bigint();
  const ok = JSON.parse(successBody('{"a":[1,2]}', 'req-1', started, 1_500_000n));
  assert.deepEqual(ok.result, { a: [1, 2] });
  assert.equal(ok.success, true);
  assert.equal(ok.request_id, 'req-1');
  assert.equal(ok.timing.executionTimeUs, 1500);
  assert.equal(ok.timing.executionTime, 1);
  assert.ok(ok.timing.totalTimeUs >= 0);
  assert.match(ok.executionId, /^[0-9a-f-]{36}$/);
  assert.ok(!Number.isNaN(Date.parse(ok.timestamp)));
  const failed = JSON.parse(failureBody('TypeError', 'bad "quote"\n', 'req-"2"', started));
  assert.equal(failed.success, false);
  assert.deepEqual(failed.error, { type: 'TypeError', message: 'bad "quote"\n', name: 'TypeError' });
  assert.equal(failed.request_id, 'req-"2"');
});
