"""fetch, Headers, Request, Response, FormData and axios compared with real Node.js:
the same snippet runs in `node` (undici's fetch, axios's http adapter) and in the
service, both against the same local HTTP server; results and errors must match."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from compat.conftest import assert_matches_node, run_in_node
from conftest import CodeBlockClient, Server, free_port, start_server
from http_target import HttpTarget

OFFLINE = [
    # Headers
    "const h = new Headers({ B: '2', a: '1' }); h.append('a', '3'); return [...h]",
    "const h = new Headers([['Set-Cookie', 'x=1'], ['set-cookie', 'y=2']]); return [[...h], h.get('set-cookie'), h.getSetCookie()]",
    "const h = new Headers(); h.set('X-A', '  padded\\t'); return [h.get('x-a'), h.has('X-A'), h.get('nope')]",
    "const h = new Headers({ a: '1' }); h.delete('A'); return [...h.keys()]",
    "try { new Headers([['a b', 'c']]) } catch (e) { return [e.name, e.message] }",
    "try { new Headers([['a']]) } catch (e) { return [e.name, e.message] }",
    "try { new Headers().get('bad name') } catch (e) { return [e.name, e.message] }",
    "const h = new Headers({ b: '2', a: '1' }); const out = []; h.forEach((v, k) => out.push(k + '=' + v)); return out",
    "return Object.prototype.toString.call(new Headers())",
    "const h = new Headers(new Headers({ z: '1' })); return [...h.entries()]",
    # Request
    "const r = new Request('http://example.com/a?b=1#frag', { method: 'post', body: 'x' }); return [r.method, r.url, r.headers.get('content-type'), r.redirect, r.bodyUsed]",
    "return new Request('http://example.com', { method: 'patch' }).method",
    "return new Request('HTTP://Example.COM:80/./a/../b').url",
    "try { new Request('/relative') } catch (e) { return [e.name, e.message] }",
    "try { new Request('http://x/', { method: 'GET', body: 'x' }) } catch (e) { return [e.name, e.message] }",
    "try { new Request('http://x/', { method: 'CONNECT' }) } catch (e) { return [e.name, e.message] }",
    "const r = new Request('http://x/', { method: 'POST', body: '{\"a\":1}' }); return await r.json()",
    "const r = new Request('http://x/', { method: 'POST', body: 'abc' }); const c = r.clone(); return [await r.text(), await c.text(), r.bodyUsed]",
    "const r = new Request('http://x/', { headers: { 'X-Y': 'z' } }); const r2 = new Request(r, { method: 'PUT' }); return [r2.method, r2.headers.get('x-y'), r2.url]",
    "return new Request('http://x/').signal instanceof AbortSignal",
    # Response
    "const r = new Response('hi'); return [r.status, r.statusText, r.ok, r.headers.get('content-type'), r.type, r.url, r.redirected, await r.text()]",
    "const r = Response.json({ a: 1 }, { status: 201, headers: { 'X-A': 'b' } }); return [r.status, r.headers.get('content-type'), r.headers.get('x-a'), await r.json()]",
    "const r = Response.error(); return [r.type, r.status, r.ok]",
    "const r = Response.redirect('http://a.com/x', 301); return [r.status, r.headers.get('location')]",
    "try { new Response('x', { status: 99 }) } catch (e) { return [e.name, e.message] }",
    "try { new Response('x', { status: 204 }) } catch (e) { return [e.name, e.message] }",
    "const r = new Response('x'); await r.text(); try { await r.text() } catch (e) { return [e.name, e.message] }",
    "const r = new Response(new Uint8Array([104, 105])); return [r.headers.get('content-type'), await r.text()]",
    "const r = new Response(new URLSearchParams({ a: '1 2' })); return [r.headers.get('content-type'), await r.text()]",
    "const r = new Response(new Blob(['b'], { type: 'a/b' })); return [r.headers.get('content-type'), await r.text()]",
    "const r = new Response('{\"x\": [1]}'); return await r.json()",
    "const r = new Response('not json'); try { await r.json() } catch (e) { return e.name }",
    "const r = new Response('abc'); const b = await r.arrayBuffer(); return [b.byteLength, b instanceof ArrayBuffer]",
    "const r = new Response('abc', { headers: { 'content-type': 'text/x' } }); const b = await r.blob(); return [b.size, b.type]",
    "const r = new Response(null); return [r.body, await r.text(), r.bodyUsed]",
    "const r = new Response('abc'); const c = r.clone(); return [await r.text(), await c.text()]",
    "const r = new Response('x', { status: 404, statusText: 'Nope' }); return [r.ok, r.status, r.statusText]",
    "return String(new Response(''))",
    # FormData
    "const f = new FormData(); f.append('a', '1'); f.append('a', '2'); f.set('b', '3'); return [[...f], f.getAll('a'), f.get('b'), f.has('c')]",
    "const f = new FormData(); f.append('file', new Blob(['x'], { type: 't/t' }), 'x.txt'); const v = f.get('file'); return [v instanceof File, v.name, v.type, v.size]",
    "const f = new FormData(); f.append('b', new Blob(['x'])); return f.get('b').name",
    "const f = new FormData(); f.append('a', 1); f.append('c', 2); f.delete('a'); return [...f.keys()]",
    "const f = new FormData(); f.append('a', '1'); f.append('b', '2'); f.append('a', '3'); f.set('a', '4'); return [...f]",
    "return Object.prototype.toString.call(new FormData())",
    # What undici added or changed between Node 20 and Node 24
    "const r = new Response('hé'); const b = await r.bytes(); return [b instanceof Uint8Array, b.constructor.name, [...b]]",
    "const r = new Request('http://x/', { method: 'POST', body: 'ab' }); return [...await r.bytes()]",
    "return [...await new Blob(['xy']).bytes()]",
    "return await Response.json(undefined).text()",
    "try { Response.json(1n) } catch (e) { return [e.name, e.message] }",
    "return [new Headers().getSetCookie(), new Headers({ 'set-cookie': 'a=1, b=2' }).getSetCookie()]",
    "try { new Response('x', { statusText: 'bad\\n' }) } catch (e) { return [e.name, e.message] }",
    "const r = new Request('http://x/', { keepalive: true, cache: 'no-store', mode: 'cors', credentials: 'omit' }); return [r.keepalive, r.cache, r.mode, r.credentials, r.destination, r.integrity, r.referrer]",
    "const r = new Request('http://x/'); return [r.keepalive, r.cache, r.mode, r.credentials, r.referrerPolicy, r.integrity]",
    "const a = new Request('http://x/', { cache: 'reload', credentials: 'include' }); return [new Request(a).cache, new Request(a).credentials, a.clone().cache]",
    "const r = new Request('http://x/', { keepalive: 1, integrity: 5 }); return [r.keepalive, r.integrity]",
    "const r = new Request('http://x/', { cache: 'only-if-cached', mode: 'same-origin' }); return [r.cache, r.mode]",
    "return new Request('http://x/', { referrerPolicy: 'no-referrer' }).referrerPolicy",
] + [f"try {{ new Request('http://x/', {o}) }} catch (e) {{ return [e.name, e.message] }}" for o in (
    "{ cache: 'nope' }", "{ mode: 'navigate' }", "{ mode: 'x' }", "{ credentials: 'x' }", "{ cache: 'only-if-cached' }",
    "{ referrerPolicy: 'x' }", "{ redirect: 'x' }", "{ signal: 5 }")] + [
    "return [typeof Response.prototype.bytes, typeof Request.prototype.bytes, typeof Blob.prototype.bytes]",
    "const r = Response.redirect('http://a.com/x'); return [r.status, r.headers.get('location'), r.type]",
    "try { Response.redirect('http://a.com/x', 200) } catch (e) { return [e.name, e.message] }",
    "const h = new Headers({ a: '1' }); return [...h.entries()].concat([...h.values()])",
    # fetch argument errors
    "try { await fetch('/relative') } catch (e) { return [e.name, e.message] }",
    "try { await fetch() } catch (e) { return [e.name, e.message] }",
    "const c = new AbortController(); c.abort(); try { await fetch('http://example.com/', { signal: c.signal }) } catch (e) { return [e.name, e.message] }",
]

NETWORK = [
    "const r = await fetch(input.base + '/json'); return [r.status, r.statusText, r.ok, r.headers.get('content-type'), r.url, r.redirected, r.type, await r.json()]",
    "const r = await fetch(input.base + '/status/404'); return [r.status, r.ok, r.statusText, await r.json()]",
    "const r = await fetch(input.base + '/status/500'); return [r.status, r.statusText]",
    "const r = await fetch(input.base + '/text'); return await r.text()",
    "const r = await fetch(input.base + '/gzip'); return [await r.json(), r.headers.get('content-encoding')]",
    "const r = await fetch(input.base + '/brotli'); return [await r.json(), r.headers.get('content-encoding')]",
    "const r = await fetch(input.base + '/brotli?n=200000'); const t = await r.text(); return [t.length, /^0+$/.test(t)]",
    "try { await (await fetch(input.base + '/brotli?bad=1')).text(); return 'decoded' } catch (e) { return [e.name, e.message] }",
    "const r = await fetch(input.base + '/cookies'); return r.headers.getSetCookie()",
    "const r = await fetch(input.base + '/redirect/2'); return [r.status, r.redirected, r.url]",
    "const r = await fetch(input.base + '/redirect/1', { redirect: 'manual' }); return [r.status, r.headers.get('location'), r.redirected]",
    "try { await fetch(input.base + '/redirect/1', { redirect: 'error' }) } catch (e) { return [e.name, e.message] }",
    "try { await fetch(input.base + '/redirect/21') } catch (e) { return [e.name, e.message] }",
    "const r = await fetch(input.base + '/redirect/20'); return [r.status, r.url]",
    "const r = await fetch(input.base + '/goto?status=307&url=/echo', { method: 'POST', body: 'kept' }); const e = await r.json(); return [e.method, e.text]",
    "const r = await fetch(input.base + '/goto?status=303&url=/echo', { method: 'PUT', body: 'dropped' }); const e = await r.json(); return [e.method, e.text]",
    "const r = await fetch(input.base + '/goto?status=301&url=/echo', { method: 'POST', body: 'dropped' }); const e = await r.json(); return [e.method, e.text]",
    "const e = await (await fetch(input.base + '/echo?a=1&b=x%20y', { headers: { 'X-Custom': 'v' } })).json(); return [e.method, e.query, e.headers['x-custom'], e.headers['user-agent']]",
    "const e = await (await fetch(input.base + '/echo')).json(); return e.headers['accept-encoding']",
    "const e = await (await fetch(input.base + '/echo', { headers: { range: 'bytes=0-1' } })).json(); return e.headers['accept-encoding']",
    "const e = await (await fetch(input.base + '/echo', { headers: { 'accept-encoding': 'br' } })).json(); return e.headers['accept-encoding']",
    "const e = await (await fetch(input.base + '/echo', { method: 'POST', body: JSON.stringify({ a: 1 }), headers: { 'content-type': 'application/json' } })).json(); return [e.headers['content-type'], e.headers['content-length'], e.text]",
    "const e = await (await fetch(input.base + '/echo', { method: 'POST', body: 'text' })).json(); return [e.headers['content-type'], e.text]",
    "const e = await (await fetch(input.base + '/echo', { method: 'POST', body: new URLSearchParams({ q: 'a&b' }) })).json(); return [e.headers['content-type'], e.text]",
    "const e = await (await fetch(input.base + '/echo', { method: 'POST', body: Buffer.from([0, 255, 1]) })).json(); return [e.headers['content-type'] ?? null, e.base64]",
    "const e = await (await fetch(input.base + '/echo', { method: 'DELETE' })).json(); return e.method",
    "const e = await (await fetch(new Request(input.base + '/echo', { method: 'PUT', body: 'r' }))).json(); return [e.method, e.text]",
    "const f = new FormData(); f.append('a', 'x\\ny'); f.append('f', new Blob(['data'], { type: 'text/csv' }), 'r.csv'); return await (await fetch(input.base + '/multipart', { method: 'POST', body: f })).json()",
    "const r = await fetch(input.base + '/bytes?n=10'); const b = new Uint8Array(await r.arrayBuffer()); return [b.length, b[0], r.headers.get('content-length')]",
    "const r = await fetch(input.base + '/json', { method: 'HEAD' }); return [r.status, await r.text()]",
    "try { await fetch(input.closed) } catch (e) { return [e.name, e.message, e.cause.code] }",
    "try { await fetch('http://127.0.0.1:25/') } catch (e) { return [e.name, e.message, e.cause.message] }",
    "try { await fetch(input.base + '/slow?ms=1000', { signal: AbortSignal.timeout(30) }) } catch (e) { return [e.name, e.message] }",
    "const c = new AbortController(); setTimeout(() => c.abort(), 20); try { await fetch(input.base + '/slow?ms=1000', { signal: c.signal }) } catch (e) { return [e.name, e.message] }",
    "const [a, b] = await Promise.all([fetch(input.base + '/json'), fetch(input.base + '/text')]); return [await a.json(), await b.text()]",
    "const r = await fetch(input.base + '/json'); const reader = r.body.getReader(); const { value } = await reader.read(); return new TextDecoder().decode(value)",
    "const r = await fetch(input.base + '/json'); const c = r.clone(); return [await r.json(), await c.text()]",
    # axios
    "const axios = require('axios'); const r = await axios.get(input.base + '/json'); return [r.status, r.statusText, r.data, r.headers['content-type']]",
    "const axios = require('axios'); const r = await axios.get(input.base + '/echo', { params: { a: [1, 2], b: 'x y', c: { d: 1 } } }); return r.data.query",
    "const axios = require('axios'); const r = await axios.post(input.base + '/echo', { a: 1 }); return [r.data.method, r.data.headers['content-type'], r.data.text, r.data.headers['user-agent']]",
    "const axios = require('axios'); const r = await axios.post(input.base + '/echo', 'a=1'); return [r.data.headers['content-type'], r.data.text]",
    "const axios = require('axios'); const r = await axios.post(input.base + '/echo', new URLSearchParams({ a: '1' })); return [r.data.headers['content-type'], r.data.text]",
    "const axios = require('axios'); const r = await axios.put(input.base + '/echo', Buffer.from('bin')); return [r.data.method, r.data.headers['content-type'], r.data.text]",
    "const axios = require('axios'); const r = await axios({ url: '/echo', baseURL: input.base, method: 'patch', data: { p: true }, headers: { 'X-H': 'y' } }); return [r.data.method, r.data.headers['x-h'], r.data.text]",
    "const axios = require('axios'); const r = await axios.delete(input.base + '/echo', { params: { id: 3 } }); return [r.data.method, r.data.query]",
    "const axios = require('axios'); const r = await axios.get(input.base + '/text', { responseType: 'text' }); return r.data",
    "const axios = require('axios'); const r = await axios.get(input.base + '/bytes?n=3', { responseType: 'arraybuffer' }); return [Buffer.isBuffer(r.data), r.data.toString('hex')]",
    "const axios = require('axios'); const r = await axios.get(input.base + '/json', { responseType: 'json' }); return r.data",
    "const axios = require('axios'); const r = await axios.get(input.base + '/redirect/2'); return [r.status, r.data]",
    "const axios = require('axios'); try { await axios.get(input.base + '/status/404') } catch (e) { return [e.name, e.message, e.code, e.response.status, e.response.data, e.config.url === input.base + '/status/404'] }",
    "const axios = require('axios'); try { await axios.get(input.base + '/status/502') } catch (e) { return [e.message, e.code, e.response.statusText] }",
    "const axios = require('axios'); const r = await axios.get(input.base + '/status/404', { validateStatus: (s) => s < 500 }); return r.status",
    "const axios = require('axios'); try { await axios.get(input.closed) } catch (e) { return [e.name, e.message === 'connect ECONNREFUSED ' + input.closed.slice(7, -1), e.code, e.response, e.isAxiosError] }",
    "const axios = require('axios'); try { await axios.get(input.base + '/slow?ms=1000', { timeout: 50 }) } catch (e) { return [e.name, e.message, e.code] }",
    "const axios = require('axios'); const c = new AbortController(); const p = axios.get(input.base + '/slow?ms=1000', { signal: c.signal }); c.abort(); try { await p } catch (e) { return [axios.isCancel(e), e.name, e.message, e.code] }",
    "const axios = require('axios'); const source = axios.CancelToken.source(); const p = axios.get(input.base + '/slow?ms=1000', { cancelToken: source.token }); source.cancel('stop'); try { await p } catch (e) { return [axios.isCancel(e), e.message] }",
    "const axios = require('axios'); const api = axios.create({ baseURL: input.base, headers: { 'X-I': 'inst' } }); const r = await api.get('/echo'); return r.data.headers['x-i']",
    "const axios = require('axios'); const api = axios.create({ baseURL: input.base }); api.interceptors.request.use(c => { c.params = { added: 'yes' }; return c; }); api.interceptors.response.use(r => r.data.query); return await api.get('/echo')",
    "const axios = require('axios'); const r = await axios.get(input.base + '/cookies'); return r.headers['set-cookie']",
    "const axios = require('axios'); const r = await axios.get(input.base + '/json', { auth: { username: 'u', password: 'p' } }); return r.status",
    "const axios = require('axios'); const e = (await axios.get(input.base + '/echo', { auth: { username: 'u', password: 'p' } })).data; return e.headers.authorization",
    "const axios = require('axios'); const [a, b] = await Promise.all([axios.get(input.base + '/json'), axios.get(input.base + '/text')]); return [a.data, b.data]",
    "const axios = require('axios'); const FormData = require('form-data'); const f = new FormData(); f.append('k', 'v'); f.append('file', Buffer.from('abc'), 'a.txt'); return (await axios.post(input.base + '/multipart', f)).data",
    "const axios = require('axios'); const r = await axios.get(input.base + '/gzip'); return r.data",
    "const axios = require('axios'); const r = await axios.get(input.base + '/brotli'); return r.data",
    "const axios = require('axios'); return [typeof axios.get, typeof axios.create, typeof axios.all, typeof axios.spread, typeof axios.isAxiosError, typeof axios.AxiosHeaders]",
]

ALL = OFFLINE + NETWORK
CLOSED = f"http://127.0.0.1:{free_port()}/"  # nothing listens there


@pytest.fixture(scope="module")
def net(tmp_path_factory: pytest.TempPathFactory) -> Iterator[CodeBlockClient]:
    srv: Server = start_server(str(tmp_path_factory.mktemp("netcompat")), runtime_pool_size=2,
                               fetch_allow_hosts="127.0.0.1")
    try:
        with srv.client() as http:
            yield CodeBlockClient(http)
    finally:
        srv.stop()


@pytest.fixture(scope="module")
def node_outcomes(target: HttpTarget) -> list[dict[str, Any]]:
    return run_in_node([{"code": code, "input": {"base": target.url, "closed": CLOSED}} for code in ALL])


@pytest.mark.parametrize("index", range(len(ALL)),
                         ids=[f"{'offline' if c in OFFLINE else 'network'}-{i}" for i, c in enumerate(ALL)])
def test_fetch_matches_node(net: CodeBlockClient, target: HttpTarget, node_outcomes: list[dict[str, Any]],
                            index: int) -> None:
    code = ALL[index]
    expected = node_outcomes[index]
    status, body = net.run(code, {"base": target.url, "closed": CLOSED})
    assert_matches_node(code, status, body, expected)
