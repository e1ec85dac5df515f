"""Node core API layer (Buffer, TextEncoder/TextDecoder, atob/btoa, events), compared
with real Node.js: results as JSON, thrown errors by class name, code and message."""

from __future__ import annotations

import json
from typing import Any

import pytest

from compat.conftest import assert_same_as_node, case_ids, run_in_node
from conftest import CodeBlockClient

B = "const b = Buffer.from('héllo wörld 世界', 'utf8');\n"

PATCH_BUFFER = ("Buffer.prototype.toHexUpper = function () { return this.toString('hex').toUpperCase() };"
                " const r = Buffer.from('hi').toHexUpper(); delete Buffer.prototype.toHexUpper; return r")
BUFFER = [
    # creation
    "return Buffer.from('hello').toString('hex')",
    "return Buffer.from('68656c6c6f', 'hex').toString()",
    "return Buffer.from('aGVsbG8=', 'base64').toString()",
    "return Buffer.from('aGVsbG8', 'base64').toString()",
    "return Buffer.from('aGV sbG8=\\n', 'base64').toString()",
    "return Buffer.from('-_-_', 'base64url').toString('hex')",
    "return Buffer.from('+/+/', 'base64').toString('base64url')",
    "return Buffer.from([1, 2, 3, 256, -1, 3.7]).toJSON()",
    "return Buffer.from(new Uint16Array([1, 258]).buffer).toString('hex')",
    "const ab = new ArrayBuffer(8); const b = Buffer.from(ab, 2, 4); b[0] = 9; return [b.length, new Uint8Array(ab)[2]]",
    "return Buffer.from(Buffer.from('copy')).toString()",
    "return Buffer.from({ type: 'Buffer', data: [104, 105] }).toString()",
    "return Buffer.from(new String('boxed')).toString()",
    "return Buffer.alloc(5).toJSON().data",
    "return Buffer.alloc(5, 'ab').toString()",
    "return Buffer.alloc(4, 0x41).toString()",
    "return Buffer.alloc(6, 'aGk=', 'base64').toString()",
    "return Buffer.allocUnsafe(3).length",
    "return Buffer.from('€uro', 'latin1').toString('hex')",
    "return Buffer.from('hi', 'utf16le').toString('hex')",
    "return Buffer.from('hi', 'ucs2').toJSON().data",
    "return Buffer.from('zzz', 'hex').length",
    "return Buffer.from('abc', 'ascii').toString('binary')",
    "return Buffer.from('a\\u0000b').length",
    "return Buffer.from('\\ud83d\\ude00').toString('hex')",
    "return Buffer.from('\\ud83d').toString('hex')",
    # toString
    B + "return [b.length, b.toString(), b.toString('utf8', 0, 5), b.toString('hex', 2, 4)]",
    B + "return b.toString('base64')",
    B + "return b.toString('base64url')",
    B + "return b.toString('latin1')",
    B + "return b.toString('ascii')",
    B + "return b.toString('utf16le')",
    "return Buffer.from([0xff, 0xfe, 0xc3, 0x28, 0xe2, 0x82]).toString()",
    "return Buffer.from([0xed, 0xa0, 0x80, 0xf4, 0x90, 0x80, 0x80]).toString()",
    "return Buffer.from('abc').toString('utf8', -5, 100)",
    "return Buffer.from('abc').toString(undefined, 1)",
    # statics
    "return [Buffer.byteLength('héllo'), Buffer.byteLength('aGVsbG8=', 'base64'), Buffer.byteLength('abcd', 'hex'), Buffer.byteLength('ab', 'utf16le')]",
    "return Buffer.byteLength(new Uint8Array(7))",
    "return [Buffer.isBuffer(Buffer.alloc(1)), Buffer.isBuffer(new Uint8Array(1)), Buffer.isBuffer('x')]",
    "return ['utf8', 'UTF-8', 'hex', 'base64url', 'binary', 'nope', '', 'latin1', 'ucs-2'].map(e => Buffer.isEncoding(e))",
    "return Buffer.compare(Buffer.from('abc'), Buffer.from('abd'))",
    "return [Buffer.from('b'), Buffer.from('a'), Buffer.from('c')].sort(Buffer.compare).map(String)",
    "return Buffer.concat([Buffer.from('ab'), Buffer.from('cd')]).toString()",
    "return Buffer.concat([Buffer.from('ab'), Buffer.from('cd')], 3).toString()",
    "return Buffer.concat([Buffer.from('ab')], 5).toJSON().data",
    "return Buffer.concat([]).length",
    "return Buffer.concat([Buffer.alloc(0), Buffer.from('after empty'), new Uint8Array(0), Buffer.from('!')]).toString()",
    "return [Buffer.poolSize, typeof Buffer.alloc]",
    "const { constants, kMaxLength } = require('buffer'); return [constants.MAX_LENGTH, kMaxLength, constants.MAX_STRING_LENGTH]",
    "const { isUtf8, isAscii } = require('buffer'); return [isUtf8(Buffer.from('é')), isUtf8(Buffer.from([0xc3])), isAscii(Buffer.from('abc')), isAscii(Buffer.from('é'))]",
    "const { Buffer: B2 } = require('node:buffer'); return B2 === Buffer",
    "const { transcode } = require('buffer'); return [transcode(Buffer.from('€uro'), 'utf8', 'utf16le').toString('hex'), transcode(Buffer.from('é€'), 'utf8', 'latin1').toString('hex'), transcode(Buffer.from('hi', 'utf16le'), 'ucs2', 'utf8').toString()]",
    # instance methods
    "const b = Buffer.from('hello world'); return [b.indexOf('o'), b.lastIndexOf('o'), b.indexOf('o', 5), b.includes('wor'), b.indexOf(Buffer.from('ld')), b.indexOf(111), b.indexOf('z')]",
    "const b = Buffer.from('abcabc'); return [b.indexOf('c', -2), b.lastIndexOf('a', -3), b.indexOf(''), b.lastIndexOf('')]",
    "const b = Buffer.from('hello'); const s = b.slice(1, 3); s[0] = 65; return [b.toString(), s.toString()]",
    "const b = Buffer.from('hello'); return [b.subarray(-3).toString(), b.subarray(2, -1).toString(), b.subarray(4, 1).length]",
    "const a = Buffer.from('hello'); const t = Buffer.alloc(8, '.'); const n = a.copy(t, 2, 1, 4); return [n, t.toString()]",
    "const b = Buffer.alloc(6); b.fill('xy', 1, 5); return b.toString('hex')",
    "return Buffer.alloc(4).fill(300).toJSON().data",
    "const b = Buffer.alloc(10); const n = b.write('héllo', 2); return [n, b.toString('hex')]",
    "const b = Buffer.alloc(4); return [b.write('abcdef'), b.toString()]",
    "const b = Buffer.alloc(4); return [b.write('ffee', 'hex'), b.toString('hex')]",
    "const b = Buffer.alloc(3); return [b.write('世界'), b.toString('hex')]",
    "return [Buffer.from('ab').equals(Buffer.from('ab')), Buffer.from('ab').equals(new Uint8Array([97, 98])), Buffer.from('a').compare(Buffer.from('b'))]",
    "return Buffer.from([1, 2, 3, 4]).swap16().toJSON().data",
    "return Buffer.from([1, 2, 3, 4, 5, 6, 7, 8]).swap32().toJSON().data",
    "return Buffer.from([1, 2, 3, 4, 5, 6, 7, 8]).swap64().toJSON().data",
    "return JSON.stringify(Buffer.from('hi'))",
    "return [...Buffer.from('ab').entries()]",
    "return [...Buffer.from('ab').keys(), ...Buffer.from('ab').values()]",
    "return Buffer.from('abc').map(x => x + 1).toString()",
    "return Buffer.from('abc').reverse().toString()",
    "return Object.prototype.toString.call(Buffer.from('a'))",
    "return Buffer.from('a') instanceof Uint8Array && Buffer.from('a') instanceof Buffer",
    "return [Buffer.name, Buffer.from('x').constructor.name, typeof Buffer.prototype.readUInt8]",
    # numbers
    "const b = Buffer.alloc(16); b.writeUInt32BE(0xdeadbeef, 0); b.writeInt16LE(-2, 4); b.writeUInt8(255, 6); b.writeInt8(-1, 7); b.writeFloatLE(1.5, 8); b.writeUInt16BE(513, 12); return b.toString('hex')",
    "const b = Buffer.from('fffefdfc0102030405060708090a0b0c', 'hex'); return [b.readUInt8(0), b.readInt8(0), b.readUInt16LE(0), b.readUInt16BE(0), b.readInt16BE(0), b.readUInt32LE(0), b.readInt32LE(0), b.readUInt32BE(4)]",
    "const b = Buffer.alloc(8); b.writeDoubleBE(Math.PI); return [b.toString('hex'), b.readDoubleBE(0)]",
    "const b = Buffer.alloc(4); b.writeFloatBE(0.1); return b.readFloatBE(0)",
    "const b = Buffer.alloc(8); b.writeBigInt64LE(-5n); return [b.toString('hex'), String(b.readBigInt64LE()), String(b.readBigUInt64LE())]",
    "const b = Buffer.alloc(8); b.writeBigUInt64BE(2n ** 64n - 1n); return String(b.readBigUInt64BE(0))",
    "const b = Buffer.alloc(6); b.writeUIntBE(0x123456789a, 0, 5); return [b.toString('hex'), b.readUIntBE(0, 5), b.readUIntLE(0, 5)]",
    "const b = Buffer.alloc(6); b.writeIntLE(-123456789, 0, 6); return [b.toString('hex'), b.readIntLE(0, 6), b.readIntBE(0, 3)]",
    "const b = Buffer.alloc(4); return [b.writeUInt16LE(1, 1), b.writeUint16BE(2, 2)]",
    "return Buffer.from([1, 2]).readUint16LE(0)",
    # errors
    "return Buffer.alloc(-1)",
    "return Buffer.alloc('10')",
    "return Buffer.from()",
    "return Buffer.from(5)",
    "return Buffer.from(null)",
    "return Buffer.from(() => 1)",
    "return Buffer.from('a', 'nope')",
    "return Buffer.alloc(2).toString('nope')",
    "return Buffer.alloc(2).readUInt8(5)",
    "return Buffer.alloc(2).readUInt8(1.5)",
    "return Buffer.alloc(2).readUInt8('1')",
    "return Buffer.alloc(4).readUInt32LE(2)",
    "return Buffer.alloc(2).readUInt32LE(0)",
    "return Buffer.alloc(4).writeUInt32LE(2 ** 32)",
    "return Buffer.alloc(1).writeUInt8(256)",
    "return Buffer.alloc(1).writeInt8(-129)",
    "return Buffer.alloc(2).writeInt16BE(40000)",
    "return Buffer.alloc(1).writeUInt8('1')",
    "return Buffer.alloc(8).writeBigInt64LE(2n ** 63n)",
    "return Buffer.alloc(8).writeBigUInt64LE(-1n)",
    "return Buffer.alloc(8).writeBigInt64LE(1)",
    "return Buffer.alloc(6).readIntLE(0, 7)",
    "return Buffer.alloc(6).readUIntBE(0, 0)",
    "return Buffer.alloc(6).writeUIntLE(2 ** 48, 0, 6)",
    "return Buffer.alloc(3).swap16()",
    "return Buffer.alloc(6).swap32()",
    "return Buffer.concat([1])",
    "return Buffer.concat('ab')",
    "return Buffer.compare('a', Buffer.from('a'))",
    "return Buffer.from('ab').equals('ab')",
    "return Buffer.alloc(2).fill('zz', 'hex')",
    "return Buffer.from('x').write(5)",
    "return Buffer.byteLength(5)",
    "return Buffer.alloc(1e20)",
    "return Buffer.from('abc').copy('nope')",
    # patched within an execution works there (tests/test_isolation.py checks it is gone after)
    PATCH_BUFFER,
]

