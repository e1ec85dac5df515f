'use strict';
// RSA: key generation, the primitives and their paddings (PKCS#1 v1.5 signatures and
// encryption, PSS, OAEP, none), on V8's BigInt with Montgomery multiplication in
// WebAssembly (./montgomery.wat, compiled into the bundle by js/build.mjs). node-forge
// stays the key container and the ASN.1/PEM codec (./keys.js); only the arithmetic moved
// here, which made 2048-bit keygen and signing about 10x faster than forge's jsbn.
// Refs: RFC 8017 (PKCS#1 v2.2), FIPS 186-5 appendix B.3.3 (probable primes), OpenSSL's
// crypto/rsa (errors, implicit rejection).

import forge from 'node-forge';
import { hmac } from '@noble/hashes/hmac.js';
import { sha256 } from '@noble/hashes/sha2.js';
import { plain } from '../internal/errors.js';
import * as der from './der.js';
import { DIGEST_LENGTH, hashOf, isXof } from './hashes.js';
import { fill } from './random.js';
import wasmBase64 from './montgomery.wat';

const { Buffer } = globalThis;

// -- the WebAssembly engine ----------------------------------------------------------------
// One page of memory, made when the bundle is installed (between executions). It holds
// only the operands of the operation in progress and is wiped after each: nothing in it
// outlives an operation, and no code block can reach it (it is in this closure only).

const SLOT = 1440; // bytes a number takes: 352 limbs of 4 bytes (8,448 bits at 24 bits a limb) and zeros
const MAX_LIMBS = 352;
const S_N = 0; const S_R2 = 1; const S_A = 2; const S_B = 3; const S_OUT = 4; const S_E = 28;
const USED = (S_E + 1) * SLOT;

const engine = (() => {
  try {
    const module = new WebAssembly.Module(Buffer.from(wasmBase64, 'base64'));
    const { exports } = new WebAssembly.Instance(module, {});
    const { buffer } = exports.memory;
    return { modexp: exports.modexp, mulmod: exports.mulmod, u32: new Uint32Array(buffer), u8: new Uint8Array(buffer) };
  } catch {
    return undefined; // no WebAssembly: the BigInt path below does the same, slower
  }
})();

// A number into a slot as ctx.s limbs of ctx.w bits (w / 4 hex digits each), one per u32.
function put(slot, value, { s, w }) {
  const digits = w >> 2;
  const hex = value.toString(16).padStart(s * digits, '0');
  const base = (slot * SLOT) >> 2;
  const { u32 } = engine;
  for (let i = 0, end = hex.length; i < s; i++, end -= digits) u32[base + i] = parseInt(hex.slice(end - digits, end), 16);
}

function get(slot, { s, w }) {
  const digits = w >> 2;
  const base = (slot * SLOT) >> 2;
  const { u32 } = engine;
  let hex = '';
  for (let i = s - 1; i >= 0; i--) hex += u32[base + i].toString(16).padStart(digits, '0');
  return BigInt(`0x${hex}`);
}

// -n^-1 mod 2^32 for odd n (Newton's iteration: each step doubles the correct bits).
function montgomeryN0(n) {
  const low = Number(n & 0xffffffffn);
  let x = low; // correct to 3 bits for odd n
  for (let i = 0; i < 4; i++) x = Math.imul(x, 2 - Math.imul(low, x));
  return (-x) >>> 0;
}

const bitLength = (x) => (x === 0n ? 0 : x.toString(2).length);

// Sliding-window exponent: larger windows pay off for longer exponents.
const windowFor = (bits) => (bits > 512 ? 5 : bits > 128 ? 4 : bits > 24 ? 3 : 1);

// What Montgomery multiplication needs of a modulus: s limbs of w bits with R = 2^(w s) > 4n
// (montgomery.wat's bound: 28-bit limbs up to 3,358 bits, 24-bit ones above), -n^-1 mod 2^w
// and R^2 mod n. R^2 costs a BigInt division (about 0.1 ms at 2048 bits here): a key computes
// it once per modulus (params below), a candidate prime once per test.
function montContext(modulus) {
  const bits = bitLength(modulus);
  const w = bits + 2 <= 28 * 120 ? 28 : 24;
  const s = Math.ceil((bits + 2) / w);
  if (engine === undefined || (modulus & 1n) === 0n || s > MAX_LIMBS || modulus === 1n) return { modulus, s: 0 };
  return { modulus, s, w, n0: montgomeryN0(modulus) & (2 ** w - 1), r2: (1n << BigInt(2 * w * s)) % modulus };
}

// The modulus and R^2 (slots S_N and S_R2, side by side) are written from their BigInts once
// per context, then copied as limbs.
function withEngine(ctx, work) {
  try {
    if (ctx.limbs === undefined) {
      put(S_N, ctx.modulus, ctx);
      put(S_R2, ctx.r2, ctx);
      ctx.limbs = engine.u32.slice(0, (2 * SLOT) >> 2);
    } else {
      engine.u32.set(ctx.limbs);
    }
    return work();
  } finally {
    engine.u8.fill(0, 0, USED);
  }
}

