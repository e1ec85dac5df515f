'use strict';
// Entry point of the V8 side: builds the environment a code block sees, then
// freezes it (lib/internal/harden.js) and lists what stays per-execution state
// (lib/internal/per_execution.js).
// The host evaluates this bundle once per runtime, after putting a notification
// function at globalThis.__flowNotify and before calling __flowInit(token, options)
// (the names are GLOBALS.notify and GLOBALS.init: lib/internal/bridge.js).

import { configureConsole, makeConsole } from './lib/internal/console.js';
import { installAsyncSourceGates } from './lib/internal/async_sources.js';
import { GLOBALS } from './lib/internal/bridge.js';
import { failExecution, installHost } from './lib/internal/execution.js';
import {
  checkInternalState, harden, hardenMembers, hiddenIntrinsics, internalStateCounts, keepWritable, overrideIntrinsics,
  tameIntrinsicOverrides,
} from './lib/internal/harden.js';
import { ArrayBufferLimitError, installBufferAccounting } from './lib/internal/memory.js';
import { configureModules, loadModule, loadedModule, namedModule, registerInternal, registerModule } from './lib/internal/modules.js';
import { addGlobals, checkShape, declareSlot, recordGlobals, resetSlots } from './lib/internal/per_execution.js';
import { hostCall, hostCancel } from './lib/internal/host.js';
import { AbortError, SecurityError, codes, describeReceived, plain, systemError } from './lib/internal/errors.js';
import { isLive } from './lib/internal/state.js';
import {
  ObjectDefineProperty, ObjectGetOwnPropertyDescriptor, ObjectKeys, PromisePrototypeThen, PromiseResolve,
  ReflectDeleteProperty, ReflectOwnKeys, TypeError_,
} from './lib/internal/primordials.js';
import EventEmitter from './lib/events.js';
import { makeBufferModule } from './lib/buffer.js';
import { TextDecoder, TextEncoder, atob, btoa } from './lib/internal/encoding.js';
import { defineWebCryptoGlobals, makeWebCrypto, random, webCryptoProvider } from './lib/internal/random.js';
import { AbortController, AbortSignal, DOMException, Event, EventTarget } from './lib/internal/event_target.js';
import { structuredClone } from './lib/internal/structured_clone.js';
import { defineLazyGlobals } from './lib/internal/lazy_globals.js';
import { Navigator, navigator } from './lib/internal/navigator.js';
import { makeProcess } from './lib/process.js';
import querystring from './lib/querystring.js';
import stringDecoder from './lib/string_decoder.js';
import { Blob, File } from './lib/internal/blob.js';
import { createObjectURL, revokeObjectURLPath } from './lib/internal/object_urls.js';
import util from './lib/util.js';
import assert from './lib/assert.js';
import * as timers from './lib/internal/timers.js';
import { BUNDLE_INTRINSICS, MODULES } from './modules.manifest.mjs';

const global = globalThis;
const ObjectHasOwn = Object.hasOwn;

function defineGlobal(name, value) {
  ObjectDefineProperty(global, name, { value, writable: true, enumerable: false, configurable: true });
}

// The globals lazy modules install (fetch, URL), in the manifest's order.
const LAZY_GLOBALS = MODULES.filter((entry) => entry.load === 'lazy').flatMap((entry) => entry.globals ?? []);
// The web streams globals: defined by the bootstrap in Node's place (lazy_globals.js).
const WEB_STREAMS_GLOBALS = MODULES.find((entry) => entry.name === 'stream/web').globals;
let placedGlobals = new Set(); // lazy globals the bootstrap defines (placeholders, accessors): never moved

// Puts the lazily installed globals in the manifest's order, after the bootstrap's own:
// the global object's shape then depends on which modules a runtime has, never on the
// order they came in (warm-up, earlier executions), which a code block could observe.
function orderLazyGlobals() {
  for (let i = 0; i < LAZY_GLOBALS.length; i++) {
    const desc = ObjectGetOwnPropertyDescriptor(global, LAZY_GLOBALS[i]);
    if (desc === undefined || placedGlobals.has(LAZY_GLOBALS[i])) continue;
    ReflectDeleteProperty(global, LAZY_GLOBALS[i]);
    ObjectDefineProperty(global, LAZY_GLOBALS[i], desc);
  }
}

