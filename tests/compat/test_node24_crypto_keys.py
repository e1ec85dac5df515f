"""Node 24's asymmetric and secret keys in crypto, compared with real Node 24: EC on P-256,
P-384, P-521 and secp256k1; Ed25519, Ed448, X25519 and X448; ECDH and diffieHellman; HKDF;
generateKey(Sync), createSecretKey and KeyObject's methods; Sign/Verify as streams.

Keys that Node generates (the `node_keys` fixture) are every case's `input.k`, so imports,
exports, ECDH secrets and Ed25519 signatures are compared byte for byte. ECDSA signatures
are randomised in Node (deterministic here, RFC 6979): they are compared by verification,
in the same runtime and across (signed here and verified in Node, and the other way)."""

from __future__ import annotations

import json
from typing import Any

import pytest

from compat.conftest import assert_same_as_node, case_ids, keyed_fixtures, run_in_node
from conftest import CodeBlockClient

C = "const crypto = require('crypto'); const k = input.k;\n"
EC = ("p256", "p384", "p521", "k256")
CURVE_OF = {"p256": "P-256", "p384": "P-384", "p521": "P-521", "k256": "secp256k1"}
OPENSSL_CURVE = {"p256": "prime256v1", "p384": "secp384r1", "p521": "secp521r1", "k256": "secp256k1"}
OKP = ("ed25519", "ed448", "x25519", "x448")
ED = ("ed25519", "ed448")
XDH = ("x25519", "x448")

# Made by Node once per run: each key in PEM (PKCS#8, SPKI, and SEC1 for EC) and JWK.
KEYGEN = """
const crypto = require('crypto');
const out = {};
const add = (name, type, options) => {
  const { publicKey, privateKey } = crypto.generateKeyPairSync(type, options);
  out[name] = {
    pkcs8: privateKey.export({ type: 'pkcs8', format: 'pem' }),
    spki: publicKey.export({ type: 'spki', format: 'pem' }),
    jwk: privateKey.export({ format: 'jwk' }),
    jwkPub: publicKey.export({ format: 'jwk' }),
    pkcs8Der: privateKey.export({ type: 'pkcs8', format: 'der' }).toString('base64'),
    spkiDer: publicKey.export({ type: 'spki', format: 'der' }).toString('base64'),
  };
  if (type === 'ec') out[name].sec1 = privateKey.export({ type: 'sec1', format: 'pem' });
};
for (const [name, curve] of [['p256', 'P-256'], ['p384', 'P-384'], ['p521', 'P-521'], ['k256', 'secp256k1'],
  ['p256b', 'P-256'], ['k256b', 'secp256k1']]) add(name, 'ec', { namedCurve: curve });
for (const type of ['ed25519', 'ed448', 'x25519', 'x448']) { add(type, type); add(`${type}b`, type); }
add('rsa', 'rsa', { modulusLength: 1024 });
return out;
"""

EC_IMPORT = [
    *[C + f"return crypto.createPrivateKey(k.{c}.pkcs8).export({{ type: 'pkcs8', format: 'pem' }}) === k.{c}.pkcs8" for c in EC],
    *[C + f"return crypto.createPrivateKey(k.{c}.pkcs8).export({{ type: 'sec1', format: 'pem' }})" for c in EC],
    *[C + f"return crypto.createPrivateKey(k.{c}.sec1).export({{ type: 'pkcs8', format: 'der' }}).toString('base64')" for c in EC],
    *[C + f"return crypto.createPublicKey(k.{c}.pkcs8).export({{ type: 'spki', format: 'pem' }})" for c in EC],
    *[C + f"return crypto.createPublicKey(k.{c}.spki).export({{ format: 'jwk' }})" for c in EC],
    *[C + f"return crypto.createPrivateKey(k.{c}.pkcs8).export({{ format: 'jwk' }})" for c in EC],
    *[C + f"const key = crypto.createPrivateKey({{ key: k.{c}.jwk, format: 'jwk' }}); return [key.type, key.asymmetricKeyType, key.asymmetricKeyDetails, key.export({{ type: 'sec1', format: 'der' }}).toString('hex')]" for c in EC],
    *[C + f"return crypto.createPublicKey({{ key: k.{c}.jwkPub, format: 'jwk' }}).export({{ type: 'spki', format: 'der' }}).toString('base64')" for c in EC],
    *[C + f"return crypto.createPublicKey({{ key: Buffer.from(k.{c}.spkiDer, 'base64'), format: 'der', type: 'spki' }}).export({{ format: 'jwk' }})" for c in EC],
    *[C + f"return crypto.createPrivateKey({{ key: Buffer.from(k.{c}.pkcs8Der, 'base64'), format: 'der', type: 'pkcs8' }}).asymmetricKeyDetails" for c in EC],
    *[C + f"const der = crypto.createPrivateKey(k.{c}.pkcs8).export({{ type: 'sec1', format: 'der' }}); return crypto.createPrivateKey({{ key: der, format: 'der', type: 'sec1' }}).export({{ format: 'jwk' }})" for c in EC],
    C + "return crypto.createPublicKey({ key: k.p256.jwk, format: 'jwk' }).type",
    C + "return crypto.createPublicKey(crypto.createPrivateKey(k.p256.pkcs8)).export({ format: 'jwk' })",
    C + "return crypto.createPublicKey(k.p256.sec1).export({ type: 'spki', format: 'pem' }) === k.p256.spki",
    C + "const a = crypto.createPrivateKey(k.p256.pkcs8); const b = crypto.createPrivateKey(k.p256.sec1); const c = crypto.createPrivateKey(k.p256b.pkcs8);\n"
    "return [a.equals(b), a.equals(c), crypto.createPublicKey(k.p256.spki).equals(crypto.createPublicKey(a)), a.equals(crypto.createPublicKey(a))]",
    C + "const key = crypto.createPublicKey(k.k256.spki); return [key.type, key.asymmetricKeyType, key.asymmetricKeyDetails, key.symmetricKeySize]",
    C + "const key = crypto.createPrivateKey(k.p521.pkcs8); return [String(key), Object.prototype.toString.call(key), key instanceof crypto.KeyObject, key.constructor.name]",
    C + "return crypto.createPrivateKey({ key: k.p384.pkcs8, format: 'pem' }).export({ type: 'pkcs8', format: 'der' }).length",
    C + "return crypto.createPrivateKey(Buffer.from(k.p256.pkcs8)).asymmetricKeyType",
    C + "return crypto.createPublicKey(new TextEncoder().encode(k.p256.spki).buffer).asymmetricKeyType",
    C + "const pem = crypto.createPrivateKey(k.p256.pkcs8).export({ type: 'pkcs8', format: 'pem', cipher: 'aes-256-cbc', passphrase: 'top secret' });\n"
    "return [pem.split('\\n')[0], crypto.createPrivateKey({ key: pem, passphrase: 'top secret' }).export({ format: 'jwk' }).d === k.p256.jwk.d]",
    C + "const der = crypto.createPrivateKey(k.ed25519.pkcs8).export({ type: 'pkcs8', format: 'der', cipher: 'aes-128-cbc', passphrase: Buffer.from('pw') });\n"
    "return crypto.createPrivateKey({ key: der, format: 'der', type: 'pkcs8', passphrase: 'pw' }).export({ format: 'jwk' }).d === k.ed25519.jwk.d",
]

