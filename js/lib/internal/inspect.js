'use strict';
// A compact value formatter for console output (util.format semantics for the
// common cases). The full util.inspect belongs to the Node API layer.

import {
  ArrayIsArray, ArrayPrototypeJoin, JSONStringify, ObjectKeys, ObjectPrototypeToString,
  ReflectApply, SafeSet, SetPrototypeAdd, SetPrototypeHas, StringPrototypeSlice, String_,
} from './primordials.js';

const MAX_DEPTH = 2;
const MAX_ITEMS = 100;
const IDENT = /^[A-Za-z_$][\w$]*$/;
const errorToString = Error.prototype.toString;

function inspect(value, depth = 0, seen = new SafeSet()) {
  switch (typeof value) {
    case 'string': return depth === 0 ? value : quote(value);
    case 'number': return ObjectIsNegZero(value) ? '-0' : String_(value);
    case 'bigint': return `${value}n`;
    case 'boolean': case 'undefined': return String_(value);
    case 'symbol': return value.toString();
    case 'function': return `[Function: ${value.name || '(anonymous)'}]`;
    default: break;
  }
  if (value === null) return 'null';
  if (SetPrototypeHas(seen, value)) return '[Circular *1]';
  try {
    if (value instanceof Error) return value.stack || ReflectApply(errorToString, value, []);
    if (value instanceof Date) return isNaN(value) ? 'Invalid Date' : value.toISOString();
    if (value instanceof RegExp) return String_(value);
    if (value instanceof Uint8Array && typeof value.inspect === 'function' && value.constructor?.name === 'Buffer') {
      return value.inspect();
    }
    SetPrototypeAdd(seen, value);
    if (ArrayIsArray(value)) {
      if (depth > MAX_DEPTH) return '[Array]';
      const items = [];
      const n = value.length < MAX_ITEMS ? value.length : MAX_ITEMS;
      for (let i = 0; i < n; i++) items[items.length] = inspect(value[i], depth + 1, seen);
      if (value.length > n) items[items.length] = `... ${value.length - n} more items`;
      return items.length ? `[ ${ArrayPrototypeJoin(items, ', ')} ]` : '[]';
    }
    if (value instanceof Map) return `Map(${value.size}) {}`;
    if (value instanceof Set) return `Set(${value.size}) {}`;
    if (depth > MAX_DEPTH) return '[Object]';
    const keys = ObjectKeys(value);
    const parts = [];
    for (let i = 0; i < keys.length && i < MAX_ITEMS; i++) {
      const key = keys[i];
      const shown = IDENT.test(key) ? key : quote(key);
      parts[parts.length] = `${shown}: ${inspect(value[key], depth + 1, seen)}`;
    }
    const tag = ObjectPrototypeToString(value);
    const prefix = tag === '[object Object]' ? '' : `${StringPrototypeSlice(tag, 8, -1)} `;
    return parts.length ? `${prefix}{ ${ArrayPrototypeJoin(parts, ', ')} }` : `${prefix}{}`;
  } catch {
    return '[object]';
  }
}

function ObjectIsNegZero(n) { return n === 0 && 1 / n < 0; }

function quote(s) { return `'${StringPrototypeSlice(JSONStringify(s), 1, -1)}'`; }

// util.format: %s %d %i %f %j %o %O %c %% placeholders, then the rest joined by spaces.
function format(args) {
  if (args.length === 0) return '';
  const first = args[0];
  let out = '';
  let next = 1;
  if (typeof first === 'string' && args.length > 1) {
    let last = 0;
    for (let i = 0; i < first.length - 1; i++) {
      if (first[i] !== '%') continue;
      const c = first[i + 1];
      let piece;
      if (c === '%') { piece = '%'; } else if (next >= args.length) { continue; } else {
        const arg = args[next];
        if (c === 's') piece = typeof arg === 'string' ? arg : inspect(arg, 1);
        else if (c === 'd' || c === 'i') piece = typeof arg === 'bigint' ? `${arg}n` : String_(c === 'i' ? Math.trunc(Number(arg)) : Number(arg));
        else if (c === 'f') piece = String_(parseFloat(arg));
        else if (c === 'j') { try { piece = JSONStringify(arg); } catch { piece = '[Circular]'; } }
        else if (c === 'o' || c === 'O') piece = inspect(arg, 1);
        else if (c === 'c') piece = '';
        else continue;
        next++;
      }
      out += StringPrototypeSlice(first, last, i) + piece;
      last = i + 2;
      i++;
    }
    out += StringPrototypeSlice(first, last);
  } else {
    out = inspect(first);
  }
  for (let i = next; i < args.length; i++) out += ' ' + inspect(args[i]);
  return out;
}

export { inspect, format };
