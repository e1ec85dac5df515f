// js/lib/internal/bridge.js in plain Node: every message kind survives a round trip,
// a malformed message is refused saying what is wrong, and the codec reads the same
// table as src/flow_codeblock/bridge.py (tests/unit/test_bridge.py mirrors these).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';

import {
  CALLS, ESCAPED, GLOBALS, LINE_OFFSET, PENDING, SCRIPT_NAME, TAGS,
  decodeCall, decodeFinishReply, decodePayload, decodeReport, decodeRunReply, decodeTakeReply,
  encodeFinish, encodeHostCalls, encodePayload, encodeReport, encodeReset, encodeRun, encodeSettled, encodeTake,
} from '../../js/lib/internal/bridge.js';

const table = JSON.parse(readFileSync(new URL('../../src/flow_codeblock/bridge_constants.json', import.meta.url), 'utf8'));

const RUN = {
  token: 'ab'.repeat(16), ack: 1, id: 7, claimLength: 123, nonce: 'cd'.repeat(16), entropy: 'ef'.repeat(32),
  heapUsed: 4000000, heapTotal: 8000000, modules: 'lodash,dayjs', inputJson: '{"text": "a\\u0000b", "emoji": "😀"}',
};

// decodeCall's record has a null prototype; compare it as a plain object.
const plain = (record) => ({ ...record });

test('a call round trips', () => {
  assert.deepEqual(plain(decodeCall(encodeRun(RUN))), { op: 'run', ...RUN });
  const take = { token: 't', ack: 0, answersJson: '[[1,{"status":200}]]' };
  assert.deepEqual(plain(decodeCall(encodeTake(take))), { op: 'take', ...take });
  assert.deepEqual(plain(decodeCall(encodeTake({ token: 't', ack: 1, answersJson: '' }))),
    { op: 'take', token: 't', ack: 1, answersJson: '' });
  assert.deepEqual(plain(decodeCall(encodeReset({ token: 't', ack: 1 }))), { op: 'reset', token: 't', ack: 1 });
  assert.deepEqual(plain(decodeCall(encodeFinish({ token: 't', ack: 0 }))), { op: 'finish', token: 't', ack: 0 });
});

test('the wire format is the one the host writes', () => {
  assert.equal(encodeReset({ token: 'tok', ack: 1 }), 'reset\0tok\u00001');
  assert.equal(encodeFinish({ token: 'tok', ack: 0 }), 'finish\0tok\u00000');
  assert.equal(encodeRun(RUN), ['run', RUN.token, '1', '7', '123', RUN.nonce, RUN.entropy, '4000000', '8000000', 'lodash,dayjs',
    RUN.inputJson].join('\0'));
});

test('the last field takes the rest of the message', () => {
  assert.equal(decodeCall('take\0t\u00000\0a\0b\0c').answersJson, 'a\0b\0c');
});

test('a decoded call meets no setter of Object.prototype', () => {
  assert.equal(Object.getPrototypeOf(decodeCall('reset\0t\u00001')), null);
});

test('a malformed call is refused with its fault', () => {
  const cases = [
    [{ toString() { return 'run'; } }, 'not a string'],
    ['', "unknown call "],
    ['walk\0t\u00001', 'unknown call walk'],
    ['reset', 'reset: 0 of its 2 fields'],
    ['reset\0t', 'reset: 1 of its 2 fields'],
    ['finish\0t', 'finish: 1 of its 2 fields'],
    ['run\0t\u00001\u00002', 'run: 3 of its 10 fields'],
    ['reset\0t\0yes', 'reset: field ack is not an integer'],
    ['reset\0t\0', 'reset: field ack is not an integer'],
    ['reset\0t\0-', 'reset: field ack is not an integer'],
    ['take\0t\u00001.5\0[]', 'take: field ack is not an integer'],
    ['run\0t\u00001\0x\u00000\0n\0e\u00000\u00000\0\0{}', 'run: field id is not an integer'],
  ];
  for (const [message, fault] of cases) {
    assert.throws(() => decodeCall(message), (err) => err instanceof TypeError &&
      err.message === `malformed host message: ${fault}`, JSON.stringify(String(message)));
  }
});

test('a field holding the separator is refused before it is sent', () => {
  assert.throws(() => encodeRun({ ...RUN, nonce: 'a\0b' }), /field nonce holds the separator/);
});

const LOGS_JSON = JSON.stringify([{ level: 'log', message: 'one\ntwo' }, { level: 'error', message: 'ü 😀' }]);