function queueMicrotask(callback) {
  if (typeof callback !== 'function') {
    throw new codes.ERR_INVALID_ARG_TYPE('callback', 'function', callback);
  }
  PromisePrototypeThen(PromiseResolve(), () => {
    try { callback(); } catch (err) { failExecution(err); }
  });
}

// State that Node programs write on objects every execution shares: it stays writable
// and is reset after every execution (lib/internal/per_execution.js has the list).
function declarePerExecutionState(buffer, process, console) {
  declareSlot(buffer.Buffer, 'poolSize');
  declareSlot(process, 'exitCode');
  declareSlot(process, 'env', () => ({}));
  for (const name of ObjectKeys(console)) declareSlot(console, name);
}

// Freezes the intrinsics (before the layer adds its globals, so their prototypes'
// overrides are tamed by list, not wholesale: harden.js).
function lockdownIntrinsics() {
  // V8 reads both from the Error constructor as data properties; Node defines both.
  ObjectDefineProperty(Error, 'prepareStackTrace', { value: undefined, writable: true, enumerable: false, configurable: true });
  declareSlot(Error, 'stackTraceLimit');
  declareSlot(Error, 'prepareStackTrace');
  ObjectDefineProperty(Math, 'random', { value: random });
  const hidden = hiddenIntrinsics();
  tameIntrinsicOverrides(overrideIntrinsics(global));
  // Promise.prototype is frozen but for `then`, which programs assign on their own promises
  // (the override mistake): a slot, checked after every execution (any change retires).
  // Unfrozen, a getter put in place of `constructor` for a moment was read by V8's species
  // lookup in the layer's own `then` calls, handing the code the layer's internal promises.
  keepWritable(Promise.prototype, 'then');
  hardenMembers(global, false);
  for (let i = 0; i < hidden.length; i++) harden(hidden[i], false);
  return hidden;
}

