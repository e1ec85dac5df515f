'use strict';
// require() for code blocks: a fixed registry of modules, loaded lazily on first
// use and cached per runtime. Modules that would reach the host (file system,
// processes, sockets) are refused with a SecurityError naming the module.
//
// Built-in modules register a loader at bootstrap. npm modules are installed by the
// host (defineModule) into a runtime before the first code block that names them
// runs there: require() is synchronous, so the host finds the names by parsing the
// code (analysis.py) and installs their bundles ahead of time.

import { SecurityError } from './errors.js';
import {
  ArrayPrototypeJoin, MapPrototypeGet, MapPrototypeHas, MapPrototypeSet, ObjectGetOwnPropertyDescriptor, ObjectKeys,
  ObjectPrototypeHasOwnProperty, ReflectApply, PromiseResolve, SafeMap, StringPrototypeSlice, StringPrototypeStartsWith,
  TypeError_,
} from './primordials.js';

const PromiseReject = Promise.reject.bind(Promise);

const FORBIDDEN = new Set([
  'fs', 'fs/promises', 'child_process', 'net', 'tls', 'http', 'https', 'http2', 'dgram', 'dns',
  'dns/promises', 'os', 'cluster', 'worker_threads', 'vm', 'v8', 'inspector', 'module',
  'repl', 'readline', 'perf_hooks', 'async_hooks', 'trace_events', 'wasi', 'tty',
  'diagnostics_channel', 'sqlite', 'test',
]);
const setHas = Set.prototype.has;

const loaders = new SafeMap(); // name -> () => exports
const internals = new SafeMap(); // 'internal:<name>' -> exports, for module bundles only
const cache = new SafeMap(); // name -> exports
let onFirstLoad = null; // (name, exports, restoreClosures) => void: lets isolation track module objects
let onUse = null; // (name) => void: tells isolation which modules an execution used
let known = { modules: [], aliases: {} }; // npm modules the host can install

// State some modules keep in closures, where the property snapshot of isolation.js
// cannot see it: each entry gives a function that puts it back, which isolation.js
// runs after every execution that used the module. Without this,
// `dayjs.locale('zh-cn')` in one execution changed the dates of the next, and
// `EventEmitter.defaultMaxListeners` (an accessor over a closure) stayed changed.
const closureState = new SafeMap([
  ['dayjs', (dayjs) => {
    const locale = dayjs.locale;
    const initial = ReflectApply(locale, dayjs, []);
    return () => { ReflectApply(locale, dayjs, [initial]); };
  }],
  ['events', (EventEmitter) => {
    const d = ObjectGetOwnPropertyDescriptor(EventEmitter, 'defaultMaxListeners');
    if (d === undefined || d.get === undefined || d.set === undefined) return () => {};
    const initial = ReflectApply(d.get, EventEmitter, []);
    return () => { ReflectApply(d.set, EventEmitter, [initial]); };
  }],
  ['date-fns', (dateFns) => {
    const get = dateFns.getDefaultOptions;
    const set = dateFns.setDefaultOptions;
    const initial = ReflectApply(get, dateFns, []);
    return () => {
      const now = ReflectApply(get, dateFns, []);
      const next = {};
      for (const key of ObjectKeys(now)) next[key] = undefined;
      for (const key of ObjectKeys(initial)) next[key] = initial[key];
      ReflectApply(set, dateFns, [next]);
    };
  }],
]);
function registerModule(name, loader) { MapPrototypeSet(loaders, name, loader); }

// Internal modules (the host channel, error brands) are visible to the module
// bundles the service installs, never to code blocks: bundles get this require.
function registerInternal(name, exports) { MapPrototypeSet(internals, `internal:${name}`, exports); }

function internalRequire(id) {
  if (MapPrototypeHas(internals, id)) return MapPrototypeGet(internals, id);
  return StringPrototypeStartsWith(id, 'internal:') ? load(id) : require(id);
}

function configureModules(options) {
  onFirstLoad = options.onFirstLoad;
  onUse = options.onUse;
  known = options.known;
}

// Installs an npm module bundle: `factory(module, exports, require)` runs on first require.
function defineModule(name, factory) {
  registerModule(name, () => {
    const module = { exports: {} };
    factory.call(module.exports, module, module.exports, internalRequire);
    return module.exports;
  });
}

