'use strict';
// require('xlsx'): SheetJS 0.18.5 with Flow-CodeBlock's own calls on top, so its users'
// code runs unchanged (renoelis/JS-go-executor, enhance_modules/xlsx_enhancement.go):
//
//   workbook.close()                                   on every workbook read() and
//                                                      utils.book_new() give
//   xlsx.readStream(buffer, sheetName, onRows, opts?)  onRows(rows, startIndex), batches
//                                                      of opts.batchSize (100) rows;
//                                                      -> { success, rowsProcessed, batchSize }
//   xlsx.readBatches(buffer, sheetName, opts, onBatch) onBatch(rows, batchIndex), batches
//                                                      of opts.batchSize (1000) rows;
//                                                      -> { success, totalRows, totalBatches }
//   xlsx.createWriteStream()                           { addSheet(name), writeRow(row),
//                                                      finalize() -> Buffer }
//
// The row readers take Flow-CodeBlock's options (range, header, raw, defval, blankrows)
// and give its rows: the first row's texts are the keys, a cell's value is converted as
// its Go code does, a missing trailing cell is null (xlsx_rows.js reads the sheet). They
// read the sheet's XML as it inflates, so a large sheet never sits in the heap whole.
//
// SheetJS's own XLSX.stream (to_csv, to_json, to_html) gives Readables of the `stream`
// module: SheetJS keeps the Readable class it is given in a module variable, so each call
// hands it the one Readable of this runtime's `stream` (shared, frozen: the same class for
// every execution, nothing of one execution in it). XLSX.stream.set_readable, which would
// let a code block put its own class there for the next execution, is refused
// (shared_modules.js). A code block that names to_csv, to_json or to_html gets `stream`
// installed (js/modules.manifest.mjs, the stream entry's `properties`).
//
// What cannot be the same: the Go service keeps an excelize file outside the JS heap,
// and close() frees it. Here a workbook is plain JS objects: close() drops its sheets
// (the garbage collector frees them) and any later use of the workbook or its sheets
// throws ERR_INVALID_STATE. A callback that returns a promise is awaited before the next
// batch is read (Go does not await it), and the call then returns a promise of the same
// result, so `await xlsx.readStream(...)` and batched POSTs keep their order.

// The CommonJS build, the one the bundle had before this layer (package.json's main).
import XLSX from 'xlsx/xlsx.js';
import { codes } from './internal/errors.js';
import { XlsxFormatError, columnOf, convertCell, sheetRows } from './internal/xlsx_rows.js';

const {
  ERR_FEATURE_UNAVAILABLE_ON_PLATFORM, ERR_INVALID_ARG_TYPE, ERR_INVALID_STATE, ERR_MISSING_ARGS, ERR_OUT_OF_RANGE,
} = codes;

// Taken when the bundle loads, before any code block can rebind the globals.
const { ArrayBuffer, Buffer, Error: Error_, Number: Number_, Object: Object_, TypeError: TypeError_, Uint8Array, Math: Math_ } = globalThis;
const { defineProperty, freeze, keys, values } = Object_;
const ArrayIsArray = Array.isArray;
const { isView } = ArrayBuffer;

const READ_STREAM_BATCH = 100; // Go: readStream's default, and its largest is 10,000
const READ_STREAM_MAX_BATCH = 10000;
const READ_BATCHES_BATCH = 1000; // Go: readBatches's default

// -- workbook.close() ------------------------------------------------------------------

function closedError() {
  return new ERR_INVALID_STATE('the workbook is closed: workbook.close() released it');
}

function throwClosed() { throw closedError(); }

// Empties the workbook and its sheets; their data properties become getters that throw,
// so SheetJS calls given the workbook or a sheet taken out before close() fail clearly.
function closeWorkbook(workbook) {
  const names = workbook.SheetNames;
  const sheets = workbook.Sheets;
  if (ArrayIsArray(names) && sheets !== null && typeof sheets === 'object') {
    for (const name of names) {
      const sheet = sheets[name];
      if (sheet === null || typeof sheet !== 'object' || Object_.isFrozen(sheet)) continue;
      for (const key of keys(sheet)) delete sheet[key];
      defineProperty(sheet, '!ref', { get: throwClosed, enumerable: false, configurable: false });
    }
  }
  for (const key of keys(workbook)) delete workbook[key];
  for (const key of ['SheetNames', 'Sheets']) {
    defineProperty(workbook, key, { get: throwClosed, enumerable: false, configurable: false });
  }
}

// Gives a workbook Flow-CodeBlock's close(): idempotent, not enumerable (JSON.stringify
// and Object.keys of the workbook stay SheetJS's).
function withClose(workbook) {
  if (workbook === null || typeof workbook !== 'object' || !Object_.isExtensible(workbook)) return workbook;
  let closed = false;
  defineProperty(workbook, 'close', {
    value: function close() {
      if (closed) return undefined;
      closed = true;
      closeWorkbook(workbook);
      return undefined;
    },
    enumerable: false, configurable: true, writable: true,
  });
  return workbook;
}