// a * b mod n for a, b < n: two Montgomery products (a b R^-1, then times R^2 R^-1), no
// BigInt division.
function mulMod(a, b, ctx) {
  if (ctx.s === 0) return a * b % ctx.modulus;
  return withEngine(ctx, () => {
    put(S_A, a, ctx); put(S_B, b, ctx);
    engine.mulmod(ctx.s, ctx.w, ctx.n0);
    return get(S_OUT, ctx);
  });
}

// base^exponent mod modulus (modulus odd, as every RSA modulus and candidate prime is): one
// call into montgomery.wat, which keeps the window's table and the loop.
function modPow(base, exponent, modulus, ctx = montContext(modulus)) {
  if (modulus === 1n) return 0n;
  if (ctx.s === 0) return bigModPow(base, exponent, modulus);
  base %= modulus;
  if (base < 0n) base += modulus;
  if (exponent === 0n) return 1n;
  const hex = exponent.toString(16);
  const bits = hex.length * 4 - Math.clz32(parseInt(hex[0], 16)) + 28;
  // An exponent longer than its slot (only a DH private key set by hand can be): BigInt.
  if (bits > SLOT * 8) return bigModPow(base, exponent, modulus);
  return withEngine(ctx, () => {
    put(S_A, base, ctx);
    const base32 = (S_E * SLOT) >> 2;
    for (let i = 0, end = hex.length; end > 0; i++, end -= 8) engine.u32[base32 + i] = parseInt(hex.slice(Math.max(0, end - 8), end), 16);
    engine.modexp(ctx.s, ctx.w, ctx.n0, bits, windowFor(bits));
    return get(S_OUT, ctx);
  });
}

function bigModPow(base, exponent, modulus) {
  let result = 1n;
  base %= modulus;
  if (base < 0n) base += modulus;
  for (let e = exponent; e > 0n; e >>= 1n) {
    if (e & 1n) result = result * base % modulus;
    base = base * base % modulus;
  }
  return result;
}

function modInverse(a, m) {
  let [r0, r1, s0, s1] = [a % m, m, 1n, 0n];
  while (r1 !== 0n) {
    const q = r0 / r1;
    [r0, r1] = [r1, r0 - q * r1];
    [s0, s1] = [s1, s0 - q * s1];
  }
  if (r0 !== 1n) return undefined;
  return s0 < 0n ? s0 + m : s0;
}

function gcd(a, b) {
  while (b !== 0n) [a, b] = [b, a % b];
  return a;
}

// -- bytes and numbers ----------------------------------------------------------------------

// Hex by table: the Buffer layer's hex codec cost about a third of a 2048-bit verify.
const HEX = Object.freeze(Array.from({ length: 256 }, (_, i) => i.toString(16).padStart(2, '0')));
function toBig(bytes) {
  if (bytes.length === 0) return 0n;
  let hex = '';
  for (let i = 0; i < bytes.length; i++) hex += HEX[bytes[i]];
  return BigInt(`0x${hex}`);
}
// The low `length` bytes of value, big-endian, zero-padded.
function toBytes(value, length) {
  const hex = value.toString(16);
  const out = Buffer.alloc(length);
  for (let i = length - 1, end = hex.length; i >= 0 && end > 0; i--, end -= 2) {
    out[i] = parseInt(hex.slice(Math.max(0, end - 2), end), 16);
  }
  return out;
}
const randomBytes = (n) => fill(new Uint8Array(n));
const randomBig = (bits) => toBig(randomBytes(Math.ceil(bits / 8))) >> BigInt((8 - (bits % 8)) % 8);

// -- keys -------------------------------------------------------------------------------------
// A forge key's numbers as BigInts, read once per key object.

const forgeBig = (x) => BigInt(`0x${x.toString(16) || '0'}`);
const bigForge = (x) => new forge.jsbn.BigInteger(x.toString(16), 16);
const paramsOfKey = new WeakMap();

function params(key) {
  let p = paramsOfKey.get(key);
  if (p === undefined) {
    const n = forgeBig(key.n);
    const bits = bitLength(n);
    p = { n, e: forgeBig(key.e), bits, k: Math.ceil(bits / 8), private: Boolean(key.d), ctx: montContext(n) };
    if (key.d) {
      Object.assign(p, { d: forgeBig(key.d), p: forgeBig(key.p), q: forgeBig(key.q), dp: forgeBig(key.dP),
        dq: forgeBig(key.dQ), qi: forgeBig(key.qInv) });
      if (p.p > 1n && p.q > 1n) Object.assign(p, { ctxP: montContext(p.p), ctxQ: montContext(p.q) });
    }
    paramsOfKey.set(key, p);
  }
  return p;
}

const modulusBits = (key) => params(key).bits;

function publicOp(key, m) {
  const { n, e, ctx } = params(key);
  return modPow(m, e, n, ctx);
}

