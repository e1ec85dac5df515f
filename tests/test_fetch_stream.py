"""Streaming fetch bodies (#19): the host keeps a response's body and JS pulls it chunk by
chunk, against a real local HTTP server (tests/http_target.py) that sends large bodies
slowly and records whether the client closed the connection before the end."""

from __future__ import annotations

import json
import re
import time
import uuid
import zlib
from collections.abc import Iterator
from pathlib import Path

import pytest

from conftest import CodeBlockClient, Server, start_server
from http_target import HttpTarget

MiB = 1024 * 1024
BIG = 50 * MiB  # large enough that the server cannot have sent it all before a close


@pytest.fixture(scope="module")
def small_heap(tmp_path_factory: pytest.TempPathFactory) -> Iterator[CodeBlockClient]:
    """A service with a 64 MB heap and 64 MB of ArrayBuffers per execution."""
    srv = start_server(str(tmp_path_factory.mktemp("stream")), runtime_pool_size=2, execution_timeout_ms=60_000,
                       runtime_memory_limit_mb=64, array_buffer_limit_mb=64, fetch_allow_hosts="127.0.0.1/32",
                       fetch_timeout_ms=20_000, fetch_max_response_bytes=1 * MiB, max_streaming_size_mb=80)
    try:
        with srv.client() as http:
            yield CodeBlockClient(http)
    finally:
        srv.stop()


