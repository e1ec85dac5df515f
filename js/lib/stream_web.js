'use strict';
// require('stream/web') and the WHATWG streams globals (ReadableStream, WritableStream,
// TransformStream, the queuing strategies, TextEncoderStream, TextDecoderStream,
// CompressionStream, DecompressionStream). Installed like an npm module the first time
// a code block names one of them, 'stream/web' or 'stream' (js/build.mjs "globals").
// - The streams: web-streams-polyfill, a port of the WHATWG reference implementation
//   that passes the web-platform-tests' streams suite. js/build.mjs pins two of its
//   lazily chosen helpers (queueMicrotask, ArrayBuffer transfer) at load: chosen during an
//   execution, they would be one execution's choice kept for every later one.
// - Text streams: TransformStreams around the layer's TextEncoder / TextDecoder.
// - Compression: fflate's streaming classes, in V8. The host's zlib would cost a bridge
//   round trip per chunk and bytes outside the execution's ArrayBuffer budget; fflate
//   runs synchronously on the execution's own (accounted) buffers.
// Refs: https://github.com/nodejs/node/blob/v24.x/lib/internal/webstreams/

import {
  ByteLengthQueuingStrategy, CountQueuingStrategy, ReadableByteStreamController, ReadableStream,
  ReadableStreamBYOBReader, ReadableStreamBYOBRequest, ReadableStreamDefaultController, ReadableStreamDefaultReader,
  TransformStream, TransformStreamDefaultController, WritableStream, WritableStreamDefaultController,
  WritableStreamDefaultWriter,
} from 'web-streams-polyfill';
import { Gunzip, Gzip, Deflate, Inflate, Unzlib, Zlib } from 'fflate';
import { codes } from './internal/errors.js';

const { ERR_INVALID_ARG_TYPE, ERR_INVALID_ARG_VALUE, ERR_INVALID_THIS } = codes;
const { TextDecoder, TextEncoder, Uint8Array: Uint8Array_ } = globalThis;
const { isView } = ArrayBuffer;

function isBufferSource(chunk) {
  return isView(chunk) || chunk instanceof ArrayBuffer;
}

function toBytes(chunk) {
  if (chunk instanceof ArrayBuffer) return new Uint8Array_(chunk);
  return new Uint8Array_(chunk.buffer, chunk.byteOffset, chunk.byteLength);
}

function notBufferSource(chunk) {
  return new ERR_INVALID_ARG_TYPE('chunk', ['ArrayBuffer', 'ArrayBufferView'], chunk);
}

// -- text streams --------------------------------------------------------------------------

class TextEncoderStream {
  #transform;

