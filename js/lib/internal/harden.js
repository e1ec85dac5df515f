'use strict';
// The frozen shared realm (DESIGN.md section 5). Everything a code block can reach
// that outlives its execution is frozen, so no execution can change what a later one
// sees: the model of Hardened JavaScript's lockdown()/harden() (the `ses` package)
// and of Node's --frozen-intrinsics. ses itself is not used (why: docs/performance.md,
// "the frozen realm").
//
// harden(root) freezes root and everything reachable from it through own properties
// (values, getters, setters) and prototypes. Around the freeze:
// - The override mistake. Assigning to a property that a frozen prototype holds as a
//   data property fails (`obj.toString = f` on a plain object). As ses does, such
//   properties become accessors whose setter defines the property on the object
//   assigned to: on the intrinsics, ses's "moderate" list plus every property of
//   Object.prototype; elsewhere, every writable property of every object used as a
//   prototype (a class's prototype, or the [[Prototype]] of another hardened object),
//   because ES5-style libraries keep defaults on their prototypes and assign them on
//   instances (events' `EventEmitter.prototype._events`).
// - Slots: data properties that Node programs legitimately write (Error.stackTraceLimit,
//   Buffer.poolSize, ...) stay writable, and non-configurable, on an otherwise frozen
//   object; per_execution.js puts them back after every execution.
// - State that freezing cannot protect: the entries of a Map or Set, a Date's time,
//   the bytes of an ArrayBuffer or typed array, a RegExp's pattern and flags (Annex B's
//   RegExp.prototype.compile replaces them before it fails on a frozen lastIndex).
//   harden() records what it meets; checkInternalState() compares and restores it after
//   every execution (a recompiled RegExp cannot be put back: it retires the runtime).
// - One intrinsic property is left writable, and checked after every execution instead (any
//   change retires the runtime): Promise.prototype.then, because programs assign `then` on
//   their own promises (axios's CancelToken does) and an accessor in its place slows
//   Promise.all (docs/performance.md). It is a slot (keepWritable) of a frozen Promise.prototype. RegExp.prototype was left unfrozen too, for V8's fast path
//   (frozen, `replace`, `split` and `match` with a regex run 9-33x slower), until an
//   attacker's pass showed why it cannot be: a code block replaced its `test` for a
//   moment, was handed a regex a shared module keeps in a closure (as `this`), put the
//   method back and gave that regex a `test` of its own, which then ran inside every
//   later tenant's lodash and util.inspect calls, reading their data.

import {
  ArrayBufferPrototypeGetByteLength, ArrayBuffer_, DataView_, Date_, DatePrototypeGetTime, DatePrototypeSetTime,
  IntlSegmenter, IteratorFrom, MapPrototypeClear, MapPrototypeForEach, MapPrototypeGet, MapPrototypeGetSize,
  MapPrototypeHas, MapPrototypeSet, Map_, ObjectDefineProperty, ObjectFreeze, ObjectGetOwnPropertyDescriptor, ObjectIs,
  ObjectIsExtensible, ObjectIsFrozen, ObjectPreventExtensions, ObjectPrototypeHasOwnProperty, ReflectGetPrototypeOf,
  ReflectOwnKeys, SafeMap, SafeWeakSet, SetPrototypeAdd, SetPrototypeClear, SetPrototypeForEach, SetPrototypeGetSize,
  SetPrototypeHas, Set_, SharedArrayBuffer_, String_, SymbolIterator, SymbolToStringTag, TypeError_,
  TypedArrayPrototypeGetBuffer, TypedArrayPrototypeGetByteLength, TypedArrayPrototypeGetByteOffset, Uint8Array_,
  WeakMapPrototypeHas, WeakMap_, WeakSetPrototypeAdd, WeakSetPrototypeHas, WeakSet_, DataViewPrototypeGetBuffer,
  SharedArrayBufferPrototypeGetByteLength, Error_, ObjectPrototypeToString, SafeSet, RegExp_, RegExpPrototypeFlagGetters,
  RegExpPrototypeGetSource,
} from './primordials.js';
import { plain } from './errors.js';

const { ERR_SHARED_STATE_NOT_RESTORED } = plain;

const hardened = new SafeWeakSet();
const slots = new SafeMap(); // object -> [keys that stay writable]
// What harden() met that freezing does not protect (see above).
const internalState = { maps: [], sets: [], dates: [], buffers: [], regexps: [] };
const internalSeen = new SafeWeakSet();

