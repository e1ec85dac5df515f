'use strict';
// What every part of the crypto module shares: Node's validators (its
// lib/internal/validators.js) and the conversions of its arguments to bytes.

import { inspect } from 'util';
import { codes, plain } from '../internal/errors.js';

const { ERR_INVALID_ARG_TYPE, ERR_INVALID_ARG_VALUE, ERR_OUT_OF_RANGE } = codes;
const { Buffer } = globalThis;
// Node runs crypto jobs (key generation, HKDF, one-shot sign/verify with a callback) on its
// thread pool and calls back in a later turn of the event loop: a setImmediate turn here.
// Both captured at install time, so a code block that replaces the globals changes nothing.
const scheduleImmediate = globalThis.setImmediate;
const queueMicrotaskOriginal = globalThis.queueMicrotask;
const later = (fn) => { scheduleImmediate(fn); };
const microtask = (fn) => { queueMicrotaskOriginal(fn); };
const uncurry = (fn) => Function.prototype.call.bind(fn);
const ArrayBufferByteLength = uncurry(Object.getOwnPropertyDescriptor(ArrayBuffer.prototype, 'byteLength').get);
const SharedArrayBufferByteLength = typeof SharedArrayBuffer === 'function'
  ? uncurry(Object.getOwnPropertyDescriptor(SharedArrayBuffer.prototype, 'byteLength').get) : undefined;

function validateString(value, name) {
  if (typeof value !== 'string') throw new ERR_INVALID_ARG_TYPE(name, ['string'], value);
}
function validateNumber(value, name) {
  if (typeof value !== 'number') throw new ERR_INVALID_ARG_TYPE(name, ['number'], value);
}
function validateFunction(value, name) {
  if (typeof value !== 'function') throw new ERR_INVALID_ARG_TYPE(name, ['function'], value);
}
function validateBoolean(value, name) {
  if (typeof value !== 'boolean') throw new ERR_INVALID_ARG_TYPE(name, ['boolean'], value);
}
function validateObject(value, name) {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) throw new ERR_INVALID_ARG_TYPE(name, ['object'], value);
}
function validateInteger(value, name, min = Number.MIN_SAFE_INTEGER, max = Number.MAX_SAFE_INTEGER) {
  validateNumber(value, name);
  if (!Number.isInteger(value)) throw new ERR_OUT_OF_RANGE(name, 'an integer', value);
  if (value < min || value > max) throw new ERR_OUT_OF_RANGE(name, `>= ${min} && <= ${max}`, value);
}
const validateInt32 = (value, name, min = -2147483648, max = 2147483647) => validateInteger(value, name, min, max);
function validateUint32(value, name) {
  validateNumber(value, name);
  if (!Number.isInteger(value)) throw new ERR_OUT_OF_RANGE(name, 'an integer', value);
  if (value < 0 || value > 4294967295) throw new ERR_OUT_OF_RANGE(name, '>= 0 && <= 4294967295', value);
}

// ERR_INVALID_ARG_VALUE with the value shown as Node's util.inspect shows it.
function invalidArgValue(name, value, reason = 'is invalid') {
  let shown = inspect(value);
  if (shown.length > 128) shown = `${shown.slice(0, 128)}...`;
  return new ERR_INVALID_ARG_VALUE(`The ${name.includes('.') ? 'property' : 'argument'} '${name}' ${reason}. Received ${shown}`);
}

// Node's validateOneOf.
function validateOneOf(value, name, oneOf) {
  if (!oneOf.includes(value)) {
    const allowed = oneOf.map((v) => (typeof v === 'string' ? `'${v}'` : String(v))).join(', ');
    throw invalidArgValue(name, value, `must be one of: ${allowed}`);
  }
}

function isAnyArrayBuffer(value) {
  try { ArrayBufferByteLength(value); return true; } catch { /* not an ArrayBuffer */ }
  if (SharedArrayBufferByteLength === undefined) return false;
  try { SharedArrayBufferByteLength(value); return true; } catch { return false; }
}

const viewBytes = (view) => new Uint8Array(view.buffer, view.byteOffset, view.byteLength);

// Node's getArrayBufferOrView: a string (in `encoding`, utf8 by default) or any BufferSource.
function bufferSource(value, name, encoding) {
  if (typeof value === 'string') return Buffer.from(value, encoding ?? 'utf8');
  if (ArrayBuffer.isView(value)) return viewBytes(value);
  if (isAnyArrayBuffer(value)) return new Uint8Array(value);
  throw new ERR_INVALID_ARG_TYPE(name, ['string', 'ArrayBuffer', 'Buffer', 'TypedArray', 'DataView'], value);
}

function toBytes(data, encoding, name = 'data') {
  if (typeof data === 'string') return Buffer.from(data, encoding);
  if (ArrayBuffer.isView(data)) return viewBytes(data);
  throw new ERR_INVALID_ARG_TYPE(name, ['string', 'Buffer', 'TypedArray', 'DataView'], data);
}

function output(bytes, encoding) {
  const buf = Buffer.from(bytes); // a copy: noble may reuse or wipe its buffers
  // Node answers with a Buffer for an unknown output encoding too.
  return typeof encoding === 'string' && Buffer.isEncoding(encoding) ? buf.toString(encoding) : buf;
}

// forge works on binary strings.
const toBinary = (bytes) => Buffer.from(bytes).toString('latin1');
const fromBinary = (text) => Buffer.from(text, 'latin1');

function unsupportedKey() {
  return new plain.ERR_OSSL_UNSUPPORTED('error:1E08010C:DECODER routines::unsupported');
}

const constants = Object.freeze({
  DH_CHECK_P_NOT_SAFE_PRIME: 2, DH_CHECK_P_NOT_PRIME: 1, DH_UNABLE_TO_CHECK_GENERATOR: 4, DH_NOT_SUITABLE_GENERATOR: 8,
  RSA_PKCS1_PADDING: 1, RSA_NO_PADDING: 3, RSA_PKCS1_OAEP_PADDING: 4, RSA_X931_PADDING: 5, RSA_PKCS1_PSS_PADDING: 6,
  RSA_PSS_SALTLEN_DIGEST: -1, RSA_PSS_SALTLEN_MAX_SIGN: -2, RSA_PSS_SALTLEN_AUTO: -2,
  POINT_CONVERSION_COMPRESSED: 2, POINT_CONVERSION_UNCOMPRESSED: 4, POINT_CONVERSION_HYBRID: 6,
});

export {
  bufferSource, constants, later, microtask, fromBinary, invalidArgValue, isAnyArrayBuffer, output, toBinary, toBytes, unsupportedKey,
  validateBoolean, validateFunction, validateInt32, validateInteger, validateNumber, validateObject, validateOneOf, validateString,
  validateUint32, viewBytes,
};
