'use strict';
// ArrayBuffer memory lives outside V8's heap, so the heap limit does not bound it.
// Every constructor that allocates a backing store (ArrayBuffer, SharedArrayBuffer,
// the typed arrays) is wrapped in a Proxy whose construct trap charges the bytes to
// the current execution's budget before they are allocated. Species lookups
// (slice, map, filter, ...) go through the same Proxy because each prototype's
// `constructor` points at it. Bytes are returned to the budget when the buffer is
// garbage collected.

import {
  ArrayBufferIsView, ArrayBufferPrototypeGetByteLength, ArrayBuffer_, Error_, FinalizationRegistry_, MapPrototypeGet,
  MapPrototypeSet, MathFloor, MathMin, Number_, ObjectDefineProperty, PromisePrototypeThen, PromiseReject, Proxy_,
  RangeError_, ReflectConstruct, ReflectApply, SafeMap, SharedArrayBufferPrototypeGetByteLength, SharedArrayBuffer_,
  String_, Symbol_, TypeError_, TypedArrayPrototypeGetBuffer, TypedArrayPrototypeGetByteLength, Uint8Array_, WeakMap_,
  WeakMapPrototypeGet, WeakMapPrototypeSet, ReflectGetPrototypeOf,
} from './primordials.js';

// The limit is the host's (Settings), set by installBufferAccounting and resetBufferBudget; none
// before that, so a charge then fails loudly instead of applying a copy of the default.
const budget = { limit: null, used: 0, generation: 0 };
const released = new FinalizationRegistry_((held) => {
  if (held.generation === budget.generation) budget.used -= held.bytes;
});

const kMemoryLimit = Symbol_('kMemoryLimit');
// proxy -> the constructor it wraps. The proxy traps construction only: its properties, prototype and
// extensibility are its target's: the isolation check reads the target directly
// (Object.keys through a proxy runs a descriptor lookup per key: docs/performance.md).
const proxyTargets = new SafeMap();

function accountingTarget(value) {
  return MapPrototypeGet(proxyTargets, value);
}

class ArrayBufferLimitError extends RangeError_ {
  constructor(requested) {
    super(`Array buffer memory limit exceeded: allocating ${requested} bytes would pass ` +
      `the limit of ${budget.limit} bytes per execution`);
    this[kMemoryLimit] = true;
  }
}
ObjectDefineProperty(ArrayBufferLimitError.prototype, 'name', { value: 'RangeError' });

// Not `used + bytes > limit`: a limit that is not a number (never set) must refuse, not allow.
function charge(bytes) {
  if (!(bytes > 0)) return;
  if (!(budget.used + bytes <= budget.limit)) throw overBudget(bytes);
  budget.used += bytes;
}

function overBudget(bytes) {
  if (typeof budget.limit !== 'number') {
    return new Error_(`ArrayBuffer memory charged before the host set its limit (got ${String_(budget.limit)})`);
  }
  return new ArrayBufferLimitError(bytes);
}

// Allocations this small are not charged nor tracked: V8 keeps a typed array of up to 64
// bytes in the heap (--typed-array-max-size-in-heap), and an ArrayBuffer's object on the
// heap is about as large as such a backing store, so the heap limit bounds them. Tracking
// them cost more than they hold: a FinalizationRegistry cell per allocation, kept until
// a cleanup task that never runs while one execution keeps the thread (a loop, a stream
// pipeline in microtasks), and reading `.buffer` moves the array off the heap. A CSV
// parse of 300,000 rows (a decoded string per field) ran out of a 64 MB heap on the cells.
const UNTRACKED_BYTES = 64;

function track(buffer, bytes) {
  if (bytes > 0) released.register(buffer, { bytes, generation: budget.generation });
}

function isBuffer(value) {
  if (value === null || typeof value !== 'object') return false;
  try { ArrayBufferPrototypeGetByteLength(value); return true; } catch { /* not one */ }
  try { SharedArrayBufferPrototypeGetByteLength(value); return true; } catch { return false; }
}

function requestedBufferBytes(args) {
  const max = args[1] !== null && typeof args[1] === 'object' ? args[1].maxByteLength : undefined;
  const n = max !== undefined ? +max : +args[0];
  return n > 0 ? n : 0;
}

