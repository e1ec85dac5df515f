'use strict';
// The stream surface of Node's Hash, Hmac, Cipheriv and Decipheriv (each a LazyTransform
// there) and of Sign and Verify (Writables).
//
// The `stream` module is a lazy bundle, and crypto does not depend on it (it would cost every
// runtime that hashes a webhook ~25 ms and 167 KiB more on its first require('crypto'):
// bench/module_cost.py). The host installs it with crypto for a code block that names a
// stream member (on, pipe, once, ...: js/modules.manifest.mjs, `with`). For such a block
// each object gets, at its first stream call, a real stream.Transform (Writable for
// Sign/Verify) whose transform and flush are the object's: every stream method and property
// is that stream's (events, pipe, pipeline, async iteration, backpressure), with Node's
// behaviour because it is Node's stream code. Without it, write() and end() feed the
// transform, end() runs the flush and read() gives the output (setEncoding() decoding it),
// synchronously as Node's Transform does for these classes (`h.end(data); h.read()`), and
// the other stream members throw ERR_FEATURE_UNAVAILABLE_ON_PLATFORM saying why; a write
// after end() throws ERR_STREAM_WRITE_AFTER_END where Node emits it as an 'error' event.
// Which of the two an object is depends on the code block alone (namedModule).
// Refs: lib/internal/streams/lazy_transform.js, lib/internal/crypto/hash.js, cipher.js, sig.js

import { StringDecoder } from 'string_decoder';
import { codes } from '../internal/errors.js';
import { microtask } from './util.js';

const { namedModule } = require('internal:lazy_modules');

const {
  ERR_FEATURE_UNAVAILABLE_ON_PLATFORM, ERR_INVALID_ARG_TYPE, ERR_INVALID_THIS, ERR_STREAM_NULL_VALUES,
  ERR_STREAM_WRITE_AFTER_END, ERR_UNKNOWN_ENCODING,
} = codes;
const { Buffer } = globalThis;

// -- the stream, when the code block has the stream module ---------------------------------

// Each object's stream (a stream.Transform or Writable), made at its first stream call.
const delegates = new WeakMap();
const theGlobal = globalThis; // as the module loads, between executions: code may rebind the name

// Streams and states are kept for the code block's own objects only. Keyed by a shared object
// (the frozen prototype itself, another module's exports, the global object, reached with
// .call), one would outlive the execution: another tenant's could read what it buffered and
// run its listeners (an attacker's pass).
function isOwn(self, spec) {
  return self !== theGlobal && self instanceof spec.Class && !Object.isFrozen(self);
}

function checkOwn(self, spec) {
  if (!isOwn(self, spec)) throw new ERR_INVALID_THIS(spec.name);
}

// `self`'s stream, or undefined without the stream module. `transform(self, bytes)` and
// `flush(self)` as defineStreamMethods takes them; `writable`: a Writable (Sign, Verify).
function delegateOf(self, spec) {
  checkOwn(self, spec);
  let stream = delegates.get(self);
  if (stream !== undefined) return stream;
  const module = namedModule('stream');
  if (module === undefined) return undefined;
  const { transform, flush, writable } = spec;
  if (writable) {
    stream = new module.Writable({
      write(chunk, encoding, callback) {
        try { transform(self, chunk); } catch (err) { callback(err); return; }
        callback();
      },
    });
  } else {
    // Node's Hash pushes nothing per chunk, its Cipher what update() returns (maybe empty).
    const asChunk = (bytes) => (bytes === undefined || bytes === null ? undefined : Buffer.from(bytes));
    stream = new module.Transform({
      transform(chunk, encoding, callback) {
        let out;
        try { out = transform(self, chunk); } catch (err) { callback(err); return; }
        callback(null, asChunk(out));
      },
      flush(callback) {
        let out;
        try { out = flush(self); } catch (err) { callback(err); return; }
        callback(null, asChunk(out));
      },
    });
  }
  delegates.set(self, stream);
  return stream;
}

const noStream = (name) => new ERR_FEATURE_UNAVAILABLE_ON_PLATFORM(
  `${name}() of a crypto stream needs the stream module, installed for code blocks that require('crypto') and ` +
  "name a stream method (on, once, pipe, ...) or require('stream'): this one reached it by a computed name");

