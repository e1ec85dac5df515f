"""WebCrypto (crypto.subtle, CryptoKey) compared with real Node 24: digest; generateKey,
importKey and exportKey in raw, jwk, spki and pkcs8; sign/verify (HMAC, RSASSA-PKCS1-v1_5,
RSA-PSS, ECDSA, Ed25519); encrypt/decrypt (AES-GCM, AES-CBC, AES-CTR, RSA-OAEP);
deriveBits/deriveKey (PBKDF2, HKDF, ECDH, X25519); wrapKey/unwrapKey (AES-KW and the
ciphers); and the errors: DOMException names and messages, TypeErrors with their codes.

Keys that Node's subtle generates (the `node_keys` fixture, exported in every format) are
every case's `input.k`: imports and exports are compared byte for byte, and so are the
outputs of the deterministic algorithms (HMAC, RSASSA-PKCS1-v1_5, Ed25519, the AES modes
with fixed IVs, AES-KW, the KDFs, ECDH). Randomised signatures and RSA-OAEP ciphertexts
(ECDSA, RSA-PSS) are compared by verification across the two: made in Node and checked
here (`input.k.sig`), and made here and checked in Node (the tests at the end). Errors are
caught in the snippet and returned as [class, name, code, message]."""

from __future__ import annotations

from typing import Any

import pytest

from compat.conftest import assert_same_as_node, case_ids, keyed_fixtures, run_in_node
from conftest import CodeBlockClient

P = (
    "const { subtle } = crypto; const k = input.k;\n"
    "const hex = (ab) => Buffer.from(ab).toString('hex');\n"
    "const b = (s) => new TextEncoder().encode(s);\n"
    "const u = (h) => Uint8Array.from(Buffer.from(h, 'hex'));\n"
    "const d64 = (s) => Uint8Array.from(Buffer.from(s, 'base64'));\n"
    "const E = async (f) => { try { await f(); return 'no error'; } catch (e) { return [e.constructor.name, e.name, e.code, e.message]; } };\n"
)

# Made by Node's subtle once per run: every key in each format it exports, and signatures
# and ciphertexts of the randomised algorithms.
KEYGEN = """
const { subtle } = globalThis.crypto;
const b64 = (ab) => Buffer.from(ab).toString('base64');
const e65537 = new Uint8Array([1, 0, 1]);
const out = {};
const pair = async (name, algorithm, usages) => {
  const { publicKey, privateKey } = await subtle.generateKey(algorithm, true, usages);
  out[name] = { spki: b64(await subtle.exportKey('spki', publicKey)), pkcs8: b64(await subtle.exportKey('pkcs8', privateKey)),
    jwk: await subtle.exportKey('jwk', privateKey), jwkPub: await subtle.exportKey('jwk', publicKey) };
  if (!algorithm.name.startsWith('RSA')) out[name].raw = b64(await subtle.exportKey('raw', publicKey));
  return { publicKey, privateKey };
};
const data = new TextEncoder().encode('made in node');
const ps = await pair('rsaPkcs1', { name: 'RSASSA-PKCS1-v1_5', modulusLength: 1024, publicExponent: e65537, hash: 'SHA-256' }, ['sign', 'verify']);
const pss = await pair('rsaPss', { name: 'RSA-PSS', modulusLength: 1024, publicExponent: e65537, hash: 'SHA-384' }, ['sign', 'verify']);
out.rsaPss.sig = b64(await subtle.sign({ name: 'RSA-PSS', saltLength: 32 }, pss.privateKey, data));
const oaep = await pair('rsaOaep', { name: 'RSA-OAEP', modulusLength: 1024, publicExponent: e65537, hash: 'SHA-256' }, ['encrypt', 'decrypt', 'wrapKey', 'unwrapKey']);
out.rsaOaep.ct = b64(await subtle.encrypt({ name: 'RSA-OAEP' }, oaep.publicKey, data));
out.rsaOaep.ctLabel = b64(await subtle.encrypt({ name: 'RSA-OAEP', label: new Uint8Array([1, 2, 3]) }, oaep.publicKey, data));
for (const [name, curve, hash] of [['p256', 'P-256', 'SHA-256'], ['p384', 'P-384', 'SHA-384'], ['p521', 'P-521', 'SHA-512']]) {
  const p = await pair(name, { name: 'ECDSA', namedCurve: curve }, ['sign', 'verify']);
  out[name].sig = b64(await subtle.sign({ name: 'ECDSA', hash }, p.privateKey, data));
  await pair(`${name}dh`, { name: 'ECDH', namedCurve: curve }, ['deriveBits', 'deriveKey']);
  await pair(`${name}dh2`, { name: 'ECDH', namedCurve: curve }, ['deriveBits', 'deriveKey']);
}
await pair('ed', { name: 'Ed25519' }, ['sign', 'verify']);
await pair('x', { name: 'X25519' }, ['deriveBits', 'deriveKey']);
await pair('x2', { name: 'X25519' }, ['deriveBits', 'deriveKey']);
const secret = async (name, algorithm, usages) => {
  const key = await subtle.generateKey(algorithm, true, usages);
  out[name] = { raw: b64(await subtle.exportKey('raw', key)), jwk: await subtle.exportKey('jwk', key) };
};
await secret('hmac256', { name: 'HMAC', hash: 'SHA-256' }, ['sign', 'verify']);
await secret('hmac512', { name: 'HMAC', hash: 'SHA-512' }, ['sign', 'verify']);
for (const mode of ['GCM', 'CBC', 'CTR', 'KW']) {
  for (const length of [128, 256]) {
    await secret(`aes${mode}${length}`, { name: `AES-${mode}`, length }, mode === 'KW' ? ['wrapKey', 'unwrapKey'] : ['encrypt', 'decrypt', 'wrapKey', 'unwrapKey']);
  }
}
return out;
"""

ALG = {
    "rsaPkcs1": "{ name: 'RSASSA-PKCS1-v1_5', hash: 'SHA-256' }",
    "rsaPss": "{ name: 'RSA-PSS', hash: 'SHA-384' }",
    "rsaOaep": "{ name: 'RSA-OAEP', hash: 'SHA-256' }",
    "p256": "{ name: 'ECDSA', namedCurve: 'P-256' }",
    "p384": "{ name: 'ECDSA', namedCurve: 'P-384' }",
    "p521": "{ name: 'ECDSA', namedCurve: 'P-521' }",
    "p256dh": "{ name: 'ECDH', namedCurve: 'P-256' }",
    "p384dh": "{ name: 'ECDH', namedCurve: 'P-384' }",
    "p521dh": "{ name: 'ECDH', namedCurve: 'P-521' }",
    "ed": "{ name: 'Ed25519' }",
    "x": "{ name: 'X25519' }",
}
PRIVATE_USAGES = {"rsaPkcs1": "['sign']", "rsaPss": "['sign']", "rsaOaep": "['decrypt', 'unwrapKey']", "p256": "['sign']",
                  "p384": "['sign']", "p521": "['sign']", "p256dh": "['deriveBits']", "p384dh": "['deriveBits']",
                  "p521dh": "['deriveBits']", "ed": "['sign']", "x": "['deriveBits']"}
PUBLIC_USAGES = {"rsaPkcs1": "['verify']", "rsaPss": "['verify']", "rsaOaep": "['encrypt']", "p256": "['verify']",
                 "p384": "['verify']", "p521": "['verify']", "p256dh": "[]", "p384dh": "[]", "p521dh": "[]",
                 "ed": "['verify']", "x": "[]"}
ASYM = list(ALG)
EC_RAW = ["p256", "p384", "p521", "p256dh", "p384dh", "p521dh", "ed", "x"]

DIGEST = [
    *[P + f"return hex(await subtle.digest('{h}', b('abc')))" for h in ("SHA-1", "SHA-256", "SHA-384", "SHA-512")],
    P + "return hex(await subtle.digest({ name: 'sha-256' }, new ArrayBuffer(0)))",
    P + "return hex(await subtle.digest('SHA-512', new DataView(b('hello world').buffer, 6)))",
    P + "return hex(await subtle.digest('SHA-256', Buffer.from('buffer input')))",
    P + "return hex(await subtle.digest('SHA-1', new Uint16Array([1, 2, 3])))",
    P + "return E(() => subtle.digest('MD5', b('x')))",
    P + "return E(() => subtle.digest('SHA-999', b('x')))",
    P + "return E(() => subtle.digest())",
    P + "return E(() => subtle.digest('SHA-256'))",
    P + "return E(() => subtle.digest('SHA-256', 'a string'))",
    P + "return E(() => subtle.digest({}, b('x')))",
    P + "return E(() => subtle.digest(5, b('x')))",
    P + "return E(() => subtle.digest.call({}, 'SHA-256', b('x')))",
]