  constructor() {
    const encoder = new TextEncoder();
    let pendingHigh = ''; // a high surrogate at a chunk's end waits for the next chunk
    this.#transform = new TransformStream({
      transform(chunk, controller) {
        let text = `${pendingHigh}${chunk}`;
        pendingHigh = '';
        const last = text.charCodeAt(text.length - 1);
        if (last >= 0xd800 && last <= 0xdbff) {
          pendingHigh = text[text.length - 1];
          text = text.slice(0, -1);
        }
        if (text !== '') controller.enqueue(encoder.encode(text));
      },
      flush(controller) {
        if (pendingHigh !== '') controller.enqueue(new Uint8Array_([0xef, 0xbf, 0xbd]));
      },
    });
  }

  get encoding() { return 'utf-8'; }

  get readable() { return this.#transform.readable; }

  get writable() { return this.#transform.writable; }
}

// Bytes at the end of `bytes` that start a character the next chunk completes: the
// layer's TextDecoder decodes whole inputs only, so the stream keeps them back.
function incompleteTail(bytes, encoding) {
  if (encoding === 'utf-16le' || encoding === 'utf-16be') {
    let keep = bytes.length % 2;
    const end = bytes.length - keep;
    if (end >= 2) {
      const unit = encoding === 'utf-16le' ? bytes[end - 2] | (bytes[end - 1] << 8) : (bytes[end - 2] << 8) | bytes[end - 1];
      if (unit >= 0xd800 && unit <= 0xdbff) keep += 2; // a high surrogate waits for its pair
    }
    return keep;
  }
  if (encoding !== 'utf-8') return 0;
  for (let back = 1; back <= Math.min(3, bytes.length); back++) {
    const b = bytes[bytes.length - back];
    if ((b & 0xc0) === 0x80) continue;
    if (b < 0xc2 || b > 0xf4) return 0; // not a lead byte: the decoder reports it now
    const need = b >= 0xf0 ? 4 : b >= 0xe0 ? 3 : 2;
    return need > back ? back : 0;
  }
  return 0;
}

const UTF8_BOM = [0xef, 0xbb, 0xbf];

class TextDecoderStream {
  #transform;
  #decoder;

  constructor(encoding = 'utf-8', options = {}) {
    const first = new TextDecoder(encoding, options);
    this.#decoder = first;
    // After the first bytes, a BOM is text: later chunks decode with ignoreBOM.
    const rest = new TextDecoder(encoding, { fatal: first.fatal, ignoreBOM: true });
    let started = false;
    let pending = new Uint8Array_(0);
    const decode = (bytes) => {
      const text = (started ? rest : first).decode(bytes);
      if (bytes.length) started = true;
      return text;
    };
    this.#transform = new TransformStream({
      transform(chunk, controller) {
        if (!isBufferSource(chunk)) throw notBufferSource(chunk);
        const input = toBytes(chunk);
        const bytes = new Uint8Array_(pending.length + input.length);
        bytes.set(pending);
        bytes.set(input, pending.length);
        const keep = incompleteTail(bytes, first.encoding);
        pending = bytes.slice(bytes.length - keep);
        // The start of a UTF-8 BOM, cut by the chunking: wait for the rest before the first decode.
        if (!started && !first.ignoreBOM && first.encoding === 'utf-8' && bytes.length < 3 &&
          bytes.every((b, i) => b === UTF8_BOM[i])) {
          pending = bytes;
          return;
        }
        const text = decode(bytes.subarray(0, bytes.length - keep));
        if (text !== '') controller.enqueue(text);
      },
      flush(controller) {
        const text = pending.length ? decode(pending) : '';
        if (text !== '') controller.enqueue(text);
      },
    });
  }

  get encoding() { return this.#decoder.encoding; }

  get fatal() { return this.#decoder.fatal; }

  get ignoreBOM() { return this.#decoder.ignoreBOM; }

  get readable() { return this.#transform.readable; }

  get writable() { return this.#transform.writable; }
}

// -- compression ---------------------------------------------------------------------------

const COMPRESSORS = { __proto__: null, gzip: Gzip, deflate: Zlib, 'deflate-raw': Deflate };
const DECOMPRESSORS = { __proto__: null, gzip: Gunzip, deflate: Unzlib, 'deflate-raw': Inflate };

// fflate's error codes as zlib's: Node 24's streams error with a TypeError that carries
// zlib's code and an empty message.
const ZLIB_CODES = ['Z_BUF_ERROR', 'Z_DATA_ERROR', 'Z_DATA_ERROR', 'Z_DATA_ERROR'];

function zlibError(err) {
  const code = typeof err?.code === 'number' ? ZLIB_CODES[err.code] ?? 'Z_DATA_ERROR' : 'Z_DATA_ERROR';
  const error = new TypeError('');
  error.code = code;
  return error;
}

function checkFormat(kind, format) {
  if (typeof format !== 'string' || !(format in COMPRESSORS)) {
    throw new ERR_INVALID_ARG_VALUE(
      `Failed to construct '${kind}': 1st argument '${format}' is not a valid enum value of type CompressionFormat.`);
  }
}

// A TransformStream around one fflate stream: push() hands data to ondata synchronously.
function zlibTransform(engine) {
  let out = [];
  engine.ondata = (data) => { out[out.length] = data; };
  let finished = false;
  function drain(controller) {
    const chunks = out;
    out = [];
    for (let i = 0; i < chunks.length; i++) if (chunks[i].length) controller.enqueue(chunks[i]);
  }
  return new TransformStream({
    transform(chunk, controller) {
      // Node's streams are zlib's Writable side, which takes strings (as UTF-8) and views.
      if (typeof chunk !== 'string' && !isView(chunk)) {
        throw new ERR_INVALID_ARG_TYPE('chunk', ['string', 'Buffer', 'TypedArray', 'DataView'], chunk);
      }
      if (finished) throw zlibError({ code: 1 });
      try {
        engine.push(typeof chunk === 'string' ? new TextEncoder().encode(chunk) : toBytes(chunk).slice(), false);
      } catch (err) {
        throw zlibError(err);
      }
      drain(controller);
    },
    flush(controller) {
      try {
        engine.push(new Uint8Array_(0), true);
      } catch (err) {
        throw zlibError(err);
      }
      finished = true;
      drain(controller);
    },
  });
}

class CompressionStream {
  #transform;

  constructor(format) {
    checkFormat('CompressionStream', format);
    this.#transform = zlibTransform(new COMPRESSORS[format]());
  }

  get readable() { return this.#transform.readable; }

  get writable() { return this.#transform.writable; }
}

class DecompressionStream {
  #transform;

  constructor(format) {
    checkFormat('DecompressionStream', format);
    this.#transform = zlibTransform(new DECOMPRESSORS[format]());
  }

  get readable() { return this.#transform.readable; }

  get writable() { return this.#transform.writable; }
}

for (const [Class, tag] of [[TextEncoderStream, 'TextEncoderStream'], [TextDecoderStream, 'TextDecoderStream'],
  [CompressionStream, 'CompressionStream'], [DecompressionStream, 'DecompressionStream']]) {
  // Node 24 gives the compression streams a tag and the text streams none ([object Object]).
  if (!tag.startsWith('Text')) Object.defineProperty(Class.prototype, Symbol.toStringTag, { value: tag, configurable: true });
  for (const name of ['readable', 'writable']) {
    const { get } = Object.getOwnPropertyDescriptor(Class.prototype, name);
    Object.defineProperty(Class.prototype, name, {
      get: { [name]() {
        try { return Reflect.apply(get, this, []); } catch { throw new ERR_INVALID_THIS(tag); }
      } }[name],
      enumerable: true, configurable: true,
    });
  }
}

const web = {
  ReadableStream, ReadableStreamDefaultReader, ReadableStreamBYOBReader, ReadableStreamBYOBRequest,
  ReadableByteStreamController, ReadableStreamDefaultController, TransformStream, TransformStreamDefaultController,
  WritableStream, WritableStreamDefaultWriter, WritableStreamDefaultController, ByteLengthQueuingStrategy,
  CountQueuingStrategy, TextEncoderStream, TextDecoderStream, CompressionStream, DecompressionStream,
};

// The globals are accessors the bootstrap defines in Node's place, which give these
// classes once this module is installed (internal/lazy_globals.js).

export default web;
