// The error registry (js/lib/internal/errors.js) against the errors Node 24 itself throws:
// same class, name, code, message, toString() and first stack line.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Buffer } from 'node:buffer';
import { createRequire } from 'node:module';
import { codes, plain, SecurityError, errorTypeOf, brand } from '../../js/lib/internal/errors.js';

const require = createRequire(import.meta.url);

function thrown(fn) {
  try { fn(); } catch (err) { return err; }
  assert.fail('expected a throw');
}

function shape(err) {
  return {
    base: err.constructor.name,
    name: err.name, code: err.code, message: err.message, string: String(err),
    header: err.stack.split('\n')[0], keys: Object.keys(err), own: Object.getOwnPropertyNames(err).sort(),
  };
}

const pairs = [
  ['ERR_INVALID_ARG_TYPE', () => Buffer.alloc('x'), () => new codes.ERR_INVALID_ARG_TYPE('size', 'number', 'x')],
  ['ERR_INVALID_ARG_TYPE of an instance', () => new TextEncoder().encodeInto('a', 1),
    () => new codes.ERR_INVALID_ARG_TYPE('dest', 'Uint8Array', 1)],
  ['ERR_OUT_OF_RANGE', () => Buffer.alloc(2).fill('a', 0, 5),
    () => new codes.ERR_OUT_OF_RANGE('end', '>= 0 && <= 2', 5)],
  ['ERR_UNKNOWN_ENCODING', () => Buffer.alloc(2).toString('nope'), () => new codes.ERR_UNKNOWN_ENCODING('nope')],
  ['ERR_BUFFER_OUT_OF_BOUNDS', () => Buffer.alloc(2).readUInt32LE(0), () => new codes.ERR_BUFFER_OUT_OF_BOUNDS()],
  ['ERR_INVALID_ARG_VALUE', () => require(''),
    () => new codes.ERR_INVALID_ARG_VALUE('id', '', 'must be a non-empty string')],
  ['ERR_MISSING_ARGS of two', () => new File(), () => new codes.ERR_MISSING_ARGS('fileBits', 'fileName')],
  ['ERR_ILLEGAL_CONSTRUCTOR', () => new Navigator(), () => new codes.ERR_ILLEGAL_CONSTRUCTOR()],
  ['ERR_INVALID_THIS', () => crypto.getRandomValues.call({}, new Uint8Array(1)), () => new codes.ERR_INVALID_THIS('Crypto')],
  ['ERR_CRYPTO_HASH_FINALIZED', () => { const h = require('crypto').createHash('sha256'); h.digest(); h.digest(); },
    () => new codes.ERR_CRYPTO_HASH_FINALIZED()],
  ['ERR_INVALID_URL_SCHEME', () => require('url').fileURLToPath('http://x'), () => new codes.ERR_INVALID_URL_SCHEME('file')],
  ['ERR_PARSE_ARGS_UNKNOWN_OPTION', () => require('util').parseArgs({ args: ['--x'], options: {} }),
    () => new codes.ERR_PARSE_ARGS_UNKNOWN_OPTION('--x', false)],
  ['ERR_INVALID_URL (plain)', () => new URL('x'), () => { const e = new plain.ERR_INVALID_URL('Invalid URL'); e.input = 'x'; return e; }],
  ['ERR_CRYPTO_INVALID_KEYLEN (plain)', () => require('crypto').createCipheriv('aes-128-cbc', Buffer.alloc(3), Buffer.alloc(16)),
    () => new plain.ERR_CRYPTO_INVALID_KEYLEN('Invalid key length')],
];

for (const [label, node, ours] of pairs) {
  test(`${label} is Node's error`, () => {
    const expected = thrown(node);
    const actual = ours();
    assert.deepEqual(shape(actual), shape(expected));
    assert.equal(actual.constructor, expected.constructor);
    assert.ok(actual instanceof expected.constructor);
  });
}

test('MODULE_NOT_FOUND is a plain Error with the code, as Node\'s require gives it', () => {
  const expected = thrown(() => require('no-such-module-here'));
  const actual = new plain.MODULE_NOT_FOUND("Cannot find module 'no-such-module-here'");
  assert.equal(Object.getPrototypeOf(actual), Object.getPrototypeOf(expected));
  assert.equal(actual.code, expected.code);
  assert.equal(actual.stack.split('\n')[0], expected.stack.split('\n')[0]);
  assert.equal(String(actual), expected.message.split('\n')[0].replace(/^/, 'Error: '));
});

test('a message from the caller is kept as it is (wordings Node composes at the call site)', () => {
  const err = new codes.ERR_INVALID_ARG_TYPE('Invalid key object type public, expected private.');
  assert.equal(err.message, 'Invalid key object type public, expected private.');
  assert.equal(String(err), 'TypeError [ERR_INVALID_ARG_TYPE]: Invalid key object type public, expected private.');
});

test('a multi-line message keeps its lines in the stack header', () => {
  const err = new codes.ERR_NOT_SUPPORTED('first\nsecond');
  assert.ok(err.stack.startsWith('Error [ERR_NOT_SUPPORTED]: first\nsecond\n'));
});

test('SecurityError is branded for the host and carries ERR_ACCESS_DENIED', () => {
  const err = new SecurityError('Module "fs" is not available');
  assert.equal(errorTypeOf(err), 'SecurityError');
  assert.equal(err.name, 'SecurityError');
  assert.equal(err.code, 'ERR_ACCESS_DENIED');
  assert.equal(String(err), 'SecurityError [ERR_ACCESS_DENIED]: Module "fs" is not available');
  assert.ok(err instanceof Error);
  err.name = 'Renamed';
  assert.equal(errorTypeOf(err), 'SecurityError', 'renaming keeps the brand');
  assert.equal(errorTypeOf(new Error('x')), undefined);
  assert.equal(errorTypeOf(brand(new Error('x'), 'ConsoleDisabledError')), 'ConsoleDisabledError');
  assert.equal(errorTypeOf(null), undefined);
});

test('the registry and its classes are frozen', () => {
  assert.ok(Object.isFrozen(codes));
  assert.ok(Object.isFrozen(plain));
  for (const Class of Object.values(codes)) {
    assert.ok(Object.isFrozen(Class), Class.name);
    assert.ok(Object.isFrozen(Class.prototype), Class.name);
  }
  for (const make of Object.values(plain)) assert.ok(Object.isFrozen(make));
  assert.throws(() => { 'use strict'; codes.ERR_NEW = 1; }, TypeError);
});

test('an instance can still take its own toString and name (the override mistake is tamed)', () => {
  const err = new codes.ERR_INVALID_THIS('X');
  err.toString = () => 'mine';
  err.name = 'Mine';
  assert.equal(String(err), 'mine');
  assert.equal(err.name, 'Mine');
  assert.equal(String(new codes.ERR_INVALID_THIS('X')), 'TypeError [ERR_INVALID_THIS]: Value of "this" must be of type X');
  const proto = Object.getPrototypeOf(err);
  assert.throws(() => { proto.toString = () => 'everyone'; }, TypeError);
});
