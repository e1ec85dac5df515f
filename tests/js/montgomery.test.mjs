// js/lib/crypto/montgomery.wat in plain Node: compiled by wabt as js/build.mjs compiles it,
// its modexp and mulmod checked against BigInt for the sizes an RSA key, prime or DH group
// may have: odd and even limb counts, both limb widths (28 bits up to 3,358-bit moduli, 24
// above) on each side of the switch, the 8,192-bit maximum, moduli and operands made of all
// ones (the largest column sums the lazy carries must hold), exponents 1, 2, 3, 65537 and full.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import crypto from 'node:crypto';
import { readFileSync } from 'node:fs';
import wabtInit from 'wabt';

// As js/lib/crypto/rsa.js lays the page out: slots of 1,440 bytes, limbs one per u32.
const SLOT = 1440; const S_N = 0; const S_R2 = 1; const S_A = 2; const S_B = 3; const S_OUT = 4; const S_E = 28;
const wabt = await wabtInit();
const parsed = wabt.parseWat('montgomery.wat', readFileSync(new URL('../../js/lib/crypto/montgomery.wat', import.meta.url), 'utf8'),
  { bulk_memory: true, simd: true });
parsed.validate();
const { exports } = new WebAssembly.Instance(new WebAssembly.Module(parsed.toBinary({}).buffer), {});
const u32 = new Uint32Array(exports.memory.buffer);
const u8 = new Uint8Array(exports.memory.buffer);

const random = (bits) => BigInt(`0x${crypto.randomBytes(Math.ceil(bits / 8)).toString('hex')}`) >> BigInt((8 - (bits % 8)) % 8);
const bitLength = (x) => x.toString(2).length;

function inverse(a, m) {
  let [r0, r1, s0, s1] = [a % m, m, 1n, 0n];
  while (r1) { const q = r0 / r1; [r0, r1] = [r1, r0 - q * r1]; [s0, s1] = [s1, s0 - q * s1]; }
  return ((s0 % m) + m) % m;
}

// rsa.js's montContext: w, s with R = 2^(w s) > 4n, n0 = -n^-1 mod 2^w, R^2 mod n.
function context(n, { n0Error = 0 } = {}) {
  const bits = bitLength(n);
  const w = bits + 2 <= 28 * 120 ? 28 : 24;
  const s = Math.ceil((bits + 2) / w);
  const mod = 1n << BigInt(w);
  const n0 = Number((mod - inverse(n % mod, mod)) % mod) ^ n0Error;
  return { n, w, s, n0, r2: (1n << BigInt(2 * w * s)) % n };
}

const put = (slot, value, { w, s }) => {
  const mask = (1n << BigInt(w)) - 1n;
  for (let i = 0; i < s; i++) { u32[slot * SLOT / 4 + i] = Number(value & mask); value >>= BigInt(w); }
};
const get = (slot, { w, s }) => {
  let x = 0n;
  for (let i = s - 1; i >= 0; i--) x = (x << BigInt(w)) | BigInt(u32[slot * SLOT / 4 + i]);
  return x;
};

function modexp(base, e, ctx) {
  try {
    put(S_N, ctx.n, ctx); put(S_R2, ctx.r2, ctx); put(S_A, base, ctx);
    put(S_E, e, { w: 32, s: Math.ceil(bitLength(e) / 32) });
    const bits = bitLength(e);
    exports.modexp(ctx.s, ctx.w, ctx.n0, bits, bits > 512 ? 5 : bits > 128 ? 4 : bits > 24 ? 3 : 1);
    return get(S_OUT, ctx);
  } finally {
    u8.fill(0); // as rsa.js wipes the page after each operation
  }
}

function mulmod(a, b, ctx) {
  try {
    put(S_N, ctx.n, ctx); put(S_R2, ctx.r2, ctx); put(S_A, a, ctx); put(S_B, b, ctx);
    exports.mulmod(ctx.s, ctx.w, ctx.n0);
    return get(S_OUT, ctx);
  } finally {
    u8.fill(0);
  }
}

function powMod(b, e, n) {
  let r = 1n;
  for (b %= n; e > 0n; e >>= 1n) { if (e & 1n) r = r * b % n; b = b * b % n; }
  return r;
}

const SIZES = [3, 17, 31, 32, 33, 64, 65, 127, 512, 513, 1023, 1024, 1025, 1536, 2047, 2048, 3072, 3358, 3359, 4096, 8192];

test('modexp equals BigInt for every size, with edge bases and exponents', () => {
  for (const bits of SIZES) {
    const n = random(bits) | 1n | (1n << BigInt(bits - 1));
    const ctx = context(n);
    const full = random(bits) | (1n << BigInt(bits - 1));
    for (const base of [0n, 1n, 2n, n - 1n, random(bits) % n]) {
      for (const e of bits > 3000 ? [1n, 65537n, full] : [1n, 2n, 3n, 65537n, full]) {
        assert.equal(modexp(base, e, ctx), powMod(base, e, n), `bits=${bits} e=${bitLength(e)} bits`);
      }
    }
  }
});

test('mulmod equals BigInt for every size', () => {
  for (const bits of SIZES) {
    const n = random(bits) | 1n | (1n << BigInt(bits - 1));
    const ctx = context(n);
    for (const [a, b] of [[random(bits) % n, random(bits) % n], [0n, n - 1n], [1n, 1n], [n - 1n, n - 1n]]) {
      assert.equal(mulmod(a, b, ctx), a * b % n, `bits=${bits}`);
    }
  }
});

test('all-ones moduli and operands: the largest columns of each limb width', () => {
  for (const bits of [1024, 2048, 3357, 3358, 3359, 8192]) {
    const n = (1n << BigInt(bits)) - 1n; // every limb full
    const ctx = context(n);
    const e = (1n << BigInt(bits)) - 1n;
    assert.equal(modexp(n - 1n, e, ctx), powMod(n - 1n, e, n), `bits=${bits}`);
    assert.equal(modexp(n - 2n, e, ctx), powMod(n - 2n, e, n), `bits=${bits}`);
    assert.equal(mulmod(n - 1n, n - 2n, ctx), (n - 1n) * (n - 2n) % n, `bits=${bits}`);
  }
});

test('a wrong n0 gives a wrong result (the check can fail)', () => {
  const n = random(1024) | 1n | (1n << 1023n);
  const base = random(1024) % n;
  const e = random(1024);
  assert.notEqual(modexp(base, e, context(n, { n0Error: 4 })), powMod(base, e, n));
});
