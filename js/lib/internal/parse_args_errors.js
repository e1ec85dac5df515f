'use strict';
// util.parseArgs is the @pkgjs/parseargs package, Node's upstream of it; the build gives
// it these in place of its own internal/errors.js and internal/validators.js, so that
// its errors are Node 24's: TypeErrors, with Node's codes and messages.

import { describeReceived, invalidArgType, invalidArgValue, makeNodeError } from './node_errors.js';

const parseArgsError = (code) => (message) => makeNodeError(TypeError, code, message);
const invalidOptionValue = parseArgsError('ERR_PARSE_ARGS_INVALID_OPTION_VALUE');
const unknownOption = parseArgsError('ERR_PARSE_ARGS_UNKNOWN_OPTION');
const unexpectedPositional = parseArgsError('ERR_PARSE_ARGS_UNEXPECTED_POSITIONAL');

// The package constructs these with `new`; a constructor that returns an object gives that object.
function ERR_INVALID_ARG_TYPE(name, expected, actual) { return invalidArgType(name, [expected], actual); }
function ERR_INVALID_ARG_VALUE(name, value, reason) { return invalidArgValue(name, value, reason); }
function ERR_PARSE_ARGS_INVALID_OPTION_VALUE(message) { return invalidOptionValue(message); }
function ERR_PARSE_ARGS_UNKNOWN_OPTION(option, allowPositionals) {
  const suggestDashDash = allowPositionals ? '. To specify a positional argument starting with a \'-\', place it at ' +
    `the end of the command after '--', as in '-- ${JSON.stringify(option)}` : '';
  return unknownOption(`Unknown option '${option}'${suggestDashDash}`);
}
function ERR_PARSE_ARGS_UNEXPECTED_POSITIONAL(positional) {
  return unexpectedPositional(`Unexpected argument '${positional}'. This command does not take positional arguments`);
}

const codes = {
  ERR_INVALID_ARG_TYPE, ERR_INVALID_ARG_VALUE, ERR_PARSE_ARGS_INVALID_OPTION_VALUE, ERR_PARSE_ARGS_UNKNOWN_OPTION,
  ERR_PARSE_ARGS_UNEXPECTED_POSITIONAL,
};

function validateString(value, name) { if (typeof value !== 'string') throw invalidArgType(name, ['string'], value); }
function validateBoolean(value, name) { if (typeof value !== 'boolean') throw invalidArgType(name, ['boolean'], value); }
function validateArray(value, name) { if (!Array.isArray(value)) throw invalidArgType(name, ['Array'], value); }
function validateUnion(value, name, union) {
  if (union.includes(value)) return;
  const subject = name.includes('.') ? `The "${name}" property` : `The "${name}" argument`;
  throw makeNodeError(TypeError, 'ERR_INVALID_ARG_TYPE', `${subject} must be ('${union.join('|')}').${describeReceived(value)}`);
}
function validateStringArray(value, name) {
  validateArray(value, name);
  for (let i = 0; i < value.length; i++) validateString(value[i], `${name}[${i}]`);
}
function validateBooleanArray(value, name) {
  validateArray(value, name);
  for (let i = 0; i < value.length; i++) validateBoolean(value[i], `${name}[${i}]`);
}
function validateObject(value, name, options) {
  const { allowArray = false, allowFunction = false, nullable = false } = options ?? {};
  if ((!nullable && value === null) || (!allowArray && Array.isArray(value)) ||
      (typeof value !== 'object' && (!allowFunction || typeof value !== 'function'))) {
    throw invalidArgType(name, ['object'], value);
  }
}

const validators = {
  validateArray, validateObject, validateString, validateStringArray, validateUnion, validateBoolean,
  validateBooleanArray,
};

// What the package takes from its own internal/primordials.js, which copies every
// global's methods when it loads (6.7 ms and 0.8 MB per runtime, bench/runtime_cost.py).
const uncurry = (fn) => (self, ...args) => Reflect.apply(fn, self, args);
const A = Array.prototype;
const S = String.prototype;
const primordials = {
  ArrayIsArray: Array.isArray,
  ArrayPrototypeFind: uncurry(A.find),
  ArrayPrototypeForEach: uncurry(A.forEach),
  ArrayPrototypeIncludes: uncurry(A.includes),
  ArrayPrototypeJoin: uncurry(A.join),
  ArrayPrototypeMap: uncurry(A.map),
  ArrayPrototypePush: uncurry(A.push),
  ArrayPrototypePushApply: (self, items) => Reflect.apply(A.push, self, items),
  ArrayPrototypeShift: uncurry(A.shift),
  ArrayPrototypeSlice: uncurry(A.slice),
  ArrayPrototypeUnshiftApply: (self, items) => Reflect.apply(A.unshift, self, items),
  ObjectCreate: Object.create,
  ObjectEntries: Object.entries,
  ObjectFreeze: Object.freeze,
  ObjectPrototypeHasOwnProperty: uncurry(Object.prototype.hasOwnProperty),
  StringPrototypeCharAt: uncurry(S.charAt),
  StringPrototypeIncludes: uncurry(S.includes),
  StringPrototypeIndexOf: uncurry(S.indexOf),
  StringPrototypeSlice: uncurry(S.slice),
  StringPrototypeStartsWith: uncurry(S.startsWith),
};

export { codes, primordials, validators };
