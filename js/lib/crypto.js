'use strict';
// require('crypto'): Node's crypto API for code blocks, on the audited pure-JS
// primitives of @noble/hashes, @noble/ciphers and @noble/curves (RSA in ./crypto/rsa.js).
// Installed as a module bundle (js/build.mjs), so runtimes that never use it do not pay
// for it. This file holds hashes, HMAC, PBKDF2/scrypt, randomness, ciphers and RSA
// encryption, and assembles the module; the rest is split by concept under ./crypto/:
//   keys.js    KeyObject, createPrivateKey/createPublicKey/createSecretKey, export,
//              generateKeyPair(Sync), generateKey(Sync)
//   sig.js     sign/verify, Sign/Verify (RSA, ECDSA, Ed25519/Ed448)
//   ecdh.js    createECDH/ECDH, diffieHellman
//   dh.js      createDiffieHellman, getDiffieHellman (finite-field DH; groups in dh-groups.js)
//   primes.js  generatePrime(Sync), checkPrime(Sync)
//   hkdf.js    hkdf/hkdfSync
//   webcrypto.js  crypto.subtle (SubtleCrypto) and CryptoKey
//   rsa.js     RSA key generation, signatures and encryption (BigInt and WebAssembly)
//   x509.js    X509Certificate
//   curves.js  the curves; der.js the DER/PEM codec; hashes.js the digests by name;
//   random.js  the one random source; util.js validators and byte conversions
// Ciphers stream like Node's: update() returns every complete block for CBC and ECB,
// every byte for CTR and GCM (./crypto/gcm.js); Hash, Hmac and the ciphers also take
// write()/end()/read() (./crypto/transform.js).

import { hmac } from '@noble/hashes/hmac.js';
import { pbkdf2 as noblePbkdf2 } from '@noble/hashes/pbkdf2.js';
import { scrypt as nobleScrypt } from '@noble/hashes/scrypt.js';
import { cbc, ctr, ecb } from '@noble/ciphers/aes.js';
import forge from 'node-forge';
import { StringDecoder } from 'string_decoder';
import { inspect } from 'util';
import { codes, describeReceived, plain } from './internal/errors.js';
import { EC_CURVES } from './crypto/curves.js';
import { ECDH, createECDH, diffieHellman } from './crypto/ecdh.js';
import { DiffieHellman, DiffieHellmanGroup, createDiffieHellman, createDiffieHellmanGroup } from './crypto/dh.js';
import { checkPrime, checkPrimeSync, generatePrime, generatePrimeSync } from './crypto/primes.js';
import { DIGEST_LENGTH, hashOf, isXof } from './crypto/hashes.js';
import { hkdf, hkdfSync } from './crypto/hkdf.js';
import {
  KeyObject, createPrivateKey, createPublicKey, createSecretKey, generateKey, generateKeyPair, generateKeyPairSync,
  generateKeySync, isKeyObject, prepareAsymmetricKey, secretBytes,
} from './crypto/keys.js';
import { fill, getRandomValuesOriginal, webCrypto } from './crypto/random.js';
import * as rsa from './crypto/rsa.js';
import { Sign, Verify, sign, verify } from './crypto/sig.js';
import { CryptoKey, SubtleCrypto, subtle } from './crypto/webcrypto.js';
import { X509Certificate } from './crypto/x509.js';
import { GcmStream } from './crypto/gcm.js';
import { defineStreamMethods } from './crypto/transform.js';
import {
  bufferSource, constants, isAnyArrayBuffer, output, toBinary, toBytes, validateBoolean, validateFunction,
  validateInteger, validateNumber, validateObject, validateString, validateUint32,
} from './crypto/util.js';

const {
  ERR_CRYPTO_HASH_FINALIZED, ERR_CRYPTO_HASH_UPDATE_FAILED, ERR_CRYPTO_INVALID_AUTH_TAG, ERR_CRYPTO_INVALID_KEY_OBJECT_TYPE, ERR_CRYPTO_INVALID_STATE,
  ERR_INCOMPATIBLE_OPTION_PAIR, ERR_INVALID_ARG_TYPE, ERR_INVALID_ARG_VALUE,
  ERR_OUT_OF_RANGE,
} = codes;

const { Buffer } = globalThis;
// Captured at install time, between executions (the runtime is clean then); random
// bytes come from ./crypto/random.js.
const randomUUIDOriginal = globalThis.crypto.randomUUID;
const scheduleImmediate = globalThis.setImmediate;
const queueMicrotaskOriginal = globalThis.queueMicrotask;
const DateNow = Date.now;


// -- Node's validators (lib/internal/validators.js) ------------------------------


// Node's normalizeEncoding: a canonical name, '' as utf8, undefined when unknown.
function normalizeEncoding(encoding) {
  if (encoding === '' || encoding === undefined || encoding === null) return 'utf8';
  if (typeof encoding !== 'string' || !Buffer.isEncoding(encoding)) return undefined;
  const lower = encoding.toLowerCase();
  return { 'utf-8': 'utf8', binary: 'latin1', ucs2: 'utf16le', 'ucs-2': 'utf16le', 'utf-16le': 'utf16le' }[lower] ?? lower;
}

// Hash#update's and Hmac#update's data: a string (in `encoding`, utf8 if unknown) or
// an ArrayBufferView; hex of odd length is refused as Node's validateEncoding does.
function updateBytes(data, encoding) {
  if (typeof data === 'string') {
    const normalized = normalizeEncoding(encoding);
    if (normalized === 'hex' && data.length % 2 !== 0) {
      throw new ERR_INVALID_ARG_VALUE(
        `The argument 'encoding' is invalid for data of length ${data.length}. Received '${encoding}'`);
    }
    return Buffer.from(data, normalized ?? 'utf8');
  }
  if (ArrayBuffer.isView(data)) return new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
  throw new ERR_INVALID_ARG_TYPE('data', ['string', 'Buffer', 'TypedArray', 'DataView'], data);
}

