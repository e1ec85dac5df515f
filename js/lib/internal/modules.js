'use strict';
// require() for code blocks: a fixed registry of modules, loaded lazily on first
// use and cached per runtime. Modules that would reach the host (file system,
// processes, sockets) are refused with a SecurityError naming the module.

import { SecurityError } from './errors.js';
import {
  ArrayPrototypeJoin, MapPrototypeGet, MapPrototypeHas, MapPrototypeSet, SafeMap,
  StringPrototypeSlice, StringPrototypeStartsWith, TypeError_,
} from './primordials.js';

const FORBIDDEN = new Set([
  'fs', 'fs/promises', 'child_process', 'net', 'tls', 'http', 'https', 'http2', 'dgram', 'dns',
  'dns/promises', 'os', 'cluster', 'worker_threads', 'vm', 'v8', 'inspector', 'module',
  'process', 'repl', 'readline', 'perf_hooks', 'async_hooks', 'trace_events', 'wasi', 'tty',
  'diagnostics_channel', 'sqlite', 'test',
]);
const setHas = Set.prototype.has;

const loaders = new SafeMap(); // name -> () => exports
const cache = new SafeMap(); // name -> exports
let onFirstLoad = null; // (exports) => void: lets isolation track module objects

function registerModule(name, loader) { MapPrototypeSet(loaders, name, loader); }

function configureModules(options) { onFirstLoad = options.onFirstLoad; }

function availableModules() {
  const names = [];
  for (const name of loaders.keys()) names[names.length] = name;
  return names.sort();
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
  if (MapPrototypeHas(cache, name)) return MapPrototypeGet(cache, name);
  if (Reflect.apply(setHas, FORBIDDEN, [name])) {
    throw new SecurityError(`Module "${name}" is not available in code blocks: ` +
      'it would give access to the host (files, processes, network sockets or the runtime itself).');
  }
  const loader = MapPrototypeGet(loaders, name);
  if (loader === undefined) {
    const err = new Error(`Cannot find module '${id}'. Available modules: ` +
      `${ArrayPrototypeJoin(availableModules(), ', ')}.`);
    err.code = 'MODULE_NOT_FOUND';
    throw err;
  }
  const exports = loader();
  MapPrototypeSet(cache, name, exports);
  if (onFirstLoad) onFirstLoad(exports);
  return exports;
}

export { require, registerModule, configureModules, availableModules };
