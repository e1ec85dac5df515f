'use strict';
// Isolation between executions on one runtime (DESIGN.md section 5).
//
// At bootstrap we record the shape of every shared object reachable from the
// global object: own property descriptors, prototype, extensibility. After each
// execution `restore()` puts back what the execution changed. What cannot be put
// back (a frozen built-in, a non-configurable property added to the global)
// makes the runtime dirty, and the host retires it.
//
// Speed. A full descriptor comparison of the ~1,000 objects costs ~2.5 ms, so the
// common case (nothing changed) takes a fast path (`unchanged()`):
// - Attributes, prototypes and extensibility can only change through a few
//   functions (defineProperty and friends, freeze/seal/preventExtensions,
//   setPrototypeOf, the __proto__ setter, __defineGetter__, captureStackTrace).
//   They are wrapped to mark their target; any mark sends restore() to the full
//   comparison.
// - Otherwise only values of data properties, key counts and accessor getters need
//   comparing. A key added by assignment is always an enumerable string or a symbol
//   (anything else needs a marked function), so the counts are Object.keys plus
//   Object.getOwnPropertySymbols, ~40% cheaper than Reflect.ownKeys, which also lists
//   the many non-enumerable built-in names. Deletions need no count: every recorded
//   key of a counted object is checked one by one: the value of a data property that
//   can be deleted or written (a deleted one reads through to the prototype chain,
//   and the few whose inherited value is the same are asked hasOwnProperty instead),
//   the getter of an accessor. Counting keys is still the expensive part, so
//   functions that are not constructors with a prototype of their own
//   (built-in methods, ~800, and plain library functions such as lodash's ~300) are
//   not key-counted, nor their empty prototypes tracked: a key added by assignment
//   to e.g. Array.prototype.map or _.map, or a deleted name/length of one, survives
//   the execution. Every other change is undone (bench/runtime_cost.py, bench/run.py).
// - Map and Set contents are internal slots, not properties: a shared Map or Set (a
//   library's registry, e.g. axios's interceptor entries) has its entries recorded
//   and compared too, and put back when they differ.
// - Objects are grouped by where they were first reached: the global object (the
//   core group, always checked) or one module's exports. A module's group is checked
//   only after executions that used the module (require, import, or another module
//   that holds its objects), because nothing else can reach it: what code blocks
//   store on shared objects is removed, so no path to a module's objects outlives the
//   execution that took it. Loaded modules would otherwise make every reset pay for
//   them (a runtime with lodash, dayjs, date-fns, xlsx and pinyin loaded checked
//   ~2.5x as much after `return 1`; bench/runtime_cost.py).

import {
  MapPrototypeGet, MapPrototypeHas, MapPrototypeSet, ObjectDefineProperty,
  ObjectGetOwnPropertyDescriptor, ObjectIs, ObjectIsExtensible, ReflectApply, ReflectConstruct, FunctionPrototypeBind,
  ReflectDefineProperty, ReflectDeleteProperty, ReflectGetPrototypeOf, ReflectOwnKeys,
  ReflectSetPrototypeOf, SafeMap, SafeSet, SetPrototypeAdd, SetPrototypeClear, SetPrototypeHas,
  ObjectPrototypeHasOwnProperty, SetPrototypeGetSize, MapPrototypeGetSize, MapPrototypeForEach,
  MapPrototypeClear, SetPrototypeForEach, ObjectKeys, ObjectGetOwnPropertySymbols,
} from './primordials.js';
import { accountingTarget } from './memory.js';

const MAX_OBJECTS = 20000;
const CORE = 0;
let records = [];
let tracked = new SafeMap(); // object -> the group that reached it first
const roots = []; // { value, group } in tracking order
const marked = new SafeSet(); // tracked objects whose attributes may have changed

// groups[0] is the core; each module gets one the first time it is tracked. `deps`:
// groups whose objects this group's objects reach (checked along with it).
const groups = [newGroup('')];
const groupIds = new SafeMap(); // module name -> group id
let used = []; // ids of the module groups used by the current execution
let useMark = 1; // a group was used in this execution when its `usedMark` equals this

