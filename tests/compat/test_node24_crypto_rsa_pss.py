"""RSASSA-PSS keys ('rsa-pss') in crypto, compared with real Node 24: generation with and
without PSS parameters, PKCS#8/SPKI import and export (PEM and DER; JWK and PKCS#1 refused),
asymmetricKeyDetails, equals, and sign/verify, where the key's parameters fix the digest and
MGF1 and set the least salt length (OpenSSL's restricted keys), with OpenSSL's errors.

Keys that Node generates (the `node_keys` fixture) are every case's `input.k`. PSS signatures
are randomised: compared by verifying them on both sides."""

from __future__ import annotations

import json
from typing import Any

import pytest

from compat.conftest import assert_same_as_node, case_ids, keyed_fixtures, run_in_node
from conftest import CodeBlockClient

C = (
    "const crypto = require('crypto'); const k = input.k;\n"
    "const D = (key) => { const d = key.asymmetricKeyDetails; return { ...d, publicExponent: String(d.publicExponent) }; };\n"
    # The AlgorithmIdentifier of an SPKI, in hex: where the parameters are.
    "const A = (key) => { const d = key.export({ type: 'spki', format: 'der' }); const i = d[1] & 0x80 ? 2 + (d[1] & 0x7f) : 2; "
    "return d.subarray(i, i + 2 + d[i + 1]).toString('hex'); };\n"
)

# Made by Node once per run: keys without parameters (pa), restricted to sha256 with a
# 32-byte salt (pb), to sha384 alone (pc: MGF1 and salt follow), to a salt (pd: sha1), to an
# MGF1 digest (pe), to sha1 (pf: the parameters are all defaults, an empty SEQUENCE), a
# 1025-bit one (pg), and a plain RSA key with an EC one for the wrong-key cases.
KEYGEN = """
const crypto = require('crypto');
const out = {};
const add = (name, type, options) => {
  const { publicKey, privateKey } = crypto.generateKeyPairSync(type, options);
  out[name] = {
    pkcs8: privateKey.export({ type: 'pkcs8', format: 'pem' }),
    spki: publicKey.export({ type: 'spki', format: 'pem' }),
    pkcs8Der: privateKey.export({ type: 'pkcs8', format: 'der' }).toString('base64'),
    spkiDer: publicKey.export({ type: 'spki', format: 'der' }).toString('base64'),
  };
};
add('pa', 'rsa-pss', { modulusLength: 1024 });
add('pb', 'rsa-pss', { modulusLength: 1024, hashAlgorithm: 'sha256', mgf1HashAlgorithm: 'sha256', saltLength: 32 });
add('pc', 'rsa-pss', { modulusLength: 1024, hashAlgorithm: 'sha384' });
add('pd', 'rsa-pss', { modulusLength: 1024, saltLength: 16 });
add('pe', 'rsa-pss', { modulusLength: 1024, mgf1HashAlgorithm: 'sha512' });
add('pf', 'rsa-pss', { modulusLength: 1024, hashAlgorithm: 'sha1' });
add('pg', 'rsa-pss', { modulusLength: 1025, hashAlgorithm: 'sha512', mgf1HashAlgorithm: 'sha256', saltLength: 0, publicExponent: 3 });
add('r', 'rsa', { modulusLength: 1024 });
add('ec', 'ec', { namedCurve: 'P-256' });
return out;
"""

PSS = ("pa", "pb", "pc", "pd", "pe", "pf", "pg")
MSG = "Buffer.from('webhook body')"
# The digest each key signs with by default (its own, or sha256 without parameters).
DIGEST = {"pa": "sha256", "pb": "sha256", "pc": "sha384", "pd": "sha1", "pe": "sha1", "pf": "sha1", "pg": "sha512"}