TEXT = [
    "return Array.from(new TextEncoder().encode('héllo €😀'))",
    "return new TextEncoder().encoding",
    "return Array.from(new TextEncoder().encode())",
    "return Array.from(new TextEncoder().encode('\\ud800x'))",
    "const u = new Uint8Array(5); return new TextEncoder().encodeInto('aé€', u)",
    "const u = new Uint8Array(4); const r = new TextEncoder().encodeInto('😀a', u); return [r, Array.from(u)]",
    "return new TextDecoder().decode(new Uint8Array([104, 195, 169, 226, 130, 172]))",
    "return new TextDecoder().decode(new Uint8Array([0xef, 0xbb, 0xbf, 0x41]))",
    "return new TextDecoder('utf-8', { ignoreBOM: true }).decode(new Uint8Array([0xef, 0xbb, 0xbf, 0x41])).length",
    "return new TextDecoder().decode(new Uint8Array([0xc3, 0x28, 0xa0, 0xa1]))",
    "return new TextDecoder().decode(Buffer.from('buf'))",
    "return new TextDecoder().decode(new Uint8Array([104, 105]).buffer)",
    "return new TextDecoder().decode()",
    "return new TextDecoder('utf-16le').decode(new Uint8Array([104, 0, 105, 0]))",
    "return new TextDecoder('latin1').encoding",
    "return [new TextDecoder().encoding, new TextDecoder('UTF8').encoding, new TextDecoder().fatal, new TextDecoder().ignoreBOM]",
    "return new TextDecoder('utf-8', { fatal: true }).decode(new Uint8Array([0xff]))",
    "return new TextDecoder('nope')",
    "return new TextDecoder().decode('string')",
    "return Object.prototype.toString.call(new TextEncoder())",
]

