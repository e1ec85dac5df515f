// The module manifest (js/modules.manifest.mjs) is well formed and agrees with the
// code that reads it: the shared modules' hooks and package.json's dependencies.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { MODULES, manifestEntry } from '../../js/modules.manifest.mjs';
import { hookedModules, hooksOf } from '../../js/lib/internal/shared_modules.js';

const pkg = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8'));
const names = MODULES.map((entry) => entry.name);
const FIELDS = new Set(['name', 'package', 'entry', 'load', 'state', 'resets', 'aliases', 'subpaths', 'globals',
  'properties', 'withModule', 'requires', 'emptyFor', 'strict', 'keepNames', 'readme']);

test('every entry has a unique name, a known load and state, and only known fields', () => {
  assert.equal(new Set(names).size, names.length);
  for (const entry of MODULES) {
    assert.ok(['eager', 'lazy'].includes(entry.load), entry.name);
    assert.ok(['frozen', 'restored', 'per-execution'].includes(entry.state), entry.name);
    for (const key of Object.keys(entry)) assert.ok(FIELDS.has(key), `${entry.name}.${key}`);
    assert.ok(entry.package !== undefined || entry.entry !== undefined, `${entry.name} names no package or entry`);
  }
});

test('state other than frozen says what it resets', () => {
  for (const entry of MODULES) {
    if (entry.state !== 'frozen') assert.equal(typeof entry.resets, 'string', entry.name);
  }
});

test('every npm package is a pinned runtime dependency', () => {
  for (const entry of MODULES.filter((e) => e.package !== undefined)) {
    assert.match(pkg.dependencies[entry.package] ?? '', /^\d+\.\d+\.\d+$/, entry.package);
  }
});

test('properties belong to lazy modules, each property once, none a global too', () => {
  const properties = MODULES.flatMap((entry) => entry.properties ?? []);
  const globals = MODULES.flatMap((entry) => entry.globals ?? []);
  assert.equal(new Set(properties).size, properties.length);
  for (const entry of MODULES.filter((e) => e.properties !== undefined)) assert.equal(entry.load, 'lazy', entry.name);
  for (const name of properties) assert.ok(!globals.includes(name), name);
});

test('requires and globals name manifest modules, each global once', () => {
  const globals = MODULES.flatMap((entry) => entry.globals ?? []);
  assert.equal(new Set(globals).size, globals.length);
  for (const entry of MODULES) {
    for (const dep of entry.requires ?? []) assert.ok(names.includes(dep), `${entry.name} requires ${dep}`);
    if (entry.load === 'eager') assert.equal(entry.requires, undefined, entry.name);
  }
});

test('withModule: lazy modules installed with other manifest modules, on property names', () => {
  for (const entry of MODULES.filter((e) => e.withModule !== undefined)) {
    assert.equal(entry.load, 'lazy', entry.name);
    for (const [other, properties] of Object.entries(entry.withModule)) {
      assert.ok(names.includes(other) && other !== entry.name, `${entry.name} with ${other}`);
      assert.ok(properties.length > 0 && properties.every((p) => typeof p === 'string' && p !== ''), entry.name);
    }
  }
});

test('the hooks of shared modules are for manifest modules, restorers only where state is restored', () => {
  assert.ok(hookedModules().length > 0);
  for (const name of hookedModules()) {
    const entry = manifestEntry(name);
    assert.ok(entry !== undefined, `hooks for ${name}, which the manifest lacks`);
    assert.notEqual(entry.state, 'per-execution', `${name} is per-execution: its hooks would never run`);
    if (hooksOf(name).restore !== undefined) assert.equal(entry.state, 'restored', name);
  }
});

test('manifestEntry gives a subpath its base module', () => {
  assert.equal(manifestEntry('dayjs/plugin/utc').name, 'dayjs');
  assert.equal(manifestEntry('lodash').name, 'lodash');
  assert.equal(manifestEntry('left-pad'), undefined);
});
