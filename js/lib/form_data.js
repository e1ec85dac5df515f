'use strict';
// require('form-data'): the npm form-data package's API and byte-exact multipart
// output (v4), built in memory: append strings, numbers, Buffers, typed arrays and
// Blobs; getHeaders, getBoundary/setBoundary, getBuffer, getLengthSync. Streams,
// pipe() and submit() need Node's network stack and are not available.

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
    else throw new TypeError('form-data in code blocks accepts strings, numbers, Buffers, typed arrays and Blobs');
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

  getBuffer() {
    const boundary = this.getBoundary();
    const chunks = [];
    for (const [header, body] of this.#parts) {
      chunks.push(Buffer.from(`--${boundary}\r\n${header}\r\n`), body, Buffer.from('\r\n'));
    }
    chunks.push(Buffer.from(`--${boundary}--\r\n`));
    return Buffer.concat(chunks);
  }

  getLengthSync() { return this.getBuffer().length; }
  hasKnownLength() { return true; }
  getLength(callback) { queueMicrotask(() => callback(null, this.getLengthSync())); }
  toString() { return '[object FormData]'; }
  pipe() { throw new Error('form-data streams are not available in code blocks: use getBuffer() and getHeaders()'); }
  submit() { throw new Error('form-data submit() is not available in code blocks: send getBuffer() with fetch or axios'); }
}

export default FormData;
