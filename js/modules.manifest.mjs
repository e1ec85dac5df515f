// The module manifest: every module a code block can require (and the internal ones
// the service installs), one entry each. Adding an npm module is one entry here, one
// line in package.json's "dependencies", and its tests (tests/compat). Read by:
// - js/build.mjs: what to bundle, how, and the modules.json the host reads (bundles.py);
// - js/bootstrap.js: which built-in modules it registers eagerly;
// - js/lib/internal/modules.js: which modules are per-execution, and which shared ones
//   must have a restorer (js/lib/internal/shared_modules.js) for their closure state;
// - the playground (js/playground/main.js lists them) and tests/test_module_manifest.py
//   (README's module table, package.json, the hooks and the examples against this file).
// Plain data with no imports: the bootstrap bundle carries it into V8.
//
// Fields of an entry:
//   name       what code blocks require ('internal:' names are not require-able)
//   package    the npm package the module is (its version is package.json's), if any
//   entry      what the bundle requires: an npm specifier, or './js/lib/<file>.js' (the
//              layer's own code, whose default export is the module); default: package
//   load       'eager': built by bootstrap.js into every runtime; 'lazy': a bundle the
//              host installs before the first code block that names it runs
//   state      'frozen': shared by every execution, frozen, nothing to reset;
//              'restored': shared and frozen, but the module keeps state that is put back
//              after every execution (`resets` says what, shared_modules.js or
//              bootstrap.js's slots do it);
//              'per-execution': the factory runs again in every execution that requires
//              it, so all its state (`resets` says what) is the execution's own
//   resets     the mutable state `state` is about, in words (README and reviewers read it)
//   aliases    { '<prefix>/': 'member' | 'namespace' }: `<prefix>/<fn>` is the module's
//              <fn> itself (lodash/get) or an object holding it (date-fns/format)
//   subpaths   [{ prefix, dir } | { prefix, names }]: further bundles named
//              <prefix><file> from node_modules/<dir> (every .js file) or for `names`,
//              sharing this module's instance (dayjs plugins and locales)
//   globals    globals whose use in a code block installs this module
//   properties property names whose use in a code block (crypto.subtle, { subtle } = crypto)
//              installs this module: members of an eager global that a lazy module provides
//   withModule { <module>: [property names] }: installed for a code block that uses <module>
//              and names one of these properties (crypto's Hash.on and pipe need `stream`;
//              `for await` names asyncIterator: analysis.py)
//   requires   modules that must be installed first (the bundle uses their instance)
//   emptyFor   Node modules the package needs only for features code blocks cannot use:
//              bundled empty so the package loads
//   strict     restate 'use strict' for the whole bundle: esbuild hoists the functions of
//              ES modules (the layer's, ES module packages) out of its strict wrappers,
//              and writes to frozen objects must throw, not be ignored; not for sloppy
//              npm code (lodash, crypto-js, xlsx)
//   keepNames  true: keep function and class names through minification, where code blocks
//              or the module's own messages show them (jose's JWTExpired, stream's "an
//              instance of Readable")
//   readme     true: a row of README's module table (checked by a test)

