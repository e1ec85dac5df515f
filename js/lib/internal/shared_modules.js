'use strict';
// What each shared module (modules.js) needs beyond hardening its exports, found by
// an audit of the bundled packages and by tests/security/test_leak_search.py:
// - prepare(exports), before the exports are hardened: samples of objects the module
//   hands out whose prototypes no property path from its exports reaches (hardened
//   with the exports), stubs for functions that would change state no reset can put
//   back, and per-execution replacements. It may return replacement exports.
// - restore(exports): puts back state the module keeps in closures, after every
//   execution (not only those that required the module: a reference kept through a
//   hole elsewhere would reach it from a later one).

import { harden } from './harden.js';
import {
  ObjectDefineProperty, ObjectGetOwnPropertyDescriptor, ObjectKeys, ObjectPrototypeHasOwnProperty, ReflectApply,
  ReflectGetPrototypeOf, ReflectOwnKeys, SymbolAsyncIterator, TypeError_,
} from './primordials.js';

// esbuild's and webpack's ES module interop export getters (date-fns has 250): harden()
// reaches a getter, not the value it returns, so the exports are copied into data
// properties first. `replace` gives some of them other values (a wrapper).
function materialize(exports, replace = {}) {
  if (exports === null || typeof exports !== 'object') return exports;
  const keys = ReflectOwnKeys(exports);
  let accessors = false;
  for (let i = 0; i < keys.length && !accessors; i++) {
    accessors = !('value' in ObjectGetOwnPropertyDescriptor(exports, keys[i]));
  }
  if (!accessors && ObjectKeys(replace).length === 0) return exports;
  const copy = {};
  for (let i = 0; i < keys.length; i++) {
    const desc = ObjectGetOwnPropertyDescriptor(exports, keys[i]);
    const own = ObjectPrototypeHasOwnProperty(replace, keys[i]);
    ObjectDefineProperty(copy, keys[i], {
      value: own ? replace[keys[i]] : 'value' in desc ? desc.value : ReflectApply(desc.get, exports, []),
      writable: false, enumerable: desc.enumerable, configurable: false,
    });
  }
  return copy;
}

// date-fns' setDefaultOptions copies each own key of its argument into the options object
// it keeps, by assignment: a key "__proto__" (`{ ['__proto__']: proxy }`) gave that object
// the caller's prototype, whose traps then ran in later executions' date-fns calls and in
// the reset (its restorer's for-in). The wrapper passes a copy without that key, made the
// way date-fns reads its argument (for-in over own keys), while the caller's code runs.
function withoutProtoKey(original) {
  return {
    setDefaultOptions(options) {
      const copy = {};
      for (const key in options) {
        if (key === '__proto__' || !ObjectPrototypeHasOwnProperty(options, key)) continue;
        ObjectDefineProperty(copy, key, { value: options[key], writable: true, enumerable: true, configurable: true });
      }
      return ReflectApply(original, this, [copy]);
    },
  }.setDefaultOptions;
}

function refuse(name) {
  return function () {
    throw new TypeError_(`${name} is not available in code blocks: it would change the module for every later code block`);
  };
}

const proto = ReflectGetPrototypeOf;

// lodash's _.uniqueId counts per execution, as it would in a fresh Node process.
const uniqueIds = { next: 1 };

// An XML Spreadsheet 2003 workbook: reading it makes SheetJS reset its number-format
// table, column-width unit, date options and code page, which it keeps in closures
// and which its read and write functions change from their input.
const XLML_RESET = '<?xml version="1.0"?><Workbook xmlns="urn:schemas-microsoft-com:office:spreadsheet" ' +
  'xmlns:ss="urn:schemas-microsoft-com:office:spreadsheet"><Worksheet ss:Name="S"><Table>' +
  '<Column ss:Width="64"/></Table></Worksheet></Workbook>';