function wrapBufferConstructor(Original) {
  const proxy = new Proxy_(Original, {
    construct(target, args, newTarget) {
      const bytes = requestedBufferBytes(args);
      if (bytes <= UNTRACKED_BYTES) return ReflectConstruct(target, args, newTarget === proxy ? target : newTarget);
      charge(bytes);
      let buffer;
      try {
        buffer = ReflectConstruct(target, args, newTarget === proxy ? target : newTarget);
      } catch (err) {
        budget.used -= bytes;
        throw err;
      }
      track(buffer, bytes);
      return buffer;
    },
  });
  ObjectDefineProperty(Original.prototype, 'constructor', {
    value: proxy, writable: true, enumerable: false, configurable: true,
  });
  MapPrototypeSet(proxyTargets, proxy, Original);
  return proxy;
}

function wrapTypedArray(Original) {
  const bytesPerElement = Original.BYTES_PER_ELEMENT;
  const proxy = new Proxy_(Original, {
    construct(target, args, newTarget) {
      const first = args[0];
      const realTarget = newTarget === proxy ? target : newTarget;
      if (isBuffer(first)) return ReflectConstruct(target, args, realTarget); // a view
      // A numeric length is charged before allocating; anything else (array-like,
      // iterable, typed array) is charged by the length of what was built.
      if (typeof first !== 'object' || first === null) {
        const bytes = (+first > 0 ? +first : 0) * bytesPerElement;
        if (bytes <= UNTRACKED_BYTES) return ReflectConstruct(target, args, realTarget);
        charge(bytes);
        let array;
        try {
          array = ReflectConstruct(target, args, realTarget);
        } catch (err) {
          budget.used -= bytes;
          throw err;
        }
        track(TypedArrayPrototypeGetBuffer(array), bytes);
        return array;
      }
      const array = ReflectConstruct(target, args, realTarget);
      const bytes = TypedArrayPrototypeGetByteLength(array);
      if (bytes <= UNTRACKED_BYTES) return array;
      charge(bytes);
      track(TypedArrayPrototypeGetBuffer(array), bytes);
      return array;
    },
  });
  ObjectDefineProperty(Original.prototype, 'constructor', {
    value: proxy, writable: true, enumerable: false, configurable: true,
  });
  MapPrototypeSet(proxyTargets, proxy, Original);
  return proxy;
}

// -- built-ins that allocate without a constructor ----------------------------------------
// Some built-ins make a typed array of their own, through the intrinsic constructor and
// not through `constructor` or species, so the proxies above never see them: ES2023's
// copying methods (toReversed, toSorted, with: a copy of `this`), Uint8Array.fromBase64
// and fromHex, and WebAssembly.Module.customSections (a copy of each section). Without
// a charge, a loop over one of them held gigabytes in one execution under a 128 MB budget.

// Replaces obj[name] by a function that charges `bound(self, args)` bytes (an upper
// bound of what the call allocates, 0 when unknown) before calling the original, then
// charges what it allocated, `buffersOf(result)`, instead. A call that allocates more
// than the budget allows fails after the fact, its result left for the collector.
function chargeAllocations(obj, name, bound, buffersOf) {
  const original = obj[name];
  if (typeof original !== 'function') return;
  const wrapper = {
    [name]() {
      const before = bound(this, arguments);
      charge(before);
      let result;
      try {
        result = ReflectApply(original, this, arguments);
      } finally {
        budget.used -= before;
      }
      const buffers = buffersOf(result);
      let bytes = 0;
      for (let i = 0; i < buffers.length; i++) bytes += ArrayBufferPrototypeGetByteLength(buffers[i]);
      charge(bytes);
      for (let i = 0; i < buffers.length; i++) track(buffers[i], ArrayBufferPrototypeGetByteLength(buffers[i]));
      return result;
    },
  }[name];
  ObjectDefineProperty(wrapper, 'length', { value: original.length });
  ObjectDefineProperty(obj, name, { value: wrapper, writable: true, enumerable: false, configurable: true });
}

const typedArrayBuffer = (array) => [TypedArrayPrototypeGetBuffer(array)];
function byteLengthOf(self) {
  try { return TypedArrayPrototypeGetByteLength(self); } catch { return 0; } // not a typed array: the original throws
}
const decodedBound = (perChar) => (self, args) => (typeof args[0] === 'string' ? MathFloor(args[0].length * perChar) + 3 : 0);

