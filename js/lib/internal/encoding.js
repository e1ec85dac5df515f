'use strict';
// Byte <-> string conversions for Buffer, TextEncoder/TextDecoder and atob/btoa.
// UTF-8 follows the WHATWG Encoding Standard (lone surrogates encode as U+FFFD,
// invalid sequences decode to U+FFFD per maximal subpart), as Node does.

import { codes, plain } from './errors.js';
import {
  ArrayBufferIsView, ArrayBuffer_, Error_, Int8Array_, MathCeil, MathMax, MathMin, NumberIsNaN, NumberParseInt,
  ObjectDefineProperty, ObjectPrototypeToString, ReflectApply, StringFromCharCode, SymbolToStringTag, Uint16Array_,
  Uint8Array_, Uint8ArrayPrototypeToBase64, Uint8ArrayPrototypeToHex,
} from './primordials.js';

const { ERR_ENCODING_NOT_SUPPORTED, ERR_MISSING_ARGS } = codes;

const CHUNK = 0x1000;

// New typed arrays through their prototype's constructor, which memory.js makes the charging Proxy
// (frozen at lockdown): the layer's buffers count against the execution's ArrayBuffer limit.
function allocate(TypedArray, length) {
  return new TypedArray.prototype.constructor(length);
}

function charsToString(codes, length) {
  if (length <= CHUNK) {
    return ReflectApply(StringFromCharCode, null, length === codes.length ? codes : codes.subarray(0, length));
  }
  let out = '';
  for (let i = 0; i < length; i += CHUNK) {
    out += ReflectApply(StringFromCharCode, null, codes.subarray(i, MathMin(i + CHUNK, length)));
  }
  return out;
}

function utf8Length(str) {
  let n = 0;
  for (let i = 0; i < str.length; i++) {
    const c = str.charCodeAt(i);
    if (c < 0x80) n += 1;
    else if (c < 0x800) n += 2;
    else if (c >= 0xd800 && c <= 0xdbff && i + 1 < str.length && (str.charCodeAt(i + 1) & 0xfc00) === 0xdc00) { n += 4; i++; } else n += 3;
  }
  return n;
}

// Writes the UTF-8 of `str` into `bytes` from `offset`, at most `max` bytes, never a
// partial character. Returns the number of bytes written.
function utf8Write(bytes, str, offset = 0, max = bytes.length - offset) {
  let p = offset;
  const end = offset + max;
  for (let i = 0; i < str.length; i++) {
    let c = str.charCodeAt(i);
    if (c >= 0xd800 && c <= 0xdfff) {
      const next = i + 1 < str.length ? str.charCodeAt(i + 1) : 0;
      if (c <= 0xdbff && (next & 0xfc00) === 0xdc00) {
        if (p + 4 > end) break;
        c = 0x10000 + ((c - 0xd800) << 10) + (next - 0xdc00);
        bytes[p++] = 0xf0 | (c >> 18); bytes[p++] = 0x80 | ((c >> 12) & 0x3f);
        bytes[p++] = 0x80 | ((c >> 6) & 0x3f); bytes[p++] = 0x80 | (c & 0x3f);
        i++;
        continue;
      }
      c = 0xfffd;
    }
    if (c < 0x80) { if (p + 1 > end) break; bytes[p++] = c; } else if (c < 0x800) {
      if (p + 2 > end) break;
      bytes[p++] = 0xc0 | (c >> 6); bytes[p++] = 0x80 | (c & 0x3f);
    } else {
      if (p + 3 > end) break;
      bytes[p++] = 0xe0 | (c >> 12); bytes[p++] = 0x80 | ((c >> 6) & 0x3f); bytes[p++] = 0x80 | (c & 0x3f);
    }
  }
  return p - offset;
}

function utf8Decode(bytes, start = 0, end = bytes.length) {
  const codes = allocate(Uint16Array_, MathMax(0, end - start));
  let n = 0;
  let out = '';
  let i = start;
  while (i < end) {
    if (n > codes.length - 4) { out += charsToString(codes, n); n = 0; }
    const b0 = bytes[i];
    if (b0 < 0x80) { codes[n++] = b0; i++; continue; }
    let need = 0; let cp = 0; let lower = 0x80; let upper = 0xbf;
    if (b0 >= 0xc2 && b0 <= 0xdf) { need = 1; cp = b0 & 0x1f; } else if (b0 >= 0xe0 && b0 <= 0xef) {
      need = 2; cp = b0 & 0x0f;
      if (b0 === 0xe0) lower = 0xa0;
      if (b0 === 0xed) upper = 0x9f;
    } else if (b0 >= 0xf0 && b0 <= 0xf4) {
      need = 3; cp = b0 & 0x07;
      if (b0 === 0xf0) lower = 0x90;
      if (b0 === 0xf4) upper = 0x8f;
    } else { codes[n++] = 0xfffd; i++; continue; }
    let j = i + 1;
    let ok = true;
    for (let k = 0; k < need; k++, j++) {
      const b = j < end ? bytes[j] : -1;
      if (b < lower || b > upper) { ok = false; break; }
      lower = 0x80; upper = 0xbf;
      cp = (cp << 6) | (b & 0x3f);
    }
    if (!ok) { codes[n++] = 0xfffd; i = j; continue; }
    if (cp >= 0x10000) {
      cp -= 0x10000;
      codes[n++] = 0xd800 | (cp >> 10); codes[n++] = 0xdc00 | (cp & 0x3ff);
    } else codes[n++] = cp;
    i = j;
  }
  return out + charsToString(codes, n);
}

