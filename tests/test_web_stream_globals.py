"""The web streams globals are accessors the bootstrap defines in Node's place
(js/lib/internal/lazy_globals.js) while their module stays lazy: what they give before and
after the module is installed, assignment, and that neither reaches the next execution.
A library's `typeof ReadableStream` (axios) in a code block that names no web
stream: tests/test_isolation.py's axios cases. Their names, order and values against
Node: tests/compat/test_web_stream_globals.py."""

from __future__ import annotations

from pathlib import Path

from conftest import CodeBlockClient, start_server

NO_NAME = "const webish = (n) => /Stream|QueuingStrategy/.test(n);\n"
# Reaches ReadableStream by a computed name: the host does not install the module for it.
COMPUTED = (NO_NAME + "const name = ['Readable', 'Stream'].join('');\n"
            "const d = Object.getOwnPropertyDescriptor(globalThis, name);\n"
            "let got; try { got = typeof globalThis[name]; } catch (e) { got = [e.code, e.message]; }\n"
            "return [typeof d.get, typeof d.set, d.get.name, d.set.name, d.enumerable, d.configurable, got,\n"
            "  Object.getOwnPropertyNames(globalThis).filter(webish).length]")


def test_the_globals_before_and_after_their_module_is_installed(tmp_path: Path) -> None:
    srv = start_server(str(tmp_path), runtime_pool_size=1, min_runtime_pool_size=1, max_runtime_pool_size=1)
    try:
        with srv.client() as http:
            cb = CodeBlockClient(http)
            # Not installed: undefined, as before the accessors (libraries feature-test with typeof).
            assert cb.ok(COMPUTED) == ["function", "function", "get ReadableStream", "set ReadableStream", False, True,
                                       "undefined", 17]
            # Blob.stream() keeps its own message while the module is not installed.
            blob = "try { new Blob(['x']).stream(); } catch (e) { return e.code; }"
            assert cb.ok(blob) == "ERR_NOT_SUPPORTED"
            assert cb.ok("return typeof ReadableStream") == "function"  # installs the module in this runtime
            installed = cb.ok(COMPUTED)
            assert installed[6] == "function" and installed[:6] == ["function", "function", "get ReadableStream",
                                                                   "set ReadableStream", False, True]
    finally:
        srv.stop()


def test_assigning_a_global_lasts_one_execution(cb1: CodeBlockClient) -> None:
    code = ("globalThis.ReadableStream = 5; TextDecoderStream = 'mine';\n"
            "const d = Object.getOwnPropertyDescriptor(globalThis, 'ReadableStream');\n"
            "return [ReadableStream, typeof globalThis.ReadableStream, TextDecoderStream, d.writable, d.enumerable]")
    assert cb1.ok(code) == [5, "number", "mine", True, False]
    after = ("const d = Object.getOwnPropertyDescriptor(globalThis, 'ReadableStream');\n"
             "return [typeof ReadableStream, typeof TextDecoderStream, typeof d.get,\n"
             "  new ReadableStream() instanceof ReadableStream]")
    assert cb1.ok(after) == ["function", "function", "function", True]


def test_a_string_literal_or_a_property_name_installs_the_module(tmp_path: Path) -> None:
    srv = start_server(str(tmp_path), runtime_pool_size=1, min_runtime_pool_size=1, max_runtime_pool_size=1)
    try:
        with srv.client() as http:
            cb = CodeBlockClient(http)
            assert cb.ok("return typeof globalThis['CompressionStream']") == "function"
    finally:
        srv.stop()
    (tmp_path / "b").mkdir()
    srv = start_server(str(tmp_path / "b"), runtime_pool_size=1, min_runtime_pool_size=1, max_runtime_pool_size=1)
    try:
        with srv.client() as http:
            assert CodeBlockClient(http).ok("return typeof globalThis.WritableStream") == "function"
    finally:
        srv.stop()
