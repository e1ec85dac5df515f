"""sm-crypto-v2 (SM2, SM3, SM4, KDF), compared with the same pinned npm package running in
real Node 24 from node_modules. Deterministic results (SM3, SM4, key derivation, public keys,
deterministic key pairs, errors) are compared directly. SM2 encryption and signatures are
randomized, so they are cross-checked: what Node encrypts or signs, the service decrypts or
verifies, and the other way round, in both cipher modes and with the der/hash/userId options."""

from __future__ import annotations

import json
from typing import Any

import pytest

from compat.conftest import assert_same_as_node, case_ids, run_in_node
from conftest import CodeBlockClient

S = "const { sm2, sm3, sm4, kdf, hkdf } = require('sm-crypto-v2');\n"
# Key pairs both sides derive alike from fixed private keys. (generateKeyPairHex(seed) is
# deterministic too, but 1.15 reduces every seed modulo 1: its private key is always 1.)
KP = S + (
    "const pair = (d) => ({ privateKey: d, publicKey: sm2.getPublicKeyFromPrivateKey(d) });\n"
    "const kp = pair('3945208f7b2144b13f36e38ac6d39f95889393692860b51a42fb81ef4df7c5b8');\n"
)
KEY = "0123456789abcdeffedcba9876543210"
IV = "fedcba98765432100123456789abcdef"
HEX = "(a) => Array.from(a, (b) => b.toString(16).padStart(2, '0')).join('')"

SM3 = [S + code for code in [
    "return sm3('abc')",
    "return sm3('')",
    "return sm3('abcd'.repeat(16))",
    "return sm3('国密算法 SM3')",
    "return sm3('😀 emoji and \\u00e9')",
    "return sm3(new Uint8Array([0x61, 0x62, 0x63]))",
    "return sm3(new Uint8Array(0))",
    "return sm3('x'.repeat(100000))",
    "return sm3(Array.from({ length: 300 }, (_, i) => i & 255))",
    f"return sm3('abc', {{ key: '{KEY}' }})",
    f"return sm3('abc', {{ key: '{KEY}', mode: 'hmac' }})",
    "return sm3('data', { key: new Uint8Array([1, 2, 3, 4]) })",
    "return sm3('', { key: 'ff' })",
    "return sm3('message', { key: 'aa'.repeat(100) })",
    "return sm3(new Uint8Array([1, 2, 3]), { key: '0102' })",
]]

