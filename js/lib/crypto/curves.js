'use strict';
// The elliptic curves behind EC, Ed25519/Ed448 and X25519/X448 keys, on @noble/curves'
// generic constructions (weierstrass/ecdsa, edwards/eddsa, montgomery) with the standard
// parameters written out here. Two reasons not to take noble's ready-made instances:
// - noble's blinding of secret multiplications would call whatever globalThis.crypto is at
//   that moment; these are given our RNG (./random.js). Key generation passes its own
//   seed, ECDSA nonces are RFC 6979's (deterministic) and EdDSA is deterministic;
// - building a curve costs ~5-10 ms in a cold runtime: each is built the first time a key
//   of its kind is used, not when the crypto bundle loads (hashes and ciphers never pay).
// The built curves are memoised in `built` below: constants derived from the parameters,
// never handed to a code block, so nothing of one execution reaches another through them.
// Refs: SEC 2 v2 (P-256/384/521, secp256k1), RFC 8032 (Ed25519, Ed448), RFC 7748 (X25519, X448)

import { ecdsa, weierstrass } from '@noble/curves/abstract/weierstrass.js';
import { edwards, eddsa } from '@noble/curves/abstract/edwards.js';
import { montgomery } from '@noble/curves/abstract/montgomery.js';
import { Field, pow } from '@noble/curves/abstract/modular.js';
import { sha256, sha384, sha512 } from '@noble/hashes/sha2.js';
import { shake256 } from '@noble/hashes/sha3.js';
import { randomBytes } from './random.js';

const P256 = {
  p: 0xffffffff00000001000000000000000000000000ffffffffffffffffffffffffn,
  n: 0xffffffff00000000ffffffffffffffffbce6faada7179e84f3b9cac2fc632551n,
  h: 1n,
  a: 0xffffffff00000001000000000000000000000000fffffffffffffffffffffffcn,
  b: 0x5ac635d8aa3a93e7b3ebbd55769886bc651d06b0cc53b0f63bce3c3e27d2604bn,
  Gx: 0x6b17d1f2e12c4247f8bce6e563a440f277037d812deb33a0f4a13945d898c296n,
  Gy: 0x4fe342e2fe1a7f9b8ee7eb4a7c0f9e162bce33576b315ececbb6406837bf51f5n,
};
const P384 = {
  p: 0xfffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffeffffffff0000000000000000ffffffffn,
  n: 0xffffffffffffffffffffffffffffffffffffffffffffffffc7634d81f4372ddf581a0db248b0a77aecec196accc52973n,
  h: 1n,
  a: 0xfffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffeffffffff0000000000000000fffffffcn,
  b: 0xb3312fa7e23ee7e4988e056be3f82d19181d9c6efe8141120314088f5013875ac656398d8a2ed19d2a85c8edd3ec2aefn,
  Gx: 0xaa87ca22be8b05378eb1c71ef320ad746e1d3b628ba79b9859f741e082542a385502f25dbf55296c3a545e3872760ab7n,
  Gy: 0x3617de4a96262c6f5d9e98bf9292dc29f8f41dbd289a147ce9da3113b5f0b8c00a60b1ce1d7e819d7a431d7c90ea0e5fn,
};
const P521 = {
  p: 2n ** 521n - 1n,
  n: 0x01fffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffa51868783bf2f966b7fcc0148f709a5d03bb5c9b8899c47aebb6fb71e91386409n,
  h: 1n,
  a: 0x1fffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffcn,
  b: 0x0051953eb9618e1c9a1f929a21a0b68540eea2da725b99b315f3b8b489918ef109e156193951ec7e937b1652c0bd3bb1bf073573df883d2c34f1ef451fd46b503f00n,
  Gx: 0x00c6858e06b70404e9cd9e3ecb662395b4429c648139053fb521f828af606b4d3dbaa14b5e77efe75928fe1dc127a2ffa8de3348b3c1856a429bf97e7e31c2e5bd66n,
  Gy: 0x011839296a789a3bc0045c8a5fb42c7d1bd998f54449579b446817afbd17273e662c97ee72995ef42640c550b9013fad0761353c7086a272c24088be94769fd16650n,
};
const SECP256K1 = {
  p: 0xfffffffffffffffffffffffffffffffffffffffffffffffffffffffefffffc2fn,
  n: 0xfffffffffffffffffffffffffffffffebaaedce6af48a03bbfd25e8cd0364141n,
  h: 1n,
  a: 0n,
  b: 7n,
  Gx: 0x79be667ef9dcbbac55a06295ce870b07029bfcdb2dce28d959f2815b16f81798n,
  Gy: 0x483ada7726a3c4655da4fbfc0e1108a8fd17b448a68554199c47d08ffb10d4b8n,
};
const ED25519 = {
  p: 0x7fffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffedn,
  n: 0x1000000000000000000000000000000014def9dea2f79cd65812631a5cf5d3edn,
  h: 8n,
  a: 0x7fffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffecn,
  d: 0x52036cee2b6ffe738cc740797779e89800700a4d4141d8ab75eb4dca135978a3n,
  Gx: 0x216936d3cd6e53fec0a4e231fdd6dc5c692cc7609525a7b2c9562d608f25d51an,
  Gy: 0x6666666666666666666666666666666666666666666666666666666666666658n,
};
const ED448 = {
  p: 0xfffffffffffffffffffffffffffffffffffffffffffffffffffffffeffffffffffffffffffffffffffffffffffffffffffffffffffffffffn,
  n: 0x3fffffffffffffffffffffffffffffffffffffffffffffffffffffff7cca23e9c44edb49aed63690216cc2728dc58f552378c292ab5844f3n,
  h: 4n,
  a: 1n,
  d: 0xfffffffffffffffffffffffffffffffffffffffffffffffffffffffeffffffffffffffffffffffffffffffffffffffffffffffffffff6756n,
  Gx: 0x4f1970c66bed0ded221d15a622bf36da9e146570470f1767ea6de324a3d3a46412ae1af72ab66511433b80e18b00938e2626a82bc70cc05en,
  Gy: 0x693f46716eb6bc248876203756c9c7624bea73736ca3984087789c1e05a0c2d73ad3ff1ce67c39c4fdbd132c4ed7c8ad9808795bf230fa14n,
};

