"""A generated leak search over the shared realm (js/lib/internal/harden.js).

Every object reachable from the shared roots (the global object, every module a code
block can require, the intrinsics no property path reaches) is listed with a
fingerprint of what can be observed of it: its own keys and their descriptors (values
by identity), prototype, extensibility, Map and Set entries, typed array bytes. Then,
for each kind of change, execution A tries that change on every object, and execution
B on the same runtime lists and fingerprints everything again: it must equal the
baseline of a fresh runtime. A also calls every function of the modules with hostile
arguments, and B runs behaviour probes, which catches state kept in closures. The same
is done in the execution that requires each bundled module for the first time.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import httpx
import pytest

from conftest import CodeBlockClient, Server, start_server
from module_manifest import load_manifest

# Every module the manifest lets code blocks require (a module added later is searched too),
# and two of dayjs's subpaths.
_ENTRIES = [entry for entry in load_manifest() if not entry["name"].startswith("internal:")]
SHARED_MODULES = [entry["name"] for entry in _ENTRIES if entry["state"] != "per-execution"]
PER_EXECUTION_MODULES = [entry["name"] for entry in _ENTRIES if entry["state"] == "per-execution"] + [
    "dayjs/plugin/utc", "dayjs/locale/zh-cn"]
ALL_MODULES = SHARED_MODULES + PER_EXECUTION_MODULES

# The walk, as JS source: `roots(require)` and `walk(roots)` (a list of [path, object]).
WALK = r"""
const SKIP = new Set(['SECRET_SKIP']);
let handedOut = []; // hiddenRoots' sample of objects the layer and the modules hand out
function hiddenRoots() {
  const p = Object.getPrototypeOf;
  const list = [
    ['%AsyncFunction%', p(async function () {})], ['%GeneratorFunction%', p(function* () {})],
    ['%AsyncGeneratorFunction%', p(async function* () {})], ['%ArrayIterator%', p([][Symbol.iterator]())],
    ['%MapIterator%', p(new Map()[Symbol.iterator]())], ['%SetIterator%', p(new Set()[Symbol.iterator]())],
    ['%StringIterator%', p(''[Symbol.iterator]())], ['%RegExpStringIterator%', p('a'.matchAll(/a/g))],
    ['%TypedArray%', p(Uint8Array)], ['%IteratorHelper%', p([].values().map((x) => x))],
    ['%Segments%', p(new Intl.Segmenter().segment('a'))],
    ['%ThrowTypeError%', Object.getOwnPropertyDescriptor(function () { 'use strict'; return arguments; }(), 'callee').get],
    ['%ErrorStack%.get', Object.getOwnPropertyDescriptor(new Error('e'), 'stack').get],
    ['%ErrorStack%.set', Object.getOwnPropertyDescriptor(new Error('e'), 'stack').set],
  ];
  const prepare = Error.prepareStackTrace;
  Error.prepareStackTrace = (e, frames) => frames;
  const frames = new Error().stack;
  Error.prepareStackTrace = prepare;
  list.push(['%CallSite%', p(frames[0])]);
  // Objects the layer and the modules hand out whose prototypes no property path
  // reaches: their prototypes (the instances themselves are the execution's own).
  const instances = [['timer', setTimeout(() => {}, 1e9)], ['immediate', setImmediate(() => {})]];
  try { require('fs') } catch (e) { instances.push(['SecurityError', e]); }
  try { new ArrayBuffer(2 ** 40) } catch (e) { instances.push(['ArrayBufferLimitError', e]); }
  const _ = require('lodash');
  let stack;
  _.isEqualWith({ a: [1] }, { a: [1] }, (a, b, k, o, s2, s) => { if (s) stack = s; });
  instances.push(['LodashWrapper', _.chain([])], ['LazyWrapper', _([1, 2]).map((x) => x).take(1).__wrapped__],
    ['Hash', _.memoize((x) => x).cache.__data__.hash], ['Stack', stack], ['ListCache', stack.__data__]);
  const url = require('url');
  const it = new url.URLSearchParams('a=1').entries();
  const itKeys = new url.URL('http://a/?b').searchParams.keys();
  instances.push(['usp-iterator', it], ['URLSearchParamsImpl', it[Object.getOwnPropertySymbols(it)[0]].target],
    ['URLImpl', itKeys[Object.getOwnPropertySymbols(itKeys)[0]].target._url]);
  const crypto = require('crypto');
  instances.push(['Cipheriv', crypto.createCipheriv('aes-128-ecb', Buffer.alloc(16), null)],
    ['Hash', crypto.createHash('sha256')], ['Hmac', crypto.createHmac('sha256', 'k')],
    ['KeyObject', crypto.createSecretKey(Buffer.alloc(16))]);
  const ec = crypto.generateKeyPairSync('ec', { namedCurve: 'P-256' });
  instances.push(['PublicKeyObject', ec.publicKey], ['PrivateKeyObject', ec.privateKey],
    ['ECDH', crypto.createECDH('prime256v1')], ['Sign', crypto.createSign('sha256')], ['Verify', crypto.createVerify('sha256')]);
  // WebCrypto's classes and crypto.subtle are accessors (the walk records getters, not what they give).
  list.push(['CryptoKey', CryptoKey], ['SubtleCrypto', SubtleCrypto], ['subtle', crypto.subtle]);
  instances.push(['headers-iterator', new Headers([['a', '1']]).entries()], ['Response', new Response('x')],
    ['Request', new Request('http://a/')], ['Blob', new Blob(['x'])], ['FormData', new FormData()]);
  instances.push(['TextDecoder', new TextDecoder()], ['StringDecoder', new (require('string_decoder').StringDecoder)()]);
  const dateFns = require('date-fns');
  instances.push(['Setter', dateFns.parsers.T.run('0', 'T', undefined, {}).setter]);
  const stream = require('stream');
  const readable = new stream.Readable({ read() {} });
  const writable = new stream.Writable({ write(c, e, cb) { cb(); } });
  instances.push(['readable-iterator', readable[Symbol.asyncIterator]()], ['BufferList', readable._readableState.buffer],
    ['Duplexify', stream.Duplex.from({ readable, writable })], ['events-on', require('events').on(readable, 'x')]);
  let controllers = [];
  const rs = new ReadableStream({ start(c) { controllers.push(c); } });
  new ReadableStream({ type: 'bytes', start(c) { controllers.push(c); } });
  new TransformStream({ start(c) { controllers.push(c); } });
  new WritableStream({ start(c) { controllers.push(c); } });
  instances.push(['web-iterator', rs.values()], ['reader', new ReadableStream().getReader()],
    ['byob-reader', new ReadableStream({ type: 'bytes' }).getReader({ mode: 'byob' })],
    ['writer', new WritableStream().getWriter()], ...controllers.map((c, i) => ['controller-' + i, c]));
  for (const [name, instance] of instances) list.push(['proto-of-' + name, p(instance)]);
  handedOut = instances;
  return list;
}

