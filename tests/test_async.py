"""Asynchronous code: promises, await, timers, microtasks, and the end of an execution."""

from __future__ import annotations

from conftest import CodeBlockClient


def test_sync_code_returning_a_promise(cb: CodeBlockClient) -> None:
    assert cb.ok("return new Promise(resolve => setTimeout(() => resolve(input.v), 20));", {"v": 7}) == 7


def test_async_await_chain(cb: CodeBlockClient) -> None:
    code = """
    const sleep = (ms, v) => new Promise(r => setTimeout(() => r(v), ms));
    const a = await sleep(10, 1);
    const b = await sleep(5, 2);
    const all = await Promise.all([sleep(5, 3), sleep(1, 4)]);
    return [a, b, ...all];
    """
    assert cb.ok(code) == [1, 2, 3, 4]


def test_rejected_promise_is_an_error(cb: CodeBlockClient) -> None:
    error = cb.error("return Promise.reject(new RangeError('rejected'))")
    assert (error["type"], error["message"]) == ("RangeError", "rejected")
    error = cb.error("await new Promise((_, reject) => setTimeout(() => reject('later'), 5)); return 1")
    assert (error["type"], error["message"]) == ("RuntimeError", "later")


def test_thenable_result(cb: CodeBlockClient) -> None:
    assert cb.ok("return { then(resolve) { resolve('from thenable') } }") == "from thenable"


def test_timer_order_matches_node(cb: CodeBlockClient) -> None:
    code = """
    const order = [];
    setTimeout(() => order.push('t20'), 20);
    setTimeout(() => order.push('t5'), 5);
    setTimeout(() => order.push('t0'), 0);
    setImmediate(() => order.push('immediate'));
    queueMicrotask(() => order.push('micro'));
    Promise.resolve().then(() => order.push('then'));
    order.push('sync');
    await new Promise(r => setTimeout(r, 40));
    return order;
    """
    assert cb.ok(code) == ["sync", "micro", "then", "immediate", "t0", "t5", "t20"]


def test_set_interval_and_clear(cb: CodeBlockClient) -> None:
    code = """
    let ticks = 0;
    await new Promise(resolve => {
      const id = setInterval(() => { ticks++; if (ticks === 3) { clearInterval(id); resolve(); } }, 5);
    });
    await new Promise(r => setTimeout(r, 30));
    return ticks;
    """
    assert cb.ok(code) == 3


def test_clear_timeout_prevents_callback(cb: CodeBlockClient) -> None:
    code = """
    let fired = false;
    const t = setTimeout(() => { fired = true }, 5);
    clearTimeout(t);
    const n = setTimeout(() => { fired = true }, 5);
    clearTimeout(+n);  // Node accepts the primitive id too
    await new Promise(r => setTimeout(r, 30));
    return fired;
    """
    assert cb.ok(code) is False


def test_timeout_object_has_node_methods(cb: CodeBlockClient) -> None:
    code = """
    const t = setTimeout(() => {}, 1000);
    const info = [typeof t.ref, typeof t.unref, t.hasRef(), t.unref().hasRef(), typeof +t];
    clearTimeout(t);
    return info;
    """
    assert cb.ok(code) == ["function", "function", True, False, "number"]


def test_timer_arguments_are_passed(cb: CodeBlockClient) -> None:
    assert cb.ok("return await new Promise(r => setTimeout((a, b) => r(a + b), 1, 2, 3))") == 5


def test_throw_in_timer_fails_the_execution(cb: CodeBlockClient) -> None:
    code = """
    setTimeout(() => { throw new TypeError('from timer') }, 1);
    await new Promise(r => setTimeout(r, 200));
    return 'not reached';
    """
    error = cb.error(code)
    assert (error["type"], error["message"]) == ("TypeError", "from timer")
    assert error["line"] == 2


def test_throw_in_microtask_fails_the_execution(cb: CodeBlockClient) -> None:
    code = "queueMicrotask(() => { throw new Error('micro') });\nawait new Promise(r => setTimeout(r, 50));\nreturn 1;"
    error = cb.error(code)
    assert error["message"] == "micro"


def test_execution_ends_when_result_settles(cb: CodeBlockClient) -> None:
    status, body = cb.run("setTimeout(() => {}, 10_000); return 'done';")
    assert status == 200 and body["result"] == "done"
    assert body["timing"]["executionTime"] < 1000


def test_invalid_timer_callback(cb: CodeBlockClient) -> None:
    error = cb.error("setTimeout(42, 1); return 1")
    assert error["type"] == "TypeError"
    assert error["code"] == "ERR_INVALID_ARG_TYPE"
    error = cb.error("queueMicrotask('x'); return 1")
    assert error["type"] == "TypeError"


def test_many_concurrent_waiting_executions(cb: CodeBlockClient) -> None:
    import concurrent.futures

    code = "await new Promise(r => setTimeout(r, 20)); return input.i;"
    with concurrent.futures.ThreadPoolExecutor(8) as threads:
        results = list(threads.map(lambda i: cb.ok(code, {"i": i}), range(24)))
    assert results == list(range(24))
