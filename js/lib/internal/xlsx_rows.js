'use strict';
// Reads one sheet of an xlsx file row by row, for xlsx.readStream/readBatches
// (js/lib/xlsx.js): SheetJS parses a whole sheet into cell objects (a 100,000 x 10 sheet
// is over 128 MB of heap), so this reads the zip's central directory itself, inflates
// the sheet's XML a window at a time (inflate.js) and hands complete
// <row> elements to the caller. What stays in the heap is the shared-string table, the
// number formats and one slice of XML; the file's bytes are the caller's and only
// viewed (subarray), never copied.
//
// Cell values are the text Flow-CodeBlock's excelize reader gives (formatted by the
// cell's number format), turned into JS values by `convertCell` as its Go code does.
// Refs: renoelis/JS-go-executor enhance_modules/xlsx_enhancement.go (convertCellValue)

import { InflateError, inflateRaw } from './inflate.js';
import {
  ArrayPrototypePush, Error_, MathMin, ObjectFreeze, NumberIsFinite, NumberParseInt, Number_, RegExpPrototypeExec, RegExp_, SafeMap,
  StringFromCharCode, StringPrototypeIndexOf, StringPrototypeReplace, StringPrototypeSlice, StringPrototypeToLowerCase,
  String_,
} from './primordials.js';

// Taken when the bundle loads, before any code block can rebind the globals.
const { TextDecoder, Uint8Array: Uint8Array_ } = globalThis;

// Bytes of a stored (uncompressed) entry decoded at a time.
const SLICE = 512 * 1024;

class XlsxFormatError extends Error_ {}

function openError(reason) { return new XlsxFormatError(`failed to open Excel: ${reason}`); }

// -- zip -------------------------------------------------------------------------------

function u16(b, i) { return b[i] | (b[i + 1] << 8); }
function u32(b, i) { return (b[i] | (b[i + 1] << 8) | (b[i + 2] << 16) | (b[i + 3] << 24)) >>> 0; }

// name -> { method, offset, compressedSize }, from the central directory.
function readDirectory(bytes) {
  const n = bytes.length;
  let eocd = -1;
  // The end record is 22 bytes plus a comment of at most 65,535.
  for (let i = n - 22; i >= 0 && i >= n - 22 - 65535; i--) {
    if (bytes[i] === 0x50 && bytes[i + 1] === 0x4b && bytes[i + 2] === 5 && bytes[i + 3] === 6) { eocd = i; break; }
  }
  if (eocd < 0) throw openError('zip: not a valid zip file');
  const count = u16(bytes, eocd + 10);
  let at = u32(bytes, eocd + 16);
  const utf8 = new TextDecoder();
  const entries = new SafeMap();
  for (let k = 0; k < count; k++) {
    if (at + 46 > n || u32(bytes, at) !== 0x02014b50) throw openError('zip: not a valid zip file');
    const nameLength = u16(bytes, at + 28);
    const extraLength = u16(bytes, at + 30);
    const commentLength = u16(bytes, at + 32);
    const name = utf8.decode(bytes.subarray(at + 46, at + 46 + nameLength));
    entries.set(name, { method: u16(bytes, at + 10), compressedSize: u32(bytes, at + 20), offset: u32(bytes, at + 42) });
    at += 46 + nameLength + extraLength + commentLength;
  }
  return entries;
}

function entryData(bytes, entry) {
  const at = entry.offset;
  if (at + 30 > bytes.length || u32(bytes, at) !== 0x04034b50) throw openError('zip: not a valid zip file');
  const start = at + 30 + u16(bytes, at + 26) + u16(bytes, at + 28);
  const end = start + entry.compressedSize;
  if (end > bytes.length) throw openError('zip: not a valid zip file');
  return bytes.subarray(start, end);
}

// How many bytes at the end of `bytes` begin a UTF-8 character that goes on past it.
function splitTail(bytes) {
  const n = bytes.length;
  for (let back = 1; back <= 3 && back <= n; back++) {
    const b = bytes[n - back];
    if ((b & 0xc0) === 0x80) continue; // a continuation byte: look further back
    const size = b >= 0xf0 ? 4 : b >= 0xe0 ? 3 : b >= 0xc0 ? 2 : 1;
    return size > back ? back : 0;
  }
  return 0;
}

