// `node --test tests/js/` (make test-js) names this directory, which Node resolves to
// this file: it loads every *.test.mjs here, whose node:test cases then run.
import { readdirSync } from 'node:fs';

const here = new URL('./', import.meta.url);
for (const name of readdirSync(here).filter((file) => file.endsWith('.test.mjs')).sort()) {
  await import(new URL(name, here));
}