GENERATE = [
    P + "const key = await subtle.generateKey({ name: 'HMAC', hash: 'SHA-256' }, true, ['sign', 'verify']); return [key.type, key.extractable, key.algorithm, key.usages, String(key), (await subtle.exportKey('raw', key)).byteLength]",
    P + "const key = await subtle.generateKey({ name: 'hmac', hash: { name: 'sha-512' } }, false, ['verify', 'sign', 'sign']); return [key.algorithm, key.usages, key.extractable]",
    P + "const key = await subtle.generateKey({ name: 'HMAC', hash: 'SHA-1', length: 128 }, true, ['sign']); return [key.algorithm, (await subtle.exportKey('raw', key)).byteLength]",
    *[P + f"const key = await subtle.generateKey({{ name: 'AES-{m}', length: {n} }}, true, {u}); return [key.type, key.algorithm, key.usages, (await subtle.exportKey('raw', key)).byteLength]"
      for m, u in (("GCM", "['decrypt', 'encrypt']"), ("CBC", "['encrypt']"), ("CTR", "['wrapKey', 'decrypt']"), ("KW", "['unwrapKey', 'wrapKey']")) for n in (128, 256)],
    P + "const { publicKey, privateKey } = await subtle.generateKey({ name: 'ECDSA', namedCurve: 'P-256' }, false, ['sign', 'verify']);\n"
    "return [publicKey.type, privateKey.type, publicKey.usages, privateKey.usages, publicKey.extractable, privateKey.extractable, publicKey.algorithm, (await subtle.exportKey('raw', publicKey)).byteLength]",
    P + "const pair = await subtle.generateKey({ name: 'ECDH', namedCurve: 'P-384' }, true, ['deriveKey']); return [Object.keys(pair), pair.publicKey.usages, pair.privateKey.usages, pair.privateKey.algorithm]",
    P + "const pair = await subtle.generateKey({ name: 'Ed25519' }, true, ['sign', 'verify']); return [pair.publicKey.algorithm, pair.privateKey.usages, (await subtle.exportKey('raw', pair.publicKey)).byteLength]",
    P + "const pair = await subtle.generateKey('X25519', true, ['deriveBits']); return [pair.publicKey.algorithm, pair.publicKey.usages, pair.privateKey.usages]",
    P + "const pair = await subtle.generateKey({ name: 'RSASSA-PKCS1-v1_5', modulusLength: 1024, publicExponent: new Uint8Array([1, 0, 1]), hash: 'SHA-256' }, true, ['sign', 'verify']);\n"
    "return [pair.publicKey.algorithm, pair.privateKey.usages, pair.publicKey.usages, (await subtle.exportKey('jwk', pair.publicKey)).alg]",
    P + "const pair = await subtle.generateKey({ name: 'RSA-OAEP', modulusLength: 1024, publicExponent: new Uint8Array([1, 0, 1]), hash: 'SHA-512' }, false, ['encrypt', 'decrypt', 'wrapKey']);\n"
    "return [pair.publicKey.usages, pair.privateKey.usages, pair.privateKey.extractable, pair.publicKey.extractable]",
    P + "return E(() => subtle.generateKey({ name: 'HMAC' }, true, ['sign']))",
    P + "return E(() => subtle.generateKey({ name: 'HMAC', hash: 'SHA-256' }, true, ['encrypt']))",
    P + "return E(() => subtle.generateKey({ name: 'HMAC', hash: 'SHA-256' }, true, []))",
    P + "return E(() => subtle.generateKey({ name: 'HMAC', hash: 'MD5' }, true, ['sign']))",
    P + "return E(() => subtle.generateKey({ name: 'AES-GCM', length: 100 }, true, ['encrypt']))",
    P + "return E(() => subtle.generateKey({ name: 'AES-GCM' }, true, ['encrypt']))",
    P + "return E(() => subtle.generateKey({ name: 'AES-KW', length: 128 }, true, ['encrypt']))",
    P + "return E(() => subtle.generateKey({ name: 'FOO' }, true, ['encrypt']))",
    P + "return E(() => subtle.generateKey({ name: 'AES-GCM', length: 128 }, true, 'encrypt'))",
    P + "return E(() => subtle.generateKey({ name: 'AES-GCM', length: 128 }, true, ['bogus']))",
    P + "return E(() => subtle.generateKey({ name: 'ECDSA', namedCurve: 'P-999' }, true, ['sign']))",
    P + "return E(() => subtle.generateKey({ name: 'ECDSA' }, true, ['sign']))",
    P + "return E(() => subtle.generateKey({ name: 'ECDSA', namedCurve: 'P-256' }, true, ['verify']))",
    P + "return E(() => subtle.generateKey({ name: 'ECDH', namedCurve: 'P-256' }, true, []))",
    P + "return E(() => subtle.generateKey({ name: 'RSA-PSS', modulusLength: 1024, hash: 'SHA-256' }, true, ['sign']))",
    P + "return E(() => subtle.generateKey({ name: 'RSA-PSS', modulusLength: 1024, publicExponent: new Uint8Array([1, 0, 1]), hash: 'SHA-256' }, true, ['encrypt']))",
    P + "return E(() => subtle.generateKey({ name: 'Ed25519' }, true, ['encrypt']))",
    P + "return E(() => subtle.generateKey({ name: 'X25519' }, true, ['sign']))",
    P + "return E(() => subtle.generateKey({ name: 'AES-GCM', length: 128 }, true))",
]

