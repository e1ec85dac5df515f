'use strict';
// The host bridge, JS side: an encoder and a decoder for every message between the
// host (src/flow_codeblock/runtime.py) and execution.js. The host's codec is
// src/flow_codeblock/bridge.py, whose docstring declares each message's shape; both
// read one table, src/flow_codeblock/bridge_constants.json, which esbuild's JSON
// loader puts into the bundle at build time (and Node reads as a JSON module in
// tests/js/bridge.test.mjs), so no tag, field order or constant is copied by hand.
//   calls   run / take / reset / finish: '<op>\0<field>\0...'; the last field takes the rest
//   replies a payload '<tag><logs JSON>\n<body>' (tags R, E, D), '' (pending),
//           'X' (escaped), 'H<host calls JSON>', 'S<length>:<report><payload>',
//           and reports 'clean:<repairs>' / 'dirty:<reason>'.

import table from '../../../src/flow_codeblock/bridge_constants.json' with { type: 'json' };
import {
  ArrayIsArray, ArrayPrototypeJoin, JSONParse, ObjectCreate, ObjectFreeze, StringPrototypeCharCodeAt,
  StringPrototypeIndexOf, StringPrototypeSlice, StringPrototypeStartsWith, String_, TypeError_,
} from './primordials.js';

// The globals the bridge lives in: the host object, the bootstrap's init, the doorbell.
const GLOBALS = ObjectFreeze({ ...table.globals });
const SCRIPT_NAME = table.scriptName;
const LINE_OFFSET = table.lineOffset;
const SEPARATOR = table.separator;
const TAGS = ObjectFreeze({ ...table.tags });
const CLEAN = table.reports.clean;
const DIRTY = table.reports.dirty;
// op -> frozen [[field, 'text' | 'int'], ...] in wire order.
const CALLS = ObjectFreeze({
  run: freezeFields(table.calls.run), take: freezeFields(table.calls.take), reset: freezeFields(table.calls.reset),
  finish: freezeFields(table.calls.finish),
});
const PENDING = '';
const ESCAPED = TAGS.escaped;

function freezeFields(fields) {
  const out = [];
  for (let i = 0; i < fields.length; i++) out[i] = ObjectFreeze([fields[i][0], fields[i][1]]);
  return ObjectFreeze(out);
}

function malformed(what) {
  return new TypeError_(`malformed host message: ${what}`);
}

// Whether `text` is an optionally signed decimal integer.
function isInteger(text) {
  let i = text.length > 1 && StringPrototypeCharCodeAt(text, 0) === 0x2d ? 1 : 0;
  if (i === text.length) return false;
  for (; i < text.length; i++) {
    const c = StringPrototypeCharCodeAt(text, i);
    if (c < 0x30 || c > 0x39) return false;
  }
  return true;
}

// -- calls (host -> JS) ------------------------------------------------------------

// The call `message` carries, as a null-prototype record { op, <field>: value }: its
// writes meet no setter, whatever a code block did before take.
function decodeCall(message) {
  if (typeof message !== 'string') throw malformed('not a string');
  let at = StringPrototypeIndexOf(message, SEPARATOR);
  const op = at === -1 ? message : StringPrototypeSlice(message, 0, at);
  const fields = op === 'run' || op === 'take' || op === 'reset' || op === 'finish' ? CALLS[op] : undefined;
  if (fields === undefined) throw malformed(`unknown call ${StringPrototypeSlice(op, 0, 20)}`);
  const call = ObjectCreate(null);
  call.op = op;
  for (let i = 0; i < fields.length; i++) {
    if (at === -1) throw malformed(`${op}: ${i} of its ${fields.length} fields`);
    const start = at + 1;
    let text;
    if (i === fields.length - 1) {
      text = StringPrototypeSlice(message, start);
    } else {
      at = StringPrototypeIndexOf(message, SEPARATOR, start);
      text = StringPrototypeSlice(message, start, at === -1 ? message.length : at);
    }
    const name = fields[i][0];
    if (fields[i][1] === 'int') {
      if (!isInteger(text)) throw malformed(`${op}: field ${name} is not an integer`);
      call[name] = +text;
    } else {
      call[name] = text;
    }
  }
  return call;
}