// The blinding pair of a key (r^e, r^-1), made once and squared at each use, as OpenSSL
// does: the private exponentiation never sees the caller's number, whose timing it would show.
function nextBlinding(p) {
  if (p.blinding === undefined) {
    for (;;) {
      const r = randomBig(p.bits) % p.n;
      const inverse = r > 1n ? modInverse(r, p.n) : undefined;
      if (inverse !== undefined) { p.blinding = { a: modPow(r, p.e, p.n, p.ctx), ai: inverse }; break; }
    }
  }
  const current = p.blinding;
  p.blinding = { a: mulMod(current.a, current.a, p.ctx), ai: mulMod(current.ai, current.ai, p.ctx) };
  return current;
}

// c^d mod n by the CRT, checked by the public operation; a key whose CRT numbers do not
// agree with d (an imported JWK, say) falls back to c^d, as OpenSSL's rsa_ossl_mod_exp does.
function privateOp(key, c) {
  const p = params(key);
  const { a, ai } = nextBlinding(p);
  const blinded = mulMod(c, a, p.ctx);
  let m;
  if (p.ctxP !== undefined) {
    const m1 = modPow(blinded % p.p, p.dp, p.p, p.ctxP);
    const m2 = modPow(blinded % p.q, p.dq, p.q, p.ctxQ);
    let diff = m1 - m2;
    if (diff < 0n) diff += p.p;
    const h = p.qi < p.p ? mulMod(p.qi, diff, p.ctxP) : p.qi * diff % p.p;
    m = m2 + h * p.q;
    if (modPow(m, p.e, p.n, p.ctx) !== blinded) m = modPow(blinded, p.d, p.n, p.ctx);
  } else {
    m = modPow(blinded, p.d, p.n, p.ctx);
  }
  return mulMod(m, ai, p.ctx);
}

// -- key generation (FIPS 186-5 B.3.3, probable primes) -------------------------------------

const SMALL_PRIMES = (() => {
  const limit = 32768;
  const sieve = new Uint8Array(limit);
  const out = [];
  for (let i = 3; i < limit; i += 2) {
    if (sieve[i]) continue;
    out.push(i);
    for (let j = i * i; j < limit; j += 2 * i) sieve[j] = 1;
  }
  return Object.freeze(out);
})();

// Rounds of Miller-Rabin for a prime of `bits` (FIPS 186-5 table B.1, at the error
// probability that matches the key's security strength: 2^-112 for 1024-bit primes,
// 2^-128 for 1536, 2^-144 for 2048; smaller primes, which only old keys use, get more).
const mrRounds = (bits) => (bits >= 1536 ? 4 : bits >= 1024 ? 5 : bits >= 512 ? 8 : 40);

function millerRabin(w, rounds) {
  const w1 = w - 1n;
  let m = w1;
  let a = 0;
  while ((m & 1n) === 0n) { m >>= 1n; a++; }
  const bits = bitLength(w);
  const ctx = montContext(w);
  for (let i = 0; i < rounds; i++) {
    let b;
    do b = randomBig(bits); while (b <= 1n || b >= w1);
    let z = modPow(b, m, w, ctx);
    if (z === 1n || z === w1) continue;
    let composite = true;
    for (let j = 1; j < a; j++) {
      z = mulMod(z, z, ctx);
      if (z === w1) { composite = false; break; }
      if (z === 1n) break;
    }
    if (composite) return false;
  }
  return true;
}

// A random prime of exactly `bits` bits with its top two bits set (so that p*q has the
// full length), gcd(p-1, e) = 1: random starting points, then a sieved walk over odd
// numbers (OpenSSL's probable_prime does the same), Miller-Rabin on the survivors.
function randomPrime(bits, e) {
  const top = 3n << BigInt(bits - 2);
  const primes = SMALL_PRIMES.filter((q) => q < 2 ** Math.min(bits - 1, 30));
  for (;;) {
    const start = randomBig(bits) | top | 1n;
    const residues = primes.map((q) => Number(start % BigInt(q)));
    for (let delta = 0; delta < 8192; delta += 2) {
      let divisible = false;
      for (let i = 0; i < primes.length; i++) {
        if ((residues[i] + delta) % primes[i] === 0) { divisible = true; break; }
      }
      if (divisible) continue;
      const candidate = start + BigInt(delta);
      if (bitLength(candidate) !== bits) break;
      if (gcd(candidate - 1n, e) !== 1n) continue;
      if (millerRabin(candidate, mrRounds(bits))) return candidate;
    }
  }
}

// A forge private key of `bits` bits with public exponent `e`.
function generateKey(bits, e) {
  if (bits < 512) throw keySizeTooSmall();
  if (e < 3 || e % 2 === 0) throw exponentOutOfRange();
  const exponent = BigInt(e);
  const pBits = (bits + 1) >> 1;
  const qBits = bits - pBits;
  for (;;) {
    const p = randomPrime(pBits, exponent);
    const q = randomPrime(qBits, exponent);
    // FIPS 186-5 B.3.3 step 5.4: p and q differ in their top 100 bits.
    if (bits >= 1024 && (p > q ? p - q : q - p) <= 1n << BigInt(pBits - 100)) continue;
    const n = p * q;
    if (bitLength(n) !== bits) continue;
    const [big, small] = p > q ? [p, q] : [q, p]; // OpenSSL's order: p > q
    const lambda = (big - 1n) * (small - 1n) / gcd(big - 1n, small - 1n);
    const d = modInverse(exponent, lambda);
    if (d === undefined) continue;
    return forge.pki.setRsaPrivateKey(bigForge(n), bigForge(exponent), bigForge(d), bigForge(big), bigForge(small),
      bigForge(d % (big - 1n)), bigForge(d % (small - 1n)), bigForge(modInverse(small, big)));
  }
}

