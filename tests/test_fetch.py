"""fetch and axios from code blocks, against a real local HTTP server: behaviour,
limits, SSRF refusals, cancellation and isolation between executions."""

from __future__ import annotations

import concurrent.futures
import re
from collections.abc import Iterator

import httpx
import pytest

from conftest import CodeBlockClient, Server, free_port, start_server
from http_target import HttpTarget

CLOSED = f"http://127.0.0.1:{free_port()}/"  # nothing listens there
LIMITS = {"fetch_timeout_ms": 1500, "fetch_max_response_bytes": 100_000, "fetch_max_requests_per_execution": 8}


@pytest.fixture(scope="module")
def net_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    """A service that may reach 127.0.0.1 (and only that loopback address)."""
    srv = start_server(str(tmp_path_factory.mktemp("net")), runtime_pool_size=2, execution_timeout_ms=5000,
                       fetch_allow_hosts="127.0.0.1/32", **LIMITS)
    yield srv
    srv.stop()


@pytest.fixture(scope="module")
def net(net_server: Server) -> Iterator[CodeBlockClient]:
    with net_server.client() as http:
        yield CodeBlockClient(http)


# -- fetch ----------------------------------------------------------------------------


def test_get_json(net: CodeBlockClient, target: HttpTarget) -> None:
    code = """
    const r = await fetch(input.base + '/json');
    return { status: r.status, ok: r.ok, statusText: r.statusText, type: r.headers.get('content-type'),
             url: r.url, redirected: r.redirected, body: await r.json(), used: r.bodyUsed }
    """
    assert net.ok(code, {"base": target.url}) == {
        "status": 200, "ok": True, "statusText": "OK", "type": "application/json", "url": f"{target.url}/json",
        "redirected": False, "body": {"hello": "world", "n": 1}, "used": True,
    }


def test_post_json_body_and_headers_reach_the_server(net: CodeBlockClient, target: HttpTarget) -> None:
    code = """
    const r = await fetch(input.base + '/echo?x=1', { method: 'POST', body: JSON.stringify({ a: [1, '中'] }),
      headers: { 'Content-Type': 'application/json', 'X-Token': 'abc' } });
    const echo = await r.json();
    return [echo.method, echo.query, echo.headers['content-type'], echo.headers['x-token'], JSON.parse(echo.text),
            echo.headers['user-agent']]
    """
    assert net.ok(code, {"base": target.url}) == ["POST", {"x": "1"}, "application/json", "abc", {"a": [1, "中"]},
                                                   "node"]


@pytest.mark.parametrize(("body", "content_type", "expected"), [
    ("'plain'", "text/plain;charset=UTF-8", "plain"),
    ("new URLSearchParams({ a: '1', b: 'x y' })", "application/x-www-form-urlencoded;charset=UTF-8", "a=1&b=x+y"),
    ("new Uint8Array([104, 105])", None, "hi"),
    ("new Uint8Array([104, 105]).buffer", None, "hi"),
    ("Buffer.from('buf')", None, "buf"),
    ("new Blob(['blob'], { type: 'text/x-custom' })", "text/x-custom", "blob"),
])
def test_body_kinds(net: CodeBlockClient, target: HttpTarget, body: str, content_type: str | None,
                    expected: str) -> None:
    code = f"""
    const echo = await (await fetch(input.base + '/echo', {{ method: 'PUT', body: {body} }})).json();
    return [echo.headers['content-type'] ?? null, echo.text]
    """
    assert net.ok(code, {"base": target.url}) == [content_type, expected]


def test_formdata_upload_with_buffers_and_blobs(net: CodeBlockClient, target: HttpTarget) -> None:
    code = """
    const form = new FormData();
    form.append('name', 'Ann');
    form.append('file', new Blob(['hello file'], { type: 'text/plain' }), 'a.txt');
    form.append('bin', new Blob([Buffer.from([0x41, 0x42])]));
    return await (await fetch(input.base + '/multipart', { method: 'POST', body: form })).json();
    """
    assert net.ok(code, {"base": target.url}) == [
        {"name": "name", "filename": None, "type": None, "text": "Ann"},
        {"name": "file", "filename": "a.txt", "type": "text/plain", "text": "hello file"},
        {"name": "bin", "filename": "blob", "type": "application/octet-stream", "text": "AB"},
    ]