EC_GENERATE = [
    *[C + f"const {{ publicKey, privateKey }} = crypto.generateKeyPairSync('ec', {{ namedCurve: '{name}' }});\n"
      "return [publicKey.type, privateKey.type, privateKey.asymmetricKeyType, privateKey.asymmetricKeyDetails, publicKey.asymmetricKeyDetails,\n"
      "  Object.keys(privateKey.export({ format: 'jwk' })), publicKey.export({ type: 'spki', format: 'der' }).length]"
      for name in ("P-256", "prime256v1", "P-384", "secp384r1", "P-521", "secp521r1", "secp256k1")],
    *[C + f"const {{ publicKey, privateKey }} = crypto.generateKeyPairSync('ec', {{ namedCurve: '{name}', publicKeyEncoding: {{ type: 'spki', format: 'pem' }}, privateKeyEncoding: {{ type: '{t}', format: 'pem' }} }});\n"
      "return [publicKey.split('\\n')[0], privateKey.split('\\n')[0], crypto.verify('sha256', Buffer.from('m'), publicKey, crypto.sign('sha256', Buffer.from('m'), privateKey))]"
      for name in ("P-256", "secp256k1") for t in ("pkcs8", "sec1")],
    C + "const { publicKey, privateKey } = crypto.generateKeyPairSync('ec', { namedCurve: 'P-384', publicKeyEncoding: { format: 'jwk' }, privateKeyEncoding: { format: 'jwk' } });\n"
    "return [publicKey.crv, privateKey.crv, Object.keys(privateKey), Buffer.from(privateKey.d, 'base64url').length]",
    C + "const { privateKey } = crypto.generateKeyPairSync('ec', { namedCurve: 'P-521', privateKeyEncoding: { type: 'sec1', format: 'der' } }); return [Buffer.isBuffer(privateKey), privateKey[0]]",
    C + "const { privateKey } = crypto.generateKeyPairSync('ec', { namedCurve: 'P-256', paramEncoding: 'named' }); return privateKey.asymmetricKeyDetails",
    C + "return await new Promise((r) => crypto.generateKeyPair('ec', { namedCurve: 'P-256' }, (e, pub, priv) => r([e, pub.type, priv.type, priv.asymmetricKeyDetails])))",
    C + "return await new Promise((r) => crypto.generateKeyPair('ed25519', (e, pub, priv) => r([e, pub.asymmetricKeyType, priv.type])))",
    C + "const a = crypto.generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey.export({ format: 'jwk' }).d;\n"
    "const b = crypto.generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey.export({ format: 'jwk' }).d; return a !== b",
    *[C + f"const {{ publicKey, privateKey }} = crypto.generateKeyPairSync('{t}');\n"
      "return [publicKey.type, privateKey.asymmetricKeyType, privateKey.asymmetricKeyDetails, privateKey.export({ format: 'jwk' }).crv,\n"
      "  privateKey.export({ type: 'pkcs8', format: 'der' }).length, publicKey.export({ type: 'spki', format: 'der' }).length]" for t in OKP],
    *[C + f"const {{ publicKey, privateKey }} = crypto.generateKeyPairSync('{t}', {{ publicKeyEncoding: {{ type: 'spki', format: 'pem' }}, privateKeyEncoding: {{ type: 'pkcs8', format: 'pem' }} }});\n"
      "return [publicKey.split('\\n')[0], privateKey.split('\\n')[0], privateKey.length > 100]" for t in OKP],
]

GENERATE_ERRORS = [
    C + "return crypto.generateKeyPairSync('ec', { namedCurve: 'nope' })",
    C + "return crypto.generateKeyPairSync('ec', { namedCurve: 'secp256r1' })",
    C + "return crypto.generateKeyPairSync('ec', { namedCurve: 'Ed25519' })",
    C + "return crypto.generateKeyPairSync('ec', {})",
    C + "return crypto.generateKeyPairSync('ec')",
    C + "return crypto.generateKeyPairSync('ec', { namedCurve: 1 })",
    C + "return crypto.generateKeyPairSync('ec', { namedCurve: 'P-256', paramEncoding: 'x' })",
    C + "return crypto.generateKeyPairSync('nope', {})",
    C + "return crypto.generateKeyPairSync(1, {})",
    C + "return crypto.generateKeyPairSync('ed25519', { publicKeyEncoding: 'pem' })",
    C + "return crypto.generateKeyPairSync('ed25519', { publicKeyEncoding: { format: 'pem' } })",
    C + "return crypto.generateKeyPairSync('ed25519', { privateKeyEncoding: { format: 'pem', type: 'sec1' } })",
    C + "return crypto.generateKeyPairSync('ec', { namedCurve: 'P-256', privateKeyEncoding: { format: 'pem', type: 'pkcs1' } })",
    C + "return crypto.generateKeyPairSync('x25519', { publicKeyEncoding: { format: 'pem', type: 'pkcs8' } })",
    C + "return crypto.generateKeyPairSync('ed25519', { privateKeyEncoding: { format: 'xml', type: 'pkcs8' } })",
    C + "return crypto.generateKeyPair('ec', { namedCurve: 'P-256' })",
    C + "return crypto.generateKeyPair('ec', { namedCurve: 'nope' }, () => {})",
]

EXPORT_ERRORS = [
    C + "return crypto.createPrivateKey(k.p256.pkcs8).export()",
    C + "return crypto.createPublicKey(k.p256.spki).export()",
    C + "return crypto.createPublicKey(k.p256.spki).export({ format: 'x', type: 'spki' })",
    C + "return crypto.createPublicKey(k.p256.spki).export({ format: 'pem' })",
    C + "return crypto.createPrivateKey(k.p256.pkcs8).export({ format: 'pem' })",
    C + "return crypto.createPublicKey(k.p256.spki).export({ format: 'pem', type: 'sec1' })",
    C + "return crypto.createPrivateKey(k.p256.pkcs8).export({ format: 'der', type: 'pkcs1' })",
    C + "return crypto.createPrivateKey(k.ed25519.pkcs8).export({ format: 'pem', type: 'sec1' })",
    C + "return crypto.createPrivateKey(k.p256.pkcs8).export({ format: 'pem', type: 'spki' })",
    C + "return crypto.createPublicKey(k.p256.spki).export({ format: 'pem', type: 'pkcs8' })",
    C + "return crypto.createPrivateKey(k.p256.pkcs8).export({ format: 'jwk', passphrase: 'x' })",
    C + "return crypto.createPrivateKey(k.p256.pkcs8).export({ format: 'pem', type: 'pkcs8', cipher: 'aes-256-cbc' })",
    C + "return crypto.createPrivateKey(k.p256.pkcs8).export({ format: 'pem', type: 'pkcs8', passphrase: 'x' })",
    C + "return crypto.createPrivateKey(k.p256.pkcs8).export({ format: 'der', type: 'sec1', cipher: 'aes-256-cbc', passphrase: 'x' })",
    C + "return crypto.createPrivateKey(k.p256.pkcs8).export({ format: 'pem', type: 'pkcs8', cipher: 1, passphrase: 'x' })",
    C + "return crypto.createPrivateKey(k.p256.pkcs8).export('pem')",
]