BASE64 = [
    "return btoa('hello')",
    "return atob('aGVsbG8=')",
    "return atob(' aGVs bG8= ')",
    "return atob('aGVsbG8')",
    "return btoa(String.fromCharCode(255, 254, 0))",
    "return atob(btoa('\\u00ff\\u0000x')).length",
    "return btoa('中')",
    "return atob('a')",
    "return atob('!!!!')",
    "return btoa()",
    "return btoa(123)",
    "return atob(null)",
]

EVENTS = [
    "const EventEmitter = require('events'); const e = new EventEmitter(); const got = []; e.on('x', (a, b) => got.push(a + b)); e.emit('x', 1, 2); e.emit('x', 3, 4); return got",
    "const EventEmitter = require('events'); const e = new EventEmitter(); let n = 0; e.once('x', () => n++); e.emit('x'); e.emit('x'); return [n, e.listenerCount('x')]",
    "const EventEmitter = require('events'); const e = new EventEmitter(); const f = () => {}; e.on('a', f); e.on('b', f); e.off('a', f); return [e.eventNames(), e.listenerCount('a')]",
    "const EventEmitter = require('events'); const e = new EventEmitter(); const order = []; e.on('x', () => order.push(1)); e.prependListener('x', () => order.push(0)); e.emit('x'); return order",
    "const EventEmitter = require('events'); const e = new EventEmitter(); e.emit('error', new Error('boom')); return 1",
    "const EventEmitter = require('events'); const e = new EventEmitter(); return e.emit('nothing')",
    "const EventEmitter = require('events'); const e = new EventEmitter(); return [e.getMaxListeners(), EventEmitter.defaultMaxListeners]",
    "const EventEmitter = require('events'); class My extends EventEmitter {} const m = new My(); let v; m.on('d', x => v = x); m.emit('d', 'sub'); return v",
    "const { EventEmitter, once } = require('events'); const e = new EventEmitter(); setTimeout(() => e.emit('ready', 42), 1); const [v] = await once(e, 'ready'); return v",
    "const EventEmitter = require('events'); const e = new EventEmitter(); e.on('x', function () { this.seen = true }); e.emit('x'); return e.seen",
    "const EventEmitter = require('events'); const e = new EventEmitter(); e.on('x', () => {}); e.removeAllListeners(); return e.eventNames()",
    "const EventEmitter = require('events'); const e = new EventEmitter(); e.on('x', 'not a function'); return 1",
    "const EventEmitter = require('events'); return typeof EventEmitter.EventEmitter",
    "const EventEmitter = require('events'); const e = new EventEmitter(); const f = () => {}; e.on('x', f); return e.listeners('x')[0] === f && e.rawListeners('x').length === 1",
]

C = "const crypto = require('crypto');\n"
KEY = "const key = Buffer.from('000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f', 'hex');\n"

