'use strict';
// setTimeout / setInterval / setImmediate on top of Atomics.waitAsync, the only
// timer source plain V8 offers. Every timer belongs to one execution: when that
// execution settles, `cancelAll()` wakes and discards every pending wait so nothing
// from it can run during a later execution on the same runtime.

import { codes } from './errors.js';
import { currentSerial, isLive } from './state.js';
import {
  AtomicsNotify, AtomicsWaitAsync, Int32Array_, NumberIsFinite, PromisePrototypeThen, PromiseResolve,
  SafeSet, SetPrototypeAdd, SetPrototypeClear, SetPrototypeDelete, SetPrototypeForEach, SharedArrayBuffer_,
  SymbolToPrimitive, ReflectApply,
} from './primordials.js';

const { ERR_INVALID_ARG_TYPE } = codes;

const TIMEOUT_MAX = 2 ** 31 - 1;
const IMMEDIATE_WAIT_MS = 0.001;
const pending = new SafeSet();
let nextId = 1; // restarts with every execution (cancelAll): ids would count other executions' timers
let onError = null; // (err) => void, installed by the execution module

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
    this._id = nextId++;
    this._serial = currentSerial();
    this._cell = new Int32Array_(new SharedArrayBuffer_(4));
    this._ref = true;
  }
  ref() { this._ref = true; return this; }
  unref() { this._ref = false; return this; }
  hasRef() { return this._ref; }
  refresh() { if (!this._destroyed) { wake(this); arm(this, this._idleTimeout); } return this; }
  close() { clearTimeout(this); return this; }
  [SymbolToPrimitive]() { return this._id; }
}

class Immediate {
  constructor(callback, args) {
    this._onImmediate = callback;
    this._argv = args;
    this._destroyed = false;
    this._id = nextId++;
    this._serial = currentSerial();
    this._cell = new Int32Array_(new SharedArrayBuffer_(4));
  }
  ref() { return this; }
  unref() { return this; }
  hasRef() { return true; }
}

// Each arm() gets its own generation so a wait that was woken by refresh/clear
// does not fire the callback.
function arm(timer, delay) {
  const generation = (timer._generation = (timer._generation ?? 0) + 1);
  SetPrototypeAdd(pending, timer);
  const result = AtomicsWaitAsync(timer._cell, 0, 0, delay);
  const fire = () => {
    if (timer._destroyed || timer._generation !== generation || !isLive(timer._serial)) return;
    run(timer);
  };
  if (result.async) PromisePrototypeThen(result.value, fire);
  else PromisePrototypeThen(PromiseResolve(), fire);
}

function wake(timer) {
  timer._generation = (timer._generation ?? 0) + 1;
  AtomicsNotify(timer._cell, 0);
}

function run(timer) {
  const isImmediate = timer instanceof Immediate;
  const callback = isImmediate ? timer._onImmediate : timer._onTimeout;
  const args = isImmediate ? timer._argv : timer._timerArgs;
  if (isImmediate || timer._repeat === null) {
    timer._destroyed = true;
    SetPrototypeDelete(pending, timer);
  }
  try {
    ReflectApply(callback, timer, args ?? []);
  } catch (err) {
    // An exception in a timer callback would crash a Node process; here it fails
    // the execution it belongs to.
    if (onError) onError(err);
  }
  if (!isImmediate && timer._repeat !== null && !timer._destroyed) arm(timer, timer._repeat);
}

function setTimeout(callback, after, ...args) {
  if (typeof callback !== 'function') throw invalidCallback(callback);
  const delay = clampDelay(after);
  const timer = new Timeout(callback, delay, args, false);
  arm(timer, delay);
  return timer;
}

function setInterval(callback, repeat, ...args) {
  if (typeof callback !== 'function') throw invalidCallback(callback);
  const delay = clampDelay(repeat);
  const timer = new Timeout(callback, delay, args, true);
  arm(timer, delay);
  return timer;
}

function setImmediate(callback, ...args) {
  if (typeof callback !== 'function') throw invalidCallback(callback);
  const immediate = new Immediate(callback, args);
  // A (near) zero wait is still a macrotask: it runs after the current microtasks,
  // like Node's check phase. A wait of exactly 0 would settle synchronously.
  arm(immediate, IMMEDIATE_WAIT_MS);
  return immediate;
}

function findTimer(ref) {
  if (ref instanceof Timeout || ref instanceof Immediate) return ref;
  if (typeof ref === 'number' || typeof ref === 'string') {
    let found = null;
    SetPrototypeForEach(pending, (t) => { if (t._id === +ref) found = t; });
    return found;
  }
  return null;
}

function clearTimeout(ref) {
  const timer = findTimer(ref);
  if (!timer || timer._destroyed) return;
  timer._destroyed = true;
  SetPrototypeDelete(pending, timer);
  wake(timer);
}

// Wakes and discards every pending timer (end of an execution).
function cancelAll() {
  let count = 0;
  SetPrototypeForEach(pending, (timer) => {
    timer._destroyed = true;
    wake(timer);
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
