'use strict';
// setTimeout / setInterval / setImmediate on top of Atomics.waitAsync, the only
// timer source plain V8 offers. Every timer belongs to one execution: when that
// execution settles, `cancelAll()` wakes and discards every pending wait so nothing
// from it can run during a later execution on the same runtime.
//
// What the layer needs of a timer (its wait cell, generation, execution, whether it
// is cleared) lives in a module-private record, not in properties of the object the
// code gets back: `cancelAll()` runs in the reset, and touching a property there would
// run any getter or setter the code defined on it, after the execution ended, with
// nothing left to undo what it does (the reset would be done).

import { codes } from './errors.js';
import { currentSerial, isLive } from './state.js';
import {
  AtomicsNotify, AtomicsWaitAsync, Int32Array_, NumberIsFinite, PromisePrototypeThen, PromiseResolve,
  SafeSet, SetPrototypeAdd, SetPrototypeClear, SetPrototypeDelete, SetPrototypeForEach, SharedArrayBuffer_,
  SymbolToPrimitive, ReflectApply, WeakMap_, WeakMapPrototypeGet, WeakMapPrototypeSet,
} from './primordials.js';

const { ERR_INVALID_ARG_TYPE } = codes;

const TIMEOUT_MAX = 2 ** 31 - 1;
const IMMEDIATE_WAIT_MS = 0.001;
const pending = new SafeSet();
let nextId = 1; // restarts with every execution (cancelAll): ids would count other executions' timers
let onError = null; // (err) => void, installed by the execution module
const records = new WeakMap_(); // timer -> { id, serial, cell, generation, destroyed }

function newRecord(timer) {
  const record = {
    id: nextId++, serial: currentSerial(), cell: new Int32Array_(new SharedArrayBuffer_(4)),
    generation: 0, destroyed: false,
  };
  WeakMapPrototypeSet(records, timer, record);
  return record;
}

function recordOf(timer) { return WeakMapPrototypeGet(records, timer); }

function invalidCallback(callback) {
  return new ERR_INVALID_ARG_TYPE('callback', ['function'], callback);
}

// Node clamps delays outside [1, TIMEOUT_MAX] (and NaN) to 1 ms.
function clampDelay(after) {
  after = +after;
  if (!(after >= 1 && after <= TIMEOUT_MAX) || !NumberIsFinite(after)) return 1;
  return after;
}

class Timeout {
  constructor(callback, after, args, repeat) {
    this._idleTimeout = after;
    this._onTimeout = callback;
    this._timerArgs = args;
    this._repeat = repeat ? after : null;
    this._destroyed = false;
    this._ref = true;
    newRecord(this);
  }
  ref() { this._ref = true; return this; }
  unref() { this._ref = false; return this; }
  hasRef() { return this._ref; }
  refresh() {
    const record = recordOf(this);
    if (record !== undefined && !record.destroyed) { wake(record); arm(this, record, this._idleTimeout); }
    return this;
  }
  close() { clearTimeout(this); return this; }
  [SymbolToPrimitive]() { const record = recordOf(this); return record === undefined ? NaN : record.id; }
}

class Immediate {
  constructor(callback, args) {
    this._onImmediate = callback;
    this._argv = args;
    this._destroyed = false;
    newRecord(this);
  }
  ref() { return this; }
  unref() { return this; }
  hasRef() { return true; }
}

// Each arm() gets its own generation so a wait that was woken by refresh/clear
// does not fire the callback.
function arm(timer, record, delay) {
  const generation = ++record.generation;
  SetPrototypeAdd(pending, timer);
  const result = AtomicsWaitAsync(record.cell, 0, 0, delay);
  const fire = () => {
    if (record.destroyed || record.generation !== generation || !isLive(record.serial)) return;
    run(timer, record);
  };
  if (result.async) PromisePrototypeThen(result.value, fire);
  else PromisePrototypeThen(PromiseResolve(), fire);
}

// Touches the record only: called by the reset (cancelAll).
function wake(record) {
  record.generation++;
  AtomicsNotify(record.cell, 0);
}

function run(timer, record) {
  const isImmediate = timer instanceof Immediate;
  const callback = isImmediate ? timer._onImmediate : timer._onTimeout;
  const args = isImmediate ? timer._argv : timer._timerArgs;
  const repeat = isImmediate ? null : timer._repeat;
  if (repeat === null) destroy(timer, record);
  try {
    ReflectApply(callback, timer, args ?? []);
  } catch (err) {
    // An exception in a timer callback would crash a Node process; here it fails
    // the execution it belongs to.
    if (onError) onError(err);
  }
  if (repeat !== null && !record.destroyed) arm(timer, record, repeat);
}

// While the execution is live: the record, and `_destroyed` as Node shows it.
function destroy(timer, record) {
  record.destroyed = true;
  SetPrototypeDelete(pending, timer);
  timer._destroyed = true;
}

function setTimeout(callback, after, ...args) {
  if (typeof callback !== 'function') throw invalidCallback(callback);
  const delay = clampDelay(after);
  const timer = new Timeout(callback, delay, args, false);
  arm(timer, recordOf(timer), delay);
  return timer;
}

function setInterval(callback, repeat, ...args) {
  if (typeof callback !== 'function') throw invalidCallback(callback);
  const delay = clampDelay(repeat);
  const timer = new Timeout(callback, delay, args, true);
  arm(timer, recordOf(timer), delay);
  return timer;
}

function setImmediate(callback, ...args) {
  if (typeof callback !== 'function') throw invalidCallback(callback);
  const immediate = new Immediate(callback, args);
  // A (near) zero wait is still a macrotask: it runs after the current microtasks,
  // like Node's check phase. A wait of exactly 0 would settle synchronously.
  arm(immediate, recordOf(immediate), IMMEDIATE_WAIT_MS);
  return immediate;
}

function findTimer(ref) {
  if (ref instanceof Timeout || ref instanceof Immediate) return ref;
  if (typeof ref === 'number' || typeof ref === 'string') {
    let found = null;
    SetPrototypeForEach(pending, (t) => { if (recordOf(t).id === +ref) found = t; });
    return found;
  }
  return null;
}

function clearTimeout(ref) {
  const timer = findTimer(ref);
  const record = timer === null ? undefined : recordOf(timer);
  if (record === undefined || record.destroyed) return;
  destroy(timer, record);
  wake(record);
}

// Wakes and discards every pending timer (end of an execution, and the reset). Reads
// and writes the records only: no code of the execution's runs from here.
function cancelAll() {
  let count = 0;
  SetPrototypeForEach(pending, (timer) => {
    const record = recordOf(timer);
    record.destroyed = true;
    wake(record);
    count++;
  });
  SetPrototypeClear(pending);
  nextId = 1;
  return count;
}

function configureTimers(handlers) {
  onError = handlers.onError;
}

export {
  setTimeout, setInterval, setImmediate, clearTimeout, clearTimeout as clearInterval,
  clearTimeout as clearImmediate, cancelAll, configureTimers, Timeout, Immediate,
};
