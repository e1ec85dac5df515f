"""jose (the npm package, pinned) compared with the same package run in real Node 24:
JWT sign and verify for HS*, RS*, PS*, ES* and EdDSA; JWE in compact form (RSA-OAEP-256,
dir, A256KW, ECDH-ES); JWKS from createLocalJWKSet; decodeJwt and decodeProtectedHeader;
importJWK, importPKCS8, importSPKI and exportJWK.

Keys and tokens that Node makes with jose (the `node_jose` fixture) are every case's
`input.k`. Deterministic algorithms (HMAC, RS*, EdDSA) are compared token for token;
randomised ones (PS*, ES*, every JWE) by verifying or decrypting across the two: made in
Node and checked here, and made here and checked in Node (the tests at the end). Errors
are caught in the snippet and returned as [class, code, message]."""

from __future__ import annotations

import json
from typing import Any

import pytest

from compat.conftest import assert_same_as_node, case_ids, run_in_node
from conftest import CodeBlockClient

P = (
    "const jose = require('jose'); const k = input.k;\n"
    "const enc = (s) => new TextEncoder().encode(s);\n"
    "const NOW = new Date(1700000100 * 1000);\n"
    "const E = async (f) => { try { await f(); return 'no error'; } catch (e) { return [e.constructor.name, e.code, e.message]; } };\n"
)

ASYM = {"RS256": "RS256", "RS384": "RS384", "PS256": "PS256", "ES256": "ES256", "ES384": "ES384", "ES512": "ES512", "EdDSA": "EdDSA"}

# Made by jose in Node once per run.
KEYGEN = """
const jose = require('jose');
const out = { keys: {}, tokens: {} };
const claims = { sub: 'user-1', iss: 'https://issuer.example', aud: 'flow', iat: 1700000000, exp: 1700003600 };
for (const alg of ['RS256', 'RS384', 'PS256', 'ES256', 'ES384', 'ES512', 'EdDSA']) {
  const { publicKey, privateKey } = await jose.generateKeyPair(alg, { extractable: true, ...(alg.startsWith('RS') || alg.startsWith('PS') ? { modulusLength: 2048 } : {}) });
  out.keys[alg] = { pkcs8: await jose.exportPKCS8(privateKey), spki: await jose.exportSPKI(publicKey),
    jwk: await jose.exportJWK(privateKey), jwkPub: { ...(await jose.exportJWK(publicKey)), kid: `kid-${alg}`, alg } };
  out.tokens[alg] = await new jose.SignJWT(claims).setProtectedHeader({ alg, kid: `kid-${alg}`, typ: 'JWT' }).sign(privateKey);
}
const secret = new TextEncoder().encode('a shared secret of 32 bytes!!!!!');
for (const alg of ['HS256', 'HS384', 'HS512']) {
  out.tokens[alg] = await new jose.SignJWT(claims).setProtectedHeader({ alg }).sign(secret);
}
const rsaOaep = await jose.generateKeyPair('RSA-OAEP-256', { extractable: true });
out.keys.oaep = { pkcs8: await jose.exportPKCS8(rsaOaep.privateKey), spki: await jose.exportSPKI(rsaOaep.publicKey) };
const ecdh = await jose.generateKeyPair('ECDH-ES', { extractable: true });
out.keys.ecdh = { jwk: await jose.exportJWK(ecdh.privateKey), jwkPub: await jose.exportJWK(ecdh.publicKey) };
const dir = new Uint8Array(16).fill(3);
const kw = new Uint8Array(32).fill(5);
out.jwe = {
  oaep: await new jose.CompactEncrypt(new TextEncoder().encode('secret via RSA-OAEP-256')).setProtectedHeader({ alg: 'RSA-OAEP-256', enc: 'A256GCM' }).encrypt(rsaOaep.publicKey),
  dir: await new jose.CompactEncrypt(new TextEncoder().encode('secret via dir')).setProtectedHeader({ alg: 'dir', enc: 'A128GCM' }).encrypt(dir),
  kw: await new jose.CompactEncrypt(new TextEncoder().encode('secret via A256KW')).setProtectedHeader({ alg: 'A256KW', enc: 'A128CBC-HS256' }).encrypt(kw),
  ecdh: await new jose.CompactEncrypt(new TextEncoder().encode('secret via ECDH-ES')).setProtectedHeader({ alg: 'ECDH-ES+A128KW', enc: 'A256GCM' }).encrypt(ecdh.publicKey),
  jwt: await new jose.EncryptJWT({ sub: 'enc' }).setProtectedHeader({ alg: 'dir', enc: 'A256GCM' }).setIssuedAt(1700000000).encrypt(new Uint8Array(32).fill(7)),
};
return out;
"""