function notXof() {
  return new plain.ERR_OSSL_EVP_NOT_XOF_OR_INVALID_LENGTH('error:030000B2:digital envelope routines::not XOF or invalid length');
}

// A fresh noble hash state, with `outputLength` bytes for the XOFs; a fixed-length
// digest accepts only its own length, as OpenSSL does.
function hashState(hash, outputLength, onBadLength) {
  if (outputLength === undefined || outputLength === DIGEST_LENGTH.get(hash)) return hash.create();
  if (!isXof(hash)) throw onBadLength();
  return hash.create({ dkLen: outputLength });
}


function keyBytes(key, name = 'key') {
  if (typeof key === 'string') return Buffer.from(key);
  if (ArrayBuffer.isView(key)) return new Uint8Array(key.buffer, key.byteOffset, key.byteLength);
  if (key instanceof ArrayBuffer) return new Uint8Array(key);
  throw new ERR_INVALID_ARG_TYPE(name, ['string', 'ArrayBuffer', 'Buffer', 'TypedArray', 'DataView', 'KeyObject', 'CryptoKey'], key);
}


function finalized() {
  return new ERR_CRYPTO_HASH_FINALIZED();
}

// Node's Hash: `new` optional, options.outputLength for the XOFs (shake128/256).
function Hash(algorithm, options) {
  if (!new.target) return new Hash(algorithm, options);
  validateString(algorithm, 'algorithm');
  const outputLength = xofLength(options);
  // cSHAKE's parameters are validated, then refused as Node 24's OpenSSL 3.0 refuses them.
  const cshake = options !== undefined && options !== null && cshakeOptions(options);
  const hash = hashOf(algorithm);
  if (hash === undefined || cshake) throw new Error('Digest method not supported');
  // done: digest() was called; digested: the digest, once made (by digest() or end()).
  hashStates.set(this, { state: hashState(hash, outputLength, notXof), hash, done: false, digested: null });
}
const hashStates = new WeakMap();

// Node's normalizeCShakeParameter for options.functionName and options.customization:
// true when either is given.
function cshakeOptions(options) {
  let given = false;
  for (const key of ['functionName', 'customization']) {
    const value = options[key];
    if (value === undefined) continue;
    const name = `options.${key}`;
    const bytes = bufferSource(value, name);
    if (bytes.includes(0)) {
      let shown = inspect(typeof value === 'string' ? Buffer.from(value) : value);
      if (shown.length > 128) shown = `${shown.slice(0, 128)}...`;
      throw new ERR_INVALID_ARG_VALUE(`The property '${name}' must not contain NUL bytes. Received ${shown}`);
    }
    given = true;
  }
  return given;
}

function xofLength(options) {
  const outputLength = typeof options === 'object' && options !== null ? options.outputLength : undefined;
  if (outputLength !== undefined) validateUint32(outputLength, 'options.outputLength');
  return outputLength === undefined ? undefined : outputLength + 0;
}

function liveHash(self) {
  const entry = hashStates.get(self);
  if (entry === undefined) throw new TypeError('Illegal invocation');
  if (entry.done) throw finalized();
  return entry;
}

Object.defineProperties(Hash.prototype, {
  update: {
    value: function update(data, encoding) {
      const entry = liveHash(this);
      const bytes = updateBytes(data, encoding);
      // After end() (its digest is made), as Node's handle refuses the update.
      if (entry.digested !== null) throw new ERR_CRYPTO_HASH_UPDATE_FAILED();
      entry.state.update(bytes);
      return this;
    },
    writable: true, configurable: true,
  },
  digest: {
    value: function digest(outputEncoding) {
      const entry = liveHash(this);
      entry.done = true;
      return output(hashDigest(entry), outputEncoding && `${outputEncoding}`);
    },
    writable: true, configurable: true,
  },
  copy: {
    value: function copy(options) {
      const entry = liveHash(this);
      const outputLength = xofLength(options);
      const copied = Object.create(Hash.prototype);
      const state = entry.state.clone();
      // Node's copy takes the XOF length of its options, the default one without.
      const length = outputLength ?? DIGEST_LENGTH.get(entry.hash);
      if (length !== DIGEST_LENGTH.get(entry.hash) && !isXof(entry.hash)) throw notXof();
      if (isXof(entry.hash)) state.outputLen = length; // noble's Keccak reads it at digest()
      hashStates.set(copied, { state, hash: entry.hash, done: false, digested: null });
      return copied;
    },
    writable: true, configurable: true,
  },
});

// The digest, made once: Node's handle answers every later digest (end()'s, then
// digest()'s) with the same bytes.
function hashDigest(entry) {
  entry.digested ??= entry.state.digest();
  return entry.digested;
}

// write()/end()/read(): end() pushes the digest; digest() still answers once after it.
defineStreamMethods(Hash, 'Hash', (self, bytes) => {
  const entry = hashStates.get(self);
  if (entry === undefined) throw new TypeError('Illegal invocation');
  if (entry.digested === null) entry.state.update(bytes);
}, (self) => hashDigest(hashStates.get(self)));

// Node's Hmac: `new` optional; options.encoding decodes a string key.
function Hmac(algorithm, key, options) {
  if (!new.target) return new Hmac(algorithm, key, options);
  validateString(algorithm, 'hmac');
  const encoding = options?.encoding;
  if (encoding !== undefined) validateString(encoding, 'options.encoding');
  let secret;
  if (isKeyObject(key)) {
    if (key.type !== 'secret') {
      throw new ERR_CRYPTO_INVALID_KEY_OBJECT_TYPE(key.type, 'secret');
    }
    secret = secretBytes(key);
  } else if (typeof key === 'string' && encoding !== undefined) secret = Buffer.from(key, normalizeEncoding(encoding) ?? 'utf8');
  else secret = keyBytes(key);
  const hash = hashOf(algorithm);
  if (hash === undefined) throw new plain.ERR_CRYPTO_INVALID_DIGEST(`Invalid digest: ${algorithm}`);
  // OpenSSL refuses an XOF for HMAC with an empty error queue; Node shows it as is.
  if (isXof(hash)) throw new Error('error:00000000:lib(0)::reason(0)');
  // done: digest() was called; digested: the HMAC was made (by digest() or end()).
  hmacStates.set(this, { state: hmac.create(hash, secret), done: false, digested: false });
}
const hmacStates = new WeakMap();

