"""The smaller crypto gaps of issue #16, compared with real Node 24: Hash, Hmac, Cipheriv and
Decipheriv written as streams (write, end, read, setEncoding, and digest() after end()),
crypto.hash() one-shot, and AES-GCM whose update() returns its output at once, with
getAuthTag/setAuthTag/setAAD and their errors (class, code and message)."""

from __future__ import annotations

from typing import Any

import pytest

from compat.conftest import assert_same_as_node, case_ids, run_in_node
from conftest import CodeBlockClient

C = "const crypto = require('crypto');\n"
# Buffers as hex, errors as [name, code, message]: one case can check several steps.
T = C + (
    "const t = (f) => { try { const r = f(); return Buffer.isBuffer(r) ? r.toString('hex') : r; }\n"
    "  catch (e) { return ['ERR', e.name, e.code, e.message]; } };\n"
    "const K = Buffer.alloc(16, 1), K32 = Buffer.alloc(32, 5), IV = Buffer.alloc(16, 2), N = IV.subarray(0, 12);\n"
)

HASH_STREAMS = [T + code for code in [
    *[f"const h = crypto.createHash('{alg}'); h.write('ab'); h.end('c'); return t(() => h.read())"
      for alg in ("md5", "sha1", "sha256", "sha512", "sha3-256", "ripemd160")],
    "const h = crypto.createHash('sha256'); h.end('abc'); return [t(() => h.read()), t(() => h.read())]",
    "const h = crypto.createHash('sha256'); h.end('abc'); return [t(() => h.digest('hex')), t(() => h.digest('hex'))]",
    "const h = crypto.createHash('sha256'); h.end('abc'); return t(() => h.update('x'))",
    "const h = crypto.createHash('sha256'); h.end(); return [t(() => h.read()), t(() => h.digest('base64'))]",
    "const h = crypto.createHash('sha256'); h.update('abc'); h.digest(); h.end(); return t(() => h.read())",
    "const h = crypto.createHash('sha256'); return [h.write('abc'), h.write('6162', 'hex'), h.end() === h, t(() => h.read())]",
    "const h = crypto.createHash('md5'); h.setEncoding('base64'); h.write('a'); h.end(); return [h.read(), h.read()]",
    "const h = crypto.createHash('md5'); h.setEncoding('hex'); h.end('a'); return [h.read(8), h.read(8), h.read()]",
    "const h = crypto.createHash('md5'); h.end('a'); h.setEncoding('latin1'); return t(() => h.read().length)",
    "const h = crypto.createHash('sha1'); h.end('a'); return [t(() => h.read(4)), t(() => h.read(100)), h.read()]",
    "const h = crypto.createHash('sha256'); return h.read()",
    "const h = crypto.createHash('sha256'); h.write(new Uint8Array([97])); h.write(new DataView(new Uint8Array([98]).buffer));\n"
    "h.end(Buffer.from('c')); return t(() => h.read())",
    "const h = crypto.createHash('shake128', { outputLength: 5 }); h.end('a'); return t(() => h.read())",
    "const h = crypto.createHash('sha256'); h.write('é', 'latin1'); h.end(); return t(() => h.read())",
    "const h = crypto.createHash('sha256'); return t(() => h.write(1))",
    "const h = crypto.createHash('sha256'); return t(() => h.write({}))",
    "const h = crypto.createHash('sha256'); return t(() => h.write(null))",
    "const h = crypto.createHash('sha256'); return t(() => h.write('a', 'no-such-encoding'))",
    "const h = crypto.createHash('sha256'); return t(() => h.end(5))",
    "const h = crypto.createHash('sha256'); h.write('a'); const c = h.copy(); h.end('b'); return [t(() => h.read()), c.digest('hex')]",
    "const h = crypto.createHash('sha256'); const r = await new Promise((res) => h.write('a', () => res('written')));\n"
    "h.end(); return [r, t(() => h.read())]",
    "const h = crypto.createHash('sha256'); const r = await new Promise((res) => h.end('a', () => res('ended')));\n"
    "return [r, t(() => h.read())]",
]]