IMPORT_ERRORS = [
    C + "return crypto.createPrivateKey(crypto.createPrivateKey(k.p256.pkcs8))",
    C + "return crypto.createPublicKey(crypto.createPublicKey(k.p256.spki))",
    C + "return crypto.createPrivateKey(1)",
    C + "return crypto.createPublicKey(1)",
    C + "return crypto.createPrivateKey({ key: 1 })",
    C + "return crypto.createPrivateKey({ key: 'x', format: 'jwk' })",
    C + "return crypto.createPrivateKey({ key: { kty: 'oct', k: 'AA' }, format: 'jwk' })",
    C + "return crypto.createPrivateKey({ key: { kty: 'EC', crv: 'P-999', x: 'AA', y: 'AA', d: 'AA' }, format: 'jwk' })",
    C + "return crypto.createPrivateKey({ key: { kty: 'EC', crv: 'P-256', x: 'AA', y: 'AA' }, format: 'jwk' })",
    C + "return crypto.createPublicKey({ key: { kty: 'EC', crv: 'P-256', x: 'AAAA', y: 'AAAA' }, format: 'jwk' })",
    C + "return crypto.createPublicKey({ key: { ...k.p256.jwkPub, y: k.p384.jwkPub.y }, format: 'jwk' })",
    C + "return crypto.createPublicKey({ key: { kty: 'OKP', crv: 'Ed25519', x: 'AAAA' }, format: 'jwk' })",
    C + "return crypto.createPublicKey({ key: { kty: 'OKP', crv: 'Ed9', x: 'AAAA' }, format: 'jwk' })",
    C + "return crypto.createPrivateKey({ key: { kty: 'OKP', crv: 'X25519', x: k.x25519.jwk.x }, format: 'jwk' })",
    C + "return crypto.createPrivateKey('')",
    C + "return crypto.createPrivateKey('not a key')",
    C + "return crypto.createPrivateKey(k.p256.spki)",
    C + "return crypto.createPrivateKey(k.p256.pkcs8.replace('MIG', 'MIH'))",
    C + "return crypto.createPublicKey(k.p256.spki.slice(0, 60) + k.p256.spki.slice(70))",
    C + "return crypto.createPrivateKey({ key: Buffer.from(k.p256.pkcs8Der, 'base64'), format: 'der' })",
    C + "return crypto.createPrivateKey({ key: Buffer.from(k.p256.pkcs8Der, 'base64'), format: 'der', type: 'spki' })",
    C + "const pem = crypto.createPrivateKey(k.p256.pkcs8).export({ type: 'pkcs8', format: 'pem', cipher: 'aes-256-cbc', passphrase: 'a' }); return crypto.createPrivateKey(pem)",
    C + "const pem = crypto.createPrivateKey(k.p256.pkcs8).export({ type: 'pkcs8', format: 'pem', cipher: 'aes-256-cbc', passphrase: 'a' }); return crypto.createPrivateKey({ key: pem, passphrase: 'b' })",
    C + "return crypto.createPrivateKey({ key: k.p256.pkcs8, passphrase: 1 })",
    C + "return new crypto.KeyObject('secret', {})",
    C + "return new crypto.KeyObject('x', {})",
    C + "return crypto.createPrivateKey(k.p256.pkcs8).equals('x')",
]

