'use strict';
// Finite-field Diffie-Hellman: createDiffieHellman, getDiffieHellman/createDiffieHellmanGroup
// and the DiffieHellman and DiffieHellmanGroup classes (Node's
// lib/internal/crypto/diffiehellman.js over its crypto_dh.cc and OpenSSL 3's dh_key.c and
// dh_check.c, whose checks and error words are kept). Exponentiation is rsa.js's modPow
// (Montgomery multiplication in WebAssembly). A key lives in a WeakMap keyed by its object,
// so nothing of it outlives the execution that made it.

import { codes, plain } from '../internal/errors.js';
import { GROUPS } from './dh-groups.js';
import { isPrime, randomPrime } from './primes.js';
import { bitLength, modPow, randomBig, toBig } from './rsa.js';
import { bufferSource, isAnyArrayBuffer, validateInteger } from './util.js';

const { ERR_INVALID_ARG_TYPE } = codes;
const { Buffer } = globalThis;
const INT32 = [-2147483648, 2147483647];
const SOURCE_TYPES = ['number', 'string', 'ArrayBuffer', 'Buffer', 'TypedArray', 'DataView'];
const MIN_BITS = 512; // OpenSSL's DH_MIN_MODULUS_BITS
const MAX_BITS = 10000; // OPENSSL_DH_MAX_MODULUS_BITS
const CHECK_MAX_BITS = 32768; // OPENSSL_DH_CHECK_MAX_MODULUS_BITS
const FLAGS = Object.freeze({ P_NOT_PRIME: 1, P_NOT_SAFE_PRIME: 2, NOT_SUITABLE_GENERATOR: 8, MODULUS_TOO_SMALL: 0x80,
  MODULUS_TOO_LARGE: 0x100 });

const modulusTooSmall = () => new plain.ERR_OSSL_DH_MODULUS_TOO_SMALL('error:0280007E:Diffie-Hellman routines::modulus too small');
const badGenerator = () => new plain.ERR_OSSL_DH_BAD_GENERATOR('error:02800065:Diffie-Hellman routines::bad generator');

// The named groups by their prime (hex), for OpenSSL's "known group" treatment: no DH_check,
// and the group's private key length. Made at install time: constant, and in this closure only.
const NAMED = new Map(Object.values(GROUPS).filter((group) => group.keyBits).map((group) => [group.prime, group]));
const namedGroup = (p, g) => (g === 2n ? NAMED.get(p.toString(16)) : undefined);

const encode = (bytes, encoding) => (encoding && encoding !== 'buffer' ? Buffer.from(bytes).toString(encoding) : Buffer.from(bytes));
// OpenSSL's BN_bn2bin: no leading zero bytes; zero has no bytes at all.
function bigBytes(value) {
  if (value === 0n) return Buffer.alloc(0);
  const hex = value.toString(16);
  return Buffer.from(hex.length % 2 ? `0${hex}` : hex, 'hex');
}
function padded(value, length) {
  const bytes = bigBytes(value);
  const out = Buffer.alloc(length);
  out.set(bytes, length - bytes.length);
  return out;
}

// DH_check: DH_check_params' flags, then p and (p-1)/2 tested for primality.
function verify(p, g) {
  if (namedGroup(p, g)) return 0;
  const bits = bitLength(p);
  if (bits > CHECK_MAX_BITS) return FLAGS.MODULUS_TOO_LARGE | FLAGS.P_NOT_PRIME;
  let flags = 0;
  if ((p & 1n) === 0n) flags |= FLAGS.P_NOT_PRIME;
  if (g <= 1n || g >= p - 1n) flags |= FLAGS.NOT_SUITABLE_GENERATOR;
  if (bits < MIN_BITS) flags |= FLAGS.MODULUS_TOO_SMALL;
  if (bits > MAX_BITS) flags |= FLAGS.MODULUS_TOO_LARGE;
  if (!isPrime(p)) flags |= FLAGS.P_NOT_PRIME;
  else if (!isPrime(p >> 1n)) flags |= FLAGS.P_NOT_SAFE_PRIME;
  return flags;
}

// DH_generate_parameters_ex: a safe prime with p = 23 mod 24 for generator 2, 59 mod 60 for
// 5, 11 mod 12 otherwise.
function generateParameters(bits, generator) {
  if (bits < MIN_BITS || bits > MAX_BITS) throw new plain.ERR_INVALID_ARG_VALUE('Invalid DH parameters');
  const [add, rem] = generator === 2 ? [24n, 23n] : generator === 5 ? [60n, 59n] : [12n, 11n];
  return randomPrime(bits, { safe: true, add, rem });
}

const states = new WeakMap();
// Node reads this[kHandle]: on a foreign receiver, the TypeError of undefined's method.
function stateOf(self, method) {
  const state = states.get(self);
  if (state === undefined) throw new TypeError(`Cannot read properties of undefined (reading '${method}')`);
  return state;
}

function install(self, p, g, group = false) {
  const named = namedGroup(p, g);
  states.set(self, { p, g, group, keyBits: named?.keyBits ?? 0, priv: undefined, pub: undefined });
  Object.defineProperty(self, 'verifyError', { value: verify(p, g), enumerable: true, writable: false, configurable: false });
}

