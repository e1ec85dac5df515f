'use strict';
// One execution of a code block, driven by the host through `__flow`:
//   define(token, id, length, fn)  registers the compiled code block `id`;
//   run(token, id, inputJson)      starts it; returns the result payload when it
//                                  finished synchronously, or '' when it is pending,
//                                  in which case the host is notified on settlement
//                                  and collects the payload with take(token);
//   reset(token)                   after the response: restores shared objects and
//                                  reports 'clean:<repairs>' or 'dirty:<reason>'.
// The token is a per-runtime secret known only to the host, so user code cannot
// drive these entry points.

import { takeLogs } from './console.js';
import { restore } from './isolation.js';
import { resetBufferBudget } from './memory.js';
import { require } from './modules.js';
import {
  ArrayPrototypeJoin, FunctionPrototypeToString, JSONParse, JSONStringify, MapPrototypeGet,
  MapPrototypeHas, MapPrototypeSet, ObjectDefineProperty, ObjectFreeze, PromisePrototypeThen,
  PromiseResolve, Promise_, ReflectApply, SafeMap, StringPrototypeCharCodeAt, String_,
} from './primordials.js';
import { describeError, serializeResult } from './result.js';
import { cancelAll } from './timers.js';

const compiled = new SafeMap();
const settings = { maxResultBytes: 5 * 1024 * 1024, maxArrayBufferBytes: 128 * 1024 * 1024 };
const state = { token: null, notify: null, settled: true, pending: false, payload: null };

function checkToken(token) {
  if (state.token === null || token !== state.token) throw new Error('not available to code blocks');
}

// UTF-8 length of a JS string (lone surrogates count as the 3-byte U+FFFD).
function utf8Length(s) {
  let bytes = 0;
  for (let i = 0; i < s.length; i++) {
    const c = StringPrototypeCharCodeAt(s, i);
    if (c < 0x80) bytes += 1;
    else if (c < 0x800) bytes += 2;
    else if (c >= 0xd800 && c <= 0xdbff && i + 1 < s.length &&
      (StringPrototypeCharCodeAt(s, i + 1) & 0xfc00) === 0xdc00) { bytes += 4; i++; } else bytes += 3;
  }
  return bytes;
}

function logsJson() {
  const logs = takeLogs();
  const parts = [];
  for (let i = 0; i < logs.length; i++) {
    parts[parts.length] = `{"level":${JSONStringify(logs[i].level)},"message":${JSONStringify(logs[i].message)}}`;
  }
  return `[${ArrayPrototypeJoin(parts, ',')}]`;
}

// Serialises a flat record of primitives without consulting any toJSON.
function flatJson(record) {
  const parts = [];
  for (const key of ['type', 'name', 'message', 'code', 'line', 'column', 'stack']) {
    const v = record[key];
    if (v !== undefined) parts[parts.length] = `${JSONStringify(key)}:${JSONStringify(v)}`;
  }
  return `{${ArrayPrototypeJoin(parts, ',')}}`;
}

// Payload framing read by the host (runtime.py): one tag character, the logs as
// JSON (never containing a raw newline), a newline, then the result JSON text
// (tag R) or the error record (tag E). The result text is passed on untouched.
function frame(tag, body) {
  return `${tag}${logsJson()}\n${body}`;
}

function failurePayload(thrown) {
  return frame('E', flatJson(describeError(thrown)));
}

function successPayload(value) {
  let json;
  try {
    json = serializeResult(value);
  } catch (err) {
    return failurePayload(err);
  }
  const limit = settings.maxResultBytes;
  if (json.length > limit || (json.length * 3 > limit && utf8Length(json) > limit)) {
    const size = json.length > limit ? `at least ${json.length}` : `${utf8Length(json)}`;
    const record = {
      type: 'ResultTooLargeError', name: 'ResultTooLargeError',
      message: `The result is ${size} bytes of JSON, over the limit of ${limit} bytes`,
    };
    return frame('E', flatJson(record));
  }
  return frame('R', json);
}

function settle(payload) {
  if (state.settled) return payload;
  state.settled = true;
  cancelAll();
  if (state.pending) {
    state.payload = payload;
    state.notify();
  }
  return payload;
}

// A failure outside the awaited chain (a throwing timer or microtask callback)
// fails the execution, as an uncaught exception would end a Node process.
function failExecution(err) {
  if (!state.settled) settle(failurePayload(err));
}

function isLive() { return !state.settled; }

function isThenable(value) {
  if (value instanceof Promise_) return true;
  if (value === null || (typeof value !== 'object' && typeof value !== 'function')) return false;
  return typeof value.then === 'function';
}

const host = {
  configure(token, json) {
    checkToken(token);
    const options = JSONParse(json);
    settings.maxResultBytes = options.maxResultBytes;
    settings.maxArrayBufferBytes = options.maxArrayBufferBytes;
    return 'ok';
  },

  define(token, id, expectedLength, fn) {
    checkToken(token);
    // The wrapper is text; code that closes it early (`}); ...`) leaves a shorter
    // function. Refusing it here stops the script before anything after it runs.
    if (FunctionPrototypeToString(fn).length !== expectedLength) {
      throw new SyntaxError('Unexpected end of the code block: it closes the function it runs in');
    }
    if (MapPrototypeHas(compiled, id)) throw new Error(`code block ${id} is already defined`);
    MapPrototypeSet(compiled, id, fn);
    return 'ok';
  },

  run(token, id, inputJson) {
    checkToken(token);
    if (!state.settled) throw new Error('an execution is already running');
    const fn = MapPrototypeGet(compiled, id);
    if (fn === undefined) throw new Error(`code block ${id} is not defined`);
    state.settled = false;
    state.pending = false;
    state.payload = null;
    resetBufferBudget(settings.maxArrayBufferBytes);
    const input = JSONParse(inputJson);
    const module = { exports: {} };
    let returned;
    try {
      returned = ReflectApply(fn, module.exports, [input, require, module, module.exports]);
    } catch (err) {
      return settle(failurePayload(err));
    }
    let thenable;
    try {
      thenable = isThenable(returned);
    } catch (err) {
      return settle(failurePayload(err));
    }
    if (!thenable) return settle(successPayload(returned));
    state.pending = true;
    PromisePrototypeThen(PromiseResolve(returned),
      (value) => { if (!state.settled) settle(successPayload(value)); },
      (err) => { if (!state.settled) settle(failurePayload(err)); });
    return '';
  },

  take(token) {
    checkToken(token);
    const payload = state.payload;
    state.payload = null;
    return payload === null ? '' : payload;
  },

  reset(token) {
    checkToken(token);
    state.settled = true;
    cancelAll();
    takeLogs();
    try {
      return `clean:${restore()}`;
    } catch (problem) {
      return `dirty:${String_(problem)}`;
    }
  },
};

function installHost(global, token, notify) {
  state.token = token;
  state.notify = notify;
  ObjectDefineProperty(global, '__flow', {
    value: ObjectFreeze({ ...host }), writable: false, enumerable: false, configurable: false,
  });
}

export { installHost, failExecution, isLive };
