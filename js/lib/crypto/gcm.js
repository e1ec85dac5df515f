'use strict';
// AES-GCM as a stream, for createCipheriv/createDecipheriv: update() returns its output at
// once, as OpenSSL's does (noble's gcm() is one-shot), and the tag is made at the end.
// GCTR is AES in counter mode with a 32-bit counter (inc32); GHASH, noble's, is fed the AAD,
// then the ciphertext in whole blocks (noble pads each update() call to a block, which is
// GCM's padding only at the end of each part), then the lengths block. Any IV length of
// at least one byte, as OpenSSL takes (noble's gcm() wants 8 or more).
// Refs: NIST SP 800-38D, sections 6.4-7.2

import { ecb } from '@noble/ciphers/aes.js';
import { ghash } from '@noble/ciphers/_polyval.js';

const BLOCK = 16;

function lengthsBlock(aadBytes, dataBytes) {
  const block = new Uint8Array(BLOCK);
  const view = new DataView(block.buffer);
  view.setBigUint64(0, BigInt(aadBytes) * 8n, false);
  view.setBigUint64(8, BigInt(dataBytes) * 8n, false);
  return block;
}

// The counter block `n` blocks after `j0`, with inc32 (the low 32 bits wrap alone).
function counterBlock(j0, n) {
  const block = Uint8Array.from(j0);
  const view = new DataView(block.buffer);
  view.setUint32(12, (view.getUint32(12, false) + n) >>> 0, false);
  return block;
}

class GcmStream {
  #key; #hash; #j0; #decrypt;
  #aad = [];
  #aadLength = 0;
  #started = false; // the AAD is in GHASH; no more can be added
  #position = 0; // bytes of data through GCTR
  #tail = new Uint8Array(0); // ciphertext not yet in GHASH (less than a block)

  constructor(key, iv, decrypt) {
    this.#key = Uint8Array.from(key);
    const h = this.#encryptBlocks(new Uint8Array(BLOCK));
    this.#hash = ghash.create(h);
    if (iv.length === 12) {
      this.#j0 = new Uint8Array(BLOCK);
      this.#j0.set(iv);
      this.#j0[15] = 1;
    } else {
      this.#j0 = ghash.create(h).update(iv).update(lengthsBlock(0, iv.length)).digest();
    }
    this.#decrypt = decrypt;
  }

  get started() { return this.#started; }

  addAAD(bytes) {
    this.#aad.push(Uint8Array.from(bytes));
    this.#aadLength += bytes.length;
  }

  #start() {
    if (this.#started) return;
    this.#started = true;
    const aad = new Uint8Array(this.#aadLength);
    let at = 0;
    for (const part of this.#aad) { aad.set(part, at); at += part.length; }
    if (aad.length > 0) this.#hash.update(aad);
    this.#aad = [];
  }

  // The keystream for data bytes [position, position + length).
  #keystream(length) {
    const first = Math.floor(this.#position / BLOCK);
    const last = Math.floor((this.#position + length - 1) / BLOCK);
    const counters = new Uint8Array((last - first + 1) * BLOCK);
    for (let i = first; i <= last; i++) counters.set(counterBlock(this.#j0, i + 1), (i - first) * BLOCK);
    const offset = this.#position % BLOCK;
    return this.#encryptBlocks(counters).subarray(offset, offset + length);
  }

  // AES on whole blocks (noble's ciphers encrypt once per instance).
  #encryptBlocks(blocks) { return ecb(this.#key, { disablePadding: true }).encrypt(blocks); }

  update(data) {
    this.#start();
    if (data.length === 0) return new Uint8Array(0);
    const stream = this.#keystream(data.length);
    const out = new Uint8Array(data.length);
    for (let i = 0; i < data.length; i++) out[i] = data[i] ^ stream[i];
    this.#position += data.length;
    this.#absorb(this.#decrypt ? data : out);
    return out;
  }

  // Ciphertext into GHASH in whole blocks; the rest waits for more, or for the end.
  #absorb(ciphertext) {
    const all = new Uint8Array(this.#tail.length + ciphertext.length);
    all.set(this.#tail);
    all.set(ciphertext, this.#tail.length);
    const whole = all.length - (all.length % BLOCK);
    if (whole > 0) this.#hash.update(all.subarray(0, whole));
    this.#tail = all.slice(whole);
  }

  // The full 16-byte tag.
  tag() {
    this.#start();
    if (this.#tail.length > 0) this.#hash.update(this.#tail);
    this.#hash.update(lengthsBlock(this.#aadLength, this.#position));
    const s = this.#hash.digest();
    const mask = this.#encryptBlocks(this.#j0);
    for (let i = 0; i < BLOCK; i++) s[i] ^= mask[i];
    return s;
  }
}

export { GcmStream };
