'use strict';
// Signatures: sign/verify and createSign/createVerify (Node's lib/internal/crypto/sig.js).
// RSA (PKCS#1 v1.5 and PSS) in ./rsa.js; ECDSA (dsaEncoding 'der' or 'ieee-p1363') and
// Ed25519/Ed448 (a null algorithm) on @noble/curves.

import forge from 'node-forge';
import { codes, plain } from '../internal/errors.js';
import { hashOf } from './hashes.js';
import { prepareAsymmetricKey } from './keys.js';
import * as rsa from './rsa.js';
import { defineWritableMethods } from './transform.js';
import { bufferSource, constants, later, invalidArgValue, output, toBytes, validateFunction, validateString } from './util.js';

const { ERR_INVALID_ARG_TYPE } = codes;
const { Buffer } = globalThis;

function mdFor(name) {
  const md = { sha1: forge.md.sha1, sha256: forge.md.sha256, sha384: forge.md.sha384, sha512: forge.md.sha512, md5: forge.md.md5 }[`${name}`.toLowerCase().replace(/^rsa-/, '')];
  if (!md) throw new plain.ERR_CRYPTO_INVALID_DIGEST(`Invalid digest: ${name}`);
  return md;
}

function digestOf(algorithm, data) {
  const hash = hashOf(algorithm ?? 'sha256');
  if (hash === undefined) throw new plain.ERR_CRYPTO_INVALID_DIGEST(`Invalid digest: ${algorithm}`);
  return hash(data);
}

// Node's getDSASignatureEncoding.
function dsaEncodingOf(options) {
  if (options === null || typeof options !== 'object') return 'der';
  const { dsaEncoding = 'der' } = options;
  if (dsaEncoding === 'der' || dsaEncoding === 'ieee-p1363') return dsaEncoding;
  throw invalidArgValue('options.dsaEncoding', dsaEncoding);
}

const keyOptions = (key) => (key !== null && typeof key === 'object' && !ArrayBuffer.isView(key) ? key : {});
const notForThisKey = () => new plain.ERR_OSSL_EVP_OPERATION_NOT_SUPPORTED_FOR_THIS_KEYTYPE(
  'error:03000096:digital envelope routines::operation not supported for this keytype');
const invalidDigest = () => new plain.ERR_OSSL_INVALID_DIGEST('error:1C80007A:Provider routines::invalid digest');

// Node's getIntOption: an int32 or undefined.
function intOption(name, options) {
  const value = options[name];
  if (value !== undefined && value !== (value | 0)) throw invalidArgValue(`options.${name}`, value);
  return value;
}

// The padding options of an RSA key argument: undefined for PKCS#1 v1.5, { saltLength } for PSS.
function rsaPadding(options, defaultSaltLength) {
  const padding = intOption('padding', options) ?? constants.RSA_PKCS1_PADDING;
  const saltLength = intOption('saltLength', options);
  rsa.checkSignaturePadding(padding);
  return padding === constants.RSA_PKCS1_PSS_PADDING ? { saltLength: saltLength ?? defaultSaltLength } : undefined;
}

function rsaSign(algorithm, data, key, options) {
  const pss = rsaPadding(options, constants.RSA_PSS_SALTLEN_MAX_SIGN);
  return rsa.sign(key, algorithm ?? 'sha256', data, pss);
}

function rsaVerify(algorithm, data, key, signature, options) {
  const pss = rsaPadding(options, constants.RSA_PSS_SALTLEN_AUTO);
  return rsa.verify(key, algorithm ?? 'sha256', data, signature, pss);
}

// An rsa-pss key signs with PSS only. Its parameters, when it has them, fix the digest and
// MGF1's and set the least salt length, which is also the default (OpenSSL's restricted
// keys); without them the salt is the digest's length when it fits. An explicit PSS padding
// makes the default Node's for RSA keys (the largest salt to sign, any to verify).
function pssKeyOptions(material, algorithm, options, signing) {
  const { pss } = material;
  const hash = algorithm ?? (pss === undefined ? 'sha256' : pss.hash);
  if (pss !== undefined && hashOf(hash) !== undefined && hashOf(hash) !== hashOf(pss.hash)) throw rsa.digestNotAllowed();
  const padding = intOption('padding', options);
  if (padding !== undefined && padding !== constants.RSA_PKCS1_PSS_PADDING) throw rsa.illegalPaddingMode();
  let saltLength = intOption('saltLength', options);
  if (saltLength === undefined) {
    if (padding !== undefined) saltLength = signing ? constants.RSA_PSS_SALTLEN_MAX_SIGN : constants.RSA_PSS_SALTLEN_AUTO;
    else saltLength = pss === undefined ? rsa.SALTLEN_AUTO_DIGEST_MAX : pss.saltLength;
  }
  return { hash, pss: { saltLength, mgf1: pss?.mgf1, min: pss?.saltLength } };
}

