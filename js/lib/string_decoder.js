'use strict';
// require('string_decoder'): decodes Buffers chunk by chunk without splitting a
// multi-byte character (utf8, utf16le) or a base64 group across chunks.

import { codes } from './internal/errors.js';

const { ERR_INVALID_ARG_TYPE, ERR_UNKNOWN_ENCODING } = codes;

const NORMAL = { utf8: 'utf8', 'utf-8': 'utf8', utf16le: 'utf16le', 'utf-16le': 'utf16le', ucs2: 'utf16le', 'ucs-2': 'utf16le',
  latin1: 'latin1', binary: 'latin1', base64: 'base64', base64url: 'base64url', hex: 'hex', ascii: 'ascii' };

// Bytes at the end of `buf` that start an incomplete UTF-8 character.
function utf8Incomplete(buf) {
  for (let back = 1; back <= Math.min(3, buf.length); back++) {
    const b = buf[buf.length - back];
    if ((b & 0xc0) === 0x80) continue; // continuation byte: look further back
    const need = b >= 0xf0 ? 4 : b >= 0xe0 ? 3 : b >= 0xc0 ? 2 : 1;
    return need > back ? back : 0;
  }
  return 0;
}

class StringDecoder {
  #pending;
  constructor(encoding = 'utf8') {
    const normal = NORMAL[`${encoding}`.toLowerCase()];
    if (normal === undefined) throw new ERR_UNKNOWN_ENCODING(encoding);
    this.encoding = normal;
    this.#pending = Buffer.alloc(0);
  }
  write(buf) {
    if (typeof buf === 'string') return buf;
    if (!ArrayBuffer.isView(buf)) throw new ERR_INVALID_ARG_TYPE('buf', ['Buffer', 'TypedArray', 'DataView'], buf);
    let all = Buffer.concat([this.#pending, Buffer.from(buf.buffer, buf.byteOffset, buf.byteLength)]);
    let keep = 0;
    if (this.encoding === 'utf8') keep = utf8Incomplete(all);
    else if (this.encoding === 'utf16le') {
      keep = all.length % 2;
      if (keep === 0 && all.length >= 2) {
        const last = all.readUInt16LE(all.length - 2);
        if (last >= 0xd800 && last <= 0xdbff) keep = 2; // a high surrogate waits for its pair
      }
    } else if (this.encoding === 'base64' || this.encoding === 'base64url') keep = all.length % 3;
    this.#pending = Buffer.from(all.subarray(all.length - keep));
    all = all.subarray(0, all.length - keep);
    return all.toString(this.encoding);
  }
  end(buf) {
    let out = buf === undefined ? '' : this.write(buf);
    if (this.#pending.length) {
      out += this.encoding === 'utf8' ? '\ufffd' : this.#pending.toString(this.encoding);
      this.#pending = Buffer.alloc(0);
    }
    return out;
  }
}

export default { StringDecoder };