SM4 = [S + code for code in [
    f"return sm4.encrypt('hello world', '{KEY}')",
    f"return sm4.encrypt('', '{KEY}')",
    f"return sm4.encrypt('0123456789abcdef', '{KEY}')",
    f"return sm4.encrypt('中文内容、需要加密', '{KEY}')",
    f"return sm4.encrypt('0123456789abcdef', '{KEY}', {{ padding: 'none' }})",
    f"return sm4.encrypt('hello', '{KEY}', {{ padding: 'pkcs#5' }})",
    f"return sm4.encrypt('hello world', '{KEY}', {{ mode: 'cbc', iv: '{IV}' }})",
    f"return sm4.encrypt('a'.repeat(40), '{KEY}', {{ mode: 'cbc', iv: '{IV}' }})",
    f"return Array.from(sm4.encrypt('hello', '{KEY}', {{ output: 'array' }}))",
    f"return sm4.encrypt(new Uint8Array([1, 2, 3, 4, 5]), '{KEY}')",
    f"return sm4.encrypt('hello', Uint8Array.from(Buffer.from('{KEY}', 'hex')))",
    f"return sm4.encrypt('hello', '{KEY}', {{ mode: 'cbc', iv: Uint8Array.from(Buffer.from('{IV}', 'hex')) }})",
    f"const c = sm4.encrypt('round trip ✓', '{KEY}'); return sm4.decrypt(c, '{KEY}')",
    f"const c = sm4.encrypt('cbc trip', '{KEY}', {{ mode: 'cbc', iv: '{IV}' }});\n"
    f"return sm4.decrypt(c, '{KEY}', {{ mode: 'cbc', iv: '{IV}' }})",
    f"const c = sm4.encrypt('bytes out', '{KEY}'); return Array.from(sm4.decrypt(c, '{KEY}', {{ output: 'array' }}))",
    f"return sm4.decrypt(sm4.encrypt('0123456789abcdef', '{KEY}', {{ padding: 'none' }}), '{KEY}', {{ padding: 'none' }})",
    f"const c = sm4.encrypt(new Uint8Array([9, 8, 7]), '{KEY}', {{ output: 'array' }});\n"
    f"return Array.from(sm4.decrypt(c, '{KEY}', {{ output: 'array' }}))",
    f"const r = sm4.encrypt('gcm text', '{KEY}', {{ mode: 'gcm', iv: '{IV[:24]}', associatedData: 'aabb' }}); return r",
    f"const r = sm4.encrypt('gcm text', '{KEY}', {{ mode: 'gcm', iv: '{IV[:24]}', outputTag: true }});\n"
    f"return sm4.decrypt(r.output, '{KEY}', {{ mode: 'gcm', iv: '{IV[:24]}', tag: r.tag }})",
    f"return sm4.sm4('hello', '{KEY}', 1)",
    # Errors: the package's own messages.
    "return sm4.encrypt('hello', '0123')",
    f"return sm4.encrypt('hello', '{KEY}', {{ mode: 'cbc', iv: '0011' }})",
    f"return sm4.decrypt('00'.repeat(16), '{KEY}')",
    f"return sm4.encrypt('hello', '{KEY}', {{ padding: 'none' }}).length",
    f"return sm4.decrypt('zz', '{KEY}')",
]]

