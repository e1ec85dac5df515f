"""csv-parse and csv-stringify (the pinned npm packages) against the same packages in Node 24:
parse and stringify options, the callback, stream (Node streams and csv-parse/stream's web
TransformStream) and sync APIs, and their errors (CSV_* codes, messages and the context
properties the error carries), recorded as JSON in both."""

from __future__ import annotations

from typing import Any

import pytest

from compat.conftest import assert_same_as_node, case_ids, run_in_node
from conftest import CodeBlockClient

E = "const err = (e) => [e.name, e.code, e.message];\n"
# The sync parser; `ctx(e)` is what a CsvError carries besides its message (line, column, ...),
# minus `options`, whose Buffers and functions say nothing more than the message does.
PS = ("const { parse } = require('csv-parse/sync');\n" + E +
      "const ctx = (e) => { const { options, ...rest } = e; return [err(e), rest]; };\n")
SS = "const { stringify } = require('csv-stringify/sync');\n" + E
PA = ("const { parse } = require('csv-parse');\n" + E +
      "const collect = (parser) => new Promise((res, rej) => { const out = []; parser.on('readable', () => "
      "{ let r; while ((r = parser.read()) !== null) out.push(r); }); parser.on('error', rej); parser.on('end', () => res(out)); });\n")
ST = ("const { stringify } = require('csv-stringify');\n" + E +
      "const text = (s) => new Promise((res, rej) => { const out = []; s.on('data', (c) => out.push(String(c))); "
      "s.on('error', rej); s.on('end', () => res(out.join(''))); });\n")
NS = "const { Readable, Writable, Transform, pipeline } = require('stream');\n"

