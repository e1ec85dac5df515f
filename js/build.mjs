// Bundles the V8-side JavaScript with esbuild:
// - bootstrap.js: the environment every runtime starts with (js/bootstrap.js);
// - modules/<name>.js: one bundle per module users can require, as the body of a
//   CommonJS factory; the host installs a module into a runtime the first time a
//   code block that requires it runs there (runtime.py), and JS loads it lazily on
//   the first require();
// - modules.json: the manifest the host reads.
// Output goes to src/flow_codeblock/js_dist/, which is build output and not committed.
import { build } from 'esbuild';
import { copyFileSync, mkdirSync, readdirSync, rmSync, writeFileSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

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

// npm modules (pinned in package.json). `<prefix>/<name>` of an alias resolves to
// the property <name> of the base module (lodash/get, date-fns/format), as the
// packages' own per-function files do.
const dayjsPlugins = readdirSync(join(root, 'node_modules', 'dayjs', 'plugin'))
  .filter((f) => f.endsWith('.js')).map((f) => f.slice(0, -3));
const dayjsLocales = ['zh-cn', 'zh-tw', 'zh-hk', 'zh', 'en', 'en-gb', 'ja', 'ko', 'de', 'fr', 'es', 'ru', 'pt-br'];
const modules = {
  'lodash': 'lodash',
  'qs': 'qs',
  'uuid': 'uuid',
  'crypto-js': 'crypto-js',
  'fast-xml-parser': 'fast-xml-parser',
  'xlsx': 'xlsx',
  'pinyin': './js/lib/pinyin.js',
  'form-data': './js/lib/form_data.js',
  'dayjs': 'dayjs',
  'date-fns': 'date-fns',
  'date-fns-tz': 'date-fns-tz',
  ...Object.fromEntries(dayjsPlugins.map((p) => [`dayjs/plugin/${p}`, `dayjs/plugin/${p}.js`])),
  ...Object.fromEntries(dayjsLocales.map((l) => [`dayjs/locale/${l}`, `dayjs/locale/${l}.js`])),
  // Node core modules too large for the bootstrap, installed like npm modules.
  'crypto': './js/lib/crypto.js',
  'url': './js/lib/url.js',
  // fetch and its classes: not require-able (the 'internal:' prefix), installed
  // when a code block names one of its globals or requires axios.
  'internal:fetch': './js/lib/fetch.js',
  'axios': './js/lib/axios.js',
};
// Globals defined by installing a module: code that names one gets the module.
const globals = {
  URL: 'url', URLSearchParams: 'url', URLPattern: 'url',
  ...Object.fromEntries(['fetch', 'Headers', 'Request', 'Response', 'FormData'].map((g) => [g, 'internal:fetch'])),
};
// Alias kinds: 'member' gives the function itself (lodash/get), 'namespace' an
// object holding it ({ format } = require('date-fns/format')), as each package does.
const aliases = { 'lodash/': { base: 'lodash', kind: 'member' }, 'date-fns/': { base: 'date-fns', kind: 'namespace' } };
// Node modules a library only needs for features code blocks cannot use (SheetJS's
// streaming API needs Node streams): bundled as empty modules, so the library loads
// and those features report themselves unavailable.
const emptyFor = { xlsx: ['stream'] };
// Bundles that must share another module's instance (dayjs locales register
// themselves on the dayjs that code blocks use): kept external, installed first.
// Modules that use what another one installs (fetch uses URL, axios uses fetch) list it too.
const dependsOn = { 'internal:fetch': ['url'], axios: ['internal:fetch'] };
const shared = (name) => (name.startsWith('dayjs/') ? ['dayjs'] : dependsOn[name] ?? []);
// Node's core modules that a bundled library may require are resolved at run time
// by the code block's require(), not bundled.
const nodeBuiltins = ['buffer', 'events', 'util', 'url', 'querystring', 'string_decoder', 'stream',
  'assert', 'timers', 'fs', 'path', 'os', 'http', 'https', 'net', 'zlib'];

// Modules whose factory runs again in every execution that requires it, so their
// mutable state (axios.defaults and interceptors, dayjs's locale and plugins, uuid's
// v1/v7 clock) belongs to the execution: cheap to run (bench/module_cost.py), where the
// others are shared by every execution and frozen (js/lib/internal/per_execution.js).
// fast-xml-parser hands every parser and builder its shared default options (entity
// regexes with the g flag among them, which cannot be frozen).
const perExecution = (name) => name === 'dayjs' || name.startsWith('dayjs/') ||
  ['axios', 'uuid', 'fast-xml-parser'].includes(name);
// Bundles of the layer's own code (ES modules, strict) and of ES module packages: esbuild
// hoists their functions out of the strict wrappers it emits, so the directive is
// restated for the whole bundle (writes to frozen objects then throw instead of being
// ignored). Not for sloppy npm code (lodash, crypto-js, xlsx).
const strictBundles = new Set(['crypto', 'url', 'internal:fetch', 'form-data', 'axios', 'pinyin']);

const manifest = { modules: {}, aliases, globals };
await Promise.all(Object.entries(modules).map(async ([name, target]) => {
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
    plugins: [{
      name: 'shared-modules',
      setup(b) {
        b.onResolve({ filter: /.*/ }, (args) => {
          if (requires.includes(args.path)) return { path: args.path, external: true };
          // The service's internal modules, given to bundles by their require().
          if (args.path.startsWith('internal:')) return { path: args.path, external: true };
          if ((emptyFor[name] ?? []).includes(args.path)) return { path: args.path, namespace: 'empty' };
          return undefined;
        });
        b.onLoad({ filter: /.*/, namespace: 'empty' }, () => ({ contents: 'module.exports = {};', loader: 'js' }));
      },
    }],
    legalComments: 'none',
    minify: true,
    logLevel: 'warning',
    banner: strictBundles.has(name) ? { js: '"use strict";' } : undefined,
  });
  manifest.modules[name] = {
    file: `modules/${file}`, bytes: statSync(join(outdir, 'modules', file)).size, requires,
    perExecution: perExecution(name),
  };
}));
writeFileSync(join(outdir, 'modules.json'), JSON.stringify(manifest, null, 1));

// The playground page (GET /): CodeMirror 6 and our page script, bundled for the
// browser; served by the service with no external network (api.py, playground.py).
const playgroundDir = join(root, 'js', 'playground');
await build({
  entryPoints: { app: join(playgroundDir, 'main.js') },
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
