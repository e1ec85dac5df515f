"""A code block as V8 sees it: the function that wraps the user's code, the script
that defines it, and the errors of code that does not compile, in the user's lines
and columns (the wrapper puts `LINE_OFFSET` lines before the user's line 1)."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Final

from .bridge import LINE_OFFSET, SCRIPT_NAME, sink_script
from .errors import CodeBlockError, ErrorType

__all__ = ["CodeBlock", "escape_error", "stray_brace_error", "syntax_error"]

_NONCE_SLOT: Final = "0" * 32  # as long as a nonce, so the function's length is known in advance
# V8's compile error head: `<anonymous>:LINE: Name: message` (or the script name).
_ERROR_HEAD: Final = re.compile(rf"^(?:<anonymous>|{re.escape(SCRIPT_NAME)}):(\d+): (\w+): (.*)$")
_STRAY_BRACE: Final = "Unexpected token '}'"


@dataclass(frozen=True, slots=True)
class CodeBlock:
    """A validated code block, wrapped once and shared by every runtime."""

    code: str
    key: str  # identity of the code (sha256), the per-runtime definition cache key
    function_source: str  # `function (input, require, module, exports) {\n<code>\n}`
    function_length: int  # in UTF-16 code units, as Function.prototype.toString counts
    line_count: int
    stray_brace: tuple[int, int] | None = None  # see analysis.CodeFacts
    modules: tuple[str, ...] = ()  # npm modules to install before it runs
    # The modules the code names in require/import (usage statistics, usage.py): the
    # catalog's names and the eager built-ins, never a made-up specifier.
    requires: tuple[str, ...] = ()

    @property
    def module_list(self) -> str:
        """`modules` as the run call carries them: the only host-installed modules the
        block's require gives (js/lib/internal/modules.js), whatever its runtime has loaded."""
        return ",".join(self.modules)

    @classmethod
    def wrap(
        cls, code: str, key: str, *, is_async: bool, stray_brace: tuple[int, int] | None = None,
        modules: tuple[str, ...] = (),
    ) -> CodeBlock:
        head = "async function" if is_async else "function"
        # The head is LINE_OFFSET lines: the user's line 1 is the script's line 2. __flowEsm
        # carries the helpers that rewritten `import`s call (analysis.py). The head line
        # ends with a per-definition marker (definition_script).
        source = f"{head} (input, require, module, exports, __flowEsm) {{ /*{_NONCE_SLOT}*/\n{code}\n}}"
        return cls(
            code=code,
            key=key,
            function_source=source,
            function_length=len(source.encode("utf-16-le")) // 2,
            line_count=code.count("\n") + 1,
            stray_brace=stray_brace,
            modules=modules,
        )

    def definition_script(self, nonce: str) -> str:
        """The script that hands the code block's function to JS (claim() in
        js/lib/internal/execution.js): the code is only ever compiled inside a function,
        and the label named after `nonce` makes a script in which the code closes that
        function early a syntax error before anything runs."""
        inner = self.function_source.replace(_NONCE_SLOT, nonce, 1)
        return sink_script(f"function () {{ L{nonce}: {{ return {inner}; break L{nonce}; }} }}", SCRIPT_NAME)


def _error_at(kind: ErrorType, name: str, text: str, line: int, column: int | None) -> CodeBlockError:
    stack = f"{name}: {text}\n    at {SCRIPT_NAME}:{line}:{column or 1}"
    return CodeBlockError(kind, text, line=line, column=column, name=name, stack=stack)


def stray_brace_error(block: CodeBlock) -> CodeBlockError | None:
    """The error Node gives the code alone when it closes its function early, if the
    parse found such a brace (analysis.CodeFacts)."""
    if block.stray_brace is None:
        return None
    line, column = block.stray_brace
    return _error_at(ErrorType.SYNTAX, "SyntaxError", _STRAY_BRACE, line, column)


def escape_error() -> CodeBlockError:
    """The code ran outside its function, and the parse did not say where."""
    return CodeBlockError(ErrorType.SYNTAX, _STRAY_BRACE, name="SyntaxError", stack=f"SyntaxError: {_STRAY_BRACE}")


def syntax_error(message: str, block: CodeBlock, nonce: str) -> CodeBlockError:
    """Maps V8's compile error text to the user's line and column.

    V8 reports `<anonymous>:LINE: SyntaxError: msg`, then the source line and a
    caret line pointing at the column. A stray `}` before that point closed the
    wrapper function: report it as Node would for the code alone. So does the
    wrapper's "Undefined label" (CodeBlock.definition_script).
    """
    lines = message.split("\n")
    head = _ERROR_HEAD.match(lines[0]) if lines else None
    if head is None:
        return CodeBlockError(ErrorType.SYNTAX, message.strip() or "Invalid code", name="SyntaxError")
    script_line, name, text = int(head.group(1)), head.group(2), head.group(3)
    stray = stray_brace_error(block)
    if nonce in text:
        # The wrapper's `break` found no label: the code closed its function early (a
        # stray `}`), or left a construct open that took the wrapper's closing brace.
        if stray is not None:
            return stray
        text, script_line = "Unexpected end of input", block.line_count + LINE_OFFSET + 1  # the wrapper's last line
    user_line = script_line - LINE_OFFSET
    column = None
    on_wrapper = not 1 <= user_line <= block.line_count
    if on_wrapper:  # reported on a wrapper line (e.g. "Unexpected end of input")
        user_line = min(max(user_line, 1), block.line_count)
    elif len(lines) > 2 and "^" in lines[2]:
        column = lines[2].index("^") + 1
    if stray is not None and block.stray_brace is not None and (
        on_wrapper or block.stray_brace <= (user_line, column or 1)
    ):
        return stray
    kind = ErrorType.SYNTAX if name == "SyntaxError" else ErrorType.RUNTIME
    return _error_at(kind, name, text, user_line, column)
