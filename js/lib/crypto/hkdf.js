'use strict';
// HKDF (RFC 5869): hkdf and hkdfSync, Node's lib/internal/crypto/hkdf.js, on @noble/hashes.

import { hkdf as nobleHkdf } from '@noble/hashes/hkdf.js';
import { codes, plain } from '../internal/errors.js';
import { DIGEST_LENGTH, hashOf, isXof } from './hashes.js';
import { createSecretKey, isKeyObject, secretBytes } from './keys.js';
import { isAnyArrayBuffer, later, validateFunction, validateInteger, validateString, viewBytes } from './util.js';

const { ERR_CRYPTO_INVALID_KEY_OBJECT_TYPE, ERR_INVALID_ARG_TYPE, ERR_OUT_OF_RANGE } = codes;
const { Buffer } = globalThis;
const BYTE_SOURCE = ['string', 'ArrayBuffer', 'TypedArray', 'DataView', 'Buffer'];

function byteSource(value, name) {
  if (typeof value === 'string') return Buffer.from(value, 'utf8');
  if (ArrayBuffer.isView(value)) return viewBytes(value);
  if (isAnyArrayBuffer(value)) return new Uint8Array(value);
  throw new ERR_INVALID_ARG_TYPE(name, BYTE_SOURCE, value);
}

function prepareKey(key) {
  if (isKeyObject(key)) {
    if (key.type !== 'secret') throw new ERR_CRYPTO_INVALID_KEY_OBJECT_TYPE(key.type, 'secret');
    return secretBytes(key);
  }
  if (isAnyArrayBuffer(key)) return new Uint8Array(key);
  if (typeof key !== 'string' && !ArrayBuffer.isView(key)) {
    throw new ERR_INVALID_ARG_TYPE('ikm', ['string', 'SecretKeyObject', 'ArrayBuffer', 'TypedArray', 'DataView', 'Buffer'], key);
  }
  return secretBytes(createSecretKey(key));
}

function validateParameters(digest, key, salt, info, length) {
  validateString(digest, 'digest');
  const ikm = prepareKey(key);
  const saltBytes = byteSource(salt, 'salt');
  const infoBytes = byteSource(info, 'info');
  validateInteger(length, 'length', 0, Number.MAX_SAFE_INTEGER);
  if (infoBytes.byteLength > 1024) {
    throw new ERR_OUT_OF_RANGE('info', 'must not contain more than 1024 bytes', infoBytes.byteLength);
  }
  const hash = hashOf(digest);
  if (hash === undefined) throw new plain.ERR_CRYPTO_INVALID_DIGEST(`Invalid digest: ${digest}`);
  if (!isXof(hash) && length > 255 * DIGEST_LENGTH.get(hash)) throw new plain.ERR_CRYPTO_INVALID_KEYLEN('Invalid key length');
  return { hash, ikm, salt: saltBytes, info: infoBytes, length };
}

// OpenSSL's HKDF refuses an empty output and an XOF digest.
function derive({ hash, ikm, salt, info, length }) {
  if (length === 0 || isXof(hash)) throw new Error('Deriving bits failed');
  const bytes = nobleHkdf(hash, ikm, salt, info, length);
  const out = new ArrayBuffer(length);
  new Uint8Array(out).set(bytes);
  return out;
}

function hkdfSync(digest, key, salt, info, length) {
  return derive(validateParameters(digest, key, salt, info, length));
}

function hkdf(digest, key, salt, info, length, callback) {
  const params = validateParameters(digest, key, salt, info, length);
  validateFunction(callback, 'callback');
  let result;
  let error = null;
  try { result = derive(params); } catch (err) { error = err; }
  later(() => (error ? callback(error) : callback(null, result)));
}

export { hkdf, hkdfSync };