test('a payload round trips, its body untouched', () => {
  for (const tag of [TAGS.result, TAGS.error, TAGS.undefinedBlock]) {
    const body = '{"b":1,  "a":"\\u00e9"}\n\n';
    const decoded = decodePayload(encodePayload(tag, LOGS_JSON, body));
    assert.deepEqual(decoded, { tag, logs: JSON.parse(LOGS_JSON), body });
    assert.deepEqual(decodeRunReply(encodePayload(tag, '[]', 'null')), { kind: 'payload', payload: { tag, logs: [], body: 'null' } });
  }
});

test('a malformed payload is refused with its fault', () => {
  for (const [text, fault] of [['Q[]\n1', /payload tag Q/], ['', /payload tag undefined/], ['R[]', /without a newline/],
    ['R{}\n1', /logs are not a list/]]) {
    assert.throws(() => decodePayload(text), fault);
  }
  assert.throws(() => decodePayload('R[oops\n1'), SyntaxError);
});

test('run replies', () => {
  assert.deepEqual(decodeRunReply(PENDING), { kind: 'pending' });
  assert.deepEqual(decodeRunReply(ESCAPED), { kind: 'escaped' });
  assert.equal(PENDING, '');
});

test('a report round trips', () => {
  for (const [clean, detail] of [[true, ''], [true, '2 globals'], [false, 'Error: stuck 😀']]) {
    assert.deepEqual(decodeReport(encodeReport(clean, detail)), { clean, detail });
  }
  assert.throws(() => decodeReport('fine'), /neither clean nor dirty/);
});

test('take replies round trip', () => {
  assert.deepEqual(decodeTakeReply(PENDING), { kind: 'pending' });
  const calls = [{ id: 1, op: 'fetch', args: { url: 'http://x/' } }, { id: 1, op: 'cancel' }];
  assert.deepEqual(decodeTakeReply(encodeHostCalls(JSON.stringify(calls))), { kind: 'hostCalls', calls });
  for (const report of [encodeReport(true, '0'), encodeReport(false, 'TypeError: 😀 𝒳 came back'), 'clean:S3:clean:']) {
    const payload = encodePayload(TAGS.result, LOGS_JSON, '{"a":1}');
    assert.deepEqual(decodeTakeReply(encodeSettled(report, payload)),
      { kind: 'settled', report: decodeReport(report), payload: decodePayload(payload) });
  }
});

test('finish replies: a report after a synchronous execution, else a take reply', () => {
  assert.deepEqual(decodeFinishReply(encodeReport(true, '')), { kind: 'report', report: { clean: true, detail: '' } });
  assert.deepEqual(decodeFinishReply(encodeReport(false, 'stuck')), { kind: 'report', report: { clean: false, detail: 'stuck' } });
  assert.deepEqual(decodeFinishReply(PENDING), { kind: 'pending' });
  const payload = encodePayload(TAGS.result, LOGS_JSON, '1');
  assert.equal(decodeFinishReply(encodeSettled(encodeReport(true, ''), payload)).kind, 'settled');
  assert.throws(() => decodeFinishReply('fine'), /take reply tag f/);
});

test('the settled length is the report\'s JS length (UTF-16 units), as the host reads it', () => {
  assert.equal(encodeSettled('dirty:😀', 'R[]\n1'), 'S8:dirty:😀R[]\n1');
});

test('a malformed take reply is refused with its fault', () => {
  for (const [text, fault] of [['Q', /take reply tag Q/], ['S', /settled reply length/], ['Sx:clean:R[]\n1', /length/],
    ['S-1:clean:R[]\n1', /length/], ['S99:clean:R[]\n1', /shorter than its report/], ['S3:clean:R[]\n1', /neither/],
    ['S6:clean:Z[]\n1', /payload tag Z/], ['H{"id":1}', /host calls are not a list/]]) {
    assert.throws(() => decodeTakeReply(text), fault, text);
  }
});

test('the constants are the shared table\'s', () => {
  assert.equal(SCRIPT_NAME, table.scriptName);
  assert.equal(LINE_OFFSET, table.lineOffset);
  assert.deepEqual({ ...TAGS }, table.tags);
  assert.equal(ESCAPED, table.tags.escaped);
  assert.deepEqual({ ...GLOBALS }, { host: '__flow', init: '__flowInit', notify: '__flowNotify' });
  for (const op of ['run', 'take', 'reset', 'finish']) assert.deepEqual(CALLS[op].map((f) => [...f]), table.calls[op]);
});

test('the tables the codec hands out are frozen', () => {
  assert.ok(Object.isFrozen(GLOBALS) && Object.isFrozen(TAGS) && Object.isFrozen(CALLS) && Object.isFrozen(CALLS.run) && Object.isFrozen(CALLS.run[0]));
});
