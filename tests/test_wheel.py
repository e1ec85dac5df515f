"""The wheel (`make dist`): built from this tree, installed into a fresh virtual
environment with the pinned dependencies, then used with no Node anywhere on PATH:
the Python API, `codeblock run` and `codeblock serve`. The JS bundles must be inside."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import httpx
import pytest

import flow_codeblock
from flow_codeblock.db import HEAD

from conftest import b64, free_port

ROOT = Path(__file__).resolve().parent.parent

pytestmark = pytest.mark.slow


def _run(*args: str | Path, env: dict[str, str] | None = None, cwd: Path | None = None,
         timeout: float = 600) -> subprocess.CompletedProcess[str]:
    proc = subprocess.run([str(a) for a in args], capture_output=True, text=True, timeout=timeout, env=env, cwd=cwd)
    assert proc.returncode == 0, f"{args}:\n{proc.stdout}\n{proc.stderr}"
    return proc


@pytest.fixture(scope="module")
def installed(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict[str, str], Path]:
    """(the fresh venv's bin directory, an environment whose PATH is only that, a
    working directory outside the source tree)."""
    work = tmp_path_factory.mktemp("wheel")
    pinned = {**os.environ, "PIP_CONSTRAINT": str(ROOT / "constraints.txt")}  # the build backend too
    _run(sys.executable, "-m", "build", "--wheel", "--outdir", work / "dist", ROOT, env=pinned, cwd=ROOT)
    wheels = list((work / "dist").glob("flow_codeblock-*.whl"))
    assert [w.name for w in wheels] == [f"flow_codeblock-{flow_codeblock.__version__}-py3-none-any.whl"]
    _run(sys.executable, "-m", "venv", work / "venv")
    bin_dir = work / "venv" / "bin"
    _run(bin_dir / "pip", "install", "--quiet", "-c", ROOT / "constraints.txt", wheels[0])
    env = {key: value for key, value in os.environ.items() if not key.startswith(("VIRTUAL_ENV", "PYTHON"))}
    env["PATH"] = str(bin_dir)
    assert shutil.which("node", path=env["PATH"]) is None and shutil.which("npm", path=env["PATH"]) is None
    return bin_dir, env, work


def test_the_python_api_from_the_wheel(installed: tuple[Path, dict[str, str], Path]) -> None:
    bin_dir, env, work = installed
    script = textwrap.dedent("""
        import json, flow_codeblock
        from flow_codeblock import Sandbox, CodeTypeError
        with Sandbox(runtime_pool_size=1, min_runtime_pool_size=1) as sb:
            value = sb.run("const _ = require('lodash'); return _.sum(input.xs)", input={"xs": [1, 2, 3]}).value
            try:
                sb.run("\\nnull.x; return 1")
                line = None
            except CodeTypeError as error:
                line = error.line
        print(json.dumps({"file": flow_codeblock.__file__, "version": flow_codeblock.__version__,
                          "value": value, "line": line}))
    """)
    out = json.loads(_run(bin_dir / "python", "-c", script, env=env, cwd=work).stdout)
    assert out["file"].startswith(str(work / "venv"))  # the installed copy, not this tree
    assert (out["version"], out["value"], out["line"]) == (flow_codeblock.__version__, 6, 2)


def test_codeblock_run_from_the_wheel(installed: tuple[Path, dict[str, str], Path]) -> None:
    bin_dir, env, work = installed
    block = work / "block.js"
    block.write_text("const dayjs = require('dayjs');\nreturn dayjs(input.d).add(1, 'day').format('YYYY-MM-DD');\n")
    proc = _run(bin_dir / "codeblock", "run", block, "--input", '{"d": "2024-02-28"}', env=env, cwd=work)
    out = json.loads(proc.stdout)
    assert out["success"] is True and out["result"] == "2024-02-29"


def test_codeblock_serve_from_the_wheel(installed: tuple[Path, dict[str, str], Path]) -> None:
    bin_dir, env, work = installed
    port = free_port()
    server = subprocess.Popen([bin_dir / "codeblock", "serve", "--host", "127.0.0.1", "--port", str(port)],
                              env={**env, "RUNTIME_POOL_SIZE": "1", "MIN_RUNTIME_POOL_SIZE": "1"}, cwd=work,
                              stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    try:
        deadline = time.monotonic() + 60
        while True:
            assert server.poll() is None, server.stderr.read().decode() if server.stderr else ""
            try:
                if httpx.get(f"http://127.0.0.1:{port}/health", timeout=1).status_code == 200:
                    break
            except httpx.HTTPError:
                pass
            assert time.monotonic() < deadline, "codeblock serve did not become healthy"
            time.sleep(0.1)
        response = httpx.post(f"http://127.0.0.1:{port}/flow/codeblock",
                              json={"codebase64": b64("return input.a + 1"), "input": {"a": 41}})
        assert response.json()["result"] == 42
        playground = httpx.get(f"http://127.0.0.1:{port}/playground")
        assert playground.status_code == 200 and "<html" in playground.text.lower()
        # The Chinese catalog travels in the wheel (read as .po at run time, nothing compiled).
        chinese = httpx.post(f"http://127.0.0.1:{port}/flow/codeblock", headers={"Accept-Language": "zh-CN"},
                             json={"codebase64": b64("const x = 1;"), "input": {}})
        assert chinese.json()["error"]["message"].startswith("代码中缺少 return 语句")
    finally:
        server.terminate()
        server.wait(30)


def test_the_migrations_travel_in_the_wheel(installed: tuple[Path, dict[str, str], Path]) -> None:
    """Alembic's scripts are package data: `codeblock db upgrade` from the wheel makes a token
    database at the newest revision, and a token made there works."""
    bin_dir, env, work = installed
    db_env = {**env, "AUTH_DB_PATH": str(work / "wheel-tokens.sqlite3")}
    upgraded = _run(bin_dir / "codeblock", "db", "upgrade", env=db_env, cwd=work)
    assert f"revision {HEAD}" in upgraded.stderr, upgraded.stderr
    token = _run(bin_dir / "codeblock", "token", "create", "--name", "wheel", "--quota", "3", env=db_env,
                 cwd=work).stdout.strip()
    listed = json.loads(_run(bin_dir / "codeblock", "token", "list", env=db_env, cwd=work).stdout)
    assert token.startswith("cbk_") and listed[0]["remainingQuota"] == 3