CRYPTO = [
    *[C + f"return crypto.createHash('{alg}').update('hello world').digest('hex')" for alg in (
        "md5", "sha1", "sha224", "sha256", "sha384", "sha512", "sha512-224", "sha512-256", "sha3-224", "sha3-256",
        "sha3-384", "sha3-512", "ripemd160", "RSA-SHA256", "SHA256")],
    C + "return crypto.createHash('sha256').update('a').update(Buffer.from('b')).update(new Uint8Array([99])).digest('base64')",
    C + "return crypto.createHash('md5').update('中文', 'utf8').digest('base64url')",
    C + "return crypto.createHash('sha1').update('6869', 'hex').digest('latin1')",
    C + "return crypto.createHash('sha256').update('').digest().length",
    C + "return crypto.createHash('shake256', { outputLength: 8 }).update('x').digest('hex')",
    C + "const h = crypto.createHash('sha256').update('a'); const c = h.copy(); c.update('b'); return [h.digest('hex'), c.digest('hex')]",
    C + "return crypto.createHmac('sha256', 'secret').update('message').digest('hex')",
    C + "return crypto.createHmac('md5', Buffer.from('k')).update('m').digest('base64')",
    C + "return crypto.createHmac('sha512', 'x'.repeat(200)).update('long key').digest('hex')",
    C + "return crypto.createHmac('sha1', '').update('').digest('hex')",
    C + "const h = crypto.createHmac('sha256', 'k'); h.update('m'); h.digest(); return h.digest('hex')",
    C + "return crypto.pbkdf2Sync('password', 'salt', 1, 20, 'sha1').toString('hex')",
    C + "return crypto.pbkdf2Sync('password', 'salt', 4096, 32, 'sha256').toString('hex')",
    C + "return crypto.pbkdf2Sync(Buffer.from('pw'), Buffer.from('s'), 10, 64, 'sha512').toString('base64')",
    C + "return await new Promise((res, rej) => crypto.pbkdf2('p', 's', 5, 16, 'sha256', (e, k) => e ? rej(e) : res(k.toString('hex'))))",
    C + "return crypto.scryptSync('password', 'salt', 32, { N: 1024 }).toString('hex')",
    C + "return crypto.randomBytes(16).length",
    C + "return crypto.randomBytes(0).length",
    C + "const n = crypto.randomInt(10); return n >= 0 && n < 10",
    C + "const n = crypto.randomInt(-5, 5); return Number.isInteger(n) && n >= -5 && n < 5",
    C + "return /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/.test(crypto.randomUUID())",
    C + "return crypto.getRandomValues(new Uint32Array(4)).length",
    C + "const b = Buffer.alloc(8); crypto.randomFillSync(b, 2, 4); return [b[0], b[1], b[6], b[7]]",
    C + "return [crypto.timingSafeEqual(Buffer.from('abc'), Buffer.from('abc')), crypto.timingSafeEqual(Buffer.from('abc'), Buffer.from('abd'))]",
    C + KEY + "const iv = Buffer.alloc(16, 7); const e = crypto.createCipheriv('aes-256-cbc', key, iv);\n"
    "return Buffer.concat([e.update('hello world, this is more than one block'), e.final()]).toString('base64')",
    C + KEY + "const e = crypto.createCipheriv('aes-128-cbc', key.subarray(0, 16), Buffer.alloc(16));\n"
    "return e.update('x', 'utf8', 'hex') + e.final('hex')",
    C + KEY + "const e = crypto.createCipheriv('aes-192-cbc', key.subarray(0, 24), Buffer.alloc(16, 1));\n"
    "return e.update('192', 'utf8', 'base64') + e.final('base64')",
    C + KEY + "const e = crypto.createCipheriv('aes-256-ecb', key, null); return e.update('ecb mode text', 'utf8', 'hex') + e.final('hex')",
    C + KEY + "const e = crypto.createCipheriv('aes-128-ecb', key.subarray(0, 16), ''); return e.update('x', 'utf8', 'hex') + e.final('hex')",
    C + KEY + "const e = crypto.createCipheriv('aes-256-ctr', key, Buffer.alloc(16, 3)); return e.update('counter mode', 'utf8', 'hex') + e.final('hex')",
    C + KEY + "const iv = Buffer.alloc(12, 9); const e = crypto.createCipheriv('aes-256-gcm', key, iv); e.setAAD(Buffer.from('aad'));\n"
    "const ct = e.update('gcm text', 'utf8', 'hex') + e.final('hex'); return [ct, e.getAuthTag().toString('hex')]",
    C + KEY + "const iv = Buffer.alloc(12, 9); const e = crypto.createCipheriv('aes-256-gcm', key, iv);\n"
    "const ct = Buffer.concat([e.update('round trip'), e.final()]); const tag = e.getAuthTag();\n"
    "const d = crypto.createDecipheriv('aes-256-gcm', key, iv); d.setAuthTag(tag); return d.update(ct, undefined, 'utf8') + d.final('utf8')",
    C + KEY + "const iv = Buffer.alloc(12, 9); const e = crypto.createCipheriv('aes-256-gcm', key, iv);\n"
    "const ct = Buffer.concat([e.update('tampered'), e.final()]); const d = crypto.createDecipheriv('aes-256-gcm', key, iv);\n"
    "d.setAuthTag(Buffer.alloc(16)); d.update(ct); return d.final()",
    C + KEY + "const iv = Buffer.alloc(16); const e = crypto.createCipheriv('aes-256-cbc', key, iv);\n"
    "const ct = e.update('decrypt me', 'utf8', 'base64') + e.final('base64'); const d = crypto.createDecipheriv('aes-256-cbc', key, iv);\n"
    "return d.update(ct, 'base64', 'utf8') + d.final('utf8')",
    C + KEY + "const d = crypto.createDecipheriv('aes-256-cbc', key, Buffer.alloc(16)); d.update(Buffer.alloc(16)); return d.final()",
    C + KEY + "const e = crypto.createCipheriv('aes-256-cbc', key, Buffer.alloc(16)); e.setAutoPadding(false); e.update('not a full block'); return e.final('hex')",
    C + KEY + "const e = crypto.createCipheriv('aes-256-cbc', key, Buffer.alloc(16)); e.setAutoPadding(false); e.update('exactly16bytes!!'); return e.final('hex')",
    C + "return crypto.getHashes().includes('sha256') && crypto.getCiphers().includes('aes-256-gcm')",
    C + "return typeof crypto.webcrypto.getRandomValues",
    # errors
    C + "return crypto.createHash('nope')",
    C + "return crypto.createHash(5)",
    C + "return crypto.createHmac('nope', 'k')",
    C + "const h = crypto.createHash('md5'); h.digest(); return h.digest()",
    C + "const h = crypto.createHash('md5'); h.digest(); return h.update('x')",
    C + "return crypto.createHash('md5').update(5)",
    C + "return crypto.createHash('md5').update(null)",
    C + "return crypto.timingSafeEqual(Buffer.from('a'), Buffer.from('ab'))",
    C + "return crypto.timingSafeEqual('a', 'b')",
    C + "return crypto.createCipheriv('aes-128-cbc', Buffer.alloc(5), Buffer.alloc(16))",
    C + "return crypto.createCipheriv('aes-128-cbc', Buffer.alloc(16), Buffer.alloc(5))",
    C + "return crypto.createCipheriv('nope', Buffer.alloc(16), Buffer.alloc(16))",
    C + "return crypto.randomBytes(-1)",
    C + "return crypto.randomBytes('8')",
    C + "return crypto.randomInt(5, 1)",
    C + "return crypto.pbkdf2Sync('p', 's', 1, 32, 'nope')",
    C + "return crypto.pbkdf2Sync('p', 's', 0, 32, 'sha256')",
    C + "return crypto.pbkdf2Sync('p', 's', 1, -1, 'sha256')",
    C + "return crypto.createHash('sha256').update('a').digest('nope')",
]

U = "const util = require('util');\n"
Q = "const querystring = require('querystring');\n"