SM2_DETERMINISTIC = [
    KP + "return kp",
    S + "return [sm2.generateKeyPairHex('1'), sm2.generateKeyPairHex('987654321')]",
    KP + "return sm2.getPublicKeyFromPrivateKey(kp.privateKey)",
    KP + "return sm2.compressPublicKeyHex(kp.publicKey)",
    KP + "return sm2.verifyPublicKey(kp.publicKey)",
    KP + "return sm2.verifyPublicKey(sm2.compressPublicKeyHex(kp.publicKey))",
    KP + "return sm2.comparePublicKeyHex(kp.publicKey, sm2.compressPublicKeyHex(kp.publicKey))",
    KP + "return sm2.comparePublicKeyHex(kp.publicKey, pair('22'.repeat(32)).publicKey)",
    KP + f"return ({HEX})(sm2.getZ(kp.publicKey))",
    KP + f"return ({HEX})(sm2.getZ(kp.publicKey, 'alice@example.com'))",
    KP + "return sm2.getHash(sm2.utf8ToHex('msg'), kp.publicKey)",
    KP + "return sm2.getHash(sm2.utf8ToHex('msg'), kp.publicKey, 'bob')",
    S + "return [sm2.utf8ToHex('中文abc'), sm2.leftPad('abc', 6), sm2.arrayToHex([1, 255, 16])]",
    S + "return [Array.from(sm2.hexToArray('00ff10')), sm2.arrayToUtf8(sm2.hexToArray('e4b8ad'))]",
    S + f"return ({HEX})(kdf('shared secret', 48))",
    S + f"return ({HEX})(kdf(new Uint8Array([1, 2, 3]), 16, 'iv'))",
    S + f"return ({HEX})(kdf('z', 0))",
    S + f"return ({HEX})(hkdf(new Uint8Array([1, 2, 3]), new Uint8Array([4]), new Uint8Array([5]), 42))",
    KP + f"const b = pair('99'.repeat(32));\n"
    f"return ({HEX})(sm2.ecdh(kp.privateKey, b.publicKey))",
    KP + "const b = pair('99'.repeat(32)); const ea = pair('07'.repeat(32)); const eb = pair('08'.repeat(32));\n"
    f"const ka = sm2.calculateSharedKey(kp, ea, b.publicKey, eb.publicKey, 32);\n"
    f"const kb = sm2.calculateSharedKey(b, eb, kp.publicKey, ea.publicKey, 32, true);\n"
    f"return [({HEX})(ka), ({HEX})(ka) === ({HEX})(kb)]",
    # Tampered or foreign ciphertexts and signatures decrypt to '' and verify false.
    KP + "return sm2.doDecrypt('04'.padEnd(300, '1'), kp.privateKey)",
    KP + "const c = sm2.doEncrypt('x', kp.publicKey); const other = pair('05'.repeat(32));\n"
    "return sm2.doDecrypt(c, other.privateKey)",
    KP + "const c = sm2.doEncrypt('tamper', kp.publicKey);\n"
    "const t = c.slice(0, -2) + (c.slice(-2) === '00' ? '01' : '00'); return sm2.doDecrypt(t, kp.privateKey)",
    KP + "const s = sm2.doSignature('m', kp.privateKey); return sm2.doVerifySignature('n', s, kp.publicKey)",
    KP + "const s = sm2.doSignature('m', kp.privateKey, { hash: true, userId: 'a' });\n"
    "return sm2.doVerifySignature('m', s, kp.publicKey, { hash: true, userId: 'b' })",
    KP + "const s = sm2.doSignature('m', kp.privateKey, { hash: true });\n"
    "return [sm2.doVerifySignature('m', s, kp.publicKey, { hash: true }), sm2.doVerifySignature('m', s, kp.publicKey)]",
    # Errors.
    S + "return sm2.compressPublicKeyHex('04abcd')",
    S + "return sm2.doEncrypt('x', '04' + '00'.repeat(64))",
    S + "return sm2.verifyPublicKey('04' + '11'.repeat(64))",
    S + "return sm2.getPublicKeyFromPrivateKey('00'.repeat(32))",
    # Shapes of randomized results.
    S + "const k = sm2.generateKeyPairHex(); return [k.privateKey.length, k.publicKey.length, k.publicKey.slice(0, 2),\n"
    "sm2.verifyPublicKey(k.publicKey), sm2.getPublicKeyFromPrivateKey(k.privateKey) === k.publicKey]",
    KP + "return [sm2.doEncrypt('abc', kp.publicKey).length, sm2.doEncrypt('abc', kp.publicKey, 0).length,\n"
    "sm2.doSignature('abc', kp.privateKey).length, sm2.doSignature('abc', kp.privateKey, { der: true }).slice(0, 2)]",
    KP + "const a = sm2.doEncrypt('same', kp.publicKey), b = sm2.doEncrypt('same', kp.publicKey); return a !== b",
    KP + "return sm2.doDecrypt(sm2.doEncrypt('asn1 ✓', kp.publicKey, 1, { asn1: true }), kp.privateKey, 1, { asn1: true })",
    KP + "return Array.from(sm2.doDecrypt(sm2.doEncrypt([1, 2, 3], kp.publicKey, 0), kp.privateKey, 0, { output: 'array' }))",
    KP + "const pool = [sm2.getPoint(), sm2.getPoint()];\n"
    "const s = sm2.doSignature('pooled', kp.privateKey, { pointPool: pool, der: true, hash: true });\n"
    "return [pool.length, sm2.doVerifySignature('pooled', s, kp.publicKey, { der: true, hash: true })]",
    KP + "const p = sm2.precomputePublicKey(kp.publicKey);\n"
    "const s = sm2.doSignature('pre', kp.privateKey); return sm2.doVerifySignature('pre', s, p)",
    S + "return [typeof sm2.initRNGPool, typeof sm2.initRNGPool().then]",
    "const sm = require('sm-crypto-v2'); return [Object.keys(sm), Object.keys(sm.sm2), Object.keys(sm.sm4), typeof sm.sm3]",
    "import { sm2, sm3 } from 'sm-crypto-v2';\nreturn [sm3('esm'), sm2.generateKeyPairHex('3').publicKey]",
    "import smCrypto from 'sm-crypto-v2';\nreturn smCrypto.sm3('default import')",
]

