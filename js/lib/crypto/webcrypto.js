'use strict';
// WebCrypto: crypto.subtle (SubtleCrypto) and CryptoKey, as Node 24 has them
// (lib/internal/crypto/webcrypto.js, webidl.js, aes.js, rsa.js, ec.js, cfrg.js, mac.js,
// hkdf.js, pbkdf2.js). A CryptoKey wraps a KeyObject of ./keys.js, as Node's does
// (KeyObject.from(cryptoKey) gives it back); the operations run on the same primitives
// as the rest of the crypto module (@noble/hashes, @noble/ciphers, @noble/curves,
// node-forge for RSA) and resolve in microtasks: nothing here needs the host, except
// randomness (./random.js) for key generation and RSA-OAEP/RSA-PSS padding.
// Errors: TypeErrors with Node's codes for WebIDL conversions, DOMException with Node's
// names and messages for everything the algorithms refuse.
// Refs: https://github.com/nodejs/node/blob/v24.x/lib/internal/crypto/webcrypto.js

import { hmac } from '@noble/hashes/hmac.js';
import { hkdf as nobleHkdf } from '@noble/hashes/hkdf.js';
import { pbkdf2 as noblePbkdf2 } from '@noble/hashes/pbkdf2.js';
import { aeskw, cbc, ctr, gcm } from '@noble/ciphers/aes.js';
import { codes, plain } from '../internal/errors.js';
import { ecCurveByJwk } from './curves.js';
import { diffieHellman } from './ecdh.js';
import { hashOf } from './hashes.js';
import {
  KeyObject, createPrivateKey, createPublicKey, createSecretKey, generateKeyPairSync, isKeyObject, materialOf,
} from './keys.js';
import { fill } from './random.js';
import { mdFor, sign as nodeSign, verify as nodeVerify } from './sig.js';
import { constants, fromBinary, isAnyArrayBuffer, toBinary } from './util.js';

const { ERR_ILLEGAL_CONSTRUCTOR, ERR_INVALID_ARG_TYPE, ERR_INVALID_THIS } = codes;
const { Buffer, DOMException } = globalThis;

// -- errors ------------------------------------------------------------------------------

const domError = (message, name) => new DOMException(message, name);
const operationFailed = () => domError('The operation failed for an operation-specific reason', 'OperationError');
const ORDINALS = ['1st', '2nd', '3rd', '4th', '5th', '6th', '7th'];

// What Node's webidl converters say, prefixed with the method: "Failed to execute 'sign' on 'SubtleCrypto'".
const prefixOf = (method) => `Failed to execute '${method}' on 'SubtleCrypto'`;
function requiredArguments(method, given, required) {
  if (given < required) {
    throw new plain.ERR_MISSING_ARGS(
      `${prefixOf(method)}: ${required} argument${required === 1 ? '' : 's'} required, but only ${given} present.`);
  }
}

// -- WebIDL conversions -------------------------------------------------------------------

function bufferSourceArg(value, method, index) {
  if (ArrayBuffer.isView(value)) return new Uint8Array(value.buffer, value.byteOffset, value.byteLength).slice();
  if (isAnyArrayBuffer(value)) return new Uint8Array(value).slice();
  throw new plain.ERR_INVALID_ARG_TYPE(
    `${prefixOf(method)}: ${ORDINALS[index]} argument is not instance of ArrayBuffer, Buffer, TypedArray, or DataView.`);
}
function cryptoKeyArg(value, method, index) {
  if (!isCryptoKey(value)) {
    throw new plain.ERR_INVALID_ARG_TYPE(`${prefixOf(method)}: ${ORDINALS[index]} argument is not of type CryptoKey.`);
  }
  return value;
}
const FORMATS = ['raw', 'pkcs8', 'spki', 'jwk'];
function formatArg(value, method) {
  const format = String(value);
  if (!FORMATS.includes(format)) {
    throw new plain.ERR_INVALID_ARG_VALUE(`${prefixOf(method)}: 1st argument '${format}' is not a valid enum value of type KeyFormat.`);
  }
  return format;
}
// The order Node keeps usages in (a set, whatever order they came in).
const USAGES = ['encrypt', 'decrypt', 'sign', 'verify', 'deriveKey', 'deriveBits', 'wrapKey', 'unwrapKey'];
function usagesArg(value, method, index) {
  if (value === null || typeof value !== 'object' || typeof value[Symbol.iterator] !== 'function') {
    throw new plain.ERR_INVALID_ARG_TYPE(`${prefixOf(method)}: ${ORDINALS[index]} argument cannot be converted to sequence.`);
  }
  const given = [];
  for (const usage of value) {
    const name = String(usage);
    if (!USAGES.includes(name)) {
      throw new plain.ERR_INVALID_ARG_VALUE(`${prefixOf(method)}: ${ORDINALS[index]} argument[${given.length}] '${name}' ` +
        'is not a valid enum value of type KeyUsage.');
    }
    given.push(name);
  }
  return USAGES.filter((usage) => given.includes(usage));
}
function algorithmArg(value) {
  return value !== null && typeof value === 'object' ? value : String(value);
}

// -- algorithm normalization (the WebCrypto spec's "normalize an algorithm") --------------

const NAMES = [
  'SHA-1', 'SHA-256', 'SHA-384', 'SHA-512', 'RSASSA-PKCS1-v1_5', 'RSA-PSS', 'RSA-OAEP', 'ECDSA', 'ECDH', 'Ed25519',
  'X25519', 'AES-CTR', 'AES-CBC', 'AES-GCM', 'AES-KW', 'HMAC', 'HKDF', 'PBKDF2',
];
const RSA = ['RSASSA-PKCS1-v1_5', 'RSA-PSS', 'RSA-OAEP'];
const AES = ['AES-CTR', 'AES-CBC', 'AES-GCM', 'AES-KW'];

