"""Nothing from one execution is observable in the next on the same runtime.

These use a service with a single runtime, so consecutive executions share it. The
shared realm is frozen (js/lib/internal/harden.js); what stays writable is
per-execution state, put back after every execution (js/lib/internal/per_execution.js).
The reproducers of the hardening issue and the generated leak search are in
tests/security/.
"""

from __future__ import annotations

import pytest

from conftest import CodeBlockClient

PROBE = """
return {
  leaked: typeof globalThis.leaked,
  implicit: typeof implicitGlobal,
  arraySum: typeof [].sum,
  objectExtra: typeof ({}).extra,
  mapResult: [1, 2].map(x => x * 2),
  jsonType: typeof JSON.stringify,
  mathMax: Math.max(1, 3),
  stringUpper: 'a'.toUpperCase(),
  promiseThen: typeof Promise.prototype.then,
  consoleLog: typeof console.log,
  setTimeoutType: typeof setTimeout,
  dateNow: typeof Date.now(),
  errorLimit: Error.stackTraceLimit,
  prepare: typeof Error.prepareStackTrace,
  uint8: new Uint8Array(2).length,
  arrayProto: Object.getPrototypeOf([]) === Array.prototype,
  symbolIterator: [...[1, 2]].length,
  mapFnName: [].map.name,
  mapSize: new Map([[1, 1]]).size,
  objectSymbols: Object.getOwnPropertySymbols(Object.prototype).length,
  arrayStack: Object.prototype.hasOwnProperty.call(Array.prototype, 'stack'),
  getterOnMath: Object.getOwnPropertyDescriptor(Math, 'PI').value,
  hasMap: typeof Array.prototype.map,
  buffer: [Buffer.from('hi').toString(), typeof Buffer.prototype.extra, typeof Buffer.alloc],
  protoChains: [Object.getPrototypeOf(Array.prototype) === Object.prototype,
    Object.getPrototypeOf(Function.prototype) === Object.prototype],
  enumerableOnArrayProto: Object.keys(Array.prototype),
  ownOnObjectProto: Object.getOwnPropertyNames(Object.prototype).includes('polluted'),
  mapCtorName: Map.name,
  // The typed array and buffer constructors are memory-accounting proxies (memory.js).
  typedStatics: [typeof Uint8Array.extra, typeof ArrayBuffer.extra, typeof Float64Array.from,
    Object.getOwnPropertySymbols(Int32Array).length],
  // Deleting it would read the same '' from Error.prototype: only an own-key check sees it.
  typeErrorMessageOwn: Object.prototype.hasOwnProperty.call(TypeError.prototype, 'message'),
};
"""

CLEAN = {
    "leaked": "undefined",
    "implicit": "undefined",
    "arraySum": "undefined",
    "objectExtra": "undefined",
    "mapResult": [2, 4],
    "jsonType": "function",
    "mathMax": 3,
    "stringUpper": "A",
    "promiseThen": "function",
    "consoleLog": "function",
    "setTimeoutType": "function",
    "dateNow": "number",
    "errorLimit": 10,
    "prepare": "undefined",
    "uint8": 2,
    "arrayProto": True,
    "symbolIterator": 2,
    "mapFnName": "map",
    "mapSize": 1,
    "objectSymbols": 0,
    "arrayStack": False,
    "getterOnMath": 3.141592653589793,
    "hasMap": "function",
    "buffer": ["hi", "undefined", "function"],
    "protoChains": [True, True],
    "enumerableOnArrayProto": [],
    "ownOnObjectProto": False,
    "mapCtorName": "Map",
    "typedStatics": ["undefined", "undefined", "function", 0],
    "typeErrorMessageOwn": True,
}

TAMPERING = [
    "globalThis.leaked = 1; return 1",
    "implicitGlobal = 'sloppy'; return 1",
    "Array.prototype.sum = function () { return 0 }; return [].sum()",
    "Object.prototype.extra = 1; return ({}).extra",
    "Array.prototype.map = function () { return 'hacked' }; return [1].map(x => x)",
    "delete JSON.stringify; return typeof JSON.stringify",
    "JSON.stringify = () => 'x'; return 1",
    "Math.max = () => -1; return Math.max(1, 2)",
    "String.prototype.toUpperCase = function () { return 'no' }; return 'a'.toUpperCase()",
    "delete Promise.prototype.then; return 1",
    "console.log = null; return 1",
    "globalThis.setTimeout = undefined; return 1",
    "Date.now = () => 'frozen'; return Date.now()",
    "Error.stackTraceLimit = 0; Error.prepareStackTrace = () => 'x'; return 1",
    "Object.setPrototypeOf(Array.prototype, null); return 1",
    "Array.prototype[Symbol.iterator] = function* () { yield 'x' }; return [...[1]]",
    "Object.defineProperty(globalThis, 'leaked', { value: 1, enumerable: true, configurable: true }); return 1",
    "Uint8Array.prototype.fill = null; return 1",
    "Buffer.prototype.toString = function () { return 'patched' }; Buffer.prototype.extra = 1; return 1",
    "Buffer.from = () => null; delete Buffer.alloc; return 1",
    "Object.defineProperty(Object.prototype, 'extra', { get() { return 'trap' }, configurable: true }); return 1",
    "delete Array.prototype.map; return 1",
    "Object.defineProperty([].map, 'name', { value: 'renamed' }); return 1",
    "delete Map.prototype.size; return 1",
    "Object.prototype[Symbol.for('x')] = 1; return 1",
    # Deletions that change no enumerable-key or symbol count.
    "delete Map.name; return 1",
    "Uint8Array.extra = 1; ArrayBuffer.extra = 2; Float64Array.from = null; Int32Array[Symbol.for('s')] = 1; return 1",
    "delete Float64Array.from; return 1",
    "delete TypeError.prototype.message; return 1",
    "Error.captureStackTrace(Array.prototype); return 1",
    "Math.__defineGetter__('PI', () => 3); return Math.PI",
    "Reflect.defineProperty(Math, 'PI', { value: 3 }); return 1",
    "Object.defineProperties(JSON, { stringify: { value: null } }); return 1",
    "const od = Object.defineProperty; od(Math, 'PI', { value: 4 }); return 1",
    "Object.defineProperty(globalThis, 'Array', { get() { return null }, configurable: true }); return 1",
    # Through a proxy, whose target the change-tracking wrappers do not see.
    "Object.setPrototypeOf(new Proxy(Array.prototype, {}), null); return 1",
    "Reflect.setPrototypeOf(new Proxy(new Proxy(Function.prototype, {}), {}), { evil: 1 }); return 1",
    "Object.defineProperty(new Proxy(Array.prototype, {}), 'map', { enumerable: true }); return 1",
    "Reflect.defineProperty(Proxy.revocable(Object.prototype, {}).proxy, 'polluted', { value: 1, configurable: true });"
    " return 1",
]


