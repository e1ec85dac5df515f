'use strict';
// Copies of the built-ins the layer relies on, taken before any user code runs
// (the same idea as Node's lib/internal/per_context/primordials.js). The intrinsics are
// frozen (harden.js), but a code block may rebind the global names (`JSON = ...`,
// `globalThis.Promise = ...`) for its execution: the layer calls only these copies.
// Constructors are `Foo_` (or Safe* for the layer's own collections), statics `FooBar`,
// prototype methods and getters uncurried (`ArrayPrototypePush(arr, x)`).

const { apply: ReflectApply, ownKeys: ReflectOwnKeys, construct: ReflectConstruct,
  getPrototypeOf: ReflectGetPrototypeOf, setPrototypeOf: ReflectSetPrototypeOf,
  defineProperty: ReflectDefineProperty, deleteProperty: ReflectDeleteProperty } = Reflect;
const { bind, call } = Function.prototype;
// uncurryThis(fn)(thisArg, ...args): bound once, immune to later patches of .call.
const uncurryThis = bind.bind(call);

export {
  ReflectApply, ReflectOwnKeys, ReflectConstruct, ReflectGetPrototypeOf,
  ReflectSetPrototypeOf, ReflectDefineProperty, ReflectDeleteProperty, uncurryThis,
};

export const ObjectGetOwnPropertyDescriptor = Object.getOwnPropertyDescriptor;
export const ObjectIsExtensible = Object.isExtensible;
export const ObjectIs = Object.is;
export const ObjectFreeze = Object.freeze;
export const ObjectCreate = Object.create;
export const ObjectDefineProperty = Object.defineProperty;
export const ObjectPrototypeToString = uncurryThis(Object.prototype.toString);
export const ObjectPrototypeHasOwnProperty = uncurryThis(Object.prototype.hasOwnProperty);
export const ObjectKeys = Object.keys;
export const ObjectGetOwnPropertySymbols = Object.getOwnPropertySymbols;
export const FunctionPrototypeBind = uncurryThis(bind);

export const ArrayIsArray = Array.isArray;
export const ArrayPrototypeJoin = uncurryThis(Array.prototype.join);
export const ArrayPrototypeIncludes = uncurryThis(Array.prototype.includes);
export const ArrayPrototypeFind = uncurryThis(Array.prototype.find);
export const ArrayPrototypeForEach = uncurryThis(Array.prototype.forEach);
export const ArrayPrototypeMap = uncurryThis(Array.prototype.map);
export const ArrayPrototypePush = uncurryThis(Array.prototype.push);
export const ArrayPrototypeShift = uncurryThis(Array.prototype.shift);
export const ArrayPrototypeSlice = uncurryThis(Array.prototype.slice);
export const ArrayPrototypeUnshift = uncurryThis(Array.prototype.unshift);
export const ObjectEntries = Object.entries;
export const StringPrototypeCharAt = uncurryThis(String.prototype.charAt);

export const StringPrototypeSlice = uncurryThis(String.prototype.slice);
export const StringPrototypeSplit = uncurryThis(String.prototype.split);
export const StringPrototypeIndexOf = uncurryThis(String.prototype.indexOf);
export const StringPrototypeIncludes = uncurryThis(String.prototype.includes);
export const StringPrototypeCharCodeAt = uncurryThis(String.prototype.charCodeAt);
export const StringPrototypeStartsWith = uncurryThis(String.prototype.startsWith);
export const StringPrototypeReplace = uncurryThis(String.prototype.replace);
export const StringPrototypeEndsWith = uncurryThis(String.prototype.endsWith);
export const StringPrototypeToLowerCase = uncurryThis(String.prototype.toLowerCase);
export const RegExpPrototypeExec = uncurryThis(RegExp.prototype.exec);
// A regular expression's pattern and flags, read from its internal slots: the generic
// `flags` getter reads properties that a code block may have redefined on RegExp.prototype.
const regExpGetter = (name) => uncurryThis(Object.getOwnPropertyDescriptor(RegExp.prototype, name).get);
export const RegExpPrototypeGetSource = regExpGetter('source');
export const RegExpPrototypeFlagGetters = Object.freeze(
  ['hasIndices', 'global', 'ignoreCase', 'multiline', 'dotAll', 'unicode', 'unicodeSets', 'sticky']
    .filter((name) => Object.getOwnPropertyDescriptor(RegExp.prototype, name) !== undefined).map(regExpGetter));
