'use strict';
// KeyObject and everything that makes or reads one: createPrivateKey/createPublicKey/
// createSecretKey, export (PEM/DER in PKCS#8, SPKI, SEC1, PKCS#1; JWK), and key
// generation (generateKeyPair(Sync), generateKey(Sync)). Node's lib/internal/crypto/keys.js
// and keygen.js. RSA keys are node-forge objects; EC, Ed25519/Ed448 and X25519/X448 keys are
// raw bytes for @noble/curves (./curves.js), read and written by ./der.js.
//
// A key's material lives in a WeakMap, never in a property: code blocks cannot reach it,
// nor forge's shared objects (its BigInteger prototype and constants).
// Refs: https://github.com/nodejs/node/blob/v24.x/lib/internal/crypto/keys.js

import forge from 'node-forge';
import { codes, plain } from '../internal/errors.js';
import { OKP_TYPES, ecCurveByJwk, ecCurveByName, ecCurveByOid, okpTypeByOid } from './curves.js';
import * as der from './der.js';
import { generateKeyPair as generateDhKeyPair, keyPairParameters as dhParameters, publicValue as dhPublicValue } from './dh.js';
import { DIGEST_LENGTH, hashOf } from './hashes.js';
import { fill } from './random.js';
import { OID_RSASSA_PSS, generateKey as generateRsaKey, pssAlgorithmDer, pssDigestName, readPssParams, toBig } from './rsa.js';
import {
  bufferSource, fromBinary, invalidArgValue, isAnyArrayBuffer, later, toBinary, unsupportedKey, validateFunction,
  validateInt32, validateInteger, validateObject, validateOneOf, validateString, validateUint32, viewBytes,
} from './util.js';

const {
  ERR_CRYPTO_INCOMPATIBLE_KEY_OPTIONS, ERR_CRYPTO_INVALID_KEY_OBJECT_TYPE, ERR_INCOMPATIBLE_OPTION_PAIR, ERR_INVALID_ARG_TYPE,
  ERR_INVALID_ARG_VALUE,
} = codes;
const { Buffer } = globalThis;

const OID_EC = '1.2.840.10045.2.1';
const OID_RSA = '1.2.840.113549.1.1.1';
const OID_DH = '1.2.840.113549.1.3.1'; // PKCS #3 dhKeyAgreement

// -- the material of a key --------------------------------------------------------------
// secret: { kind: 'secret', bytes }; rsa: { kind: 'rsa', forge };
// rsa-pss: { kind: 'rsa-pss', forge, pss: undefined or { hash, mgf1, saltLength } (./rsa.js) };
// dh: { kind: 'dh', p, g, priv?, pub } (BigInts; ./dh.js);
// ec: { kind: 'ec', curve, priv?, pub (uncompressed point) };
// ed25519/ed448/x25519/x448: { kind, spec, priv?, pub }.

// A private key's public half is computed when first asked for (a scalar multiplication).
function withPublic(material, pub, compute) {
  if (pub !== undefined) return { ...material, pub };
  let computed;
  return Object.defineProperty(material, 'pub', { get: () => (computed ??= compute()), enumerable: true });
}
function ecMaterial(curve, priv, pub) {
  return withPublic({ kind: 'ec', curve, priv }, pub, () => curve.noble.getPublicKey(priv, false));
}
function dhMaterial(p, g, priv, pub) {
  return withPublic({ kind: 'dh', p, g, priv }, pub, () => dhPublicValue(p, g, priv));
}
function okpMaterial(kind, priv, pub) {
  const spec = OKP_TYPES[kind];
  return withPublic({ kind, spec, priv }, pub, () => spec.noble.getPublicKey(priv));
}
// RSA and RSASSA-PSS keys: both a forge key.
const isRsa = (material) => material.kind === 'rsa' || material.kind === 'rsa-pss';

function publicOf(material) {
  if (isRsa(material)) return { ...material, forge: forge.pki.setRsaPublicKey(material.forge.n, material.forge.e) };
  if (material.kind === 'secret') return material;
  return { ...material, priv: undefined };
}

// -- KeyObject --------------------------------------------------------------------------

