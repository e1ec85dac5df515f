'use strict';
// require('querystring'): Node's legacy query string module.

function stringifyPrimitive(v) {
  if (typeof v === 'string') return v;
  if (typeof v === 'number' && Number.isFinite(v)) return `${v}`;
  if (typeof v === 'bigint') return `${v}`;
  if (typeof v === 'boolean') return v ? 'true' : 'false';
  return '';
}

function escape(str) {
  return encodeURIComponent(typeof str === 'string' ? str : `${str}`);
}

function unescape(str) {
  try {
    return decodeURIComponent(str);
  } catch {
    // Like Node's unescapeBuffer: decode the valid %XX bytes, keep the rest.
    const bytes = [];
    for (let i = 0; i < str.length; i++) {
      const m = str[i] === '%' && /^[0-9a-fA-F]{2}$/.test(str.slice(i + 1, i + 3));
      if (m) { bytes.push(parseInt(str.slice(i + 1, i + 3), 16)); i += 2; } else {
        for (const b of new TextEncoder().encode(str[i])) bytes.push(b);
      }
    }
    return new TextDecoder().decode(new Uint8Array(bytes));
  }
}

function stringify(obj, sep = '&', eq = '=', options) {
  const encode = options?.encodeURIComponent ?? qs.escape;
  if (obj === null || typeof obj !== 'object') return '';
  const parts = [];
  for (const key of Object.keys(obj)) {
    const value = obj[key];
    const k = encode(stringifyPrimitive(key)) + eq;
    if (Array.isArray(value)) {
      for (const item of value) parts.push(k + encode(stringifyPrimitive(item)));
    } else parts.push(k + encode(stringifyPrimitive(value)));
  }
  return parts.join(sep);
}

function parse(str, sep = '&', eq = '=', options) {
  const out = { __proto__: null };
  if (typeof str !== 'string' || str.length === 0) return out;
  const decode = options?.decodeURIComponent ?? qs.unescape;
  const maxKeys = options?.maxKeys ?? 1000;
  let pairs = str.split(sep || '&');
  if (maxKeys > 0) pairs = pairs.slice(0, maxKeys);
  for (const pair of pairs) {
    if (pair.length === 0 && pairs.length > 1) continue;
    const idx = pair.indexOf(eq || '=');
    const rawKey = idx >= 0 ? pair.slice(0, idx) : pair;
    const rawValue = idx >= 0 ? pair.slice(idx + (eq || '=').length) : '';
    const key = decode(rawKey.replace(/\+/g, ' '));
    const value = decode(rawValue.replace(/\+/g, ' '));
    if (key in out) {
      if (Array.isArray(out[key])) out[key].push(value);
      else out[key] = [out[key], value];
    } else out[key] = value;
  }
  return out;
}

const qs = { stringify, parse, escape, unescape, encode: stringify, decode: parse };
export default qs;