SIGN = [
    *[C + f"const sig = crypto.sign('sha256', Buffer.from('data'), k.{c}.pkcs8);\n"
      f"return [crypto.verify('sha256', Buffer.from('data'), k.{c}.spki, sig), crypto.verify('sha256', Buffer.from('datA'), k.{c}.spki, sig), sig[0]]" for c in EC],
    *[C + f"const sig = crypto.sign('{h}', Buffer.from('data'), {{ key: k.{c}.pkcs8, dsaEncoding: 'ieee-p1363' }});\n"
      f"return [sig.length, crypto.verify('{h}', Buffer.from('data'), {{ key: k.{c}.spki, dsaEncoding: 'ieee-p1363' }}, sig), crypto.verify('{h}', Buffer.from('data'), k.{c}.spki, sig)]"
      for c in EC for h in ("sha256", "sha512")],
    *[C + f"const sig = crypto.sign('{h}', Buffer.from('x'), crypto.createPrivateKey(k.p256.pkcs8)); return crypto.verify('{h}', Buffer.from('x'), crypto.createPublicKey(k.p256.spki), sig)"
      for h in ("sha1", "sha224", "sha384", "sha3-256", "RSA-SHA256", "sha512-256")],
    C + "const sig = crypto.sign(null, Buffer.from('x'), k.p256.pkcs8); return [crypto.verify('sha256', Buffer.from('x'), k.p256.spki, sig), crypto.verify(undefined, Buffer.from('x'), k.p256.spki, sig)]",
    C + "const sig = crypto.sign('sha256', Buffer.from('x'), k.p256.pkcs8); sig[sig.length - 1] ^= 1; return crypto.verify('sha256', Buffer.from('x'), k.p256.spki, sig)",
    C + "const sig = crypto.sign('sha256', Buffer.from('x'), k.p256.pkcs8); return crypto.verify('sha256', Buffer.from('x'), k.p256b.spki, sig)",
    C + "const sig = crypto.sign('sha256', Buffer.from('x'), k.p256.pkcs8); return crypto.verify('sha384', Buffer.from('x'), k.p256.spki, sig)",
    C + "return crypto.verify('sha256', Buffer.from('x'), k.p256.spki, Buffer.from('3000', 'hex'))",
    C + "return crypto.verify('sha256', Buffer.from('x'), k.p256.spki, Buffer.alloc(0))",
    C + "return crypto.verify('sha256', Buffer.from('x'), { key: k.p256.spki, dsaEncoding: 'ieee-p1363' }, Buffer.alloc(10))",
    C + "return crypto.verify('sha256', Buffer.from('x'), { key: k.p256.spki, dsaEncoding: 'ieee-p1363' }, Buffer.alloc(64))",
    C + "const sig = crypto.sign('sha256', Buffer.from('x'), k.p256.pkcs8); return crypto.verify('sha256', Buffer.from('x'), k.p256.pkcs8, sig)",
    C + "const sig = crypto.sign('sha256', 'a string', { key: k.k256.jwk, format: 'jwk' }); return crypto.verify('sha256', Buffer.from('a string'), { key: k.k256.jwkPub, format: 'jwk' }, sig)",
    C + "return await new Promise((r) => crypto.sign('sha256', Buffer.from('x'), k.p256.pkcs8, (e, sig) => r([e, crypto.verify('sha256', Buffer.from('x'), k.p256.spki, sig)])))",
    C + "const sig = crypto.sign('sha256', Buffer.from('x'), k.p256.pkcs8); return await new Promise((r) => crypto.verify('sha256', Buffer.from('x'), k.p256.spki, sig, (e, ok) => r([e, ok])))",
    C + "return crypto.sign('sha256', Buffer.from('x'), { key: k.p256.pkcs8, dsaEncoding: 'nope' })",
    C + "return crypto.sign('sha256', Buffer.from('x'), crypto.createPublicKey(k.p256.spki))",
    C + "return crypto.sign('nope', Buffer.from('x'), k.p256.pkcs8)",
    C + "return crypto.sign('sha256', 1, k.p256.pkcs8)",
    C + "return crypto.sign(1, Buffer.from('x'), k.p256.pkcs8)",
    C + "return crypto.verify('sha256', Buffer.from('x'), k.p256.spki, 'sig')",
    C + "return crypto.sign('sha256', Buffer.from('x'), crypto.createSecretKey(Buffer.alloc(8)))",
    *[C + f"return crypto.sign(null, Buffer.from('message'), k.{t}.pkcs8).toString('base64')" for t in ED],
    *[C + f"const sig = crypto.sign(undefined, Buffer.from('message'), crypto.createPrivateKey(k.{t}.pkcs8));\n"
      f"return [sig.length, crypto.verify(null, Buffer.from('message'), k.{t}.spki, sig), crypto.verify(null, Buffer.from('messagE'), k.{t}.spki, sig)]" for t in ED],
    *[C + f"return crypto.sign(null, Buffer.alloc(0), {{ key: k.{t}.jwk, format: 'jwk' }}).toString('hex')" for t in ED],
    *[C + f"const sig = crypto.sign(null, Buffer.from('m'), k.{t}.pkcs8); sig[0] ^= 1; return crypto.verify(null, Buffer.from('m'), k.{t}.spki, sig)" for t in ED],
    *[C + f"return crypto.verify(null, Buffer.from('m'), k.{t}.spki, Buffer.alloc(3))" for t in ED],
    *[C + f"return crypto.sign('sha256', Buffer.from('x'), k.{t}.pkcs8)" for t in ED],
    *[C + f"return crypto.sign(null, Buffer.from('x'), k.{t}.pkcs8)" for t in XDH],
    C + "return crypto.sign(null, Buffer.from('x'), k.ed25519b.pkcs8).equals(crypto.sign(null, Buffer.from('x'), k.ed25519.pkcs8))",
    C + "return crypto.verify(null, Buffer.from('m'), k.ed25519.spki, crypto.sign(null, Buffer.from('m'), k.ed448.pkcs8))",
]

STREAMS = [
    C + "const s = crypto.createSign('SHA256'); s.write('a'); s.end('b'); const sig = s.sign(k.p256.pkcs8);\n"
    "return crypto.verify('sha256', Buffer.from('ab'), k.p256.spki, sig)",
    C + "const s = crypto.createSign('sha384'); s.update('x'); const r = s.write(Buffer.from('y')); s.end(); return [r, crypto.createVerify('sha384').update('xy').verify(k.p384.spki, s.sign(k.p384.pkcs8))]",
    C + "const s = crypto.createSign('sha256').update('one'); const v = crypto.createVerify('sha256'); v.write('o'); v.end('ne');\n"
    "return v.verify(k.k256.spki, s.sign(k.k256.pkcs8, 'base64'), 'base64')",
    C + "const s = crypto.createSign('RSA-SHA256'); s.end('data'); return crypto.verify('sha256', Buffer.from('data'), k.rsa.spki, s.sign(k.rsa.pkcs8))",
    C + "const s = crypto.createSign('RSA-SHA256'); s.write('da', 'utf8'); s.write('7461', 'hex'); s.end(); return s.sign(k.rsa.pkcs8, 'base64') === crypto.sign('sha256', Buffer.from('data'), k.rsa.pkcs8).toString('base64')",
    C + "const s = crypto.createSign('sha256'); return [s.end() === s, typeof s.write, typeof s.end]",
    C + "const v = crypto.createVerify('sha256'); v.update('x'); return v.verify({ key: k.p256.spki, dsaEncoding: 'ieee-p1363' }, crypto.sign('sha256', Buffer.from('x'), { key: k.p256.pkcs8, dsaEncoding: 'ieee-p1363' }))",
    C + "return crypto.createSign('sha256').update('x').sign(k.ed25519.pkcs8)",
    C + "return crypto.createSign('nope')",
    C + "return crypto.createSign('sha256').update('x').sign(crypto.createPublicKey(k.p256.spki))",
    C + "const sig = crypto.createSign('sha512').update('x').sign({ key: k.p521.pkcs8, dsaEncoding: 'ieee-p1363' }); return sig.length",
]

