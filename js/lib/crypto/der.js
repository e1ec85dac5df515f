'use strict';
// The one DER/PEM codec of the crypto module: what key import and export need (PKCS#8,
// SPKI, SEC1 and ECDSA signatures), on Uint8Arrays. node-forge's asn1 works on binary
// strings and stays behind the RSA code until that moves here too.
// Refs: ITU-T X.690 (DER), RFC 7468 (PEM), RFC 5915 (SEC1), RFC 5958 (PKCS#8)

const { Buffer } = globalThis;

const TAG = Object.freeze({
  INTEGER: 0x02, BIT_STRING: 0x03, OCTET_STRING: 0x04, NULL: 0x05, OID: 0x06, SEQUENCE: 0x30,
});

// -- reading --------------------------------------------------------------------------

class DerError extends Error {}

// One TLV at `pos`: { tag, start (of the value), end }; throws DerError when malformed.
function readTlv(bytes, pos, limit) {
  if (pos + 2 > limit) throw new DerError('truncated');
  const tag = bytes[pos];
  let length = bytes[pos + 1];
  let start = pos + 2;
  if (length & 0x80) {
    const count = length & 0x7f;
    if (count === 0 || count > 4 || start + count > limit) throw new DerError('bad length');
    length = 0;
    for (let i = 0; i < count; i++) length = length * 256 + bytes[start + i];
    start += count;
  }
  if (start + length > limit) throw new DerError('truncated');
  return { tag, start, end: start + length };
}

// A node of the tree: { tag, value: Uint8Array, begin, end, children?: node[] } (children for constructed tags).
function decodeNode(bytes, pos, limit) {
  const { tag, start, end } = readTlv(bytes, pos, limit);
  const node = { tag, value: bytes.subarray(start, end), begin: pos, end };
  if (tag & 0x20) {
    node.children = [];
    for (let at = start; at < end;) {
      const child = decodeNode(bytes, at, end);
      node.children.push(child);
      at = child.end;
    }
  }
  return node;
}

// The whole input as one DER value: trailing bytes are an error, as in OpenSSL.
function decode(bytes) {
  const node = decodeNode(bytes, 0, bytes.length);
  if (node.end !== bytes.length) throw new DerError('trailing data');
  return node;
}

function expect(node, tag) {
  if (node === undefined || node.tag !== tag) throw new DerError(`expected tag ${tag}`);
  return node;
}

function readOid(node) {
  const bytes = expect(node, TAG.OID).value;
  if (bytes.length === 0) throw new DerError('empty OID');
  const parts = [Math.floor(bytes[0] / 40) > 2 ? 2 : Math.floor(bytes[0] / 40)];
  parts.push(bytes[0] - parts[0] * 40);
  let value = 0;
  for (let i = 1; i < bytes.length; i++) {
    value = value * 128 + (bytes[i] & 0x7f);
    if (!(bytes[i] & 0x80)) { parts.push(value); value = 0; }
  }
  return parts.join('.');
}

// A small non-negative INTEGER (versions).
function readSmallInt(node) {
  const bytes = expect(node, TAG.INTEGER).value;
  if (bytes.length === 0 || bytes.length > 4) throw new DerError('bad integer');
  let value = 0;
  for (const b of bytes) value = value * 256 + b;
  return value;
}

// An unsigned INTEGER's magnitude, without DER's leading zero.
function readUnsigned(node) {
  const bytes = expect(node, TAG.INTEGER).value;
  let i = 0;
  while (i < bytes.length - 1 && bytes[i] === 0) i++;
  return bytes.subarray(i);
}

function readBitString(node) {
  const bytes = expect(node, TAG.BIT_STRING).value;
  if (bytes.length === 0 || bytes[0] !== 0) throw new DerError('bad bit string');
  return bytes.subarray(1);
}

// -- writing --------------------------------------------------------------------------

function tlv(tag, value) {
  const n = value.length;
  let header;
  if (n < 0x80) header = [tag, n];
  else {
    const lengthBytes = [];
    for (let v = n; v > 0; v = Math.floor(v / 256)) lengthBytes.unshift(v & 0xff);
    header = [tag, 0x80 | lengthBytes.length, ...lengthBytes];
  }
  const out = new Uint8Array(header.length + n);
  out.set(header);
  out.set(value, header.length);
  return out;
}

function concat(parts) {
  const out = new Uint8Array(parts.reduce((sum, p) => sum + p.length, 0));
  let at = 0;
  for (const p of parts) { out.set(p, at); at += p.length; }
  return out;
}

const sequence = (...parts) => tlv(TAG.SEQUENCE, concat(parts));
const octetString = (bytes) => tlv(TAG.OCTET_STRING, bytes);
const bitString = (bytes) => tlv(TAG.BIT_STRING, concat([Uint8Array.of(0), bytes]));
const explicit = (n, inner) => tlv(0xa0 | n, inner);
const smallInt = (n) => tlv(TAG.INTEGER, Uint8Array.of(n));

// An unsigned big-endian magnitude as a DER INTEGER (minimal, with a 0 before a high bit).
function unsignedInt(bytes) {
  let i = 0;
  while (i < bytes.length - 1 && bytes[i] === 0) i++;
  const trimmed = bytes.subarray(i);
  return tlv(TAG.INTEGER, trimmed[0] & 0x80 ? concat([Uint8Array.of(0), trimmed]) : trimmed);
}

function oid(text) {
  const parts = text.split('.').map(Number);
  const out = [parts[0] * 40 + parts[1]];
  for (const part of parts.slice(2)) {
    const group = [part & 0x7f];
    for (let v = Math.floor(part / 128); v > 0; v = Math.floor(v / 128)) group.unshift((v & 0x7f) | 0x80);
    out.push(...group);
  }
  return tlv(TAG.OID, Uint8Array.from(out));
}

// -- PEM ------------------------------------------------------------------------------

// The first PEM block of `text`: { label, der, headers } or undefined.
function pemDecode(text) {
  const match = /-----BEGIN ([A-Z0-9 ]+)-----\r?\n([\s\S]*?)-----END \1-----/.exec(text);
  if (!match) return undefined;
  const body = match[2];
  const headers = /^[A-Za-z-]+:/m.test(body);
  return { label: match[1], der: Uint8Array.from(Buffer.from(body.replace(/\s+/g, ''), 'base64')), headers };
}

// PEM as OpenSSL writes it: 64 base64 characters a line, \n line ends.
function pemEncode(label, der) {
  const b64 = Buffer.from(der).toString('base64');
  const lines = [];
  for (let i = 0; i < b64.length; i += 64) lines.push(b64.slice(i, i + 64));
  return `-----BEGIN ${label}-----\n${lines.join('\n')}\n-----END ${label}-----\n`;
}

export {
  DerError, TAG, bitString, concat, decode, decodeNode, expect, readTlv, explicit, octetString, oid, pemDecode, pemEncode, readBitString,
  readOid, readSmallInt, readUnsigned, sequence, smallInt, tlv, unsignedInt,
};
