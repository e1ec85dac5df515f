// Runs code-block snippets in real Node.js, the oracle for differential tests.
// stdin: JSON array of {code, input}; stdout: JSON array of outcomes:
//   {ok: true, result: <JSON text>} or {ok: false, name, message, line, column}.
'use strict';
const vm = require('node:vm');

function locate(err) {
  const stack = String(err && err.stack);
  const frame = /codeblock\.js:(\d+):(\d+)/.exec(stack);
  if (frame) return { line: +frame[1], column: +frame[2] };
  // Syntax errors: "codeblock.js:LINE\n<source>\n<caret>\n".
  const head = /^codeblock\.js:(\d+)\n.*\n( *)\^/.exec(stack);
  if (head) return { line: +head[1], column: head[2].length + 1 };
  return {};
}

async function runOne({ code, input }) {
  try {
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
    return { ok: false, name: isError ? err.name : undefined, message: isError ? err.message : String(err), ...locate(err) };
  }
}

let data = '';
process.stdin.on('data', (c) => { data += c; });
process.stdin.on('end', async () => {
  const out = [];
  for (const c of JSON.parse(data)) out.push(await runOne(c));
  process.stdout.write(JSON.stringify(out));
});