@pytest.mark.parametrize("tamper", TAMPERING)
def test_tampering_is_undone(cb1: CodeBlockClient, tamper: str) -> None:
    assert cb1.ok(PROBE) == CLEAN
    status, _ = cb1.run(tamper)
    assert status in (200, 400)
    assert cb1.ok(PROBE) == CLEAN


UNFROZEN_STATE = ("return [Object.isFrozen(Array.prototype), Object.isExtensible(globalThis), typeof stuck,"
                  " Object.getOwnPropertyDescriptor(Promise.prototype, 'then').writable,"
                  " typeof Promise.prototype.evil, typeof Promise.prototype.then]")


@pytest.mark.parametrize(
    "tamper",
    [
        # What cannot be undone retires the runtime; the next execution gets a fresh one.
        "Object.preventExtensions(globalThis); return 1",
        "Object.defineProperty(globalThis, 'stuck', { value: 1, configurable: false }); return 1",
        # Promise.prototype.then is left writable (programs assign `then` on their promises):
        # any change retires.
        "Promise.prototype.then = function () {}; return 1",
        "Object.freeze(Promise.prototype); return 1",
        "Object.defineProperty(new Proxy(Promise.prototype, {}), 'then', { writable: false }); return 1",
    ],
)
def test_unrepairable_tampering_retires_the_runtime(cb1: CodeBlockClient, tamper: str) -> None:
    assert cb1.run(tamper)[0] == 200
    assert cb1.ok(PROBE + "//" + tamper) == CLEAN
    assert cb1.ok(UNFROZEN_STATE) == [True, True, "undefined", True, "undefined", "function"]


@pytest.mark.parametrize(
    "tamper",
    [
        # An asynchronous execution is reset by the same call that takes its result.
        "await null; Array.prototype.sum = 1; globalThis.leaked = 1; return 1",
        # Work that goes on after the result settled, in the same microtask checkpoint.
        "(async () => { for (let i = 0; i < 5; i++) await null; Array.prototype.sum = 1; globalThis.leaked = 1 })();"
        " await null; return 1",
        "Promise.resolve().then(() => Promise.resolve()).then(() => { ({}).constructor.prototype.extra = 1 });"
        " return await Promise.resolve(1)",
    ],
)
def test_asynchronous_tampering_is_undone(cb1: CodeBlockClient, tamper: str) -> None:
    assert cb1.ok(tamper) == 1
    assert cb1.ok(PROBE + "//" + tamper) == CLEAN


def test_unrepairable_tampering_in_asynchronous_code_retires_the_runtime(cb1: CodeBlockClient) -> None:
    assert cb1.ok("await null; Object.preventExtensions(globalThis); Promise.prototype.then = null; return 1") == 1
    assert cb1.ok(UNFROZEN_STATE) == [True, True, "undefined", True, "undefined", "function"]


def test_pending_timers_do_not_fire_in_the_next_execution(cb1: CodeBlockClient) -> None:
    cb1.ok("setTimeout(() => { globalThis.fromTimer = 'leaked' }, 30); "
           "setInterval(() => { globalThis.fromInterval = 'leaked' }, 10); return 1")
    code = "await new Promise(r => setTimeout(r, 100)); return [typeof fromTimer, typeof fromInterval]"
    assert cb1.ok(code) == ["undefined", "undefined"]


def test_raw_wait_async_does_not_run_in_the_next_execution(cb1: CodeBlockClient) -> None:
    cb1.ok("const cell = new Int32Array(new SharedArrayBuffer(4));\n"
           "Atomics.waitAsync(cell, 0, 0, 30).value.then(() => { globalThis.fromWait = 1 }); return 1")
    assert cb1.ok("await new Promise(r => setTimeout(r, 100)); return typeof fromWait") == "undefined"


# The reset wakes what an execution left waiting. It must run none of that execution's
# code while doing so: a promise reaction queued from there would run after the reset,
# with nothing left to undo it, and could plant itself again at every reset.
WAIT_INDEX_PLANTER = """
const cell = new Int32Array(new SharedArrayBuffer(4));
Promise.resolve().then(() => {
  let calls = 0;
  const index = { valueOf() {
    if (calls++ > 0) Promise.resolve().then(() => { globalThis.planted = 'from the reset'; });
    return 0;
  } };
  Atomics.waitAsync(cell, index, 0, 1e6);
});
return 'planted'
"""
TIMER_PLANTER = """
Promise.resolve().then(() => {
  const timers = [setTimeout(() => {}, 1e5), setInterval(() => {}, 1e5), setImmediate(() => {})];
  const plant = () => Promise.resolve().then(() => { globalThis.planted = 'from the reset'; });
  for (const timer of timers) {
    for (const key of Reflect.ownKeys(timer).concat(['_generation', '_cell', '_serial', '_id', '_destroyed'])) {
      let value = timer[key];
      Object.defineProperty(timer, key, { get() { plant(); return value; }, set(v) { plant(); value = v; } });
    }
  }
});
return 'planted'
"""
# Rewrites console at every reset, so every later execution's logs are copied out.
IMPLANT = """
const real = console, stolen = [];
const hook = new Proxy(real, { get(target, key) {
  const f = target[key];
  return typeof f === 'function' ? (...a) => { stolen.push(a.join(' ')); return f(...a); } : f;
} });
const cell = new Int32Array(new SharedArrayBuffer(4));
function arm() {
  const index = { valueOf() {
    if (this.armed) Promise.resolve().then(() => { globalThis.console = hook; globalThis.stolen = stolen; arm(); });
    this.armed = true;
    return 0;
  } };
  Atomics.waitAsync(cell, index, 0, 1e9);
}
Promise.resolve().then(arm);
return 'implanted'
"""


