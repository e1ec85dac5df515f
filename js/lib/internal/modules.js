'use strict';
// require() for code blocks: a fixed registry of modules. Modules that would reach
// the host (file system, processes, sockets) are refused with a SecurityError naming
// the module.
//
// Two kinds of module (each entry's `state` in js/modules.manifest.mjs says which):
// - shared: loaded once per runtime, between executions, and hardened at once
//   (harden.js): every execution sees the same frozen exports. Built-in modules
//   register a loader at bootstrap; npm modules are installed by the host
//   (defineModule) before the first code block that names them runs: require() is
//   synchronous, so the host finds the names by parsing the code (analysis.py).
// - per-execution: the module's factory runs again in every execution that requires
//   it, so its mutable state (axios.defaults, dayjs.locale) is the execution's own.
//   Chosen where running the factory is cheap (bench/module_cost.py).
//
// Each execution gets its own require, module cache of per-execution modules, and
// ES module helper (makeRequire): nothing of them outlives the execution.
//
// A code block may require a host-installed ('lazy') module only when it names it where
// the host can see it (a string literal, an import, a global such as URL): the host
// passes those names with the block (makeRequire's `named`). require(variable) of any
// other lazy module fails the same way in every runtime, whether or not an earlier code
// block or the pool's warm-up installed it there (issue #24: which runtime a request
// gets must not change its result).

import { MODULES } from '../../modules.manifest.mjs';
import { SecurityError, codes, plain } from './errors.js';
import { harden } from './harden.js';
import { addRestorer } from './per_execution.js';
import { hooksOf } from './shared_modules.js';
import {
  ArrayPrototypeIncludes, ArrayPrototypeJoin, ArrayPrototypeSort, Error_, MapPrototypeGet, MapPrototypeHas,
  MapPrototypeSet, ObjectKeys, ObjectPrototypeHasOwnProperty, PromiseReject, PromiseResolve, ReflectApply, SafeMap,
  SafeSet, SetPrototypeAdd, SetPrototypeHas, StringPrototypeSlice, StringPrototypeStartsWith, TypeError_,
} from './primordials.js';

const { ERR_INVALID_ARG_TYPE, ERR_INVALID_ARG_VALUE } = codes;

const FORBIDDEN = new SafeSet([
  'fs', 'fs/promises', 'child_process', 'net', 'tls', 'http', 'https', 'http2', 'dgram', 'dns',
  'dns/promises', 'os', 'cluster', 'worker_threads', 'vm', 'v8', 'inspector', 'module',
  'repl', 'readline', 'perf_hooks', 'async_hooks', 'trace_events', 'wasi', 'tty',
  'diagnostics_channel', 'sqlite', 'test',
]);

const loaders = new SafeMap(); // shared module name -> () => exports
const factories = new SafeMap(); // per-execution module name -> factory(module, exports, require)
const internals = new SafeMap(); // 'internal:<name>' -> exports, for module bundles only
const cache = new SafeMap(); // shared module name -> its hardened exports
let known = { modules: [], aliases: {} }; // npm modules the host can install

// Each module's `state` in the manifest (js/modules.manifest.mjs), read once at bootstrap;
// a subpath bundle (dayjs/plugin/utc) has its base module's.
const states = new SafeMap();
const subpathStates = []; // [prefix, state]
const lazy = new SafeSet(); // modules the host installs (load: 'lazy')
const lazyPrefixes = []; // subpath prefixes of lazy modules (dayjs/plugin/)
for (let i = 0; i < MODULES.length; i++) {
  const entry = MODULES[i];
  MapPrototypeSet(states, entry.name, entry.state);
  if (entry.load === 'lazy') SetPrototypeAdd(lazy, entry.name);
  const subpaths = entry.subpaths ?? [];
  for (let j = 0; j < subpaths.length; j++) {
    subpathStates[subpathStates.length] = [subpaths[j].prefix, entry.state];
    if (entry.load === 'lazy') lazyPrefixes[lazyPrefixes.length] = subpaths[j].prefix;
  }
}

function isLazy(name) {
  if (SetPrototypeHas(lazy, name)) return true;
  for (let i = 0; i < lazyPrefixes.length; i++) {
    if (StringPrototypeStartsWith(name, lazyPrefixes[i])) return true;
  }
  return false;
}

function stateOf(name) {
  if (MapPrototypeHas(states, name)) return MapPrototypeGet(states, name);
  for (let i = 0; i < subpathStates.length; i++) {
    if (StringPrototypeStartsWith(name, subpathStates[i][0])) return subpathStates[i][1];
  }
  throw new TypeError_(`module ${name} is not in the module manifest (js/modules.manifest.mjs)`);
}
let onSharedLoad = () => {}; // after a shared module is loaded and hardened (per_execution.js baseline)

