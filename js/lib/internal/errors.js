'use strict';
// The layer's one error registry, as Node's lib/internal/errors.js. A code is permanent;
// its message may change. Every coded error the layer throws is declared here once:
//
//   E('ERR_X', message, Base)  an error of Node's JS registry: `new codes.ERR_X(...args)`
//                              gives a Base instance with Node 24's shape: own `code`,
//                              `toString()` and the stack's first line read
//                              "TypeError [ERR_X]: message".
//   P('ERR_X', Base)           an error Node throws outside that registry (its C++
//                              bindings, undici, the CommonJS loader): `new plain.ERR_X(message)`
//                              is a plain Base with an own `code`, and no code in the header.
//
// It also holds the layer's branded errors: the host classifies a thrown value by its
// brand (kErrorType), which user code can neither forge nor remove by renaming the error.
// Everything here is frozen when the module loads: the classes live in the frozen realm,
// and module bundles (crypto, url) carry copies of this file that nothing else hardens.
// Refs: https://github.com/nodejs/node/blob/v24.x/lib/internal/errors.js

import {
  ArrayIsArray, ArrayPrototypeIncludes, ArrayPrototypeIndexOf, ArrayPrototypeJoin, ArrayPrototypeSplice, ErrorPrototypeToString, Error_, JSONStringify, NumberIsInteger, ObjectDefineProperty,
  ObjectFreeze, ObjectGetOwnPropertyDescriptor, ObjectIs, RangeError_, ReflectApply, ReflectGetPrototypeOf,
  ReflectOwnKeys, RegExpPrototypeExec, StringPrototypeEndsWith, StringPrototypeIncludes, StringPrototypeSlice, StringPrototypeSplit,
  StringPrototypeStartsWith, StringPrototypeToLowerCase, String_, SymbolPrototypeToString, Symbol_, TypeError_, URIError_,
} from './primordials.js';
import { inspectForUtil } from './inspect.js';

const kErrorType = Symbol_('kErrorType');
const kIsNodeError = Symbol_('kIsNodeError');

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

// -- freezing ------------------------------------------------------------------------------

// A frozen prototype's data property would make `err.toString = f` fail on instances
// (the "override mistake"): an accessor pair keeps that assignment working, as harden.js's
// tameOverride does for the intrinsics.
function tameOverride(proto, key) {
  const { value } = ObjectGetOwnPropertyDescriptor(proto, key);
  const { get, set } = ObjectGetOwnPropertyDescriptor({
    get [key]() { return value; },
    set [key](newValue) {
      if (this === proto) throw new TypeError_(`Cannot assign to read only property '${String_(key)}' of object`);
      ObjectDefineProperty(this, key, { value: newValue, writable: true, enumerable: true, configurable: true });
    },
  }, key);
  ObjectDefineProperty(get, 'originalValue', { value });
  ObjectDefineProperty(proto, key, { get: ObjectFreeze(get), set: ObjectFreeze(set), enumerable: false, configurable: true });
}

function freezeClass(Class) {
  const proto = Class.prototype;
  const keys = ReflectOwnKeys(proto);
  for (let i = 0; i < keys.length; i++) {
    const desc = ObjectGetOwnPropertyDescriptor(proto, keys[i]);
    if ('value' in desc && keys[i] !== 'constructor') tameOverride(proto, keys[i]);
    const member = 'value' in desc ? desc.value : desc.get;
    if (typeof member === 'function') ObjectFreeze(member);
  }
  ObjectFreeze(proto);
  return ObjectFreeze(Class);
}

// -- messages --------------------------------------------------------------------------------

// Node's format for '%s' in a registry message (util.format's, for strings and numbers).
function formatMessage(template, args) {
  const pieces = StringPrototypeSplit(template, '%s');
  let out = pieces[0];
  for (let i = 1; i < pieces.length; i++) out += `${String_(args[i - 1])}${pieces[i]}`;
  return out;
}

function addNumericalSeparator(text) {
  let res = '';
  let i = text.length;
  const start = text[0] === '-' ? 1 : 0;
  for (; i >= start + 4; i -= 3) res = `_${StringPrototypeSlice(text, i - 3, i)}${res}`;
  return `${StringPrototypeSlice(text, 0, i)}${res}`;
}

