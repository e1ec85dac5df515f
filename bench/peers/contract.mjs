// The parts of the peers' HTTP contract that need no isolated-vm: reading a request body,
// the response envelopes (README's API section, the fields bench/run.py and a client of
// Flow-CodeBlock read), which bundled modules a code block requires, and the error type
// of a thrown value. Kept apart from server.mjs so that tests/js can check them under the
// project's Node 24, where the Node-20 build of isolated-vm does not load.
import { randomUUID } from 'node:crypto';

export const MODULES = Object.freeze(['lodash', 'dayjs']);

const REQUIRE = /\brequire\s*\(\s*['"](?:node:)?([\w@/.-]+)['"]\s*\)/g;

/** The bundled modules that `code` requires by a literal name, each once, in MODULES' order. */
export function requiredModules(code) {
  const names = new Set();
  for (const match of code.matchAll(REQUIRE)) names.add(match[1]);
  return MODULES.filter((name) => names.has(name));
}

export class ContractError extends Error {
  constructor(status, type, message) {
    super(message);
    this.status = status;
    this.type = type;
  }
}

/** The code and the input's JSON text of a POST /flow/codeblock body, as ours validates them
 * (the same field names, base64 and an object input); the timeout can only lower `maxMs`. */
export function parseRequest(text, maxMs) {
  let body;
  try {
    body = JSON.parse(text);
  } catch {
    throw new ContractError(400, 'ValidationError', 'request body is not valid JSON');
  }
  if (body === null || typeof body !== 'object' || Array.isArray(body)) {
    throw new ContractError(400, 'ValidationError', 'request body must be a JSON object');
  }
  const encoded = body.codebase64 ?? body.codeBase64;
  if (typeof encoded !== 'string' || encoded === '') {
    throw new ContractError(400, 'ValidationError', 'codebase64 is required');
  }
  const { input } = body;
  if (input === null || typeof input !== 'object' || Array.isArray(input)) {
    throw new ContractError(400, 'ValidationError', 'input must be an object');
  }
  if (!/^[A-Za-z0-9+/]*={0,2}$/.test(encoded) || encoded.length % 4 === 1) {
    throw new ContractError(400, 'ValidationError', 'codebase64 is not valid base64');
  }
  const code = Buffer.from(encoded, 'base64').toString('utf8');
  if (!/\breturn\b/.test(code)) {
    throw new ContractError(400, 'ValidationError', 'the code must contain a return statement');
  }
  let timeoutMs = maxMs;
  if (body.timeout !== undefined) {
    if (typeof body.timeout !== 'number' || !(body.timeout > 0)) {
      throw new ContractError(400, 'ValidationError', 'timeout must be a positive number of milliseconds');
    }
    timeoutMs = Math.min(maxMs, Math.ceil(body.timeout));
  }
  return { code, inputJson: JSON.stringify(input), timeoutMs };
}

/** The error type our API reports for a value thrown by a code block, from its name. */
export function errorType(name, message) {
  if (/timed out/i.test(message)) return 'TimeoutError';
  if (/memory limit/i.test(message) || /isolate was disposed/i.test(message)) return 'MemoryLimitError';
  if (['SyntaxError', 'ReferenceError', 'TypeError', 'RangeError', 'URIError'].includes(name)) return name;
  return 'RuntimeError';
}

function timing(startedNs, executedNs) {
  const totalUs = Number((process.hrtime.bigint() - startedNs) / 1000n);
  const executionUs = Number(executedNs / 1000n);
  return `{"executionTime":${Math.floor(executionUs / 1000)},"totalTime":${Math.floor(totalUs / 1000)},`
    + `"executionTimeUs":${executionUs},"totalTimeUs":${totalUs}}`;
}

/** The success envelope around `resultJson` (already JSON text: it comes out of the isolate
 * as a string, so it is spliced in rather than parsed and serialised again). */
export function successBody(resultJson, requestId, startedNs, executedNs) {
  return `{"success":true,"result":${resultJson},"executionId":"${randomUUID()}",`
    + `"timing":${timing(startedNs, executedNs)},"timestamp":"${new Date().toISOString()}",`
    + `"request_id":${JSON.stringify(requestId)}}`;
}

export function failureBody(type, message, requestId, startedNs, executedNs = 0n) {
  const error = JSON.stringify({ type, message: String(message), name: type });
  return `{"success":false,"error":${error},"executionId":"${randomUUID()}",`
    + `"timing":${timing(startedNs, executedNs)},"timestamp":"${new Date().toISOString()}",`
    + `"request_id":${JSON.stringify(requestId)}}`;
}

/** Reads a request body up to `limit` bytes; rejects with a 413 ContractError past it. */
export function readBody(request, limit) {
  return new Promise((resolve, reject) => {
    const chunks = [];
    let size = 0;
    request.on('data', (chunk) => {
      size += chunk.length;
      if (size > limit) {
        request.destroy();
        reject(new ContractError(413, 'PayloadTooLargeError', `request body is over ${limit} bytes`));
        return;
      }
      chunks.push(chunk);
    });
    request.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    request.on('error', reject);
  });
}