KEYS = [
    *[C + f"const priv = crypto.createPrivateKey(k.{p}.pkcs8); const pub = crypto.createPublicKey(k.{p}.spki); "
      f"return [priv.asymmetricKeyType, pub.asymmetricKeyType, D(priv), D(pub), A(pub)]" for p in PSS],
    *[C + f"const priv = crypto.createPrivateKey(k.{p}.pkcs8); return [priv.export({{ type: 'pkcs8', format: 'pem' }}) === k.{p}.pkcs8, "
      f"crypto.createPublicKey(priv).export({{ type: 'spki', format: 'pem' }}) === k.{p}.spki, "
      f"crypto.createPublicKey(k.{p}.pkcs8).export({{ type: 'spki', format: 'der' }}).toString('base64') === k.{p}.spkiDer]" for p in PSS],
    C + "const priv = crypto.createPrivateKey({ key: Buffer.from(k.pb.pkcs8Der, 'base64'), format: 'der', type: 'pkcs8' }); "
        "return [D(priv), priv.export({ type: 'pkcs8', format: 'der' }).toString('base64') === k.pb.pkcs8Der]",
    C + "const pub = crypto.createPublicKey({ key: Buffer.from(k.pe.spkiDer, 'base64'), format: 'der', type: 'spki' }); "
        "return [D(pub), pub.export({ type: 'spki', format: 'pem' }) === k.pe.spki]",
    C + "return D(crypto.createPrivateKey({ key: Buffer.from(k.pa.pkcs8Der, 'base64'), format: 'der', type: 'pkcs1' }))",
    C + "return crypto.createPublicKey({ key: Buffer.from(k.pa.spkiDer, 'base64'), format: 'der', type: 'pkcs1' })",
    C + "return crypto.createPrivateKey(k.pa.pkcs8).export({ format: 'jwk' })",
    C + "return crypto.createPublicKey(k.pb.spki).export({ format: 'jwk' })",
    C + "return crypto.createPrivateKey(k.pa.pkcs8).export({ type: 'pkcs1', format: 'pem' })",
    C + "return crypto.createPublicKey(k.pa.spki).export({ type: 'pkcs1', format: 'der' })",
    C + "return crypto.createPrivateKey(k.pa.pkcs8).export({ type: 'sec1', format: 'pem' })",
    C + "return crypto.createPrivateKey(k.pa.pkcs8).export()",
    C + "return crypto.createPublicKey(k.pa.spki).export()",
    C + "const enc = crypto.createPrivateKey(k.pb.pkcs8).export({ type: 'pkcs8', format: 'pem', cipher: 'aes-256-cbc', passphrase: 'pw' }); "
        "const back = crypto.createPrivateKey({ key: enc, passphrase: 'pw' }); return [enc.split('\\n')[0], D(back), back.equals(crypto.createPrivateKey(k.pb.pkcs8))]",
    C + "const priv = crypto.createPrivateKey(k.pb.pkcs8); const pub = crypto.createPublicKey(k.pb.spki); "
        "return [pub.equals(crypto.createPublicKey(priv)), priv.equals(crypto.createPrivateKey(k.pb.pkcs8)), priv.equals(pub), "
        "pub.equals(crypto.createPublicKey(k.pa.spki))]",
    # (Node's equals of an rsa-pss and an rsa key is false, but leaves OpenSSL's "different key types"
    # error queued, which the next key that Node reads then throws: not compared here.)
    C + "return [crypto.createPrivateKey(k.pa.pkcs8).type, crypto.createPublicKey(k.pa.pkcs8).type, String(crypto.createPublicKey(k.pa.spki))]",
]

