'use strict';
// Key agreement on elliptic curves: createECDH and the ECDH class, and the stateless
// diffieHellman({ privateKey, publicKey }) for EC, X25519 and X448 keys (Node's
// lib/internal/crypto/diffiehellman.js). Finite-field DH is still to come.

import { codes, plain } from '../internal/errors.js';
import { ecCurveByName } from './curves.js';
import { agree } from './dh.js';
import { createPrivateKey, createPublicKey, isKeyObject, materialOf } from './keys.js';
import { fill } from './random.js';
import { bufferSource, invalidArgValue, later, validateFunction, validateObject, validateString } from './util.js';

const {
  ERR_CRYPTO_ECDH_INVALID_FORMAT, ERR_CRYPTO_ECDH_INVALID_PUBLIC_KEY, ERR_CRYPTO_INCOMPATIBLE_KEY,
  ERR_CRYPTO_INVALID_KEY_OBJECT_TYPE,
} = codes;
const { Buffer } = globalThis;

function encode(bytes, encoding) {
  const buffer = Buffer.from(bytes);
  return encoding && encoding !== 'buffer' ? buffer.toString(encoding) : buffer;
}

// Node's getFormat: the encoding of a point.
function pointFormat(format) {
  if (format) {
    if (format === 'compressed' || format === 'hybrid') return format;
    if (format !== 'uncompressed') throw new ERR_CRYPTO_ECDH_INVALID_FORMAT(format);
  }
  return 'uncompressed';
}

function encodePoint(curve, point, format) {
  if (format === 'uncompressed') return point.toBytes(false);
  const bytes = point.toBytes(format === 'compressed');
  if (format === 'hybrid') bytes[0] = 6 + (bytes[bytes.length - 1] & 1);
  return bytes;
}

// A point from any SEC1 encoding (hybrid too), or undefined when it is not on the curve.
function decodePoint(curve, bytes) {
  try {
    let input = bytes;
    if ((bytes[0] === 6 || bytes[0] === 7) && bytes.length === 1 + 2 * curve.size) {
      input = Uint8Array.from(bytes);
      input[0] = 4;
    }
    const point = curve.noble.Point.fromBytes(input);
    return point.is0() ? undefined : point;
  } catch {
    return undefined;
  }
}

function curveOf(name) {
  validateString(name, 'curve');
  const curve = ecCurveByName(name, { nist: false });
  if (curve === undefined) throw new plain.ERR_CRYPTO_INVALID_CURVE('Invalid EC curve name');
  return curve;
}

const padTo = (bytes, size) => { const out = new Uint8Array(size); out.set(bytes.subarray(Math.max(0, bytes.length - size)), Math.max(0, size - bytes.length)); return out; };
const states = new WeakMap();

function stateOf(self) {
  const state = states.get(self);
  if (state === undefined) throw new TypeError('Illegal invocation');
  return state;
}

function ECDH(curve) {
  if (!new.target) return new ECDH(curve);
  states.set(this, { curve: curveOf(curve), priv: undefined, pub: undefined });
}

Object.defineProperties(ECDH.prototype, Object.getOwnPropertyDescriptors({
  generateKeys(encoding, format) {
    const state = stateOf(this);
    const { noble } = state.curve;
    state.priv = noble.utils.randomSecretKey(fill(new Uint8Array(noble.lengths.seed)));
    state.pub = noble.Point.fromBytes(noble.getPublicKey(state.priv, false));
    return this.getPublicKey(encoding, format);
  },
  computeSecret(key, inputEncoding, outputEncoding) {
    const state = stateOf(this);
    const bytes = bufferSource(key, 'key', inputEncoding);
    if (state.priv === undefined) throw new plain.ERR_CRYPTO_OPERATION_FAILED('Failed to compute ECDH key');
    const point = decodePoint(state.curve, bytes);
    if (point === undefined) throw new ERR_CRYPTO_ECDH_INVALID_PUBLIC_KEY();
    const shared = state.curve.noble.getSharedSecret(state.priv, point.toBytes(false), true);
    return encode(shared.subarray(1), outputEncoding);
  },
  getPublicKey(encoding, format) {
    const state = stateOf(this);
    const f = pointFormat(format);
    if (state.pub === undefined) throw new plain.ERR_CRYPTO_OPERATION_FAILED('Failed to get ECDH public key');
    return encode(encodePoint(state.curve, state.pub, f), encoding);
  },
  getPrivateKey(encoding) {
    const state = stateOf(this);
    if (state.priv === undefined) throw new plain.ERR_CRYPTO_OPERATION_FAILED('Failed to get ECDH private key');
    // OpenSSL's BN_bn2bin: no leading zero bytes.
    let i = 0;
    while (i < state.priv.length - 1 && state.priv[i] === 0) i++;
    return encode(state.priv.subarray(i), encoding);
  },
  setPrivateKey(key, encoding) {
    const state = stateOf(this);
    const bytes = bufferSource(key, 'key', encoding);
    const { noble, size } = state.curve;
    let i = 0;
    while (i < bytes.length - size && bytes[i] === 0) i++;
    const priv = padTo(bytes.subarray(i), size);
    if (bytes.length - i > size || !noble.utils.isValidSecretKey(priv)) {
      throw new plain.ERR_CRYPTO_INVALID_KEYTYPE('Private key is not valid for specified curve.');
    }
    state.priv = priv;
    state.pub = noble.Point.fromBytes(noble.getPublicKey(priv, false));
    return this;
  },
  setPublicKey(key, encoding) {
    const state = stateOf(this);
    const point = decodePoint(state.curve, bufferSource(key, 'key', encoding));
    if (point === undefined) throw new plain.ERR_CRYPTO_OPERATION_FAILED('Failed to convert Buffer to EC_POINT');
    state.pub = point;
    return this;
  },
}));

