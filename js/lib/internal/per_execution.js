'use strict';
// Per-execution state: what Node programs legitimately change on objects that every
// execution on a runtime shares. The shared realm is frozen (harden.js); this is the
// list of what is not, and how each entry is made to start afresh for every
// execution. resetSharedState() runs after every execution (execution.js).
//
//   entry                                    handling
//   ---------------------------------------  -----------------------------------------------
//   Error.stackTraceLimit                    writable slot on the frozen Error (V8 reads it
//   Error.prepareStackTrace                  as a data property); back to 10 / undefined
//   Buffer.poolSize                          writable slot, back to 65536
//   process.exitCode                         writable slot, back to undefined
//   process.env                              writable slot, a fresh {} for every execution
//   console.log, .info, ... (every method)   writable slots, back to the originals
//   globalThis's own properties              compared with the baseline taken after
//                                            bootstrap and after each module install:
//                                            added ones deleted, changed ones put back;
//                                            what cannot be put back retires the runtime
//   Promise.prototype.then                   left writable (harden.js says why); any
//                                            change retires the runtime
//   RegExp legacy statics ($1-$9, input...)  cleared by a match of '' (they hold the last
//                                            match: the execution's data)
//   Map/Set entries, Date times, ArrayBuffer harden.js records those reachable from the
//   bytes reachable from shared objects      shared realm; compared and put back
//   RegExp patterns and flags (compile)      recorded the same way; a change retires
//   closure state of shared modules          a restorer per module (shared_modules.js;
//                                            state 'restored' in js/modules.manifest.mjs):
//                                            events' defaultMaxListeners, date-fns's
//                                            setDefaultOptions, lodash's _.uniqueId
//                                            counter (replaced by a per-execution one)
//   axios, dayjs with its plugins and        a fresh instance per execution (modules.js;
//   locales, uuid, fast-xml-parser,          state 'per-execution' in the manifest): their
//   decimal.js                               state (axios.defaults, interceptors,
//                                            dayjs.locale/extend, uuid's v1/v7 clock,
//                                            Decimal.set) is the execution's own
//   require, module, exports, __flowEsm      fresh per execution (modules.js, execution.js)
//   object URLs (URL.createObjectURL,        the registry (internal/object_urls.js) is
//   buffer.resolveObjectURL)                 emptied by a restorer after every execution
//   timers, host calls, Atomics waits,       execution.js: cancelled or dropped when the
//   finalizers, console buffer, ArrayBuffer  execution settles, and again at the reset
//   budget, random seed

import { plain } from './errors.js';
import { checkFrozen, checkInternalState, keepWritable, shapeChange, shapeOf } from './harden.js';
import {
  ObjectDefineProperty, ObjectGetOwnPropertyDescriptor, ObjectIs, ObjectIsExtensible, ReflectDefineProperty,
  ReflectDeleteProperty, ReflectGetPrototypeOf, ReflectOwnKeys, ReflectSetPrototypeOf, RegExpPrototypeExec, SafeSet,
  SetPrototypeAdd, SetPrototypeHas, String_, TypeError_,
} from './primordials.js';

const { ERR_SHARED_STATE_NOT_RESTORED } = plain;

const EMPTY_PATTERN = /(?:)/;
const slots = []; // { obj, key, initial, fresh }: fresh() gives a new initial value
const restorers = [];
const checkedShapes = [];
let frozenRoots = [];
// How many of frozenRoots were found frozen (or non-extensible slot holders) by a reset:
// neither can be undone (ECMA-262: [[PreventExtensions]] is one-way, and a frozen
// object's properties stay non-configurable), so a root checked once stays good and
// each reset checks only the roots that joined since (the bootstrap's, a module
// install's). Checking all ~200 again after every execution cost ~10-30 us of its ~60.
let frozenChecked = 0;
let globalBaseline = null;

// Declares `obj[key]` per-execution state: it stays writable when `obj` is hardened and
// is set back to its value now (or to `fresh()`) after every execution.
function declareSlot(obj, key, fresh) {
  keepWritable(obj, key);
  slots[slots.length] = { obj, key, initial: obj[key], fresh };
}

// Adds a function that puts back state a shared module keeps in closures.
function addRestorer(restore) { restorers[restorers.length] = restore; }

// An object left unfrozen whose every change must retire the runtime.
function checkShape(obj) { checkedShapes[checkedShapes.length] = shapeOf(obj); }

// Records the global object's own properties as they must be at the start of every
// execution; also the objects checked to be frozen. After bootstrap.
function recordGlobals(global, roots) {
  const keys = ReflectOwnKeys(global);
  const descriptors = [];
  for (let i = 0; i < keys.length; i++) descriptors[i] = ObjectGetOwnPropertyDescriptor(global, keys[i]);
  globalBaseline = { global, keys, descriptors, proto: ReflectGetPrototypeOf(global) };
  const list = [];
  for (let i = 0; i < descriptors.length; i++) {
    if ('value' in descriptors[i]) list[list.length] = descriptors[i].value;
  }
  for (let i = 0; i < roots.length; i++) list[list.length] = roots[i];
  frozenRoots = list;
  frozenChecked = 0;
}

