'use strict';
// Cryptographically secure random bytes inside V8, from host entropy: the host
// passes 32 fresh bytes from os.urandom with every execution, which key a ChaCha20
// keystream (RFC 8439 block function). Math.random is never used.

import { DOMException } from './event_target.js';
import { codes, plain } from './errors.js';
import {
  MapPrototypeGet, MapPrototypeHas, MapPrototypeSet, NumberParseInt, ObjectDefineProperty, ObjectFreeze, SafeMap, SafeSet, SetPrototypeHas, StringPrototypeSlice, SymbolToStringTag,
  TypedArrayPrototypeGetBuffer, TypedArrayPrototypeGetByteLength, TypedArrayPrototypeGetByteOffset,
  TypedArrayPrototypeGetSymbolToStringTag, Uint32Array_, Uint8Array_,
} from './primordials.js';

const { ERR_FEATURE_UNAVAILABLE_ON_PLATFORM, ERR_INVALID_THIS } = codes;

const state = new Uint32Array_(16);
const block = new Uint32Array_(16);
const blockBytes = new Uint8Array_(TypedArrayPrototypeGetBuffer(block));
let available = 0; // unread bytes at the end of blockBytes

function rotl(v, n) { return (v << n) | (v >>> (32 - n)); }

function quarter(x, a, b, c, d) {
  x[a] = (x[a] + x[b]) | 0; x[d] = rotl(x[d] ^ x[a], 16);
  x[c] = (x[c] + x[d]) | 0; x[b] = rotl(x[b] ^ x[c], 12);
  x[a] = (x[a] + x[b]) | 0; x[d] = rotl(x[d] ^ x[a], 8);
  x[c] = (x[c] + x[d]) | 0; x[b] = rotl(x[b] ^ x[c], 7);
}

function nextBlock() {
  block.set(state);
  for (let i = 0; i < 10; i++) {
    quarter(block, 0, 4, 8, 12); quarter(block, 1, 5, 9, 13); quarter(block, 2, 6, 10, 14); quarter(block, 3, 7, 11, 15);
    quarter(block, 0, 5, 10, 15); quarter(block, 1, 6, 11, 12); quarter(block, 2, 7, 8, 13); quarter(block, 3, 4, 9, 14);
  }
  for (let i = 0; i < 16; i++) block[i] = (block[i] + state[i]) | 0;
  state[12] = (state[12] + 1) | 0;
  if (state[12] === 0) state[13] = (state[13] + 1) | 0;
  available = 64;
}

// Keys the generator with 64 hex characters of host entropy.
function seedRandom(hex) {
  state[0] = 0x61707865; state[1] = 0x3320646e; state[2] = 0x79622d32; state[3] = 0x6b206574;
  for (let i = 0; i < 8; i++) state[4 + i] = NumberParseInt(StringPrototypeSlice(hex, i * 8, i * 8 + 8), 16) | 0;
  state[12] = 0; state[13] = 0; state[14] = 0; state[15] = 0;
  available = 0;
}

function fillRandom(bytes) {
  for (let i = 0; i < bytes.length; i++) {
    if (available === 0) nextBlock();
    bytes[i] = blockBytes[64 - available];
    available--;
  }
  return bytes;
}

const INTEGER_ARRAYS = new SafeSet(['Int8Array', 'Uint8Array', 'Uint8ClampedArray', 'Int16Array', 'Uint16Array',
  'Int32Array', 'Uint32Array', 'BigInt64Array', 'BigUint64Array']);

// Node's lib/internal/crypto/random.js getRandomValues: integer-type TypedArrays of at
// most 65536 bytes, else a DOMException. The tag comes from the TypedArray getter, so
// an object cannot pass for a TypedArray by its own Symbol.toStringTag.
function fillIntegerArray(data) {
  const tag = data !== null && typeof data === 'object' ? TypedArrayPrototypeGetSymbolToStringTag(data) : undefined;
  if (tag === undefined || !SetPrototypeHas(INTEGER_ARRAYS, tag)) {
    throw new DOMException('The data argument must be an integer-type TypedArray', 'TypeMismatchError');
  }
  const byteLength = TypedArrayPrototypeGetByteLength(data);
  if (byteLength > 65536) throw new DOMException('The requested length exceeds 65,536 bytes', 'QuotaExceededError');
  fillRandom(new Uint8Array_(TypedArrayPrototypeGetBuffer(data), TypedArrayPrototypeGetByteOffset(data), byteLength));
  return data;
}

function invalidThis() {
  return new ERR_INVALID_THIS('Crypto');
}