ECDH_CASES = [
    *[C + f"const e = crypto.createECDH('{OPENSSL_CURVE[c]}'); e.setPrivateKey(Buffer.from(k.{c}.jwk.d, 'base64url'));\n"
      f"return [e.getPublicKey('base64url'), e.getPublicKey('hex', 'compressed'), e.getPublicKey(null, 'hybrid').length, e.getPrivateKey('base64url') === k.{c}.jwk.d]"
      for c in EC],
    *[C + f"const a = crypto.createECDH('{OPENSSL_CURVE[c]}'); a.setPrivateKey(k.{c}.jwk.d, 'base64url');\n"
      f"const b = crypto.createECDH('{OPENSSL_CURVE[c]}'); const pub = b.generateKeys();\n"
      "return [a.computeSecret(pub).equals(b.computeSecret(a.getPublicKey())), a.computeSecret(pub).length]" for c in EC],
    C + "const a = crypto.createECDH('prime256v1'); a.setPrivateKey(k.p256.jwk.d, 'base64url'); const b = crypto.createECDH('prime256v1'); b.setPrivateKey(k.p256b.jwk.d, 'base64url');\n"
    "return [a.computeSecret(b.getPublicKey()).toString('hex'), a.computeSecret(b.getPublicKey('hex', 'compressed'), 'hex', 'base64'), a.computeSecret(b.getPublicKey(null, 'hybrid'), null, 'hex')]",
    C + "const a = crypto.createECDH('secp256k1'); a.setPrivateKey(k.k256.jwk.d, 'base64url'); const b = crypto.createECDH('secp256k1'); b.setPrivateKey(k.k256b.jwk.d, 'base64url');\n"
    "return a.computeSecret(b.getPublicKey()).toString('hex') === crypto.diffieHellman({ privateKey: crypto.createPrivateKey(k.k256.pkcs8), publicKey: crypto.createPublicKey(k.k256b.spki) }).toString('hex')",
    C + "const e = crypto.createECDH('prime256v1'); const pub = e.generateKeys('hex', 'compressed'); return [pub.length, ['02', '03'].includes(pub.slice(0, 2)), e.getPrivateKey().length >= 30]",
    C + "const e = crypto.createECDH('secp521r1'); return [e.generateKeys().length, e.getPrivateKey().length >= 64]",
    *[C + f"return crypto.ECDH.convertKey(Buffer.from('04' + Buffer.from(k.{c}.jwk.x, 'base64url').toString('hex') + Buffer.from(k.{c}.jwk.y, 'base64url').toString('hex'), 'hex'), '{OPENSSL_CURVE[c]}', null, 'hex', 'compressed')" for c in EC],
    C + "const e = crypto.createECDH('prime256v1'); e.setPrivateKey(k.p256.jwk.d, 'base64url'); const c = e.getPublicKey('hex', 'compressed');\n"
    "return [crypto.ECDH.convertKey(c, 'prime256v1', 'hex', 'hex', 'uncompressed') === e.getPublicKey('hex'), crypto.ECDH.convertKey(c, 'prime256v1', 'hex', 'base64', 'hybrid')]",
    C + "const e = crypto.ECDH('prime256v1'); return [e instanceof crypto.ECDH, typeof crypto.ECDH.convertKey, typeof e.setPublicKey]",
    C + "return crypto.createECDH('nope')",
    C + "return crypto.createECDH('P-256')",
    C + "return crypto.createECDH('secp256r1')",
    C + "return crypto.createECDH(1)",
    C + "return crypto.createECDH('prime256v1').getPublicKey()",
    C + "return crypto.createECDH('prime256v1').getPrivateKey()",
    C + "const e = crypto.createECDH('prime256v1'); e.generateKeys(); return e.computeSecret(Buffer.alloc(65, 1))",
    C + "const e = crypto.createECDH('prime256v1'); e.generateKeys(); return e.computeSecret(Buffer.alloc(3, 1))",
    C + "const e = crypto.createECDH('prime256v1'); e.generateKeys(); return e.computeSecret(crypto.createECDH('secp384r1').generateKeys())",
    C + "return crypto.createECDH('prime256v1').setPrivateKey(Buffer.alloc(32, 0))",
    C + "return crypto.createECDH('prime256v1').setPrivateKey(Buffer.alloc(32, 255))",
    C + "const e = crypto.createECDH('prime256v1'); e.generateKeys(); return e.getPublicKey('hex', 'nope')",
    C + "return crypto.createECDH('prime256v1').computeSecret(crypto.createECDH('prime256v1').generateKeys())",
    C + "return crypto.ECDH.convertKey(Buffer.alloc(3), 'prime256v1')",
    C + "return crypto.ECDH.convertKey(Buffer.alloc(3), 'nope')",
    C + "const e = crypto.createECDH('prime256v1'); e.generateKeys(); return e.computeSecret(1)",
]

DIFFIE_HELLMAN = [
    *[C + f"return crypto.diffieHellman({{ privateKey: crypto.createPrivateKey(k.{c}.pkcs8), publicKey: crypto.createPublicKey(k.{c}b.spki) }}).toString('hex')"
      for c in ("p256", "k256", "x25519", "x448")],
    *[C + f"const ab = crypto.diffieHellman({{ privateKey: crypto.createPrivateKey(k.{t}.pkcs8), publicKey: crypto.createPublicKey(k.{t}b.spki) }});\n"
      f"const ba = crypto.diffieHellman({{ privateKey: crypto.createPrivateKey(k.{t}b.pkcs8), publicKey: crypto.createPublicKey(k.{t}.spki) }}); return [ab.equals(ba), ab.length]"
      for t in ("p256", "k256", "x25519", "x448")],
    C + "const { publicKey, privateKey } = crypto.generateKeyPairSync('x25519'); const b = crypto.generateKeyPairSync('x25519');\n"
    "return crypto.diffieHellman({ privateKey, publicKey: b.publicKey }).equals(crypto.diffieHellman({ privateKey: b.privateKey, publicKey }))",
    C + "return crypto.diffieHellman({ privateKey: crypto.createPrivateKey(k.x25519.pkcs8), publicKey: crypto.createPrivateKey(k.x25519b.pkcs8) }).toString('base64')",
    C + "return crypto.diffieHellman({ privateKey: crypto.createPrivateKey({ key: k.x448.jwk, format: 'jwk' }), publicKey: crypto.createPublicKey({ key: k.x448b.jwkPub, format: 'jwk' }) }).toString('base64')",
    C + "return crypto.diffieHellman({ privateKey: crypto.createPrivateKey(k.p256.pkcs8), publicKey: crypto.createPublicKey(k.p384.spki) })",
    C + "return crypto.diffieHellman({ privateKey: crypto.createPrivateKey(k.p256.pkcs8), publicKey: crypto.createPublicKey(k.x25519.spki) })",
    C + "return crypto.diffieHellman({ privateKey: crypto.createPublicKey(k.p256.spki), publicKey: crypto.createPublicKey(k.p256.spki) })",
    C + "return crypto.diffieHellman()",
    C + "return crypto.diffieHellman({ privateKey: 'x', publicKey: crypto.createPublicKey(k.p256.spki) })",
    C + "return crypto.diffieHellman({ privateKey: crypto.createPrivateKey(k.p256.pkcs8), publicKey: 'x' })",
    C + "return crypto.diffieHellman({ privateKey: crypto.createSecretKey(Buffer.alloc(3)), publicKey: crypto.createPublicKey(k.p256.spki) })",
    C + "return crypto.diffieHellman({ privateKey: crypto.createPrivateKey(k.ed25519.pkcs8), publicKey: crypto.createPublicKey(k.ed25519.spki) })",
]