PARSE_OPTIONS = [
    PS + "return parse('a,b\\n1,2\\n');",
    PS + "return parse('a,b\\r\\n1,2\\r\\n');",
    PS + "return parse('a,b\\n1,2', { columns: true });",
    PS + "return parse('a;b\\n1;2', { delimiter: ';' });",
    PS + "return parse('a::b;c\\n1;2::3', { delimiter: ['::', ';'] });",
    PS + "return parse('a\\tb\\n\"x\\ty\"\\tz', { delimiter: '\\t' });",
    PS + "return parse(\"'a,b',c\\n'it''s',d\", { quote: \"'\" });",
    PS + "return parse('\"a\",b', { quote: false });",
    PS + "return parse('\"a\",b', { quote: null });",
    PS + "return parse('\"a\\\\\"b\",c', { escape: '\\\\' });",
    PS + "return parse('\"a\"\"b\",c');",
    PS + "return parse('1,2\\n3,4', { columns: ['x', 'y'] });",
    PS + "return parse('a,b,c\\n1,2,3', { columns: ['x', false, 'z'] });",
    PS + "return parse('a,b,c\\n1,2,3', { columns: ['x', undefined, { name: 'z' }] });",
    PS + "return parse('a,b\\n1,2', { columns: (header) => header.map((h) => h.toUpperCase()) });",
    PS + "return parse('a,a,b\\n1,2,3', { columns: true });",
    PS + "return parse('a,a,b\\n1,2,3', { columns: true, group_columns_by_name: true });",
    PS + "return parse('a,b\\n1,2', { columns: true, objname: 'a' });",
    PS + "return parse('a,b\\n1,2', { objname: 0 });",
    PS + "return parse('1,2.5,x,,-3,0x10,1e3', { cast: true });",
    PS + "return parse('a,b\\n1,2', { cast: (value, context) => [value, context.index, context.lines, context.header, "
         "context.quoting, context.empty_lines] });",
    PS + "return parse('a,b\\n1,\"2\"', { columns: true, cast: (value, context) => "
         "context.header ? value : `${context.column}=${value}:${context.quoting}` });",
    PS + "return parse('2020-01-02T03:04:05Z,notadate,5', { cast: true, cast_date: true }).map((r) => "
         "r.map((v) => v instanceof Date ? ['date', v.toISOString()] : v));",
    PS + "return parse('2020-01-02T03:04:05Z', { cast: true, cast_date: (value) => "
         "new Date(value).getUTCFullYear() }).flat();",
    PS + "return parse('1\\n2\\n3\\n4\\n5', { from: 2, to: 4 });",
    PS + "return parse('1\\n2\\n3\\n4\\n5', { from_line: 2, to_line: 3 });",
    PS + "return parse('h\\n1\\n2\\n3', { columns: true, from: 2 });",
    PS + "return parse('h\\n1\\n2\\n3', { columns: true, to: 1 });",
    PS + "return parse('a,b\"c\",d', { relax_quotes: true });",
    PS + "return parse('\"a\"b,c', { relax_quotes: true });",
    PS + "return parse('a,b\\n1\\n1,2,3', { relax_column_count: true });",
    PS + "return parse('a,b\\n1\\n3,4', { relax_column_count_less: true });",
    PS + "return parse('a,b\\n1,2,3\\n3,4', { relax_column_count_more: true });",
    PS + "return parse('a,b\\n1', { columns: true, relax_column_count: true });",
    PS + "return parse('a\\n\\n\\nb\\n', { skip_empty_lines: true });",
    PS + "return parse('a,b\\n,\\n1,2', { skip_records_with_empty_values: true });",
    PS + "return parse('a,b\\n1\\n3,4', { skip_records_with_error: true });",
    PS + "return parse('\\ufeffa,b\\n1,2', { columns: true, bom: true });",
    PS + "return parse('\\ufeffa,b\\n1,2', { columns: true });",
    PS + "return parse(Buffer.from([0xef, 0xbb, 0xbf, 0x61, 0x2c, 0x62]), { bom: true });",
    PS + "return parse(' a , b \\n\" c \" , d', { trim: true });",
    PS + "return parse(' a , b ', { ltrim: true });",
    PS + "return parse(' a , b ', { rtrim: true });",
    PS + "return parse('\\t\\ta\\t,\\u00a0b', { trim: true });",
    PS + "return parse('# header\\na,b # not a comment\\n#x,y\\n1,2', { comment: '#' });",
    PS + "return parse('a,b#tail\\n1,2', { comment: '#', comment_no_infix: true });",
    PS + "return parse('a,b#tail\\n1,2', { comment: '#' });",
    PS + "return parse('a,b;1,2;', { record_delimiter: ';' });",
    PS + "return parse('a,b\\r1,2\\r', { record_delimiter: 'mac' });",
    PS + "return parse('a,b\\r\\n1,2', { record_delimiter: 'windows' });",
    PS + "return parse('a,b|1,2$3,4', { record_delimiter: ['|', '$'] });",
    PS + "return parse('a,b\\u20281,2', { record_delimiter: 'unicode' });",
    PS + "return parse('a,b\\n1,2\\n3,4', { on_record: (record, context) => context.lines === 2 ? null : "
         "[...record, context.lines, context.records] });",
    PS + "return parse('a,b\\n1,2', { columns: true, on_record: (record) => ({ sum: Number(record.a) + Number(record.b) }) });",
    PS + "return parse('a,b\\n1,2', { info: true });",
    PS + "return parse('a,\"b\"\\n1,2', { info: true, columns: true, raw: true });",
    PS + "return parse('a,\"b\"\\n\"1\",2', { raw: true });",
    PS + "return parse(Buffer.from('caf\\u00e9,x', 'latin1'), { encoding: 'latin1' });",
    PS + "return parse('a,b', { encoding: null }).map((r) => r.map((f) => [Buffer.isBuffer(f), f.toString()]));",
    PS + "return parse('a,b,\\n1,2,', { columns: true, ignore_last_delimiters: true });",
    PS + "return parse('a,b\\n1,2,3,4', { columns: true, ignore_last_delimiters: true });",
    PS + "return parse('a,b\\n1,2', { Columns: true, SKIP_EMPTY_LINES: true, relaxColumnCount: true });",
    PS + "return parse('a,b\\n1,2', { columns: true, cast: true, info: true, from: 1 });",
    PS + "return parse('\"multi\\nline\",x\\ny,z', { info: true }).map((r) => [r.record, r.info.lines]);",
    PS + "return parse('');",
    PS + "return parse('a,b\\n1,2', { columns: true, skip_empty_lines: true, trim: true, cast: true });",
    PS + "return parse('a;b|c', { delimiter: ';', record_delimiter: '|', quote: '\"' });",
    PS + "return parse('a;b;c\\n1;2;3', { delimiter_auto: true });",
    PS + "return parse('a|b|c\\n1|2|3', { delimiter_auto: true, columns: true });",
    PS + "return parse('x'.repeat(20) + ',y', { max_record_size: 100 });",
]

