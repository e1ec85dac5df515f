"""The static checks made by parsing the code block."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from flow_codeblock.analysis import analyse


@pytest.mark.parametrize(
    ("code", "has_return", "uses_await"),
    [
        ("return 1", True, False),
        ("return", True, False),
        ("if (a) { return 1 }", True, False),
        ("try { x() } catch { return 2 } finally {}", True, False),
        ("switch (a) { case 1: return 1 }", True, False),
        ("for (const x of y) { if (x) return x }", True, False),
        ("const f = () => { return 1 }; f()", False, False),
        ("function f() { return 1 }", False, False),
        ("const o = { m() { return 1 } }", False, False),
        ("class A { m() { return 1 } static { } }", False, False),
        ("const g = function* () { return 1 }", False, False),
        ("// return 1\nconst x = 1", False, False),
        ("const s = 'return 1'", False, False),
        ("const t = `return ${1}`", False, False),
        ("/* return */ const r = /return/", False, False),
        ("await x; return 1", True, True),
        ("for await (const v of it) {} return 1", True, True),
        ("const f = async () => { await x }; return f", True, False),
        ("async function g() { await 1 } return g()", True, False),
        ("return await Promise.all([a(), b()])", True, True),
        ("return input?.a ?? 1", True, False),
        ("label: { break label } return 1", True, False),
        ("const {a, ...rest} = input; return rest", True, False),
        ("return x => x ** 2", True, False),
    ],
)
def test_return_and_await_detection(code: str, has_return: bool, uses_await: bool) -> None:
    facts = analyse(code)
    assert facts.parsed_cleanly
    assert (facts.has_return, facts.uses_await) == (has_return, uses_await)


@pytest.mark.parametrize("code", ["let x = ;", "return {a: 1", "}); evil(); (function () {"])
def test_unparseable_code_is_left_to_v8(code: str) -> None:
    facts = analyse(code)
    assert not facts.parsed_cleanly
    # Treated as async with a return, so V8 reports the real SyntaxError.
    assert facts.has_return and facts.uses_await


@pytest.mark.parametrize(
    ("code", "rewritten"),
    [
        # Comments between named imports once crashed the rewrite (a 500).
        ("import { map, /* x */ } from 'lodash'; return 1",
         "const { map } = __flowEsm.ns(require('lodash')); return 1"),
        ("import { /* a */ map as m /* b */, } from 'lodash'; return 1",
         "const { map: m } = __flowEsm.ns(require('lodash')); return 1"),
        ("import d, { // line\n a } from 'x'; return 1",
         "const d = __flowEsm.d(require('x')), { a } = __flowEsm.ns(require('x'));\n return 1"),
    ],
)
def test_imports_with_comments(code: str, rewritten: str) -> None:
    assert analyse(code).rewritten == rewritten


ATOMS = ["import", "{", "}", ",", "/* c */", "// c\n", "as", "x", "*", "from", "'m'", ";", "return", "await", "(", ")",
         "`", "${", "=>", "default", "\n", "'", '"', "export", "function", "class", "=", "."]


@given(st.lists(st.sampled_from(ATOMS), max_size=30).map(" ".join))
@settings(max_examples=400, deadline=None)
def test_analysis_never_raises(code: str) -> None:
    facts = analyse(code)
    assert isinstance(facts.has_return, bool)


@pytest.mark.parametrize(("code", "properties"), [
    ("return crypto.subtle.digest('SHA-256', x)", {"subtle", "digest"}),
    ("const { subtle } = crypto; return 1", {"subtle"}),
    ("const { subtle: s } = globalThis.crypto; return s", {"subtle", "crypto"}),
    ("return { subtle }", {"subtle"}),
    ("return 'crypto.subtle' // subtle", set()),
    ("return crypto['subtle']", set()),
    ("for await (const c of h) x(c); return 1", {"asyncIterator"}),
    ("return h[Symbol.asyncIterator]()", {"asyncIterator"}),
    ("for (const c of h) x(c); return 1", set()),
])
def test_property_names(code: str, properties: set[str]) -> None:
    # Property names install the modules that provide members of an eager global
    # (crypto.subtle); identifiers stay the names the code binds or reads.
    facts = analyse(code)
    assert facts.properties == properties
    assert "subtle" not in facts.identifiers


@pytest.mark.parametrize(("code", "strings"), [
    ("return 'ReadableStream' in globalThis", {"ReadableStream"}),
    ("return globalThis[\"CompressionStream\"]", {"CompressionStream"}),
    ("return `ReadableStream`", set()),  # a template is not a name the host reads
    ("return 'Readable\\u0053tream'", set()),  # escapes are not decoded
    ("return ReadableStream // 'x'", set()),
])
def test_string_literals(code: str, strings: set[str]) -> None:
    # A string literal names a global as its identifier does ('ReadableStream' in globalThis).
    assert analyse(code).strings == strings