IMPORT_EXPORT = [
    # every asymmetric key: spki/pkcs8/jwk/raw in, the same bytes out
    *[P + f"const key = await subtle.importKey('spki', d64(k.{n}.spki), {ALG[n]}, true, {PUBLIC_USAGES[n]}); return [key.type, key.algorithm, key.usages, Buffer.from(await subtle.exportKey('spki', key)).toString('base64') === k.{n}.spki]" for n in ASYM],
    *[P + f"const key = await subtle.importKey('pkcs8', d64(k.{n}.pkcs8), {ALG[n]}, true, {PRIVATE_USAGES[n]}); return [key.type, key.algorithm, key.usages, Buffer.from(await subtle.exportKey('pkcs8', key)).toString('base64') === k.{n}.pkcs8]" for n in ASYM],
    *[P + f"const key = await subtle.importKey('jwk', k.{n}.jwk, {ALG[n]}, true, {PRIVATE_USAGES[n]}); return await subtle.exportKey('jwk', key)" for n in ASYM],
    *[P + f"const key = await subtle.importKey('jwk', k.{n}.jwkPub, {ALG[n]}, true, {PUBLIC_USAGES[n]}); return await subtle.exportKey('jwk', key)" for n in ASYM],
    *[P + f"const key = await subtle.importKey('raw', d64(k.{n}.raw), {ALG[n]}, true, {PUBLIC_USAGES[n]}); return [await subtle.exportKey('jwk', key), hex(await subtle.exportKey('spki', key))]" for n in EC_RAW],
    *[P + f"const key = await subtle.importKey('pkcs8', d64(k.{n}.pkcs8), {ALG[n]}, true, {PRIVATE_USAGES[n]}); return await subtle.exportKey('jwk', key)" for n in ("p256", "ed", "x", "rsaOaep")],
    *[P + f"const key = await subtle.importKey('raw', d64(k.{n}.raw), {{ name: 'AES-{m}' }}, true, ['encrypt', 'decrypt']); return [key.algorithm, await subtle.exportKey('jwk', key)]"
      for n, m in (("aesGCM128", "GCM"), ("aesCBC256", "CBC"), ("aesCTR128", "CTR"))],
    *[P + f"const key = await subtle.importKey('jwk', k.{n}.jwk, '{a}', true, {u}); return [key.algorithm, hex(await subtle.exportKey('raw', key))]"
      for n, a, u in (("aesKW256", "AES-KW", "['wrapKey']"), ("aesGCM256", "AES-GCM", "['encrypt']"), ("aesCTR256", "AES-CTR", "['decrypt']"))],
    P + "const key = await subtle.importKey('jwk', k.hmac512.jwk, { name: 'HMAC', hash: 'SHA-512' }, true, ['sign']); return [key.algorithm, await subtle.exportKey('jwk', key)]",
    P + "const key = await subtle.importKey('raw', d64(k.hmac256.raw), { name: 'HMAC', hash: 'SHA-256' }, true, ['verify', 'sign']); return [key.algorithm, key.usages, await subtle.exportKey('jwk', key)]",
    P + "const key = await subtle.importKey('raw', new Uint8Array(20), { name: 'HMAC', hash: 'SHA-1', length: 160 }, false, ['sign']); return [key.algorithm, key.extractable]",
    P + "const key = await subtle.importKey('raw', b('password'), 'PBKDF2', false, ['deriveBits', 'deriveKey']); return [key.type, key.algorithm, key.usages, key.extractable]",
    P + "const key = await subtle.importKey('raw', b('ikm'), { name: 'HKDF' }, false, ['deriveKey']); return [key.type, key.algorithm, key.usages]",
    P + "const key = await subtle.importKey('pkcs8', d64(k.p256.pkcs8), { name: 'ECDSA', namedCurve: 'P-256' }, false, ['sign']); return E(() => subtle.exportKey('jwk', key))",
    P + "const key = await subtle.importKey('spki', d64(k.p256.spki), { name: 'ECDSA', namedCurve: 'P-256' }, false, ['verify']); return [key.extractable, hex(await subtle.exportKey('raw', key)) === hex(d64(k.p256.raw))]",
    P + "return E(() => subtle.importKey('raw', new Uint8Array(10), 'AES-GCM', true, ['encrypt']))",
    P + "return E(() => subtle.importKey('raw', new Uint8Array(0), { name: 'HMAC', hash: 'SHA-256' }, true, ['sign']))",
    P + "return E(() => subtle.importKey('raw', new Uint8Array(16), { name: 'HMAC', hash: 'SHA-256', length: 64 }, true, ['sign']))",
    P + "return E(() => subtle.importKey('raw', b('pw'), 'PBKDF2', true, ['deriveBits']))",
    P + "return E(() => subtle.importKey('raw', b('pw'), 'PBKDF2', false, ['sign']))",
    P + "return E(() => subtle.importKey('jwk', { kty: 'oct' }, 'AES-GCM', true, ['encrypt']))",
    P + "return E(() => subtle.importKey('jwk', { kty: 'EC', k: 'AAAA' }, 'AES-GCM', true, ['encrypt']))",
    P + "return E(() => subtle.importKey('jwk', { ...k.aesGCM128.jwk, alg: 'A256GCM' }, 'AES-GCM', true, ['encrypt']))",
    P + "return E(() => subtle.importKey('jwk', { ...k.hmac256.jwk, ext: false }, { name: 'HMAC', hash: 'SHA-256' }, true, ['sign']))",
    P + "return E(() => subtle.importKey('jwk', { ...k.hmac256.jwk, key_ops: ['verify'] }, { name: 'HMAC', hash: 'SHA-256' }, true, ['sign']))",
    P + "return E(() => subtle.importKey('jwk', { ...k.hmac256.jwk, alg: 'HS512' }, { name: 'HMAC', hash: 'SHA-256' }, true, ['sign']))",
    P + "return E(() => subtle.importKey('jwk', k.p256.jwk, { name: 'ECDSA', namedCurve: 'P-384' }, true, ['sign']))",
    P + "return E(() => subtle.importKey('jwk', k.rsaPkcs1.jwk, { name: 'RSASSA-PKCS1-v1_5', hash: 'SHA-512' }, true, ['sign']))",
    P + "return E(() => subtle.importKey('spki', new Uint8Array(8), { name: 'ECDSA', namedCurve: 'P-256' }, true, ['verify']))",
    P + "return E(() => subtle.importKey('pkcs8', new Uint8Array(8), { name: 'RSA-PSS', hash: 'SHA-256' }, true, ['sign']))",
    P + "return E(() => subtle.importKey('spki', d64(k.p256.spki), { name: 'ECDSA', namedCurve: 'P-384' }, true, ['verify']))",
    P + "return E(() => subtle.importKey('spki', d64(k.rsaPkcs1.spki), { name: 'ECDSA', namedCurve: 'P-256' }, true, ['verify']))",
    P + "return E(() => subtle.importKey('spki', d64(k.p256.spki), { name: 'ECDSA', namedCurve: 'P-256' }, true, ['sign']))",
    P + "return E(() => subtle.importKey('pkcs8', d64(k.p256.pkcs8), { name: 'ECDSA', namedCurve: 'P-256' }, true, []))",
    P + "return E(() => subtle.importKey('raw', new Uint8Array(8), { name: 'RSA-PSS', hash: 'SHA-256' }, true, ['verify']))",
    P + "return E(() => subtle.importKey('raw', new Uint8Array(8), { name: 'ECDSA', namedCurve: 'P-256' }, true, ['verify']))",
    P + "return E(() => subtle.importKey('raw', new Uint8Array(8), { name: 'Ed25519' }, true, ['verify']))",
    P + "return E(() => subtle.importKey('pem', new Uint8Array(8), 'AES-GCM', true, ['encrypt']))",
    P + "return E(() => subtle.importKey('raw', 'not bytes', 'AES-GCM', true, ['encrypt']))",
    P + "return E(() => subtle.importKey('raw', new Uint8Array(16), 'AES-GCM', true))",
    P + "const key = await subtle.importKey('raw', new Uint8Array(16), 'AES-GCM', false, ['encrypt']); return E(() => subtle.exportKey('raw', key))",
    P + "const key = await subtle.importKey('raw', new Uint8Array(16), 'AES-GCM', true, ['encrypt']); return E(() => subtle.exportKey('foo', key))",
    P + "return E(() => subtle.exportKey('raw', {}))",
    P + "const key = await subtle.importKey('raw', new Uint8Array(16), 'AES-GCM', true, ['encrypt']); return E(() => subtle.exportKey('spki', key))",
    P + "const key = await subtle.importKey('pkcs8', d64(k.p256.pkcs8), { name: 'ECDSA', namedCurve: 'P-256' }, true, ['sign']); return E(() => subtle.exportKey('raw', key))",
    P + "const key = await subtle.importKey('spki', d64(k.p256.spki), { name: 'ECDSA', namedCurve: 'P-256' }, true, ['verify']); return E(() => subtle.exportKey('pkcs8', key))",
    P + "return E(() => new CryptoKey())",
    P + "return E(() => new SubtleCrypto())",
    P + "const key = await subtle.importKey('raw', new Uint8Array(16), 'AES-GCM', true, ['encrypt']);\n"
    "return [Object.keys(key), Object.getOwnPropertyNames(CryptoKey.prototype).sort(), key instanceof CryptoKey, Object.prototype.toString.call(key), Object.prototype.toString.call(subtle), subtle instanceof SubtleCrypto]",
    P + "const key = await subtle.importKey('raw', new Uint8Array(16), 'AES-GCM', true, ['encrypt']); const u1 = key.usages; u1.push('x'); return key.usages",
    P + "return [typeof crypto.subtle, crypto.subtle === require('crypto').subtle, require('crypto').webcrypto === crypto, require('crypto').webcrypto.subtle === subtle]",
    P + "const key = await subtle.importKey('raw', new Uint8Array(32), { name: 'HMAC', hash: 'SHA-256' }, true, ['sign']);\n"
    "const ko = require('crypto').KeyObject.from(key); return [ko.type, ko.symmetricKeySize, ko.export().toString('hex')]",
    P + "return E(() => require('crypto').KeyObject.from({}))",
]