PARSE_ERRORS = [
    PS + "try { parse('a,b\\n1'); } catch (e) { return ctx(e); }",
    PS + "try { parse('a,b\\n1,2,3', { columns: true }); } catch (e) { return ctx(e); }",
    PS + "try { parse('\"abc'); } catch (e) { return ctx(e); }",
    PS + "try { parse('\"a\"b,c'); } catch (e) { return ctx(e); }",
    PS + "try { parse('a,b\"c\"'); } catch (e) { return ctx(e); }",
    PS + "try { parse('\"a\" x', { trim: true }); } catch (e) { return ctx(e); }",
    PS + "try { parse('x'.repeat(200), { max_record_size: 10 }); } catch (e) { return ctx(e); }",
    PS + "try { parse('a', { delimiter: '' }); } catch (e) { return err(e); }",
    PS + "try { parse('a', { delimiter: 1 }); } catch (e) { return err(e); }",
    PS + "try { parse('a', { bom: 'yes' }); } catch (e) { return err(e); }",
    PS + "try { parse('a', { columns: 1 }); } catch (e) { return err(e); }",
    PS + "try { parse('a', { columns: [1, {}] }); } catch (e) { return err(e); }",
    PS + "try { parse('a', { columns: [true] }); } catch (e) { return err(e); }",
    PS + "try { parse('a', { cast: 'yes' }); } catch (e) { return err(e); }",
    PS + "try { parse('a', { cast_date: 'yes' }); } catch (e) { return err(e); }",
    PS + "try { parse('a', { comment: 5 }); } catch (e) { return err(e); }",
    PS + "try { parse('a', { encoding: 5 }); } catch (e) { return err(e); }",
    PS + "try { parse('a', { from: -1 }); } catch (e) { return err(e); }",
    PS + "try { parse('a', { from_line: 'x' }); } catch (e) { return err(e); }",
    PS + "try { parse('a', { to: 0 }); } catch (e) { return err(e); }",
    PS + "try { parse('a', { max_record_size: 'big' }); } catch (e) { return err(e); }",
    PS + "try { parse('a', { on_record: 'f' }); } catch (e) { return err(e); }",
    PS + "try { parse('a', { quote: 5 }); } catch (e) { return err(e); }",
    PS + "try { parse('a', { escape: 5 }); } catch (e) { return err(e); }",
    PS + "try { parse('a', { record_delimiter: 5 }); } catch (e) { return err(e); }",
    PS + "try { parse('a', { relax_column_count: 'x' }); } catch (e) { return err(e); }",
    PS + "try { parse('a', { skip_empty_lines: 1 }); } catch (e) { return err(e); }",
    PS + "try { parse('a', { trim: 'x' }); } catch (e) { return err(e); }",
    PS + "try { parse('a', { objname: 5 }); } catch (e) { return err(e); }",
    PS + "try { parse('a', { ignore_last_delimiters: 'x' }); } catch (e) { return err(e); }",
    PS + "try { parse('a,', { ignore_last_delimiters: true }); } catch (e) { return err(e); }",
    PS + "try { parse('a', { group_columns_by_name: true }); } catch (e) { return err(e); }",
    PS + "try { parse('a', { delimiter_auto: 'x' }); } catch (e) { return err(e); }",
    PS + "try { parse('a', { info: 'x' }); } catch (e) { return err(e); }",
    PS + "try { parse('a,b\\n1,2', { cast: () => { throw new Error('cast failed'); } }); } catch (e) { return err(e); }",
    PS + "try { parse('a,b', { on_record: () => { throw new TypeError('bad record'); } }); } catch (e) { return err(e); }",
    PS + "try { parse(42); } catch (e) { return err(e); }",
    PS + "try { parse('a', 'opts'); } catch (e) { return err(e); }",
    PS + "try { parse('a,b\\n1'); } catch (e) { return [e instanceof Error, e.constructor.name, Object.keys(e).sort()]; }",
    PS + "return parse('a,b\\n1');",
]

