// Byte <-> string helpers (js/lib/internal/encoding.js) against Node's Buffer and WHATWG encoders.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Buffer } from 'node:buffer';
import {
  utf8Length, utf8Write, utf8Decode, base64Decode, hexEncode, isValidUtf8, atob, btoa, TextDecoder,
} from '../../js/lib/internal/encoding.js';

const samples = ['', 'abc', 'héllo wörld', '日本語', '😀 emoji', 'lone \ud800 surrogate', 'a\u0000b'];

test('utf8Length and utf8Write give the bytes Buffer.from gives', () => {
  for (const s of samples) {
    const expected = Buffer.from(s, 'utf8');
    assert.equal(utf8Length(s), expected.length, s);
    const bytes = new Uint8Array(expected.length);
    utf8Write(bytes, s);
    assert.deepEqual(Buffer.from(bytes), expected, s);
  }
});

test('utf8Decode replaces invalid sequences as Node does', () => {
  for (const bytes of [[0xff], [0xe6, 0x97], [0xc3, 0xa9, 0x80], [0xf0, 0x9f, 0x98, 0x80], [0xed, 0xa0, 0x80]]) {
    const u8 = new Uint8Array(bytes);
    assert.equal(utf8Decode(u8), Buffer.from(u8).toString('utf8'), String(bytes));
  }
  assert.equal(isValidUtf8(new Uint8Array([0xc3, 0xa9])), true);
  assert.equal(isValidUtf8(new Uint8Array([0xff])), false);
});

// Encoding to base64 and hex uses V8 14's Uint8Array.prototype.toBase64/toHex, which Node 24's
// V8 lacks: only the decoders run here.
test('base64 and hex decode as Buffer decodes them', () => {
  const bytes = new Uint8Array(Buffer.from('any carnal pleasure.'));
  assert.deepEqual(Buffer.from(base64Decode('YW55IGNhcm5hbCBwbGVhc3VyZS4')), Buffer.from(bytes));
  assert.deepEqual(Buffer.from(hexEncode('616263zz')), Buffer.from('616263zz', 'hex'));
});

test('atob, btoa\'s refusal and TextDecoder errors are Node\'s', () => {
  assert.equal(atob('aGVsbG8='), globalThis.atob('aGVsbG8='));
  assert.throws(() => btoa('日本'), { name: 'InvalidCharacterError' });
  assert.throws(() => atob('*'), { name: 'InvalidCharacterError' });
  const ours = (() => { try { new TextDecoder('nope'); } catch (e) { return e; } })();
  const node = (() => { try { new globalThis.TextDecoder('nope'); } catch (e) { return e; } })();
  assert.deepEqual([ours.name, ours.code, ours.message, String(ours)], [node.name, node.code, node.message, String(node)]);
  const fatal = (() => { try { new TextDecoder('utf-8', { fatal: true }).decode(new Uint8Array([0xff])); } catch (e) { return e; } })();
  assert.deepEqual([fatal.name, fatal.code, fatal.message], ['TypeError', 'ERR_ENCODING_INVALID_ENCODED_DATA',
    'The encoded data was not valid for encoding utf-8']);
});