const hooks = {
  lodash: {
    prepare(_) {
      // The functions replaced below stay reachable from lodash's own closures (its chain
      // wrappers call them): frozen like the rest.
      harden(_.uniqueId);
      harden(_.prototype.uniqueId);
      harden(_.mixin);
      const toString = _.toString;
      const uniqueId = function uniqueId(prefix) { return toString(prefix) + uniqueIds.next++; };
      ObjectDefineProperty(_, 'uniqueId', { value: uniqueId });
      ObjectDefineProperty(_.prototype, 'uniqueId', {
        value: function uniqueIdOfWrapped() { return uniqueId(this.value()); },
      });
      // _.mixin would add to the lodash every execution shares (frozen): refused with a
      // way out, where the default of a silent no-op would leave `_.myFn` undefined.
      const lodashMixin = _.mixin;
      ObjectDefineProperty(_, 'mixin', {
        value: function mixin(object, source, options) {
          const intoShared = object === _ || arguments.length < 2 ||
            (arguments.length === 2 && source !== null && typeof source === 'object' && ObjectKeys(source).length <= 1 &&
              ObjectPrototypeHasOwnProperty(source, 'chain'));
          if (intoShared) {
            throw new TypeError_('_.mixin cannot add to the lodash that every code block shares: use a copy of ' +
              'your own, `const _ = require(\'lodash\').runInContext()`, or mix into an object of yours');
          }
          return ReflectApply(lodashMixin, this, arguments);
        },
      });
      harden(proto(_.chain([]))); // LodashWrapper
      harden(proto(_([1, 2, 3]).map((x) => x).take(1).__wrapped__)); // LazyWrapper
      harden(proto(_.memoize((x) => x).cache.__data__.hash)); // Hash
      let stack;
      _.isEqualWith({ a: [1] }, { a: [1] }, (a, b, key, object, other, s) => { if (s) stack = s; });
      harden(proto(stack)); // Stack
      harden(proto(stack.__data__)); // ListCache
    },
    restore() { uniqueIds.next = 1; },
  },
  'date-fns': {
    prepare(dateFns) {
      const exports = materialize(dateFns, { setDefaultOptions: withoutProtoKey(dateFns.setDefaultOptions) });
      const setter = exports.parsers.T.run('0', 'T', undefined, {}).setter;
      harden(proto(setter)); // ValueSetter, Setter
      return exports;
    },
    capture(dateFns) {
      const initial = ReflectApply(dateFns.getDefaultOptions, dateFns, []);
      return { initial, keys: ObjectKeys(initial) };
    },
    restore(dateFns, { initial, keys: initialKeys }) {
      const now = ReflectApply(dateFns.getDefaultOptions, dateFns, []);
      const keys = ObjectKeys(now);
      let same = keys.length === initialKeys.length;
      for (let i = 0; same && i < keys.length; i++) same = now[keys[i]] === initial[keys[i]];
      if (same) return;
      const next = {};
      for (let i = 0; i < keys.length; i++) next[keys[i]] = undefined;
      for (let i = 0; i < initialKeys.length; i++) next[initialKeys[i]] = initial[initialKeys[i]];
      ReflectApply(dateFns.setDefaultOptions, dateFns, [next]);
    },
  },
  'date-fns-tz': { prepare: materialize },
  events: {
    capture(EventEmitter) {
      const d = ObjectGetOwnPropertyDescriptor(EventEmitter, 'defaultMaxListeners');
      return { get: d.get, set: d.set, initial: ReflectApply(d.get, EventEmitter, []) };
    },
    restore(EventEmitter, { get, set, initial }) {
      if (ReflectApply(get, EventEmitter, []) !== initial) ReflectApply(set, EventEmitter, [initial]);
    },
  },
  // readable-stream hands out objects whose prototypes its exports do not reach: a
  // Readable's async iterator (an async generator's), its buffer (BufferList), and what
  // Duplex.from and compose make (Duplexify). setDefaultHighWaterMark sets its module
  // variables: Node 24's defaults again after every execution.
  stream: {
    prepare(stream) {
      const readable = new stream.Readable({ read() {} });
      harden(proto(readable[SymbolAsyncIterator]()));
      harden(proto(readable._readableState.buffer));
      const writable = new stream.Writable({ write(chunk, encoding, callback) { callback(); } });
      harden(proto(stream.Duplex.from({ readable, writable })));
      // Listeners the constructors add (Transform's 'prefinish'): module functions that
      // code blocks reach through listeners().
      const samples = [new stream.Transform(), new stream.PassThrough(), readable, writable, new stream.Duplex()];
      for (let i = 0; i < samples.length; i++) {
        const names = samples[i].eventNames();
        for (let j = 0; j < names.length; j++) harden(samples[i].rawListeners(names[j]));
      }
    },
    restore(stream) {
      stream.setDefaultHighWaterMark(false, 64 * 1024);
      stream.setDefaultHighWaterMark(true, 16);
    },
  },
  // web-streams-polyfill keeps its state in underscore properties that code blocks can
  // read: the prototypes of its internal classes (the async iterator and its impl, the
  // queue, a pending read request) are reached through instances, not the exports.
  'stream/web': {
    prepare(web) {
      const iterator = new web.ReadableStream().values();
      harden(proto(iterator));
      harden(proto(iterator._asyncIteratorImpl));
      const reader = new web.ReadableStream().getReader();
      reader.read();
      harden(proto(reader._readRequests));
      harden(proto(reader._readRequests.peek()));
    },
  },
  xlsx: {
    prepare(XLSX) {
      // The streaming writers call a Readable class given by stream.set_readable, and
      // every zip goes through the zlib given to CFB.utils.use_zlib: closure state that
      // cannot be read back. Neither is needed here (no streams, zip is built in).
      ObjectDefineProperty(XLSX.stream, 'set_readable', { value: refuse('XLSX.stream.set_readable') });
      ObjectDefineProperty(XLSX.CFB.utils, 'use_zlib', { value: refuse('XLSX.CFB.utils.use_zlib') });
      XLSX.read(XLML_RESET, { type: 'string' });
      // The reader and writer functions SheetJS attaches to every buffer it makes
      // (read_shift, write_shift, chk): shared, and reachable from no export.
      const blob = XLSX.CFB.utils.cfb_new().FileIndex[1].content;
      for (const key of ReflectOwnKeys(blob)) if (typeof blob[key] === 'function') harden(blob[key]);
    },
    restore(XLSX) { XLSX.read(XLML_RESET, { type: 'string' }); },
  },
  url(url) {
    // whatwg-url's implementation objects, reachable through an iterator's symbol key.
    const it = new url.URLSearchParams('a=1').entries();
    const [symbol] = ReflectOwnKeys(it);
    harden(proto(it));
    harden(proto(it[symbol].target)); // URLSearchParamsImpl
    const keys = new url.URL('http://a/?b').searchParams.keys();
    harden(proto(keys[ReflectOwnKeys(keys)[0]].target._url)); // URLImpl
  },
  crypto(crypto) {
    const { Buffer } = globalThis;
    harden(proto(crypto.createCipheriv('aes-128-ecb', Buffer.alloc(16), null))); // Cipheriv
    // KeyObject's subclasses (Secret, Public and Private; AsymmetricKeyObject above the
    // last two), reachable only from their instances: made from fixed X25519 keys (the
    // private key's public half is never asked for, so no curve is built here).
    harden(proto(crypto.createSecretKey(Buffer.alloc(1))));
    const key = (prefix, type) => ({ key: Buffer.from(prefix + '07'.repeat(32), 'hex'), format: 'der', type });
    harden(proto(crypto.createPrivateKey(key('302e020100300506032b656e04220420', 'pkcs8'))));
    harden(proto(crypto.createPublicKey(key('302a300506032b656e032100', 'spki'))));
    // WebCrypto's classes: globals the module gives (crypto.js), not among its exports.
    harden(globalThis.CryptoKey);
    harden(globalThis.SubtleCrypto);
  },
  // Objects handed out whose classes no export reaches (found by an attacker's pass, then
  // by tests/security/test_leak_search.py once it searched every module of the manifest): a
  // code block could change such a prototype and watch every later execution's use of it.
  // undici's "FormData Iterator" (fetch.js), made by entries(), keys() and values().
  'internal:fetch'({ FormData }) { harden(proto(new FormData().entries())); },
  // csv-parse's ResizeableBuffer: the parser's state.field and state.rawBuffer.
  'csv-parse'({ parse }) { harden(proto(parse().api.state.field)); },
  // noble's Point class of SM2's curve, with its statics (the field Fp, fromHex, BASE),
  // which sm2.precomputePublicKey hands out.
  'sm-crypto-v2'({ sm2 }) {
    const publicKey = sm2.getPublicKeyFromPrivateKey('3945208f7b2144b13f36e38ac6d39f95889393692860b51a42fb81ef4df7c5b8');
    harden(proto(sm2.precomputePublicKey(publicKey)));
  },
};

// hooks[name] in one shape: { prepare, capture, restore }.
function hooksOf(name) {
  if (!ObjectPrototypeHasOwnProperty(hooks, name)) return undefined;
  const entry = hooks[name];
  return typeof entry === 'function' ? { prepare: entry } : entry;
}

// The modules that have hooks (tests/js check them against the module manifest).
function hookedModules() { return ObjectKeys(hooks); }

export { hookedModules, hooksOf, materialize, uniqueIds };
