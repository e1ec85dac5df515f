'use strict';
// structuredClone (HTML structured clone) in plain JS: primitives, plain objects,
// arrays, Date, RegExp, Map, Set, ArrayBuffer, typed arrays, DataView, Error and
// boxed primitives, Blob and File, with cycles; functions and symbols throw DataCloneError.

import { cloneBlob, isBlob } from './blob.js';

import { DOMException } from './event_target.js';
import { codes, plain } from './errors.js';
import {
  ArrayBufferIsView, ArrayPrototypeIndexOf, Array_, BigInt64Array_, BigUint64Array_, DataView_, Date_, Error_,
  EvalError_, Float16Array_, Float32Array_, Float64Array_, Int16Array_, Int32Array_, Int8Array_, MapPrototypeGet,
  MapPrototypeHas, MapPrototypeSet, Map_, ObjectFreeze, ObjectKeys, ObjectPrototypeToString, Object_, RangeError_,
  ReferenceError_, RegExp_, SafeMap, Set_, StringPrototypeSlice, String_, SymbolIterator, SyntaxError_, TypeError_,
  URIError_, Uint16Array_, Uint32Array_, Uint8Array_, Uint8ClampedArray_,
} from './primordials.js';

const { ERR_MISSING_ARGS } = codes;

// A clone's constructor by its tag; the original constructors, whatever the global names hold now.
const ERRORS = ObjectFreeze({
  EvalError: EvalError_, RangeError: RangeError_, ReferenceError: ReferenceError_, SyntaxError: SyntaxError_,
  TypeError: TypeError_, URIError: URIError_,
});
const TYPED_ARRAYS = ObjectFreeze({
  __proto__: null, Int8Array: Int8Array_, Uint8Array: Uint8Array_, Uint8ClampedArray: Uint8ClampedArray_,
  Int16Array: Int16Array_, Uint16Array: Uint16Array_, Int32Array: Int32Array_, Uint32Array: Uint32Array_,
  Float16Array: Float16Array_, Float32Array: Float32Array_, Float64Array: Float64Array_,
  BigInt64Array: BigInt64Array_, BigUint64Array: BigUint64Array_,
});

const cloneError = (message) => new DOMException(message, 'DataCloneError');
const dataCloneError = (value) => cloneError(
  `${typeof value === 'function' ? StringPrototypeSlice(String_(value), 0, 40) : String_(value)} could not be cloned.`);

const tagOf = (v) => StringPrototypeSlice(ObjectPrototypeToString(v), 8, -1);
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
  if (transfer === null || typeof transfer !== 'object' || typeof transfer[SymbolIterator] !== 'function') {
    throw new plain.ERR_INVALID_ARG_TYPE("Failed to execute 'structuredClone': transfer in Options cannot be converted to sequence.");
  }
  const list = [...transfer];
  for (let i = 0; i < list.length; i++) {
    if (tagOf(list[i]) !== 'ArrayBuffer' || ArrayBufferIsView(list[i])) throw cloneError('Found invalid value in transferList.');
    if (ArrayPrototypeIndexOf(list, list[i]) !== i) throw cloneError('Transfer list contains duplicate ArrayBuffer');
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
  const seen = new SafeMap();
  const clone = (v) => {
    if (typeof v === 'function' || typeof v === 'symbol') throw dataCloneError(v);
    if (v === null || typeof v !== 'object') return v;
    if (MapPrototypeHas(seen, v)) return MapPrototypeGet(seen, v);
    if (isBlob(v)) {
      const blob = cloneBlob(v);
      MapPrototypeSet(seen, v, blob);
      return blob;
    }
    const tag = tagOf(v);
    let out;
    switch (tag) {
      case 'Date': out = new Date_(v.getTime()); break;
      case 'RegExp': out = new RegExp_(v.source, v.flags); break;
      case 'Boolean': case 'Number': case 'String': case 'BigInt': out = Object_(v.valueOf()); break;
      case 'ArrayBuffer':
        if (isDetached(v)) throw cloneError('An ArrayBuffer is detached and could not be cloned.');
        out = v.slice(0);
        break;
      case 'DataView': out = new DataView_(clone(v.buffer), v.byteOffset, v.byteLength); break;
      case 'Map':
        out = new Map_(); MapPrototypeSet(seen, v, out);
        for (const [k, x] of v) out.set(clone(k), clone(x));
        return out;
      case 'Set':
        out = new Set_(); MapPrototypeSet(seen, v, out);
        for (const x of v) out.add(clone(x));
        return out;
      case 'Error': {
        const Ctor = ERRORS[v.name] ?? Error_;
        out = new Ctor(v.message);
        if ('stack' in v) out.stack = v.stack;
        if ('cause' in v) out.cause = clone(v.cause);
        break;
      }
      case 'Array':
        out = new Array_(v.length); MapPrototypeSet(seen, v, out);
        for (const k of ObjectKeys(v)) out[k] = clone(v[k]);
        return out;
      case 'Object':
        out = {}; MapPrototypeSet(seen, v, out);
        for (const k of ObjectKeys(v)) out[k] = clone(v[k]);
        return out;
      default:
        if (ArrayBufferIsView(v) && TYPED_ARRAYS[tag] !== undefined) {
          out = new TYPED_ARRAYS[tag](clone(v.buffer), v.byteOffset, v.length);
          break;
        }
        throw dataCloneError(v);
    }
    MapPrototypeSet(seen, v, out);
    return out;
  };
  const result = clone(value);
  // The clone has the bytes; the listed buffers are detached once it succeeded, also
  // those the value never referenced (as Node does). transfer(0) detaches cheaply.
  for (let i = 0; i < transfers.length; i++) transfers[i].transfer(0);
  return result;
}

export { structuredClone };
