'use strict';
// fetch, Headers, Request, Response and FormData, as Node (undici) provides them.
// The request itself runs in the host (outbound.py): this module builds it, sends it
// through the host channel (internal/host.js) and wraps the answer. Installed the
// first time a code block names one of these globals (js/build.mjs "globals"),
// after 'url', whose URL class it uses.
//
// A fetched response's body stays in the host (outbound.OpenBody) but for its first chunk:
// `body` is a byte ReadableStream that pulls the rest chunk by chunk (host ops fetch.read
// and fetch.close), and text()/json()/arrayBuffer()/blob() read through it. Its state is
// the response's own (no module state); bodies left open are closed by the host when
// the execution ends.
//
// Not provided: priority; keepalive and the other RequestInit hints read back as given.

import { kBytes } from './internal/blob.js';
import { plain, systemError } from './internal/errors.js';
import table from '../../src/flow_codeblock/bridge_constants.json' with { type: 'json' };

const { hostCall, hostCancel, SecurityError } = require('internal:host');
const { URL, URLSearchParams } = require('url');
const { ReadableStream } = require('stream/web');
const { Blob, File, Buffer, AbortSignal, TextDecoder } = globalThis;

const { fetch: FETCH, fetchRead: FETCH_READ, fetchClose: FETCH_CLOSE } = table.hostOps;

// form-data's (lib/form_data.js) form as a stream, when it has Readable parts.
const FORM_STREAM = Symbol.for('flow-codeblock.form-data.stream');

const decoder = new TextDecoder();
const encoder = new TextEncoder();

// -- Headers ---------------------------------------------------------------------------

const TOKEN = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/;
const kGuard = Symbol('guard');
const kList = Symbol('list');

function normalizeValue(value) {
  return `${value}`.replace(/^[\t\n\r ]+|[\t\n\r ]+$/g, '');
}

// Header values are ByteStrings (WebIDL): one byte per character, as Node's undici checks.
function checkByteString(value) {
  for (let i = 0; i < value.length; i++) {
    const code = value.charCodeAt(i);
    if (code > 255) {
      throw new TypeError('Cannot convert argument to a ByteString because the character at index ' +
        `${i} has a value of ${code} which is greater than 255.`);
    }
  }
}

class Headers {
  constructor(init = undefined) {
    this[kList] = new Map(); // lower-case name -> [name, values[]]
    this[kGuard] = 'none';
    if (init === undefined || init === null) {
      if (init === null) throw new TypeError("Headers constructor: Expected init (null) to be an instance of Record<ByteString, ByteString> or Sequence<Sequence<ByteString>>.");
      return;
    }
    if (typeof init !== 'object' && typeof init !== 'function') {
      throw new TypeError(`Headers constructor: Expected init (${String(init)}) to be an instance of Record<ByteString, ByteString> or Sequence<Sequence<ByteString>>.`);
    }
    if (init instanceof Headers) {
      for (const [name, value] of init[kList].values()) for (const v of value) this.append(name, v);
    } else if (typeof init[Symbol.iterator] === 'function') {
      for (const pair of init) {
        const entry = [...pair];
        if (entry.length !== 2) {
          throw new TypeError(`Headers constructor: expected name/value pair to be length 2, found ${entry.length}.`);
        }
        this.append(entry[0], entry[1]);
      }
    } else {
      for (const key of Reflect.ownKeys(init)) {
        if (typeof key === 'symbol' || !Object.prototype.propertyIsEnumerable.call(init, key)) continue;
        this.append(key, init[key]);
      }
    }
  }

  #check(method, name, value) {
    name = `${name}`;
    if (!TOKEN.test(name)) throw new TypeError(`Headers.${method}: "${name}" is an invalid header name.`);
    if (value !== undefined && /[\0\r\n]/.test(value)) {
      throw new TypeError(`Headers.${method}: "${value}" is an invalid header value.`);
    }
    if (value !== undefined) checkByteString(value);
    if (this[kGuard] === 'immutable') throw new TypeError('immutable');
    return name;
  }

  append(name, value) {
    value = normalizeValue(value);
    name = this.#check('append', name, value);
    const key = name.toLowerCase();
    const entry = this[kList].get(key);
    if (entry) entry[1].push(value);
    else this[kList].set(key, [key, [value]]);
  }

  set(name, value) {
    value = normalizeValue(value);
    name = this.#check('set', name, value);
    this[kList].set(name.toLowerCase(), [name.toLowerCase(), [value]]);
  }

  delete(name) {
    name = this.#check('delete', name);
    this[kList].delete(name.toLowerCase());
  }

  get(name) {
    name = `${name}`;
    if (!TOKEN.test(name)) throw new TypeError(`Headers.get: "${name}" is an invalid header name.`);
    const entry = this[kList].get(name.toLowerCase());
    return entry ? entry[1].join(', ') : null;
  }

  has(name) {
    name = `${name}`;
    if (!TOKEN.test(name)) throw new TypeError(`Headers.has: "${name}" is an invalid header name.`);
    return this[kList].has(name.toLowerCase());
  }

  getSetCookie() {
    const entry = this[kList].get('set-cookie');
    return entry ? [...entry[1]] : [];
  }

  * entries() {
    const names = [...this[kList].keys()].sort();
    for (const name of names) {
      const values = this[kList].get(name)?.[1];
      if (values === undefined) continue;
      if (name === 'set-cookie') for (const v of values) yield [name, v];
      else yield [name, values.join(', ')];
    }
  }

  * keys() { for (const [name] of this.entries()) yield name; }
  * values() { for (const [, value] of this.entries()) yield value; }
  forEach(callback, thisArg = undefined) {
    if (typeof callback !== 'function') {
      throw new TypeError("Headers.forEach: Expected callback to be a function.");
    }
    for (const [name, value] of this.entries()) callback.call(thisArg, value, name, this);
  }
  [Symbol.iterator]() { return this.entries(); }
}
Object.defineProperty(Headers.prototype, Symbol.toStringTag, { value: 'Headers', configurable: true });