// Decodes UTF-8 given a piece at a time. The layer's TextDecoder has no `stream` option,
// so a character split between two pieces is put together here (a few bytes copied).
function utf8Pieces() {
  const decoder = new TextDecoder('utf-8', { ignoreBOM: true });
  let carry = null;
  return (bytes) => {
    let text = '';
    let from = 0;
    if (carry !== null) {
      let need = (carry[0] >= 0xf0 ? 4 : carry[0] >= 0xe0 ? 3 : 2) - carry.length;
      const joined = new Uint8Array_(carry.length + MathMin(need, bytes.length));
      joined.set(carry);
      joined.set(bytes.subarray(0, joined.length - carry.length), carry.length);
      from = joined.length - carry.length;
      need -= from;
      if (need > 0) { carry = joined; return ''; }
      carry = null;
      text = decoder.decode(joined);
    }
    const rest = bytes.subarray(from);
    const tail = splitTail(rest);
    if (tail > 0) carry = rest.slice(rest.length - tail);
    return text + decoder.decode(rest.subarray(0, rest.length - tail));
  };
}

// The entry's text, a piece at a time (what one window of inflated bytes decodes to).
function* entryTexts(bytes, entry) {
  const data = entryData(bytes, entry);
  const decode = utf8Pieces();
  if (entry.method === 0) {
    for (let i = 0; i < data.length; i += SLICE) yield decode(data.subarray(i, i + SLICE));
    return;
  }
  if (entry.method !== 8) throw openError(`zip: unsupported compression algorithm ${entry.method}`);
  const pieces = inflateRaw(data);
  for (;;) {
    let step;
    try {
      step = pieces.next();
    } catch (err) {
      if (err instanceof InflateError) throw openError(`flate: ${err.message}`);
      throw err;
    }
    if (step.done) break;
    yield decode(step.value);
  }
}

function entryText(bytes, entries, name) {
  const entry = entries.get(name);
  if (entry === undefined) return undefined;
  let text = '';
  for (const piece of entryTexts(bytes, entry)) text += piece;
  return text;
}

// -- XML -------------------------------------------------------------------------------

const ENTITIES = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'" };

function unescapeXml(text) {
  if (StringPrototypeIndexOf(text, '&') < 0 && StringPrototypeIndexOf(text, '_x') < 0) return text;
  let out = StringPrototypeReplace(text, /&(#x[0-9a-fA-F]+|#[0-9]+|amp|lt|gt|quot|apos);/g, (m, name) => {
    if (name[0] !== '#') return ENTITIES[name];
    const code = name[1] === 'x' ? NumberParseInt(StringPrototypeSlice(name, 2), 16) : NumberParseInt(StringPrototypeSlice(name, 1), 10);
    return String_.fromCodePoint(code);
  });
  // OOXML's escape for characters XML cannot carry (ECMA-376 22.9.2.19 ST_Xstring).
  out = StringPrototypeReplace(out, /_x([0-9a-fA-F]{4})_/g, (m, hex) => StringFromCharCode(NumberParseInt(hex, 16)));
  return out;
}

// One regex per attribute name the reader looks up, made when the bundle loads (none
// has the g flag: exec keeps no state in them).
const attrRes = {};
for (const name of ['r', 't', 's', 'numFmtId', 'formatCode', 'Target', 'Type', 'Id', 'name']) {
  attrRes[name] = ObjectFreeze(new RegExp_(`\\s${name}="([^"]*)"`));
}
ObjectFreeze(attrRes);

// The value of attribute `name` in a tag's text.
function attr(tag, name) {
  const m = RegExpPrototypeExec(attrRes[name], tag);
  return m === null ? undefined : m[1];
}

// The text of an <si> or <is>: its <t> elements (runs included), phonetic runs left out.
function richText(xml) {
  const body = StringPrototypeReplace(xml, /<(?:[\w.-]+:)?rPh\b[\s\S]*?<\/(?:[\w.-]+:)?rPh>/g, '');
  const re = /<(?:[\w.-]+:)?t\b[^>]*?(?:\/>|>([\s\S]*?)<\/(?:[\w.-]+:)?t>)/g;
  let text = '';
  let m;
  while ((m = RegExpPrototypeExec(re, body)) !== null) if (m[1] !== undefined) text += m[1];
  return unescapeXml(text);
}