function hmacEntry(self) {
  const entry = hmacStates.get(self);
  if (entry === undefined) throw new TypeError('Illegal invocation');
  return entry;
}

Object.defineProperties(Hmac.prototype, {
  update: {
    value: function update(data, encoding) {
      const entry = hmacEntry(this);
      // After end() too, as Node answers.
      if (entry.done || entry.digested) throw finalized();
      entry.state.update(updateBytes(data, encoding));
      return this;
    },
    writable: true, configurable: true,
  },
  digest: {
    value: function digest(outputEncoding) {
      const entry = hmacEntry(this);
      // Node answers a second digest() with an empty one instead of throwing.
      if (entry.done) {
        const empty = Buffer.from('');
        return outputEncoding && outputEncoding !== 'buffer' ? empty.toString(outputEncoding) : empty;
      }
      entry.done = true;
      return output(hmacDigest(entry), outputEncoding && `${outputEncoding}`);
    },
    writable: true, configurable: true,
  },
});

// The HMAC, made once: Node's handle answers a later digest with no bytes.
function hmacDigest(entry) {
  if (entry.digested) return new Uint8Array(0);
  entry.digested = true;
  return entry.state.digest();
}

defineStreamMethods(Hmac, 'Hmac', (self, bytes) => {
  const entry = hmacEntry(self);
  if (!entry.digested) entry.state.update(bytes);
}, (self) => hmacDigest(hmacEntry(self)));

function createHash(algorithm, options) { return new Hash(algorithm, options); }
function createHmac(algorithm, key, options) { return new Hmac(algorithm, key, options); }

// -- key derivation (Node's lib/internal/crypto/pbkdf2.js and scrypt.js) ------------


const validateInt32 = (value, name, min) => validateInteger(value, name, min, 2147483647);

function pbkdf2Check(password, salt, iterations, keylen, digest) {
  validateString(digest, 'digest');
  const pw = bufferSource(password, 'password');
  const sl = bufferSource(salt, 'salt');
  validateInt32(iterations, 'iterations', 1);
  validateInt32(keylen, 'keylen', 0);
  const hash = hashOf(digest);
  if (hash === undefined) throw new plain.ERR_CRYPTO_INVALID_DIGEST(`Invalid digest: ${digest}`);
  return { pw, sl, hash };
}

// OpenSSL's failures once the arguments are valid: an XOF digest, an empty key.
function pbkdf2Derive({ pw, sl, hash }, iterations, keylen) {
  if (isXof(hash)) throw new Error('error:1C8000B7:Provider routines::xof digests not allowed');
  if (keylen === 0) throw new Error('Deriving bits failed');
  return output(noblePbkdf2(hash, pw, sl, { c: iterations, dkLen: keylen }));
}

function pbkdf2Sync(password, salt, iterations, keylen, digest) {
  return pbkdf2Derive(pbkdf2Check(password, salt, iterations, keylen, digest), iterations, keylen);
}

// Node derives on its thread pool and calls back in a later turn of the event loop.
function pbkdf2(password, salt, iterations, keylen, digest, callback) {
  if (typeof digest === 'function') {
    callback = digest;
    digest = undefined;
  }
  const checked = pbkdf2Check(password, salt, iterations, keylen, digest);
  validateFunction(callback, 'callback');
  scheduleImmediate(() => {
    let key;
    try {
      key = pbkdf2Derive(checked, iterations, keylen);
    } catch (error) {
      callback(error);
      return;
    }
    callback(null, key);
  });
}

const SCRYPT_DEFAULTS = { N: 16384, r: 8, p: 1, maxmem: 32 << 20 };

function scryptCheck(password, salt, keylen, options) {
  const pw = bufferSource(password, 'password');
  const sl = bufferSource(salt, 'salt');
  validateInt32(keylen, 'keylen', 0);
  let { N, r, p, maxmem } = SCRYPT_DEFAULTS;
  if (options && options !== SCRYPT_DEFAULTS) {
    const pairs = [['N', 'cost'], ['r', 'blockSize'], ['p', 'parallelization']];
    const values = {};
    for (const [short, long] of pairs) {
      let value;
      const hasShort = options[short] !== undefined;
      if (hasShort) {
        value = options[short];
        validateUint32(value, short);
      }
      if (options[long] !== undefined) {
        if (hasShort) {
          throw new ERR_INCOMPATIBLE_OPTION_PAIR(short, long);
        }
        value = options[long];
        validateUint32(value, long);
      }
      values[short] = value;
    }
    if (values.N !== undefined) N = values.N;
    if (values.r !== undefined) r = values.r;
    if (values.p !== undefined) p = values.p;
    if (options.maxmem !== undefined) {
      maxmem = options.maxmem;
      validateInteger(maxmem, 'maxmem', 0);
    }
    if (N === 0) N = SCRYPT_DEFAULTS.N;
    if (r === 0) r = SCRYPT_DEFAULTS.r;
    if (p === 0) p = SCRYPT_DEFAULTS.p;
    if (maxmem === 0) maxmem = SCRYPT_DEFAULTS.maxmem;
  }
  // OpenSSL's EVP_PBE_scrypt checks: only the memory limit leaves an error to show.
  const invalid = (detail) => new plain.ERR_CRYPTO_INVALID_SCRYPT_PARAMS(
    detail ? `Invalid scrypt params: ${detail}` : 'Invalid scrypt params');
  if (N < 2 || (N & (N - 1)) !== 0 || N > 2 ** 32 || p > (2 ** 30 - 1) / r) throw invalid();
  if (16 * r <= 63 && N >= 2 ** (16 * r)) throw invalid();
  const blen = p * 128 * r;
  if (blen > 2147483647) throw invalid();
  if (blen + 128 * r * (N + 2) > maxmem) throw invalid('error:030000AC:digital envelope routines::memory limit exceeded');
  return { pw, sl, N, r, p, keylen };
}