@pytest.mark.parametrize("planter", [WAIT_INDEX_PLANTER, TIMER_PLANTER], ids=["wait index", "timer properties"])
def test_the_reset_runs_no_code_of_the_execution(cb1: CodeBlockClient, planter: str) -> None:
    assert cb1.ok(planter) == "planted"
    assert cb1.ok("return typeof planted") == "undefined"
    assert cb1.ok("await null; return typeof planted") == "undefined"


def test_no_implant_sees_a_later_executions_logs(cb1: CodeBlockClient) -> None:
    assert cb1.ok(IMPLANT) == "implanted"
    _, victim = cb1.run("console.log('api key', 'sk-victim'); return 1")
    assert [e["message"] for e in victim["logs"]] == ["api key sk-victim"]
    cb1.run("await new Promise(r => setTimeout(r, 5)); console.info('password', 'hunter2'); return 2")
    assert cb1.ok("return [typeof stolen, String(console.log).includes('stolen')]") == ["undefined", False]


def test_timers_and_waits_work_with_odd_arguments(cb1: CodeBlockClient) -> None:
    """The layer keeps its own record of each timer and each wait's index as a number:
    what code sees of them, and what it passes, behaves as before."""
    code = """
    const t = setTimeout(() => {}, 10); const id = +t; clearTimeout(id);
    const fired = [];
    const i = setInterval(function () { fired.push(this === i); if (fired.length === 2) clearInterval(this); }, 1);
    const r = setTimeout(() => fired.push('refreshed'), 5); r.refresh();
    await new Promise(res => setTimeout(res, 40));
    const cell = new Int32Array(new SharedArrayBuffer(8));
    const w = Atomics.waitAsync(cell, { valueOf() { return 1; } }, 0, 1000);
    Atomics.notify(cell, 1);
    const errors = [];
    for (const index of [-1, 2, 1n, Symbol('x')]) {
      try { Atomics.waitAsync(cell, index, 0, 0); } catch (e) { errors.push(e.constructor.name); }
    }
    return [typeof id, t._destroyed, fired, await w.value, errors, Atomics.waitAsync(cell, '1', 0, 0).value];
    """
    assert cb1.ok(code) == ["number", True, [True, True, "refreshed"], "ok",
                            ["RangeError", "RangeError", "TypeError", "TypeError"], "timed-out"]


def test_finalization_callbacks_do_not_run_in_the_next_execution(cb1: CodeBlockClient) -> None:
    cb1.ok("const reg = new FinalizationRegistry(() => { globalThis.fromFinalizer = 1 });\n"
           "for (let i = 0; i < 1000; i++) reg.register({ big: new Array(1000) }, i); return 1")
    code = "const junk = []; for (let i = 0; i < 2e5; i++) junk.push({ i });\n" \
           "await new Promise(r => setTimeout(r, 50)); return typeof fromFinalizer"
    assert cb1.ok(code) == "undefined"


def test_console_buffer_is_per_execution(cb1: CodeBlockClient) -> None:
    _, first = cb1.run("console.log('first'); return 1")
    _, second = cb1.run("console.log('second'); return 2")
    assert [e["message"] for e in first["logs"]] == ["first"]
    assert [e["message"] for e in second["logs"]] == ["second"]
    # Logs written after the result settled are not carried into the next execution.
    cb1.run("setTimeout(() => console.log('late'), 0); return 3")
    _, fourth = cb1.run("return 4")
    assert fourth["logs"] == []


def test_user_cannot_drive_the_host_entry_points(cb1: CodeBlockClient) -> None:
    error = cb1.error("return __flow.run('guess', 1, '{}', 0)")
    assert "not available to code blocks" in error["message"]
    assert cb1.ok("__flow.sink = () => 'evil'; return Object.isFrozen(__flow)") is True
    assert cb1.ok("return 'fresh code runs its own function'") == "fresh code runs its own function"


def test_local_state_is_fresh_each_time(cb1: CodeBlockClient) -> None:
    code = "var v = (v || 0) + 1; globalThis.g = (globalThis.g || 0) + 1; return [v, g]"
    assert cb1.ok(code) == [1, 1]
    assert cb1.ok(code) == [1, 1]


def test_module_exports_are_restored(cb1: CodeBlockClient) -> None:
    cb1.ok("const t = require('timers'); t.setTimeout = 'patched'; t.extra = 1; return 1")
    assert cb1.ok("const t = require('timers'); return [typeof t.setTimeout, 'extra' in t]") == ["function", False]


def test_changes_to_an_already_loaded_module_are_undone(cb1: CodeBlockClient) -> None:
    """lodash is shared and frozen; dayjs is a fresh instance per execution."""
    cb1.ok("require('dayjs'); require('lodash'); return 1")
    cb1.ok("const _ = require('lodash'); _.chunk = () => 'evil'; _.extra = 1; "
           "const dayjs = require('dayjs'); dayjs.prototype.format = () => 'evil'; return 1")
    cb1.ok("return 1")  # an execution that uses no module in between
    assert cb1.ok("const _ = require('lodash'); return [_.chunk([1, 2], 1), 'extra' in _]") == [[[1], [2]], False]
    assert cb1.ok("import dayjs from 'dayjs'; return dayjs('2024-01-02').format('YYYY')") == "2024"


def test_changes_through_a_member_namespace_are_undone(cb1: CodeBlockClient) -> None:
    """`require('date-fns/format')` gives an object of its own ({ format }): once a
    leak from one execution into the next, now a new object per require."""
    cb1.ok("const ns = require('date-fns/format'); ns.format = () => 'evil'; ns.extra = 1; return 1")
    assert cb1.ok("const ns = require('date-fns/format'); return [ns.format(new Date(0), 'yyyy'), 'extra' in ns]") == [
        "1970", False]