function read(data, options) { return withClose(XLSX.read(data, options)); }

function book_new() { return withClose(XLSX.utils.book_new()); } // eslint-disable-line camelcase

// Go's write() returns a Buffer when no type is given; SheetJS would throw.
function write(workbook, options) {
  if (options === undefined || options === null) return XLSX.write(workbook, { type: 'buffer', bookType: 'xlsx' });
  if (typeof options === 'object' && options.type === undefined) {
    return XLSX.write(workbook, { ...options, type: 'buffer' });
  }
  return XLSX.write(workbook, options);
}

// -- arguments -------------------------------------------------------------------------

function bytesOf(buffer) {
  if (buffer instanceof ArrayBuffer) return new Uint8Array(buffer);
  if (isView(buffer)) return new Uint8Array(buffer.buffer, buffer.byteOffset, buffer.byteLength);
  // Go's message for anything else (a base64 string included).
  throw new ERR_INVALID_ARG_TYPE('buffer', ['Buffer', 'ArrayBuffer', 'TypedArray'], buffer);
}

function validateSheetName(sheetName) {
  if (typeof sheetName !== 'string') throw new ERR_INVALID_ARG_TYPE('sheetName', 'string', sheetName);
}

function validateCallback(name, callback) {
  if (typeof callback !== 'function') throw new ERR_INVALID_ARG_TYPE(name, 'function', callback);
}

function validateOptions(options, name) {
  if (options !== null && typeof options !== 'object') throw new ERR_INVALID_ARG_TYPE(name, 'object', options);
}

function decodeCell(ref) {
  const m = /^\$?([A-Za-z]{1,3})\$?([0-9]+)$/.exec(ref);
  if (m === null) return undefined;
  return { r: Number_(m[2]) - 1, c: columnOf(m[1]) };
}

// Flow-CodeBlock's parseRange: { startRow, endRow, startCol, endCol }, 0-based, -1 open.
function parseRange(value) {
  const open = { startRow: 0, endRow: -1, startCol: 0, endCol: -1 };
  if (value === undefined || value === null) return open;
  if (typeof value === 'number') return { ...open, startRow: Math_.trunc(value) };
  if (typeof value === 'string') {
    const text = value.trim();
    if (text === '') return open;
    const parts = text.split(':');
    if (parts.length > 2) throw new ERR_OUT_OF_RANGE('options.range', 'a cell (A3) or a range (A3:E10)', value);
    const start = decodeCell(parts[0]);
    const end = parts.length === 2 ? decodeCell(parts[1]) : { r: -1, c: -1 };
    if (start === undefined || end === undefined) {
      throw new ERR_OUT_OF_RANGE('options.range', 'a cell (A3) or a range (A3:E10)', value);
    }
    return { startRow: start.r, endRow: end.r, startCol: start.c, endCol: end.c };
  }
  if (ArrayIsArray(value)) {
    if (value.length < 2) throw new ERR_OUT_OF_RANGE('options.range', 'an array [startRow, startCol, endRow?, endCol?]', value);
    const at = (i, fallback) => (typeof value[i] === 'number' ? Math_.trunc(value[i]) : fallback);
    return { startRow: at(0, 0), startCol: at(1, 0), endRow: at(2, -1), endCol: at(3, -1) };
  }
  if (typeof value === 'object') {
    const at = (corner, key, fallback) => (value[corner] !== null && typeof value[corner] === 'object' &&
      typeof value[corner][key] === 'number' ? Math_.trunc(value[corner][key]) : fallback);
    return { startRow: at('s', 'r', 0), startCol: at('s', 'c', 0), endRow: at('e', 'r', -1), endCol: at('e', 'c', -1) };
  }
  throw new ERR_INVALID_ARG_TYPE('options.range', ['number', 'string', 'object'], value);
}

// Flow-CodeBlock's ReadOptions, validated.
function readOptions(options, name) {
  const o = options ?? {};
  const parsed = {
    range: parseRange(o.range),
    raw: o.raw === true,
    hasDefval: o.defval !== undefined && o.defval !== '',
    defval: o.defval,
    blankrows: o.blankrows !== false,
    mode: 'object',
    headers: undefined,
  };
  if (o.header === 1) parsed.mode = 'array';
  else if (ArrayIsArray(o.header)) {
    parsed.mode = 'custom';
    parsed.headers = o.header.map((h) => `${h}`);
  } else if (o.header !== undefined && o.header !== null && typeof o.header !== 'number' && typeof o.header !== 'string') {
    throw new ERR_INVALID_ARG_TYPE(`${name}.header`, ['number', 'Array'], o.header);
  }
  return parsed;
}