def test_form_data_package_upload(net: CodeBlockClient, target: HttpTarget) -> None:
    code = """
    const FormData = require('form-data');
    const form = new FormData();
    form.append('field', 'value');
    form.append('doc', Buffer.from('csv,data'), { filename: 'r.csv', contentType: 'text/csv' });
    const r = await fetch(input.base + '/multipart',
                          { method: 'POST', body: form.getBuffer(), headers: form.getHeaders() });
    return await r.json();
    """
    assert net.ok(code, {"base": target.url}) == [
        {"name": "field", "filename": None, "type": None, "text": "value"},
        {"name": "doc", "filename": "r.csv", "type": "text/csv", "text": "csv,data"},
    ]


def test_response_readers(net: CodeBlockClient, target: HttpTarget) -> None:
    code = """
    const a = await fetch(input.base + '/text');
    const copy = a.clone();
    const text = await a.text();
    const bytes = new Uint8Array(await copy.arrayBuffer());
    const blob = await (await fetch(input.base + '/bytes?n=5')).blob();
    const gz = await (await fetch(input.base + '/gzip')).json();
    const c = await fetch(input.base + '/cookies');
    let reread;
    try { await a.text() } catch (e) { reread = [e.name, e.message] }
    return { text, bytes: bytes.length, blob: [blob.size, blob.type], gz, cookies: c.headers.getSetCookie(), reread }
    """
    assert net.ok(code, {"base": target.url}) == {
        "text": "héllo wörld ✓ 你好", "bytes": len("héllo wörld ✓ 你好".encode()),
        "blob": [5, "application/octet-stream"], "gz": {"compressed": True}, "cookies": ["a=1; Path=/", "b=2"],
        "reread": ["TypeError", "Body is unusable: Body has already been read"],
    }


def test_http_error_statuses_resolve(net: CodeBlockClient, target: HttpTarget) -> None:
    code = "const r = await fetch(input.base + '/status/503'); return [r.status, r.ok, await r.json()]"
    assert net.ok(code, {"base": target.url}) == [503, False, {"status": 503}]


def test_redirects(net: CodeBlockClient, target: HttpTarget) -> None:
    code = """
    const followed = await fetch(input.base + '/redirect/3');
    const manual = await fetch(input.base + '/redirect/1', { redirect: 'manual' });
    let refused;
    try { await fetch(input.base + '/redirect/1', { redirect: 'error' }) } catch (e) { refused = [e.name, e.message] }
    const seeOther = await (await fetch(input.base + '/goto?status=303&url=/echo',
                                        { method: 'POST', body: 'x' })).json();
    let tooMany;
    try { await fetch(input.base + '/redirect/25') } catch (e) { tooMany = [e.name, e.message, e.cause.code] }
    return { followed: [followed.status, followed.redirected, followed.url],
             manual: [manual.status, manual.headers.get('location')],
             refused, seeOther: [seeOther.method, seeOther.text], tooMany }
    """
    assert net.ok(code, {"base": target.url}) == {
        "followed": [200, True, f"{target.url}/json"], "manual": [302, "/json"],
        "refused": ["TypeError", "fetch failed"], "seeOther": ["GET", ""],
        "tooMany": ["TypeError", "fetch failed", "ERR_TOO_MANY_REDIRECTS"],
    }


def test_network_failure_is_fetch_failed_with_cause(net: CodeBlockClient) -> None:
    code = (f"try {{ await fetch('{CLOSED}') }}"
            " catch (e) { return [e.name, e.message, e.cause.code, e.cause.message] }")
    assert net.ok(code) == ["TypeError", "fetch failed", "ECONNREFUSED", f"connect ECONNREFUSED {CLOSED[7:-1]}"]


def test_bad_ports_are_refused_as_node_does(net: CodeBlockClient) -> None:
    code = "try { await fetch('http://127.0.0.1:25/') } catch (e) { return [e.name, e.message, e.cause.message] }"
    assert net.ok(code) == ["TypeError", "fetch failed", "bad port"]


def test_parallel_requests_in_one_execution(net: CodeBlockClient, target: HttpTarget) -> None:
    target.reset_counters()
    code = """
    const all = await Promise.all(Array.from({ length: 6 },
                                             () => fetch(input.base + '/slow?ms=600').then(r => r.json())));
    return all.map(x => x.slept)
    """
    assert net.ok(code, {"base": target.url}) == [600] * 6
    assert target.max_in_flight == 6  # the host ran them at once