HMAC_STREAMS = [T + code for code in [
    "const m = crypto.createHmac('sha256', 'k'); m.write('abc'); m.end(); return t(() => m.read())",
    "const m = crypto.createHmac('sha256', 'k'); m.end('abc'); return [t(() => m.read()), t(() => m.digest('hex'))]",
    "const m = crypto.createHmac('sha256', 'k'); m.end('abc'); return t(() => m.update('a'))",
    "const m = crypto.createHmac('sha512', 'k'); m.digest(); m.end(); return [m.read(), t(() => m.digest('hex'))]",
    "const m = crypto.createHmac('md5', Buffer.from('key')); m.setEncoding('base64'); m.end('x'); return m.read()",
    "const m = crypto.createHmac('sha1', 'k'); m.write('a'); m.write('b'); m.end('c');\n"
    "return t(() => m.read()) === crypto.createHmac('sha1', 'k').update('abc').digest('hex')",
    "const m = crypto.createHmac('sha256', 'k'); return t(() => m.write(null))",
    "const m = crypto.createHmac('sha256', 'k'); return t(() => m.write([1, 2]))",
]]

CIPHER_STREAMS = [T + code for code in [
    "const x = crypto.createCipheriv('aes-128-cbc', K, IV); x.write('hello'); x.end('world'); return t(() => x.read())",
    "const x = crypto.createCipheriv('aes-128-cbc', K, IV); x.write('a'.repeat(20)); return [t(() => x.read()), x.end() === x, t(() => x.read())]",
    "const x = crypto.createCipheriv('aes-256-ctr', K32, IV); x.write('stream'); return t(() => x.read())",
    "const x = crypto.createCipheriv('aes-128-ecb', K, null); x.setEncoding('base64'); x.end('ecb text'); return x.read()",
    "const c = crypto.createCipheriv('aes-128-cbc', K, IV).update('round trip', 'utf8');\n"
    "const all = Buffer.concat([c, crypto.createCipheriv('aes-128-cbc', K, IV).final()]);\n"
    "const e = crypto.createCipheriv('aes-128-cbc', K, IV); e.end('round trip'); const ct = e.read();\n"
    "const d = crypto.createDecipheriv('aes-128-cbc', K, IV); d.setEncoding('utf8'); d.write(ct); d.end(); return d.read()",
    "const e = crypto.createCipheriv('aes-128-gcm', K, N); e.setAAD(Buffer.from('aa')); e.write('hello');\n"
    "const first = t(() => e.read()); e.end(); return [first, e.read(), t(() => e.getAuthTag())]",
    "return [typeof crypto.createCipheriv('aes-128-cbc', K, IV).write, typeof crypto.createDecipheriv('aes-128-cbc', K, IV).read]",
]]