const buildWeierstrass = (curve, hash) => () => ecdsa(weierstrass(curve, { randomBytes }), hash, { randomBytes });

// RFC 8032's clamping of the hashed secret scalar (and RFC 7748's, for X25519/X448).
function clamp25519(bytes) {
  bytes[0] &= 248; bytes[31] &= 127; bytes[31] |= 64;
  return bytes;
}
function clamp448(bytes) {
  bytes[0] &= 252; bytes[55] |= 128;
  if (bytes.length > 56) bytes[56] = 0;
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

function buildEd25519() {
  // RFC 8032 verification (cofactorless, canonical encodings), as OpenSSL does.
  return eddsa(edwards(ED25519, { randomBytes }), sha512, { randomBytes, zip215: false, adjustScalarBytes: clamp25519 });
}

function buildEd448() {
  // Ed448 keys and points are 57 bytes: fields of 456 bits, as noble's own ed448.
  const Fp = Field(ED448.p, { BITS: 456, isLE: true });
  const Fn = Field(ED448.n, { BITS: 456, isLE: true });
  const Point = edwards(ED448, { Fp, Fn, randomBytes });
  return eddsa(Point, shake256_114, { randomBytes, zip215: false, adjustScalarBytes: clamp448, domain: dom4 });
}

const buildMontgomery = (P, type, clamp) => () => montgomery({
  P, type, adjustScalarBytes: clamp, powPminus2: (x) => pow(x, P - 2n, P), randomBytes,
});

// A curve's noble instance, built on first use and kept for the runtime's life: module
// state that outlives executions, so it must stay unreachable from code blocks (the specs
// above are not exported by the module, keys keep their curve in WeakMap side tables, and
// the leak search walks every reachable getter) and it holds only values derived from the
// constants above. It is built inside a code block's execution, so the global names noble
// uses (WeakMap, Math, Object, ...) must not be the code block's: js/build.mjs binds them
// to the execution-start globals (BUNDLE_INTRINSICS in js/modules.manifest.mjs). What it tells a later execution is timing: whether a curve was built.
const built = new Map();
function lazily(build) {
  return () => {
    let instance = built.get(build);
    if (instance === undefined) {
      instance = build();
      built.set(build, instance);
    }
    return instance;
  };
}

function curve(spec, build) {
  const get = lazily(build);
  return Object.freeze(Object.defineProperty(spec, 'noble', { get, enumerable: true }));
}

// Node's names: OpenSSL's short name (asymmetricKeyDetails.namedCurve, createECDH) and
// the NIST one (generateKeyPair's namedCurve also takes it), the JWK crv and the OID.
const EC_CURVES = Object.freeze([
  curve({ name: 'prime256v1', nist: 'P-256', jwk: 'P-256', oid: '1.2.840.10045.3.1.7', size: 32 }, buildWeierstrass(P256, sha256)),
  curve({ name: 'secp384r1', nist: 'P-384', jwk: 'P-384', oid: '1.3.132.0.34', size: 48 }, buildWeierstrass(P384, sha384)),
  curve({ name: 'secp521r1', nist: 'P-521', jwk: 'P-521', oid: '1.3.132.0.35', size: 66 }, buildWeierstrass(P521, sha512)),
  curve({ name: 'secp256k1', nist: undefined, jwk: 'secp256k1', oid: '1.3.132.0.10', size: 32 }, buildWeierstrass(SECP256K1, sha256)),
]);

// The Edwards and Montgomery key types: `size` is the length of a raw key, `sign` of a
// signature (undefined: a key agreement type).
const OKP_TYPES = Object.freeze({
  ed25519: curve({ jwk: 'Ed25519', oid: '1.3.101.112', size: 32, sign: 64 }, buildEd25519),
  ed448: curve({ jwk: 'Ed448', oid: '1.3.101.113', size: 57, sign: 114 }, buildEd448),
  x25519: curve({ jwk: 'X25519', oid: '1.3.101.110', size: 32, sign: undefined }, buildMontgomery(ED25519.p, 'x25519', clamp25519)),
  x448: curve({ jwk: 'X448', oid: '1.3.101.111', size: 56, sign: undefined }, buildMontgomery(ED448.p, 'x448', clamp448)),
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