// op -> algorithm -> [dictionary name, its members: [name, required, kind]] (null: no parameters).
const BUFFER = 'buffer';
const HASH = 'hash';
const NUMBER = 'number';
const KEY = 'key';
const STRING = 'string';
const RSA_GEN = ['RsaHashedKeyGenParams', [['modulusLength', true, NUMBER], ['publicExponent', true, BUFFER], ['hash', true, HASH]]];
const RSA_IMPORT = ['RsaHashedImportParams', [['hash', true, HASH]]];
const EC_GEN = ['EcKeyGenParams', [['namedCurve', true, STRING]]];
const EC_IMPORT = ['EcKeyImportParams', [['namedCurve', true, STRING]]];
const HMAC_IMPORT = ['HmacImportParams', [['hash', true, HASH], ['length', false, NUMBER]]];
const ECDH_DERIVE = ['EcdhKeyDeriveParams', [['public', true, KEY]]];
const SUPPORTED = {
  digest: { 'SHA-1': null, 'SHA-256': null, 'SHA-384': null, 'SHA-512': null },
  generateKey: {
    'RSASSA-PKCS1-v1_5': RSA_GEN, 'RSA-PSS': RSA_GEN, 'RSA-OAEP': RSA_GEN, ECDSA: EC_GEN, ECDH: EC_GEN,
    Ed25519: null, X25519: null,
    HMAC: ['HmacKeyGenParams', [['hash', true, HASH], ['length', false, NUMBER]]],
    ...Object.fromEntries(AES.map((name) => [name, ['AesKeyGenParams', [['length', true, NUMBER]]]])),
  },
  importKey: {
    'RSASSA-PKCS1-v1_5': RSA_IMPORT, 'RSA-PSS': RSA_IMPORT, 'RSA-OAEP': RSA_IMPORT, ECDSA: EC_IMPORT, ECDH: EC_IMPORT,
    Ed25519: null, X25519: null, HMAC: HMAC_IMPORT, HKDF: null, PBKDF2: null,
    ...Object.fromEntries(AES.map((name) => [name, null])),
  },
  sign: {
    'RSASSA-PKCS1-v1_5': null, 'RSA-PSS': ['RsaPssParams', [['saltLength', true, NUMBER]]],
    ECDSA: ['EcdsaParams', [['hash', true, HASH]]], Ed25519: null, HMAC: null,
  },
  encrypt: {
    'RSA-OAEP': ['RsaOaepParams', [['label', false, BUFFER]]],
    'AES-CTR': ['AesCtrParams', [['counter', true, BUFFER], ['length', true, NUMBER]]],
    'AES-CBC': ['AesCbcParams', [['iv', true, BUFFER]]],
    'AES-GCM': ['AeadParams', [['iv', true, BUFFER], ['additionalData', false, BUFFER], ['tagLength', false, NUMBER]]],
  },
  deriveBits: {
    ECDH: ECDH_DERIVE, X25519: ECDH_DERIVE,
    HKDF: ['HkdfParams', [['hash', true, HASH], ['salt', true, BUFFER], ['info', true, BUFFER]]],
    PBKDF2: ['Pbkdf2Params', [['hash', true, HASH], ['salt', true, BUFFER], ['iterations', true, NUMBER]]],
  },
  'get key length': {
    ...Object.fromEntries(AES.map((name) => [name, ['AesDerivedKeyParams', [['length', true, NUMBER]]]])),
    HMAC: HMAC_IMPORT, HKDF: null, PBKDF2: null,
  },
};
SUPPORTED.verify = SUPPORTED.sign;
SUPPORTED.decrypt = SUPPORTED.encrypt;
SUPPORTED.wrapKey = { ...SUPPORTED.encrypt, 'AES-KW': null };
SUPPORTED.unwrapKey = SUPPORTED.wrapKey;
SUPPORTED.exportKey = SUPPORTED.importKey;

const missingMember = (dictionary, member) => new plain.ERR_MISSING_OPTION(
  `Failed to normalize algorithm: passed algorithm cannot be converted to '${dictionary}' because '${member}' is required in '${dictionary}'.`);
const unrecognized = () => domError('Unrecognized algorithm name', 'NotSupportedError');

function normalizeAlgorithm(algorithm, op) {
  if (typeof algorithm === 'string') return normalizeAlgorithm({ name: algorithm }, op);
  if (algorithm === null || typeof algorithm !== 'object') return normalizeAlgorithm({ name: String(algorithm) }, op);
  if (algorithm.name === undefined) throw missingMember('Algorithm', 'name');
  const lower = String(algorithm.name).toLowerCase();
  const name = NAMES.find((candidate) => candidate.toLowerCase() === lower);
  const table = SUPPORTED[op];
  if (name === undefined || !Object.hasOwn(table, name)) throw unrecognized();
  const normalized = { name };
  const spec = table[name];
  if (spec === null) return normalized;
  const [dictionary, members] = spec;
  for (const [member, required, kind] of members) {
    const value = algorithm[member];
    if (value === undefined) {
      if (required) throw missingMember(dictionary, member);
      continue;
    }
    normalized[member] = convertMember(value, kind, dictionary, member);
  }
  return normalized;
}

function convertMember(value, kind, dictionary, member) {
  switch (kind) {
    case HASH:
      try {
        return normalizeAlgorithm(value, 'digest');
      } catch (error) {
        if (error instanceof DOMException) throw domError(`Only SHA hashes are supported in ${dictionary}`, 'NotSupportedError');
        throw error;
      }
    case NUMBER: {
      const number = Number(value);
      // WebIDL's [EnforceRange] unsigned long / octet: a finite number, truncated.
      if (!Number.isFinite(number)) {
        throw new plain.ERR_INVALID_ARG_TYPE(`Failed to normalize algorithm: ${member} in passed algorithm is not a finite number.`);
      }
      return Math.trunc(number);
    }
    case BUFFER:
      if (ArrayBuffer.isView(value)) return new Uint8Array(value.buffer, value.byteOffset, value.byteLength).slice();
      if (isAnyArrayBuffer(value)) return new Uint8Array(value).slice();
      throw new plain.ERR_INVALID_ARG_TYPE(`Failed to normalize algorithm: ${member} in passed algorithm ` +
        'is not instance of ArrayBuffer, Buffer, TypedArray, or DataView.');
    case KEY:
      if (!isCryptoKey(value)) {
        throw new plain.ERR_INVALID_ARG_TYPE(`Failed to normalize algorithm: ${member} in passed algorithm is not of type CryptoKey.`);
      }
      return value;
    default: return String(value);
  }
}

// -- CryptoKey ------------------------------------------------------------------------------

const slots = new WeakMap(); // CryptoKey -> { keyObject, algorithm, usages, extractable }
const kCreate = Symbol('kCreate');

class CryptoKey {
  constructor(token) {
    if (token !== kCreate) throw new ERR_ILLEGAL_CONSTRUCTOR();
  }
  get type() { return slotsOf(this).keyObject.type; }
  get extractable() { return slotsOf(this).extractable; }
  get algorithm() { return slotsOf(this).algorithmView; }
  get usages() { return slotsOf(this).usagesView; }
}
Object.defineProperty(CryptoKey.prototype, Symbol.toStringTag, { value: 'CryptoKey', configurable: true });
Object.defineProperty(CryptoKey, 'name', { value: 'CryptoKey', configurable: true });
for (const name of ['type', 'extractable', 'algorithm', 'usages']) {
  Object.defineProperty(CryptoKey.prototype, name, { enumerable: true });
}

