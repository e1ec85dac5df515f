'use strict';
// Node's coded errors (a subset of lib/internal/errors.js): same classes, `code`
// values and messages as Node 24 prints them.

function makeNodeError(Base, code, message) {
  const err = new Base(message);
  Object.defineProperty(err, 'code', { value: code, enumerable: true, writable: true, configurable: true });
  // Node shows the code in the stack's first line: "TypeError [ERR_X]: message".
  if (typeof err.stack === 'string') {
    err.stack = `${err.name} [${code}]: ${message}${err.stack.slice(err.stack.indexOf('\n'))}`;
  }
  return err;
}

function addNumericalSeparator(text) {
  let res = '';
  let i = text.length;
  const start = text[0] === '-' ? 1 : 0;
  for (; i >= start + 4; i -= 3) res = `_${text.slice(i - 3, i)}${res}`;
  return `${text.slice(0, i)}${res}`;
}

// How Node describes a received value in ERR_INVALID_ARG_TYPE messages.
function describeReceived(value) {
  if (value == null) return ` Received ${value}`;
  if (typeof value === 'function') return ` Received function ${value.name}`;
  if (typeof value === 'object') {
    if (value.constructor && value.constructor.name) return ` Received an instance of ${value.constructor.name}`;
    // Node: util.inspect(value, { depth: -1 }).
    if (Reflect.getPrototypeOf(value) === null) {
      return ` Received [Object: null prototype]${Reflect.ownKeys(value).length === 0 ? ' {}' : ''}`;
    }
    return ' Received [object Object]';
  }
  let shown = typeof value === 'symbol' ? value.toString() : Object.is(value, -0) ? '-0' : String(value);
  if (shown.length > 28) shown = `${shown.slice(0, 25)}...`;
  if (typeof value === 'string') shown = `'${shown}'`;
  else if (typeof value === 'bigint') shown = `${shown}n`;
  return ` Received type ${typeof value} (${shown})`;
}

function formatList(items, joiner = 'or') {
  if (items.length <= 2) return items.join(` ${joiner} `);
  return `${items.slice(0, -1).join(', ')}, ${joiner} ${items[items.length - 1]}`;
}

// expected: e.g. ['number'] or ['string', 'Buffer', 'TypedArray'] (capitalised names are instances).
function invalidArgType(name, expected, actual) {
  const types = expected.filter((e) => e[0] === e[0].toLowerCase() && e !== 'null');
  const instances = expected.filter((e) => e[0] !== e[0].toLowerCase());
  const subject = name.endsWith(' argument') ? `The ${name}` : `The "${name}" ${name.includes('.') ? 'property' : 'argument'}`;
  let msg = `${subject} must be `;
  const parts = [];
  if (types.length) parts.push(`${types.length > 1 ? 'one of type' : 'of type'} ${formatList(types)}`);
  if (instances.length) parts.push(`an instance of ${formatList(instances)}`);
  msg += parts.join(' or ');
  return makeNodeError(TypeError, 'ERR_INVALID_ARG_TYPE', `${msg}.${describeReceived(actual)}`);
}

// ERR_INVALID_ARG_TYPE when the expectation is not a type: "must be a safe integer".
function invalidArgTypeMessage(name, expectation, actual) {
  const subject = `The "${name}" ${name.includes('.') ? 'property' : 'argument'}`;
  return makeNodeError(TypeError, 'ERR_INVALID_ARG_TYPE', `${subject} must be ${expectation}.${describeReceived(actual)}`);
}

function outOfRange(name, range, received) {
  let shown;
  if (Number.isInteger(received) && Math.abs(received) > 2 ** 32) shown = addNumericalSeparator(String(received));
  else if (typeof received === 'bigint') {
    shown = String(received);
    if (received > 2n ** 32n || received < -(2n ** 32n)) shown = addNumericalSeparator(shown);
    shown += 'n';
  } else if (Object.is(received, -0)) shown = '-0';
  else shown = typeof received === 'string' ? `'${received}'` : String(received);
  return makeNodeError(RangeError, 'ERR_OUT_OF_RANGE',
    `The value of "${name}" is out of range. It must be ${range}. Received ${shown}`);
}

function invalidArgValue(name, value, reason = 'is invalid') {
  let shown = typeof value === 'string' ? `'${value}'` : String(value);
  if (shown.length > 128) shown = `${shown.slice(0, 128)}...`;
  const type = name.includes('.') ? 'property' : 'argument';
  return makeNodeError(TypeError, 'ERR_INVALID_ARG_VALUE', `The ${type} '${name}' ${reason}. Received ${shown}`);
}

function bufferOutOfBounds(name) {
  return makeNodeError(RangeError, 'ERR_BUFFER_OUT_OF_BOUNDS',
    name ? `"${name}" is outside of buffer bounds` : 'Attempt to access memory outside buffer bounds');
}

function unknownEncoding(encoding) {
  return makeNodeError(TypeError, 'ERR_UNKNOWN_ENCODING', `Unknown encoding: ${encoding}`);
}

export {
  makeNodeError, invalidArgType, invalidArgTypeMessage, outOfRange, invalidArgValue, bufferOutOfBounds, unknownEncoding,
  describeReceived, addNumericalSeparator,
};