function readSharedStrings(bytes, entries, path) {
  const strings = [];
  const entry = entries.get(path);
  if (entry === undefined) return strings;
  let pending = '';
  for (const piece of entryTexts(bytes, entry)) {
    pending += piece;
    const re = /<(?:[\w.-]+:)?si\b[^>]*?(?:\/>|>([\s\S]*?)<\/(?:[\w.-]+:)?si>)/g;
    let m;
    let consumed = 0;
    while ((m = RegExpPrototypeExec(re, pending)) !== null) {
      ArrayPrototypePush(strings, m[1] === undefined ? '' : richText(m[1]));
      consumed = re.lastIndex;
    }
    pending = StringPrototypeSlice(pending, consumed);
  }
  return strings;
}

// Built-in formats where excelize's table differs from SheetJS's (ECMA-376 18.8.30).
const EXCELIZE_FORMATS = ObjectFreeze({ __proto__: null, 14: 'mm-dd-yy' });

// The number format of each cell style (cellXfs index), as SSF format strings.
function readStyles(bytes, entries, path, ssfTable) {
  const xml = entryText(bytes, entries, path);
  const formats = [];
  if (xml === undefined) return formats;
  const custom = new SafeMap();
  const numFmtRe = /<(?:[\w.-]+:)?numFmt\b[^>]*>/g;
  let m;
  while ((m = RegExpPrototypeExec(numFmtRe, xml)) !== null) {
    custom.set(NumberParseInt(attr(m[0], 'numFmtId'), 10), unescapeXml(attr(m[0], 'formatCode') ?? 'General'));
  }
  const xfs = RegExpPrototypeExec(/<(?:[\w.-]+:)?cellXfs\b[\s\S]*?<\/(?:[\w.-]+:)?cellXfs>/, xml);
  if (xfs === null) return formats;
  const xfRe = /<(?:[\w.-]+:)?xf\b[^>]*>/g;
  while ((m = RegExpPrototypeExec(xfRe, xfs[0])) !== null) {
    const id = NumberParseInt(attr(m[0], 'numFmtId') ?? '0', 10);
    ArrayPrototypePush(formats, custom.has(id) ? custom.get(id) : (EXCELIZE_FORMATS[id] ?? ssfTable[id] ?? 'General'));
  }
  return formats;
}

function resolveTarget(base, target) {
  if (target[0] === '/') return StringPrototypeSlice(target, 1);
  const parts = base === '' ? [] : base.split('/');
  for (const part of target.split('/')) {
    if (part === '..') parts.pop();
    else if (part !== '.') ArrayPrototypePush(parts, part);
  }
  return parts.join('/');
}

// [{ name, path }] of the workbook's sheets, and where the shared strings and styles are.
function readWorkbook(bytes, entries) {
  const workbook = entryText(bytes, entries, 'xl/workbook.xml');
  if (workbook === undefined) throw openError('zip: not an xlsx workbook (no xl/workbook.xml)');
  const rels = new SafeMap();
  const relsXml = entryText(bytes, entries, 'xl/_rels/workbook.xml.rels') ?? '';
  const relRe = /<(?:[\w.-]+:)?Relationship\b[^>]*>/g;
  let m;
  let sharedStrings = 'xl/sharedStrings.xml';
  let styles = 'xl/styles.xml';
  while ((m = RegExpPrototypeExec(relRe, relsXml)) !== null) {
    const target = resolveTarget('xl', attr(m[0], 'Target') ?? '');
    const type = attr(m[0], 'Type') ?? '';
    rels.set(attr(m[0], 'Id'), target);
    if (type.endsWith('/sharedStrings')) sharedStrings = target;
    else if (type.endsWith('/styles')) styles = target;
  }
  const sheets = [];
  const sheetRe = /<(?:[\w.-]+:)?sheet\b[^>]*>/g;
  let index = 0;
  while ((m = RegExpPrototypeExec(sheetRe, workbook)) !== null) {
    index++;
    const id = RegExpPrototypeExec(/\s(?:[\w.-]+:)?id="([^"]*)"/, m[0]);
    const path = (id !== null ? rels.get(id[1]) : undefined) ?? `xl/worksheets/sheet${index}.xml`;
    ArrayPrototypePush(sheets, { name: unescapeXml(attr(m[0], 'name') ?? ''), path });
  }
  return { sheets, sharedStrings, styles };
}

