'use strict';
// Asynchronous calls from JavaScript into the host (Python), e.g. an HTTP request.
// A call goes into the outbox and the host is notified (once per batch); the host
// collects the outbox with __flow.take(), performs the calls concurrently while
// the runtime sits idle, and hands results back through the next take(). Results
// are delivered only to the execution that made the call: an execution that ended
// leaves its calls unanswered forever (the host cancels them too).

import { currentSerial, isLive } from './state.js';
import {
  JSONParse, JSONStringify, MapPrototypeClear, MapPrototypeDelete, MapPrototypeGet, MapPrototypeSet, Promise_, SafeMap,
} from './primordials.js';

let notify = () => {};
let outbox = [];
const pending = new SafeMap(); // id -> { resolve, serial }
let nextId = 1;

function configureHost(notifyFn) { notify = notifyFn; }

function post(message) {
  outbox[outbox.length] = message;
  if (outbox.length === 1) notify();
}

// Starts host operation `op` with JSON-serialisable `args`. Returns the call id
// (for cancel) and a promise of the host's JSON answer; failures arrive as answers
// of the form { error: { kind, message, code } } for the caller to turn into errors.
function hostCall(op, args) {
  const id = nextId++;
  const promise = new Promise_((resolve) => {
    MapPrototypeSet(pending, id, { resolve, serial: currentSerial() });
  });
  post({ id, op, args });
  return { id, promise };
}

// Tells the host to stop call `id` (its promise never settles).
function hostCancel(id) {
  if (MapPrototypeDelete(pending, id)) post({ id, op: 'cancel' });
}

// The outbox as JSON for the host, or '' when empty.
function takeOutbox() {
  if (outbox.length === 0) return '';
  const json = JSONStringify(outbox);
  outbox = [];
  return json;
}

// `json` is [[id, answer], ...] from the host.
function deliver(json) {
  const answers = JSONParse(json);
  for (let i = 0; i < answers.length; i++) {
    const [id, answer] = answers[i];
    const call = MapPrototypeGet(pending, id);
    if (call === undefined) continue;
    MapPrototypeDelete(pending, id);
    if (isLive(call.serial)) call.resolve(answer);
  }
}

// The execution ended: forget its calls and whatever it had not yet sent.
function dropHostCalls() {
  MapPrototypeClear(pending);
  outbox = [];
}

export { configureHost, hostCall, hostCancel, takeOutbox, deliver, dropHostCalls };
