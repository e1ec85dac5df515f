"""csv-parse and csv-stringify in the shared frozen realm: nothing a code block does to them
(their exports, prototypes, the chunks they hand out) reaches the next execution on the
same runtime. Their behaviour against Node is tests/compat/test_csv.py."""

from __future__ import annotations

from pathlib import Path

import pytest

from conftest import CodeBlockClient, start_server

# Reads back what a tamperer could have changed: the BOM a stringifier pushes, parsing and
# stringifying, the exports and their prototypes.
PROBE = (
    "const { parse, Parser, CsvError } = require('csv-parse');\n"
    "const { stringify, Stringifier } = require('csv-stringify');\n"
    "const sync = require('csv-parse/sync'); const ssync = require('csv-stringify/sync');\n"
    "const web = require('csv-parse/stream');\n"
    "const s = stringify({ bom: true }); s.end(['x']); const chunks = [];\n"
    "s.on('data', (c) => chunks.push(c.toString('hex'))); await new Promise((r) => s.on('end', r));\n"
    "const p = parse({ bom: true }); p.end('\\ufeffa,b'); const rows = []; for await (const r of p) rows.push(r);\n"
    "const ws = new ReadableStream({ start(c) { c.enqueue(new TextEncoder().encode('w,v')); c.close(); } });\n"
    "const webRows = []; for await (const r of ws.pipeThrough(web.parse())) webRows.push(r);\n"
    "return [chunks, rows, webRows, sync.parse('1;2', { delimiter: ';' }),\n"
    "  ssync.stringify([[1, 'a b']], { bom: true }),\n"
    "  typeof Parser.prototype._transform, typeof Stringifier.prototype._transform, CsvError.name,\n"
    "  Object.isFrozen(Parser.prototype), Object.isFrozen(sync), Object.isFrozen(web.parse), typeof globalThis.leaked]"
)
CLEAN = [["efbbbf", "780a"], [["a", "b"]], [["w", "v"]], [["1", "2"]], "\ufeff1,a b\n",
         "function", "function", "CsvError", True, True, True, "undefined"]


@pytest.mark.parametrize(
    "tamper",
    [
        # The BOM chunk: the package pushes one module-level Buffer; the build copies it.
        "const { stringify } = require('csv-stringify'); const s = stringify({ bom: true }); s.end(['x']);\n"
        "const out = []; s.on('data', (c) => { c.fill(0x41); out.push(c.toString()); });\n"
        "await new Promise((r) => s.on('end', r)); return out",
        "const { stringify } = require('csv-stringify/sync'); const t = stringify([['x']], { bom: true }); return t",
        "const { Parser } = require('csv-parse'); Parser.prototype._transform = () => {};"
        " return 1",
        "const { Stringifier } = require('csv-stringify'); delete Stringifier.prototype._transform; return 1",
        "const m = require('csv-parse'); m.parse = null; m.CsvError.prototype.name = 'x'; return 1",
        "const m = require('csv-parse/sync'); m.parse = () => []; return 1",
        "const m = require('csv-parse/stream'); m.parse = () => null; return 1",
        "const { Parser } = require('csv-parse'); Object.setPrototypeOf(Parser.prototype, null); return 1",
        "const { parse } = require('csv-parse'); const p = parse({ delimiter: ';' }); "
        " p.options.delimiter[0][0] = 0x2c;\n"
        "p.__proto__.__proto__.push = null; globalThis.leaked = p; return 1",
        "const { stringify } = require('csv-stringify'); const s = stringify();"
        " s.constructor.prototype.bom = 1; return 1",
    ],
)
def test_csv_tampering_does_not_reach_the_next_execution(cb1: CodeBlockClient, tamper: str) -> None:
    assert cb1.ok(PROBE) == CLEAN
    status, _ = cb1.run(tamper)
    assert status in (200, 400)
    assert cb1.ok(PROBE) == CLEAN


def test_the_bom_chunk_is_the_code_blocks_own(cb1: CodeBlockClient) -> None:
    """The tampering above reaches its own chunk (so the test can fail): the bytes change
    within the execution that changed them, and only there."""
    code = ("const { stringify } = require('csv-stringify'); const s = stringify({ bom: true }); s.end(['x']);\n"
            "const out = []; s.on('data', (c) => { if (c.length === 3) c[0] = 0x41; out.push(c.toString('hex')); });\n"
            "await new Promise((r) => s.on('end', r)); return out")
    assert cb1.ok(code) == ["41bbbf", "780a"]
    assert cb1.ok(code) == ["41bbbf", "780a"]
    assert cb1.ok(PROBE) == CLEAN


# -- a large CSV streamed under a small heap ------------------------------------------

ROWS_SOURCE = """const { Readable } = require('stream');
let i = 0;
const source = new Readable({ read() {
  let chunk = '';
  for (let n = 0; n < 1000 && i < input.rows; n++, i++) {
    chunk += `${i},name ${i},"quoted, ${i}",${i * 0.5},2024-01-01\\n`;
  }
  if (chunk) this.push(chunk);
  if (i >= input.rows) this.push(null);
} });
"""
STREAMED = ROWS_SOURCE + """const { parse } = require('csv-parse');
let rows = 0; let sum = 0;
for await (const r of source.pipe(parse({ cast: true }))) { rows++; sum += r[3]; }
return [rows, sum];"""
WHOLE = ROWS_SOURCE + """let text = ''; for await (const c of source) text += c;
const all = require('csv-parse/sync').parse(text, { cast: true });
return [all.length, all.reduce((s, r) => s + r[3], 0)];"""
DECODES = ("const d = new TextDecoder(); const b = new Uint8Array(11); let n = 0;\n"
           "for (let k = 0; k < 3e6; k++) n += d.decode(b).length + Buffer.from('hello').toString().length;\n"
           "return n")


def test_a_large_csv_streams_through_a_64_mb_heap(tmp_path: Path) -> None:
    """300,000 rows (15 MB of CSV, 1.5 million fields) parsed as a stream fit a 64 MB heap;
    the same rows parsed whole do not (so the streamed run is what bounds the memory). Each
    field is a decoded string: before small ArrayBuffers went untracked (memory.js), the
    per-allocation FinalizationRegistry cells alone ran the streamed parse out of the heap."""
    srv = start_server(str(tmp_path), runtime_pool_size=1, min_runtime_pool_size=1, max_runtime_pool_size=1,
                       runtime_memory_limit_mb=64, execution_timeout_ms=120_000)
    try:
        with srv.client(timeout=180) as http:
            cb = CodeBlockClient(http)
            rows = 300_000
            assert cb.ok(STREAMED, {"rows": rows}, timeout=120_000) == [rows, sum(i * 0.5 for i in range(rows))]
            status, body = cb.run(WHOLE, {"rows": rows}, timeout=120_000)
            assert status == 400 and body["error"]["type"] == "MemoryLimitError", body
            assert cb.ok(DECODES, timeout=120_000) == 3_000_000 * 16
    finally:
        srv.stop()
