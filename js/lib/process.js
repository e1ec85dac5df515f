'use strict';
// The `process` a code block sees: a harmless subset. Nothing in it reaches the
// host: env is empty, exit() ends the execution with an error, memoryUsage()
// reports this runtime's heap (as last measured by the host) and buffers.

import { SCRIPT_NAME } from './internal/bridge.js';
import { SecurityError, codes } from './internal/errors.js';
import { bufferBudget } from './internal/memory.js';
import { heapFigures } from './internal/state.js';

const { ERR_INVALID_ARG_TYPE, ERR_PROCESS_EXIT } = codes;

const started = Date.now();
const VERSION = 'v24.22.3';

function hrtime(previous) {
  const now = performance.now();
  let seconds = Math.floor(now / 1000);
  let nanos = Math.round((now % 1000) * 1e6);
  if (Array.isArray(previous)) {
    seconds -= previous[0];
    nanos -= previous[1];
    if (nanos < 0) { seconds--; nanos += 1e9; }
  }
  return [seconds, nanos];
}
hrtime.bigint = () => BigInt(Math.round(performance.now() * 1e6));

function makeProcess() {
  const process = {
    env: {},
    argv: ['node', SCRIPT_NAME],
    argv0: 'node',
    execArgv: [],
    version: VERSION,
    versions: { node: VERSION.slice(1), v8: '14.4.258.23' },
    platform: 'linux',
    arch: 'x64',
    pid: 1,
    ppid: 0,
    title: 'codeblock',
    release: { name: 'node', lts: 'Krypton' },
    exitCode: undefined,
    nextTick(callback, ...args) {
      if (typeof callback !== 'function') {
        throw new ERR_INVALID_ARG_TYPE('callback', 'function', callback);
      }
      queueMicrotask(() => callback(...args));
    },
    hrtime,
    uptime: () => (Date.now() - started) / 1000,
    cwd: () => '/',
    // This runtime's heap as the host last read it, and this execution's
    // ArrayBuffer bytes; rss is their sum (the process's own RSS is not exposed).
    memoryUsage() {
      const { heapUsed, heapTotal } = heapFigures();
      return { rss: heapTotal + bufferBudget.used, heapTotal, heapUsed, external: bufferBudget.used, arrayBuffers: bufferBudget.used };
    },
    exit(code) {
      throw new ERR_PROCESS_EXIT(code);
    },
    abort() { throw new Error('process.abort() is not available in code blocks'); },
    on() { return process; },
    once() { return process; },
    off() { return process; },
    emitWarning() {},
  };
  for (const name of ['binding', '_linkedBinding', 'dlopen', 'kill', 'chdir', 'setuid', 'setgid']) {
    process[name] = () => {
      throw new SecurityError(`process.${name}() is not available in code blocks: it would reach the host`);
    };
  }
  return process;
}

export { makeProcess };
