"""The failure vocabulary (errors.py): the error classes, retire reasons and the JS reset's dirty categories."""

from __future__ import annotations

import pickle

import pytest

from flow_codeblock import errors
from flow_codeblock.errors import CodeBlockError, ErrorType, RetireReason


def test_retire_reasons_are_their_metric_label_strings() -> None:
    # runtime_rebuilt_total{reason} keeps the strings it had when reasons were free text.
    assert f"{RetireReason.TIMEOUT}" == "timeout"
    assert RetireReason.MEMORY == "memory"
    assert {"escaped", "executor_error", "code_cache_full", "dirty", "error_rate", "heap_growth", "executions", "age",
            "rss"} <= {r.value for r in RetireReason}


def test_retire_reasons_are_unique_and_label_safe() -> None:
    values = [r.value for r in RetireReason]
    assert len(values) == len(set(values))
    assert all(v.replace("_", "").isalnum() and v.islower() for v in values)


@pytest.mark.parametrize(
    ("kind", "engine", "reset"),
    [
        ("exception", "engine_exception", "reset_exception"),
        ("parse_error", "engine_parse_error", "reset_parse_error"),
        ("engine_error", "engine_engine_error", "reset_engine_error"),
        ("terminated", "engine_engine_error", "reset_terminated"),
        ("out_of_memory", "engine_engine_error", "reset_out_of_memory"),
    ],
)
def test_abnormal_engine_results(kind: str, engine: str, reset: str) -> None:
    assert RetireReason.after_engine(kind) == engine
    assert RetireReason.after_reset(kind) == reset


@pytest.mark.parametrize(
    ("problem", "reason"),
    [
        # The texts js/lib/internal/per_execution.js and harden.js throw.
        ("the global object's prototype cannot be put back", RetireReason.DIRTY_GLOBAL),
        ("the global object was made non-extensible", RetireReason.DIRTY_GLOBAL),
        ("global stuck cannot be deleted", RetireReason.DIRTY_GLOBAL),
        ("global Symbol(x) cannot be put back", RetireReason.DIRTY_GLOBAL),
        ("a shared object was changed: property evil was added", RetireReason.DIRTY_SHARED_OBJECT),
        ("a shared object is not frozen: Foo", RetireReason.DIRTY_NOT_FROZEN),
        ("a shared ArrayBuffer was detached or resized", RetireReason.DIRTY_SHARED_BUFFER),
        # Wrapped in an Error by the JS (String(error)): still found.
        ("Error: a shared object was changed: x", RetireReason.DIRTY_SHARED_OBJECT),
        # Anything else stays in the bounded set.
        ("TypeError: Cannot read properties of undefined (reading 'x')", RetireReason.DIRTY),
        ("", RetireReason.DIRTY),
        ("global warming", RetireReason.DIRTY),
    ],
)
def test_dirty_categories(problem: str, reason: RetireReason) -> None:
    assert RetireReason.dirty(problem) is reason


def test_every_error_type_has_its_exception_class() -> None:
    builtin_names = {"SyntaxError", "ReferenceError", "TypeError", "RangeError", "URIError", "RuntimeError",
                     "TimeoutError"}
    for kind in errors.ErrorType:
        error = errors.CodeBlockError(kind, "message", line=1, column=2)
        expected = f"Code{kind.value}" if kind.value in builtin_names else kind.value
        assert type(error).__name__ == expected and type(error).error_type is kind
        assert isinstance(error, errors.CodeBlockError) and isinstance(error, Exception)
        assert expected in errors.__all__
        copy = pickle.loads(pickle.dumps(error))
        assert type(copy) is type(error) and copy.to_dict() == error.to_dict()


def test_an_error_object_is_unchanged_by_being_an_exception() -> None:
    error = CodeBlockError(ErrorType.TYPE, "boom", line=2, column=6, name="TypeError", stack="TypeError: boom",
                           code="E_X", extra={"hint": "h"})
    assert error.to_dict() == {"type": "TypeError", "message": "boom", "line": 2, "column": 6, "name": "TypeError",
                               "code": "E_X", "stack": "TypeError: boom", "hint": "h"}
    assert str(error) == "boom (line 2, column 6)"
    same = CodeBlockError(ErrorType.TYPE, "boom", line=2, column=6, name="TypeError", stack="TypeError: boom",
                          code="E_X", extra={"hint": "h"})
    assert error == same and hash(error) == hash(same) and error != CodeBlockError(ErrorType.TYPE, "boom")
    assert str(CodeBlockError(ErrorType.TIMEOUT, "late")) == "late"