GCM = [T + code for code in [
    "const x = crypto.createCipheriv('aes-128-gcm', K, N); return [t(() => x.update('hello world, this is gcm')),\n"
    "t(() => x.setAAD(Buffer.from('a'))), t(() => x.getAuthTag()), t(() => x.final()), t(() => x.getAuthTag())]",
    "const x = crypto.createCipheriv('aes-128-gcm', K, N); return [x.update('a').length, x.update('bcdefghijklmnopqrstuvwxyz').length, x.final().length]",
    *[f"const x = crypto.createCipheriv('aes-{bits}-gcm', {key}, {iv}); x.setAAD(Buffer.from('header'));\n"
      "const parts = [x.update('a'.repeat(5)), x.update('b'.repeat(27)), x.update(''), x.update('c'.repeat(16)), x.final()];\n"
      "return [parts.map((p) => p.toString('hex')), x.getAuthTag().toString('hex')]"
      for bits, key in (("128", "K"), ("192", "Buffer.alloc(24, 9)"), ("256", "K32"))
      for iv in ("N", "Buffer.alloc(7, 3)", "Buffer.alloc(1)", "Buffer.alloc(16, 4)", "Buffer.alloc(60, 5)")],
    "const x = crypto.createCipheriv('aes-256-gcm', K32, N); x.setAAD(Buffer.from('a')); x.setAAD(Buffer.from('bc'));\n"
    "x.update('z'); x.final(); return x.getAuthTag().toString('hex')",
    "const x = crypto.createCipheriv('aes-256-gcm', K32, N); x.setAAD('str'); x.final(); return x.getAuthTag().toString('hex')",
    "const x = crypto.createCipheriv('aes-128-gcm', K, N, { authTagLength: 8 }); x.final(); return t(() => x.getAuthTag())",
    "const x = crypto.createCipheriv('aes-128-gcm', K, N, { authTagLength: 12 }); x.update('q'); x.final(); return t(() => x.getAuthTag())",
    "return t(() => crypto.createCipheriv('aes-128-gcm', K, N, { authTagLength: 3 }) && 'made')",
    "return t(() => crypto.createCipheriv('aes-128-gcm', K, N, { authTagLength: 17 }) && 'made')",
    "const x = crypto.createCipheriv('aes-128-gcm', K, N); return typeof x.setAuthTag",
    "const x = crypto.createDecipheriv('aes-128-gcm', K, N); return [typeof x.getAuthTag, t(() => x.update('00', 'hex'))]",
    "const x = crypto.createDecipheriv('aes-128-gcm', K, N); return t(() => x.setAuthTag(Buffer.alloc(3)))",
    "const x = crypto.createDecipheriv('aes-128-gcm', K, N); return [t(() => x.setAuthTag(new ArrayBuffer(16)) && 'set'), t(() => x.setAuthTag(Buffer.alloc(16)))]",
    "const x = crypto.createCipheriv('aes-128-gcm', K, N); return [t(() => x.setAAD(5)), t(() => x.setAAD(new ArrayBuffer(2)) && 'set')]",
    "const x = crypto.createCipheriv('aes-128-cbc', K, IV); return [t(() => x.update('a'.repeat(20), 'utf8', 'base64')),\n"
    "t(() => x.update('a', 'utf8', 'hex')), t(() => x.final('buffer'))]",
    "const x = crypto.createCipheriv('aes-128-cbc', K, IV); return [t(() => x.update('a'.repeat(20), 'utf8', 'base64')), t(() => x.final('base64'))]",
    "const x = crypto.createCipheriv('aes-128-cbc', K, IV); return t(() => x.update('a'.repeat(20), 'utf8', 'bogus'))",
    "const x = crypto.createCipheriv('aes-128-cbc', K, IV); return t(() => x.final('bogus'))",
    "const e = crypto.createCipheriv('aes-256-gcm', K32, N); e.setAAD(Buffer.from('abc'));\n"
    "const ct = Buffer.concat([e.update('z'.repeat(17)), e.update('y'.repeat(40)), e.final()]); const tag = e.getAuthTag();\n"
    "const d = crypto.createDecipheriv('aes-256-gcm', K32, N); d.setAAD(Buffer.from('abc')); d.setAuthTag(tag);\n"
    "return [d.update(ct.subarray(0, 20)).toString(), d.update(ct.subarray(20)).toString(), t(() => d.final())]",
    "const e = crypto.createCipheriv('aes-128-gcm', K, N); const ct = Buffer.concat([e.update('secret'), e.final()]); const tag = e.getAuthTag();\n"
    "tag[0] ^= 1; const d = crypto.createDecipheriv('aes-128-gcm', K, N); d.setAuthTag(tag);\n"
    "return [d.update(ct).toString(), t(() => d.final())]",
    "const e = crypto.createCipheriv('aes-128-gcm', K, N); e.setAAD(Buffer.from('x')); const ct = Buffer.concat([e.update('secret'), e.final()]);\n"
    "const d = crypto.createDecipheriv('aes-128-gcm', K, N); d.setAAD(Buffer.from('y')); d.setAuthTag(e.getAuthTag()); d.update(ct);\n"
    "return t(() => d.final())",
    "const e = crypto.createCipheriv('aes-128-gcm', K, N, { authTagLength: 8 }); const ct = Buffer.concat([e.update('short tag'), e.final()]);\n"
    "const d = crypto.createDecipheriv('aes-128-gcm', K, N, { authTagLength: 8 }); d.setAuthTag(e.getAuthTag());\n"
    "return [d.update(ct).toString(), t(() => d.final())]",
    "const d = crypto.createDecipheriv('aes-128-gcm', K, N, { authTagLength: 8 }); return t(() => d.setAuthTag(Buffer.alloc(16)))",
    "const d = crypto.createDecipheriv('aes-128-gcm', K, N); return t(() => d.setAuthTag('abc'))",
    "const d = crypto.createDecipheriv('aes-128-gcm', K, N); return t(() => d.setAuthTag(5))",
    "const x = crypto.createCipheriv('aes-128-cbc', K, IV); return [typeof x.getAuthTag, t(() => x.getAuthTag()), t(() => x.setAAD(Buffer.alloc(1)))]",
    "const x = crypto.createCipheriv('aes-128-cbc', K, IV); x.final(); return [t(() => x.update('a')), t(() => x.final())]",
    "const x = crypto.createCipheriv('aes-128-gcm', K, N); return x.update('hello', 'utf8', 'base64')",
    "return [Object.getPrototypeOf(crypto.createDecipheriv('aes-128-gcm', K, N)).constructor.name,\n"
    "Object.getPrototypeOf(crypto.createCipheriv('aes-128-gcm', K, N)).constructor.name]",
]]