function registerModule(name, loader) { MapPrototypeSet(loaders, name, loader); }

// Internal modules (the host channel, error brands) are visible to the module
// bundles the service installs, never to code blocks: bundles get this require.
function registerInternal(name, exports) { MapPrototypeSet(internals, `internal:${name}`, exports); }

function configureModules(options) {
  known = options.known;
  onSharedLoad = options.onSharedLoad;
}

// Installs an npm module bundle: `factory(module, exports, require)`. A shared one is
// loaded and hardened now (the host installs between executions); a per-execution
// one runs in each execution that requires it.
function defineModule(name, factory, perExecution) {
  if (perExecution !== (stateOf(name) === 'per-execution')) {
    throw new TypeError_(`module ${name}: the host and the module manifest disagree on per-execution`);
  }
  if (perExecution) {
    MapPrototypeSet(factories, name, factory);
    return;
  }
  registerModule(name, () => runFactory(factory, sharedRequire));
  loadShared(name);
}

function runFactory(factory, requireFn) {
  const module = { exports: {} };
  ReflectApply(factory, module.exports, [module, module.exports, requireFn]);
  return module.exports;
}

function loadShared(name) {
  if (MapPrototypeHas(cache, name)) return MapPrototypeGet(cache, name);
  const loader = MapPrototypeGet(loaders, name);
  if (loader === undefined) throw notFound(name);
  let exports = loader();
  const hooks = hooksOf(name);
  // A restorer is the reset of state the manifest must declare (state: 'restored').
  if (hooks !== undefined && hooks.restore !== undefined && stateOf(name) !== 'restored') {
    throw new TypeError_(`module ${name} has a restorer but its manifest state is ${stateOf(name)}`);
  }
  if (hooks !== undefined && hooks.prepare !== undefined) exports = hooks.prepare(exports) ?? exports;
  harden(exports);
  if (hooks !== undefined && hooks.restore !== undefined) {
    const captured = hooks.capture === undefined ? undefined : hooks.capture(exports);
    addRestorer(() => hooks.restore(exports, captured));
  }
  MapPrototypeSet(cache, name, exports);
  onSharedLoad(name, exports);
  return exports;
}

// The require given to shared module bundles while they load (between executions).
function sharedRequire(id) {
  if (MapPrototypeHas(internals, id)) return MapPrototypeGet(internals, id);
  const name = StringPrototypeStartsWith(id, 'node:') ? StringPrototypeSlice(id, 5) : id;
  if (MapPrototypeHas(loaders, name)) return loadShared(name);
  if (MapPrototypeHas(factories, name)) {
    throw new TypeError_(`shared module bundle requires per-execution module ${name}`);
  }
  return userRequire(id, null); // forbidden or unknown: the same errors as for code blocks
}

function availableModules() {
  const names = [];
  for (const name of loaders.keys()) names[names.length] = name;
  for (const name of factories.keys()) names[names.length] = name;
  for (let i = 0; i < known.modules.length; i++) {
    const name = known.modules[i];
    if (!MapPrototypeHas(loaders, name) && !MapPrototypeHas(factories, name)) names[names.length] = name;
  }
  const shown = [];
  for (let i = 0; i < names.length; i++) {
    if (!StringPrototypeStartsWith(names[i], 'internal:') && !ArrayPrototypeIncludes(shown, names[i])) {
      shown[shown.length] = names[i];
    }
  }
  return ArrayPrototypeSort(shown);
}

function notFound(id) {
  return new plain.MODULE_NOT_FOUND(`Cannot find module '${id}'. Available modules: ` +
    `${ArrayPrototypeJoin(availableModules(), ', ')}.`);
}

// `lodash/get` -> the function `get` of lodash; `date-fns/format` -> an object
// holding `format`: what each package's own per-function files give.
function resolveAlias(name, execution) {
  const prefixes = ObjectKeys(known.aliases);
  for (let i = 0; i < prefixes.length; i++) {
    const prefix = prefixes[i];
    if (!StringPrototypeStartsWith(name, prefix)) continue;
    const { base, kind } = known.aliases[prefix];
    const exports = userRequire(base, execution);
    const member = StringPrototypeSlice(name, prefix.length);
    if (member === '' || !ObjectPrototypeHasOwnProperty(exports, member)) throw notFound(name);
    if (kind === 'member') return exports[member];
    const namespace = {};
    namespace[member] = exports[member];
    return namespace; // a new object per require: nothing shared to freeze
  }
  return undefined;
}