def test_module_state_in_closures_is_restored(cb1: CodeBlockClient) -> None:
    """dayjs's global locale and date-fns's default options live in closures, not in
    properties: dayjs is a fresh instance per execution, date-fns's options are put
    back after every execution (modules.js)."""
    cb1.ok("const dayjs = require('dayjs'); require('dayjs/locale/zh-cn'); dayjs.locale('zh-cn');"
           " dayjs.locale = () => 'replaced'; return 1")
    assert cb1.ok("const dayjs = require('dayjs'); return [dayjs.locale(), dayjs('2024-01-01').format('MMMM')]") == [
        "en", "January"]
    cb1.ok("const { setDefaultOptions } = require('date-fns'); setDefaultOptions({ weekStartsOn: 1 }); return 1")
    assert cb1.ok("const { getDefaultOptions, startOfWeek } = require('date-fns');"
                  " return [getDefaultOptions(), startOfWeek(new Date(2024, 0, 3)).getDay()]") == [{}, 0]


# Module code the reset runs (a restorer) must meet neither a prototype nor a method the
# code planted: each plant below puts itself back from inside the reset and copies every
# later execution's console output.
DATE_FNS_PROTO_PLANTER = """
const df = require('date-fns');
function plant() {
  const trap = new Proxy({}, { ownKeys() { Promise.resolve().then(implant); return []; },
    get(target, key) { globalThis.__seen = (globalThis.__seen || []).concat(String(key)); return undefined; } });
  df.setDefaultOptions({ ['__proto__']: trap, weekStartsOn: 1 });
}
function implant() {
  const log = console.log;
  console.log = function (...args) { globalThis.__stolen = args.join(' '); return log.apply(this, args); };
  plant();
}
plant();
return 'planted'
"""
REGEXP_EXEC_PLANTER = """
require('xlsx');
const exec = RegExp.prototype.exec;
function hook(text) {
  if (String(text).includes('office:spreadsheet')) {  // the xlsx restorer's workbook
    RegExp.prototype.exec = exec;
    Promise.resolve().then(() => { RegExp.prototype.exec = hook; });
  } else globalThis.__stolen = String(text);
  return exec.apply(this, arguments);
}
RegExp.prototype.exec = hook;
return 'planted'
"""


@pytest.mark.parametrize("planter", [DATE_FNS_PROTO_PLANTER, REGEXP_EXEC_PLANTER], ids=["date-fns", "RegExp exec"])
def test_module_code_in_the_reset_meets_nothing_planted(cb1: CodeBlockClient, planter: str) -> None:
    assert cb1.ok(planter) == "planted"
    cb1.ok("console.log('tenant secret'); return /^[^@]+@[^@]+$/.test('victim@example.com')")
    read = ("const { format } = require('date-fns');"
            " return [format(new Date(0), 'yyyy'), typeof __stolen, typeof __seen, RegExp.prototype.exec === /x/.exec]")
    assert cb1.ok(read) == ["1970", "undefined", "undefined", True]


def test_date_fns_default_options_take_own_keys_but_not_a_prototype(cb1: CodeBlockClient) -> None:
    code = """
    const { setDefaultOptions, getDefaultOptions, startOfWeek } = require('date-fns');
    const inherited = Object.create({ weekStartsOn: 3 });
    setDefaultOptions(Object.assign(inherited, { firstWeekContainsDate: 4 }));
    const first = getDefaultOptions();
    setDefaultOptions({ weekStartsOn: 1, ['__proto__']: { locale: 'planted' } });
    const second = getDefaultOptions();
    setDefaultOptions({ firstWeekContainsDate: undefined });
    return [first, second, Object.getPrototypeOf(second) === Object.prototype, 'locale' in second,
      getDefaultOptions(), startOfWeek(new Date(2024, 0, 3)).getDay(), setDefaultOptions.name, setDefaultOptions.length]
    """
    assert cb1.ok(code) == [{"firstWeekContainsDate": 4}, {"firstWeekContainsDate": 4, "weekStartsOn": 1}, True, False,
                            {"weekStartsOn": 1}, 1, "setDefaultOptions", 1]


def test_regexp_prototype_is_frozen_so_no_shared_regex_can_be_captured(cb1: CodeBlockClient) -> None:
    """Replacing RegExp.prototype.test for a moment handed the code a regex lodash keeps in a
    closure (as `this`); a `test` of its own on that regex then ran inside later tenants'
    _.get and read their input. RegExp.prototype is frozen: nothing can be replaced."""
    planter = """
    const _ = require('lodash');
    const test = RegExp.prototype.test;
    let captured = null;
    RegExp.prototype.test = function (s) { captured = this; return test.call(this, s); };
    _.get({}, 'a');
    RegExp.prototype.test = test;
    const steal = function () { globalThis.__stolen = JSON.stringify(steal.caller.arguments[1]); return true; };
    if (captured) captured.test = steal;
    return captured ? 'captured' : 'nothing captured'
    """
    assert cb1.ok(planter) == "nothing captured"  # sloppy code: the assignment is ignored
    assert cb1.ok("return Object.isFrozen(RegExp.prototype)") is True
    victim = "return require('lodash').get({ user: { name: 'alice', password: 'hunter2' } }, 'user.name')"
    assert cb1.ok(victim) == "alice"
    assert cb1.ok("return typeof __stolen") == "undefined"


def test_no_getter_in_place_of_a_promise_constructor_captures_the_layers_promises(cb1: CodeBlockClient) -> None:
    """V8's species lookup in the layer's own `then` calls read Promise.prototype.constructor:
    a getter there for a moment was handed the raw promise of a wait, on which the code put a
    reaction that ran after the reset, in the next tenant's execution."""
    planter = """
    const P = Promise.prototype, d = Object.getOwnPropertyDescriptor(P, 'constructor'); let raw;
    try { Object.defineProperty(P, 'constructor', { configurable: true, get() { raw ??= this; return Promise; } }); }
    catch (e) { return e.name; }
    Atomics.waitAsync(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 1e9);
    Object.defineProperty(P, 'constructor', d);
    P.then.call(raw, (v) => console.log('planted code ran later: ' + v));
    return 'planted'
    """
    assert cb1.ok(planter) == "TypeError"
    _, victim = cb1.run("return 'victim'")
    assert victim["logs"] == []
    assert cb1.ok("const P = Promise.prototype; return [Object.isExtensible(P),"
                  " Reflect.ownKeys(P).filter((k) => Object.getOwnPropertyDescriptor(P, k).configurable).length]") == [
        False, 0]


