"""Module behaviour that is the service's own (not comparable with plain Node)."""

from __future__ import annotations

from conftest import CodeBlockClient


def test_pinyin_module_is_callable_like_flow_codeblock(cb: CodeBlockClient) -> None:
    result = cb.ok(
        "const pinyin = require('pinyin');\n"
        "return [pinyin('中心'), pinyin.pinyin('中心'), pinyin.default('中心'),"
        " typeof pinyin.compare, typeof pinyin.compact,\n"
        "  pinyin('张三', { style: pinyin.STYLE_FIRST_LETTER })]"
    )
    assert result == [[["zhōng"], ["xīn"]]] * 3 + ["function", "function", [["z"], ["s"]]]


def test_pinyin_with_esm_default_import(cb: CodeBlockClient) -> None:
    assert cb.ok("import pinyin from 'pinyin';\nreturn pinyin('中', { style: pinyin.STYLE_NORMAL })") == [["zhong"]]


def test_npm_module_changes_are_undone(cb1: CodeBlockClient) -> None:
    cb1.ok("const _ = require('lodash'); _.map = () => 'patched'; _.extra = 1; return 1")
    assert cb1.ok("const _ = require('lodash');"
                  " return [_.map([1, 2], x => x * 2), typeof _.extra]") == [[2, 4], "undefined"]
    cb1.ok("const dayjs = require('dayjs'); dayjs.locale('zh-cn'); dayjs.prototype.format = () => 'x'; return 1")
    assert cb1.ok("const dayjs = require('dayjs'); return dayjs('2024-01-02').format('YYYY dddd')") == "2024 Tuesday"


def test_module_side_effects_of_loading_persist(cb1: CodeBlockClient) -> None:
    # A locale registers itself on dayjs when it loads; that is kept (as in Node), so a
    # later execution that only names the locale can use it.
    cb1.ok("require('dayjs/locale/zh-cn'); return 1")
    assert cb1.ok("const dayjs = require('dayjs'); require('dayjs/locale/zh-cn');\n"
                  "return dayjs('2024-01-02').locale('zh-cn').format('dddd')") == "星期二"


def test_line_numbers_survive_import_rewriting(cb: CodeBlockClient) -> None:
    error = cb.error("import _ from 'lodash';\nimport {\n  v4\n} from 'uuid';\nconst x = null;\nreturn x.y;")
    assert (error["type"], error["line"]) == ("TypeError", 6)


def test_dynamic_require_of_an_unprepared_module_explains(cb: CodeBlockClient) -> None:
    # On the shared server too: runtimes that loaded qs for a literal require('qs') (or
    # their warm-up) give it only to code blocks that name it (modules.js).
    assert cb.ok("return require('qs').stringify({ a: 1 })") == "a=1"
    for _ in range(3):
        error = cb.error("const name = 'qs' + '';\nreturn require(name).stringify({ a: 1 })")
        assert "require npm modules with a string literal" in error["message"]


def test_xlsx_streaming_api_is_unavailable_not_broken(cb: CodeBlockClient) -> None:
    assert cb.ok("const XLSX = require('xlsx'); return typeof XLSX.utils.sheet_to_json") == "function"


def test_form_data_extras(cb: CodeBlockClient) -> None:
    result = cb.ok(
        "const FormData = require('form-data'); const f = new FormData(); f.setBoundary('B');\n"
        "f.append('blob', new Blob(['zz'], { type: 'text/plain' }), 'z.txt');\n"
        "f.append('file', new File(['ab'], 'a.csv'));\n"
        "return f.getBuffer().toString()"
    )
    assert 'name="blob"; filename="z.txt"\r\nContent-Type: text/plain\r\n\r\nzz' in result
    assert 'name="file"; filename="a.csv"\r\nContent-Type: text/csv\r\n\r\nab' in result
    # pipe() streams the same bytes as getBuffer() into a Node Writable.
    piped = cb.ok(
        "const FormData = require('form-data'); const { Writable } = require('stream');\n"
        "const f = new FormData(); f.setBoundary('B'); f.append('a', '1'); f.append('b', Buffer.from('xy'), 'b.bin');\n"
        "const whole = f.getBuffer().toString(); const chunks = [];\n"
        "const sink = new Writable({ write(c, e, cb) { chunks.push(Buffer.from(c)); cb() } });\n"
        "await new Promise((resolve, reject) => f.pipe(sink).on('finish', resolve).on('error', reject));\n"
        "return [Buffer.concat(chunks).toString() === whole, whole.length]"
    )
    assert piped[0] is True and piped[1] > 100, piped
