"""require('xlsx'): Flow-CodeBlock's calls on top of SheetJS (js/lib/xlsx.js).

The snippets below are copied verbatim from Flow-CodeBlock's README (renoelis/JS-go-executor,
"xlsx" examples 3 to 12); their expected results are the outputs that README documents,
made exact for the workbooks each test builds. Snippets that take `input.buffer` get it
from a line put before them (`input.buffer = Buffer.from(input.xlsx, 'base64')`): the
service's input is JSON, as the peer's is.
"""

from __future__ import annotations

import base64
import math
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from flow_codeblock.testing import SAMPLE_XLSX_HEADERS, sample_xlsx, sample_xlsx_row

from conftest import CodeBlockClient, Server, start_server
from http_target import HttpTarget

SET_BUFFER = "input.buffer = Buffer.from(input.xlsx, 'base64');\n"

PEOPLE = [{"姓名": "张三", "年龄": 25, "城市": "北京"}, {"姓名": "李四", "年龄": 30, "城市": "上海"},
          {"姓名": "王五", "年龄": 28, "城市": "深圳"}]


def people(n: int, *, city: bool = True) -> list[dict[str, Any]]:
    """PEOPLE, then generated rows up to n (ages 20..39)."""
    rows = [dict(p) for p in PEOPLE]
    rows += [{"姓名": f"人{i}", "年龄": 20 + i % 20, "城市": "广州"} for i in range(len(rows), n)]
    rows = rows[:n]
    if not city:
        for row in rows:
            del row["城市"]
    return rows


def make_xlsx(cb: CodeBlockClient, rows: list[dict[str, Any]], sheet: str = "Sheet1") -> str:
    """An xlsx (base64) of `rows` on one sheet, written by the service's own SheetJS."""
    code = ("const X = require('xlsx'); const wb = X.utils.book_new();\n"
            "X.utils.book_append_sheet(wb, X.utils.json_to_sheet(input.rows), input.sheet);\n"
            "return X.write(wb, { type: 'base64', bookType: 'xlsx' })")
    result = cb.ok(code, {"rows": rows, "sheet": sheet})
    assert isinstance(result, str)
    return result


# -- README snippets, verbatim (tests/xlsx_snippets/, one file each) ----------------------

SNIPPETS = Path(__file__).resolve().parent / "xlsx_snippets"


def snippet(name: str) -> str:
    return (SNIPPETS / f"{name}.js").read_text(encoding="utf-8")



README_3 = snippet("03_read_as_array")
README_4 = snippet("04_create_excel")
README_4_1_DOWNLOAD = snippet("04_1_create_for_download")
README_4_1_READ_BACK = snippet("04_1_create_and_read_back")
README_5 = snippet("05_multi_sheet")
README_6 = snippet("06_read_stream")
README_7 = snippet("07_read_stream_batch_500")
README_8 = snippet("08_read_batches")
README_9 = snippet("09_write_stream")
README_10 = snippet("10_filter")
README_12 = snippet("12_safe_read")
README_FROM_INPUT = snippet("02_read_from_input")

def test_readme_3_read_as_array(cb: CodeBlockClient) -> None:
    result = cb.ok(SET_BUFFER + README_3, {"xlsx": make_xlsx(cb, PEOPLE)})
    assert result == {"success": True, "headers": ["姓名", "年龄", "城市"],
                      "rows": [["张三", 25, "北京"], ["李四", 30, "上海"], ["王五", 28, "深圳"]]}


def test_readme_4_create_returns_a_buffer(cb: CodeBlockClient) -> None:
    result = cb.ok(README_4)
    assert (result["success"], result["message"]) == (True, "Excel 文件创建成功")
    data = base64.b64decode(result["base64"])
    assert result["size"] == len(data) > 1000
    assert data[:4] == b"PK\x03\x04"
    back = cb.ok("const X = require('xlsx'); const wb = X.read(input.b, { type: 'base64' });\n"
                 "return [wb.SheetNames, X.utils.sheet_to_json(wb.Sheets[wb.SheetNames[0]])]", {"b": result["base64"]})
    assert back == [["员工信息"], PEOPLE]