// -- errors (OpenSSL's, as Node shows them) --------------------------------------------------

const rsaError = (code, reason, text) => new plain[code](`error:${reason}:rsa routines::${text}`);
const providerError = (code, reason, text) => new plain[code](`error:${reason}:Provider routines::${text}`);
const tooLargeForKeySize = () => rsaError('ERR_OSSL_RSA_DATA_TOO_LARGE_FOR_KEY_SIZE', '0200006E', 'data too large for key size');
const tooSmallForKeySize = () => rsaError('ERR_OSSL_RSA_DATA_TOO_SMALL_FOR_KEY_SIZE', '0200007A', 'data too small for key size');
const tooLargeForModulus = () => rsaError('ERR_OSSL_RSA_DATA_TOO_LARGE_FOR_MODULUS', '02000084', 'data too large for modulus');
const greaterThanModLen = () => rsaError('ERR_OSSL_RSA_DATA_GREATER_THAN_MOD_LEN', '0200006C', 'data greater than mod len');
const oaepDecodingError = () => rsaError('ERR_OSSL_RSA_OAEP_DECODING_ERROR', '02000079', 'oaep decoding error');
const digestTooBig = () => rsaError('ERR_OSSL_RSA_DIGEST_TOO_BIG_FOR_RSA_KEY', '02000070', 'digest too big for rsa key');
const invalidPadding = () => rsaError('ERR_OSSL_RSA_INVALID_PADDING', '0200008A', 'invalid padding');
const unknownPadding = () => rsaError('ERR_OSSL_RSA_UNKNOWN_PADDING_TYPE', '02000076', 'unknown padding type');
const illegalPaddingMode = () => providerError('ERR_OSSL_ILLEGAL_OR_UNSUPPORTED_PADDING_MODE', '1C8000A5',
  'illegal or unsupported padding mode');
const invalidPaddingMode = () => providerError('ERR_OSSL_INVALID_PADDING_MODE', '1C8000A8', 'invalid padding mode');
const invalidSaltLength = () => providerError('ERR_OSSL_INVALID_SALT_LENGTH', '1C800070', 'invalid salt length');
const digestNotAllowed = () => providerError('ERR_OSSL_DIGEST_NOT_ALLOWED', '1C8000AE', 'digest not allowed');
// OpenSSL's errors without a reason code Node knows: a plain Error, no code.
const keySizeTooSmall = () => new Error('error:1C8000AB:Provider routines::key size too small');
const exponentOutOfRange = () => new Error('error:020000B2:rsa routines::pub exponent out of range');

// -- hashes and MGF1 -----------------------------------------------------------------------

// DigestInfo OIDs (RFC 8017 9.2 note 1; OpenSSL's rsa_sign.c, with the NULL parameters).
const DIGEST_OIDS = new Map([
  ['md5', '1.2.840.113549.2.5'], ['sha1', '1.3.14.3.2.26'], ['ripemd160', '1.3.36.3.2.1'],
  ['sha224', '2.16.840.1.101.3.4.2.4'], ['sha256', '2.16.840.1.101.3.4.2.1'], ['sha384', '2.16.840.1.101.3.4.2.2'],
  ['sha512', '2.16.840.1.101.3.4.2.3'], ['sha512-224', '2.16.840.1.101.3.4.2.5'], ['sha512-256', '2.16.840.1.101.3.4.2.6'],
  ['sha3-224', '2.16.840.1.101.3.4.2.7'], ['sha3-256', '2.16.840.1.101.3.4.2.8'], ['sha3-384', '2.16.840.1.101.3.4.2.9'],
  ['sha3-512', '2.16.840.1.101.3.4.2.10'],
].map(([name, oid]) => [hashOf(name), oid]));

const invalidDigest = (name) => new plain.ERR_CRYPTO_INVALID_DIGEST(`Invalid digest: ${name}`);

// The noble hash of a digest name; XOFs have no place in RSA's paddings.
function rsaHash(name, onXof) {
  const hash = hashOf(name);
  if (hash === undefined) throw invalidDigest(name);
  if (isXof(hash)) throw onXof();
  return hash;
}
// An OAEP digest that OpenSSL does not know, or an XOF (whose length OAEP cannot take).
function oaepHash(name) {
  const hash = hashOf(name);
  if (hash === undefined) throw new plain.ERR_OSSL_EVP_INVALID_DIGEST('Invalid digest used');
  if (isXof(hash)) throw rsaError('ERR_OSSL_RSA_INVALID_LENGTH', '020000B5', 'invalid length');
  return hash;
}

