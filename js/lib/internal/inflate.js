'use strict';
// A raw DEFLATE (RFC 1951) decoder that gives its output a piece at a time from one
// fixed buffer, for the xlsx row reader (xlsx_rows.js). Why not a library: the
// ArrayBuffer budget (memory.js) gets bytes back only when a finalizer runs, after the
// synchronous code that made the garbage has returned; a streaming inflater that
// allocates per chunk (fflate, pako) charges the whole uncompressed size, 60 MB for a
// 100,000-row sheet, during one synchronous readBatches. This one allocates its window
// and tables once: its output is a view into its window, valid until the next step.
// The decoder is puff's (zlib/contrib/puff, Mark Adler): canonical Huffman codes decoded
// a bit at a time, the simplest correct form.
// Refs: https://www.rfc-editor.org/rfc/rfc1951 and https://github.com/madler/zlib/blob/v1.3.1/contrib/puff/puff.c

import { Error_ } from './primordials.js';

// The global constructors (memory.js's accounting proxies), taken when the bundle loads:
// this decoder's buffers are charged to the execution like any other.
const { Int16Array: Int16Array_, Int32Array: Int32Array_, Uint16Array: Uint16Array_, Uint8Array: Uint8Array_ } = globalThis;

const WINDOW = 32768; // the farthest a match reaches back
const CHUNK = 256 * 1024; // new output between two yields
const MAXBITS = 15;
// Codes of up to FASTBITS bits (nearly all of them) decode by one table lookup: the
// code blocks' V8 runs this without its optimizing compiler, where puff's bit-at-a-time
// loop alone took most of a read.
const FASTBITS = 9;
const FASTSIZE = 1 << FASTBITS;

// Base lengths and extra bits of length codes 257..285, and of distance codes 0..29.
const LENGTH_BASE = [3, 4, 5, 6, 7, 8, 9, 10, 11, 13, 15, 17, 19, 23, 27, 31, 35, 43, 51, 59, 67, 83, 99, 115, 131,
  163, 195, 227, 258];
const LENGTH_EXTRA = [0, 0, 0, 0, 0, 0, 0, 0, 1, 1, 1, 1, 2, 2, 2, 2, 3, 3, 3, 3, 4, 4, 4, 4, 5, 5, 5, 5, 0];
const DIST_BASE = [1, 2, 3, 4, 5, 7, 9, 13, 17, 25, 33, 49, 65, 97, 129, 193, 257, 385, 513, 769, 1025, 1537, 2049,
  3073, 4097, 6145, 8193, 12289, 16385, 24577];
const DIST_EXTRA = [0, 0, 0, 0, 1, 1, 2, 2, 3, 3, 4, 4, 5, 5, 6, 6, 7, 7, 8, 8, 9, 9, 10, 10, 11, 11, 12, 12, 13, 13];
const ORDER = [16, 17, 18, 0, 8, 7, 9, 6, 10, 5, 11, 4, 12, 3, 13, 2, 14, 1, 15];

class InflateError extends Error_ {}

function huffman(size) {
  return { counts: new Int16Array_(MAXBITS + 1), symbols: new Int16Array_(size), fast: new Int32Array_(FASTSIZE) };
}

// fast[the next FASTBITS bits of input] = symbol << 4 | code length, or 0: codes are
// stored first bit first, so a code's table slots are its bits reversed.
function buildFast(h, lengths, n) {
  const { counts, fast } = h;
  fast.fill(0);
  const next = new Int32Array_(MAXBITS + 2);
  let code = 0;
  for (let len = 1; len <= MAXBITS; len++) {
    next[len] = code;
    code = (code + counts[len]) << 1;
  }
  for (let sym = 0; sym < n; sym++) {
    const len = lengths[sym];
    if (len === 0) continue;
    const c = next[len]++;
    if (len > FASTBITS) continue;
    let reversed = 0;
    for (let i = 0; i < len; i++) reversed |= ((c >> i) & 1) << (len - 1 - i);
    for (let i = reversed; i < FASTSIZE; i += 1 << len) fast[i] = (sym << 4) | len;
  }
}

