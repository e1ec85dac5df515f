'use strict';
// util.inspect / util.format for console output and require('util'): Node's
// formatting for the common cases (depth 2, single line up to 72 columns, then one
// entry per line). Not reproduced: Node's grouping of long numeric arrays into
// columns, and the state of a Promise (V8 does not expose it to JavaScript).

import {
  ArrayBufferIsView, ArrayIsArray, ArrayPrototypeJoin, ErrorPrototypeToString, Error_, FunctionPrototype,
  FunctionPrototypeToString, JSONStringify, MathMin, MathTrunc, NumberIsNaN, NumberParseFloat, Number_,
  ObjectGetOwnPropertyDescriptor, ObjectGetOwnPropertySymbols, ObjectGetPrototypeOf, ObjectIs, ObjectKeys,
  ObjectPrototypeHasOwnProperty, ObjectPrototypePropertyIsEnumerable, ObjectPrototypeToString, ReflectApply, SafeSet,
  SetPrototypeAdd, SetPrototypeHas, StringPrototypeSlice, String_, SymbolFor, SymbolToStringTag, Uint8Array_,
} from './primordials.js';

const DEFAULT_DEPTH = 2;
const BREAK_LENGTH = 80;
const MAX_ARRAY = 100;
const MAX_STRING = 10000;
const IDENT = /^[a-zA-Z_][a-zA-Z_0-9]*$/; // Node's keyStrRegExp
const CUSTOM_INSPECT = SymbolFor('nodejs.util.inspect.custom');

function quote(s) {
  const body = StringPrototypeSlice(JSONStringify(s), 1, -1).replace(/\\"/g, '"');
  if (!body.includes("'")) return `'${body}'`;
  if (!body.includes('"')) return `"${body}"`;
  if (!body.includes('`')) return `\`${body}\``;
  return `'${body.replace(/'/g, "\\'")}'`;
}

function keyText(key) {
  // Node 24 writes symbol keys bare (22 bracketed them), escaping as for strings.
  if (typeof key === 'symbol') {
    return StringPrototypeSlice(JSONStringify(key.toString()), 1, -1).replace(/\\"/g, '"').replace(/'/g, "\\'");
  }
  return IDENT.test(key) ? key : quote(key);
}

// The frozen realm turns `constructor` on shared prototypes into an accessor (the
// override mistake, harden.js); its getter carries the value as `originalValue`. Read
// from the descriptor only, as Node does: no user getter runs here.
function constructorOf(d) {
  if (d === undefined) return undefined;
  if ('value' in d) return d.value;
  const original = typeof d.get === 'function' ? ObjectGetOwnPropertyDescriptor(d.get, 'originalValue') : undefined;
  return original && 'value' in original ? original.value : undefined;
}

function constructorName(value) {
  let proto = ObjectGetPrototypeOf(value);
  while (proto) {
    const ctor = constructorOf(ObjectGetOwnPropertyDescriptor(proto, 'constructor'));
    if (typeof ctor === 'function' && ctor.name) return ctor.name;
    proto = ObjectGetPrototypeOf(proto);
  }
  return null;
}

// Node's formatRaw: Symbol.toStringTag is shown when it is not an own enumerable
// property and differs from the constructor's name ("SecretKeyObject [KeyObject] {}").
function toStringTagOf(value) {
  const tag = value[SymbolToStringTag];
  if (typeof tag !== 'string' || tag === '' || ObjectPrototypePropertyIsEnumerable(value, SymbolToStringTag)) return '';
  return tag;
}

function formatPrimitive(value, top) {
  switch (typeof value) {
    case 'string': {
      const shown = value.length > MAX_STRING ? `${value.slice(0, MAX_STRING)}'... ${value.length - MAX_STRING} more characters` : value;
      return top ? shown : quote(shown);
    }
    case 'number': return ObjectIs(value, -0) ? '-0' : String_(value);
    case 'bigint': return `${value}n`;
    case 'boolean': case 'undefined': return String_(value);
    case 'symbol': return value.toString();
    default: return null;
  }
}

function functionText(fn) {
  let source = '';
  try { source = FunctionPrototypeToString(fn); } catch { /* native or proxy */ }
  const isClass = source.startsWith('class');
  const kind = isClass ? 'class' : ObjectPrototypeToString(fn) === '[object AsyncFunction]' ? 'AsyncFunction'
    : ObjectPrototypeToString(fn) === '[object GeneratorFunction]' ? 'GeneratorFunction' : 'Function';
  if (isClass) {
    const base = ObjectGetPrototypeOf(fn);
    return `[class ${fn.name || '(anonymous)'}${base && base !== FunctionPrototype && base.name ? ` extends ${base.name}` : ''}]`;
  }
  return fn.name ? `[${kind}: ${fn.name}]` : `[${kind} (anonymous)]`; // Node: [Function (anonymous)]
}

// Node's reduceToSingleString with compact = 3: the three innermost levels may
// share a line when the entries fit in breakLength.
const COMPACT = 3;
function reduce(output, open, close, indent, ctx, level) {
  if (output.length === 0) return `${open}${close}`.replace(/ +(?=[\]}])/, '');
  if (ctx.currentDepth - level < COMPACT) {
    const start = output.length + indent + open.length + 10;
    let total = output.length + start;
    for (const entry of output) total += entry.length;
    if (total <= BREAK_LENGTH && !output.some((e) => e.includes('\n'))) {
      return `${open} ${ArrayPrototypeJoin(output, ', ')} ${close}`;
    }
  }
  const pad = ' '.repeat(indent + 2);
  return `${open}\n${pad}${ArrayPrototypeJoin(output, `,\n${pad}`)}\n${' '.repeat(indent)}${close}`;
}

