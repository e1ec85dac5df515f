"""codeblock.py: the wrapper around the user's code, the script that defines it, and
V8's compile errors mapped back to the user's lines and columns. The messages below
are the ones V8 gives for these scripts (`<anonymous>:LINE: Name: message`, the
source line, a caret line)."""

from __future__ import annotations

import pytest

from flow_codeblock.bridge import LINE_OFFSET, SCRIPT_NAME
from flow_codeblock.codeblock import CodeBlock, escape_error, stray_brace_error, syntax_error
from flow_codeblock.errors import ErrorType

NONCE = "5f" * 16


def block(code: str, *, is_async: bool = False, stray_brace: tuple[int, int] | None = None) -> CodeBlock:
    return CodeBlock.wrap(code, "key", is_async=is_async, stray_brace=stray_brace)


def v8_error(script_line: int, message: str, source: str, caret_column: int, name: str = "SyntaxError") -> str:
    """V8's compile error text for the definition script."""
    return f"<anonymous>:{script_line}: {name}: {message}\n{source}\n{' ' * (caret_column - 1)}^\n\n{name}: {message}\n"


# -- wrapping ---------------------------------------------------------------------------


def test_the_code_is_the_body_of_a_function_after_one_head_line() -> None:
    wrapped = block("const a = 1;\nreturn a")
    head, *body, tail = wrapped.function_source.split("\n")
    assert head.startswith("function (input, require, module, exports, __flowEsm) {")
    assert body == ["const a = 1;", "return a"] and tail == "}"
    assert LINE_OFFSET == 1  # the head is one line: the user's line 1 is the script's line 2
    assert wrapped.line_count == 2


def test_an_async_block_gets_an_async_function() -> None:
    assert block("await null; return 1", is_async=True).function_source.startswith("async function (")
    assert block("return 1").function_source.startswith("function (")


def test_the_function_length_counts_utf16_units_as_function_to_string_does() -> None:
    ascii_block, astral_block = block("return 'ab'"), block("return '😀'")
    assert len(astral_block.function_source) == len(ascii_block.function_source) - 1
    assert astral_block.function_length == ascii_block.function_length  # 😀 is two units, like 'ab'
    assert ascii_block.function_length == len(ascii_block.function_source)


def test_the_definition_script_hands_over_the_function_inside_a_labelled_block() -> None:
    wrapped = block("return input.n")
    script = wrapped.definition_script(NONCE)
    assert script.startswith(f"__flow.sink = function () {{ L{NONCE}: {{ return function (")
    assert f"/*{NONCE}*/\nreturn input.n\n}}; break L{NONCE}; }} }};" in script
    assert script.endswith(f"\n//# sourceURL={SCRIPT_NAME}")
    # The marker replaces a slot of the same length: function_length holds for every nonce.
    inner = script[script.index("return function") + len("return ") : script.index("; break")]
    assert len(inner) == wrapped.function_length
    assert wrapped.definition_script("6a" * 16) != script


# -- error shaping ----------------------------------------------------------------------


def test_a_syntax_error_is_reported_at_the_users_line_and_column() -> None:
    wrapped = block("const a = 1;\nlet b = ;\nreturn a")
    error = syntax_error(v8_error(3, "Unexpected token ';'", "let b = ;", 9), wrapped, NONCE)
    assert (error.type, error.name, error.message) == (ErrorType.SYNTAX, "SyntaxError", "Unexpected token ';'")
    assert (error.line, error.column) == (2, 9)
    assert error.stack == f"SyntaxError: Unexpected token ';'\n    at {SCRIPT_NAME}:2:9"


def test_an_error_on_the_first_user_line() -> None:
    error = syntax_error(v8_error(2, "Unexpected identifier 'b'", "a b", 3), block("a b\nreturn 1"), NONCE)
    assert (error.line, error.column) == (1, 3)


def test_a_compile_error_other_than_syntax_is_a_runtime_error_with_its_name() -> None:
    message = v8_error(2, "Invalid regular expression flags", "return /a/gg", 8)
    error = syntax_error(message, block("return /a/gg"), NONCE)
    assert error.type is ErrorType.SYNTAX
    message = v8_error(2, "Invalid left-hand side", "1 = 2", 1, name="ReferenceError")
    error = syntax_error(message, block("1 = 2"), NONCE)
    assert (error.type, error.name, error.line) == (ErrorType.RUNTIME, "ReferenceError", 1)