function walk(roots) {
  const seen = new Map();
  const out = [];
  const queue = roots.slice();
  for (let i = 0; i < queue.length && out.length < 300000; i++) {
    const [path, obj] = queue[i];
    if (obj === null || (typeof obj !== 'object' && typeof obj !== 'function') || seen.has(obj)) continue;
    seen.set(obj, out.length);
    out.push([path, obj]);
    queue.push([path + '.__proto__', Object.getPrototypeOf(obj)]);
    for (const key of Reflect.ownKeys(obj)) {
      const d = Object.getOwnPropertyDescriptor(obj, key);
      if (!d) continue;
      const name = path + '.' + String(key);
      if ('value' in d) queue.push([name, d.value]);
      else { queue.push([name + '<get>', d.get]); queue.push([name + '<set>', d.set]); }
    }
  }
  return { list: out, ids: seen };
}

function describeValue(v, ids) {
  if (v === null || (typeof v !== 'object' && typeof v !== 'function')) {
    return typeof v === 'symbol' ? 'sym:' + String(v.description) : typeof v + ':' + String(v).slice(0, 64);
  }
  const id = ids.get(v);
  return id === undefined ? 'new-object' : '#' + id;
}

function hash(text, h) {
  for (let i = 0; i < text.length; i++) h = (Math.imul(h, 31) + text.charCodeAt(i)) | 0;
  return h;
}