SECRET = "enc('a shared secret of 32 bytes!!!!!')"
CLAIMS = "{ sub: 'user-1', iss: 'https://issuer.example', aud: 'flow', iat: 1700000000, exp: 1700003600 }"
VERIFY_OPTS = "{ issuer: 'https://issuer.example', audience: 'flow', currentDate: NOW }"

SIGN = [
    *[P + f"return new jose.SignJWT({CLAIMS}).setProtectedHeader({{ alg: '{a}' }}).sign({SECRET})" for a in ("HS256", "HS384", "HS512")],
    *[P + f"const key = await jose.importPKCS8(k.keys.{a}.pkcs8, '{a}'); return new jose.SignJWT({CLAIMS}).setProtectedHeader({{ alg: '{a}', kid: 'x' }}).sign(key)" for a in ("RS256", "RS384", "EdDSA")],
    *[P + f"const key = await jose.importJWK(k.keys.{a}.jwk, '{a}'); return new jose.SignJWT({{ n: 1 }}).setProtectedHeader({{ alg: '{a}' }}).sign(key)" for a in ("RS256", "EdDSA")],
    P + "return new jose.CompactSign(enc('detached payload')).setProtectedHeader({ alg: 'HS256', b64: true }).sign(" + SECRET + ")",
    P + "const jws = await new jose.FlattenedSign(enc('flat')).setProtectedHeader({ alg: 'HS512' }).setUnprotectedHeader({ kid: 'u' }).sign(" + SECRET + "); return jws",
    P + "return new jose.SignJWT({ a: [1, 2, { b: 'ü' }] }).setProtectedHeader({ alg: 'HS256', typ: 'JWT' }).setIssuer('i').setSubject('s').setAudience(['a', 'b']).setJti('j').setIssuedAt(1700000000).setNotBefore(1700000000).setExpirationTime(1700000500).sign(" + SECRET + ")",
]