// How Node describes a received value in ERR_INVALID_ARG_TYPE messages.
function describeReceived(value) {
  if (value == null) return ` Received ${value}`;
  if (typeof value === 'function') return ` Received function ${value.name}`;
  if (typeof value === 'object') {
    if (value.constructor && value.constructor.name) return ` Received an instance of ${value.constructor.name}`;
    // Node: util.inspect(value, { depth: -1 }).
    if (ReflectGetPrototypeOf(value) === null) {
      return ` Received [Object: null prototype]${ReflectOwnKeys(value).length === 0 ? ' {}' : ''}`;
    }
    return ' Received [object Object]';
  }
  let shown = typeof value === 'symbol' ? SymbolPrototypeToString(value) : ObjectIs(value, -0) ? '-0' : String_(value);
  if (shown.length > 28) shown = `${StringPrototypeSlice(shown, 0, 25)}...`;
  if (typeof value === 'string') shown = `'${shown}'`;
  else if (typeof value === 'bigint') shown = `${shown}n`;
  return ` Received type ${typeof value} (${shown})`;
}

function formatList(items, joiner = 'or') {
  if (items.length <= 2) return ArrayPrototypeJoin(items, ` ${joiner} `);
  return `${ArrayPrototypeJoin(sliceArray(items, 0, -1), ', ')}, ${joiner} ${items[items.length - 1]}`;
}

function sliceArray(items, start, end) {
  const out = [];
  const stop = end < 0 ? items.length + end : end;
  for (let i = start; i < stop; i++) out[out.length] = items[i];
  return out;
}

// The messages a caller composes itself (one string argument) are the wordings Node's own
// callers compose for these codes (webidl conversions, validators of a custom expectation).
// Node's kTypes: written capitalised too ('Function', 'Object'), they still name a type.
const kTypes = ['string', 'function', 'number', 'object', 'Function', 'Object', 'boolean', 'bigint', 'symbol'];
const classRegExp = /^([A-Z][a-z0-9]*)+$/;

function invalidArgTypeMessage(name, expected, actual) {
  if (arguments.length === 1) return name;
  const list = ArrayIsArray(expected) ? expected : [expected];
  const types = [];
  const instances = [];
  const other = [];
  for (let i = 0; i < list.length; i++) {
    const value = list[i];
    if (value === 'null') continue;
    if (ArrayPrototypeIncludes(kTypes, value)) types[types.length] = StringPrototypeToLowerCase(value);
    else if (RegExpPrototypeExec(classRegExp, value) !== null) instances[instances.length] = value;
    else other[other.length] = value;
  }
  // As Node: with instances allowed, 'object' is listed among them as Object.
  if (instances.length > 0) {
    const at = ArrayPrototypeIndexOf(types, 'object');
    if (at !== -1) {
      ArrayPrototypeSplice(types, at, 1);
      instances[instances.length] = 'Object';
    }
  }
  const subject = StringPrototypeEndsWith(name, ' argument') ? `The ${name}`
    : `The "${name}" ${StringPrototypeIncludes(name, '.') ? 'property' : 'argument'}`;
  const parts = [];
  if (types.length) parts[parts.length] = `${types.length > 1 ? 'one of type' : 'of type'} ${formatList(types)}`;
  if (instances.length) parts[parts.length] = `an instance of ${formatList(instances)}`;
  if (other.length > 2) parts[parts.length] = `one of ${formatList(other)}`;
  else if (other.length === 2) parts[parts.length] = `one of ${other[0]} or ${other[1]}`;
  else if (other.length === 1) parts[parts.length] = `${StringPrototypeToLowerCase(other[0]) !== other[0] ? 'an ' : ''}${other[0]}`;
  return `${subject} must be ${ArrayPrototypeJoin(parts, ' or ')}.${describeReceived(actual)}`;
}

function invalidArgValueMessage(name, value, reason = 'is invalid') {
  if (arguments.length === 1) return name;
  // Node: util.inspect(value), cut at 128 characters.
  let shown = inspectForUtil(value);
  if (shown.length > 128) shown = `${StringPrototypeSlice(shown, 0, 128)}...`;
  const type = StringPrototypeIncludes(name, '.') ? 'property' : 'argument';
  return `The ${type} '${name}' ${reason}. Received ${shown}`;
}