function fingerprint(obj, ids) {
  let h = hash(String(Object.isExtensible(obj)) + describeValue(Object.getPrototypeOf(obj), ids), 7);
  for (const key of Reflect.ownKeys(obj)) {
    if (key === 'timeOrigin') continue; // the runtime's creation time
    const d = Object.getOwnPropertyDescriptor(obj, key);
    h = hash(String(key) + '|' + d.writable + d.enumerable + d.configurable + '|' +
      ('value' in d ? describeValue(d.value, ids) : describeValue(d.get, ids) + describeValue(d.set, ids)), h);
  }
  try { Map.prototype.forEach.call(obj, (v, k) => { h = hash(describeValue(k, ids) + describeValue(v, ids), h); }); } catch {}
  try { Set.prototype.forEach.call(obj, (v) => { h = hash(describeValue(v, ids), h); }); } catch {}
  try { if (ArrayBuffer.isView(obj)) for (let i = 0; i < obj.byteLength; i++) h = (h * 31 + new Uint8Array(obj.buffer, obj.byteOffset, obj.byteLength)[i]) | 0; } catch {}
  try { h = hash(String(Date.prototype.getTime.call(obj)), h); } catch {}
  try { h = hash(String(Object.getOwnPropertyDescriptor(RegExp.prototype, 'source').get.call(obj)), h); } catch {}
  return h;
}
"""


def roots_source(modules: list[str]) -> str:
    requires = ", ".join(f"[{json.dumps('require:' + m)}, require({json.dumps(m)})]" for m in modules)
    return f"const roots = [['globalThis', globalThis], {requires}, ...hiddenRoots()];"


FINGERPRINTS = WALK + roots_source(ALL_MODULES) + """
const { list, ids } = walk(roots);
return list.map(([path, obj]) => [path, fingerprint(obj, ids)]);
"""

# Behaviour that depends on state a module keeps in closures.
PROBES = """
const _ = require('lodash'); const dateFns = require('date-fns'); const XLSX = require('xlsx');
const tz = require('date-fns-tz'); const qs = require('qs'); const util = require('util');
const CryptoJS = require('crypto-js'); const pinyin = require('pinyin'); const events = require('events');
const wb = XLSX.utils.book_new();
XLSX.utils.book_append_sheet(wb, XLSX.utils.aoa_to_sheet([[1.5, new Date(Date.UTC(2024, 0, 2)), 'x']]), 'S');
const read = XLSX.read(XLSX.write(wb, { type: 'base64', bookType: 'xlsx' }), { type: 'base64' });
return {
  lodash: [_.uniqueId('p'), _.get({ a: { b: 1 } }, 'a.b'), _.chain([3, 1]).sortBy().value(), typeof _.mixinProbe],
  dateFns: [dateFns.format(new Date(2024, 0, 3), 'yyyy-MM-dd EEEE'), dateFns.startOfWeek(new Date(2024, 0, 3)).getDay(),
    JSON.stringify(dateFns.getDefaultOptions())],
  tz: tz.formatInTimeZone(new Date(Date.UTC(2024, 0, 1)), 'Asia/Shanghai', 'yyyy-MM-dd HH:mm XXX'),
  xlsx: [XLSX.utils.sheet_to_csv(read.Sheets.S), XLSX.SSF.format('0.00', 1.5), XLSX.SSF.format(14, 45000)],
  qs: [qs.stringify({ a: [1, 2], b: { c: 'd' } }), JSON.stringify(qs.parse('a[b]=c&d=e'))],
  util: [util.inspect({ a: [1, { b: 2 }] }), util.format('%s=%d', 'x', 1)],
  crypto: [CryptoJS.AES.decrypt(CryptoJS.AES.encrypt('m', 'k').toString(), 'k').toString(CryptoJS.enc.Utf8),
    CryptoJS.SHA256('x').toString(), require('crypto').createHash('md5').update('x').digest('hex')],
  pinyin: [pinyin('中文'), pinyin('我们长大了银行行长重庆人', { segment: 'segmentit', group: true })],
  events: [events.defaultMaxListeners, new events().getMaxListeners()],
  url: [new URL('http://a.example/x?y=1').href, require('url').format(new URL('http://b.example'))],
  buffer: [Buffer.poolSize, Buffer.from('hi').toString('base64')],
  error: [Error.stackTraceLimit, typeof Error.prepareStackTrace, new Error('e').stack.split('\\n')[0]],
  timer: [+setTimeout(() => {}, 1e9)],
  process: [JSON.stringify(process.env), process.exitCode === undefined],
};
"""

SECRET = "LEAK-SECRET-of-A"

# Changes tried on every object: JS statements over `obj` (and `keys`, its own keys).
MUTATIONS = {
    "set": "obj.__leak = SECRET; obj[Symbol.for('leak')] = SECRET;",
    "define": "Object.defineProperty(obj, '__leak', { value: SECRET, configurable: true, enumerable: true });"
              " Object.defineProperty(obj, Symbol.for('leak'), { value: SECRET, configurable: true });",
    "overwrite": "for (const k of keys) { try { obj[k] = SECRET } catch {} try { obj[k] = 7 } catch {} }",
    "redefine": "for (const k of keys) { try { Object.defineProperty(obj, k, { value: SECRET }) } catch {}"
                " try { Object.defineProperty(obj, k, { get() { return SECRET }, configurable: true }) } catch {} }",
    "delete": "for (const k of keys) { try { delete obj[k] } catch {} }",
    "prototype": "Object.setPrototypeOf(obj, { leak: SECRET });",
    "prototype-via-proxy": "Object.setPrototypeOf(new Proxy(obj, {}), { leak: SECRET });",
    "non-extensible": "Object.preventExtensions(obj);",
    "collections": "try { Map.prototype.set.call(obj, '__leak', SECRET) } catch {}"
                   " try { Set.prototype.add.call(obj, SECRET) } catch {} try { Map.prototype.clear.call(obj) } catch {}"
                   " try { Set.prototype.clear.call(obj) } catch {} try { Date.prototype.setTime.call(obj, 7) } catch {}",
    "typed-array": "if (ArrayBuffer.isView(obj)) { for (let i = 0; i < obj.length; i++) obj[i] = 7 }"
                   " try { ArrayBuffer.prototype.transfer.call(obj) } catch {}",
    "call-apply-bind-toString": "for (const k of ['call', 'apply', 'bind', 'toString', 'valueOf', 'constructor']) {"
                                " try { obj[k] = function () { return SECRET } } catch {} }",
}

# Left unfrozen by design: any change to them retires the runtime (tested on their own).
UNFROZEN = "new Set([globalThis, Promise.prototype])"


def mutation_code(kinds: list[str], modules: list[str]) -> str:
    changes = "\n  ".join(f"try {{ {MUTATIONS[kind]} }} catch {{}}" for kind in kinds)
    return WALK + roots_source(modules) + f"""