VERIFY = [
    *[P + f"const key = await jose.importSPKI(k.keys.{a}.spki, '{a}'); const r = await jose.jwtVerify(k.tokens.{a}, key, {VERIFY_OPTS}); return [r.payload, r.protectedHeader]" for a in ASYM],
    *[P + f"const key = await jose.importJWK(k.keys.{a}.jwkPub); const r = await jose.jwtVerify(k.tokens.{a}, key, {{ currentDate: NOW, algorithms: ['{a}'] }}); return r.payload.sub" for a in ASYM],
    *[P + f"const r = await jose.jwtVerify(k.tokens.{a}, {SECRET}, {VERIFY_OPTS}); return [r.payload, r.protectedHeader]" for a in ("HS256", "HS384", "HS512")],
    P + "const jwks = jose.createLocalJWKSet({ keys: Object.values(k.keys).filter((x) => x.jwkPub && x.jwkPub.kid).map((x) => x.jwkPub) });\n"
    "const out = []; for (const alg of ['RS256', 'PS256', 'ES256', 'ES512', 'EdDSA']) out.push((await jose.jwtVerify(k.tokens[alg], jwks, { currentDate: NOW })).protectedHeader.kid); return out",
    P + "const jwks = jose.createLocalJWKSet({ keys: [k.keys.ES256.jwkPub] }); return E(() => jose.jwtVerify(k.tokens.ES384, jwks, { currentDate: NOW }))",
    P + "const jwks = jose.createLocalJWKSet({ keys: [k.keys.ES256.jwkPub, { ...k.keys.ES256.jwkPub }] }); return E(() => jose.jwtVerify(k.tokens.ES256, jwks, { currentDate: NOW }))",
    P + "return [jose.decodeJwt(k.tokens.RS256), jose.decodeProtectedHeader(k.tokens.ES256), jose.decodeProtectedHeader(k.jwe.oaep)]",
    P + "const key = await jose.importSPKI(k.keys.RS256.spki, 'RS256'); return E(() => jose.jwtVerify(k.tokens.RS256, key))",
    P + "const key = await jose.importSPKI(k.keys.RS256.spki, 'RS256'); return E(() => jose.jwtVerify(k.tokens.RS256, key, { currentDate: NOW, issuer: 'someone else' }))",
    P + "const key = await jose.importSPKI(k.keys.RS256.spki, 'RS256'); return E(() => jose.jwtVerify(k.tokens.RS256, key, { currentDate: NOW, audience: 'other' }))",
    P + "const key = await jose.importSPKI(k.keys.RS256.spki, 'RS256'); return E(() => jose.jwtVerify(k.tokens.RS256, key, { currentDate: new Date(1600000000000), maxTokenAge: '1h' }))",
    P + "const key = await jose.importSPKI(k.keys.RS256.spki, 'RS256'); return E(() => jose.jwtVerify(k.tokens.RS256, key, { currentDate: NOW, algorithms: ['ES256'] }))",
    P + "const key = await jose.importSPKI(k.keys.RS256.spki, 'RS256'); const [h, p, s] = k.tokens.RS256.split('.'); return E(() => jose.jwtVerify(`${h}.${p}.${s.slice(0, -4)}AAAA`, key, { currentDate: NOW }))",
    P + "const key = await jose.importSPKI(k.keys.ES256.spki, 'ES256'); const [h, , s] = k.tokens.ES256.split('.'); return E(() => jose.jwtVerify(`${h}.${jose.base64url.encode('{\"sub\":\"evil\"}')}.${s}`, key, { currentDate: NOW }))",
    P + "const key = await jose.importSPKI(k.keys.ES256.spki, 'ES256'); return E(() => jose.jwtVerify(k.tokens.ES384, key, { currentDate: NOW }))",
    P + "return E(() => jose.jwtVerify(k.tokens.HS256, enc('the wrong secret, also 32 bytes!'), { currentDate: NOW }))",
    P + "return E(() => jose.jwtVerify('not.a.jwt', " + SECRET + "))",
    P + "return E(() => jose.jwtVerify('onlyonepart', " + SECRET + "))",
    P + "return E(() => jose.decodeJwt('a.b'))",
    P + "return E(() => jose.decodeJwt(k.jwe.dir))",
    P + "return E(() => jose.decodeProtectedHeader('%%%.x.y'))",
    P + "return E(() => jose.importJWK({ kty: 'EC', crv: 'P-256', x: 'AAAA' }, 'ES256'))",
    P + "return E(() => jose.importJWK({ kty: 'RSA', n: 'AQAB' }))",
    P + "return E(() => jose.importSPKI('-----BEGIN PUBLIC KEY-----\\nAAAA\\n-----END PUBLIC KEY-----', 'ES256'))",
    P + "return E(() => jose.importPKCS8(k.keys.ES256.pkcs8, 'RS256'))",
    P + "return E(() => jose.importPKCS8('not a pem', 'RS256'))",
    P + "return E(() => new jose.SignJWT({}).setProtectedHeader({ alg: 'HS256' }).sign(enc('short')))",
    P + "const key = await jose.importPKCS8(k.keys.ES256.pkcs8, 'ES256'); return E(() => new jose.SignJWT({}).setProtectedHeader({ alg: 'RS256' }).sign(key))",
    P + "return E(() => new jose.SignJWT({}).sign(" + SECRET + "))",
    P + "const key = await jose.importPKCS8(k.keys.EdDSA.pkcs8, 'EdDSA'); const pub = await jose.importSPKI(k.keys.EdDSA.spki, 'EdDSA');\n"
    "const t = await new jose.SignJWT({ z: 1 }).setProtectedHeader({ alg: 'EdDSA' }).sign(key); return [t, (await jose.jwtVerify(t, pub)).payload]",
]