// Fills h from code lengths; false when the lengths over-subscribe the code.
function build(h, lengths, n) {
  const { counts, symbols } = h;
  counts.fill(0);
  for (let i = 0; i < n; i++) counts[lengths[i]]++;
  if (counts[0] === n) { h.fast.fill(0); return true; } // no codes: decoding any fails
  let left = 1;
  for (let len = 1; len <= MAXBITS; len++) {
    left = (left << 1) - counts[len];
    if (left < 0) return false;
  }
  const offsets = new Uint16Array_(MAXBITS + 1);
  for (let len = 1; len < MAXBITS; len++) offsets[len + 1] = offsets[len] + counts[len];
  for (let sym = 0; sym < n; sym++) if (lengths[sym] !== 0) symbols[offsets[lengths[sym]]++] = sym;
  buildFast(h, lengths, n);
  return true;
}

// The bit reader and the decoder's tables, made once per stream.
function state(data) {
  return {
    data, pos: 0, bitbuf: 0, bitcnt: 0,
    lencode: huffman(288), distcode: huffman(30), lengths: new Uint16Array_(320),
  };
}

function bits(s, need) {
  let val = s.bitbuf;
  while (s.bitcnt < need) {
    if (s.pos >= s.data.length) throw new InflateError('unexpected end of compressed data');
    val |= s.data[s.pos++] << s.bitcnt;
    s.bitcnt += 8;
  }
  s.bitbuf = val >>> need;
  s.bitcnt -= need;
  return val & ((1 << need) - 1);
}

// One symbol: by the fast table when its code is short enough, else bit by bit.
function decode(s, h) {
  while (s.bitcnt < FASTBITS && s.pos < s.data.length) {
    s.bitbuf |= s.data[s.pos++] << s.bitcnt;
    s.bitcnt += 8;
  }
  const entry = h.fast[s.bitbuf & (FASTSIZE - 1)];
  const len = entry & 15;
  if (entry !== 0 && len <= s.bitcnt) {
    s.bitbuf >>>= len;
    s.bitcnt -= len;
    return entry >> 4;
  }
  return decodeSlow(s, h);
}

function decodeSlow(s, h) {
  const { counts, symbols } = h;
  let code = 0;
  let first = 0;
  let index = 0;
  let bitbuf = s.bitbuf;
  let left = s.bitcnt;
  // bitbuf may hold more than 8 bits here (decode filled it): used first, then bytes.
  for (let len = 1; len <= MAXBITS; len++) {
    if (left === 0) {
      if (s.pos >= s.data.length) throw new InflateError('unexpected end of compressed data');
      bitbuf = s.data[s.pos++];
      left = 8;
    }
    code |= bitbuf & 1;
    bitbuf >>>= 1;
    left--;
    const count = counts[len];
    if (code - count < first) {
      s.bitbuf = bitbuf;
      s.bitcnt = left;
      return symbols[index + (code - first)];
    }
    index += count;
    first = (first + count) << 1;
    code <<= 1;
  }
  throw new InflateError('invalid Huffman code');
}

function fixedTables(s) {
  const { lengths } = s;
  let sym = 0;
  for (; sym < 144; sym++) lengths[sym] = 8;
  for (; sym < 256; sym++) lengths[sym] = 9;
  for (; sym < 280; sym++) lengths[sym] = 7;
  for (; sym < 288; sym++) lengths[sym] = 8;
  build(s.lencode, lengths, 288);
  for (sym = 0; sym < 30; sym++) lengths[sym] = 5;
  build(s.distcode, lengths, 30);
}

