'use strict';
// structuredClone (HTML structured clone) in plain JS: primitives, plain objects,
// arrays, Date, RegExp, Map, Set, ArrayBuffer, typed arrays, DataView, Error and
// boxed primitives, Blob and File, with cycles; functions and symbols throw DataCloneError.

import { cloneBlob, isBlob } from './blob.js';

import { DOMException } from './event_target.js';
import { codes, plain } from './errors.js';

const { ERR_MISSING_ARGS } = codes;

const cloneError = (message) => new DOMException(message, 'DataCloneError');
const dataCloneError = (value) =>
  cloneError(`${typeof value === 'function' ? String(value).slice(0, 40) : String(value)} could not be cloned.`);

const tagOf = (v) => Object.prototype.toString.call(v).slice(8, -1);
const isDetached = (buffer) => buffer.detached;

// options.transfer: ArrayBuffers only (no MessagePort here). Each is detached, its
// bytes moved to the clone, as Node does.
function transferList(options) {
  if (options === undefined || options === null) return [];
  if (typeof options !== 'object' && typeof options !== 'function') {
    throw new plain.ERR_INVALID_ARG_TYPE("Failed to execute 'structuredClone': Options cannot be converted to a dictionary");
  }
  const { transfer } = options;
  if (transfer === undefined) return [];
  if (transfer === null || typeof transfer !== 'object' || typeof transfer[Symbol.iterator] !== 'function') {
    throw new plain.ERR_INVALID_ARG_TYPE("Failed to execute 'structuredClone': transfer in Options cannot be converted to sequence.");
  }
  const list = [...transfer];
  for (let i = 0; i < list.length; i++) {
    if (tagOf(list[i]) !== 'ArrayBuffer' || ArrayBuffer.isView(list[i])) throw cloneError('Found invalid value in transferList.');
    if (list.indexOf(list[i]) !== i) throw cloneError('Transfer list contains duplicate ArrayBuffer');
    if (isDetached(list[i])) throw cloneError('Cannot transfer object of unsupported type.');
  }
  return list;
}

function structuredClone(value, options) {
  if (arguments.length === 0) {
    // Node 24's own message, doubled "argument" and all.
    throw new ERR_MISSING_ARGS('The value argument must be specified');
  }
  const transfers = transferList(options);
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
      case 'ArrayBuffer':
        if (isDetached(v)) throw cloneError('An ArrayBuffer is detached and could not be cloned.');
        out = v.slice(0);
        break;
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
  const result = clone(value);
  // The clone has the bytes; the listed buffers are detached once it succeeded, also
  // those the value never referenced (as Node does). transfer(0) detaches cheaply.
  for (let i = 0; i < transfers.length; i++) transfers[i].transfer(0);
  return result;
}

export { structuredClone };
