'use strict';
// Blob and File (the web classes Node exposes as globals), in memory, as Node 24's
// lib/internal/blob.js and lib/internal/file.js: WebIDL conversions of the sources,
// options and slice arguments with Node's errors, `endings`, type normalisation,
// ERR_INVALID_THIS for foreign receivers, enumerable prototype members.

import { codes, describeReceived, plain } from './errors.js';
import { TextDecoder, allocate, utf8Length, utf8Write } from './encoding.js';
import {
  ArrayBufferIsView, DateNow, MathFloor, MathMax, MathMin, MathRound, NumberIsNaN, NumberMAX_SAFE_INTEGER,
  NumberMIN_SAFE_INTEGER, Number_, ObjectDefineProperties, ObjectPrototypeToString, PromiseReject, PromiseResolve,
  ReflectApply, SymbolFor, SymbolIterator, SymbolToStringTag, Uint8Array_,
} from './primordials.js';

const { ERR_INVALID_ARG_TYPE, ERR_INVALID_ARG_VALUE, ERR_INVALID_THIS, ERR_MISSING_ARGS, ERR_NOT_SUPPORTED } = codes;

// Registered, so module bundles (form-data) that carry their own copy can read it.
const kBytes = SymbolFor('flow.blob.bytes');
const kInspect = SymbolFor('nodejs.util.inspect.custom');
const disallowedTypeCharacters = /[^\u{0020}-\u{007E}]/u;
const EOL = '\n';

function isAnyArrayBuffer(value) {
  const tag = ObjectPrototypeToString(value);
  return tag === '[object ArrayBuffer]' || tag === '[object SharedArrayBuffer]';
}

// Node's makeException (lib/internal/webidl.js): ERR_INVALID_ARG_TYPE with a context.
function webidlError(message) {
  return new plain.ERR_INVALID_ARG_TYPE(message);
}

function invalidThis(type) {
  return new ERR_INVALID_THIS(type);
}

// sequence<(ArrayBuffer or ArrayBufferView or Blob or USVString)>.
function convertSources(sources) {
  if (sources === null || (typeof sources !== 'object' && typeof sources !== 'function')) {
    throw webidlError('Value cannot be converted to sequence.');
  }
  const method = sources[SymbolIterator];
  if (typeof method !== 'function') throw webidlError('Value cannot be converted to sequence.');
  const iterator = ReflectApply(method, sources, []);
  const out = [];
  for (;;) {
    const res = iterator.next();
    if (res === null || typeof res !== 'object') throw webidlError('Value cannot be converted to sequence.');
    if (res.done === true) break;
    const value = res.value;
    if (isBlob(value) || isAnyArrayBuffer(value) || ArrayBufferIsView(value)) out[out.length] = value;
    else if (typeof value === 'symbol') {
      throw webidlError(`Value[${out.length}] is a Symbol and cannot be converted to a string.`);
    } else out[out.length] = `${value}`;
  }
  return out;
}

// A copy of one source's bytes (Blobs are immutable: later changes to a source are not seen).
function sourceBytes(source, endings) {
  if (isBlob(source)) return blobBytes(source);
  if (isAnyArrayBuffer(source)) return new Uint8Array_(source).slice();
  if (ArrayBufferIsView(source)) return new Uint8Array_(source.buffer, source.byteOffset, source.byteLength).slice();
  if (endings === 'native') source = source.replace(/\r\n|\r|\n/g, EOL);
  const bytes = allocate(Uint8Array_, utf8Length(source));
  utf8Write(bytes, source);
  return bytes;
}

// WebIDL `long long` with [Clamp] (slice's start and end).
function toClampedLongLong(value, context) {
  if (typeof value === 'bigint') throw webidlError(`${context} is a BigInt and cannot be converted to a number.`);
  if (typeof value === 'symbol') throw webidlError(`${context} is a Symbol and cannot be converted to a number.`);
  let x = Number_(value);
  if (NumberIsNaN(x)) return 0;
  x = MathMin(MathMax(x, NumberMIN_SAFE_INTEGER), NumberMAX_SAFE_INTEGER);
  // Round half to even, as WebIDL's [Clamp].
  const floor = MathFloor(x);
  const diff = x - floor;
  if (diff === 0.5) x = floor % 2 === 0 ? floor : floor + 1;
  else x = MathRound(x);
  return x === 0 ? 0 : x;
}

function normalizeType(type) {
  type = `${type}`;
  return disallowedTypeCharacters.test(type) ? '' : type.toLowerCase();
}

let blobType;
let blobBytes; // (blob) => its bytes, or undefined for anything not a Blob
function isBlob(value) { return value !== null && typeof value === 'object' && blobBytes(value) !== undefined; }

// A Blob of these bytes (not copied) and type, as Node's createBlob.
function makeBlob(bytes, type) {
  const blob = new Blob();
  initBlob(blob, bytes, type);
  return blob;
}
let initBlob;

// Not streaming, so it keeps no state between decodes; code blocks cannot reach it.
const decoder = new TextDecoder();