// Node's getArrayBufferOrView, where 'buffer' stands for utf8.
const source = (value, name, encoding) => bufferSource(value, name, encoding === 'buffer' ? 'utf8' : encoding);
const isBytes = (value) => ArrayBuffer.isView(value) || isAnyArrayBuffer(value);

function DiffieHellman(sizeOrKey, keyEncoding, generator, genEncoding) {
  if (!new.target) return new DiffieHellman(sizeOrKey, keyEncoding, generator, genEncoding);
  if (typeof sizeOrKey !== 'number' && typeof sizeOrKey !== 'string' && !isBytes(sizeOrKey)) {
    throw new ERR_INVALID_ARG_TYPE('sizeOrKey', SOURCE_TYPES, sizeOrKey);
  }
  if (typeof sizeOrKey === 'number') validateInteger(sizeOrKey, 'sizeOrKey', ...INT32);
  if (keyEncoding && !Buffer.isEncoding(keyEncoding) && keyEncoding !== 'buffer') {
    genEncoding = generator;
    generator = keyEncoding;
    keyEncoding = false;
  }
  keyEncoding ||= 'buffer';
  genEncoding ||= 'buffer';
  const toBuf = (value, encoding) => Buffer.from(value, encoding === 'buffer' ? 'utf8' : encoding);
  if (typeof sizeOrKey === 'string') sizeOrKey = toBuf(sizeOrKey, keyEncoding);
  if (!generator) generator = 2;
  else if (typeof generator === 'number') validateInteger(generator, 'generator', ...INT32);
  else if (typeof generator === 'string') generator = toBuf(generator, genEncoding);
  else if (!isBytes(generator)) throw new ERR_INVALID_ARG_TYPE('generator', SOURCE_TYPES, generator);

  if (typeof sizeOrKey === 'number') {
    if (sizeOrKey < 2) throw modulusTooSmall();
    if (typeof generator !== 'number') throw new plain.ERR_INVALID_ARG_TYPE('Second argument must be an int32');
    if (generator < 2) throw badGenerator();
    install(this, generateParameters(sizeOrKey, generator), BigInt(generator));
    return;
  }
  const p = toBig(source(sizeOrKey, 'sizeOrKey'));
  let g;
  if (typeof generator === 'number') {
    if (generator < 2) throw badGenerator();
    g = BigInt(generator);
  } else {
    g = toBig(source(generator, 'generator'));
    if (g < 2n) throw badGenerator();
  }
  install(this, p, g);
}

function DiffieHellmanGroup(name) {
  if (!new.target) return new DiffieHellmanGroup(name);
  if (typeof name !== 'string') throw new plain.ERR_INVALID_ARG_TYPE('Group name must be a string');
  // OpenSSL's names, in any case (ncrypto's FindGroup).
  const lower = name.toLowerCase();
  const group = Object.hasOwn(GROUPS, lower) ? GROUPS[lower] : undefined;
  if (group === undefined) throw new plain.ERR_CRYPTO_UNKNOWN_DH_GROUP('Unknown DH group');
  install(this, BigInt(`0x${group.prime}`), 2n, true);
}

// DH_generate_key: a private key unless one was set, then g^x mod p. The private key's range
// is what Node 24 (OpenSSL 3.5) gives, by the way the object was made: a named group's
// object, keyBits bits exactly; modp1 and modp2, below p; a named group's prime given to
// createDiffieHellman, 1 to 2^keyBits; any other prime, p's length less two bits exactly.
function privateKey(state, bits) {
  const { p, keyBits, group } = state;
  if (group && keyBits) return randomBig(keyBits - 1) | (1n << BigInt(keyBits - 1));
  if (group) {
    for (;;) { const x = randomBig(bits); if (x >= 1n && x < p - 1n) return x; }
  }
  if (keyBits) return randomBig(keyBits) + 1n;
  return randomBig(bits - 3) | (1n << BigInt(bits - 3));
}

function generateKeys(encoding) {
  const state = stateOf(this, 'generateKeys');
  const { p, g } = state;
  const bits = bitLength(p);
  if (bits < MIN_BITS || bits > MAX_BITS || (p & 1n) === 0n) throw new plain.ERR_CRYPTO_OPERATION_FAILED('Key generation failed');
  state.priv ??= privateKey(state, bits);
  state.pub = modPow(g, state.priv, p);
  return encode(bigBytes(state.pub), encoding);
}

// DH_check_pub_key (Node's DH has no q, so no subgroup test), then DH_compute_key; the secret is padded to p's length, as Node does.
function computeSecret(key, inputEncoding, outputEncoding) {
  const state = stateOf(this, 'computeSecret');
  const y = toBig(source(key, 'key', inputEncoding));
  const { p } = state;
  if (y <= 1n) throw new plain.ERR_CRYPTO_INVALID_KEYLEN('Supplied key is too small');
  if (y >= p - 1n) throw new plain.ERR_CRYPTO_INVALID_KEYLEN('Supplied key is too large');
  const bits = bitLength(p);
  const failed = () => new plain.ERR_CRYPTO_OPERATION_FAILED('Failed to compute shared secret');
  if (bits < MIN_BITS || bits > MAX_BITS || (p & 1n) === 0n || state.priv === undefined) throw failed();
  const z = modPow(y, state.priv, p);
  if (z <= 1n || z === p - 1n) throw failed();
  return encode(padded(z, Math.ceil(bits / 8)), outputEncoding);
}

