// `node --test tests/js/` (make test-js): Node 24 takes a directory argument as one module
// to run, not as a folder to search, so this loads every *.test.mjs beside it.
import { readdirSync } from 'node:fs';

const dir = new URL('.', import.meta.url);
for (const file of readdirSync(dir).filter((f) => f.endsWith('.test.mjs')).sort()) {
  await import(new URL(file, dir).href);
}