function outOfRangeMessage(name, range, received) {
  if (arguments.length === 1) return name;
  let shown;
  if (NumberIsInteger(received) && (received > 2 ** 32 || received < -(2 ** 32))) shown = addNumericalSeparator(String_(received));
  else if (typeof received === 'bigint') {
    shown = String_(received);
    if (received > 2n ** 32n || received < -(2n ** 32n)) shown = addNumericalSeparator(shown);
    shown += 'n';
  } else if (ObjectIs(received, -0)) shown = '-0';
  else shown = typeof received === 'string' ? `'${received}'` : String_(received);
  return `The value of "${name}" is out of range. It must be ${range}. Received ${shown}`;
}

function missingArgsMessage(...names) {
  const quoted = [];
  for (let i = 0; i < names.length; i++) quoted[quoted.length] = `"${names[i]}"`;
  const plural = names.length > 1;
  return `The ${formatList(quoted, 'and')} argument${plural ? 's' : ''} must be specified`;
}

// -- the registry ------------------------------------------------------------------------------

const codes = { __proto__: null };
const plain = { __proto__: null };

// V8 writes the stack's first line as Error.prototype.toString does; Node's
// prepareStackTrace adds the code. A stack that a user's Error.prepareStackTrace wrote
// is left as it is, as in Node.
function addCodeToStackHeader(err, key) {
  const header = ErrorPrototypeToString(err);
  const stack = err.stack;
  if (typeof stack !== 'string' || !StringPrototypeStartsWith(stack, header)) return;
  err.stack = `${err.name} [${key}]: ${err.message}${StringPrototypeSlice(stack, header.length)}`;
}

function E(key, message, Base) {
  const compose = typeof message === 'function' ? message : (...args) => formatMessage(message, args);
  // A message without arguments goes to the base constructor, as Node does (own properties
  // then come in Node's order: stack, message, code).
  const fixed = typeof message === 'string' && !StringPrototypeIncludes(message, '%s') ? message : undefined;
  class NodeError extends Base {
    code = key;

    constructor(...args) {
      if (fixed !== undefined) {
        super(fixed);
      } else {
        super();
        ObjectDefineProperty(this, 'message', {
          __proto__: null, value: ReflectApply(compose, this, args), enumerable: false, writable: true, configurable: true,
        });
      }
      addCodeToStackHeader(this, key);
    }

    // As Node: `err.constructor` is the base class (the class here is an implementation detail).
    get ['constructor']() { return Base; }

    get [kIsNodeError]() { return true; }

    toString() { return `${this.name} [${key}]: ${this.message}`; }
  }
  codes[key] = freezeClass(NodeError);
}

function P(key, Base) {
  // Called with `new`: a constructor that returns an object gives that object, a Base.
  function PlainError(message) {
    const err = new Base(message);
    err.code = key;
    return err;
  }
  plain[key] = ObjectFreeze(PlainError);
}

// The layer's own errors, branded for the host. SecurityError is the base of ERR_ACCESS_DENIED.
class SecurityError extends Error_ {
  constructor(message) {
    super(message);
    brand(this, 'SecurityError');
  }
}
ObjectDefineProperty(SecurityError.prototype, 'name', { value: 'SecurityError', configurable: true, writable: true });
freezeClass(SecurityError);

E('ERR_ACCESS_DENIED', (message) => message, SecurityError);
E('ERR_BUFFER_OUT_OF_BOUNDS', (name) => (name ? `"${name}" is outside of buffer bounds`
  : 'Attempt to access memory outside buffer bounds'), RangeError_);