function mgf1(hash, seed, length) {
  const hLen = DIGEST_LENGTH.get(hash);
  const out = new Uint8Array(length);
  const input = new Uint8Array(seed.length + 4);
  input.set(seed);
  for (let counter = 0, at = 0; at < length; counter++, at += hLen) {
    input[seed.length] = counter >>> 24; input[seed.length + 1] = (counter >>> 16) & 0xff;
    input[seed.length + 2] = (counter >>> 8) & 0xff; input[seed.length + 3] = counter & 0xff;
    const block = hash(input);
    out.set(block.subarray(0, Math.min(hLen, length - at)), at);
  }
  return out;
}

const xorInto = (target, mask) => { for (let i = 0; i < target.length; i++) target[i] ^= mask[i]; };

function constantEqual(a, b) {
  if (a.length !== b.length) return false;
  let diff = 0;
  for (let i = 0; i < a.length; i++) diff |= a[i] ^ b[i];
  return diff === 0;
}

// -- signatures (RFC 8017 section 8) ----------------------------------------------------------

function digestInfo(hash, digest) {
  const oid = DIGEST_OIDS.get(hash);
  return der.sequence(der.sequence(der.oid(oid), Uint8Array.of(der.TAG.NULL, 0)), der.octetString(digest));
}

// EMSA-PSS-ENCODE with emBits = modBits - 1; saltLength already resolved.
function pssEncode(hash, mHash, modBits, saltLength, mgfHash = hash) {
  const hLen = mHash.length;
  const emBits = modBits - 1;
  const emLen = Math.ceil(emBits / 8);
  if (emLen < hLen + saltLength + 2) throw tooLargeForKeySize();
  const salt = randomBytes(saltLength);
  const mPrime = new Uint8Array(8 + hLen + saltLength);
  mPrime.set(mHash, 8); mPrime.set(salt, 8 + hLen);
  const h = hash(mPrime);
  const db = new Uint8Array(emLen - hLen - 1);
  db[db.length - saltLength - 1] = 1;
  db.set(salt, db.length - saltLength);
  xorInto(db, mgf1(mgfHash, h, db.length));
  db[0] &= 0xff >> (8 * emLen - emBits);
  const em = new Uint8Array(emLen);
  em.set(db); em.set(h, db.length); em[emLen - 1] = 0xbc;
  return em;
}

// EMSA-PSS-VERIFY; saltLength < 0: recovered from the encoding (RSA_PSS_SALTLEN_AUTO).
function pssVerify(hash, mHash, em, modBits, saltLength, mgfHash = hash) {
  const hLen = mHash.length;
  const emBits = modBits - 1;
  const emLen = Math.ceil(emBits / 8);
  if (em.length > emLen) { if (em[0] !== 0) return false; em = em.subarray(1); }
  if (emLen < hLen + 2 || em[emLen - 1] !== 0xbc) return false;
  const zeroBits = 8 * emLen - emBits;
  if (em[0] & (0xff << (8 - zeroBits)) & 0xff) return false;
  const db = Uint8Array.from(em.subarray(0, emLen - hLen - 1));
  const h = em.subarray(emLen - hLen - 1, emLen - 1);
  xorInto(db, mgf1(mgfHash, h, db.length));
  db[0] &= 0xff >> zeroBits;
  let i = 0;
  while (i < db.length && db[i] === 0) i++;
  if (i === db.length || db[i] !== 1) return false;
  const salt = db.subarray(i + 1);
  if (saltLength >= 0 && salt.length !== saltLength) return false;
  const mPrime = new Uint8Array(8 + hLen + salt.length);
  mPrime.set(mHash, 8); mPrime.set(salt, 8 + hLen);
  return constantEqual(hash(mPrime), h);
}

const SALTLEN_DIGEST = -1;
const SALTLEN_MAX_SIGN = -2;
const SALTLEN_MAX = -3;
// OpenSSL's default for a PSS key: the digest's length to sign (less if it does not fit), any to verify.
const SALTLEN_AUTO_DIGEST_MAX = -4;
const saltTooSmall = () => providerError('ERR_OSSL_PSS_SALTLEN_TOO_SMALL', '1C8000AC', 'pss saltlen too small');

// A restricted PSS key's minimum salt length (`pss.min`) and its refusals; `signing` as OpenSSL's
// rsa_sig.c (an automatic length only when verifying).
function restrictSalt(pss, saltLength, hLen, signing) {
  if (pss.min === undefined) return saltLength;
  if (signing && saltLength === SALTLEN_MAX_SIGN) throw invalidSaltLength();
  const resolved = saltLength === SALTLEN_DIGEST ? hLen : saltLength;
  if (resolved >= 0 && resolved < pss.min) throw saltTooSmall();
  return saltLength;
}

