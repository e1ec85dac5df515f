'use strict';
// require('stream/consumers'): reads a whole stream (Node's Readable, a web ReadableStream,
// any async iterable) as Node 24's lib/stream/consumers.js does.
// Refs: https://github.com/nodejs/node/blob/v24.x/lib/stream/consumers.js

const { Buffer } = require('buffer');

async function blob(stream) {
  const chunks = [];
  for await (const chunk of stream) chunks.push(chunk);
  return new Blob(chunks);
}

async function arrayBuffer(stream) {
  return (await blob(stream)).arrayBuffer();
}

async function bytes(stream) {
  return new Uint8Array(await arrayBuffer(stream));
}

async function buffer(stream) {
  return Buffer.from(await arrayBuffer(stream));
}

// The layer's TextDecoder decodes whole inputs: bytes are gathered until a string chunk or
// the end, so a character split across chunks decodes whole.
async function text(stream) {
  const decoder = new TextDecoder();
  let out = '';
  let bytes = [];
  const flush = () => {
    if (bytes.length) out += decoder.decode(Buffer.concat(bytes));
    bytes = [];
  };
  for await (const chunk of stream) {
    if (typeof chunk === 'string') {
      flush();
      out += chunk;
    } else {
      bytes.push(ArrayBuffer.isView(chunk) ? new Uint8Array(chunk.buffer, chunk.byteOffset, chunk.byteLength)
        : new Uint8Array(chunk));
    }
  }
  flush();
  return out;
}

async function json(stream) {
  return JSON.parse(await text(stream));
}

export default { arrayBuffer, blob, buffer, bytes, text, json };
