"""Finite-field Diffie-Hellman KeyObjects ('dh') in crypto, compared with real Node 24:
generateKeyPair('dh') from a group, a prime or a prime length; PKCS#8/SPKI import and export
(PEM and DER; JWK, PKCS#1 and SEC1 refused); asymmetricKeyType and equals; and
crypto.diffieHellman({ privateKey, publicKey }) on such keys, with Node's and OpenSSL's errors.

Keys that Node generates (the `node_keys` fixture) are every case's `input.k`; agreement is
deterministic, so the shared secrets are compared byte for byte."""

from __future__ import annotations

import json
from typing import Any

import pytest

from compat.conftest import assert_same_as_node, case_ids, keyed_fixtures, run_in_node
from conftest import CodeBlockClient

C = (
    "const crypto = require('crypto'); const k = input.k;\n"
    # A DER element's [start, end) at `i`, and the AlgorithmIdentifier of an SPKI in hex (the DH parameters).
    "const T = (d, i) => { let len = d[i + 1]; let at = i + 2; if (len & 0x80) { const n = len & 0x7f; len = 0; "
    "for (let j = 0; j < n; j++) len = len * 256 + d[at++]; } return [at, at + len]; };\n"
    "const A = (key) => { const d = key.export({ type: 'spki', format: 'der' }); const [start] = T(d, 0); "
    "return d.subarray(start, T(d, start)[1]).toString('hex'); };\n"
)

MODP1 = ("ffffffffffffffffc90fdaa22168c234c4c6628b80dc1cd129024e088a67cc74020bbea63b139b22514a08798e3404dd"
         "ef9519b3cd3a431b302b0a6df25f14374fe1356d6d51c245e485b576625e7ec6f44c42e9a63a3620ffffffffffffffff")

# Made by Node once per run: two modp5 pairs (a, b), a modp14 pair (c), two pairs on the
# modp1 prime given as a prime (d, e: generator 2) and one with generator 5 (f).
KEYGEN = f"""
const crypto = require('crypto');
const out = {{}};
const add = (name, options) => {{
  const {{ publicKey, privateKey }} = crypto.generateKeyPairSync('dh', options);
  out[name] = {{
    pkcs8: privateKey.export({{ type: 'pkcs8', format: 'pem' }}),
    spki: publicKey.export({{ type: 'spki', format: 'pem' }}),
    pkcs8Der: privateKey.export({{ type: 'pkcs8', format: 'der' }}).toString('base64'),
    spkiDer: publicKey.export({{ type: 'spki', format: 'der' }}).toString('base64'),
  }};
}};
add('a', {{ group: 'modp5' }});
add('b', {{ group: 'modp5' }});
add('c', {{ group: 'modp14' }});
add('d', {{ prime: Buffer.from('{MODP1}', 'hex') }});
add('e', {{ prime: Buffer.from('{MODP1}', 'hex'), generator: 2 }});
add('f', {{ prime: Buffer.from('{MODP1}', 'hex'), generator: 5 }});
const x = crypto.generateKeyPairSync('x25519');
out.x = {{ pkcs8: x.privateKey.export({{ type: 'pkcs8', format: 'pem' }}), spki: x.publicKey.export({{ type: 'spki', format: 'pem' }}) }};
const r = crypto.generateKeyPairSync('rsa', {{ modulusLength: 512 }});
out.r = {{ pkcs8: r.privateKey.export({{ type: 'pkcs8', format: 'pem' }}), spki: r.publicKey.export({{ type: 'spki', format: 'pem' }}) }};
return out;
"""

DH = ("a", "b", "c", "d", "e", "f")

