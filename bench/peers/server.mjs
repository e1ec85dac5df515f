// The Node.js + isolated-vm peer of this service (issue #20): what a user would build
// instead, serving the same POST /flow/codeblock contract so that `make bench` can drive
// both with the same load in the same run.
//
//   node bench/peers/server.mjs --mode reuse|fresh --port 8001 [--workers 2] [--isolates 4]
//                               [--timeout-ms 5000] [--memory-mb 128]
//
// - reuse: each isolate holds ONE context, set up once (lodash and dayjs evaluated into it)
//   and reused by every request: fast, but a request sees what an earlier one left in the
//   globals (no isolation between requests).
// - fresh: a new context per request, lodash/dayjs evaluated into it only when the code
//   requires them, released afterwards: isolated like this service, at the price of a
//   context and the modules per request.
// Both: `--isolates` isolates per worker (requests go to the one with the fewest in
// flight), compiled scripts cached per isolate (the module sources once, each distinct
// code block once), each execution under the same timeout and heap limit as ours
// (EXECUTION_TIMEOUT_MS 5000, RUNTIME_MEMORY_LIMIT_MB 128); node:cluster with `--workers`
// processes, like our 2 uvicorn workers. POST /bench/static parses the body and answers a
// fixed result (our static route), GET /health answers {"success":true}.
import cluster from 'node:cluster';
import { readFileSync } from 'node:fs';
import { createServer } from 'node:http';
import { createRequire } from 'node:module';
import { randomUUID } from 'node:crypto';
import { parseArgs } from 'node:util';
import ivm from 'isolated-vm';
import {
  ContractError, MODULES, errorType, failureBody, parseRequest, readBody, requiredModules, successBody,
} from './contract.mjs';

const { values: options } = parseArgs({
  options: {
    mode: { type: 'string', default: 'reuse' },
    port: { type: 'string', default: '8001' },
    host: { type: 'string', default: '127.0.0.1' },
    workers: { type: 'string', default: '2' },
    isolates: { type: 'string', default: '4' },
    'timeout-ms': { type: 'string', default: '5000' },
    'memory-mb': { type: 'string', default: '128' },
  },
});
if (!['reuse', 'fresh'].includes(options.mode)) throw new Error(`--mode must be reuse or fresh, not ${options.mode}`);
const TIMEOUT_MS = Number(options['timeout-ms']);
const MEMORY_MB = Number(options['memory-mb']);
const BODY_LIMIT = 8 * 2 ** 20;
const SCRIPT_CACHE_MAX = 512;

const require = createRequire(import.meta.url);
// Each module as a CommonJS function body: UMD builds (lodash, dayjs) see `module` and
// `exports` and export through them instead of writing a global.
const MODULE_SOURCES = Object.fromEntries(MODULES.map((name) => [name, readFileSync(require.resolve(name), 'utf8')]));

// Runs first in every context: the require() a code block sees (bundled modules only, as
// in ours), and the runner that parses the input and serialises the result inside the
// isolate, so that one string crosses each way.
const PRELUDE = `
globalThis.__modules = Object.create(null);
globalThis.__require = (name) => {
  const key = String(name).replace(/^node:/, '');
  if (!(key in __modules)) throw new Error("Cannot find module '" + name + "'");
  return __modules[key];
};
globalThis.__exec = async (fn, inputJson) => {
  const module = { exports: {} };
  const result = await fn(JSON.parse(inputJson), __require, module, module.exports);
  const json = JSON.stringify(result, (key, value) => (typeof value === 'bigint' ? value.toString() : value));
  return json === undefined ? 'null' : json;
};
`;

function moduleScript(name) {
  return `__modules[${JSON.stringify(name)}] = (function () { const module = { exports: {} };`
    + ` const exports = module.exports;\n${MODULE_SOURCES[name]}\n; return module.exports; })();\n`;
}

/** One isolate with its compiled scripts (and, in reuse mode, its one context). */
class Slot {
  constructor() {
    this.inFlight = 0;
    this.ready = this.#create();
  }

  async #create() {
    this.isolate = new ivm.Isolate({ memoryLimit: MEMORY_MB });
    this.scripts = new Map();
    // The setup of a context for each set of modules it needs: the prelude and the
    // modules in one script, compiled once per isolate.
    this.setups = new Map();
    if (options.mode === 'reuse') {
      this.context = await this.isolate.createContext();
      await (await this.#setup(MODULES)).run(this.context, { timeout: TIMEOUT_MS });
    }
  }