const SECRET = {json.dumps(SECRET)};
const skip = {UNFROZEN};
const {{ list }} = walk(roots);
let tried = 0;
for (const [, obj] of list) {{
  if (skip.has(obj)) continue;
  const keys = Reflect.ownKeys(obj);
  {changes}
  tried++;
}}
return tried;
"""


# Calls every function of the shared modules with hostile arguments: setters of
# closure state (setDefaultOptions, SSF.load, stream.set_readable...) among them.
CALL_EVERYTHING_TEMPLATE = WALK + roots_source(SHARED_MODULES) + r"""
const SECRET = 'LEAK-SECRET-of-A';
const hostile = HOSTILE;
const { list } = walk(roots.slice(1));
let called = 0;
// Timers, and functions that loop until the deadline on these arguments (as in Node).
// (By path: bundled functions have minified names.)
const skipNames = /\.(setTimeout|setInterval|setImmediate|delay|defer|debounce|throttle|times|range|rangeRight|repeat|padStart|padEnd|pad|sheet_add_aoa|aoa_to_sheet|_inflateRaw)$/;
for (const [path, fn] of list) {
  if (typeof fn !== 'function' || skipNames.test(path)) continue;
  if (/(pinyin|crypto|generateKeyPair|scrypt|pbkdf2|prime)/i.test(path)) continue; // slow by design
  for (const args of ARGUMENTS) {
    try { fn(...args); called++; } catch {}
  }
}
return called;
"""
def call_everything(hostile: str, arguments: str) -> str:
    return CALL_EVERYTHING_TEMPLATE.replace("HOSTILE", hostile).replace("ARGUMENTS", arguments)


HOSTILE = "{ toString() { return SECRET }, valueOf() { return 7 }, locale: { code: SECRET }, weekStartsOn: 3 }"
# The same calls with arguments whose every use, once the execution has returned, plants a
# global: accessors, valueOf and toString, and an own "__proto__" key that makes a
# library's copy by assignment inherit from a Proxy. A library that keeps such an
# argument in its closures would run the trap in the reset or in a later execution.
TRAPPED = r"""(() => {
  let ended = false;
  Promise.resolve().then(() => { ended = true; });
  const plant = (where) => {
    if (!ended) return;
    globalThis.__trap = where;  // seen by the execution it runs in
    Promise.resolve().then(() => { globalThis.__trap = where; });  // and after a reset it runs in
  };
  const proxy = new Proxy({}, new Proxy({}, { get(_, name) {  // every trap plants
    return (...args) => { plant('proto<' + String(name) + '>'); return Reflect[name](...args); };
  } }));
  const trapped = JSON.parse('{"__proto__": {}, "weekStartsOn": 3}');
  trapped.__proto__ = proxy;  // the own key's value: a Proxy for whoever copies it by assignment
  for (const key of ['locale', 'code', 'toString', 'valueOf', 'then', 'length', 'constructor']) {
    let value = key === 'toString' ? () => SECRET : key === 'valueOf' ? () => 7 : undefined;
    Object.defineProperty(trapped, key, { get() { plant(key); return value; }, set(v) { value = v; }, enumerable: true });
  }
  return trapped;
})()"""


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    srv = start_server(str(tmp_path_factory.mktemp("leaks")), runtime_pool_size=1, min_runtime_pool_size=1,
                       max_runtime_pool_size=1, execution_timeout_ms=120_000, runtime_memory_limit_mb=1024,
                       max_result_size=64 * 1024 * 1024)
    yield srv
    srv.stop()


@pytest.fixture(scope="module")
def cb(server: Server) -> Iterator[CodeBlockClient]:
    with server.client(timeout=180) as http:
        yield CodeBlockClient(http)


def rebuilt(server: Server) -> int:
    return int(httpx.get(f"{server.url}/flow/health").json()["pool"]["rebuiltTotal"])


def fresh_runtime(server: Server, cb: CodeBlockClient) -> None:
    """Retires the runtime (a change to Promise.prototype.then does): the next execution gets a new one."""
    before = rebuilt(server)
    cb.ok("Promise.prototype.then = null; return 1")
    assert rebuilt(server) == before + 1


def fingerprints(cb: CodeBlockClient) -> dict[str, int]:
    return dict(cb.ok(FINGERPRINTS))


def differences(before: dict[str, Any], after: dict[str, Any]) -> list[str]:
    changed = [path for path in before if after.get(path) != before[path]]
    added = [path for path in after if path not in before]
    return sorted(changed + added)[:20]


@pytest.fixture(scope="module")
def baseline(server: Server, cb: CodeBlockClient) -> dict[str, Any]:
    fresh_runtime(server, cb)
    first = fingerprints(cb)
    probes = cb.ok(PROBES)
    # Deterministic: a second listing on the same runtime is identical.
    assert differences(first, fingerprints(cb)) == []
    assert len(first) > 3000, len(first)
    return {"fingerprints": first, "probes": probes}


@pytest.mark.parametrize("kind", list(MUTATIONS))
def test_no_change_survives(server: Server, cb: CodeBlockClient, baseline: dict[str, Any], kind: str) -> None:
    before = rebuilt(server)
    tried = cb.ok(mutation_code([kind], ALL_MODULES))
    assert tried > 3000
    assert rebuilt(server) == before, "the change retired the runtime: B would not share A's runtime"
    assert differences(baseline["fingerprints"], fingerprints(cb)) == []
    assert cb.ok(PROBES) == baseline["probes"]


def test_no_closure_state_survives(server: Server, cb: CodeBlockClient, baseline: dict[str, Any]) -> None:
    before = rebuilt(server)
    assert cb.ok(call_everything(HOSTILE, "[[SECRET], [hostile], [SECRET, hostile], [0, SECRET]]")) > 1000
    assert rebuilt(server) == before
    assert cb.ok(PROBES) == baseline["probes"]
    assert differences(baseline["fingerprints"], fingerprints(cb)) == []


def test_no_argument_kept_by_a_module_is_used_after_the_execution(server: Server, cb: CodeBlockClient,
                                                                  baseline: dict[str, Any]) -> None:
    before = rebuilt(server)
    # The trapped argument alone comes last: a later call must not replace what it left.
    assert cb.ok(call_everything(TRAPPED, "[[SECRET, hostile], [hostile]]")) > 1000
    assert rebuilt(server) == before
    probes, trap = cb.ok(f"const probes = (() => {{ {PROBES} }})(); return [probes, typeof __trap === 'undefined' ? 'clean' : __trap]")
    assert trap == "clean"
    assert probes == baseline["probes"]


def test_regexp_methods_cannot_be_replaced_even_for_a_moment(cb: CodeBlockClient) -> None:
    """RegExp.prototype was left unfrozen and checked at the reset, which does not see a change
    put back before the execution returns. Meanwhile shared modules ran through it: lodash's
    memo of parsed paths and pinyin's splitter kept what a replaced @@replace or @@split gave,
    and a replaced `test` was handed regexes lodash and util.inspect keep in closures, on which
    the code then put a `test` of its own. It is frozen now: nothing can be replaced."""
    code = r"""'use strict';
    const keys = Reflect.ownKeys(RegExp.prototype);
    const refused = keys.filter((key) => {
      try { Object.defineProperty(RegExp.prototype, key, { value: 1 }); return false; } catch { return true; }
    });
    let added = true;
    try { RegExp.prototype.added = 1; } catch { added = false; }
    return [keys.length > 15, refused.length === keys.length, added, Object.isFrozen(RegExp.prototype)]"""
    assert cb.ok(code) == [True, True, False, True]


@pytest.mark.parametrize("module", SHARED_MODULES + PER_EXECUTION_MODULES)
def test_no_change_survives_from_a_first_require(server: Server, cb: CodeBlockClient, baseline: dict[str, Any],
                                                 module: str) -> None:
    fresh_runtime(server, cb)
    before = rebuilt(server)
    # The first execution to require the module on this runtime changes everything it reaches.
    cb.ok(mutation_code(["set", "overwrite", "redefine", "delete", "prototype", "call-apply-bind-toString"], [module]))
    assert rebuilt(server) == before
    assert differences(baseline["fingerprints"], fingerprints(cb)) == []


def test_the_unfrozen_objects_retire_the_runtime_when_changed(server: Server, cb: CodeBlockClient) -> None:
    changes = ["Promise.prototype.then = function () {}", "Object.freeze(Promise.prototype)", "Promise.prototype.then = null"]
    for change in changes:
        before = rebuilt(server)
        cb.ok(f"{change}; return 1")
        assert rebuilt(server) == before + 1, change
        assert cb.ok("const P = Promise.prototype;"
                     " return [Object.getOwnPropertyDescriptor(P, 'then').writable, P.then === Promise.resolve().then]") == [
            True, True]


RECOMPILE_EVERY_REGEXP = WALK + roots_source(ALL_MODULES) + f"""
const {{ list }} = walk(roots);
let regexps = 0;
for (const [, obj] of list) {{
  if (Object.prototype.toString.call(obj) !== '[object RegExp]' || obj === RegExp.prototype) continue;
  regexps++;
  try {{ RegExp.prototype.compile.call(obj, {json.dumps(SECRET)}, 'y') }} catch {{}}
}}
return regexps;
"""


def test_a_recompiled_shared_regexp_retires_the_runtime(server: Server, cb: CodeBlockClient,
                                                        baseline: dict[str, Any]) -> None:
    """RegExp.prototype.compile changes a frozen RegExp's pattern and flags before it
    fails on its read-only lastIndex: that cannot be put back, so the runtime retires."""
    before = rebuilt(server)
    assert cb.ok(RECOMPILE_EVERY_REGEXP) >= 3  # lodash's templateSettings at least
    assert rebuilt(server) == before + 1
    assert differences(baseline["fingerprints"], fingerprints(cb)) == []


# After its result, an execution booby-traps what it was handed and what it passes: every
# property of each object becomes an accessor, its prototype a Proxy, its arguments objects
# with valueOf and toString, each of which queues a promise reaction that plants a global.
# A trap that fires in the reset (or in a later execution) would run that reaction after
# the reset, with nothing left to undo it: the next execution must find no plant.
TRAP_EVERYTHING = WALK + roots_source(ALL_MODULES) + r"""
walk(roots);
const plant = (where) => Promise.resolve().then(() => { globalThis.__trap = where; });
const trap = (where) => ({
  valueOf() { plant(where + '.valueOf'); return 1; }, toString() { plant(where + '.toString'); return 'x'; },
  get then() { plant(where + '.then'); return undefined; },
});
const proxyHandler = (where) => new Proxy({}, { get(_, name) {
  return (...args) => { plant(where + '<' + String(name) + '>'); return Reflect[name](...args); };
} });
const NAMES = ['_generation', '_cell', '_serial', '_id', '_destroyed', '_repeat', '_onTimeout', '_idleTimeout',
  '_timerArgs', '_onImmediate', '_argv', '_ref', 'then', 'constructor', 'length', 'buffer', 'signal', 'aborted',
  Symbol.toPrimitive, Symbol.iterator, Symbol.asyncIterator, Symbol.species];
