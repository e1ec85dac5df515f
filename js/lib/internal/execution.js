'use strict';
// One execution of a code block, driven by the host through `__flow`:
//   sink = fn                      (an assignment: the host's definition script hands
//                                  over a function that returns the code block's
//                                  function, see claim());
//   dispatch()                     with `this` one of the bridge's calls (run, take,
//                                  reset, finish), whose shapes and replies bridge.js and
//                                  src/flow_codeblock/bridge.py declare:
//   run                            with claimLength > 0, first claims the function in
//                                  the sink as code block `id`; then starts it; replies
//                                  with the payload when it finished synchronously, or
//                                  PENDING, in which case the host is notified on
//                                  settlement and collects the payload with take;
//   take                           delivers host call answers (internal/host.js), then
//                                  replies with the settled payload, the reset already
//                                  done (below), else the outbox of host calls, or PENDING;
//   reset                          puts shared state back (per_execution.js) and
//                                  replies with the report (clean or dirty);
//   finish                         posted by the host right behind run, before run
//                                  has answered: after a synchronous execution, reset;
//                                  after an asynchronous one that has settled, take;
//                                  else PENDING (the host waits for the doorbell).
// Why take may reset and run may not: mini-racer runs the microtask checkpoint after
// a call has returned its result, so promise reactions a synchronous code block left
// behind run after run returns, and a reset inside run would miss what they do. The
// host therefore waits for the reset of a synchronous execution, under the
// execution's own deadline, before it answers (runtime.py).
// take runs only after the checkpoint in which the execution settled has drained the
// queue, and a settled execution has no timers, host calls or waits left, so nothing
// of it can run after take: the separate reset call (a round trip between threads)
// is saved for every asynchronous execution.
// finish saves the round trip of the rest: V8's thread runs it after run's checkpoint
// in the same wake-up. It tells the kinds apart by the state the checkpoint left: a
// payload waiting (an asynchronous execution that settled in it), an execution still
// live (the host waits for the doorbell; finish leaves the outbox to the take that the
// ring calls for), or neither (a synchronous result, a block that could not be claimed,
// with nothing left to wait for).
// The token is a per-runtime secret known only to the host, so user code cannot
// drive these entry points.
// The host calls `dispatch` with the call packed into `this` (engine.py
// Isolate.call): a call compiles no script, where an eval per execution would
// compile one (its input and entropy differ).
// The host is notified through a doorbell (engine.py: an eventfd that must hold one
// ring at a time): it is rung at most once until the host says, with `ack` = 1 in
// its next call, that it has read the last ring. A ring skipped
// meanwhile loses nothing: the host, having read the earlier one, calls take, which
// reports the whole state.

import { takeLogs } from './console.js';
import { configureWasmAccounting, resetBufferBudget } from './memory.js';
import { defineModule, makeRequire } from './modules.js';
import { resetSharedState } from './per_execution.js';
import { seedRandom } from './random.js';
import { releaseWaits } from './async_sources.js';
import { beginExecution, endExecution, isLive, setHeapFigures } from './state.js';
import {
  ArrayPrototypeJoin, Error_, FunctionPrototypeToString, JSONParse, JSONStringify, MapPrototypeGet,
  MapPrototypeHas, MapPrototypeSet, ObjectDefineProperty, ObjectFreeze, PromisePrototypeThen,
  PromiseResolve, Promise_, ReflectApply, SafeMap, SafeSet, SetPrototypeAdd, StringPrototypeCharCodeAt, String_, TypeError_,
  StringPrototypeIndexOf, StringPrototypeSlice, StringPrototypeSplit,
} from './primordials.js';
import { describeError, serializeResult } from './result.js';
import { cancelAll } from './timers.js';
import { configureHost, deliver, dropHostCalls, takeOutbox } from './host.js';
import {
  ESCAPED, GLOBALS, PENDING, TAGS, decodeCall, encodeHostCalls, encodePayload, encodeReport, encodeSettled,
} from './bridge.js';

const compiled = new SafeMap();
// orjson's limit, and that of most JSON parsers a client may use.
const MAX_RESULT_DEPTH = 1024;
// Set by configure() at bootstrap from the host's settings (runtime.py RuntimeOptions).
const settings = { maxResultBytes: 0, maxArrayBufferBytes: 0 };
const state = { token: null, notify: null, pending: false, payload: null, sink: null };
let doorbellArmed = true;

function ringHost() {
  if (!doorbellArmed) return;
  doorbellArmed = false;
  state.notify();
}

// Checks the caller and takes its acknowledgement of the last ring.
function enter(token, ack) {
  checkToken(token);
  if (ack === 1) doorbellArmed = true;
}

