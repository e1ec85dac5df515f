'use strict';
// The Writable/Readable surface of Node's Hash, Hmac, Cipheriv and Decipheriv (each a
// LazyTransform there): write() and end() feed the object's transform, end() runs its
// flush, and read() gives what they produced, as Buffers or, after setEncoding(), strings.
// Node's Transform pushes synchronously for these classes, so `h.end(data); h.read()` has
// the digest at once, as in Node. Not here yet: events ('data', 'readable', 'end',
// 'finish') and pipe(), which wait for the stream module; a write after end() throws
// ERR_STREAM_WRITE_AFTER_END where Node emits it as an 'error' event (which, with no
// listener, ends a Node process).
// Refs: lib/internal/streams/lazy_transform.js, lib/internal/crypto/hash.js, cipher.js

import { StringDecoder } from 'string_decoder';
import { codes } from '../internal/errors.js';
import { microtask } from './util.js';

const { ERR_INVALID_ARG_TYPE, ERR_STREAM_NULL_VALUES, ERR_STREAM_WRITE_AFTER_END, ERR_UNKNOWN_ENCODING } = codes;
const { Buffer } = globalThis;

// Each object's stream state, kept off the object (nothing of it is reachable from it).
const states = new WeakMap();

function stateOf(self) {
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

// Defines write, end, read and setEncoding on `Class.prototype`. `transform(self, bytes)`
// returns the output of one chunk (or nothing); `flush(self)` the output at the end.
function defineStreamMethods(Class, transform, flush) {
  const methods = {
    write(chunk, encoding, callback) {
      if (typeof encoding === 'function') { callback = encoding; encoding = undefined; }
      const state = stateOf(this);
      const bytes = chunkBytes(chunk, encoding);
      if (state.ended) throw new ERR_STREAM_WRITE_AFTER_END();
      push(state, transform(this, bytes));
      if (typeof callback === 'function') microtask(() => callback(null));
      return true;
    },
    end(chunk, encoding, callback) {
      if (typeof chunk === 'function') { callback = chunk; chunk = undefined; encoding = undefined; }
      if (typeof encoding === 'function') { callback = encoding; encoding = undefined; }
      const state = stateOf(this);
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
      const state = stateOf(this);
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
      const state = stateOf(this);
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
}

// Whether end() has run on the object (its flush has happened).
function isEnded(self) { return states.get(self)?.ended === true; }

export { defineStreamMethods, isEnded };