STRINGIFY_OPTIONS = [
    SS + "return stringify([['a', 'b'], [1, 2]]);",
    SS + "return stringify([{ a: 1, b: 2 }, { a: 3, b: 4 }], { header: true });",
    SS + "return stringify([{ a: 1, b: 2 }], { header: true, columns: ['b', 'a'] });",
    SS + "return stringify([{ a: 1, b: 2 }], { header: true, columns: { a: 'Alpha', b: 'Beta' } });",
    SS + "return stringify([{ a: 1, b: 2 }], { header: true, columns: [{ key: 'a', header: 'A' }, { key: 'b' }] });",
    SS + "return stringify([{ a: { b: 1 }, c: [2, 3] }], { header: true, columns: ['a.b', 'c[1]'] });",
    SS + "return stringify([], { header: true, columns: ['a', 'b'] });",
    SS + "return stringify([['a', 'b']], { quoted: true });",
    SS + "return stringify([['', null, undefined, 'x']], { quoted_empty: true });",
    SS + "return stringify([['', 'x', 1]], { quoted_string: true });",
    SS + "return stringify([['apple', 'banana', 'cherry']], { quoted_match: 'an' });",
    SS + "return stringify([['apple', 'banana', 'cherry']], { quoted_match: [/^a/, /y$/] });",
    SS + "return stringify([['a,b', 'c\"d', 'e\\nf', ' g ']]);",
    SS + "return stringify([['a\"b']], { quote: \"'\", escape: '\\\\' });",
    SS + "return stringify([[\"it's\", 'x']], { quote: \"'\" });",
    SS + "return stringify([['a\"b', 'c']], { escape: '\\\\' });",
    SS + "return stringify([['a', 'b'], [1, 2]], { delimiter: ';' });",
    SS + "return stringify([['a', 'b'], [1, 2]], { delimiter: '::' });",
    SS + "return stringify([['a', 'b'], [1, 2]], { record_delimiter: 'windows' });",
    SS + "return stringify([['a', 'b'], [1, 2]], { record_delimiter: 'mac' });",
    SS + "return stringify([['a', 'b'], [1, 2]], { record_delimiter: '|' });",
    SS + "return stringify([['a', 'b'], [1, 2]], { eof: false });",
    SS + "const s = stringify([['a']], { bom: true }); return [s.charCodeAt(0), s.length, s.slice(1)];",
    SS + "return stringify([[true, false, 1.5, 10n, new Date(Date.UTC(2020, 0, 2)), { x: 1 }, [1, 2], null, undefined]]);",
    SS + "return stringify([[true, false, 2, new Date(Date.UTC(2020, 0, 2))]], { cast: { boolean: (v) => v ? 'yes' : 'no', "
         "number: (v) => v.toFixed(2), date: (v) => v.toISOString().slice(0, 10) } });",
    SS + "return stringify([[{ a: 1 }, 'str', 5n]], { cast: { object: (v) => Object.keys(v).join('+'), "
         "string: (v) => v.toUpperCase(), bigint: (v) => `big:${v}` } });",
    SS + "return stringify([['a', 'b']], { cast: { string: (v, ctx) => `${v}@${ctx.index}:${ctx.column}:${ctx.records}` } });",
    SS + "return stringify([['a,b']], { cast: { string: (v) => ({ value: v, quote: false }) } });",
    SS + "return stringify([['plain']], { cast: { string: (v) => ({ value: v, quoted: true }) } });",
    SS + "return stringify([{ a: 1 }], { columns: ['a', 'b'] });",
    SS + "return stringify([{ a: 1, b: 2 }], { header: true, header_as_comment: '#', columns: ['a', 'b'] });",
    SS + "return stringify([['=1+1', '+2', '-3', '@x', 'safe']], { escape_formulas: true });",
    SS + "return stringify([['a'], ['# c']], { comment: '#' });",
    SS + "return stringify([['a\\nb', 'c']], { quote_record_delimiter: false });",
    SS + "return stringify([['a', 'b'], [1, 2]], { on_record: (record, i) => record.map((v) => `${v}${i}`) });",
    SS + "return stringify([[1, 2]], { delimiter: ',', quote: '\"', quoted: false, eof: true });",
    SS + "return stringify([]);",
]