function isObjectLike(v) {
  return v !== null && (typeof v === 'object' || typeof v === 'function');
}

// Keeps `obj[key]` writable when obj is hardened (a slot of per_execution.js).
function keepWritable(obj, key) {
  const keys = MapPrototypeGet(slots, obj);
  if (keys === undefined) MapPrototypeSet(slots, obj, [key]);
  else keys[keys.length] = key;
}

function isSlot(obj, key) {
  const keys = MapPrototypeGet(slots, obj);
  if (keys === undefined) return false;
  for (let i = 0; i < keys.length; i++) if (keys[i] === key) return true;
  return false;
}

// -- the override mistake --------------------------------------------------------------

// Replaces data property `key` of `obj` by an accessor: reading gives the value;
// assigning on an object that inherits it defines an own property there, as it would
// before freezing; assigning on `obj` itself fails like a non-writable property.
function tameOverride(obj, key) {
  const desc = ObjectGetOwnPropertyDescriptor(obj, key);
  if (desc === undefined || !('value' in desc) || !desc.configurable || !desc.writable) return;
  const { value } = desc;
  const { get, set } = ObjectGetOwnPropertyDescriptor({
    get [key]() { return value; },
    set [key](newValue) {
      if (obj === this) {
        throw new TypeError_(`Cannot assign to read only property '${String_(key)}' of object`);
      }
      if (ObjectPrototypeHasOwnProperty(this, key)) {
        this[key] = newValue;
      } else {
        ObjectDefineProperty(this, key, { value: newValue, writable: true, enumerable: true, configurable: true });
      }
    },
  }, key);
  // As ses does: the value hangs on the getter, where harden() finds it.
  ObjectDefineProperty(get, 'originalValue', { value, writable: false, enumerable: false, configurable: false });
  ObjectDefineProperty(obj, key, { get, set, enumerable: desc.enumerable, configurable: true });
  // Made while harden() freezes what it collected: frozen here.
  ObjectFreeze(get);
  ObjectFreeze(set);
}

function tameAll(obj) {
  const keys = ReflectOwnKeys(obj);
  for (let i = 0; i < keys.length; i++) if (!isSlot(obj, keys[i])) tameOverride(obj, keys[i]);
}

// Intrinsics whose properties programs assign on their own objects: ses's "moderate"
// enablements (ses/src/enablements.js), with every property of Object.prototype
// (qs's allowPrototypes writes `toString`, `hasOwnProperty`... on plain objects).
// Array.prototype[Symbol.iterator] is left out: an accessor there takes spreading and
// for-of over arrays off V8's array iteration fast path (docs/performance.md).
function tameIntrinsicOverrides(intrinsics) {
  const { ObjectPrototype, FunctionPrototype, ErrorPrototype, IteratorPrototype, ArrayPrototype,
    TypedArray, TypedArrayPrototype, GeneratorPrototype, nativeErrorPrototypes } = intrinsics;
  tameAll(ObjectPrototype);
  for (const key of ['toString', 'constructor', 'bind']) tameOverride(FunctionPrototype, key);
  for (const key of ['name', 'constructor', 'message', 'toString']) tameOverride(ErrorPrototype, key);
  for (let i = 0; i < nativeErrorPrototypes.length; i++) {
    for (const key of ['name', 'constructor', 'message']) tameOverride(nativeErrorPrototypes[i], key);
  }
  for (const key of ['toString', 'constructor', SymbolToStringTag, SymbolIterator]) tameOverride(IteratorPrototype, key);
  for (const key of ['toString', 'push', 'concat']) tameOverride(ArrayPrototype, key);
  tameAll(TypedArrayPrototype);
  // Subclasses assign their own statics over these (Buffer.from).
  for (const key of ['from', 'of']) tameOverride(TypedArray, key);
  for (const key of ['constructor', 'name', 'toString']) tameOverride(GeneratorPrototype, key);
}

// -- internal state ---------------------------------------------------------------------

function tryCall(fn, self) {
  try { return { ok: true, value: fn(self) }; } catch { return { ok: false, value: undefined }; }
}

