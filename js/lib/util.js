'use strict';
// require('util'): the parts code blocks use. format/inspect share the console's
// formatter (internal/inspect.js), which is compact rather than Node's full inspect.

import { format, inspectForUtil } from './internal/inspect.js';
import { TextDecoder, TextEncoder } from './internal/encoding.js';
import { invalidArgType } from './internal/node_errors.js';

const kCustomPromisify = Symbol.for('nodejs.util.promisify.custom');

function promisify(original) {
  if (typeof original !== 'function') throw invalidArgType('original', ['function'], original);
  if (original[kCustomPromisify]) {
    const fn = original[kCustomPromisify];
    if (typeof fn !== 'function') throw invalidArgType('util.promisify.custom', ['function'], fn);
    return fn;
  }
  function fn(...args) {
    return new Promise((resolve, reject) => {
      Reflect.apply(original, this, [...args, (err, ...values) => {
        if (err) reject(err);
        else resolve(values.length > 1 ? values : values[0]);
      }]);
    });
  }
  Object.setPrototypeOf(fn, Object.getPrototypeOf(original));
  return Object.defineProperties(fn, Object.getOwnPropertyDescriptors(original));
}
promisify.custom = kCustomPromisify;

function callbackify(original) {
  if (typeof original !== 'function') throw invalidArgType('original', ['function'], original);
  return function callbackified(...args) {
    const callback = args.pop();
    if (typeof callback !== 'function') throw invalidArgType('last argument', ['function'], callback);
    Reflect.apply(original, this, args).then((value) => callback(null, value), (err) => callback(err));
  };
}

function inherits(ctor, superCtor) {
  if (ctor === undefined || ctor === null) throw invalidArgType('ctor', ['function'], ctor);
  if (superCtor === undefined || superCtor === null) throw invalidArgType('superCtor', ['function'], superCtor);
  if (superCtor.prototype === undefined) throw invalidArgType('superCtor.prototype', ['object'], superCtor.prototype);
  Object.defineProperty(ctor, 'super_', { value: superCtor, writable: true, configurable: true });
  Object.setPrototypeOf(ctor.prototype, superCtor.prototype);
}

function deprecate(fn) { return fn; }

const tag = (v) => Object.prototype.toString.call(v).slice(8, -1);
const types = {
  isDate: (v) => tag(v) === 'Date',
  isRegExp: (v) => tag(v) === 'RegExp',
  isMap: (v) => tag(v) === 'Map',
  isSet: (v) => tag(v) === 'Set',
  isWeakMap: (v) => tag(v) === 'WeakMap',
  isWeakSet: (v) => tag(v) === 'WeakSet',
  isPromise: (v) => tag(v) === 'Promise',
  isTypedArray: (v) => ArrayBuffer.isView(v) && !(v instanceof DataView),
  isUint8Array: (v) => tag(v) === 'Uint8Array',
  isArrayBuffer: (v) => tag(v) === 'ArrayBuffer',
  isSharedArrayBuffer: (v) => tag(v) === 'SharedArrayBuffer',
  isAnyArrayBuffer: (v) => tag(v) === 'ArrayBuffer' || tag(v) === 'SharedArrayBuffer',
  isDataView: (v) => tag(v) === 'DataView',
  isAsyncFunction: (v) => tag(v) === 'AsyncFunction' || tag(v) === 'AsyncGeneratorFunction',
  isGeneratorFunction: (v) => tag(v) === 'GeneratorFunction' || tag(v) === 'AsyncGeneratorFunction',
  isNativeError: (v) => tag(v) === 'Error',
  isBoxedPrimitive: (v) => ['Number', 'String', 'Boolean', 'BigInt', 'Symbol'].includes(tag(v)) && typeof v === 'object',
  isProxy: () => false,
};

function isDeepStrictEqual(a, b, seen = new Map()) {
  if (Object.is(a, b)) return true;
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null) return false;
  if (Object.getPrototypeOf(a) !== Object.getPrototypeOf(b) || tag(a) !== tag(b)) return false;
  if (seen.get(a) === b) return true;
  seen.set(a, b);
  if (a instanceof Date) return a.getTime() === b.getTime();
  if (a instanceof RegExp) return String(a) === String(b);
  if (ArrayBuffer.isView(a)) {
    if (a.byteLength !== b.byteLength) return false;
    const x = new Uint8Array(a.buffer, a.byteOffset, a.byteLength);
    const y = new Uint8Array(b.buffer, b.byteOffset, b.byteLength);
    return x.every((v, i) => v === y[i]);
  }
  if (a instanceof Map) {
    if (a.size !== b.size) return false;
    for (const [k, v] of a) if (!b.has(k) || !isDeepStrictEqual(v, b.get(k), seen)) return false;
    return true;
  }
  if (a instanceof Set) {
    if (a.size !== b.size) return false;
    for (const v of a) if (!b.has(v)) return false;
    return true;
  }
  const ka = Reflect.ownKeys(a).filter((k) => Object.prototype.propertyIsEnumerable.call(a, k));
  const kb = Reflect.ownKeys(b).filter((k) => Object.prototype.propertyIsEnumerable.call(b, k));
  if (ka.length !== kb.length) return false;
  return ka.every((k) => Object.prototype.propertyIsEnumerable.call(b, k) && isDeepStrictEqual(a[k], b[k], seen));
}

const util = {
  format: (...args) => format(args),
  inspect: (value, options) => inspectForUtil(value, options),
  promisify, callbackify, inherits, deprecate, types, isDeepStrictEqual, TextEncoder, TextDecoder,
  isArray: Array.isArray,
};

export default util;