// The members of Node's streams and EventEmitter that these objects forward to their stream.
const STREAM_METHODS = ['on', 'addListener', 'once', 'off', 'removeListener', 'removeAllListeners', 'prependListener',
  'prependOnceListener', 'emit', 'listeners', 'rawListeners', 'listenerCount', 'eventNames', 'setMaxListeners',
  'getMaxListeners', 'pipe', 'unpipe', 'pause', 'resume', 'isPaused', 'unshift', 'wrap', 'destroy', 'cork', 'uncork',
  'setDefaultEncoding', 'iterator', 'toArray', 'forEach', 'map', 'filter', 'reduce'];
const STREAM_PROPERTIES = ['readable', 'writable', 'readableEnded', 'readableFlowing', 'readableLength',
  'readableHighWaterMark', 'readableEncoding', 'readableObjectMode', 'readableAborted', 'readableDidRead',
  'writableEnded', 'writableFinished', 'writableLength', 'writableHighWaterMark', 'writableObjectMode',
  'writableCorked', 'writableNeedDrain', 'writableAborted', 'destroyed', 'closed', 'errored', '_readableState',
  '_writableState'];

// Forwards to the stream; a method that returns the stream (chaining) returns the object.
function defineForwarders(Class, spec) {
  const forward = (name) => ({
    [name](...args) {
      const stream = delegateOf(this, spec);
      if (stream === undefined) throw noStream(name);
      const result = stream[name](...args);
      return result === stream ? this : result;
    },
  }[name]);
  for (const name of STREAM_METHODS) {
    Object.defineProperty(Class.prototype, name, { value: forward(name), writable: true, configurable: true });
  }
  Object.defineProperty(Class.prototype, Symbol.asyncIterator, {
    value: function asyncIterator() {
      const stream = delegateOf(this, spec);
      if (stream === undefined) throw noStream('[Symbol.asyncIterator]');
      return stream[Symbol.asyncIterator]();
    },
    writable: true,
    configurable: true,
  });
  for (const name of STREAM_PROPERTIES) {
    Object.defineProperty(Class.prototype, name, {
      // Read on anything else (the prototype, as util.inspect does): undefined, as in Node.
      get: { [name]() { return isOwn(this, spec) ? delegateOf(this, spec)?.[name] : undefined; } }[name],
      set: { [name](value) { const stream = delegateOf(this, spec); if (stream !== undefined) stream[name] = value; } }[name],
      configurable: true,
    });
  }
}

// -- without it: the synchronous Transform of these classes -----------------------------------

// Each object's stream state, kept off the object (nothing of it is reachable from it).
const states = new WeakMap();

function stateOf(self, spec) {
  checkOwn(self, spec);
  let state = states.get(self);
  if (state === undefined) {
    state = { ended: false, buffer: [], length: 0, decoder: null };
    states.set(self, state);
  }
  return state;
}

// Readable.push: a chunk joins the read buffer, decoded when an encoding is set.
function push(state, bytes) {
  if (bytes === null || bytes === undefined || bytes.length === 0) return;
  const chunk = state.decoder === null ? Buffer.from(bytes) : state.decoder.write(Buffer.from(bytes));
  if (chunk.length === 0) return;
  state.buffer.push(chunk);
  state.length += chunk.length;
}

// Writable.write's checks of a chunk, and its conversion to bytes (decodeStrings).
function chunkBytes(chunk, encoding) {
  if (chunk === null) throw new ERR_STREAM_NULL_VALUES();
  if (typeof chunk === 'string') {
    const name = encoding ?? 'utf8';
    if (!Buffer.isEncoding(name)) throw new ERR_UNKNOWN_ENCODING(name);
    return Buffer.from(chunk, name);
  }
  if (ArrayBuffer.isView(chunk)) return new Uint8Array(chunk.buffer, chunk.byteOffset, chunk.byteLength);
  throw new ERR_INVALID_ARG_TYPE('chunk', ['string', 'Buffer', 'TypedArray', 'DataView'], chunk);
}