function scryptDerive({ pw, sl, N, r, p, keylen }) {
  if (keylen === 0) return Buffer.alloc(0);
  return output(nobleScrypt(pw, sl, { N, r, p, dkLen: keylen, maxmem: 2 ** 40 }));
}

function scryptSync(password, salt, keylen, options = SCRYPT_DEFAULTS) {
  return scryptDerive(scryptCheck(password, salt, keylen, options));
}

function scrypt(password, salt, keylen, options, callback = SCRYPT_DEFAULTS) {
  if (callback === SCRYPT_DEFAULTS) {
    callback = options;
    options = SCRYPT_DEFAULTS;
  }
  const checked = scryptCheck(password, salt, keylen, options);
  validateFunction(callback, 'callback');
  scheduleImmediate(() => {
    let key;
    try {
      key = scryptDerive(checked);
    } catch (error) {
      callback(error);
      return;
    }
    callback(null, key);
  });
}

// -- randomness (Node's lib/internal/crypto/random.js) ------------------------------

const kMaxPossibleLength = 2 ** 31 - 1; // min(buffer.kMaxLength, 2^31 - 1)

function assertOffset(offset, elementSize, length) {
  validateNumber(offset, 'offset');
  offset *= elementSize;
  const maxLength = Math.min(length, kMaxPossibleLength);
  if (Number.isNaN(offset) || offset > maxLength || offset < 0) throw new ERR_OUT_OF_RANGE('offset', `>= 0 && <= ${maxLength}`, offset);
  return offset >>> 0;
}

function assertSize(size, elementSize, offset, length) {
  validateNumber(size, 'size');
  size *= elementSize;
  if (Number.isNaN(size) || size > kMaxPossibleLength || size < 0) {
    throw new ERR_OUT_OF_RANGE('size', `>= 0 && <= ${kMaxPossibleLength}`, size);
  }
  if (size + offset > length) throw new ERR_OUT_OF_RANGE('size + offset', `<= ${length}`, size + offset);
  return size >>> 0;
}


function checkFillTarget(buf) {
  if (!isAnyArrayBuffer(buf) && !ArrayBuffer.isView(buf)) {
    throw new ERR_INVALID_ARG_TYPE('buf', ['ArrayBuffer', 'ArrayBufferView'], buf);
  }
}

// The `size` bytes from byte `offset` of an ArrayBuffer, SharedArrayBuffer or view.
function targetBytes(buf, offset, size) {
  if (ArrayBuffer.isView(buf)) return new Uint8Array(buf.buffer, buf.byteOffset + offset, size);
  return new Uint8Array(buf, offset, size);
}

function randomBytes(size, callback) {
  size = assertSize(size, 1, 0, Infinity);
  if (callback !== undefined) validateFunction(callback, 'callback');
  const buf = Buffer.alloc(size);
  if (callback === undefined) return fill(buf);
  randomFill(buf, 0, size, (error) => {
    if (error) callback(error);
    else callback(null, buf);
  });
  return undefined;
}

function randomFillSync(buf, offset = 0, size) {
  checkFillTarget(buf);
  const elementSize = buf.BYTES_PER_ELEMENT || 1;
  offset = assertOffset(offset, elementSize, buf.byteLength);
  size = size === undefined ? buf.byteLength - offset : assertSize(size, elementSize, offset, buf.byteLength);
  if (size === 0) return buf;
  fill(targetBytes(buf, offset, size));
  return buf;
}

// Node fills on its thread pool and calls back in a later turn of the event loop (an
// empty fill calls back at once, as Node does); here the fill happens in that turn.
function randomFill(buf, offset, size, callback) {
  checkFillTarget(buf);
  const elementSize = buf.BYTES_PER_ELEMENT || 1;
  if (typeof offset === 'function') {
    callback = offset;
    offset = 0;
    size = buf.length; // a length in elements; assertSize() makes it bytes
  } else if (typeof size === 'function') {
    callback = size;
    size = (buf.length ?? buf.byteLength) - offset;
  } else {
    validateFunction(callback, 'callback');
  }
  offset = assertOffset(offset, elementSize, buf.byteLength);
  size = size === undefined ? buf.byteLength - offset : assertSize(size, elementSize, offset, buf.byteLength);
  if (size === 0) {
    callback(null, buf);
    return;
  }
  scheduleImmediate(() => {
    try {
      fill(targetBytes(buf, offset, size));
    } catch (error) {
      callback(error);
      return;
    }
    callback(null, buf);
  });
}

// Largest integer randomInt draws: 48 bits, as Node (readUIntBE of 6 bytes).
const RAND_MAX = 0xFFFF_FFFF_FFFF;
// randomInt's draw: six bytes read into this scratch array and wiped at once, so no
// random bytes outlive the call (let alone the execution).
const draw = new Uint8Array(6);

function drawUint48() {
  getRandomValuesOriginal.call(webCrypto, draw);
  const x = draw[0] * 2 ** 40 + draw[1] * 2 ** 32 + draw[2] * 2 ** 24 + draw[3] * 2 ** 16 + draw[4] * 2 ** 8 + draw[5];
  draw.fill(0);
  return x;
}