GENERATE = [
    *[C + f"const {{ publicKey, privateKey }} = crypto.generateKeyPairSync('rsa-pss', {o}); "
      "return [publicKey.asymmetricKeyType, D(publicKey), D(privateKey), A(publicKey)]"
      for o in (
          "{ modulusLength: 512 }",
          "{ modulusLength: 1024, hashAlgorithm: 'sha256' }",
          "{ modulusLength: 1024, hashAlgorithm: 'sha512', saltLength: 10 }",
          "{ modulusLength: 1024, hashAlgorithm: 'SHA-384', mgf1HashAlgorithm: 'sha224' }",
          "{ modulusLength: 1024, mgf1HashAlgorithm: 'sha256' }",
          "{ modulusLength: 1024, saltLength: 20 }",
          "{ modulusLength: 1024, saltLength: 0 }",
          "{ modulusLength: 1024, saltLength: 200 }",
          "{ modulusLength: 1024, hashAlgorithm: 'sha512-256' }",
          "{ modulusLength: 1024, hash: 'sha256', mgf1Hash: 'sha1' }",
          "{ modulusLength: 1024, publicExponent: 3, hashAlgorithm: 'sha1' }",
      )],
    *[C + f"return crypto.generateKeyPairSync('rsa-pss', {o})"
      for o in (
          "{ modulusLength: 1024, hashAlgorithm: 'nope' }",
          "{ modulusLength: 1024, mgf1HashAlgorithm: 'nope' }",
          "{ modulusLength: 1024, saltLength: -1 }",
          "{ modulusLength: 1024, saltLength: 1.5 }",
          "{ modulusLength: 1024, saltLength: 'a' }",
          "{ modulusLength: 1024, hashAlgorithm: 5 }",
          "{ modulusLength: 1024, mgf1HashAlgorithm: null }",
          "{ modulusLength: 1024, hash: 'sha256', hashAlgorithm: 'sha384' }",
          "{ modulusLength: 1024, mgf1Hash: 'sha256', mgf1HashAlgorithm: 'sha384' }",
          "{ hashAlgorithm: 'sha256' }",
          "undefined",
          "{ modulusLength: 1024, publicKeyEncoding: { type: 'pkcs1', format: 'pem' } }",
          "{ modulusLength: 1024, privateKeyEncoding: { type: 'pkcs1', format: 'der' } }",
          "{ modulusLength: 1024, privateKeyEncoding: { type: 'sec1', format: 'pem' } }",
          "{ modulusLength: 1024, publicKeyEncoding: { format: 'jwk' } }",
      )],
    C + "const { publicKey, privateKey } = crypto.generateKeyPairSync('rsa-pss', { modulusLength: 1024, saltLength: 8, "
        "publicKeyEncoding: { type: 'spki', format: 'pem' }, privateKeyEncoding: { type: 'pkcs8', format: 'der' } }); "
        "return [publicKey.split('\\n')[0], D(crypto.createPublicKey(publicKey)), D(crypto.createPrivateKey({ key: privateKey, format: 'der', type: 'pkcs8' }))]",
    C + "return new Promise((resolve) => crypto.generateKeyPair('rsa-pss', { modulusLength: 512, hashAlgorithm: 'sha256' }, (err, pub, priv) => "
        "resolve([err, D(pub), priv.type, priv.asymmetricKeyType])))",
    C + "const { publicKey, privateKey } = crypto.generateKeyPairSync('rsa-pss', { modulusLength: 1024, hashAlgorithm: 'sha256', saltLength: 32 }); "
        "const s = crypto.sign('sha256', Buffer.from('m'), privateKey); "
        "return [s.length, crypto.verify('sha256', Buffer.from('m'), publicKey, s), crypto.verify(null, Buffer.from('m'), publicKey, s)]",
]

