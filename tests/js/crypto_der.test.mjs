// js/lib/crypto/der.js in plain Node: what it writes, Node's own crypto reads (and the
// other way), lengths in every form, and malformed input refused.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import crypto from 'node:crypto';

import * as der from '../../js/lib/crypto/der.js';

const hex = (bytes) => Buffer.from(bytes).toString('hex');

test('OIDs round trip, with multi-byte arcs', () => {
  for (const oid of ['1.2.840.10045.2.1', '1.2.840.10045.3.1.7', '1.3.132.0.35', '1.3.101.112', '2.5.29.17']) {
    assert.equal(der.readOid(der.decode(der.oid(oid))), oid);
  }
  assert.equal(hex(der.oid('1.2.840.10045.2.1')), '06072a8648ce3d0201');
});

test('lengths: short form, one and two length bytes', () => {
  for (const size of [0, 1, 127, 128, 255, 256, 1000, 70000]) {
    const node = der.decode(der.octetString(new Uint8Array(size).fill(7)));
    assert.equal(node.value.length, size);
    assert.ok(node.value.every((b) => b === 7));
  }
});

test('unsigned INTEGERs are minimal and keep their sign bit clear', () => {
  assert.equal(hex(der.unsignedInt(Uint8Array.of(0, 0, 1))), '020101');
  assert.equal(hex(der.unsignedInt(Uint8Array.of(0x80))), '02020080');
  assert.equal(hex(der.readUnsigned(der.decode(der.unsignedInt(Uint8Array.of(0x80, 1))))), '8001');
});

test('an SPKI written here is one Node reads, and Node\'s reads back the same', () => {
  const { publicKey } = crypto.generateKeyPairSync('ed25519');
  const raw = Buffer.from(publicKey.export({ format: 'jwk' }).x, 'base64url');
  const spki = der.sequence(der.sequence(der.oid('1.3.101.112')), der.bitString(raw));
  assert.equal(hex(spki), hex(publicKey.export({ type: 'spki', format: 'der' })));
  const [algorithm, key] = der.decode(spki).children;
  assert.equal(der.readOid(algorithm.children[0]), '1.3.101.112');
  assert.equal(hex(der.readBitString(key)), hex(raw));
});

test('PEM: 64-character lines that Node reads; the first block of a text is found', () => {
  const { privateKey } = crypto.generateKeyPairSync('ec', { namedCurve: 'P-384' });
  const body = privateKey.export({ type: 'pkcs8', format: 'der' });
  const pem = der.pemEncode('PRIVATE KEY', body);
  assert.equal(pem, privateKey.export({ type: 'pkcs8', format: 'pem' }));
  const found = der.pemDecode(`junk\n${pem}more junk`);
  assert.equal(found.label, 'PRIVATE KEY');
  assert.equal(hex(found.der), hex(body));
  assert.equal(der.pemDecode('no key here'), undefined);
});

test('malformed input is a DerError', () => {
  for (const bad of ['', '30', '3005020101', '300302010100', '3080', '0285ffffffffff']) {
    assert.throws(() => der.decode(Buffer.from(bad, 'hex')), der.DerError, bad);
  }
  assert.throws(() => der.readBitString(der.decode(Buffer.from('030101', 'hex'))), der.DerError);
  assert.throws(() => der.expect(der.decode(Buffer.from('020101', 'hex')), der.TAG.SEQUENCE), der.DerError);
});