STRINGIFY_ERRORS = [
    SS + "try { stringify([['a']], { delimiter: 5 }); } catch (e) { return err(e); }",
    SS + "try { stringify([['a']], { quote: 5 }); } catch (e) { return err(e); }",
    SS + "try { stringify([['a']], { quoted: 'x' }); } catch (e) { return err(e); }",
    SS + "try { stringify([['a']], { header: 'x' }); } catch (e) { return err(e); }",
    SS + "try { stringify([['a']], { columns: [{}] }); } catch (e) { return err(e); }",
    SS + "try { stringify([['a']], { columns: 5 }); } catch (e) { return err(e); }",
    SS + "try { stringify([['a']], { quoted_match: 5 }); } catch (e) { return err(e); }",
    SS + "try { stringify([['a']], { escape_formulas: 'x' }); } catch (e) { return err(e); }",
    SS + "try { stringify([['a']], { record_delimiter: 5 }); } catch (e) { return err(e); }",
    SS + "try { stringify([[{}]], { cast: { object: () => 5 } }); } catch (e) { return err(e); }",
    SS + "try { stringify([[1]], { cast: { number: () => { throw new RangeError('no numbers'); } } }); } catch (e) { return err(e); }",
    SS + "try { stringify([5]); } catch (e) { return err(e); }",
    SS + "try { stringify([['a']], { header_as_comment: 5 }); } catch (e) { return err(e); }",
    "const { stringify } = require('csv-stringify');\n" + E + "try { stringify([['a']], {}, () => {}, 'extra'); } catch (e) { return err(e); }",
]

CALLBACKS = [
    PA + "return await new Promise((res) => parse('a,b\\n1,2', { columns: true }, (e, records) => res([e, records])));",
    PA + "return await new Promise((res) => parse('a,b\\n1,2', (e, records) => res([e, records])));",
    PA + "return await new Promise((res) => parse('a,b\\n1', (e, records) => res([err(e), records])));",
    PA + "return await new Promise((res) => parse('a,b\\n1,2', { info: true }, (e, records, info) => res([records, info])));",
    PA + "return await new Promise((res) => parse(Buffer.from('x;y'), { delimiter: ';' }, (e, r) => res(r)));",
    PA + "try { parse('a', { delimiter: '' }, () => {}); } catch (e) { return err(e); }",
    PA + "try { parse('a', 'b', 'c'); } catch (e) { return err(e); }",
    PA + "const p = parse('a,b\\n1,2', () => {}); return [p.constructor.name, typeof p.pipe, p.readableObjectMode, p.writableObjectMode];",
    ST + "return await new Promise((res) => stringify([[1, 2], [3, 4]], (e, out) => res([e, out])));",
    ST + "return await new Promise((res) => stringify([{ a: 1 }], { header: true }, (e, out) => res([e, out])));",
    ST + "return await new Promise((res) => stringify([[1]], { cast: { number: () => { throw new Error('cast boom'); } } }, "
         "(e, out) => res([err(e), out])));",
    ST + "return await new Promise((res) => stringify([[1]], { bom: true }, (e, out) => res([typeof out, out.charCodeAt(0), out.length])));",
]