def test_many_executions_wait_on_the_network_at_once(net_server: Server, target: HttpTarget) -> None:
    target.reset_counters()
    code = "return (await (await fetch(input.base + '/slow?ms=700')).json()).slept"

    def one() -> int:
        with net_server.client() as http:
            return CodeBlockClient(http).ok(code, {"base": target.url})

    with concurrent.futures.ThreadPoolExecutor(8) as pool:
        results = list(pool.map(lambda _: one(), range(8)))
    assert results == [700] * 8
    assert target.max_in_flight >= 4  # several executions were waiting concurrently


# -- limits ---------------------------------------------------------------------------


def test_fetch_timeout(net: CodeBlockClient, target: HttpTarget) -> None:
    code = "try { await fetch(input.base + '/slow?ms=3000') } catch (e) { return [e.name, e.message, e.cause.code] }"
    assert net.ok(code, {"base": target.url}) == [
        "TypeError", "fetch failed: no response within 1500 ms (FETCH_TIMEOUT_MS)", "ETIMEDOUT"]


def test_execution_timeout_covers_network_wait(net: CodeBlockClient, target: HttpTarget) -> None:
    status, body = net.run("await fetch(input.base + '/slow?ms=1400'); return 1", {"base": target.url}, timeout=300)
    assert status == 400 and body["error"]["type"] == "TimeoutError", body
    assert body["timing"]["executionTime"] < 1200
    assert net.ok("return 'still fine'") == "still fine"


def test_response_size_limit(net: CodeBlockClient, target: HttpTarget) -> None:
    ok = net.ok("return (await (await fetch(input.base + '/bytes?n=100000')).arrayBuffer()).byteLength",
                {"base": target.url})
    assert ok == 100_000
    # The response comes (as in Node); reading it whole fails at the limit.
    code = ("const r = await fetch(input.base + '/bytes?n=100001');"
            "try { await r.arrayBuffer() } catch (e) { return [r.status, e.name, e.message, e.cause.code] }")
    assert net.ok(code, {"base": target.url}) == [
        200, "TypeError", "fetch failed: the response body is larger than 100000 bytes (FETCH_MAX_RESPONSE_BYTES)",
        "ERR_FETCH_RESPONSE_TOO_LARGE"]


def test_requests_per_execution_limit(net: CodeBlockClient, target: HttpTarget) -> None:
    code = """
    const out = [];
    for (let i = 0; i < 9; i++) {
      try { out.push((await fetch(input.base + '/json')).status) } catch (e) { out.push(e.message) }
    }
    return out
    """
    assert net.ok(code, {"base": target.url}) == [200] * 8 + [
        "fetch failed: this execution already made 8 requests (FETCH_MAX_REQUESTS_PER_EXECUTION)"]
    # The count is per execution: the next one starts again.
    assert net.ok("return (await fetch(input.base + '/json')).status", {"base": target.url}) == 200


def test_uncaught_fetch_failure_is_the_execution_error(net: CodeBlockClient) -> None:
    error = net.error(f"await fetch('{CLOSED}'); return 1")
    assert (error["type"], error["message"], error["line"]) == ("TypeError", "fetch failed", 1)


# -- cancellation ---------------------------------------------------------------------


def test_abort_controller_cancels_a_request(net: CodeBlockClient, target: HttpTarget) -> None:
    code = """
    const controller = new AbortController();
    setTimeout(() => controller.abort(), 50);
    const started = Date.now();
    try { await fetch(input.base + '/slow?ms=1000', { signal: controller.signal }) }
    catch (e) { return [e.name, e.message, Date.now() - started < 900] }
    """
    assert net.ok(code, {"base": target.url}) == ["AbortError", "This operation was aborted", True]


def test_abort_signal_timeout(net: CodeBlockClient, target: HttpTarget) -> None:
    code = """
    try { await fetch(input.base + '/slow?ms=1000', { signal: AbortSignal.timeout(50) }) }
    catch (e) { return [e.name, e.message] }
    """
    assert net.ok(code, {"base": target.url}) == ["TimeoutError", "The operation was aborted due to timeout"]


def test_already_aborted_signal(net: CodeBlockClient, target: HttpTarget) -> None:
    target.reset_counters()
    code = """
    const c = new AbortController(); c.abort(new Error('nope'));
    try { await fetch(input.base + '/json', { signal: c.signal }) } catch (e) { return e.message }
    """
    assert net.ok(code, {"base": target.url}) == "nope"
    assert target.requests == 0


