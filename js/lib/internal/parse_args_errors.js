'use strict';
// util.parseArgs is the @pkgjs/parseargs package, Node's upstream of it; the build gives
// it these in place of its own internal/errors.js, internal/validators.js and
// internal/primordials.js, so that its errors are Node 24's (the registry's codes).

import { codes, describeReceived } from './errors.js';
import {
  ArrayIsArray, ArrayPrototypeFind, ArrayPrototypeForEach, ArrayPrototypeIncludes, ArrayPrototypeJoin, ArrayPrototypeMap,
  ArrayPrototypePush, ArrayPrototypeShift, ArrayPrototypeSlice, ArrayPrototypeUnshift, ObjectCreate, ObjectEntries,
  ObjectFreeze, ObjectPrototypeHasOwnProperty, StringPrototypeCharAt, StringPrototypeIncludes,
  StringPrototypeIndexOf, StringPrototypeSlice, StringPrototypeStartsWith,
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

// The layer's primordials, so that no runtime pays for the package's own copy of every global (docs/performance.md).
const primordials = {
  ArrayIsArray,
  ArrayPrototypeFind,
  ArrayPrototypeForEach,
  ArrayPrototypeIncludes,
  ArrayPrototypeJoin,
  ArrayPrototypeMap,
  ArrayPrototypePush,
  ArrayPrototypePushApply: (self, items) => {
    for (let i = 0; i < items.length; i++) ArrayPrototypePush(self, items[i]);
    return self.length;
  },
  ArrayPrototypeShift,
  ArrayPrototypeSlice,
  ArrayPrototypeUnshiftApply: (self, items) => {
    for (let i = items.length - 1; i >= 0; i--) ArrayPrototypeUnshift(self, items[i]);
    return self.length;
  },
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