// -- cells -----------------------------------------------------------------------------

// 'AB' -> 27 (0-based column of a cell reference such as AB12), or -1.
function columnOf(ref) {
  let col = 0;
  let i = 0;
  for (; i < ref.length; i++) {
    const c = ref.charCodeAt(i);
    if (c >= 65 && c <= 90) col = col * 26 + (c - 64);
    else if (c >= 97 && c <= 122) col = col * 26 + (c - 96);
    else break;
  }
  return i === 0 ? -1 : col - 1;
}

// Cell kinds as excelize's GetCellType tells them apart (what convertCell needs).
const KIND_STRING = 1;
const KIND_BOOL = 2;
const KIND_ERROR = 3;
const KIND_OTHER = 0;

const INT_RE = ObjectFreeze(/^[+-]?[0-9]+$/);
const FLOAT_RE = ObjectFreeze(/^[+-]?(?:[0-9]+\.?[0-9]*|\.[0-9]+)(?:[eE][+-]?[0-9]+)?$/);

// Flow-CodeBlock's convertCellValue: booleans, strings as they are, anything else a
// number when its text parses as one (Go's ParseInt/ParseFloat), else the text.
function convertCell(text, kind) {
  if (text === '') return '';
  if (kind === KIND_BOOL) {
    if (text === 'TRUE' || text === '1' || StringPrototypeToLowerCase(text) === 'true') return true;
    if (text === 'FALSE' || text === '0' || StringPrototypeToLowerCase(text) === 'false') return false;
    return text;
  }
  if (kind === KIND_STRING || kind === KIND_ERROR) return text;
  if (RegExpPrototypeExec(INT_RE, text) !== null || RegExpPrototypeExec(FLOAT_RE, text) !== null) {
    const n = Number_(text);
    if (NumberIsFinite(n)) return n;
  }
  return text;
}

// -- rows ------------------------------------------------------------------------------

const VALUE_RE = ObjectFreeze(/<(?:[\w.-]+:)?v\b[^>]*>([\s\S]*?)<\/(?:[\w.-]+:)?v>/);
const INLINE_RE = ObjectFreeze(/<(?:[\w.-]+:)?is\b[^>]*>([\s\S]*?)<\/(?:[\w.-]+:)?is>/);

// A parsed row: { texts, kinds }, parallel arrays without trailing empty cells (as
// excelize's Rows.Columns gives them), gaps filled with ''.
function parseRow(body, book) {
  const texts = [];
  const kinds = [];
  // A new regex object per row: a g-flag regex keeps lastIndex, state no module may share.
  const cellRe = /<(?:[\w.-]+:)?c\b([^>]*?)(?:\/>|>([\s\S]*?)<\/(?:[\w.-]+:)?c>)/g;
  let m;
  let col = -1;
  while ((m = RegExpPrototypeExec(cellRe, body)) !== null) {
    const attrs = m[1];
    const ref = attr(attrs, 'r');
    col = ref === undefined ? col + 1 : columnOf(ref);
    if (col < 0) continue;
    const inner = m[2] ?? '';
    const type = attr(attrs, 't') ?? 'n';
    let text = '';
    let kind = KIND_OTHER;
    if (type === 'inlineStr') {
      const is = RegExpPrototypeExec(INLINE_RE, inner);
      text = is === null ? '' : richText(is[1]);
      kind = KIND_STRING;
    } else {
      const v = RegExpPrototypeExec(VALUE_RE, inner);
      const raw = v === null ? '' : unescapeXml(v[1]);
      if (type === 's') {
        text = raw === '' ? '' : (book.strings[NumberParseInt(raw, 10)] ?? '');
        kind = KIND_STRING;
      } else if (type === 'b') {
        text = raw === '' ? '' : (raw === '0' ? 'FALSE' : 'TRUE');
        kind = KIND_BOOL;
      } else if (type === 'e') {
        text = raw;
        kind = KIND_ERROR;
      } else if (type === 'n' && raw !== '') {
        text = book.formatNumber(raw, attr(attrs, 's'));
      } else {
        text = raw; // 'str' (a formula's string result) and 'd' (ISO 8601 dates)
      }
    }
    while (texts.length < col) { ArrayPrototypePush(texts, ''); ArrayPrototypePush(kinds, KIND_OTHER); }
    texts[col] = text;
    kinds[col] = kind;
  }
  let end = texts.length;
  while (end > 0 && texts[end - 1] === '') end--;
  texts.length = end;
  kinds.length = end;
  return { texts, kinds };
}