function encodeCall(op, call) {
  const fields = CALLS[op];
  const parts = [op];
  for (let i = 0; i < fields.length; i++) {
    const text = String_(call[fields[i][0]]);
    if (i < fields.length - 1 && StringPrototypeIndexOf(text, SEPARATOR) !== -1) {
      throw malformed(`${op}: field ${fields[i][0]} holds the separator`);
    }
    parts[parts.length] = text;
  }
  return ArrayPrototypeJoin(parts, SEPARATOR);
}

const encodeRun = (call) => encodeCall('run', call);
const encodeTake = (call) => encodeCall('take', call);
const encodeReset = (call) => encodeCall('reset', call);
const encodeFinish = (call) => encodeCall('finish', call);

// -- replies (JS -> host) ----------------------------------------------------------

// A payload: tag R (body = the result's JSON text), E or D (body = the error record).
// `logsJson` must not hold a raw newline (JSON.stringify never writes one).
function encodePayload(tag, logsJson, body) {
  return `${tag}${logsJson}\n${body}`;
}

function decodePayload(text) {
  const tag = text[0];
  if (tag !== TAGS.result && tag !== TAGS.error && tag !== TAGS.undefinedBlock) {
    throw malformed(`payload tag ${String_(tag)}`);
  }
  const newline = StringPrototypeIndexOf(text, '\n');
  if (newline === -1) throw malformed('payload without a newline after its logs');
  const logs = JSONParse(StringPrototypeSlice(text, 1, newline));
  if (!ArrayIsArray(logs)) throw malformed('payload logs are not a list');
  return { tag, logs, body: StringPrototypeSlice(text, newline + 1) };
}

function encodeReport(clean, detail) {
  return `${clean ? CLEAN : DIRTY}${detail}`;
}

function decodeReport(text) {
  if (StringPrototypeStartsWith(text, CLEAN)) return { clean: true, detail: StringPrototypeSlice(text, CLEAN.length) };
  if (StringPrototypeStartsWith(text, DIRTY)) return { clean: false, detail: StringPrototypeSlice(text, DIRTY.length) };
  throw malformed('reset report is neither clean nor dirty');
}

// take's reply when the execution settled: the reset's report (its length in UTF-16
// code units, as JS counts) and the payload.
function encodeSettled(report, payload) {
  return `${TAGS.settled}${report.length}:${report}${payload}`;
}

// take's reply with the outbox of host calls (JSON, host.js takeOutbox).
function encodeHostCalls(callsJson) {
  return `${TAGS.hostCalls}${callsJson}`;
}

function decodeRunReply(text) {
  if (text === PENDING) return { kind: 'pending' };
  if (text === ESCAPED) return { kind: 'escaped' };
  return { kind: 'payload', payload: decodePayload(text) };
}

function decodeTakeReply(text) {
  if (text === PENDING) return { kind: 'pending' };
  if (text[0] === TAGS.hostCalls) {
    const calls = JSONParse(StringPrototypeSlice(text, 1));
    if (!ArrayIsArray(calls)) throw malformed('host calls are not a list');
    return { kind: 'hostCalls', calls };
  }
  if (text[0] !== TAGS.settled) throw malformed(`take reply tag ${String_(text[0])}`);
  const colon = StringPrototypeIndexOf(text, ':');
  const digits = colon === -1 ? '' : StringPrototypeSlice(text, 1, colon);
  if (!isInteger(digits) || StringPrototypeCharCodeAt(digits, 0) === 0x2d) throw malformed('settled reply length');
  const end = colon + 1 + +digits;
  if (end > text.length) throw malformed('settled reply shorter than its report');
  return {
    kind: 'settled', report: decodeReport(StringPrototypeSlice(text, colon + 1, end)),
    payload: decodePayload(StringPrototypeSlice(text, end)),
  };
}

// finish's reply: a report (it reset the runtime after a synchronous execution), else take's.
function decodeFinishReply(text) {
  if (StringPrototypeStartsWith(text, CLEAN) || StringPrototypeStartsWith(text, DIRTY)) {
    return { kind: 'report', report: decodeReport(text) };
  }
  return decodeTakeReply(text);
}

export {
  GLOBALS, SCRIPT_NAME, LINE_OFFSET, TAGS, PENDING, ESCAPED, CALLS,
  decodeCall, encodeRun, encodeTake, encodeReset, encodeFinish,
  encodePayload, decodePayload, encodeReport, decodeReport, encodeSettled, encodeHostCalls,
  decodeRunReply, decodeTakeReply, decodeFinishReply,
};