// `restoreClosures`: puts back state the module keeps in closures (modules.js), or null.
function newGroup(name) {
  return { name, deps: [], usedMark: 0, checkedMark: 0, fast: newFastCheck(), restoreClosures: null };
}

function groupOf(name) {
  if (name === undefined) return CORE;
  let id = MapPrototypeGet(groupIds, name);
  if (id === undefined) {
    id = groups.length;
    groups[id] = newGroup(name);
    MapPrototypeSet(groupIds, name, id);
  }
  return id;
}

// Called by modules.js whenever code is handed a module's exports.
function useModule(name) {
  const id = MapPrototypeGet(groupIds, name);
  if (id === undefined) return;
  const group = groups[id];
  if (group.usedMark === useMark) return;
  group.usedMark = useMark;
  used[used.length] = id;
}

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

function isObjectLike(v) {
  return v !== null && (typeof v === 'object' || typeof v === 'function');
}

// A function's prototype that holds nothing but its constructor (every plain library
// function has one): not tracked, and the function is treated like a built-in
// method (no key count). Cuts the objects checked after each execution roughly in
// half once a library like lodash is loaded.
function isTrivialPrototype(fn) {
  const d = ObjectGetOwnPropertyDescriptor(fn, 'prototype');
  if (d === undefined || !('value' in d) || !isObjectLike(d.value)) return false;
  const keys = ReflectOwnKeys(d.value);
  return keys.length === 0 || (keys.length === 1 && keys[0] === 'constructor');
}

function snapshotObject(obj) {
  const keys = ReflectOwnKeys(obj);
  const descriptors = new SafeMap();
  for (let i = 0; i < keys.length; i++) {
    MapPrototypeSet(descriptors, keys[i], ObjectGetOwnPropertyDescriptor(obj, keys[i]));
  }
  return {
    obj, keys, descriptors, proto: ReflectGetPrototypeOf(obj), extensible: ObjectIsExtensible(obj),
    // A built-in method or plain function: not key-counted (see above).
    method: typeof obj === 'function' && (!ObjectPrototypeHasOwnProperty(obj, 'prototype') || isTrivialPrototype(obj)),
    contents: collectionContents(obj),
  };
}

// The entries of a Map ([key, value, key, value, ...]) or the values of a Set, with
// their kind; null for anything else (the size getters throw on other objects).
function collectionContents(obj) {
  if (typeof obj !== 'object') return null;
  try {
    MapPrototypeGetSize(obj);
    const items = [];
    MapPrototypeForEach(obj, (value, key) => { items[items.length] = key; items[items.length] = value; });
    return { map: true, items };
  } catch { /* not a Map */ }
  try {
    SetPrototypeGetSize(obj);
    const items = [];
    SetPrototypeForEach(obj, (value) => { items[items.length] = value; });
    return { map: false, items };
  } catch { /* not a Set */ }
  return null;
}

function contentsUnchanged(obj, contents) {
  const { map, items } = contents;
  if (map) {
    if (MapPrototypeGetSize(obj) * 2 !== items.length) return false;
    for (let i = 0; i < items.length; i += 2) {
      if (!MapPrototypeHas(obj, items[i]) || !ObjectIs(MapPrototypeGet(obj, items[i]), items[i + 1])) return false;
    }
    return true;
  }
  if (SetPrototypeGetSize(obj) !== items.length) return false;
  for (let i = 0; i < items.length; i++) if (!SetPrototypeHas(obj, items[i])) return false;
  return true;
}

function restoreContents(obj, contents) {
  const { map, items } = contents;
  if (map) {
    MapPrototypeClear(obj);
    for (let i = 0; i < items.length; i += 2) MapPrototypeSet(obj, items[i], items[i + 1]);
  } else {
    SetPrototypeClear(obj);
    for (let i = 0; i < items.length; i++) SetPrototypeAdd(obj, items[i]);
  }
}

