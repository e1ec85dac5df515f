"""Result serialisation follows JSON.stringify, with the documented edge cases."""

from __future__ import annotations

import pytest

from conftest import CodeBlockClient, start_server


@pytest.mark.parametrize(
    ("code", "expected"),
    [
        ("return undefined", None),
        ("return", None),
        ("return null", None),
        ("return NaN", None),
        ("return Infinity", None),
        ("return -0", 0),
        ("return 1.5e300", 1.5e300),
        ("return 'text'", "text"),
        ("return true", True),
        ("return () => 1", None),
        ("return Symbol('s')", None),
        ("return { a: undefined, b: () => 1, c: Symbol('x'), d: 1 }", {"d": 1}),
        ("return [undefined, () => 1, NaN]", [None, None, None]),
        ("return new Date(Date.UTC(2024, 0, 2, 3, 4, 5, 6))", "2024-01-02T03:04:05.006Z"),
        ("return { when: new Date(0) }", {"when": "1970-01-01T00:00:00.000Z"}),
        ("return new Date(NaN)", None),
        ("return 12345678901234567890n", "12345678901234567890"),
        ("return { big: -5n, list: [1n] }", {"big": "-5", "list": ["1"]}),
        ("return new Map([[1, 2]])", {}),
        ("return new Set([1, 2])", {}),
        ("return new Uint8Array([1, 2, 3])", {"0": 1, "1": 2, "2": 3}),
        ("return /re/g", {}),
        ("return new Error('e')", {}),
        ("return { toJSON() { return 'custom' } }", "custom"),
        ("return Object.assign(Object.create({ inherited: 1 }), { own: 2 })", {"own": 2}),
        ("return { [Symbol('k')]: 1, n: 1 }", {"n": 1}),
        ("return new String('boxed')", "boxed"),
        ("return { nested: { deep: { deeper: [1, { x: 'y' }] } } }", {"nested": {"deep": {"deeper": [1, {"x": "y"}]}}}),
        ("return '\\u2028\\u2029\\u0000\"\\\\'", "\u2028\u2029\u0000\"\\"),
        ("return '\\ud800'", "\ud800"),
        ("return await Promise.resolve({ p: 1 })", {"p": 1}),
    ],
)
def test_json_stringify_semantics(cb: CodeBlockClient, code: str, expected: object) -> None:
    assert cb.ok(code) == expected


def test_circular_result_is_a_clear_type_error(cb: CodeBlockClient) -> None:
    error = cb.error("const a = { name: 'a' }; a.self = a; return a;")
    assert error["type"] == "TypeError"
    assert error["message"].startswith("The returned value cannot be serialised to JSON: Converting circular structure")


def test_throwing_to_json_is_reported(cb: CodeBlockClient) -> None:
    error = cb.error("return { toJSON() { throw new RangeError('nope') } }")
    assert error["type"] == "RangeError"
    assert error["message"] == "nope"


def test_throwing_getter_is_reported(cb: CodeBlockClient) -> None:
    error = cb.error("return { get boom() { throw new Error('getter') } }")
    assert (error["type"], error["message"]) == ("RuntimeError", "getter")


def test_patched_json_stringify_does_not_change_serialisation(cb: CodeBlockClient) -> None:
    code = "JSON.stringify = () => '\"hacked\"'; Object.prototype.toJSON = undefined; return { a: 1 };"
    assert cb.ok(code) == {"a": 1}


def test_to_json_on_a_prototype_affects_only_the_result(cb: CodeBlockClient) -> None:
    # JSON.stringify consults toJSON on the prototype chain, as in Node; logs are unaffected.
    code = ("class Row { toJSON() { return 'X' } } console.log('line');"
            " return { a: new Row(), b: Object.create({ toJSON() { return 'Y' } }) };")
    status, body = cb.run(code)
    assert status == 200
    assert body["result"] == {"a": "X", "b": "Y"}
    assert body["logs"] == [{"level": "log", "message": "line"}]
    # Object.prototype is frozen (README, "Differences from Node"): the assignment has no effect.
    assert cb.ok("Object.prototype.toJSON = function () { return 'X' }; return { a: 1 };") == {"a": 1}


def test_result_size_limit(tmp_path) -> None:
    srv = start_server(str(tmp_path), max_result_size=1000, runtime_pool_size=1, min_runtime_pool_size=1,
                       max_runtime_pool_size=1)
    try:
        with srv.client() as http:
            client = CodeBlockClient(http)
            assert client.ok("return 'x'.repeat(990)") == "x" * 990
            error = client.error("return 'x'.repeat(1000)")
            assert error["type"] == "ResultTooLargeError"
            assert "over the limit of 1,000 bytes" in error["message"]
            # Multi-byte characters count as UTF-8 bytes: 400 x 3 bytes > 1000.
            error = client.error("return '中'.repeat(400)")
            assert error["type"] == "ResultTooLargeError"
            assert client.ok("return '中'.repeat(300)") == "中" * 300
            assert client.ok("return 'still fine'") == "still fine"
    finally:
        srv.stop()


def test_input_with_nul_and_separators_arrives_intact(cb: CodeBlockClient) -> None:
    """The input travels to V8 inside a NUL-separated host message (execution.js
    dispatch): escaped NULs, empty strings and large values arrive unchanged."""
    data = {"\u0000key": "a\u0000b", "empty": "", "sep": "\\0run\\0", "unicode": "😀 é 中", "big": "x" * 200_000}
    result = cb.ok("return { input, n: input.big.length }",
                   input=data)
    assert result["input"] == data
    assert result["n"] == 200_000