function checkToken(token) {
  if (state.token === null || token !== state.token) throw new Error_('not available to code blocks');
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

// The payload of a result (TAGS.result, body = the JSON text, passed on untouched)
// or of an error record (TAGS.error, or TAGS.undefinedBlock when the code block could
// not even be defined), with the execution's logs.
function frame(tag, body) {
  return encodePayload(tag, logsJson(), body);
}

function failurePayload(thrown) {
  return frame(TAGS.error, flatJson(describeError(thrown)));
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
    return frame(TAGS.error, flatJson(record));
  }
  if (nestedDeeperThan(json, MAX_RESULT_DEPTH)) {
    const record = {
      type: 'ResultTooLargeError', name: 'ResultTooLargeError',
      message: `The result is nested more than ${MAX_RESULT_DEPTH} levels deep: JSON parsers refuse deeper ` +
        'documents (orjson, Python\'s json, many JSON libraries of other languages)',
    };
    return frame(TAGS.error, flatJson(record));
  }
  return frame(TAGS.result, json);
}

// Whether JSON text `json` nests arrays and objects more than `limit` deep. Shorter
// text cannot (each level takes two characters), so most results are not scanned.
function nestedDeeperThan(json, limit) {
  if (json.length <= 2 * limit) return false;
  let depth = 0;
  for (let i = 0; i < json.length; i++) {
    const c = StringPrototypeCharCodeAt(json, i);
    if (c === 0x22) { // a string: skip to its closing quote
      for (i++; i < json.length; i++) {
        const d = StringPrototypeCharCodeAt(json, i);
        if (d === 0x5c) i++;
        else if (d === 0x22) break;
      }
    } else if (c === 0x5b || c === 0x7b) {
      if (++depth > limit) return true;
    } else if (c === 0x5d || c === 0x7d) {
      depth--;
    }
  }
  return false;
}

function settle(payload) {
  if (!endExecution()) return payload;
  cancelAll();
  releaseWaits();
  dropHostCalls();
  if (state.pending) {
    state.payload = payload;
    ringHost();
  }
  return payload;
}

// A failure outside the awaited chain (a throwing timer or microtask callback)
// fails the execution, as an uncaught exception would end a Node process.
function failExecution(err) {
  if (isLive()) settle(failurePayload(err));
}

// Takes the code block's function as code block `id`. The host's definition script is
//   __flow.sink = function () { L<nonce>: { return <async >function (input, ...) { /*<nonce>*/
//   <code>
//   }; break L<nonce>; } };
// The label makes any script in which the code closes the wrapper early a syntax
// error, found before anything runs (`break` needs its label around it, and the
// code cannot know the nonce): the code stays inside the outer function. The code
// can still end the inner function early and go on with the `return` expression;
// then the function returned is not the one the host wrote, which its marker line
// and length tell: the runtime is retired (ESCAPED), since code of the block may have
// run outside its function.
// `modules`: the lazy modules the block names (comma-separated), the only ones its
// require may give (modules.js).
function claim(id, expectedLength, nonce, modules) {
  const outer = state.sink;
  state.sink = null;
  if (typeof outer !== 'function') throw new Error_('no code block function to define');
  const fn = ReflectApply(outer, undefined, []);
  const source = typeof fn === 'function' ? FunctionPrototypeToString(fn) : '';
  const marker = `/*${nonce}*/\n`;
  const lineEnd = StringPrototypeIndexOf(source, '\n');
  if (source.length !== expectedLength || lineEnd < 0 ||
      StringPrototypeSlice(source, lineEnd + 1 - marker.length, lineEnd + 1) !== marker) {
    return null;
  }
  if (MapPrototypeHas(compiled, id)) throw new Error_(`code block ${id} is already defined`);
  const named = new SafeSet();
  const names = modules === '' ? [] : StringPrototypeSplit(modules, ',');
  for (let i = 0; i < names.length; i++) SetPrototypeAdd(named, names[i]);
  // The outer function is kept, not `fn`: each run takes a fresh function from it, so
  // nothing a run leaves on its own function object (arguments.callee, fn.caller of a
  // nested function, its prototype) is seen by a later run of the same code (another
  // caller of a stored script, or another tenant posting the same code). Calling it
  // again runs none of the code: the marker check above proved it only returns `fn`.
  const block = { outer, named };
  MapPrototypeSet(compiled, id, block);
  return block;
}

function isThenable(value) {
  if (value instanceof Promise_) return true;
  if (value === null || (typeof value !== 'object' && typeof value !== 'function')) return false;
  return typeof value.then === 'function';
}