MISC = [
    U + "return util.format('%s is %d years and %i, %f, %j', 'Ann', 42.5, 42.9, '1.5', { a: 1 })",
    U + "return util.format('no placeholders', 1, 'two', [3])",
    U + "return util.format('%s', 'a', 'extra')",
    U + "return util.format('100%% sure %s', 'yes')",
    U + "return util.format('%d', '0x10')",
    U + "return util.format('%s %s', 'only one')",
    U + "const f = util.promisify((a, b, cb) => setTimeout(() => cb(null, a + b), 1)); return await f(2, 3)",
    U + "const f = util.promisify((cb) => cb(new RangeError('fail'))); return await f()",
    U + "const f = util.callbackify(async (x) => x * 2); return await new Promise(r => f(21, (e, v) => r(v)))",
    U + "function A() {} function B() {} util.inherits(B, A); return [new B() instanceof A, B.super_ === A]",
    U + "return [util.types.isDate(new Date()), util.types.isRegExp(/x/), util.types.isPromise(Promise.resolve()), util.types.isTypedArray(new Uint8Array()), util.types.isMap(new Map())]",
    U + "return [util.isDeepStrictEqual({ a: [1, { b: 2 }] }, { a: [1, { b: 2 }] }), util.isDeepStrictEqual([1], ['1']), util.isDeepStrictEqual(new Set([1]), new Set([1]))]",
    U + "return typeof util.TextEncoder === 'function' && new util.TextDecoder().decode(new util.TextEncoder().encode('x'))",
    U + "return util.promisify(42)",
    Q + "return querystring.stringify({ a: [1, 2], b: 'x y', c: true, d: null, e: {} })",
    Q + "return querystring.stringify({ w: '中文', x: '!\\'()*' })",
    Q + "return querystring.stringify({ a: 1 }, ';', ':')",
    Q + "return Object.assign({}, querystring.parse('a=1&a=2&b=x+y&c=%E4%B8%AD&d'))",
    Q + "return Object.assign({}, querystring.parse('a:1;b:2', ';', ':'))",
    Q + "return Object.assign({}, querystring.parse('bad=%E4%B8&ok=1'))",
    Q + "return [querystring.escape('a b&c'), querystring.unescape('a%20b')]",
    "return [typeof process.nextTick, process.platform, typeof process.hrtime(), typeof process.uptime(), typeof process.cwd()]",
    "return [typeof process.env, typeof process.version, typeof process.versions.node, typeof process.memoryUsage().heapUsed]",
    "return await new Promise(r => process.nextTick((a, b) => r(a + b), 1, 2))",
    "const t = process.hrtime(); const d = process.hrtime(t); return d.length === 2 && d[0] >= 0",
    "return typeof process.hrtime.bigint()",
    "return structuredClone({ a: [1, { b: 2 }], d: new Date(0), r: /x/g, m: new Map([[1, { c: 3 }]]), s: new Set(['x']) })",
    "const o = { name: 'loop' }; o.self = o; const c = structuredClone(o); return [c !== o, c.self === c, c.name]",
    "const c = structuredClone({ u: new Uint8Array([1, 2, 3]) }); return Array.from(c.u)",
    "return structuredClone(() => 1)",
    "return structuredClone(new Error('cloned')).message",
    "return [typeof performance.now(), performance.now() >= 0]",
    "return [typeof Temporal, typeof Intl, typeof WebAssembly, typeof Atomics]",
]

URLS = [
    "const u = new URL('https://user:pw@example.com:8080/p/a/t/h?query=string&a=1#hash');\n"
    "return [u.href, u.origin, u.protocol, u.username, u.password, u.host, u.hostname, u.port, u.pathname, u.search, u.hash]",
    "return new URL('/path?x=1', 'https://example.com/base/').href",
    "return new URL('../up', 'https://example.com/a/b/c').href",
    "return new URL('HTTPS://EXAMPLE.com:443/./a/../b').href",
    "return new URL('http://例子.测试/路径?查询=值').href",
    "return new URL('https://example.com/a b?c d#e f').href",
    "return new URL('https://[::1]:3000/x').host",
    "return new URL('http://192.168.0.1.').hostname",
    "return new URL('http://0x7f.1/').hostname",
    "return new URL('mailto:someone@example.com').pathname",
    "return new URL('file:///C:/path/to/file.txt').pathname",
    "const u = new URL('https://example.com'); u.pathname = '/new path'; u.searchParams.set('k', 'v w'); u.hash = 'frag'; return u.toString()",
    "const u = new URL('https://example.com/?a=1&b=2&a=3'); return [u.searchParams.getAll('a'), u.searchParams.has('b'), u.searchParams.get('zz')]",
    "return JSON.stringify({ u: new URL('https://example.com/x') })",
    "return [URL.canParse('https://ok.example'), URL.canParse('not a url'), URL.canParse('/rel', 'https://base.example')]",
    "return new URL('not a url')",
    "return new URL('/relative')",
    "return new URL()",
    "const p = new URLSearchParams('a=1&b=2&a=3'); p.append('c', '4'); p.delete('b'); return [p.toString(), p.getAll('a'), [...p.entries()]]",
    "const p = new URLSearchParams({ q: 'space & amp', n: 5 }); return p.toString()",
    "const p = new URLSearchParams([['x', '1'], ['y', '中']]); return p.toString()",
    "const p = new URLSearchParams('b=2&a=1&c=3'); p.sort(); return p.toString()",
    "const p = new URLSearchParams('?x=%20y+z'); return p.get('x')",
    "const p = new URLSearchParams('a=1'); return [p.size, typeof p.forEach]",
    "const url = require('url'); return [typeof url.URL, url.URL === URL, url.fileURLToPath('file:///tmp/x%20y')]",
    "const { URLSearchParams: P } = require('node:url'); return new P('a=b').get('a')",
]

WEB = [
    "const c = new AbortController(); const seen = []; c.signal.addEventListener('abort', e => seen.push([e.type, e.target === c.signal])); c.abort(); c.abort();\n"
    "return [c.signal.aborted, c.signal.reason.name, c.signal.reason.message, c.signal.reason.code, seen]",
    "const c = new AbortController(); c.abort(new Error('custom')); return [c.signal.reason.message, (() => { try { c.signal.throwIfAborted() } catch (e) { return e.message } })()]",
    "const s = AbortSignal.abort(); return [s.aborted, s.reason instanceof DOMException, s.reason.name]",
    "const s = AbortSignal.timeout(5); await new Promise(r => setTimeout(r, 30)); return [s.aborted, s.reason.name, s.reason.message]",
    "const a = new AbortController(); const any = AbortSignal.any([a.signal, new AbortController().signal]); a.abort('why'); return [any.aborted, any.reason]",
    "const t = new EventTarget(); const got = []; const f = (e) => got.push(e.type); t.addEventListener('x', f); t.addEventListener('x', f); t.dispatchEvent(new Event('x')); t.removeEventListener('x', f); t.dispatchEvent(new Event('x')); return got",
    "const t = new EventTarget(); let n = 0; t.addEventListener('x', () => n++, { once: true }); t.dispatchEvent(new Event('x')); t.dispatchEvent(new Event('x')); return n",
    "const e = new Event('x', { cancelable: true }); const t = new EventTarget(); t.addEventListener('x', ev => ev.preventDefault()); return [t.dispatchEvent(e), e.defaultPrevented, e.type, e.cancelable]",
    "return [new DOMException('m', 'NotFoundError').code, new DOMException('m').name, DOMException.ABORT_ERR, Object.prototype.toString.call(new DOMException())]",
    "return new AbortSignal()",
    "const b = new Blob(['héllo ', Buffer.from('wörld')], { type: 'Text/Plain' }); return [b.size, b.type, await b.text(), await b.slice(1, 4).text()]",
    "const b = new Blob([new Uint8Array([1, 2, 3])]); return Array.from(new Uint8Array(await b.arrayBuffer()))",
    "const f = new File(['abc'], 'a.txt', { type: 'text/plain', lastModified: 42 }); return [f.name, f.size, f.type, f.lastModified, f instanceof Blob]",
    "const { Blob: B } = require('buffer'); return B === Blob",
    "const { StringDecoder } = require('string_decoder'); const d = new StringDecoder('utf8'); const b = Buffer.from('€'); return [d.write(b.subarray(0, 1)), d.write(b.subarray(1)), d.end()]",
    "const { StringDecoder } = require('string_decoder'); const d = new StringDecoder('utf8'); return [d.write(Buffer.from([0xe2, 0x82])), d.end()]",
    "const { StringDecoder } = require('string_decoder'); const d = new StringDecoder('hex'); return d.write(Buffer.from('ab'))",
    "const { StringDecoder } = require('string_decoder'); return new StringDecoder('nope')",
]

