// The ArrayBuffer budget (js/lib/internal/memory.js) takes its limit from the host only:
// config.py's default must not come back as a second copy in the JS, and a charge made
// before the host's limit arrived must fail instead of running unlimited.
// Runs in its own process (node --test), so wrapping this realm's ArrayBuffer is harmless.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  bufferBudget, configureWasmAccounting, installBufferAccounting, resetBufferBudget,
} from '../../js/lib/internal/memory.js';

test('the budget has no limit of its own before the host sends one', () => {
  assert.equal(bufferBudget.limit, null);
});

test('installing the accounting without the host\'s limit fails', () => {
  const global = {};
  assert.throws(() => installBufferAccounting(global), { name: 'TypeError', message: /ArrayBuffer limit/ });
  assert.throws(() => installBufferAccounting(global, '64'), TypeError);
  assert.equal(global.ArrayBuffer, undefined);
  assert.throws(() => configureWasmAccounting(undefined), { name: 'TypeError', message: /WebAssembly memory limit/ });
});

test('the host\'s limit is the one charged, and a missing one refuses every charge', () => {
  const global = {};
  installBufferAccounting(global, 160);
  assert.equal(bufferBudget.limit, 160);
  const Wrapped = global.ArrayBuffer;
  assert.equal(new Wrapped(100).byteLength, 100);
  assert.equal(bufferBudget.used, 100);
  assert.throws(() => new Wrapped(70), { name: 'RangeError', message: /allocating 70 bytes would pass the limit of 160 bytes/ });
  assert.equal(bufferBudget.used, 100);
  // Up to 64 bytes is left to the heap limit (V8 keeps such typed arrays on its heap).
  assert.equal(new Wrapped(64).byteLength, 64);
  assert.equal(bufferBudget.used, 100);

  resetBufferBudget(320);
  assert.equal(bufferBudget.used, 0);
  assert.equal(new Wrapped(320).byteLength, 320);

  // A limit that never arrived (undefined, as a renamed option would give) is not "no limit".
  resetBufferBudget(undefined);
  assert.throws(() => new Wrapped(65), { name: 'Error', message: /before the host set its limit/ });
  resetBufferBudget(80);
  assert.equal(new Wrapped(80).byteLength, 80);
});