KEYS = [
    *[P + f"const key = await jose.importPKCS8(k.keys.{a}.pkcs8, '{a}', {{ extractable: true }}); const jwk = await jose.exportJWK(key); return [key.algorithm.name, key.type, jwk]" for a in ("RS256", "ES256", "ES384", "ES512", "EdDSA")],
    *[P + f"const key = await jose.importSPKI(k.keys.{a}.spki, '{a}', {{ extractable: true }}); return [await jose.exportJWK(key), await jose.exportSPKI(key) === k.keys.{a}.spki]" for a in ("PS256", "ES384", "EdDSA")],
    *[P + f"const key = await jose.importJWK(k.keys.{a}.jwk, '{a}', {{ extractable: true }}); return (await jose.exportPKCS8(key)) === k.keys.{a}.pkcs8" for a in ("ES256", "EdDSA")],
    P + "return [await jose.calculateJwkThumbprint(k.keys.ES256.jwkPub), await jose.calculateJwkThumbprint(k.keys.RS256.jwkPub, 'sha512'), await jose.calculateJwkThumbprintUri(k.keys.EdDSA.jwkPub)]",
    P + "const key = await jose.importJWK({ kty: 'oct', k: 'AAECAwQFBgcICQoLDA0ODw' }, 'HS256'); return [key.constructor.name, key.algorithm, key.usages]",
    P + "return jose.importJWK({ kty: 'oct', k: 'AAECAwQFBgcICQoLDA0ODw' })",
    P + "return [jose.base64url.encode('hello ü'), new TextDecoder().decode(jose.base64url.decode('aGVsbG8g')), Object.keys(jose).sort()]",
    P + "return [jose.errors.JWTExpired.code, new jose.errors.JOSEError('m').code, Object.keys(jose.errors).sort()]",
]

JWE = [
    P + "const key = await jose.importPKCS8(k.keys.oaep.pkcs8, 'RSA-OAEP-256'); const r = await jose.compactDecrypt(k.jwe.oaep, key); return [new TextDecoder().decode(r.plaintext), r.protectedHeader]",
    P + "const r = await jose.compactDecrypt(k.jwe.dir, new Uint8Array(16).fill(3)); return [new TextDecoder().decode(r.plaintext), r.protectedHeader]",
    P + "const r = await jose.compactDecrypt(k.jwe.kw, new Uint8Array(32).fill(5)); return [new TextDecoder().decode(r.plaintext), r.protectedHeader]",
    P + "const key = await jose.importJWK(k.keys.ecdh.jwk, 'ECDH-ES+A128KW'); const r = await jose.compactDecrypt(k.jwe.ecdh, key); return new TextDecoder().decode(r.plaintext)",
    P + "const r = await jose.jwtDecrypt(k.jwe.jwt, new Uint8Array(32).fill(7)); return [r.payload, r.protectedHeader]",
    P + "return E(() => jose.compactDecrypt(k.jwe.dir, new Uint8Array(16).fill(4)))",
    P + "return E(() => jose.compactDecrypt(k.jwe.kw, new Uint8Array(32).fill(6)))",
    P + "const parts = k.jwe.dir.split('.'); parts[3] = parts[3].slice(0, -2) + (parts[3].endsWith('AA') ? 'BB' : 'AA'); return E(() => jose.compactDecrypt(parts.join('.'), new Uint8Array(16).fill(3)))",
    P + "return E(() => jose.compactDecrypt('a.b.c', new Uint8Array(16)))",
    P + "return E(() => jose.compactDecrypt(k.jwe.dir, new Uint8Array(16).fill(3), { keyManagementAlgorithms: ['A256KW'] }))",
    P + "return E(() => new jose.CompactEncrypt(enc('x')).setProtectedHeader({ alg: 'dir', enc: 'A128GCM' }).encrypt(new Uint8Array(8)))",
]

GROUPS = [("sign", SIGN), ("verify", VERIFY), ("keys", KEYS), ("jwe", JWE)]
ALL = [code for _, group in GROUPS for code in group]


@pytest.fixture(scope="module")
def node_jose() -> dict[str, Any]:
    [outcome] = run_in_node([{"code": KEYGEN, "input": {}}])
    assert outcome["ok"], outcome
    made: dict[str, Any] = json.loads(outcome["result"])
    return made


@pytest.fixture(scope="module")
def node_outcomes(node_jose: dict[str, Any]) -> list[dict[str, Any]]:
    return run_in_node([{"code": code, "input": {"k": node_jose}} for code in ALL])


@pytest.mark.parametrize("index", range(len(ALL)), ids=case_ids(ALL, GROUPS))
def test_jose_matches_node24(cb1: CodeBlockClient, node_jose: dict[str, Any],
                             node_outcomes: list[dict[str, Any]], index: int) -> None:
    code = ALL[index]
    status, body = cb1.run(code, {"k": node_jose})
    assert_same_as_node(code, status, body, node_outcomes[index])


# -- made here, checked in Node: randomised signatures and every JWE ----------------------------------