// An integer in [min, max), unbiased by rejection sampling; the callback form answers
// with process.nextTick's timing and an undefined error, as Node's does.
function randomInt(min, max, callback) {
  const minNotSpecified = typeof max === 'undefined' || typeof max === 'function';
  if (minNotSpecified) {
    callback = max;
    max = min;
    min = 0;
  }
  const isSync = typeof callback === 'undefined';
  if (!isSync) validateFunction(callback, 'callback');
  if (!Number.isSafeInteger(min)) throw new ERR_INVALID_ARG_TYPE(`The "min" argument must be a safe integer.${describeReceived(min)}`);
  if (!Number.isSafeInteger(max)) throw new ERR_INVALID_ARG_TYPE(`The "max" argument must be a safe integer.${describeReceived(max)}`);
  if (max <= min) throw new ERR_OUT_OF_RANGE('max', `greater than the value of "min" (${min})`, max);
  const range = max - min;
  if (!(range <= RAND_MAX)) throw new ERR_OUT_OF_RANGE(`max${minNotSpecified ? '' : ' - min'}`, `<= ${RAND_MAX}`, range);
  const randLimit = RAND_MAX - (RAND_MAX % range);
  let x = drawUint48();
  while (x >= randLimit) x = drawUint48();
  const n = (x % range) + min;
  if (isSync) return n;
  queueMicrotaskOriginal(() => callback(undefined, n));
  return undefined;
}

function uuidOptions(options) {
  if (options !== undefined) validateObject(options, 'options');
  const { disableEntropyCache = false } = options || {};
  validateBoolean(disableEntropyCache, 'options.disableEntropyCache');
}

// No entropy cache here: every UUID is drawn from the execution's keystream, so
// { disableEntropyCache } changes nothing but is validated as Node validates it.
function randomUUID(options) {
  uuidOptions(options);
  return randomUUIDOriginal.call(webCrypto);
}

const HEX = '0123456789abcdef';
const uuidBytes = new Uint8Array(16); // scratch, wiped after every UUID (as `draw`)
function randomUUIDv7(options) {
  uuidOptions(options);
  const b = fill(uuidBytes);
  const now = DateNow();
  const high = now / 2 ** 32;
  b[0] = high >>> 8; b[1] = high; b[2] = now >>> 24; b[3] = now >>> 16; b[4] = now >>> 8; b[5] = now;
  b[6] = (b[6] & 0x0f) | 0x70;
  b[8] = (b[8] & 0x3f) | 0x80;
  let text = '';
  for (let i = 0; i < 16; i++) {
    text += HEX[b[i] >> 4] + HEX[b[i] & 15];
    if (i === 3 || i === 5 || i === 7 || i === 9) text += '-';
  }
  b.fill(0);
  return text;
}

function getRandomValues(array) {
  return getRandomValuesOriginal.call(webCrypto, array);
}

// crypto.hash(algorithm, input[, outputEncoding | { outputEncoding, outputLength }]):
// a one-shot digest, hex by default (Node 21.7/20.12).
function hash(algorithm, input, options) {
  validateString(algorithm, 'algorithm');
  if (typeof input !== 'string' && !ArrayBuffer.isView(input)) {
    throw new ERR_INVALID_ARG_TYPE('input', ['Buffer', 'TypedArray', 'DataView', 'string'], input);
  }
  let outputEncoding;
  let outputLength;
  let cshake = false;
  if (typeof options === 'string') outputEncoding = options;
  else if (options !== undefined) {
    validateObject(options, 'options');
    outputLength = options.outputLength;
    outputEncoding = options.outputEncoding;
    cshake = cshakeOptions(options);
  }
  outputEncoding ??= 'hex';
  let normalized = outputEncoding;
  if (normalized !== 'hex') {
    validateString(outputEncoding, 'outputEncoding');
    normalized = normalizeEncoding(outputEncoding);
    if (normalized === undefined) {
      if (outputEncoding.toLowerCase() === 'buffer') normalized = 'buffer';
      else throw new ERR_INVALID_ARG_VALUE('outputEncoding', outputEncoding);
    }
  }
  if (outputLength !== undefined) {
    validateUint32(outputLength, 'outputLength');
    outputLength += 0;
  }
  const fn = hashOf(algorithm);
  if (fn === undefined) throw new Error(`Digest method ${algorithm} is not supported`);
  if (cshake) throw new Error('Digest options are not supported');
  const state = hashState(fn, outputLength,
    () => new Error(`Output length ${outputLength} is invalid for ${algorithm}, which does not support XOF`));
  const digest = Buffer.from(state.update(typeof input === 'string' ? Buffer.from(input) : toBytes(input)).digest());
  return normalized === 'buffer' ? digest : digest.toString(normalized);
}

function timingSafeEqual(a, b) {
  for (const [name, value] of [['buf1', a], ['buf2', b]]) {
    if (!ArrayBuffer.isView(value) && !(value instanceof ArrayBuffer)) {
      throw new plain.ERR_INVALID_ARG_TYPE(
        `The "${name}" argument must be an instance of ArrayBuffer, Buffer, TypedArray, or DataView.`);
    }
  }
  const x = keyBytes(a); const y = keyBytes(b);
  if (x.length !== y.length) {
    throw new plain.ERR_CRYPTO_TIMING_SAFE_EQUAL_LENGTH('Input buffers must have the same byte length');
  }
  let diff = 0;
  for (let i = 0; i < x.length; i++) diff |= x[i] ^ y[i];
  return diff === 0;
}

// -- ciphers ------------------------------------------------------------------------

const CIPHERS = { __proto__: null }; // looked up by the caller's name: no inherited members
for (const bits of [128, 192, 256]) {
  for (const mode of ['cbc', 'ecb', 'ctr', 'gcm']) CIPHERS[`aes-${bits}-${mode}`] = { keyLength: bits / 8, mode };
}
CIPHERS.aes128 = CIPHERS['aes-128-cbc']; CIPHERS.aes192 = CIPHERS['aes-192-cbc']; CIPHERS.aes256 = CIPHERS['aes-256-cbc'];
for (const bits of [128, 192, 256]) CIPHERS[`id-aes${bits}-gcm`] = CIPHERS[`aes-${bits}-gcm`];

function addCounter(iv, blocks) {
  const out = Uint8Array.from(iv);
  let carry = blocks;
  for (let i = 15; i >= 0 && carry > 0; i--) {
    const sum = out[i] + (carry % 256);
    out[i] = sum & 255;
    carry = Math.floor(carry / 256) + (sum >> 8);
  }
  return out;
}

function badDecrypt() {
  return new plain.ERR_OSSL_BAD_DECRYPT('error:1C800064:Provider routines::bad decrypt');
}