// `oneShot`: crypto.sign (Ed25519/Ed448 allowed) rather than a Sign object (a digest always).
function signWith(algorithm, data, key, oneShot) {
  const options = keyOptions(key);
  const dsaEncoding = dsaEncodingOf(key);
  const { material } = prepareAsymmetricKey(key, 'consumePrivate');
  if (material.kind === 'rsa') return rsaSign(algorithm, data, material.forge, options);
  if (material.kind === 'rsa-pss') {
    const { hash, pss } = pssKeyOptions(material, algorithm, options, true);
    return rsa.sign(material.forge, hash, data, pss);
  }
  if (material.kind === 'dh') throw notForThisKey();
  if (material.kind === 'ec') {
    const digest = digestOf(algorithm, data);
    const format = dsaEncoding === 'der' ? 'der' : 'compact';
    return Buffer.from(material.curve.noble.sign(digest, material.priv, { prehash: false, lowS: false, format }));
  }
  if (!oneShot) throw new plain.ERR_CRYPTO_UNSUPPORTED_OPERATION('Unsupported crypto operation');
  if (material.spec.sign === undefined) throw notForThisKey();
  if (algorithm != null) throw invalidDigest();
  return Buffer.from(material.spec.noble.sign(data, material.priv));
}

function verifyWith(algorithm, data, key, signature, oneShot) {
  const options = keyOptions(key);
  const dsaEncoding = dsaEncodingOf(key);
  const { material } = prepareAsymmetricKey(key, 'consumePublic');
  if (material.kind === 'rsa' || material.kind === 'rsa-pss') {
    try {
      if (material.kind === 'rsa') return rsaVerify(algorithm, data, material.forge, signature, options);
      const { hash, pss } = pssKeyOptions(material, algorithm, options, false);
      return rsa.verify(material.forge, hash, data, signature, pss);
    } catch (err) {
      // A Verify object answers false where OpenSSL refuses the digest, padding or salt length.
      if (!oneShot && typeof err?.code === 'string' && err.code.startsWith('ERR_OSSL_')) return false;
      throw err;
    }
  }
  if (material.kind === 'dh') throw notForThisKey();
  if (material.kind === 'ec') {
    const digest = digestOf(algorithm, data);
    const format = dsaEncoding === 'der' ? 'der' : 'compact';
    try {
      return material.curve.noble.verify(signature, digest, material.pub, { prehash: false, lowS: false, format });
    } catch {
      return false;
    }
  }
  if (!oneShot) throw new plain.ERR_CRYPTO_UNSUPPORTED_OPERATION('Unsupported crypto operation');
  if (material.spec.sign === undefined) throw notForThisKey();
  if (algorithm != null) throw invalidDigest();
  if (signature.length !== material.spec.sign) return false;
  try {
    return material.spec.noble.verify(signature, data, material.pub);
  } catch {
    return false;
  }
}

const signData = (data) => bufferSource(data, 'data');

function sign(algorithm, data, key, callback) {
  if (algorithm != null) validateString(algorithm, 'algorithm');
  if (callback !== undefined) validateFunction(callback, 'callback');
  const result = signWith(algorithm, signData(data), key, true);
  if (typeof callback === 'function') { later(() => callback(null, result)); return undefined; }
  return result;
}

function verify(algorithm, data, key, signature, callback) {
  if (algorithm != null) validateString(algorithm, 'algorithm');
  if (callback !== undefined) validateFunction(callback, 'callback');
  const bytes = signData(data);
  const sig = bufferSource(signature, 'signature');
  const result = verifyWith(algorithm, bytes, key, sig, true);
  if (typeof callback === 'function') { later(() => callback(null, result)); return undefined; }
  return result;
}

// Sign and Verify are Writable streams in Node: write() and end() feed update(), then
// sign()/verify().
// Each stream's algorithm and data: a WeakMap, so that nothing of it is reachable from the object.
const streams = new WeakMap();

function streamOf(self) {
  const state = streams.get(self);
  if (state === undefined) throw new TypeError('Illegal invocation');
  return state;
}

class SignatureStream {
  constructor(algorithm) {
    validateString(algorithm, 'algorithm');
    if (hashOf(algorithm) === undefined) throw new plain.ERR_CRYPTO_INVALID_DIGEST('Invalid digest');
    streams.set(this, { algorithm, chunks: [] });
  }
  update(data, encoding) { streamOf(this).chunks.push(Uint8Array.from(toBytes(data, encoding))); return this; }
}
// write() and end() as Node's Writable has them (./transform.js): each chunk goes to update().
defineWritableMethods(SignatureStream, 'Sign or Verify', (self, bytes) => { streamOf(self).chunks.push(Uint8Array.from(bytes)); });

class Sign extends SignatureStream {
  sign(key, outputEncoding) {
    const { algorithm, chunks } = streamOf(this);
    return output(signWith(algorithm, Buffer.concat(chunks), key, false), outputEncoding);
  }
}

class Verify extends SignatureStream {
  verify(key, signature, signatureEncoding) {
    const { algorithm, chunks } = streamOf(this);
    const sig = typeof signature === 'string' ? Buffer.from(signature, signatureEncoding) : signature;
    if (!ArrayBuffer.isView(sig)) throw new ERR_INVALID_ARG_TYPE('signature', ['string', 'Buffer', 'TypedArray', 'DataView'], signature);
    const bytes = new Uint8Array(sig.buffer, sig.byteOffset, sig.byteLength);
    return verifyWith(algorithm, Buffer.concat(chunks), key, bytes, false);
  }
}

// The names Node's classes have (the bundle is minified).
Object.defineProperty(Sign, 'name', { value: 'Sign' });
Object.defineProperty(Verify, 'name', { value: 'Verify' });

export { Sign, Verify, mdFor, sign, verify };