Object.defineProperty(ECDH, 'name', { value: 'ECDH' });

ECDH.convertKey = function convertKey(key, curve, inEnc, outEnc, format) {
  const spec = curveOf(curve);
  const bytes = bufferSource(key, 'key', inEnc);
  const f = pointFormat(format);
  const point = decodePoint(spec, bytes);
  if (point === undefined) throw new plain.ERR_CRYPTO_OPERATION_FAILED('Failed to convert Buffer to EC_POINT');
  return encode(encodePoint(spec, point, f), outEnc);
};

function createECDH(curve) { return new ECDH(curve); }

const DH_KEY_TYPES = ['dh', 'ec', 'x25519', 'x448'];

// diffieHellman's keys: KeyObjects, or what createPrivateKey/createPublicKey take.
function agreementKey(value, wantPrivate) {
  if (!isKeyObject(value)) return wantPrivate ? createPrivateKey(value) : createPublicKey(value);
  if (wantPrivate && value.type !== 'private') throw new ERR_CRYPTO_INVALID_KEY_OBJECT_TYPE(value.type, 'private');
  if (!wantPrivate && value.type === 'secret') throw new ERR_CRYPTO_INVALID_KEY_OBJECT_TYPE(value.type, 'private or public');
  return value;
}

const mismatchingParameters = () => new plain.ERR_OSSL_MISMATCHING_DOMAIN_PARAMETERS(
  'error:1C8000CB:Provider routines::mismatching domain parameters');

// Node's diffieHellman: the keys' checks throw; the agreement's own failures go to the
// callback when there is one (called on a later turn, as Node's job calls it).
function diffieHellman(options, callback) {
  validateObject(options, 'options');
  if (callback !== undefined) validateFunction(callback, 'callback');
  if (options.privateKey === undefined) throw invalidArgValue('options.privateKey', undefined);
  if (options.publicKey === undefined) throw invalidArgValue('options.publicKey', undefined);
  const privateKey = agreementKey(options.privateKey, true);
  const publicKey = agreementKey(options.publicKey, false);
  const privateType = privateKey.asymmetricKeyType;
  const publicType = publicKey.asymmetricKeyType;
  if (privateType !== publicType || !DH_KEY_TYPES.includes(privateType)) {
    throw new ERR_CRYPTO_INCOMPATIBLE_KEY('key types for Diffie-Hellman', `${privateType} and ${publicType}`);
  }
  const priv = materialOf(privateKey);
  const pub = materialOf(publicKey);
  if (callback === undefined) return agreeKeys(priv, pub);
  let secret;
  let error = null;
  try {
    secret = agreeKeys(priv, pub);
  } catch (err) {
    // Node's job hands OpenSSL's error over without the code it adds to thrown ones.
    error = typeof err?.code === 'string' && err.code.startsWith('ERR_OSSL_') ? new Error(err.message) : err;
  }
  later(() => (error ? callback(error) : callback(null, secret)));
  return undefined;
}

function agreeKeys(priv, pub) {
  if (priv.kind === 'dh') {
    if (priv.p !== pub.p || priv.g !== pub.g) throw mismatchingParameters();
    return agree(priv.p, priv.priv, pub.pub);
  }
  if (priv.kind === 'ec') {
    if (priv.curve !== pub.curve) throw mismatchingParameters();
    return Buffer.from(priv.curve.noble.getSharedSecret(priv.priv, pub.pub, true).subarray(1));
  }
  return Buffer.from(priv.spec.noble.getSharedSecret(priv.priv, pub.pub));
}

export { ECDH, createECDH, diffieHellman };
