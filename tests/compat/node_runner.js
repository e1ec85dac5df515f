// Runs code-block snippets in real Node.js, the oracle for differential tests.
// stdin: JSON array of {code, input}; stdout: JSON array of outcomes:
//   {ok: true, result: <JSON text>} or {ok: false, name, message, line, column}.
'use strict';
const vm = require('node:vm');
const fs = require('node:fs');
const path = require('node:path');
const url = require('node:url');

function locate(err) {
  const stack = String(err && err.stack);
  const frame = /codeblock\.js:(\d+):(\d+)/.exec(stack);
  if (frame) return { line: +frame[1], column: +frame[2] };
  // Syntax errors: "codeblock.js:LINE\n<source>\n<caret>\n".
  const head = /^codeblock\.js:(\d+)\n.*\n( *)\^/.exec(stack);
  if (head) return { line: +head[1], column: head[2].length + 1 };
  return {};
}

// Code blocks written with `import` declarations run as a real ES module in Node:
// the leading import lines stay at module level, the rest becomes the body of the
// default export.
let esmCount = 0;
async function compileEsm(code) {
  const lines = code.split('\n');
  let split = 0;
  while (split < lines.length && /^\s*(import\s|$)/.test(lines[split])) split++;
  const source = `${lines.slice(0, split).join('\n')}\nexport default async function (input, require, module, exports) {\n` +
    `${lines.slice(split).join('\n')}\n}\n`;
  const dir = path.join(__dirname, '.tmp');
  fs.mkdirSync(dir, { recursive: true });
  const file = path.join(dir, `block${process.pid}_${esmCount++}.mjs`);
  fs.writeFileSync(file, source);
  try {
    return (await import(url.pathToFileURL(file).href)).default;
  } finally {
    fs.rmSync(file, { force: true });
  }
}

async function runOne({ code, input }) {
  try {
    if (/^\s*import\s/m.test(code) || /\bimport\s*\(/.test(code)) {
      const fn = await compileEsm(code);
      const value = await fn(input, require, { exports: {} }, {});
      const json = JSON.stringify(value, (k, v) => (typeof v === 'bigint' ? String(v) : v));
      return { ok: true, result: json === undefined ? 'null' : json };
    }
    // compileFunction cannot make an async function; code that awaits is wrapped
    // in one, with lineOffset keeping line numbers those of the code.
    const fn = /\bawait\b/.test(code)
      ? new vm.Script(`(async function (input, require, module, exports) {\n${code}\n})`,
        { filename: 'codeblock.js', lineOffset: -1 }).runInThisContext()
      : vm.compileFunction(code, ['input', 'require', 'module', 'exports'], { filename: 'codeblock.js' });
    const module = { exports: {} };
    const value = await fn.call(module.exports, input, require, module, module.exports);
    const json = JSON.stringify(value, (k, v) => (typeof v === 'bigint' ? String(v) : v));
    return { ok: true, result: json === undefined ? 'null' : json };
  } catch (err) {
    const isError = err instanceof Error;
    return { ok: false, name: isError ? err.name : undefined, code: isError && typeof err.code === 'string' ? err.code : undefined, message: isError ? err.message : String(err), ...locate(err) };
  }
}

let data = '';
process.stdin.on('data', (c) => { data += c; });
process.stdin.on('end', async () => {
  const out = [];
  for (const c of JSON.parse(data)) out.push(await runOne(c));
  process.stdout.write(JSON.stringify(out));
});
