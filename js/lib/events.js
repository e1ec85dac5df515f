'use strict';
// require('events'): the npm `events` package (Node's events.js ported to plain JS),
// with Node's coded error for a listener that is not a function.

import EventEmitter from 'events';
import { AbortError, codes } from './internal/errors.js';

const { ERR_INVALID_ARG_TYPE } = codes;

for (const name of ['addListener', 'on', 'prependListener', 'once', 'prependOnceListener', 'removeListener', 'off']) {
  const original = EventEmitter.prototype[name];
  Object.defineProperty(EventEmitter.prototype, name, {
    value: {
      [name](type, listener) {
        if (typeof listener !== 'function') throw new ERR_INVALID_ARG_TYPE('listener', ['function'], listener);
        return original.call(this, type, listener);
      },
    }[name],
    writable: true, enumerable: true, configurable: true,
  });
}

// Node 20.5+: calls `listener` once `signal` aborts (in a microtask if it already has);
// the result's Symbol.dispose removes the listener.
function addAbortListener(signal, listener) {
  if (signal === null || typeof signal !== 'object' || !('aborted' in signal)) {
    throw new ERR_INVALID_ARG_TYPE('signal', ['AbortSignal'], signal);
  }
  if (typeof listener !== 'function') throw new ERR_INVALID_ARG_TYPE('listener', ['function'], listener);
  let remove;
  if (signal.aborted) {
    queueMicrotask(() => listener());
  } else {
    signal.addEventListener('abort', listener, { once: true });
    remove = () => { signal.removeEventListener('abort', listener); };
  }
  return { __proto__: null, [Symbol.dispose]() { remove?.(); } };
}

// events.once and events.on as Node 24 has them (the npm package's once takes no
// options and it has no on): an AbortSignal, EventTargets, on's close events.
// Refs: https://github.com/nodejs/node/blob/v24.x/lib/events.js

function checkOptions(options) {
  if (options === null || typeof options !== 'object') throw new ERR_INVALID_ARG_TYPE('options', 'Object', options);
  const { signal } = options;
  if (signal !== undefined && (signal === null || typeof signal !== 'object' || !('aborted' in signal))) {
    throw new ERR_INVALID_ARG_TYPE('options.signal', 'AbortSignal', signal);
  }
  if (signal?.aborted) throw new AbortError(undefined, { cause: signal.reason });
  return signal;
}

function addListenerTo(emitter, name, listener, once) {
  if (typeof emitter.on === 'function') {
    if (once) emitter.once(name, listener);
    else emitter.on(name, listener);
  } else if (typeof emitter.addEventListener === 'function') {
    emitter.addEventListener(name, listener, { once });
  } else {
    throw new ERR_INVALID_ARG_TYPE('emitter', 'EventEmitter', emitter);
  }
}

function removeListenerFrom(emitter, name, listener) {
  if (typeof emitter.removeListener === 'function') emitter.removeListener(name, listener);
  else if (typeof emitter.removeEventListener === 'function') emitter.removeEventListener(name, listener);
}

function once(emitter, name, options = {}) {
  let signal;
  try {
    signal = checkOptions(options);
    if (emitter === null || (typeof emitter !== 'object' && typeof emitter !== 'function') ||
      (typeof emitter.on !== 'function' && typeof emitter.addEventListener !== 'function')) {
      throw new ERR_INVALID_ARG_TYPE('emitter', 'EventEmitter', emitter);
    }
  } catch (err) {
    return Promise.reject(err);
  }
  return new Promise((resolve, reject) => {
    const errorListener = (err) => {
      removeListenerFrom(emitter, name, resolver);
      if (signal !== undefined) signal.removeEventListener('abort', abortListener);
      reject(err);
    };
    const resolver = (...args) => {
      if (typeof emitter.removeListener === 'function') emitter.removeListener('error', errorListener);
      if (signal !== undefined) signal.removeEventListener('abort', abortListener);
      resolve(args);
    };
    addListenerTo(emitter, name, resolver, true);
    if (name !== 'error' && typeof emitter.once === 'function') emitter.once('error', errorListener);
    function abortListener() {
      removeListenerFrom(emitter, name, resolver);
      removeListenerFrom(emitter, 'error', errorListener);
      reject(new AbortError(undefined, { cause: signal.reason }));
    }
    if (signal !== undefined) signal.addEventListener('abort', abortListener, { once: true });
  });
}

const AsyncIteratorPrototype = Object.getPrototypeOf(Object.getPrototypeOf(async function* () {}).prototype);

function on(emitter, event, options = {}) {
  const signal = checkOptions(options);
  const events = []; // emitted, not yet consumed
  const waiting = []; // next() calls waiting for an event
  let error = null;
  let finished = false;
  const done = () => Promise.resolve({ value: undefined, done: true });
  const iterator = Object.setPrototypeOf({
    next() {
      if (events.length) return Promise.resolve({ value: events.shift(), done: false });
      if (error) {
        const rejected = Promise.reject(error);
        error = null;
        return rejected;
      }
      if (finished) return done();
      return new Promise((resolve, reject) => { waiting.push({ resolve, reject }); });
    },
    return() { return closeHandler(); },
    throw(err) {
      if (!(err instanceof Error)) throw new ERR_INVALID_ARG_TYPE('EventEmitter.AsyncIterator', 'Error', err);
      errorHandler(err);
    },
    [Symbol.asyncIterator]() { return this; },
  }, AsyncIteratorPrototype);
  function eventHandler(...args) {
    if (waiting.length) waiting.shift().resolve({ value: args, done: false });
    else events.push(args);
  }
  function errorHandler(err) {
    if (waiting.length) waiting.shift().reject(err);
    else error = err;
    closeHandler();
  }
  function abortListener() { errorHandler(new AbortError(undefined, { cause: signal.reason })); }
  const closeEvents = options.close ?? [];
  function closeHandler() {
    removeListenerFrom(emitter, event, eventHandler);
    removeListenerFrom(emitter, 'error', errorHandler);
    for (const name of closeEvents) removeListenerFrom(emitter, name, closeHandler);
    if (signal !== undefined) signal.removeEventListener('abort', abortListener);
    finished = true;
    while (waiting.length) waiting.shift().resolve({ value: undefined, done: true });
    return done();
  }
  addListenerTo(emitter, event, eventHandler, false);
  if (event !== 'error' && typeof emitter.on === 'function') emitter.on('error', errorHandler);
  for (const name of closeEvents) addListenerTo(emitter, name, closeHandler, false);
  if (signal !== undefined) signal.addEventListener('abort', abortListener, { once: true });
  return iterator;
}

for (const [name, value] of [['once', once], ['on', on]]) {
  Object.defineProperty(EventEmitter, name, { value, writable: true, enumerable: true, configurable: true });
}

Object.defineProperty(EventEmitter, 'addAbortListener', { value: addAbortListener, writable: true, enumerable: true, configurable: true });

export default EventEmitter;