def test_readme_4_1_download_and_read_back(cb: CodeBlockClient) -> None:
    result = cb.ok(README_4_1_DOWNLOAD)
    assert result["fileName"] == "员工信息.xlsx"
    assert result["mimeType"] == "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    assert result["size"] == len(base64.b64decode(result["base64"]))
    result = cb.ok(README_4_1_READ_BACK)
    data = [{"姓名": "张三", "年龄": 25}, {"姓名": "李四", "年龄": 30}]
    assert result == {"success": True, "message": "创建并读取成功", "originalData": data, "readBackData": data,
                      "matched": True}


def test_readme_5_multi_sheet(cb: CodeBlockClient) -> None:
    result = cb.ok(README_5)
    assert result["success"] is True
    assert result["sheets"] == ["员工信息", "部门统计"]
    assert result["size"] > 1000


def test_readme_6_read_stream_default_batches(cb: CodeBlockClient) -> None:
    rows = people(10000, city=False)
    result = cb.ok(SET_BUFFER + README_6, {"xlsx": make_xlsx(cb, rows)})
    assert result == {"success": True, "totalRows": 10000, "batchSize": 100,
                      "sample": [{k: p[k] for k in ("姓名", "年龄")} for p in PEOPLE]}


def test_readme_7_read_stream_batches_of_500(cb: CodeBlockClient) -> None:
    result = cb.ok(SET_BUFFER + README_7, {"xlsx": make_xlsx(cb, people(10000))})
    assert (result["success"], result["totalRows"], result["batchSize"], result["batches"]) == (True, 10000, 500, 20)
    assert result["batchSummary"][:2] == [{"batchIndex": 0, "startRow": 1, "rowCount": 500},
                                          {"batchIndex": 1, "startRow": 501, "rowCount": 500}]
    assert [b["startRow"] for b in result["batchSummary"]] == list(range(1, 10001, 500))


def test_readme_8_read_batches(cb: CodeBlockClient) -> None:
    rows = people(5000)
    result = cb.ok(SET_BUFFER + README_8, {"xlsx": make_xlsx(cb, rows)})
    assert (result["success"], result["totalRows"], result["totalBatches"]) == (True, 5000, 5)
    assert result["batchInfo"] == [
        {"index": k, "rowCount": 1000, "firstRow": rows[k * 1000], "lastRow": rows[k * 1000 + 999]} for k in range(5)]


def test_readme_9_write_stream(cb: CodeBlockClient) -> None:
    result = cb.ok(README_9)
    assert {k: result[k] for k in ("success", "message", "rowsWritten")} == {
        "success": True, "message": "流式写入完成", "rowsWritten": 10000}
    assert result["size"] > 10000
    # What it wrote reads back: the header and 10,000 rows.
    code = README_9.replace("size: buffer.length", "size: buffer.length, b64: buffer.toString('base64')")
    b64 = cb.ok(code)["b64"]
    back = cb.ok("const X = require('xlsx');\nlet n = 0, last;\n"
                 "const r = X.readBatches(Buffer.from(input.b, 'base64'), '大量数据', {}, (rows) => "
                 "{ n += rows.length; last = rows[rows.length - 1]; });\nreturn [r, n, last]", {"b": b64})
    assert back[0] == {"success": True, "totalRows": 10000, "totalBatches": 10}
    assert back[1] == 10000
    assert back[2]["编号"] == 10000 and back[2]["姓名"] == "学生10000" and back[2]["等级"] == "B"


def test_readme_10_filter(cb: CodeBlockClient) -> None:
    rows = people(1000)
    result = cb.ok(SET_BUFFER + README_10, {"xlsx": make_xlsx(cb, rows)})
    kept = [{"姓名": r["姓名"], "年龄": r["年龄"], "分类": "青年" if r["年龄"] < 30 else "中年"}
            for r in rows if 25 <= r["年龄"] <= 35]
    assert result == {"success": True, "originalCount": 1000, "filteredCount": len(kept), "sample": kept[:3]}
    assert kept[:3] == [{"姓名": "张三", "年龄": 25, "分类": "青年"}, {"姓名": "李四", "年龄": 30, "分类": "中年"},
                        {"姓名": "王五", "年龄": 28, "分类": "青年"}]