# What is signed here is verified here: outcomes, and OpenSSL's refusals.
SIGN = [
    *[C + f"const s = crypto.sign('{DIGEST[p]}', {MSG}, k.{p}.pkcs8); return [s.length, crypto.verify('{DIGEST[p]}', {MSG}, k.{p}.spki, s), "
      f"crypto.verify(null, {MSG}, k.{p}.spki, s), crypto.verify('{DIGEST[p]}', Buffer.from('other'), k.{p}.spki, s)]" for p in PSS],
    *[C + f"const s = crypto.sign(null, {MSG}, k.{p}.pkcs8); return crypto.verify('{DIGEST[p]}', {MSG}, k.{p}.spki, s)" for p in PSS],
    # The salt a signature gets: the key's, or the digest's length without parameters (less if it does not fit).
    *[C + f"const s = crypto.sign('{h}', {MSG}, k.pa.pkcs8); "
      f"return [{n}, {n - 1}, {n + 1}].map((saltLength) => crypto.verify('{h}', {MSG}, {{ key: k.pa.spki, saltLength }}, s))"
      for h, n in (("sha1", 20), ("sha256", 32), ("sha512", 62))],
    *[C + f"const s = crypto.sign('sha256', {MSG}, {{ key: k.{p}.pkcs8, {o} }}); "
      f"return [0, 20, 32, 40, 94].map((saltLength) => crypto.verify('sha256', {MSG}, {{ key: k.pa.spki, saltLength }}, s))"
      for p, o in (("pa", "saltLength: 0"), ("pa", "saltLength: 40"), ("pa", "saltLength: -1"), ("pa", "saltLength: -2"),
                   ("pa", "saltLength: -3"), ("pa", "saltLength: -4"), ("pa", "padding: 6"), ("pa", "padding: 6, saltLength: 20"))],
    *[C + f"const s = crypto.sign('sha256', {MSG}, {{ key: k.pb.pkcs8, {o} }}); "
      f"return [32, 40, 94].map((saltLength) => crypto.verify('sha256', {MSG}, {{ key: k.pb.spki, saltLength }}, s))"
      for o in ("saltLength: 32", "saltLength: 40", "saltLength: -1", "saltLength: -3", "padding: 6, saltLength: 94")],
    # Verification's salt: exactly the key's by default, any with an explicit PSS padding or AUTO.
    *[C + f"const s = crypto.sign('sha256', {MSG}, {{ key: k.pb.pkcs8, saltLength: {n} }}); "
      f"return [undefined, -4, -3, -2, -1, 32, 40].map((saltLength) => [crypto.verify('sha256', {MSG}, {{ key: k.pb.spki, saltLength }}, s), "
      f"crypto.verify('sha256', {MSG}, {{ key: k.pb.spki, saltLength, padding: 6 }}, s)])" for n in (32, 40, 94)],
    *[C + f"const s = crypto.sign('sha256', {MSG}, {{ key: k.pa.pkcs8, saltLength: {n} }}); "
      f"return [undefined, -4, -3, -2, -1, 0, 94].map((saltLength) => crypto.verify('sha256', {MSG}, {{ key: k.pa.spki, saltLength }}, s))"
      for n in (0, 32, 94)],
    C + "const s = crypto.createSign('sha384').update('a').update('b').sign(k.pc.pkcs8); "
        "const v = crypto.createVerify('sha384'); v.write('ab'); v.end(); return [s.length, v.verify(k.pc.spki, s)]",
    C + "const s = crypto.createSign('sha256').update('x').sign(crypto.createPrivateKey(k.pa.pkcs8), 'base64'); "
        "return crypto.createVerify('sha256').update('x').verify(crypto.createPublicKey(k.pa.spki), s, 'base64')",
    C + f"const s = crypto.sign('sha512', {MSG}, k.pg.pkcs8); return [s.length, crypto.verify('sha512', {MSG}, k.pg.spki, s), "
        f"crypto.verify('sha512', {MSG}, {{ key: k.pg.spki, saltLength: 1 }}, s)]",
    C + f"const s = crypto.sign('sha256', {MSG}, k.pb.pkcs8); s[5] ^= 1; return crypto.verify('sha256', {MSG}, k.pb.spki, s)",
    C + f"return crypto.verify('sha256', {MSG}, k.pb.spki, Buffer.alloc(128))",
    C + f"return crypto.verify('sha256', {MSG}, k.pb.spki, Buffer.alloc(12))",
    C + f"const s = crypto.sign('sha256', {MSG}, k.pb.pkcs8); return crypto.verify('sha256', {MSG}, k.pb.pkcs8, s)",
    C + f"const s = crypto.sign('sha256', {MSG}, {{ key: k.pa.pkcs8, saltLength: 94 }}); "
        f"return [crypto.verify('sha256', {MSG}, {{ key: k.r.spki, padding: 6 }}, s), crypto.verify('sha256', {MSG}, k.pa.spki, s)]",
    # RSA keys take PSS's special salt lengths as OpenSSL does too.
    C + f"const s = crypto.sign('sha256', {MSG}, {{ key: k.r.pkcs8, padding: 6, saltLength: 40 }}); "
        f"return [-3, -2, -4].map((saltLength) => crypto.verify('sha256', {MSG}, {{ key: k.r.spki, padding: 6, saltLength }}, s))",
    C + f"const s = crypto.sign('sha256', {MSG}, {{ key: k.r.pkcs8, padding: 6, saltLength: -4 }}); "
        f"return [32, 94].map((saltLength) => crypto.verify('sha256', {MSG}, {{ key: k.r.spki, padding: 6, saltLength }}, s))",
]