def test_unawaited_request_does_not_reach_the_next_execution(net: CodeBlockClient, target: HttpTarget) -> None:
    code = """
    globalThis.__late = null;
    fetch(input.base + '/slow?ms=300').then(r => { globalThis.__late = 'delivered'; });
    return 'done'
    """
    for _ in range(3):
        assert net.ok(code, {"base": target.url}) == "done"
    assert net.ok("await new Promise(r => setTimeout(r, 500)); return typeof globalThis.__late") == "undefined"


# -- axios ----------------------------------------------------------------------------


def test_axios_methods_params_and_json(net: CodeBlockClient, target: HttpTarget) -> None:
    code = """
    const axios = require('axios');
    const get = await axios.get(input.base + '/echo', { params: { q: 'a b', n: 2 }, headers: { 'X-A': '1' } });
    const post = await axios.post(input.base + '/echo', { hello: 'world' });
    const put = await axios.put(input.base + '/echo', 'raw', { headers: { 'Content-Type': 'text/plain' } });
    const patch = await axios.patch(input.base + '/echo', { p: 1 });
    const del = await axios.delete(input.base + '/echo');
    return {
      get: [get.status, get.data.method, get.data.query, get.data.headers['x-a'], get.data.headers['user-agent']],
      post: [post.data.method, post.data.headers['content-type'], JSON.parse(post.data.text)],
      put: [put.data.method, put.data.text], patch: patch.data.method, del: del.data.method,
      headers: get.headers['content-type'],
    }
    """
    assert net.ok(code, {"base": target.url}) == {
        "get": [200, "GET", {"q": "a b", "n": "2"}, "1", "axios/1.21.1"],
        "post": ["POST", "application/json", {"hello": "world"}],
        "put": ["PUT", "raw"], "patch": "PATCH", "del": "DELETE", "headers": "application/json",
    }


def test_axios_instances_interceptors_and_response_types(net: CodeBlockClient, target: HttpTarget) -> None:
    code = """
    const axios = require('axios');
    const api = axios.create({ baseURL: input.base, headers: { 'X-App': 'flow' } });
    api.interceptors.request.use((config) => { config.headers['X-Intercepted'] = 'yes'; return config; });
    api.interceptors.response.use((response) => { response.data.seen = true; return response; });
    const echo = await api.get('/echo');
    const buf = await api.get('/bytes', { params: { n: 4 }, responseType: 'arraybuffer' });
    const text = await api.get('/json', { responseType: 'text' });
    return [echo.data.headers['x-app'], echo.data.headers['x-intercepted'], echo.data.seen,
            Buffer.isBuffer(buf.data), buf.data.toString(), typeof text.data]
    """
    assert net.ok(code, {"base": target.url}) == ["flow", "yes", True, True, "xxxx", "string"]


def test_axios_errors(net: CodeBlockClient, target: HttpTarget) -> None:
    code = """
    const axios = require('axios');
    const out = {};
    try { await axios.get(input.base + '/status/404') } catch (e) {
      out.http = [e.name, e.message, e.code, e.response.status, e.response.data, axios.isAxiosError(e)];
    }
    const lenient = await axios.get(input.base + '/status/404', { validateStatus: () => true });
    out.lenient = lenient.status;
    try { await axios.get(input.base + '/slow?ms=1000', { timeout: 100 }) }
    catch (e) { out.timeout = [e.message, e.code] }
    const controller = new AbortController();
    const pending = axios.get(input.base + '/slow?ms=1000', { signal: controller.signal });
    controller.abort();
    try { await pending } catch (e) { out.cancel = [axios.isCancel(e), e.code, e.message] }
    try { await axios.get(input.closed) } catch (e) { out.refused = [e.message, e.code] }
    return out
    """
    assert net.ok(code, {"base": target.url, "closed": CLOSED}) == {
        "http": ["AxiosError", "Request failed with status code 404", "ERR_BAD_REQUEST", 404, {"status": 404}, True],
        "lenient": 404,
        "timeout": ["timeout of 100ms exceeded", "ECONNABORTED"],
        "cancel": [True, "ERR_CANCELED", "canceled"],
        "refused": [f"connect ECONNREFUSED {CLOSED[7:-1]}", "ECONNREFUSED"],
    }