@pytest.mark.parametrize("receiver", ["P", "require('lodash')", "globalThis"])
def test_no_crypto_stream_is_kept_for_a_shared_object(cb1: CodeBlockClient, receiver: str) -> None:
    """The crypto classes' stream members made a stream for whatever `this` they were called on
    and kept it in a WeakMap: called on the shared prototype (or any shared object), that
    stream outlived the execution, and the next tenant met its buffer and listeners."""
    get = "const c = require('crypto'); require('stream'); const P = c.Hash.prototype;"
    planter = get + (f" try {{ P.on.call({receiver}, 'data', (d) => {{ globalThis.ranLater = d; }});"
                     " return 'planted'; } catch (e) { return [e.name, e.code]; }")
    assert cb1.ok(planter) == ["TypeError", "ERR_INVALID_THIS"]
    victim = get + f" try {{ return P.listenerCount.call({receiver}, 'data'); }} catch (e) {{ return e.code; }}"
    assert cb1.ok(victim) == "ERR_INVALID_THIS"
    own = ("const h = require('crypto').createHash('sha256'); require('stream'); let out;"
           " h.on('data', (d) => { out = d.toString('hex'); }); h.end('abc');"
           " await new Promise((r) => setTimeout(r, 5)); return out")
    assert cb1.ok(own) == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"


def test_a_time_zone_that_answers_twice_does_not_poison_date_fns_tz(cb1: CodeBlockClient) -> None:
    """date-fns-tz caches a formatter per zone name: a zone whose toString answered one
    name for the cache key and another inside Intl cached New York's formatter under
    Shanghai's name for every later execution."""
    planter = """
    const { formatInTimeZone } = require('date-fns-tz');
    const inIntl = () => /new DateTimeFormat/.test(new Error().stack);
    const tz = { toString() { return inIntl() ? 'America/New_York' : 'Asia/Shanghai'; } };
    try { formatInTimeZone(new Date('2024-01-01T00:00:00Z'), tz, 'yyyy-MM-dd HH:mm XXX'); } catch {}
    return 'planted'
    """
    victim = ("return require('date-fns-tz').formatInTimeZone(new Date('2024-01-01T00:00:00Z'), 'Asia/Shanghai',"
              " 'yyyy-MM-dd HH:mm XXX')")
    assert cb1.ok(planter) == "planted"
    assert cb1.ok(victim) == "2024-01-01 08:00 +08:00"


def test_decimal_configuration_does_not_leak(cb1: CodeBlockClient) -> None:
    """Decimal.set changes the constructor and its shared prototype; decimal.js is a fresh
    instance per execution (js/modules.manifest.mjs), so the next one starts from the defaults."""
    fresh = ("const Decimal = require('decimal.js'); return [Decimal.precision, Decimal.rounding, Decimal.toExpNeg, "
             "new Decimal(2).div(3).toString(), new Decimal(0.001).toString(), new Decimal(1).plus(1).toString(), "
             "typeof Decimal.extra]")
    defaults = [20, 4, -7, "0.66666666666666666667", "0.001", "2", "undefined"]
    assert cb1.ok(fresh) == defaults
    changed = cb1.ok("const Decimal = require('decimal.js'); Decimal.set({ precision: 5, rounding: Decimal.ROUND_DOWN, "
                     "toExpNeg: -2 }); Decimal.prototype.plus = () => 'evil'; Decimal.extra = 1; "
                     "globalThis.D = Decimal; "
                     "return [new Decimal(2).div(3).toString(), new Decimal(0.001).toString(), new Decimal(1).plus(1)]")
    assert changed == ["0.66666", "1e-3", "evil"]  # the change took effect within its own execution
    cb1.ok("return 1")  # an execution that does not use the module in between
    assert cb1.ok(fresh) == defaults
    assert cb1.ok("return typeof globalThis.D") == "undefined"
    cb1.ok("import Decimal from 'decimal.js';\nDecimal.config({ precision: 3 }); return 1")
    assert cb1.ok("const { default: Decimal } = await import('decimal.js');"
                  " return new Decimal(1).div(7).toString()") == "0.14285714285714285714"


def test_events_default_max_listeners_is_restored(cb1: CodeBlockClient) -> None:
    cb1.ok("require('events').defaultMaxListeners = 1; return 1")
    assert cb1.ok("return require('events').defaultMaxListeners") == 10


def test_the_last_regexp_match_does_not_reach_the_next_execution(cb1: CodeBlockClient) -> None:
    """RegExp's legacy statics ($1, input, lastMatch) hold the last match: the previous
    execution's data, until the reset overwrites them."""
    cb1.ok("/(secret-\\w+)/.exec('token secret-abc'); return 1")
    assert cb1.ok("return [RegExp.$1, RegExp.input, RegExp.lastMatch, RegExp['$&']]") == ["", "", "", ""]
    cb1.ok("await null; 'x secret-def'.replace(/(secret-\\w+)/, '$1'); return 1")  # asynchronous: reset in take
    assert cb1.ok("return [RegExp.$1, RegExp.input]") == ["", ""]


RECOMPILE_SHARED_REGEXP = """
const r = require('lodash').templateSettings.interpolate;
let error = null;
try { r.compile(input.secret); } catch (e) { error = e.message; }
return [r.source, error];
"""


def test_a_shared_regexp_recompiled_does_not_reach_the_next_execution(cb1: CodeBlockClient) -> None:
    """Annex B's RegExp.prototype.compile replaces a frozen RegExp's pattern before it
    fails on the read-only lastIndex (as in Node): a shared RegExp (lodash's
    templateSettings) carried one execution's string to the next. The reset sees the
    change and retires the runtime."""
    source, error = cb1.ok(RECOMPILE_SHARED_REGEXP, {"secret": "secret-of-A"})
    assert source == "secret-of-A"  # V8 recompiles before it throws: what the reset must catch
    assert "lastIndex" in error
    assert cb1.ok("const r = require('lodash').templateSettings.interpolate; return [r.source, r.flags]") == [
        "<%=([\\s\\S]+?)%>", "g"]
    # A flags-only change is caught too.
    cb1.ok("try { require('lodash').templateSettings.escape.compile('<%-([\\\\s\\\\S]+?)%>', 'i') } catch {} return 1")
    assert cb1.ok("return require('lodash').templateSettings.escape.flags") == "g"