function getter(field, method, missing) {
  return function get(encoding) {
    const value = stateOf(this, method)[field];
    // A zero key has no bytes, which Node takes for no key.
    if (value === undefined || value === 0n) throw new plain.ERR_CRYPTO_INVALID_STATE(missing);
    return encode(bigBytes(value), encoding);
  };
}

const shared = {
  generateKeys,
  computeSecret,
  getPrime(encoding) { return encode(bigBytes(stateOf(this, 'getPrime').p), encoding); },
  getGenerator(encoding) { return encode(bigBytes(stateOf(this, 'getGenerator').g), encoding); },
  getPublicKey: getter('pub', 'getPublicKey', 'No public key - did you forget to generate one?'),
  getPrivateKey: getter('priv', 'getPrivateKey', 'No private key - did you forget to generate one?'),
};
const setters = {
  setPublicKey(key, encoding) {
    stateOf(this, 'setPublicKey').pub = toBig(source(key, 'key', encoding));
    return this;
  },
  setPrivateKey(key, encoding) {
    stateOf(this, 'setPrivateKey').priv = toBig(source(key, 'key', encoding));
    return this;
  },
};
for (const [name, fn] of Object.entries(shared)) {
  Object.defineProperty(fn, 'name', { value: `dh${name[0].toUpperCase()}${name.slice(1)}` });
}
Object.defineProperty(DiffieHellman, 'name', { value: 'DiffieHellman' });
Object.defineProperty(DiffieHellmanGroup, 'name', { value: 'DiffieHellmanGroup' });
Object.defineProperties(DiffieHellman.prototype, Object.getOwnPropertyDescriptors({ ...shared, ...setters }));
Object.defineProperties(DiffieHellmanGroup.prototype, Object.getOwnPropertyDescriptors(shared));

function createDiffieHellman(prime, primeEncoding, generator, generatorEncoding) {
  return new DiffieHellman(prime, primeEncoding, generator, generatorEncoding);
}
function createDiffieHellmanGroup(name) { return new DiffieHellmanGroup(name); }

// -- 'dh' KeyObjects: generateKeyPair('dh') and crypto.diffieHellman ---------------------------
// OpenSSL's EVP path (Node's DhKeyGenTraits, ncrypto's DHPointer::stateless): p and g from a
// group name, a prime or a prime length; the private key as DH_generate_key draws it for an
// object made from a prime (a known group's key length when p is a known group's prime).

const opensslError = (text) => new Error(`error:${text}`); // these OpenSSL errors carry no code in Node

// { p, g } of generateKeyPair('dh')'s options, already validated as Node's keygen.js does.
function keyPairParameters(group, prime, primeLength, generator) {
  if (group !== undefined) {
    const name = group.toLowerCase();
    if (!Object.hasOwn(GROUPS, name)) throw new plain.ERR_CRYPTO_UNKNOWN_DH_GROUP('Unknown DH group');
    return { p: BigInt(`0x${GROUPS[name].prime}`), g: 2n };
  }
  if (prime !== undefined) return { p: toBig(bufferSource(prime, 'options.prime')), g: BigInt(generator) };
  if (primeLength < MIN_BITS) throw opensslError('0280007E:Diffie-Hellman routines::modulus too small');
  return { p: generateParameters(primeLength, generator), g: BigInt(generator) };
}

// A private value and its public value for p and g.
function generateKeyPair(p, g) {
  const bits = bitLength(p);
  if (bits < MIN_BITS) throw opensslError('0280007E:Diffie-Hellman routines::modulus too small');
  if (bits > MAX_BITS) throw opensslError('0280007F:Diffie-Hellman routines::modulus too large');
  if ((p & 1n) === 0n) throw opensslError('0180006C:bignum routines::no inverse'); // no Montgomery form for an even modulus
  const priv = privateKey({ p, keyBits: namedGroup(p, g)?.keyBits ?? 0, group: false }, bits);
  return { priv, pub: modPow(g, priv, p) };
}

const publicValue = (p, g, priv) => modPow(g, priv, p);

// The shared secret of two dh keys' values, padded to p's length (ncrypto pads it).
function agree(p, priv, pub) {
  const failed = () => new plain.ERR_CRYPTO_OPERATION_FAILED('Failed to compute shared secret');
  if (pub <= 1n || pub >= p - 1n || (p & 1n) === 0n) throw failed();
  const z = modPow(pub, priv, p);
  if (z <= 1n || z === p - 1n) throw failed();
  return padded(z, Math.ceil(bitLength(p) / 8));
}

export {
  DiffieHellman, DiffieHellmanGroup, agree, createDiffieHellman, createDiffieHellmanGroup, generateKeyPair, keyPairParameters,
  publicValue,
};