function headerList(headers) {
  const out = [];
  for (const [name, values] of headers[kList].values()) for (const v of values) out.push([name, v]);
  return out;
}

// -- bodies ----------------------------------------------------------------------------

const kBody = Symbol('body'); // { bytes: Uint8Array } | null, plus `used`
const kHeaders = Symbol('headers');

function bytesOf(view) {
  return new Uint8Array(view.buffer.slice(view.byteOffset, view.byteOffset + view.byteLength));
}

function isFormDataPackage(body) {
  return body !== null && typeof body === 'object' && typeof body.getBuffer === 'function' &&
    typeof body.getHeaders === 'function';
}

// A web ReadableStream (stream_web.js), told by its shape: the web streams are a module of
// their own, which fetch does not load.
function isReadableStream(body) {
  return body !== null && typeof body === 'object' && typeof body.getReader === 'function' &&
    typeof body.pipeThrough === 'function' && typeof body.tee === 'function';
}

// The body as bytes plus the Content-Type it implies (fetch standard "extract a body"); a
// ReadableStream stays a stream, read when the body is consumed.
function extractBody(body) {
  if (isReadableStream(body)) {
    if (body.locked) throw new TypeError('Response body object should not be disturbed or locked');
    return { bytes: null, stream: body, type: null };
  }
  if (typeof body === 'string') return { bytes: encoder.encode(body), type: 'text/plain;charset=UTF-8' };
  if (body instanceof URLSearchParams) {
    return { bytes: encoder.encode(body.toString()), type: 'application/x-www-form-urlencoded;charset=UTF-8' };
  }
  if (body instanceof ArrayBuffer) return { bytes: new Uint8Array(body.slice(0)), type: null };
  if (ArrayBuffer.isView(body)) return { bytes: bytesOf(body), type: null };
  if (body instanceof Blob) return { bytes: body[kBytes].slice(), type: body.type || null };
  if (body instanceof FormData) return encodeMultipart(body);
  if (isFormDataPackage(body)) { // the npm form-data package
    const type = body.getHeaders()['content-type'];
    const stream = typeof body[FORM_STREAM] === 'function' ? body[FORM_STREAM]() : null;
    if (stream !== null) return { bytes: null, stream, type }; // Readable parts: read when sent
    return { bytes: bytesOf(body.getBuffer()), type };
  }
  return { bytes: encoder.encode(`${body}`), type: 'text/plain;charset=UTF-8' };
}

function initBody(target, body, headers) {
  if (body === undefined || body === null) {
    target[kBody] = null;
    return;
  }
  const { bytes, stream, type } = extractBody(body);
  target[kBody] = { bytes, stream, used: false };
  if (type !== null && !headers.has('content-type')) headers.append('content-type', type);
}

function consume(target) {
  const body = target[kBody];
  if (body === null) return new Uint8Array(0);
  if (body.used) throw new TypeError('Body is unusable: Body has already been read');
  body.used = true;
  return body.bytes;
}

// All of a stream body's chunks as one Uint8Array, as undici reads it.
async function collect(stream) {
  const reader = stream.getReader();
  const chunks = [];
  let total = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    if (!(value instanceof Uint8Array)) throw new TypeError('Received non-Uint8Array chunk');
    chunks.push(value);
    total += value.byteLength;
  }
  const out = new Uint8Array(total);
  let at = 0;
  for (const chunk of chunks) {
    out.set(chunk, at);
    at += chunk.byteLength;
  }
  return out;
}

function readAs(target, convert) {
  const body = target[kBody];
  if (body !== null && body.stream !== undefined) {
    if (body.used || body.stream.locked || body.host?.disturbed) {
      return Promise.reject(new TypeError('Body is unusable: Body has already been read'));
    }
    body.used = true;
    if (body.host) body.host.buffered = true; // held to FETCH_MAX_RESPONSE_BYTES, not the streaming limit
    return collect(body.stream).then(convert);
  }
  try {
    return Promise.resolve(convert(consume(target)));
  } catch (err) {
    return Promise.reject(err);
  }
}

// A body given as bytes becomes a byte stream the first time `body` is asked for.
function bytesStream(body) {
  const bytes = body.bytes;
  const stream = new ReadableStream({
    type: 'bytes',
    start(controller) {
      if (bytes.byteLength > 0) controller.enqueue(bytes.slice());
      controller.close();
    },
  });
  if (body.used) stream.getReader(); // consumed already: locked, as undici's
  return stream;
}