// Records the state of `obj` that freezing leaves mutable; returns true for a typed
// array or DataView (which Object.freeze refuses when it has elements).
function recordInternalState(obj) {
  if (typeof obj !== 'object' || WeakSetPrototypeHas(internalSeen, obj) || !mayHaveSlots(obj)) return false;
  WeakSetPrototypeAdd(internalSeen, obj);
  if (tryCall(MapPrototypeGetSize, obj).ok) {
    const items = [];
    MapPrototypeForEach(obj, (value, key) => { items[items.length] = key; items[items.length] = value; });
    internalState.maps[internalState.maps.length] = { obj, items };
    return false;
  }
  if (tryCall(SetPrototypeGetSize, obj).ok) {
    const items = [];
    SetPrototypeForEach(obj, (value) => { items[items.length] = value; });
    internalState.sets[internalState.sets.length] = { obj, items };
    return false;
  }
  const pattern = tryCall(regExpIdentity, obj);
  if (pattern.ok) {
    internalState.regexps[internalState.regexps.length] = { obj, pattern: pattern.value };
    return false;
  }
  const time = tryCall(DatePrototypeGetTime, obj);
  if (time.ok) {
    internalState.dates[internalState.dates.length] = { obj, time: time.value };
    return false;
  }
  for (const byteLength of [ArrayBufferPrototypeGetByteLength, SharedArrayBufferPrototypeGetByteLength]) {
    const length = tryCall(byteLength, obj);
    if (length.ok) {
      recordBytes(obj, 0, length.value);
      return false;
    }
  }
  const view = tryCall(TypedArrayPrototypeGetBuffer, obj);
  if (view.ok) {
    recordBytes(view.value, TypedArrayPrototypeGetByteOffset(obj), TypedArrayPrototypeGetByteLength(obj));
    return true;
  }
  const dataView = tryCall(DataViewPrototypeGetBuffer, obj);
  if (dataView.ok) {
    recordInternalState(dataView.value); // its bytes are its buffer's
    return false;
  }
  // A WeakMap's or WeakSet's entries can be neither listed nor compared: none may be
  // shared. Refused loudly, so that the bootstrap or the module's install fails in tests.
  if (tryCall((o) => WeakMapPrototypeHas(o, internalSeen), obj).ok ||
      tryCall((o) => WeakSetPrototypeHas(o, internalSeen), obj).ok) {
    throw new TypeError_('a WeakMap or WeakSet is reachable from the shared realm: its entries cannot be reset');
  }
  return false;
}

// A RegExp's flags and pattern, from its internal slots (throws for anything else).
function regExpIdentity(re) {
  let flags = '';
  for (let i = 0; i < RegExpPrototypeFlagGetters.length; i++) flags += RegExpPrototypeFlagGetters[i](re) ? '1' : '0';
  return `${flags}/${RegExpPrototypeGetSource(re)}`;
}

// The brand checks below throw for most objects, and a throw is slow (docs/performance.md):
// only objects that inherit from one of these prototypes, or say they are one, are checked.
const SLOT_PROTOTYPES = new SafeWeakSet();
const SLOT_TAGS = new SafeSet();
for (const C of [Map_, Set_, WeakMap_, WeakSet_, Date_, ArrayBuffer_, SharedArrayBuffer_, DataView_, Uint8Array_, RegExp_]) {
  WeakSetPrototypeAdd(SLOT_PROTOTYPES, C.prototype);
  SetPrototypeAdd(SLOT_TAGS, `[object ${C.name}]`);
}
WeakSetPrototypeAdd(SLOT_PROTOTYPES, ReflectGetPrototypeOf(Uint8Array_.prototype));
for (const name of ['Int8Array', 'Uint8ClampedArray', 'Int16Array', 'Uint16Array', 'Int32Array', 'Uint32Array',
  'Float16Array', 'Float32Array', 'Float64Array', 'BigInt64Array', 'BigUint64Array']) {
  SetPrototypeAdd(SLOT_TAGS, `[object ${name}]`);
}

function mayHaveSlots(obj) {
  if (SetPrototypeHas(SLOT_TAGS, ObjectPrototypeToString(obj))) return true;
  for (let p = ReflectGetPrototypeOf(obj); p !== null; p = ReflectGetPrototypeOf(p)) {
    if (WeakSetPrototypeHas(SLOT_PROTOTYPES, p)) return true;
  }
  return false;
}

function recordBytes(buffer, offset, length) {
  if (length === 0) return;
  const view = new Uint8Array_(buffer, offset, length);
  const copy = new Uint8Array_(length);
  for (let i = 0; i < length; i++) copy[i] = view[i];
  internalState.buffers[internalState.buffers.length] = { view, copy };
}