function chargeAllocatingBuiltins() {
  const TypedArrayPrototype = ReflectGetPrototypeOf(Uint8Array_.prototype);
  for (const name of ['toReversed', 'toSorted', 'with']) chargeAllocations(TypedArrayPrototype, name, byteLengthOf, typedArrayBuffer);
  chargeAllocations(Uint8Array_, 'fromBase64', decodedBound(3 / 4), typedArrayBuffer);
  chargeAllocations(Uint8Array_, 'fromHex', decodedBound(1 / 2), typedArrayBuffer);
}

const TYPED_ARRAYS = [
  'Int8Array', 'Uint8Array', 'Uint8ClampedArray', 'Int16Array', 'Uint16Array', 'Int32Array',
  'Uint32Array', 'Float16Array', 'Float32Array', 'Float64Array', 'BigInt64Array', 'BigUint64Array',
];

// -- WebAssembly memories -------------------------------------------------------------
// A wasm memory is an ArrayBuffer that wasm code can grow from inside (memory.grow),
// where no JS wrapper sees it. So each memory is charged at the size it may reach:
// its declared maximum, or without one the per-memory cap that V8 enforces
// (--wasm-max-mem-pages, WASM_MEMORY_LIMIT_MB, set by service.py). Memories a
// module defines are found by reading its memory section, and charged when it is
// instantiated.

const WASM_PAGE = 65536;
const modulePages = new WeakMap_(); // WebAssembly.Module -> pages its own memories may reach
// The host's cap (configureWasmAccounting, at bootstrap); none before that, as for the budget.
const wasmLimits = { capPages: null };

function configureWasmAccounting(maxMemoryBytes) {
  if (typeof maxMemoryBytes !== 'number' || !(maxMemoryBytes >= 0)) {
    throw new TypeError_(`the WebAssembly memory limit must be a number of bytes, got ${String_(maxMemoryBytes)}`);
  }
  wasmLimits.capPages = MathFloor(maxMemoryBytes / WASM_PAGE);
}

function capPages() {
  if (wasmLimits.capPages === null) throw new Error_('WebAssembly memory charged before the host set its limit');
  return wasmLimits.capPages;
}

// Charges `pages`, then runs make(); the charge is given back if make() throws.
function chargePages(pages, make) {
  const bytes = MathMin(pages, capPages()) * WASM_PAGE;
  charge(bytes);
  try {
    return make();
  } catch (err) {
    budget.used -= bytes;
    throw err;
  }
}

function descriptorPages(descriptor) {
  if (descriptor === null || typeof descriptor !== 'object') return 0; // V8 throws its TypeError
  const maximum = descriptor.maximum;
  if (maximum === undefined) return capPages();
  const n = Number_(maximum);
  return n >= 0 ? n : 0;
}

function readLeb(bytes, at) {
  let value = 0;
  let shift = 0;
  for (;;) {
    if (at.i >= bytes.length) throw new RangeError_('truncated');
    const b = bytes[at.i++];
    value += (b & 0x7f) * 2 ** shift;
    if ((b & 0x80) === 0) return value;
    shift += 7;
  }
}

// Pages the memories a module binary defines may reach (imported memories are
// charged where JS created them). Unreadable binaries are charged at the cap.
function definedMemoryPages(source) {
  let bytes;
  try {
    bytes = ArrayBufferIsView(source)
      ? new Uint8Array_(TypedArrayPrototypeGetBuffer(source), source.byteOffset, source.byteLength)
      : new Uint8Array_(source);
  } catch {
    return 0; // not bytes: V8 throws its own TypeError
  }
  try {
    const at = { i: 8 }; // magic and version
    let pages = 0;
    while (at.i < bytes.length) {
      const id = bytes[at.i++];
      const size = readLeb(bytes, at);
      const end = at.i + size;
      if (id === 5) {
        const count = readLeb(bytes, at);
        for (let m = 0; m < count; m++) {
          const flags = readLeb(bytes, at);
          readLeb(bytes, at); // minimum
          pages += (flags & 1) ? MathMin(readLeb(bytes, at), capPages()) : capPages();
        }
      }
      at.i = end;
    }
    return pages;
  } catch {
    return capPages();
  }
}

