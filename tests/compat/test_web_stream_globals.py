"""The web streams globals against Node 24: there from the start (`typeof`, `in`, own
property names and their order) while their module stays lazy (js/lib/internal/lazy_globals.js).
Cases that name no global (a regular expression over the names) see the global object of a
runtime where the module may not be installed; tests/test_web_stream_globals.py covers the
accessors themselves."""

from __future__ import annotations

from typing import Any

import pytest

from compat.conftest import assert_same_as_node, run_in_node
from conftest import CodeBlockClient

WEBISH = "const webish = (n) => /Stream|QueuingStrategy/.test(n);\n"
CASES = [
    WEBISH + "return Object.getOwnPropertyNames(globalThis).filter(webish);",
    WEBISH + "const names = Object.getOwnPropertyNames(globalThis); const at = names.indexOf('TextDecoder');"
             " return names.slice(at, at + 18);",
    WEBISH + "return Reflect.ownKeys(globalThis).filter((n) => typeof n === 'string' && webish(n)).length;",
    WEBISH + "return Object.keys(globalThis).filter(webish);",
    WEBISH + "return Object.getOwnPropertyNames(globalThis).filter(webish).map((n) => Object.getOwnPropertyDescriptor(globalThis, n))"
             ".map((d) => [d.enumerable, d.configurable]);",
    "return [typeof ReadableStream, typeof WritableStream, typeof TransformStream, typeof TextDecoderStream,"
    " typeof TextEncoderStream, typeof CompressionStream, typeof DecompressionStream, typeof ByteLengthQueuingStrategy];",
    "return ['ReadableStream' in globalThis, 'CompressionStream' in globalThis, Object.hasOwn(globalThis, 'TextEncoderStream'),"
    " 'ReadableStreamBYOBReader' in globalThis];",
    "return [globalThis.ReadableStream === ReadableStream, new ReadableStream() instanceof globalThis.ReadableStream,"
    " globalThis['TransformStream'] === TransformStream];",
    "return [ReadableStream.name, ReadableStreamDefaultReader.name, CountQueuingStrategy.name, TextDecoderStream.name];",
    "return [typeof globalThis.CompressionStream, typeof global.DecompressionStream];",
    "return [typeof new CompressionStream('gzip').readable, typeof new TextEncoderStream().writable];",
    "const { ReadableStream: R } = require('stream/web'); return [R === ReadableStream, R === globalThis.ReadableStream];",
    "return [new TextEncoderStream(), new TextDecoderStream(), new CompressionStream('gzip'), new DecompressionStream('deflate'),"
    " new ReadableStream(), new TransformStream(), new CountQueuingStrategy({ highWaterMark: 1 })]"
    ".map((s) => Object.prototype.toString.call(s));",
]


@pytest.fixture(scope="module")
def node_outcomes() -> list[dict[str, Any]]:
    return run_in_node([{"code": code, "input": {}} for code in CASES])


@pytest.mark.parametrize("index", range(len(CASES)))
def test_web_stream_globals_match_node(cb1: CodeBlockClient, node_outcomes: list[dict[str, Any]], index: int) -> None:
    code = CASES[index]
    expected = node_outcomes[index]
    assert expected["ok"], expected
    status, body = cb1.run(code)
    assert_same_as_node(code, status, body, expected)
