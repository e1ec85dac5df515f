'use strict';
// Errors the layer raises itself, branded so the host can classify them even when
// user code renames or re-throws them.

import { ObjectDefineProperty } from './primordials.js';

const kErrorType = Symbol('kErrorType');

function brand(err, type) {
  ObjectDefineProperty(err, kErrorType, { value: type, enumerable: false });
  return err;
}

function errorTypeOf(err) {
  try {
    return err !== null && typeof err === 'object' ? err[kErrorType] : undefined;
  } catch {
    return undefined;
  }
}

class SecurityError extends Error {
  constructor(message, code = 'ERR_ACCESS_DENIED') {
    super(message);
    this.code = code;
    brand(this, 'SecurityError');
  }
}
ObjectDefineProperty(SecurityError.prototype, 'name', { value: 'SecurityError', configurable: true, writable: true });

export { SecurityError, brand, errorTypeOf };