// Walks own property values (never invoking getters) and prototypes from `from`,
// recording what it reaches first in the group of `moduleName` (the core without).
function track(from, moduleName, restoreClosures) {
  const group = groupOf(moduleName);
  if (restoreClosures) groups[group].restoreClosures = restoreClosures;
  const queue = [];
  for (let i = 0; i < from.length; i++) {
    queue[queue.length] = from[i];
    roots[roots.length] = { value: from[i], group };
  }
  for (let head = 0; head < queue.length && records.length < MAX_OBJECTS; head++) {
    const obj = queue[head];
    if (!isObjectLike(obj)) continue;
    const owner = MapPrototypeGet(tracked, obj);
    if (owner !== undefined) {
      if (owner !== group && owner !== CORE) addDep(group, owner);
      continue;
    }
    MapPrototypeSet(tracked, obj, group);
    const record = snapshotObject(obj);
    record.group = group;
    records[records.length] = record;
    queue[queue.length] = record.proto;
    if (record.contents !== null) {
      const items = record.contents.items;
      for (let i = 0; i < items.length; i++) queue[queue.length] = items[i];
    }
    for (let i = 0; i < record.keys.length; i++) {
      const d = MapPrototypeGet(record.descriptors, record.keys[i]);
      if (record.method && record.keys[i] === 'prototype') continue; // trivial: not tracked
      if ('value' in d) { if (isObjectLike(d.value)) queue[queue.length] = d.value; } else {
        if (d.get) queue[queue.length] = d.get;
        if (d.set) queue[queue.length] = d.set;
      }
    }
  }
}

function addDep(group, dep) {
  const deps = groups[group].deps;
  for (let i = 0; i < deps.length; i++) if (deps[i] === dep) return;
  deps[deps.length] = dep;
}

// -- the fast check -----------------------------------------------------------------

// Flat arrays per group, built once from the snapshot, so the check after each
// execution is a few tight loops: key counts of objects that are not methods (to
// see additions), then, key by key, data values (writable ones, and on counted
// objects the deletable ones too), hasOwnProperty where a deletion would read the
// same value through the prototype chain, and accessor getters. Attributes can only
// change through the marked functions.
function newFastCheck() {
  return { countObjects: [], counts: [], symbolCounts: [], valueObjects: [], valueKeys: [], values: [],
    ownObjects: [], ownKeys: [], accessorObjects: [], accessorKeys: [], getters: [], collections: [] };
}
let fastBuilt = 0; // records[0, fastBuilt) are in their group's arrays

// Whether deleting own data property `key` (holding `value`) from an object with
// prototype `proto` would leave `obj[key]` reading the same value (or running a getter).
function readsSameWhenDeleted(proto, key, value) {
  for (let p = proto; p !== null; p = ReflectGetPrototypeOf(p)) {
    const d = ObjectGetOwnPropertyDescriptor(p, key);
    if (d !== undefined) return !('value' in d) || ObjectIs(d.value, value);
  }
  return value === undefined;
}

function buildFastCheck() {
  for (let r = fastBuilt; r < records.length; r++) {
    const { keys, descriptors, method, group, contents, proto } = records[r];
    const obj = accountingTarget(records[r].obj) ?? records[r].obj; // see memory.js
    const fast = groups[group].fast;
    if (contents !== null) fast.collections[fast.collections.length] = records[r];
    let enumerableStrings = 0;
    let symbols = 0;
    for (let i = 0; i < keys.length; i++) {
      const key = keys[i];
      const d = MapPrototypeGet(descriptors, key);
      if (typeof key === 'symbol') symbols++;
      else if (d.enumerable) enumerableStrings++;
      if ('value' in d) {
        // Methods: writable values only (their deleted name/length is the documented gap).
        if (!d.writable && (method || !d.configurable)) continue;
        fast.valueObjects[fast.valueObjects.length] = obj;
        fast.valueKeys[fast.valueKeys.length] = key;
        fast.values[fast.values.length] = d.value;
        if (!method && d.configurable && readsSameWhenDeleted(proto, key, d.value)) {
          fast.ownObjects[fast.ownObjects.length] = obj;
          fast.ownKeys[fast.ownKeys.length] = key;
        }
      } else if (!method) {
        fast.accessorObjects[fast.accessorObjects.length] = obj;
        fast.accessorKeys[fast.accessorKeys.length] = key;
        fast.getters[fast.getters.length] = d.get;
      }
    }
    if (!method) {
      fast.countObjects[fast.countObjects.length] = obj;
      fast.counts[fast.counts.length] = enumerableStrings;
      fast.symbolCounts[fast.symbolCounts.length] = symbols;
    }
  }
  fastBuilt = records.length;
}