KEYS = [
    *[C + f"const priv = crypto.createPrivateKey(k.{n}.pkcs8); const pub = crypto.createPublicKey(k.{n}.spki); "
      f"return [priv.type, priv.asymmetricKeyType, pub.asymmetricKeyType, priv.asymmetricKeyDetails, pub.asymmetricKeyDetails, A(pub), "
      f"priv.export({{ type: 'pkcs8', format: 'pem' }}) === k.{n}.pkcs8, pub.export({{ type: 'spki', format: 'pem' }}) === k.{n}.spki, "
      f"crypto.createPublicKey(priv).export({{ type: 'spki', format: 'der' }}).toString('base64') === k.{n}.spkiDer]" for n in DH],
    C + "const priv = crypto.createPrivateKey({ key: Buffer.from(k.c.pkcs8Der, 'base64'), format: 'der', type: 'pkcs8' }); "
        "return [priv.asymmetricKeyType, priv.export({ type: 'pkcs8', format: 'der' }).toString('base64') === k.c.pkcs8Der, "
        "priv.export({ type: 'pkcs8', format: 'pem' }) === k.c.pkcs8]",
    C + "const pub = crypto.createPublicKey({ key: Buffer.from(k.c.spkiDer, 'base64'), format: 'der', type: 'spki' }); "
        "return [pub.asymmetricKeyType, pub.export({ type: 'spki', format: 'pem' }) === k.c.spki]",
    C + "return crypto.createPublicKey(k.a.pkcs8).export({ type: 'spki', format: 'pem' }) === k.a.spki",
    C + "return crypto.createPrivateKey(k.a.pkcs8).export({ format: 'jwk' })",
    C + "return crypto.createPublicKey(k.a.spki).export({ format: 'jwk' })",
    C + "return crypto.createPublicKey(k.a.spki).export({ type: 'pkcs1', format: 'pem' })",
    C + "return crypto.createPrivateKey(k.a.pkcs8).export({ type: 'sec1', format: 'der' })",
    C + "return crypto.createPrivateKey(k.a.pkcs8).export({ type: 'spki', format: 'der' })",
    C + "return crypto.createPublicKey(k.a.spki).export()",
    C + "const enc = crypto.createPrivateKey(k.a.pkcs8).export({ type: 'pkcs8', format: 'der', cipher: 'aes-128-cbc', passphrase: 'pw' }); "
        "return crypto.createPrivateKey({ key: enc, format: 'der', type: 'pkcs8', passphrase: 'pw' }).equals(crypto.createPrivateKey(k.a.pkcs8))",
    C + "const priv = crypto.createPrivateKey(k.a.pkcs8); const pub = crypto.createPublicKey(k.a.spki); "
        "return [pub.equals(crypto.createPublicKey(priv)), priv.equals(crypto.createPrivateKey(k.a.pkcs8)), priv.equals(pub), "
        "pub.equals(crypto.createPublicKey(k.b.spki)), priv.equals(crypto.createPrivateKey(k.b.pkcs8)), "
        "crypto.createPublicKey(k.d.spki).equals(crypto.createPublicKey(k.e.spki))]",
    C + "return crypto.createPublicKey({ key: Buffer.from(k.a.spkiDer, 'base64'), format: 'der', type: 'pkcs1' })",
]