function slotsOf(key) {
  const found = slots.get(key);
  if (found === undefined) throw new ERR_INVALID_THIS('CryptoKey');
  return found;
}
const isCryptoKey = (value) => slots.has(value);

// A CryptoKey's algorithm and usages are objects the key hands out each time, as Node's
// are (mutable, as there): the operations read the slot's own copies.
const copyAlgorithm = (algorithm) => {
  const copy = { ...algorithm };
  if (algorithm.hash !== undefined) copy.hash = { ...algorithm.hash };
  if (algorithm.publicExponent !== undefined) copy.publicExponent = algorithm.publicExponent.slice();
  return copy;
};
function newCryptoKey(keyObject, algorithm, usages, extractable) {
  const key = new CryptoKey(kCreate);
  slots.set(key, {
    keyObject, algorithm: copyAlgorithm(algorithm), usages: [...usages], extractable,
    algorithmView: copyAlgorithm(algorithm), usagesView: [...usages],
  });
  return key;
}
const keyObjectOf = (key) => slots.get(key).keyObject;
const algorithmOf = (key) => slots.get(key).algorithm;
const usagesOf = (key) => slots.get(key).usages;

// KeyObject.from(cryptoKey): the KeyObject a CryptoKey wraps.
function keyObjectFrom(key) {
  if (!isCryptoKey(key)) throw new ERR_INVALID_ARG_TYPE('key', 'CryptoKey', key);
  return keyObjectOf(key);
}

// -- usages ---------------------------------------------------------------------------------

// algorithm -> [usages of a secret or private key, usages of a public key]
const KEY_USAGES = {
  'RSASSA-PKCS1-v1_5': [['sign'], ['verify']],
  'RSA-PSS': [['sign'], ['verify']],
  'RSA-OAEP': [['decrypt', 'unwrapKey'], ['encrypt', 'wrapKey']],
  ECDSA: [['sign'], ['verify']],
  Ed25519: [['sign'], ['verify']],
  ECDH: [['deriveKey', 'deriveBits'], []],
  X25519: [['deriveKey', 'deriveBits'], []],
  HMAC: [['sign', 'verify']],
  HKDF: [['deriveKey', 'deriveBits']],
  PBKDF2: [['deriveKey', 'deriveBits']],
  'AES-KW': [['wrapKey', 'unwrapKey']],
  ...Object.fromEntries(['AES-CTR', 'AES-CBC', 'AES-GCM'].map((name) => [name, [['encrypt', 'decrypt', 'wrapKey', 'unwrapKey']]])),
};

function checkUsages(name, usages, allowed) {
  if (usages.some((usage) => !allowed.includes(usage))) {
    throw domError(`Unsupported key usage for ${name} key`, 'SyntaxError');
  }
}
function checkNotEmpty(key, importing = false) {
  const { type } = keyObjectOf(key);
  if (type !== 'public' && usagesOf(key).length === 0) {
    throw domError(importing ? `Usages cannot be empty when importing a ${type} key.`
      : 'Usages cannot be empty when creating a key.', 'SyntaxError');
  }
  return key;
}

// -- hashes -----------------------------------------------------------------------------------

const NODE_HASH = { 'SHA-1': 'sha1', 'SHA-256': 'sha256', 'SHA-384': 'sha384', 'SHA-512': 'sha512' };
const HASH_BITS = { 'SHA-1': 160, 'SHA-256': 256, 'SHA-384': 384, 'SHA-512': 512 };
const BLOCK_BITS = { 'SHA-1': 512, 'SHA-256': 512, 'SHA-384': 1024, 'SHA-512': 1024 };
const nobleHash = (hash) => hashOf(NODE_HASH[hash.name]);
const toArrayBuffer = (bytes) => {
  const copy = new Uint8Array(bytes.length);
  copy.set(bytes);
  return copy.buffer;
};

// -- digest ------------------------------------------------------------------------------------

async function digest(algorithm, data) {
  requiredArguments('digest', arguments.length, 2);
  algorithm = algorithmArg(algorithm);
  data = bufferSourceArg(data, 'digest', 1);
  const normalized = normalizeAlgorithm(algorithm, 'digest');
  return toArrayBuffer(nobleHash(normalized)(data));
}

// -- generateKey -----------------------------------------------------------------------------

const EC_NAMED_CURVES = ['P-256', 'P-384', 'P-521'];

function checkNamedCurve(namedCurve) {
  if (!EC_NAMED_CURVES.includes(namedCurve)) throw domError('Unrecognized namedCurve', 'NotSupportedError');
}
function checkAesLength(length) {
  if (![128, 192, 256].includes(length)) throw domError('AES key length must be 128, 192, or 256 bits', 'OperationError');
}
const hashAlgorithm = (hash) => ({ name: hash.name });

function keyPair(name, privateObject, publicObject, algorithm, extractable, usages) {
  const [privateUsages, publicUsages] = KEY_USAGES[name];
  checkUsages(name, usages, [...privateUsages, ...publicUsages]);
  const privateKey = newCryptoKey(privateObject, algorithm, usages.filter((u) => privateUsages.includes(u)), extractable);
  checkNotEmpty(privateKey);
  const publicKey = newCryptoKey(publicObject, { ...algorithm }, usages.filter((u) => publicUsages.includes(u)), true);
  return { publicKey, privateKey };
}

function rsaAlgorithm(name, keyObject, hash) {
  const { modulusLength, publicExponent } = keyObject.asymmetricKeyDetails;
  let hex = publicExponent.toString(16);
  if (hex.length % 2) hex = `0${hex}`;
  return { name, modulusLength, publicExponent: new Uint8Array(Buffer.from(hex, 'hex')), hash: hashAlgorithm(hash) };
}

function exponentOf(bytes) {
  let exponent = 0;
  for (const byte of bytes) exponent = exponent * 256 + byte;
  return exponent;
}

