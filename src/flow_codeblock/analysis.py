"""Static facts about a code block, decided by parsing (tree-sitter), not by regexes.

- whether the body has a `return` of its own (required, as in Flow-CodeBlock);
- whether it uses `await` at its own level (then it is wrapped as an async
  function; otherwise as a plain function, which finishes in one V8 call when the
  returned value is not a thenable).

Syntax errors are V8's to report (same messages as Node): a body tree-sitter cannot
parse cleanly is treated as async and its return check is skipped. One fact helps
report them as Node does: the position of a stray `}` that would close the function
the code runs in (Node compiles the body alone and says "Unexpected token '}'" there).
"""

from __future__ import annotations

from dataclasses import dataclass

import tree_sitter_javascript
from tree_sitter import Language, Node, Parser

__all__ = ["CodeFacts", "analyse"]

_LANGUAGE = Language(tree_sitter_javascript.language())

# Nodes that open a new function scope: their returns and awaits are not the body's.
_FUNCTION_NODES = frozenset({
    "function_declaration", "function_expression", "function", "arrow_function",
    "generator_function_declaration", "generator_function", "method_definition",
    "class_static_block", "field_definition",
})


@dataclass(frozen=True, slots=True)
class CodeFacts:
    parsed_cleanly: bool
    has_return: bool
    uses_await: bool
    # (line, column), 1-based, column in UTF-16 code units as V8 counts them.
    stray_brace: tuple[int, int] | None = None


def analyse(code: str) -> CodeFacts:
    source = code.encode()
    tree = Parser(_LANGUAGE).parse(source)
    root = tree.root_node
    if root.has_error:
        return CodeFacts(
            parsed_cleanly=False, has_return=True, uses_await=True, stray_brace=_stray_brace(root, source)
        )
    has_return = uses_await = False
    stack: list[Node] = [root]
    while stack and not (has_return and uses_await):
        node = stack.pop()
        kind = node.type
        if kind in _FUNCTION_NODES:
            continue
        if kind == "return_statement":
            has_return = True
        elif kind in ("await_expression", "await"):
            uses_await = True
        stack.extend(node.children)
    return CodeFacts(parsed_cleanly=True, has_return=has_return, uses_await=uses_await)


def _stray_brace(root: Node, source: bytes) -> tuple[int, int] | None:
    """The first `}` that closes nothing in the code (it would close the wrapper
    function): a `}` token inside a top-level ERROR node, or an ERROR node that is
    just that brace."""
    for node in root.children:
        if node.type != "ERROR":
            continue
        braces = [child for child in node.children if child.type == "}"]
        if braces:
            return _position(source, braces[0].start_byte)
        if not node.children and source[node.start_byte : node.end_byte].strip() == b"}":
            return _position(source, source.index(b"}", node.start_byte))
    return None


def _position(source: bytes, offset: int) -> tuple[int, int]:
    """1-based line and column (UTF-16 code units, as V8 reports) of a byte offset."""
    line_start = source.rfind(b"\n", 0, offset) + 1
    prefix = source[line_start:offset].decode(errors="replace")
    return source.count(b"\n", 0, offset) + 1, len(prefix.encode("utf-16-le")) // 2 + 1
