'use strict';
// The elliptic curves behind EC, Ed25519/Ed448 and X25519/X448 keys, on @noble/curves.
// The Weierstrass and Edwards curves are rebuilt from noble's parameters with our RNG
// (./random.js): noble's blinding of secret multiplications would otherwise call
// whatever globalThis.crypto is at that moment. Key generation passes its own seed,
// ECDSA nonces are RFC 6979's (deterministic) and EdDSA is deterministic.

import { ecdsa, weierstrass } from '@noble/curves/abstract/weierstrass.js';
import { edwards, eddsa } from '@noble/curves/abstract/edwards.js';
import { p256, p384, p521 } from '@noble/curves/nist.js';
import { secp256k1 } from '@noble/curves/secp256k1.js';
import { ed25519, x25519 } from '@noble/curves/ed25519.js';
import { ed448, x448 } from '@noble/curves/ed448.js';
import { sha256, sha384, sha512 } from '@noble/hashes/sha2.js';
import { shake256 } from '@noble/hashes/sha3.js';
import { randomBytes } from './random.js';

function rebuildWeierstrass(curve, hash) {
  const Point = weierstrass(curve.Point.CURVE(), { Fp: curve.Point.Fp, randomBytes });
  return ecdsa(Point, hash, { randomBytes });
}

// RFC 8032's clamping of the hashed secret scalar.
function clamp25519(bytes) {
  bytes[0] &= 248; bytes[31] &= 127; bytes[31] |= 64;
  return bytes;
}
function clamp448(bytes) {
  bytes[0] &= 252; bytes[55] |= 128; bytes[56] = 0;
  return bytes;
}
// RFC 8032's dom4 for Ed448: "SigEd448" || phflag || len(ctx) || ctx.
const SIG_ED448 = Uint8Array.from('SigEd448', (c) => c.charCodeAt(0));
function dom4(data, ctx, phflag) {
  const out = new Uint8Array(SIG_ED448.length + 2 + ctx.length + data.length);
  out.set(SIG_ED448);
  out[8] = phflag ? 1 : 0;
  out[9] = ctx.length;
  out.set(ctx, 10);
  out.set(data, 10 + ctx.length);
  return out;
}
const shake256_114 = Object.assign((msg) => shake256(msg, { dkLen: 114 }), { outputLen: 114 });

function rebuildEdwards(curve, hash, opts) {
  const Point = edwards(curve.Point.CURVE(), { Fp: curve.Point.Fp, Fn: curve.Point.Fn, randomBytes });
  // RFC 8032 verification (cofactorless, canonical encodings), as OpenSSL does.
  return eddsa(Point, hash, { randomBytes, zip215: false, ...opts });
}

// Node's names: OpenSSL's short name (asymmetricKeyDetails.namedCurve, createECDH) and
// the NIST one (generateKeyPair's namedCurve also takes it), the JWK crv and the OID.
const EC_CURVES = Object.freeze([
  { name: 'prime256v1', nist: 'P-256', jwk: 'P-256', oid: '1.2.840.10045.3.1.7', size: 32, noble: rebuildWeierstrass(p256, sha256) },
  { name: 'secp384r1', nist: 'P-384', jwk: 'P-384', oid: '1.3.132.0.34', size: 48, noble: rebuildWeierstrass(p384, sha384) },
  { name: 'secp521r1', nist: 'P-521', jwk: 'P-521', oid: '1.3.132.0.35', size: 66, noble: rebuildWeierstrass(p521, sha512) },
  { name: 'secp256k1', nist: undefined, jwk: 'secp256k1', oid: '1.3.132.0.10', size: 32, noble: rebuildWeierstrass(secp256k1, sha256) },
].map((c) => Object.freeze(c)));

// The Edwards and Montgomery key types: `size` is the length of a raw key, `sign` of a
// signature (undefined: a key agreement type).
const OKP_TYPES = Object.freeze({
  ed25519: Object.freeze({ jwk: 'Ed25519', oid: '1.3.101.112', size: 32, sign: 64,
    noble: rebuildEdwards(ed25519, sha512, { adjustScalarBytes: clamp25519 }) }),
  ed448: Object.freeze({ jwk: 'Ed448', oid: '1.3.101.113', size: 57, sign: 114,
    noble: rebuildEdwards(ed448, shake256_114, { adjustScalarBytes: clamp448, domain: dom4 }) }),
  x25519: Object.freeze({ jwk: 'X25519', oid: '1.3.101.110', size: 32, sign: undefined, noble: x25519 }),
  x448: Object.freeze({ jwk: 'X448', oid: '1.3.101.111', size: 56, sign: undefined, noble: x448 }),
});

function ecCurveByName(name, { nist = true } = {}) {
  return EC_CURVES.find((c) => c.name === name || (nist && c.nist === name));
}
const ecCurveByOid = (oid) => EC_CURVES.find((c) => c.oid === oid);
const ecCurveByJwk = (crv) => EC_CURVES.find((c) => c.jwk === crv);
function okpTypeByOid(oid) {
  for (const [name, spec] of Object.entries(OKP_TYPES)) if (spec.oid === oid) return name;
  return undefined;
}

export { EC_CURVES, OKP_TYPES, ecCurveByJwk, ecCurveByName, ecCurveByOid, okpTypeByOid };