// After a module install (which may define globals: fetch, URL): the globals it added
// join the baseline. Nothing else may have changed (an install follows a reset); if
// something did, the runtime is not clean: throws.
function addGlobals(global, roots) {
  const before = globalBaseline;
  const known = new SafeSet();
  for (let i = 0; i < before.keys.length; i++) {
    SetPrototypeAdd(known, before.keys[i]);
    if (!sameDescriptor(ObjectGetOwnPropertyDescriptor(global, before.keys[i]), before.descriptors[i])) {
      throw new TypeError_(`global ${String_(before.keys[i])} changed during a module install`);
    }
  }
  const keys = ReflectOwnKeys(global);
  for (let i = 0; i < keys.length; i++) {
    if (SetPrototypeHas(known, keys[i])) continue;
    const desc = ObjectGetOwnPropertyDescriptor(global, keys[i]);
    before.keys[before.keys.length] = keys[i];
    before.descriptors[before.descriptors.length] = desc;
    if ('value' in desc) frozenRoots[frozenRoots.length] = desc.value;
  }
  for (let i = 0; i < roots.length; i++) frozenRoots[frozenRoots.length] = roots[i];
}

function sameDescriptor(a, b) {
  return a !== undefined && ObjectIs(a.value, b.value) && a.get === b.get && a.set === b.set &&
    a.writable === b.writable && a.enumerable === b.enumerable && a.configurable === b.configurable;
}

// Puts the global object's own properties back. Returns the number of repairs;
// throws ERR_SHARED_STATE_NOT_RESTORED when one cannot be undone.
function restoreGlobals() {
  const { global, keys, descriptors, proto } = globalBaseline;
  let repairs = 0;
  if (ReflectGetPrototypeOf(global) !== proto) {
    repairs++;
    if (!ReflectSetPrototypeOf(global, proto)) throw new ERR_SHARED_STATE_NOT_RESTORED('the global object\'s prototype cannot be put back');
  }
  if (!ObjectIsExtensible(global)) throw new ERR_SHARED_STATE_NOT_RESTORED('the global object was made non-extensible');
  const now = ReflectOwnKeys(global);
  if (now.length !== keys.length || !sameKeys(now, keys)) {
    const known = new SafeSet();
    for (let i = 0; i < keys.length; i++) SetPrototypeAdd(known, keys[i]);
    for (let i = 0; i < now.length; i++) {
      if (SetPrototypeHas(known, now[i])) continue;
      repairs++;
      if (!ReflectDeleteProperty(global, now[i])) throw new ERR_SHARED_STATE_NOT_RESTORED(`global ${String_(now[i])} cannot be deleted`);
    }
  }
  for (let i = 0; i < keys.length; i++) {
    if (sameDescriptor(ObjectGetOwnPropertyDescriptor(global, keys[i]), descriptors[i])) continue;
    repairs++;
    if (!ReflectDefineProperty(global, keys[i], descriptors[i])) throw new ERR_SHARED_STATE_NOT_RESTORED(`global ${String_(keys[i])} cannot be put back`);
  }
  return repairs;
}

function sameKeys(a, b) {
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

// Starts every slot afresh (also before the first execution: process.env).
function resetSlots() {
  let repairs = 0;
  for (let i = 0; i < slots.length; i++) {
    const { obj, key, initial, fresh } = slots[i];
    if (fresh !== undefined) {
      ObjectDefineProperty(obj, key, { value: fresh() });
    } else if (!ObjectIs(obj[key], initial)) {
      repairs++;
      ObjectDefineProperty(obj, key, { value: initial });
    }
  }
  return repairs;
}

// After every execution. Returns the number of repairs; throws ERR_SHARED_STATE_NOT_RESTORED
// naming what could not be repaired (the runtime is then retired).
function resetSharedState() {
  // The unfrozen shared object first: the restorers run module code, which must find
  // Promise.prototype.then as it was. A method the code replaced would run inside
  // the reset, where it could put the original back before a later check and queue work
  // that runs after the reset.
  for (let i = 0; i < checkedShapes.length; i++) {
    const change = shapeChange(checkedShapes[i]);
    if (change !== '') throw new ERR_SHARED_STATE_NOT_RESTORED(`a shared object was changed: ${change}`);
  }
  // Then the globals, which module code may also read.
  let repairs = restoreGlobals();
  repairs += resetSlots();
  for (let i = 0; i < restorers.length; i++) restorers[i]();
  repairs += checkInternalState();
  checkFrozen(frozenRoots, frozenChecked);
  frozenChecked = frozenRoots.length;
  RegExpPrototypeExec(EMPTY_PATTERN, '');
  return repairs;
}

export { declareSlot, addRestorer, checkShape, recordGlobals, addGlobals, resetSharedState, resetSlots };