// Compares what recordInternalState() saw with the state now and puts it back.
// Returns the number of repairs, or throws ERR_SHARED_STATE_NOT_RESTORED when it cannot repair.
function checkInternalState() {
  let repairs = 0;
  const { maps, sets, dates, buffers, regexps } = internalState;
  for (let i = 0; i < regexps.length; i++) {
    if (regExpIdentity(regexps[i].obj) !== regexps[i].pattern) {
      throw new ERR_SHARED_STATE_NOT_RESTORED('a shared RegExp was recompiled (RegExp.prototype.compile)');
    }
  }
  for (let i = 0; i < maps.length; i++) {
    const { obj, items } = maps[i];
    if (mapUnchanged(obj, items)) continue;
    repairs++;
    MapPrototypeClear(obj);
    for (let j = 0; j < items.length; j += 2) MapPrototypeSet(obj, items[j], items[j + 1]);
  }
  for (let i = 0; i < sets.length; i++) {
    const { obj, items } = sets[i];
    if (setUnchanged(obj, items)) continue;
    repairs++;
    SetPrototypeClear(obj);
    for (let j = 0; j < items.length; j++) SetPrototypeAdd(obj, items[j]);
  }
  for (let i = 0; i < dates.length; i++) {
    const { obj, time } = dates[i];
    if (ObjectIs(DatePrototypeGetTime(obj), time)) continue;
    repairs++;
    DatePrototypeSetTime(obj, time);
  }
  for (let i = 0; i < buffers.length; i++) {
    const { view, copy } = buffers[i];
    if (TypedArrayPrototypeGetByteLength(view) !== copy.length) throw new ERR_SHARED_STATE_NOT_RESTORED('a shared ArrayBuffer was detached or resized');
    for (let j = 0; j < copy.length; j++) {
      if (view[j] !== copy[j]) {
        repairs++;
        for (let k = 0; k < copy.length; k++) view[k] = copy[k];
        break;
      }
    }
  }
  return repairs;
}

function mapUnchanged(obj, items) {
  if (MapPrototypeGetSize(obj) * 2 !== items.length) return false;
  for (let i = 0; i < items.length; i += 2) {
    if (!MapPrototypeHas(obj, items[i]) || !ObjectIs(MapPrototypeGet(obj, items[i]), items[i + 1])) return false;
  }
  return true;
}

function setUnchanged(obj, items) {
  if (SetPrototypeGetSize(obj) !== items.length) return false;
  for (let i = 0; i < items.length; i++) if (!SetPrototypeHas(obj, items[i])) return false;
  return true;
}

// -- harden -----------------------------------------------------------------------------

// Objects harden() must not freeze: the global object (its own properties are
// per-execution state, put back by per_execution.js; hardenMembers).
const unfrozen = new SafeWeakSet();


function freezeOne(obj) {
  const isView = recordInternalState(obj);
  const keep = MapPrototypeGet(slots, obj);
  if (keep === undefined && !isView) {
    ObjectFreeze(obj);
    return;
  }
  // A typed array's elements cannot be frozen (their bytes are checked instead), and
  // slots stay writable: every other property is made read-only one by one.
  const keys = ReflectOwnKeys(obj);
  for (let i = 0; i < keys.length; i++) {
    const key = keys[i];
    if (isView && typeof key === 'string' && isIndex(key)) continue;
    const desc = ObjectGetOwnPropertyDescriptor(obj, key);
    if (desc === undefined) continue;
    const change = { configurable: false };
    if ('value' in desc && !isSlot(obj, key)) change.writable = false;
    ObjectDefineProperty(obj, key, change);
  }
  ObjectPreventExtensions(obj);
}

function isIndex(key) {
  const n = +key;
  return n >= 0 && n === (n | 0) && String_(n) === key;
}

// Freezes `root` and everything reachable from it (see the top of this file). Objects
// already hardened are not walked again, so hardening a module after the realm costs
// only what the module adds. `tamePrototypes` false: the intrinsics, whose overrides
// are tamed by list (tameIntrinsicOverrides).
function harden(root, tamePrototypes = true) {
  if (!isObjectLike(root) || WeakSetPrototypeHas(hardened, root)) return root;
  // recordInternalState() tells a Map from a Set by which brand check throws: a throw
  // without a stack trace to capture is far cheaper (docs/performance.md).
  const stackTraceLimit = Error_.stackTraceLimit;
  Error_.stackTraceLimit = 0;
  try {
    walk(root, tamePrototypes);
  } finally {
    Error_.stackTraceLimit = stackTraceLimit;
  }
  return root;
}