function arm(mode) {
  const cell = new Int32Array(new SharedArrayBuffer(8));
  const own = [['timeout', setTimeout(() => {}, 1e6)], ['interval', setInterval(() => {}, 1e6)],
    ['immediate', setImmediate(() => {})], ['timeout-trapped-delay', setTimeout(() => {}, trap('delay'))],
    ['controller', new AbortController()], ['emitter', new (require('events'))()], ['cell', cell]];
  Atomics.waitAsync(cell, trap('wait-index'), 0, 1e6);
  Atomics.waitAsync(cell, 1, trap('wait-value'), trap('wait-timeout'));
  try { clearTimeout(trap('clear')); } catch {}
  let armed = 0;
  for (const [name, obj] of own.concat(handedOut)) {
    const keys = new Set([...Reflect.ownKeys(obj), ...NAMES]);
    for (const key of keys) {
      const d = Object.getOwnPropertyDescriptor(obj, key);
      if (d && !d.configurable) continue;
      let value = d && 'value' in d ? d.value : trap(name + '.' + String(key));
      const where = mode + ':' + name + '.' + String(key);
      try {
        Object.defineProperty(obj, key, { configurable: true,
          get() { plant(where + '<get>'); return value; }, set(v) { plant(where + '<set>'); value = v; } });
        armed++;
      } catch {}
    }
    try { Object.setPrototypeOf(obj, new Proxy(Object.getPrototypeOf(obj) ?? {}, proxyHandler(mode + ':' + name))); } catch {}
  }
  return armed;
}
"""


@pytest.mark.parametrize("when", ["after a synchronous result", "after an asynchronous result"])
def test_no_trap_runs_after_the_execution(server: Server, cb: CodeBlockClient, when: str) -> None:
    before = rebuilt(server)
    if when == "after a synchronous result":
        armed = cb.ok(TRAP_EVERYTHING + "Promise.resolve().then(() => arm('sync')); return arm('during');")
    else:  # a chain long enough to arm after the result settled
        armed = cb.ok(TRAP_EVERYTHING + "let p = Promise.resolve(); for (let i = 0; i < 20; i++) p = p.then(() => {});"
                                         " p.then(() => arm('async')); await null; return arm('during');")
    assert armed > 500
    assert rebuilt(server) == before, "the traps retired the runtime: the next execution would not share it"
    assert cb.ok("return typeof __trap === 'undefined' ? 'clean' : __trap") == "clean"
    assert cb.ok("await new Promise((r) => setTimeout(r, 5)); return typeof __trap === 'undefined' ? 'clean' : __trap") == "clean"


# Calls every function reachable from the roots, on a receiver of the kind it expects,
# twice; walks what each call returns or throws. An object reached from both calls is
# shared (a prototype, a cached object): it must be frozen. Finds prototypes no
# property path reaches (Date.prototype.toTemporalInstant once handed out Temporal's).
HANDED_OUT = WALK + roots_source(ALL_MODULES) + r"""
// Unfrozen by design: the global object and Promise.prototype (checked
// instead), and the holders of per-execution slots (non-extensible, some properties writable).
const allowed = new Set([globalThis, Promise.prototype, process, console, Error, Buffer]);
const perExecutionRoots = new Set(PER_EXECUTION.map((name) => 'require:' + name));
// The root a path starts from (module names have dots: decimal.js).
const rootOf = (path) => [...perExecutionRoots].find((root) => path === root || path.startsWith(root + '.')) ?? '';
const samples = new Map();
const sample = (C, make) => { try { if (C && C.prototype) samples.set(C.prototype, make) } catch {} };
for (const [C, make] of [
  [Date, () => new Date(0)], [Map, () => new Map([[1, 2]])], [Set, () => new Set([1])], [WeakMap, () => new WeakMap()],
  [WeakSet, () => new WeakSet()], [RegExp, () => /a(b)/g], [Promise, () => Promise.resolve(1)], [Array, () => [1, 'a']],
  [String, () => 'ab'], [Number, () => 1.5], [Boolean, () => true], [Symbol, () => Symbol('s')], [BigInt, () => 1n],
  [ArrayBuffer, () => new ArrayBuffer(8)], [SharedArrayBuffer, () => new SharedArrayBuffer(8)],
  [DataView, () => new DataView(new ArrayBuffer(8))], [Uint8Array, () => new Uint8Array(4)],
  [Float64Array, () => new Float64Array(2)], [Error, () => new Error('e')], [TypeError, () => new TypeError('e')],
  [Function, () => function f(a) { return a }], [Object, () => ({ a: 1 })], [Buffer, () => Buffer.from('ab')],
  [URL, () => new URL('http://a/b?c=1')], [URLSearchParams, () => new URLSearchParams('a=1')],
  [Headers, () => new Headers([['a', '1']])], [Request, () => new Request('http://a/')], [Response, () => new Response('x')],
  [Blob, () => new Blob(['x'])], [TextEncoder, () => new TextEncoder()], [TextDecoder, () => new TextDecoder()],
  [EventTarget, () => new EventTarget()], [AbortController, () => new AbortController()], [WeakRef, () => new WeakRef({})],
  [Intl.DateTimeFormat, () => new Intl.DateTimeFormat('en')], [Intl.NumberFormat, () => new Intl.NumberFormat('en')],
  [Intl.Collator, () => new Intl.Collator('en')], [Intl.Segmenter, () => new Intl.Segmenter('en')],
  [Intl.PluralRules, () => new Intl.PluralRules('en')], [Intl.Locale, () => new Intl.Locale('en')],
  [Intl.ListFormat, () => new Intl.ListFormat('en')], [Intl.RelativeTimeFormat, () => new Intl.RelativeTimeFormat('en')],
  [Intl.DisplayNames, () => new Intl.DisplayNames('en', { type: 'region' })],
  [FinalizationRegistry, () => new FinalizationRegistry(() => {})], [DisposableStack, () => new DisposableStack()],
  [FormData, () => { const form = new FormData(); form.append('a', '1'); return form; }],
]) sample(C, make);
// A hex string that is also a valid SM2 public key (what sm2.precomputePublicKey takes).
const HEX = require('sm-crypto-v2').sm2.getPublicKeyFromPrivateKey(
  '3945208f7b2144b13f36e38ac6d39f95889393692860b51a42fb81ef4df7c5b8');
