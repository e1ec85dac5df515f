// js/lib/crypto/montgomery.wat in plain Node: compiled by wabt as js/build.mjs compiles it,
// its Montgomery product checked against BigInt for every limb count an RSA key or prime
// may have (odd and even, 1 to 70 limbs, and the 256-limb maximum), with operands at the
// edges (0, 1, n - 1) and outputs that alias an input.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import crypto from 'node:crypto';
import { readFileSync } from 'node:fs';
import wabtInit from 'wabt';

const SLOT = 1040; // as js/lib/crypto/rsa.js lays the page out
const wabt = await wabtInit();
const parsed = wabt.parseWat('montgomery.wat', readFileSync(new URL('../../js/lib/crypto/montgomery.wat', import.meta.url), 'utf8'),
  { bulk_memory: true });
parsed.validate();
const { exports } = new WebAssembly.Instance(new WebAssembly.Module(parsed.toBinary({}).buffer), {});
const u32 = new Uint32Array(exports.memory.buffer);

const put = (slot, value, s) => { for (let i = 0; i < s; i++) { u32[slot * SLOT / 4 + i] = Number(value & 0xffffffffn); value >>= 32n; } };
const get = (slot, s) => { let x = 0n; for (let i = s - 1; i >= 0; i--) x = (x << 32n) | BigInt(u32[slot * SLOT / 4 + i]); return x; };
const random = (bits) => BigInt(`0x${crypto.randomBytes(Math.ceil(bits / 8)).toString('hex')}`) >> BigInt((8 - (bits % 8)) % 8);

function inverse(a, m) {
  let [r0, r1, s0, s1] = [a % m, m, 1n, 0n];
  while (r1) { const q = r0 / r1; [r0, r1] = [r1, r0 - q * r1]; [s0, s1] = [s1, s0 - q * s1]; }
  return ((s0 % m) + m) % m;
}

// out = a * b * R^-1 mod n, computed by the module with n at slot 0 and scratch at slot 1.
function montgomery(a, b, n, s, { out = 4, aSlot = 2, bSlot = 3 } = {}) {
  const n0 = Number((1n << 32n) - inverse(n & 0xffffffffn, 1n << 32n));
  put(0, n, s); put(aSlot, a, s); put(bSlot, b, s);
  exports.mul(out * SLOT, aSlot * SLOT, bSlot * SLOT, 0, SLOT, s, n0);
  return get(out, s);
}

test('the product equals a * b * R^-1 mod n for 1 to 70 limbs and 256', () => {
  for (const s of [...Array.from({ length: 70 }, (_, i) => i + 1), 128, 255, 256]) {
    const bits = 32 * s;
    const n = random(bits) | 1n | (1n << BigInt(bits - 1));
    const rInverse = inverse((1n << BigInt(bits)) % n, n);
    for (const [a, b] of [[random(bits) % n, random(bits) % n], [0n, random(bits) % n], [1n, 1n], [n - 1n, n - 1n]]) {
      assert.equal(montgomery(a, b, n, s), a * b * rInverse % n, `s=${s}`);
    }
  }
});

test('a modulus below its top limb (a 1025-bit key, a 513-bit prime) and the output aliasing an input', () => {
  for (const bits of [33, 513, 1025, 2047]) {
    const s = Math.ceil(bits / 32);
    const n = random(bits) | 1n | (1n << BigInt(bits - 1));
    const rInverse = inverse((1n << BigInt(32 * s)) % n, n);
    const a = random(bits) % n;
    const b = random(bits) % n;
    assert.equal(montgomery(a, b, n, s, { out: 2 }), a * b * rInverse % n);
    assert.equal(montgomery(a, a, n, s, { out: 2, bSlot: 2 }), a * a * rInverse % n);
  }
});

test('a wrong n0 gives a wrong product (the check can fail)', () => {
  const s = 4;
  const n = random(128) | 1n | (1n << 127n);
  const a = random(128) % n;
  put(0, n, s); put(2, a, s); put(3, a, s);
  exports.mul(4 * SLOT, 2 * SLOT, 3 * SLOT, 0, SLOT, s, 12345);
  assert.notEqual(get(4, s), a * a * inverse((1n << 128n) % n, n) % n);
});