ERRORS = [
    *[C + f"return crypto.sign({h}, {MSG}, {{ key: k.pb.pkcs8, {o} }})"
      for h, o in (("'sha512'", "saltLength: 32"), ("'sha1'", "saltLength: 32"), ("'sha256'", "padding: 1"), ("'sha256'", "padding: 3"),
                   ("'sha256'", "padding: 4"), ("'sha256'", "padding: 6"), ("'sha256'", "saltLength: -2"), ("'sha256'", "saltLength: 16"),
                   ("'sha256'", "saltLength: 0"), ("'sha256'", "saltLength: -5"), ("'sha256'", "saltLength: 95"),
                   ("'sha512'", "padding: 1"), ("'sha256'", "padding: 1, saltLength: 1"), ("'nope'", "saltLength: 32"),
                   ("'shake256'", "saltLength: 32"))],
    C + f"return crypto.sign('RSA-SHA256', {MSG}, {{ key: k.pb.pkcs8, saltLength: 32 }}).length",
    C + f"return crypto.sign('sha256', {MSG}, {{ key: k.pc.pkcs8, saltLength: -1 }}).length",
    C + f"return crypto.sign('sha256', {MSG}, k.pd.pkcs8)",
    C + f"return crypto.sign('sha256', {MSG}, {{ key: k.pa.pkcs8, padding: 1 }})",
    C + f"return crypto.sign('sha256', {MSG}, {{ key: k.pa.pkcs8, saltLength: 95 }})",
    C + f"return crypto.sign('sha256', {MSG}, {{ key: k.pa.pkcs8, saltLength: -5 }})",
    C + f"return crypto.sign('md5', {MSG}, k.pa.pkcs8).length",
    C + f"return crypto.verify('sha512', {MSG}, k.pb.spki, Buffer.alloc(128))",
    C + f"return crypto.verify('sha256', {MSG}, {{ key: k.pb.spki, saltLength: 16 }}, Buffer.alloc(128))",
    C + f"return crypto.verify('sha256', {MSG}, {{ key: k.pb.spki, padding: 1 }}, Buffer.alloc(128))",
    C + f"return crypto.verify('sha256', {MSG}, {{ key: k.pa.spki, saltLength: -5 }}, Buffer.alloc(128))",
    C + f"return crypto.verify('sha256', {MSG}, {{ key: k.r.spki, padding: 6, saltLength: -5 }}, Buffer.alloc(128))",
    C + f"return crypto.sign('sha256', {MSG}, k.pa.spki)",
    C + "return crypto.createSign('sha512').update('x').sign(k.pc.pkcs8)",
    # A Verify object answers false where one-shot verify throws OpenSSL's refusal (RSA keys too).
    C + "return crypto.createVerify('sha1').update('x').verify(k.pb.spki, Buffer.alloc(128))",
    C + "const s = crypto.createSign('sha256').update('x').sign(k.pb.pkcs8); return [{ padding: 1 }, { saltLength: 16 }, { saltLength: -5 }, {}]"
        ".map((o) => crypto.createVerify('sha256').update('x').verify({ key: k.pb.spki, ...o }, s))",
    C + "const s = crypto.createSign('sha256').update('x').sign({ key: k.r.pkcs8, padding: 6 }); return [{ padding: 3 }, { padding: 6, saltLength: -5 }, { padding: 6 }]"
        ".map((o) => crypto.createVerify('sha256').update('x').verify({ key: k.r.spki, ...o }, s))",
    C + "return crypto.publicEncrypt(k.pa.spki, Buffer.from('x'))",
    C + "return crypto.publicEncrypt(k.pa.pkcs8, Buffer.from('x'))",
    C + "return crypto.privateDecrypt(k.pa.pkcs8, Buffer.alloc(128))",
    C + "return crypto.privateDecrypt(crypto.createPublicKey(k.pa.spki), Buffer.alloc(128))",
    C + "return crypto.privateEncrypt(k.pa.pkcs8, Buffer.from('x'))",
    C + "return crypto.publicDecrypt(k.pa.spki, Buffer.alloc(128))",
    C + "return crypto.diffieHellman({ privateKey: crypto.createPrivateKey(k.pa.pkcs8), publicKey: crypto.createPublicKey(k.pa.spki) })",
    C + "return crypto.diffieHellman({ privateKey: crypto.createPrivateKey(k.ec.pkcs8), publicKey: crypto.createPublicKey(k.pa.spki) })",
]

ALL = KEYS + GENERATE + SIGN + ERRORS
GROUPS = (("keys", KEYS), ("generate", GENERATE), ("sign", SIGN), ("errors", ERRORS))


node_keys, node_outcomes = keyed_fixtures(KEYGEN, ALL)


@pytest.mark.parametrize("index", range(len(ALL)), ids=case_ids(ALL, GROUPS))
def test_rsa_pss_matches_node24(cb1: CodeBlockClient, node_keys: dict[str, Any],
                                node_outcomes: list[dict[str, Any]], index: int) -> None:
    code = ALL[index]
    status, body = cb1.run(code, {"k": node_keys})
    assert_same_as_node(code, status, body, node_outcomes[index])