# A shared bundle that builds and caches something on first use does it inside a code
# block's execution. Through global names it kept the code block's classes: crypto's
# curves a WeakMap subclass (noble's precomputed tables), date-fns-tz an Intl.DateTimeFormat
# (its per-time-zone cache). Their methods then ran in later executions, on the global
# object of whoever ran: this plant rebinds the victim's JSON and collects what it
# serialises, and a later execution of the attacker reads it.
HOOK = """
const stash = [];
const realJSON = JSON;
const hook = () => {
  const g = globalThis; // the global object of whichever execution runs now
  if (g.__hooked !== true) {
    g.__hooked = true;
    g.JSON = {
      parse: realJSON.parse,
      stringify: (...a) => { const s = realJSON.stringify(...a); stash.push(s); return s; },
    };
  }
  g.__loot = stash.slice();
};
"""
PLANT_IN_CURVES = HOOK + """
const RealWeakMap = WeakMap;
globalThis.WeakMap = class extends RealWeakMap { get(key) { hook(); return super.get(key); } };
require('crypto').generateKeyPairSync('ec', { namedCurve: 'P-256' }); // builds P-256 now
return 'planted';
"""
VICTIM_OF_CURVES = """
const crypto = require('crypto');
const { privateKey } = crypto.generateKeyPairSync('ec', { namedCurve: 'P-256' });
const payload = JSON.stringify({ apiKey: input.apiKey });
return crypto.sign('sha256', Buffer.from(payload), privateKey).length > 0;
"""
PLANT_IN_DATE_FNS_TZ = HOOK + """
const RealDTF = Intl.DateTimeFormat;
globalThis.Intl = {
  ...Intl,
  DateTimeFormat: class extends RealDTF { formatToParts(d) { hook(); return super.formatToParts(d); } },
};
require('date-fns-tz').formatInTimeZone(new Date(0), 'Pacific/Chatham', 'yyyy'); // caches a formatter for the zone
return 'planted';
"""
VICTIM_OF_DATE_FNS_TZ = """
const when = require('date-fns-tz').formatInTimeZone(new Date(0), 'Pacific/Chatham', 'yyyy-MM-dd');
return [when, JSON.stringify({ apiKey: input.apiKey }).length > 0];
"""


@pytest.mark.parametrize(
    ("plant", "victim", "collect"),
    [
        (PLANT_IN_CURVES, VICTIM_OF_CURVES,
         "require('crypto').createECDH('prime256v1').generateKeys(); return globalThis.__loot ?? null"),
        (PLANT_IN_DATE_FNS_TZ, VICTIM_OF_DATE_FNS_TZ,
         "require('date-fns-tz').formatInTimeZone(new Date(0), 'Pacific/Chatham', 'yyyy');"
         " return globalThis.__loot ?? null"),
    ],
    ids=["crypto-curves", "date-fns-tz"],
)
def test_what_a_bundle_caches_on_first_use_holds_no_class_of_the_code_block(
        cb1: CodeBlockClient, plant: str, victim: str, collect: str) -> None:
    assert cb1.run("Promise.prototype.then = null; return 1")[0] == 200  # retires: a fresh runtime, nothing cached
    assert cb1.ok(plant) == "planted"
    assert cb1.ok(victim, {"apiKey": "sk-live-of-B"}) not in (None, False)
    assert cb1.ok(collect) is None


STEAL_INTERCEPTOR = """
const m = require('axios').interceptors.request;
const entries = m[Object.getOwnPropertySymbols(m)[0]].handlerEntries;
const entry = entries.get(0);
if (!entry) return ['nothing', entries.size];
const config = { headers: {} };
entry.handler.fulfilled(config);
return [config.headers.Authorization, entries.size];
"""


def test_a_librarys_map_is_restored(cb1: CodeBlockClient) -> None:
    """Map and Set contents are not properties: axios keeps interceptors in a Map, and
    the next execution could take the previous one's interceptor, and the token in its
    closure, from it. axios is now a fresh instance per execution."""
    cb1.ok("const axios = require('axios'); const token = input.token;"
           " axios.interceptors.request.use(c => { c.headers.Authorization = token; return c }); return 1",
           {"token": "Bearer secret-of-A"})
    assert cb1.ok(STEAL_INTERCEPTOR) == ["nothing", 0]
    # Interceptors still work within an execution.
    assert cb1.ok("const m = require('axios').interceptors.request; const id = m.use(c => c); let n = 0;"
                  " m.forEach(() => n++); m.eject(id); let after = 0; m.forEach(() => after++);"
                  " return [n, after]") == [1, 0]


def test_keys_added_to_builtin_methods(cb1: CodeBlockClient) -> None:
    """The snapshot reset left keys added to built-in methods in place (a documented gap);
    frozen methods take none."""
    assert cb1.ok("Array.prototype.map.extra = 1; return typeof [].map.extra") == "undefined"
    error = cb1.error("'use strict'; Array.prototype.map.extra = 1; return 1")
    assert error["type"] == "TypeError" and "not extensible" in error["message"], error
    assert cb1.error("Object.defineProperty([].filter, 'extra', { value: 1 }); return 1")["type"] == "TypeError"
    assert cb1.ok("return [typeof [].map.extra, typeof [].filter.extra]") == ["undefined", "undefined"]


@pytest.mark.parametrize(
    "sabotage",
    [
        "Array.prototype.push = null; Array.prototype.join = null;",
        "String.prototype.slice = null; String.prototype.split = null; String.prototype.replace = null;",
        "Function.prototype.call = null; Function.prototype.apply = null; Function.prototype.bind = null;",
        "Reflect.apply = null; Reflect.ownKeys = null; Object.getOwnPropertyDescriptor = null;",
        "Map.prototype.get = null; Set.prototype.has = null; Set.prototype.add = null;",
        "Array.prototype[Symbol.iterator] = function* () {}; Object.keys = () => [];",
        "Promise.prototype.then = null; Promise.resolve = null;",
    ],
)
def test_sabotaged_builtins_do_not_break_the_layer(cb1: CodeBlockClient, sabotage: str) -> None:
    # Frozen built-ins refuse the sabotage (some assignments throw: the ones tamed against
    # the override mistake, harden.js); the layer finishes the execution and the next
    # execution sees the originals.
    status, body = cb1.run(f"console.log('before');\ntry {{ {sabotage} }} catch {{}}\n"
                           "return { ok: true, list: [1, 2] };")
    assert status == 200, body
    assert body["result"] == {"ok": True, "list": [1, 2]}
    assert body["logs"] == [{"level": "log", "message": "before"}]
    assert cb1.ok(PROBE) == CLEAN


