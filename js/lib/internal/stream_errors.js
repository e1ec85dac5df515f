'use strict';
// What readable-stream's own error file (lib/ours/errors.js) exports, made from the
// layer's one registry (errors.js), so that stream errors carry Node 24's classes,
// codes and messages and no second registry ships in the bundle. js/build.mjs puts
// this file in place of readable-stream's.

import { AbortError, codes as registry } from './errors.js';
import {
  AggregateError_, ArrayIsArray, ArrayPrototypePush, ObjectDefineProperty, ObjectFreeze, ObjectKeys, ReflectConstruct,
} from './primordials.js';

// readable-stream calls some of them without `new` (`ERR_MULTIPLE_CALLBACK()`), as Node's
// registry allows, and extends one (operators.js): each is a constructor function that
// constructs the registry's class, with its prototype.
const codes = { __proto__: null };
const keys = ObjectKeys(registry);
for (let i = 0; i < keys.length; i++) {
  const Class = registry[keys[i]];
  const NodeError = function (...args) { return ReflectConstruct(Class, args, new.target ?? Class); };
  ObjectDefineProperty(NodeError, 'name', { value: keys[i] });
  ObjectDefineProperty(NodeError, 'prototype', { value: Class.prototype, writable: false });
  codes[keys[i]] = ObjectFreeze(NodeError);
}
ObjectFreeze(codes);

function hideStackFrames(fn) { return fn; }

// Node's aggregateTwoErrors: a second error while destroying joins the first one.
function aggregateTwoErrors(innerError, outerError) {
  if (innerError && outerError && innerError !== outerError) {
    if (ArrayIsArray(outerError.errors)) {
      ArrayPrototypePush(outerError.errors, innerError);
      return outerError;
    }
    const err = new AggregateError_([outerError, innerError], outerError.message);
    err.code = outerError.code;
    return err;
  }
  return innerError || outerError;
}

export { AbortError, aggregateTwoErrors, codes, hideStackFrames };