// The core, then every module group the execution used and the groups they reach.
function unchanged() {
  if (fastBuilt !== records.length) buildFastCheck();
  const checkMark = useMark;
  const pending = [CORE];
  for (let i = 0; i < used.length; i++) pending[pending.length] = used[i];
  while (pending.length > 0) {
    const group = groups[pending[pending.length - 1]];
    pending.length--;
    if (group.checkedMark === checkMark) continue;
    group.checkedMark = checkMark;
    if (!groupUnchanged(group.fast)) return false;
    for (let i = 0; i < group.deps.length; i++) pending[pending.length] = group.deps[i];
  }
  return true;
}

function groupUnchanged(fast) {
  const { countObjects, counts, symbolCounts, valueObjects, valueKeys, values, ownObjects, ownKeys,
    accessorObjects, accessorKeys, getters, collections } = fast;
  for (let i = 0; i < collections.length; i++) {
    if (!contentsUnchanged(collections[i].obj, collections[i].contents)) return false;
  }
  for (let i = 0; i < countObjects.length; i++) {
    if (ObjectKeys(countObjects[i]).length !== counts[i] ||
        ObjectGetOwnPropertySymbols(countObjects[i]).length !== symbolCounts[i]) return false;
  }
  for (let i = 0; i < ownObjects.length; i++) {
    if (!ObjectPrototypeHasOwnProperty(ownObjects[i], ownKeys[i])) return false;
  }
  for (let i = 0; i < valueObjects.length; i++) {
    // Own data properties, or deleted ones read through prototypes that hold no
    // accessor for the key (those were asked hasOwnProperty above; adding an accessor
    // needs a marked function), so this read runs no user code.
    if (!ObjectIs(valueObjects[i][valueKeys[i]], values[i])) return false;
  }
  for (let i = 0; i < accessorObjects.length; i++) {
    const d = ObjectGetOwnPropertyDescriptor(accessorObjects[i], accessorKeys[i]);
    if (d === undefined || d.get !== getters[i]) return false;
  }
  return true;
}

// -- restore ------------------------------------------------------------------------

function markChanged(target) {
  if (isObjectLike(target) && MapPrototypeHas(tracked, target)) SetPrototypeAdd(marked, target);
}

function sameDescriptor(a, b) {
  return ObjectIs(a.value, b.value) && a.get === b.get && a.set === b.set &&
    a.writable === b.writable && a.enumerable === b.enumerable && a.configurable === b.configurable;
}