// setAAD's and setAuthTag's argument: a string (in `encoding`), an ArrayBuffer or a view.
function bufferArg(value, encoding, name) {
  if (value instanceof ArrayBuffer) return new Uint8Array(value);
  if (typeof value === 'string' || ArrayBuffer.isView(value)) return toBytes(value, encoding);
  throw new ERR_INVALID_ARG_TYPE(name, ['string', 'ArrayBuffer', 'Buffer', 'TypedArray', 'DataView'], value);
}

function unsupportedState() {
  return new Error('Trying to add data in unsupported state');
}

// Node's Cipheriv and Decipheriv share this base: update/final, padding and AAD; only
// Cipheriv has getAuthTag, only Decipheriv setAuthTag (as in Node 24).
class CipherBase {
  #spec; #key; #iv; #decrypt; #pending = new Uint8Array(0); #position = 0; #done = false;
  #padding = true; #gcm = null; #tag; #tagLength; #decoder = null;
  constructor(algorithm, key, iv, options, decrypt) {
    if (typeof algorithm !== 'string') throw new ERR_INVALID_ARG_TYPE('cipher', ['string'], algorithm);
    const spec = CIPHERS[algorithm.toLowerCase()];
    if (spec === undefined) throw new plain.ERR_CRYPTO_UNKNOWN_CIPHER('Unknown cipher');
    const k = keyBytes(key);
    if (k.length !== spec.keyLength) throw new plain.ERR_CRYPTO_INVALID_KEYLEN('Invalid key length');
    const v = iv === null || iv === undefined ? null : keyBytes(iv, 'iv');
    const ivOk = spec.mode === 'ecb' ? (v === null || v.length === 0) : spec.mode === 'gcm' ? v !== null && v.length > 0 : v !== null && v.length === 16;
    if (!ivOk) throw new plain.ERR_CRYPTO_INVALID_IV('Invalid initialization vector');
    this.#spec = spec; this.#key = Uint8Array.from(k); this.#iv = v && Uint8Array.from(v); this.#decrypt = decrypt;
    if (spec.mode === 'gcm') {
      const tagLength = options?.authTagLength;
      if (tagLength !== undefined && !GCM_TAG_LENGTHS.includes(tagLength)) throw new ERR_CRYPTO_INVALID_AUTH_TAG(tagLength);
      this.#tagLength = tagLength;
      this.#gcm = new GcmStream(this.#key, this.#iv, decrypt);
    }
  }

