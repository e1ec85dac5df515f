'use strict';
// Blob and File (the web classes Node exposes as globals), in memory.

import { invalidArgType } from './node_errors.js';
import { utf8Decode, utf8Length, utf8Write } from './encoding.js';

// Registered, so module bundles (form-data) that carry their own copy can read it.
const kBytes = Symbol.for('flow.blob.bytes');

function partBytes(part) {
  if (part instanceof Blob) return part[kBytes];
  if (part instanceof ArrayBuffer) return new Uint8Array(part.slice(0));
  if (ArrayBuffer.isView(part)) return new Uint8Array(part.buffer.slice(part.byteOffset, part.byteOffset + part.byteLength));
  const text = `${part}`;
  const bytes = new Uint8Array(utf8Length(text));
  utf8Write(bytes, text);
  return bytes;
}

class Blob {
  #type;
  constructor(sources = [], options = undefined) {
    if (sources === null || typeof sources !== 'object' || typeof sources[Symbol.iterator] !== 'function') {
      throw invalidArgType('sources', ['sequence<ArrayBuffer|TypedArray|DataView|Blob|string>'], sources);
    }
    const parts = [...sources].map(partBytes);
    const bytes = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
    let offset = 0;
    for (const p of parts) { bytes.set(p, offset); offset += p.length; }
    Object.defineProperty(this, kBytes, { value: bytes });
    const type = options?.type === undefined ? '' : `${options.type}`;
    this.#type = /^[\x20-\x7e]*$/.test(type) ? type.toLowerCase() : '';
  }
  get size() { return this[kBytes].length; }
  get type() { return this.#type; }
  slice(start = 0, end = this.size, type = '') {
    const size = this.size;
    const from = start < 0 ? Math.max(size + start, 0) : Math.min(start, size);
    const to = end < 0 ? Math.max(size + end, 0) : Math.min(end, size);
    return new Blob([this[kBytes].subarray(from, Math.max(from, to))], { type });
  }
  async arrayBuffer() { return this[kBytes].slice().buffer; }
  async text() { return utf8Decode(this[kBytes], 0, this.size); }
  async bytes() { return this[kBytes].slice(); }
}
Object.defineProperty(Blob.prototype, Symbol.toStringTag, { value: 'Blob', configurable: true });

class File extends Blob {
  #name; #lastModified;
  constructor(bits, name, options = undefined) {
    if (arguments.length < 2) {
      const err = new TypeError('The "fileBits" and "fileName" arguments must be specified');
      err.code = 'ERR_MISSING_ARGS';
      throw err;
    }
    super(bits, options);
    this.#name = `${name}`;
    this.#lastModified = options?.lastModified === undefined ? Date.now() : Number(options.lastModified);
  }
  get name() { return this.#name; }
  get lastModified() { return this.#lastModified; }
}
Object.defineProperty(File.prototype, Symbol.toStringTag, { value: 'File', configurable: true });

export { Blob, File, kBytes };