function latin1Decode(bytes, start, end) { return charsToString(bytes.subarray(start, end), end - start); }

function asciiDecode(bytes, start, end) {
  const codes = allocate(Uint8Array_, end - start);
  for (let i = start; i < end; i++) codes[i - start] = bytes[i] & 0x7f;
  return charsToString(codes, codes.length);
}

function utf16leDecode(bytes, start, end) {
  const len = (end - start) >> 1;
  const codes = allocate(Uint16Array_, len);
  for (let i = 0; i < len; i++) codes[i] = bytes[start + 2 * i] | (bytes[start + 2 * i + 1] << 8);
  return charsToString(codes, len);
}

const view = (bytes, start, end) => new Uint8Array_(bytes.buffer, bytes.byteOffset + start, end - start);
function hexDecode(bytes, start, end) { return Uint8ArrayPrototypeToHex(view(bytes, start, end)); }

const B64 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';
const B64URL = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';
const B64_VALUES = new Int8Array_(256).fill(-1);
for (let i = 0; i < 64; i++) { B64_VALUES[B64.charCodeAt(i)] = i; B64_VALUES[B64URL.charCodeAt(i)] = i; }

const BASE64URL = { alphabet: 'base64url', omitPadding: true };
function base64Encode(bytes, start, end, url) {
  return Uint8ArrayPrototypeToBase64(view(bytes, start, end), url ? BASE64URL : undefined);
}

// Node's lenient base64 decoding: both alphabets, characters outside them skipped,
// stops at the first '='.
function base64Decode(str) {
  const out = allocate(Uint8Array_, MathCeil(str.length * 3 / 4));
  let n = 0; let acc = 0; let bits = 0;
  for (let i = 0; i < str.length; i++) {
    const code = str.charCodeAt(i);
    if (code === 61) break; // '='
    const v = code < 256 ? B64_VALUES[code] : -1;
    if (v < 0) continue;
    acc = (acc << 6) | v; bits += 6;
    if (bits >= 8) { bits -= 8; out[n++] = (acc >> bits) & 0xff; }
  }
  return out.subarray(0, n);
}

function base64ByteLength(str) {
  let len = str.length;
  while (len > 0 && str.charCodeAt(len - 1) === 61) len--;
  return (len * 3) >>> 2;
}

function hexEncode(str) {
  const out = allocate(Uint8Array_, str.length >>> 1);
  let n = 0;
  for (; n < out.length; n++) {
    const hi = NumberParseInt(str[2 * n], 16); const lo = NumberParseInt(str[2 * n + 1], 16);
    if (NumberIsNaN(hi) || NumberIsNaN(lo)) break;
    out[n] = (hi << 4) | lo;
  }
  return out.subarray(0, n);
}

// -- TextEncoder / TextDecoder -----------------------------------------------------

class TextEncoder {
  get encoding() { return 'utf-8'; }
  encode(input = '') {
    const str = `${input}`;
    const bytes = allocate(Uint8Array_, utf8Length(str));
    utf8Write(bytes, str);
    return bytes;
  }
  encodeInto(src, dest) {
    const str = `${src}`;
    let read = 0; let written = 0;
    for (let i = 0; i < str.length; i++) {
      const c = str.codePointAt(i);
      const chunk = c > 0xffff ? str.slice(i, i + 2) : str[i];
      const w = utf8Write(dest, chunk, written);
      if (w === 0) break;
      written += w; read += chunk.length;
      if (c > 0xffff) i++;
    }
    return { read, written };
  }
}
ObjectDefineProperty(TextEncoder.prototype, SymbolToStringTag, { value: 'TextEncoder', configurable: true });

const DECODER_LABELS = {
  'utf-8': 'utf-8', utf8: 'utf-8', 'unicode-1-1-utf-8': 'utf-8',
  'utf-16le': 'utf-16le', 'utf-16': 'utf-16le', 'utf-16be': 'utf-16be', unicodefffe: 'utf-16be',
  latin1: 'windows-1252', 'iso-8859-1': 'windows-1252', ascii: 'windows-1252', 'us-ascii': 'windows-1252', 'windows-1252': 'windows-1252',
};