def test_readme_12_safe_read(cb: CodeBlockClient) -> None:
    result = cb.ok(SET_BUFFER + README_12, {"xlsx": make_xlsx(cb, people(100))})
    assert result == {"success": True, "sheetName": "Sheet1", "rowCount": 100, "columns": ["姓名", "年龄", "城市"],
                      "sample": {"姓名": "张三", "年龄": 25, "城市": "北京"}}
    result = cb.ok(SET_BUFFER + README_12, {"xlsx": make_xlsx(cb, [])})
    assert result == {"success": False, "error": "工作表中没有数据", "errorType": "Error"}


def test_readme_read_from_base64_input(cb: CodeBlockClient) -> None:
    result = cb.ok(README_FROM_INPUT, {"buffer": make_xlsx(cb, people(10))})
    assert result == {"success": True, "rowCount": 10, "sample": PEOPLE}


# -- the row readers' options and values ----------------------------------------------

SAMPLE = base64.b64encode(sample_xlsx(30)).decode()


def read_batches(cb: CodeBlockClient, options: str, sheet: str = "Sheet1") -> Any:
    code = ("const X = require('xlsx'); const out = [];\n"
            f"const r = X.readBatches(Buffer.from(input.b, 'base64'), {sheet!r}, {options}, "
            "(rows, i) => { out.push(...rows); });\nreturn { r, out }")
    return cb.ok(code, {"b": SAMPLE})


def test_values_are_converted_as_flow_codeblock_does(cb: CodeBlockClient) -> None:
    result = read_batches(cb, "{ batchSize: 7 }")
    assert result["r"] == {"success": True, "totalRows": 30, "totalBatches": 5}
    # Numbers, booleans, shared and inline strings, a date in its number format's text.
    assert result["out"] == [sample_xlsx_row(i) for i in range(1, 31)]
    assert result["out"][0]["date"] == "01-02-24"


def test_options_header_raw_range_defval(cb: CodeBlockClient) -> None:
    arrays = read_batches(cb, "{ header: 1, range: 'A1:C4' }")["out"]
    # Flow-CodeBlock ends a range at (end row - start row) rows: header: 1 counts the first.
    assert arrays == [["id", "name", "city"], [1, "name-1", "上海"], [2, "name-2", "深圳"]]
    raw = read_batches(cb, "{ raw: true, range: 'D1:E3' }")["out"]
    assert raw == [{"amount": "0.25", "qty": "1"}, {"amount": "0.5", "qty": "2"}]
    custom = read_batches(cb, "{ header: ['A', 'B'], range: [1, 0, 2, 1] }")["out"]
    assert custom == [{"A": 1, "B": "name-1"}]
    skipped = read_batches(cb, "{ range: 29 }")["out"]  # row 30 is the header, row 31 the one data row
    assert len(skipped) == 1
    assert (skipped[0]["29"], skipped[0]["name-29"], skipped[0]["01-02-24"]) == (30, "name-30", "01-03-24")


def test_missing_cells_blank_rows_and_defval(cb: CodeBlockClient) -> None:
    rows = [{"a": 1, "b": "x", "c": 3}, {"a": 2}, {}, {"a": None, "b": None, "c": 4}]
    b64 = make_xlsx(cb, rows)
    code = ("const X = require('xlsx'); const b = Buffer.from(input.b, 'base64'); const get = (o) => {"
            " const out = []; X.readBatches(b, 'Sheet1', o, (rows) => out.push(...rows)); return out; };\n"
            "return [get({}), get({ blankrows: false }), get({ defval: 0 })]")
    plain, no_blank, defval = cb.ok(code, {"b": b64})
    assert plain == [{"a": 1, "b": "x", "c": 3}, {"a": 2, "b": None, "c": None}, {"a": None, "b": None, "c": None},
                     {"a": "", "b": "", "c": 4}]
    assert no_blank == [plain[0], plain[1], plain[3]]
    assert defval == [{"a": 1, "b": "x", "c": 3}, {"a": 2, "b": 0, "c": 0}, {"a": 0, "b": 0, "c": 0},
                      {"a": 0, "b": 0, "c": 4}]


def test_sheet_names_match_without_case_and_ranges_of_other_forms(cb: CodeBlockClient) -> None:
    assert read_batches(cb, "{}", sheet="SHEET1")["r"]["totalRows"] == 30
    by_object = read_batches(cb, "{ header: 1, range: { s: { r: 1, c: 0 }, e: { r: 3, c: 1 } } }")["out"]
    assert by_object == [[1, "name-1"], [2, "name-2"]]