function availableModules() {
  const names = [];
  for (const name of loaders.keys()) names[names.length] = name;
  for (let i = 0; i < known.modules.length; i++) {
    if (!MapPrototypeHas(loaders, known.modules[i])) names[names.length] = known.modules[i];
  }
  for (let i = names.length - 1; i >= 0; i--) {
    if (StringPrototypeStartsWith(names[i], 'internal:')) names.splice(i, 1);
  }
  return names.sort();
}

function notFound(id) {
  const err = new Error(`Cannot find module '${id}'. Available modules: ` +
    `${ArrayPrototypeJoin(availableModules(), ', ')}.`);
  err.code = 'MODULE_NOT_FOUND';
  return err;
}

// `lodash/get` -> the function `get` of lodash; `date-fns/format` -> an object
// holding `format`: what each package's own per-function files give.
function resolveAlias(name) {
  for (const prefix of ObjectKeys(known.aliases)) {
    if (!StringPrototypeStartsWith(name, prefix)) continue;
    const { base, kind } = known.aliases[prefix];
    const exports = require(base);
    const member = StringPrototypeSlice(name, prefix.length);
    if (member === '' || !ObjectPrototypeHasOwnProperty(exports, member)) throw notFound(name);
    if (kind === 'member') return exports[member];
    const namespace = {};
    namespace[member] = exports[member];
    MapPrototypeSet(cache, name, namespace);
    // Shared from now on like any module's exports: tracked, so changes are undone.
    if (onFirstLoad) onFirstLoad(name, namespace);
    if (onUse) onUse(name);
    return namespace;
  }
  return undefined;
}

function require(id) {
  if (typeof id !== 'string') {
    const err = new TypeError_(`The "id" argument must be of type string. Received ${id === null ? 'null' : typeof id}`);
    err.code = 'ERR_INVALID_ARG_TYPE';
    throw err;
  }
  if (id === '') {
    const err = new TypeError_("The argument 'id' must be a non-empty string. Received ''");
    err.code = 'ERR_INVALID_ARG_VALUE';
    throw err;
  }
  const name = StringPrototypeStartsWith(id, 'node:') ? StringPrototypeSlice(id, 5) : id;
  if (StringPrototypeStartsWith(name, 'internal:')) throw notFound(id);
  if (MapPrototypeHas(cache, name)) return cached(name);
  if (Reflect.apply(setHas, FORBIDDEN, [name])) {
    throw new SecurityError(`Module "${name}" is not available in code blocks: ` +
      'it would give access to the host (files, processes, network sockets or the runtime itself).');
  }
  const loader = MapPrototypeGet(loaders, name);
  if (loader === undefined) {
    const aliased = resolveAlias(name);
    if (aliased !== undefined) return aliased;
    if (known.modules.includes(name)) {
      const err = new Error(`Module '${id}' was not prepared for this code block: require npm modules ` +
        `with a string literal, e.g. require('${name}'), so the service can load them before the code runs.`);
      err.code = 'MODULE_NOT_FOUND';
      throw err;
    }
    throw notFound(id);
  }
  return load(name);
}

function cached(name) {
  if (onUse) onUse(name);
  return MapPrototypeGet(cache, name);
}

function load(name) {
  if (MapPrototypeHas(cache, name)) return cached(name);
  const loader = MapPrototypeGet(loaders, name);
  if (loader === undefined) throw notFound(name);
  const exports = loader();
  MapPrototypeSet(cache, name, exports);
  const capture = MapPrototypeGet(closureState, name);
  if (onFirstLoad) onFirstLoad(name, exports, capture === undefined ? null : capture(exports));
  if (onUse) onUse(name);
  return exports;
}

// ES module interop for code blocks written with import (rewritten by the host):
// a CommonJS module's default export is module.exports; a namespace has the named
// exports plus default.
const esm = {
  d(exports) { return exports !== null && typeof exports === 'object' && exports.__esModule ? exports.default : exports; },
  ns(exports) {
    if (exports !== null && typeof exports === 'object' && exports.__esModule) return exports;
    const namespace = { __proto__: null };
    if (exports !== null && (typeof exports === 'object' || typeof exports === 'function')) {
      for (const key of ObjectKeys(exports)) namespace[key] = exports[key];
    }
    namespace.default = exports;
    return namespace;
  },
  // import('x'): like require, but asynchronous and giving the namespace.
  dyn(id) {
    try {
      return PromiseResolve(esm.ns(require(id)));
    } catch (err) {
      return PromiseReject(err);
    }
  },
};

export { require, load as loadModule, registerModule, registerInternal, configureModules, availableModules, defineModule, esm };