export const String_ = String;
export const NumberIsFinite = Number.isFinite;
export const NumberIsInteger = Number.isInteger;
export const NumberParseInt = Number.parseInt;
export const MathMax = Math.max;
export const MathMin = Math.min;

export const JSONStringify = JSON.stringify;
export const JSONParse = JSON.parse;

export const FunctionPrototypeToString = uncurryThis(Function.prototype.toString);

export const Promise_ = Promise;
export const PromiseResolve = Promise.resolve.bind(Promise);
export const PromisePrototypeThen = uncurryThis(Promise.prototype.then);

export const SafeMap = Map;
export const SafeSet = Set;
export const MapPrototypeGet = uncurryThis(Map.prototype.get);
export const MapPrototypeSet = uncurryThis(Map.prototype.set);
export const MapPrototypeHas = uncurryThis(Map.prototype.has);
export const MapPrototypeDelete = uncurryThis(Map.prototype.delete);
export const MapPrototypeClear = uncurryThis(Map.prototype.clear);
export const MapPrototypeForEach = uncurryThis(Map.prototype.forEach);
export const MapPrototypeGetSize = uncurryThis(Object.getOwnPropertyDescriptor(Map.prototype, 'size').get);
export const SetPrototypeAdd = uncurryThis(Set.prototype.add);
export const SetPrototypeHas = uncurryThis(Set.prototype.has);
export const SetPrototypeClear = uncurryThis(Set.prototype.clear);
export const SetPrototypeGetSize = uncurryThis(Object.getOwnPropertyDescriptor(Set.prototype, 'size').get);
export const SetPrototypeForEach = uncurryThis(Set.prototype.forEach);
export const WeakMap_ = WeakMap;
export const WeakMapPrototypeGet = uncurryThis(WeakMap.prototype.get);
export const WeakMapPrototypeSet = uncurryThis(WeakMap.prototype.set);

export const ErrorCaptureStackTrace = Error.captureStackTrace;
export const Error_ = Error;
export const RangeError_ = RangeError;
export const TypeError_ = TypeError;
export const URIError_ = URIError;
export const RegExp_ = RegExp;
export const ErrorPrototypeToString = uncurryThis(Error.prototype.toString);
export const SymbolPrototypeToString = uncurryThis(Symbol.prototype.toString);
export const Symbol_ = Symbol;
export const SymbolToPrimitive = Symbol.toPrimitive;
export const SymbolToStringTag = Symbol.toStringTag;
export const FinalizationRegistry_ = FinalizationRegistry;
export const Proxy_ = Proxy;
export const Int32Array_ = Int32Array;
export const SharedArrayBuffer_ = SharedArrayBuffer;
export const AtomicsWaitAsync = Atomics.waitAsync;
export const AtomicsNotify = Atomics.notify;
export const DateNow = Date.now;
export const Uint8Array_ = Uint8Array;

// The frozen realm (harden.js, per_execution.js).
export const ObjectIsFrozen = Object.isFrozen;
export const ObjectPreventExtensions = Object.preventExtensions;
export const SafeWeakSet = WeakSet;
export const WeakSetPrototypeAdd = uncurryThis(WeakSet.prototype.add);
export const WeakSetPrototypeHas = uncurryThis(WeakSet.prototype.has);
export const WeakMapPrototypeHas = uncurryThis(WeakMap.prototype.has);
export const SymbolIterator = Symbol.iterator;
export const SymbolAsyncIterator = Symbol.asyncIterator;
export const DatePrototypeGetTime = uncurryThis(Date.prototype.getTime);
export const DatePrototypeSetTime = uncurryThis(Date.prototype.setTime);
export const ArrayBufferPrototypeGetByteLength =
  uncurryThis(Object.getOwnPropertyDescriptor(ArrayBuffer.prototype, 'byteLength').get);