def test_read_stream_keeps_its_default_batch_for_sizes_out_of_range(cb: CodeBlockClient) -> None:
    code = ("const X = require('xlsx'); const b = Buffer.from(input.b, 'base64'); const sizes = [];\n"
            "const r = [0, -5, 20000, 7.9].map((batchSize) => X.readStream(b, 'Sheet1', (rows) =>"
            " sizes.push(rows.length), { batchSize }).batchSize);\nreturn [r, sizes]")
    assert cb.ok(code, {"b": SAMPLE}) == [[100, 100, 100, 7], [30, 30, 30, 7, 7, 7, 7, 2]]


def test_async_callbacks_are_awaited_in_order(cb: CodeBlockClient) -> None:
    code = ("const X = require('xlsx'); const log = [];\n"
            "const p = X.readStream(Buffer.from(input.b, 'base64'), 'Sheet1', async (rows, start) => {\n"
            "  log.push('start ' + start); await new Promise((r) => setTimeout(r, 5)); log.push('end ' + start);\n"
            "}, { batchSize: 10 });\n"
            "const isPromise = p instanceof Promise; const r = await p;\nreturn { isPromise, r, log }")
    result = cb.ok(code, {"b": SAMPLE})
    assert result["isPromise"] is True
    assert result["r"] == {"success": True, "rowsProcessed": 30, "batchSize": 10}
    assert result["log"] == ["start 1", "end 1", "start 11", "end 11", "start 21", "end 21"]


def test_characters_split_between_inflated_windows_stay_whole(cb: CodeBlockClient) -> None:
    # Every string is CJK (3 bytes a character) or astral (4), 1.5 MB of them: the window edges
    # fall inside characters, stored (SheetJS's default) and deflated alike (tests/js has every split).
    code = ("const X = require('xlsx'); const rows = [];\n"
            "for (let i = 0; i < 1500; i++)\n"
            "  rows.push({ 名字: '张三李四王五赵六'.repeat(40) + i, 城市: '北京\\u{20000}' + i });\n"
            "const wb = X.utils.book_new(); X.utils.book_append_sheet(wb, X.utils.json_to_sheet(rows), 'S');\n"
            "const out = [];\nfor (const compression of [false, true]) {\n"
            "  let bad = 0, n = 0;\n"
            "  X.readBatches(X.write(wb, { type: 'buffer', compression }), 'S', {}, (batch) => {\n"
            "    for (const r of batch) { if (r.名字 !== rows[n].名字 || r.城市 !== rows[n].城市) bad++; n++; } });\n"
            "  out.push([n, bad]);\n}\nreturn out")
    assert cb.ok(code) == [[1500, 0], [1500, 0]]


# -- errors ----------------------------------------------------------------------------

NOT_ZIP = "failed to open Excel: zip: not a valid zip file"


@pytest.mark.parametrize(("call", "error_type", "message"), [
    ("X.readStream(Buffer.from('not a zip'), 'Sheet1', () => {})", "RuntimeError", NOT_ZIP),
    ("X.readBatches(new Uint8Array(0), 'Sheet1', {}, () => {})", "RuntimeError", NOT_ZIP),
    ("X.readStream(B, 'Nope', () => {})", "RuntimeError", "failed to create row iterator: sheet Nope does not exist"),
    ("X.readStream(input.b, 'Sheet1', () => {})", "TypeError",
     'The "buffer" argument must be an instance of Buffer, ArrayBuffer, or TypedArray. Received type string'),
    ("X.readStream(B, 1, () => {})", "TypeError",
     'The "sheetName" argument must be of type string. Received type number'),
    ("X.readStream(B, 'Sheet1')", "TypeError", 'The "buffer", "sheetName", and "callback" arguments must be specified'),
    ("X.readStream(B, 'Sheet1', 'f')", "TypeError", 'The "callback" argument must be of type function'),
    ("X.readStream(B, 'Sheet1', () => {}, 5)", "TypeError", 'The "options" argument must be of type object'),
    ("X.readBatches(B, 'Sheet1', { batchSize: 0 }, () => {})", "RangeError",
     'The value of "options.batchSize" is out of range. It must be >= 1. Received 0'),
    ("X.readStream(B, 'Sheet1', () => {}, { batchSize: '5' })", "TypeError",
     'The "options.batchSize" property must be of type number'),
    ("X.readBatches(B, 'Sheet1', () => {})", "TypeError", "must be specified"),
    ("X.readBatches(B, 'Sheet1', null, () => {})", "TypeError", 'The "options" argument must be of type object'),
    ("X.readBatches(B, 'Sheet1', { range: 'A1:B2:C3' }, () => {})", "RangeError", 'The value of "options.range"'),
    ("X.readBatches(B, 'Sheet1', { range: true }, () => {})", "TypeError",
     'The "options.range" property must be one of type number, string, or object'),
])
def test_reader_errors(cb: CodeBlockClient, call: str, error_type: str, message: str) -> None:
    code = f"const X = require('xlsx'); const B = Buffer.from(input.b, 'base64');\n{call};\nreturn 'no error'"
    error = cb.error(code, {"b": SAMPLE})
    assert error["type"] == error_type, error
    assert message in error["message"], error