SIGN = [
    P + "const key = await subtle.importKey('raw', d64(k.hmac256.raw), { name: 'HMAC', hash: 'SHA-256' }, false, ['sign']); return hex(await subtle.sign('HMAC', key, b('message')))",
    P + "const key = await subtle.importKey('jwk', k.hmac512.jwk, { name: 'HMAC', hash: 'SHA-512' }, false, ['sign', 'verify']); const s = await subtle.sign({ name: 'HMAC' }, key, b('m'));\n"
    "return [hex(s), await subtle.verify('HMAC', key, s, b('m')), await subtle.verify('HMAC', key, s, b('n')), await subtle.verify('HMAC', key, s.slice(1), b('m'))]",
    P + "const key = await subtle.importKey('raw', b('secret'), { name: 'HMAC', hash: 'SHA-1' }, false, ['sign']); return hex(await subtle.sign('HMAC', key, b('')))",
    P + "const key = await subtle.importKey('pkcs8', d64(k.rsaPkcs1.pkcs8), { name: 'RSASSA-PKCS1-v1_5', hash: 'SHA-256' }, false, ['sign']); return hex(await subtle.sign('RSASSA-PKCS1-v1_5', key, b('message')))",
    P + "const key = await subtle.importKey('jwk', k.rsaPkcs1.jwk, { name: 'RSASSA-PKCS1-v1_5', hash: 'SHA-256' }, false, ['sign']); const pub = await subtle.importKey('spki', d64(k.rsaPkcs1.spki), { name: 'RSASSA-PKCS1-v1_5', hash: 'SHA-256' }, false, ['verify']);\n"
    "const s = await subtle.sign('RSASSA-PKCS1-v1_5', key, b('m')); return [await subtle.verify('RSASSA-PKCS1-v1_5', pub, s, b('m')), await subtle.verify('RSASSA-PKCS1-v1_5', pub, s, b('x'))]",
    P + "const pub = await subtle.importKey('jwk', k.rsaPss.jwkPub, { name: 'RSA-PSS', hash: 'SHA-384' }, false, ['verify']);\n"
    "return [await subtle.verify({ name: 'RSA-PSS', saltLength: 32 }, pub, d64(k.rsaPss.sig), b('made in node')), await subtle.verify({ name: 'RSA-PSS', saltLength: 32 }, pub, d64(k.rsaPss.sig), b('made in nodf'))]",
    P + "const key = await subtle.importKey('pkcs8', d64(k.rsaPss.pkcs8), { name: 'RSA-PSS', hash: 'SHA-384' }, false, ['sign']); const pub = await subtle.importKey('spki', d64(k.rsaPss.spki), { name: 'RSA-PSS', hash: 'SHA-384' }, false, ['verify']);\n"
    "const s = await subtle.sign({ name: 'RSA-PSS', saltLength: 48 }, key, b('m')); return [s.byteLength, await subtle.verify({ name: 'RSA-PSS', saltLength: 48 }, pub, s, b('m')), await subtle.verify({ name: 'RSA-PSS', saltLength: 20 }, pub, s, b('m'))]",
    P + "const key = await subtle.importKey('pkcs8', d64(k.rsaPss.pkcs8), { name: 'RSA-PSS', hash: 'SHA-384' }, false, ['sign']); return E(() => subtle.sign({ name: 'RSA-PSS', saltLength: 1000 }, key, b('m')))",
    *[P + f"const pub = await subtle.importKey('spki', d64(k.{c}.spki), {ALG[c]}, false, ['verify']); const sig = d64(k.{c}.sig);\n"
      f"return [await subtle.verify({{ name: 'ECDSA', hash: '{h}' }}, pub, sig, b('made in node')), await subtle.verify({{ name: 'ECDSA', hash: '{h}' }}, pub, sig, b('made in nodf')), await subtle.verify({{ name: 'ECDSA', hash: '{h}' }}, pub, sig.slice(2), b('made in node'))]"
      for c, h in (("p256", "SHA-256"), ("p384", "SHA-384"), ("p521", "SHA-512"))],
    *[P + f"const key = await subtle.importKey('jwk', k.{c}.jwk, {ALG[c]}, false, ['sign']); const pub = await subtle.importKey('raw', d64(k.{c}.raw), {ALG[c]}, false, ['verify']);\n"
      f"const s = await subtle.sign({{ name: 'ECDSA', hash: 'SHA-256' }}, key, b('m')); return [s.byteLength, await subtle.verify({{ name: 'ECDSA', hash: 'SHA-256' }}, pub, s, b('m')), await subtle.verify({{ name: 'ECDSA', hash: 'SHA-384' }}, pub, s, b('m'))]"
      for c in ("p256", "p384", "p521")],
    P + "const key = await subtle.importKey('pkcs8', d64(k.ed.pkcs8), 'Ed25519', false, ['sign']); return hex(await subtle.sign('Ed25519', key, b('message')))",
    P + "const key = await subtle.importKey('jwk', k.ed.jwk, { name: 'Ed25519' }, false, ['sign']); const pub = await subtle.importKey('raw', d64(k.ed.raw), 'Ed25519', false, ['verify']);\n"
    "const s = await subtle.sign('Ed25519', key, b('m')); return [hex(s), await subtle.verify('Ed25519', pub, s, b('m')), await subtle.verify('Ed25519', pub, s, b('n'))]",
    P + "const key = await subtle.importKey('raw', d64(k.hmac256.raw), { name: 'HMAC', hash: 'SHA-256' }, false, ['sign']); return E(() => subtle.verify('HMAC', key, new Uint8Array(32), b('m')))",
    P + "const key = await subtle.importKey('raw', d64(k.hmac256.raw), { name: 'HMAC', hash: 'SHA-256' }, false, ['sign']); return E(() => subtle.sign('ECDSA', key, b('m')))",
    P + "const key = await subtle.importKey('raw', d64(k.hmac256.raw), { name: 'HMAC', hash: 'SHA-256' }, false, ['sign']); return E(() => subtle.sign('Ed25519', key, b('m')))",
    P + "return E(() => subtle.sign('HMAC', 5, b('m')))",
    P + "const key = await subtle.importKey('raw', d64(k.hmac256.raw), { name: 'HMAC', hash: 'SHA-256' }, false, ['sign']); return E(() => subtle.sign('HMAC', key))",
    P + "const key = await subtle.importKey('raw', d64(k.hmac256.raw), { name: 'HMAC', hash: 'SHA-256' }, false, ['sign']); return E(() => subtle.sign('HMAC', key, 'text'))",
    P + "const key = await subtle.importKey('spki', d64(k.p256.spki), { name: 'ECDSA', namedCurve: 'P-256' }, false, ['verify']); return E(() => subtle.sign({ name: 'ECDSA', hash: 'SHA-256' }, key, b('m')))",
    P + "const key = await subtle.importKey('pkcs8', d64(k.rsaPss.pkcs8), { name: 'RSA-PSS', hash: 'SHA-384' }, false, ['sign']); return E(() => subtle.sign('RSA-PSS', key, b('m')))",
    P + "const key = await subtle.importKey('pkcs8', d64(k.ed.pkcs8), 'Ed25519', false, ['sign']); return E(() => subtle.sign('RSASSA-PKCS1-v1_5', key, b('m')))",
]