# Malformed hex: the same error and the package's message, whose cause differs: noble 1.x
# decodes with Uint8Array.fromHex where the engine has it (V8 14 here; not Node 24's V8).
HEX_ERRORS = [
    S + "return sm2.doEncrypt('x', 'not hex')",
    S + "return sm2.getPublicKeyFromPrivateKey('zz')",
    S + "return sm2.doVerifySignature('m', 'ab', '04xyz')",
]

DIRECT = SM3 + SM4 + SM2_DETERMINISTIC
GROUPS = (("sm3", SM3), ("sm4", SM4), ("sm2", SM2_DETERMINISTIC))

# Randomized SM2 outputs, made on one side and checked on the other.
MESSAGES = ["hello", "国密 SM2 ✓", "", "x" * 300]
OPTIONS = [{}, {"der": True}, {"hash": True}, {"der": True, "hash": True}, {"hash": True, "userId": "alice@example.com"},
           {"der": True, "hash": True, "userId": "1234567812345678"}]
PRODUCE = KP + (
    "const out = { publicKey: kp.publicKey, enc: [], sig: [] };\n"
    "for (const m of input.messages) for (const mode of [0, 1]) {\n"
    "  out.enc.push({ m, mode, c: sm2.doEncrypt(m, kp.publicKey, mode) });\n"
    "  out.enc.push({ m, mode, asn1: true, c: sm2.doEncrypt(m, kp.publicKey, mode, { asn1: true }) });\n"
    "}\n"
    "for (const m of input.messages) for (const o of input.options) {\n"
    "  out.sig.push({ m, o, s: sm2.doSignature(m, kp.privateKey, o) });\n"
    "  out.sig.push({ m, o, s: sm2.doSignature(m, kp.privateKey, { ...o, publicKey: kp.publicKey }) });\n"
    "}\n"
    "return out"
)
CHECK = KP + (
    "const p = input.produced;\n"
    "return {\n"
    "  publicKey: p.publicKey === kp.publicKey,\n"
    "  dec: p.enc.map((e) => sm2.doDecrypt(e.c, kp.privateKey, e.mode, { asn1: !!e.asn1 }) === e.m),\n"
    "  swapped: p.enc.filter((e) => e.m.length > 0).map((e) => sm2.doDecrypt(e.c, kp.privateKey, 1 - e.mode, { asn1: !!e.asn1 })),\n"
    "  sig: p.sig.map((s) => sm2.doVerifySignature(s.m, s.s, kp.publicKey, s.o)),\n"
    "  other: p.sig.map((s) => sm2.doVerifySignature(s.m + '!', s.s, kp.publicKey, s.o)),\n"
    "};"
)
CROSS_INPUT = {"messages": MESSAGES, "options": OPTIONS}


def _expect_all_checked(result: dict[str, Any]) -> None:
    """Every ciphertext decrypts, every signature verifies, and none of the wrong ones do."""
    assert result["publicKey"] is True
    assert result["dec"] == [True] * (len(MESSAGES) * 4), result["dec"]
    assert result["swapped"] == [""] * ((len(MESSAGES) - 1) * 4), result["swapped"]
    assert result["sig"] == [True] * (len(MESSAGES) * len(OPTIONS) * 2), result["sig"]
    assert result["other"] == [False] * (len(MESSAGES) * len(OPTIONS) * 2), result["other"]


@pytest.fixture(scope="module")
def node_outcomes() -> list[dict[str, Any]]:
    return run_in_node([{"code": code, "input": {}} for code in DIRECT])