async function generateKey(algorithm, extractable, keyUsages) {
  requiredArguments('generateKey', arguments.length, 3);
  algorithm = algorithmArg(algorithm);
  extractable = Boolean(extractable);
  const usages = usagesArg(keyUsages, 'generateKey', 2);
  const normalized = normalizeAlgorithm(algorithm, 'generateKey');
  const { name } = normalized;
  if (RSA.includes(name)) {
    checkUsages(name, usages, KEY_USAGES[name].flat());
    const exponent = exponentOf(normalized.publicExponent);
    if (exponent % 2 === 0) throw domError('algorithm.publicExponent must be odd', 'OperationError');
    const { publicKey, privateKey } = generateKeyPairSync('rsa', { modulusLength: normalized.modulusLength, publicExponent: exponent });
    return keyPair(name, privateKey, publicKey, rsaAlgorithm(name, publicKey, normalized.hash), extractable, usages);
  }
  if (name === 'ECDSA' || name === 'ECDH') {
    checkNamedCurve(normalized.namedCurve);
    checkUsages(name, usages, KEY_USAGES[name].flat());
    const { publicKey, privateKey } = generateKeyPairSync('ec', { namedCurve: normalized.namedCurve });
    return keyPair(name, privateKey, publicKey, { name, namedCurve: normalized.namedCurve }, extractable, usages);
  }
  if (name === 'Ed25519' || name === 'X25519') {
    checkUsages(name, usages, KEY_USAGES[name].flat());
    const { publicKey, privateKey } = generateKeyPairSync(name.toLowerCase());
    return keyPair(name, privateKey, publicKey, { name }, extractable, usages);
  }
  checkUsages(name, usages, KEY_USAGES[name][0]);
  let algorithmOut;
  let bits;
  if (name === 'HMAC') {
    bits = normalized.length ?? BLOCK_BITS[normalized.hash.name];
    if (bits === 0) throw domError('Zero-length key is not supported', 'OperationError');
    algorithmOut = { name, length: bits, hash: hashAlgorithm(normalized.hash) };
  } else {
    checkAesLength(normalized.length);
    bits = normalized.length;
    algorithmOut = { name, length: bits };
  }
  const bytes = fill(new Uint8Array(Math.ceil(bits / 8)));
  return checkNotEmpty(newCryptoKey(createSecretKey(bytes), algorithmOut, usages, extractable));
}

// -- importKey -----------------------------------------------------------------------------------

const invalidKeyData = () => domError('Invalid keyData', 'DataError');

function parsing(fn) {
  try {
    return fn();
  } catch {
    throw invalidKeyData();
  }
}

// The checks every JWK import makes (the spec's steps for "jwk" format).
function checkJwk(jwk, kty, extractable, usages, alg) {
  if (jwk === null || typeof jwk !== 'object') throw invalidKeyData();
  if (jwk.kty !== kty) throw domError('Invalid JWK "kty" Parameter', 'DataError');
  if (usages.length > 0 && jwk.use !== undefined) {
    const use = usages.every((u) => ['sign', 'verify'].includes(u)) ? 'sig' : 'enc';
    if (jwk.use !== use) throw domError('Invalid JWK "use" Parameter', 'DataError');
  }
  if (jwk.key_ops !== undefined) {
    if (!Array.isArray(jwk.key_ops) || usages.some((u) => !jwk.key_ops.includes(u))) {
      throw domError('Key operations and usage mismatch', 'DataError');
    }
  }
  if (jwk.ext !== undefined && jwk.ext === false && extractable) {
    throw domError('JWK "ext" Parameter and extractable mismatch', 'DataError');
  }
  if (alg !== undefined && jwk.alg !== undefined && jwk.alg !== alg) {
    throw domError('JWK "alg" does not match the requested algorithm', 'DataError');
  }
}

const JWK_HASH = { 'SHA-1': '1', 'SHA-256': '256', 'SHA-384': '384', 'SHA-512': '512' };
function jwkAlg(name, algorithm) {
  const bits = JWK_HASH[algorithm.hash?.name];
  switch (name) {
    case 'RSASSA-PKCS1-v1_5': return `RS${bits}`;
    case 'RSA-PSS': return `PS${bits}`;
    case 'RSA-OAEP': return bits === '1' ? 'RSA-OAEP' : `RSA-OAEP-${bits}`;
    case 'HMAC': return `HS${bits}`;
    case 'AES-KW': return `A${algorithm.length}KW`;
    case 'AES-CTR': case 'AES-CBC': case 'AES-GCM': return `A${algorithm.length}${name.slice(4)}`;
    case 'Ed25519': return 'Ed25519';
    default: return undefined;
  }
}

function importSecret(format, keyData, normalized, extractable, usages) {
  const { name } = normalized;
  checkUsages(name, usages, KEY_USAGES[name][0]);
  let bytes;
  if (format === 'raw') {
    bytes = keyData;
  } else if (format === 'jwk') {
    checkJwk(keyData, 'oct', extractable, usages);
    if (typeof keyData.k !== 'string') throw invalidKeyData();
    bytes = new Uint8Array(Buffer.from(keyData.k, 'base64url'));
  } else {
    throw domError(`Unable to import ${name} using ${format} format`, 'NotSupportedError');
  }
  if (name === 'HMAC') {
    const bits = bytes.length * 8;
    if (bits === 0) throw domError('Zero-length key is not supported', 'DataError');
    if (normalized.length !== undefined && normalized.length !== bits) throw domError('Invalid key length', 'DataError');
    const algorithm = { name, length: bits, hash: hashAlgorithm(normalized.hash) };
    if (format === 'jwk' && keyData.alg !== undefined && keyData.alg !== jwkAlg(name, algorithm)) {
      throw domError('JWK "alg" does not match the requested algorithm', 'DataError');
    }
    return newCryptoKey(createSecretKey(bytes), algorithm, usages, extractable);
  }
  if (![16, 24, 32].includes(bytes.length)) throw domError('Invalid key length', 'DataError');
  const algorithm = { name, length: bytes.length * 8 };
  if (format === 'jwk' && keyData.alg !== undefined && keyData.alg !== jwkAlg(name, algorithm)) {
    throw domError('JWK "alg" does not match the requested algorithm', 'DataError');
  }
  return newCryptoKey(createSecretKey(bytes), algorithm, usages, extractable);
}

function importKdf(format, keyData, { name }, extractable, usages) {
  if (format !== 'raw') throw domError(`Unable to import ${name} using ${format} format`, 'NotSupportedError');
  if (extractable) throw domError(`${name} keys are not extractable`, 'SyntaxError');
  if (usages.some((u) => !KEY_USAGES[name][0].includes(u))) {
    throw domError(`Unsupported key usage for a ${name} key`, 'SyntaxError');
  }
  return newCryptoKey(createSecretKey(keyData), { name }, usages, false);
}

// spki/pkcs8/jwk into a KeyObject, with `kind` the asymmetricKeyType it must have.
function asymmetricKeyObject(name, format, keyData, kind, jwkKty, extractable, usages, crv, crvMismatch) {
  let keyObject;
  if (format === 'spki') {
    keyObject = parsing(() => createPublicKey({ key: Buffer.from(keyData), format: 'der', type: 'spki' }));
  } else if (format === 'pkcs8') {
    keyObject = parsing(() => createPrivateKey({ key: Buffer.from(keyData), format: 'der', type: 'pkcs8' }));
  } else {
    // Node's order: the usages for the key's type, then the JWK's members, then its curve.
    const isPrivate = keyData.d !== undefined;
    checkUsages(name, usages, KEY_USAGES[name][isPrivate ? 0 : 1]);
    checkJwk(keyData, jwkKty, extractable, usages);
    if (crv !== undefined && keyData.crv !== crv) throw crvMismatch();
    keyObject = parsing(() => (isPrivate ? createPrivateKey : createPublicKey)({ key: keyData, format: 'jwk' }));
  }
  if (keyObject.asymmetricKeyType !== kind) throw domError('Invalid key type', 'DataError');
  return keyObject;
}