// Flow-CodeBlock's batch sizes: readStream takes 1 to 10,000 and silently keeps its
// default for anything else (Go: `bs > 0 && bs <= 10000`); readBatches takes any
// positive size. A size that is not a number is an error here (Go converted it).
function batchSizeOf(options, name, fallback, max) {
  const value = options?.batchSize;
  if (value === undefined || value === null) return fallback;
  if (typeof value !== 'number') throw new ERR_INVALID_ARG_TYPE(`${name}.batchSize`, 'number', value);
  const size = Math_.trunc(value);
  if (size >= 1 && size <= max) return size;
  if (max === READ_STREAM_MAX_BATCH) return fallback;
  throw new ERR_OUT_OF_RANGE(`${name}.batchSize`, '>= 1', value);
}

// -- rows ------------------------------------------------------------------------------

function cropped(row, range) {
  const { texts, kinds } = row;
  if (range.startCol <= 0 && range.endCol < 0) return row;
  const start = range.startCol;
  let end = texts.length;
  if (range.endCol >= 0 && range.endCol + 1 < end) end = range.endCol + 1;
  if (start >= end) return { texts: [], kinds: [] };
  return { texts: texts.slice(start, end), kinds: kinds.slice(start, end) };
}

function cellValue(text, kind, o) {
  if (text === '' && o.hasDefval) return o.defval;
  return o.raw ? text : convertCell(text, kind);
}

function rowValue(row, headers, o) {
  const { texts, kinds } = row;
  if (o.mode === 'array') {
    const out = new Array(texts.length);
    for (let i = 0; i < texts.length; i++) out[i] = cellValue(texts[i], kinds[i], o);
    return out;
  }
  const out = {};
  for (let j = 0; j < headers.length; j++) {
    out[headers[j]] = j < texts.length ? cellValue(texts[j], kinds[j], o) : (o.hasDefval ? o.defval : null);
  }
  return out;
}

function isBlank(row) {
  for (const text of row.texts) if (text !== '') return false;
  return true;
}

// A JS value is thenable when its `then` is callable (what `await` looks at).
function isThenable(value) {
  return value !== null && (typeof value === 'object' || typeof value === 'function') && typeof value.then === 'function';
}

// Reads the sheet into batches of `size` rows: callback(batch, tag(batch)) for each.
// Synchronous while the callback is; from the first callback that returns a promise on,
// each next batch is read only once that promise has settled (see the header).
function readRows(buffer, sheetName, o, size, callback, tag, result) {
  const bytes = bytesOf(buffer);
  const range = o.range;
  let headers = o.mode === 'custom' ? o.headers : undefined;
  let skipped = 0;
  let total = 0;
  let rows;
  try {
    rows = sheetRows(bytes, sheetName, XLSX.SSF);
  } catch (err) {
    throw plainError(err);
  }
  // The next batch, or undefined at the end of the sheet (or of options.range).
  const nextBatch = () => {
    const batch = [];
    for (;;) {
      let step;
      try {
        step = rows.next();
      } catch (err) {
        throw plainError(err);
      }
      if (step.done) break;
      if (skipped < range.startRow) { skipped++; continue; }
      const cut = cropped(step.value, range);
      if (headers === undefined && o.mode === 'object') { headers = cut.texts; continue; }
      if (range.endRow >= 0 && total >= range.endRow - range.startRow) break;
      if (!o.blankrows && isBlank(cut)) continue;
      batch.push(rowValue(cut, headers ?? [], o));
      total++;
      if (batch.length >= size) return batch;
    }
    return batch.length > 0 ? batch : undefined;
  };
  for (let batch = nextBatch(); batch !== undefined; batch = nextBatch()) {
    const returned = callback(batch, tag(batch));
    if (isThenable(returned)) {
      return (async () => {
        await returned;
        for (let more = nextBatch(); more !== undefined; more = nextBatch()) await callback(more, tag(more));
        return result(total);
      })();
    }
  }
  return result(total);
}

// The reader's own errors reach code blocks as plain Errors with Flow-CodeBlock's text.
function plainError(err) {
  return err instanceof XlsxFormatError ? new Error_(err.message) : err;
}

function readStream(buffer, sheetName, callback, options) {
  if (arguments.length < 3) throw new ERR_MISSING_ARGS('buffer', 'sheetName', 'callback');
  validateSheetName(sheetName);
  validateCallback('callback', callback);
  validateOptions(options ?? null, 'options');
  const o = readOptions(options, 'options');
  const size = batchSizeOf(options, 'options', READ_STREAM_BATCH, READ_STREAM_MAX_BATCH);
  let start = 1; // Go: the first row after the header is 1
  const tag = (rows) => { const index = start; start += rows.length; return index; };
  return readRows(buffer, sheetName, o, size, callback, tag,
    (total) => ({ success: true, rowsProcessed: total, batchSize: size }));
}