// Full comparison of one record; repairs what differs. Returns the number of repairs.
function restoreRecord(record, problems) {
  const { obj, keys, descriptors, proto, extensible, contents } = record;
  let repairs = 0;
  if (contents !== null && !contentsUnchanged(obj, contents)) {
    repairs++;
    restoreContents(obj, contents);
  }
  if (ReflectGetPrototypeOf(obj) !== proto) {
    repairs++;
    if (!ReflectSetPrototypeOf(obj, proto)) problems[problems.length] = 'prototype';
  }
  if (extensible && !ObjectIsExtensible(obj)) {
    problems[problems.length] = 'made non-extensible';
    return repairs;
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
  return repairs;
}

// Returns the number of repairs made, or throws a string naming what could not be
// repaired.
function restore() {
  const problems = [];
  let repairs = 0;
  const clean = SetPrototypeGetSize(marked) === 0 && unchanged();
  const usedGroups = used;
  used = [];
  useMark++;
  if (!clean) {
    for (let r = 0; r < records.length; r++) repairs += restoreRecord(records[r], problems);
    SetPrototypeClear(marked);
    if (problems.length) throw `${problems.length} shared object change(s) cannot be undone: ${problems[0]}`;
  }
  // After the properties: the modules' own functions are back.
  for (let i = 0; i < usedGroups.length; i++) {
    const restoreClosures = groups[usedGroups[i]].restoreClosures;
    if (restoreClosures !== null) restoreClosures();
  }
  return repairs;
}

// Takes the snapshot again from every root. Only when the state is known clean:
// right after a module was initialised, outside any execution, so what its
// initialisation changed (a dayjs locale registering itself on dayjs) is kept.
function resnapshot() {
  records = [];
  tracked = new SafeMap();
  SetPrototypeClear(marked);
  fastBuilt = 0;
  for (let g = 0; g < groups.length; g++) {
    groups[g].fast = newFastCheck();
    groups[g].deps = [];
  }
  // The core first, so that whatever the global object reaches stays in the core.
  const from = roots.slice();
  roots.length = 0;
  for (let pass = 0; pass < 2; pass++) {
    for (let i = 0; i < from.length; i++) {
      const { value, group } = from[i];
      if ((group === CORE) === (pass === 0)) track([value], group === CORE ? undefined : groups[group].name);
    }
  }
}

function trackedCount() {
  let properties = 0;
  for (let r = 0; r < records.length; r++) properties += records[r].keys.length;
  return { objects: records.length, properties };
}

// Wraps every function that can change property attributes, prototypes or
// extensibility, so the objects they touch get the full check.
function installChangeTracking(global) {
  const wrapAt = (holder, name, targetOf) => {
    const original = holder[name];
    if (typeof original !== 'function') return;
    const wrapped = {
      [name](...args) {
        markChanged(targetOf(this, args));
        return ReflectApply(original, this, args);
      },
    }[name];
    ObjectDefineProperty(wrapped, 'length', { value: original.length });
    ObjectDefineProperty(holder, name, { value: wrapped, writable: true, enumerable: false, configurable: true });
  };
  const first = (self, args) => args[0];
  const self = (s) => s;
  for (const name of ['defineProperty', 'defineProperties', 'freeze', 'seal', 'preventExtensions', 'setPrototypeOf']) {
    wrapAt(global.Object, name, first);
  }
  for (const name of ['defineProperty', 'preventExtensions', 'setPrototypeOf']) wrapAt(global.Reflect, name, first);
  wrapAt(global.Error, 'captureStackTrace', first);
  wrapAt(global.Object.prototype, '__defineGetter__', self);
  wrapAt(global.Object.prototype, '__defineSetter__', self);
  installProxyTracking(global);
  const proto = ObjectGetOwnPropertyDescriptor(global.Object.prototype, '__proto__');
  if (proto && proto.set) {
    const originalSet = proto.set;
    ObjectDefineProperty(global.Object.prototype, '__proto__', {
      get: proto.get,
      set: ObjectGetOwnPropertyDescriptor({
        set __proto__(value) { markChanged(this); ReflectApply(originalSet, this, [value]); },
      }, '__proto__').set,
      enumerable: false, configurable: true,
    });
  }
}

// A Proxy forwards defineProperty, freeze, setPrototypeOf and the like to its target
// without passing through the wrapped functions above (they see the proxy, which is
// not tracked): `Object.setPrototypeOf(new Proxy(Array.prototype, {}), null)` once
// survived the reset. So creating a proxy of a tracked object marks that object,
// and the reset compares it in full. Proxy keeps its shape: a constructor without a
// prototype property (a bound function), `revocable`, Node's error without `new`.
function installProxyTracking(global) {
  const OriginalProxy = global.Proxy;
  const originalRevocable = OriginalProxy.revocable;
  function construct(target, handler) {
    if (new.target === undefined) throw new TypeError("Constructor Proxy requires 'new'");
    markChanged(target);
    return ReflectConstruct(OriginalProxy, [target, handler]);
  }
  const Proxy = FunctionPrototypeBind(construct, undefined);
  ObjectDefineProperty(Proxy, 'name', { value: 'Proxy' });
  const revocable = {
    revocable(target, handler) {
      markChanged(target);
      return ReflectApply(originalRevocable, OriginalProxy, [target, handler]);
    },
  }.revocable;
  ObjectDefineProperty(Proxy, 'revocable', { value: revocable, writable: true, enumerable: false, configurable: true });
  ObjectDefineProperty(global, 'Proxy', { value: Proxy, writable: true, enumerable: false, configurable: true });
}

export { track, restore, resnapshot, hiddenIntrinsics, trackedCount, installChangeTracking, useModule };