function usagesFor(name, keyObject, usages) {
  const [privateUsages, publicUsages] = KEY_USAGES[name];
  checkUsages(name, usages, keyObject.type === 'public' ? publicUsages : privateUsages);
}

function importRsa(format, keyData, normalized, extractable, usages) {
  const { name } = normalized;
  if (format === 'raw') throw domError(`Unable to import ${name} using raw format`, 'NotSupportedError');
  if (format === 'jwk' && keyData !== null && typeof keyData === 'object' && keyData.alg !== undefined) {
    const algorithm = { hash: normalized.hash };
    if (keyData.alg !== jwkAlg(name, algorithm)) throw domError('JWK "alg" does not match the requested algorithm', 'DataError');
  }
  const keyObject = asymmetricKeyObject(name, format, keyData, 'rsa', 'RSA', extractable, usages);
  usagesFor(name, keyObject, usages);
  return newCryptoKey(keyObject, rsaAlgorithm(name, keyObject, normalized.hash), usages, extractable);
}

function importEc(format, keyData, normalized, extractable, usages) {
  const { name, namedCurve } = normalized;
  checkNamedCurve(namedCurve);
  let keyObject;
  if (format === 'raw') {
    checkUsages(name, usages, KEY_USAGES[name][1]);
    const curve = ecCurveByJwk(namedCurve);
    const point = parsing(() => curve.noble.Point.fromBytes(keyData));
    const x = Buffer.from(point.toBytes(false).subarray(1, 1 + curve.size)).toString('base64url');
    const y = Buffer.from(point.toBytes(false).subarray(1 + curve.size)).toString('base64url');
    keyObject = createPublicKey({ key: { kty: 'EC', crv: namedCurve, x, y }, format: 'jwk' });
  } else {
    keyObject = asymmetricKeyObject(name, format, keyData, 'ec', 'EC', extractable, usages, namedCurve,
      () => domError('JWK "crv" does not match the requested algorithm', 'DataError'));
    if (keyObject.asymmetricKeyDetails.namedCurve !== ecCurveByJwk(namedCurve).name) {
      throw domError('Named curve mismatch', 'DataError');
    }
    usagesFor(name, keyObject, usages);
  }
  return newCryptoKey(keyObject, { name, namedCurve }, usages, extractable);
}

function importOkp(format, keyData, { name }, extractable, usages) {
  const kind = name.toLowerCase();
  let keyObject;
  if (format === 'raw') {
    checkUsages(name, usages, KEY_USAGES[name][1]);
    if (keyData.length !== 32) throw invalidKeyData();
    keyObject = parsing(() => createPublicKey({
      key: { kty: 'OKP', crv: name, x: Buffer.from(keyData).toString('base64url') }, format: 'jwk',
    }));
  } else {
    keyObject = asymmetricKeyObject(name, format, keyData, kind, 'OKP', extractable, usages, name,
      () => domError('JWK "crv" Parameter and algorithm name mismatch', 'DataError'));
    usagesFor(name, keyObject, usages);
  }
  return newCryptoKey(keyObject, { name }, usages, extractable);
}

function importKeyNormalized(format, keyData, normalized, extractable, usages) {
  const { name } = normalized;
  let key;
  if (RSA.includes(name)) key = importRsa(format, keyData, normalized, extractable, usages);
  else if (name === 'ECDSA' || name === 'ECDH') key = importEc(format, keyData, normalized, extractable, usages);
  else if (name === 'Ed25519' || name === 'X25519') key = importOkp(format, keyData, normalized, extractable, usages);
  else if (name === 'HKDF' || name === 'PBKDF2') key = importKdf(format, keyData, normalized, extractable, usages);
  else key = importSecret(format, keyData, normalized, extractable, usages);
  return checkNotEmpty(key, true);
}

async function importKey(format, keyData, algorithm, extractable, keyUsages) {
  requiredArguments('importKey', arguments.length, 5);
  format = formatArg(format, 'importKey');
  if (format === 'jwk') {
    if (keyData === null || typeof keyData !== 'object') {
      throw new plain.ERR_INVALID_ARG_TYPE(`${prefixOf('importKey')}: 2nd argument cannot be converted to a dictionary`);
    }
  } else {
    keyData = bufferSourceArg(keyData, 'importKey', 1);
  }
  algorithm = algorithmArg(algorithm);
  extractable = Boolean(extractable);
  const usages = usagesArg(keyUsages, 'importKey', 4);
  const normalized = normalizeAlgorithm(algorithm, 'importKey');
  return importKeyNormalized(format, keyData, normalized, extractable, usages);
}

// -- exportKey -------------------------------------------------------------------------------------

function exportJwk(key) {
  const keyObject = keyObjectOf(key);
  const algorithm = algorithmOf(key);
  const jwk = { key_ops: [...usagesOf(key)], ext: slots.get(key).extractable };
  const alg = jwkAlg(algorithm.name, algorithm);
  if (alg !== undefined) jwk.alg = alg;
  return Object.assign(jwk, keyObject.export({ format: 'jwk' }));
}

function exportRaw(key) {
  const keyObject = keyObjectOf(key);
  const { name } = algorithmOf(key);
  if (keyObject.type === 'secret' && !['HKDF', 'PBKDF2'].includes(name)) return toArrayBuffer(keyObject.export());
  if (keyObject.type === 'public') {
    const material = materialOf(keyObject);
    if (material.kind === 'ec' || material.kind === 'ed25519' || material.kind === 'x25519') return toArrayBuffer(material.pub);
  }
  throw domError(`Unable to export ${name} ${keyObject.type} key using raw format`, 'NotSupportedError');
}