E('ERR_CONSTRUCT_CALL_REQUIRED', 'Cannot call constructor without `new`', TypeError_);
E('ERR_CRYPTO_ECDH_INVALID_FORMAT', 'Invalid ECDH format: %s', TypeError_);
E('ERR_CRYPTO_ECDH_INVALID_PUBLIC_KEY', 'Public key is not valid for specified curve', Error_);
E('ERR_CRYPTO_HASH_FINALIZED', 'Digest already called', Error_);
E('ERR_CRYPTO_HASH_UPDATE_FAILED', 'Hash update failed', Error_);
E('ERR_CRYPTO_INCOMPATIBLE_KEY', 'Incompatible %s: %s', Error_);
E('ERR_CRYPTO_INCOMPATIBLE_KEY_OPTIONS', 'The selected key encoding %s %s.', Error_);
E('ERR_CRYPTO_INVALID_AUTH_TAG', 'Invalid authentication tag length: %s', TypeError_);
E('ERR_CRYPTO_INVALID_DIGEST', 'Invalid digest: %s', TypeError_);
E('ERR_CRYPTO_INVALID_IV', 'Invalid initialization vector', TypeError_);
E('ERR_CRYPTO_INVALID_KEY_OBJECT_TYPE', 'Invalid key object type %s, expected %s.', TypeError_);
E('ERR_CRYPTO_INVALID_KEYLEN', 'Invalid key length', RangeError_);
E('ERR_CRYPTO_INVALID_SCRYPT_PARAMS', (detail) => (detail ? `Invalid scrypt params: ${detail}` : 'Invalid scrypt params'),
  RangeError_);
E('ERR_CRYPTO_INVALID_STATE', 'Invalid state for operation %s', Error_);
E('ERR_CRYPTO_JWK_UNSUPPORTED_CURVE', 'Unsupported JWK EC curve: %s.', Error_);
E('ERR_CRYPTO_JWK_UNSUPPORTED_KEY_TYPE', 'Unsupported JWK Key Type.', Error_);
E('ERR_CRYPTO_TIMING_SAFE_EQUAL_LENGTH', 'Input buffers must have the same byte length', RangeError_);
E('ERR_CRYPTO_UNKNOWN_CIPHER', 'Unknown cipher', Error_);
E('ERR_ENCODING_INVALID_ENCODED_DATA', 'The encoded data was not valid for encoding %s', TypeError_);
E('ERR_ENCODING_NOT_SUPPORTED', 'The "%s" encoding is not supported', RangeError_);
E('ERR_FEATURE_UNAVAILABLE_ON_PLATFORM', '%s', Error_);
E('ERR_ILLEGAL_CONSTRUCTOR', 'Illegal constructor', TypeError_);
E('ERR_INCOMPATIBLE_OPTION_PAIR', 'Option "%s" cannot be used in combination with option "%s"', TypeError_);
E('ERR_INVALID_ARG_TYPE', invalidArgTypeMessage, TypeError_);
E('ERR_INVALID_ARG_VALUE', invalidArgValueMessage, TypeError_);
E('ERR_INVALID_BUFFER_SIZE', 'Buffer size must be a multiple of %s', RangeError_);
E('ERR_INVALID_RETURN_VALUE', (input, name, value) => {
  const type = value?.constructor?.name ? `instance of ${value.constructor.name}` : `type ${typeof value}`;
  return `Expected ${input} to be returned from the "${name}" function but got ${type}.`;
}, TypeError_);
E('ERR_INVALID_FILE_URL_HOST', 'File URL host must be "localhost" or empty on %s', TypeError_);
E('ERR_INVALID_FILE_URL_PATH', 'File URL path %s', TypeError_);
E('ERR_INVALID_STATE', 'Invalid state: %s', Error_);
E('ERR_INVALID_THIS', 'Value of "this" must be of type %s', TypeError_);
E('ERR_INVALID_URI', 'URI malformed', URIError_);
E('ERR_INVALID_URL_SCHEME', 'The URL must be of scheme %s', TypeError_);
E('ERR_METHOD_NOT_IMPLEMENTED', 'The %s method is not implemented', Error_);
E('ERR_MISSING_ARGS', missingArgsMessage, TypeError_);
E('ERR_MISSING_PASSPHRASE', 'Passphrase required for encrypted key', TypeError_);
E('ERR_MULTIPLE_CALLBACK', 'Callback called multiple times', Error_);
// The layer's own: Node offers no Blob streams here (see README).
E('ERR_NOT_SUPPORTED', '%s', Error_);
E('ERR_OUT_OF_RANGE', outOfRangeMessage, RangeError_);
E('ERR_PARSE_ARGS_INVALID_OPTION_VALUE', '%s', TypeError_);
E('ERR_PARSE_ARGS_UNEXPECTED_POSITIONAL', (positional) =>
  `Unexpected argument '${positional}'. This command does not take positional arguments`, TypeError_);