function invalidId(id) {
  if (typeof id !== 'string') return new ERR_INVALID_ARG_TYPE('id', 'string', id);
  return new ERR_INVALID_ARG_VALUE('id', id, 'must be a non-empty string');
}

// require() as code blocks see it; `execution` holds the execution's cache of
// per-execution modules (null while shared modules load).
function userRequire(id, execution) {
  if (typeof id !== 'string' || id === '') throw invalidId(id);
  const name = StringPrototypeStartsWith(id, 'node:') ? StringPrototypeSlice(id, 5) : id;
  if (StringPrototypeStartsWith(name, 'internal:')) throw notFound(id);
  if (execution !== null && !SetPrototypeHas(execution.named, name) && isLazy(name)) throw notPrepared(id, name);
  if (MapPrototypeHas(cache, name)) return MapPrototypeGet(cache, name);
  if (SetPrototypeHas(FORBIDDEN, name)) {
    throw new SecurityError(`Module "${name}" is not available in code blocks: ` +
      'it would give access to the host (files, processes, network sockets or the runtime itself).');
  }
  if (execution !== null && MapPrototypeHas(factories, name)) return perExecutionModule(name, execution);
  // Shared modules are loaded between executions (bootstrap, host installs), never by one.
  if (MapPrototypeHas(loaders, name)) throw new Error_(`module ${name} was not loaded before this execution`);
  const aliased = resolveAlias(name, execution);
  if (aliased !== undefined) return aliased;
  if (ArrayPrototypeIncludes(known.modules, name)) throw notPrepared(id, name);
  throw notFound(id);
}

function notPrepared(id, name) {
  return new plain.MODULE_NOT_FOUND(`Module '${id}' was not prepared for this code block: require npm modules ` +
    `with a string literal, e.g. require('${name}'), so the service can load them before the code runs.`);
}

function perExecutionModule(name, execution) {
  const cached = MapPrototypeGet(execution.cache, name);
  if (cached !== undefined) return cached.exports;
  const module = { exports: {} };
  MapPrototypeSet(execution.cache, name, module); // a cycle gets the partial exports, as in Node
  ReflectApply(MapPrototypeGet(factories, name), module.exports, [module, module.exports, execution.bundleRequire]);
  return module.exports;
}

// A fresh require and ES module helper for one execution. `named`: the lazy modules
// the code block names where the host sees them (a SafeSet, made once per code block).
function makeRequire(named) {
  const execution = { cache: new SafeMap(), bundleRequire: null, named };
  running = named;
  // What a per-execution bundle's own require() resolves: the service's internals,
  // and everything else as the execution's require (dayjs locales get its dayjs).
  execution.bundleRequire = function (id) {
    if (MapPrototypeHas(internals, id)) return MapPrototypeGet(internals, id);
    return userRequire(id, execution);
  };
  const require = function require(id) { return userRequire(id, execution); };
  // ES module interop for code blocks written with import (rewritten by the host):
  // a CommonJS module's default export is module.exports; a namespace has the named
  // exports plus default.
  const esm = {
    d(exports) { return exports !== null && typeof exports === 'object' && exports.__esModule ? exports.default : exports; },
    ns(exports) {
      if (exports !== null && typeof exports === 'object' && exports.__esModule) return exports;
      const namespace = { __proto__: null };
      if (exports !== null && (typeof exports === 'object' || typeof exports === 'function')) {
        const keys = ObjectKeys(exports);
        for (let i = 0; i < keys.length; i++) namespace[keys[i]] = exports[keys[i]];
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
  return { require, esm };
}

// The modules named by the code block whose require makeRequire made last: the one running
// (a runtime runs one execution at a time, and each starts with makeRequire). Only the names
// are kept, not the execution's module instances.
let running = null;

// A lazy module's exports when the running execution's code block named it (the host
// installed it for this block), else undefined, whatever an earlier execution installed:
// what a module does with another (crypto's Hash as a stream) then depends on the code
// block only, never on the runtime it got (issue #24).
function namedModule(name) {
  if (running === null || !SetPrototypeHas(running, name)) return undefined;
  return loadedModule(name);
}

// A shared module's exports when it is loaded in this runtime, else undefined: the global
// crypto's subtle getter (random.js) reads the crypto module's without loading it.
function loadedModule(name) {
  return MapPrototypeHas(cache, name) ? MapPrototypeGet(cache, name) : undefined;
}

export {
  makeRequire, loadShared as loadModule, loadedModule, namedModule, registerModule, registerInternal, configureModules,
  availableModules, defineModule,
};