function exportKeyNormalized(format, key) {
  const keyObject = keyObjectOf(key);
  const { name } = algorithmOf(key);
  if (name === 'HKDF' || name === 'PBKDF2') throw domError(`${name} key export is not supported`, 'NotSupportedError');
  if (!slots.get(key).extractable) throw domError('key is not extractable', 'InvalidAccessError');
  switch (format) {
    case 'raw': return exportRaw(key);
    case 'jwk': return exportJwk(key);
    case 'spki':
      if (keyObject.type === 'secret') break;
      if (keyObject.type !== 'public') throw domError('Key must be a public key', 'InvalidAccessError');
      return toArrayBuffer(keyObject.export({ type: 'spki', format: 'der' }));
    case 'pkcs8':
      if (keyObject.type === 'secret') break;
      if (keyObject.type !== 'private') throw domError('Key must be a private key', 'InvalidAccessError');
      return toArrayBuffer(keyObject.export({ type: 'pkcs8', format: 'der' }));
    default:
  }
  throw domError(`Unable to export ${name} ${keyObject.type} key using ${format} format`, 'NotSupportedError');
}

async function exportKey(format, key) {
  requiredArguments('exportKey', arguments.length, 2);
  format = formatArg(format, 'exportKey');
  cryptoKeyArg(key, 'exportKey', 1);
  return exportKeyNormalized(format, key);
}

// -- sign / verify -----------------------------------------------------------------------------------

function checkKeyFor(key, normalized, usage) {
  if (normalized.name !== algorithmOf(key).name) throw domError('Key algorithm mismatch', 'InvalidAccessError');
  if (!usagesOf(key).includes(usage)) {
    throw domError(`Unable to use this key to ${usage}`, 'InvalidAccessError');
  }
}

function signatureOptions(key, normalized) {
  const keyObject = keyObjectOf(key);
  const keyAlgorithm = algorithmOf(key);
  switch (normalized.name) {
    case 'RSASSA-PKCS1-v1_5': return [NODE_HASH[keyAlgorithm.hash.name], keyObject];
    case 'RSA-PSS':
      return [NODE_HASH[keyAlgorithm.hash.name],
        { key: keyObject, padding: constants.RSA_PKCS1_PSS_PADDING, saltLength: normalized.saltLength }];
    case 'ECDSA': return [NODE_HASH[normalized.hash.name], { key: keyObject, dsaEncoding: 'ieee-p1363' }];
    default: return [null, keyObject];
  }
}

function hmacOf(key, data) {
  const { hash } = algorithmOf(key);
  return hmac(nobleHash(hash), keyObjectOf(key).export(), data);
}

function constantTimeEqual(a, b) {
  if (a.length !== b.length) return false;
  let diff = 0;
  for (let i = 0; i < a.length; i++) diff |= a[i] ^ b[i];
  return diff === 0;
}

function signNormalized(normalized, key, data) {
  checkKeyFor(key, normalized, 'sign');
  if (normalized.name === 'HMAC') return toArrayBuffer(hmacOf(key, data));
  const [hash, keyOption] = signatureOptions(key, normalized);
  if (normalized.name === 'RSA-PSS') checkSaltLength(key, normalized);
  try {
    return toArrayBuffer(nodeSign(hash, data, keyOption));
  } catch {
    throw operationFailed();
  }
}

function checkSaltLength(key, normalized) {
  const { modulusLength, hash } = algorithmOf(key);
  if (normalized.saltLength > Math.ceil((modulusLength - 1) / 8) - HASH_BITS[hash.name] / 8 - 2) throw operationFailed();
}

function verifyNormalized(normalized, key, signature, data) {
  checkKeyFor(key, normalized, 'verify');
  if (normalized.name === 'HMAC') return constantTimeEqual(hmacOf(key, data), signature);
  const [hash, keyOption] = signatureOptions(key, normalized);
  try {
    return nodeVerify(hash, data, keyOption, signature);
  } catch {
    return false;
  }
}

async function sign(algorithm, key, data) {
  requiredArguments('sign', arguments.length, 3);
  algorithm = algorithmArg(algorithm);
  cryptoKeyArg(key, 'sign', 1);
  data = bufferSourceArg(data, 'sign', 2);
  return signNormalized(normalizeAlgorithm(algorithm, 'sign'), key, data);
}

async function verify(algorithm, key, signature, data) {
  requiredArguments('verify', arguments.length, 4);
  algorithm = algorithmArg(algorithm);
  cryptoKeyArg(key, 'verify', 1);
  signature = bufferSourceArg(signature, 'verify', 2);
  data = bufferSourceArg(data, 'verify', 3);
  return verifyNormalized(normalizeAlgorithm(algorithm, 'verify'), key, signature, data);
}

// -- encrypt / decrypt ------------------------------------------------------------------------------

const GCM_TAG_LENGTHS = [32, 64, 96, 104, 112, 120, 128];

function aesGcm(encrypting, normalized, keyBytes, data) {
  const tagLength = normalized.tagLength ?? 128;
  if (!GCM_TAG_LENGTHS.includes(tagLength)) throw domError(`${tagLength} is not a valid AES-GCM tag length`, 'OperationError');
  const { iv } = normalized;
  const aad = normalized.additionalData;
  const tagBytes = tagLength / 8;
  if (encrypting) {
    let sealed;
    try {
      sealed = gcm(keyBytes, iv, aad).encrypt(data);
    } catch {
      throw operationFailed(); // noble refuses an empty IV
    }
    return sealed.subarray(0, sealed.length - 16 + tagBytes);
  }
  if (data.length < tagBytes) throw operationFailed();
  try {
    if (tagBytes === 16) return gcm(keyBytes, iv, aad).decrypt(data);
    // A shortened tag is the full tag's prefix: decrypt in CTR mode from J0 + 1 (a 96-bit
    // IV's J0 is IV || 1), then seal the plaintext again and compare the prefix.
    if (iv.length !== 12) throw operationFailed();
    const counter = new Uint8Array(16);
    counter.set(iv);
    counter[15] = 2;
    const ciphertext = data.subarray(0, data.length - tagBytes);
    const plaintext = ctr(keyBytes, counter).decrypt(ciphertext);
    const sealed = gcm(keyBytes, iv, aad).encrypt(plaintext);
    if (!constantTimeEqual(sealed.subarray(ciphertext.length, ciphertext.length + tagBytes), data.subarray(ciphertext.length))) {
      throw operationFailed();
    }
    return plaintext;
  } catch {
    throw operationFailed();
  }
}

