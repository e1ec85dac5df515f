'use strict';
// require('util'): the parts code blocks use. format/inspect share the console's
// formatter (internal/inspect.js), which is compact rather than Node's full inspect.

import { format, inspectForUtil } from './internal/inspect.js';
import { TextDecoder, TextEncoder } from './internal/encoding.js';
import { codes } from './internal/errors.js';
import { parseArgs as pkgParseArgs } from '@pkgjs/parseargs';

const { ERR_INVALID_ARG_TYPE, ERR_INVALID_ARG_VALUE } = codes;

const kCustomPromisify = Symbol.for('nodejs.util.promisify.custom');

function promisify(original) {
  if (typeof original !== 'function') throw new ERR_INVALID_ARG_TYPE('original', ['function'], original);
  if (original[kCustomPromisify]) {
    const fn = original[kCustomPromisify];
    if (typeof fn !== 'function') throw new ERR_INVALID_ARG_TYPE('util.promisify.custom', ['function'], fn);
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
  if (typeof original !== 'function') throw new ERR_INVALID_ARG_TYPE('original', ['function'], original);
  return function callbackified(...args) {
    const callback = args.pop();
    if (typeof callback !== 'function') throw new ERR_INVALID_ARG_TYPE('last argument', ['function'], callback);
    Reflect.apply(original, this, args).then((value) => callback(null, value), (err) => callback(err));
  };
}

function inherits(ctor, superCtor) {
  if (ctor === undefined || ctor === null) throw new ERR_INVALID_ARG_TYPE('ctor', ['function'], ctor);
  if (superCtor === undefined || superCtor === null) throw new ERR_INVALID_ARG_TYPE('superCtor', ['function'], superCtor);
  if (superCtor.prototype === undefined) throw new ERR_INVALID_ARG_TYPE('superCtor.prototype', ['object'], superCtor.prototype);
  Object.defineProperty(ctor, 'super_', { value: superCtor, writable: true, configurable: true });
  Object.setPrototypeOf(ctor.prototype, superCtor.prototype);
}

function deprecate(fn) { return fn; }

const tag = (v) => Object.prototype.toString.call(v).slice(8, -1);
// Brand checks through intrinsic getters and methods: unlike toString tags, a
// Symbol.toStringTag cannot fake them.
const uncurry = (fn) => (self, ...args) => Reflect.apply(fn, self, args);
const brand = (fn) => (v) => { try { fn(v); return true; } catch { return false; } };
const TypedArray = Object.getPrototypeOf(Uint8Array);
const typedArrayTag = uncurry(Object.getOwnPropertyDescriptor(TypedArray.prototype, Symbol.toStringTag).get);
const isTypedArrayOf = (name) => (v) => typedArrayTag(v) === name;
const iteratorProto = (make) => Object.getPrototypeOf(make());
const MapIteratorPrototype = iteratorProto(() => new Map().entries());
const SetIteratorPrototype = iteratorProto(() => new Set().values());
const GeneratorPrototype = Object.getPrototypeOf(function* () {}).prototype;
const AsyncGeneratorPrototype = Object.getPrototypeOf(async function* () {}).prototype;
const inProtoChain = (proto) => (v) => v !== null && typeof v === 'object' && Object.prototype.isPrototypeOf.call(proto, v);
const types = {
  isArgumentsObject: (v) => tag(v) === 'Arguments' && v !== null && typeof v === 'object' && !(Symbol.toStringTag in v),
  isArrayBufferView: (v) => ArrayBuffer.isView(v),
  isBigIntObject: brand(uncurry(BigInt.prototype.valueOf)),
  isBooleanObject: (v) => typeof v === 'object' && brand(uncurry(Boolean.prototype.valueOf))(v),
  isNumberObject: (v) => typeof v === 'object' && brand(uncurry(Number.prototype.valueOf))(v),
  isStringObject: (v) => typeof v === 'object' && brand(uncurry(String.prototype.valueOf))(v),
  isSymbolObject: (v) => typeof v === 'object' && brand(uncurry(Symbol.prototype.valueOf))(v),
  isExternal: () => false,
  isGeneratorObject: (v) => inProtoChain(GeneratorPrototype)(v) || inProtoChain(AsyncGeneratorPrototype)(v),
  isMapIterator: inProtoChain(MapIteratorPrototype),
  isSetIterator: inProtoChain(SetIteratorPrototype),
  isModuleNamespaceObject: (v) => v !== null && typeof v === 'object' && tag(v) === 'Module' && Object.getPrototypeOf(v) === null && !Object.isExtensible(v),
  isUint8ClampedArray: isTypedArrayOf('Uint8ClampedArray'),
  isUint16Array: isTypedArrayOf('Uint16Array'),
  isUint32Array: isTypedArrayOf('Uint32Array'),
  isInt8Array: isTypedArrayOf('Int8Array'),
  isInt16Array: isTypedArrayOf('Int16Array'),
  isInt32Array: isTypedArrayOf('Int32Array'),
  isFloat16Array: isTypedArrayOf('Float16Array'),
  isFloat32Array: isTypedArrayOf('Float32Array'),
  isFloat64Array: isTypedArrayOf('Float64Array'),
  isBigInt64Array: isTypedArrayOf('BigInt64Array'),
  isBigUint64Array: isTypedArrayOf('BigUint64Array'),
  isDate: (v) => tag(v) === 'Date',
  isRegExp: (v) => tag(v) === 'RegExp',
  isMap: (v) => tag(v) === 'Map',
  isSet: (v) => tag(v) === 'Set',
  isWeakMap: (v) => tag(v) === 'WeakMap',
  isWeakSet: (v) => tag(v) === 'WeakSet',
  isPromise: (v) => tag(v) === 'Promise',
  isTypedArray: (v) => typedArrayTag(v) !== undefined,
  isUint8Array: isTypedArrayOf('Uint8Array'),
  isArrayBuffer: (v) => tag(v) === 'ArrayBuffer',
  isSharedArrayBuffer: (v) => tag(v) === 'SharedArrayBuffer',
  isAnyArrayBuffer: (v) => tag(v) === 'ArrayBuffer' || tag(v) === 'SharedArrayBuffer',
  isDataView: (v) => tag(v) === 'DataView',
  isAsyncFunction: (v) => tag(v) === 'AsyncFunction' || tag(v) === 'AsyncGeneratorFunction',
  isGeneratorFunction: (v) => tag(v) === 'GeneratorFunction' || tag(v) === 'AsyncGeneratorFunction',
  isNativeError: (v) => Error.isError(v),
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

// util.inspect.colors: SGR [open, close] codes; the aliases are non-enumerable, as in Node.
const colors = {
  reset: [0, 0], bold: [1, 22], dim: [2, 22], italic: [3, 23], underline: [4, 24], blink: [5, 25], inverse: [7, 27],
  hidden: [8, 28], strikethrough: [9, 29], doubleunderline: [21, 24], black: [30, 39], red: [31, 39], green: [32, 39],
  yellow: [33, 39], blue: [34, 39], magenta: [35, 39], cyan: [36, 39], white: [37, 39], bgBlack: [40, 49],
  bgRed: [41, 49], bgGreen: [42, 49], bgYellow: [43, 49], bgBlue: [44, 49], bgMagenta: [45, 49], bgCyan: [46, 49],
  bgWhite: [47, 49], framed: [51, 54], overlined: [53, 55], gray: [90, 39], redBright: [91, 39],
  greenBright: [92, 39], yellowBright: [93, 39], blueBright: [94, 39], magentaBright: [95, 39], cyanBright: [96, 39],
  whiteBright: [97, 39], bgGray: [100, 49], bgRedBright: [101, 49], bgGreenBright: [102, 49], bgYellowBright: [103, 49],
  bgBlueBright: [104, 49], bgMagentaBright: [105, 49], bgCyanBright: [106, 49], bgWhiteBright: [107, 49],
};
for (const [alias, name] of [['grey', 'gray'], ['blackBright', 'gray'], ['bgGrey', 'bgGray'], ['bgBlackBright', 'bgGray'],
  ['faint', 'dim'], ['crossedout', 'strikethrough'], ['strikeThrough', 'strikethrough'], ['crossedOut', 'strikethrough'],
  ['conceal', 'hidden'], ['swapColors', 'inverse'], ['swapcolors', 'inverse'], ['doubleUnderline', 'doubleunderline']]) {
  Object.defineProperty(colors, alias, { value: colors[name], enumerable: false, writable: true, configurable: true });
}

function validateFormat(key) {
  if (key === 'none' || Object.prototype.hasOwnProperty.call(colors, key)) return;
  const allowed = Object.getOwnPropertyNames(colors).map((k) => `'${k}'`).join(', ');
  const shown = typeof key === 'string' ? `'${key}'` : inspectForUtil(key);
  throw new ERR_INVALID_ARG_VALUE(`The argument 'format' must be one of: ${allowed}. Received ${shown}`);
}

// A code block's output is never a terminal: with validateStream (the default) the
// text comes back unstyled, as Node gives it for a piped stdout.
function styleText(format, text, options = {}) {
  if (typeof options !== 'object' || options === null) throw new ERR_INVALID_ARG_TYPE('options', ['object'], options);
  const { validateStream = true, stream } = options;
  if (typeof validateStream !== 'boolean') throw new ERR_INVALID_ARG_TYPE('options.validateStream', ['boolean'], validateStream);
  if (typeof text !== 'string') throw new ERR_INVALID_ARG_TYPE('text', ['string'], text);
  const formats = Array.isArray(format) ? format : [format];
  for (const key of formats) validateFormat(key);
  if (validateStream) {
    if (stream !== undefined) throw new ERR_INVALID_ARG_TYPE('stream', ['ReadableStream', 'WritableStream', 'Stream'], stream);
    return text;
  }
  let left = '';
  let right = '';
  for (const key of formats) {
    if (key === 'none') continue;
    left += `\u001b[${colors[key][0]}m`;
    right = `\u001b[${colors[key][1]}m${right}`;
  }
  return `${left}${text}${right}`;
}

// Node's parseArgs is the @pkgjs/parseargs package (its upstream); Node 22 added
// allowNegative (`--no-flag` for boolean options), done here around it.
function parseArgs(config = {}) {
  if (config === null) throw new TypeError('Cannot convert undefined or null to object');
  const { allowNegative = false, ...rest } = config;
  if (typeof allowNegative !== 'boolean') throw new ERR_INVALID_ARG_TYPE('allowNegative', ['boolean'], allowNegative);
  if (!allowNegative || !Array.isArray(rest.args)) return pkgParseArgs(rest);
  const options = rest.options ?? {};
  const negated = new Set();
  const args = rest.args.map((arg, index) => {
    if (typeof arg !== 'string' || !arg.startsWith('--no-')) return arg;
    const name = arg.slice(5);
    if (Object.prototype.hasOwnProperty.call(options, name) && options[name]?.type === 'boolean') {
      negated.add(index);
      return `--${name}`;
    }
    return arg;
  });
  const parsed = pkgParseArgs({ ...rest, args, tokens: true });
  const touched = new Set();
  for (const token of parsed.tokens) {
    if (token.kind !== 'option' || !negated.has(token.index)) continue;
    token.rawName = `--no-${token.name}`;
    touched.add(token.name);
  }
  for (const name of touched) {
    const seen = parsed.tokens.filter((t) => t.kind === 'option' && t.name === name).map((t) => !negated.has(t.index));
    parsed.values[name] = options[name].multiple ? seen : seen[seen.length - 1];
  }
  if (!rest.tokens) delete parsed.tokens;
  return parsed;
}

// ECMA-48 control sequences, as Node's (the ansi-regex pattern).
const ANSI = new RegExp('[\\u001B\\u009B][[\\]()#;?]*(?:(?:(?:(?:;[-a-zA-Z\\d\\/\\#&.:=?%@~_]+)*' +
  '|[a-zA-Z\\d]+(?:;[-a-zA-Z\\d\\/\\#&.:=?%@~_]*)*)?(?:\\u0007|\\u001B\\u005C|\\u009C))' +
  '|(?:(?:\\d{1,4}(?:;\\d{0,4})*)?[\\dA-PR-TZcf-ntqry=><~]))', 'g');

function stripVTControlCharacters(str) {
  if (typeof str !== 'string') throw new ERR_INVALID_ARG_TYPE('str', ['string'], str);
  return str.replace(ANSI, '');
}

function toUSVString(input) { return String(input).toWellFormed(); }

function formatWithOptions(inspectOptions, ...args) {
  if (typeof inspectOptions !== 'object' || inspectOptions === null) {
    throw new ERR_INVALID_ARG_TYPE('inspectOptions', ['object'], inspectOptions);
  }
  return format(args);
}

const inspect = (value, options) => inspectForUtil(value, options);
inspect.colors = colors;
inspect.custom = Symbol.for('nodejs.util.inspect.custom');

const util = {
  format: (...args) => format(args),
  formatWithOptions,
  inspect,
  promisify, callbackify, inherits, deprecate, types, isDeepStrictEqual, TextEncoder, TextDecoder,
  isArray: Array.isArray,
  styleText, parseArgs, stripVTControlCharacters, toUSVString,
};

export default util;