OKP_IMPORT = [
    *[C + f"return crypto.createPrivateKey(k.{t}.pkcs8).export({{ type: 'pkcs8', format: 'pem' }}) === k.{t}.pkcs8" for t in OKP],
    *[C + f"return crypto.createPublicKey(k.{t}.pkcs8).export({{ type: 'spki', format: 'pem' }}) === k.{t}.spki" for t in OKP],
    *[C + f"return crypto.createPrivateKey(k.{t}.pkcs8).export({{ format: 'jwk' }})" for t in OKP],
    *[C + f"return crypto.createPublicKey({{ key: k.{t}.jwk, format: 'jwk' }}).export({{ format: 'jwk' }})" for t in OKP],
    *[C + f"return crypto.createPrivateKey({{ key: k.{t}.jwk, format: 'jwk' }}).export({{ type: 'pkcs8', format: 'der' }}).toString('base64')" for t in OKP],
    *[C + f"const key = crypto.createPublicKey({{ key: Buffer.from(k.{t}.spkiDer, 'base64'), format: 'der', type: 'spki' }}); return [key.asymmetricKeyType, key.asymmetricKeyDetails, key.export({{ format: 'jwk' }}).x === k.{t}.jwk.x]" for t in OKP],
    *[C + f"const a = crypto.createPrivateKey(k.{t}.pkcs8); return [a.equals(crypto.createPrivateKey({{ key: k.{t}.jwk, format: 'jwk' }})), a.equals(crypto.createPrivateKey(k.{t}b.pkcs8))]" for t in OKP],
]

HKDF = [
    C + "return Buffer.from(crypto.hkdfSync('sha256', 'key', 'salt', 'info', 64)).toString('hex')",
    *[C + f"return Buffer.from(crypto.hkdfSync('{h}', Buffer.from('ikm'), Buffer.alloc(0), '', 42)).toString('base64')"
      for h in ("sha1", "sha224", "sha384", "sha512", "sha3-256", "md5", "ripemd160", "SHA256")],
    C + "const r = crypto.hkdfSync('sha256', 'k', 's', 'i', 16); return [Object.prototype.toString.call(r), r.byteLength]",
    C + "return Buffer.from(crypto.hkdfSync('sha256', crypto.createSecretKey(Buffer.from('key')), 'salt', 'info', 32)).toString('hex')",
    C + "return Buffer.from(crypto.hkdfSync('sha256', new Uint8Array([1, 2, 3]).buffer, new Uint16Array([4]), new DataView(new ArrayBuffer(2)), 20)).toString('hex')",
    C + "return Buffer.from(crypto.hkdfSync('sha256', '', '', '', 255 * 32)).length",
    C + "return Buffer.from(crypto.hkdfSync('sha512', 'k', 's', Buffer.alloc(1024, 1), 8)).toString('hex')",
    C + "return await new Promise((r) => crypto.hkdf('sha256', 'key', 'salt', 'info', 16, (e, bits) => r([e, Buffer.from(bits).toString('hex')])))",
    C + "const log = []; const done = new Promise((r) => crypto.hkdf('sha256', 'k', 's', 'i', 8, () => { log.push('cb'); r(); })); log.push('sync'); await done; return log",
    C + "return crypto.hkdfSync('sha256', 'key', 'salt', 'info', 255 * 32 + 1)",
    C + "return crypto.hkdfSync('nope', 'key', 'salt', 'info', 10)",
    C + "return crypto.hkdfSync('sha256', crypto.createPublicKey(k.p256.spki), 's', 'i', 10)",
    C + "return crypto.hkdfSync('sha256', 'k', 's', 'i', 0)",
    C + "return crypto.hkdfSync('sha256', 'k', 's', Buffer.alloc(1025), 10)",
    C + "return crypto.hkdfSync('shake256', 'k', 's', 'i', 10)",
    C + "return crypto.hkdfSync('sha256', 'k', 's', 'i', '10')",
    C + "return crypto.hkdfSync('sha256', 'k', 's', 'i', -1)",
    C + "return crypto.hkdfSync('sha256', 'k', 's', 'i', 1.5)",
    C + "return crypto.hkdfSync('sha256', 1, 's', 'i', 10)",
    C + "return crypto.hkdfSync('sha256', 'k', 1, 'i', 10)",
    C + "return crypto.hkdfSync('sha256', 'k', 's', null, 10)",
    C + "return crypto.hkdfSync(1, 'k', 's', 'i', 10)",
    C + "return crypto.hkdf('sha256', 'k', 's', 'i', 10)",
    C + "return crypto.hkdf('nope', 'k', 's', 'i', 10, () => {})",
]

SECRET_KEYS = [
    C + "const key = crypto.createSecretKey(Buffer.from('abc')); return [key.type, key.symmetricKeySize, key.asymmetricKeyType, key.asymmetricKeyDetails, key.export().toString(), key.export({ format: 'jwk' }), key.export({ format: 'buffer' }).length]",
    C + "return crypto.createSecretKey('616263', 'hex').export().toString()",
    C + "return crypto.createSecretKey(new Uint8Array([1, 2, 3]).buffer).symmetricKeySize",
    C + "const a = crypto.createSecretKey(Buffer.from('abc')); return [a.equals(crypto.createSecretKey(Buffer.from('abc'))), a.equals(crypto.createSecretKey(Buffer.from('abd'))), a.equals(crypto.createPrivateKey(k.p256.pkcs8))]",
    C + "return crypto.createSecretKey(Buffer.from('a')).export({ format: 'pem' })",
    C + "return crypto.createSecretKey(Buffer.from('a')).export('buffer')",
    C + "return crypto.createSecretKey(Buffer.from('a')).constructor.name",
    C + "return crypto.createHmac('sha256', crypto.createSecretKey(Buffer.from('k'))).update('x').digest('hex')",
    C + "return crypto.createSecretKey(1)",
    *[C + f"const key = crypto.generateKeySync('aes', {{ length: {n} }}); return [key.type, key.symmetricKeySize, key.export().length]" for n in (128, 192, 256)],
    *[C + f"return crypto.generateKeySync('hmac', {{ length: {n} }}).symmetricKeySize" for n in (8, 100, 256, 512, 1023)],
    C + "const a = crypto.generateKeySync('hmac', { length: 256 }); const b = crypto.generateKeySync('hmac', { length: 256 }); return a.equals(b)",
    C + "return await new Promise((r) => crypto.generateKey('aes', { length: 256 }, (e, key) => r([e, key.symmetricKeySize])))",
    C + "return crypto.generateKeySync('aes', { length: 100 })",
    C + "return crypto.generateKeySync('hmac', { length: 7 })",
    C + "return crypto.generateKeySync('hmac', { length: '7' })",
    C + "return crypto.generateKeySync('hmac')",
    C + "return crypto.generateKeySync('nope', { length: 100 })",
    C + "return crypto.generateKeySync(1, { length: 100 })",
    C + "return crypto.generateKey('aes', { length: 128 })",
    C + "return crypto.generateKeySync('hmac', { length: 2 ** 31 })",
]