def test_a_throwing_callback_stops_the_read_with_its_error(cb: CodeBlockClient) -> None:
    code = ("const X = require('xlsx'); let calls = 0;\n"
            "try { X.readBatches(Buffer.from(input.b, 'base64'), 'Sheet1', { batchSize: 5 }, () => {"
            " calls++; throw new RangeError('stop here'); }); } catch (e) { return [e.name, e.message, calls] }")
    assert cb.ok(code, {"b": SAMPLE}) == ["RangeError", "stop here", 1]
    code = ("const X = require('xlsx'); let calls = 0;\n"
            "try { await X.readStream(Buffer.from(input.b, 'base64'), 'Sheet1', async () => {"
            " calls++; if (calls === 2) throw new Error('async stop'); }, { batchSize: 5 }); }"
            " catch (e) { return [e.message, calls] }")
    assert cb.ok(code, {"b": SAMPLE}) == ["async stop", 2]


def test_use_after_close_throws(cb: CodeBlockClient) -> None:
    code = ("const X = require('xlsx'); const wb = X.read(Buffer.from(input.b, 'base64'));\n"
            "const sheet = wb.Sheets.Sheet1; const before = X.utils.sheet_to_json(sheet).length;\n"
            "wb.close(); wb.close();\n"
            "const tries = { toJson: () => X.utils.sheet_to_json(sheet), names: () => wb.SheetNames,\n"
            "  write: () => X.write(wb, { type: 'buffer' }), sheets: () => wb.Sheets.Sheet1 };\n"
            "const out = { before, keys: Object.keys(wb), closeEnumerable: Object.keys(X.utils.book_new()) };\n"
            "for (const [k, f] of Object.entries(tries)) { try { f(); out[k] = 'no error' }"
            " catch (e) { out[k] = [e.name, e.code, e.message] } }\nreturn out")
    result = cb.ok(code, {"b": SAMPLE})
    closed = ["Error", "ERR_INVALID_STATE", "Invalid state: the workbook is closed: workbook.close() released it"]
    assert result == {"before": 30, "keys": [], "closeEnumerable": ["SheetNames", "Sheets"],
                      "toJson": closed, "names": closed, "write": closed, "sheets": closed}


def test_write_stream_errors(cb: CodeBlockClient) -> None:
    code = ("const X = require('xlsx'); const out = []; const w = X.createWriteStream();\n"
            "const t = (f) => { try { f(); out.push('no error') } catch (e) { out.push([e.name, e.message]) } };\n"
            "t(() => w.writeRow([1])); w.addSheet('S'); t(() => w.writeRow('x')); t(() => w.writeRow());\n"
            "t(() => w.addSheet(5)); w.writeRow({ a: 1, b: 2 }); const buf = w.finalize();\n"
            "t(() => w.writeRow([1])); t(() => w.finalize());\n"
            "return [out, X.utils.sheet_to_json(X.read(buf).Sheets.S, { header: 1 })]")
    out, rows = cb.ok(code)
    assert out == [
        ["TypeError", "no active sheet, call addSheet() first"],
        ["TypeError", 'The "data" argument must be of type object. Received type string (\'x\')'],
        ["TypeError", 'The "data" argument must be specified'],
        ["TypeError", 'The "sheetName" argument must be of type string. Received type number (5)'],
        ["Error", "Invalid state: writeRow() after finalize(): the writer released its rows"],
        ["Error", "Invalid state: finalize() after finalize(): the writer released its rows"],
    ]
    assert rows == [[1, 2]]


