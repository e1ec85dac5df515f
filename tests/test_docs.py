"""The Python API's documentation (mkdocs.yml): it builds with --strict, so a broken
cross-reference or an unparsable docstring fails here, and everything public has a
docstring and a place in the reference."""

from __future__ import annotations

import inspect
import os
import re
import subprocess
import sys
from pathlib import Path

import flow_codeblock

ROOT = Path(__file__).resolve().parent.parent


def test_the_docs_build_strictly_with_every_public_name(tmp_path: Path) -> None:
    site = tmp_path / "site"
    proc = subprocess.run(
        [sys.executable, "-m", "mkdocs", "build", "--strict", "--site-dir", str(site)],
        cwd=ROOT, capture_output=True, text=True, timeout=300, env={**os.environ, "NO_MKDOCS_2_WARNING": "1"},
    )
    assert proc.returncode == 0, proc.stdout + proc.stderr
    reference = (site / "reference" / "index.html").read_text(encoding="utf-8")
    missing = [name for name in flow_codeblock.__all__ if name != "__version__" and f'id="flow_codeblock.{name}"'
               not in reference]
    assert missing == []


def test_everything_public_has_a_docstring() -> None:
    undocumented = []
    for name in flow_codeblock.__all__:
        if name == "__version__":
            continue
        obj = getattr(flow_codeblock, name)
        if not inspect.getdoc(obj):
            undocumented.append(name)
        if inspect.isclass(obj) and obj.__module__ == "flow_codeblock.sandbox":
            for member, value in vars(obj).items():
                if not member.startswith("_") and callable(value) and not inspect.getdoc(value):
                    undocumented.append(f"{name}.{member}")
    assert undocumented == []


def test_the_readmes_python_example_runs_as_written() -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    section = readme.split("## Use it from Python", 1)[1].split("\n## ", 1)[0]
    example = re.findall(r"```python\n(.*?)```", section, re.S)[0]
    promised = [line.split("# ", 1)[1].strip() for line in example.splitlines() if "print(" in line]
    proc = subprocess.run([sys.executable, "-c", example], capture_output=True, text=True, timeout=120, cwd=ROOT)
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.splitlines() == promised