RSA_JWK = [
    C + "return crypto.createPrivateKey(k.rsa.pkcs8).export({ format: 'jwk' })",
    C + "return crypto.createPublicKey(k.rsa.spki).export({ format: 'jwk' })",
    C + "return crypto.createPrivateKey({ key: k.rsa.jwk, format: 'jwk' }).export({ type: 'pkcs8', format: 'pem' }) === k.rsa.pkcs8",
    C + "return crypto.createPublicKey({ key: k.rsa.jwkPub, format: 'jwk' }).export({ type: 'spki', format: 'pem' }) === k.rsa.spki",
    C + "const key = crypto.createPrivateKey(k.rsa.pkcs8); return [key.asymmetricKeyType, key.asymmetricKeyDetails.modulusLength, key.equals(crypto.createPrivateKey({ key: k.rsa.jwk, format: 'jwk' }))]",
    C + "return crypto.createPrivateKey({ key: { kty: 'RSA', n: k.rsa.jwk.n, e: k.rsa.jwk.e }, format: 'jwk' })",
    C + "return crypto.createPrivateKey(k.rsa.pkcs8).export({ type: 'sec1', format: 'pem' })",
]

# How the new key types meet the older APIs, and a few more edges.
MORE = [
    C + "return crypto.publicEncrypt(k.p256.spki, Buffer.from('x'))",
    C + "return crypto.privateDecrypt(k.p256.pkcs8, Buffer.alloc(32))",
    C + "const pem = crypto.createPrivateKey(k.p384.pkcs8).export({ type: 'pkcs8', format: 'pem', cipher: 'aes-192-cbc', passphrase: 'pw' });\n"
    "const sig = crypto.sign('sha384', Buffer.from('x'), { key: pem, passphrase: 'pw' }); return crypto.verify('sha384', Buffer.from('x'), k.p384.spki, sig)",
    C + "const pem = crypto.createPrivateKey(k.ed448.pkcs8).export({ type: 'pkcs8', format: 'pem', cipher: 'aes-256-cbc', passphrase: 'pw' });\n"
    "return crypto.sign(null, Buffer.from('x'), { key: pem, passphrase: 'pw' }).toString('base64')",
    C + "return crypto.createPublicKey(k.x25519.spki).export({ type: 'pkcs1', format: 'pem' })",
    C + "return crypto.createPrivateKey({ key: Buffer.from(k.ed25519.pkcs8Der, 'base64'), format: 'der', type: 'sec1' })",
    C + "return crypto.createPrivateKey({ key: Buffer.from(k.ed25519.pkcs8Der, 'base64'), format: 'der', type: 'pkcs1' })",
    C + "return crypto.createPublicKey({ key: Buffer.from(k.p256.spkiDer, 'base64'), format: 'der', type: 'pkcs1' }).export({ format: 'jwk' })",
    C + "const sec1 = crypto.createPrivateKey(k.k256.pkcs8).export({ type: 'sec1', format: 'der' });\n"
    "return crypto.createPrivateKey({ key: sec1, format: 'der', type: 'pkcs8' }).export({ format: 'jwk' }).d === k.k256.jwk.d",
    C + "return crypto.createPublicKey({ key: Buffer.from(k.p256.pkcs8Der, 'base64'), format: 'der', type: 'spki' })",
    C + "return crypto.createPrivateKey({ key: Buffer.alloc(40, 1), format: 'der', type: 'pkcs8' })",
    C + "const { publicKey } = crypto.generateKeyPairSync('x25519', { publicKeyEncoding: { format: 'jwk' } }); return [publicKey.kty, publicKey.crv, Object.keys(publicKey)]",
    C + "return crypto.createSecretKey(Buffer.from('k')).equals(crypto.createPublicKey(k.p256.spki))",
    C + "return crypto.createPrivateKey(k.p256.pkcs8).equals(crypto.createPrivateKey(k.k256.pkcs8))",
    C + "return crypto.createPublicKey(k.ed25519.spki).equals(crypto.createPublicKey(k.x25519.spki))",
    C + "const e = crypto.createECDH('prime256v1'); e.setPrivateKey(Buffer.from(k.p256.jwk.d, 'base64url').subarray(1)); return e.getPublicKey('hex', 'compressed').length",
    C + "const a = crypto.createECDH('prime256v1'); a.setPrivateKey(k.p256.jwk.d, 'base64url'); const b = crypto.createECDH('prime256v1');\n"
    "b.setPrivateKey(k.p256b.jwk.d, 'base64url'); b.setPublicKey(a.getPublicKey()); return b.getPublicKey('hex') === a.getPublicKey('hex')",
    C + "return crypto.verify('sha256', Buffer.from('x'), k.p256.spki, new ArrayBuffer(8))",
    C + "return crypto.sign('sha256', new Uint8Array([1, 2]).buffer, k.p256.pkcs8).length > 60",
    C + "return crypto.createPrivateKey({ key: k.p256.pkcs8.replace('PRIVATE', 'PUBLIC') })",
    C + "return crypto.createPublicKey({ key: k.ed25519.pkcs8, format: 'pem' }).export({ format: 'jwk' })",
    C + "return crypto.generateKeyPairSync('ed25519', { privateKeyEncoding: { type: 'pkcs8', format: 'pem', cipher: 'aes-256-cbc' } })",
    C + "const { privateKey } = crypto.generateKeyPairSync('ed25519', { privateKeyEncoding: { type: 'pkcs8', format: 'pem', cipher: 'aes-256-cbc', passphrase: 'p' } });\n"
    "return [privateKey.split('\\n')[0], crypto.createPrivateKey({ key: privateKey, passphrase: 'p' }).asymmetricKeyType]",
]

# When callbacks run: a later turn of the event loop, after the microtasks, as Node's thread pool.
ORDER = "const log = []; const done = new Promise((r) => {0}); log.push('sync');\nawait Promise.resolve(); log.push('micro'); await done; return log"
TIMING = [C + ORDER.format(call) for call in (
    "crypto.generateKeyPair('ed25519', () => { log.push('cb'); r(); })",
    "crypto.generateKeyPair('ec', { namedCurve: 'P-256' }, () => { log.push('cb'); r(); })",
    "crypto.generateKey('hmac', { length: 64 }, () => { log.push('cb'); r(); })",
    "crypto.hkdf('sha256', 'k', 's', 'i', 8, () => { log.push('cb'); r(); })",
    "crypto.sign('sha256', Buffer.from('x'), k.p256.pkcs8, () => { log.push('cb'); r(); })",
    "crypto.verify(null, Buffer.from('x'), k.ed25519.spki, Buffer.alloc(64), () => { log.push('cb'); r(); })",
)]

MISC = [
    C + "return crypto.getCurves().filter((c) => ['prime256v1', 'secp256k1', 'secp384r1', 'secp521r1'].includes(c))",
    C + "return ['createECDH', 'ECDH', 'diffieHellman', 'hkdf', 'hkdfSync', 'generateKey', 'generateKeySync', 'getCurves'].map((n) => typeof crypto[n])",
    C + "return [crypto.constants.POINT_CONVERSION_COMPRESSED, crypto.constants.POINT_CONVERSION_UNCOMPRESSED, crypto.constants.POINT_CONVERSION_HYBRID]",
]

