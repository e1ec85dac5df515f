'use strict';
// Isolation between executions on one runtime (DESIGN.md section 5).
// At bootstrap we record the shape of every shared object reachable from the
// global object (own property descriptors, prototype, extensibility). After each
// execution `restore()` puts back what the execution changed. What cannot be put
// back (a frozen built-in, a non-configurable property added to the global)
// makes the runtime dirty, and the host retires it.
//
// Speed: comparing every descriptor of ~1,000 objects costs ~2.5 ms. Property
// attributes can only change through a few functions (defineProperty and friends,
// freeze/seal, __defineGetter__, captureStackTrace), which are wrapped to mark
// their target; an unmarked object only needs its key list, prototype,
// extensibility and data values compared, which allocates one array per object.
import {
  ObjectGetOwnPropertyDescriptor, ObjectIs, ObjectIsExtensible, ReflectDefineProperty,
  ReflectDeleteProperty, ReflectGetPrototypeOf, ReflectOwnKeys, ReflectSetPrototypeOf,
  SafeMap, SafeSet, MapPrototypeGet, MapPrototypeHas, MapPrototypeSet, SetPrototypeAdd,
  SetPrototypeClear, SetPrototypeHas, ObjectDefineProperty, ReflectApply,
} from './primordials.js';

const MAX_OBJECTS = 20000;
const records = [];
const tracked = new SafeSet();
const marked = new SafeSet(); // tracked objects whose attributes may have changed

// Intrinsics that are not reachable as properties from the global object.
function hiddenIntrinsics() {
  const list = [];
  const add = (v) => { if (v) list[list.length] = v; };
  add(ReflectGetPrototypeOf(async function () {}));
  add(ReflectGetPrototypeOf(function* () {}));
  add(ReflectGetPrototypeOf(async function* () {}));
  add(ReflectGetPrototypeOf(ReflectGetPrototypeOf(function* () {}.prototype)));
  add(ReflectGetPrototypeOf(ReflectGetPrototypeOf(async function* () {}.prototype)));
  add(ReflectGetPrototypeOf([][Symbol.iterator]()));
  add(ReflectGetPrototypeOf(new Map()[Symbol.iterator]()));
  add(ReflectGetPrototypeOf(new Set()[Symbol.iterator]()));
  add(ReflectGetPrototypeOf(''[Symbol.iterator]()));
  add(ReflectGetPrototypeOf('a'.matchAll(/a/g)));
  add(ReflectGetPrototypeOf(Uint8Array));
  return list;
}

function snapshotObject(obj) {
  const keys = ReflectOwnKeys(obj);
  const descriptors = new SafeMap();
  const dataKeys = [];
  const dataValues = [];
  for (let i = 0; i < keys.length; i++) {
    const d = ObjectGetOwnPropertyDescriptor(obj, keys[i]);
    MapPrototypeSet(descriptors, keys[i], d);
    if ('value' in d) {
      dataKeys[dataKeys.length] = keys[i];
      dataValues[dataValues.length] = d.value;
    }
  }
  return {
    obj, keys, descriptors, dataKeys, dataValues, proto: ReflectGetPrototypeOf(obj),
    extensible: ObjectIsExtensible(obj),
  };
}

// Called by the wrapped attribute-changing functions before they act.
function markChanged(target) {
  if (target !== null && (typeof target === 'object' || typeof target === 'function') &&
      SetPrototypeHas(tracked, target)) {
    SetPrototypeAdd(marked, target);
  }
}

function sameKeys(now, before) {
  if (now.length !== before.length) return false;
  for (let i = 0; i < now.length; i++) if (now[i] !== before[i]) return false;
  return true;
}

// The common case: same keys, same attributes (unmarked), maybe other values.
// Returns the number of repairs, or -1 when the full comparison is needed.
function quickRestore(record) {
  const { obj, dataKeys, dataValues, descriptors } = record;
  if (!sameKeys(ReflectOwnKeys(obj), record.keys)) return -1;
  let repairs = 0;
  for (let i = 0; i < dataKeys.length; i++) {
    // Still a data property (only the marked functions could make it an accessor),
    // so this read runs no user code.
    if (ObjectIs(obj[dataKeys[i]], dataValues[i])) continue;
    if (!ReflectDefineProperty(obj, dataKeys[i], MapPrototypeGet(descriptors, dataKeys[i]))) return -1;
    repairs++;
  }
  return repairs;
}

function isObjectLike(v) {
  return v !== null && (typeof v === 'object' || typeof v === 'function');
}