// AES-CTR with the rightmost `length` bits of the counter block as the counter, which
// wraps to zero without carrying into the nonce part (noble's ctr carries: split there).
function aesCtr(normalized, keyBytes, data) {
  const { counter, length } = normalized;
  if (counter.length !== 16) throw domError('algorithm.counter must contain exactly 16 bytes', 'OperationError');
  if (length === 0 || length > 128) throw domError('AES-CTR algorithm.length must be between 1 and 128', 'OperationError');
  const start = BigInt(`0x${Buffer.from(counter).toString('hex')}`);
  const mask = (1n << BigInt(length)) - 1n;
  const blocks = BigInt(Math.ceil(data.length / 16));
  const untilWrap = (mask - (start & mask)) + 1n;
  if (blocks > mask + 1n) throw domError('The counter is too small for this data', 'OperationError');
  if (blocks <= untilWrap) return ctr(keyBytes, counter).encrypt(data);
  const head = Number(untilWrap) * 16;
  const wrapped = start & ~mask & ((1n << 128n) - 1n);
  const wrappedCounter = new Uint8Array(Buffer.from(wrapped.toString(16).padStart(32, '0'), 'hex'));
  const out = new Uint8Array(data.length);
  out.set(ctr(keyBytes, counter).encrypt(data.subarray(0, head)));
  out.set(ctr(keyBytes, wrappedCounter).encrypt(data.subarray(head)), head);
  return out;
}

function aesCbc(encrypting, normalized, keyBytes, data) {
  if (normalized.iv.length !== 16) throw domError('algorithm.iv must contain exactly 16 bytes', 'OperationError');
  try {
    return encrypting ? cbc(keyBytes, normalized.iv).encrypt(data) : cbc(keyBytes, normalized.iv).decrypt(data);
  } catch {
    throw operationFailed();
  }
}

function rsaOaep(encrypting, normalized, key, data) {
  const keyObject = keyObjectOf(key);
  if (keyObject.type !== (encrypting ? 'public' : 'private')) {
    throw domError('The requested operation is not valid for the provided key', 'InvalidAccessError');
  }
  const md = mdFor(NODE_HASH[algorithmOf(key).hash.name]);
  const label = normalized.label === undefined || normalized.label.length === 0 ? undefined : toBinary(normalized.label);
  const options = { md: md.create(), mgf1: { md: md.create() }, label };
  const rsa = materialOf(keyObject).forge;
  try {
    return Uint8Array.from(fromBinary(encrypting ? rsa.encrypt(toBinary(data), 'RSA-OAEP', options)
      : rsa.decrypt(toBinary(data), 'RSA-OAEP', options)));
  } catch {
    throw operationFailed();
  }
}

function aesKw(encrypting, keyBytes, data) {
  try {
    return encrypting ? aeskw(keyBytes).encrypt(data) : aeskw(keyBytes).decrypt(data);
  } catch {
    throw operationFailed();
  }
}

function cipher(encrypting, normalized, key, data, usage) {
  checkKeyFor(key, normalized, usage);
  const { name } = normalized;
  if (name === 'RSA-OAEP') return toArrayBuffer(rsaOaep(encrypting, normalized, key, data));
  const keyBytes = new Uint8Array(keyObjectOf(key).export());
  if (name === 'AES-GCM') return toArrayBuffer(aesGcm(encrypting, normalized, keyBytes, data));
  if (name === 'AES-CBC') return toArrayBuffer(aesCbc(encrypting, normalized, keyBytes, data));
  if (name === 'AES-CTR') return toArrayBuffer(aesCtr(normalized, keyBytes, data));
  return toArrayBuffer(aesKw(encrypting, keyBytes, data));
}

async function encrypt(algorithm, key, data) {
  requiredArguments('encrypt', arguments.length, 3);
  algorithm = algorithmArg(algorithm);
  cryptoKeyArg(key, 'encrypt', 1);
  data = bufferSourceArg(data, 'encrypt', 2);
  return cipher(true, normalizeAlgorithm(algorithm, 'encrypt'), key, data, 'encrypt');
}

async function decrypt(algorithm, key, data) {
  requiredArguments('decrypt', arguments.length, 3);
  algorithm = algorithmArg(algorithm);
  cryptoKeyArg(key, 'decrypt', 1);
  data = bufferSourceArg(data, 'decrypt', 2);
  return cipher(false, normalizeAlgorithm(algorithm, 'decrypt'), key, data, 'decrypt');
}

// -- deriveBits / deriveKey ----------------------------------------------------------------------------

function deriveAgreement(normalized, key, length) {
  const publicKey = normalized.public;
  const keyObject = keyObjectOf(key);
  if (algorithmOf(publicKey).name !== normalized.name) throw domError('key algorithm mismatch', 'InvalidAccessError');
  if (keyObjectOf(publicKey).type !== 'public') throw domError('algorithm.public must be a public key', 'InvalidAccessError');
  if (keyObject.type !== 'private') throw domError('baseKey must be a private key', 'InvalidAccessError');
  if (normalized.name === 'ECDH' && algorithmOf(publicKey).namedCurve !== algorithmOf(key).namedCurve) {
    throw domError('Named curve mismatch', 'InvalidAccessError');
  }
  let secret;
  try {
    secret = new Uint8Array(diffieHellman({ privateKey: keyObject, publicKey: keyObjectOf(publicKey) }));
  } catch {
    throw operationFailed();
  }
  if (length === null || length === undefined) return secret;
  if (length > secret.length * 8) throw domError('derived bit length is too small', 'OperationError');
  const out = secret.slice(0, Math.ceil(length / 8));
  if (length % 8) out[out.length - 1] &= (0xff << (8 - (length % 8))) & 0xff;
  return out;
}

function checkKdfLength(length) {
  if (length === null || length === undefined) throw domError('length cannot be null', 'OperationError');
  if (length % 8 !== 0) throw domError('length must be a multiple of 8', 'OperationError');
}

function deriveBitsNormalized(normalized, key, length) {
  const { name } = normalized;
  if (name === 'ECDH' || name === 'X25519') return deriveAgreement(normalized, key, length);
  checkKdfLength(length);
  const secret = keyObjectOf(key).export();
  const hash = nobleHash(normalized.hash);
  if (name === 'HKDF') {
    if (length > 255 * HASH_BITS[normalized.hash.name]) throw domError('length exceeds the maximum derived bit length', 'OperationError');
    if (length === 0) return new Uint8Array(0);
    return nobleHkdf(hash, secret, normalized.salt, normalized.info, length / 8);
  }
  if (normalized.iterations === 0) throw domError('iterations cannot be zero', 'OperationError');
  if (length === 0) return new Uint8Array(0);
  return noblePbkdf2(hash, secret, normalized.salt, { c: normalized.iterations, dkLen: length / 8 });
}

function checkBaseKey(key, normalized, usage) {
  if (!usagesOf(key).includes(usage)) throw domError(`baseKey does not have ${usage} usage`, 'InvalidAccessError');
  if (algorithmOf(key).name !== normalized.name) throw domError('Key algorithm mismatch', 'InvalidAccessError');
}

function lengthArg(length) {
  if (length === null || length === undefined) return null;
  const number = Number(length);
  if (!Number.isFinite(number)) throw new plain.ERR_INVALID_ARG_TYPE(`${prefixOf('deriveBits')}: 3rd argument is not a finite number.`);
  return Math.trunc(number);
}

