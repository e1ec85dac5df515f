// js/lib/internal/inflate.js against Node's zlib: every block type and level, data
// that repeats (long matches) and data that does not, output across many windows.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import zlib from 'node:zlib';

import { InflateError, inflateRaw } from '../../js/lib/internal/inflate.js';

function inflateAll(data) {
  const parts = [];
  for (const piece of inflateRaw(data)) parts.push(Buffer.from(piece)); // a view: copied before the next step
  return Buffer.concat(parts);
}

function sample(size, seed) {
  let x = seed;
  const out = Buffer.alloc(size);
  for (let i = 0; i < size; i++) {
    x = (x * 1103515245 + 12345) >>> 0;
    // Mostly text from a small alphabet with runs, some noise: every kind of match.
    out[i] = (x >>> 16) % 7 === 0 ? (x >>> 8) & 0xff : 97 + ((i >>> 5) % 13);
  }
  return out;
}

test('inflates what zlib deflates, at every level and strategy', () => {
  const inputs = [Buffer.alloc(0), Buffer.from('a'), Buffer.from('hello hello hello hello'), sample(1000, 1),
    sample(700_000, 2), Buffer.alloc(600_000, 120), zlib.randomBytes?.(10) ?? Buffer.from('0123456789')];
  for (const input of inputs) {
    for (const level of [0, 1, 6, 9]) {
      for (const strategy of [zlib.constants.Z_DEFAULT_STRATEGY, zlib.constants.Z_FIXED, zlib.constants.Z_HUFFMAN_ONLY]) {
        const deflated = zlib.deflateRawSync(input, { level, strategy });
        assert.ok(inflateAll(deflated).equals(input), `level ${level} strategy ${strategy} size ${input.length}`);
      }
    }
  }
});

test('gives output a window at a time, never the whole at once', () => {
  const input = sample(2_000_000, 3);
  let pieces = 0;
  let largest = 0;
  for (const piece of inflateRaw(zlib.deflateRawSync(input))) {
    pieces++;
    largest = Math.max(largest, piece.length);
  }
  assert.ok(pieces >= 7, `${pieces} pieces`);
  assert.ok(largest <= (32 + 256) * 1024, `largest piece ${largest}`); // the window and one chunk
});

test('refuses what is not DEFLATE, with InflateError', () => {
  const good = zlib.deflateRawSync(sample(5000, 4));
  for (const bad of [Buffer.from([0xff, 0xff, 0xff]), good.subarray(0, good.length >> 1), Buffer.from([0x07]),
    Buffer.from([0x00, 0x05, 0x00, 0x00, 0x00])]) {
    assert.throws(() => inflateAll(bad), InflateError);
  }
});