// sign(): the signature bytes. `pss`: undefined for PKCS#1 v1.5, or { saltLength, mgf1?, min? }:
// the MGF1 digest when it is not the message's, the minimum salt length of a restricted key.
function sign(key, hashName, data, pss) {
  const hash = rsaHash(hashName, digestNotAllowed);
  const p = params(key);
  const mHash = hash(data);
  let em;
  if (pss !== undefined) {
    let { saltLength } = pss;
    const emLen = Math.ceil((p.bits - 1) / 8);
    if (saltLength < SALTLEN_AUTO_DIGEST_MAX) throw invalidSaltLength();
    saltLength = restrictSalt(pss, saltLength, mHash.length, true);
    if (saltLength === SALTLEN_DIGEST) saltLength = mHash.length;
    else if (saltLength === SALTLEN_MAX_SIGN || saltLength === SALTLEN_MAX) saltLength = emLen - mHash.length - 2;
    else if (saltLength === SALTLEN_AUTO_DIGEST_MAX) saltLength = Math.min(mHash.length, emLen - mHash.length - 2);
    if (saltLength < 0) throw tooLargeForKeySize();
    em = pssEncode(hash, mHash, p.bits, saltLength, pss.mgf1 === undefined ? hash : rsaHash(pss.mgf1, digestNotAllowed));
  } else {
    const t = digestInfo(hash, mHash);
    if (t.length + 11 > p.k) throw digestTooBig();
    em = new Uint8Array(p.k);
    em[1] = 1;
    em.fill(0xff, 2, p.k - t.length - 1);
    em.set(t, p.k - t.length);
  }
  return toBytes(privateOp(key, toBig(em)), p.k);
}

function verify(key, hashName, data, signature, pss) {
  const hash = rsaHash(hashName, digestNotAllowed);
  const p = params(key);
  if (signature.length !== p.k) return false;
  const s = toBig(signature);
  if (s >= p.n) return false;
  const em = toBytes(publicOp(key, s), p.k);
  const mHash = hash(data);
  if (pss !== undefined) {
    let { saltLength } = pss;
    if (saltLength < SALTLEN_AUTO_DIGEST_MAX) throw invalidSaltLength();
    saltLength = restrictSalt(pss, saltLength, mHash.length, false);
    if (saltLength === SALTLEN_DIGEST) saltLength = mHash.length;
    else if (saltLength === SALTLEN_MAX) saltLength = Math.ceil((p.bits - 1) / 8) - mHash.length - 2;
    else if (saltLength < SALTLEN_DIGEST) saltLength = -1;
    return pssVerify(hash, mHash, em, p.bits, saltLength, pss.mgf1 === undefined ? hash : rsaHash(pss.mgf1, digestNotAllowed));
  }
  const t = digestInfo(hash, mHash);
  if (t.length + 11 > p.k) return false;
  const expected = new Uint8Array(p.k);
  expected[1] = 1;
  expected.fill(0xff, 2, p.k - t.length - 1);
  expected.set(t, p.k - t.length);
  return constantEqual(em, expected);
}

// -- RSASSA-PSS keys (RFC 8017 appendix A.2.3, RFC 4055) -----------------------------------
// An 'rsa-pss' key may carry parameters that restrict how it signs: { hash, mgf1, saltLength }
// (digest names), or none. OpenSSL writes only the fields that differ from the defaults
// (sha1, MGF1 with sha1, 20), the hashes with NULL parameters.

const OID_RSASSA_PSS = '1.2.840.113549.1.1.10';
const OID_MGF1 = '1.2.840.113549.1.1.8';
// The digests OpenSSL allows in PSS parameters, by their OIDs.
const PSS_DIGESTS = new Map([
  ['sha1', '1.3.14.3.2.26'], ['sha224', '2.16.840.1.101.3.4.2.4'], ['sha256', '2.16.840.1.101.3.4.2.1'],
  ['sha384', '2.16.840.1.101.3.4.2.2'], ['sha512', '2.16.840.1.101.3.4.2.3'], ['sha512-224', '2.16.840.1.101.3.4.2.5'],
  ['sha512-256', '2.16.840.1.101.3.4.2.6'],
]);
const PSS_DIGEST_BY_OID = new Map([...PSS_DIGESTS].map(([name, oid]) => [oid, name]));
const PSS_DEFAULTS = Object.freeze({ hash: 'sha1', mgf1: 'sha1', saltLength: 20 });

// The canonical name of a digest allowed in PSS parameters, or undefined.
function pssDigestName(name) {
  const hash = hashOf(name);
  for (const known of PSS_DIGESTS.keys()) if (hashOf(known) === hash) return known;
  return undefined;
}

const hashAlgorithmDer = (name) => der.sequence(der.oid(PSS_DIGESTS.get(name)), Uint8Array.of(der.TAG.NULL, 0));
function uintDer(n) {
  const bytes = [];
  for (let v = n; v > 0; v = Math.floor(v / 256)) bytes.unshift(v & 0xff);
  return der.unsignedInt(Uint8Array.from(bytes.length ? bytes : [0]));
}

// The AlgorithmIdentifier of an rsa-pss key: the OID, then its parameters if it has any.
function pssAlgorithmDer(pss) {
  if (pss === undefined) return der.sequence(der.oid(OID_RSASSA_PSS));
  const fields = [];
  if (pss.hash !== 'sha1') fields.push(der.explicit(0, hashAlgorithmDer(pss.hash)));
  if (pss.mgf1 !== 'sha1') fields.push(der.explicit(1, der.sequence(der.oid(OID_MGF1), hashAlgorithmDer(pss.mgf1))));
  if (pss.saltLength !== 20) fields.push(der.explicit(2, uintDer(pss.saltLength)));
  return der.sequence(der.oid(OID_RSASSA_PSS), der.sequence(...fields));
}

