'use strict';
// Entry point of the V8 side: builds the environment a code block sees, then
// records its shape so every execution can be undone (lib/internal/isolation.js).
// The host evaluates this bundle once per runtime, after putting a notification
// function at globalThis.__flowNotify and before calling __flowInit(token, options).

import { configureConsole, makeConsole } from './lib/internal/console.js';
import { installAsyncSourceGates } from './lib/internal/async_sources.js';
import { failExecution, installHost } from './lib/internal/execution.js';
import { hiddenIntrinsics, installChangeTracking, track, trackedCount, useModule } from './lib/internal/isolation.js';
import { installBufferAccounting } from './lib/internal/memory.js';
import { configureModules, registerInternal, registerModule } from './lib/internal/modules.js';
import { hostCall, hostCancel } from './lib/internal/host.js';
import { SecurityError } from './lib/internal/errors.js';
import { isLive } from './lib/internal/state.js';
import { ObjectDefineProperty, PromisePrototypeThen, PromiseResolve, TypeError_ } from './lib/internal/primordials.js';
import EventEmitter from './lib/events.js';
import { makeBufferModule } from './lib/buffer.js';
import { TextDecoder, TextEncoder, atob, btoa } from './lib/internal/encoding.js';
import { makeWebCrypto } from './lib/internal/random.js';
import { AbortController, AbortSignal, DOMException, Event, EventTarget } from './lib/internal/event_target.js';
import { structuredClone } from './lib/internal/structured_clone.js';
import { makeProcess } from './lib/process.js';
import querystring from './lib/querystring.js';
import stringDecoder from './lib/string_decoder.js';
import { Blob, File } from './lib/internal/blob.js';
import util from './lib/util.js';
import assert from './lib/assert.js';
import * as timers from './lib/internal/timers.js';

const global = globalThis;

function defineGlobal(name, value) {
  ObjectDefineProperty(global, name, { value, writable: true, enumerable: false, configurable: true });
}

function queueMicrotask(callback) {
  if (typeof callback !== 'function') {
    const err = new TypeError_(`The "callback" argument must be of type function. Received ${typeof callback}`);
    err.code = 'ERR_INVALID_ARG_TYPE';
    throw err;
  }
  PromisePrototypeThen(PromiseResolve(), () => {
    try { callback(); } catch (err) { failExecution(err); }
  });
}

function init(token, options) {
  const notify = global.__flowNotify;
  delete global.__flowNotify;
  delete global.__flowInit;
  // Node 20 has no Temporal (this V8 ships it): code written for Node never uses it, and its
  // ~240 objects were a fifth of what the reset checks after every execution.
  delete global.Temporal;

  configureConsole(options.console);
  timers.configureTimers({ onError: failExecution });
  installBufferAccounting(global);
  installAsyncSourceGates(global);
  installChangeTracking(global);

  const buffer = makeBufferModule(); // after the accounting: Buffers are charged
  defineGlobal('global', global);
  defineGlobal('Buffer', buffer.Buffer);
  defineGlobal('TextEncoder', TextEncoder);
  defineGlobal('TextDecoder', TextDecoder);
  defineGlobal('atob', atob);
  defineGlobal('btoa', btoa);
  defineGlobal('console', makeConsole());
  for (const name of ['setTimeout', 'setInterval', 'setImmediate', 'clearTimeout', 'clearInterval', 'clearImmediate']) {
    defineGlobal(name, timers[name]);
  }
  defineGlobal('queueMicrotask', queueMicrotask);
  defineGlobal('crypto', makeWebCrypto());
  defineGlobal('structuredClone', structuredClone);
  for (const [name, value] of Object.entries({ DOMException, Event, EventTarget, AbortController, AbortSignal, Blob, File })) {
    defineGlobal(name, value);
  }
  const timeOrigin = Date.now();
  defineGlobal('performance', { timeOrigin, now: () => Date.now() - timeOrigin });
  const process = makeProcess();
  defineGlobal('process', process);

  registerModule('timers', () => ({
    setTimeout: timers.setTimeout, setInterval: timers.setInterval, setImmediate: timers.setImmediate,
    clearTimeout: timers.clearTimeout, clearInterval: timers.clearInterval, clearImmediate: timers.clearImmediate,
  }));
  registerModule('buffer', () => ({ ...buffer, atob, btoa, Blob, File }));
  registerModule('string_decoder', () => stringDecoder);
  registerModule('events', () => EventEmitter);
  registerModule('util', () => util);
  registerModule('assert', () => assert);
  registerModule('assert/strict', () => assert);
  registerModule('querystring', () => querystring);
  registerModule('process', () => process);
  registerInternal('host', Object.freeze({ hostCall, hostCancel, SecurityError, failExecution, isLive }));
  configureModules({
    onFirstLoad: (name, exports, restoreClosures) => track([exports], name, restoreClosures),
    onUse: useModule,
    known: options.modules,
  });

  installHost(global, token, notify);
  global.__flow.configure(token, JSON.stringify(options.limits));
  track([global, ...hiddenIntrinsics()]);
  return JSON.stringify(trackedCount());
}

ObjectDefineProperty(global, '__flowInit', {
  value: (token, optionsJson) => init(token, JSON.parse(optionsJson)),
  writable: true, enumerable: false, configurable: true,
});
