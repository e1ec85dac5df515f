'use strict';
// require('events'): the npm `events` package (Node's events.js ported to plain JS),
// with Node's coded error for a listener that is not a function.

import EventEmitter from 'events';
import { codes } from './internal/errors.js';

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

Object.defineProperty(EventEmitter, 'addAbortListener', { value: addAbortListener, writable: true, enumerable: true, configurable: true });

export default EventEmitter;
