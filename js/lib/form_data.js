'use strict';
// require('form-data'): the npm form-data package's API and byte-exact multipart
// output (v4): append strings, numbers, Buffers, typed arrays, Blobs and Node Readables
// (or any async iterable of chunks: a fetch body, axios's responseType 'stream');
// getHeaders, getBoundary/setBoundary, getBuffer and getLengthSync (parts in memory),
// pipe(dest) (every part, streams read as they are piped). fetch and axios send a form
// with stream parts by reading it through (FORM_STREAM below), within the execution's
// ArrayBuffer budget. submit() needs Node's network stack and is not available.

import { kBytes } from './internal/blob.js';

// The global Blob (this bundle's own copy of the class would be a different one).
const { Blob } = globalThis;

const MIME = {
  txt: 'text/plain', csv: 'text/csv', html: 'text/html', htm: 'text/html', css: 'text/css', js: 'application/javascript',
  json: 'application/json', xml: 'application/xml', pdf: 'application/pdf', zip: 'application/zip',
  png: 'image/png', jpg: 'image/jpeg', jpeg: 'image/jpeg', gif: 'image/gif', svg: 'image/svg+xml', webp: 'image/webp',
  bmp: 'image/bmp', ico: 'image/vnd.microsoft.icon', mp3: 'audio/mpeg', wav: 'audio/wav', mp4: 'video/mp4',
  xlsx: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet', xls: 'application/vnd.ms-excel',
  docx: 'application/vnd.openxmlformats-officedocument.wordprocessingml.document', doc: 'application/msword',
  md: 'text/markdown', yaml: 'text/yaml', yml: 'text/yaml', gz: 'application/gzip', tar: 'application/x-tar',
};

function lookup(filename) {
  const ext = `${filename}`.split('.').pop().toLowerCase();
  return MIME[ext];
}

function randomBoundary() {
  const bytes = globalThis.crypto.getRandomValues(new Uint8Array(12));
  return '-'.repeat(26) + Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('');
}

// The form as a web ReadableStream of its bytes, for fetch (lib/fetch.js): null when every
// part is in memory (getBuffer serves). A registry symbol: fetch is another bundle.
const FORM_STREAM = Symbol.for('flow-codeblock.form-data.stream');

function isStreamPart(value) {
  return value !== null && typeof value === 'object' &&
    ((typeof value.pipe === 'function' && typeof value.on === 'function') || typeof value[Symbol.asyncIterator] === 'function');
}

function toBuffer(chunk) {
  if (typeof chunk === 'string') return Buffer.from(chunk);
  if (ArrayBuffer.isView(chunk)) return Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength);
  if (chunk instanceof ArrayBuffer) return Buffer.from(chunk);
  throw new TypeError('form-data: a stream part gave a chunk that is not a string, Buffer or typed array');
}

class FormData {
  #boundary = null;
  #parts = []; // [header string, body bytes]

  append(field, value, options) {
    const opts = typeof options === 'string' ? { filename: options } : options ?? {};
    if (typeof value === 'number') value = `${value}`;
    if (Array.isArray(value)) throw new Error('Arrays are not supported.');
    let body;
    if (typeof value === 'string') body = Buffer.from(value);
    else if (value instanceof Blob) body = Buffer.from(value[kBytes]);
    else if (ArrayBuffer.isView(value)) body = Buffer.from(value.buffer, value.byteOffset, value.byteLength);
    else if (value instanceof ArrayBuffer) body = Buffer.from(value);
    else if (isStreamPart(value)) body = { stream: value, knownLength: opts.knownLength };
    else throw new TypeError('form-data in code blocks accepts strings, numbers, Buffers, typed arrays, Blobs and Readables');
    const filename = opts.filename ?? opts.filepath ?? (value instanceof Blob && value.name ? value.name : undefined);
    let contentType = opts.contentType;
    if (!contentType && filename) contentType = lookup(filename);
    if (!contentType && value instanceof Blob && value.type) contentType = value.type;
    if (!contentType && typeof value === 'object') contentType = 'application/octet-stream';
    let header = `Content-Disposition: form-data; name="${field}"`;
    if (filename) header += `; filename="${`${filename}`.split(/[\\/]/).pop()}"`;
    header += '\r\n';
    if (contentType) header += `Content-Type: ${contentType}\r\n`;
    this.#parts.push([header, body]);
  }

