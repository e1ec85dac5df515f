'use strict';
// structuredClone (HTML structured clone) in plain JS: primitives, plain objects,
// arrays, Date, RegExp, Map, Set, ArrayBuffer, typed arrays, DataView, Error and
// boxed primitives, Blob and File, with cycles; functions and symbols throw DataCloneError.

import { cloneBlob, isBlob } from './blob.js';

function dataCloneError(value) {
  const err = new Error(`${typeof value === 'function' ? String(value).slice(0, 40) : String(value)} could not be cloned.`);
  err.name = 'DataCloneError';
  err.code = 25;
  return err;
}

const tagOf = (v) => Object.prototype.toString.call(v).slice(8, -1);

function structuredClone(value, options) {
  if (arguments.length === 0) {
    const err = new TypeError("Failed to execute 'structuredClone' on 'Window': 1 argument required, but only 0 present.");
    err.code = 'ERR_MISSING_ARGS';
    err.message = 'The "value" argument must be specified';
    throw err;
  }
  void options;
  const seen = new Map();
  const clone = (v) => {
    if (typeof v === 'function' || typeof v === 'symbol') throw dataCloneError(v);
    if (v === null || typeof v !== 'object') return v;
    if (seen.has(v)) return seen.get(v);
    if (isBlob(v)) {
      const blob = cloneBlob(v);
      seen.set(v, blob);
      return blob;
    }
    const tag = tagOf(v);
    let out;
    switch (tag) {
      case 'Date': out = new Date(v.getTime()); break;
      case 'RegExp': out = new RegExp(v.source, v.flags); break;
      case 'Boolean': case 'Number': case 'String': case 'BigInt': out = Object(v.valueOf()); break;
      case 'ArrayBuffer': out = v.slice(0); break;
      case 'DataView': out = new DataView(clone(v.buffer), v.byteOffset, v.byteLength); break;
      case 'Map':
        out = new Map(); seen.set(v, out);
        for (const [k, x] of v) out.set(clone(k), clone(x));
        return out;
      case 'Set':
        out = new Set(); seen.set(v, out);
        for (const x of v) out.add(clone(x));
        return out;
      case 'Error': {
        const Ctor = { EvalError, RangeError, ReferenceError, SyntaxError, TypeError, URIError }[v.name] ?? Error;
        out = new Ctor(v.message);
        if ('stack' in v) out.stack = v.stack;
        if ('cause' in v) out.cause = clone(v.cause);
        break;
      }
      case 'Array':
        out = new Array(v.length); seen.set(v, out);
        for (const k of Object.keys(v)) out[k] = clone(v[k]);
        return out;
      case 'Object':
        out = {}; seen.set(v, out);
        for (const k of Object.keys(v)) out[k] = clone(v[k]);
        return out;
      default:
        if (ArrayBuffer.isView(v)) {
          const C = globalThis[tag];
          out = new C(clone(v.buffer), v.byteOffset, v.length);
          break;
        }
        throw dataCloneError(v);
    }
    seen.set(v, out);
    return out;
  };
  return clone(value);
}

export { structuredClone };