const host = {
  // this = one of the bridge's calls (bridge.js decodeCall).
  dispatch() {
    const call = decodeCall(this);
    if (call.op === 'reset') return host.reset(call.token, call.ack);
    if (call.op === 'take') return host.take(call.token, call.answersJson, call.ack);
    if (call.op === 'finish') return host.finish(call.token, call.ack);
    return host.run(call.token, call.id, call.inputJson, call.claimLength, call.nonce, call.entropy,
      call.heapUsed, call.heapTotal, call.ack, call.modules);
  },

  configure(token, json) {
    checkToken(token);
    const options = JSONParse(json);
    settings.maxResultBytes = options.maxResultBytes;
    settings.maxArrayBufferBytes = options.maxArrayBufferBytes;
    configureWasmAccounting(options.maxWasmMemoryBytes);
    return 'ok';
  },

  // Installs an npm module bundle (the function in the sink) under `name`, between
  // executions: a shared module is initialised and hardened now, a per-execution one
  // (perExecution = 1) runs in each execution that requires it (modules.js).
  defineModule(token, name, perExecution) {
    checkToken(token);
    const factory = state.sink;
    state.sink = null;
    if (typeof factory !== 'function') throw new TypeError_('no module factory to define');
    if (isLive()) throw new Error_('modules are installed between executions');
    defineModule(name, factory, perExecution === 1);
    return 'ok';
  },

  run(token, id, inputJson, expectedLength, nonce, entropy, heapUsed, heapTotal, ack, modules) {
    enter(token, ack);
    if (isLive()) throw new Error_('an execution is already running');
    let block;
    if (expectedLength > 0) {
      try {
        block = claim(id, expectedLength, nonce, modules);
      } catch (err) {
        // Like an error, and tells the host that `id` was not defined.
        return frame(TAGS.undefinedBlock, flatJson(describeError(err)));
      }
      // Code of the block ran outside its function; the host retires the runtime.
      if (block === null) return ESCAPED;
    } else {
      block = MapPrototypeGet(compiled, id);
      if (block === undefined) throw new Error_(`code block ${id} is not defined`);
    }
    const fn = ReflectApply(block.outer, undefined, []);
    beginExecution();
    seedRandom(entropy);
    setHeapFigures(heapUsed, heapTotal);
    state.pending = false;
    state.payload = null;
    resetBufferBudget(settings.maxArrayBufferBytes);
    const input = JSONParse(inputJson);
    const module = { exports: {} };
    const { require, esm } = makeRequire(block.named);
    let returned;
    try {
      returned = ReflectApply(fn, module.exports, [input, require, module, module.exports, esm]);
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
      (value) => { if (isLive()) settle(successPayload(value)); },
      (err) => { if (isLive()) settle(failurePayload(err)); });
    return PENDING;
  },

  take(token, answersJson, ack) {
    enter(token, ack);
    if (answersJson) deliver(answersJson);
    return takeReply();
  },

  reset(token, ack) {
    enter(token, ack);
    return resetRuntime();
  },

  finish(token, ack) {
    enter(token, ack);
    if (state.payload !== null) return takeReply();
    return isLive() ? PENDING : resetRuntime();
  },
};

// take's reply: the settled payload with the reset done, else the outbox, else PENDING.
function takeReply() {
  const payload = state.payload;
  state.payload = null;
  if (payload !== null) return encodeSettled(resetRuntime(), payload);
  const calls = isLive() ? takeOutbox() : '';
  return calls === '' ? PENDING : encodeHostCalls(calls);
}

// The reset's report: clean (with its repairs), or dirty when the runtime must be retired.
function resetRuntime() {
  try {
    endExecution();
    cancelAll();
    releaseWaits();
    dropHostCalls();
    takeLogs();
    // A full budget again now, not only when the next code block starts: modules are
    // installed (and allocate) before it starts, and the last execution may have used it all.
    resetBufferBudget(settings.maxArrayBufferBytes);
    state.sink = null;
    const repairs = resetSharedState();
    return encodeReport(true, repairs);
  } catch (problem) {
    return encodeReport(false, problemText(problem));
  }
}

// What the reset could not put back (ERR_SHARED_STATE_NOT_RESTORED's message), or any
// other error as it converts to a string.
function problemText(problem) {
  try {
    if (problem instanceof Error_ && problem.code === 'ERR_SHARED_STATE_NOT_RESTORED') return problem.message;
    return String_(problem);
  } catch {
    return 'an error that cannot be converted to a string';
  }
}

function installHost(global, token, notify) {
  state.token = token;
  state.notify = notify;
  configureHost(ringHost);
  const api = {};
  for (const name of ['configure', 'defineModule', 'run', 'take', 'reset', 'finish', 'dispatch']) {
    ObjectDefineProperty(api, name, { value: host[name], enumerable: true });
  }
  ObjectDefineProperty(api, 'sink', {
    set(fn) { state.sink = fn; }, get() { return undefined; }, enumerable: true,
  });
  ObjectDefineProperty(global, GLOBALS.host, {
    value: ObjectFreeze(api), writable: false, enumerable: false, configurable: false,
  });
}

export { installHost, failExecution };
