'use strict';
// require('assert'): Node's assertion functions with AssertionError (code
// ERR_ASSERTION) and Node's messages for the common cases. Deep-equality failures
// give a short message instead of Node's full diff.

import util from './util.js';
import { inspect } from './internal/inspect.js';

const show = (v) => (typeof v === 'string' ? `'${v}'` : inspect(v, 1));

// ERR_ASSERTION is AssertionError's own, as in Node (lib/internal/assert/assertion_error.js),
// not the registry's: an own `name` holds the code while the stack is written, so the
// header reads "AssertionError [ERR_ASSERTION]: message", then becomes 'AssertionError'.
class AssertionError extends Error {
  constructor(options) {
    super(options.message);
    this.generatedMessage = !options.userMessage;
    Object.defineProperty(this, 'name', {
      value: 'AssertionError [ERR_ASSERTION]', enumerable: false, writable: true, configurable: true,
    });
    this.code = 'ERR_ASSERTION';
    this.actual = options.actual;
    this.expected = options.expected;
    this.operator = options.operator;
    this.stack; // writes the stack with the name above
    this.name = 'AssertionError';
  }

  toString() { return `${this.name} [${this.code}]: ${this.message}`; }
}
Object.defineProperty(AssertionError.prototype, 'name', { value: 'AssertionError', writable: true, configurable: true });

function fail(actual, expected, message, operator, generated) {
  if (message instanceof Error) throw message;
  throw new AssertionError({
    message: message === undefined ? generated : `${message}`, userMessage: message !== undefined, actual, expected, operator,
  });
}

function withDiff(message, a, op, b) {
  return message === undefined ? undefined : `${message}\n\n${show(a)} ${op} ${show(b)}\n`;
}

function ok(...args) {
  if (args.length === 0) fail(undefined, true, undefined, '==', 'No value argument passed to `assert.ok()`');
  if (!args[0]) fail(args[0], true, args[1], '==', 'The expression evaluated to a falsy value');
}

function loose(a, b) { return a == b || (Number.isNaN(a) && Number.isNaN(b)); } // eslint-disable-line eqeqeq

const assert = (...args) => ok(...args);
Object.assign(assert, {
  AssertionError,
  ok,
  fail(message) {
    fail(undefined, undefined, message, 'fail', 'Failed');
  },
  equal(a, b, message) { if (!loose(a, b)) fail(a, b, message, '==', `${show(a)} == ${show(b)}`); },
  notEqual(a, b, message) { if (loose(a, b)) fail(a, b, message, '!=', `${show(a)} != ${show(b)}`); },
  strictEqual(a, b, message) {
    if (!Object.is(a, b)) {
      fail(a, b, withDiff(message, a, '!==', b), 'strictEqual', `Expected values to be strictly equal:\n\n${show(a)} !== ${show(b)}\n`);
    }
  },
  notStrictEqual(a, b, message) {
    if (Object.is(a, b)) fail(a, b, message, 'notStrictEqual', `Expected "actual" to be strictly unequal to: ${show(b)}`);
  },
  deepStrictEqual(a, b, message) {
    if (!util.isDeepStrictEqual(a, b)) fail(a, b, message, 'deepStrictEqual', `Expected values to be strictly deep-equal:\n${show(a)}\n\nshould equal\n\n${show(b)}`);
  },
  notDeepStrictEqual(a, b, message) {
    if (util.isDeepStrictEqual(a, b)) fail(a, b, message, 'notDeepStrictEqual', `Expected "actual" not to be strictly deep-equal to: ${show(b)}`);
  },
  deepEqual(a, b, message) {
    if (!util.isDeepStrictEqual(JSON.parse(JSON.stringify(a ?? null)), JSON.parse(JSON.stringify(b ?? null))) && !loose(a, b)) {
      fail(a, b, message, 'deepEqual', `Expected values to be loosely deep-equal:\n\n${show(a)}\n\nshould loosely deep-equal\n\n${show(b)}`);
    }
  },
  notDeepEqual(a, b, message) {
    if (util.isDeepStrictEqual(a, b)) fail(a, b, message, 'notDeepEqual', `Expected "actual" not to be loosely deep-equal to: ${show(b)}`);
  },
  match(string, regexp, message) {
    if (!regexp.test(string)) fail(string, regexp, message, 'match', `The input did not match the regular expression ${regexp}. Input:\n\n${show(string)}\n`);
  },
  doesNotMatch(string, regexp, message) {
    if (regexp.test(string)) fail(string, regexp, message, 'doesNotMatch', `The input was expected to not match the regular expression ${regexp}. Input:\n\n${show(string)}\n`);
  },
  throws(fn, expected, message) {
    try { fn(); } catch (err) { checkExpected(err, expected, message); return; }
    if (typeof expected === 'string') { message = expected; expected = undefined; }
    fail(undefined, expected, message, 'throws', 'Missing expected exception.');
  },
  async rejects(promiseOrFn, expected, message) {
    try { await (typeof promiseOrFn === 'function' ? promiseOrFn() : promiseOrFn); } catch (err) { checkExpected(err, expected, message); return; }
    fail(undefined, expected, message, 'rejects', 'Missing expected rejection.');
  },
  doesNotThrow(fn, message) {
    try { fn(); } catch (err) { fail(err, undefined, message, 'doesNotThrow', `Got unwanted exception.\nActual message: "${err?.message}"`); }
  },
  async doesNotReject(promiseOrFn, message) {
    try { await (typeof promiseOrFn === 'function' ? promiseOrFn() : promiseOrFn); } catch (err) {
      fail(err, undefined, message, 'doesNotReject', `Got unwanted rejection.\nActual message: "${err?.message}"`);
    }
  },
  ifError(value) { if (value !== null && value !== undefined) throw value instanceof Error ? value : new AssertionError({ message: `ifError got unwanted exception: ${show(value)}`, operator: 'ifError', actual: value }); },
});

function checkExpected(err, expected, message) {
  if (expected === undefined || typeof expected === 'string') return;
  if (typeof expected === 'function') {
    if (expected.prototype !== undefined && err instanceof expected) return;
    if (Object.prototype.isPrototypeOf.call(Error, expected) || expected === Error) throw err;
    if (expected.call({}, err) === true) return;
    fail(err, expected, message, 'throws', 'The validation function is expected to return "true". Received false');
  }
  if (expected instanceof RegExp) {
    if (expected.test(String(err))) return;
    fail(err, expected, message, 'throws', `The input did not match the regular expression ${expected}. Input:\n\n${show(String(err))}\n`);
  }
  if (typeof expected === 'object') {
    for (const key of Object.keys(expected)) {
      const want = expected[key];
      const got = err?.[key];
      if (want instanceof RegExp && typeof got === 'string' ? !want.test(got) : !util.isDeepStrictEqual(got, want)) {
        fail(err, expected, message, 'throws', `Expected values to be strictly deep-equal:\n${show(got)}\n\nshould equal\n\n${show(want)}`);
      }
    }
  }
}

assert.strict = assert;
export default assert;