def test_an_error_on_the_wrappers_last_line_is_put_on_the_users_last_line_without_a_column() -> None:
    wrapped = block("return (1\n+ 2")
    error = syntax_error(v8_error(4, "Unexpected token '}'", f"}}; break L{NONCE}; }} }};", 1), wrapped, NONCE)
    assert (error.line, error.column, error.message) == (2, None, "Unexpected token '}'")
    assert error.stack is not None and error.stack.endswith(f"{SCRIPT_NAME}:2:1")


def test_the_wrappers_undefined_label_is_an_unexpected_end_of_input() -> None:
    """The code left a construct open that took the wrapper's closing brace."""
    wrapped = block("if (x) {\nreturn 1")
    message = v8_error(4, f"Undefined label 'L{NONCE}'", f"}}; break L{NONCE}; }} }};", 5)
    error = syntax_error(message, wrapped, NONCE)
    assert (error.message, error.line, error.column) == ("Unexpected end of input", 2, None)


def test_a_stray_brace_is_reported_where_node_reports_it_for_the_code_alone() -> None:
    wrapped = block("return 1;\n}\nfoo(", stray_brace=(2, 1))
    error = syntax_error(v8_error(5, "Unexpected token '}'", f"}}; break L{NONCE}; }} }};", 1), wrapped, NONCE)
    assert (error.type, error.message, error.line, error.column) == (ErrorType.SYNTAX, "Unexpected token '}'", 2, 1)
    assert error.stack == f"SyntaxError: Unexpected token '}}'\n    at {SCRIPT_NAME}:2:1"


def test_a_stray_brace_explains_the_undefined_label() -> None:
    wrapped = block("return 1 }\nlet a", stray_brace=(1, 10))
    error = syntax_error(v8_error(3, f"Undefined label 'L{NONCE}'", "x", 1), wrapped, NONCE)
    assert (error.line, error.column) == (1, 10)


def test_an_error_before_the_stray_brace_is_reported_as_itself() -> None:
    wrapped = block("let = 1;\n}", stray_brace=(2, 1))
    error = syntax_error(v8_error(2, "Unexpected token '='", "let = 1;", 5), wrapped, NONCE)
    assert (error.message, error.line, error.column) == ("Unexpected token '='", 1, 5)


def test_an_error_after_the_stray_brace_is_reported_at_the_brace() -> None:
    wrapped = block("}\nlet = 1;", stray_brace=(1, 1))
    error = syntax_error(v8_error(3, "Unexpected token '='", "let = 1;", 5), wrapped, NONCE)
    assert (error.message, error.line, error.column) == ("Unexpected token '}'", 1, 1)


def test_text_that_is_not_a_v8_error_head_is_passed_on_as_a_syntax_error() -> None:
    error = syntax_error("  something odd  \n", block("return 1"), NONCE)
    assert (error.type, error.message, error.line) == (ErrorType.SYNTAX, "something odd", None)
    assert syntax_error("", block("return 1"), NONCE).message == "Invalid code"


def test_the_script_name_is_accepted_in_the_head_as_well() -> None:
    message = f"{SCRIPT_NAME}:3: SyntaxError: Unexpected token ';'\nlet b = ;\n        ^"
    error = syntax_error(message, block("const a = 1;\nlet b = ;"), NONCE)
    assert (error.line, error.column) == (2, 9)


def test_stray_brace_and_escape_errors() -> None:
    assert stray_brace_error(block("return 1")) is None
    error = stray_brace_error(block("return 1 }", stray_brace=(1, 10)))
    assert error is not None and (error.line, error.column, error.name) == (1, 10, "SyntaxError")
    escaped = escape_error()
    assert (escaped.type, escaped.message, escaped.line) == (ErrorType.SYNTAX, "Unexpected token '}'", None)


@pytest.mark.parametrize("script_line", [0, 1])
def test_an_error_on_the_head_line_is_put_on_the_users_first_line(script_line: int) -> None:
    error = syntax_error(v8_error(script_line, "Unexpected token", "x", 1), block("a\nb"), NONCE)
    assert (error.line, error.column) == (1, None)