function walk(root, tamePrototypes) {
  // Collect first: whether an object is used as a prototype is known only once
  // everything reachable has been seen, and taming must precede freezing.
  const queue = [root];
  const prototypes = new SafeWeakSet();
  const reached = [];
  const seen = new SafeWeakSet();
  for (let head = 0; head < queue.length; head++) {
    const obj = queue[head];
    if (!isObjectLike(obj) || WeakSetPrototypeHas(hardened, obj) || WeakSetPrototypeHas(seen, obj)) continue;
    WeakSetPrototypeAdd(seen, obj);
    reached[reached.length] = obj;
    const proto = ReflectGetPrototypeOf(obj);
    if (proto !== null) {
      WeakSetPrototypeAdd(prototypes, proto);
      queue[queue.length] = proto;
    }
    const keys = ReflectOwnKeys(obj);
    for (let i = 0; i < keys.length; i++) {
      const desc = ObjectGetOwnPropertyDescriptor(obj, keys[i]);
      if (desc === undefined) continue;
      if ('value' in desc) {
        queue[queue.length] = desc.value;
        if (keys[i] === 'prototype' && typeof obj === 'function' && isObjectLike(desc.value)) {
          WeakSetPrototypeAdd(prototypes, desc.value);
        }
      } else {
        queue[queue.length] = desc.get;
        queue[queue.length] = desc.set;
      }
    }
  }
  for (let i = 0; tamePrototypes && i < reached.length; i++) {
    if (WeakSetPrototypeHas(prototypes, reached[i]) && !WeakSetPrototypeHas(unfrozen, reached[i])) tameAll(reached[i]);
  }
  for (let i = 0; i < reached.length; i++) {
    const obj = reached[i];
    WeakSetPrototypeAdd(hardened, obj);
    if (!WeakSetPrototypeHas(unfrozen, obj)) freezeOne(obj);
  }
}

function isHardened(obj) { return WeakSetPrototypeHas(hardened, obj); }

// Hardens `obj`'s values, getters and setters and its prototype, but leaves `obj`
// itself as it is (the global object). Members added since an earlier call are
// hardened now.
function hardenMembers(obj, tamePrototypes = true) {
  WeakSetPrototypeAdd(unfrozen, obj);
  WeakSetPrototypeAdd(hardened, obj);
  // The global object's prototype is an object of its own in V8, before Object.prototype:
  // a property added there would read as a global in every later execution.
  harden(ReflectGetPrototypeOf(obj), tamePrototypes);
  const keys = ReflectOwnKeys(obj);
  for (let i = 0; i < keys.length; i++) {
    const desc = ObjectGetOwnPropertyDescriptor(obj, keys[i]);
    if (desc === undefined) continue;
    if ('value' in desc) harden(desc.value, tamePrototypes);
    else {
      harden(desc.get, tamePrototypes);
      harden(desc.set, tamePrototypes);
    }
  }
}

// Intrinsics that no property path from the global object reaches: the prototypes
// of generators, iterators and async functions, %TypedArray%, V8's CallSite (given
// to Error.prepareStackTrace), %ThrowTypeError%, the errors' `stack` accessors.
function hiddenIntrinsics() {
  const list = [];
  const add = (v) => { if (isObjectLike(v)) list[list.length] = v; };
  const proto = ReflectGetPrototypeOf;
  add(proto(async function () {}));
  add(proto(function* () {}));
  add(proto(async function* () {}));
  add(proto(proto(function* () {}.prototype)));
  add(proto(proto(async function* () {}.prototype)));
  add(proto(proto(proto(async function* () {}.prototype))));
  add(proto([][SymbolIterator]()));
  add(proto(new Map_()[SymbolIterator]()));
  add(proto(new Set_()[SymbolIterator]()));
  add(proto(''[SymbolIterator]()));
  add(proto('a'.matchAll(/a/g)));
  add(proto(Uint8Array_));
  try { add(proto([].values().map((x) => x))); } catch { /* no iterator helpers */ }
  try { add(proto(IteratorFrom({ next() { return { done: true }; } }))); } catch { /* no Iterator.from */ }
  try {
    const segments = new IntlSegmenter().segment('a');
    add(proto(segments));
    add(proto(segments[SymbolIterator]()));
  } catch { /* no Intl.Segmenter */ }
  add(ObjectGetOwnPropertyDescriptor(function () { 'use strict'; return arguments; }(), 'callee').get);
  const prepare = ObjectGetOwnPropertyDescriptor(Error_, 'prepareStackTrace');
  Error_.prepareStackTrace = (error, frames) => frames;
  const frames = new Error_().stack;
  if (prepare === undefined) delete Error_.prepareStackTrace;
  else ObjectDefineProperty(Error_, 'prepareStackTrace', prepare);
  if (frames && frames.length) add(proto(frames[0]));
  // The accessor pair V8 gives every error for `stack`: one getter and one setter, shared.
  const stack = ObjectGetOwnPropertyDescriptor(new Error_('e'), 'stack');
  if (stack !== undefined) { add(stack.get); add(stack.set); }
  return list;
}

