'use strict';
// Primes: checkPrime(Sync) and generatePrime(Sync) (Node's lib/internal/crypto/random.js over
// OpenSSL's BN_check_prime and BN_generate_prime_ex2), and the primality test and safe-prime
// search that finite-field Diffie-Hellman (./dh.js) shares. The arithmetic is rsa.js's
// (Montgomery multiplication in WebAssembly).

import { codes, plain } from '../internal/errors.js';
import { SMALL_PRIMES, bitLength, millerRabin, randomBig, toBig } from './rsa.js';
import {
  isAnyArrayBuffer, later, validateBoolean, validateFunction, validateInteger, validateObject,
} from './util.js';

const { ERR_INVALID_ARG_TYPE, ERR_OUT_OF_RANGE } = codes;
// checkPrime's `checks` is accepted and validated; the rounds are always BN_check_prime's.
const { Buffer } = globalThis;
const INT32_MAX = 2147483647;
const BUFFER_TYPES = ['ArrayBuffer', 'TypedArray', 'Buffer', 'DataView', 'bigint'];

// OpenSSL's BN_check_prime: 64 Miller-Rabin rounds up to 2048 bits, 128 above (error below
// 2^-128 for any input, adversarial ones included).
const checkRounds = (bits) => (bits > 2048 ? 128 : 64);

function isPrime(n, rounds = checkRounds(bitLength(n))) {
  if (n < 2n) return false;
  if (n < 4n) return true;
  if ((n & 1n) === 0n) return false;
  for (const q of SMALL_PRIMES) {
    const big = BigInt(q);
    if (big * big > n) return true;
    if (n % big === 0n) return false;
  }
  return millerRabin(n, rounds);
}

// Rounds while searching (FIPS 186-5 table B.1, as rsa.js): the result is then checked
// once more at full strength only for the numbers a caller sees.
const searchRounds = (bits) => (bits >= 1536 ? 4 : bits >= 1024 ? 5 : bits >= 512 ? 8 : 40);
const SIEVE = SMALL_PRIMES.slice(0, 2048);

// A random prime of `bits` bits, p = rem mod add when add is given (rem defaults to 1, or 3
// for a safe prime, as OpenSSL's), and (p-1)/2 prime too when `safe`. Without add the top
// two bits are set, as BN_generate_prime_ex does; with add only the top one.
function randomPrime(bits, { safe = false, add, rem } = {}) {
  const one = 1n << BigInt(bits - 1);
  const r = add === undefined ? undefined : (rem ?? (safe ? 3n : 1n));
  const sieve = SIEVE.filter((q) => BigInt(q) * 2n < one);
  const ok = (p) => {
    for (const q of sieve) {
      const m = Number(p % BigInt(q));
      if (m === 0 || (safe && m === 1)) return false; // q divides p, or (p-1)/2
    }
    return true;
  };
  for (;;) {
    let p;
    if (add === undefined) {
      p = bits < 2 ? 0n : randomBig(bits) | (bits >= 2 ? 3n << BigInt(bits - 2) : one) | 1n;
      if (safe) p |= 2n; // (p-1)/2 odd
    } else {
      p = randomBig(bits) | one;
      p = p - (p % add) + r;
    }
    for (let step = 0; step < 4096; step++) {
      if (bitLength(p) !== bits) break;
      if (p >= 2n && (bits <= 16 ? isPrime(p) && (!safe || isPrime(p >> 1n)) : ok(p)
        && millerRabin(p, searchRounds(bits)) && (!safe || millerRabin(p >> 1n, searchRounds(bits))))) {
        if (bits <= 16 || (isPrime(p) && (!safe || isPrime(p >> 1n)))) return p;
      }
      p += add ?? (safe ? 4n : 2n);
    }
  }
}

// Node's unsignedBigIntToBuffer and the byte forms the prime functions take.
function unsignedBig(value, name) {
  if (typeof value === 'bigint') {
    if (value < 0n) throw new ERR_OUT_OF_RANGE(name, '>= 0', value);
    return value;
  }
  if (ArrayBuffer.isView(value)) return toBig(new Uint8Array(value.buffer, value.byteOffset, value.byteLength));
  if (isAnyArrayBuffer(value)) return toBig(new Uint8Array(value));
  throw new ERR_INVALID_ARG_TYPE(name, BUFFER_TYPES, value);
}

function checkArgs(candidate, options) {
  const n = unsignedBig(candidate, 'candidate');
  validateObject(options, 'options');
  const { checks = 0 } = options;
  validateInteger(checks, 'options.checks', 0, INT32_MAX);
  return n;
}

function checkPrimeSync(candidate, options = {}) {
  return isPrime(checkArgs(candidate, options));
}

function checkPrime(candidate, options = {}, callback) {
  if (typeof options === 'function') { callback = options; options = {}; }
  const n = checkArgs(candidate, options);
  validateFunction(callback, 'callback');
  const result = isPrime(n);
  later(() => callback(null, result));
}

function primeArgs(size, options) {
  validateInteger(size, 'size', 1, INT32_MAX);
  validateObject(options, 'options');
  const { safe = false, bigint = false } = options;
  validateBoolean(safe, 'options.safe');
  validateBoolean(bigint, 'options.bigint');
  const add = options.add === undefined ? undefined : unsignedBig(options.add, 'options.add');
  const rem = options.rem === undefined ? undefined : unsignedBig(options.rem, 'options.rem');
  // Node's checks in C++ (crypto_random.cc RandomPrimeTraits), the same words.
  if (add !== undefined && bitLength(add) > size) throw new plain.ERR_OUT_OF_RANGE('invalid options.add');
  if (add !== undefined && rem !== undefined && add <= rem) throw new plain.ERR_OUT_OF_RANGE('invalid options.rem');
  return { bigint, spec: { safe, add, rem } };
}

// OpenSSL's BN_generate_prime_ex2 refuses these (safe primes of 2, 4 and 5 bits, whose
// ranges with the top two bits set hold none); Node shows its error without a code.
function tooSmall(size, safe) {
  return size < 2 || (safe && (size === 2 || size === 4 || size === 5)) ? new Error('error:01800076:bignum routines::bits too small') : undefined;
}

function asResult(p, bigint) {
  if (bigint) return p;
  const hex = p.toString(16);
  const bytes = Buffer.from(hex.length % 2 ? `0${hex}` : hex, 'hex');
  const out = new ArrayBuffer(bytes.length);
  new Uint8Array(out).set(bytes);
  return out;
}

function generatePrimeSync(size, options = {}) {
  const { bigint, spec } = primeArgs(size, options);
  const error = tooSmall(size, spec.safe);
  if (error) throw error;
  return asResult(randomPrime(size, spec), bigint);
}

function generatePrime(size, options, callback) {
  if (typeof options === 'function') { callback = options; options = {}; }
  validateInteger(size, 'size', 1, INT32_MAX);
  validateFunction(callback, 'callback');
  const { bigint, spec } = primeArgs(size, options ?? {});
  later(() => {
    const error = tooSmall(size, spec.safe);
    if (error) { callback(error); return; }
    let result;
    try { result = asResult(randomPrime(size, spec), bigint); } catch (err) { callback(err); return; }
    callback(null, result);
  });
}

export { checkPrime, checkPrimeSync, generatePrime, generatePrimeSync, isPrime, randomPrime };