// Defines write, end, read and setEncoding on `Class.prototype` (`name`: the class as errors
// name it; the bundle's names are minified). `transform(self, bytes)`
// returns the output of one chunk (or nothing); `flush(self)` the output at the end.
function defineStreamMethods(Class, name, transform, flush) {
  const spec = { transform, flush, writable: false, Class, name };
  const methods = {
    write(chunk, encoding, callback) {
      const stream = delegateOf(this, spec);
      if (stream !== undefined) return stream.write(chunk, encoding, callback);
      if (typeof encoding === 'function') { callback = encoding; encoding = undefined; }
      const state = stateOf(this, spec);
      const bytes = chunkBytes(chunk, encoding);
      if (state.ended) throw new ERR_STREAM_WRITE_AFTER_END();
      push(state, transform(this, bytes));
      if (typeof callback === 'function') microtask(() => callback(null));
      return true;
    },
    end(chunk, encoding, callback) {
      const stream = delegateOf(this, spec);
      if (stream !== undefined) { stream.end(chunk, encoding, callback); return this; }
      if (typeof chunk === 'function') { callback = chunk; chunk = undefined; encoding = undefined; }
      if (typeof encoding === 'function') { callback = encoding; encoding = undefined; }
      const state = stateOf(this, spec);
      if (chunk !== undefined && chunk !== null) {
        const bytes = chunkBytes(chunk, encoding);
        if (state.ended) throw new ERR_STREAM_WRITE_AFTER_END();
        push(state, transform(this, bytes));
      }
      if (!state.ended) {
        state.ended = true;
        push(state, flush(this));
        if (state.decoder !== null) {
          const rest = state.decoder.end();
          if (rest.length > 0) { state.buffer.push(rest); state.length += rest.length; }
        }
      }
      if (typeof callback === 'function') microtask(() => callback());
      return this;
    },
    // Readable.read([size]): everything buffered, or `size` bytes (characters after
    // setEncoding); null when that much is not there yet.
    read(size) {
      const stream = delegateOf(this, spec);
      if (stream !== undefined) return stream.read(size);
      const state = stateOf(this, spec);
      if (state.length === 0 || size === 0) return null;
      const all = state.decoder === null ? Buffer.concat(state.buffer) : state.buffer.join('');
      let n = size === undefined || size === null || Number.isNaN(+size) ? all.length : Math.floor(+size);
      if (n > all.length) {
        if (!state.ended) return null;
        n = all.length;
      }
      const taken = all.slice(0, n);
      const left = all.slice(n);
      state.buffer = left.length > 0 ? [left] : [];
      state.length = left.length;
      return taken;
    },
    setEncoding(encoding) {
      const stream = delegateOf(this, spec);
      if (stream !== undefined) { stream.setEncoding(encoding); return this; }
      const state = stateOf(this, spec);
      state.decoder = new StringDecoder(encoding);
      // What is buffered already is re-read in the new encoding, as Node does.
      const bytes = Buffer.concat(state.buffer.map((c) => (typeof c === 'string' ? Buffer.from(c) : c)));
      state.buffer = [];
      state.length = 0;
      push(state, bytes);
      return this;
    },
  };
  for (const name of Object.keys(methods)) {
    Object.defineProperty(Class.prototype, name, { value: methods[name], writable: true, configurable: true });
  }
  defineForwarders(Class, spec);
}

// Sign and Verify: Writables whose write() is update(). Without the stream module, write()
// and end() call update() at once (there is nothing to read).
function defineWritableMethods(Class, name, update) {
  const spec = { transform: update, writable: true, Class, name };
  const methods = {
    write(chunk, encoding, callback) {
      const stream = delegateOf(this, spec);
      if (stream !== undefined) return stream.write(chunk, encoding, callback);
      if (typeof encoding === 'function') { callback = encoding; encoding = undefined; }
      update(this, chunkBytes(chunk, encoding));
      if (typeof callback === 'function') microtask(() => callback(null));
      return true;
    },
    end(chunk, encoding, callback) {
      const stream = delegateOf(this, spec);
      if (stream !== undefined) { stream.end(chunk, encoding, callback); return this; }
      if (typeof chunk === 'function') { callback = chunk; chunk = undefined; }
      if (typeof encoding === 'function') { callback = encoding; encoding = undefined; }
      if (chunk !== undefined && chunk !== null) update(this, chunkBytes(chunk, encoding));
      if (typeof callback === 'function') microtask(() => callback());
      return this;
    },
  };
  for (const name of Object.keys(methods)) {
    Object.defineProperty(Class.prototype, name, { value: methods[name], writable: true, configurable: true });
  }
  defineForwarders(Class, spec);
}

// Whether end() has run on the object (its flush has happened).
function isEnded(self) {
  const stream = delegates.get(self);
  if (stream !== undefined) return stream.writableEnded === true;
  return states.get(self)?.ended === true;
}

export { defineStreamMethods, defineWritableMethods, isEnded };