function init(token, options) {
  const notify = global[GLOBALS.notify];
  delete global[GLOBALS.notify];
  delete global[GLOBALS.init];
  // Node 24 has no Temporal (this V8 ships it): code written for Node never uses it. Date's
  // way into it goes too: its objects would be shared and are not reachable to freeze.
  delete global.Temporal;
  delete Date.prototype.toTemporalInstant;

  configureConsole(options.console);
  timers.configureTimers({ onError: failExecution });
  installBufferAccounting(global, options.limits.maxArrayBufferBytes); // the host's limit: memory.js has no default
  installAsyncSourceGates(global);
  const hidden = lockdownIntrinsics();

  const buffer = makeBufferModule(); // after the accounting: Buffers are charged
  const console = makeConsole();
  defineGlobal('global', global);
  defineGlobal('Buffer', buffer.Buffer);
  defineGlobal('TextEncoder', TextEncoder);
  defineGlobal('TextDecoder', TextDecoder);
  defineLazyGlobals(global, 'stream/web', WEB_STREAMS_GLOBALS, loadedModule);
  defineGlobal('atob', atob);
  defineGlobal('btoa', btoa);
  defineGlobal('console', console);
  for (const name of ['setTimeout', 'setInterval', 'setImmediate', 'clearTimeout', 'clearInterval', 'clearImmediate']) {
    defineGlobal(name, timers[name]);
  }
  defineGlobal('queueMicrotask', queueMicrotask);
  defineGlobal('crypto', makeWebCrypto(() => loadedModule('crypto')?.subtle));
  defineWebCryptoGlobals(global);
  defineGlobal('structuredClone', structuredClone);
  for (const [name, value] of Object.entries({ DOMException, Event, EventTarget, AbortController, AbortSignal, Blob, File })) {
    defineGlobal(name, value);
  }
  defineGlobal('Navigator', Navigator);
  // A getter, as Node 24 defines it.
  ObjectDefineProperty(global, 'navigator', { get: { navigator() { return navigator; } }.navigator, enumerable: true, configurable: true });
  const timeOrigin = Date.now();
  defineGlobal('performance', { timeOrigin, now: () => Date.now() - timeOrigin });
  const process = makeProcess();
  defineGlobal('process', process);

  const builtins = {
    timers: {
      setTimeout: timers.setTimeout, setInterval: timers.setInterval, setImmediate: timers.setImmediate,
      clearTimeout: timers.clearTimeout, clearInterval: timers.clearInterval, clearImmediate: timers.clearImmediate,
    },
    buffer: { ...buffer, atob, btoa, Blob, File },
    string_decoder: stringDecoder,
    events: EventEmitter,
    util,
    assert,
    'assert/strict': assert,
    querystring,
    process,
  };
  // Exactly the manifest's eager modules (js/modules.manifest.mjs).
  const eager = MODULES.filter((entry) => entry.load === 'eager').map((entry) => entry.name);
  if (eager.length !== ObjectKeys(builtins).length || !eager.every((name) => ObjectHasOwn(builtins, name))) {
    throw new TypeError_(`bootstrap builds ${ObjectKeys(builtins)}, the module manifest lists ${eager}`);
  }
  for (const name of eager) registerModule(name, () => builtins[name]);
  registerInternal('host', Object.freeze({ hostCall, hostCancel, SecurityError, failExecution, isLive }));
  // The error registry (js/lib/internal/errors.js), shared with the module bundles (js/build.mjs).
  registerInternal('errors', Object.freeze({ AbortError, codes, plain, systemError, describeReceived }));
  // URL.createObjectURL / revokeObjectURL (the url bundle) share buffer's resolveObjectURL registry.
  registerInternal('object_urls', Object.freeze({ createObjectURL, revokeObjectURLPath }));
  // CryptoKey and SubtleCrypto, given by the crypto bundle (random.js's accessor globals).
  registerInternal('webcrypto', webCryptoProvider);
  // The lazy modules the running code block named (crypto's streams need `stream`).
  registerInternal('lazy_modules', Object.freeze({ namedModule }));
  const roots = [...hidden];
  let bootstrapped = false;
  configureModules({
    known: options.modules,
    // Globals a module installs (fetch, URL) join the baseline; its exports are checked frozen.
    onSharedLoad: (name, exports) => {
      if (!bootstrapped) { roots[roots.length] = exports; return; }
      orderLazyGlobals();
      addGlobals(global, [exports]);
    },
  });

  installHost(global, token, notify);
  global[GLOBALS.host].configure(token, JSON.stringify(options.limits));
  declarePerExecutionState(buffer, process, console);
  // The layer: its globals, its built-in modules, and classes whose instances it
  // hands out without exposing the class (a timer, a thrown SecurityError), and what
  // an accessor global returns (navigator).
  hardenMembers(global);
  for (const name of eager) loadModule(name);
  for (const value of [timers.Timeout, timers.Immediate, ArrayBufferLimitError, SecurityError, AbortError, codes, plain, navigator]) {
    roots[roots.length] = harden(value);
  }
  checkShape(Promise.prototype);
  checkInternalState();
  recordGlobals(global, roots);
  placedGlobals = new Set(LAZY_GLOBALS.filter((name) => ObjectHasOwn(global, name)));
  // What the bundles' BUNDLE_INTRINSICS are bound to: the globals as every execution starts.
  registerInternal('intrinsics', Object.freeze(BUNDLE_INTRINSICS.map((name) => global[name])));
  bootstrapped = true;
  resetSlots();
  return JSON.stringify({ globals: ReflectOwnKeys(global).length, internalState: internalStateCounts() });
}

ObjectDefineProperty(global, GLOBALS.init, {
  value: (token, optionsJson) => init(token, JSON.parse(optionsJson)),
  writable: true, enumerable: false, configurable: true,
});