// An AlgorithmIdentifier node's digest (absent or NULL parameters only).
function readHashAlgorithm(node) {
  const [oidNode, parameters, extra] = der.expect(node, der.TAG.SEQUENCE).children;
  const name = PSS_DIGEST_BY_OID.get(der.readOid(oidNode));
  if (name === undefined || extra !== undefined || (parameters !== undefined && parameters.tag !== der.TAG.NULL)) {
    throw new der.DerError('PSS digest');
  }
  return name;
}

// The parameters node of an rsa-pss AlgorithmIdentifier (undefined: none) as { hash, mgf1, saltLength }.
function readPssParams(node) {
  if (node === undefined) return undefined;
  const pss = { ...PSS_DEFAULTS };
  let last = -1;
  for (const field of der.expect(node, der.TAG.SEQUENCE).children) {
    const n = field.tag - 0xa0;
    if (n <= last || n > 3 || field.children?.length !== 1) throw new der.DerError('PSS parameters');
    last = n;
    const [inner] = field.children;
    if (n === 0) pss.hash = readHashAlgorithm(inner);
    else if (n === 1) {
      const [mgf, hash] = der.expect(inner, der.TAG.SEQUENCE).children;
      if (der.readOid(mgf) !== OID_MGF1) throw new der.DerError('MGF');
      pss.mgf1 = readHashAlgorithm(hash);
    } else if (n === 2) pss.saltLength = der.readSmallInt(inner);
    else if (der.readSmallInt(inner) !== 1) throw new der.DerError('trailer');
  }
  return pss;
}

// -- encryption (RFC 8017 section 7) ----------------------------------------------------------

const PADDING = Object.freeze({ PKCS1: 1, NONE: 3, OAEP: 4, PSS: 6 });

function oaepEncode(k, data, hashName, label) {
  const hash = oaepHash(hashName);
  const hLen = DIGEST_LENGTH.get(hash);
  if (data.length > k - 2 * hLen - 2) throw tooLargeForKeySize();
  const db = new Uint8Array(k - hLen - 1);
  db.set(hash(label));
  db[db.length - data.length - 1] = 1;
  db.set(data, db.length - data.length);
  const seed = randomBytes(hLen);
  xorInto(db, mgf1(hash, seed, db.length));
  xorInto(seed, mgf1(hash, db, hLen));
  const em = new Uint8Array(k);
  em.set(seed, 1); em.set(db, 1 + hLen);
  return em;
}

function oaepDecode(em, hashName, label) {
  const hash = oaepHash(hashName);
  const hLen = DIGEST_LENGTH.get(hash);
  const k = em.length;
  if (k < 2 * hLen + 2) throw oaepDecodingError();
  const seed = Uint8Array.from(em.subarray(1, 1 + hLen));
  const db = Uint8Array.from(em.subarray(1 + hLen));
  xorInto(seed, mgf1(hash, db, hLen));
  xorInto(db, mgf1(hash, seed, db.length));
  let good = em[0] === 0 && constantEqual(db.subarray(0, hLen), hash(label));
  let i = hLen;
  while (i < db.length && db[i] === 0) i++;
  good = good && i < db.length && db[i] === 1;
  if (!good) throw oaepDecodingError();
  return Buffer.from(db.subarray(i + 1));
}

function pkcs1Type2(k, data) {
  if (data.length > k - 11) throw tooLargeForKeySize();
  const em = new Uint8Array(k);
  em[1] = 2;
  const ps = em.subarray(2, k - data.length - 1);
  fill(ps);
  for (let i = 0; i < ps.length; i++) {
    while (ps[i] === 0) ps[i] = randomBytes(1)[0];
  }
  em.set(data, k - data.length);
  return em;
}

// publicEncrypt: `padding` as Node's constants; oaep: { hash, label }.
function publicEncrypt(key, data, padding, oaep) {
  const p = params(key);
  let em;
  if (padding === PADDING.OAEP) em = oaepEncode(p.k, data, oaep.hash, oaep.label);
  else if (padding === PADDING.PKCS1) em = pkcs1Type2(p.k, data);
  else if (padding === PADDING.NONE) em = noPadding(p.k, data);
  else throw unknownPadding();
  const m = toBig(em);
  if (m >= p.n) throw tooLargeForModulus();
  return toBytes(publicOp(key, m), p.k);
}

function noPadding(k, data) {
  if (data.length > k) throw tooLargeForKeySize();
  if (data.length < k) throw tooSmallForKeySize();
  return data;
}

// OpenSSL's checks of an input to a private or public decryption, before any padding.
function checkInput(p, bytes) {
  if (bytes.length > p.k) throw greaterThanModLen();
  const c = toBig(bytes);
  if (c >= p.n) throw tooLargeForModulus();
  return c;
}