GCM_IV = "u('000102030405060708090a0b')"
CIPHER = [
    *[P + f"const key = await subtle.importKey('raw', d64(k.aesGCM{n}.raw), 'AES-GCM', false, ['encrypt', 'decrypt']);\n"
      f"const ct = await subtle.encrypt({{ name: 'AES-GCM', iv: {GCM_IV}{extra} }}, key, b('plain text')); return [hex(ct), new TextDecoder().decode(await subtle.decrypt({{ name: 'AES-GCM', iv: {GCM_IV}{extra} }}, key, ct))]"
      for n in (128, 256) for extra in ("", ", additionalData: b('aad')", ", tagLength: 96", ", tagLength: 32, additionalData: b('x')")],
    P + "const key = await subtle.importKey('raw', d64(k.aesGCM128.raw), 'AES-GCM', false, ['encrypt']); return hex(await subtle.encrypt({ name: 'AES-GCM', iv: u('00112233445566778899aabbccddeeff') }, key, b('long iv')))",
    P + "const key = await subtle.importKey('raw', d64(k.aesGCM128.raw), 'AES-GCM', false, ['encrypt']); return hex(await subtle.encrypt({ name: 'AES-GCM', iv: new Uint8Array(12) }, key, new Uint8Array(0)))",
    *[P + f"const key = await subtle.importKey('raw', d64(k.aesCBC{n}.raw), 'AES-CBC', false, ['encrypt', 'decrypt']); const iv = new Uint8Array(16).fill(7);\n"
      f"const ct = await subtle.encrypt({{ name: 'AES-CBC', iv }}, key, b('{t}')); return [hex(ct), new TextDecoder().decode(await subtle.decrypt({{ name: 'AES-CBC', iv }}, key, ct))]"
      for n in (128, 256) for t in ("sixteen bytes!!!", "short", "")],
    *[P + f"const key = await subtle.importKey('raw', d64(k.aesCTR{n}.raw), 'AES-CTR', false, ['encrypt', 'decrypt']); const counter = u('{c}');\n"
      f"const ct = await subtle.encrypt({{ name: 'AES-CTR', counter, length: {ln} }}, key, new Uint8Array(40).fill(9)); return [hex(ct), hex(await subtle.decrypt({{ name: 'AES-CTR', counter, length: {ln} }}, key, ct))]"
      for n in (128, 256) for c, ln in (("000102030405060708090a0b0c0d0e0f", 64), ("00000000000000000000000000000000", 128), ("0f0e0d0c0b0a09080706050403fffffe", 8))],
    P + "const key = await subtle.importKey('pkcs8', d64(k.rsaOaep.pkcs8), { name: 'RSA-OAEP', hash: 'SHA-256' }, false, ['decrypt']);\n"
    "return [new TextDecoder().decode(await subtle.decrypt({ name: 'RSA-OAEP' }, key, d64(k.rsaOaep.ct))), new TextDecoder().decode(await subtle.decrypt({ name: 'RSA-OAEP', label: new Uint8Array([1, 2, 3]) }, key, d64(k.rsaOaep.ctLabel)))]",
    P + "const pub = await subtle.importKey('jwk', k.rsaOaep.jwkPub, { name: 'RSA-OAEP', hash: 'SHA-256' }, false, ['encrypt']); const key = await subtle.importKey('jwk', k.rsaOaep.jwk, { name: 'RSA-OAEP', hash: 'SHA-256' }, false, ['decrypt']);\n"
    "const ct = await subtle.encrypt('RSA-OAEP', pub, b('round trip')); return [ct.byteLength, new TextDecoder().decode(await subtle.decrypt('RSA-OAEP', key, ct))]",
    P + "const key = await subtle.importKey('pkcs8', d64(k.rsaOaep.pkcs8), { name: 'RSA-OAEP', hash: 'SHA-256' }, false, ['decrypt']); return E(() => subtle.decrypt({ name: 'RSA-OAEP', label: b('wrong') }, key, d64(k.rsaOaep.ctLabel)))",
    P + "const pub = await subtle.importKey('spki', d64(k.rsaOaep.spki), { name: 'RSA-OAEP', hash: 'SHA-256' }, false, ['encrypt']); return E(() => subtle.encrypt({ name: 'RSA-OAEP' }, pub, new Uint8Array(100)))",
    P + "const key = await subtle.importKey('pkcs8', d64(k.rsaOaep.pkcs8), { name: 'RSA-OAEP', hash: 'SHA-256' }, false, ['decrypt']); return E(() => subtle.encrypt({ name: 'RSA-OAEP' }, key, new Uint8Array(10)))",
    P + "const key = await subtle.importKey('pkcs8', d64(k.rsaOaep.pkcs8), { name: 'RSA-OAEP', hash: 'SHA-256' }, false, ['decrypt']); return E(() => subtle.decrypt({ name: 'RSA-OAEP' }, key, new Uint8Array(128)))",
    P + "const key = await subtle.importKey('raw', new Uint8Array(16), 'AES-GCM', false, ['encrypt']); return E(() => subtle.encrypt({ name: 'AES-GCM' }, key, b('m')))",
    P + "const key = await subtle.importKey('raw', new Uint8Array(16), 'AES-GCM', false, ['encrypt']); return E(() => subtle.encrypt({ name: 'AES-GCM', iv: new Uint8Array(12), tagLength: 100 }, key, b('m')))",
    P + "const key = await subtle.importKey('raw', new Uint8Array(16), 'AES-GCM', false, ['decrypt']); return E(() => subtle.decrypt({ name: 'AES-GCM', iv: new Uint8Array(12) }, key, new Uint8Array(20)))",
    P + "const key = await subtle.importKey('raw', new Uint8Array(16), 'AES-GCM', false, ['decrypt']); return E(() => subtle.decrypt({ name: 'AES-GCM', iv: new Uint8Array(12) }, key, new Uint8Array(4)))",
    P + "const key = await subtle.importKey('raw', new Uint8Array(16), 'AES-GCM', false, ['encrypt', 'decrypt']); const ct = new Uint8Array(await subtle.encrypt({ name: 'AES-GCM', iv: new Uint8Array(12) }, key, b('tamper'))); ct[0] ^= 1;\n"
    "return E(() => subtle.decrypt({ name: 'AES-GCM', iv: new Uint8Array(12) }, key, ct))",
    P + "const key = await subtle.importKey('raw', new Uint8Array(16), 'AES-GCM', false, ['encrypt', 'decrypt']); const ct = new Uint8Array(await subtle.encrypt({ name: 'AES-GCM', iv: new Uint8Array(12), tagLength: 64 }, key, b('tamper'))); ct[ct.length - 1] ^= 1;\n"
    "return E(() => subtle.decrypt({ name: 'AES-GCM', iv: new Uint8Array(12), tagLength: 64 }, key, ct))",
    P + "const key = await subtle.importKey('raw', new Uint8Array(16), 'AES-GCM', false, ['encrypt']); return E(() => subtle.decrypt({ name: 'AES-GCM', iv: new Uint8Array(12) }, key, new Uint8Array(20)))",
    P + "const key = await subtle.importKey('raw', new Uint8Array(16), 'AES-CBC', false, ['encrypt']); return E(() => subtle.encrypt({ name: 'AES-CBC', iv: new Uint8Array(8) }, key, b('m')))",
    P + "const key = await subtle.importKey('raw', new Uint8Array(16), 'AES-CBC', false, ['decrypt']); return E(() => subtle.decrypt({ name: 'AES-CBC', iv: new Uint8Array(16) }, key, new Uint8Array(16)))",
    P + "const key = await subtle.importKey('raw', new Uint8Array(16), 'AES-CBC', false, ['decrypt']); return E(() => subtle.decrypt({ name: 'AES-CBC', iv: new Uint8Array(16) }, key, new Uint8Array(15)))",
    P + "const key = await subtle.importKey('raw', new Uint8Array(16), 'AES-GCM', false, ['encrypt']); return E(() => subtle.encrypt({ name: 'AES-CBC', iv: new Uint8Array(16) }, key, b('m')))",
    P + "const key = await subtle.importKey('raw', new Uint8Array(16), 'AES-CTR', false, ['encrypt']); return E(() => subtle.encrypt({ name: 'AES-CTR', length: 64 }, key, b('m')))",
    P + "const key = await subtle.importKey('raw', new Uint8Array(16), 'AES-CTR', false, ['encrypt']); return E(() => subtle.encrypt({ name: 'AES-CTR', counter: new Uint8Array(8), length: 64 }, key, b('m')))",
    P + "const key = await subtle.importKey('raw', new Uint8Array(16), 'AES-CTR', false, ['encrypt']); return E(() => subtle.encrypt({ name: 'AES-CTR', counter: new Uint8Array(16), length: 0 }, key, b('m')))",
    P + "const key = await subtle.importKey('raw', new Uint8Array(16), 'AES-CTR', false, ['encrypt']); return E(() => subtle.encrypt({ name: 'AES-CTR', counter: new Uint8Array(16) }, key, b('m')))",
    P + "const key = await subtle.importKey('raw', new Uint8Array(16), 'AES-KW', false, ['wrapKey']); return E(() => subtle.encrypt('AES-KW', key, new Uint8Array(16)))",
]