@pytest.fixture(scope="module")
def short(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    """Short execution timeout, a 2 MB streaming limit, 3 open bodies at most."""
    srv = start_server(str(tmp_path_factory.mktemp("short")), runtime_pool_size=1, execution_timeout_ms=1500,
                       fetch_allow_hosts="127.0.0.1/32", fetch_max_response_bytes=100_000, max_streaming_size_mb=2,
                       fetch_max_open_bodies=3)
    yield srv
    srv.stop()


@pytest.fixture()
def net(short: Server) -> Iterator[CodeBlockClient]:
    with short.client() as http:
        yield CodeBlockClient(http)


def pattern_sum(n: int) -> int:
    """The sum of /stream's bytes (0..255 repeating), as JS computes it."""
    whole, rest = divmod(n, 256)
    return (whole * 255 * 256 // 2 + rest * (rest - 1) // 2) % 2**31


def tag() -> str:
    return uuid.uuid4().hex[:12]


# -- a large body read in chunks -------------------------------------------------------


def test_a_60_mb_body_sent_slowly_is_read_in_chunks_under_a_64_mb_heap(small_heap: CodeBlockClient,
                                                                       target: HttpTarget) -> None:
    n = 60 * MiB
    code = """
    const started = Date.now();
    const r = await fetch(input.url);
    const reader = r.body.getReader();
    let total = 0, chunks = 0, biggest = 0, sum = 0, peak = 0;
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      total += value.byteLength; chunks++; biggest = Math.max(biggest, value.byteLength);
      for (let i = 0; i < value.length; i += 1) sum = (sum + value[i]) % 2147483648;
      if (chunks % 64 === 0) {
        const m = process.memoryUsage();
        peak = Math.max(peak, m.heapUsed + m.arrayBuffers);
      }
    }
    return { total, chunks, biggest, sum, peakMb: Math.round(peak / 1048576), ms: Date.now() - started }
    """
    started = time.perf_counter()
    out = small_heap.ok(code, {"url": f"{target.url}/stream?n={n}&chunk=65536&ms=1&tag={tag()}"})
    print(f"\n60 MiB streamed: {out['ms']} ms in the code block, {time.perf_counter() - started:.2f} s end to end, "
          f"{out['chunks']} chunks, peak heap + ArrayBuffers {out['peakMb']} MiB")
    assert (out["total"], out["sum"]) == (n, pattern_sum(n))
    assert out["biggest"] <= 64 * 1024  # the host hands over at most CHUNK_BYTES at a time
    assert out["chunks"] >= n // (64 * 1024)


def test_the_same_body_read_whole_fails_at_fetch_max_response_bytes(small_heap: CodeBlockClient,
                                                                    target: HttpTarget) -> None:
    code = """
    const r = await fetch(input.url);
    try { await r.text() } catch (e) { return [r.status, e.name, e.message, e.cause.code, r.bodyUsed] }
    """
    out = small_heap.ok(code, {"url": f"{target.url}/stream?n={BIG}&tag={(t := tag())}"})
    assert out == [200, "TypeError", f"fetch failed: the response body is larger than {MiB} bytes "
                                     "(FETCH_MAX_RESPONSE_BYTES)", "ERR_FETCH_RESPONSE_TOO_LARGE", True]
    assert target.wait_outcome(t) == "closed"


def test_a_stream_stops_at_max_streaming_size_mb(net: CodeBlockClient, target: HttpTarget) -> None:
    code = """
    const r = await fetch(input.url);
    let total = 0;
    try { for await (const chunk of r.body) total += chunk.byteLength }
    catch (e) { return [total, e.name, e.message, e.cause.code] }
    return total
    """
    total, *error = net.ok(code, {"url": f"{target.url}/stream?n={BIG}&ms=2&tag={(t := tag())}"})
    assert error == ["TypeError", f"fetch failed: the response body is larger than {2 * MiB} bytes "
                                  "(MAX_STREAMING_SIZE_MB)", "ERR_FETCH_RESPONSE_TOO_LARGE"]
    assert total <= 2 * MiB
    assert target.wait_outcome(t) == "closed"
    # Within the limit, the whole body.
    assert net.ok(code, {"url": f"{target.url}/stream?n={2 * MiB}"}) == 2 * MiB


def test_deflate_decoding_stays_bounded(net: CodeBlockClient, target: HttpTarget) -> None:
    """A 1.5 MB body that compresses to a few KB: inflated at most one chunk at a time."""
    n = 1_500_000
    assert len(zlib.compress(b"0" * n, 9)) < 5000
    code = """
    const r = await fetch(input.url);
    let total = 0, biggest = 0, zeros = true;
    for await (const c of r.body) {
      total += c.byteLength; biggest = Math.max(biggest, c.byteLength); zeros &&= c.every((b) => b === 48);
    }
    const again = await fetch(input.url);
    let error; try { await again.text() } catch (e) { error = e.message }
    return [total, biggest <= 65536, zeros, error]
    """
    assert net.ok(code, {"url": f"{target.url}/deflate?n={n}"}) == [
        n, True, True, "fetch failed: the response body is larger than 100000 bytes (FETCH_MAX_RESPONSE_BYTES)"]


def test_brotli_decoding_stays_bounded(net: CodeBlockClient, target: HttpTarget) -> None:
    """The same for br: a 3 MB body in a few hundred bytes comes out in chunks of at most
    64 KiB, and a body that is not brotli fails the read, not the service."""
    n = 1_500_000
    code = """
    const r = await fetch(input.url);
    let total = 0, biggest = 0, zeros = true;
    for await (const c of r.body) {
      total += c.byteLength; biggest = Math.max(biggest, c.byteLength); zeros &&= c.every((b) => b === 48);
    }
    let error; try { await (await fetch(input.bad)).text() } catch (e) { error = [e.message, e.cause?.code] }
    return [total, biggest <= 65536, zeros, r.headers.get('content-encoding'), error]
    """
    total, bounded, zeros, encoding, error = net.ok(code, {"url": f"{target.url}/brotli?n={n}",
                                                           "bad": f"{target.url}/brotli?bad=1"})
    assert [total, bounded, zeros, encoding] == [n, True, True, "br"]
    assert error == ["terminated", "Z_DATA_ERROR"], error  # Node's message; the cause as for gzip
    assert net.ok("return 1") == 1


# -- cancelled bodies close their connection ------------------------------------------

# Closed while the execution runs: the code asks the server (/outcome) before it returns.
CANCELS_NOW = {
    "reader.cancel()": "const rd = r.body.getReader(); await rd.read(); await rd.cancel();",
    "body.cancel()": "await r.body.cancel();",
    "break out of for await": "for await (const c of r.body) break;",
    "abort after the response": """
        const rd = r.body.getReader(); await rd.read(); controller.abort();
        try { await rd.read() } catch (e) { if (e.name !== 'AbortError') throw e }""",
}
# Closed when the execution ends.
CANCELS_AT_END = {
    "execution ends without reading": "return r.status",
    "execution throws": "if (r.ok) throw new Error('boom'); return 1",
    "execution ends while a read is pending": "r.body.getReader().read(); return 'left'",
}
SEEN = """
    let outcome = null;
    for (let i = 0; i < 20 && outcome === null; i++) {
      await new Promise((resolve) => setTimeout(resolve, 25));
      outcome = (await (await fetch(input.base + '/outcome?tag=' + input.tag)).json()).outcome;
    }
    return [outcome, r.bodyUsed]
"""


@pytest.mark.parametrize("how", list(CANCELS_NOW) + list(CANCELS_AT_END))
def test_a_cancelled_body_closes_the_upstream_connection(net: CodeBlockClient, target: HttpTarget, how: str) -> None:
    t = tag()
    code = f"""
    const controller = new AbortController();
    const r = await fetch(input.url, {{ signal: controller.signal }});
    {CANCELS_NOW.get(how, "")}{CANCELS_AT_END.get(how, "")}
    {SEEN if how in CANCELS_NOW else ""}
    """
    status, body = net.run(code, {"url": f"{target.url}/stream?n={BIG}&ms=2&tag={t}", "base": target.url, "tag": t})
    if how in CANCELS_NOW:
        assert (status, body.get("result")) == (200, ["closed", True]), body
    else:
        assert status in (200, 400), body
    assert target.wait_outcome(t) == "closed", how


@pytest.mark.parametrize("how", ["r.data.destroy()", "controller.abort()"])
def test_a_destroyed_axios_stream_closes_the_upstream_connection(net: CodeBlockClient, target: HttpTarget,
                                                                how: str) -> None:
    t = tag()
    code = f"""
    const axios = require('axios');
    const controller = new AbortController();
    const r = await axios.get(input.url, {{ responseType: 'stream', signal: controller.signal }});
    const first = await new Promise((resolve) => r.data.once('data', resolve));
    {how};
    await new Promise((resolve) => r.data.on('close', resolve));
    // The server sees the close while the execution still runs (not only at its end).
    let outcome = null;
    for (let i = 0; i < 20 && outcome === null; i++) {{
      await new Promise((resolve) => setTimeout(resolve, 25));
      outcome = (await axios.get(input.base + '/outcome?tag=' + input.tag)).data.outcome;
    }}
    return [first.length > 0, r.data.destroyed, outcome]
    """
    url = f"{target.url}/stream?n={BIG}&ms=2&tag={t}"
    assert net.ok(code, {"url": url, "base": target.url, "tag": t}) == [True, True, "closed"]


def test_execution_timeout_while_reading_closes_the_connection(net: CodeBlockClient, target: HttpTarget) -> None:
    t = tag()
    code = "const r = await fetch(input.url); for await (const c of r.body) {} return 'never'"
    status, body = net.run(code, {"url": f"{target.url}/stream?n={BIG}&chunk=1024&ms=50&tag={t}"})
    assert status == 400 and body["error"]["type"] == "TimeoutError", body
    assert target.wait_outcome(t) == "closed"
    assert net.ok("return 'healthy'") == "healthy"


# -- open bodies per execution, and nothing left for the next -------------------------


def test_open_bodies_are_limited_per_execution_and_released_at_its_end(net: CodeBlockClient,
                                                                       target: HttpTarget) -> None:
    tags = [tag() for _ in range(3)]
    code = """
    const open = [];
    for (const t of input.tags) open.push(await fetch(input.url + t));
    try { await fetch(input.url + 'x') } catch (e) { return [open.length, e.message, e.cause.code] }
    """
    url = f"{target.url}/stream?n={BIG}&ms=2&tag="
    assert net.ok(code, {"url": url, "tags": tags}) == [
        3, "fetch failed: this execution already has 3 response bodies open (FETCH_MAX_OPEN_BODIES): read or cancel "
           "one first", "ERR_FETCH_OPEN_BODIES"]
    assert [target.wait_outcome(t) for t in tags] == ["closed"] * 3
    # The next execution starts with none open; a body read to its end is no longer open.
    reread = """
    for (let i = 0; i < 5; i++) await (await fetch(input.base + '/bytes?n=200')).text();
    const held = [];
    for (let i = 0; i < 3; i++) held.push(await fetch(input.base + '/stream?n=200000'));
    return held.length
    """
    assert net.ok(reread, {"base": target.url}) == 3


def test_a_pending_read_is_not_delivered_to_the_next_execution(net: CodeBlockClient, target: HttpTarget) -> None:
    code = """
    globalThis.__chunk = null;
    const r = await fetch(input.url);
    const rd = r.body.getReader();
    await rd.read();
    rd.read().then((c) => { globalThis.__chunk = c });
    return 'first'
    """
    for _ in range(2):
        assert net.ok(code, {"url": f"{target.url}/stream?n={BIG}&chunk=4096&ms=100"}) == "first"
    assert net.ok("await new Promise((r) => setTimeout(r, 400)); return typeof globalThis.__chunk") == "undefined"


def test_fetch_resolves_at_the_headers_before_the_body_comes(net: CodeBlockClient, target: HttpTarget) -> None:
    """The server holds the body until the code, having the response, asks it to send it:
    a fetch that waited for body bytes would wait for the gate's 5 s."""
    code = """
    const r = await fetch(input.base + '/gated?tag=' + input.tag);
    const opened = await (await fetch(input.base + '/open?tag=' + input.tag)).json();
    return [r.status, r.headers.get('content-length'), opened.opened, await r.text()]
    """
    assert net.ok(code, {"base": target.url, "tag": tag()}) == [200, "6", True, "opened"]


# -- broken bodies and bodiless responses ----------------------------------------------


@pytest.mark.parametrize("cut", [0, 1000, 100_000])
def test_a_body_broken_mid_read_is_terminated(net: CodeBlockClient, target: HttpTarget, cut: int) -> None:
    code = """
    const r = await fetch(input.url);
    let got = 0;
    try { for await (const c of r.body) got += c.byteLength } catch (e) { return [r.status, got, e.name, e.message] }
    """
    assert net.ok(code, {"url": f"{target.url}/broken?n=200000&cut={cut}"}) == [200, cut, "TypeError", "terminated"]
    assert net.ok("return (await fetch(input.base + '/json')).status", {"base": target.url}) == 200


@pytest.mark.parametrize(("path", "method"), [("/json", "HEAD"), ("/empty/204", "GET"), ("/empty/304", "GET")])
def test_bodiless_responses_have_a_null_body(net: CodeBlockClient, target: HttpTarget, path: str, method: str) -> None:
    code = "const r = await fetch(input.url, { method: input.method }); return [r.body, await r.text(), r.bodyUsed]"
    assert net.ok(code, {"url": target.url + path, "method": method}) == [None, "", False]


# -- README's worked example -----------------------------------------------------------


def readme_example() -> str:
    readme = (Path(__file__).resolve().parents[1] / "README.md").read_text(encoding="utf-8")
    section = readme.split("## Streaming large downloads", 1)[1].split("\n## ", 1)[0]
    [example] = re.findall(r"```js\n(.*?)```", section, re.S)
    return example


def test_the_readme_csv_streaming_example_runs_as_written(small_heap: CodeBlockClient, target: HttpTarget) -> None:
    rows, t = 20_000, tag()
    out = small_heap.ok(readme_example(), {"csvUrl": f"{target.url}/csv?rows={rows}",
                                           "importUrl": f"{target.url}/collect?tag={t}"})
    assert out == {"posted": rows, "batches": 40}
    batches = [json.loads(body)["rows"] for body in target.collected[t]]
    assert [len(b) for b in batches] == [500] * 40
    received = [row for batch in batches for row in batch]
    # Every row, in order, as /csv wrote it (lines that the network cut in two included).
    assert received == [{"id": str(i), "name": f"name-{i}", "amount": f"{i * 3 % 1000}.5"} for i in range(1, rows + 1)]