  // Complete blocks through CBC/ECB without padding, chaining the IV.
  #blocks(data) {
    if (data.length === 0) return new Uint8Array(0);
    const mode = this.#spec.mode === 'cbc' ? cbc(this.#key, this.#iv, { disablePadding: true })
      : ecb(this.#key, { disablePadding: true });
    const out = this.#decrypt ? mode.decrypt(data) : mode.encrypt(data);
    if (this.#spec.mode === 'cbc') this.#iv = Uint8Array.from((this.#decrypt ? data : out).subarray(-16));
    return out;
  }

  #ctr(data) {
    const offset = this.#position % 16;
    const counter = addCounter(this.#iv, Math.floor(this.#position / 16));
    const padded = new Uint8Array(offset + data.length);
    padded.set(data, offset);
    this.#position += data.length;
    return ctr(this.#key, counter).encrypt(padded).subarray(offset);
  }

  // One chunk through the cipher: every byte for CTR and GCM, whole blocks for CBC/ECB.
  #transform(bytes) {
    const { mode } = this.#spec;
    if (mode === 'gcm') return this.#gcm.update(bytes);
    if (mode === 'ctr') return this.#ctr(bytes);
    const all = new Uint8Array(this.#pending.length + bytes.length);
    all.set(this.#pending); all.set(bytes, this.#pending.length);
    let usable = all.length - (all.length % 16);
    // Decrypting with padding keeps the last block back: final() removes the padding.
    if (this.#decrypt && this.#padding && usable === all.length) usable -= 16;
    usable = Math.max(usable, 0);
    this.#pending = all.slice(usable);
    return this.#blocks(all.subarray(0, usable));
  }

  update(data, inputEncoding, outputEncoding) {
    if (this.#done) throw unsupportedState();
    return this.#output(this.#transform(Uint8Array.from(toBytes(data, inputEncoding))), outputEncoding, false);
  }

  // Text output goes through one StringDecoder per cipher, as Node's does: base64 keeps
  // back the bytes of an incomplete group until the next call or final().
  #output(bytes, encoding, end) {
    if (!encoding || encoding === 'buffer') return Buffer.from(bytes);
    if (this.#decoder === null) this.#decoder = new StringDecoder(encoding);
    else if (this.#decoder.encoding !== normalizeEncoding(encoding)) {
      throw new ERR_INVALID_ARG_VALUE('outputEncoding', encoding, `cannot be changed from '${this.#decoder.encoding}'`);
    }
    return end ? this.#decoder.end(Buffer.from(bytes)) : this.#decoder.write(Buffer.from(bytes));
  }

  #final() {
    if (this.#done) throw new plain.ERR_CRYPTO_INVALID_STATE('Invalid state');
    this.#done = true;
    const { mode } = this.#spec;
    if (mode === 'ctr') return new Uint8Array(0);
    if (mode === 'gcm') return this.#finalGcm();
    const rest = this.#pending;
    if (!this.#padding) {
      if (rest.length % 16 !== 0) {
        throw new plain.ERR_OSSL_WRONG_FINAL_BLOCK_LENGTH('error:1C80006B:Provider routines::wrong final block length');
      }
      return this.#blocks(rest);
    }
    if (!this.#decrypt) {
      const pad = 16 - (rest.length % 16);
      const block = new Uint8Array(rest.length + pad).fill(pad);
      block.set(rest);
      return this.#blocks(block);
    }
    if (rest.length !== 16) throw badDecrypt();
    const text = this.#blocks(rest);
    const pad = text[15];
    if (pad < 1 || pad > 16 || text.subarray(16 - pad).some((b) => b !== pad)) throw badDecrypt();
    return text.subarray(0, 16 - pad);
  }

  final(outputEncoding) { return this.#output(this.#final(), outputEncoding, true); }

  // GCM's end: the tag is made (encryption) or checked (decryption); all output is out already.
  #finalGcm() {
    const tag = this.#gcm.tag();
    if (!this.#decrypt) {
      this.#tag = tag.slice(0, this.#tagLength ?? 16);
      return new Uint8Array(0);
    }
    const given = this.#tag;
    let diff = given === undefined ? 1 : 0;
    if (given !== undefined) for (let i = 0; i < given.length; i++) diff |= given[i] ^ tag[i];
    if (diff !== 0) throw new Error('Unsupported state or unable to authenticate data');
    return new Uint8Array(0);
  }

  setAutoPadding(autoPadding = true) { this.#padding = Boolean(autoPadding); return this; }
  setAAD(buffer) {
    if (this.#gcm === null || this.#done || this.#gcm.started) throw new ERR_CRYPTO_INVALID_STATE('setAAD');
    this.#gcm.addAAD(bufferArg(buffer, undefined, 'aadbuf'));
    return this;
  }

  // For Cipheriv#getAuthTag and Decipheriv#setAuthTag.
  static authTag(self) {
    if (self.#gcm === null || !self.#done || self.#tag === undefined) throw new ERR_CRYPTO_INVALID_STATE('getAuthTag');
    return Buffer.from(self.#tag);
  }
  static setAuthTag(self, tag, encoding) {
    const bytes = Uint8Array.from(bufferArg(tag, encoding, 'buffer'));
    if (self.#gcm === null || self.#done || self.#tag !== undefined) throw new ERR_CRYPTO_INVALID_STATE('setAuthTag');
    const expected = self.#tagLength;
    if (expected === undefined ? !GCM_TAG_LENGTHS.includes(bytes.length) : bytes.length !== expected) {
      throw new ERR_CRYPTO_INVALID_AUTH_TAG(bytes.length);
    }
    self.#tag = bytes;
    return self;
  }

  static transform(self, bytes) {
    if (self.#done) throw unsupportedState();
    return self.#transform(Uint8Array.from(bytes));
  }
  static flush(self) { return self.#final(); }
}

// OpenSSL's GCM tag lengths: 4, 8 and 12 to 16 bytes.
const GCM_TAG_LENGTHS = [4, 8, 12, 13, 14, 15, 16];

class Cipheriv extends CipherBase {
  constructor(algorithm, key, iv, options) { super(algorithm, key, iv, options, false); }
  getAuthTag() { return CipherBase.authTag(this); }
}

class Decipheriv extends CipherBase {
  constructor(algorithm, key, iv, options) { super(algorithm, key, iv, options, true); }
  setAuthTag(tag, encoding) { return CipherBase.setAuthTag(this, tag, encoding); }
}

// The names Node's classes have (the bundle is minified).
Object.defineProperty(Cipheriv, 'name', { value: 'Cipheriv' });
Object.defineProperty(Decipheriv, 'name', { value: 'Decipheriv' });
defineStreamMethods(CipherBase, 'Cipheriv or Decipheriv', (self, bytes) => CipherBase.transform(self, bytes), (self) => CipherBase.flush(self));

function createCipheriv(algorithm, key, iv, options) { return new Cipheriv(algorithm, key, iv, options); }
function createDecipheriv(algorithm, key, iv, options) { return new Decipheriv(algorithm, key, iv, options); }

// Node's getHashes() (OpenSSL 3's names, sorted), less the digests not offered here
// (BLAKE2, SM3, Keccak/KMAC, MD5-SHA1, SHA-256/192).
const HASH_NAMES = ['RSA-MD5', 'RSA-RIPEMD160', 'RSA-SHA1', 'RSA-SHA1-2', 'RSA-SHA224', 'RSA-SHA256', 'RSA-SHA3-224',
  'RSA-SHA3-256', 'RSA-SHA3-384', 'RSA-SHA3-512', 'RSA-SHA384', 'RSA-SHA512', 'RSA-SHA512/224', 'RSA-SHA512/256',
  'id-rsassa-pkcs1-v1_5-with-sha3-224', 'id-rsassa-pkcs1-v1_5-with-sha3-256', 'id-rsassa-pkcs1-v1_5-with-sha3-384',
  'id-rsassa-pkcs1-v1_5-with-sha3-512', 'md5', 'md5WithRSAEncryption', 'ripemd', 'ripemd-160', 'ripemd160',
  'ripemd160WithRSA', 'rmd160', 'sha-1', 'sha-224', 'sha-256', 'sha-384', 'sha-512', 'sha-512/224', 'sha-512/256', 'sha1',
  'sha1WithRSAEncryption', 'sha2-224', 'sha2-256', 'sha2-384', 'sha2-512', 'sha2-512/224', 'sha2-512/256', 'sha224',
  'sha224WithRSAEncryption', 'sha256', 'sha256WithRSAEncryption', 'sha3-224', 'sha3-256', 'sha3-384', 'sha3-512',
  'sha384', 'sha384WithRSAEncryption', 'sha512', 'sha512-224', 'sha512-224WithRSAEncryption', 'sha512-256',
  'sha512-256WithRSAEncryption', 'sha512WithRSAEncryption', 'shake-128', 'shake-256', 'shake128', 'shake256',
  'ssl3-md5', 'ssl3-sha1'];
function getHashes() { return [...HASH_NAMES]; }
function getCiphers() { return Object.keys(CIPHERS).sort(); }

// -- RSA encryption (./crypto/rsa.js) ----------------------------------------------

// forge's randomness comes from our CSPRNG, never from its own Math.random-seeded fallback
// (forge still encrypts PKCS#8 keys).
forge.random.getBytes = forge.random.getBytesSync = (count) => toBinary(fill(new Uint8Array(count)));

// The forge key of a key argument. OpenSSL refuses another type of key for encryption with
// a reason; for privateEncrypt (raw signing) with an empty error queue, for publicDecrypt as
// a signature it has no provider for.
function rsaKey(key, ctx, raw = false) {
  const { material } = prepareAsymmetricKey(key, ctx);
  if (material.kind === 'rsa-pss') {
    // A PSS key only signs: privateEncrypt's default padding is refused first.
    if (raw && ctx === 'consumePrivate') throw new plain.ERR_OSSL_ILLEGAL_OR_UNSUPPORTED_PADDING_MODE('error:1C8000A5:Provider routines::illegal or unsupported padding mode');
    throw new plain.ERR_OSSL_OPERATION_NOT_SUPPORTED_FOR_THIS_KEYTYPE('error:1C8000B2:Provider routines::operation not supported for this keytype');
  }
  if (material.kind !== 'rsa') {
    if (raw && ctx === 'consumePrivate') throw new Error('error:00000000:lib(0)::reason(0)');
    if (raw) throw new plain.ERR_OSSL_EVP_PROVIDER_SIGNATURE_NOT_SUPPORTED('error:030000ED:digital envelope routines::provider signature not supported');
    throw new plain.ERR_OSSL_EVP_OPERATION_NOT_SUPPORTED_FOR_THIS_KEYTYPE('error:03000096:digital envelope routines::operation not supported for this keytype');
  }
  return material.forge;
}

// privateDecrypt/privateEncrypt's key: Node reads a public PEM or DER too, and OpenSSL then
// finds no private key in it.
function privateRsaKey(key, raw) {
  try {
    return rsaKey(key, 'consumePrivate', raw);
  } catch (err) {
    if (err?.code !== 'ERR_OSSL_UNSUPPORTED') throw err;
    let material;
    try { ({ material } = prepareAsymmetricKey(key, 'consumePublic')); } catch { throw err; }
    if (material.kind !== 'rsa') throw err;
    throw new plain.ERR_OSSL_RSA_MISSING_PRIVATE_KEY('error:020000B3:rsa routines::missing private key');
  }
}
const keyOptions = (key) => (key !== null && typeof key === 'object' && !ArrayBuffer.isView(key) && !isKeyObject(key) ? key : {});

// Node's publicEncrypt/privateDecrypt options: padding (OpenSSL judges it), oaepHash, oaepLabel.
function encryptionOptions(key, defaultPadding) {
  const options = keyOptions(key);
  const padding = options.padding ?? defaultPadding;
  const hash = options.oaepHash ?? 'sha1';
  if (options.oaepHash !== undefined) validateString(hash, 'key.oaepHash');
  let label = new Uint8Array(0);
  if (options.oaepLabel !== undefined) label = bufferSource(options.oaepLabel, 'key.oaepLabel');
  return { padding, oaep: { hash, label } };
}

const rsaData = (buffer) => bufferSource(buffer, 'buffer');

function publicEncrypt(key, buffer) {
  const { padding, oaep } = encryptionOptions(key, constants.RSA_PKCS1_OAEP_PADDING);
  const pub = rsaKey(key, 'consumePublic');
  return rsa.publicEncrypt(pub, rsaData(buffer), padding, oaep);
}

function privateDecrypt(key, buffer) {
  const { padding, oaep } = encryptionOptions(key, constants.RSA_PKCS1_OAEP_PADDING);
  const priv = privateRsaKey(key, false);
  return rsa.privateDecrypt(priv, rsaData(buffer), padding, oaep);
}

function privateEncrypt(key, buffer) {
  const { padding } = encryptionOptions(key, constants.RSA_PKCS1_PADDING);
  const priv = privateRsaKey(key, true);
  return rsa.privateEncrypt(priv, rsaData(buffer), padding);
}

function publicDecrypt(key, buffer) {
  const { padding } = encryptionOptions(key, constants.RSA_PKCS1_PADDING);
  const pub = rsaKey(key, 'consumePublic', true);
  return rsa.publicDecrypt(pub, rsaData(buffer), padding);
}

// OpenSSL's names of the curves offered (Node's getCurves() lists every curve OpenSSL has).
function getCurves() { return EC_CURVES.map((c) => c.name).sort(); }

const crypto = {
  createHash, createHmac, Hash, Hmac, hash, pbkdf2, pbkdf2Sync, scrypt, scryptSync, hkdf, hkdfSync, randomBytes,
  randomFill, randomFillSync, randomInt, randomUUID, randomUUIDv7, getRandomValues, timingSafeEqual,
  createCipheriv, createDecipheriv, getHashes, getCiphers, getCurves, webcrypto: webCrypto, subtle, constants,
  KeyObject, createPublicKey, createPrivateKey, createSecretKey, generateKeyPairSync, generateKeyPair, generateKeySync,
  generateKey, publicEncrypt, privateDecrypt, privateEncrypt, publicDecrypt, sign, verify,
  createSign: (algorithm) => new Sign(algorithm), createVerify: (algorithm) => new Verify(algorithm), Sign, Verify,
  createECDH, ECDH, diffieHellman, X509Certificate,
};
// The deprecated aliases of randomBytes: present, not enumerable, as in Node.
for (const name of ['prng', 'pseudoRandomBytes', 'rng']) {
  Object.defineProperty(crypto, name, { value: randomBytes, writable: true, configurable: true, enumerable: false });
}
Object.assign(crypto, {
  createDiffieHellman, createDiffieHellmanGroup, getDiffieHellman: createDiffieHellmanGroup, DiffieHellman,
  DiffieHellmanGroup, generatePrime, generatePrimeSync, checkPrime, checkPrimeSync,
});

// WebCrypto's classes are globals in Node, accessors as its lazy globals are: the bootstrap
// defines them (the global object's keys keep one order, whichever module came first) and
// they answer with these, given when the module is installed, between executions.
const webCryptoGlobals = require('internal:webcrypto');
webCryptoGlobals.provide('CryptoKey', CryptoKey);
webCryptoGlobals.provide('SubtleCrypto', SubtleCrypto);

export default crypto;