DERIVE = [
    *[P + f"const key = await subtle.importKey('raw', b('password'), 'PBKDF2', false, ['deriveBits']); return hex(await subtle.deriveBits({{ name: 'PBKDF2', salt: b('salt'), iterations: {i}, hash: '{h}' }}, key, {n}))"
      for i, h, n in ((1, "SHA-1", 160), (1000, "SHA-256", 256), (10, "SHA-512", 512), (2, "SHA-384", 128), (1, "SHA-256", 0))],
    *[P + f"const key = await subtle.importKey('raw', u('0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b'), 'HKDF', false, ['deriveBits']); return hex(await subtle.deriveBits({{ name: 'HKDF', salt: {s}, info: {inf}, hash: '{h}' }}, key, {n}))"
      for s, inf, h, n in (("u('000102030405060708090a0b0c')", "u('f0f1f2f3f4f5f6f7f8f9')", "SHA-256", 336),
                           ("new Uint8Array(0)", "new Uint8Array(0)", "SHA-256", 256), ("b('s')", "b('i')", "SHA-512", 1024),
                           ("b('s')", "b('i')", "SHA-1", 160), ("b('s')", "b('i')", "SHA-384", 8))],
    P + "const key = await subtle.importKey('raw', b('pw'), 'PBKDF2', false, ['deriveKey']);\n"
    "const aes = await subtle.deriveKey({ name: 'PBKDF2', salt: b('salt'), iterations: 100, hash: 'SHA-256' }, key, { name: 'AES-GCM', length: 256 }, true, ['encrypt']);\n"
    "return [aes.algorithm, aes.usages, hex(await subtle.exportKey('raw', aes))]",
    P + "const key = await subtle.importKey('raw', b('ikm'), 'HKDF', false, ['deriveKey']);\n"
    "const mac = await subtle.deriveKey({ name: 'HKDF', salt: b('s'), info: b('i'), hash: 'SHA-256' }, key, { name: 'HMAC', hash: 'SHA-384' }, true, ['sign']);\n"
    "return [mac.algorithm, hex(await subtle.exportKey('raw', mac))]",
    P + "const key = await subtle.importKey('raw', b('ikm'), 'HKDF', false, ['deriveKey']);\n"
    "const mac = await subtle.deriveKey({ name: 'HKDF', salt: b('s'), info: b('i'), hash: 'SHA-256' }, key, { name: 'HMAC', hash: 'SHA-256', length: 128 }, true, ['sign']);\n"
    "return [mac.algorithm, hex(await subtle.exportKey('raw', mac))]",
    P + "const key = await subtle.importKey('raw', b('ikm'), 'HKDF', false, ['deriveKey']);\n"
    "const kw = await subtle.deriveKey({ name: 'HKDF', salt: b('s'), info: b('i'), hash: 'SHA-256' }, key, { name: 'AES-KW', length: 128 }, false, ['wrapKey']);\n"
    "return [kw.algorithm, kw.extractable, kw.usages]",
    *[P + f"const priv = await subtle.importKey('pkcs8', d64(k.{c}.pkcs8), {ALG[c]}, false, ['deriveBits']); const pub = await subtle.importKey('spki', d64(k.{c}2.spki), {ALG[c]}, false, []);\n"
      f"const priv2 = await subtle.importKey('jwk', k.{c}2.jwk, {ALG[c]}, false, ['deriveBits']); const pub2 = await subtle.importKey('raw', d64(k.{c}.raw), {ALG[c]}, false, []);\n"
      f"const a = hex(await subtle.deriveBits({{ name: '{ALG[c].split(chr(39))[1]}', public: pub }}, priv)); return [a, a === hex(await subtle.deriveBits({{ name: '{ALG[c].split(chr(39))[1]}', public: pub2 }}, priv2, null)), hex(await subtle.deriveBits({{ name: '{ALG[c].split(chr(39))[1]}', public: pub }}, priv, 128))]"
      for c in ("p256dh", "p384dh", "p521dh", "x")],
    P + "const priv = await subtle.importKey('pkcs8', d64(k.x.pkcs8), 'X25519', false, ['deriveKey']); const pub = await subtle.importKey('raw', d64(k.x2.raw), 'X25519', true, []);\n"
    "const aes = await subtle.deriveKey({ name: 'X25519', public: pub }, priv, { name: 'AES-CBC', length: 128 }, true, ['encrypt']); return hex(await subtle.exportKey('raw', aes))",
    P + "const priv = await subtle.importKey('jwk', k.p256dh.jwk, { name: 'ECDH', namedCurve: 'P-256' }, false, ['deriveKey']); const pub = await subtle.importKey('jwk', k.p256dh2.jwkPub, { name: 'ECDH', namedCurve: 'P-256' }, true, []);\n"
    "const mac = await subtle.deriveKey({ name: 'ECDH', public: pub }, priv, { name: 'HMAC', hash: 'SHA-256', length: 256 }, true, ['sign']); return [mac.algorithm, hex(await subtle.exportKey('raw', mac))]",
    P + "const key = await subtle.importKey('raw', b('pw'), 'PBKDF2', false, ['deriveBits']); return E(() => subtle.deriveBits({ name: 'PBKDF2', salt: b('s'), iterations: 1, hash: 'SHA-256' }, key))",
    P + "const key = await subtle.importKey('raw', b('pw'), 'PBKDF2', false, ['deriveBits']); return E(() => subtle.deriveBits({ name: 'PBKDF2', salt: b('s'), iterations: 0, hash: 'SHA-256' }, key, 256))",
    P + "const key = await subtle.importKey('raw', b('pw'), 'PBKDF2', false, ['deriveBits']); return E(() => subtle.deriveBits({ name: 'PBKDF2', salt: b('s'), iterations: 1, hash: 'SHA-256' }, key, 7))",
    P + "const key = await subtle.importKey('raw', b('pw'), 'PBKDF2', false, ['deriveBits']); return E(() => subtle.deriveBits({ name: 'PBKDF2', iterations: 1, hash: 'SHA-256' }, key, 8))",
    P + "const key = await subtle.importKey('raw', b('ikm'), 'HKDF', false, ['deriveBits']); return E(() => subtle.deriveBits({ name: 'HKDF', salt: b('s'), info: b('i'), hash: 'SHA-256' }, key))",
    P + "const key = await subtle.importKey('raw', b('ikm'), 'HKDF', false, ['deriveBits']); return E(() => subtle.deriveBits({ name: 'HKDF', salt: b('s'), hash: 'SHA-256' }, key, 128))",
    P + "const key = await subtle.importKey('raw', b('ikm'), 'HKDF', false, ['deriveBits']); return E(() => subtle.deriveBits({ name: 'HKDF', salt: b('s'), info: b('i'), hash: 'SHA-256' }, key, 255 * 256 + 8))",
    P + "const key = await subtle.importKey('raw', b('ikm'), 'HKDF', false, ['deriveKey']); return E(() => subtle.deriveBits({ name: 'HKDF', salt: b('s'), info: b('i'), hash: 'SHA-256' }, key, 128))",
    P + "const key = await subtle.importKey('raw', b('ikm'), 'HKDF', false, ['deriveBits']); return E(() => subtle.deriveBits({ name: 'PBKDF2', salt: b('s'), iterations: 1, hash: 'SHA-256' }, key, 128))",
    P + "const key = await subtle.importKey('raw', b('ikm'), 'HKDF', false, ['deriveKey']); return E(() => subtle.deriveKey({ name: 'HKDF', salt: b('s'), info: b('i'), hash: 'SHA-256' }, key, { name: 'AES-GCM', length: 100 }, true, ['encrypt']))",
    P + "const key = await subtle.importKey('raw', b('ikm'), 'HKDF', false, ['deriveKey']); return E(() => subtle.deriveKey({ name: 'HKDF', salt: b('s'), info: b('i'), hash: 'SHA-256' }, key, { name: 'AES-GCM', length: 128 }, true, ['sign']))",
    P + "const priv = await subtle.importKey('pkcs8', d64(k.p256dh.pkcs8), { name: 'ECDH', namedCurve: 'P-256' }, false, ['deriveBits']); return E(() => subtle.deriveBits({ name: 'ECDH' }, priv, 256))",
    P + "const priv = await subtle.importKey('pkcs8', d64(k.p256dh.pkcs8), { name: 'ECDH', namedCurve: 'P-256' }, false, ['deriveBits']); return E(() => subtle.deriveBits({ name: 'ECDH', public: priv }, priv, 256))",
    P + "const priv = await subtle.importKey('pkcs8', d64(k.p256dh.pkcs8), { name: 'ECDH', namedCurve: 'P-256' }, false, ['deriveBits']); const pub = await subtle.importKey('spki', d64(k.p384dh.spki), { name: 'ECDH', namedCurve: 'P-384' }, false, []);\n"
    "return E(() => subtle.deriveBits({ name: 'ECDH', public: pub }, priv, 256))",
    P + "const priv = await subtle.importKey('pkcs8', d64(k.p256dh.pkcs8), { name: 'ECDH', namedCurve: 'P-256' }, false, ['deriveBits']); const pub = await subtle.importKey('spki', d64(k.p256dh2.spki), { name: 'ECDH', namedCurve: 'P-256' }, false, []);\n"
    "return E(() => subtle.deriveBits({ name: 'ECDH', public: pub }, priv, 512))",
    P + "const priv = await subtle.importKey('pkcs8', d64(k.x.pkcs8), 'X25519', false, ['deriveBits']); const pub = await subtle.importKey('spki', d64(k.p256dh.spki), { name: 'ECDH', namedCurve: 'P-256' }, false, []);\n"
    "return E(() => subtle.deriveBits({ name: 'X25519', public: pub }, priv, 256))",
    P + "const priv = await subtle.importKey('pkcs8', d64(k.x.pkcs8), 'X25519', false, ['deriveBits']); return E(() => subtle.deriveBits({ name: 'X25519', public: 'nope' }, priv, 256))",
]