function randomUUID() {
  const b = fillRandom(new Uint8Array_(16));
  b[6] = (b[6] & 0x0f) | 0x40;
  b[8] = (b[8] & 0x3f) | 0x80;
  return formatUUID(b);
}

const HEX_BYTES = [];
for (let i = 0; i < 256; i++) HEX_BYTES[i] = '0123456789abcdef'[i >> 4] + '0123456789abcdef'[i & 15];

function formatUUID(b) {
  let hex = '';
  for (let i = 0; i < 16; i++) {
    hex += HEX_BYTES[b[i]];
    if (i === 3 || i === 5 || i === 7 || i === 9) hex += '-';
  }
  return hex;
}

// The global `crypto` (Node's Crypto): its methods check their receiver, as Node's do.
// `subtle` is the crypto module's (js/lib/crypto/webcrypto.js), which the host installs
// only for code blocks that name `subtle` or require('crypto') (analysis.py): `subtleOf`
// gives it, or undefined when it is not installed in this runtime.
function makeWebCrypto(subtleOf) {
  const crypto = {};
  function getRandomValues(array) {
    if (this !== crypto) throw invalidThis();
    if (arguments.length < 1) {
      throw new plain.ERR_MISSING_ARGS(
        "Failed to execute 'getRandomValues' on 'Crypto': 1 argument required, but only 0 present.");
    }
    return fillIntegerArray(array);
  }
  function randomUUIDMethod() {
    if (this !== crypto) throw invalidThis();
    return randomUUID();
  }
  function subtle() {
    if (this !== crypto) throw invalidThis();
    const value = subtleOf();
    if (value === undefined) {
      throw new ERR_FEATURE_UNAVAILABLE_ON_PLATFORM(
        "crypto.subtle comes with the crypto module, installed for code blocks that name `subtle` (crypto.subtle, " +
        "const { subtle } = crypto) or require('crypto'): this one reached it by a computed name");
    }
    return value;
  }
  ObjectDefineProperty(getRandomValues, 'name', { value: 'getRandomValues' });
  ObjectDefineProperty(subtle, 'name', { value: 'get subtle' });
  ObjectDefineProperty(randomUUIDMethod, 'name', { value: 'randomUUID' });
  ObjectDefineProperty(crypto, 'getRandomValues', { value: getRandomValues, writable: true, enumerable: true, configurable: true });
  ObjectDefineProperty(crypto, 'randomUUID', { value: randomUUIDMethod, writable: true, enumerable: true, configurable: true });
  ObjectDefineProperty(crypto, 'subtle', { get: subtle, enumerable: true, configurable: true });
  ObjectDefineProperty(crypto, SymbolToStringTag, { value: 'Crypto', configurable: true });

  return crypto;
}

// WebCrypto's classes as globals: accessors, as Node's lazy globals are, defined at
// bootstrap so that the global object's keys keep one order whichever module a runtime
// installed first. The crypto module gives the classes when it is installed (between
// executions, once per runtime: the first given stays) through internal:webcrypto.
const webCryptoClasses = new SafeMap();
const WEB_CRYPTO_GLOBALS = ['CryptoKey', 'SubtleCrypto'];
const webCryptoProvider = ObjectFreeze({
  provide(name, value) {
    if (!MapPrototypeHas(webCryptoClasses, name)) MapPrototypeSet(webCryptoClasses, name, value);
  },
});
function defineWebCryptoGlobals(global) {
  for (let i = 0; i < WEB_CRYPTO_GLOBALS.length; i++) {
    const name = WEB_CRYPTO_GLOBALS[i];
    const get = { [name]() {
      const value = MapPrototypeGet(webCryptoClasses, name);
      if (value === undefined) {
        throw new ERR_FEATURE_UNAVAILABLE_ON_PLATFORM(
          `${name} comes with the crypto module, installed for code blocks that name ${name} or require('crypto')`);
      }
      return value;
    } }[name];
    ObjectDefineProperty(global, name, { get, enumerable: false, configurable: true });
  }
}

// Math.random from the same keystream: V8's own generator is one per runtime, never
// reseeded, and a few of its outputs give away its state, so one execution could
// predict the next one's values (or recover the last one's).
const doubleWords = new Uint32Array_(2);
const doubleBytes = new Uint8Array_(TypedArrayPrototypeGetBuffer(doubleWords));
function random() {
  fillRandom(doubleBytes);
  return ((doubleWords[0] >>> 11) * 4294967296 + doubleWords[1]) / 9007199254740992;
}

export { defineWebCryptoGlobals, seedRandom, fillRandom, makeWebCrypto, random, randomUUID, webCryptoProvider };