const EMPTY_ROW = ObjectFreeze({ texts: ObjectFreeze([]), kinds: ObjectFreeze([]) });

// The rows of `sheetName` in the workbook in `bytes`, in order, gaps between rows given
// as empty rows (excelize's row iterator does the same). A generator, so that a caller
// waiting for a promise between batches holds no more than the XML of one slice.
// Throws XlsxFormatError for what is not a readable xlsx or has no such sheet.
function* sheetRows(bytes, sheetName, ssf) {
  const entries = readDirectory(bytes);
  const { sheets, sharedStrings, styles } = readWorkbook(bytes, entries);
  let sheet;
  for (const s of sheets) if (s.name === sheetName) { sheet = s; break; }
  // excelize matches sheet names without regard to case.
  if (sheet === undefined) {
    const lower = StringPrototypeToLowerCase(sheetName);
    for (const s of sheets) if (StringPrototypeToLowerCase(s.name) === lower) { sheet = s; break; }
  }
  if (sheet === undefined) throw new XlsxFormatError(`failed to create row iterator: sheet ${sheetName} does not exist`);
  const entry = entries.get(sheet.path);
  if (entry === undefined) throw openError(`zip: file does not exist: ${sheet.path}`);

  const formats = readStyles(bytes, entries, styles, ssf.get_table());
  const book = {
    strings: readSharedStrings(bytes, entries, sharedStrings),
    formatNumber(raw, style) {
      const format = style === undefined ? 'General' : (formats[NumberParseInt(style, 10)] ?? 'General');
      if (format === 'General' || format === '@') return raw;
      try {
        return ssf.format(format, Number_(raw));
      } catch {
        return raw;
      }
    },
  };

  let pending = '';
  let nextRow = 1; // the 1-based row number the next row given has
  for (const piece of entryTexts(bytes, entry)) {
    pending += piece;
    let consumed = 0;
    const rowRe = /<((?:[\w.-]+:)?)row\b/g;
    let m;
    while ((m = RegExpPrototypeExec(rowRe, pending)) !== null) {
      const start = m.index;
      const tagEnd = StringPrototypeIndexOf(pending, '>', rowRe.lastIndex);
      if (tagEnd < 0) break;
      const tag = StringPrototypeSlice(pending, start, tagEnd + 1);
      let end;
      let body;
      if (pending[tagEnd - 1] === '/') {
        end = tagEnd + 1;
        body = '';
      } else {
        const close = `</${m[1]}row>`;
        const closeAt = StringPrototypeIndexOf(pending, close, tagEnd);
        if (closeAt < 0) break;
        end = closeAt + close.length;
        body = StringPrototypeSlice(pending, tagEnd + 1, closeAt);
      }
      const r = attr(tag, 'r');
      const rowNumber = r === undefined ? nextRow : NumberParseInt(r, 10);
      for (; nextRow < rowNumber; nextRow++) yield EMPTY_ROW;
      nextRow++;
      consumed = end;
      rowRe.lastIndex = end;
      yield parseRow(body, book);
    }
    // Keep the unfinished row only (before the first row: the tail a tag may start in).
    if (consumed > 0) pending = StringPrototypeSlice(pending, consumed);
    else if (RegExpPrototypeExec(/<(?:[\w.-]+:)?row\b/, pending) === null) pending = StringPrototypeSlice(pending, -64);
  }
}

export { XlsxFormatError, columnOf, convertCell, sheetRows, utf8Pieces };