AGREE = [
    *[C + f"return crypto.diffieHellman({{ privateKey: crypto.createPrivateKey(k.{x}.pkcs8), publicKey: crypto.createPublicKey(k.{y}.spki) }}).toString('hex')"
      for x, y in (("a", "b"), ("b", "a"), ("a", "a"), ("d", "e"), ("e", "d"))],
    C + "const s = crypto.diffieHellman({ privateKey: crypto.createPrivateKey(k.c.pkcs8), publicKey: crypto.createPublicKey(k.c.spki) }); return [s.length, s.toString('base64')]",
    C + "return crypto.diffieHellman({ privateKey: crypto.createPrivateKey(k.a.pkcs8), publicKey: crypto.createPrivateKey(k.b.pkcs8) }).toString('hex')",
    C + "return crypto.diffieHellman({ privateKey: crypto.createPrivateKey(k.a.pkcs8), publicKey: crypto.createPublicKey(k.b.pkcs8) }).toString('hex')",
    C + "return crypto.diffieHellman({ privateKey: k.a.pkcs8, publicKey: k.b.spki }).toString('hex')",
    C + "return crypto.diffieHellman({ privateKey: crypto.createPrivateKey(k.a.pkcs8), publicKey: crypto.createPublicKey(k.c.spki) })",
    C + "return crypto.diffieHellman({ privateKey: crypto.createPrivateKey(k.d.pkcs8), publicKey: crypto.createPublicKey(k.f.spki) })",
    C + "return crypto.diffieHellman({ privateKey: crypto.createPrivateKey(k.a.pkcs8), publicKey: crypto.createPublicKey(k.x.spki) })",
    C + "return crypto.diffieHellman({ privateKey: crypto.createPrivateKey(k.x.pkcs8), publicKey: crypto.createPublicKey(k.a.spki) })",
    C + "return crypto.diffieHellman({ privateKey: crypto.createPublicKey(k.a.spki), publicKey: crypto.createPublicKey(k.b.spki) })",
    C + "return crypto.diffieHellman({ privateKey: crypto.createPrivateKey(k.a.pkcs8) })",
    C + "return crypto.diffieHellman({ publicKey: crypto.createPublicKey(k.a.spki) })",
    C + "return crypto.diffieHellman({ privateKey: crypto.createPrivateKey(k.a.pkcs8), publicKey: crypto.createPublicKey(k.b.spki) }, 'no')",
    C + "return new Promise((resolve) => crypto.diffieHellman({ privateKey: crypto.createPrivateKey(k.a.pkcs8), "
        "publicKey: crypto.createPublicKey(k.b.spki) }, (err, secret) => resolve([err, secret.toString('hex')])))",
    C + "return new Promise((resolve) => crypto.diffieHellman({ privateKey: crypto.createPrivateKey(k.a.pkcs8), "
        "publicKey: crypto.createPublicKey(k.c.spki) }, (err, secret) => resolve([err.code, err.message, secret])))",
    C + "return crypto.sign('sha256', Buffer.from('x'), k.a.pkcs8)",
    C + "return crypto.verify('sha256', Buffer.from('x'), k.a.spki, Buffer.alloc(8))",
    C + "return crypto.createSign('sha256').update('x').sign(k.a.pkcs8)",
    C + "return crypto.createVerify('sha256').update('x').verify(k.a.spki, Buffer.alloc(8))",
    C + "return crypto.publicEncrypt(k.a.spki, Buffer.from('x'))",
    C + "return crypto.privateDecrypt(k.a.pkcs8, Buffer.alloc(8))",
]

GENERATE = [
    *[C + f"const {{ publicKey, privateKey }} = crypto.generateKeyPairSync('dh', {o}); "
      "return [publicKey.type, privateKey.asymmetricKeyType, publicKey.asymmetricKeyDetails, A(publicKey)]"
      for o in ("{ group: 'modp5' }", "{ group: 'modp14' }", "{ group: 'MODP2' }", "{ group: 'modp1' }",
                f"{{ prime: Buffer.from('{MODP1}', 'hex') }}", f"{{ prime: Buffer.from('{MODP1}', 'hex'), generator: 5 }}",
                f"{{ prime: new Uint8Array(Buffer.from('{MODP1}', 'hex')), generator: 3 }}",
                f"{{ prime: Buffer.from('{MODP1}', 'hex'), group: undefined, primeLength: null }}")],
    C + "const { publicKey } = crypto.generateKeyPairSync('dh', { primeLength: 512 }); const a = A(publicKey); "
        "return [publicKey.asymmetricKeyType, a.length, a.slice(-6)]",
    C + "const one = crypto.generateKeyPairSync('dh', { group: 'modp5' }); const two = crypto.generateKeyPairSync('dh', { group: 'modp5' }); "
        "const s1 = crypto.diffieHellman({ privateKey: one.privateKey, publicKey: two.publicKey }); "
        "const s2 = crypto.diffieHellman({ privateKey: two.privateKey, publicKey: one.publicKey }); return [s1.length, s1.equals(s2)]",
    C + "const { publicKey, privateKey } = crypto.generateKeyPairSync('dh', { group: 'modp14', publicKeyEncoding: { type: 'spki', format: 'pem' }, "
        "privateKeyEncoding: { type: 'pkcs8', format: 'der' } }); return [publicKey.split('\\n')[0], Buffer.isBuffer(privateKey), "
        "crypto.createPrivateKey({ key: privateKey, format: 'der', type: 'pkcs8' }).asymmetricKeyType]",
    C + "return new Promise((resolve) => crypto.generateKeyPair('dh', { group: 'modp5' }, (err, pub, priv) => "
        "resolve([err, pub.asymmetricKeyType, priv.type])))",
    *[C + f"return crypto.generateKeyPairSync('dh', {o})"
      for o in ("{}", "undefined", "{ group: 'modp5', prime: Buffer.alloc(8) }", "{ group: 'modp5', primeLength: 512 }",
                "{ group: 'modp5', generator: 2 }", "{ prime: Buffer.alloc(8), primeLength: 512 }", "{ group: 5 }",
                "{ group: 'modp99' }", "{ group: 'ffdhe2048' }", "{ prime: 'abc' }", "{ prime: new ArrayBuffer(8) }",
                "{ primeLength: '512' }", "{ primeLength: -1 }", "{ primeLength: 1.5 }", "{ primeLength: 100 }", "{ primeLength: 0 }",
                "{ primeLength: 512, generator: '2' }", "{ primeLength: 512, generator: -1 }", "{ prime: Buffer.from('17', 'hex') }",
                "{ prime: Buffer.alloc(0) }", "{ prime: Buffer.from('ff'.repeat(63) + 'fe', 'hex') }",
                "{ group: 'modp5', publicKeyEncoding: { type: 'pkcs1', format: 'pem' } }",
                "{ group: 'modp5', privateKeyEncoding: { format: 'jwk' } }")],
]

