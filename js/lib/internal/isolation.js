'use strict';
// Isolation between executions on one runtime (DESIGN.md section 5).
// At bootstrap we record the shape of every shared object reachable from the
// global object (own property descriptors, prototype, extensibility). After each
// execution `restore()` puts back what the execution changed. What cannot be put
// back (a frozen built-in, a non-configurable property added to the global)
// makes the runtime dirty, and the host retires it.

import {
  ObjectGetOwnPropertyDescriptor, ObjectIs, ObjectIsExtensible, ReflectDefineProperty,
  ReflectDeleteProperty, ReflectGetPrototypeOf, ReflectOwnKeys, ReflectSetPrototypeOf,
  SafeMap, SafeSet, MapPrototypeGet, MapPrototypeHas, MapPrototypeSet, SetPrototypeAdd,
  SetPrototypeHas,
} from './primordials.js';

const MAX_OBJECTS = 20000;
const records = [];
const tracked = new SafeSet();

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
  for (let i = 0; i < keys.length; i++) {
    MapPrototypeSet(descriptors, keys[i], ObjectGetOwnPropertyDescriptor(obj, keys[i]));
  }
  return { obj, keys, descriptors, proto: ReflectGetPrototypeOf(obj), extensible: ObjectIsExtensible(obj) };
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
    const { obj, keys, descriptors, proto, extensible } = records[r];
    if (ReflectGetPrototypeOf(obj) !== proto) {
      repairs++;
      if (!ReflectSetPrototypeOf(obj, proto)) problems[problems.length] = 'prototype';
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
    if (extensible && !ObjectIsExtensible(obj)) problems[problems.length] = 'made non-extensible';
  }
  if (problems.length) throw `${problems.length} shared object change(s) cannot be undone: ${problems[0]}`;
  return repairs;
}

function trackedCount() {
  let properties = 0;
  for (let r = 0; r < records.length; r++) properties += records[r].keys.length;
  return { objects: records.length, properties };
}

export { track, restore, hiddenIntrinsics, trackedCount };
