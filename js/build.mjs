// Bundles the V8-side JavaScript (bootstrap + Node API layer) with esbuild.
// Output goes to src/flow_codeblock/js_dist/, which is build output and not committed.
import { build } from 'esbuild';
import { mkdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const outdir = join(root, 'src', 'flow_codeblock', 'js_dist');
mkdirSync(outdir, { recursive: true });

await build({
  entryPoints: [join(root, 'js', 'bootstrap.js')],
  outfile: join(outdir, 'bootstrap.js'),
  bundle: true,
  format: 'iife',
  platform: 'neutral',
  target: 'es2022',
  legalComments: 'none',
  // Readable output: bootstrap frames never reach users, but engineers read them.
  minify: false,
  logLevel: 'warning',
  footer: { js: '//# sourceURL=flow:bootstrap' },
});