// The intrinsics whose overrides tameIntrinsicOverrides() tames.
function overrideIntrinsics(global) {
  const proto = ReflectGetPrototypeOf;
  const nativeErrorPrototypes = [];
  for (const name of ['TypeError', 'SyntaxError', 'RangeError', 'URIError', 'EvalError', 'ReferenceError',
    'AggregateError', 'SuppressedError']) {
    if (typeof global[name] === 'function') nativeErrorPrototypes[nativeErrorPrototypes.length] = global[name].prototype;
  }
  return {
    ObjectPrototype: global.Object.prototype,
    FunctionPrototype: global.Function.prototype,
    ErrorPrototype: global.Error.prototype,
    nativeErrorPrototypes,
    IteratorPrototype: proto(proto([][SymbolIterator]())),
    ArrayPrototype: global.Array.prototype,
    TypedArray: proto(global.Uint8Array),
    TypedArrayPrototype: proto(global.Uint8Array.prototype),
    GeneratorPrototype: proto(function* () {}),
  };
}

// -- objects left unfrozen, checked -----------------------------------------------------

// The shape of an object left unfrozen (RegExp.prototype, Promise.prototype): every own property's
// descriptor, its prototype and extensibility.
function shapeOf(obj) {
  const keys = ReflectOwnKeys(obj);
  const descriptors = [];
  for (let i = 0; i < keys.length; i++) descriptors[i] = ObjectGetOwnPropertyDescriptor(obj, keys[i]);
  return { obj, keys, descriptors, proto: ReflectGetPrototypeOf(obj), extensible: ObjectIsExtensible(obj) };
}

function sameDescriptor(a, b) {
  return a !== undefined && ObjectIs(a.value, b.value) && a.get === b.get && a.set === b.set &&
    a.writable === b.writable && a.enumerable === b.enumerable && a.configurable === b.configurable;
}

// A string naming the first difference from `shape`, or '' when there is none.
function shapeChange(shape) {
  const { obj, keys, descriptors, proto, extensible } = shape;
  if (ReflectGetPrototypeOf(obj) !== proto) return 'its prototype was replaced';
  if (ObjectIsExtensible(obj) !== extensible) return 'it was made non-extensible';
  if (ReflectOwnKeys(obj).length !== keys.length) return 'a property was added or deleted';
  for (let i = 0; i < keys.length; i++) {
    if (!sameDescriptor(ObjectGetOwnPropertyDescriptor(obj, keys[i]), descriptors[i])) {
      return `property ${String_(keys[i])} was changed`;
    }
  }
  return '';
}

// Throws ERR_SHARED_STATE_NOT_RESTORED when one of `roots` is no longer frozen (a fault of the layer: a
// frozen object cannot be unfrozen, so this guards against an object that was never
// hardened being found among the roots).
// Throws unless every root from index `from` on is frozen (or deliberately left otherwise).
function checkFrozen(roots, from = 0) {
  for (let i = from; i < roots.length; i++) {
    const obj = roots[i];
    if (isObjectLike(obj) && !WeakSetPrototypeHas(unfrozen, obj) && !ObjectIsFrozen(obj) &&
        MapPrototypeGet(slots, obj) === undefined && ObjectIsExtensible(obj)) {
      throw new ERR_SHARED_STATE_NOT_RESTORED(`a shared object is not frozen: ${safeName(obj)}`);
    }
  }
}

function safeName(obj) {
  try {
    const d = ObjectGetOwnPropertyDescriptor(obj, 'name');
    return d !== undefined && typeof d.value === 'string' ? d.value : typeof obj;
  } catch { return typeof obj; }
}

function internalStateCounts() {
  const { maps, sets, dates, buffers, regexps } = internalState;
  return { maps: maps.length, sets: sets.length, dates: dates.length, buffers: buffers.length, regexps: regexps.length };
}

export {
  harden, hardenMembers, isHardened, hiddenIntrinsics, overrideIntrinsics, keepWritable, tameIntrinsicOverrides, checkInternalState,
  checkFrozen, shapeOf, shapeChange, internalStateCounts,
};