# A fixed RSA key (generated once by Node), so signatures and exports are comparable.
RSA_PEM = "-----BEGIN PRIVATE KEY-----\nMIICdwIBADANBgkqhkiG9w0BAQEFAASCAmEwggJdAgEAAoGBAKkKr/SL7ENQUYCj\n+5JZEkWL7j11NmTHbzNv/1t5PCtoapAZHUxy+evR7yFF1MzQLl7duiUlhMdcdGug\n9bvDv8PIbb2X5FHzmRZvWSs+bYkSXRwEKl/+pHVtav6h3ZbGGQnXyb9wesEL+pUd\nQvunqImZfF6Zgd7L6XNFcY+etOrXAgMBAAECgYAx56nStIxnwwqMw9y9c/Zk+c63\n7ibE0ewOb34f70bIOedb604vB7Ko4C2M0STl4oAOGb+ev9jXUoA8ViS17jBqjXj2\nd31qN57re5B1YZ+2GgsGbLJCQ6+RavecU/jrWyiBpZ/7XEaBvO3KBSIcZs2vmSlc\nCV/9Zq4hwJ5L0ELsIQJBANvbkPc7Z71SMfWEijff0J6HiCB232NNd0yoSZ1TWHzq\nuIJndcblnveDQdFFh8UNFSEz4K2J0hRHG6y4jzctmksCQQDE1Jix983Uj8hW9Btq\nF30nIWne0rBs8/RoubgXydDIQa2AVnjr35KNxv3xRjRqYtiRJTpMxOMVKNHe5quj\nFholAkEAr7n5ToKe0kWGRPTg/PPZbTxq43ff6SEbv5uq6yKY0Y9SVniXPJh/zNmO\nm9P1RtzEDLvIUyybSzXiutTxM2sxrQJBAJe8+VZBnjke+yglmbjJEN+Iv9Bahk4I\nJ8RQYF5eZAjtsO6+OwxD1/xaisxk/eWB/Eiw9WfXZOScCmcXVvwr/s0CQDwzzctW\n/uFqcV42hfRI6IuDkH1HXIRYkPZHiYZz2NdHhilB+ltFreNLyjP64QNI+84rRF7X\n44XzMUhmi1IRj70=\n-----END PRIVATE KEY-----\n"
K = C + f"const pem = {json.dumps(RSA_PEM)};\n"

RSA = [
    K + "return crypto.createPrivateKey(pem).export({ type: 'pkcs1', format: 'pem' })",
    K + "return crypto.createPrivateKey(pem).export({ type: 'pkcs8', format: 'pem' })",
    K + "return crypto.createPublicKey(pem).export({ type: 'spki', format: 'pem' })",
    K + "return crypto.createPublicKey(pem).export({ type: 'pkcs1', format: 'pem' })",
    K + "return crypto.createPublicKey(pem).export({ type: 'spki', format: 'der' }).toString('base64')",
    K + "const pk1 = crypto.createPrivateKey(pem).export({ type: 'pkcs1', format: 'pem' }); return crypto.createPrivateKey(pk1).export({ type: 'pkcs8', format: 'pem' }) === pem",
    K + "const pub1 = crypto.createPublicKey(pem).export({ type: 'pkcs1', format: 'pem' }); return crypto.createPublicKey(pub1).export({ type: 'spki', format: 'pem' })",
    K + "const k = crypto.createPrivateKey(pem); return [k.type, k.asymmetricKeyType, k.asymmetricKeyDetails.modulusLength, String(k.asymmetricKeyDetails.publicExponent)]",
    K + "return [crypto.createPublicKey(pem).type, crypto.createPublicKey(crypto.createPrivateKey(pem)).type]",
    K + "return crypto.sign('sha256', Buffer.from('message'), pem).toString('base64')",
    K + "return crypto.sign('sha1', Buffer.from('message'), { key: pem }).toString('hex')",
    K + "return crypto.createSign('RSA-SHA256').update('part1').update('part2').sign(pem, 'base64')",
    K + "return crypto.createSign('sha512').update('x').sign(crypto.createPrivateKey(pem)).length",
    K + "const sig = crypto.sign('sha256', Buffer.from('m'), pem); return [crypto.verify('sha256', Buffer.from('m'), crypto.createPublicKey(pem), sig), crypto.verify('sha256', Buffer.from('other'), crypto.createPublicKey(pem), sig)]",
    K + "const s = crypto.createSign('RSA-SHA256').update('d').sign(pem, 'hex'); return crypto.createVerify('RSA-SHA256').update('d').verify(crypto.createPublicKey(pem), s, 'hex')",
    K + "const opts = { key: pem, padding: crypto.constants.RSA_PKCS1_PSS_PADDING, saltLength: 32 };\n"
    "const sig = crypto.sign('sha256', Buffer.from('pss'), opts);\n"
    "return [sig.length, crypto.verify('sha256', Buffer.from('pss'), { key: crypto.createPublicKey(pem), padding: crypto.constants.RSA_PKCS1_PSS_PADDING, saltLength: 32 }, sig)]",
    K + "const ct = crypto.publicEncrypt(crypto.createPublicKey(pem), Buffer.from('oaep secret')); return [ct.length, crypto.privateDecrypt(pem, ct).toString()]",
    K + "const ct = crypto.publicEncrypt({ key: crypto.createPublicKey(pem), oaepHash: 'sha256' }, Buffer.from('sha256 oaep')); return crypto.privateDecrypt({ key: pem, oaepHash: 'sha256' }, ct).toString()",
    K + "const opts = { padding: crypto.constants.RSA_PKCS1_PADDING }; const ct = crypto.publicEncrypt({ key: crypto.createPublicKey(pem), ...opts }, Buffer.from('v1.5')); return crypto.privateDecrypt({ key: pem, ...opts }, ct).toString()",
    K + "const sig = crypto.privateEncrypt(pem, Buffer.from('raw block')); return [sig.toString('base64'), crypto.publicDecrypt(crypto.createPublicKey(pem), sig).toString()]",
    K + "const { publicKey, privateKey } = crypto.generateKeyPairSync('rsa', { modulusLength: 1024 }); return [publicKey.type, privateKey.type, privateKey.asymmetricKeyDetails.modulusLength]",
    K + "const { publicKey, privateKey } = crypto.generateKeyPairSync('rsa', { modulusLength: 1024, publicKeyEncoding: { type: 'pkcs1', format: 'pem' }, privateKeyEncoding: { type: 'pkcs1', format: 'pem' } });\n"
    "return [publicKey.split('\\n')[0], privateKey.split('\\n')[0], crypto.verify('sha256', Buffer.from('x'), publicKey, crypto.sign('sha256', Buffer.from('x'), privateKey))]",
    K + "return crypto.createSecretKey(Buffer.from('secret')).symmetricKeySize",
    K + "return crypto.createPrivateKey('not a key')",
    MALFORMED_KEY := K + "return crypto.createPublicKey('-----BEGIN PUBLIC KEY-----\\nAAAA\\n-----END PUBLIC KEY-----')",
    K + "return crypto.privateDecrypt(pem, Buffer.alloc(128, 1))",
    K + "return crypto.sign('nope', Buffer.from('x'), pem)",
]
# PKCS#1 v1.5 decryption with implicit rejection (Node 24, OpenSSL 3.2+): a bad padding
# gives a synthetic message derived from key and ciphertext, the same bytes as Node.
PKCS1 = K + ("const v15 = (c) => crypto.privateDecrypt({ key: pem, padding: crypto.constants.RSA_PKCS1_PADDING }, c).toString('hex');\n"
             "const raw = (block) => crypto.publicEncrypt({ key: crypto.createPublicKey(pem), padding: crypto.constants.RSA_NO_PADDING }, block);\n"
             "const em = (head, ps, msg) => { const b = Buffer.alloc(128); Buffer.from(head, 'hex').copy(b); b.fill(0x5a, 2, 2 + ps); "
             "Buffer.from(msg).copy(b, 128 - msg.length); return b; };\n")
