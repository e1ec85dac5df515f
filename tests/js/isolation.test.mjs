// Isolation helpers that run without the host: harden() freezes through prototypes and
// getters; a declared slot is put back by resetSlots().
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { harden, isHardened } from '../../js/lib/internal/harden.js';
import {
  addGlobals, declareSlot, recordGlobals, resetSharedState, resetSlots,
} from '../../js/lib/internal/per_execution.js';

test('harden freezes an object, its prototype chain and what its getters return', () => {
  const inner = { deep: { value: 1 } };
  class Base { method() { return 1; } }
  class Thing extends Base { get inner() { return inner; } }
  const root = { thing: new Thing(), list: [{ a: 1 }] };
  harden(root);
  assert.ok(Object.isFrozen(root));
  assert.ok(Object.isFrozen(root.list[0]));
  assert.ok(Object.isFrozen(Thing.prototype));
  assert.ok(Object.isFrozen(Base.prototype));
  assert.ok(Object.isFrozen(Thing));
  assert.ok(isHardened(root));
  assert.throws(() => { 'use strict'; root.list[0].a = 2; }, TypeError);
});

test('an own property still shadows a hardened prototype\'s method (the override mistake is tamed)', () => {
  class Shape { describe() { return 'shape'; } }
  harden(Shape);
  const mine = new Shape();
  mine.describe = () => 'mine';
  assert.equal(mine.describe(), 'mine');
  assert.equal(new Shape().describe(), 'shape');
});

test('resetSlots puts a declared slot back, and makes a fresh value where one is asked for', () => {
  const shared = { limit: 10, env: {} };
  declareSlot(shared, 'limit');
  declareSlot(shared, 'env', () => ({}));
  harden(shared);
  resetSlots(); // as the bootstrap does: the fresh value is the execution's, not frozen
  shared.limit = 99;
  const firstEnv = shared.env;
  firstEnv.SECRET = 'x';
  assert.equal(shared.limit, 99);
  assert.ok(resetSlots() >= 1);
  assert.equal(shared.limit, 10);
  assert.notEqual(shared.env, firstEnv);
  assert.deepEqual(shared.env, {});
});

test('a reset finds a shared root that is not frozen, also one a module install added later', () => {
  // Freezing cannot be undone, so each root is checked at the first reset after it joins.
  const global = {};
  recordGlobals(global, [Object.freeze({ a: 1 })]);
  assert.equal(typeof resetSharedState(), 'number');
  const added = { b: 1 };
  addGlobals(global, [added]);
  assert.throws(() => resetSharedState(), { code: 'ERR_SHARED_STATE_NOT_RESTORED', message: /not frozen/ });
  Object.freeze(added);
  assert.equal(typeof resetSharedState(), 'number');
  recordGlobals(global, [{ c: 1 }]); // a new baseline is checked whole
  assert.throws(() => resetSharedState(), /not frozen/);
});
