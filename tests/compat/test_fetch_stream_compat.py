"""Streaming fetch bodies compared with real Node.js 24: the same snippet runs in `node`
(undici's fetch, axios's http adapter) and in the service, both against the same local
HTTP server (tests/http_target.py); results and errors must match. Chunk sizes and counts
are the transport's and are not compared: totals, contents and errors are."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from compat.conftest import assert_matches_node, run_in_node
from conftest import CodeBlockClient, Server, start_server
from http_target import HttpTarget

# Sum of a Uint8Array's bytes, and a body's bytes totalled through a reader.
SUM = "const sum = (a) => a.reduce((s, b) => (s + b) % 65521, 0);"

CASES = [
    # getReader, for await, BYOB
    SUM + "const r = await fetch(input.base + '/stream?n=300000'); const rd = r.body.getReader(); let n = 0, s = 0;"
    " for (;;) { const { done, value } = await rd.read(); if (done) break; n += value.length; s = (s + sum(value)) % 65521 }"
    " return [n, s, r.bodyUsed, r.body.locked]",
    "const r = await fetch(input.base + '/stream?n=200000'); let n = 0, kinds = new Set();"
    " for await (const c of r.body) { n += c.byteLength; kinds.add(c.constructor.name) } return [n, [...kinds], r.bodyUsed]",
    "const r = await fetch(input.base + '/stream?n=5000'); const rd = r.body.getReader({ mode: 'byob' });"
    " const { value, done } = await rd.read(new Uint8Array(1000)); return [done, value.byteLength <= 1000, value[0], value[1]]",
    "const r = await fetch(input.base + '/json'); return [r.body instanceof ReadableStream, r.body === r.body, r.body.locked,"
    " Object.prototype.toString.call(r.body)]",
    # tee, pipeTo, pipeThrough
    "const r = await fetch(input.base + '/stream?n=100000'); const [a, b] = r.body.tee();"
    " const count = async (s) => { let n = 0; for await (const c of s) n += c.length; return n };"
    " return [await count(a), await count(b), r.bodyUsed]",
    "const r = await fetch(input.base + '/stream?n=150000'); let n = 0;"
    " await r.body.pipeTo(new WritableStream({ write(c) { n += c.byteLength } })); return [n, r.bodyUsed]",
    "const r = await fetch(input.base + '/csv?rows=3000'); let text = '';"
    " for await (const t of r.body.pipeThrough(new TextDecoderStream())) text += t;"
    " const lines = text.split('\\n'); return [lines.length, lines[0], lines[3000], lines[3001]]",
    "const r = await fetch(input.base + '/text'); const parts = [];"
    " for await (const t of r.body.pipeThrough(new TextDecoderStream())) parts.push(t); return parts.join('')",
    "const r = await fetch(input.base + '/deflate?n=1000000'); let n = 0, zeros = true;"
    " for await (const c of r.body) { n += c.length; zeros &&= c.every((b) => b === 48) } return [n, zeros, r.headers.get('content-encoding')]",
    "const r = await fetch(input.base + '/deflate?n=300000'); return (await r.text()).length",
    "const r = await fetch(input.base + '/gzip'); const t = await new Response(r.body.pipeThrough(new TextDecoderStream())).text(); return JSON.parse(t)",
    "const r = await fetch(input.base + '/csv?rows=10'); return await new Response(r.body).text()",
    # the buffered readers through the stream
    "const r = await fetch(input.base + '/stream?n=300000'); const b = await r.arrayBuffer(); return [b.byteLength, new Uint8Array(b)[299999], r.bodyUsed]",
    "const r = await fetch(input.base + '/csv?rows=100'); const b = await r.blob(); return [b.size, b.type]",
    "const r = await fetch(input.base + '/stream?n=70000'); const c = r.clone();"
    " return [(await r.arrayBuffer()).byteLength, (await c.bytes()).length]",
    "const r = await fetch(input.base + '/json'); r.body; return await r.json()",
    # body used and locked errors
    "const r = await fetch(input.base + '/json'); const rd = r.body.getReader(); await rd.read();"
    " try { await r.text() } catch (e) { return [e.name, e.message, r.bodyUsed] }",
    "const r = await fetch(input.base + '/json'); r.body.getReader();"
    " try { await r.json() } catch (e) { return [e.name, e.message, r.bodyUsed] }",
    "const r = await fetch(input.base + '/json'); await r.text(); try { await r.text() } catch (e) { return [e.name, e.message] }",
    "const r = await fetch(input.base + '/json'); await r.text(); return [r.body.locked, r.bodyUsed]",
    "const r = await fetch(input.base + '/json'); await r.text(); try { r.clone() } catch (e) { return [e.name, e.message] }",
    "const r = await fetch(input.base + '/stream?n=200000'); await r.body.cancel(); return [r.bodyUsed, r.body.locked]",
    "const r = await fetch(input.base + '/stream?n=200000'); await r.body.cancel();"
    " try { await r.text() } catch (e) { return [e.name, e.message] }",
    "const r = await fetch(input.base + '/stream?n=200000'); const rd = r.body.getReader(); await rd.read(); await rd.cancel();"
    " return await rd.read()",
    "const r = await fetch(input.base + '/stream?n=200000'); for await (const c of r.body) break; return [r.bodyUsed, r.body.locked]",
    # aborts, broken and bodiless responses
    "const c = new AbortController(); const r = await fetch(input.base + '/stream?n=2000000&ms=1', { signal: c.signal });"
    " const rd = r.body.getReader(); await rd.read(); c.abort(); try { await rd.read() } catch (e) { return [e.name, e.message] }",
    "const c = new AbortController(); const r = await fetch(input.base + '/stream?n=2000000&ms=1', { signal: c.signal });"
    " c.abort(new Error('mine')); try { await r.text() } catch (e) { return [e.name, e.message] }",
    "const r = await fetch(input.base + '/broken?n=100000&cut=1000'); try { await r.text() } catch (e) { return [r.status, e.name, e.message, e.cause.code] }",
    "const r = await fetch(input.base + '/broken?n=100000&cut=0'); try { for await (const c of r.body); } catch (e) { return [r.status, e.name, e.message] }",
    "const r = await fetch(input.base + '/json', { method: 'HEAD' }); return [r.body, r.bodyUsed, await r.text()]",
    "const r = await fetch(input.base + '/empty/204'); return [r.status, r.body, await r.text()]",
    "const r = await fetch(input.base + '/empty/304'); return [r.status, r.body, (await r.arrayBuffer()).byteLength]",
    "const r = await fetch(input.base + '/bytes?n=0'); return [r.body === null, await r.text()]",
    # Node streams over a fetch body
    "const { Readable } = require('stream'); const r = await fetch(input.base + '/stream?n=250000'); let n = 0, buffers = true;"
    " for await (const c of Readable.fromWeb(r.body)) { n += c.length; buffers &&= Buffer.isBuffer(c) } return [n, buffers]",
    "const { Readable, Writable } = require('stream'); const { pipeline } = require('stream/promises');"
    " const r = await fetch(input.base + '/csv?rows=500'); let text = '';"
    " await pipeline(Readable.fromWeb(r.body), new Writable({ write(c, e, cb) { text += c; cb() } }));"
    " return text.split('\\n').length",
    "const { Readable } = require('stream'); const r = await fetch(input.base + '/text'); const s = Readable.fromWeb(r.body);"
    " s.setEncoding('utf8'); let t = ''; for await (const c of s) t += c; return t",
    "const { Readable } = require('stream'); const r = await fetch(input.base + '/stream?n=500000&ms=1');"
    " const s = Readable.fromWeb(r.body); for await (const c of s) break; return [s.destroyed, r.body.locked]",
    # axios responseType 'stream'
    "const axios = require('axios'); const { Readable } = require('stream'); const r = await axios.get(input.base + '/stream?n=220000', { responseType: 'stream' });"
    " let n = 0, buffers = true; for await (const c of r.data) { n += c.length; buffers &&= Buffer.isBuffer(c) }"
    " return [r.status, r.data instanceof Readable, typeof r.data.pipe, n, buffers]",
    "const axios = require('axios'); const r = await axios.get(input.base + '/csv?rows=200', { responseType: 'stream' });"
    " const text = await new Promise((resolve, reject) => { let t = ''; r.data.setEncoding('utf8');"
    " r.data.on('data', (c) => { t += c }); r.data.on('end', () => resolve(t)); r.data.on('error', reject) });"
    " return [text.length, text.split('\\n')[200]]",
    "const axios = require('axios'); const { Writable } = require('stream'); const r = await axios.get(input.base + '/stream?n=90000', { responseType: 'stream' });"
    " let n = 0; await new Promise((resolve) => r.data.pipe(new Writable({ write(c, e, cb) { n += c.length; cb() } })).on('finish', resolve)); return n",
    "const axios = require('axios'); const r = await axios.get(input.base + '/stream?n=2000000&ms=1', { responseType: 'stream' });"
    " r.data.destroy(); await new Promise((resolve) => r.data.on('close', resolve)); return [r.data.destroyed, r.headers['content-length']]",
    "const axios = require('axios'); const c = new AbortController(); const r = await axios.get(input.base + '/stream?n=20000000&ms=1', { responseType: 'stream', signal: c.signal });"
    " let n = 0; r.data.on('data', (d) => { n += d.length }); c.abort();"
    " const how = await new Promise((resolve) => { r.data.on('error', (e) => resolve(['error', e.message])); r.data.on('close', () => resolve(['close', r.data.destroyed])) });"
    " return [how, n < 20000000]",
    # form-data with Readable parts: pipe, axios, fetch
    "const FormData = require('form-data'); const { Readable, Writable } = require('stream'); const f = new FormData();"
    " f.setBoundary('b0undary'); f.append('a', '1'); f.append('file', Readable.from(['x,y\\n', '1,2\\n']), { filename: 'r.csv' });"
    " let out = ''; await new Promise((resolve) => f.pipe(new Writable({ write(c, e, cb) { out += c; cb() } })).on('finish', resolve));"
    " return [out, f.hasKnownLength()]",
    "const FormData = require('form-data'); const { Readable } = require('stream'); const axios = require('axios'); const f = new FormData();"
    " f.append('k', 'v'); f.append('data', Readable.from([Buffer.from('abc'), Buffer.from('def')]), { filename: 'd.bin', contentType: 'application/x-thing' });"
    " return (await axios.post(input.base + '/multipart', f, { headers: f.getHeaders() })).data",
    "const FormData = require('form-data'); const { Readable } = require('stream'); const axios = require('axios');"
    " const src = await axios.get(input.base + '/csv?rows=50', { responseType: 'stream' }); const f = new FormData();"
    " f.append('upload', src.data, { filename: 'rows.csv' }); const r = await axios.post(input.base + '/multipart', f, { headers: f.getHeaders() });"
    " return r.data.map((p) => [p.name, p.filename, p.type, p.text.split('\\n').length])",
    "const FormData = require('form-data'); const { Readable } = require('stream'); const f = new FormData();"
    " f.append('s', Readable.from(['abc']), { knownLength: 3 }); f.append('t', 'x'); return [f.hasKnownLength(), f.getLengthSync() > 0]",
]


@pytest.fixture(scope="module")
def net(tmp_path_factory: pytest.TempPathFactory) -> Iterator[CodeBlockClient]:
    srv: Server = start_server(str(tmp_path_factory.mktemp("streamcompat")), runtime_pool_size=2,
                               fetch_allow_hosts="127.0.0.1")
    try:
        with srv.client() as http:
            yield CodeBlockClient(http)
    finally:
        srv.stop()


@pytest.fixture(scope="module")
def node_outcomes(target: HttpTarget) -> list[dict[str, Any]]:
    return run_in_node([{"code": code, "input": {"base": target.url}} for code in CASES])


@pytest.mark.parametrize("index", range(len(CASES)))
def test_fetch_stream_matches_node(net: CodeBlockClient, target: HttpTarget, node_outcomes: list[dict[str, Any]],
                                   index: int) -> None:
    code = CASES[index]
    status, body = net.run(code, {"base": target.url})
    assert_matches_node(code, status, body, node_outcomes[index])