ALL = KEYS + AGREE + GENERATE
GROUPS = (("keys", KEYS), ("agree", AGREE), ("generate", GENERATE))


node_keys, node_outcomes = keyed_fixtures(KEYGEN, ALL)


@pytest.mark.parametrize("index", range(len(ALL)), ids=case_ids(ALL, GROUPS))
def test_dh_keys_match_node24(cb1: CodeBlockClient, node_keys: dict[str, Any],
                              node_outcomes: list[dict[str, Any]], index: int) -> None:
    code = ALL[index]
    status, body = cb1.run(code, {"k": node_keys}, timeout=30_000)
    assert_same_as_node(code, status, body, node_outcomes[index])


def test_keys_generated_here_agree_in_node(cb1: CodeBlockClient, node_keys: dict[str, Any]) -> None:
    """Pairs made here on modp14 and the modp1 prime: Node reads them, and Node's secret with
    its own key of the same group is the one computed here."""
    made = cb1.ok(
        C + f"return [[{{ group: 'modp14' }}, 'c'], [{{ prime: Buffer.from('{MODP1}', 'hex') }}, 'd']].map(([o, peer]) => {{\n"
        "  const { publicKey, privateKey } = crypto.generateKeyPairSync('dh', o);\n"
        "  return { spki: publicKey.export({ type: 'spki', format: 'pem' }), pkcs8: privateKey.export({ type: 'pkcs8', format: 'pem' }), peer,\n"
        "    secret: crypto.diffieHellman({ privateKey, publicKey: crypto.createPublicKey(k[peer].spki) }).toString('hex') }; })",
        {"k": node_keys},
    )
    check = (
        "const crypto = require('crypto'); const k = input.k; return input.x.map((v) => [\n"
        "  crypto.createPublicKey(v.spki).asymmetricKeyType,\n"
        "  crypto.createPublicKey(crypto.createPrivateKey(v.pkcs8)).export({ type: 'spki', format: 'pem' }) === v.spki,\n"
        "  crypto.diffieHellman({ privateKey: crypto.createPrivateKey(k[v.peer].pkcs8), publicKey: crypto.createPublicKey(v.spki) }).toString('hex') === v.secret])"
    )
    [outcome] = run_in_node([{"code": check, "input": {"k": node_keys, "x": made}}])
    assert outcome["ok"] and json.loads(outcome["result"]) == [["dh", True, True]] * 2, outcome


def test_enough_cases() -> None:
    assert len(set(ALL)) == len(ALL), "duplicate cases"
    assert len(ALL) >= 60, len(ALL)