// A Content-Type as undici serialises it for blob(): essence and parameter names in lower
// case, parameters joined by ';' without spaces; '' when it does not parse.
function mimeType(value) {
  const [essence, ...params] = value.split(';');
  const [type, subtype] = essence.trim().toLowerCase().split('/');
  if (!type || !subtype || !TOKEN.test(type) || !TOKEN.test(subtype)) return '';
  let out = `${type}/${subtype}`;
  for (const param of params) {
    const eq = param.indexOf('=');
    if (eq === -1) continue;
    const name = param.slice(0, eq).trim().toLowerCase();
    const v = param.slice(eq + 1).trim();
    if (name && TOKEN.test(name) && v !== '') out += `;${name}=${v}`;
  }
  return out;
}

const bodyMethods = {
  get body() {
    if (this[kBody] === null) return null;
    const body = this[kBody];
    if (body.stream === undefined) body.stream = bytesStream(body);
    return body.stream;
  },
  get bodyUsed() { return this[kBody] !== null && (this[kBody].used || this[kBody].host?.disturbed === true); },
  arrayBuffer() { return readAs(this, (bytes) => bytes.slice().buffer); },
  bytes() { return readAs(this, (bytes) => bytes.slice()); },
  text() { return readAs(this, (bytes) => decoder.decode(bytes)); },
  json() { return readAs(this, (bytes) => JSON.parse(decoder.decode(bytes))); },
  blob() {
    const type = mimeType(this[kHeaders].get('content-type') ?? '');
    return readAs(this, (bytes) => new Blob([bytes], { type }));
  },
  formData() {
    const type = this[kHeaders].get('content-type') ?? '';
    return readAs(this, (bytes) => {
      const essence = type.split(';')[0].trim().toLowerCase();
      if (essence === 'multipart/form-data') return parseMultipart(bytes, type);
      if (essence !== 'application/x-www-form-urlencoded') {
        throw new TypeError('Content-Type was not one of "multipart/form-data" or "application/x-www-form-urlencoded".');
      }
      const form = new FormData();
      for (const [k, v] of new URLSearchParams(decoder.decode(bytes))) form.append(k, v);
      return form;
    });
  },
};

function mixBody(cls) {
  for (const key of Reflect.ownKeys(bodyMethods)) {
    const desc = Object.getOwnPropertyDescriptor(bodyMethods, key);
    desc.enumerable = true;
    Object.defineProperty(cls.prototype, key, desc);
  }
}

function cloneBody(source, target) {
  const body = source[kBody];
  if (body !== null && (body.used || body.host?.disturbed)) {
    // Named here: the bundle is minified, constructor names are not kept.
    throw new TypeError(`${source instanceof Request ? 'Request' : 'Response'}.clone: Body has already been consumed.`);
  }
  if (body !== null && body.stream !== undefined) {
    const [mine, theirs] = body.stream.tee();
    body.stream = mine;
    target[kBody] = { bytes: null, stream: theirs, used: false };
    return;
  }
  target[kBody] = body === null ? null : { bytes: body.bytes, used: false };
}

// -- FormData (WHATWG) -----------------------------------------------------------------

// As undici's (lib/web/fetch/formdata.js, lib/web/webidl): brand checks, argument
// counts, USVString names and values, Blobs wrapped in Files; its iterators read the
// live entry list by index.

function webidlError(prefix, message) { return new TypeError(`${prefix}: ${message}`); }

function illegalInvocation() {
  return new plain.ERR_INVALID_THIS('Illegal invocation');
}

function argumentLengthCheck(length, min, prefix) {
  if (length < min) {
    throw webidlError(prefix, `${min} argument${min !== 1 ? 's' : ''} required, but${length ? ' only' : ''} ${length} found.`);
  }
}

const usvString = (value) => `${value}`.toWellFormed();

// webidl.util.Stringify, as undici quotes a value in its messages.
function stringify(value) {
  if (typeof value === 'symbol') return `Symbol(${value.description})`;
  if (typeof value === 'string') return `"${value}"`;
  if (value !== null && (typeof value === 'object' || typeof value === 'function')) {
    return require('util').inspect(value);
  }
  return `${value}`;
}

function makeEntry(name, value, filename) {
  if (typeof value !== 'string') {
    if (!(value instanceof File)) value = new File([value], 'blob', { type: value.type });
    if (filename !== undefined) value = new File([value], filename, { type: value.type, lastModified: value.lastModified });
  }
  return { name, value };
}

function entryArguments(args, prefix) {
  const [, value, filename] = args;
  argumentLengthCheck(args.length, 2, prefix);
  const name = usvString(args[0]);
  if (args.length === 3 || value instanceof Blob) {
    if (!(value instanceof Blob)) throw webidlError(prefix, `Expected value ("${stringify(value)}") to be an instance of Blob.`);
    return makeEntry(name, value, filename === undefined ? undefined : usvString(filename));
  }
  return makeEntry(name, usvString(value));
}

let formState; // (form) => its entry list, for the iterators and the multipart encoder