  async #setup(modules) {
    const key = modules.join(',');
    let script = this.setups.get(key);
    if (script === undefined) {
      script = await this.isolate.compileScript(PRELUDE + modules.map(moduleScript).join(''), {
        filename: `setup-${key || 'none'}.js`,
      });
      this.setups.set(key, script);
    }
    return script;
  }

  // A code block compiles to a function of the input's JSON text that runs it through
  // __exec; in reuse mode the function itself is kept too (one call into the isolate per
  // request), in fresh mode it is made anew in each context.
  async #script(code) {
    let entry = this.scripts.get(code);
    if (entry === undefined) {
      if (this.scripts.size >= SCRIPT_CACHE_MAX) this.scripts.clear();
      const script = await this.isolate.compileScript(
        `(inputJson) => __exec(async function (input, require, module, exports) {\n${code}\n}, inputJson)`,
        { filename: 'codeblock.js' });
      entry = { script, fn: undefined };
      this.scripts.set(code, entry);
    }
    return entry;
  }

  async execute(code, inputJson, timeoutMs) {
    await this.ready;
    const entry = await this.#script(code);
    const run = { timeout: timeoutMs, arguments: { copy: true }, result: { promise: true, copy: true } };
    if (options.mode === 'reuse') {
      entry.fn ??= await entry.script.run(this.context, { reference: true, timeout: timeoutMs });
      return entry.fn.apply(undefined, [inputJson], run);
    }
    const context = await this.isolate.createContext();
    try {
      await (await this.#setup(requiredModules(code))).run(context, { timeout: timeoutMs });
      const fn = await entry.script.run(context, { reference: true, timeout: timeoutMs });
      return await fn.apply(undefined, [inputJson], run);
    } finally {
      context.release();
    }
  }

  /** After a heap-limit failure the isolate is gone: a new one takes its place. */
  renewIfDisposed() {
    if (this.isolate.isDisposed) this.ready = this.#create();
  }
}

function startWorker() {
  const slots = Array.from({ length: Number(options.isolates) }, () => new Slot());

  async function codeblock(request, requestId, startedNs) {
    const { code, inputJson, timeoutMs } = parseRequest(await readBody(request, BODY_LIMIT), TIMEOUT_MS);
    const slot = slots.reduce((best, s) => (s.inFlight < best.inFlight ? s : best));
    slot.inFlight += 1;
    const executing = process.hrtime.bigint();
    try {
      const resultJson = await slot.execute(code, inputJson, timeoutMs);
      return [200, successBody(resultJson, requestId, startedNs, process.hrtime.bigint() - executing)];
    } catch (error) {
      if (error instanceof ContractError) throw error;
      slot.renewIfDisposed();
      const type = errorType(error?.name ?? 'Error', error?.message ?? String(error));
      return [400, failureBody(type, error?.message ?? String(error), requestId, startedNs,
        process.hrtime.bigint() - executing)];
    } finally {
      slot.inFlight -= 1;
    }
  }

  async function route(request) {
    const requestId = request.headers['x-request-id'] ?? randomUUID();
    const startedNs = process.hrtime.bigint();
    try {
      if (request.method === 'POST' && request.url === '/flow/codeblock') {
        return [...await codeblock(request, requestId, startedNs), requestId];
      }
      if (request.method === 'POST' && request.url === '/bench/static') {
        parseRequest(await readBody(request, BODY_LIMIT), TIMEOUT_MS);
        return [200, '{"success":true,"result":42}', requestId];
      }
      if (request.method === 'GET' && request.url === '/health') {
        await Promise.all(slots.map((s) => s.ready));
        return [200, `{"success":true,"data":{"status":"healthy","mode":"${options.mode}","pid":${process.pid}}}`,
          requestId];
      }
      return [404, failureBody('NotFound', `no route ${request.method} ${request.url}`, requestId, startedNs),
        requestId];
    } catch (error) {
      if (error instanceof ContractError) {
        return [error.status, failureBody(error.type, error.message, requestId, startedNs), requestId];
      }
      return [500, failureBody('InternalError', String(error?.message ?? error), requestId, startedNs), requestId];
    }
  }

  const server = createServer((request, response) => {
    route(request).then(([status, body, requestId]) => {
      response.writeHead(status, {
        'content-type': 'application/json', 'content-length': Buffer.byteLength(body), 'x-request-id': requestId,
      });
      response.end(body);
    });
  });
  server.keepAliveTimeout = 65_000;
  server.listen(Number(options.port), options.host);
}

if (cluster.isPrimary && Number(options.workers) > 1) {
  for (let i = 0; i < Number(options.workers); i += 1) cluster.fork();
  const stop = () => {
    for (const worker of Object.values(cluster.workers)) worker.process.kill('SIGTERM');
    process.exit(0);
  };
  process.on('SIGTERM', stop);
  process.on('SIGINT', stop);
} else {
  startWorker();
}