const receiverFor = (holder) => {
  for (let p = holder; p !== null; p = Object.getPrototypeOf(p)) {
    const make = samples.get(p);
    if (make) return make();
  }
  return holder;
};
const { list } = walk(roots);
const skip = /\.(setTimeout|setInterval|setImmediate|delay|defer|debounce|throttle|times|range|rangeRight|repeat|padStart|padEnd|pad|sheet_add_aoa|aoa_to_sheet|_inflateRaw|wait|waitAsync|pause|exit|abort|generateKeyPairSync|generateKeyPair|scryptSync|scrypt|pbkdf2Sync|pbkdf2)(<get>|<set>)?$/;
const holders = new Map();
for (const [path, obj] of list) {
  for (const key of Reflect.ownKeys(obj)) {
    const d = Object.getOwnPropertyDescriptor(obj, key);
    for (const fn of d ? ('value' in d ? [d.value] : [d.get, d.set]) : []) {
      if (typeof fn === 'function' && !holders.has(fn)) holders.set(fn, [obj, path + '.' + String(key)]);
    }
  }
}
const reach = (value, into) => {
  const queue = [value];
  for (let i = 0; i < queue.length && i < 400; i++) {
    const o = queue[i];
    if (o === null || (typeof o !== 'object' && typeof o !== 'function') || into.has(o)) continue;
    into.add(o);
    // Not into the objects left unfrozen: sloppy library functions called without a
    // receiver write on the global object, which the reset puts back.
    if (allowed.has(o)) continue;
    queue.push(Object.getPrototypeOf(o));
    for (const key of Reflect.ownKeys(o)) {
      const d = Object.getOwnPropertyDescriptor(o, key);
      if (d && 'value' in d) queue.push(d.value);
    }
  }
};
const found = new Map();
let calls = 0;
for (const [fn, [holder, path]] of holders) {
  if (skip.test(path) || /pinyin|require:crypto\./.test(path) || perExecutionRoots.has(rootOf(path))) continue;
  const seen = [new Set(), new Set()];
  for (const round of [0, 1]) {
    for (const self of [receiverFor(holder), undefined]) {
      for (const args of [[], ['a'], [1, 2], [HEX]]) {
        let out;
        try { out = Reflect.apply(fn, self, args); } catch (e) { out = e; }
        reach(out, seen[round]);
        calls++;
      }
    }
  }
  // The number-format table SheetJS hands out is its state, replaced by a new object at
  // every reset (shared_modules.js): the execution's own.
  if (/xlsx\.SSF\.get_table/.test(path)) continue;
  for (const o of seen[0]) {
    if (seen[1].has(o) && !Object.isFrozen(o) && !allowed.has(o) && !found.has(o)) {
      found.set(o, path + ' -> ' + (typeof o === 'function' ? 'function ' + o.name : Object.prototype.toString.call(o)) +
        ' keys ' + Reflect.ownKeys(o).slice(0, 5).map(String).join(','));
    }
  }
}
return { calls, unfrozen: [...found.values()].slice(0, 40) };
"""


def test_nothing_handed_out_is_shared_and_unfrozen(cb: CodeBlockClient) -> None:
    outcome = cb.ok(f"const PER_EXECUTION = {json.dumps(PER_EXECUTION_MODULES)};" + HANDED_OUT)
    assert outcome["calls"] > 20000
    assert outcome["unfrozen"] == [], outcome