const Blob = class {
  #bytes;
  #type;

  static {
    blobBytes = (value) => (#bytes in value ? value.#bytes : undefined);
    blobType = (blob) => blob.#type;
    initBlob = (blob, bytes, type) => { blob.#bytes = bytes; blob.#type = type; };
  }

  constructor(sources = [], options = undefined) {
    const parts = convertSources(sources);
    if (options != null && typeof options !== 'object' && typeof options !== 'function') {
      throw new ERR_INVALID_ARG_TYPE(
        `The "options" argument must be a dictionary.${describeReceived(options)}`);
    }
    let { endings = 'transparent', type = '' } = options ?? {};
    endings = `${endings}`;
    if (endings !== 'transparent' && endings !== 'native') throw new ERR_INVALID_ARG_VALUE('options.endings', endings);
    let length = 0;
    for (let i = 0; i < parts.length; i++) {
      parts[i] = sourceBytes(parts[i], endings);
      length += parts[i].length;
    }
    const bytes = allocate(Uint8Array_, length);
    let offset = 0;
    for (let i = 0; i < parts.length; i++) { bytes.set(parts[i], offset); offset += parts[i].length; }
    this.#bytes = bytes;
    this.#type = normalizeType(type);
  }

  get type() {
    if (!isBlob(this)) throw invalidThis('Blob');
    return this.#type;
  }

  get size() {
    if (!isBlob(this)) throw invalidThis('Blob');
    return this.#bytes.length;
  }

  slice(start = 0, end = isBlob(this) ? this.#bytes.length : 0, contentType = '') {
    if (!isBlob(this)) throw invalidThis('Blob');
    const size = this.#bytes.length;
    start = toClampedLongLong(start, 'start');
    end = toClampedLongLong(end, 'end');
    start = start < 0 ? MathMax(size + start, 0) : MathMin(start, size);
    end = end < 0 ? MathMax(size + end, 0) : MathMin(end, size);
    contentType = normalizeType(contentType);
    const span = MathMax(end - start, 0);
    return makeBlob(this.#bytes.subarray(start, start + span), contentType);
  }

  arrayBuffer() {
    if (!isBlob(this)) return PromiseReject(invalidThis('Blob'));
    return PromiseResolve(this.#bytes.slice().buffer);
  }

  text() {
    if (!isBlob(this)) return PromiseReject(invalidThis('Blob'));
    return PromiseResolve(decoder.decode(this.#bytes));
  }

  bytes() {
    if (!isBlob(this)) return PromiseReject(invalidThis('Blob'));
    return PromiseResolve(this.#bytes.slice());
  }

  // The web streams are a lazy module (stream_web.js): there once the code names one of them.
  stream() {
    if (!isBlob(this)) throw invalidThis('Blob');
    const { ReadableStream } = globalThis;
    if (typeof ReadableStream !== 'function') {
      throw new ERR_NOT_SUPPORTED('Blob.stream() needs the web streams: name ReadableStream in the code block, ' +
        "or require('stream/web'), so that the service loads them");
    }
    const bytes = this.#bytes.slice();
    return new ReadableStream({
      start(controller) {
        if (bytes.length) controller.enqueue(bytes);
        controller.close();
      },
    });
  }

  textStream() {
    if (!isBlob(this)) throw invalidThis('Blob');
    const { TextDecoderStream } = globalThis;
    const stream = this.stream();
    if (typeof TextDecoderStream !== 'function') {
      throw new ERR_NOT_SUPPORTED('Blob.textStream() needs TextDecoderStream: name it in the code block so that the ' +
        'service loads the web streams');
    }
    return stream.pipeThrough(new TextDecoderStream());
  }

  // A copy of the bytes, for fetch and form-data (which check `instanceof Blob` first):
  // the symbol is registered, and a Blob stays immutable.
  get [kBytes]() { return this.#bytes.slice(); }

  [kInspect](depth, options, inspect) {
    if (depth < 0) return this;
    return `Blob ${inspect({ size: this.size, type: this.type }, options)}`;
  }
};

const kEnumerable = { enumerable: true };
ObjectDefineProperties(Blob.prototype, {
  size: kEnumerable, type: kEnumerable, slice: kEnumerable, arrayBuffer: kEnumerable, text: kEnumerable,
  bytes: kEnumerable, stream: kEnumerable, textStream: kEnumerable,
  [SymbolToStringTag]: { value: 'Blob', configurable: true, writable: false, enumerable: false },
});

let fileState;

const File = class extends Blob {
  #name;
  #lastModified;

  static {
    fileState = (value) => (#name in value ? value : undefined);
  }

  constructor(fileBits, fileName, options = {}) {
    if (arguments.length < 2) {
      throw new ERR_MISSING_ARGS('fileBits', 'fileName');
    }
    super(fileBits, options);
    let { lastModified } = options ?? {};
    if (lastModified !== undefined) {
      lastModified = +lastModified; // a BigInt throws here, as in Node
      if (NumberIsNaN(lastModified)) lastModified = 0;
    } else lastModified = DateNow();
    this.#name = `${fileName}`.toWellFormed();
    this.#lastModified = lastModified;
  }

  get name() {
    if (!isFile(this)) throw invalidThis('File');
    return this.#name;
  }

  get lastModified() {
    if (!isFile(this)) throw invalidThis('File');
    return this.#lastModified;
  }

  [kInspect](depth, options, inspect) {
    if (depth < 0) return this;
    return `File ${inspect({ size: this.size, type: this.type, name: this.#name, lastModified: this.#lastModified }, options)}`;
  }
};

function isFile(value) { return value !== null && typeof value === 'object' && fileState(value) !== undefined; }

ObjectDefineProperties(File.prototype, {
  name: kEnumerable, lastModified: kEnumerable,
  [SymbolToStringTag]: { value: 'File', configurable: true, writable: false, enumerable: false },
});

// structuredClone of a Blob or File (Node's kClone/kDeserialize): the same bytes, type,
// name and lastModified.
function cloneBlob(blob) {
  if (isFile(blob)) return new File([blob], blob.name, { type: blob.type, lastModified: blob.lastModified });
  return makeBlob(blobBytes(blob), blobType(blob));
}

// The bytes of a Blob (shared, never to be written) and its type, or undefined.
function blobData(value) {
  if (!isBlob(value)) return undefined;
  return { bytes: blobBytes(value), type: blobType(value) };
}

export { Blob, File, kBytes, isBlob, cloneBlob, blobData };
