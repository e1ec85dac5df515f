'use strict';
// util.parseArgs is the @pkgjs/parseargs package, Node's upstream of it; the build gives
// it these in place of its own internal/errors.js, internal/validators.js and
// internal/primordials.js, so that its errors are Node 24's (the registry's codes).

import { codes, describeReceived } from './errors.js';
import {
  ArrayIsArray, ArrayPrototypeIncludes, ArrayPrototypeJoin, ObjectCreate, ObjectEntries, ObjectFreeze,
  ObjectPrototypeHasOwnProperty, ReflectApply, StringPrototypeCharAt, StringPrototypeIncludes, StringPrototypeIndexOf,
  StringPrototypeSlice, StringPrototypeStartsWith, uncurryThis,
} from './primordials.js';

const { ERR_INVALID_ARG_TYPE } = codes;

function validateString(value, name) { if (typeof value !== 'string') throw new ERR_INVALID_ARG_TYPE(name, 'string', value); }
function validateBoolean(value, name) { if (typeof value !== 'boolean') throw new ERR_INVALID_ARG_TYPE(name, 'boolean', value); }
function validateArray(value, name) { if (!ArrayIsArray(value)) throw new ERR_INVALID_ARG_TYPE(name, 'Array', value); }
function validateUnion(value, name, union) {
  if (ArrayPrototypeIncludes(union, value)) return;
  const subject = StringPrototypeIncludes(name, '.') ? `The "${name}" property` : `The "${name}" argument`;
  throw new ERR_INVALID_ARG_TYPE(`${subject} must be ('${ArrayPrototypeJoin(union, '|')}').${describeReceived(value)}`);
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
  if ((!nullable && value === null) || (!allowArray && ArrayIsArray(value)) ||
      (typeof value !== 'object' && (!allowFunction || typeof value !== 'function'))) {
    throw new ERR_INVALID_ARG_TYPE(name, 'object', value);
  }
}

const validators = {
  validateArray, validateObject, validateString, validateStringArray, validateUnion, validateBoolean,
  validateBooleanArray,
};

// What the package takes from its own internal/primordials.js, which copies every
// global's methods when it loads (bench/runtime_cost.py): the layer's, where it has them.
const A = Array.prototype;
const primordials = {
  ArrayIsArray,
  ArrayPrototypeFind: uncurryThis(A.find),
  ArrayPrototypeForEach: uncurryThis(A.forEach),
  ArrayPrototypeIncludes,
  ArrayPrototypeJoin,
  ArrayPrototypeMap: uncurryThis(A.map),
  ArrayPrototypePush: uncurryThis(A.push),
  ArrayPrototypePushApply: (self, items) => ReflectApply(A.push, self, items),
  ArrayPrototypeShift: uncurryThis(A.shift),
  ArrayPrototypeSlice: uncurryThis(A.slice),
  ArrayPrototypeUnshiftApply: (self, items) => ReflectApply(A.unshift, self, items),
  ObjectCreate,
  ObjectEntries,
  ObjectFreeze,
  ObjectPrototypeHasOwnProperty,
  StringPrototypeCharAt,
  StringPrototypeIncludes,
  StringPrototypeIndexOf,
  StringPrototypeSlice,
  StringPrototypeStartsWith,
};

export { codes, primordials, validators };