STREAMS = [
    PA + "const p = parse({ columns: true }); p.write('a,b\\n1,'); p.write('2\\n3,4\\n'); p.end(); return await collect(p);",
    PA + "const p = parse(); p.end('\"split ' + 'quote\",x\\n'); const out = []; for await (const r of p) out.push(r); return out;",
    PA + NS + "const out = []; for await (const r of Readable.from(['a,b\\n', '1,\"2', '\\n2\"\\n', '3,4']).pipe(parse({ columns: true }))) out.push(r); return out;",
    PA + NS + "const out = []; await new Promise((res, rej) => pipeline(Readable.from(['x,y\\n1,2\\n']), parse(), "
              "new Writable({ objectMode: true, write(r, e, cb) { out.push(r); cb(); } }), (e) => e ? rej(e) : res())); return out;",
    PA + NS + "const { pipeline: pp } = require('stream/promises'); const out = []; await pp(Readable.from(['a\\n', 'b\\n']), parse(), "
              "async function* (src) { for await (const r of src) out.push(r[0].toUpperCase()); }); return out;",
    PA + NS + "try { await require('stream/promises').pipeline(Readable.from(['a,b\\n1\\n']), parse(), "
              "new Writable({ objectMode: true, write(r, e, cb) { cb(); } })); } catch (e) { return err(e); }",
    PA + "const p = parse({ info: true }); p.end('a\\nb\\n'); const out = await collect(p); return [out, p.info];",
    PA + "const p = parse(); const ev = []; p.on('readable', () => { while (p.read() !== null); }); p.on('end', () => ev.push('end')); "
         "p.on('close', () => ev.push('close')); p.on('finish', () => ev.push('finish')); p.end('a\\n'); "
         "await new Promise((r) => setTimeout(r, 20)); return ev;",
    PA + "const p = parse({ skip_records_with_error: true }); const skipped = []; p.on('skip', (e) => skipped.push([e.code, e.message])); "
         "p.end('a,b\\n1\\n2,3'); return [await collect(p), skipped];",
    PA + "const p = parse(); const got = new Promise((res) => p.on('error', (e) => res([err(e), p.destroyed]))); p.end('\"open'); p.resume(); return await got;",
    PA + "const p = parse({ to_line: 2 }); p.write('1\\n2\\n3\\n'); p.end('4\\n'); return await collect(p);",
    PA + "const p = parse({ columns: true }); const heads = []; p.on('data', (r) => heads.push(r)); p.end('k,v\\na,1\\nb,2'); "
         "await new Promise((r) => p.on('end', r)); return heads;",
    PA + NS + "const big = Array.from({ length: 3000 }, (_, i) => `${i},n${i}`).join('\\n'); let n = 0; let last; "
              "for await (const r of Readable.from([big.slice(0, 7000), big.slice(7000)]).pipe(parse({ cast: true }))) { n++; last = r; } return [n, last];",
    PA + "const p = parse({ columns: true, cast: true }); const batches = []; let batch = []; p.on('data', (r) => { batch.push(r); "
         "if (batch.length === 2) { batches.push(batch); batch = []; } }); p.end('a\\n1\\n2\\n3\\n4\\n5'); await new Promise((r) => p.on('end', r)); "
         "batches.push(batch); return batches;",
    PA + "const p = parse(); const st = p.state; p.end('a'); await collect(p); return [p.info.records, p.info.bytes, p.options.delimiter.toString()];",
    PA + "const p = parse({ on_record: (r, ctx) => (ctx.lines % 2 ? r : null) }); p.end('1\\n2\\n3\\n4'); return await collect(p);",
    PA + "const { Parser, CsvError } = require('csv-parse'); const p = new Parser({ delimiter: ';' }); p.end('a;b'); "
         "return [await collect(p), typeof CsvError, p instanceof require('stream').Transform];",
    PA + "return Object.keys(require('csv-parse')).sort();",
    PA + "const p = parse(); p.destroy(); await new Promise((r) => setTimeout(r, 10)); return [p.destroyed, p.writable];",
    PA + "const p = parse({ cast: (v) => { if (v === 'bad') throw new Error('bad value'); return v; } }); "
         "const e = new Promise((res) => p.on('error', (x) => res(x.message))); p.end('ok\\nbad'); p.resume(); return await e;",
    ST + "const s = stringify({ header: true, columns: ['a', 'b'] }); s.write({ a: 1, b: 2 }); s.write([3, 4]); s.end(); return await text(s);",
    ST + "const s = stringify(); const r = []; s.on('record', (rec, i) => r.push([rec, i])); s.write(['x']); s.end(['y']); return [await text(s), r];",
    ST + NS + "return await text(Readable.from([{ id: 1 }, { id: 2 }]).pipe(stringify({ header: true })));",
    ST + NS + "const out = []; await require('stream/promises').pipeline(Readable.from([['a', 1], ['b', 2]]), stringify({ delimiter: ';' }), "
              "new Writable({ write(c, e, cb) { out.push(String(c)); cb(); } })); return out.join('');",
    ST + "const s = stringify({ bom: true }); s.end(['x']); const chunks = []; for await (const c of s) chunks.push([Buffer.isBuffer(c), Buffer.from(c).toString('hex')]); return chunks;",
    ST + "const s = stringify({ bom: true, header: true, columns: ['a'] }); s.end(); return JSON.stringify(await text(s));",
    ST + "const s = stringify({ cast: { number: () => { throw new Error('no'); } } }); const e = new Promise((res) => s.on('error', (x) => res(x.message))); "
         "s.write([1]); return await e;",
    ST + "const s = stringify(); const e = new Promise((res) => s.on('error', (x) => res(err(x)))); s.write(5); return await e;",
    ST + "const { Stringifier } = require('csv-stringify'); const s = new Stringifier({ quoted: true }); s.end(['q']); return [await text(s), s.info];",
    ST + "return Object.keys(require('csv-stringify')).sort();",
    PA + "const { stringify } = require('csv-stringify'); const { pipeline: pp } = require('stream/promises'); const { Readable, Writable } = require('stream'); "
         "const out = []; await pp(Readable.from(['name,age\\nann,30\\nbob,41\\n']), parse({ columns: true, cast: true }), "
         "new (require('stream').Transform)({ objectMode: true, transform(r, e, cb) { cb(null, { ...r, age: r.age + 1 }); } }), "
         "stringify({ header: true }), new Writable({ write(c, e, cb) { out.push(String(c)); cb(); } })); return out.join('');",
]

