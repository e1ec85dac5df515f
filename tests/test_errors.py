"""Each error type, with line/column pointing into the user's code."""

from __future__ import annotations

import pytest

from conftest import CodeBlockClient


@pytest.mark.parametrize(
    ("code", "type_", "message", "line", "column"),
    [
        ("const a = 1;\nlet b = ;\nreturn a;", "SyntaxError", "Unexpected token ';'", 2, 9),
        ("return {a: 1", "SyntaxError", "Unexpected end of input", 1, None),
        ("const x = 1;\nconst x = 2;\nreturn x;", "SyntaxError", "Identifier 'x' has already been declared", 2, 7),
        ("return 1;\n\n  missing + 1;", "ReferenceError", None, None, None),  # unreachable: returns 1
        ("const v = 2;\n\n  return missingName + v;", "ReferenceError", "missingName is not defined", 3, 3),
        ("const o = null;\nreturn o.prop;", "TypeError", "Cannot read properties of null (reading 'prop')", 2, 10),
        ("const f = 5;\nf();\nreturn 1;", "TypeError", "f is not a function", 2, 1),
        ("return new Array(-1);", "RangeError", "Invalid array length", 1, 8),
        ("function r() { return r() + 1 }\nreturn r();", "RangeError", "Maximum call stack size exceeded", None, None),
        ("return (1).toFixed(500);", "RangeError", "toFixed() digits argument must be between 0 and 100", 1, 12),
        ("throw new Error('boom');\nreturn 1;", "RuntimeError", "boom", 1, 7),
        ("throw new URIError('bad uri');\nreturn 1;", "URIError", "bad uri", 1, 7),
        ("throw 'a string';\nreturn 1;", "RuntimeError", "a string", None, None),
        ("throw { code: 7 };\nreturn 1;", "RuntimeError", '{"code":7}', None, None),
        ("throw 42;\nreturn 1;", "RuntimeError", "42", None, None),
        ("throw null;\nreturn 1;", "RuntimeError", "null", None, None),
        ("class MyErr extends Error { constructor(m) { super(m); this.name = 'MyErr'; } }\n"
         "throw new MyErr('custom');\nreturn 1;", "RuntimeError", "custom", 2, 7),
        ("await null;\nthrow new TypeError('after await');\nreturn 1;", "TypeError", "after await", 2, 7),
        ("return eval('1 + 1');", "SecurityError", "code generation from strings is not allowed", 1, None),
        ("return new Function('return 1')();", "SecurityError", "code generation from strings is not allowed", 1, 8),
        ("return (function(){}).constructor('return this')();", "SecurityError", "code generation", None, None),
        ("return setTimeout('alert(1)', 1);", "TypeError", 'The "callback" argument must be of type function', 1, 8),
        ("return require('fs');", "SecurityError", 'Module "fs" is not available in code blocks', 1, 8),
        ("return require('node:child_process');", "SecurityError", 'Module "child_process"', 1, 8),
        ("return require('no-such-module');", "RuntimeError",
         "Cannot find module 'no-such-module'. Available modules:", 1, 8),
    ],
)
def test_error_types(cb: CodeBlockClient, code: str, type_: str, message: str | None, line: int | None,
                     column: int | None) -> None:
    status, body = cb.run(code)
    if message is None:  # the control case: the faulty line is never reached
        assert status == 200 and body["result"] == 1
        return
    assert status == 400, body
    error = body["error"]
    assert error["type"] == type_, error
    assert message in error["message"], error
    if line is not None:
        assert error["line"] == line, error
    if column is not None:
        assert error["column"] == column, error


def test_stack_shows_only_user_frames(cb: CodeBlockClient) -> None:
    code = ("function inner() {\n  throw new Error('deep');\n}\n"
            "function outer() { return inner(); }\nreturn [1].map(outer);")
    error = cb.error(code)
    lines = error["stack"].split("\n")
    assert lines[0] == "Error: deep"
    assert "at inner (codeblock.js:2:9)" in lines[1]
    assert "at outer (codeblock.js:4:27)" in lines[2]
    assert all("codeblock.js" in frame for frame in lines[1:])
    assert "flow:bootstrap" not in error["stack"]
    assert (error["line"], error["column"]) == (2, 9)


def test_error_code_is_passed_through(cb: CodeBlockClient) -> None:
    error = cb.error("const e = new Error('with code'); e.code = 'E_CUSTOM'; throw e; return 1")
    assert error["code"] == "E_CUSTOM"


def test_hostile_error_objects_are_described(cb: CodeBlockClient) -> None:
    code = """
    const e = new Error('x');
    Object.defineProperty(e, 'message', { get() { throw new Error('trap') } });
    Object.defineProperty(e, 'stack', { get() { throw new Error('trap') } });
    throw e;
    return 1;
    """
    error = cb.error(code)
    assert error["type"] == "RuntimeError"
    assert cb.ok("return 'ok'") == "ok"


def test_wrapper_breakout_is_refused(cb: CodeBlockClient) -> None:
    # Closing the wrapper function early must not run the rest as top-level code.
    code = "return 1 });\nglobalThis.leaked = true;\n(function () {"
    error = cb.error(code)
    assert error["type"] == "SyntaxError"
    assert cb.ok("return typeof globalThis.leaked") == "undefined"


def test_process_is_a_harmless_subset(cb: CodeBlockClient) -> None:
    assert cb.ok("return [process.env, process.cwd(), process.platform]") == [{}, "/", "linux"]
    error = cb.error("process.exit(1); return 1")
    assert error["code"] == "ERR_PROCESS_EXIT"
    assert "process.exit(1) was called" in error["message"]
    error = cb.error("return process.binding('fs')")
    assert error["type"] == "SecurityError"
    assert cb.ok("return require('process') === process") is True


def test_process_memory_usage_reports_this_runtime(cb: CodeBlockClient) -> None:
    used, total, buffers = cb.ok(
        "const before = process.memoryUsage(); const b = Buffer.alloc(4096);\n"
        "return [before.heapUsed, before.heapTotal, process.memoryUsage().arrayBuffers - before.arrayBuffers]"
    )
    assert 100_000 < used <= total
    assert buffers >= 4096


@pytest.mark.parametrize(
    "name",
    ["fs", "fs/promises", "child_process", "net", "http", "https", "dgram", "dns", "os", "cluster", "worker_threads",
     "vm", "v8", "node:fs", "tls", "http2", "inspector", "module"],
)
def test_host_modules_are_refused(cb: CodeBlockClient, name: str) -> None:
    error = cb.error(f"return require('{name}')")
    assert error["type"] == "SecurityError"
    assert f'Module "{name.removeprefix("node:")}" is not available in code blocks' in error["message"]
    error = cb.error(f"import x from '{name}';\nreturn x")
    assert error["type"] == "SecurityError"
