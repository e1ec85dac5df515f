// eslint on the V8-side layer (make check). js/lib/internal/* runs while user code may
// have patched the built-ins, so it reaches them through primordials.js only (the rule
// Node keeps with node-core/prefer-primordials); primordials.js itself takes the copies.
import js from '@eslint/js';

const PATCHABLE = [
  'Array', 'ArrayBuffer', 'BigInt', 'DataView', 'Date', 'Error', 'EvalError', 'FinalizationRegistry', 'Function',
  'Int8Array', 'Int16Array', 'Int32Array', 'Intl', 'Iterator', 'JSON', 'Map', 'Math', 'Number', 'Object', 'Promise',
  'Proxy', 'RangeError', 'ReferenceError', 'Reflect', 'RegExp', 'Set', 'SharedArrayBuffer', 'String', 'Symbol',
  'SyntaxError', 'TypeError', 'Uint8Array', 'Uint8ClampedArray', 'Uint16Array', 'Uint32Array', 'URIError', 'WeakMap',
  'WeakRef', 'WeakSet', 'Atomics', 'Float32Array', 'Float64Array', 'BigInt64Array', 'BigUint64Array',
].map((name) => ({ name, message: `use the primordial (js/lib/internal/primordials.js), not the patchable ${name}` }));

const runtimeGlobals = {
  globalThis: 'readonly', require: 'readonly', module: 'writable', queueMicrotask: 'readonly', console: 'readonly',
  performance: 'readonly', setTimeout: 'readonly', clearTimeout: 'readonly', TextEncoder: 'readonly',
  TextDecoder: 'readonly', URL: 'readonly', URLSearchParams: 'readonly', Blob: 'readonly', File: 'readonly',
  AbortController: 'readonly', AbortSignal: 'readonly', Event: 'readonly', EventTarget: 'readonly',
  DOMException: 'readonly', WebAssembly: 'readonly', crypto: 'readonly', btoa: 'readonly', atob: 'readonly',
  structuredClone: 'readonly', navigator: 'readonly', process: 'readonly', Buffer: 'readonly',
};

const layerRules = {
  // The layer checks for NUL and other control characters on purpose (URLs, header values).
  'no-control-regex': 'off',
  // Parameters kept for a function's arity (Web IDL `length`) and documented signatures.
  'no-unused-vars': ['error', { args: 'none' }],
};

export default [
  { ignores: ['js/playground/**', 'src/**', 'node_modules/**'] },
  { linterOptions: { reportUnusedDisableDirectives: 'off' } },
  {
    files: ['js/bootstrap.js', 'js/lib/**/*.js'],
    ...js.configs.recommended,
    languageOptions: { ecmaVersion: 2025, sourceType: 'module', globals: runtimeGlobals },
    rules: { ...js.configs.recommended.rules, ...layerRules },
  },
  {
    files: ['js/build.mjs'],
    ...js.configs.recommended,
    languageOptions: { ecmaVersion: 2025, sourceType: 'module', globals: { console: 'readonly', process: 'readonly' } },
  },
  {
    files: ['js/lib/internal/**/*.js'],
    ignores: ['js/lib/internal/primordials.js'],
    rules: { 'no-restricted-globals': ['error', ...PATCHABLE] },
  },
];