ONE_SHOT = [T + code for code in [
    "return [crypto.hash('sha256', 'abc'), crypto.hash('md5', 'abc', 'base64'), crypto.hash('sha1', 'abc', 'base64url')]",
    "return crypto.hash('sha512', Buffer.from('abc'), 'latin1').length",
    "return t(() => crypto.hash('nope', 'abc'))",
    "return t(() => crypto.hash('sha256', 5))",
    "return t(() => crypto.hash(5, 'abc'))",
    "return t(() => crypto.hash('sha256', 'abc', 'bogus'))",
    "return t(() => crypto.hash('sha256', 'abc', { outputLength: 10 }))",
    "return crypto.hash('shake256', 'abc', { outputLength: 0 })",
    "return crypto.hash('sha256', 'abc') === crypto.createHash('sha256').update('abc').digest('hex')",
]]

# Events, pipe, pipeline and async iteration: a code block that names a stream member gets
# the stream module with crypto (js/modules.manifest.mjs, withModule), and each object a
# stream of it (js/lib/crypto/transform.js).
S = T + "const { Readable, Writable, pipeline } = require('stream');\n"
P = "return new Promise((resolve, reject) => {{ {} }})"
EVENTS = [
    T + "const h = crypto.createHash('sha256'); const ev = []; h.on('data', (d) => ev.push(['data', d.toString('hex').slice(0, 8)]));\n"
    "h.on('end', () => ev.push('end')); h.on('finish', () => ev.push('finish')); h.end('abc'); return new Promise((r) => setTimeout(() => r(ev), 10))",
    *[S + P.format(f"const h = crypto.createHash('{alg}'); Readable.from(['a', 'b', 'c']).pipe(h).on('readable', () => {{ const d = h.read(); if (d) resolve(d.toString('hex')); }});")
      for alg in ("sha256", "md5", "sha3-256")],
    S + P.format("const h = crypto.createHash('sha256').setEncoding('hex'); Readable.from(['a', 'bc']).pipe(h).on('data', resolve);"),
    S + P.format("const out = []; pipeline(Readable.from([Buffer.from('abc'), 'def']), crypto.createHash('md5'), "
                 "new Writable({ write(c, e, cb) { out.push(c.toString('hex')); cb(); } }), (err) => (err ? reject(err) : resolve(out)));"),
    S + P.format("const out = []; pipeline(Readable.from(['part one, ', 'part two']), crypto.createHmac('sha256', 'key'), "
                 "new Writable({ write(c, e, cb) { out.push(c.toString('base64')); cb(); } }), (err) => resolve([err, out]));"),
    S + P.format("const s = crypto.createSign('sha256'); Readable.from(['a']).pipe(s); s.on('finish', () => resolve('finished'));"),
    T + "const s = crypto.createSign('sha256'); const v = crypto.createVerify('sha256'); "
    "return [typeof s.on, typeof s.pipe, typeof s.once, s.writable, v.writable, s.writableEnded]",
    S + "const h = crypto.createHash('sha256'); const stream = require('stream'); "
    "return [h instanceof stream.Writable, typeof h.on, typeof h.pipe, h.readable, h.writable, h.readableEnded]",
    T + "const h = crypto.createHash('sha256'); return [typeof h.on, typeof h.pipe, typeof h.once, typeof h.emit, typeof h.removeListener]",
    T + "const c = crypto.createCipheriv('aes-128-cbc', K, IV); const out = []; c.on('data', (d) => out.push(d.toString('hex')));\n"
    "return new Promise((r) => { c.on('end', () => r(out)); c.write('hello world, this is more than a block'); c.end(); })",
    T + "const c = crypto.createCipheriv('aes-128-ctr', K, IV); const out = []; c.on('data', (d) => out.push(d.toString('hex')));\n"
    "return new Promise((r) => { c.on('end', () => r(out)); c.write('abc'); c.write(''); c.end('def'); })",
    S + P.format("const c = crypto.createCipheriv('aes-128-cbc', K, IV); const d = crypto.createDecipheriv('aes-128-cbc', K, IV); const out = [];\n"
                 "Readable.from(['secret ', 'text']).pipe(c).pipe(d).on('data', (x) => out.push(x.toString())).on('end', () => resolve(out.join('')));"),
    S + P.format("const c = crypto.createCipheriv('aes-256-gcm', K32, N); const out = []; c.on('data', (x) => out.push(x.toString('hex')));\n"
                 "c.on('end', () => resolve([out, c.getAuthTag().toString('hex')])); Readable.from(['authenticated ', 'stream']).pipe(c);"),
    T + "const d = crypto.createDecipheriv('aes-128-cbc', K, IV); "
    "return new Promise((r) => { d.on('error', (e) => r([e.name, e.code, e.message])); d.on('data', () => {}); d.end(Buffer.alloc(16, 7)); })",
    T + "const m = crypto.createHmac('sha256', 'k'); m.setEncoding('base64'); const ev = []; m.on('data', (d) => ev.push(d)); m.on('end', () => ev.push('end'));\n"
    "m.write('x'); m.end(); return new Promise((r) => setTimeout(() => r(ev), 5))",
    T + "const v = crypto.createVerify('sha256'); const ev = []; v.on('finish', () => ev.push('finish')); v.end('x'); return new Promise((r) => setTimeout(() => r(ev), 5))",
    T + "const h = crypto.createHash('sha256'); const ev = []; h.on('error', (e) => ev.push([e.code, e.message])); h.end('a'); h.write('b');\n"
    "return new Promise((r) => setTimeout(() => r(ev), 5))",
    T + "const h = crypto.createHash('sha256'); h.end('a'); return [h.read().length, h.readableEnded, h.writableEnded, h.writableFinished]",
    T + "const h = crypto.createHash('sha256'); return new Promise((r) => { h.once('readable', () => r(h.read().toString('hex').slice(0, 8))); h.end('abc'); })",
    T + "const h = crypto.createHash('sha256'); const chunks = []; return (async () => { h.end('abc'); for await (const c of h) chunks.push(c.toString('hex').slice(0, 6)); return chunks; })()",
    T + "const d = crypto.createCipheriv('aes-128-ecb', K, null); const chunks = []; return (async () => { d.write('x'.repeat(20)); d.end('y');\n"
    "for await (const c of d) chunks.push(c.length); return chunks; })()",
    S + P.format("const h = crypto.createHash('md5'); const out = []; h.pipe(new Writable({ write(c, e, cb) { out.push(c.toString('hex')); cb(); } }))"
                 ".on('finish', () => resolve(out)); h.end('abc');"),
    T + "return crypto.createHash('sha1').end('a').toArray().then((chunks) => chunks.map((c) => c.toString('hex')))",
    T + "const h = crypto.createHash('sha256'); h.destroy(); return [h.destroyed, h.writable, h.readable]",
    T + "const h = crypto.createHash('sha256'); return [h.writableHighWaterMark, h.readableHighWaterMark, h.readableObjectMode, h.writableLength]",
    T + "const h = crypto.createHash('sha256'); h.on('data', () => {}); return [h.listenerCount('data'), h.listeners('data').length, h.off('data', () => {}) === h, h.once('end', () => {}) === h]",
    S + P.format("const { privateKey, publicKey } = crypto.generateKeyPairSync('ec', { namedCurve: 'P-256' }); const s = crypto.createSign('sha256');\n"
                 "Readable.from(['signed ', 'by stream']).pipe(s).on('finish', () => { const sig = s.sign(privateKey); const v = crypto.createVerify('sha256');\n"
                 "Readable.from(['signed by stream']).pipe(v).on('finish', () => resolve([v.verify(publicKey, sig), crypto.verify('sha256', Buffer.from('signed by stream'), publicKey, sig)])); });"),
    T + "const h = crypto.createHash('sha256'); const ev = []; h.on('data', (d) => ev.push(d.length)); h.update('a'); h.write('b'); h.end('c');\n"
    "return [ev, t(() => h.digest('hex')), t(() => h.digest('hex')), t(() => h.update('d'))]",
    T + "const m = crypto.createHmac('sha1', 'k'); m.on('data', () => {}); m.end('x'); return [t(() => m.digest('hex')), t(() => m.read())]",
    T + "const c = crypto.createCipheriv('aes-128-cbc', K, IV); const ev = []; c.on('data', (d) => ev.push(d.length)); c.write('x'.repeat(20));\n"
    "const u = c.update('y'.repeat(20)); c.end(); return [ev, u.length, t(() => c.final())]",
    T + "const s = crypto.createSign('sha256'); const ev = []; s.on('finish', () => ev.push('finish')); s.update('a'); s.write('b'); s.end('c');\n"
    "const { privateKey, publicKey } = crypto.generateKeyPairSync('ed25519'); return new Promise((r) => setTimeout(() => r([ev, "
    "t(() => s.sign(crypto.generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey).length > 60), t(() => s.write(42))]), 5))",
    T + "const h = crypto.createHash('sha256'); const errors = []; h.on('error', (e) => errors.push(e.code)); return [t(() => h.write(42)), t(() => h.write(null)), errors]",
]