def test_axios_form_uploads(net: CodeBlockClient, target: HttpTarget) -> None:
    code = """
    const axios = require('axios');
    const FormDataPkg = require('form-data');
    const pkg = new FormDataPkg();
    pkg.append('a', 'one');
    pkg.append('f', Buffer.from('data'), 'f.bin');
    const web = new FormData();
    web.append('b', 'two');
    web.append('g', new Blob(['blob']), 'g.txt');
    return [(await axios.post(input.base + '/multipart', pkg)).data,
            (await axios.post(input.base + '/multipart', web)).data]
    """
    assert net.ok(code, {"base": target.url}) == [
        [{"name": "a", "filename": None, "type": None, "text": "one"},
         {"name": "f", "filename": "f.bin", "type": "application/octet-stream", "text": "data"}],
        [{"name": "b", "filename": None, "type": None, "text": "two"},
         {"name": "g", "filename": "g.txt", "type": "application/octet-stream", "text": "blob"}],
    ]


# -- SSRF protection (the default service: no allow list) ------------------------------


REFUSED_URLS = [
    ("http://127.0.0.1:{port}/json", "a loopback address"),
    ("http://localhost:{port}/json", "a loopback address"),
    ("http://2130706433:{port}/json", "a loopback address"),  # decimal 127.0.0.1
    ("http://0x7f.0.0.1:{port}/json", "a loopback address"),  # hex
    ("http://0177.0.0.1:{port}/json", "a loopback address"),  # octal
    ("http://127.1:{port}/json", "a loopback address"),
    ("http://[::1]:{port}/json", "a loopback address"),
    ("http://[::ffff:127.0.0.1]:{port}/json", "a loopback address"),
    ("http://[::ffff:7f00:1]:{port}/json", "a loopback address"),
    ("http://169.254.169.254/latest/meta-data/", "a link-local address"),
    ("http://[fe80::1]/", "a link-local address"),
    ("http://10.0.0.1/", "a private address"),
    ("http://172.16.5.4/", "a private address"),
    ("http://192.168.1.1/", "a private address"),
    ("http://[fd00::1]/", "a private address"),
    ("http://100.64.0.1/", "a shared (carrier-grade NAT) address"),
    ("http://0.0.0.0:{port}/", "an unspecified address"),
    ("http://224.0.0.1/", "a multicast address"),
    ("http://[64:ff9b::7f00:1]/", "it embeds 127.0.0.1"),
]


@pytest.mark.parametrize(("url", "reason"), REFUSED_URLS)
def test_private_destinations_are_refused(cb: CodeBlockClient, target: HttpTarget, url: str, reason: str) -> None:
    target.reset_counters()
    error = cb.error(f"await fetch({url.format(port=target.port)!r}); return 1")
    assert error["type"] == "SecurityError", error
    assert reason in error["message"], error
    assert "code blocks may only reach public addresses" in error["message"]
    assert target.requests == 0


@pytest.mark.parametrize("url", ["file:///etc/passwd", "ftp://example.com/x", "data:text/plain,hi", "gopher://x/"])
def test_non_http_schemes_are_refused(cb: CodeBlockClient, url: str) -> None:
    error = cb.error(f"await fetch({url!r}); return 1")
    assert error["type"] == "SecurityError", error
    assert "only http and https" in error["message"]


def test_axios_is_refused_too(cb: CodeBlockClient, target: HttpTarget) -> None:
    error = cb.error(f"const axios = require('axios'); await axios.get('{target.url}/json'); return 1")
    assert error["type"] == "SecurityError" and "loopback" in error["message"], error


def test_redirect_to_a_refused_address_is_refused(net: CodeBlockClient, target: HttpTarget) -> None:
    # 127.0.0.1 is allowed on this service, 127.0.0.2 is not: the redirect hop is re-checked.
    target.reset_counters()
    code = f"""
    try {{ await fetch(input.base + '/goto?url=' + encodeURIComponent('http://127.0.0.2:{target.port}/json')) }}
    catch (e) {{ return [e.name, e.message] }}
    """
    name, message = net.ok(code, {"base": target.url})
    assert name == "SecurityError" and "127.0.0.2, a loopback address" in message
    assert target.requests == 1  # only the first hop reached the server


