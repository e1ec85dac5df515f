"""Static facts about a code block, decided by parsing (tree-sitter), not by regexes.

- whether the body has a `return` of its own (required, as in Flow-CodeBlock);
- whether it uses `await` at its own level (then it is wrapped as an async
  function; otherwise as a plain function, which finishes in one V8 call when the
  returned value is not a thenable).

Syntax errors are V8's to report (same messages as Node): a body tree-sitter cannot
parse cleanly is treated as async and its return check is skipped.
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


def analyse(code: str) -> CodeFacts:
    tree = Parser(_LANGUAGE).parse(code.encode())
    root = tree.root_node
    if root.has_error:
        return CodeFacts(parsed_cleanly=False, has_return=True, uses_await=True)
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