WRAP = [
    *[P + f"const kek = await subtle.importKey('raw', d64(k.aesKW{n}.raw), 'AES-KW', false, ['wrapKey', 'unwrapKey']); const key = await subtle.importKey('raw', d64(k.{inner}.raw), {a}, true, {u});\n"
      f"const wrapped = await subtle.wrapKey('raw', key, kek, 'AES-KW'); const back = await subtle.unwrapKey('raw', wrapped, kek, 'AES-KW', {a}, true, {u});\n"
      f"return [hex(wrapped), back.algorithm, hex(await subtle.exportKey('raw', back)) === hex(d64(k.{inner}.raw))]"
      for n in (128, 256) for inner, a, u in (("aesGCM256", "'AES-GCM'", "['encrypt']"), ("hmac256", "{ name: 'HMAC', hash: 'SHA-256' }", "['sign']"))],
    P + "const kek = await subtle.importKey('raw', d64(k.aesKW256.raw), 'AES-KW', false, ['wrapKey', 'unwrapKey']); const key = await subtle.importKey('jwk', k.aesGCM128.jwk, 'AES-GCM', true, ['encrypt']);\n"
    "const wrapped = await subtle.wrapKey('jwk', key, kek, 'AES-KW'); const back = await subtle.unwrapKey('jwk', wrapped, kek, 'AES-KW', 'AES-GCM', true, ['encrypt']);\n"
    "return [hex(wrapped), await subtle.exportKey('jwk', back)]",
    P + "const kek = await subtle.importKey('raw', d64(k.aesGCM256.raw), 'AES-GCM', false, ['wrapKey', 'unwrapKey']); const key = await subtle.importKey('pkcs8', d64(k.ed.pkcs8), 'Ed25519', true, ['sign']);\n"
    "const iv = new Uint8Array(12); const wrapped = await subtle.wrapKey('pkcs8', key, kek, { name: 'AES-GCM', iv });\n"
    "const back = await subtle.unwrapKey('pkcs8', wrapped, kek, { name: 'AES-GCM', iv }, 'Ed25519', true, ['sign']); return [hex(wrapped), await subtle.exportKey('jwk', back)]",
    P + "const kek = await subtle.importKey('raw', d64(k.aesCBC128.raw), 'AES-CBC', false, ['wrapKey', 'unwrapKey']); const key = await subtle.importKey('jwk', k.hmac512.jwk, { name: 'HMAC', hash: 'SHA-512' }, true, ['sign']);\n"
    "const iv = new Uint8Array(16); const wrapped = await subtle.wrapKey('jwk', key, kek, { name: 'AES-CBC', iv });\n"
    "const back = await subtle.unwrapKey('jwk', wrapped, kek, { name: 'AES-CBC', iv }, { name: 'HMAC', hash: 'SHA-512' }, false, ['sign']); return [hex(wrapped), back.algorithm, back.extractable]",
    P + "const pub = await subtle.importKey('spki', d64(k.rsaOaep.spki), { name: 'RSA-OAEP', hash: 'SHA-256' }, false, ['wrapKey']); const priv = await subtle.importKey('pkcs8', d64(k.rsaOaep.pkcs8), { name: 'RSA-OAEP', hash: 'SHA-256' }, false, ['unwrapKey']);\n"
    "const key = await subtle.importKey('raw', d64(k.aesGCM128.raw), 'AES-GCM', true, ['encrypt']); const wrapped = await subtle.wrapKey('raw', key, pub, 'RSA-OAEP');\n"
    "const back = await subtle.unwrapKey('raw', wrapped, priv, 'RSA-OAEP', 'AES-GCM', true, ['encrypt']); return [wrapped.byteLength, hex(await subtle.exportKey('raw', back)) === hex(d64(k.aesGCM128.raw))]",
    P + "const kek = await subtle.importKey('raw', d64(k.aesKW128.raw), 'AES-KW', false, ['wrapKey']); const key = await subtle.importKey('raw', new Uint8Array(20), { name: 'HMAC', hash: 'SHA-256' }, true, ['sign']);\n"
    "return E(() => subtle.wrapKey('raw', key, kek, 'AES-KW'))",
    P + "const kek = await subtle.importKey('raw', d64(k.aesKW128.raw), 'AES-KW', false, ['unwrapKey']); return E(() => subtle.unwrapKey('raw', new Uint8Array(24), kek, 'AES-KW', 'AES-GCM', true, ['encrypt']))",
    P + "const kek = await subtle.importKey('raw', d64(k.aesKW128.raw), 'AES-KW', false, ['unwrapKey']); const key = await subtle.importKey('raw', new Uint8Array(16), 'AES-GCM', true, ['encrypt']);\n"
    "return E(() => subtle.wrapKey('raw', key, kek, 'AES-KW'))",
    P + "const kek = await subtle.importKey('raw', d64(k.aesKW128.raw), 'AES-KW', false, ['wrapKey']); const key = await subtle.importKey('raw', new Uint8Array(16), 'AES-GCM', false, ['encrypt']);\n"
    "return E(() => subtle.wrapKey('raw', key, kek, 'AES-KW'))",
    P + "const kek = await subtle.importKey('raw', d64(k.aesKW128.raw), 'AES-KW', false, ['wrapKey']); return E(() => subtle.wrapKey('raw', kek, kek))",
]

# What the less-travelled paths give: lengths that are not whole bytes, JWK members that
# disagree with the algorithm, exports that an algorithm does not have.
EDGES = [
    P + "const priv = await subtle.importKey('pkcs8', d64(k.p256dh.pkcs8), { name: 'ECDH', namedCurve: 'P-256' }, false, ['deriveBits']); const pub = await subtle.importKey('spki', d64(k.p256dh2.spki), { name: 'ECDH', namedCurve: 'P-256' }, false, []);\n"
    "return [hex(await subtle.deriveBits({ name: 'ECDH', public: pub }, priv, 100)), hex(await subtle.deriveBits({ name: 'ECDH', public: pub }, priv, 0))]",
    P + "const key = await subtle.generateKey({ name: 'HMAC', hash: 'SHA-256', length: 100 }, true, ['sign']); return [key.algorithm.length, (await subtle.exportKey('raw', key)).byteLength, (await subtle.exportKey('jwk', key)).k.length]",
    P + "const key = await subtle.importKey('raw', b('ikm'), 'HKDF', false, ['deriveBits']); return E(() => subtle.exportKey('raw', key))",
    P + "return E(() => subtle.importKey('jwk', { ...k.ed.jwkPub, crv: 'Ed448' }, 'Ed25519', true, ['verify']))",
    P + "return E(() => subtle.importKey('jwk', { ...k.x.jwkPub }, 'Ed25519', true, ['verify']))",
    P + "return E(() => subtle.importKey('jwk', { ...k.hmac256.jwk, use: 'enc' }, { name: 'HMAC', hash: 'SHA-256' }, true, ['sign']))",
    P + "return E(() => subtle.importKey('jwk', { ...k.aesGCM128.jwk, use: 'sig' }, 'AES-GCM', true, ['encrypt']))",
    P + "return E(() => subtle.importKey('jwk', { ...k.p256.jwkPub, use: 'enc' }, { name: 'ECDSA', namedCurve: 'P-256' }, true, ['verify']))",
    P + "return E(() => subtle.importKey('jwk', k.p256.jwk, { name: 'ECDSA', namedCurve: 'P-256' }, true, ['verify']))",
    P + "return E(() => subtle.importKey('spki', d64(k.ed.spki), 'X25519', true, []))",
    P + "return E(() => subtle.importKey('raw', d64(k.p256.raw), { name: 'ECDSA', namedCurve: 'P-256' }, true, ['sign']))",
    P + "return E(() => subtle.importKey('spki', d64(k.p256.spki), 'AES-GCM', true, ['encrypt']))",
    P + "return E(() => subtle.importKey('jwk', 'text', 'AES-GCM', true, ['encrypt']))",
    P + "const key = await subtle.importKey('raw', b('pw'), 'PBKDF2', false, ['deriveBits']); return E(() => subtle.exportKey('jwk', key))",
    P + "const key = await subtle.importKey('pkcs8', d64(k.rsaPkcs1.pkcs8), { name: 'RSASSA-PKCS1-v1_5', hash: 'SHA-256' }, true, ['sign']); return E(() => subtle.exportKey('raw', key))",
    P + "const pair = await subtle.generateKey({ name: 'RSA-PSS', modulusLength: 1024, publicExponent: new Uint8Array([3]), hash: 'SHA-1' }, true, ['sign']); return [pair.privateKey.algorithm, (await subtle.exportKey('jwk', pair.privateKey)).alg]",
    P + "return E(() => subtle.generateKey({ name: 'RSA-PSS', modulusLength: 1024, publicExponent: new Uint8Array([1, 0, 0]), hash: 'SHA-1' }, true, ['sign']))",
    P + "const key = await subtle.importKey('raw', new Uint8Array(16), 'AES-CBC', true, ['encrypt']); const a = key.algorithm; a.length = 1; return [key.algorithm.length, key.algorithm === key.algorithm]",
    P + "return E(() => subtle.deriveBits({ name: 'HKDF', salt: b('s'), info: b('i'), hash: 'SHA-256' }, {}, 8))",
    P + "return E(() => subtle.encrypt({ name: 'AES-GCM', iv: 'nope' }, {}, b('m')))",
    P + "const key = await subtle.importKey('raw', new Uint8Array(16), 'AES-GCM', false, ['encrypt']); return E(() => subtle.encrypt({ name: 'AES-GCM', iv: 'nope' }, key, b('m')))",
    P + "const key = await subtle.importKey('raw', new Uint8Array(16), 'AES-GCM', false, ['encrypt']); return E(() => subtle.encrypt({ name: 'AES-GCM', iv: new Uint8Array(0) }, key, b('m')))",
]

GROUPS = [("digest", DIGEST), ("generate", GENERATE), ("import-export", IMPORT_EXPORT), ("sign", SIGN), ("cipher", CIPHER),
          ("derive", DERIVE), ("wrap", WRAP), ("edges", EDGES)]
ALL = [code for _, group in GROUPS for code in group]