// Walks own property values (never invoking getters) and prototypes from the roots.
function track(roots) {
  const queue = [];
  for (let i = 0; i < roots.length; i++) queue[queue.length] = roots[i];
  for (let head = 0; head < queue.length && tracked.size < MAX_OBJECTS; head++) {
    const obj = queue[head];
    if (!isObjectLike(obj) || SetPrototypeHas(tracked, obj)) continue;
    SetPrototypeAdd(tracked, obj);
    const record = snapshotObject(obj);
    records[records.length] = record;
    queue[queue.length] = record.proto;
    const { keys, descriptors } = record;
    for (let i = 0; i < keys.length; i++) {
      const d = MapPrototypeGet(descriptors, keys[i]);
      if ('value' in d) { if (isObjectLike(d.value)) queue[queue.length] = d.value; } else {
        if (d.get) queue[queue.length] = d.get;
        if (d.set) queue[queue.length] = d.set;
      }
    }
  }
}

function sameDescriptor(a, b) {
  return ObjectIs(a.value, b.value) && a.get === b.get && a.set === b.set &&
    a.writable === b.writable && a.enumerable === b.enumerable && a.configurable === b.configurable;
}

// Returns the number of repairs made, or throws a string naming what could not be
// repaired.
function restore() {
  let repairs = 0;
  const problems = [];
  for (let r = 0; r < records.length; r++) {
    const record = records[r];
    const { obj, keys, descriptors, proto, extensible } = record;
    if (ReflectGetPrototypeOf(obj) !== proto) {
      repairs++;
      if (!ReflectSetPrototypeOf(obj, proto)) problems[problems.length] = 'prototype';
    }
    if (extensible && !ObjectIsExtensible(obj)) {
      problems[problems.length] = 'made non-extensible';
      continue;
    }
    if (!SetPrototypeHas(marked, obj)) {
      const quick = quickRestore(record);
      if (quick >= 0) {
        repairs += quick;
        continue;
      }
    }
    const current = ReflectOwnKeys(obj);
    for (let i = 0; i < current.length; i++) {
      const key = current[i];
      if (MapPrototypeHas(descriptors, key)) continue;
      repairs++;
      if (!ReflectDeleteProperty(obj, key)) problems[problems.length] = `added ${String(key)}`;
    }
    for (let i = 0; i < keys.length; i++) {
      const key = keys[i];
      const original = MapPrototypeGet(descriptors, key);
      const now = ObjectGetOwnPropertyDescriptor(obj, key);
      if (now !== undefined && sameDescriptor(now, original)) continue;
      repairs++;
      if (!ReflectDefineProperty(obj, key, original)) problems[problems.length] = `changed ${String(key)}`;
    }
  }
  SetPrototypeClear(marked);
  if (problems.length) throw `${problems.length} shared object change(s) cannot be undone: ${problems[0]}`;
  return repairs;
}

function trackedCount() {
  let properties = 0;
  for (let r = 0; r < records.length; r++) properties += records[r].keys.length;
  return { objects: records.length, properties };
}

// Wraps every function that can change property attributes, prototypes aside
// (those are compared directly), so the objects they touch get the full check.
function installChangeTracking(global) {
  const wrap = (holder, name, targetIndex) => {
    const original = holder[name];
    if (typeof original !== 'function') return;
    const wrapped = {
      [name](...args) {
        markChanged(args[targetIndex]);
        return ReflectApply(original, this, args);
      },
    }[name];
    ObjectDefineProperty(wrapped, 'length', { value: original.length });
    ObjectDefineProperty(holder, name, { value: wrapped, writable: true, enumerable: false, configurable: true });
  };
  for (const name of ['defineProperty', 'defineProperties', 'freeze', 'seal']) wrap(global.Object, name, 0);
  wrap(global.Reflect, 'defineProperty', 0);
  wrap(global.Error, 'captureStackTrace', 0);
  // __defineGetter__/__defineSetter__ act on `this`.
  for (const name of ['__defineGetter__', '__defineSetter__']) {
    const original = global.Object.prototype[name];
    if (typeof original !== 'function') continue;
    const wrapped = {
      [name](...args) {
        markChanged(this);
        return ReflectApply(original, this, args);
      },
    }[name];
    ObjectDefineProperty(global.Object.prototype, name, {
      value: wrapped, writable: true, enumerable: false, configurable: true,
    });
  }
}

export { track, restore, hiddenIntrinsics, trackedCount, installChangeTracking };
