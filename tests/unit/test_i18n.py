# ruff: noqa: RUF001 - Chinese text uses full-width punctuation on purpose
"""i18n.py: choosing the language (Accept-Language, MESSAGES_LANGUAGE), rendering messages
with numbers per locale, recognising the JS layer's messages, and CodeBlockError's
translation that leaves V8's messages alone."""

from __future__ import annotations

import pickle

import pytest

from flow_codeblock.errors import CodeBlockError, ErrorType
from flow_codeblock.i18n import Message, msg, negotiate, recognise


@pytest.mark.parametrize(("header", "default", "expected"), [
    (None, "en", "en"),
    ("", "zh-CN", "zh-CN"),
    ("zh-CN,zh;q=0.9,en;q=0.8", "en", "zh-CN"),
    ("en-US,en;q=0.9,zh-CN;q=0.8", "zh-CN", "en"),
    ("en;q=0.4, zh;q=0.8", "en", "zh-CN"),          # q-values, not the order, decide
    ("zh;q=0, en;q=0.1", "zh-CN", "en"),             # q=0: "not this one"
    ("fr-FR, de;q=0.9", "zh-CN", "zh-CN"),           # none we have: MESSAGES_LANGUAGE
    ("fr-FR, zh-TW;q=0.5, en;q=0.4", "en", "zh-CN"),  # any zh prefers Chinese to English
    ("*", "zh-CN", "zh-CN"),
    ("zh-Hans-CN", "en", "zh-CN"),
    ("EN-gb", "zh-CN", "en"),
    ("zh;q=abc, en", "zh-CN", "en"),                 # a broken q drops that range only
    ("zh;q=1.5, en", "zh-CN", "en"),
    (";;;,,", "zh-CN", "zh-CN"),
    ("x" * 5000, "en", "en"),
])
def test_negotiate(header: str | None, default: str, expected: str) -> None:
    assert negotiate(header, default) == expected  # type: ignore[arg-type]


def test_render_formats_numbers_per_locale_and_nested_messages_in_the_same_language() -> None:
    limit = msg("request body is over the limit of %(limit)s bytes", limit=2097152)
    assert limit.render() == "request body is over the limit of 2,097,152 bytes"
    assert limit.render("zh-CN") == "请求体过大: 超过限制 2,097,152 字节"
    assert str(limit) == limit.render("en")
    nested = msg("rate limit exceeded for %(subject)s; retry later", subject=msg("this client address"))
    assert nested.render() == "rate limit exceeded for this client address; retry later"
    assert nested.render("zh-CN") == "此客户端地址的请求过于频繁，请稍后重试"
    assert limit.render("fr") == limit.render("en")  # an unknown language falls back to English


def test_a_message_without_params_keeps_percent_signs() -> None:
    assert msg("100% sure").render() == "100% sure"  # not %-formatted without params


def test_recognise_only_the_js_layers_messages_of_service_types() -> None:
    text = "Array buffer memory limit exceeded: allocating 4096 bytes would pass the limit of 1024 bytes per execution"
    found = recognise("MemoryLimitError", text)
    assert found is not None and found.render() == text.replace("4096", "4,096").replace("1024", "1,024")
    assert found.render("zh-CN") == "ArrayBuffer 内存超出限制: 分配 4,096 字节将超过每次执行 1,024 字节的限制"
    # V8's own messages, and any text under another type, are not recognised.
    assert recognise("TypeError", "Cannot read properties of null (reading 'x')") is None
    assert recognise("RuntimeError", text) is None
    assert recognise("SecurityError", "something else") is None


def test_recognise_a_fetch_refusal_with_its_reason() -> None:
    text = ("Request to http://10.0.0.1/ refused: 10.0.0.1, a private address; code blocks may only reach "
            "public addresses")
    found = recognise("SecurityError", text)
    assert found is not None and found.render() == text
    assert found.render("zh-CN") == "请求 http://10.0.0.1/ 被拒绝: 10.0.0.1 是私有地址；代码块只能访问公网地址"


def test_error_translation_keeps_type_and_v8_messages() -> None:
    ours = CodeBlockError(ErrorType.TIMEOUT, msg("Execution timed out after %(ms)s ms", ms=5000), line=2, column=1)
    assert ours.message == "Execution timed out after 5,000 ms"
    assert ours.to_dict("zh-CN") == {"type": "TimeoutError", "message": "代码执行超时 (5,000 毫秒)", "line": 2,
                                     "column": 1}
    assert ours.translated("zh-CN").type is ErrorType.TIMEOUT
    assert ours.translated("en") is ours
    v8 = CodeBlockError(ErrorType.TYPE, "Cannot read properties of null (reading 'x')", name="TypeError",
                        stack="TypeError: Cannot read properties of null (reading 'x')\n    at <code>:1:1")
    assert v8.to_dict("zh-CN") == v8.to_dict("en")
    assert v8.translated("zh-CN") is v8


def test_the_stack_header_follows_the_message() -> None:
    record = {"type": "SecurityError", "name": "SecurityError",
              "message": "process.kill() is not available in code blocks: it would reach the host",
              "stack": "SecurityError: process.kill() is not available in code blocks: it would reach the host\n"
                       "    at <code>:1:9"}
    error = CodeBlockError.from_js(record)
    shown = error.to_dict("zh-CN")
    assert shown["message"] == "代码块中不可使用 process.kill(): 它会访问宿主机"
    assert shown["stack"] == "SecurityError: 代码块中不可使用 process.kill(): 它会访问宿主机\n    at <code>:1:9"
    assert error.to_dict()["stack"] == record["stack"]


def test_errors_still_pickle_with_their_english_message() -> None:
    error = CodeBlockError(ErrorType.VALIDATION, msg("the code is empty"))
    again = pickle.loads(pickle.dumps(error))
    assert again == error and again.message == "the code is empty"


def test_message_is_a_value() -> None:
    assert msg("a %(n)s", n=1) == Message("a %(n)s", (("n", 1),))


def test_only_quantities_are_formatted_as_numbers() -> None:
    text = "process.exit(1000) was called: a code block ends by returning its result"
    found = recognise("ERR_PROCESS_EXIT", text)
    assert found is not None and found.render() == text
    assert found.render("zh-CN") == "调用了 process.exit(1000): 代码块应通过返回结果来结束"