function wrapConstructor(Original, onConstruct) {
  const proxy = new Proxy_(Original, {
    construct(target, args, newTarget) {
      return onConstruct(args, () => ReflectConstruct(target, args, newTarget === proxy ? target : newTarget));
    },
  });
  ObjectDefineProperty(Original.prototype, 'constructor', {
    value: proxy, writable: true, enumerable: false, configurable: true,
  });
  MapPrototypeSet(proxyTargets, proxy, Original);
  return proxy;
}

function instancePages(module) {
  return (module !== null && typeof module === 'object' && WeakMapPrototypeGet(modulePages, module)) || 0;
}

function installWasmAccounting(global) {
  const wasm = global.WebAssembly;
  if (!wasm) return;
  const { Memory, Module, Instance, compile, instantiate } = wasm;
  const define = (name, value) => ObjectDefineProperty(wasm, name, {
    value, writable: true, enumerable: false, configurable: true,
  });
  chargeAllocations(Module, 'customSections', () => 0, (sections) => sections);
  define('Memory', wrapConstructor(Memory, (args, make) => chargePages(descriptorPages(args[0]), make)));
  define('Module', wrapConstructor(Module, (args, make) => {
    const module = make();
    WeakMapPrototypeSet(modulePages, module, definedMemoryPages(args[0]));
    return module;
  }));
  define('Instance', wrapConstructor(Instance, (args, make) => chargePages(instancePages(args[0]), make)));
  define('compile', {
    compile(source) {
      const pages = definedMemoryPages(source);
      return PromisePrototypeThen(ReflectApply(compile, wasm, arguments), (module) => {
        WeakMapPrototypeSet(modulePages, module, pages);
        return module;
      });
    },
  }.compile);
  define('instantiate', {
    instantiate(source) {
      const pages = source instanceof Module ? instancePages(source) : definedMemoryPages(source);
      return chargePages(pages, () => ReflectApply(instantiate, wasm, arguments));
    },
  }.instantiate);
  // The streaming forms take a Response, which code blocks compile from its bytes instead.
  for (const name of ['compileStreaming', 'instantiateStreaming']) {
    if (typeof wasm[name] === 'function') {
      define(name, {
        [name]() { return PromiseReject(new TypeError_(`WebAssembly.${name} is not available in code blocks`)); },
      }[name]);
    }
  }
}

// Replaces the global constructors with their accounting proxies, charging to the host's
// `limit` (bytes per execution) from now on.
function installBufferAccounting(global, limit) {
  if (typeof limit !== 'number' || !(limit >= 0)) {
    throw new TypeError_(`the ArrayBuffer limit must be a number of bytes, got ${String_(limit)}`);
  }
  resetBufferBudget(limit);
  installWasmAccounting(global);
  chargeAllocatingBuiltins();
  global.ArrayBuffer = wrapBufferConstructor(ArrayBuffer_);
  global.SharedArrayBuffer = wrapBufferConstructor(SharedArrayBuffer_);
  for (const name of TYPED_ARRAYS) {
    if (typeof global[name] === 'function') global[name] = wrapTypedArray(global[name]);
  }
  // transfer() allocates a new backing store of the requested length.
  for (const method of ['transfer', 'transferToFixedLength']) {
    const original = ArrayBuffer_.prototype[method];
    if (typeof original !== 'function') continue;
    ObjectDefineProperty(ArrayBuffer_.prototype, method, {
      value: {
        [method](newLength) {
          const bytes = newLength === undefined ? ArrayBufferPrototypeGetByteLength(this) : +newLength;
          charge(bytes);
          const result = ReflectApply(original, this, arguments);
          track(result, bytes);
          return result;
        },
      }[method],
      writable: true, enumerable: false, configurable: true,
    });
  }
}

function resetBufferBudget(limit) {
  budget.limit = limit;
  budget.used = 0;
  budget.generation++;
}

function isMemoryLimitError(err) {
  try { return err !== null && typeof err === 'object' && err[kMemoryLimit] === true; } catch { return false; }
}

export { configureWasmAccounting, installBufferAccounting, resetBufferBudget, isMemoryLimitError, accountingTarget, budget as bufferBudget, ArrayBufferLimitError };
