"""Language semantics and error reporting, compared with real Node.js.

Each snippet runs as the body of a function with `input` in scope, in `node`
(vm.compileFunction, file name codeblock.js) and in the service; results (as JSON)
and thrown errors (name, message, line, column) must match.
"""

from __future__ import annotations

import json
from typing import Any

import pytest

from compat.conftest import run_in_node
from conftest import CodeBlockClient

SNIPPETS: list[str] = [
    # Proxy (the service wraps it to track proxies of shared objects): same shape and errors.
    "const p = new Proxy({ a: 1 }, { get: (t, k) => k === 'b' ? 2 : t[k] }); return [p.a, p.b, typeof Proxy, Proxy.name, Proxy.length, 'prototype' in Proxy, typeof Proxy.revocable]",
    "const { proxy, revoke } = Proxy.revocable({}, {}); revoke(); try { proxy.x } catch (e) { return [e.name, e.message] }",
    "try { Proxy({}, {}) } catch (e) { return [e.name, e.message] }",
    "try { new Proxy(1, {}) } catch (e) { return [e.name, e.message] }",
    "try { class B extends Proxy {} } catch (e) { return [e.name, e.message] }",
    "return [Object.keys(new Proxy([1, 2], {})), Array.isArray(new Proxy([], {})), new Proxy(function f() { return 3 }, {})()]",
    # values and built-ins
    "return [1, 2, 3].map(x => x * 2).filter(x => x > 2).reduce((a, b) => a + b, 0)",
    "return Object.entries({ a: 1, b: 2 }).map(([k, v]) => k + v).join(',')",
    "return [3, 1, 2].sort().concat([..."'abc'"]).reverse()",
    "return new Date(Date.UTC(2020, 1, 29)).toISOString()",
    "return (1234567.891).toFixed(2) + ' ' + (0.1 + 0.2)",
    "return [parseInt('08'), parseFloat('3.14abc'), Number(''), Number('0x1f'), +[], +{}]",
    "return JSON.parse('{\"a\":[1,{\"b\":null}]}')",
    "return 'Hello, World'.replace(/o/g, '0').split(',').map(s => s.trim())",
    "return [typeof null, typeof undefined, typeof 1n, typeof Symbol(), typeof function(){}, typeof []]",
    "return Array.from({ length: 5 }, (_, i) => i ** 2)",
    "return [...new Set([1, 1, 2, 3, 3])]",
    "return Object.fromEntries(new Map([['x', 1], ['y', 2]]))",
    "return structuredLike = { nested: { arr: [1, [2, [3]]] } }",
    "return 'ßtraße'.toUpperCase() + 'İ'.toLowerCase().length",
    "return ['b', 'a', 'C'].sort((x, y) => x.localeCompare(y))",
    "return new Intl.NumberFormat('en-US', { style: 'currency', currency: 'USD' }).format(1234.5)",
    "return new Intl.NumberFormat('de-DE').format(1234567.891)",
    "return new Date(Date.UTC(2024, 4, 1, 12)).toLocaleString('zh-CN', { timeZone: 'Asia/Shanghai' })",
    "return new Intl.DateTimeFormat('en-GB', { dateStyle: 'full', timeZone: 'UTC' }).format(new Date(0))",
    "return (12345.6789).toLocaleString('zh-CN')",
    "return encodeURIComponent('a b&c=d/é') + decodeURIComponent('%E4%B8%AD')",
    "return [Math.max(), Math.min(), Math.round(-0.5), Math.sign(-3), Math.trunc(4.7), Math.hypot(3, 4)]",
    "return [1e21 + '', 2 ** 53 + 1, Number.MAX_SAFE_INTEGER, 0.000001, 1e-7]",
    "return 'abc'.padStart(6, '*') + 'abc'.at(-1) + 'a-b-c'.replaceAll('-', '+')",
    "return [10, 1, 5].toSorted((a, b) => a - b).with(0, 99)",
    "const re = /(?<year>\\d{4})-(?<month>\\d{2})/u; return '2024-05'.match(re).groups",
    "return new Date('2024-03-10T10:00:00Z').getTime()",
    "return Date.UTC(2024, 0, 1) - Date.parse('2024-01-01')",
    "return String(Symbol('desc')) + [1, [2, [3, [4]]]].flat(Infinity).join('')",
    "class A { #p = 1; get p() { return this.#p } static s = 'S' } return [new A().p, A.s]",
    "const { a = 5, ...rest } = { b: 1, c: 2 }; return [a, rest]",
    "function* g() { yield 1; yield 2 } return [...g()]",
    "const wm = new WeakMap(); const k = {}; wm.set(k, 1); return wm.get(k)",
    "return input.list.map(r => ({ ...r, total: r.qty * r.price }))",
    "let s = 0; for (const k in { x: 1, y: 2 }) s += k.length; return s",
    "return [1, 2, 3].includes(NaN) || [NaN].includes(NaN)",
    "return new Error('m').toString() + ' ' + String(new TypeError('t'))",
    "return [0.1 * 3, 9007199254740993n * 2n]",
    "return await Promise.allSettled([Promise.resolve(1), Promise.reject(new Error('no'))]).then(r => r.map(x => x.status))",
    "const r = await Promise.race([new Promise(r => setTimeout(() => r('slow'), 20)), new Promise(r => setTimeout(() => r('fast'), 1))]); return r",
    "return await Promise.any([Promise.reject(1), Promise.resolve(2)])",
    # errors: name, message, line, column must match
    "const a = 1;\nlet b = ;\nreturn a;",
    "return {a: 1",
    "if (input.x) {\n  return 1\n",
    "const x = 1;\nconst x = 2;\nreturn x;",
    "return 1 });\nglobalThis.leaked = 1;\n(function () {",
    "return missing + 1",
    "const o = null;\nreturn o.prop;",
    "const u = undefined;\n\n  u.call();\nreturn 1;",
    "const f = 5;\nf();\nreturn 1;",
    "return new Array(-1);",
    "return (1).toFixed(500);",
    "return 'abc'.repeat(-1)",
    "return BigInt(1.5)",
    "return null[Symbol.iterator]",
    "const [a] = null; return a",
    "return JSON.parse('{bad json')",
    "return JSON.parse('')",
    "return decodeURIComponent('%')",
    "return new Intl.NumberFormat('en', { style: 'currency' })",
    "throw new Error('plain error');\nreturn 1;",
    "throw new RangeError('custom range');\nreturn 1;",
    "class E extends Error { constructor(m) { super(m); this.name = 'E' } }\nthrow new E('sub');\nreturn 1;",
    "const obj = { get x() { throw new SyntaxError('getter syntax') } };\nreturn obj.x;",
    "'use strict';\nundeclared = 1;\nreturn 1;",
    "function f(n) { if (n === 0) throw new Error('bottom'); return f(n - 1) }\nreturn f(3);",
    "await null;\nnull.after;\nreturn 1;",
    "const t = await new Promise((_, rej) => setTimeout(() => rej(new TypeError('late reject')), 1));\nreturn t;",
    "return 1 }",
    "if (input.x) { return 1 } }\nreturn 2;",
    "const s = '}';\nreturn s; };\nconst g = function () {",
    "return Object.defineProperty(Object.freeze({}), 'x', { value: 1 })",
    "return new (class { constructor() { return Symbol() } })() + ''",
]

INPUT = {"x": 0, "list": [{"id": 1, "qty": 2, "price": 3.5}, {"id": 2, "qty": 1, "price": 10}]}


@pytest.fixture(scope="module")
def node_outcomes() -> list[dict[str, Any]]:
    return run_in_node([{"code": code, "input": INPUT} for code in SNIPPETS])


@pytest.mark.parametrize("index", range(len(SNIPPETS)), ids=[s[:50] for s in SNIPPETS])
def test_same_as_node(cb: CodeBlockClient, node_outcomes: list[dict[str, Any]], index: int) -> None:
    code = SNIPPETS[index]
    expected = node_outcomes[index]
    status, body = cb.run(code, INPUT)
    if expected["ok"]:
        assert status == 200, body
        assert body["result"] == json.loads(expected["result"])
        return
    assert status == 400, body
    error = body["error"]
    got = {"name": error.get("name"), "message": error["message"]}
    want = {"name": expected.get("name"), "message": expected["message"]}
    assert got == want, (code, error)
    if "line" in expected:
        assert (error.get("line"), error.get("column")) == (expected["line"], expected.get("column")), (code, error)