ALL = HASH_STREAMS + HMAC_STREAMS + CIPHER_STREAMS + GCM + ONE_SHOT + EVENTS
GROUPS = (("hash", HASH_STREAMS), ("hmac", HMAC_STREAMS), ("cipher", CIPHER_STREAMS), ("gcm", GCM), ("hash1", ONE_SHOT),
          ("events", EVENTS))


@pytest.fixture(scope="module")
def node_outcomes() -> list[dict[str, Any]]:
    # Each case in a Node process of its own: OpenSSL's error queue can carry one case's
    # error into the message of a later case's failure (final(), crypto.hash) in a process.
    return [run_in_node([{"code": code, "input": {}}])[0] for code in ALL]


@pytest.mark.parametrize("index", range(len(ALL)), ids=case_ids(ALL, GROUPS))
def test_crypto_streams_match_node(cb: CodeBlockClient, node_outcomes: list[dict[str, Any]], index: int) -> None:
    status, body = cb.run(ALL[index], {})
    assert_same_as_node(ALL[index], status, body, node_outcomes[index])


def test_gcm_update_returns_output_before_final(cb: CodeBlockClient) -> None:
    """update() gives every byte at once (before, it returned an empty Buffer until final())."""
    lengths = cb.ok(T + "const x = crypto.createCipheriv('aes-128-gcm', K, N);\n"
                    "return [x.update('abc').length, x.update('d'.repeat(33)).length, x.final().length]")
    assert lengths == [3, 33, 0]