def test_write_stream_without_a_sheet_and_with_two(cb: CodeBlockClient) -> None:
    code = ("const X = require('xlsx');\nconst empty = X.read(X.createWriteStream().finalize());\n"
            "const w = X.createWriteStream(); w.addSheet('A'); w.writeRow(['x']); w.addSheet('B');"
            " w.writeRow(['y', 2]); w.addSheet('a'); w.writeRow(['z']);\n"
            "const wb = X.read(w.finalize());\n"
            "return [empty.SheetNames, wb.SheetNames, X.utils.sheet_to_json(wb.Sheets.A, { header: 1 }),"
            " X.utils.sheet_to_json(wb.Sheets.B, { header: 1 })]")
    # addSheet of a name it has (case aside) writes over that sheet from its first row, as excelize does.
    assert cb.ok(code) == [["Sheet1"], ["A", "B"], [["z"]], [["y", 2]]]


def test_sheetjs_api_stays(cb: CodeBlockClient) -> None:
    code = ("const X = require('xlsx');\n"
            "const wb = X.utils.book_new(); X.utils.book_append_sheet(wb, X.utils.aoa_to_sheet([[1, 'a']]), 'S');\n"
            "return [typeof X.stream.to_csv, typeof X.SSF.format, X.version,"
            " X.utils.sheet_to_csv(X.read(X.write(wb, { type: 'base64' }), { type: 'base64' }).Sheets.S),"
            " X.write(wb).length > 0]")
    result = cb.ok(code)
    assert result[:4] == ["function", "function", "0.18.5", "1,a"]
    assert result[4] is True  # Flow-CodeBlock: write() with no options is a Buffer


# -- SheetJS's XLSX.stream on the stream module (differential: tests/compat/test_xlsx_stream.py)

def test_sheetjs_stream_writers_need_no_set_readable_which_is_refused(tmp_path: Path) -> None:
    """to_csv/to_json/to_html run on the `stream` module the host installs for code that
    names them; set_readable, which would keep a code block's class for later ones, is
    refused; a writer reached by a computed name on a runtime without `stream` says why."""
    srv = start_server(str(tmp_path), runtime_pool_size=1, min_runtime_pool_size=1, max_runtime_pool_size=1)
    try:
        with srv.client() as http:
            cb = CodeBlockClient(http)
            sheet = "const X = require('xlsx'); const ws = X.utils.aoa_to_sheet([['a', 1], ['b', 2]]);\n"
            computed = sheet + ("const m = ['to', 'csv'].join('_');"
                                " try { X.stream[m](ws); } catch (e) { return [e.code, e.message]; }")
            code, message = cb.ok(computed)
            assert code == "ERR_FEATURE_UNAVAILABLE_ON_PLATFORM"
            assert "XLSX.stream.to_csv comes with the stream module" in message
            named = sheet + ("const { to_csv } = X.stream; let text = '';\n"
                             "for await (const c of to_csv(ws)) text += c;\n"
                             "const rows = [];\n"
                             "for await (const r of X.stream.to_json(ws, { header: 1 })) rows.push(r);\n"
                             "return [text, rows]")
            assert cb.ok(named) == ["\ufeffa,1\nb,2", [["a", 1], ["b", 2]]]
            refused = ("const X = require('xlsx');"
                       " try { X.stream.set_readable(class {}); } catch (e) { return [e.name, e.message]; }"
                       " return 'accepted'")
            assert cb.ok(refused) == ["TypeError", "XLSX.stream.set_readable is not available in code blocks:"
                                      " it would change the module for every later code block"]
            assert cb.ok(named) == ["\ufeffa,1\nb,2", [["a", 1], ["b", 2]]]
    finally:
        srv.stop()


# -- memory: 100,000 rows x 10 columns in batches under a 128 MB heap ----------------

@pytest.fixture(scope="module")
def big_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    srv = start_server(str(tmp_path_factory.mktemp("xlsx")), runtime_pool_size=1, min_runtime_pool_size=1,
                       max_runtime_pool_size=1, runtime_memory_limit_mb=128, max_input_size=32 * 1024 * 1024,
                       execution_timeout_ms=120_000)
    yield srv
    srv.stop()