@pytest.mark.parametrize("index", range(len(DIRECT)), ids=case_ids(DIRECT, GROUPS))
def test_sm_crypto_matches_node(cb: CodeBlockClient, node_outcomes: list[dict[str, Any]], index: int) -> None:
    status, body = cb.run(DIRECT[index], {})
    assert_same_as_node(DIRECT[index], status, body, node_outcomes[index])


@pytest.mark.parametrize("code", HEX_ERRORS)
def test_malformed_hex_fails_as_in_node(cb: CodeBlockClient, code: str) -> None:
    [expected] = run_in_node([{"code": code, "input": {}}])
    assert not expected["ok"], expected
    error = cb.error(code)
    assert error["name"] == expected["name"]
    assert error["message"].split(", cause: ")[0] == expected["message"].split(", cause: ")[0], (error, expected)
    assert ", cause: " in error["message"]


def test_node_encrypts_and_signs_the_service_decrypts_and_verifies(cb: CodeBlockClient) -> None:
    [produced] = run_in_node([{"code": PRODUCE, "input": CROSS_INPUT}])
    assert produced["ok"], produced
    _expect_all_checked(cb.ok(CHECK, {"produced": json.loads(produced["result"])}))


def test_the_service_encrypts_and_signs_node_decrypts_and_verifies(cb: CodeBlockClient) -> None:
    produced = cb.ok(PRODUCE, CROSS_INPUT)
    [checked] = run_in_node([{"code": CHECK, "input": {"produced": produced}}])
    assert checked["ok"], checked
    _expect_all_checked(json.loads(checked["result"]))


def test_key_pairs_from_one_side_work_on_the_other(cb: CodeBlockClient) -> None:
    """Random key pairs generated by the service are valid SM2 keys for Node, and back."""
    make = S + "return Array.from({ length: 4 }, () => sm2.generateKeyPairHex())"
    use = S + (
        "return input.pairs.map((k) => [sm2.verifyPublicKey(k.publicKey),\n"
        "  sm2.getPublicKeyFromPrivateKey(k.privateKey) === k.publicKey,\n"
        "  sm2.doDecrypt(sm2.doEncrypt('k', k.publicKey), k.privateKey) === 'k'])"
    )
    ours = cb.ok(make)
    [theirs] = run_in_node([{"code": make, "input": {}}])
    [checked_by_node] = run_in_node([{"code": use, "input": {"pairs": ours}}])
    assert json.loads(checked_by_node["result"]) == [[True, True, True]] * 4
    assert cb.ok(use, {"pairs": json.loads(theirs["result"])}) == [[True, True, True]] * 4
    assert len({k["privateKey"] for k in ours}) == 4


def test_randomness_is_the_hosts_even_after_globalThis_crypto_is_replaced(cb: CodeBlockClient) -> None:
    """A code block that replaces globalThis.crypto and calls sm2.initRNGPool() (the
    package's own would capture the replacement) changes nothing: key pairs stay random in
    that execution and in the next ones."""
    fake = S + (
        "globalThis.crypto = { getRandomValues: (a) => a.fill(7) };\n"
        "await sm2.initRNGPool();\n"
        "return [sm2.generateKeyPairHex().privateKey, sm2.generateKeyPairHex().privateKey]"
    )
    first = cb.ok(fake)
    second = cb.ok(S + "return [sm2.generateKeyPairHex().privateKey, sm2.generateKeyPairHex().privateKey]")
    keys = first + second
    assert len(set(keys)) == 4, keys


def test_error_cases_fail_in_node_too(node_outcomes: list[dict[str, Any]]) -> None:
    """The oracle is not vacuous: the error cases above do throw in Node."""
    failing = [code for code, outcome in zip(DIRECT, node_outcomes, strict=True) if not outcome["ok"]]
    assert len(failing) >= 8, failing


def test_enough_cases() -> None:
    cross = len(MESSAGES) * 4 + len(MESSAGES) * len(OPTIONS) * 2
    assert len(DIRECT) >= 60 and cross >= 40, (len(DIRECT), cross)