E('ERR_PARSE_ARGS_UNKNOWN_OPTION', (option, allowPositionals) => {
  const suggestDashDash = allowPositionals ? '. To specify a positional argument starting with a \'-\', place it at ' +
    `the end of the command after '--', as in '-- ${JSONStringify(option)}` : '';
  return `Unknown option '${option}'${suggestDashDash}`;
}, TypeError_);
// The layer's own: process.exit() ends the execution (the host reports it as a RuntimeError).
E('ERR_PROCESS_EXIT', (code) =>
  `process.exit(${code === undefined ? '' : code}) was called: a code block ends by returning its result`, Error_);
E('ERR_STREAM_ALREADY_FINISHED', 'Cannot call %s after a stream was finished', Error_);
E('ERR_STREAM_CANNOT_PIPE', 'Cannot pipe, not readable', Error_);
E('ERR_STREAM_DESTROYED', 'Cannot call %s after a stream was destroyed', Error_);
E('ERR_STREAM_NULL_VALUES', 'May not write null values to stream', TypeError_);
E('ERR_STREAM_PREMATURE_CLOSE', 'Premature close', Error_);
E('ERR_STREAM_PUSH_AFTER_EOF', 'stream.push() after EOF', Error_);
E('ERR_STREAM_UNSHIFT_AFTER_END_EVENT', 'stream.unshift() after end event', Error_);
E('ERR_STREAM_WRITE_AFTER_END', 'write after end', Error_);
E('ERR_UNKNOWN_ENCODING', 'Unknown encoding: %s', TypeError_);