# Each in its own Node process: OpenSSL's error queue can carry an earlier case's error into
# the message Node gives for a failed final(), when cases share a process.
ISOLATED = [
    T + "const x = crypto.createDecipheriv('aes-128-gcm', K, N); x.update('00', 'hex'); return t(() => x.final())",
    T + "const x = crypto.createDecipheriv('aes-128-gcm', K, N); x.setAuthTag(Buffer.alloc(16));\n"
    "return [t(() => x.update('0011', 'hex')), t(() => x.setAuthTag(Buffer.alloc(16))), t(() => x.final()), t(() => x.update('00', 'hex'))]",
    T + "const x = crypto.createCipheriv('aes-128-gcm', K, N); x.final(); return [t(() => x.setAAD(Buffer.alloc(1))), t(() => x.update('a')), t(() => x.final())]",
]


@pytest.mark.parametrize("code", ISOLATED)
def test_gcm_decipher_failures_alone(cb: CodeBlockClient, code: str) -> None:
    [expected] = run_in_node([{"code": code, "input": {}}])
    status, body = cb.run(code, {})
    assert_same_as_node(code, status, body, expected)


def test_write_after_end_throws(cb: CodeBlockClient) -> None:
    """Node emits ERR_STREAM_WRITE_AFTER_END as an 'error' event (no events here yet): thrown."""
    for make in ("crypto.createHash('sha256')", "crypto.createHmac('sha1', 'k')", "crypto.createCipheriv('aes-128-cbc', K, IV)"):
        outcome = cb.ok(T + f"const x = {make}; x.end(); return [t(() => x.write('a')), t(() => x.end('b'))]")
        assert outcome == [["ERR", "Error", "ERR_STREAM_WRITE_AFTER_END", "write after end"]] * 2, (make, outcome)


