// The playground's catalogs (js/playground/i18n/*.json) against the page's sources: the
// same keys in every language, every key used and every used key present, placeholders
// alike across languages, and no words left inline in index.html or main.js.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, readdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const dir = join(dirname(fileURLToPath(import.meta.url)), '..', '..', 'js', 'playground');
const read = (name) => readFileSync(join(dir, name), 'utf8');
const catalogs = Object.fromEntries(readdirSync(join(dir, 'i18n')).filter((f) => f.endsWith('.json'))
  .map((f) => [f.replace(/\.json$/, ''), JSON.parse(read(join('i18n', f)))]));
const html = read('index.html');
const main = read('main.js') + read('scripts.js');
const examples = read('examples.js');
const placeholders = (text) => [...text.matchAll(/\{(\w+)\}/g)].map((m) => m[1]).sort();

// The keys the sources use: data-i18n attributes, t('key', ...) calls, example titles and
// `// {key}` comment lines; plus the one read by name (each language's own name).
function usedKeys() {
  const keys = new Set(['language.name', 'page.title']);
  for (const m of html.matchAll(/data-i18n(?:-[\w-]+)?="([^"]+)"/g)) keys.add(m[1]);
  for (const m of main.matchAll(/\bt\('([\w.]+)'/g)) keys.add(m[1]);
  for (const m of main.matchAll(/(?:setStatus|showState)\('([\w.]+)'/g)) keys.add(m[1]);
  for (const m of examples.matchAll(/title: '([\w.]+)'/g)) keys.add(m[1]);
  for (const m of examples.matchAll(/\/\/ \{([\w.]+)\}/g)) keys.add(m[1]);
  return keys;
}

test('both languages are there', () => {
  assert.deepEqual(Object.keys(catalogs).sort(), ['en', 'zh-CN']);
});

test('every catalog has the same keys, none empty, with the same placeholders', () => {
  const english = catalogs.en;
  for (const [lang, catalog] of Object.entries(catalogs)) {
    assert.deepEqual(Object.keys(catalog).sort(), Object.keys(english).sort(), lang);
    for (const [key, text] of Object.entries(catalog)) {
      assert.ok(typeof text === 'string' && text.trim() !== '', `${lang} ${key}`);
      assert.deepEqual(placeholders(text), placeholders(english[key]), `${lang} ${key}`);
    }
  }
  // Really translated: Chinese differs from English but for names and key symbols.
  const same = Object.keys(english).filter((k) => catalogs['zh-CN'][k] === english[k]);
  assert.deepEqual(same.sort(), ['error.http', 'header.name', 'run.key', 'timing.separator']);
});

test('no key is missing and none is unused', () => {
  const used = usedKeys();
  assert.ok(used.size > 40, `only ${used.size} keys found: the scan is broken`);
  const known = new Set(Object.keys(catalogs.en));
  assert.deepEqual([...used].filter((k) => !known.has(k)), [], 'missing from the catalogs');
  assert.deepEqual([...known].filter((k) => !used.has(k)), [], 'unused');
});

test('index.html has no words of its own', () => {
  const body = html.slice(html.indexOf('<body>'));
  const text = body.replace(/<[^>]+>/g, '').trim();
  assert.equal(text, '', `inline text: ${text}`);
  assert.match(html, /<title><\/title>/);
  // Attributes a person reads come from the catalogs too.
  assert.doesNotMatch(body, /\s(?:placeholder|title|aria-label)="/);
});

test('main.js writes no words of its own', () => {
  // Strings with a word and a space in them are sentences: they belong in the catalogs.
  const strings = [...main.matchAll(/'([^'\n]*)'|`([^`\n]*)`/g)].map((m) => m[1] ?? m[2]);
  const classes = /^(?:hint|badge|small)(?: [a-z-]+)*$/; // CSS class lists, not words
  const prose = strings.filter((s) => /[A-Za-z]{3,} [A-Za-z]{2,}/.test(s) && !s.includes('${') && !classes.test(s));
  assert.deepEqual(prose, []);
  for (const m of main.matchAll(/\.textContent = ([^;]+);/g)) {
    assert.doesNotMatch(m[1], /^['`"][A-Za-z]/, m[0]); // shown text comes from t(...) or the answer
  }
});
