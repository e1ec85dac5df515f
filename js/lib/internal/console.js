'use strict';
// The console of a code block: each call becomes one captured log entry
// ({level, message}) of the current execution, bounded in count and bytes.
// With capture off the methods still exist and do nothing.

import { brand } from './errors.js';
import { format } from './inspect.js';
import {
  DateNow, ErrorCaptureStackTrace, Error_, MapPrototypeClear, MapPrototypeDelete, MapPrototypeGet, MapPrototypeSet,
  NumberIsInteger, ObjectCreate, ObjectFreeze, ObjectPrototype, ObjectSetPrototypeOf, SafeMap,
} from './primordials.js';

// Set once by configureConsole at init: the host always sends the limits (config.py's
// Settings are their one source), so until then there are none and the console refuses.
let limits = null;
let entries = [];
let bytes = 0;
let dropped = 0;
const timers = new SafeMap();
const counts = new SafeMap();

// A limit the host must send: a missing or malformed one fails the bootstrap, not the logs.
function hostLimit(options, name) {
  const value = options[name];
  if (!NumberIsInteger(value) || value < 0) {
    throw new Error_(`console: the host must send ${name} as a non-negative integer (bootstrap options)`);
  }
  return value;
}

function configureConsole(options) {
  limits = ObjectFreeze({
    enabled: options.enabled,
    reject: options.reject === true,
    maxEntries: hostLimit(options, 'maxEntries'),
    maxBytes: hostLimit(options, 'maxBytes'),
  });
}

function record(level, message) {
  if (limits === null) throw new Error_('console: used before configureConsole (bootstrap.js init)');
  if (limits.reject) {
    // ALLOW_CONSOLE=reject: the host refuses code that names console; this catches the rest.
    throw brand(new Error_('console is disabled in code blocks here (ALLOW_CONSOLE=reject)'), 'ConsoleDisabledError');
  }
  if (!limits.enabled) return;
  if (entries.length >= limits.maxEntries || bytes + message.length > limits.maxBytes) {
    dropped++;
    return;
  }
  bytes += message.length;
  entries[entries.length] = { level, message };
}

// Hands the captured entries to the result and starts a fresh buffer.
function takeLogs() {
  const out = entries;
  if (dropped > 0) {
    out[out.length] = { level: 'warn', message: `[console output truncated: ${dropped} more entries dropped]` };
  }
  entries = [];
  bytes = 0;
  dropped = 0;
  MapPrototypeClear(timers);
  MapPrototypeClear(counts);
  return out;
}

function makeConsole() {
  const console = ObjectCreate(null);
  const method = (level) => function (...args) { record(level, format(args)); };
  console.log = method('log');
  console.info = method('info');
  console.debug = method('debug');
  console.warn = method('warn');
  console.error = method('error');
  console.trace = function (...args) {
    const err = { name: 'Trace', message: format(args) };
    ErrorCaptureStackTrace(err, console.trace);
    record('error', err.stack);
  };
  console.dir = function (value) { record('log', format([value])); };
  console.table = console.log;
  console.assert = function (condition, ...args) {
    if (!condition) record('error', `Assertion failed${args.length ? ': ' + format(args) : ''}`);
  };
  console.time = function (label = 'default') { MapPrototypeSet(timers, `${label}`, DateNow()); };
  console.timeEnd = function (label = 'default') {
    const start = MapPrototypeGet(timers, `${label}`);
    if (start === undefined) return;
    MapPrototypeDelete(timers, `${label}`);
    record('log', `${label}: ${DateNow() - start}ms`);
  };
  console.timeLog = function (label = 'default', ...args) {
    const start = MapPrototypeGet(timers, `${label}`);
    if (start === undefined) return;
    record('log', `${label}: ${DateNow() - start}ms${args.length ? ' ' + format(args) : ''}`);
  };
  console.count = function (label = 'default') {
    const n = (MapPrototypeGet(counts, `${label}`) ?? 0) + 1;
    MapPrototypeSet(counts, `${label}`, n);
    record('log', `${label}: ${n}`);
  };
  console.countReset = function (label = 'default') { MapPrototypeDelete(counts, `${label}`); };
  console.group = console.log;
  console.groupEnd = function () {};
  ObjectSetPrototypeOf(console, ObjectPrototype);
  return console;
}

export { configureConsole, makeConsole, takeLogs };