# -- across the two: signed on one side, verified on the other --------------------------------

PAIRS: dict[str, tuple[str, str]] = {
    **{f"default-{p}": (C + f"return crypto.sign('{DIGEST[p]}', {MSG}, k.{p}.pkcs8).toString('base64')",
                        C + f"return crypto.verify('{DIGEST[p]}', {MSG}, k.{p}.spki, Buffer.from(input.x, 'base64'))")
       for p in PSS},
    "salt-max": (C + f"return crypto.sign('sha256', {MSG}, {{ key: k.pb.pkcs8, saltLength: -3 }}).toString('base64')",
                 C + f"return crypto.verify('sha256', {MSG}, {{ key: k.pb.spki, saltLength: 94 }}, Buffer.from(input.x, 'base64'))"),
    "stream": (C + "return crypto.createSign('sha384').update('streamed').sign(k.pc.pkcs8, 'base64')",
               C + "return crypto.createVerify('sha384').update('streamed').verify(k.pc.spki, input.x, 'base64')"),
}


def _read_in_node(keys: dict[str, Any], consume: str, made: Any) -> dict[str, Any]:
    [outcome] = run_in_node([{"code": consume, "input": {"k": keys, "x": made}}])
    return outcome


@pytest.mark.parametrize("name", sorted(PAIRS))
def test_signed_here_verified_in_node(cb1: CodeBlockClient, node_keys: dict[str, Any], name: str) -> None:
    produce, consume = PAIRS[name]
    made = cb1.ok(produce, {"k": node_keys})
    assert _read_in_node(node_keys, consume, made) == {"ok": True, "result": "true"}
    tampered = made[:20] + ("A" if made[20] != "A" else "B") + made[21:]
    assert _read_in_node(node_keys, consume, tampered) == {"ok": True, "result": "false"}


@pytest.mark.parametrize("name", sorted(PAIRS))
def test_signed_in_node_verified_here(cb1: CodeBlockClient, node_keys: dict[str, Any], name: str) -> None:
    produce, consume = PAIRS[name]
    [made] = run_in_node([{"code": produce, "input": {"k": node_keys}}])
    assert made["ok"], made
    assert cb1.ok(consume, {"k": node_keys, "x": json.loads(made["result"])}) is True


def test_keys_generated_here_work_in_node(cb1: CodeBlockClient) -> None:
    made = cb1.ok(
        "const crypto = require('crypto'); return [{ modulusLength: 1024 }, { modulusLength: 1024, hashAlgorithm: 'sha256', saltLength: 24 },\n"
        "  { modulusLength: 1536, hashAlgorithm: 'sha512', mgf1HashAlgorithm: 'sha1' }].map((o) => {\n"
        "  const { publicKey, privateKey } = crypto.generateKeyPairSync('rsa-pss', o);\n"
        "  return { spki: publicKey.export({ type: 'spki', format: 'pem' }), pkcs8: privateKey.export({ type: 'pkcs8', format: 'der' }).toString('base64'),\n"
        "    sig: crypto.sign(null, Buffer.from('made here'), privateKey).toString('base64') }; })",
        timeout=60_000,
    )
    check = (
        "const crypto = require('crypto'); return input.map((v) => {\n"
        "  const pub = crypto.createPublicKey(v.spki);\n"
        "  const priv = crypto.createPrivateKey({ key: Buffer.from(v.pkcs8, 'base64'), format: 'der', type: 'pkcs8' });\n"
        "  const d = pub.asymmetricKeyDetails;\n"
        "  return [pub.asymmetricKeyType, d.hashAlgorithm ?? null, d.mgf1HashAlgorithm ?? null, d.saltLength ?? null,\n"
        "    crypto.verify(null, Buffer.from('made here'), pub, Buffer.from(v.sig, 'base64')), crypto.createPublicKey(priv).equals(pub)]; })"
    )
    [outcome] = run_in_node([{"code": check, "input": made}])
    assert json.loads(outcome["result"]) == [
        ["rsa-pss", None, None, None, True, True],
        ["rsa-pss", "sha256", "sha256", 24, True, True],
        ["rsa-pss", "sha512", "sha1", 64, True, True],
    ], outcome


def test_enough_cases() -> None:
    assert len(set(ALL)) == len(ALL), "duplicate cases"
    assert len(ALL) + 2 * len(PAIRS) >= 30, len(ALL)
