// The console's limits (js/lib/internal/console.js) come only from the host at init:
// config.py's Settings are their one source, so the JS keeps no defaults of its own.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { configureConsole, makeConsole, takeLogs } from '../../js/lib/internal/console.js';

test('the console refuses to log before the host configured it (no default limits)', () => {
  const console = makeConsole();
  assert.throws(() => console.log('early'), /before configureConsole/);
  assert.deepEqual(takeLogs(), []);
});

test('configureConsole fails loudly when a limit is missing or malformed', () => {
  const base = { enabled: true, reject: false, maxEntries: 5, maxBytes: 500 };
  for (const [name, value] of [['maxEntries', undefined], ['maxBytes', undefined], ['maxEntries', '100'],
    ['maxBytes', -1], ['maxEntries', 1.5], ['maxBytes', null]]) {
    assert.throws(() => configureConsole({ ...base, [name]: value }), new RegExp(`must send ${name}`), `${name}=${value}`);
  }
  const { maxEntries, ...withoutEntries } = base;
  assert.equal(maxEntries, 5);
  assert.throws(() => configureConsole(withoutEntries), /must send maxEntries/);
});

test('the limits the host sends bound the entries and the bytes', () => {
  configureConsole({ enabled: true, reject: false, maxEntries: 2, maxBytes: 1000 });
  const console = makeConsole();
  console.log('one');
  console.warn('two');
  console.log('three');
  assert.deepEqual(takeLogs(), [
    { level: 'log', message: 'one' },
    { level: 'warn', message: 'two' },
    { level: 'warn', message: '[console output truncated: 1 more entries dropped]' },
  ]);

  configureConsole({ enabled: true, reject: false, maxEntries: 10, maxBytes: 8 });
  console.log('12345');
  console.log('6789');
  console.log('abc');
  assert.deepEqual(takeLogs(), [
    { level: 'log', message: '12345' },
    { level: 'log', message: 'abc' },
    { level: 'warn', message: '[console output truncated: 1 more entries dropped]' },
  ]);
});

test('with capture off the methods do nothing', () => {
  configureConsole({ enabled: false, reject: false, maxEntries: 10, maxBytes: 1000 });
  makeConsole().log('ignored');
  assert.deepEqual(takeLogs(), []);
});