def test_replaced_global_constructors_do_not_reach_the_layer(cb1: CodeBlockClient) -> None:
    # The global object's own members stay assignable during an execution; encoding.js, blob.js
    # and event_target.js reach the built-ins through primordials.js, not through them.
    code = """
    const names = ['Uint8Array', 'Uint16Array', 'Int8Array', 'ArrayBuffer', 'Number', 'Math', 'Symbol', 'Map',
      'Promise'];
    const saved = names.map((n) => globalThis[n]);
    for (const n of names) globalThis[n] = function fake() { throw new TypeError(`fake ${n}`); };
    const out = {};
    const bytes = new TextEncoder().encode('héllo');
    out.text = new TextDecoder().decode(bytes);
    out.b64 = btoa('hi') + atob('aGk=');
    const blob = new Blob(['abc', bytes], { type: 'Text/Plain' });
    out.blob = [blob.size, blob.type, blob.slice(1, 3.5).size];
    out.file = new File(['x'], 'f.txt', { lastModified: 5 }).lastModified;
    const target = new EventTarget();
    let seen = 0;
    target.addEventListener('ping', () => { seen++; });
    target.dispatchEvent(new Event('ping'));
    out.seen = seen;
    out.dom = new DOMException('m', 'AbortError').code;
    try { AbortSignal.timeout(1.5); } catch (e) { out.timeout = e.code; }
    out.blobText = await blob.text();
    names.forEach((n, i) => { globalThis[n] = saved[i]; });
    return out;
    """
    assert cb1.ok(code) == {
        "text": "héllo", "b64": "aGk=hi", "blob": [9, "text/plain", 3], "file": 5, "seen": 1, "dom": 20,
        "timeout": "ERR_OUT_OF_RANGE", "blobText": "abchéllo",
    }
    assert cb1.ok(PROBE) == CLEAN


def test_sabotage_in_async_code_and_errors(cb1: CodeBlockClient) -> None:
    status, body = cb1.run("await null;\nJSON.stringify = null; Array.prototype.join = null;\n"
                           "throw new TypeError('after sabotage');\nreturn 1;")
    assert status == 400
    error = body["error"]
    assert (error["type"], error["message"], error["line"]) == ("TypeError", "after sabotage", 3)
    assert cb1.ok(PROBE) == CLEAN


def test_lodash_state_is_per_execution(cb1: CodeBlockClient) -> None:
    """_.uniqueId counts per execution (as in a fresh Node process); _.mixin into the shared
    lodash is refused with a way out, and works on a private copy or an object of one's own."""
    assert cb1.ok("const _ = require('lodash'); return [_.uniqueId(), _.uniqueId('x_'), _('p').uniqueId()]") == [
        "1", "x_2", "p3"]
    assert cb1.ok("return require('lodash').uniqueId()") == "1"
    error = cb1.error("require('lodash').mixin({ double: (n) => n * 2 }); return 1")
    assert error["type"] == "TypeError" and "runInContext" in error["message"], error
    code = ("const _ = require('lodash').runInContext(); _.mixin({ double: (n) => n * 2 });"
            " const own = {}; require('lodash').mixin(own, { triple: (n) => n * 3 });"
            " return [_.double(2), _([1]).map(_.double).value(), own.triple(2), typeof require('lodash').double]")
    assert cb1.ok(code) == [4, [2], 6, "undefined"]


OVERRIDES = {
    # Assignments on the code's own objects of properties their frozen prototypes hold:
    # the "override mistake", tamed as ses does (js/lib/internal/harden.js).
    "toString on a plain object": ("const o = {}; o.toString = () => 'mine'; return String(o)", "mine"),
    "valueOf and hasOwnProperty": ("const o = {}; o.valueOf = () => 7; o.hasOwnProperty = 1;"
                                   " return [o + 1, o.hasOwnProperty]", [8, 1]),
    "constructor of a prototype": ("function F() {} F.prototype = Object.create(Object.prototype);"
                                   " F.prototype.constructor = F; return new F().constructor === F", True),
    "name and message of an error": ("const e = new TypeError('x'); e.name = 'MyError'; e.message = 'y';"
                                     " return String(e)", "MyError: y"),
    "then on a promise": ("const p = Promise.resolve(1); p.then = () => 'own'; return p.then()", "own"),
    "then on an object": ("const o = {}; o.then = (r) => r(5); return await o", 5),
    "push on an array": ("const a = []; a.push = function (x) { return 'own ' + x }; return a.push(1)", "own 1"),
    "toString of a function": ("const f = () => 1; f.toString = () => 'src'; return '' + f", "src"),
    "toString of a Buffer": ("const b = Buffer.from('a'); b.toString = () => 'mine'; return '' + b", "mine"),
    "ES5 subclass of EventEmitter": (
        "const EE = require('events'); function My() { EE.call(this) } My.prototype = Object.create(EE.prototype);"
        " My.prototype.constructor = My; My.prototype.emit = function (n, v) { return 'own ' + v };"
        " const m = new My(); return [m.emit('x', 1), m.constructor === My, m.listenerCount('x')]", ["own 1", True, 0]),
    "class fields shadowing a library's prototype": (
        "const EE = require('events'); class My extends EE { _maxListeners = 3 } return new My().getMaxListeners()", 3),
    "qs allowPrototypes": ("return require('qs').parse('toString=x&hasOwnProperty=y', { allowPrototypes: true })",
                           {"toString": "x", "hasOwnProperty": "y"}),
    "crypto-js with an iv and a mode": (
        "const C = require('crypto-js'); const key = C.enc.Hex.parse('00'.repeat(16));"
        " const iv = C.enc.Hex.parse('11'.repeat(16));"
        " return C.AES.encrypt('m', key, { iv, mode: C.mode.CBC }).ciphertext.toString() === "
        "C.AES.encrypt('m', key, { iv, mode: C.mode.CBC }).ciphertext.toString() && "
        "C.AES.encrypt('m', key, { iv }).toString() !== C.AES.encrypt('m', key, { iv: key }).toString()", True),
}


