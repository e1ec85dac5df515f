"""The playground page: served by the service with no external assets, and driven in
a real headless Chromium (Debian's, through playwright-core) by
tests/browser/playground_check.mjs: run an example, check the result panel, trigger
an error and check the highlighted line, share state through the URL, screenshots."""

from __future__ import annotations

import json
import re
import subprocess
from pathlib import Path

import httpx
import pytest

from conftest import CodeBlockClient, Server
from module_manifest import requirable

CHECK = Path(__file__).parent / "browser" / "playground_check.mjs"


@pytest.mark.parametrize("path", ["/", "/playground"])
def test_page_is_served_with_a_strict_policy(server: Server, path: str) -> None:
    response = httpx.get(server.url + path)
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/html")
    csp = response.headers["content-security-policy"]
    assert "script-src 'self'" in csp and "default-src 'none'" in csp and "connect-src 'self'" in csp
    # Every asset the page loads comes from this service.
    for url in re.findall(r'(?:src|href)="([^"]+)"', response.text):
        assert url.startswith("/playground/") or url.startswith("data:"), url


def test_assets_and_unknown_asset(server: Server) -> None:
    script = httpx.get(f"{server.url}/playground/app.js")
    assert script.status_code == 200 and script.headers["content-type"].startswith("text/javascript")
    assert "EditorView" in script.text or len(script.content) > 100_000  # CodeMirror is bundled in
    assert httpx.get(f"{server.url}/playground/app.css").status_code == 200
    assert httpx.get(f"{server.url}/playground/../config.py").status_code == 404
    assert httpx.get(f"{server.url}/playground/index.js").status_code == 404


def test_playground_in_a_real_browser(server: Server, tmp_path: Path) -> None:
    proc = subprocess.run(["node", str(CHECK), server.url, str(tmp_path)], capture_output=True, text=True,
                          timeout=180)
    assert proc.returncode == 0, proc.stderr
    seen = json.loads(proc.stdout)

    assert seen["foreignRequests"] == [] and seen["pageErrors"] == []
    # The only failed load is the error example's own 400 answer.
    assert all("400" in e for e in seen["consoleErrors"]), seen["consoleErrors"]
    assert {"lodash", "dayjs", "crypto", "buffer", "xlsx", "pinyin", "fetch"} <= set(seen["examples"])
    # The module list, generated from the manifest by the build: each require-able module once.
    shown = [item.split(" ")[0] for item in seen["modules"].split(", ")]
    assert shown == requirable() and "lodash 4.18.1" in seen["modules"]

    lodash = seen["lodash"]
    assert lodash["status"] == "Success"
    assert lodash["result"] == [{"city": "Shenzhen", "total": 300}, {"city": "Shanghai", "total": 165.75},
                                {"city": "Beijing", "total": 80}]
    assert lodash["logs"] == ["logcities: 3"]
    assert re.search(r"execution [\d.]+ ms · service [\d.]+ ms · round trip [\d.]+ ms", lodash["timing"])
    assert lodash["curl"].startswith(f"curl -sS -X POST '{server.url}/flow/codeblock'")

    error = seen["error"]
    assert error["status"] == "Error 400"
    assert (error["type"], error["message"]) == ("TypeError", "Cannot read properties of undefined (reading 'city')")
    assert error["location"] == "line 4, column 21"
    assert error["highlighted"] == ["return user.address.city;"]  # the failing line, highlighted in the editor
    assert error["logs"] == ["loguser is { name: 'Ann' }"]

    assert seen["sharedUrl"] and seen["sharedSame"]
    assert seen["invalidInput"]["runDisabled"] is True
    assert seen["invalidInput"]["state"].startswith("invalid JSON:")
    assert seen["phoneOverflow"] <= 0  # nothing wider than a phone screen

    for name in ("playground.png", "playground-error.png", "playground-phone.png"):
        shot = tmp_path / name
        assert shot.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n" and shot.stat().st_size > 10_000


def _examples() -> list[dict]:
    script = "import('./js/playground/examples.js').then(m => process.stdout.write(JSON.stringify(m.EXAMPLES)))"
    out = subprocess.run(["node", "--input-type=module", "-e", script], capture_output=True, text=True, check=True,
                         cwd=Path(__file__).parent.parent)
    return json.loads(out.stdout)


EXAMPLES = _examples()


@pytest.mark.parametrize("example", EXAMPLES, ids=[e["id"] for e in EXAMPLES])
def test_every_example_runs(cb: CodeBlockClient, example: dict) -> None:
    status, body = cb.run(example["code"], example["input"])
    if example["id"] == "error":
        assert body["error"]["type"] == "TypeError" and body["error"]["line"] == 4, body
    elif example["id"] == "fetch":  # no internet here: the request fails as Node's would
        assert status == 200 or body["error"]["message"].startswith("fetch failed"), body
    else:
        assert status == 200, body


def test_playground_with_auth_on(tmp_path: Path) -> None:
    import os
    import sys

    from conftest import start_server

    db = tmp_path / "tokens.sqlite3"
    token = subprocess.run([sys.executable, "-m", "flow_codeblock", "token", "create", "--name", "browser"],
                           capture_output=True, text=True, check=True,
                           env={**os.environ, "AUTH_DB_PATH": str(db)}).stdout.strip()
    srv = start_server(str(tmp_path), runtime_pool_size=1, auth_enabled="true", auth_db_path=str(db))
    try:
        proc = subprocess.run(["node", str(CHECK.with_name("playground_auth.mjs")), srv.url, token],
                              capture_output=True, text=True, timeout=120)
    finally:
        srv.stop()
    assert proc.returncode == 0, proc.stderr
    seen = json.loads(proc.stdout)
    assert seen["without"] == {"status": "Error 401", "type": "AuthenticationError"}
    assert seen["with"]["status"] == "Success" and seen["with"]["result"]["back"] == "Flow CodeBlock ✓"
    assert "Authorization: Bearer $TOKEN" in seen["curl"] and token not in seen["curl"]
    assert token not in seen["url"]
    assert seen["kept"] is True