  getBoundary() {
    if (this.#boundary === null) this.#boundary = randomBoundary();
    return this.#boundary;
  }

  setBoundary(boundary) {
    if (typeof boundary !== 'string') throw new TypeError('FormData boundary must be a string');
    this.#boundary = boundary;
  }

  getHeaders(userHeaders = {}) {
    const headers = { 'content-type': `multipart/form-data; boundary=${this.getBoundary()}` };
    for (const key of Object.keys(userHeaders)) headers[key.toLowerCase()] = userHeaders[key];
    return headers;
  }

  #hasStreams() {
    return this.#parts.some(([, body]) => !Buffer.isBuffer(body));
  }

  getBuffer() {
    if (this.#hasStreams()) {
      throw new TypeError('form-data: getBuffer() cannot read stream parts; send the form with pipe(), fetch or axios');
    }
    const boundary = this.getBoundary();
    const chunks = [];
    for (const [header, body] of this.#parts) {
      chunks.push(Buffer.from(`--${boundary}\r\n${header}\r\n`), body, Buffer.from('\r\n'));
    }
    chunks.push(Buffer.from(`--${boundary}--\r\n`));
    return Buffer.concat(chunks);
  }

  // The form's bytes in order, stream parts read as they come.
  async * #chunks() {
    const boundary = this.getBoundary();
    for (const [header, body] of this.#parts) {
      yield Buffer.from(`--${boundary}\r\n${header}\r\n`);
      if (Buffer.isBuffer(body)) yield body;
      else for await (const chunk of body.stream) yield toBuffer(chunk);
      yield Buffer.from('\r\n');
    }
    yield Buffer.from(`--${boundary}--\r\n`);
  }

  getLengthSync() {
    if (!this.hasKnownLength()) throw new Error('Cannot calculate proper length in synchronous way.');
    const boundary = this.getBoundary();
    let length = Buffer.byteLength(`--${boundary}--\r\n`);
    for (const [header, body] of this.#parts) {
      length += Buffer.byteLength(`--${boundary}\r\n${header}\r\n`) + 2 +
        (Buffer.isBuffer(body) ? body.length : body.knownLength);
    }
    return length;
  }

  hasKnownLength() { return this.#parts.every(([, body]) => Buffer.isBuffer(body) || Number.isFinite(body.knownLength)); }
  getLength(callback) {
    queueMicrotask(() => {
      let length;
      try { length = this.getLengthSync(); } catch (err) { callback(err); return; }
      callback(null, length);
    });
  }
  toString() { return '[object FormData]'; }

  // Writes every part to `dest` (a Node Writable), waiting for 'drain' when it asks,
  // then ends it unless { end: false }; a failing part destroys `dest` with its error.
  pipe(dest, options = undefined) {
    const chunks = this.#chunks();
    (async () => {
      for await (const chunk of chunks) {
        if (!dest.write(chunk)) await new Promise((resolve) => dest.once('drain', resolve));
      }
      if (options?.end !== false) dest.end();
    })().catch((err) => {
      if (typeof dest.destroy === 'function') dest.destroy(err);
    });
    return dest;
  }

  [FORM_STREAM]() {
    if (!this.#hasStreams()) return null;
    const chunks = this.#chunks();
    return new globalThis.ReadableStream({
      async pull(controller) {
        const { done, value } = await chunks.next();
        if (done) controller.close();
        else controller.enqueue(new Uint8Array(value.buffer, value.byteOffset, value.byteLength));
      },
      async cancel() { await chunks.return(); },
    });
  }

  submit() { throw new Error('form-data submit() is not available in code blocks: send getBuffer() with fetch or axios'); }
}

export default FormData;
