'use strict';
// Node's Buffer (lib/buffer.js), written for V8 alone: a Uint8Array subclass with
// Node's encodings, read/write methods and errors. makeBufferModule() is called
// after the ArrayBuffer accounting is installed, so every Buffer allocation is
// charged to the execution's budget.

import {
  asciiDecode, base64Decode, base64Encode, hexDecode, hexEncode, isValidUtf8,
  latin1Decode, utf16leDecode, utf8Decode, utf8Length, utf8Write,
} from './internal/encoding.js';
import { codes, describeReceived, plain } from './internal/errors.js';
import { resolveObjectURL } from './internal/object_urls.js';
import { format, inspectForUtil } from './internal/inspect.js';

const {
  ERR_BUFFER_OUT_OF_BOUNDS, ERR_INVALID_ARG_TYPE, ERR_INVALID_ARG_VALUE, ERR_INVALID_BUFFER_SIZE, ERR_OUT_OF_RANGE,
  ERR_UNKNOWN_ENCODING,
} = codes;

// %TypedArray%.prototype's getters, taken before any code block runs.
const TypedArrayPrototype = Reflect.getPrototypeOf(Uint8Array.prototype);
const typedArrayGetter = (name) => {
  const get = Object.getOwnPropertyDescriptor(TypedArrayPrototype, name).get;
  return (view) => Reflect.apply(get, view, []);
};
const TypedArrayPrototypeGetBuffer = typedArrayGetter('buffer');
const TypedArrayPrototypeGetByteLength = typedArrayGetter('byteLength');
const TypedArrayPrototypeGetByteOffset = typedArrayGetter('byteOffset');
const TypedArrayPrototypeGetLength = typedArrayGetter('length');
const TypedArrayPrototypeGetSymbolToStringTag = typedArrayGetter(Symbol.toStringTag);

function isTypedArray(value) { return TypedArrayPrototypeGetSymbolToStringTag(value) !== undefined; }

// Node 24 (V8 13+): 2^53 - 1. What a code block can allocate is bounded by its limits.
const kMaxLength = Number.MAX_SAFE_INTEGER;
const kStringMaxLength = 2 ** 29 - 24;

function normalizeEncoding(enc) {
  if (enc === undefined || enc === null || enc === '') return 'utf8';
  switch (`${enc}`.toLowerCase()) {
    case 'utf8': case 'utf-8': return 'utf8';
    case 'ucs2': case 'ucs-2': case 'utf16le': case 'utf-16le': return 'utf16le';
    case 'latin1': case 'binary': return 'latin1';
    case 'base64': return 'base64';
    case 'base64url': return 'base64url';
    case 'hex': return 'hex';
    case 'ascii': return 'ascii';
    default: return undefined;
  }
}

// ERR_UNKNOWN_ENCODING formats the encoding with %s, as Node's message does.
function unknownEncodingOf(enc) {
  return new ERR_UNKNOWN_ENCODING(typeof enc === 'string' ? enc : format(['%s', enc]));
}

function encodingOf(enc) {
  const normalized = normalizeEncoding(enc);
  if (normalized === undefined) throw unknownEncodingOf(enc);
  return normalized;
}

// Node's getEncodingOps: the encoding as a string (null and '' are unknown).
function encodingOps(enc) {
  enc = `${enc}`;
  if (enc === '') return undefined;
  return normalizeEncoding(enc);
}

// ERR_INVALID_ARG_VALUE with the value shown by util.inspect, as Node's message.
function invalidFillValue(value) {
  return new ERR_INVALID_ARG_VALUE(`The argument 'value' is invalid. Received ${inspectForUtil(value)}`);
}

function byteLengthOf(string, encoding) {
  switch (encoding) {
    case 'utf8': return utf8Length(string);
    case 'utf16le': return string.length * 2;
    case 'latin1': case 'ascii': return string.length;
    case 'hex': return string.length >>> 1;
    default: { // Node's base64ByteLength: up to two '=' dropped, then 3/4
      let bytes = string.length;
      if (string.charCodeAt(bytes - 1) === 0x3D) bytes--;
      if (bytes > 1 && string.charCodeAt(bytes - 1) === 0x3D) bytes--;
      return (bytes * 3) >>> 2;
    }
  }
}

function validateNumber(value, name) {
  if (typeof value !== 'number') throw new ERR_INVALID_ARG_TYPE(name, ['number'], value);
}

function checkOffset(buf, offset, byteLength) {
  if (offset === undefined) offset = 0;
  validateNumber(offset, 'offset');
  if (!Number.isInteger(offset)) throw new ERR_OUT_OF_RANGE('offset', 'an integer', offset);
  const last = buf.length - byteLength;
  if (offset < 0 || offset > last) {
    if (last < 0) throw new ERR_BUFFER_OUT_OF_BOUNDS();
    throw new ERR_OUT_OF_RANGE('offset', `>= 0 and <= ${last}`, offset);
  }
  return offset;
}

function checkInt(value, min, max, buf, offset, byteLength) {
  if (value > max || value < min) {
    let range;
    if (byteLength > 4) {
      range = min === 0 ? `>= 0 and < 2 ** ${byteLength * 8}` : `>= -(2 ** ${byteLength * 8 - 1}) and < 2 ** ${byteLength * 8 - 1}`;
    } else range = `>= ${min} and <= ${max}`;
    throw new ERR_OUT_OF_RANGE('value', range, value);
  }
  return checkOffset(buf, offset, byteLength);
}