const keyMaterial = new WeakMap();
const keyTypes = new WeakMap();
// What `new KeyObject(type, handle)` takes: only this module makes one.
class KeyHandle {
  #material;
  constructor(material) { this.#material = material; }
  static materialOf(handle) { return handle.#material; }
}

class KeyObject {
  constructor(type, handle) {
    if (type !== 'secret' && type !== 'public' && type !== 'private') throw new ERR_INVALID_ARG_VALUE('type', type);
    if (!(handle instanceof KeyHandle)) throw new ERR_INVALID_ARG_TYPE('handle', 'object', handle);
    keyTypes.set(this, type);
    keyMaterial.set(this, KeyHandle.materialOf(handle));
  }
  get type() { return keyTypes.get(this); }
  equals(otherKeyObject) {
    if (!isKeyObject(otherKeyObject)) throw new ERR_INVALID_ARG_TYPE('otherKeyObject', 'KeyObject', otherKeyObject);
    if (otherKeyObject.type !== this.type) return false;
    return Buffer.from(identity(keyMaterial.get(this))).equals(identity(keyMaterial.get(otherKeyObject)));
  }
}
Object.defineProperty(KeyObject.prototype, Symbol.toStringTag, { value: 'KeyObject', configurable: true });

// The bytes two equal keys share: the secret, or the DER of the private/public key.
function identity(material) {
  if (material.kind === 'secret') return material.bytes;
  return material.priv !== undefined || (isRsa(material) && material.forge.d) ? pkcs8Der(material) : spkiDer(material);
}

class SecretKeyObject extends KeyObject {
  constructor(handle) { super('secret', handle); }
  get symmetricKeySize() { return keyMaterial.get(this).bytes.length; }
  export(options) {
    const { bytes } = keyMaterial.get(this);
    if (options !== undefined) {
      validateObject(options, 'options');
      validateOneOf(options.format, 'options.format', [undefined, 'buffer', 'jwk']);
      if (options.format === 'jwk') return { kty: 'oct', k: Buffer.from(bytes).toString('base64url') };
    }
    return Buffer.from(bytes);
  }
}

class AsymmetricKeyObject extends KeyObject {
  get asymmetricKeyType() { return keyMaterial.get(this).kind; }
  get asymmetricKeyDetails() {
    const material = keyMaterial.get(this);
    if (isRsa(material)) {
      const details = { modulusLength: material.forge.n.bitLength(), publicExponent: BigInt(`0x${material.forge.e.toString(16)}`) };
      if (material.pss === undefined) return details;
      const { hash, mgf1, saltLength } = material.pss;
      return { ...details, hashAlgorithm: hash, mgf1HashAlgorithm: mgf1, saltLength };
    }
    if (material.kind === 'ec') return { namedCurve: material.curve.name };
    return {};
  }
}

class PublicKeyObject extends AsymmetricKeyObject {
  constructor(handle) { super('public', handle); }
  export(options) {
    const material = keyMaterial.get(this);
    if (options && options.format === 'jwk') return jwkOf(material, false);
    // RSA keys keep the layer's older defaults (SPKI PEM without options) until RSA moves here.
    if (material.kind === 'rsa' && (options === undefined || options.type === undefined)) options = { ...options, type: 'spki' };
    const { format, type } = parseKeyEncoding(options, material.kind, true);
    return encodeKey(material, format, type);
  }
}

class PrivateKeyObject extends AsymmetricKeyObject {
  constructor(handle) { super('private', handle); }
  export(options) {
    const material = keyMaterial.get(this);
    if (options && options.format === 'jwk') {
      if (options.passphrase !== undefined) throw new ERR_CRYPTO_INCOMPATIBLE_KEY_OPTIONS('jwk', 'does not support encryption');
      return jwkOf(material, true);
    }
    if (material.kind === 'rsa' && (options === undefined || options.type === undefined)) options = { ...options, type: 'pkcs8' };
    const { format, type, cipher, passphrase } = parseKeyEncoding(options, material.kind, false);
    return encodeKey(material, format, type, cipher, passphrase);
  }
}

// The names Node's classes have (the bundle is minified).
for (const [Class, name] of [[KeyObject, 'KeyObject'], [SecretKeyObject, 'SecretKeyObject'],
  [AsymmetricKeyObject, 'AsymmetricKeyObject'], [PublicKeyObject, 'PublicKeyObject'], [PrivateKeyObject, 'PrivateKeyObject']]) {
  Object.defineProperty(Class, 'name', { value: name, configurable: true });
}

const isKeyObject = (value) => value instanceof KeyObject;
const materialOf = (key) => keyMaterial.get(key);

function newKey(type, material) {
  const handle = new KeyHandle(material);
  if (type === 'secret') return new SecretKeyObject(handle);
  return type === 'public' ? new PublicKeyObject(handle) : new PrivateKeyObject(handle);
}

// -- encodings (Node's parseKeyEncoding) ------------------------------------------------

// An input's options are the key argument's ('key.type'), an output's the options' ('options.type').
const option = (name, objName) => (objName === undefined ? `options.${name}` : objName === 'key' ? `key.${name}` : `options.${objName}.${name}`);

function parseKeyFormat(formatStr, defaultFormat, optionName) {
  if (formatStr === undefined && defaultFormat !== undefined) return defaultFormat;
  if (formatStr === 'pem' || formatStr === 'der' || formatStr === 'jwk') return formatStr;
  throw invalidArgValue(optionName, formatStr);
}

function parseKeyType(typeStr, required, keyType, isPublic, optionName) {
  if (typeStr === undefined && !required) return undefined;
  if (typeStr === 'pkcs1') {
    if (keyType !== undefined && keyType !== 'rsa') throw new ERR_CRYPTO_INCOMPATIBLE_KEY_OPTIONS(typeStr, 'can only be used for RSA keys');
    return typeStr;
  }
  if (typeStr === 'spki' && isPublic !== false) return typeStr;
  if (typeStr === 'pkcs8' && isPublic !== true) return typeStr;
  if (typeStr === 'sec1' && isPublic !== true) {
    if (keyType !== undefined && keyType !== 'ec') throw new ERR_CRYPTO_INCOMPATIBLE_KEY_OPTIONS(typeStr, 'can only be used for EC keys');
    return typeStr;
  }
  throw invalidArgValue(optionName, typeStr);
}

const isStringOrBuffer = (v) => typeof v === 'string' || ArrayBuffer.isView(v) || isAnyArrayBuffer(v);

// keyType undefined: an input's encoding (PEM by default); else an output's for that key type.
function parseKeyEncoding(enc, keyType, isPublic, objName) {
  validateObject(enc, 'options');
  const isInput = keyType === undefined;
  const format = parseKeyFormat(enc.format, isInput ? 'pem' : undefined, option('format', objName));
  const isRequired = (!isInput || format === 'der') && format !== 'jwk';
  const type = parseKeyType(enc.type, isRequired, keyType, isPublic, option('type', objName));
  let cipher;
  let passphrase;
  if (isPublic !== true) {
    ({ cipher, passphrase } = enc);
    if (!isInput) {
      if (cipher != null) {
        if (typeof cipher !== 'string') throw invalidArgValue(option('cipher', objName), cipher);
        if (format === 'der' && (type === 'pkcs1' || type === 'sec1')) {
          throw new ERR_CRYPTO_INCOMPATIBLE_KEY_OPTIONS(type, 'does not support encryption');
        }
      } else if (passphrase !== undefined) {
        throw invalidArgValue(option('cipher', objName), cipher, 'is required when a passphrase is specified');
      }
    }
    if ((isInput && passphrase !== undefined && !isStringOrBuffer(passphrase))
      || (!isInput && cipher != null && !isStringOrBuffer(passphrase))) {
      throw invalidArgValue(option('passphrase', objName), passphrase);
    }
  }
  if (passphrase !== undefined) passphrase = bufferSource(passphrase, 'key.passphrase', enc.encoding);
  return { format, type, cipher, passphrase };
}

// -- writing keys -------------------------------------------------------------------------

const padTo = (bytes, size) => { const out = new Uint8Array(size); out.set(bytes, size - bytes.length); return out; };
// A non-negative BigInt as a DER INTEGER.
const bigDer = (value) => der.unsignedInt(Uint8Array.from(Buffer.from(((h) => (h.length % 2 ? `0${h}` : h))(value.toString(16)), 'hex')));
const readBig = (node) => toBig(der.readUnsigned(node));

function algorithmOf(material) {
  if (material.kind === 'ec') return der.sequence(der.oid(OID_EC), der.oid(material.curve.oid));
  // PKCS #3 DHParameter: prime, base (OpenSSL writes no privateValueLength).
  if (material.kind === 'dh') return der.sequence(der.oid(OID_DH), der.sequence(bigDer(material.p), bigDer(material.g)));
  return der.sequence(der.oid(material.spec.oid));
}

function spkiDer(material) {
  if (material.kind === 'rsa') return derOfForge(forge.pki.publicKeyToAsn1(material.forge));
  if (material.kind === 'rsa-pss') {
    return der.sequence(pssAlgorithmDer(material.pss), der.bitString(derOfForge(forge.pki.publicKeyToRSAPublicKey(material.forge))));
  }
  return der.sequence(algorithmOf(material), der.bitString(material.kind === 'dh' ? bigDer(material.pub) : material.pub));
}

// RFC 5915's ECPrivateKey: the curve inside for SEC1, left to the PKCS#8 wrapper otherwise (as OpenSSL).
function sec1Der(material, withCurve) {
  return der.sequence(der.smallInt(1), der.octetString(padTo(material.priv, material.curve.size)),
    ...(withCurve ? [der.explicit(0, der.oid(material.curve.oid))] : []), der.explicit(1, der.bitString(material.pub)));
}

function pkcs8Der(material) {
  if (material.kind === 'rsa') return derOfForge(forge.pki.wrapRsaPrivateKey(forge.pki.privateKeyToAsn1(material.forge)));
  if (material.kind === 'rsa-pss') {
    return der.sequence(der.smallInt(0), pssAlgorithmDer(material.pss), der.octetString(derOfForge(forge.pki.privateKeyToAsn1(material.forge))));
  }
  const inner = material.kind === 'ec' ? sec1Der(material, false) : material.kind === 'dh' ? bigDer(material.priv) : der.octetString(material.priv);
  return der.sequence(der.smallInt(0), algorithmOf(material), der.octetString(inner));
}

const derOfForge = (asn1) => Uint8Array.from(fromBinary(forge.asn1.toDer(asn1).getBytes()));

// OpenSSL's cipher names for encrypted PKCS#8, as forge knows them.
const PBES2_CIPHERS = { 'aes-128-cbc': 'aes128', 'aes-192-cbc': 'aes192', 'aes-256-cbc': 'aes256', aes128: 'aes128',
  aes192: 'aes192', aes256: 'aes256', 'des-ede3-cbc': '3des' };

function encryptPkcs8(bytes, cipher, passphrase) {
  const algorithm = PBES2_CIPHERS[cipher.toLowerCase()];
  if (algorithm === undefined) throw new plain.ERR_CRYPTO_UNKNOWN_CIPHER('Unknown cipher');
  const info = forge.asn1.fromDer(toBinary(bytes));
  return derOfForge(forge.pki.encryptPrivateKeyInfo(info, toBinary(passphrase), { algorithm }));
}

function encodeKey(material, format, type, cipher, passphrase) {
  let bytes;
  let label;
  if (type === 'spki') { bytes = spkiDer(material); label = 'PUBLIC KEY'; }
  else if (type === 'pkcs1') {
    bytes = material.forge.d ? derOfForge(forge.pki.privateKeyToAsn1(material.forge)) : derOfForge(forge.pki.publicKeyToRSAPublicKey(material.forge));
    label = material.forge.d ? 'RSA PRIVATE KEY' : 'RSA PUBLIC KEY';
  } else if (type === 'sec1') { bytes = sec1Der(material, true); label = 'EC PRIVATE KEY'; }
  else { bytes = pkcs8Der(material); label = 'PRIVATE KEY'; }
  if (cipher != null) {
    if (type !== 'pkcs8') {
      // PEM-level encryption of PKCS#1/SEC1 (OpenSSL's traditional format): forge writes it for RSA.
      if (material.kind !== 'rsa') throw new ERR_CRYPTO_INCOMPATIBLE_KEY_OPTIONS(type, 'does not support encryption');
      return forge.pki.encryptRsaPrivateKey(material.forge, toBinary(passphrase), { algorithm: PBES2_CIPHERS[cipher.toLowerCase()] ?? 'aes256' }).replace(/\r\n/g, '\n');
    }
    bytes = encryptPkcs8(bytes, cipher, passphrase);
    label = 'ENCRYPTED PRIVATE KEY';
  }
  return format === 'der' ? Buffer.from(bytes) : der.pemEncode(label, bytes);
}

const b64url = (bytes) => Buffer.from(bytes).toString('base64url');
const bigB64url = (big) => b64url(Buffer.from(((h) => (h.length % 2 ? `0${h}` : h))(big.toString(16)), 'hex'));

function jwkOf(material, isPrivate) {
  if (material.kind === 'rsa-pss' || material.kind === 'dh') throw new codes.ERR_CRYPTO_JWK_UNSUPPORTED_KEY_TYPE();
  if (material.kind === 'rsa') {
    const k = material.forge;
    const jwk = { kty: 'RSA', n: bigB64url(k.n), e: bigB64url(k.e) };
    if (isPrivate) Object.assign(jwk, { d: bigB64url(k.d), p: bigB64url(k.p), q: bigB64url(k.q), dp: bigB64url(k.dP), dq: bigB64url(k.dQ), qi: bigB64url(k.qInv) });
    return jwk;
  }
  if (material.kind === 'ec') {
    const size = material.curve.size;
    const jwk = { kty: 'EC', x: b64url(material.pub.subarray(1, 1 + size)), y: b64url(material.pub.subarray(1 + size)), crv: material.curve.jwk };
    if (isPrivate) jwk.d = b64url(padTo(material.priv, size));
    return jwk;
  }
  const jwk = { kty: 'OKP', crv: material.spec.jwk, x: b64url(material.pub) };
  if (isPrivate) jwk.d = b64url(material.priv);
  return jwk;
}

// -- reading keys -------------------------------------------------------------------------

// A DER reader's failure, or any malformed key, is OpenSSL's decoder error.
function reading(fn) {
  try {
    return fn();
  } catch (err) {
    if (err && typeof err.code === 'string') throw err;
    throw unsupportedKey();
  }
}

function ecPoint(curve, bytes) {
  const point = curve.noble.Point.fromBytes(bytes); // throws off the curve
  return point.toBytes(false);
}

function parseSec1(bytes, curveFromAlgorithm) {
  const [version, priv, ...rest] = der.decode(bytes).children;
  if (der.readSmallInt(version) !== 1) throw new der.DerError('version');
  let curve = curveFromAlgorithm;
  let pub;
  for (const node of rest) {
    if (node.tag === 0xa0) curve = ecCurveByOid(der.readOid(node.children[0]));
    if (node.tag === 0xa1) pub = der.readBitString(node.children[0]);
  }
  if (curve === undefined) throw new der.DerError('curve');
  const d = der.expect(priv, der.TAG.OCTET_STRING).value;
  if (!curve.noble.utils.isValidSecretKey(padTo(d, curve.size))) throw new der.DerError('key');
  return ecMaterial(curve, Uint8Array.from(padTo(d, curve.size)), pub && ecPoint(curve, pub));
}

// PKCS #3 DHParameter: prime, base and an optional privateValueLength (ignored).
function dhParams(node) {
  const [prime, base, length, extra] = der.expect(node, der.TAG.SEQUENCE).children;
  if (extra !== undefined || (length !== undefined && length.tag !== der.TAG.INTEGER)) throw new der.DerError('DH parameters');
  return { p: readBig(prime), g: readBig(base) };
}

// PKCS#8 PrivateKeyInfo of any supported type.
function parsePkcs8(bytes) {
  const [version, algorithm, key] = der.decode(bytes).children;
  if (der.readSmallInt(version) > 1) throw new der.DerError('version');
  const oid = der.readOid(algorithm.children[0]);
  const inner = der.expect(key, der.TAG.OCTET_STRING).value;
  if (oid === OID_RSA) return { kind: 'rsa', forge: forge.pki.privateKeyFromAsn1(forge.asn1.fromDer(toBinary(bytes))) };
  if (oid === OID_RSASSA_PSS) {
    const pss = readPssParams(algorithm.children[1]);
    return { kind: 'rsa-pss', forge: forge.pki.privateKeyFromAsn1(forge.asn1.fromDer(toBinary(inner))), pss };
  }
  if (oid === OID_DH) {
    const { p, g } = dhParams(algorithm.children[1]);
    return dhMaterial(p, g, readBig(der.decode(inner)));
  }
  if (oid === OID_EC) {
    const curve = ecCurveByOid(der.readOid(algorithm.children[1]));
    if (curve === undefined) throw new der.DerError('curve');
    return parseSec1(inner, curve);
  }
  const kind = okpTypeByOid(oid);
  if (kind === undefined) throw new der.DerError('algorithm');
  const seed = der.expect(der.decode(inner), der.TAG.OCTET_STRING).value;
  if (seed.length !== OKP_TYPES[kind].size) throw new der.DerError('length');
  return okpMaterial(kind, Uint8Array.from(seed));
}

function parseSpki(bytes) {
  const [algorithm, key] = der.decode(bytes).children;
  const oid = der.readOid(algorithm.children[0]);
  const pub = der.readBitString(key);
  if (oid === OID_RSA) return { kind: 'rsa', forge: forge.pki.publicKeyFromAsn1(forge.asn1.fromDer(toBinary(bytes))) };
  if (oid === OID_RSASSA_PSS) {
    const pss = readPssParams(algorithm.children[1]);
    return { kind: 'rsa-pss', forge: forge.pki.publicKeyFromAsn1(forge.asn1.fromDer(toBinary(pub))), pss };
  }
  if (oid === OID_DH) {
    const { p, g } = dhParams(algorithm.children[1]);
    return dhMaterial(p, g, undefined, readBig(der.decode(pub)));
  }
  if (oid === OID_EC) {
    const curve = ecCurveByOid(der.readOid(algorithm.children[1]));
    if (curve === undefined) throw new der.DerError('curve');
    return ecMaterial(curve, undefined, ecPoint(curve, pub));
  }
  const kind = okpTypeByOid(oid);
  if (kind === undefined || pub.length !== OKP_TYPES[kind].size) throw new der.DerError('algorithm');
  return okpMaterial(kind, undefined, Uint8Array.from(pub));
}

// OpenSSL asks for a passphrase through a callback that Node cancels when there is none.
const noPassphrase = () => new plain.ERR_OSSL_CRYPTO_INTERRUPTED_OR_CANCELLED(
  'error:07880109:common libcrypto routines::interrupted or cancelled');

function decryptPkcs8(bytes, passphrase) {
  if (passphrase === undefined) throw noPassphrase();
  const info = forge.pki.decryptPrivateKeyInfo(forge.asn1.fromDer(toBinary(bytes)), toBinary(passphrase));
  if (!info) throw new plain.ERR_OSSL_BAD_DECRYPT('error:1C800064:Provider routines::bad decrypt');
  return derOfForge(info);
}

// A private key from PEM or DER; `type` names the DER structure.
function readPrivate(data, format, type, passphrase) {
  return reading(() => {
    if (format === 'der') {
      const bytes = viewBytes(data);
      if (looksEncrypted(bytes)) return parsePkcs8(decryptPkcs8(bytes, passphrase));
      // Declared PKCS#8 is read as PKCS#8 only; SEC1 and PKCS#1 by OpenSSL's decoders, which try every structure.
      if (type === 'pkcs8') return firstParse(bytes, [parsePkcs8], asn1WrongTag);
      const rsa = (der) => ({ kind: 'rsa', forge: forge.pki.privateKeyFromAsn1(forge.asn1.fromDer(toBinary(der))) });
      return firstParse(bytes, type === 'sec1' ? [parseSec1, parsePkcs8, rsa] : [rsa, parsePkcs8, parseSec1], unsupportedKey);
    }
    const text = pemText(data);
    const pem = der.pemDecode(text);
    if (pem === undefined) throw unsupportedKey();
    if (pem.label === 'PRIVATE KEY') return parsePkcs8(pem.der);
    if (pem.label === 'ENCRYPTED PRIVATE KEY') return parsePkcs8(decryptPkcs8(pem.der, passphrase));
    if (pem.label === 'EC PRIVATE KEY' && !pem.headers) return parseSec1(pem.der);
    if (pem.label === 'RSA PRIVATE KEY') {
      if (pem.headers) {
        if (passphrase === undefined) throw noPassphrase();
        const key = forge.pki.decryptRsaPrivateKey(text, toBinary(passphrase));
        if (!key) throw new plain.ERR_OSSL_BAD_DECRYPT('error:1C800064:Provider routines::bad decrypt');
        return { kind: 'rsa', forge: key };
      }
      return { kind: 'rsa', forge: forge.pki.privateKeyFromAsn1(forge.asn1.fromDer(toBinary(pem.der))) };
    }
    throw unsupportedKey();
  });
}

// The first of `parsers` that reads `bytes`; `failure()` when none does.
function firstParse(bytes, parsers, failure) {
  for (const parse of parsers) {
    try {
      return parse(bytes);
    } catch (err) {
      if (err && typeof err.code === 'string') throw err;
    }
  }
  throw failure();
}
const asn1WrongTag = () => new plain.ERR_OSSL_ASN1_WRONG_TAG('error:068000A8:asn1 encoding routines::wrong tag');
// Node's own message for a DER public key that d2i_PUBKEY/d2i_RSAPublicKey refuse (no code).
const notAKey = () => new Error('Failed to read asymmetric key');

// EncryptedPrivateKeyInfo starts SEQUENCE { SEQUENCE { OID ... } }; PrivateKeyInfo with an INTEGER.
function looksEncrypted(bytes) {
  try { return der.decode(bytes).children[0].tag === der.TAG.SEQUENCE; } catch { return false; }
}

// A public key from PEM or DER (a private key or a certificate gives its public half).
function readPublic(data, format, type, passphrase) {
  if (format === 'der' && (type === 'spki' || type === 'pkcs1')) {
    const rsa = (der) => ({ kind: 'rsa', forge: forge.pki.publicKeyFromAsn1(forge.asn1.fromDer(toBinary(der))) });
    return firstParse(viewBytes(data), [type === 'spki' ? parseSpki : rsa], notAKey);
  }
  return reading(() => {
    if (format === 'der') return publicOf(readPrivate(data, format, type, passphrase));
    const text = pemText(data);
    const pem = der.pemDecode(text);
    if (pem === undefined) throw unsupportedKey();
    if (pem.label === 'PUBLIC KEY') return parseSpki(pem.der);
    if (pem.label === 'RSA PUBLIC KEY') return { kind: 'rsa', forge: forge.pki.publicKeyFromAsn1(forge.asn1.fromDer(toBinary(pem.der))) };
    if (pem.label === 'CERTIFICATE') return { kind: 'rsa', forge: forge.pki.certificateFromPem(text).publicKey };
    return publicOf(readPrivate(data, format, type, passphrase));
  });
}

function pemText(input) {
  if (typeof input === 'string') return input;
  return Buffer.from(viewBytes(input)).toString('latin1');
}

const b64urlBytes = (text) => Uint8Array.from(Buffer.from(text, 'base64'));
const bigOf = (text) => new forge.jsbn.BigInteger(Buffer.from(text, 'base64').toString('hex') || '0', 16);

const noPrivateMaterial = () => new plain.ERR_CRYPTO_INVALID_JWK('JWK does not contain private key material');

// Node's getKeyObjectHandleFromJwk.
function readJwk(jwk, isPublic) {
  validateObject(jwk, 'key');
  if (jwk.kty !== 'RSA' && jwk.kty !== 'EC' && jwk.kty !== 'OKP') {
    throw new plain.ERR_CRYPTO_INVALID_JWK(`${jwk.kty} is not a supported JWK key type`);
  }
  if (jwk.kty === 'OKP') {
    const spec = Object.entries(OKP_TYPES).find(([, s]) => s.jwk === jwk.crv);
    validateString(jwk.crv, 'key.crv');
    if (spec === undefined) throw new plain.ERR_CRYPTO_INVALID_JWK('Invalid JWK OKP key');
    validateString(jwk.x, 'key.x');
    if (!isPublic && jwk.d === undefined) throw noPrivateMaterial();
    if (!isPublic) validateString(jwk.d, 'key.d');
    const bytes = b64urlBytes(isPublic ? jwk.x : jwk.d);
    if (bytes.length !== spec[1].size) throw new plain.ERR_CRYPTO_INVALID_JWK('Invalid JWK OKP key');
    return isPublic ? okpMaterial(spec[0], undefined, bytes) : okpMaterial(spec[0], bytes);
  }
  if (jwk.kty === 'EC') {
    validateString(jwk.crv, 'key.crv');
    const curve = ecCurveByJwk(jwk.crv);
    if (curve === undefined) throw new plain.ERR_CRYPTO_INVALID_CURVE('Invalid EC curve name');
    const invalid = () => new plain.ERR_CRYPTO_INVALID_JWK('Invalid JWK EC key');
    if (typeof jwk.x !== 'string' || typeof jwk.y !== 'string') throw invalid();
    const x = b64urlBytes(jwk.x);
    const y = b64urlBytes(jwk.y);
    if (x.length > curve.size || y.length > curve.size) throw invalid();
    let pub;
    try { pub = ecPoint(curve, der.concat([Uint8Array.of(4), padTo(x, curve.size), padTo(y, curve.size)])); } catch { throw invalid(); }
    if (isPublic) return ecMaterial(curve, undefined, pub);
    if (jwk.d === undefined) throw noPrivateMaterial();
    if (typeof jwk.d !== 'string') throw invalid();
    const d = padTo(b64urlBytes(jwk.d), curve.size);
    if (!curve.noble.utils.isValidSecretKey(d)) throw invalid();
    return ecMaterial(curve, d, pub);
  }
  if (!isPublic && jwk.d === undefined) throw noPrivateMaterial();
  for (const name of isPublic ? ['n', 'e'] : ['n', 'e', 'd', 'p', 'q', 'dp', 'dq', 'qi']) validateString(jwk[name], `key.${name}`);
  const n = bigOf(jwk.n);
  const e = bigOf(jwk.e);
  if (isPublic) return { kind: 'rsa', forge: forge.pki.setRsaPublicKey(n, e) };
  return { kind: 'rsa', forge: forge.pki.setRsaPrivateKey(n, e, bigOf(jwk.d), bigOf(jwk.p), bigOf(jwk.q), bigOf(jwk.dp), bigOf(jwk.dq), bigOf(jwk.qi)) };
}

// -- createPrivateKey / createPublicKey / createSecretKey (Node's prepareAsymmetricKey) ----

const KEY_TYPES = ['ArrayBuffer', 'Buffer', 'TypedArray', 'DataView', 'string', 'KeyObject', 'CryptoKey'];
const CREATE_PRIVATE_TYPES = ['string', 'ArrayBuffer', 'Buffer', 'TypedArray', 'DataView', 'URL'];
// ctx: 'createPrivate', 'createPublic', 'consumePrivate' (sign, diffieHellman), 'consumePublic' (verify).

function keyObjectMaterial(key, ctx) {
  if (ctx === 'createPrivate') throw new ERR_INVALID_ARG_TYPE('key', CREATE_PRIVATE_TYPES, key);
  if (key.type !== 'private') {
    if (ctx === 'consumePrivate' || ctx === 'createPublic') throw new ERR_CRYPTO_INVALID_KEY_OBJECT_TYPE(key.type, 'private');
    if (key.type !== 'public') throw new ERR_CRYPTO_INVALID_KEY_OBJECT_TYPE(key.type, 'private or public');
  }
  return { material: keyMaterial.get(key), isPrivate: key.type === 'private' };
}

// The material a key argument stands for: { material, isPrivate }.
function prepareAsymmetricKey(key, ctx) {
  const wantPrivate = ctx === 'createPrivate' || ctx === 'consumePrivate';
  const types = ctx === 'createPrivate' ? CREATE_PRIVATE_TYPES : KEY_TYPES;
  if (isKeyObject(key)) return keyObjectMaterial(key, ctx);
  let data = key;
  let enc = { format: 'pem' };
  if (!isStringOrBuffer(key)) {
    if (key === null || typeof key !== 'object') throw new ERR_INVALID_ARG_TYPE('key', types, key);
    data = key.key;
    if (isKeyObject(data)) return keyObjectMaterial(data, ctx);
    if (key.format === 'jwk') {
      validateObject(data, 'key.key');
      return { material: readJwk(data, !wantPrivate), isPrivate: wantPrivate };
    }
    if (!isStringOrBuffer(data)) throw new ERR_INVALID_ARG_TYPE('key.key', types, data);
    enc = parseKeyEncoding(key, undefined, wantPrivate ? false : undefined, 'key');
    if (typeof data === 'string' && key.encoding !== undefined && key.encoding !== 'utf8') data = Buffer.from(data, key.encoding);
  }
  if (isAnyArrayBuffer(data)) data = new Uint8Array(data);
  if (wantPrivate) return { material: readPrivate(data, enc.format, enc.type, enc.passphrase), isPrivate: true };
  return { material: readPublic(data, enc.format, enc.type, enc.passphrase), isPrivate: false };
}

function createPrivateKey(key) {
  return newKey('private', prepareAsymmetricKey(key, 'createPrivate').material);
}

function createPublicKey(key) {
  return newKey('public', publicOf(prepareAsymmetricKey(key, 'createPublic').material));
}

function createSecretKey(key, encoding) {
  if (typeof key !== 'string' && !ArrayBuffer.isView(key) && !isAnyArrayBuffer(key)) {
    throw new ERR_INVALID_ARG_TYPE('key', ['ArrayBuffer', 'Buffer', 'TypedArray', 'DataView'], key);
  }
  const bytes = typeof key === 'string' ? Buffer.from(key, encoding) : bufferSource(key, 'key');
  return newKey('secret', { kind: 'secret', bytes: Uint8Array.from(bytes) });
}

// -- generation -------------------------------------------------------------------------

// A private scalar of `curve`: fresh bytes until one is a valid key (noble's reduction,
// seeded by our RNG).
function randomEcKey(curve) {
  return curve.noble.utils.randomSecretKey(fill(new Uint8Array(curve.noble.lengths.seed)));
}

function keyPair(material, publicEncoding, privateEncoding) {
  const publicKey = newKey('public', publicOf(material));
  const privateKey = newKey('private', material);
  return {
    publicKey: publicEncoding ? publicKey.export(publicEncoding) : publicKey,
    privateKey: privateEncoding ? privateKey.export(privateEncoding) : privateKey,
  };
}

// Node's parseKeyEncoding for generateKeyPair: what each half is exported as.
function pairEncodings(type, options) {
  const { publicKeyEncoding, privateKeyEncoding } = options ?? {};
  const check = (enc, name, isPublic) => {
    if (enc == null) return undefined;
    if (typeof enc !== 'object') throw invalidArgValue(`options.${name}`, enc);
    parseKeyEncoding(enc, type, isPublic, name);
    return enc;
  };
  return [check(publicKeyEncoding, 'publicKeyEncoding', true), check(privateKeyEncoding, 'privateKeyEncoding', false)];
}

function generateKeyPairSync(type, options) {
  validateString(type, 'type');
  const [publicEncoding, privateEncoding] = pairEncodings(type, options);
  if (options !== undefined) validateObject(options, 'options');
  if (type === 'rsa' || type === 'rsa-pss') return rsaKeyPair(type, options, publicEncoding, privateEncoding);
  if (type === 'ec') {
    validateObject(options, 'options');
    validateString(options.namedCurve, 'options.namedCurve');
    const { paramEncoding } = options;
    if (paramEncoding != null && paramEncoding !== 'named' && paramEncoding !== 'explicit') {
      throw invalidArgValue('options.paramEncoding', paramEncoding);
    }
    const curve = ecCurveByName(options.namedCurve);
    if (curve === undefined) throw new plain.ERR_CRYPTO_INVALID_CURVE('Invalid EC curve name');
    return keyPair(ecMaterial(curve, randomEcKey(curve)), publicEncoding, privateEncoding);
  }
  if (Object.prototype.hasOwnProperty.call(OKP_TYPES, type)) {
    return keyPair(okpMaterial(type, fill(new Uint8Array(OKP_TYPES[type].size))), publicEncoding, privateEncoding);
  }
  if (type === 'dh') return dhKeyPair(options, publicEncoding, privateEncoding);
  throw invalidArgValue('type', type, 'must be a supported key type');
}

// Node's validation (keygen.js), then OpenSSL's limits, in ./rsa.js.
function rsaKeyPair(type, options, publicEncoding, privateEncoding) {
  validateObject(options, 'options');
  const { modulusLength } = options;
  validateUint32(modulusLength, 'options.modulusLength');
  let { publicExponent } = options;
  if (publicExponent == null) publicExponent = 0x10001;
  else validateUint32(publicExponent, 'options.publicExponent');
  if (type === 'rsa') return keyPair({ kind: 'rsa', forge: generateRsaKey(modulusLength, publicExponent) }, publicEncoding, privateEncoding);
  const pss = pssOptions(options);
  return keyPair({ kind: 'rsa-pss', forge: generateRsaKey(modulusLength, publicExponent), pss }, publicEncoding, privateEncoding);
}

// An rsa-pss key's parameters from generateKeyPair's options (Node's keygen.js and
// RsaKeyGenTraits): none unless one is given; the MGF1 digest and the salt length follow the
// digest, OpenSSL's defaults the rest. The deprecated `hash` and `mgf1Hash` still count.
function pssOptions(options) {
  const { hash, mgf1Hash, hashAlgorithm, mgf1HashAlgorithm, saltLength } = options;
  if (saltLength !== undefined) validateInt32(saltLength, 'options.saltLength', 0);
  if (hashAlgorithm !== undefined) validateString(hashAlgorithm, 'options.hashAlgorithm');
  if (mgf1HashAlgorithm !== undefined) validateString(mgf1HashAlgorithm, 'options.mgf1HashAlgorithm');
  if (hash !== undefined) {
    validateString(hash, 'options.hash');
    if (hashAlgorithm && hash !== hashAlgorithm) throw new ERR_INVALID_ARG_VALUE('options.hash', hash);
  }
  if (mgf1Hash !== undefined) {
    validateString(mgf1Hash, 'options.mgf1Hash');
    if (mgf1HashAlgorithm && mgf1Hash !== mgf1HashAlgorithm) throw new ERR_INVALID_ARG_VALUE('options.mgf1Hash', mgf1Hash);
  }
  const md = hashAlgorithm || hash;
  const mgf1Md = mgf1HashAlgorithm || mgf1Hash;
  if (md !== undefined && hashOf(md) === undefined) throw new plain.ERR_CRYPTO_INVALID_DIGEST(`Invalid digest: ${md}`);
  if (mgf1Md !== undefined && hashOf(mgf1Md) === undefined) throw new plain.ERR_CRYPTO_INVALID_DIGEST(`Invalid MGF1 digest: ${mgf1Md}`);
  if (md === undefined && mgf1Md === undefined && saltLength === undefined) return undefined;
  const name = (digest) => {
    const known = pssDigestName(digest);
    if (known === undefined) throw new plain.ERR_CRYPTO_UNSUPPORTED_OPERATION(`${digest} is not supported in RSA-PSS key parameters`);
    return known;
  };
  const hashName = md === undefined ? 'sha1' : name(md);
  return {
    hash: hashName,
    mgf1: mgf1Md !== undefined ? name(mgf1Md) : hashName,
    saltLength: saltLength ?? (md === undefined ? 20 : DIGEST_LENGTH.get(hashOf(hashName))),
  };
}

// Node's keygen.js for 'dh': a group, or a prime or a prime length with a generator (2 by default).
function dhKeyPair(options, publicEncoding, privateEncoding) {
  validateObject(options, 'options');
  const { group, primeLength, prime, generator } = options;
  let params;
  if (group != null) {
    if (prime != null) throw new ERR_INCOMPATIBLE_OPTION_PAIR('group', 'prime');
    if (primeLength != null) throw new ERR_INCOMPATIBLE_OPTION_PAIR('group', 'primeLength');
    if (generator != null) throw new ERR_INCOMPATIBLE_OPTION_PAIR('group', 'generator');
    validateString(group, 'options.group');
    params = dhParameters(group);
  } else {
    if (prime != null) {
      if (primeLength != null) throw new ERR_INCOMPATIBLE_OPTION_PAIR('prime', 'primeLength');
      if (!ArrayBuffer.isView(prime)) throw new ERR_INVALID_ARG_TYPE('options.prime', ['Buffer', 'TypedArray', 'DataView'], prime);
    } else if (primeLength != null) {
      validateInt32(primeLength, 'options.primeLength', 0);
    } else {
      throw new plain.ERR_MISSING_OPTION('At least one of the group, prime, or primeLength options is required');
    }
    if (generator != null) validateInt32(generator, 'options.generator', 0);
    params = dhParameters(undefined, prime ?? undefined, primeLength, generator ?? 2);
  }
  const { priv, pub } = generateDhKeyPair(params.p, params.g);
  return keyPair(dhMaterial(params.p, params.g, priv, pub), publicEncoding, privateEncoding);
}

// Node generates on its thread pool; here the work happens now and the callback runs later.
function generateKeyPair(type, options, callback) {
  if (typeof options === 'function') { callback = options; options = undefined; }
  validateFunction(callback, 'callback');
  const result = generateKeyPairSync(type, options);
  later(() => callback(null, result.publicKey, result.privateKey));
}

function generateKeySync(type, options) {
  validateString(type, 'type');
  validateObject(options, 'options');
  const { length } = options;
  if (type === 'hmac') validateInteger(length, 'options.length', 8, 2 ** 31 - 1);
  else if (type === 'aes') validateOneOf(length, 'options.length', [128, 192, 256]);
  else throw invalidArgValue('type', type, 'must be a supported key type');
  return newKey('secret', { kind: 'secret', bytes: fill(new Uint8Array(Math.floor(length / 8))) });
}

function generateKey(type, options, callback) {
  if (typeof options === 'function') { callback = options; options = undefined; }
  validateFunction(callback, 'callback');
  const key = generateKeySync(type, options);
  later(() => callback(null, key));
}

// The bytes of a secret key argument (Hmac, hkdf).
function secretBytes(key) { return keyMaterial.get(key).bytes; }

export {
  KeyObject, isRsa, createPrivateKey, createPublicKey, createSecretKey, generateKey, generateKeyPair, generateKeyPairSync,
  generateKeySync, isKeyObject, materialOf, prepareAsymmetricKey, secretBytes,
};
