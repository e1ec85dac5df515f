'use strict';
// The digests the crypto module offers, by Node's (OpenSSL's) names, on @noble/hashes.

import { md5, ripemd160, sha1 } from '@noble/hashes/legacy.js';
import { sha224, sha256, sha384, sha512, sha512_224, sha512_256 } from '@noble/hashes/sha2.js';
import { sha3_224, sha3_256, sha3_384, sha3_512, shake128, shake256 } from '@noble/hashes/sha3.js';

const HASHES = {
  md5, sha1, ripemd160, rmd160: ripemd160, 'ripemd-160': ripemd160, sha224, sha256, sha384, sha512,
  'sha512-224': sha512_224, 'sha512-256': sha512_256, 'sha3-224': sha3_224, 'sha3-256': sha3_256,
  'sha3-384': sha3_384, 'sha3-512': sha3_512, shake128, shake256,
};
// OpenSSL's other names for the same digests (Node's getHashes() lists them).
const ALIASES = {
  md5: ['rsa-md5', 'md5withrsaencryption', 'ssl3-md5'],
  sha1: ['rsa-sha1', 'rsa-sha1-2', 'sha-1', 'sha1withrsaencryption', 'ssl3-sha1'],
  sha224: ['rsa-sha224', 'sha-224', 'sha2-224', 'sha224withrsaencryption'],
  sha256: ['rsa-sha256', 'sha-256', 'sha2-256', 'sha256withrsaencryption'],
  sha384: ['rsa-sha384', 'sha-384', 'sha2-384', 'sha384withrsaencryption'],
  sha512: ['rsa-sha512', 'sha-512', 'sha2-512', 'sha512withrsaencryption'],
  'sha512-224': ['rsa-sha512/224', 'sha-512/224', 'sha2-512/224', 'sha512-224withrsaencryption'],
  'sha512-256': ['rsa-sha512/256', 'sha-512/256', 'sha2-512/256', 'sha512-256withrsaencryption'],
  'sha3-224': ['rsa-sha3-224', 'id-rsassa-pkcs1-v1_5-with-sha3-224'],
  'sha3-256': ['rsa-sha3-256', 'id-rsassa-pkcs1-v1_5-with-sha3-256'],
  'sha3-384': ['rsa-sha3-384', 'id-rsassa-pkcs1-v1_5-with-sha3-384'],
  'sha3-512': ['rsa-sha3-512', 'id-rsassa-pkcs1-v1_5-with-sha3-512'],
  ripemd160: ['rsa-ripemd160', 'ripemd160withrsa', 'ripemd'],
  shake128: ['shake-128'],
  shake256: ['shake-256'],
};
for (const [name, aliases] of Object.entries(ALIASES)) for (const alias of aliases) HASHES[alias] = HASHES[name];
// Output sizes in bytes of the fixed-length digests, and the default of the XOFs.
const DIGEST_LENGTH = new Map([[md5, 16], [sha1, 20], [ripemd160, 20], [sha224, 28], [sha256, 32], [sha384, 48],
  [sha512, 64], [sha512_224, 28], [sha512_256, 32], [sha3_224, 28], [sha3_256, 32], [sha3_384, 48], [sha3_512, 64],
  [shake128, 16], [shake256, 32]]);
const isXof = (hash) => hash === shake128 || hash === shake256;

function hashOf(algorithm) {
  if (typeof algorithm !== 'string') return undefined;
  const key = algorithm.toLowerCase();
  return Object.prototype.hasOwnProperty.call(HASHES, key) ? HASHES[key] : undefined;
}

export { DIGEST_LENGTH, hashOf, isXof };