WEB = [
    "const { parse } = require('csv-parse/stream'); const enc = new TextEncoder(); const rs = new ReadableStream({ start(c) { c.enqueue(enc.encode('a,b\\n1,')); "
    "c.enqueue(enc.encode('2\\n')); c.close(); } }); const out = []; for await (const r of rs.pipeThrough(parse({ columns: true }))) out.push(r); return out;",
    "const { parse } = require('csv-parse/stream'); const ts = parse(); return [ts instanceof TransformStream, Object.keys(require('csv-parse/stream')).sort()];",
    "const { parse } = require('csv-parse/stream'); const rs = new ReadableStream({ start(c) { c.enqueue(new TextEncoder().encode('x;y\\n')); c.close(); } }); "
    "const out = []; for await (const r of rs.pipeThrough(parse({ delimiter: ';' }))) out.push(r); return out;",
    "const { parse } = require('csv-parse/stream'); " + E + "const rs = new ReadableStream({ start(c) { c.enqueue(new TextEncoder().encode('a,b\\n1\\n')); c.close(); } }); "
    "try { for await (const r of rs.pipeThrough(parse())) {} } catch (e) { return err(e); }",
    "const { parse } = require('csv-parse/stream'); const gz = new Blob(['h\\n1\\n2\\n']).stream().pipeThrough(new CompressionStream('gzip')); "
    "const out = []; for await (const r of gz.pipeThrough(new DecompressionStream('gzip')).pipeThrough(new TextDecoderStream()).pipeThrough(parse({ columns: true }))) out.push(r); return out;",
    "const { parse } = require('csv-parse/stream'); " + E + "try { parse({ delimiter: '' }); } catch (e) { return err(e); }",
    "const { parse } = require('csv-parse/stream'); const ts = parse({ cast: true }); const w = ts.writable.getWriter(); w.write(new TextEncoder().encode('1,2\\n')); "
    "w.write(new TextEncoder().encode('3,4')); w.close(); const out = []; const r = ts.readable.getReader(); for (;;) { const { value, done } = await r.read(); if (done) break; out.push(value); } return out;",
]