@pytest.mark.parametrize("name", list(OVERRIDES))
def test_the_override_mistake_is_tamed(cb1: CodeBlockClient, name: str) -> None:
    code, expected = OVERRIDES[name]
    assert cb1.ok(code) == expected
    assert cb1.ok(PROBE) == CLEAN


def test_object_urls_are_per_execution(cb1: CodeBlockClient) -> None:
    """A blob: URL names data of the execution that created it: a later execution on the
    same runtime cannot resolve it, whether or not it revoked it (object_urls.js)."""
    code = ("const { resolveObjectURL } = require('buffer');\n"
            "const u = URL.createObjectURL(new Blob(['secret of A'], { type: 'text/plain' }));\n"
            "const kept = URL.createObjectURL(new Blob(['also A']));\n"
            "setTimeout(() => URL.createObjectURL(new Blob(['late'])), 0);\n"
            "return [u, kept, await resolveObjectURL(u).text()]")
    made, kept, text = cb1.ok(code)
    assert text == "secret of A"
    # B: with and without the url module named (resolveObjectURL lives in buffer).
    probe = ("const { resolveObjectURL } = require('buffer');"
             " return [resolveObjectURL(input.a), resolveObjectURL(input.b)]")
    assert cb1.ok(probe, {"a": made, "b": kept}) == [None, None]
    probe_url = ("const { resolveObjectURL } = require('buffer'); URL.revokeObjectURL('blob:nodedata:x');\n"
                 "return [input.a, input.b].map((u) => resolveObjectURL(u) === undefined)")
    assert cb1.ok(probe_url, {"a": made, "b": kept}) == [True, True]
    # Within one execution the registry works, so the checks above can fail.
    same = ("const { resolveObjectURL } = require('buffer'); const u = URL.createObjectURL(new Blob(['x']));\n"
            "return resolveObjectURL(u).size")
    assert cb1.ok(same) == 1


STREAM_PROBE = (
    "const stream = require('stream'); const { Readable, Writable } = stream;\n"
    "const out = []; for await (const c of Readable.from(['a', 'b'])) out.push(c);\n"
    "const rs = new ReadableStream({ start(c) { c.enqueue('w'); c.close(); } });\n"
    "const web = []; for await (const c of rs) web.push(c);\n"
    "return [out, web, stream.getDefaultHighWaterMark(false), stream.getDefaultHighWaterMark(true),\n"
    "  typeof Readable.prototype.push, Readable.prototype.push.length, typeof ReadableStream.prototype.getReader,\n"
    "  Object.isFrozen(Readable.prototype), Object.isFrozen(ReadableStream.prototype), typeof globalThis.leaked,\n"
    "  require('events').once.name, require('stream/promises') === stream.promises]"
)
STREAM_CLEAN = [["a", "b"], ["w"], 65536, 16, "function", 2, "function", True, True, "undefined", "once", True]


@pytest.mark.parametrize(
    "tamper",
    [
        "const { Readable } = require('stream'); Readable.prototype.push = () => false; return 1",
        "const { Readable } = require('stream'); delete Readable.prototype.push; return 1",
        "const s = require('stream'); s.Readable = null; s.promises.pipeline = null; return 1",
        "const s = require('stream'); s.setDefaultHighWaterMark(false, 1); s.setDefaultHighWaterMark(true, 1);"
        " return 1",
        "ReadableStream.prototype.getReader = () => null; return 1",
        "Object.defineProperty(ReadableStream.prototype, 'extra', { value: 1 }); return 1",
        "globalThis.ReadableStream = function () {}; globalThis.leaked = 1; return 1",
        "require('events').once = null; return 1",
        "const { Readable } = require('stream'); Object.setPrototypeOf(Readable.prototype, null); return 1",
    ],
)
def test_stream_tampering_is_undone(cb1: CodeBlockClient, tamper: str) -> None:
    assert cb1.ok(STREAM_PROBE) == STREAM_CLEAN
    status, _ = cb1.run(tamper)
    assert status in (200, 400)
    assert cb1.ok(STREAM_PROBE) == STREAM_CLEAN


def test_setting_the_default_high_water_mark_works_within_the_execution(cb1: CodeBlockClient) -> None:
    # The restore test above could pass with a setter that does nothing: it does something.
    code = ("const s = require('stream'); s.setDefaultHighWaterMark(false, 1024);"
            " return [s.getDefaultHighWaterMark(false), new s.Readable().readableHighWaterMark]")
    assert cb1.ok(code) == [1024, 1024]
    assert cb1.ok("return require('stream').getDefaultHighWaterMark(false)") == 65536


def test_a_stream_left_open_does_not_reach_the_next_execution(cb1: CodeBlockClient) -> None:
    """Streams that keep producing (a timer, a pull loop) when their execution ends: their
    callbacks never run in the next execution, which sees none of their state."""
    code = ("const { Readable } = require('stream');\n"
            "const r = new Readable({ read() { setTimeout(() => this.push('tick'), 1); } });\n"
            "r.on('data', () => { globalThis.leaked = (globalThis.leaked ?? 0) + 1; });\n"
            "let n = 0;\n"
            "const rs = new ReadableStream({ pull(c) { return new Promise((res) => setTimeout(() => { c.enqueue(n++);"
            " globalThis.leakedWeb = n; res(); }, 1)); } });\n"
            "rs.getReader().read();\n"
            "await new Promise((res) => setTimeout(res, 20));\n"
            "return [globalThis.leaked > 0, globalThis.leakedWeb > 0]")
    assert cb1.ok(code) == [True, True]
    later = ("await new Promise((res) => setTimeout(res, 50));\n"
             "return [typeof globalThis.leaked, typeof globalThis.leakedWeb]")
    assert cb1.ok(later) == ["undefined", "undefined"]
    assert cb1.ok(STREAM_PROBE) == STREAM_CLEAN