function toBytes(input) {
  if (input === undefined) return new Uint8Array_(0);
  if (ArrayBufferIsView(input)) return new Uint8Array_(input.buffer, input.byteOffset, input.byteLength);
  if (input instanceof ArrayBuffer_ || ObjectPrototypeToString(input) === '[object SharedArrayBuffer]') return new Uint8Array_(input);
  // Node 20's wording, "list" included.
  throw new plain.ERR_INVALID_ARG_TYPE(
    'The "list" argument must be an instance of SharedArrayBuffer, ArrayBuffer or ArrayBufferView.');
}

class TextDecoder {
  #encoding; #fatal; #ignoreBOM;
  constructor(label = 'utf-8', options = {}) {
    const key = `${label}`.trim().toLowerCase();
    const encoding = DECODER_LABELS[key];
    if (encoding === undefined) {
      throw new ERR_ENCODING_NOT_SUPPORTED(label);
    }
    this.#encoding = encoding;
    this.#fatal = Boolean(options?.fatal);
    this.#ignoreBOM = Boolean(options?.ignoreBOM);
  }
  get encoding() { return this.#encoding; }
  get fatal() { return this.#fatal; }
  get ignoreBOM() { return this.#ignoreBOM; }
  decode(input = undefined) {
    const bytes = toBytes(input);
    let start = 0;
    if (this.#encoding === 'utf-8') {
      if (!this.#ignoreBOM && bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf) start = 3;
      const text = utf8Decode(bytes, start, bytes.length);
      if (this.#fatal && text.includes('\ufffd') && !isValidUtf8(bytes, start)) {
        throw new plain.ERR_ENCODING_INVALID_ENCODED_DATA('The encoded data was not valid for encoding utf-8');
      }
      return text;
    }
    if (this.#encoding === 'utf-16le') {
      if (!this.#ignoreBOM && bytes[0] === 0xff && bytes[1] === 0xfe) start = 2;
      return utf16leDecode(bytes, start, bytes.length);
    }
    if (this.#encoding === 'utf-16be') {
      if (!this.#ignoreBOM && bytes[0] === 0xfe && bytes[1] === 0xff) start = 2;
      const swapped = allocate(Uint8Array_, bytes.length - start);
      for (let i = 0; i + 1 < swapped.length; i += 2) { swapped[i] = bytes[start + i + 1]; swapped[i + 1] = bytes[start + i]; }
      return utf16leDecode(swapped, 0, swapped.length);
    }
    return latin1Decode(bytes, 0, bytes.length);
  }
}
ObjectDefineProperty(TextDecoder.prototype, SymbolToStringTag, { value: 'TextDecoder', configurable: true });

function isValidUtf8(bytes, start = 0) {
  const text = utf8Decode(bytes, start, bytes.length);
  const back = allocate(Uint8Array_, utf8Length(text));
  utf8Write(back, text);
  if (back.length !== bytes.length - start) return false;
  for (let i = 0; i < back.length; i++) if (back[i] !== bytes[start + i]) return false;
  return true;
}

// -- atob / btoa (WHATWG forgiving base64) --------------------------------------------

function domException(message, name) {
  const err = new Error_(message);
  err.name = name;
  return err;
}

function btoa(input) {
  if (arguments.length === 0) {
    throw new ERR_MISSING_ARGS('input');
  }
  const str = `${input}`;
  const bytes = allocate(Uint8Array_, str.length);
  for (let i = 0; i < str.length; i++) {
    const c = str.charCodeAt(i);
    if (c > 255) throw domException('Invalid character', 'InvalidCharacterError');
    bytes[i] = c;
  }
  return base64Encode(bytes, 0, bytes.length, false);
}

function atob(input) {
  if (arguments.length === 0) {
    throw new ERR_MISSING_ARGS('input');
  }
  let str = `${input}`.replace(/[\t\n\f\r ]/g, '');
  if (str.length % 4 === 0) str = str.replace(/==?$/, '');
  if (/[^A-Za-z0-9+/]/.test(str)) throw domException('Invalid character', 'InvalidCharacterError');
  if (str.length % 4 === 1) {
    throw domException('The string to be decoded is not correctly encoded.', 'InvalidCharacterError');
  }
  const bytes = base64Decode(str);
  return latin1Decode(bytes, 0, bytes.length);
}

export {
  allocate, utf8Length, utf8Write, utf8Decode, latin1Decode, asciiDecode, utf16leDecode, hexDecode, hexEncode,
  base64Encode, base64Decode, base64ByteLength, TextEncoder, TextDecoder, atob, btoa, isValidUtf8,
};