async function deriveBits(algorithm, baseKey, length = null) {
  requiredArguments('deriveBits', arguments.length, 2);
  algorithm = algorithmArg(algorithm);
  cryptoKeyArg(baseKey, 'deriveBits', 1);
  length = lengthArg(length);
  const normalized = normalizeAlgorithm(algorithm, 'deriveBits');
  checkBaseKey(baseKey, normalized, 'deriveBits');
  return toArrayBuffer(deriveBitsNormalized(normalized, baseKey, length));
}

function keyLengthOf(derived) {
  if (AES.includes(derived.name)) {
    checkAesLength(derived.length);
    return derived.length;
  }
  if (derived.name === 'HMAC') {
    if (derived.length === undefined) return BLOCK_BITS[derived.hash.name];
    if (derived.length === 0) throw domError('Invalid key length', 'OperationError');
    return derived.length;
  }
  return null;
}

async function deriveKey(algorithm, baseKey, derivedKeyAlgorithm, extractable, keyUsages) {
  requiredArguments('deriveKey', arguments.length, 5);
  algorithm = algorithmArg(algorithm);
  cryptoKeyArg(baseKey, 'deriveKey', 1);
  derivedKeyAlgorithm = algorithmArg(derivedKeyAlgorithm);
  extractable = Boolean(extractable);
  const usages = usagesArg(keyUsages, 'deriveKey', 4);
  const normalized = normalizeAlgorithm(algorithm, 'deriveBits');
  const forImport = normalizeAlgorithm(derivedKeyAlgorithm, 'importKey');
  const length = keyLengthOf(normalizeAlgorithm(derivedKeyAlgorithm, 'get key length'));
  checkBaseKey(baseKey, normalized, 'deriveKey');
  const bits = deriveBitsNormalized(normalized, baseKey, length);
  return importKeyNormalized('raw', bits, forImport, extractable, usages);
}

// -- wrapKey / unwrapKey ---------------------------------------------------------------------------------

async function wrapKey(format, key, wrappingKey, wrapAlgorithm) {
  requiredArguments('wrapKey', arguments.length, 4);
  format = formatArg(format, 'wrapKey');
  cryptoKeyArg(key, 'wrapKey', 1);
  cryptoKeyArg(wrappingKey, 'wrapKey', 2);
  wrapAlgorithm = algorithmArg(wrapAlgorithm);
  const normalized = normalizeAlgorithm(wrapAlgorithm, 'wrapKey');
  let bytes = exportKeyNormalized(format, key);
  if (format === 'jwk') {
    const json = JSON.stringify(bytes);
    // AES-KW wraps whole 8-byte blocks: the JSON is padded with spaces, as Node does.
    bytes = new TextEncoder().encode(normalized.name === 'AES-KW' ? json + ' '.repeat((8 - (json.length % 8)) % 8) : json);
  } else {
    bytes = new Uint8Array(bytes);
  }
  return cipher(true, normalized, wrappingKey, bytes, 'wrapKey');
}

async function unwrapKey(format, wrappedKey, unwrappingKey, unwrapAlgorithm, unwrappedKeyAlgorithm, extractable, keyUsages) {
  requiredArguments('unwrapKey', arguments.length, 7);
  format = formatArg(format, 'unwrapKey');
  wrappedKey = bufferSourceArg(wrappedKey, 'unwrapKey', 1);
  cryptoKeyArg(unwrappingKey, 'unwrapKey', 2);
  unwrapAlgorithm = algorithmArg(unwrapAlgorithm);
  unwrappedKeyAlgorithm = algorithmArg(unwrappedKeyAlgorithm);
  extractable = Boolean(extractable);
  const usages = usagesArg(keyUsages, 'unwrapKey', 6);
  const normalized = normalizeAlgorithm(unwrapAlgorithm, 'unwrapKey');
  const forImport = normalizeAlgorithm(unwrappedKeyAlgorithm, 'importKey');
  let keyData = new Uint8Array(cipher(false, normalized, unwrappingKey, wrappedKey, 'unwrapKey'));
  if (format === 'jwk') {
    try {
      keyData = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(keyData));
    } catch {
      throw domError('Invalid imported JWK key', 'DataError');
    }
  }
  return importKeyNormalized(format, keyData, forImport, extractable, usages);
}

// -- SubtleCrypto -------------------------------------------------------------------------------------------

class SubtleCrypto {
  constructor(token) {
    if (token !== kCreate) throw new ERR_ILLEGAL_CONSTRUCTOR();
  }
}
const subtle = new SubtleCrypto(kCreate);
const METHODS = { encrypt, decrypt, sign, verify, digest, generateKey, deriveKey, deriveBits, importKey, exportKey, wrapKey, unwrapKey };
for (const [name, method] of Object.entries(METHODS)) {
  // Node's methods check their receiver (ERR_INVALID_THIS) before anything else.
  const checked = {
    async [name](...args) {
      if (this !== subtle) throw new ERR_INVALID_THIS('SubtleCrypto');
      return Reflect.apply(method, undefined, args);
    },
  }[name];
  Object.defineProperty(checked, 'length', { value: method.length });
  Object.defineProperty(SubtleCrypto.prototype, name, { value: checked, writable: true, enumerable: true, configurable: true });
}
Object.defineProperty(SubtleCrypto.prototype, Symbol.toStringTag, { value: 'SubtleCrypto', configurable: true });
Object.defineProperty(SubtleCrypto, 'name', { value: 'SubtleCrypto', configurable: true });

// KeyObject.from and keyObject.toCryptoKey, as Node has them.
Object.defineProperty(KeyObject, 'from', {
  value: { from(key) { return keyObjectFrom(key); } }.from, writable: true, enumerable: false, configurable: true,
});
Object.defineProperty(KeyObject.prototype, 'toCryptoKey', {
  value: {
    toCryptoKey(algorithm, extractable, keyUsages) {
      if (!isKeyObject(this)) throw new ERR_INVALID_THIS('KeyObject');
      const normalized = normalizeAlgorithm(algorithmArg(algorithm), 'importKey');
      const usages = usagesArg(keyUsages, 'toCryptoKey', 2);
      const format = this.type === 'secret' ? 'raw' : 'jwk';
      const data = this.type === 'secret' ? new Uint8Array(this.export()) : this.export({ format: 'jwk' });
      return importKeyNormalized(format, data, normalized, Boolean(extractable), usages);
    },
  }.toCryptoKey,
  writable: true, enumerable: false, configurable: true,
});

export { CryptoKey, SubtleCrypto, isCryptoKey, keyObjectFrom, subtle };