function dynamicTables(s) {
  const nlen = bits(s, 5) + 257;
  const ndist = bits(s, 5) + 1;
  const ncode = bits(s, 4) + 4;
  if (nlen > 286 || ndist > 30) throw new InflateError('invalid code lengths');
  const { lengths } = s;
  lengths.fill(0);
  for (let i = 0; i < ncode; i++) lengths[ORDER[i]] = bits(s, 3);
  if (!build(s.lencode, lengths, 19)) throw new InflateError('invalid code lengths');
  let index = 0;
  while (index < nlen + ndist) {
    let symbol = decode(s, s.lencode);
    if (symbol < 16) {
      lengths[index++] = symbol;
      continue;
    }
    let len = 0;
    if (symbol === 16) {
      if (index === 0) throw new InflateError('invalid code lengths');
      len = lengths[index - 1];
      symbol = 3 + bits(s, 2);
    } else if (symbol === 17) {
      symbol = 3 + bits(s, 3);
    } else {
      symbol = 11 + bits(s, 7);
    }
    if (index + symbol > nlen + ndist) throw new InflateError('invalid code lengths');
    while (symbol--) lengths[index++] = len;
  }
  if (lengths[256] === 0) throw new InflateError('no end-of-block code');
  if (!build(s.lencode, lengths, nlen)) throw new InflateError('invalid literal/length code');
  if (!build(s.distcode, lengths.subarray(nlen), ndist)) throw new InflateError('invalid distance code');
}

// The bytes `data` (raw DEFLATE) inflates to, as views into one window: each is valid
// until the generator is resumed. Throws InflateError for data that is not DEFLATE.
function* inflateRaw(data) {
  const s = state(data);
  const out = new Uint8Array_(WINDOW + CHUNK);
  let op = 0; // where the next byte goes
  let from = 0; // the first byte not given out yet
  let last = 0;
  while (!last) {
    last = bits(s, 1);
    const type = bits(s, 2);
    if (type === 0) {
      // To a byte boundary: whole bytes decode() read ahead go back to the input.
      s.pos -= s.bitcnt >> 3;
      s.bitbuf = 0;
      s.bitcnt = 0;
      if (s.pos + 4 > data.length) throw new InflateError('unexpected end of compressed data');
      let len = data[s.pos] | (data[s.pos + 1] << 8);
      if ((len ^ 0xffff) !== (data[s.pos + 2] | (data[s.pos + 3] << 8))) throw new InflateError('invalid stored block');
      s.pos += 4;
      if (s.pos + len > data.length) throw new InflateError('unexpected end of compressed data');
      while (len > 0) {
        if (op === out.length) {
          yield out.subarray(from, op);
          out.copyWithin(0, op - WINDOW, op);
          op = WINDOW;
          from = WINDOW;
        }
        const n = len < out.length - op ? len : out.length - op;
        out.set(data.subarray(s.pos, s.pos + n), op);
        op += n;
        s.pos += n;
        len -= n;
      }
      continue;
    }
    if (type === 1) fixedTables(s);
    else if (type === 2) dynamicTables(s);
    else throw new InflateError('invalid block type');
    for (;;) {
      if (op + 258 > out.length) {
        yield out.subarray(from, op);
        out.copyWithin(0, op - WINDOW, op);
        op = WINDOW;
        from = WINDOW;
      }
      let symbol = decode(s, s.lencode);
      if (symbol < 256) {
        out[op++] = symbol;
        continue;
      }
      if (symbol === 256) break;
      symbol -= 257;
      if (symbol >= 29) throw new InflateError('invalid length code');
      const len = LENGTH_BASE[symbol] + bits(s, LENGTH_EXTRA[symbol]);
      const distSymbol = decode(s, s.distcode);
      if (distSymbol >= 30) throw new InflateError('invalid distance code');
      const dist = DIST_BASE[distSymbol] + bits(s, DIST_EXTRA[distSymbol]);
      // `from` is where this stream's output began only until the first yield; the
      // window holds the WINDOW bytes before `op` after it.
      if (dist > op) throw new InflateError('invalid distance too far back');
      if (dist >= len) {
        out.copyWithin(op, op - dist, op - dist + len);
        op += len;
      } else {
        for (let i = 0; i < len; i++, op++) out[op] = out[op - dist];
      }
    }
  }
  if (op > from) yield out.subarray(from, op);
}

export { InflateError, inflateRaw };