function inspectValue(value, depth, seen, indent, top, ctx = { currentDepth: 0 }, level = 0) {
  const primitive = formatPrimitive(value, top);
  if (primitive !== null) return primitive;
  if (value === null) return 'null';
  if (typeof value === 'function' && !hasOwnEnumerable(value)) return functionText(value);
  if (SetPrototypeHas(seen, value)) return '[Circular *1]';
  try {
    const tag = ObjectPrototypeToString(value);
    if (value instanceof Error_ || tag === '[object Error]') return value.stack || ErrorPrototypeToString(value);
    if (tag === '[object Date]') return NumberIsNaN(value.getTime()) ? 'Invalid Date' : value.toISOString();
    if (tag === '[object RegExp]') return String_(value);
    const custom = value[CUSTOM_INSPECT];
    if (typeof custom === 'function' && custom !== inspectForUtil) { // Node's util.inspect.custom hook
      const shown = ReflectApply(custom, value, [depth, { depth, stylize: String_ }, inspectForUtil]);
      if (typeof shown === 'string') return shown;
      if (shown !== value) return inspectValue(shown, depth, seen, indent, false, ctx, level);
    }
    if (value instanceof Uint8Array_ && typeof value.inspect === 'function' && value.constructor?.name === 'Buffer') {
      return value.inspect(depth, {}); // with a context: Node shows a Buffer's extra properties
    }
    if (tag === '[object WeakMap]' || tag === '[object WeakSet]') return `${tag.slice(8, -1)} { <items unknown> }`;
    if (tag === '[object Promise]') return 'Promise { <pending> }';
    if (tag === '[object Symbol]' || tag === '[object Number]' || tag === '[object String]' || tag === '[object Boolean]' || tag === '[object BigInt]') {
      return `[${tag.slice(8, -1)}: ${formatPrimitive(value.valueOf(), false)}]`;
    }
    SetPrototypeAdd(seen, value);
    const next = (v) => inspectValue(v, depth - 1, seen, indent + 2, false, ctx, level + 1);
    const name = constructorName(value);
    const nullProto = ObjectGetPrototypeOf(value) === null;
    const output = [];
    let open = '{';
    let close = '}';
    let keys = ObjectKeys(value);
    if (ArrayIsArray(value) || ArrayBufferIsView(value)) {
      const typed = !ArrayIsArray(value);
      if (depth < 0) return typed ? `[${name}]` : '[Array]';
      ctx.currentDepth = level; // set after the depth check, as Node's formatRaw does
      open = typed ? `${name}(${value.length}) [` : name === 'Array' ? '[' : `${name}(${value.length}) [`;
      close = ']';
      let holes = 0;
      const n = MathMin(value.length, MAX_ARRAY);
      for (let i = 0; i < n; i++) {
        if (!typed && !ObjectPrototypeHasOwnProperty(value, i)) { holes++; continue; }
        if (holes) { output.push(`<${holes} empty item${holes > 1 ? 's' : ''}>`); holes = 0; }
        output.push(next(value[i]));
      }
      if (holes) output.push(`<${holes} empty item${holes > 1 ? 's' : ''}>`);
      if (value.length > n) output.push(`... ${value.length - n} more item${value.length - n > 1 ? 's' : ''}`);
      keys = keys.filter((k) => !/^\d+$/.test(k));
    } else if (tag === '[object Map]') {
      if (depth < 0) return '[Map]';
      ctx.currentDepth = level;
      open = `Map(${value.size}) {`;
      for (const [k, v] of value) output.push(`${next(k)} => ${next(v)}`);
    } else if (tag === '[object Set]') {
      if (depth < 0) return '[Set]';
      ctx.currentDepth = level;
      open = `Set(${value.size}) {`;
      for (const v of value) output.push(next(v));
    } else {
      if (depth < 0) return name && name !== 'Object' ? `[${name}]` : '[Object]';
      ctx.currentDepth = level;
      if (typeof value === 'function') open = `${functionText(value)} {`;
      else {
        const tag = toStringTagOf(value);
        const shownTag = tag && tag !== name ? ` [${tag}]` : '';
        if (nullProto) open = `[Object: null prototype]${shownTag} {`;
        else if ((name && name !== 'Object') || shownTag) open = `${name || 'Object'}${shownTag} {`;
      }
    }
    for (const key of keys) output.push(entry(value, key, next));
    for (const symbol of ObjectGetOwnPropertySymbols(value)) {
      if (ObjectPrototypePropertyIsEnumerable(value, symbol)) output.push(entry(value, symbol, next));
    }
    return reduce(output, open, close, indent, ctx, level);
  } catch {
    return '[object]';
  }
}