const FormData = ({ _FormData: class {
  #state = [];

  static {
    formState = (form) => {
      if (form === null || typeof form !== 'object' || !(#state in form)) throw illegalInvocation();
      return form.#state;
    };
  }

  constructor(form = undefined) {
    if (form !== undefined) throw webidlError('FormData constructor', 'Argument 1 could not be converted to: undefined.');
  }

  append(name, value, filename = undefined) {
    formState(this);
    formState(this).push(entryArguments(arguments, 'FormData.append'));
  }

  delete(name) {
    formState(this);
    argumentLengthCheck(arguments.length, 1, 'FormData.delete');
    name = usvString(name);
    this.#state = this.#state.filter((entry) => entry.name !== name);
  }

  get(name) {
    formState(this);
    argumentLengthCheck(arguments.length, 1, 'FormData.get');
    name = usvString(name);
    const index = this.#state.findIndex((entry) => entry.name === name);
    return index === -1 ? null : this.#state[index].value;
  }

  getAll(name) {
    formState(this);
    argumentLengthCheck(arguments.length, 1, 'FormData.getAll');
    name = usvString(name);
    return this.#state.filter((entry) => entry.name === name).map((entry) => entry.value);
  }

  has(name) {
    formState(this);
    argumentLengthCheck(arguments.length, 1, 'FormData.has');
    name = usvString(name);
    return this.#state.findIndex((entry) => entry.name === name) !== -1;
  }

  set(name, value, filename = undefined) {
    formState(this);
    const entry = entryArguments(arguments, 'FormData.set');
    name = entry.name;
    const index = this.#state.findIndex((e) => e.name === name);
    if (index === -1) this.#state.push(entry);
    else {
      this.#state = [...this.#state.slice(0, index), entry, ...this.#state.slice(index + 1).filter((e) => e.name !== name)];
    }
  }

  [Symbol.for('nodejs.util.inspect.custom')](depth, options, inspect) {
    const state = { __proto__: null };
    for (const { name, value } of this.#state) {
      if (state[name]) {
        if (Array.isArray(state[name])) state[name].push(value);
        else state[name] = [state[name], value];
      } else state[name] = value;
    }
    const output = inspect(state, options);
    return `FormData ${output.slice(output.indexOf(']') + 2)}`;
  }
} })._FormData;
Object.defineProperty(FormData, 'name', { value: 'FormData' });

// undici's iteratorMixin: "FormData Iterator" objects reading the live list by index.
const FormDataIterator = class {
  #form; #kind; #index = 0;

  constructor(form, kind) { this.#form = form; this.#kind = kind; }

  next() {
    if (this === null || typeof this !== 'object' || !(#form in this)) {
      throw new TypeError("'next' called on an object that does not implement interface FormData Iterator.");
    }
    const values = formState(this.#form);
    const index = this.#index;
    if (index >= values.length) return { value: undefined, done: true };
    const { name, value } = values[index];
    this.#index = index + 1;
    return { value: this.#kind === 'key' ? name : this.#kind === 'value' ? value : [name, value], done: false };
  }
};
delete FormDataIterator.prototype.constructor;
Object.setPrototypeOf(FormDataIterator.prototype, Object.getPrototypeOf(Object.getPrototypeOf([][Symbol.iterator]())));
Object.defineProperties(FormDataIterator.prototype, {
  [Symbol.toStringTag]: { writable: false, enumerable: false, configurable: true, value: 'FormData Iterator' },
  next: { writable: true, enumerable: true, configurable: true },
});

const iteration = {
  keys() { formState(this); return new FormDataIterator(this, 'key'); },
  values() { formState(this); return new FormDataIterator(this, 'value'); },
  entries() { formState(this); return new FormDataIterator(this, 'key+value'); },
  forEach(callbackfn, thisArg = globalThis) {
    formState(this);
    argumentLengthCheck(arguments.length, 1, 'FormData.forEach');
    if (typeof callbackfn !== 'function') {
      throw new TypeError("Failed to execute 'forEach' on 'FormData': parameter 1 is not of type 'Function'.");
    }
    for (const { 0: key, 1: value } of new FormDataIterator(this, 'key+value')) callbackfn.call(thisArg, value, key, this);
  },
};
for (const key of ['keys', 'values', 'entries', 'forEach']) {
  Object.defineProperty(FormData.prototype, key, { writable: true, enumerable: true, configurable: true, value: iteration[key] });
}
Object.defineProperty(FormData.prototype, Symbol.iterator, { writable: true, enumerable: false, configurable: true, value: iteration.entries });
for (const key of ['append', 'delete', 'get', 'getAll', 'has', 'set']) {
  Object.defineProperty(FormData.prototype, key, { enumerable: true });
}
Object.defineProperty(FormData.prototype, Symbol.toStringTag, { value: 'FormData', configurable: true });

// multipart/form-data as undici writes it.
function encodeMultipart(form) {
  const digits = Array.from(globalThis.crypto.getRandomValues(new Uint8Array(11)), (b) => `${b % 10}`).join('');
  const boundary = `----formdata-flow-0${digits}`;
  const escape = (s) => s.replace(/\n/g, '%0A').replace(/\r/g, '%0D').replace(/"/g, '%22');
  const normalizeLinefeeds = (s) => s.replace(/\r?\n|\r/g, '\r\n');
  const chunks = [];
  let size = 0;
  const add = (bytes) => { chunks.push(bytes); size += bytes.length; };
  for (const { name, value } of formState(form)) {
    if (typeof value === 'string') {
      add(encoder.encode(`--${boundary}\r\nContent-Disposition: form-data; name="${escape(normalizeLinefeeds(name))}"\r\n\r\n` +
        `${value.replace(/\r(?!\n)|(?<!\r)\n/g, '\r\n')}\r\n`));
    } else {
      add(encoder.encode(`--${boundary}\r\nContent-Disposition: form-data; name="${escape(normalizeLinefeeds(name))}"; ` +
        `filename="${escape(value.name)}"\r\nContent-Type: ${value.type || 'application/octet-stream'}\r\n\r\n`));
      add(value[kBytes]);
      add(encoder.encode('\r\n'));
    }
  }
  add(encoder.encode(`--${boundary}--\r\n`));
  const bytes = new Uint8Array(size);
  let offset = 0;
  for (const chunk of chunks) { bytes.set(chunk, offset); offset += chunk.length; }
  return { bytes, type: `multipart/form-data; boundary=${boundary}` };
}

// multipart/form-data bodies into a FormData (undici's formdata-parser.js, a little more
// lenient in the Content-Disposition parameters, as Node 24's is): any failure is
// "Failed to parse body as FormData.".
function indexOfBytes(haystack, needle, from) {
  const first = needle[0];
  for (let i = haystack.indexOf(first, from); i !== -1 && i <= haystack.length - needle.length; i = haystack.indexOf(first, i + 1)) {
    let j = 1;
    while (j < needle.length && haystack[i + j] === needle[j]) j++;
    if (j === needle.length) return i;
  }
  return -1;
}

function mimeParameter(type, wanted) {
  for (const part of type.split(';').slice(1)) {
    const eq = part.indexOf('=');
    if (eq === -1 || part.slice(0, eq).trim().toLowerCase() !== wanted) continue;
    let value = part.slice(eq + 1).trim();
    if (value.startsWith('"')) value = value.slice(1, value.indexOf('"', 1) === -1 ? undefined : value.indexOf('"', 1));
    return value;
  }
  return undefined;
}

const HEADER_NAME = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/;

function dispositionParameters(value) {
  const params = new Map();
  let rest = value.replace(/^form-data\s*/i, '');
  if (rest === value) return null;
  for (;;) {
    const m = /^;\s*([^=;\s]+)\s*=\s*("([^"\r\n]*)"|[^;\s]*)\s*/.exec(rest);
    if (m === null) break;
    const key = m[1].toLowerCase();
    const raw = m[3] !== undefined ? m[3] : m[2];
    if (!params.has(key)) params.set(key, m[3] !== undefined ? raw.replace(/%0A/ig, '\n').replace(/%0D/ig, '\r').replace(/%22/g, '"') : raw);
    rest = rest.slice(m[0].length);
  }
  return params;
}

function parseMultipart(input, type) {
  const fail = () => new TypeError('Failed to parse body as FormData.');
  const boundaryString = mimeParameter(type, 'boundary');
  if (!boundaryString) throw fail();
  const boundary = encoder.encode(`--${boundaryString}`);
  const delimiter = encoder.encode(`\r\n--${boundaryString}`);
  const form = new FormData();
  let pos = indexOfBytes(input, boundary, 0);
  if (pos === -1) throw fail();
  pos += boundary.length;
  const latin1 = (from, to) => { let t = ''; for (let i = from; i < to; i++) t += String.fromCharCode(input[i]); return t; };
  for (;;) {
    if (input[pos] === 0x2d && input[pos + 1] === 0x2d) return form;
    if (input[pos] !== 0x0d || input[pos + 1] !== 0x0a) throw fail();
    pos += 2;
    let name = null;
    let filename = null;
    let contentType = null;
    let encoding = null;
    for (;;) {
      if (input[pos] === 0x0d && input[pos + 1] === 0x0a) { pos += 2; break; }
      const end = input.indexOf(0x0d, pos);
      if (end === -1 || input[end + 1] !== 0x0a) throw fail();
      const line = latin1(pos, end);
      pos = end + 2;
      const colon = line.indexOf(':');
      if (colon === -1) throw fail();
      const headerName = line.slice(0, colon).replace(/^[\t ]+|[\t ]+$/g, '');
      if (!HEADER_NAME.test(headerName)) throw fail();
      const value = line.slice(colon + 1).replace(/^[\t ]+|[\t ]+$/g, '');
      switch (headerName.toLowerCase()) {
        case 'content-disposition': {
          const params = dispositionParameters(value);
          if (params === null || !params.has('name')) throw fail();
          name = decoder.decode(Uint8Array.from(params.get('name'), (c) => c.charCodeAt(0)));
          filename = null;
          if (params.has('filename*')) {
            const v = params.get('filename*');
            if (!/^utf-8''/i.test(v)) throw fail();
            try { filename = decodeURIComponent(v.slice(7)); } catch { throw fail(); }
          } else if (params.has('filename')) {
            filename = decoder.decode(Uint8Array.from(params.get('filename'), (c) => c.charCodeAt(0)));
          }
          break;
        }
        case 'content-type': contentType = value; break;
        case 'content-transfer-encoding': encoding = value; break;
        default: break;
      }
    }
    if (name === null) throw fail();
    const bodyEnd = indexOfBytes(input, delimiter, pos);
    if (bodyEnd === -1) throw fail();
    let body = input.subarray(pos, Math.max(bodyEnd, pos));
    pos = bodyEnd + delimiter.length;
    if (encoding !== null && encoding.toLowerCase() === 'base64') body = Buffer.from(decoder.decode(body), 'base64');
    if (filename !== null) {
      contentType ??= 'text/plain';
      if (!/^[\x00-\x7f]*$/.test(contentType)) contentType = '';
      form.append(name, new File([body], filename, { type: contentType }));
    } else form.append(name, decoder.decode(body));
  }
}

// -- Request ---------------------------------------------------------------------------

const NORMALIZED = new Set(['DELETE', 'GET', 'HEAD', 'OPTIONS', 'POST', 'PUT']);
const FORBIDDEN_METHODS = new Set(['CONNECT', 'TRACE', 'TRACK']);
const kUrl = Symbol('url');
const kMethod = Symbol('method');
const kRedirect = Symbol('redirect');
const kSignal = Symbol('signal');
const kOptions = Symbol('options');

function parseUrl(input) {
  try {
    return new URL(`${input}`).href;
  } catch (cause) {
    throw new TypeError(`Failed to parse URL from ${input}`, { cause });
  }
}

function normalizeMethod(method) {
  method = `${method}`;
  if (!TOKEN.test(method)) throw new TypeError(`'${method}' is not a valid HTTP method.`);
  const upper = method.toUpperCase();
  if (FORBIDDEN_METHODS.has(upper)) throw new TypeError(`'${method}' HTTP method is unsupported.`);
  return NORMALIZED.has(upper) ? upper : method;
}

// Request init members that change nothing for a server-side fetch but read back as
// given, validated with undici's messages ("undefined:" prefix included, as Node 24).
const REQUEST_ENUMS = {
  cache: ['default', 'no-store', 'reload', 'no-cache', 'force-cache', 'only-if-cached'],
  credentials: ['omit', 'same-origin', 'include'],
  referrerPolicy: ['', 'no-referrer', 'no-referrer-when-downgrade', 'same-origin', 'origin', 'strict-origin',
    'origin-when-cross-origin', 'strict-origin-when-cross-origin', 'unsafe-url'],
};
const REQUEST_DEFAULTS = { cache: 'default', credentials: 'same-origin', mode: 'cors', referrerPolicy: '', integrity: '', keepalive: false };

function requestOptions(init, from) {
  const options = { ...(from ? from[kOptions] : REQUEST_DEFAULTS) };
  for (const key of ['referrerPolicy', 'mode', 'credentials', 'cache']) {
    if (init[key] === undefined) continue;
    const value = String(init[key]);
    if (key === 'mode') {
      if (value === 'navigate') throw new TypeError('Request constructor: invalid request mode navigate.');
      if (!['same-origin', 'no-cors', 'cors'].includes(value)) {
        throw new TypeError(`undefined: ${value} is not an accepted type. Expected one of navigate, same-origin, no-cors, cors.`);
      }
    } else if (!REQUEST_ENUMS[key].includes(value)) {
      throw new TypeError(`undefined: ${value} is not an accepted type. Expected one of ${REQUEST_ENUMS[key].join(', ')}.`);
    }
    options[key] = value;
  }
  if (options.cache === 'only-if-cached' && options.mode !== 'same-origin') {
    throw new TypeError("'only-if-cached' can be set only with 'same-origin' mode");
  }
  if (init.integrity !== undefined) options.integrity = String(init.integrity);
  if (init.keepalive !== undefined) options.keepalive = Boolean(init.keepalive);
  return options;
}

class Request {
  constructor(input, init = {}) {
    init = init ?? {};
    const from = input instanceof Request ? input : null;
    this[kUrl] = from ? from[kUrl] : parseUrl(input);
    this[kMethod] = init.method !== undefined ? normalizeMethod(init.method) : from ? from[kMethod] : 'GET';
    const redirect = init.redirect ?? (from ? from[kRedirect] : 'follow');
    if (!['follow', 'error', 'manual'].includes(redirect)) {
      throw new TypeError(`undefined: ${redirect} is not an accepted type. Expected one of follow, manual, error.`);
    }
    this[kRedirect] = redirect;
    this[kOptions] = requestOptions(init, from);
    const signal = init.signal !== undefined ? init.signal : from ? from[kSignal] : null;
    if (signal !== null && !(signal instanceof AbortSignal)) {
      throw new TypeError("RequestInit: Expected signal (\"" + String(signal) + "\") to be an instance of AbortSignal.");
    }
    this[kSignal] = signal;
    this[kHeaders] = new Headers(init.headers !== undefined ? init.headers : from ? from[kHeaders] : undefined);
    const body = init.body !== undefined ? init.body : null;
    if (body !== null && (this[kMethod] === 'GET' || this[kMethod] === 'HEAD')) {
      throw new TypeError('Request with GET/HEAD method cannot have body.');
    }
    if (isReadableStream(body) && init.duplex !== 'half') {
      throw new TypeError('RequestInit: duplex option is required when sending a body.');
    }
    if (body !== null || !from) initBody(this, body, this[kHeaders]);
    else {
      if (from[kBody] !== null && from[kBody].used) throw new TypeError('Cannot construct a Request with a Request object that has already been used.');
      cloneBody(from, this);
      if (from[kBody] !== null) from[kBody].used = true;
    }
  }
  get url() { return this[kUrl]; }
  get method() { return this[kMethod]; }
  get headers() { return this[kHeaders]; }
  get redirect() { return this[kRedirect]; }
  get signal() { return this[kSignal] ?? (this[kSignal] = new AbortController().signal); }
  get cache() { return this[kOptions].cache; }
  get credentials() { return this[kOptions].credentials; }
  get mode() { return this[kOptions].mode; }
  get referrer() { return 'about:client'; }
  get referrerPolicy() { return this[kOptions].referrerPolicy; }
  get integrity() { return this[kOptions].integrity; }
  get keepalive() { return this[kOptions].keepalive; }
  get destination() { return ''; }
  get duplex() { return 'half'; }
  clone() {
    const copy = new Request(this[kUrl], { method: this[kMethod], headers: this[kHeaders], redirect: this[kRedirect],
      signal: this[kSignal] ?? undefined, ...this[kOptions] });
    cloneBody(this, copy);
    return copy;
  }
}
mixBody(Request);
Object.defineProperty(Request.prototype, Symbol.toStringTag, { value: 'Request', configurable: true });

// -- Response --------------------------------------------------------------------------

const NULL_BODY_STATUS = new Set([101, 103, 204, 205, 304]);
const REDIRECT_STATUS = new Set([301, 302, 303, 307, 308]);
const kMeta = Symbol('meta');

class Response {
  constructor(body = null, init = {}) {
    init = init ?? {};
    const status = init.status !== undefined ? Number(init.status) : 200;
    if (!(status >= 200 && status <= 599) || !Number.isInteger(status)) {
      throw new RangeError('init["status"] must be in the range of 200 to 599, inclusive.');
    }
    const statusText = init.statusText !== undefined ? `${init.statusText}` : '';
    if (/[^\t\x20-\x7e\x80-\xff]/.test(statusText)) throw new TypeError('Invalid statusText');
    this[kHeaders] = new Headers(init.headers);
    this[kMeta] = { status, statusText, type: 'default', url: '', redirected: false };
    if (body !== null && body !== undefined && NULL_BODY_STATUS.has(status)) {
      throw new TypeError(`Response constructor: Invalid response status code ${status}`);
    }
    initBody(this, body, this[kHeaders]);
  }
  static error() {
    const response = new Response(null, { status: 200 });
    Object.assign(response[kMeta], { status: 0, type: 'error' });
    response[kHeaders][kGuard] = 'immutable';
    return response;
  }
  static json(data, init = {}) {
    const text = JSON.stringify(data);
    if (text === undefined) throw new TypeError('Value is not JSON serializable');
    const headers = new Headers(init?.headers);
    if (!headers.has('content-type')) headers.set('content-type', 'application/json');
    return new Response(text, { ...init, headers });
  }
  static redirect(url, status = 302) {
    const href = parseUrl(url);
    if (!REDIRECT_STATUS.has(status)) throw new RangeError(`Invalid status code ${status}`);
    const response = new Response(null, { status });
    response[kHeaders].set('location', href);
    response[kHeaders][kGuard] = 'immutable';
    return response;
  }
  get status() { return this[kMeta].status; }
  get statusText() { return this[kMeta].statusText; }
  get ok() { return this[kMeta].status >= 200 && this[kMeta].status <= 299; }
  get headers() { return this[kHeaders]; }
  get type() { return this[kMeta].type; }
  get url() { return this[kMeta].url; }
  get redirected() { return this[kMeta].redirected; }
  clone() {
    const copy = new Response(null, { status: 200 });
    copy[kMeta] = { ...this[kMeta] };
    copy[kHeaders] = new Headers(this[kHeaders]);
    copy[kHeaders][kGuard] = this[kHeaders][kGuard];
    cloneBody(this, copy);
    return copy;
  }
}
mixBody(Response);
Object.defineProperty(Response.prototype, Symbol.toStringTag, { value: 'Response', configurable: true });

// A body error as undici reports it: limits as fetch's own failures, a body that broke or
// stalled mid-read as TypeError: terminated.
function bodyError(error) {
  if (error.kind !== 'terminated') return hostError(error);
  return new TypeError('terminated', { cause: systemError(error.message, error.code) });
}

function decodeChunk(base64) {
  const bytes = Buffer.from(base64, 'base64');
  return new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength);
}

// The body of a fetched response: its first chunk came with the headers; the host keeps
// the rest (`answer.stream`, an open-body id) until pulled. `host` is the response's own
// state: `buffered` (a text()/json()/... read, held to FETCH_MAX_RESPONSE_BYTES),
// `disturbed` (read or cancelled: bodyUsed).
function hostBody(answer, signal) {
  const host = { buffered: false, disturbed: false };
  let first = decodeChunk(answer.body);
  let open = answer.done ? null : answer.stream; // the host's body id while it holds some
  let reading = null; // the fetch.read call in flight
  let failure = answer.bodyError ? bodyError(answer.bodyError) : null;
  let onAbort = null;
  const close = () => {
    if (reading !== null) hostCancel(reading);
    reading = null;
    if (open !== null) hostCall(FETCH_CLOSE, { id: open });
    open = null;
    if (onAbort !== null) signal.removeEventListener('abort', onAbort);
    onAbort = null;
  };
  const stream = new ReadableStream({
    type: 'bytes',
    start(controller) {
      if (signal && open !== null) {
        // After the response, an abort errors its body as in undici and frees the connection.
        onAbort = () => {
          close();
          controller.error(signal.reason);
        };
        signal.addEventListener('abort', onAbort, { once: true });
      }
    },
    async pull(controller) {
      host.disturbed = true;
      if (first !== null) {
        const chunk = first;
        first = null;
        if (chunk.byteLength > 0) {
          controller.enqueue(chunk);
          if (open === null && failure === null) { close(); controller.close(); }
          return;
        }
      }
      if (failure !== null) { close(); throw failure; }
      for (;;) {
        if (open === null) { close(); controller.close(); return; }
        const call = hostCall(FETCH_READ, { id: open, buffered: host.buffered });
        reading = call.id;
        const result = await call.promise;
        if (reading !== call.id) return; // cancelled or aborted meanwhile
        reading = null;
        if (result.error) {
          open = null;
          close();
          throw bodyError(result.error);
        }
        if (result.done) open = null;
        if (result.chunk) {
          controller.enqueue(decodeChunk(result.chunk));
          if (open === null) { close(); controller.close(); }
          return;
        }
      }
    },
    cancel() {
      host.disturbed = true;
      close();
    },
  }, { highWaterMark: 0 });
  return { bytes: null, stream, host, used: false };
}

// A Response for the host's answer to a fetch.
function responseFromHost(answer, signal) {
  const response = new Response(null, { status: 200 });
  response[kMeta] = { status: answer.status, statusText: answer.statusText, type: 'basic', url: answer.url,
    redirected: answer.redirected };
  for (const [name, value] of answer.headers) response[kHeaders].append(name, value);
  response[kHeaders][kGuard] = 'immutable';
  response[kBody] = answer.body === null ? null : hostBody(answer, signal);
  return response;
}

// The fetch standard's "bad ports" (SMTP, IRC, ...), refused as Node does.
const BAD_PORTS = new Set(['1', '7', '9', '11', '13', '15', '17', '19', '20', '21', '22', '23', '25', '37', '42',
  '43', '53', '69', '77', '79', '87', '95', '101', '102', '103', '104', '109', '110', '111', '113', '115', '117',
  '119', '123', '135', '137', '139', '143', '161', '179', '389', '427', '465', '512', '513', '514', '515', '526',
  '530', '531', '532', '540', '548', '554', '556', '563', '587', '601', '636', '989', '990', '993', '995', '1719',
  '1720', '1723', '2049', '3659', '4045', '4190', '5060', '5061', '6000', '6566', '6665', '6666', '6667', '6668',
  '6669', '6679', '6697', '10080']);

// -- fetch -----------------------------------------------------------------------------

function hostError(error) {
  if (error.kind === 'security') return new SecurityError(error.message);
  const cause = systemError(error.message, error.code);
  const message = error.kind === 'network' ? 'fetch failed' : `fetch failed: ${error.message}`;
  return new TypeError(message, { cause });
}

// The request as the host reads it (outbound.FetchSpec.from_js).
function hostRequest(request) {
  const bytes = request[kBody] === null ? null : consume(request);
  const headers = headerList(request.headers);
  if (!request.headers.has('user-agent')) headers.push(['user-agent', 'node']); // as Node's fetch sends
  return {
    method: request.method,
    url: request.url,
    headers,
    body: bytes === null ? null : Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('base64'),
    redirect: request.redirect,
  };
}

// An async function, so that errors carry the caller's frames (V8's async stack
// traces), which locate them in the code block as Node does.
async function fetch(input, init = undefined) {
  const request = arguments.length === 0 ? new Request(undefined) : new Request(input, init);
  const signal = request[kSignal];
  if (signal?.aborted) throw signal.reason;
  if (BAD_PORTS.has(new URL(request.url).port)) {
    throw new TypeError('fetch failed', { cause: new Error('bad port') });
  }
  // A stream body is read whole before the request goes (the host takes one buffer).
  const body = request[kBody];
  if (body !== null && body.stream !== undefined) {
    if (body.used || body.stream.locked) throw new TypeError('Body is unusable: Body has already been read');
    body.used = true;
    request[kBody] = { bytes: await collect(body.stream), used: false };
  }
  const { id, promise } = hostCall(FETCH, hostRequest(request));
  let onAbort;
  const answer = await new Promise((resolve, reject) => {
    onAbort = () => {
      hostCancel(id);
      reject(signal.reason);
    };
    signal?.addEventListener('abort', onAbort, { once: true });
    promise.then(resolve);
  }).finally(() => signal?.removeEventListener('abort', onAbort));
  if (answer.error) throw hostError(answer.error);
  return responseFromHost(answer, signal);
}

for (const [name, value] of Object.entries({ fetch, Headers, Request, Response, FormData })) {
  Object.defineProperty(globalThis, name, { value, writable: true, enumerable: false, configurable: true });
}

export default { fetch, Headers, Request, Response, FormData };
