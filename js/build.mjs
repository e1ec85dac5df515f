// Bundles the V8-side JavaScript with esbuild:
// - bootstrap.js: the environment every runtime starts with (js/bootstrap.js);
// - modules/<name>.js: one bundle per module users can require, as the body of a
//   CommonJS factory; the host installs a module into a runtime the first time a
//   code block that requires it runs there (runtime.py), and JS loads it lazily on
//   the first require();
// - modules.json: what the host reads of the module manifest (js/modules.manifest.mjs).
// Output goes to src/flow_codeblock/js_dist/, which is build output and not committed.
import { build } from 'esbuild';
import { Buffer } from 'node:buffer';
import { copyFileSync, mkdirSync, readFileSync, readdirSync, rmSync, writeFileSync, statSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import wabtInit from 'wabt';
import { BUNDLE_INTRINSICS, MODULES } from './modules.manifest.mjs';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const outdir = join(root, 'src', 'flow_codeblock', 'js_dist');
rmSync(outdir, { recursive: true, force: true });
mkdirSync(join(outdir, 'modules'), { recursive: true });

await build({
  entryPoints: [join(root, 'js', 'bootstrap.js')],
  outfile: join(outdir, 'bootstrap.js'),
  bundle: true,
  format: 'iife',
  platform: 'neutral',
  mainFields: ['main', 'module'],
  target: 'es2022',
  legalComments: 'none',
  // Function and class names are visible to users (Buffer.name, error stacks).
  keepNames: true,
  // Readable output: bootstrap frames never reach users, but engineers read them.
  minify: false,
  logLevel: 'warning',
  // @pkgjs/parseargs (util.parseArgs) gets Node's errors and validators, and only the
  // primordials it uses, from the layer (js/lib/internal/parse_args_errors.js).
  plugins: [{
    name: 'parseargs-errors',
    setup(b) {
      const replaced = {
        './internal/errors': 'codes', './internal/validators': 'validators', './internal/primordials': 'primordials',
        './primordials': 'primordials',
      };
      b.onResolve({ filter: /^\.\/(internal\/)?(errors|validators|primordials)$/ }, (args) => (
        args.importer.includes(join('@pkgjs', 'parseargs')) && replaced[args.path]
          ? { path: replaced[args.path], namespace: 'parseargs' } : undefined));
      const source = JSON.stringify(join(root, 'js', 'lib', 'internal', 'parse_args_errors.js'));
      b.onLoad({ filter: /.*/, namespace: 'parseargs' }, (args) => ({
        contents: args.path === 'codes' ? `module.exports = { codes: require(${source}).codes };`
          : `module.exports = require(${source}).${args.path};`,
        resolveDir: root, loader: 'js',
      }));
    },
  }],
  footer: { js: '//# sourceURL=flow:bootstrap' },
});

// Modules users can require, from the manifest (js/modules.manifest.mjs): one bundle
// for each lazy entry and each of its subpaths.
const lazy = MODULES.filter((entry) => entry.load === 'lazy');
const modules = {}; // name -> { target, entry }
for (const entry of lazy) {
  modules[entry.name] = { target: entry.entry ?? entry.package, entry };
  for (const sub of entry.subpaths ?? []) {
    const names = sub.names ?? readdirSync(join(root, 'node_modules', sub.dir))
      .filter((f) => f.endsWith('.js')).map((f) => f.slice(0, -3));
    for (const n of names) modules[`${sub.prefix}${n}`] = { target: `${sub.dir}/${n}.js`, entry, base: entry.name };
  }
}
// Globals defined by installing a module: code that names one gets the module.
const globals = Object.fromEntries(lazy.flatMap((entry) => (entry.globals ?? []).map((g) => [g, entry.name])));
// Properties a module provides on an eager global (crypto.subtle): code that names one gets the module.
const properties = Object.fromEntries(lazy.flatMap((entry) => (entry.properties ?? []).map((p) => [p, entry.name])));
// Modules installed with another when the code names one of these properties (withModule):
// { module: { with: [properties] } }.
const companions = Object.fromEntries(lazy.filter((entry) => entry.withModule !== undefined)
  .map((entry) => [entry.name, entry.withModule]));
// Alias kinds: 'member' gives the function itself (lodash/get), 'namespace' an
// object holding it ({ format } = require('date-fns/format')), as each package does.
const aliases = Object.fromEntries(lazy.flatMap((entry) => Object.entries(entry.aliases ?? {})
  .map(([prefix, kind]) => [prefix, { base: entry.name, kind }])));
// Bundles that must share another module's instance (dayjs locales register
// themselves on the dayjs that code blocks use) or use what it installs (fetch uses
// URL, axios uses fetch): kept external, installed first.
const shared = (name) => (modules[name].base !== undefined ? [modules[name].base] : modules[name].entry.requires ?? []);
// Node's core modules that a bundled library may require are resolved at run time
// by the code block's require(), not bundled.
const nodeBuiltins = ['buffer', 'events', 'util', 'url', 'querystring', 'string_decoder', 'stream',
  'assert', 'timers', 'fs', 'path', 'os', 'http', 'https', 'net', 'zlib'];

const errorRegistry = ['.js', ''].map((ext) => join(root, 'js', 'lib', 'internal', `errors${ext}`));

// Packages that carry their own copies of Node's internals, pointed at the layer's instead
// (no copies): readable-stream's process, string_decoder and abort-controller shims are the
// layer's modules and globals, and its error file is the layer's registry.
const streamErrors = join(root, 'node_modules', 'readable-stream', 'lib', 'ours', 'errors.js');
function nodeShims(b) {
  const inReadableStream = (args) => args.importer.includes(join('node_modules', 'readable-stream'));
  b.onResolve({ filter: /^(process|string_decoder)\/$/ }, (args) => (
    inReadableStream(args) ? { path: args.path.slice(0, -1), external: true } : undefined));
  b.onResolve({ filter: /^abort-controller$/ }, (args) => (
    inReadableStream(args) ? { path: 'abort-controller', namespace: 'layer-globals' } : undefined));
  b.onLoad({ filter: /.*/, namespace: 'layer-globals' }, () => ({
    contents: 'module.exports = { AbortController: globalThis.AbortController, AbortSignal: globalThis.AbortSignal };',
    loader: 'js',
  }));
  b.onResolve({ filter: /errors$/ }, (args) => (
    args.path.startsWith('.') && resolve(args.resolveDir, `${args.path}.js`) === streamErrors
      ? { path: join(root, 'js', 'lib', 'internal', 'stream_errors.js') } : undefined));
  // Text patches, each checked: a new version of the package must still show the text.
  // - web-streams-polyfill picks two helpers on their first use (queueMicrotask or a
  //   promise, ArrayBuffer.prototype.transfer or a copy): picked inside an execution, the
  //   choice would outlive it, so they are fixed at load.
  // - readable-stream: Node 24's messages and behaviour where the port lags (chunk types,
  //   operators' function checks).
  // - csv-stringify: no module Buffer handed out (below).
  // - date-fns-tz caches a formatter and a validity per time zone, keyed by the zone's text:
  //   a zone given as an object whose toString answers differently for the key and for
  //   Intl cached another zone's formatter under a real zone's name, for every later
  //   execution. The zone is made text once, on entry, as the first regex test would.
  // - pinyin builds its segmentit word splitter on the first call that asks for it, inside
  //   some execution, splitting its dictionaries with a regex: when RegExp.prototype was
  //   left unfrozen, that execution could replace the split for a moment and put its own
  //   words into every later execution's splitter. Split on the text '\n' (the dictionaries
  //   have no '\r'; the bundle takes the package's umd build): no regex at all.
  const patches = {
    [join('web-streams-polyfill', 'dist', 'ponyfill.js')]: [
      ['let S=e=>{if("function"==typeof queueMicrotask)S=queueMicrotask;else{const e=d(void 0);S=t=>b(e,t)}return S(e)};',
        'const S=queueMicrotask;'],
      ['let de=e=>(de="function"==typeof e.transfer?e=>e.transfer():"function"==typeof structuredClone?e=>structuredClone(e,{transfer:[e]}):e=>e,de(e)),fe=e=>(fe="boolean"==typeof e.detached?e=>e.detached:e=>0===e.byteLength,fe(e));',
        'const de=e=>e.transfer(),fe=e=>e.detached;'],
    ],
    [join('readable-stream', 'lib', 'internal', 'streams', 'writable.js')]: [
      ["['string', 'Buffer', 'Uint8Array']", "['string', 'Buffer', 'TypedArray', 'DataView']"],
    ],
    [join('readable-stream', 'lib', 'internal', 'streams', 'readable.js')]: [
      ["['string', 'Buffer', 'Uint8Array']", "['string', 'Buffer', 'TypedArray', 'DataView']"],
    ],
    [join('readable-stream', 'lib', 'internal', 'streams', 'operators.js')]: [
      ["('fn', ['Function', 'AsyncFunction']", "('fn', 'Function'"],
    ],
    // csv-stringify pushes its module's one BOM Buffer to every stream that asks for a BOM:
    // a code block could write into it and change the next execution's BOM. A copy each time.
    [join('csv-stringify', 'dist', 'cjs', 'index.cjs')]: [['push(bom_utf8);', 'push(Buffer.from(bom_utf8));']],
    [join('csv-stringify', 'dist', 'cjs', 'sync.cjs')]: [['push(bom_utf8);', 'push(Buffer.from(bom_utf8));']],
    [join('pinyin', 'lib', 'umd', 'pinyin.js')]: [['dict.split(/\\r?\\n/)', "dict.split('\\n')"]],
    [join('date-fns-tz', 'dist', 'cjs', '_lib', 'tzParseTimezone', 'index.js')]: [[
      'function tzParseTimezone(timezoneString, date, isUtcDate) {\n',
      'function tzParseTimezone(timezoneString, date, isUtcDate) {\n' +
        "    if (timezoneString && typeof timezoneString !== 'string') timezoneString = `${timezoneString}`;\n",
    ]],
  };
  b.onLoad({ filter: /(web-streams-polyfill|readable-stream|csv-stringify|date-fns-tz|pinyin)[\\/]/ }, (args) => {
    const key = Object.keys(patches).find((file) => args.path.endsWith(file));
    if (key === undefined) return undefined;
    let contents = readFileSync(args.path, 'utf8');
    for (const [from, to] of patches[key]) {
      if (!contents.includes(from)) throw new Error(`${args.path} no longer has ${from.slice(0, 40)}: review the patch`);
      contents = contents.replaceAll(from, to);
    }
    return { contents, loader: 'js' };
  });
}

// WebAssembly text (js/lib/crypto/montgomery.wat) is compiled here from source, by wabt (a
// pinned npm package), into the bundle as bytes: no .wasm is committed nor fetched.
const wabt = await wabtInit();
const watPlugin = {
  name: 'wat',
  setup(b) {
    b.onLoad({ filter: /\.wat$/ }, (args) => {
      const parsed = wabt.parseWat(args.path, readFileSync(args.path, 'utf8'), { bulk_memory: true, simd: true });
      try {
        parsed.validate();
        const { buffer } = parsed.toBinary({});
        return { contents: `export default ${JSON.stringify(Buffer.from(buffer).toString('base64'))};`, loader: 'js' };
      } finally {
        parsed.destroy();
      }
    });
  },
};

const manifest = { modules: {}, aliases, globals, properties, companions };
await Promise.all(Object.entries(modules).map(async ([name, { target, entry }]) => {
  const file = `${name.replaceAll('/', '__').replaceAll(':', '_')}.js`;
  const requires = shared(name);
  await build({
    stdin: {
      contents: target.startsWith('./') ? `module.exports = require(${JSON.stringify(target)}).default;`
        : `module.exports = require(${JSON.stringify(target)});`,
      resolveDir: root, loader: 'js',
    },
    outfile: join(outdir, 'modules', file),
    bundle: true,
    format: 'cjs',
    // Browser builds: they use web APIs (crypto.getRandomValues, TextEncoder) that
    // the layer provides, instead of Node internals such as util.inspect.
    platform: 'browser',
    target: 'es2022',
    external: nodeBuiltins.flatMap((b) => [b, `node:${b}`]),
    // Exactly the shared modules (esbuild's `external` would take their subpaths too).
    plugins: [watPlugin, {
      name: 'shared-modules',
      setup(b) {
        b.onResolve({ filter: /.*/ }, (args) => {
          // 'node:stream/web' (csv-parse/stream) is the shared module 'stream/web'.
          if (requires.includes(args.path.replace(/^node:/, ''))) return { path: args.path, external: true };
          // The service's internal modules, given to bundles by their require().
          if (args.path.startsWith('internal:')) return { path: args.path, external: true };
          // One error registry: a bundle uses the bootstrap's classes, not a copy of its own.
          if (args.path.startsWith('.') && errorRegistry.includes(resolve(args.resolveDir, args.path))) {
            return { path: 'internal:errors', external: true };
          }
          if ((entry.emptyFor ?? []).includes(args.path)) return { path: args.path, namespace: 'empty' };
          return undefined;
        });
        b.onLoad({ filter: /.*/, namespace: 'empty' }, () => ({ contents: 'module.exports = {};', loader: 'js' }));
        nodeShims(b);
      },
    }],
    legalComments: 'none',
    minify: true,
    // Class names that code blocks see (err.constructor.name, Node's messages) survive.
    keepNames: entry.keepNames === true,
    logLevel: 'warning',
    // The bundle runs inside a function whose parameters shadow the global intrinsics
    // with their values at the start of an execution (BUNDLE_INTRINSICS says why).
    banner: { js: `(function (${BUNDLE_INTRINSICS.join(', ')}) {` +
      (entry.strict && modules[name].base === undefined ? '"use strict";' : '') },
    footer: { js: "}).apply(this, require('internal:intrinsics'));" },
  });
  manifest.modules[name] = {
    file: `modules/${file}`, bytes: statSync(join(outdir, 'modules', file)).size, requires,
    perExecution: entry.state === 'per-execution',
  };
}));
writeFileSync(join(outdir, 'modules.json'), JSON.stringify(manifest, null, 1));

// The playground page (GET /): CodeMirror 6 and our page script, bundled for the
// browser; served by the service with no external network (api.py, playground.py).
const playgroundDir = join(root, 'js', 'playground');
// The page lists the require-able modules from the manifest, npm ones with the pinned version.
const pinned = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')).dependencies;
const playgroundModules = MODULES.filter((entry) => !entry.name.startsWith('internal:'))
  .map((entry) => ({ name: entry.name, version: entry.package === undefined ? null : pinned[entry.package] ?? null }));
await build({
  entryPoints: { app: join(playgroundDir, 'main.js') },
  plugins: [{
    name: 'module-manifest',
    setup(b) {
      b.onResolve({ filter: /^flow:modules$/ }, () => ({ path: 'modules', namespace: 'flow' }));
      b.onLoad({ filter: /.*/, namespace: 'flow' }, () => ({ contents: JSON.stringify(playgroundModules), loader: 'json' }));
    },
  }],
  outdir: join(outdir, 'playground'),
  bundle: true,
  format: 'esm',
  platform: 'browser',
  target: 'es2020',
  minify: true,
  legalComments: 'eof',
  logLevel: 'warning',
});
await build({
  entryPoints: { app: join(playgroundDir, 'style.css') },
  outdir: join(outdir, 'playground'),
  bundle: true,
  minify: true,
  logLevel: 'warning',
});
copyFileSync(join(playgroundDir, 'index.html'), join(outdir, 'playground', 'index.html'));