def test_deny_list_wins_over_allow_list(tmp_path_factory: pytest.TempPathFactory, target: HttpTarget) -> None:
    srv = start_server(str(tmp_path_factory.mktemp("deny")), runtime_pool_size=1,
                       fetch_allow_hosts="127.0.0.0/8", fetch_deny_hosts="127.0.0.1,blocked.example")
    try:
        with srv.client() as http:
            client = CodeBlockClient(http)
            error = client.error(f"await fetch('{target.url}/json'); return 1")
            assert error["type"] == "SecurityError" and "deny list (FETCH_DENY_HOSTS)" in error["message"]
            error = client.error("await fetch('http://blocked.example/'); return 1")
            assert error["type"] == "SecurityError" and "blocked.example is on the deny list" in error["message"]
            # 127.0.0.3 is allowed by the CIDR: the request is made (nothing listens there on this port).
            assert client.ok(f"try {{ await fetch('http://127.0.0.3:{target.port}/json') }} "
                             "catch (e) { return e.name === 'SecurityError' ? e.message : 'allowed' }") in (
                "allowed",)
    finally:
        srv.stop()


def test_bad_allow_list_stops_the_service_with_a_clear_message(tmp_path_factory: pytest.TempPathFactory) -> None:
    with pytest.raises(RuntimeError, match=r"FETCH_ALLOW_HOSTS: .*'not a host!'"):
        start_server(str(tmp_path_factory.mktemp("badallow")), fetch_allow_hosts="10.0.0.0/8,not a host!")


# -- metrics --------------------------------------------------------------------------


def test_outbound_metrics(net: CodeBlockClient, net_server: Server, target: HttpTarget) -> None:
    net.ok("await fetch(input.base + '/bytes?n=1234'); return 1", {"base": target.url})
    text = httpx.get(f"{net_server.url}/metrics").text
    ok = re.search(r'^outbound_requests_total\{outcome="ok"\} (\d+)', text, re.M)
    received = re.search(r'^outbound_bytes_total\{direction="received"\} ([\d.e+]+)', text, re.M)
    assert ok and int(ok.group(1)) >= 1, text
    assert received and float(received.group(1)) >= 1234
    assert "outbound_request_duration_seconds_bucket" in text


def test_limits_endpoint_reports_fetch_limits(net_server: Server) -> None:
    limits = httpx.get(f"{net_server.url}/flow/limits").json()
    assert (limits["fetchTimeoutMs"], limits["fetchMaxResponseBytes"], limits["fetchMaxRequestsPerExecution"]) == (
        1500, 100_000, 8)
    assert limits["fetchMaxConcurrent"] == 100


def test_cookies_are_not_kept_between_requests(net: CodeBlockClient, target: HttpTarget) -> None:
    """fetch keeps no cookie jar (as in Node): a Set-Cookie answer to one execution must
    not come back as a Cookie header on another execution's request to the same host."""
    code = """
    const first = await fetch(input.base + '/cookies');
    const echoed = await (await fetch(input.base + '/echo')).json();
    return [first.headers.getSetCookie().length, echoed.headers.cookie ?? null];
    """
    assert net.ok(code, {"base": target.url}) == [2, None]
    later = net.ok("return (await (await fetch(input.base + '/echo')).json()).headers.cookie ?? null",
                   {"base": target.url})
    assert later is None
    assert net.ok("const axios = require('axios'); const r = await axios.get(input.base + '/echo');"
                  " return r.data.headers.cookie ?? null", {"base": target.url}) is None


# -- jose's createRemoteJWKSet: the JWKS fetched through fetch ------------------------------

def test_jose_remote_jwks(net: CodeBlockClient, target: HttpTarget) -> None:
    # Keys and a token made in the code block; the JWKS served by the target, fetched by jose.
    make = """
    const jose = require('jose');
    const { publicKey, privateKey } = await jose.generateKeyPair('ES256');
    const jwk = { ...(await jose.exportJWK(publicKey)), kid: 'k1', alg: 'ES256' };
    const token = await new jose.SignJWT({ sub: 'remote' })
      .setProtectedHeader({ alg: 'ES256', kid: 'k1' }).sign(privateKey);
    return { token, jwks: Buffer.from(JSON.stringify({ keys: [jwk] })).toString('base64url') };
    """
    made = net.ok(make)
    verify = """
    const { createRemoteJWKSet, jwtVerify } = require('jose');
    const jwks = createRemoteJWKSet(new URL(input.base + '/reply?json=' + input.jwks));
    const { payload } = await jwtVerify(input.token, jwks);
    return [payload.sub, jwks.fresh, jwks.jwks().keys[0].kid];
    """
    assert net.ok(verify, {"base": target.url, **made}) == ["remote", True, "k1"]
    status, body = net.run(verify, {"base": CLOSED.rstrip("/"), **made})
    assert status == 400 and body["error"]["name"] == "TypeError" and body["error"]["message"] == "fetch failed", body