function readBatches(buffer, sheetName, options, callback) {
  if (arguments.length < 4) throw new ERR_MISSING_ARGS('buffer', 'sheetName', 'options', 'callback');
  validateSheetName(sheetName);
  if (options === null || typeof options !== 'object') throw new ERR_INVALID_ARG_TYPE('options', 'object', options);
  validateCallback('callback', callback);
  const o = readOptions(options, 'options');
  const size = batchSizeOf(options, 'options', READ_BATCHES_BATCH, Number_.MAX_SAFE_INTEGER);
  let index = 0;
  const tag = () => index++;
  return readRows(buffer, sheetName, o, size, callback, tag,
    (total) => ({ success: true, totalRows: total, totalBatches: index }));
}

// -- createWriteStream() ---------------------------------------------------------------

// Rows are kept as arrays (one per row, a few bytes a cell) and turned into a workbook
// by finalize(), which returns its bytes and drops everything the writer held.
function createWriteStream() {
  const sheets = []; // [{ name, rows }] in the order added
  let current;
  let rowIndex = 0;
  let finalized = false;

  const live = (method) => {
    if (finalized) throw new ERR_INVALID_STATE(`${method}() after finalize(): the writer released its rows`);
  };

  return freeze({
    addSheet(sheetName) {
      live('addSheet');
      if (arguments.length < 1) throw new ERR_MISSING_ARGS('sheetName');
      validateSheetName(sheetName);
      // excelize's NewSheet returns the sheet of that name if there is one: rows are
      // written over it from its first row again.
      current = sheets.find((s) => s.name.toLowerCase() === sheetName.toLowerCase());
      if (current === undefined) {
        current = { name: sheetName, rows: [] };
        sheets.push(current);
      }
      rowIndex = 0;
      return undefined;
    },
    writeRow(row) {
      live('writeRow');
      if (arguments.length < 1) throw new ERR_MISSING_ARGS('data');
      if (current === undefined) throw new TypeError_('no active sheet, call addSheet() first');
      let cells;
      if (ArrayIsArray(row)) cells = row.slice();
      else if (row !== null && typeof row === 'object') cells = values(row);
      else throw new ERR_INVALID_ARG_TYPE('data', 'object', row);
      current.rows[rowIndex++] = cells;
      return undefined;
    },
    finalize() {
      live('finalize');
      const workbook = XLSX.utils.book_new();
      if (sheets.length === 0) XLSX.utils.book_append_sheet(workbook, XLSX.utils.aoa_to_sheet([]), 'Sheet1');
      for (const sheet of sheets) {
        for (let i = 0; i < sheet.rows.length; i++) if (sheet.rows[i] === undefined) sheet.rows[i] = [];
        XLSX.utils.book_append_sheet(workbook, XLSX.utils.aoa_to_sheet(sheet.rows, { dense: true }), sheet.name);
      }
      finalized = true;
      sheets.length = 0;
      current = undefined;
      const bytes = XLSX.write(workbook, { type: 'buffer', bookType: 'xlsx', compression: true });
      return Buffer.isBuffer(bytes) ? bytes : Buffer.from(bytes);
    },
  });
}

// -- XLSX.stream -----------------------------------------------------------------------

const sheetStreams = XLSX.stream;

// The stream module, installed by the host when the code names a streaming writer.
function useNodeReadable(method) {
  let stream;
  try {
    stream = require('node:stream');
  } catch {
    throw new ERR_FEATURE_UNAVAILABLE_ON_PLATFORM(`XLSX.stream.${method} comes with the stream module, installed for ` +
      "code blocks that name to_csv, to_json or to_html or require('stream'): this one reached it by a computed name");
  }
  sheetStreams.set_readable(stream.Readable);
}

/* eslint-disable camelcase -- SheetJS's names */
const stream = {
  to_csv(sheet, options) { useNodeReadable('to_csv'); return sheetStreams.to_csv(sheet, options); },
  to_json(sheet, options) { useNodeReadable('to_json'); return sheetStreams.to_json(sheet, options); },
  to_html(sheet, options) { useNodeReadable('to_html'); return sheetStreams.to_html(sheet, options); },
  set_readable: sheetStreams.set_readable,
};
/* eslint-enable camelcase */

// -- the module ------------------------------------------------------------------------

const utils = { ...XLSX.utils, book_new }; // eslint-disable-line camelcase

export default {
  ...XLSX,
  read,
  write,
  utils,
  stream,
  readStream,
  readBatches,
  createWriteStream,
};
