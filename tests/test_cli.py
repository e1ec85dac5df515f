"""The `codeblock` command line."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path


def codeblock(*args: str, stdin: str | None = None,
              env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    import os

    return subprocess.run(
        [sys.executable, "-m", "flow_codeblock", *args], input=stdin, capture_output=True, text=True, timeout=60,
        env={**os.environ, **(env or {})},
    )


def test_run_prints_the_api_response(tmp_path: Path) -> None:
    script = tmp_path / "block.js"
    script.write_text("console.log('hello');\nreturn { total: input.items.reduce((a, b) => a + b, 0) };\n")
    proc = codeblock("run", str(script), "--input", '{"items": [1, 2, 3]}')
    assert proc.returncode == 0, proc.stderr
    body = json.loads(proc.stdout)
    assert body["success"] is True
    assert body["result"] == {"total": 6}
    assert body["logs"] == [{"level": "log", "message": "hello"}]
    assert set(body) >= {"executionId", "timing", "timestamp"}


def test_run_reports_errors_with_exit_code_1(tmp_path: Path) -> None:
    script = tmp_path / "bad.js"
    script.write_text("const x = 1;\nreturn x.y.z;\n")
    proc = codeblock("run", str(script))
    assert proc.returncode == 1
    body = json.loads(proc.stdout)
    assert body["error"]["type"] == "TypeError"
    assert body["error"]["line"] == 2


def test_run_from_stdin_with_timeout() -> None:
    proc = codeblock("run", "-", "--timeout", "100", stdin="while (true) {}\nreturn 1")
    assert proc.returncode == 1
    assert json.loads(proc.stdout)["error"]["type"] == "TimeoutError"


def test_run_rejects_bad_input_json(tmp_path: Path) -> None:
    script = tmp_path / "ok.js"
    script.write_text("return 1")
    proc = codeblock("run", str(script), "--input", "{nope")
    assert proc.returncode == 2
    assert "--input is not valid JSON" in proc.stderr


def test_missing_file() -> None:
    proc = codeblock("run", "/nonexistent/block.js")
    assert proc.returncode == 2
    assert "cannot read /nonexistent/block.js" in proc.stderr


def test_bad_configuration_names_the_variable(tmp_path: Path) -> None:
    script = tmp_path / "ok.js"
    script.write_text("return 1")
    proc = codeblock("run", str(script), env={"EXECUTION_TIMEOUT_MS": "-3"})
    assert proc.returncode == 2
    assert "EXECUTION_TIMEOUT_MS" in proc.stderr
    proc = codeblock("serve", env={"PORT": "notaport"})
    assert proc.returncode == 2
    assert "PORT" in proc.stderr


def test_config_prints_the_effective_settings() -> None:
    proc = codeblock("config", env={"EXECUTION_TIMEOUT_MS": "1234", "RUNTIME_POOL_SIZE": "3"})
    assert proc.returncode == 0, proc.stderr
    values = json.loads(proc.stdout)
    assert values["EXECUTION_TIMEOUT_MS"] == 1234
    assert values["RUNTIME_POOL_SIZE"] == 3
    assert values["PORT"] == 3002
    assert values["MAX_BODY_SIZE"] > values["MAX_INPUT_SIZE"]


def test_run_writes_the_services_messages_in_messages_language() -> None:
    # MESSAGES_LANGUAGE=zh-CN: the service's own message in Chinese; V8's as V8 wrote it.
    chinese = {"MESSAGES_LANGUAGE": "zh-CN"}
    proc = codeblock("run", "-", stdin="const x = 1;", env=chinese)
    error = json.loads(proc.stdout)["error"]
    assert (proc.returncode, error["type"]) == (1, "ValidationError")
    assert error["message"].startswith("代码中缺少 return 语句")
    proc = codeblock("run", "-", stdin="return null.x;", env=chinese)
    assert json.loads(proc.stdout)["error"]["message"] == "Cannot read properties of null (reading 'x')"
    proc = codeblock("run", "-", stdin="const x = 1;", env={"MESSAGES_LANGUAGE": "fr"})
    assert proc.returncode != 0 and "MESSAGES_LANGUAGE" in proc.stderr  # refused at start, naming it