def test_enough_cases() -> None:
    assert len(ALL) >= 60, len(ALL)


# Without the stream module (a code block that names no stream member), the other members
# say why, whatever an earlier code block installed in the runtime (issue #24).
COMPUTED = T + ("const h = crypto.createHash('sha256'); const name = ['o', 'n'].join('');\n"
                "return [t(() => h[name]('data', () => {})), t(() => h[['pi', 'pe'].join('')]({})), h['readable' + ''],\n"
                "  h.write('a'), t(() => h.end('b').read())]")


def test_stream_members_without_the_stream_module(cb1: CodeBlockClient) -> None:
    expected = [
        ["ERR", "Error", "ERR_FEATURE_UNAVAILABLE_ON_PLATFORM",
         f"{name}() of a crypto stream needs the stream module, installed for code blocks that require('crypto') and "
         "name a stream method (on, once, pipe, ...) or require('stream'): this one reached it by a computed name"]
        for name in ("on", "pipe")
    ]
    digest = "fb8e20fc2e4c3f248c60c39bd652f3c1347298bb977b8b4d5903b85055620603"
    assert cb1.ok(COMPUTED) == [*expected, None, True, digest]
    # A code block that installs the stream module in this runtime changes nothing for the next.
    assert cb1.ok("const { Readable } = require('stream'); require('crypto'); return typeof Readable") == "function"
    assert cb1.ok(COMPUTED) == [*expected, None, True, digest]