RSA += [
    PKCS1 + "return v15(raw(em('0002', 117, 'ok')))",
    PKCS1 + "return v15(raw(em('0002', 8, 'x'.repeat(117))))",
    PKCS1 + "return v15(raw(em('0002', 7, 'x'.repeat(118))))",
    PKCS1 + "return v15(raw(em('0001', 100, 'type one')))",
    PKCS1 + "return v15(raw(em('0102', 100, 'bad head')))",
    PKCS1 + "const b = em('0002', 126, ''); b[127] = 7; return v15(raw(b))",
    PKCS1 + "return v15(Buffer.alloc(128, 1))",
    PKCS1 + "return v15(Buffer.from('short ciphertext'))",
    PKCS1 + "return v15(Buffer.alloc(129, 1))",
    PKCS1 + "return v15(Buffer.alloc(128, 255))",
    K + "return crypto.privateDecrypt(pem, Buffer.alloc(128, 255))",
    K + "return crypto.privateDecrypt({ key: pem, padding: crypto.constants.RSA_NO_PADDING }, Buffer.alloc(130, 1))",
    PKCS1 + "return [v15(Buffer.alloc(128, 2)) === v15(Buffer.alloc(128, 2)), v15(Buffer.alloc(128, 2)) === v15(Buffer.alloc(128, 3))]",
]

INSPECT_VALUES = [
    "new Map([[1, { a: 2 }]])", "new Set(['x', 1])", "{ a: { b: { c: { d: 1 } } } }", "[1, [2, [3, [4, [5]]]]]",
    "class Foo {}", "new (class Foo { constructor() { this.x = 1 } })()", "{ [Symbol('s')]: 1, 'a-b': 2 }",
    "{ get g() { return 1 } }", "[undefined, null, -0, 1n]", "'str'", "Object.create(null)",
    "{ f() {}, g: () => 1, h: function named() {} }", "new Date(0)", "/re/g", "[, 1]", "Array(3)",
    "{ a: 'x'.repeat(100) }", "new Uint8Array(3)", "new WeakMap()", "Symbol('q')", "NaN", "{ a: 1, b: 'two', c: [3] }",
    "[{ a: 1 }, { b: 2 }]", "{ nested: { arr: [1, 2, { deep: true }] } }", "'it\\'s'", "[1, 'a', true, null]",
    "Buffer.from('hi')", "new Error('boom').message", "async function af() {}", "function* gen() {}",
    "{ 'key with spaces': 1, valid_id: 2, $dollar: 3 }", "new Number(3)", "new String('s')", "[[]]", "{}", "[]",
    # Shared (frozen) classes: their `constructor` is an accessor in the hardened realm.
    "require('crypto').createSecretKey(Buffer.alloc(16))",
    "require('crypto').generateKeyPairSync('ed25519').publicKey", "new (require('events'))().listenerCount",
    "{ [Symbol.toStringTag]: 'Tagged', x: 1 }", "new (class T { get [Symbol.toStringTag]() { return 'Tg' } })()",
    "new (class Same { get [Symbol.toStringTag]() { return 'Same' } })()",
]
INSPECT = [f"return require('util').inspect({v})" for v in INSPECT_VALUES] + [
    "return require('util').inspect({ a: { b: { c: { d: 1 } } } }, { depth: 0 })",
    "return require('util').inspect({ a: { b: { c: { d: 1 } } } }, { depth: Infinity })",
    "return require('util').format('obj', { a: [1, 2] }, 'str', 5)",
]