export const MODULES = Object.freeze([
  // -- Node's core modules built into every runtime (bootstrap.js) --------------------
  { name: 'timers', entry: './js/lib/internal/timers.js', load: 'eager', state: 'frozen' },
  { name: 'buffer', entry: './js/lib/buffer.js', load: 'eager', state: 'restored', resets: 'Buffer.poolSize (a slot)' },
  { name: 'string_decoder', entry: './js/lib/string_decoder.js', load: 'eager', state: 'frozen' },
  {
    name: 'events', package: 'events', entry: './js/lib/events.js', load: 'eager', state: 'restored',
    resets: 'EventEmitter.defaultMaxListeners (a restorer)',
  },
  { name: 'util', entry: './js/lib/util.js', load: 'eager', state: 'frozen' },
  { name: 'assert', entry: './js/lib/assert.js', load: 'eager', state: 'frozen' },
  { name: 'assert/strict', entry: './js/lib/assert.js', load: 'eager', state: 'frozen' },
  { name: 'querystring', entry: './js/lib/querystring.js', load: 'eager', state: 'frozen' },
  {
    name: 'process', entry: './js/lib/process.js', load: 'eager', state: 'restored',
    resets: 'process.exitCode, process.env (slots)',
  },

  // -- Node's core modules too large for the bootstrap, installed like npm modules ----
  // Also installed for the global crypto's `subtle` (a property, js/lib/internal/random.js).
  {
    name: 'crypto', entry: './js/lib/crypto.js', load: 'lazy', state: 'frozen', strict: true,
    globals: ['CryptoKey', 'SubtleCrypto'], properties: ['subtle'],
  },
  {
    name: 'url', entry: './js/lib/url.js', load: 'lazy', state: 'frozen', strict: true,
    globals: ['URL', 'URLSearchParams', 'URLPattern'],
  },
  // The WHATWG streams, as globals and as require('stream/web'). The globals, in Node 24's
  // order, are the global object's own from the start (bootstrap.js, lazy_globals.js).
  {
    name: 'stream/web', entry: './js/lib/stream_web.js', load: 'lazy', state: 'frozen', strict: true, keepNames: true, readme: true,
    globals: [
      'TransformStream', 'TransformStreamDefaultController', 'WritableStream', 'WritableStreamDefaultController',
      'WritableStreamDefaultWriter', 'ReadableStream', 'ReadableStreamDefaultReader', 'ReadableStreamBYOBReader',
      'ReadableStreamBYOBRequest', 'ReadableByteStreamController', 'ReadableStreamDefaultController',
      'ByteLengthQueuingStrategy', 'CountQueuingStrategy', 'TextEncoderStream', 'TextDecoderStream', 'CompressionStream',
      'DecompressionStream',
    ],
  },
  // Node's streams (readable-stream); fromWeb/toWeb need the web streams.
  {
    name: 'stream', package: 'readable-stream', entry: './js/lib/stream.js', load: 'lazy', state: 'restored',
    strict: true, keepNames: true, requires: ['stream/web'], resets: 'the default highWaterMark (setDefaultHighWaterMark; a restorer)',
    // SheetJS's XLSX.stream writers give Readables of this module (js/lib/xlsx.js).
    properties: ['to_csv', 'to_json', 'to_html'], readme: true,
    // crypto's Hash, Hmac, Cipheriv/Decipheriv and Sign/Verify are streams of this module
    // once it is there (js/lib/crypto/transform.js); not a dependency of crypto, which most
    // code blocks use without any stream (bench/module_cost.py: +25 ms, +167 KiB).
    withModule: {
      crypto: ['on', 'once', 'addListener', 'prependListener', 'prependOnceListener', 'off', 'removeListener',
        'removeAllListeners', 'emit', 'listeners', 'listenerCount', 'pipe', 'unpipe', 'pause', 'resume', 'isPaused',
        'destroy', 'cork', 'uncork', 'readable', 'writable', 'readableEnded', 'readableFlowing', 'readableLength',
        'writableEnded', 'writableFinished', 'writableLength', 'writableNeedDrain', 'destroyed', 'closed', 'errored',
        'readableHighWaterMark', 'writableHighWaterMark', 'readableObjectMode', 'writableObjectMode', 'readableEncoding',
        'writableCorked', 'unshift', 'wrap', 'iterator', 'toArray', 'setDefaultEncoding', 'asyncIterator'],
    },
  },
  { name: 'stream/promises', entry: './js/lib/stream_promises.js', load: 'lazy', state: 'frozen', strict: true, requires: ['stream'] },
  { name: 'stream/consumers', entry: './js/lib/stream_consumers.js', load: 'lazy', state: 'frozen', strict: true },
  // fetch and its classes: not require-able, installed when a code block names one of
  // its globals or requires axios.
  {
    name: 'internal:fetch', entry: './js/lib/fetch.js', load: 'lazy', state: 'frozen', strict: true,
    globals: ['fetch', 'Headers', 'Request', 'Response', 'FormData'], requires: ['url', 'stream/web'],
    // jose's createRemoteJWKSet calls the global fetch.
    properties: ['createRemoteJWKSet'],
  },

  // -- npm modules (pinned in package.json's "dependencies") --------------------------
  {
    name: 'lodash', package: 'lodash', load: 'lazy', state: 'restored', aliases: { 'lodash/': 'member' },
    resets: "_.uniqueId's counter (replaced by a per-execution one)", readme: true,
  },
  { name: 'qs', package: 'qs', load: 'lazy', state: 'frozen', readme: true },
  { name: 'uuid', package: 'uuid', load: 'lazy', state: 'per-execution', resets: "v1/v7's clock", readme: true },
  { name: 'crypto-js', package: 'crypto-js', load: 'lazy', state: 'frozen', readme: true },
  {
    name: 'dayjs', package: 'dayjs', load: 'lazy', state: 'per-execution',
    resets: 'dayjs.locale, dayjs.extend with any plugin, updateLocale', readme: true,
    subpaths: [
      { prefix: 'dayjs/plugin/', dir: 'dayjs/plugin' },
      { prefix: 'dayjs/locale/', dir: 'dayjs/locale',
        names: ['zh-cn', 'zh-tw', 'zh-hk', 'zh', 'en', 'en-gb', 'ja', 'ko', 'de', 'fr', 'es', 'ru', 'pt-br'] },
    ],
  },
  {
    name: 'date-fns', package: 'date-fns', load: 'lazy', state: 'restored', aliases: { 'date-fns/': 'namespace' },
    resets: 'setDefaultOptions (a restorer)', readme: true,
  },
  { name: 'date-fns-tz', package: 'date-fns-tz', load: 'lazy', state: 'frozen', readme: true },
  // Hands every parser and builder its shared default options (regexes with the g flag).
  {
    name: 'fast-xml-parser', package: 'fast-xml-parser', load: 'lazy', state: 'per-execution',
    resets: 'the default options every parser shares', readme: true,
  },
  // SheetJS with Flow-CodeBlock's calls on top (workbook.close, readStream, readBatches,
  // createWriteStream): those keep no module state (each call's reader, writer and
  // closed flag live in its own closures and objects, none reachable from the exports).
  {
    name: 'xlsx', package: 'xlsx', entry: './js/lib/xlsx.js', load: 'lazy', state: 'restored', emptyFor: ['stream'],
    resets: 'number formats, column-width unit, date options and code page (a restorer)', readme: true,
  },
  // csv-parse and csv-stringify (CommonJS builds): their Parser and Stringifier are
  // Transforms of our `stream`; csv-parse/stream is a TransformStream of our web streams.
  // Frozen: their module state is constants, and the one Buffer a stringifier hands out
  // (the BOM) is copied per push (js/build.mjs patches it).
  { name: 'csv-parse', package: 'csv-parse', load: 'lazy', state: 'frozen', keepNames: true, requires: ['stream'], readme: true },
  { name: 'csv-parse/sync', package: 'csv-parse', entry: 'csv-parse/sync', load: 'lazy', state: 'frozen', keepNames: true },
  { name: 'csv-parse/stream', package: 'csv-parse', entry: 'csv-parse/stream', load: 'lazy', state: 'frozen', keepNames: true, requires: ['stream/web'] },
  { name: 'csv-stringify', package: 'csv-stringify', load: 'lazy', state: 'frozen', keepNames: true, requires: ['stream'], readme: true },
  { name: 'csv-stringify/sync', package: 'csv-stringify', entry: 'csv-stringify/sync', load: 'lazy', state: 'frozen', keepNames: true },
  { name: 'pinyin', package: 'pinyin', entry: './js/lib/pinyin.js', load: 'lazy', state: 'frozen', strict: true, readme: true },
  // Our implementation of the package's API (the npm package, a devDependency, is the tests' oracle).
  { name: 'form-data', entry: './js/lib/form_data.js', load: 'lazy', state: 'frozen', strict: true, readme: true },
  {
    name: 'axios', package: 'axios', entry: './js/lib/axios.js', load: 'lazy', state: 'per-execution', strict: true,
    requires: ['internal:fetch', 'stream'], resets: 'axios.defaults, interceptors',
  },
  // Decimal.set changes the constructor every clone shares a prototype with, and the
  // module's functions set closure variables while computing: a fresh one per execution.
  {
    name: 'decimal.js', package: 'decimal.js', load: 'lazy', state: 'per-execution',
    resets: 'Decimal.set / Decimal.config (precision, rounding, ...), the prototype, module variables', readme: true,
  },
  // jose's webapi build (ES module) on crypto.subtle: its caches of the CryptoKeys it makes
  // from JWKs and KeyObjects, and of JWT claim sets, are module-level WeakMaps.
  {
    name: 'jose', package: 'jose', load: 'lazy', state: 'per-execution', strict: true, keepNames: true, requires: ['crypto'],
    resets: 'its caches of CryptoKeys made from JWKs and KeyObjects, and of JWT claim sets', readme: true,
  },
  // SM2/SM3/SM4 (Chinese national standards) with its own @noble 1.x copies; frozen: the
  // package's module state is constants, its scratch buffers and the random source it
  // captured at load (js/lib/sm_crypto.js says why that source is the host's).
  {
    name: 'sm-crypto-v2', package: 'sm-crypto-v2', entry: './js/lib/sm_crypto.js', load: 'lazy', state: 'frozen',
    strict: true, emptyFor: ['crypto'], readme: true,
  },
].map((entry) => Object.freeze(entry)));