node_keys, node_outcomes = keyed_fixtures(KEYGEN, ALL)


@pytest.mark.parametrize("index", range(len(ALL)), ids=case_ids(ALL, GROUPS))
def test_webcrypto_matches_node24(cb1: CodeBlockClient, node_keys: dict[str, Any],
                                  node_outcomes: list[dict[str, Any]], index: int) -> None:
    code = ALL[index]
    status, body = cb1.run(code, {"k": node_keys})
    assert_same_as_node(code, status, body, node_outcomes[index])


# -- round trips across the two: made here, checked in Node ---------------------------------------

MADE_HERE = {
    "ecdsa-p256": (P + "const key = await subtle.importKey('pkcs8', d64(k.p256.pkcs8), { name: 'ECDSA', namedCurve: 'P-256' }, false, ['sign']);\n"
                   "return Buffer.from(await subtle.sign({ name: 'ECDSA', hash: 'SHA-256' }, key, b('made here'))).toString('base64')",
                   P + "const pub = await subtle.importKey('spki', d64(k.p256.spki), { name: 'ECDSA', namedCurve: 'P-256' }, false, ['verify']);\n"
                   "return subtle.verify({ name: 'ECDSA', hash: 'SHA-256' }, pub, d64(input.made), b('made here'))"),
    "ecdsa-p521": (P + "const key = await subtle.importKey('jwk', k.p521.jwk, { name: 'ECDSA', namedCurve: 'P-521' }, false, ['sign']);\n"
                   "return Buffer.from(await subtle.sign({ name: 'ECDSA', hash: 'SHA-512' }, key, b('made here'))).toString('base64')",
                   P + "const pub = await subtle.importKey('raw', d64(k.p521.raw), { name: 'ECDSA', namedCurve: 'P-521' }, false, ['verify']);\n"
                   "return subtle.verify({ name: 'ECDSA', hash: 'SHA-512' }, pub, d64(input.made), b('made here'))"),
    "rsa-pss": (P + "const key = await subtle.importKey('pkcs8', d64(k.rsaPss.pkcs8), { name: 'RSA-PSS', hash: 'SHA-384' }, false, ['sign']);\n"
                "return Buffer.from(await subtle.sign({ name: 'RSA-PSS', saltLength: 32 }, key, b('made here'))).toString('base64')",
                P + "const pub = await subtle.importKey('spki', d64(k.rsaPss.spki), { name: 'RSA-PSS', hash: 'SHA-384' }, false, ['verify']);\n"
                "return subtle.verify({ name: 'RSA-PSS', saltLength: 32 }, pub, d64(input.made), b('made here'))"),
    "rsa-oaep": (P + "const pub = await subtle.importKey('spki', d64(k.rsaOaep.spki), { name: 'RSA-OAEP', hash: 'SHA-256' }, false, ['encrypt']);\n"
                 "return Buffer.from(await subtle.encrypt({ name: 'RSA-OAEP', label: b('L') }, pub, b('made here'))).toString('base64')",
                 P + "const key = await subtle.importKey('pkcs8', d64(k.rsaOaep.pkcs8), { name: 'RSA-OAEP', hash: 'SHA-256' }, false, ['decrypt']);\n"
                 "return new TextDecoder().decode(await subtle.decrypt({ name: 'RSA-OAEP', label: b('L') }, key, d64(input.made))) === 'made here'"),
    "generated-ecdsa": (P + "const pair = await subtle.generateKey({ name: 'ECDSA', namedCurve: 'P-384' }, true, ['sign', 'verify']);\n"
                        "const sig = await subtle.sign({ name: 'ECDSA', hash: 'SHA-384' }, pair.privateKey, b('made here'));\n"
                        "return Buffer.from(JSON.stringify([await subtle.exportKey('jwk', pair.publicKey), Buffer.from(sig).toString('base64')])).toString('base64')",
                        P + "const [jwk, sig] = JSON.parse(Buffer.from(input.made, 'base64').toString());\n"
                        "const pub = await subtle.importKey('jwk', jwk, { name: 'ECDSA', namedCurve: 'P-384' }, false, ['verify']);\n"
                        "return subtle.verify({ name: 'ECDSA', hash: 'SHA-384' }, pub, d64(sig), b('made here'))"),
    "generated-rsa": (P + "const pair = await subtle.generateKey({ name: 'RSASSA-PKCS1-v1_5', modulusLength: 1024, publicExponent: new Uint8Array([1, 0, 1]), hash: 'SHA-256' }, true, ['sign', 'verify']);\n"
                      "const sig = await subtle.sign('RSASSA-PKCS1-v1_5', pair.privateKey, b('made here'));\n"
                      "return Buffer.from(JSON.stringify([Buffer.from(await subtle.exportKey('spki', pair.publicKey)).toString('base64'), Buffer.from(sig).toString('base64')])).toString('base64')",
                      P + "const [spki, sig] = JSON.parse(Buffer.from(input.made, 'base64').toString());\n"
                      "const pub = await subtle.importKey('spki', d64(spki), { name: 'RSASSA-PKCS1-v1_5', hash: 'SHA-256' }, false, ['verify']);\n"
                      "return subtle.verify('RSASSA-PKCS1-v1_5', pub, d64(sig), b('made here'))"),
    "generated-x25519": (P + "const pair = await subtle.generateKey({ name: 'X25519' }, true, ['deriveBits']); const pub = await subtle.importKey('raw', d64(k.x.raw), 'X25519', true, []);\n"
                         "const bits = hex(await subtle.deriveBits({ name: 'X25519', public: pub }, pair.privateKey, 256));\n"
                         "return Buffer.from(JSON.stringify([Buffer.from(await subtle.exportKey('raw', pair.publicKey)).toString('base64'), bits])).toString('base64')",
                         P + "const [raw, bits] = JSON.parse(Buffer.from(input.made, 'base64').toString());\n"
                         "const pub = await subtle.importKey('raw', d64(raw), 'X25519', false, []); const priv = await subtle.importKey('pkcs8', d64(k.x.pkcs8), 'X25519', false, ['deriveBits']);\n"
                         "return hex(await subtle.deriveBits({ name: 'X25519', public: pub }, priv, 256)) === bits"),
}


@pytest.mark.parametrize("name", sorted(MADE_HERE))
def test_made_here_checks_in_node(cb1: CodeBlockClient, node_keys: dict[str, Any], name: str) -> None:
    make, check = MADE_HERE[name]
    made = cb1.ok(make, {"k": node_keys})
    [outcome] = run_in_node([{"code": check, "input": {"k": node_keys, "made": made}}])
    assert outcome == {"ok": True, "result": "true"}, outcome
    tampered = made[:8] + ("AAAA" if made[8:12] != "AAAA" else "BBBB") + made[12:]
    [outcome] = run_in_node([{"code": check, "input": {"k": node_keys, "made": tampered}}])
    assert outcome != {"ok": True, "result": "true"}, outcome


def test_global_subtle_installs_crypto_lazily(cb1: CodeBlockClient) -> None:
    # `subtle` named as a property installs the crypto module; reached by a computed
    # name in a code block that names neither, it says how to reach it.
    assert cb1.ok("const { subtle } = crypto; return typeof subtle.digest") == "function"
    assert cb1.ok("return crypto.subtle.constructor.name") == "SubtleCrypto"
    status, body = cb1.run("const name = 'sub' + 'tle'; return globalThis.crypto[name]")
    if status == 200:  # an earlier execution in this runtime installed the module
        assert body["result"] == {}, body
    else:
        assert body["error"]["code"] == "ERR_FEATURE_UNAVAILABLE_ON_PLATFORM", body


def test_key_of_one_execution_unreachable_from_the_next(cb1: CodeBlockClient) -> None:
    made = cb1.ok(
        "const key = await crypto.subtle.generateKey({ name: 'HMAC', hash: 'SHA-256' }, true, ['sign']);\n"
        "globalThis.leaked = key; try { CryptoKey.prototype.leaked = key; } catch {}\n"
        "try { Object.defineProperty(crypto.subtle, 'leaked', { value: key }); } catch {}\n"
        "return [Object.isFrozen(CryptoKey.prototype), Object.isFrozen(SubtleCrypto.prototype), Object.isFrozen(crypto.subtle), Object.isFrozen(CryptoKey)]"
    )
    assert made == [True, True, True, True]
    assert cb1.ok("return [typeof globalThis.leaked, 'leaked' in CryptoKey.prototype, 'leaked' in crypto.subtle]") == [
        "undefined", False, False]


def test_enough_cases() -> None:
    assert len(ALL) + 2 * len(MADE_HERE) >= 150, len(ALL)
    assert len(set(ALL)) == len(ALL), "duplicate cases"