A = "const assert = require('assert');\n"
ASSERT = [
    A + "assert.strictEqual(1, 2); return 1",
    A + "assert.strictEqual('a', 'b'); return 1",
    A + "assert.strictEqual(1, 2, 'mine'); return 1",
    A + "assert.equal(1, 2); return 1",
    A + "assert.notEqual(1, 1); return 1",
    A + "assert.notStrictEqual(1, 1); return 1",
    A + "assert.fail('boom'); return 1",
    A + "assert.fail(); return 1",
    A + "assert.ok(false, 'custom msg'); return 1",
    A + "assert.ok(); return 1",
    A + "assert.throws(() => {}); return 1",
    A + "assert.match('abc', /x/); return 1",
    A + "assert.doesNotThrow(() => { throw new Error('x') }); return 1",
    A + "assert.deepStrictEqual({ a: [1, { b: 2 }] }, { a: [1, { b: 2 }] }); assert.equal(1, '1'); assert.ok(1); return 'all passed'",
    A + "assert.throws(() => { throw new TypeError('bad') }, TypeError); assert.throws(() => { throw new Error('x1') }, /x1/); assert.throws(() => { throw new Error('m') }, { message: 'm' }); return 'ok'",
    A + "await assert.rejects(Promise.reject(new Error('r'))); await assert.doesNotReject(Promise.resolve(1)); return 'async ok'",
    A + "try { assert.strictEqual(1, 2) } catch (e) { return [e instanceof assert.AssertionError, e.actual, e.expected, e.operator, e.generatedMessage, e.code] }",
    A + "const strict = require('assert/strict'); strict.equal(1, 1); return typeof strict.deepEqual",
]

# Generated edge cases: every fixed-width read at awkward offsets, every write at
# its limits, variable-width integers at every byte length, every encoding.
READS = [("UInt8", 1), ("Int8", 1), ("UInt16LE", 2), ("UInt16BE", 2), ("Int16LE", 2), ("Int16BE", 2), ("UInt32LE", 4),
         ("UInt32BE", 4), ("Int32LE", 4), ("Int32BE", 4), ("FloatLE", 4), ("FloatBE", 4), ("DoubleLE", 8), ("DoubleBE", 8),
         ("BigInt64LE", 8), ("BigInt64BE", 8), ("BigUInt64LE", 8), ("BigUInt64BE", 8)]
BUF8 = "const b = Buffer.from([0x81, 0x02, 0xff, 0x7f, 0x00, 0x80, 0x10, 0xfe]);\n"
GENERATED = [
    BUF8 + f"return b.read{name}({offset})" for name, size in READS for offset in ("", "0", f"{8 - size}", f"{9 - size}", "-1", "1.5", "'0'")
]
WRITES = [("UInt8", 0, 255), ("Int8", -128, 127), ("UInt16LE", 0, 65535), ("UInt16BE", 0, 65535), ("Int16LE", -32768, 32767),
          ("Int16BE", -32768, 32767), ("UInt32LE", 0, 4294967295), ("UInt32BE", 0, 4294967295),
          ("Int32LE", -2147483648, 2147483647), ("Int32BE", -2147483648, 2147483647)]
GENERATED += [
    f"const b = Buffer.alloc(6); const r = b.write{name}({value}, 1); return [r, b.toString('hex')]"
    for name, low, high in WRITES for value in (low, high, high + 1, low - 1, "1.7")
]
GENERATED += [
    BUF8 + f"return b.{method}({offset}, {length})"
    for method in ("readIntLE", "readIntBE", "readUIntLE", "readUIntBE") for offset, length in
    ((0, 1), (0, 2), (1, 3), (2, 4), (1, 5), (2, 6), (0, 0), (0, 7), (3, 6))
]
ENCODINGS = ("utf8", "utf16le", "latin1", "ascii", "base64", "base64url", "hex", "binary", "ucs2")
SAMPLES = ("'héllo €'", "'\\x00\\xff\\x7f'", "'中文😀'")
GENERATED += [f"return Buffer.from({text}).toString('{enc}')" for enc in ENCODINGS for text in SAMPLES]
GENERATED += [f"return Buffer.from({text}, '{enc}').toString('hex')" for enc in ENCODINGS for text in SAMPLES]
GENERATED += [f"return Buffer.byteLength({text}, '{enc}')" for enc in ENCODINGS for text in SAMPLES]
GENERATED += [
    C + f"return crypto.createHash('{alg}').update({text}).digest('{enc}')"
    for alg in ("md5", "sha1", "sha256", "sha512", "sha3-256") for text in ("''", "'abc'") for enc in ("hex", "base64", "latin1")
]

ALL = BUFFER + TEXT + BASE64 + EVENTS + CRYPTO + MISC + URLS + WEB + RSA + ASSERT + INSPECT + GENERATED

# Code that patches a built-in: it works in Node, and fails here by design, because the
# shared realm is frozen (README, "Differences from Node"): code -> the error message.
FROZEN_REALM: dict[str, str] = {
    PATCH_BUFFER: "Buffer.from(...).toHexUpper is not a function",
}

# Where the service knowingly differs from Node 24: code -> (our error code, reason).
KNOWN_DIFFERENCES: dict[str, tuple[str, str]] = {
    MALFORMED_KEY: ("ERR_OSSL_UNSUPPORTED", "malformed key: OpenSSL names the exact ASN.1 fault, node-forge cannot"),
}


GROUPS = (("buffer", BUFFER), ("text", TEXT), ("base64", BASE64), ("events", EVENTS), ("crypto", CRYPTO),
          ("misc", MISC), ("url", URLS), ("web", WEB), ("rsa", RSA), ("assert", ASSERT),
          ("inspect", INSPECT), ("generated", GENERATED))


@pytest.fixture(scope="module")
def node_outcomes() -> list[dict[str, Any]]:
    return run_in_node([{"code": code, "input": {}} for code in ALL])


@pytest.mark.parametrize("index", range(len(ALL)), ids=case_ids(ALL, GROUPS))
def test_core_matches_node(cb1: CodeBlockClient, node_outcomes: list[dict[str, Any]], index: int) -> None:
    code = ALL[index]
    expected = node_outcomes[index]
    status, body = cb1.run(code)
    if code in FROZEN_REALM:
        assert expected["ok"] and status == 400, (body, expected)
        assert (body["error"]["type"], body["error"]["message"]) == ("TypeError", FROZEN_REALM[code]), body
        return
    if code in KNOWN_DIFFERENCES:
        our_code, _reason = KNOWN_DIFFERENCES[code]
        assert not expected["ok"] and status == 400 and body["error"].get("code") == our_code, (body, expected)
        assert body["error"].get("code") != expected.get("code"), "Node now agrees: remove the known difference"
        return
    assert_same_as_node(code, status, body, expected)


def test_enough_cases() -> None:
    assert len(ALL) >= 600, len(ALL)