// Node's validateInteger (lib/internal/validators.js).
function validateInteger(value, name, min = Number.MIN_SAFE_INTEGER, max = Number.MAX_SAFE_INTEGER) {
  if (typeof value !== 'number') throw new ERR_INVALID_ARG_TYPE(name, ['number'], value);
  if (!Number.isInteger(value)) throw new ERR_OUT_OF_RANGE(name, 'an integer', value);
  if (value < min || value > max) throw new ERR_OUT_OF_RANGE(name, `>= ${min} && <= ${max}`, value);
}

function checkByteLength(byteLength) {
  validateNumber(byteLength, 'byteLength');
  if (!Number.isInteger(byteLength)) throw new ERR_OUT_OF_RANGE('byteLength', 'an integer', byteLength);
  if (byteLength < 1 || byteLength > 6) throw new ERR_OUT_OF_RANGE('byteLength', '>= 1 and <= 6', byteLength);
}

function makeBufferModule() {
  const Uint8ArrayAccounted = globalThis.Uint8Array; // the accounting proxy (memory.js)

  class FastBuffer extends Uint8ArrayAccounted {}

  function Buffer(arg, encodingOrOffset, length) {
    if (typeof arg === 'number') {
      if (typeof encodingOrOffset === 'string') throw new ERR_INVALID_ARG_TYPE('string', ['string'], arg);
      return Buffer.alloc(arg);
    }
    return Buffer.from(arg, encodingOrOffset, length);
  }
  Object.defineProperty(Buffer, Symbol.species, { get() { return FastBuffer; }, configurable: true });
  Buffer.prototype = FastBuffer.prototype;
  Object.defineProperty(FastBuffer.prototype, 'constructor', { value: Buffer, writable: true, configurable: true });
  Object.setPrototypeOf(Buffer, Uint8ArrayAccounted);
  Buffer.poolSize = 64 * 1024; // Node 24's

  function checkSize(size) {
    if (typeof size !== 'number') throw new ERR_INVALID_ARG_TYPE('size', ['number'], size);
    if (!(size >= 0 && size <= kMaxLength)) throw new ERR_OUT_OF_RANGE('size', `>= 0 && <= ${kMaxLength}`, size);
  }

  function fromString(string, encoding) {
    // Node: an encoding that is not a non-empty string means utf8.
    const enc = typeof encoding !== 'string' || encoding.length === 0 ? 'utf8' : encodingOf(encoding);
    if (enc === 'base64' || enc === 'base64url') {
      const bytes = base64Decode(string);
      const buf = new FastBuffer(bytes.length);
      buf.set(bytes);
      return buf;
    }
    if (enc === 'hex') {
      const bytes = hexEncode(string);
      const buf = new FastBuffer(bytes.length);
      buf.set(bytes);
      return buf;
    }
    const buf = new FastBuffer(byteLengthOf(string, enc));
    writeString(buf, string, 0, buf.length, enc);
    return buf;
  }

  function writeString(buf, string, offset, length, enc) {
    switch (enc) {
      case 'utf8': return utf8Write(buf, string, offset, length);
      case 'utf16le': {
        const n = Math.min(string.length, length >>> 1);
        for (let i = 0; i < n; i++) {
          const c = string.charCodeAt(i);
          buf[offset + 2 * i] = c & 0xff; buf[offset + 2 * i + 1] = c >>> 8;
        }
        return n * 2;
      }
      case 'latin1': case 'ascii': {
        const n = Math.min(string.length, length);
        for (let i = 0; i < n; i++) buf[offset + i] = string.charCodeAt(i);
        return n;
      }
      default: {
        const bytes = enc === 'hex' ? hexEncode(string) : base64Decode(string);
        const n = Math.min(bytes.length, length);
        buf.set(bytes.subarray(0, n), offset);
        return n;
      }
    }
  }

  Buffer.from = function from(value, encodingOrOffset, length) {
    if (typeof value === 'string') return fromString(value, encodingOrOffset);
    if (typeof value === 'object' && value !== null) {
      if (value instanceof ArrayBuffer || Object.prototype.toString.call(value) === '[object SharedArrayBuffer]') {
        // Node's fromArrayBuffer: offset and length coerced to numbers, NaN to 0.
        let byteOffset = encodingOrOffset === undefined ? 0 : +encodingOrOffset;
        if (Number.isNaN(byteOffset)) byteOffset = 0;
        const maxLength = value.byteLength - byteOffset;
        if (maxLength < 0) throw new ERR_BUFFER_OUT_OF_BOUNDS('offset');
        if (length === undefined) return new FastBuffer(value, byteOffset);
        length = +length;
        if (length > 0) {
          if (length > maxLength) throw new ERR_BUFFER_OUT_OF_BOUNDS('length');
        } else length = 0;
        return new FastBuffer(value, byteOffset, length);
      }
      const primitive = value.valueOf && value.valueOf();
      if (primitive != null && primitive !== value && (typeof primitive === 'string' || typeof primitive === 'object')) {
        return Buffer.from(primitive, encodingOrOffset, length);
      }
      // Node's fromObject: anything with a length (or a view's buffer) is array-like.
      if (value.length !== undefined || value.buffer instanceof ArrayBuffer ||
          Object.prototype.toString.call(value.buffer) === '[object SharedArrayBuffer]') {
        if (typeof value.length !== 'number' || !(value.length > 0)) return new FastBuffer();
        return fromArrayLike(value);
      }
      if (value.type === 'Buffer' && Array.isArray(value.data)) return fromArrayLike(value.data);
      if (typeof value[Symbol.toPrimitive] === 'function') {
        const p = value[Symbol.toPrimitive]('string');
        if (typeof p === 'string') return fromString(p, encodingOrOffset);
      }
    }
    throw new ERR_INVALID_ARG_TYPE('The first argument must be of type string or an instance of ' +
      `Buffer, ArrayBuffer, or Array or an Array-like Object.${describeReceived(value)}`);
  };

  // Buffer.copyBytesFrom(view[, offset[, length]]): a copy of a TypedArray's elements
  // [offset, offset + length) (counted in elements), as Node 22+.
  Buffer.copyBytesFrom = function copyBytesFrom(view, offset, length) {
    if (!isTypedArray(view)) throw new ERR_INVALID_ARG_TYPE('view', ['TypedArray'], view);
    const viewLength = TypedArrayPrototypeGetLength(view);
    if (viewLength === 0) return new FastBuffer();
    let start = 0;
    let end = viewLength;
    if (offset !== undefined) {
      validateInteger(offset, 'offset', 0);
      if (offset >= viewLength) return new FastBuffer();
      start = offset;
    }
    if (length !== undefined) {
      validateInteger(length, 'length', 0);
      end = Math.min(start + length, viewLength);
    }
    if (end <= start) return new FastBuffer();
    const elementSize = TypedArrayPrototypeGetByteLength(view) / viewLength;
    const bytes = new Uint8Array(TypedArrayPrototypeGetBuffer(view),
      TypedArrayPrototypeGetByteOffset(view) + start * elementSize, (end - start) * elementSize);
    const buf = new FastBuffer(bytes.length);
    buf.set(bytes);
    return buf;
  };

  function fromArrayLike(obj) {
    const len = Math.min(Math.max(Math.trunc(obj.length) || 0, 0), Number.MAX_SAFE_INTEGER);
    const buf = new FastBuffer(len);
    for (let i = 0; i < len; i++) buf[i] = obj[i];
    return buf;
  }

  Buffer.alloc = function alloc(size, fill, encoding) {
    checkSize(size);
    const buf = new FastBuffer(size);
    if (fill !== undefined && fill !== 0 && size > 0) fillBuffer(buf, fill, 0, buf.length, encoding);
    return buf;
  };
  Buffer.allocUnsafe = function allocUnsafe(size) { checkSize(size); return new FastBuffer(size); };
  Buffer.allocUnsafeSlow = function allocUnsafeSlow(size) { checkSize(size); return new FastBuffer(size); };
  // Node's own Buffer.of (not Uint8Array.of through the Buffer constructor).
  Buffer.of = function of(...items) {
    const buf = new FastBuffer(items.length);
    for (let k = 0; k < items.length; k++) buf[k] = items[k];
    return buf;
  };

  Buffer.isBuffer = function isBuffer(b) { return b instanceof Buffer; };
  Buffer.isEncoding = function isEncoding(encoding) {
    return typeof encoding === 'string' && encoding.length !== 0 && normalizeEncoding(encoding) !== undefined;
  };

  Buffer.byteLength = function byteLength(string, encoding) {
    if (typeof string !== 'string') {
      if (ArrayBuffer.isView(string) || string instanceof ArrayBuffer ||
          Object.prototype.toString.call(string) === '[object SharedArrayBuffer]') return string.byteLength;
      throw new ERR_INVALID_ARG_TYPE('string', ['string', 'Buffer', 'ArrayBuffer'], string);
    }
    return byteLengthOf(string, normalizeEncoding(encoding) ?? 'utf8');
  };

  Buffer.compare = function compare(a, b) {
    if (!(a instanceof Uint8Array)) throw new ERR_INVALID_ARG_TYPE('buf1', ['Buffer', 'Uint8Array'], a);
    if (!(b instanceof Uint8Array)) throw new ERR_INVALID_ARG_TYPE('buf2', ['Buffer', 'Uint8Array'], b);
    return compareBytes(a, 0, a.length, b, 0, b.length);
  };

  Buffer.concat = function concat(list, totalLength) {
    if (!Array.isArray(list)) throw new ERR_INVALID_ARG_TYPE('list', ['Array'], list);
    if (list.length === 0) return new FastBuffer(0);
    if (totalLength === undefined) {
      totalLength = 0;
      for (let i = 0; i < list.length; i++) {
        if (!(list[i] instanceof Uint8Array)) throw new ERR_INVALID_ARG_TYPE(`list[${i}]`, ['Buffer', 'Uint8Array'], list[i]);
        totalLength += list[i].length;
      }
    } else validateInteger(totalLength, 'length', 0);
    const buf = Buffer.allocUnsafe(totalLength);
    let pos = 0;
    for (let i = 0; i < list.length; i++) {
      const item = list[i];
      if (!(item instanceof Uint8Array)) throw new ERR_INVALID_ARG_TYPE(`list[${i}]`, ['Buffer', 'Uint8Array'], item);
      if (pos >= totalLength) break;
      const n = Math.min(item.length, totalLength - pos);
      if (n === 0) continue;
      buf.set(n === item.length ? item : item.subarray(0, n), pos);
      pos += n;
    }
    if (pos < totalLength) buf.fill(0, pos);
    return buf;
  };

  function compareBytes(a, aStart, aEnd, b, bStart, bEnd) {
    const n = Math.min(aEnd - aStart, bEnd - bStart);
    for (let i = 0; i < n; i++) {
      if (a[aStart + i] !== b[bStart + i]) return a[aStart + i] < b[bStart + i] ? -1 : 1;
    }
    return Math.sign((aEnd - aStart) - (bEnd - bStart));
  }

  const proto = FastBuffer.prototype;

  proto.toString = function toString(encoding, start, end) {
    if (arguments.length === 0) return utf8Decode(this, 0, this.length);
    // Node's order: the range first (an empty one is '' whatever the encoding), then
    // the encoding, as a string (null and '' are unknown encodings).
    const len = this.length;
    if (start <= 0) start = 0;
    else if (start >= len) return '';
    else start = Math.trunc(start) || 0;
    if (end === undefined || end > len) end = len;
    else end = Math.trunc(end) || 0;
    if (end <= start) return '';
    if (encoding === undefined) return utf8Decode(this, start, end);
    const enc = encodingOps(encoding);
    if (enc === undefined) throw unknownEncodingOf(encoding);
    switch (enc) {
      case 'utf8': return utf8Decode(this, start, end);
      case 'utf16le': return utf16leDecode(this, start, end);
      case 'latin1': return latin1Decode(this, start, end);
      case 'ascii': return asciiDecode(this, start, end);
      case 'hex': return hexDecode(this, start, end);
      case 'base64': return base64Encode(this, start, end, false);
      default: return base64Encode(this, start, end, true);
    }
  };
  proto.toLocaleString = proto.toString;

  proto.write = function write(string, offset, length, encoding) {
    if (typeof string !== 'string') throw new plain.ERR_INVALID_ARG_TYPE('argument must be a string');
    const bufferLength = this.length;
    if (offset === undefined) return writeString(this, string, 0, bufferLength, 'utf8');
    if (length === undefined && typeof offset === 'string') {
      encoding = offset; length = bufferLength; offset = 0;
    } else {
      validateInteger(offset, 'offset', 0, bufferLength);
      const remaining = bufferLength - offset;
      if (length === undefined) length = remaining;
      else if (typeof length === 'string') { encoding = length; length = remaining; } else {
        validateInteger(length, 'length', 0, bufferLength);
        if (length > remaining) length = remaining;
      }
    }
    if (!encoding) return writeString(this, string, offset, length, 'utf8');
    const enc = encodingOps(encoding);
    if (enc === undefined) throw unknownEncodingOf(encoding);
    return writeString(this, string, offset, length, enc);
  };

  proto.toJSON = function toJSON() {
    const data = new Array(this.length);
    for (let i = 0; i < this.length; i++) data[i] = this[i];
    return { type: 'Buffer', data };
  };

  proto.equals = function equals(other) {
    if (!(other instanceof Uint8Array)) throw new ERR_INVALID_ARG_TYPE('otherBuffer', ['Buffer', 'Uint8Array'], other);
    return this === other || compareBytes(this, 0, this.length, other, 0, other.length) === 0;
  };

  proto.compare = function compare(target, targetStart, targetEnd, sourceStart, sourceEnd) {
    if (!(target instanceof Uint8Array)) throw new ERR_INVALID_ARG_TYPE('target', ['Buffer', 'Uint8Array'], target);
    if (arguments.length === 1) return compareBytes(this, 0, this.length, target, 0, target.length);
    if (targetStart === undefined) targetStart = 0; else validateInteger(targetStart, 'targetStart', 0);
    if (targetEnd === undefined) targetEnd = target.length; else validateInteger(targetEnd, 'targetEnd', 0, target.length);
    if (sourceStart === undefined) sourceStart = 0; else validateInteger(sourceStart, 'sourceStart', 0);
    if (sourceEnd === undefined) sourceEnd = this.length; else validateInteger(sourceEnd, 'sourceEnd', 0, this.length);
    if (sourceStart >= sourceEnd) return targetStart >= targetEnd ? 0 : -1;
    if (targetStart >= targetEnd) return 1;
    if (sourceStart > this.length) throw new ERR_OUT_OF_RANGE('The value of "sourceStart" is out of range.');
    if (targetStart > target.length) throw new ERR_OUT_OF_RANGE('The value of "targetStart" is out of range.');
    return compareBytes(this, sourceStart, sourceEnd, target, targetStart, targetEnd);
  };

  // Node's toInteger: a safe integer (floored), else the default.
  function toInteger(n, defaultValue) {
    n = +n;
    if (!Number.isNaN(n) && n >= Number.MIN_SAFE_INTEGER && n <= Number.MAX_SAFE_INTEGER) return n % 1 === 0 ? n : Math.floor(n);
    return defaultValue;
  }

  // Node's _copyActual: clamped to both buffers; returns the bytes copied.
  function copyActual(source, target, targetStart, sourceStart, sourceEnd) {
    if (sourceEnd - sourceStart > target.byteLength - targetStart) sourceEnd = sourceStart + target.byteLength - targetStart;
    let nb = sourceEnd - sourceStart;
    const sourceLen = source.byteLength - sourceStart;
    if (nb > sourceLen) nb = sourceLen;
    if (nb <= 0) return 0;
    const from = new Uint8Array(source.buffer, source.byteOffset + sourceStart, nb);
    Uint8Array.prototype.set.call(target, from, targetStart);
    return nb;
  }

  proto.copy = function copy(target, targetStart, sourceStart, sourceEnd) {
    if (!(target instanceof Uint8Array)) throw new ERR_INVALID_ARG_TYPE('target', ['Buffer', 'Uint8Array'], target);
    if (targetStart === undefined) targetStart = 0;
    else {
      targetStart = Number.isInteger(targetStart) ? targetStart : toInteger(targetStart, 0);
      if (targetStart < 0) throw new ERR_OUT_OF_RANGE('targetStart', '>= 0', targetStart);
    }
    if (sourceStart === undefined) sourceStart = 0;
    else {
      sourceStart = Number.isInteger(sourceStart) ? sourceStart : toInteger(sourceStart, 0);
      if (sourceStart < 0 || sourceStart > this.byteLength) throw new ERR_OUT_OF_RANGE('sourceStart', `>= 0 && <= ${this.byteLength}`, sourceStart);
    }
    if (sourceEnd === undefined) sourceEnd = this.byteLength;
    else {
      sourceEnd = Number.isInteger(sourceEnd) ? sourceEnd : toInteger(sourceEnd, 0);
      if (sourceEnd < 0) throw new ERR_OUT_OF_RANGE('sourceEnd', '>= 0', sourceEnd);
    }
    if (targetStart >= target.byteLength || sourceStart >= sourceEnd) return 0;
    return copyActual(this, target, targetStart, sourceStart, sourceEnd);
  };

  proto.fill = function fill(value, offset, end, encoding) { return fillBuffer(this, value, offset, end, encoding); };

  // Node's _fill: argument shuffling and checks in Node's order.
  function fillBuffer(buf, value, offset, end, encoding) {
    let enc;
    if (typeof value === 'string') {
      if (offset === undefined || typeof offset === 'string') {
        encoding = offset; offset = 0; end = buf.length;
      } else if (typeof end === 'string') {
        encoding = end; end = buf.length;
      }
      enc = normalizeEncoding(encoding);
      if (enc === undefined) {
        if (typeof encoding !== 'string') throw new ERR_INVALID_ARG_TYPE('encoding', ['string'], encoding);
        throw unknownEncodingOf(encoding);
      }
      if (value.length === 0) value = 0;
    }
    if (offset === undefined) {
      offset = 0; end = buf.length;
    } else {
      validateInteger(offset, 'offset', 0);
      if (end === undefined) end = buf.length;
      else validateInteger(end, 'end', 0, buf.length);
      if (offset >= end) return buf;
    }
    let bytes;
    if (typeof value === 'string') {
      bytes = fromString(value, enc);
    } else if (ArrayBuffer.isView(value)) {
      bytes = new Uint8Array(value.buffer, value.byteOffset, value.byteLength);
    } else {
      // Node's binding: anything else is a number, taken modulo 256.
      Uint8Array.prototype.fill.call(buf, (typeof value === 'number' ? value : Number(value)) & 255, offset, end);
      return buf;
    }
    if (bytes.length === 0) throw invalidFillValue(value);
    for (let i = offset, j = 0; i < end; i++, j = (j + 1) % bytes.length) buf[i] = bytes[j];
    return buf;
  }

  function indexOf(buf, value, byteOffset, encoding, first) {
    if (typeof byteOffset === 'string') { encoding = byteOffset; byteOffset = undefined; }
    let needle;
    if (typeof value === 'number') needle = [value & 255];
    else if (typeof value === 'string') needle = fromString(value, encoding);
    else if (value instanceof Uint8Array) needle = value;
    else throw new ERR_INVALID_ARG_TYPE('value', ['number', 'string', 'Buffer', 'Uint8Array'], value);
    const len = buf.length;
    if (byteOffset > 0x7fffffff) byteOffset = 0x7fffffff;
    else if (byteOffset < -0x80000000) byteOffset = -0x80000000;
    let from = +byteOffset;
    if (Number.isNaN(from)) from = first ? 0 : len;
    from = Math.trunc(from);
    if (from < 0) from += len;
    if (needle.length === 0) return first ? Math.min(Math.max(from, 0), len) : Math.min(Math.max(from, 0), len);
    if (first) {
      for (let i = Math.max(from, 0); i <= len - needle.length; i++) {
        let j = 0;
        while (j < needle.length && buf[i + j] === needle[j]) j++;
        if (j === needle.length) return i;
      }
    } else {
      for (let i = Math.min(from, len - needle.length); i >= 0; i--) {
        let j = 0;
        while (j < needle.length && buf[i + j] === needle[j]) j++;
        if (j === needle.length) return i;
      }
    }
    return -1;
  }
  proto.indexOf = function (value, byteOffset, encoding) { return indexOf(this, value, byteOffset, encoding, true); };
  proto.lastIndexOf = function (value, byteOffset, encoding) { return indexOf(this, value, byteOffset, encoding, false); };
  proto.includes = function (value, byteOffset, encoding) { return indexOf(this, value, byteOffset, encoding, true) !== -1; };

  proto.slice = function slice(start, end) { return this.subarray(start, end); };
  proto.subarray = function subarray(start, end) {
    const len = this.length;
    start = start === undefined ? 0 : Math.trunc(start) || 0;
    end = end === undefined ? len : Math.trunc(end) || 0;
    if (start < 0) start = Math.max(len + start, 0); else if (start > len) start = len;
    if (end < 0) end = Math.max(len + end, 0); else if (end > len) end = len;
    if (end < start) end = start;
    return new FastBuffer(this.buffer, this.byteOffset + start, end - start);
  };

  function swap(buf, size) {
    if (buf.length % size !== 0) {
      throw new ERR_INVALID_BUFFER_SIZE(`${size * 8}-bits`);
    }
    for (let i = 0; i < buf.length; i += size) {
      for (let a = i, b = i + size - 1; a < b; a++, b--) { const t = buf[a]; buf[a] = buf[b]; buf[b] = t; }
    }
    return buf;
  }
  proto.swap16 = function swap16() { return swap(this, 2); };
  proto.swap32 = function swap32() { return swap(this, 4); };
  proto.swap64 = function swap64() { return swap(this, 8); };

  function view(buf) { return new DataView(buf.buffer, buf.byteOffset, buf.byteLength); }

  const fixed = [
    ['UInt8', 1, 'getUint8', 'setUint8', 0, 0xff], ['Int8', 1, 'getInt8', 'setInt8', -0x80, 0x7f],
    ['UInt16', 2, 'getUint16', 'setUint16', 0, 0xffff], ['Int16', 2, 'getInt16', 'setInt16', -0x8000, 0x7fff],
    ['UInt32', 4, 'getUint32', 'setUint32', 0, 0xffffffff], ['Int32', 4, 'getInt32', 'setInt32', -0x80000000, 0x7fffffff],
  ];
  for (const [name, size, get, set, min, max] of fixed) {
    for (const endian of size === 1 ? [''] : ['LE', 'BE']) {
      const little = endian === 'LE';
      const read = { [`read${name}${endian}`](offset = 0) { offset = checkOffset(this, offset, size); return view(this)[get](offset, little); } }[`read${name}${endian}`];
      const write = { [`write${name}${endian}`](value, offset = 0) {
        value = +value; // Node coerces: writeUInt8('1') writes 1
        if (size === 1) validateNumber(offset, 'offset'); // Node checks a 1-byte write's offset first
        offset = checkInt(value, min, max, this, offset, size);
        view(this)[set](offset, value, little);
        return offset + size;
      } }[`write${name}${endian}`];
      proto[`read${name}${endian}`] = read;
      proto[`write${name}${endian}`] = write;
      if (name.startsWith('UInt')) {
        proto[`readUint${name.slice(4)}${endian}`] = read;
        proto[`writeUint${name.slice(4)}${endian}`] = write;
      }
    }
  }
  for (const [name, size, get, set] of [['Float', 4, 'getFloat32', 'setFloat32'], ['Double', 8, 'getFloat64', 'setFloat64']]) {
    for (const endian of ['LE', 'BE']) {
      const little = endian === 'LE';
      proto[`read${name}${endian}`] = { [`read${name}${endian}`](offset = 0) { offset = checkOffset(this, offset, size); return view(this)[get](offset, little); } }[`read${name}${endian}`];
      proto[`write${name}${endian}`] = { [`write${name}${endian}`](value, offset = 0) {
        offset = checkOffset(this, offset, size);
        view(this)[set](offset, +value, little);
        return offset + size;
      } }[`write${name}${endian}`];
    }
  }
  for (const [name, get, set, min, max, range] of [
    ['BigInt64', 'getBigInt64', 'setBigInt64', -(2n ** 63n), 2n ** 63n - 1n, '>= -(2n ** 63n) and < 2n ** 63n'],
    ['BigUInt64', 'getBigUint64', 'setBigUint64', 0n, 2n ** 64n - 1n, '>= 0n and < 2n ** 64n'],
  ]) {
    for (const endian of ['LE', 'BE']) {
      const little = endian === 'LE';
      const read = { [`read${name}${endian}`](offset = 0) { offset = checkOffset(this, offset, 8); return view(this)[get](offset, little); } }[`read${name}${endian}`];
      const write = { [`write${name}${endian}`](value, offset = 0) {
        if (value < min || value > max) throw new ERR_OUT_OF_RANGE('value', range, value);
        offset = checkOffset(this, offset, 8);
        void (value & 0xffffffffn); // a Number here throws "Cannot mix BigInt and other types", as in Node
        view(this)[set](offset, value, little);
        return offset + 8;
      } }[`write${name}${endian}`];
      proto[`read${name}${endian}`] = read;
      proto[`write${name}${endian}`] = write;
      if (name === 'BigUInt64') { proto[`readBigUint64${endian}`] = read; proto[`writeBigUint64${endian}`] = write; }
    }
  }

  // Variable width (1-6 bytes) integers.
  function readVar(buf, offset, byteLength, little, signed) {
    checkByteLength(byteLength);
    offset = checkOffset(buf, offset, byteLength);
    let value = 0;
    for (let i = 0; i < byteLength; i++) {
      const b = buf[offset + (little ? byteLength - 1 - i : i)];
      value = value * 256 + b;
    }
    if (signed && value >= 2 ** (8 * byteLength - 1)) value -= 2 ** (8 * byteLength);
    return value;
  }
  function writeVar(buf, value, offset, byteLength, little, signed) {
    checkByteLength(byteLength);
    const bits = 8 * byteLength;
    const min = signed ? -(2 ** (bits - 1)) : 0;
    const max = signed ? 2 ** (bits - 1) - 1 : 2 ** bits - 1;
    offset = checkInt(value, min, max, buf, offset, byteLength);
    let v = value < 0 ? value + 2 ** bits : value;
    for (let i = 0; i < byteLength; i++) {
      buf[offset + (little ? i : byteLength - 1 - i)] = v % 256;
      v = Math.floor(v / 256);
    }
    return offset + byteLength;
  }
  proto.readUIntLE = function readUIntLE(offset, byteLength) { return readVar(this, offset, byteLength, true, false); };
  proto.readUIntBE = function readUIntBE(offset, byteLength) { return readVar(this, offset, byteLength, false, false); };
  proto.readIntLE = function readIntLE(offset, byteLength) { return readVar(this, offset, byteLength, true, true); };
  proto.readIntBE = function readIntBE(offset, byteLength) { return readVar(this, offset, byteLength, false, true); };
  proto.writeUIntLE = function writeUIntLE(value, offset, byteLength) { return writeVar(this, value, offset, byteLength, true, false); };
  proto.writeUIntBE = function writeUIntBE(value, offset, byteLength) { return writeVar(this, value, offset, byteLength, false, false); };
  proto.writeIntLE = function writeIntLE(value, offset, byteLength) { return writeVar(this, value, offset, byteLength, true, true); };
  proto.writeIntBE = function writeIntBE(value, offset, byteLength) { return writeVar(this, value, offset, byteLength, false, true); };
  proto.readUintLE = proto.readUIntLE; proto.readUintBE = proto.readUIntBE;
  proto.writeUintLE = proto.writeUIntLE; proto.writeUintBE = proto.writeUIntBE;

  // The per-encoding methods Node's Buffer.prototype has (buf.hexSlice, buf.utf8Write...),
  // with their checks: Node's binding for hex/ucs2/base64, its fast paths for the others.
  const sliceIndex = (value, fallback) => {
    if (value === undefined) return fallback;
    const n = Math.trunc(+value) || 0;
    if (n < 0) throw new plain.ERR_OUT_OF_RANGE('Index out of range');
    return n;
  };
  const decoders = {
    utf8: utf8Decode, latin1: latin1Decode, ascii: asciiDecode, hex: hexDecode, ucs2: utf16leDecode,
    base64: (b, s, e) => base64Encode(b, s, e, false), base64url: (b, s, e) => base64Encode(b, s, e, true),
  };
  for (const enc of Object.keys(decoders)) {
    const decode = decoders[enc];
    proto[`${enc}Slice`] = { [`${enc}Slice`](start, end) {
      const len = this.length;
      if (len === 0) return '';
      start = sliceIndex(start, 0);
      end = sliceIndex(end, len);
      if (end > len) throw new plain.ERR_OUT_OF_RANGE('Index out of range');
      if (end <= start) return '';
      return decode(this, start, end);
    } }[`${enc}Slice`];
    const fast = enc === 'utf8' || enc === 'latin1' || enc === 'ascii';
    const target = enc === 'ucs2' ? 'utf16le' : enc;
    proto[`${enc}Write`] = { [`${enc}Write`](string, offset, length) {
      if (typeof string !== 'string') throw new plain.ERR_INVALID_ARG_TYPE('argument must be a string');
      const len = this.length;
      if (fast) {
        offset = offset === undefined ? 0 : Math.trunc(+offset) || 0;
        if (offset < 0 || offset > len) throw new ERR_BUFFER_OUT_OF_BOUNDS('offset');
        length = length === undefined ? len - offset : Math.trunc(+length) || 0;
        if (length < 0 || length > len - offset) throw new ERR_BUFFER_OUT_OF_BOUNDS('length');
      } else {
        offset = sliceIndex(offset, 0);
        if (offset > len) throw new ERR_BUFFER_OUT_OF_BOUNDS('offset');
        length = Math.min(sliceIndex(length, len - offset), len - offset);
      }
      if (length === 0) return 0;
      return writeString(this, string, offset, length, target);
    } }[`${enc}Write`];
  }

  Object.defineProperty(proto, 'parent', { get() { return this instanceof Buffer ? this.buffer : undefined; }, enumerable: true, configurable: true });
  Object.defineProperty(proto, 'offset', { get() { return this instanceof Buffer ? this.byteOffset : undefined; }, enumerable: true, configurable: true });

  // Buffers print as <Buffer 68 65 ...> in console output.
  // Node's: the first INSPECT_MAX_BYTES bytes, then (given an inspect context) the
  // buffer's own enumerable non-index properties.
  proto.inspect = function inspect(recurseTimes, ctx) {
    let str = '';
    for (let i = 0; i < Math.min(this.length, 50); i++) str += `${i ? ' ' : ''}${this[i] < 16 ? '0' : ''}${this[i].toString(16)}`;
    const remaining = this.length - 50;
    if (remaining > 0) str += ` ... ${remaining} more byte${remaining > 1 ? 's' : ''}`;
    if (ctx) {
      const extras = [];
      for (const key of Object.keys(this)) {
        if (!/^\d+$/.test(key)) extras.push(`${/^[a-zA-Z_][a-zA-Z_0-9]*$/.test(key) ? key : inspectForUtil(key)}: ${inspectForUtil(this[key], { depth: 0 })}`);
      }
      if (extras.length) str += `${this.length !== 0 ? ', ' : ''}${extras.join(', ')}`;
    }
    return `<${this.constructor.name} ${str}>`;
  };

  for (const key of Object.getOwnPropertyNames(proto)) {
    if (key === 'constructor') continue;
    const d = Object.getOwnPropertyDescriptor(proto, key);
    if ('value' in d) Object.defineProperty(proto, key, { ...d, enumerable: false });
  }

  const isAnyArrayBuffer = (v) => v instanceof ArrayBuffer || Object.prototype.toString.call(v) === '[object SharedArrayBuffer]';
  function isUtf8(input) {
    if (!isTypedArray(input) && !isAnyArrayBuffer(input)) throw new ERR_INVALID_ARG_TYPE('input', ['ArrayBuffer', 'Buffer', 'TypedArray'], input);
    const bytes = isAnyArrayBuffer(input) ? new Uint8Array(input) : new Uint8Array(input.buffer, input.byteOffset, input.byteLength);
    return isValidUtf8(bytes);
  }
  function isAscii(input) {
    if (!isTypedArray(input) && !isAnyArrayBuffer(input)) throw new ERR_INVALID_ARG_TYPE('input', ['ArrayBuffer', 'Buffer', 'TypedArray'], input);
    const bytes = isAnyArrayBuffer(input) ? new Uint8Array(input) : new Uint8Array(input.buffer, input.byteOffset, input.byteLength);
    for (let i = 0; i < bytes.length; i++) if (bytes[i] > 127) return false;
    return true;
  }

  // buffer.transcode: re-encode between Node's encodings (utf8, utf16le, latin1, ascii),
  // with ICU's substitutions ('?' for what latin1/ascii cannot hold, U+FFFD for bad input)
  // and its errors (invalid UTF-8 into UTF-16, lone surrogates into UTF-8).
  function transcode(source, fromEncoding, toEncoding) {
    if (!(source instanceof Uint8Array)) throw new ERR_INVALID_ARG_TYPE('source', ['Buffer', 'Uint8Array'], source);
    if (source.length === 0) return Buffer.alloc(0);
    const supported = ['utf8', 'utf16le', 'latin1', 'ascii'];
    const from = normalizeEncoding(fromEncoding);
    const to = normalizeEncoding(toEncoding);
    const fail = (code) => new plain[code](`Unable to transcode Buffer [${code}]`);
    if (!supported.includes(from) || !supported.includes(to)) {
      throw fail('U_ILLEGAL_ARGUMENT_ERROR');
    }
    const bytes = new Uint8Array(source.buffer, source.byteOffset, source.byteLength);
    if ((from === 'latin1' || from === 'ascii') && to === 'utf16le') return Buffer.from(latin1Decode(bytes, 0, bytes.length), 'utf16le');
    let text;
    if (from === 'utf8') {
      if (to === 'utf16le' && !isValidUtf8(bytes)) throw fail('U_INVALID_CHAR_FOUND');
      text = utf8Decode(bytes, 0, bytes.length);
    } else if (from === 'utf16le') {
      text = utf16leDecode(bytes, 0, bytes.length & ~1);
      if (to === 'utf8' && (!text.isWellFormed() || bytes.length % 2 !== 0)) throw fail('U_INVALID_CHAR_FOUND');
      text = text.toWellFormed();
    } else if (from === 'latin1') text = latin1Decode(bytes, 0, bytes.length);
    else text = latin1Decode(bytes, 0, bytes.length).replace(/[\u0080-\u00ff]/g, '\ufffd');
    if (to === 'latin1') text = text.replace(/[^\u0000-\u00ff]/gu, '?');
    else if (to === 'ascii') text = text.replace(/[^\u0000-\u007f]/gu, '?');
    return Buffer.from(text, to);
  }

  // Reached only through Buffer[Symbol.species] (a getter harden.js does not call): frozen
  // here, as everything shared is.
  Object.freeze(FastBuffer);

  const constants = { MAX_LENGTH: kMaxLength, MAX_STRING_LENGTH: kStringMaxLength };
  return {
    Buffer, constants, kMaxLength, kStringMaxLength, INSPECT_MAX_BYTES: 50, isUtf8, isAscii, transcode,
    SlowBuffer: Buffer.allocUnsafeSlow, resolveObjectURL,
  };
}

export { makeBufferModule };
