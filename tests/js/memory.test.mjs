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
  installBufferAccounting(global, 16);
  assert.equal(bufferBudget.limit, 16);
  const Wrapped = global.ArrayBuffer;
  assert.equal(new Wrapped(10).byteLength, 10);
  assert.equal(bufferBudget.used, 10);
  assert.throws(() => new Wrapped(7), { name: 'RangeError', message: /allocating 7 bytes would pass the limit of 16 bytes/ });
  assert.equal(bufferBudget.used, 10);

  resetBufferBudget(32);
  assert.equal(bufferBudget.used, 0);
  assert.equal(new Wrapped(32).byteLength, 32);

  // A limit that never arrived (undefined, as a renamed option would give) is not "no limit".
  resetBufferBudget(undefined);
  assert.throws(() => new Wrapped(1), { name: 'Error', message: /before the host set its limit/ });
  resetBufferBudget(8);
  assert.equal(new Wrapped(8).byteLength, 8);
});