SYNC_EXTRA = [
    "const { parse } = require('csv-parse/sync'); const { stringify } = require('csv-stringify/sync'); "
    "const rows = [{ a: 'x,y', b: 'q\"t' }, { a: 'multi\\nline', b: '' }]; const csv = stringify(rows, { header: true }); return [csv, parse(csv, { columns: true })];",
    "return [Object.keys(require('csv-parse/sync')).sort(), Object.keys(require('csv-stringify/sync')).sort()];",
    "const { CsvError } = require('csv-parse/sync'); const { parse } = require('csv-parse/sync'); try { parse('\"x'); } catch (e) { return [e instanceof CsvError, e.name]; }",
    "const { parse } = require('csv-parse/sync'); const csv = Array.from({ length: 500 }, (_, i) => `${i},\"v ${i}\"`).join('\\r\\n'); "
    "const r = parse(csv, { cast: true }); return [r.length, r[499], r.reduce((s, x) => s + x[0], 0)];",
    "const { normalize_options } = require('csv-parse'); const o = normalize_options({ delimiter: ';', columns: true }); "
    "return [o.delimiter.map(String), o.columns, o.cast_first_line_to_header, o.quote && o.quote.toString()];",
]

GROUPS = [("parse", PARSE_OPTIONS), ("parse-errors", PARSE_ERRORS), ("stringify", STRINGIFY_OPTIONS),
          ("stringify-errors", STRINGIFY_ERRORS), ("callbacks", CALLBACKS), ("streams", STREAMS), ("web", WEB),
          ("sync", SYNC_EXTRA)]
ALL = [code for _, group in GROUPS for code in group]


@pytest.fixture(scope="module")
def node_outcomes() -> list[dict[str, Any]]:
    return run_in_node([{"code": code, "input": {}} for code in ALL])


@pytest.mark.parametrize("index", range(len(ALL)), ids=case_ids(ALL, GROUPS))
def test_csv_matches_node(cb1: CodeBlockClient, node_outcomes: list[dict[str, Any]], index: int) -> None:
    code = ALL[index]
    expected = node_outcomes[index]
    assert expected["ok"] or expected.get("message") is not None, expected
    status, body = cb1.run(code)
    assert_same_as_node(code, status, body, expected)


def test_enough_cases() -> None:
    assert len(ALL) >= 120, len(ALL)
    assert len({*ALL}) == len(ALL), "duplicate cases"