const TypedArrayPrototype = Reflect.getPrototypeOf(Uint8Array.prototype);
export const TypedArrayPrototypeGetBuffer = uncurryThis(Object.getOwnPropertyDescriptor(TypedArrayPrototype, 'buffer').get);
export const TypedArrayPrototypeGetByteLength =
  uncurryThis(Object.getOwnPropertyDescriptor(TypedArrayPrototype, 'byteLength').get);
export const TypedArrayPrototypeGetByteOffset =
  uncurryThis(Object.getOwnPropertyDescriptor(TypedArrayPrototype, 'byteOffset').get);
export const DataViewPrototypeGetBuffer = uncurryThis(Object.getOwnPropertyDescriptor(DataView.prototype, 'buffer').get);
export const SharedArrayBufferPrototypeGetByteLength =
  uncurryThis(Object.getOwnPropertyDescriptor(SharedArrayBuffer.prototype, 'byteLength').get);
export const IntlDateTimeFormat = Intl.DateTimeFormat;
// V8's own encoders (ES2026 Uint8Array base64/hex): flat strings, where concatenation
// builds one cons cell per piece (its heap cost: docs/performance.md).
export const Uint8ArrayPrototypeToHex = uncurryThis(Uint8Array.prototype.toHex);
export const Uint8ArrayPrototypeToBase64 = uncurryThis(Uint8Array.prototype.toBase64);

// primA: blob.js, encoding.js, event_target.js, console.js.
export const ArrayBuffer_ = ArrayBuffer;
export const ArrayBufferIsView = ArrayBuffer.isView;
export const Int8Array_ = Int8Array;
export const Uint16Array_ = Uint16Array;
export const MathCeil = Math.ceil;
export const MathFloor = Math.floor;
export const MathRound = Math.round;
export const Number_ = Number;
export const NumberIsNaN = Number.isNaN;
export const NumberMAX_SAFE_INTEGER = Number.MAX_SAFE_INTEGER;
export const NumberMIN_SAFE_INTEGER = Number.MIN_SAFE_INTEGER;
export const ObjectDefineProperties = Object.defineProperties;
export const ObjectPrototype = Object.prototype;
export const ObjectSetPrototypeOf = Object.setPrototypeOf;
export const PromiseReject = Promise.reject.bind(Promise);
export const StringFromCharCode = String.fromCharCode;
export const SymbolFor = Symbol.for;

// primB: what harden, inspect, memory, modules, random, structured_clone, timers and execution use.
export const SetPrototypeDelete = uncurryThis(Set.prototype.delete);
export const Uint32Array_ = Uint32Array;
export const TypedArrayPrototypeGetSymbolToStringTag =
  uncurryThis(Object.getOwnPropertyDescriptor(TypedArrayPrototype, Symbol.toStringTag).get);
export const ArrayPrototypeSort = uncurryThis(Array.prototype.sort);
export const Array_ = Array;
export const Object_ = Object;
export const Date_ = Date;
export const DataView_ = DataView;
// The constructors of values handed to user code (structuredClone's Map and Set), not helpers.
export const Map_ = Map;
export const Set_ = Set;
export const EvalError_ = EvalError;
export const ReferenceError_ = ReferenceError;
export const SyntaxError_ = SyntaxError;
export const AggregateError_ = AggregateError;
export const ArrayPrototypeIndexOf = uncurryThis(Array.prototype.indexOf);
export const ArrayPrototypeSplice = uncurryThis(Array.prototype.splice);
export const Uint8ClampedArray_ = Uint8ClampedArray;
export const Int16Array_ = Int16Array;
export const Float16Array_ = Float16Array;
export const Float32Array_ = Float32Array;
export const Float64Array_ = Float64Array;
export const BigInt64Array_ = BigInt64Array;
export const BigUint64Array_ = BigUint64Array;
export const ObjectGetPrototypeOf = Object.getPrototypeOf;
export const FunctionPrototype = Function.prototype;
export const NumberParseFloat = Number.parseFloat;
export const MathTrunc = Math.trunc;
export const ObjectPrototypePropertyIsEnumerable = uncurryThis(Object.prototype.propertyIsEnumerable);
export const WeakSet_ = WeakSet;
export const IteratorFrom = Iterator.from;
export const IntlSegmenter = Intl.Segmenter;