P('ERR_CONSTRUCT_CALL_REQUIRED', TypeError_);
P('ERR_CRYPTO_ECDH_INVALID_PUBLIC_KEY', Error_);
P('ERR_CRYPTO_INCOMPATIBLE_KEY_OPTIONS', Error_);
P('ERR_CRYPTO_INVALID_CURVE', TypeError_);
P('ERR_CRYPTO_INVALID_DIGEST', TypeError_);
P('ERR_CRYPTO_INVALID_JWK', TypeError_);
P('ERR_CRYPTO_INVALID_KEYTYPE', RangeError_);
P('ERR_CRYPTO_OPERATION_FAILED', Error_);
P('ERR_CRYPTO_UNSUPPORTED_OPERATION', Error_);
P('ERR_CRYPTO_INVALID_IV', TypeError_);
P('ERR_CRYPTO_INVALID_KEYLEN', RangeError_);
P('ERR_CRYPTO_INVALID_SCRYPT_PARAMS', RangeError_);
P('ERR_CRYPTO_INVALID_STATE', Error_);
P('ERR_CRYPTO_TIMING_SAFE_EQUAL_LENGTH', RangeError_);
P('ERR_CRYPTO_UNKNOWN_CIPHER', Error_);
P('ERR_ENCODING_INVALID_ENCODED_DATA', TypeError_);
P('ERR_INVALID_ARG_TYPE', TypeError_);
P('ERR_INVALID_ARG_VALUE', TypeError_);
P('ERR_INVALID_THIS', TypeError_);
P('ERR_INVALID_URL', TypeError_);
P('ERR_INVALID_URL_PATTERN', TypeError_);
P('ERR_MISSING_ARGS', TypeError_);
P('ERR_MISSING_OPTION', TypeError_);
P('ERR_OPERATION_FAILED', TypeError_);
P('ERR_OSSL_ASN1_WRONG_TAG', Error_);
P('ERR_OSSL_BAD_DECRYPT', Error_);
P('ERR_OSSL_CRYPTO_INTERRUPTED_OR_CANCELLED', Error_);
P('ERR_OSSL_EC_INVALID_PRIVATE_KEY', Error_);
P('ERR_OSSL_EVP_OPERATION_NOT_SUPPORTED_FOR_THIS_KEYTYPE', Error_);
P('ERR_OSSL_INVALID_DIGEST', Error_);
P('ERR_OSSL_EVP_DECODE_ERROR', Error_);
P('ERR_OSSL_PEM_BAD_END_LINE', Error_);
P('ERR_OSSL_PEM_NO_START_LINE', Error_);
P('ERR_OSSL_MISMATCHING_DOMAIN_PARAMETERS', Error_);
P('ERR_OSSL_EVP_NOT_XOF_OR_INVALID_LENGTH', Error_);
P('ERR_OSSL_RSA_DATA_GREATER_THAN_MOD_LEN', Error_);
P('ERR_OSSL_RSA_DATA_TOO_LARGE_FOR_MODULUS', Error_);
P('ERR_OSSL_RSA_OAEP_DECODING_ERROR', Error_);
P('ERR_OSSL_UNSUPPORTED', Error_);
P('ERR_OSSL_WRONG_FINAL_BLOCK_LENGTH', Error_);
// RSA's paddings and key generation (js/lib/crypto/rsa.js).
P('ERR_OSSL_DIGEST_NOT_ALLOWED', Error_);
P('ERR_OSSL_EVP_INVALID_DIGEST', Error_);
P('ERR_OSSL_EVP_PROVIDER_SIGNATURE_NOT_SUPPORTED', Error_);
P('ERR_OSSL_ILLEGAL_OR_UNSUPPORTED_PADDING_MODE', Error_);
P('ERR_OSSL_INVALID_PADDING_MODE', Error_);
P('ERR_OSSL_INVALID_SALT_LENGTH', Error_);
P('ERR_OSSL_OPERATION_NOT_SUPPORTED_FOR_THIS_KEYTYPE', Error_);
P('ERR_OSSL_PSS_SALTLEN_TOO_SMALL', Error_);
P('ERR_OSSL_RSA_DATA_TOO_LARGE_FOR_KEY_SIZE', Error_);
P('ERR_OSSL_RSA_DATA_TOO_SMALL_FOR_KEY_SIZE', Error_);
P('ERR_OSSL_RSA_DIGEST_TOO_BIG_FOR_RSA_KEY', Error_);
P('ERR_OSSL_RSA_INVALID_LENGTH', Error_);
P('ERR_OSSL_RSA_INVALID_PADDING', Error_);
P('ERR_OSSL_RSA_MISSING_PRIVATE_KEY', Error_);
P('ERR_OSSL_RSA_UNKNOWN_PADDING_TYPE', Error_);
P('ERR_OUT_OF_RANGE', RangeError_);
// Finite-field Diffie-Hellman (js/lib/crypto/dh.js).
P('ERR_CRYPTO_UNKNOWN_DH_GROUP', Error_);
P('ERR_OSSL_DH_BAD_GENERATOR', Error_);
P('ERR_OSSL_DH_MODULUS_TOO_SMALL', Error_);
P('MODULE_NOT_FOUND', Error_);
// The layer's own: the reset after an execution could not put shared state back, and the
// host retires the runtime (execution.js reports the message). Plain, so that nothing reads
// its stack: a user's Error.prepareStackTrace never runs during the reset.
P('ERR_SHARED_STATE_NOT_RESTORED', Error_);
P('U_ILLEGAL_ARGUMENT_ERROR', Error_);
P('U_INVALID_CHAR_FOUND', Error_);

// Node's AbortError (lib/internal/errors.js): what an aborted stream operation rejects with.
class AbortError extends Error_ {
  constructor(message = 'The operation was aborted', options = undefined) {
    if (options !== undefined && typeof options !== 'object') {
      throw new codes.ERR_INVALID_ARG_TYPE('options', 'Object', options);
    }
    super(message, options);
    this.code = 'ABORT_ERR';
    this.name = 'AbortError';
  }
}
freezeClass(AbortError);

// As Node's uvException: a network error's cause, a plain Error with the system's code
// (ECONNREFUSED, ENOTFOUND, ...), which no registry lists.
function systemError(message, code) {
  const err = new Error_(message);
  err.code = code;
  return err;
}

ObjectFreeze(codes);
ObjectFreeze(plain);
// The layer's SecurityError, as callers name it: ERR_ACCESS_DENIED's class.
const { ERR_ACCESS_DENIED: SecurityErrorWithCode } = codes;

export {
  AbortError, codes, plain, SecurityErrorWithCode as SecurityError, brand, errorTypeOf, systemError, describeReceived, addNumericalSeparator, kIsNodeError,
};