MADE_HERE = {
    **{alg: (P + f"const key = await jose.importPKCS8(k.keys.{alg}.pkcs8, '{alg}'); return new jose.SignJWT({{ made: 'here' }}).setProtectedHeader({{ alg: '{alg}' }}).sign(key)",
             P + f"const key = await jose.importSPKI(k.keys.{alg}.spki, '{alg}'); return (await jose.jwtVerify(input.made, key)).payload.made === 'here'")
       for alg in ("PS256", "ES256", "ES384", "ES512")},
    "jwe-oaep": (P + "const key = await jose.importSPKI(k.keys.oaep.spki, 'RSA-OAEP-256'); return new jose.CompactEncrypt(enc('made here')).setProtectedHeader({ alg: 'RSA-OAEP-256', enc: 'A256GCM' }).encrypt(key)",
                 P + "const key = await jose.importPKCS8(k.keys.oaep.pkcs8, 'RSA-OAEP-256'); return new TextDecoder().decode((await jose.compactDecrypt(input.made, key)).plaintext) === 'made here'"),
    "jwe-dir": (P + "return new jose.CompactEncrypt(enc('made here')).setProtectedHeader({ alg: 'dir', enc: 'A128GCM' }).encrypt(new Uint8Array(16).fill(3))",
                P + "return new TextDecoder().decode((await jose.compactDecrypt(input.made, new Uint8Array(16).fill(3))).plaintext) === 'made here'"),
    "jwe-a256kw": (P + "return new jose.CompactEncrypt(enc('made here')).setProtectedHeader({ alg: 'A256KW', enc: 'A256GCM' }).encrypt(new Uint8Array(32).fill(5))",
                   P + "return new TextDecoder().decode((await jose.compactDecrypt(input.made, new Uint8Array(32).fill(5))).plaintext) === 'made here'"),
    "jwe-ecdh": (P + "const key = await jose.importJWK(k.keys.ecdh.jwkPub, 'ECDH-ES'); return new jose.CompactEncrypt(enc('made here')).setProtectedHeader({ alg: 'ECDH-ES', enc: 'A128GCM' }).encrypt(key)",
                 P + "const key = await jose.importJWK(k.keys.ecdh.jwk, 'ECDH-ES'); return new TextDecoder().decode((await jose.compactDecrypt(input.made, key)).plaintext) === 'made here'"),
    "jwt-generated-es256": (P + "const { publicKey, privateKey } = await jose.generateKeyPair('ES256', { extractable: true });\n"
                            "const t = await new jose.SignJWT({ made: 'here' }).setProtectedHeader({ alg: 'ES256' }).sign(privateKey);\n"
                            "return JSON.stringify([t, await jose.exportJWK(publicKey)])",
                            P + "const [t, jwk] = JSON.parse(input.made); return (await jose.jwtVerify(t, await jose.importJWK(jwk, 'ES256'))).payload.made === 'here'"),
}


@pytest.mark.parametrize("name", sorted(MADE_HERE))
def test_made_here_checks_in_node(cb1: CodeBlockClient, node_jose: dict[str, Any], name: str) -> None:
    make, check = MADE_HERE[name]
    made = cb1.ok(make, {"k": node_jose})
    [outcome] = run_in_node([{"code": check, "input": {"k": node_jose, "made": made}}])
    assert outcome == {"ok": True, "result": "true"}, outcome
    # The signature's or the ciphertext's last characters changed: refused in Node.
    tampered = made[:-8] + ("AAAAAAAA" if made[-8:] != "AAAAAAAA" else "BBBBBBBB")
    if name == "jwt-generated-es256":
        tampered = made.replace(made.split(".")[2][:8], "AAAAAAAA", 1)
    [outcome] = run_in_node([{"code": check, "input": {"k": node_jose, "made": tampered}}])
    assert outcome != {"ok": True, "result": "true"}, outcome


def test_jose_state_is_per_execution(cb1: CodeBlockClient) -> None:
    # A key cached by jose in one execution (its WeakMaps) and anything written to the
    # module are gone in the next: the module is made afresh.
    assert cb1.ok("const jose = require('jose'); jose.leaked = 1; return [Object.isFrozen(jose), jose.leaked]") in (
        [True, None], [False, 1])
    assert cb1.ok("return require('jose').leaked === undefined") is True


def test_enough_cases() -> None:
    assert len(ALL) + 2 * len(MADE_HERE) >= 40, len(ALL)
    assert len(set(ALL)) == len(ALL), "duplicate cases"