function privateDecrypt(key, data, padding, oaep) {
  const p = params(key);
  const c = checkInput(p, data);
  if (padding !== PADDING.OAEP && padding !== PADDING.PKCS1 && padding !== PADDING.NONE) throw unknownPadding();
  const em = toBytes(privateOp(key, c), p.k);
  if (padding === PADDING.NONE) return Buffer.from(em);
  if (padding === PADDING.OAEP) return oaepDecode(em, oaep.hash, oaep.label);
  return pkcs1Unpad(p, toBytes(c, p.k), em);
}

// PKCS#1 v1.5 decryption with implicit rejection, as OpenSSL 3.2+ (and so Node 24) does it
// against the Marvin attack: a bad padding yields a synthetic message derived from the key
// and the ciphertext instead of an error (OpenSSL's rsa_pk1.c,
// draft-irtf-cfrg-rsa-guidance). Same key and ciphertext, same bytes as Node.
function pkcs1Unpad(p, ciphertext, em) {
  const { k } = p;
  let zeroIndex = 0;
  for (let i = 2; i < k; i++) if (em[i] === 0) { zeroIndex = i; break; }
  if (em[0] === 0 && em[1] === 2 && zeroIndex >= 10) return Buffer.from(em.subarray(zeroIndex + 1));
  const kdk = hmac.create(sha256, sha256(toBytes(p.d, k))).update(ciphertext).digest();
  const synthetic = rsaPrf(kdk, 'message', k);
  const lengths = rsaPrf(kdk, 'length', 256);
  const maxSepOffset = k - 2 - 8;
  let mask = maxSepOffset;
  mask |= mask >> 1; mask |= mask >> 2; mask |= mask >> 4; mask |= mask >> 8;
  let length = 0;
  for (let i = 0; i < 256; i += 2) {
    const candidate = ((lengths[i] << 8) | lengths[i + 1]) & mask;
    if (candidate < maxSepOffset) length = candidate;
  }
  return Buffer.from(synthetic.subarray(k - length));
}

// OpenSSL's ossl_rsa_prf: HMAC-SHA256(kdk, counter || label || bit length), concatenated.
function rsaPrf(kdk, label, length) {
  const out = new Uint8Array(length);
  const tail = [...label].map((ch) => ch.charCodeAt(0)).concat([(length * 8) >> 8 & 0xff, (length * 8) & 0xff]);
  for (let pos = 0, iter = 0; pos < length; pos += 32, iter++) {
    const block = hmac(sha256, kdk, Uint8Array.from([iter >> 8 & 0xff, iter & 0xff, ...tail]));
    out.set(block.subarray(0, Math.min(32, length - pos)), pos);
  }
  return out;
}

// privateEncrypt: PKCS#1 v1.5 type 1 padding (raw signature blocks) or none.
function privateEncrypt(key, data, padding) {
  const p = params(key);
  let em;
  if (padding === PADDING.PKCS1) {
    if (data.length > p.k - 11) throw tooLargeForKeySize();
    em = new Uint8Array(p.k);
    em[1] = 1;
    em.fill(0xff, 2, p.k - data.length - 1);
    em.set(data, p.k - data.length);
  } else if (padding === PADDING.NONE) em = noPadding(p.k, data);
  else if (padding === PADDING.OAEP || padding === PADDING.PSS) throw illegalPaddingMode();
  else throw unknownPadding();
  const m = toBig(em);
  if (m >= p.n) throw tooLargeForModulus();
  return toBytes(privateOp(key, m), p.k);
}

function publicDecrypt(key, data, padding) {
  const p = params(key);
  const c = checkInput(p, data);
  if (padding === PADDING.OAEP || padding === PADDING.PSS) throw illegalPaddingMode();
  if (padding !== PADDING.PKCS1 && padding !== PADDING.NONE) throw unknownPadding();
  const em = toBytes(publicOp(key, c), p.k);
  if (padding === PADDING.NONE) return Buffer.from(em);
  // RSA_padding_check_PKCS1_type_1: 00 01 FF.. (at least 8) 00 data.
  // Node shows every failure of it as one 'invalid padding'.
  if (em[0] !== 0 || em[1] !== 1) throw invalidPadding();
  let i = 2;
  while (i < p.k && em[i] === 0xff) i++;
  if (i === p.k || em[i] !== 0 || i - 2 < 8) throw invalidPadding();
  return Buffer.from(em.subarray(i + 1));
}

// Sign/verify's padding: PKCS#1 v1.5 or PSS; OpenSSL's errors for the others.
function checkSignaturePadding(padding) {
  if (padding === PADDING.PKCS1 || padding === PADDING.PSS) return;
  if (padding === PADDING.NONE) throw invalidPaddingMode();
  throw illegalPaddingMode();
}

export {
  OID_RSASSA_PSS, PADDING, SALTLEN_AUTO_DIGEST_MAX, digestNotAllowed, illegalPaddingMode, pssAlgorithmDer, pssDigestName, readPssParams, SMALL_PRIMES, bitLength, checkSignaturePadding, generateKey, millerRabin, modPow, randomBig, toBig, modulusBits, privateDecrypt, privateEncrypt, publicDecrypt,
  publicEncrypt, sign, verify,
};