BIG_READ = """const xlsx = require('xlsx');
const buffer = Buffer.from(input.b64, 'base64');
let sum = 0, amount = 0, first, last, batches = 0;
const result = xlsx.readBatches(buffer, 'Sheet1', { batchSize: 1000 }, (rows, index) => {
  if (index === 0) first = rows[0];
  for (const row of rows) { sum += row.id; amount += row.amount; }
  last = rows[rows.length - 1];
  batches++;
});
return { result, sum, amount, first, last, batches };
"""


def test_100k_rows_in_batches_fit_a_128_mb_heap(big_server: Server) -> None:
    data = sample_xlsx(100_000)
    with big_server.client(timeout=180) as http:
        client = CodeBlockClient(http)
        result = client.ok(BIG_READ, {"b64": base64.b64encode(data).decode()}, timeout=120_000)
        assert result["result"] == {"success": True, "totalRows": 100_000, "totalBatches": 100}
        assert result["sum"] == 100_000 * 100_001 // 2
        assert math.isclose(result["amount"], sum(i * 0.25 for i in range(1, 100_001)))
        assert result["first"] == sample_xlsx_row(1)
        assert result["last"] == sample_xlsx_row(100_000)
        assert list(result["last"]) == list(SAMPLE_XLSX_HEADERS)
        # The same file through SheetJS's whole-sheet parse does not fit: what the row reader is for.
        error = client.error("const X = require('xlsx'); const wb = X.read(Buffer.from(input.b64, 'base64'));\n"
                             "return X.utils.sheet_to_json(wb.Sheets.Sheet1).length",
                             {"b64": base64.b64encode(data).decode()}, timeout=120_000)
        assert error["type"] == "MemoryLimitError", error


# -- isolation -------------------------------------------------------------------------

def test_a_workbook_or_writer_of_one_execution_is_not_reachable_from_the_next(cb1: CodeBlockClient) -> None:
    keep = ("const X = require('xlsx'); const wb = X.utils.book_new(); const w = X.createWriteStream();\n"
            "w.addSheet('secret'); w.writeRow(['secret-cell']);\n"
            "X.utils.book_append_sheet(wb, X.utils.aoa_to_sheet([['secret-cell']]), 'secret');\n"
            "globalThis.kept = wb; try { X.mine = wb } catch {} try { X.utils.mine = w } catch {}\n"
            "return [Object.isFrozen(X), Object.isFrozen(X.utils), Object.isFrozen(X.readBatches), X.mine === wb]")
    assert cb1.ok(keep) == [True, True, True, False]
    look = ("const X = require('xlsx');\n"
            "const own = Object.getOwnPropertyNames(X).concat(Object.getOwnPropertyNames(X.utils));\n"
            "return [typeof globalThis.kept, X.mine, X.utils.mine, own.filter((k) => /mine|secret/.test(k)),"
            " JSON.stringify(X.utils.book_new())]")
    assert cb1.ok(look) == ["undefined", None, None, [], '{"SheetNames":[],"Sheets":{}}']


# -- README's worked example: an export downloaded and posted on in batches -----------

@pytest.fixture(scope="module")
def net(tmp_path_factory: pytest.TempPathFactory) -> Iterator[CodeBlockClient]:
    srv = start_server(str(tmp_path_factory.mktemp("xlsx-net")), runtime_pool_size=1, execution_timeout_ms=20_000,
                       fetch_allow_hosts="127.0.0.1/32")
    with srv.client() as http:
        yield CodeBlockClient(http)
    srv.stop()


def readme_worked_example() -> str:
    readme = (Path(__file__).resolve().parent.parent / "README.md").read_text(encoding="utf-8")
    section = readme.split("### Large spreadsheets: xlsx in batches", 1)[1]
    return section.split("```js\n", 1)[1].split("```", 1)[0]


def test_readme_worked_example_posts_batches_in_order(net: CodeBlockClient, target: HttpTarget) -> None:
    code = readme_worked_example()
    assert "readBatches" in code and "axios.post" in code
    target.reset_counters()
    result = net.ok(code, {"exportUrl": f"{target.url}/xlsx?rows=2000", "importUrl": f"{target.url}/echo"})
    assert result == {"success": True, "totalRows": 2000, "totalBatches": 4, "posted": 2000}
    assert target.requests == 1 + 4
    assert target.max_in_flight == 1  # each POST waited for the one before it
