// js/lib/internal/xlsx_rows.js: UTF-8 given in pieces split anywhere decodes whole, and
// cell text converts to values as Flow-CodeBlock's convertCellValue does.
import assert from 'node:assert/strict';
import { test } from 'node:test';

import { convertCell, utf8Pieces } from '../../js/lib/internal/xlsx_rows.js';

test('a character split between pieces, at every offset and piece size, decodes whole', () => {
  const text = 'a张三\u{20000}bé李' + '四'.repeat(5) + '\u{1F600}z';
  const bytes = new TextEncoder().encode(text);
  for (let size = 1; size <= 7; size++) {
    for (let first = 0; first < size; first++) {
      const decode = utf8Pieces();
      let out = decode(bytes.subarray(0, first));
      for (let i = first; i < bytes.length; i += size) out += decode(bytes.subarray(i, i + size));
      assert.equal(out, text, `pieces of ${size} after ${first}`);
    }
  }
});

test('cell text converts as Flow-CodeBlock does', () => {
  const [OTHER, STRING, BOOL, ERROR] = [0, 1, 2, 3];
  assert.equal(convertCell('25', OTHER), 25);
  assert.equal(convertCell('-3.5e2', OTHER), -350);
  assert.equal(convertCell('1,234', OTHER), '1,234');
  assert.equal(convertCell('01-02-24', OTHER), '01-02-24');
  assert.equal(convertCell('', OTHER), '');
  assert.equal(convertCell('25', STRING), '25');
  assert.equal(convertCell('TRUE', BOOL), true);
  assert.equal(convertCell('FALSE', BOOL), false);
  assert.equal(convertCell('#DIV/0!', ERROR), '#DIV/0!');
});
