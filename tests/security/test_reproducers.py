"""The reproducers of the hardened-runtime issue: ways in which one execution could read
or change later executions of other tenants on the same runtime, under the snapshot
and restore isolation that the frozen realm replaced (js/lib/internal/harden.js).

Each sends A (the attacker), then B (the victim, another tenant), then C, to a service
with one runtime, so all three share it, and checks that B and C see nothing of A.
"""

from __future__ import annotations

import json
from collections.abc import Iterator

import httpx
import orjson
import pytest

from conftest import CodeBlockClient, Server, b64, start_server
from http_target import HttpTarget


@pytest.fixture(scope="module")
def single(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    srv = start_server(str(tmp_path_factory.mktemp("repro")), runtime_pool_size=1, min_runtime_pool_size=1,
                       max_runtime_pool_size=1, execution_timeout_ms=5000, fetch_allow_hosts="127.0.0.1/32")
    yield srv
    srv.stop()


@pytest.fixture(scope="module")
def cb(single: Server) -> Iterator[CodeBlockClient]:
    with single.client() as http:
        yield CodeBlockClient(http)


def rebuilt(server: Server) -> int:
    return int(httpx.get(f"{server.url}/flow/health").json()["pool"]["rebuiltTotal"])


# -- 1. the wrapper escape ---------------------------------------------------------------


def test_stray_brace_cannot_declare_script_scope_bindings(cb: CodeBlockClient) -> None:
    error = cb.error('return 1 }; const JSON = { stringify: () => "PWNED" }; globalThis.__x = function () {')
    assert error["type"] == "SyntaxError", error
    assert cb.ok("return JSON.stringify({a:1})") == '{"a":1}'
    assert cb.ok("return typeof __x") == "undefined"


def test_stray_brace_cannot_wrap_fetch(cb: CodeBlockClient, target: HttpTarget) -> None:
    attack = ("return 1 }; const fetch = async (url, init) => { globalThis.stolen = init.headers.Authorization;"
              " return new Response('{}') }; x = function () {")
    assert cb.error(attack)["type"] == "SyntaxError"
    victim = ("const r = await fetch(input.url, { headers: { Authorization: 'Bearer victim-secret' } });"
              " const echo = await r.json(); return [echo.headers.authorization, typeof stolen]")
    assert cb.ok(victim, {"url": f"{target.url}/echo"}) == ["Bearer victim-secret", "undefined"]


def test_code_that_escapes_its_function_retires_the_runtime(single: Server, cb: CodeBlockClient) -> None:
    """Ending the function early and going on with the return expression parses, and
    runs the rest (inside the wrapper's outer function): the runtime is retired."""
    before = rebuilt(single)
    error = cb.error("return 1 }(globalThis.ran = 'escaped', Object.prototype.hasOwnProperty), function () {")
    assert error["type"] == "SyntaxError", error
    assert cb.ok("return typeof ran") == "undefined"
    assert rebuilt(single) == before + 1


def test_a_syntax_error_alone_does_not_retire_the_runtime(single: Server, cb: CodeBlockClient) -> None:
    before = rebuilt(single)
    assert cb.error("return {a: 1")["message"] == "Unexpected end of input"
    assert cb.error("return 1 }")["message"] == "Unexpected token '}'"
    assert cb.ok("return 2") == 2
    assert rebuilt(single) == before


# -- 2. the import helper ----------------------------------------------------------------


def test_import_helper_is_per_execution(cb: CodeBlockClient) -> None:
    cb.ok('__flowEsm.ns = () => ({ map: () => "PWNED" }); __flowEsm.captured = []; return 1')
    assert cb.ok('import { map } from "lodash"; return map([1, 2], x => x * 2)') == [2, 4]
    cb.ok("const d = __flowEsm.d; __flowEsm.d = new Proxy(d, { apply(t, self, args) {"
          " (globalThis.cap = globalThis.cap || []).push(args); return Reflect.apply(t, self, args) } }); return 1")
    assert cb.ok("import dayjs from 'dayjs'; return dayjs(input.birthday).year()", {"birthday": "1990-05-01"}) == 1990
    assert cb.ok("return [__flowEsm.captured ?? null, typeof cap]") == [None, "undefined"]


def test_require_is_per_execution(cb: CodeBlockClient) -> None:
    cb.ok("require.stash = []; require.cache = { lodash: { exports: 'PWNED' } }; return 1")
    assert cb.ok("return [typeof require.stash, typeof require.cache, require('lodash').chunk([1, 2], 1)]") == [
        "undefined", "undefined", [[1], [2]]]


# -- 3. own call on a built-in method ------------------------------------------------------

SPY = """
const real = {target};
const store = [];
real.{method} = function (self, ...rest) {{
  if (self === '__dump__') return store;
  store.push([self, ...rest]);
  return Reflect.apply(real, self, rest);
}};
return 1
"""


@pytest.mark.parametrize(("target_expr", "method", "victim"), [
    ("Object.prototype.hasOwnProperty", "call", "const _ = require('lodash'); return _.has(input, 'user.password')"),
    ("Object.prototype.toString", "call", "return Object.prototype.toString.call(input.user)"),
    ("Array.prototype.slice", "call", "return Array.prototype.slice.call([input.user.password]).length"),
    ("String.prototype.concat", "apply", "return String.prototype.concat.apply('', [input.user.password])"),
    ("Object.prototype.hasOwnProperty", "apply", "return Object.prototype.hasOwnProperty.apply(input.user, ['name'])"),
])
def test_no_own_call_on_builtin_methods(cb: CodeBlockClient, target_expr: str, method: str, victim: str) -> None:
    cb.ok(SPY.format(target=target_expr, method=method))
    cb.ok(victim, {"user": {"name": "alice", "password": "hunter2"}})
    dumped = cb.ok(f"try {{ return {target_expr}.{method}('__dump__') }} catch (e) {{ return String(e) }}")
    assert "hunter2" not in json.dumps(dumped), dumped


# -- 4. Function.prototype ---------------------------------------------------------------


def test_function_prototype_is_frozen(cb: CodeBlockClient) -> None:
    cb.ok("Function.prototype.evil = 42; Function.prototype.$i = true; return 1")
    assert cb.ok("return [typeof Function.prototype.evil, typeof (() => {}).$i]") == ["undefined", "undefined"]
    code = ("const dayjs = require('dayjs'); dayjs.extend(require('dayjs/plugin/utc'));"
            " return dayjs.utc('2024-01-01T00:00:00Z').format()")
    assert cb.ok(code) == "2024-01-01T00:00:00Z"
    error = cb.error("'use strict'; Function.prototype.evil = 42; return 1")
    assert error["type"] == "TypeError" and "not extensible" in error["message"], error


# -- 5. a change re-recorded by a module's first install -------------------------------------


def test_first_install_of_a_module_keeps_nothing_of_earlier_executions(
        tmp_path_factory: pytest.TempPathFactory) -> None:
    srv = start_server(str(tmp_path_factory.mktemp("install")), runtime_pool_size=1, min_runtime_pool_size=1,
                       max_runtime_pool_size=1)
    try:
        with srv.client() as http:
            cb = CodeBlockClient(http)
            cb.ok("Array.prototype.map.extra = 'A'; Object.prototype.hasOwnProperty.extra = 'A'; return 1")
            cb.ok("require('qs'); delete Array.prototype.map.extra; return 1")  # the first install of qs
            assert cb.ok("return [typeof [].map.extra, typeof Object.prototype.hasOwnProperty.extra]") == [
                "undefined", "undefined"]
    finally:
        srv.stop()


# -- 6. a library changed through a reference that survived ---------------------------------


@pytest.mark.parametrize("holder", ["Array.prototype.map", "JSON.stringify", "Object.prototype", "globalThis",
                                    "console", "Buffer", "Function.prototype"])
def test_a_library_cannot_be_changed_from_an_execution_that_did_not_require_it(cb: CodeBlockClient,
                                                                               holder: str) -> None:
    """A keeps a reference to lodash somewhere that survives; C, which does not require
    lodash, changes lodash through it; D requires lodash."""
    cb.ok(f"const _ = require('lodash'); try {{ {holder}.ref = _ }} catch {{}} return 1")
    cb.ok(f"try {{ {holder}.ref.chunk = () => 'PWNED' }} catch {{}} return 1")
    assert cb.ok("return require('lodash').chunk([1, 2], 1)") == [[1], [2]]


# -- 7. WebAssembly memories ---------------------------------------------------------------


def test_webassembly_memories_count_against_the_array_buffer_budget(cb: CodeBlockClient) -> None:
    error = cb.error("const m = []; for (let i = 0; i < 16; i++) m.push(new WebAssembly.Memory({ initial: 1000 }));"
                     " return m.length")
    assert error["type"] == "MemoryLimitError", error
    error = cb.error("const m = new WebAssembly.Memory({ initial: 1, maximum: 1000 }); const k = [];"
                     " for (let i = 0; i < 16; i++) k.push(new WebAssembly.Memory({ initial: 1, maximum: 1000 }));"
                     " return 1")
    assert error["type"] == "MemoryLimitError", error
    assert cb.ok("const m = new WebAssembly.Memory({ initial: 1, maximum: 2 }); m.grow(1);"
                 " return m.buffer.byteLength") == 131072
    # A module that defines its own memory (one page, no maximum: wasm code may grow it to the cap).
    binary = "new Uint8Array([0, 97, 115, 109, 1, 0, 0, 0, 5, 3, 1, 0, 1])"
    module = f"new WebAssembly.Module({binary})"
    assert cb.ok(f"const i = new WebAssembly.Instance({module}); return i instanceof WebAssembly.Instance") is True
    error = cb.error(f"const m = {module}; const all = [];"
                     " for (let i = 0; i < 16; i++) all.push(new WebAssembly.Instance(m));"
                     " return all.length")
    assert error["type"] == "MemoryLimitError", error
    error = cb.error(f"const bytes = {binary};"
                     " for (let i = 0; i < 16; i++) await WebAssembly.instantiate(bytes); return 1")
    assert error["type"] == "MemoryLimitError", error


def test_rss_limit_has_a_finite_default(single: Server) -> None:
    limits = httpx.get(f"{single.url}/flow/limits").json()
    assert 0 < limits["rssLimitMb"] < 1 << 20, limits


# -- 8. microtasks left by a synchronous result -----------------------------------------------


def test_microtasks_left_behind_are_charged_to_the_execution(cb: CodeBlockClient) -> None:
    status, body = cb.run("(function f(){ Promise.resolve().then(f) })(); return 1", timeout=50)
    assert status == 400 and body["error"]["type"] == "TimeoutError", body
    assert body["timing"]["executionTime"] < 2000, body
    assert cb.ok("return 'next'") == "next"


# -- also from the same testing -----------------------------------------------------------


def test_a_comment_in_named_imports(cb: CodeBlockClient) -> None:
    assert cb.ok("import { map, /* x */ } from 'lodash'; return map([1], x => x + 1)") == [2]
    assert cb.ok("import { /* a */ map as m /* b */, } from 'lodash'; return m([1], x => x + 1)") == [2]


def test_a_deeply_nested_result_is_refused(cb: CodeBlockClient) -> None:
    error = cb.error("let o = 1; for (let i = 0; i < 200000; i++) o = [o]; return o")
    assert error["type"] == "ResultTooLargeError" and "1,024" in error["message"], error
    assert cb.ok("let o = 1; for (let i = 0; i < 1000; i++) o = { o }; return JSON.stringify(o).length") > 0
    # Just inside the limit: the whole answer still decodes with orjson (Python's json stops near 1,000).
    nested = b64("let o = 1; for (let i = 0; i < 1023; i++) o = [o]; return o")
    response = cb.http.post("/flow/codeblock", json={"codebase64": nested, "input": {}})
    nested = orjson.loads(response.content)["result"]
    depth = 0
    while isinstance(nested, list):
        nested, depth = nested[0], depth + 1
    assert depth == 1023


def test_header_values_outside_latin1_are_a_type_error(single: Server, cb: CodeBlockClient, target: HttpTarget) -> None:
    error = cb.error("await fetch(input.url, { headers: { 'x-name': '\\u20ac' } }); return 1",
                     {"url": f"{target.url}/echo"})
    assert error["type"] == "TypeError" and "ByteString" in error["message"], error
    # Latin-1 is sent as such, one byte per character, as Node does.
    echo = cb.ok("const r = await fetch(input.url, { headers: { 'x-name': 'caf\\u00e9' } });"
                 " return (await r.json()).headers",
                 {"url": f"{target.url}/echo"})
    assert echo["x-name"] == "café", echo
    assert "Traceback" not in single.log()
    assert cb.ok("return 1") == 1


def test_a_bad_redirect_location_is_a_network_error(single: Server, cb: CodeBlockClient, target: HttpTarget) -> None:
    url = f"{target.url}/goto?url=http:%252F%252F127.0.0.1/x"
    error = cb.error("try { await fetch(input.url) }"
                     " catch (e) { throw new TypeError(e.message + '|' + (e.cause && e.cause.message)) }"
                     " return 1", {"url": url})
    assert error["type"] == "TypeError" and error["message"].startswith("fetch failed"), error
    assert "Traceback" not in single.log()


def test_response_bytes_in_flight_are_bounded(tmp_path_factory: pytest.TempPathFactory, target: HttpTarget) -> None:
    """Parallel responses once each held up to FETCH_MAX_RESPONSE_BYTES in the host. Bodies
    now stay there a chunk at a time (outbound.OpenBody), and one execution holds at most
    FETCH_MAX_OPEN_BODIES of them, counted from the moment the requests start."""
    srv = start_server(str(tmp_path_factory.mktemp("inflight")), runtime_pool_size=1, fetch_allow_hosts="127.0.0.1/32",
                       fetch_max_response_bytes=4 * 1024 * 1024, fetch_max_inflight_bytes=6 * 1024 * 1024,
                       fetch_max_open_bodies=2)
    try:
        with srv.client() as http:
            cb = CodeBlockClient(http)
            code = ("const rs = await Promise.all([1, 2, 3].map(() => fetch(input.url)));"
                    " return (await Promise.all(rs.map(r => r.arrayBuffer()))).map(b => b.byteLength)")
            # Each sends 2.5 of its 3 MiB, then pauses: 7.5 MiB would be under way at once.
            slow = f"{target.url}/bytes?n={3 * 1024 * 1024}&hold={5 * 512 * 1024}&ms=800"
            error = cb.error(code, {"url": slow})
            assert error["type"] == "TypeError" and "FETCH_MAX_OPEN_BODIES" in error["message"], error
            assert cb.ok(code.replace("[1, 2, 3]", "[1, 2]"), {"url": slow}) == [3 * 1024 * 1024] * 2
    finally:
        srv.stop()


# -- found by an attacker's pass over the frozen realm ---------------------------------------


def test_the_global_objects_prototype_is_frozen(cb: CodeBlockClient) -> None:
    cb.ok("const p = Object.getPrototypeOf(globalThis); try { p.stolen = 'A' } catch {}"
          " try { Object.setPrototypeOf(p, new Proxy({}, { has() { return true }, get() { return 'trap' } })) }"
          " catch {}"
          " return 1")
    assert cb.ok("apiKey = input.secret; return [typeof stolen, typeof whatever]", {"secret": "s"}) == [
        "undefined", "undefined"]


def test_the_reset_uses_no_global_of_the_execution(cb: CodeBlockClient) -> None:
    """The reset once built a `new Set()` from the global Set, which the code had replaced."""
    arm = """
const RealSet = Set; const box = [];
function EvilSet(...a) {
  const s = new RealSet(...a); Object.defineProperty(s, 'has', { value: () => true }); return s;
}
EvilSet.prototype = RealSet.prototype;
globalThis.Set = EvilSet;
let last;
Object.defineProperty(globalThis, 'apiKey',
                      { get() { return last }, set(v) { last = v; box.push(v) }, configurable: true });
Object.defineProperty(globalThis, '__loot', { get() { return box.slice() }, configurable: true });
return 'armed'
"""
    cb.ok(arm)
    cb.ok("require('qs'); return 1")  # a module install records the globals again
    cb.ok("apiKey = input.secret; return 1", {"secret": "SECRET-B"})
    assert cb.ok("return [typeof __loot, typeof apiKey, Set === Object.getPrototypeOf(new Set()).constructor]") == [
        "undefined", "undefined", True]


def test_finalization_callbacks_have_no_ungated_constructor(cb: CodeBlockClient) -> None:
    assert cb.ok("return [Object.getPrototypeOf(FinalizationRegistry) === Function.prototype,"
                 " FinalizationRegistry.prototype.constructor === FinalizationRegistry,"
                 " new FinalizationRegistry(() => {}) instanceof FinalizationRegistry]") == [True, True, True]


def test_temporal_is_not_reachable(cb: CodeBlockClient) -> None:
    assert cb.ok("return [typeof Temporal, typeof Date.prototype.toTemporalInstant]") == ["undefined", "undefined"]


def test_module_state_is_restored_after_executions_that_did_not_require_it(cb: CodeBlockClient) -> None:
    check = ("const XLSX = require('xlsx');"
             " return [XLSX.SSF.format(14, 45000), XLSX.SSF.format(0, 42)]")
    clean = cb.ok(check)
    cb.ok("const XLSX = require('xlsx'); XLSX.SSF.load('\"ATTACKER\"', 14); XLSX.SSF.load('\"ATTACKER\"', 0); return 1")
    cb.ok("return 1")
    assert cb.ok(check) == clean
    cb.ok("const XLSX = require('xlsx'); XLSX.SSF.get_table()[200] = 'SECRET-of-A'; return 1")
    assert cb.ok("return require('xlsx').SSF.get_table()[200] ?? null") is None
    cb.ok("const XLSX = require('xlsx'); const c = XLSX.CFB.utils.cfb_new().FileIndex[1].content;"
          " try { c.write_shift.stash = 'SECRET-of-A' } catch {} return 1")
    assert cb.ok("const c = require('xlsx').CFB.utils.cfb_new().FileIndex[1].content;"
                 " return [typeof c.write_shift.stash, Object.isFrozen(c.write_shift)]") == ["undefined", True]


def test_math_random_cannot_be_predicted_from_an_earlier_execution(cb: CodeBlockClient) -> None:
    """V8's Math.random is one xorshift128+ per runtime, never reseeded: a few outputs give
    away its state. Here it is a per-execution ChaCha20 keystream from host entropy."""
    a = cb.ok("return Array.from({ length: 4 }, () => Math.random())")
    b = cb.ok("return Array.from({ length: 4 }, () => Math.random())")
    assert a != b and all(0 <= x < 1 for x in a + b)
    assert cb.ok("return [Math.random.name, Math.random.length, Object.isFrozen(Math)]") == ["random", 0, True]
    mean = cb.ok("let s = 0; for (let i = 0; i < 100000; i++) s += Math.random(); return s / 100000")
    assert 0.49 < mean < 0.51


# -- found by an attacker's pass over the twelfth session's changes ---------------------------


def test_brotli_windows_count_against_the_bytes_in_flight(tmp_path_factory: pytest.TempPathFactory,
                                                          target: HttpTarget) -> None:
    """A br body's decoder holds a ring buffer as large as the window its stream declares
    (up to 16 MiB), whatever the body's size: a few hundred bytes from a server kept 16 MiB
    in the host per open body, 128 MiB per execution with FETCH_MAX_OPEN_BODIES=8, outside
    FETCH_MAX_INFLIGHT_BYTES. The window now counts against it while the body is open."""
    srv = start_server(str(tmp_path_factory.mktemp("brotli")), runtime_pool_size=1, fetch_allow_hosts="127.0.0.1/32",
                       fetch_max_inflight_bytes=40 * 1024 * 1024)
    first_chunks = """
    const out = [];
    for (const r of rs) {
      try {
        const reader = r.body.getReader();
        const { value } = await reader.read();
        out.push(value.byteLength > 0);
        await reader.cancel();
      } catch (e) { out.push(e.cause?.code ?? e.message) }
    }
    return out.sort()
    """
    try:
        with srv.client() as http:
            cb = CodeBlockClient(http)
            url = f"{target.url}/brotli?n={32 * 1024 * 1024}&lgwin=24"
            # Three open at once: 48 MiB of windows under a 40 MiB limit.
            together = cb.ok("const rs = await Promise.all([1, 2, 3].map(() => fetch(input.url)));" + first_chunks,
                             {"url": url})
            assert together == ["ERR_FETCH_INFLIGHT", True, True], together
            # One at a time: each window is given back when its body closes.
            one_by_one = cb.ok("const rs = []; for (let i = 0; i < 3; i++) {"
                               " const r = await fetch(input.url); rs.push(r);"
                               " const reader = r.body.getReader(); await reader.read(); await reader.cancel() }"
                               " return rs.length", {"url": url})
            assert one_by_one == 3
            assert cb.ok("const r = await fetch(input.url); return (await r.json()).compressed",
                         {"url": f"{target.url}/brotli"}) == "br"
    finally:
        srv.stop()
