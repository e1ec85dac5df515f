"""Console capture: per execution, bounded in count and bytes, and switchable off."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from conftest import CodeBlockClient, start_server


def test_levels_and_formatting(cb: CodeBlockClient) -> None:
    code = """
    console.log('plain', 1, true, null, undefined);
    console.info('%s is %d years', 'Ann', 42);
    console.warn({ a: [1, { b: 2 }] });
    console.error(new Error('bad').message);
    console.debug('dbg %j', { j: 1 });
    console.log([1, 'two', [3]]);
    return 1;
    """
    _, body = cb.run(code)
    assert body["logs"] == [
        {"level": "log", "message": "plain 1 true null undefined"},
        {"level": "info", "message": "Ann is 42 years"},
        {"level": "warn", "message": "{ a: [ 1, { b: 2 } ] }"},
        {"level": "error", "message": "bad"},
        {"level": "debug", "message": 'dbg {"j":1}'},
        {"level": "log", "message": "[ 1, 'two', [ 3 ] ]"},
    ]


def test_logs_survive_an_error(cb: CodeBlockClient) -> None:
    status, body = cb.run("console.log('before'); throw new Error('x'); return 1")
    assert status == 400
    assert body["logs"] == [{"level": "log", "message": "before"}]


def test_logs_from_async_code(cb: CodeBlockClient) -> None:
    _, body = cb.run("setTimeout(() => console.log('in timer'), 1);"
                     " await new Promise(r => setTimeout(r, 10)); return 1")
    assert body["logs"] == [{"level": "log", "message": "in timer"}]


def test_circular_values_do_not_break_logging(cb: CodeBlockClient) -> None:
    _, body = cb.run("const a = {}; a.a = a; console.log(a); return 1")
    assert body["logs"][0]["message"] == "{ a: [Circular *1] }"


@pytest.fixture(scope="module")
def small_console(tmp_path_factory: pytest.TempPathFactory) -> Iterator[CodeBlockClient]:
    srv = start_server(str(tmp_path_factory.mktemp("console")), max_console_entries=3, max_console_bytes=50,
                       runtime_pool_size=1, min_runtime_pool_size=1, max_runtime_pool_size=1)
    with srv.client() as http:
        yield CodeBlockClient(http)
    srv.stop()


def test_entry_limit(small_console: CodeBlockClient) -> None:
    _, body = small_console.run("for (let i = 0; i < 10; i++) console.log('n' + i); return 1")
    messages = [e["message"] for e in body["logs"]]
    assert messages[:3] == ["n0", "n1", "n2"]
    assert messages[3] == "[console output truncated: 7 more entries dropped]"
    assert len(messages) == 4


def test_byte_limit(small_console: CodeBlockClient) -> None:
    _, body = small_console.run("console.log('x'.repeat(40)); console.log('y'.repeat(40)); return 1")
    assert body["logs"][0]["message"] == "x" * 40
    assert body["logs"][1]["message"] == "[console output truncated: 1 more entries dropped]"


def test_console_off(tmp_path) -> None:
    srv = start_server(str(tmp_path), allow_console="false", runtime_pool_size=1, min_runtime_pool_size=1,
                       max_runtime_pool_size=1)
    try:
        with srv.client() as http:
            status, body = CodeBlockClient(http).run("console.log('hidden'); console.error('x'); return 'works'")
        assert status == 200
        assert body["result"] == "works"
        assert "logs" not in body
    finally:
        srv.stop()