ALL = (EC_IMPORT + EC_GENERATE + GENERATE_ERRORS + EXPORT_ERRORS + IMPORT_ERRORS + SIGN + STREAMS + ECDH_CASES
       + DIFFIE_HELLMAN + OKP_IMPORT + HKDF + SECRET_KEYS + RSA_JWK + MORE + TIMING + MISC)
GROUPS = (("ecImport", EC_IMPORT), ("ecGenerate", EC_GENERATE), ("generateErrors", GENERATE_ERRORS),
          ("exportErrors", EXPORT_ERRORS), ("importErrors", IMPORT_ERRORS), ("sign", SIGN), ("streams", STREAMS),
          ("ecdh", ECDH_CASES), ("diffieHellman", DIFFIE_HELLMAN), ("okpImport", OKP_IMPORT), ("hkdf", HKDF),
          ("secretKeys", SECRET_KEYS), ("rsaJwk", RSA_JWK), ("more", MORE), ("timing", TIMING), ("misc", MISC))

# Where the service knowingly differs from Node 24: code -> reason.
KNOWN_DIFFERENCES: dict[str, str] = {}


node_keys, node_outcomes = keyed_fixtures(KEYGEN, ALL)


@pytest.mark.parametrize("index", range(len(ALL)), ids=case_ids(ALL, GROUPS))
def test_crypto_keys_match_node24(cb1: CodeBlockClient, node_keys: dict[str, Any],
                                  node_outcomes: list[dict[str, Any]], index: int) -> None:
    code = ALL[index]
    status, body = cb1.run(code, {"k": node_keys})
    assert_same_as_node(code, status, body, node_outcomes[index])


# -- round trips across the two: signed here, verified in Node, and the other way ----------

SIGN_HERE = {
    **{f"ecdsa-{c}-{enc}": C + f"return crypto.sign('sha256', Buffer.from('cross'), {{ key: k.{c}.pkcs8, dsaEncoding: '{enc}' }}).toString('base64')"
       for c in EC for enc in ("der", "ieee-p1363")},
    **{f"eddsa-{t}": C + f"return crypto.sign(null, Buffer.from('cross'), k.{t}.pkcs8).toString('base64')" for t in ED},
    "ecdsa-sha512-p521": C + "return crypto.createSign('sha512').update('cross').sign(k.p521.pkcs8, 'base64')",
    "ecdsa-jwk-k256": C + "return crypto.sign('sha384', Buffer.from('cross'), { key: k.k256.jwk, format: 'jwk' }).toString('base64')",
}
VERIFY_THERE = {
    **{f"ecdsa-{c}-{enc}": C + f"return crypto.verify('sha256', Buffer.from('cross'), {{ key: k.{c}.spki, dsaEncoding: '{enc}' }}, Buffer.from(input.sig, 'base64'))"
       for c in EC for enc in ("der", "ieee-p1363")},
    **{f"eddsa-{t}": C + f"return crypto.verify(null, Buffer.from('cross'), k.{t}.spki, Buffer.from(input.sig, 'base64'))" for t in ED},
    "ecdsa-sha512-p521": C + "return crypto.createVerify('sha512').update('cross').verify(k.p521.spki, input.sig, 'base64')",
    "ecdsa-jwk-k256": C + "return crypto.verify('sha384', Buffer.from('cross'), { key: k.k256.jwkPub, format: 'jwk' }, Buffer.from(input.sig, 'base64'))",
}


@pytest.mark.parametrize("name", sorted(SIGN_HERE))
def test_signed_here_verifies_in_node(cb1: CodeBlockClient, node_keys: dict[str, Any], name: str) -> None:
    signature = cb1.ok(SIGN_HERE[name], {"k": node_keys})
    [outcome] = run_in_node([{"code": VERIFY_THERE[name], "input": {"k": node_keys, "sig": signature}}])
    assert outcome == {"ok": True, "result": "true"}, outcome
    tampered = signature[:-4] + ("AAAA" if signature[-4:] != "AAAA" else "BBBB")
    [outcome] = run_in_node([{"code": VERIFY_THERE[name], "input": {"k": node_keys, "sig": tampered}}])
    assert outcome == {"ok": True, "result": "false"}, outcome


@pytest.mark.parametrize("name", sorted(SIGN_HERE))
def test_signed_in_node_verifies_here(cb1: CodeBlockClient, node_keys: dict[str, Any], name: str) -> None:
    [outcome] = run_in_node([{"code": SIGN_HERE[name], "input": {"k": node_keys}}])
    signature = json.loads(outcome["result"])
    assert cb1.ok(VERIFY_THERE[name], {"k": node_keys, "sig": signature}) is True
    tampered = signature[:-4] + ("AAAA" if signature[-4:] != "AAAA" else "BBBB")
    assert cb1.ok(VERIFY_THERE[name], {"k": node_keys, "sig": tampered}) is False


def test_keys_generated_here_work_in_node(cb1: CodeBlockClient) -> None:
    made = cb1.ok(
        "const crypto = require('crypto'); const out = {};\n"
        "for (const [name, type, options] of [['p256', 'ec', { namedCurve: 'P-256' }], ['k256', 'ec', { namedCurve: 'secp256k1' }],\n"
        "  ['ed25519', 'ed25519'], ['ed448', 'ed448']]) {\n"
        "  const { publicKey, privateKey } = crypto.generateKeyPairSync(type, options);\n"
        "  out[name] = { spki: publicKey.export({ type: 'spki', format: 'pem' }), jwk: privateKey.export({ format: 'jwk' }),\n"
        "    sig: crypto.sign(type === 'ec' ? 'sha256' : null, Buffer.from('made here'), privateKey).toString('base64') }; }\n"
        "return out"
    )
    check = (
        "const crypto = require('crypto'); return Object.entries(input).map(([name, v]) => {\n"
        "  const alg = name.startsWith('ed') ? null : 'sha256';\n"
        "  const pub = crypto.createPublicKey({ key: v.jwk, format: 'jwk' });\n"
        "  return [name, crypto.verify(alg, Buffer.from('made here'), v.spki, Buffer.from(v.sig, 'base64')),\n"
        "    pub.export({ type: 'spki', format: 'pem' }) === v.spki,\n"
        "    crypto.createPrivateKey({ key: v.jwk, format: 'jwk' }).export({ format: 'jwk' }).x === v.jwk.x]; })"
    )
    [outcome] = run_in_node([{"code": check, "input": made}])
    assert json.loads(outcome["result"]) == [[name, True, True, True] for name in made], outcome


def test_enough_cases() -> None:
    assert len(ALL) + 2 * len(SIGN_HERE) >= 150, len(ALL)
    assert len(set(ALL)) == len(ALL), "duplicate cases"
    assert not KNOWN_DIFFERENCES
