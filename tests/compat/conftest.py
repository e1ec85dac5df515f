"""Differential testing against real Node.js: the same snippet in `node` and in the service."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path
from typing import Any

RUNNER = Path(__file__).with_name("node_runner.js")


def run_in_node(cases: list[dict[str, Any]]) -> list[dict[str, Any]]:
    proc = subprocess.run(
        ["node", str(RUNNER)], input=json.dumps(cases), capture_output=True, text=True, timeout=120, check=True
    )
    return json.loads(proc.stdout)
