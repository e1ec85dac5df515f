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

__all__ = ["CodeFacts", "analyse", "first_use"]

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
    # Module names given as string literals to require(), import or import().
    modules: tuple[str, ...] = ()
    # Identifiers used in the code (to find globals that come with a module: URL).
    identifiers: frozenset[str] = frozenset()
    # Property names used in the code (crypto.subtle, { subtle } = crypto): members of
    # an eager global that a lazy module provides.
    properties: frozenset[str] = frozenset()
    # String literals (no escapes) in the code: `'ReadableStream' in globalThis` and
    # globalThis['ReadableStream'] name a global as the identifier (and
    # globalThis.ReadableStream's property name) does.
    strings: frozenset[str] = frozenset()
    # The code with `import` declarations and `import()` rewritten for a function
    # body (same line count), or None when there is nothing to rewrite.
    rewritten: str | None = None


def analyse(code: str) -> CodeFacts:
    source = code.encode()
    tree = Parser(_LANGUAGE).parse(source)
    root = tree.root_node
    identifiers, properties, strings = _names(root, source)
    if root.has_error:
        return CodeFacts(
            parsed_cleanly=False, has_return=True, uses_await=True, stray_brace=_stray_brace(root, source),
            modules=_module_names(root, source), identifiers=identifiers, properties=properties, strings=strings,
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
    return CodeFacts(
        parsed_cleanly=True, has_return=has_return, uses_await=uses_await,
        modules=_module_names(root, source), rewritten=_rewrite_imports(root, source),
        identifiers=identifiers, properties=properties, strings=strings,
    )


def first_use(code: str, name: str) -> tuple[int, int] | None:
    """(line, column) of the first identifier `name` in `code` (outside strings and
    comments), or None."""
    source = code.encode()
    wanted = name.encode()
    stack = [Parser(_LANGUAGE).parse(source).root_node]
    found: list[int] = []
    while stack:
        node = stack.pop()
        if node.type == "identifier" and source[node.start_byte : node.end_byte] == wanted:
            found.append(node.start_byte)
        else:
            stack.extend(node.children)
    return _position(source, min(found)) if found else None


# The nodes that name a property: `a.b`'s b, `{ b: 1 }`'s and `{ b }`'s b, `{ b } = a`'s b.
_PROPERTY_NODES = frozenset(
    {"property_identifier", "shorthand_property_identifier", "shorthand_property_identifier_pattern"})


def _names(root: Node, source: bytes) -> tuple[frozenset[str], frozenset[str], frozenset[str]]:
    """The code's identifiers, property names and string literals (CodeFacts' fields of
    those names)."""
    identifiers: set[str] = set()
    properties: set[str] = set()
    strings: set[str] = set()
    stack = [root]
    while stack:
        node = stack.pop()
        if node.type == "identifier":
            identifiers.add(source[node.start_byte : node.end_byte].decode(errors="replace"))
        elif node.type in _PROPERTY_NODES:
            properties.add(source[node.start_byte : node.end_byte].decode(errors="replace"))
        elif node.type == "string":
            value = _string_value(node, source)
            if value is not None:
                strings.add(value)
        else:
            # `for await (x of y)` reads y[Symbol.asyncIterator]: it names that property.
            if node.type == "for_in_statement" and any(child.type == "await" for child in node.children):
                properties.add("asyncIterator")
            stack.extend(node.children)
    return frozenset(identifiers), frozenset(properties), frozenset(strings)


def _string_value(node: Node | None, source: bytes) -> str | None:
    if node is None or node.type != "string":
        return None
    text = source[node.start_byte + 1 : node.end_byte - 1].decode(errors="replace")
    return None if "\\" in text else text


def _module_names(root: Node, source: bytes) -> tuple[str, ...]:
    names: list[str] = []
    stack = [root]
    while stack:
        node = stack.pop()
        stack.extend(node.children)
        name = None
        if node.type == "import_statement":
            name = _string_value(node.child_by_field_name("source"), source)
        elif node.type == "call_expression":
            callee = node.child_by_field_name("function")
            args = node.child_by_field_name("arguments")
            if callee is not None and args is not None and (
                callee.type == "import" or (callee.type == "identifier" and _text(callee, source) == b"require")
            ):
                literal = [c for c in args.named_children]
                if len(literal) == 1:
                    name = _string_value(literal[0], source)
        if name and name not in names:
            names.append(name)
    return tuple(names)


def _import_replacement(node: Node, source: bytes) -> str:
    """`import ... from 'm'` as declarations of the same bindings, on one line."""
    spec = _text(_field(node, "source"), source)
    module = f"require({spec.decode()})"
    clause = next((c for c in node.named_children if c.type == "import_clause"), None)
    if clause is None:
        return f"{module};"
    parts = []
    for part in clause.named_children:
        text = source[part.start_byte : part.end_byte].decode()
        if part.type == "identifier":
            parts.append(f"{text} = __flowEsm.d({module})")
        elif part.type == "namespace_import":
            parts.append(f"{text.split()[-1]} = __flowEsm.ns({module})")
        elif part.type == "named_imports":
            names = []
            for spec_node in part.named_children:
                if spec_node.type != "import_specifier":  # comments between the names
                    continue
                left = _text(_field(spec_node, "name"), source).decode()
                alias = spec_node.child_by_field_name("alias")
                names.append(f"{left}: {_text(alias, source).decode()}" if alias else left)
            parts.append(f"{{ {', '.join(names)} }} = __flowEsm.ns({module})")
    return f"const {', '.join(parts)};"


def _field(node: Node, name: str) -> Node:
    """A child the grammar requires (imports are rewritten only in a tree without errors)."""
    child = node.child_by_field_name(name)
    if child is None:
        raise ValueError(f"{node.type} without its {name}")
    return child


def _text(node: Node, source: bytes) -> bytes:
    return source[node.start_byte : node.end_byte]


def _rewrite_imports(root: Node, source: bytes) -> str | None:
    edits: list[tuple[int, int, bytes]] = []
    for node in root.children:
        if node.type == "import_statement":
            text = _import_replacement(node, source)
            newlines = source.count(b"\n", node.start_byte, node.end_byte)
            edits.append((node.start_byte, node.end_byte, (text + "\n" * newlines).encode()))
    stack = [root]
    while stack:
        node = stack.pop()
        stack.extend(node.children)
        if node.type == "call_expression":
            callee = node.child_by_field_name("function")
            if callee is not None and callee.type == "import":
                edits.append((callee.start_byte, callee.end_byte, b"__flowEsm.dyn"))
    if not edits:
        return None
    out = bytearray(source)
    for start, end, replacement in sorted(edits, reverse=True):
        out[start:end] = replacement
    return out.decode()


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