function hasOwnEnumerable(fn) { return ObjectKeys(fn).length > 0; }

function entry(value, key, next) {
  const d = ObjectGetOwnPropertyDescriptor(value, key);
  if (d && !('value' in d)) return `${keyText(key)}: ${d.get ? (d.set ? '[Getter/Setter]' : '[Getter]') : '[Setter]'}`;
  return `${keyText(key)}: ${next(value[key])}`;
}

function inspect(value, depth = 0, seen = new SafeSet()) {
  // depth argument kept for callers: 0 = top level (strings unquoted for console).
  return inspectValue(value, DEFAULT_DEPTH, seen, 0, depth === 0 && typeof value === 'string');
}

function inspectForUtil(value, options) {
  const d = options && typeof options === 'object' && typeof options.depth === 'number' ? options.depth : DEFAULT_DEPTH;
  return inspectValue(value, d === Infinity || d === null ? 1e9 : d, new SafeSet(), 0, false);
}

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
        if (c === 's') piece = typeof arg === 'string' ? arg : typeof arg === 'bigint' ? `${arg}n` : inspectValue(arg, 1, new SafeSet(), 0, false);
        else if (c === 'd' || c === 'i') piece = typeof arg === 'bigint' ? `${arg}n` : String_(c === 'i' ? MathTrunc(Number_(arg)) : Number_(arg));
        else if (c === 'f') piece = String_(NumberParseFloat(arg));
        else if (c === 'j') { try { piece = JSONStringify(arg); } catch { piece = '[Circular]'; } }
        else if (c === 'o' || c === 'O') piece = inspectValue(arg, c === 'o' ? 4 : DEFAULT_DEPTH, new SafeSet(), 0, false);
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

export { inspect, inspectForUtil, format };
