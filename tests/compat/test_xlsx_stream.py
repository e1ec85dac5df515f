"""SheetJS's streaming writers (XLSX.stream.to_csv, to_json, to_html) on the service's
`stream` against the same SheetJS (the pinned xlsx package) on Node 24's streams: the
chunks, their order, piping into csv-parse and stream/promises, and the errors. Where the
service differs on purpose (set_readable refused) it is tested in tests/test_xlsx.py."""

from __future__ import annotations

from typing import Any

import pytest

from compat.conftest import assert_same_as_node, case_ids, run_in_node
from conftest import CodeBlockClient

X = (
    "const XLSX = require('xlsx');\n"
    "const err = (e) => [e.name, e.code, e.message];\n"
    "const aoa = [['name', 'qty', 'note'], ['apple', 3, 'red, round'], ['pear', 1.5, 'say \"hi\"'], [], "
    "['plum', 0, ''], ['kiwi', null, 'x']];\n"
    "const ws = XLSX.utils.aoa_to_sheet(aoa);\n"
    "const chunks = (s) => new Promise((res, rej) => { const out = []; s.on('data', (c) => out.push(typeof c === 'string' "
    "? c : Buffer.isBuffer(c) ? c.toString() : c)); s.on('error', rej); s.on('end', () => res(out)); });\n"
)

CSV = [
    X + "return await chunks(XLSX.stream.to_csv(ws));",
    X + "return (await chunks(XLSX.stream.to_csv(ws, { FS: ';', RS: '\\r\\n' }))).join('');",
    X + "return (await chunks(XLSX.stream.to_csv(ws, { blankrows: false }))).join('');",
    X + "return (await chunks(XLSX.stream.to_csv(ws, { strip: true }))).join('');",
    X + "return (await chunks(XLSX.stream.to_csv(ws, { forceQuotes: true }))).join('');",
    X + "const s = XLSX.stream.to_csv(ws); return [s.readableObjectMode, typeof s.pipe, s instanceof require('stream').Readable];",
    X + "const out = []; for await (const c of XLSX.stream.to_csv(ws)) out.push(String(c)); return out.join('').length;",
    X + "return await chunks(XLSX.stream.to_csv(XLSX.utils.aoa_to_sheet([])));",
    X + "ws['!cols'] = [{ hidden: true }]; ws['!rows'] = [undefined, { hidden: true }];"
        " return (await chunks(XLSX.stream.to_csv(ws, { skipHidden: true }))).join('');",
    X + "const { parse } = require('csv-parse'); const rows = []; for await (const r of XLSX.stream.to_csv(ws).pipe(parse({ bom: true, "
        "columns: true, skip_empty_lines: true, relax_column_count: true }))) rows.push(r); return rows;",
    X + "const { pipeline } = require('stream/promises'); const { Writable } = require('stream'); let text = ''; "
        "await pipeline(XLSX.stream.to_csv(ws), new Writable({ write(c, e, cb) { text += c; cb(); } })); return text;",
    X + "const big = XLSX.utils.aoa_to_sheet(Array.from({ length: 2000 }, (_, i) => [i, `r${i}`, i * 1.5])); let n = 0; "
        "let text = ''; "
        "for await (const c of XLSX.stream.to_csv(big)) { n++; text += c; } return [n > 1, text.length, text.slice(-40)];",
]

JSON_ = [
    X + "return await chunks(XLSX.stream.to_json(ws));",
    X + "return await chunks(XLSX.stream.to_json(ws, { header: 1 }));",
    X + "return await chunks(XLSX.stream.to_json(ws, { header: 'A', blankrows: true }));",
    X + "return await chunks(XLSX.stream.to_json(ws, { header: ['n', 'q', 'c'], range: 1 }));",
    X + "return await chunks(XLSX.stream.to_json(ws, { defval: null, raw: false }));",
    X + "return await chunks(XLSX.stream.to_json(ws, { range: 'A1:B3' }));",
    X + "const s = XLSX.stream.to_json(ws); return [s.readableObjectMode, s.readableHighWaterMark];",
    X + "const { Transform } = require('stream'); const { stringify } = require('csv-stringify'); "
        "const up = new Transform({ objectMode: true, transform(r, e, cb) { cb(null, { ...r, name: String(r.name).toUpperCase() }); } }); "
        "return (await chunks(XLSX.stream.to_json(ws).pipe(up).pipe(stringify({ header: true })))).join('');",
    X + "return await chunks(XLSX.stream.to_json(XLSX.utils.aoa_to_sheet([])));",
    X + "return await XLSX.stream.to_json(ws, { header: 1 }).map((r) => r.length).toArray();",
]

HTML = [
    X + "return (await chunks(XLSX.stream.to_html(ws))).join('');",
    X + "return (await chunks(XLSX.stream.to_html(ws, { header: '<b>', footer: '</b>', id: 't1' }))).join('');",
    X + "return (await chunks(XLSX.stream.to_html(ws, { editable: true }))).length;",
    X + "const merged = XLSX.utils.aoa_to_sheet([['a', 'b'], ['c', 'd']]); merged['!merges'] = [{ s: { r: 0, c: 0 }, e: { r: 0, c: 1 } }]; "
        "return (await chunks(XLSX.stream.to_html(merged))).join('');",
]

ERRORS = [
    X + "const s = XLSX.stream.to_csv(ws); s.destroy(new Error('stop')); try { await chunks(s); } catch (e) { return err(e); }",
    X + "try { await chunks(XLSX.stream.to_csv({ '!ref': 'A1:B2', A1: { t: 'z' } })); return 'ok'; } catch (e) { return err(e); }",
    X + "return Object.keys(XLSX.stream).sort();",
    X + "return (await chunks(XLSX.stream.to_csv(null))).length;",
]

GROUPS = [("csv", CSV), ("json", JSON_), ("html", HTML), ("errors", ERRORS)]
ALL = [code for _, group in GROUPS for code in group]


@pytest.fixture(scope="module")
def node_outcomes() -> list[dict[str, Any]]:
    return run_in_node([{"code": code, "input": {}} for code in ALL])


@pytest.mark.parametrize("index", range(len(ALL)), ids=case_ids(ALL, GROUPS))
def test_xlsx_stream_matches_node(cb1: CodeBlockClient, node_outcomes: list[dict[str, Any]], index: int) -> None:
    code = ALL[index]
    expected = node_outcomes[index]
    assert expected["ok"] or expected.get("message") is not None, expected
    status, body = cb1.run(code)
    assert_same_as_node(code, status, body, expected)


def test_enough_cases() -> None:
    assert len(ALL) >= 25, len(ALL)
    assert len({*ALL}) == len(ALL), "duplicate cases"
