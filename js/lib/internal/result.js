'use strict';
// Turning what a code block returned or threw into the JSON payload the host
// reads. Result values follow JSON.stringify; errors are classified into the
// service's error types with line/column inside the user's code.

import { LINE_OFFSET, SCRIPT_NAME as USER_SCRIPT } from './bridge.js';
import { errorTypeOf } from './errors.js';
import { isMemoryLimitError } from './memory.js';
import {
  ArrayPrototypeJoin, JSONStringify, NumberParseInt, ObjectPrototypeHasOwnProperty,
  ObjectPrototypeToString, RegExpPrototypeExec, StringPrototypeIncludes, StringPrototypeReplace, StringPrototypeSlice,
  StringPrototypeSplit, String_, TypeError_, Error_, RegExp_,
} from './primordials.js';

// `<script>:line:column` at the end of a stack frame, in the user's script.
const FRAME_LOCATION = new RegExp_(`${escapeRegExp(USER_SCRIPT)}:(\\d+):(\\d+)\\)?$`);
const NATIVE_TYPES = { SyntaxError: true, ReferenceError: true, TypeError: true, RangeError: true, URIError: true };

function escapeRegExp(text) {
  return StringPrototypeReplace(text, /[.*+?^${}()|[\]\\]/g, '\\$&');
}

function bigintReplacer(key, value) {
  return typeof value === 'bigint' ? String_(value) : value;
}

// Returns the JSON text of a result (JSON.stringify semantics; undefined -> null;
// BigInt -> decimal string, documented).
function serializeResult(value) {
  let json;
  try {
    json = JSONStringify(value);
  } catch (err) {
    if (err instanceof TypeError_ && StringPrototypeIncludes(String_(err.message), 'BigInt')) {
      json = JSONStringify(value, bigintReplacer);
    } else {
      throw resultError(err);
    }
  }
  return json === undefined ? 'null' : json;
}

function resultError(err) {
  if (err instanceof TypeError_ && StringPrototypeIncludes(String_(err.message), 'circular')) {
    const wrapped = new TypeError_(`The returned value cannot be serialised to JSON: ${err.message}`);
    wrapped.stack = err.stack;
    return wrapped;
  }
  return err;
}

// Keeps only the stack frames in the user's code, with their line numbers mapped
// back to the user's source.
function userStack(stack, header) {
  const lines = StringPrototypeSplit(stack, '\n');
  const kept = [header];
  let line;
  let column;
  for (let i = 1; i < lines.length; i++) {
    const frame = lines[i];
    if (!StringPrototypeIncludes(frame, USER_SCRIPT + ':')) continue;
    const m = RegExpPrototypeExec(FRAME_LOCATION, frame);
    if (!m) continue;
    const userLine = NumberParseInt(m[1], 10) - LINE_OFFSET;
    if (line === undefined) { line = userLine; column = NumberParseInt(m[2], 10); }
    const closing = frame[frame.length - 1] === ')' ? ')' : '';
    kept[kept.length] = `${StringPrototypeSlice(frame, 0, m.index)}${USER_SCRIPT}:` +
      `${NumberParseInt(m[1], 10) - LINE_OFFSET}:${m[2]}${closing}`;
  }
  return { stack: ArrayPrototypeJoin(kept, '\n'), line, column };
}

function safeString(value) {
  try {
    if (typeof value === 'string') return value;
    if (typeof value === 'symbol') return value.toString();
    if (value !== null && typeof value === 'object') {
      try {
        const json = JSONStringify(value);
        if (json !== undefined) return json;
      } catch { /* fall through */ }
      return ObjectPrototypeToString(value);
    }
    return String_(value);
  } catch {
    return 'a value that cannot be converted to a string';
  }
}

function readErrorFields(err) {
  // Every read may run user code (getters, proxies); anything that throws
  // degrades to a plainer description instead of failing the classification.
  let name;
  let message;
  let stack;
  try { name = String_(err.name); } catch { name = 'Error'; }
  try { message = String_(err.message); } catch { message = ''; }
  try { stack = err.stack; } catch { stack = undefined; }
  return { name, message, stack: typeof stack === 'string' ? stack : undefined };
}

function isErrorObject(value) {
  return value instanceof Error_ || (value !== null && typeof value === 'object' &&
    ObjectPrototypeToString(value) === '[object Error]');
}

// Classifies a thrown value into {type, name, message, line, column, stack}.
function describeError(thrown) {
  if (!isErrorObject(thrown)) {
    return { type: 'RuntimeError', message: safeString(thrown) };
  }
  const { name, message, stack } = readErrorFields(thrown);
  let type = errorTypeOf(thrown);
  let shownMessage = message;
  if (type === undefined) {
    if (isMemoryLimitError(thrown)) type = 'MemoryLimitError';
    else if (name === 'EvalError' && StringPrototypeIncludes(message, 'Code generation from strings disallowed')) {
      type = 'SecurityError';
      shownMessage = 'eval() and new Function() are disabled in code blocks: code generation from strings is not allowed';
    } else if (ObjectPrototypeHasOwnProperty(NATIVE_TYPES, name)) type = name;
    else type = 'RuntimeError';
  }
  const header = `${name}: ${shownMessage}`;
  const located = stack !== undefined ? userStack(stack, header) : { stack: header };
  const out = { type, name, message: shownMessage, stack: located.stack };
  if (located.line !== undefined) { out.line = located.line; out.column = located.column; }
  try {
    const code = thrown.code;
    if (typeof code === 'string') out.code = code;
  } catch { /* ignore */ }
  return out;
}

export { serializeResult, describeError };