// The global names every installed bundle (lazy modules, subpaths) sees bound to the
// values they have at the start of every execution, whatever a code block has rebound
// them to (`globalThis.WeakMap = Evil` is legal, and put back after the execution).
// A shared bundle that builds and caches something on first use (crypto's curves and
// noble's precomputed tables) does it inside a code block's execution: through global
// names it would have kept the code block's classes, and later executions would have run
// the code block's methods (js/build.mjs wraps each bundle; bootstrap.js passes them).
export const BUNDLE_INTRINSICS = Object.freeze([
  'Object', 'Function', 'Array', 'Number', 'Boolean', 'String', 'Symbol', 'BigInt', 'Date', 'Promise', 'RegExp',
  'Error', 'AggregateError', 'EvalError', 'RangeError', 'ReferenceError', 'SyntaxError', 'TypeError', 'URIError',
  'JSON', 'Math', 'Intl', 'Reflect', 'Proxy', 'Map', 'Set', 'WeakMap', 'WeakSet', 'WeakRef', 'FinalizationRegistry',
  'ArrayBuffer', 'SharedArrayBuffer', 'DataView', 'Atomics', 'Int8Array', 'Uint8Array', 'Uint8ClampedArray',
  'Int16Array', 'Uint16Array', 'Int32Array', 'Uint32Array', 'Float32Array', 'Float64Array', 'BigInt64Array',
  'BigUint64Array', 'WebAssembly', 'parseInt', 'parseFloat', 'isNaN', 'isFinite', 'encodeURIComponent',
  'decodeURIComponent', 'encodeURI', 'decodeURI', 'escape', 'unescape', 'Buffer', 'TextEncoder', 'TextDecoder',
]);

// The entry named `name` (a subpath bundle gives its base module's entry), or undefined.
export function manifestEntry(name) {
  for (const entry of MODULES) {
    if (entry.name === name) return entry;
    for (const sub of entry.subpaths ?? []) if (name.startsWith(sub.prefix)) return entry;
  }
  return undefined;
}
