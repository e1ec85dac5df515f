'use strict';
// Task sources plain V8 offers besides our timers: Atomics.waitAsync,
// FinalizationRegistry callbacks and asynchronous WebAssembly compilation. Each is
// gated so that its continuation runs only while the execution that started it is
// live: nothing from one execution can run during (or between) later ones.

import { currentSerial, isLive } from './state.js';
import {
  AtomicsNotify, AtomicsWaitAsync, FinalizationRegistry_, ObjectDefineProperty, PromisePrototypeThen,
  Promise_, Proxy_, ReflectApply, ReflectConstruct,
} from './primordials.js';

let waits = []; // [typedArray, index as a number] of the current execution's pending waits

function gate(promise, serial) {
  return new Promise_((resolve, reject) => {
    PromisePrototypeThen(promise,
      (value) => { if (isLive(serial)) resolve(value); },
      (error) => { if (isLive(serial)) reject(error); });
  });
}

// The index is kept as the number V8 converted it to: releaseWaits runs in the reset,
// and passing the caller's object there would run its valueOf (code of an execution that
// has ended, with nothing left to undo what it does). The probe lets V8 convert it in
// the usual order (the typed array is checked first) and calls its valueOf once, now.
function waitAsync(typedArray, index, value, timeout) {
  let converted = index;
  const probe = typeof index === 'number' ? index : { __proto__: null, valueOf() { return (converted = +index); } };
  const result = AtomicsWaitAsync(typedArray, probe, value, timeout);
  if (!result.async) return result;
  waits[waits.length] = [typedArray, converted];
  return { async: true, value: gate(result.value, currentSerial()) };
}

// Wakes every wait the ending execution left pending (their gated promises stay
// pending forever, so no user continuation runs). Runs no code of the execution's: the
// typed arrays are checked by their internal slots and the indexes are numbers.
function releaseWaits() {
  const pending = waits;
  waits = [];
  for (let i = 0; i < pending.length; i++) {
    try { AtomicsNotify(pending[i][0], pending[i][1]); } catch { /* not notifiable */ }
  }
}

// A Proxy, not a subclass: a subclass's [[Prototype]] would be the ungated constructor.
// The prototype's constructor points at the proxy, so nothing reaches the original.
function makeFinalizationRegistry() {
  const gated = new Proxy_(FinalizationRegistry_, {
    construct(target, args, newTarget) {
      const cleanup = args[0];
      const serial = currentSerial();
      const callback = typeof cleanup === 'function' ? (held) => { if (isLive(serial)) cleanup(held); } : cleanup;
      return ReflectConstruct(target, [callback], newTarget === gated ? target : newTarget);
    },
  });
  ObjectDefineProperty(FinalizationRegistry_.prototype, 'constructor', {
    value: gated, writable: true, enumerable: false, configurable: true,
  });
  return gated;
}

function installAsyncSourceGates(global) {
  ObjectDefineProperty(global.Atomics, 'waitAsync', {
    value: waitAsync, writable: true, enumerable: false, configurable: true,
  });
  ObjectDefineProperty(global, 'FinalizationRegistry', {
    value: makeFinalizationRegistry(), writable: true, enumerable: false, configurable: true,
  });
  const wasm = global.WebAssembly;
  if (wasm) {
    for (const name of ['compile', 'instantiate', 'compileStreaming', 'instantiateStreaming']) {
      const original = wasm[name];
      if (typeof original !== 'function') continue;
      ObjectDefineProperty(wasm, name, {
        value: { [name](...args) { return gate(ReflectApply(original, wasm, args), currentSerial()); } }[name],
        writable: true, enumerable: false, configurable: true,
      });
    }
  }
}

export { installAsyncSourceGates, releaseWaits };
