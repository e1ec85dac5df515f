'use strict';
// require('stream'): the readable-stream package (v4), which is Node's own lib/stream
// code with its internals shimmed. js/build.mjs wires those shims to the layer: Buffer,
// events, string_decoder and process.nextTick are the layer's modules, and its error
// file is internal/stream_errors.js (the layer's registry). Here:
// - Node 24's default highWaterMark (64 KiB, 16 objects); setDefaultHighWaterMark changes
//   module state, which shared_modules.js puts back after every execution;
// - `promises` as a data property: harden() freezes what a
//   getter is, not what it returns;
// - Readable/Writable/Duplex .fromWeb/.toWeb, Node's internal/webstreams/adapters.js
//   rebuilt on the web streams module (readable-stream leaves them unimplemented).
// Refs: https://github.com/nodejs/node/blob/v24.x/lib/internal/webstreams/adapters.js

import Stream from 'readable-stream/lib/stream.js';
import promises from 'readable-stream/lib/stream/promises.js';
import { isDestroyed, isReadable, isWritable, isWritableEnded } from 'readable-stream/lib/internal/streams/utils.js';
import { AbortError, codes } from './internal/errors.js';

const { ERR_INVALID_ARG_TYPE, ERR_INVALID_ARG_VALUE, ERR_STREAM_PREMATURE_CLOSE } = codes;
const { Buffer } = require('buffer');
const web = require('stream/web');

const { ByteLengthQueuingStrategy, CountQueuingStrategy, ReadableStream, WritableStream } = web;
const { Readable, Writable, Duplex, finished, destroy } = Stream;

const NODE_DEFAULT_HWM = 64 * 1024;
const NODE_DEFAULT_OBJECT_HWM = 16;

function resetDefaults() {
  Stream.setDefaultHighWaterMark(false, NODE_DEFAULT_HWM);
  Stream.setDefaultHighWaterMark(true, NODE_DEFAULT_OBJECT_HWM);
}

function deferred() {
  let resolve;
  let reject;
  const promise = new Promise((res, rej) => { resolve = res; reject = rej; });
  return { promise, resolve, reject };
}

function thrower(error) { process.nextTick(() => { throw error; }); }

function isWebReadable(value) { return value instanceof ReadableStream; }

function isWebWritable(value) { return value instanceof WritableStream; }

// Readable.fromWeb
function readableFromWeb(readableStream, options = {}) {
  if (!isWebReadable(readableStream)) throw new ERR_INVALID_ARG_TYPE('readableStream', 'ReadableStream', readableStream);
  if (options === null || typeof options !== 'object') throw new ERR_INVALID_ARG_TYPE('options', 'Object', options);
  const { highWaterMark, encoding, objectMode = false, signal } = options;
  if (encoding !== undefined && !Buffer.isEncoding(encoding)) throw new ERR_INVALID_ARG_VALUE('options.encoding', encoding);
  if (typeof objectMode !== 'boolean') throw new ERR_INVALID_ARG_TYPE('options.objectMode', 'boolean', objectMode);
  const reader = readableStream.getReader();
  let closed = false;
  const readable = new Readable({
    objectMode, highWaterMark, encoding, signal,
    read() {
      reader.read().then((chunk) => {
        if (chunk.done) readable.push(null);
        else readable.push(chunk.value);
      }, (error) => destroy(readable, error));
    },
    destroy(error, callback) {
      function done() {
        try { callback(error); } catch (err) { thrower(err); }
      }
      if (!closed) {
        reader.cancel(error).then(done, done);
        return;
      }
      done();
    },
  });
  reader.closed.then(() => { closed = true; }, (error) => { closed = true; destroy(readable, error); });
  return readable;
}

// Readable.toWeb
function readableToWeb(streamReadable, options = {}) {
  if (typeof streamReadable?._readableState !== 'object') {
    throw new ERR_INVALID_ARG_TYPE('streamReadable', 'stream.Readable', streamReadable);
  }
  if (isDestroyed(streamReadable) || !isReadable(streamReadable)) {
    const readable = new ReadableStream();
    readable.cancel();
    return readable;
  }
  const objectMode = streamReadable.readableObjectMode;
  const highWaterMark = streamReadable.readableHighWaterMark;
  const strategy = options?.strategy ?? (objectMode ? new CountQueuingStrategy({ highWaterMark })
    : new ByteLengthQueuingStrategy({ highWaterMark }));
  let controller;
  function onData(chunk) {
    const value = Buffer.isBuffer(chunk) && !objectMode ? new Uint8Array(chunk) : chunk;
    controller.enqueue(value);
    if (controller.desiredSize <= 0) streamReadable.pause();
  }
  const cleanup = finished(streamReadable, (error) => {
    let reason = error;
    if (reason?.code === 'ERR_STREAM_PREMATURE_CLOSE') reason = new AbortError(undefined, { cause: reason });
    cleanup();
    streamReadable.on('error', () => {});
    if (reason) {
      controller.error(reason);
      return;
    }
    controller.close();
  });
  streamReadable.on('data', onData);
  return new ReadableStream({
    start(c) { controller = c; },
    pull() { streamReadable.resume(); },
    cancel(reason) { destroy(streamReadable, reason); },
  }, strategy);
}

// Writable.fromWeb
function writableFromWeb(writableStream, options = {}) {
  if (!isWebWritable(writableStream)) throw new ERR_INVALID_ARG_TYPE('writableStream', 'WritableStream', writableStream);
  if (options === null || typeof options !== 'object') throw new ERR_INVALID_ARG_TYPE('options', 'Object', options);
  const { highWaterMark, decodeStrings = true, objectMode = false, signal } = options;
  const writer = writableStream.getWriter();
  let closed = false;
  const writable = new Writable({
    highWaterMark, objectMode, decodeStrings, signal,
    writev(chunks, callback) {
      function done(error) {
        const errors = Array.isArray(error) ? error.filter((e) => e) : [error].filter((e) => e);
        try { callback(errors.length === 0 ? undefined : errors[0]); } catch (err) { thrower(err); }
      }
      writer.ready.then(() => Promise.all(chunks.map((data) => writer.write(data.chunk))).then(() => done(), done), done);
    },
    write(chunk, encoding, callback) {
      let data = chunk;
      if (typeof data === 'string' && decodeStrings && !objectMode) data = new Uint8Array(Buffer.from(data, encoding));
      else if (Buffer.isBuffer(data) && !objectMode) data = new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
      function done(error) {
        try { callback(error); } catch (err) { destroy(writable, err); }
      }
      writer.ready.then(() => writer.write(data).then(() => done(), done), done);
    },
    destroy(error, callback) {
      function done() {
        try { callback(error); } catch (err) { thrower(err); }
      }
      if (!closed) {
        if (error != null) writer.abort(error).then(done, done);
        else writer.close().then(done, done);
        return;
      }
      done();
    },
    final(callback) {
      function done(error) {
        try { callback(error); } catch (err) { thrower(err); }
      }
      if (!closed) writer.close().then(() => done(), done);
    },
  });
  writer.closed.then(() => {
    closed = true;
    if (!isWritableEnded(writable)) destroy(writable, new ERR_STREAM_PREMATURE_CLOSE());
  }, (error) => { closed = true; destroy(writable, error); });
  return writable;
}

// Writable.toWeb
function writableToWeb(streamWritable) {
  if (typeof streamWritable?._writableState !== 'object') {
    throw new ERR_INVALID_ARG_TYPE('streamWritable', 'stream.Writable', streamWritable);
  }
  if (isDestroyed(streamWritable) || !isWritable(streamWritable)) {
    const writable = new WritableStream();
    writable.close();
    return writable;
  }
  const highWaterMark = streamWritable.writableHighWaterMark;
  const strategy = streamWritable.writableObjectMode ? new CountQueuingStrategy({ highWaterMark }) : { highWaterMark };
  let controller;
  let backpressure;
  let closed;
  const cleanup = finished(streamWritable, (error) => {
    let reason = error;
    if (reason?.code === 'ERR_STREAM_PREMATURE_CLOSE') reason = new AbortError(undefined, { cause: reason });
    cleanup();
    streamWritable.on('error', () => {});
    if (reason != null) {
      backpressure?.reject(reason);
      if (closed !== undefined) { closed.reject(reason); closed = undefined; }
      controller?.error(reason);
      controller = undefined;
      return;
    }
    if (closed !== undefined) { closed.resolve(); closed = undefined; return; }
    controller?.error(new AbortError());
    controller = undefined;
  });
  streamWritable.on('drain', () => backpressure?.resolve());
  return new WritableStream({
    start(c) { controller = c; },
    write(chunk) {
      if (streamWritable.writableNeedDrain || !streamWritable.write(chunk)) {
        backpressure = deferred();
        return backpressure.promise.finally(() => { backpressure = undefined; });
      }
      return undefined;
    },
    abort(reason) { destroy(streamWritable, reason); },
    close() {
      if (closed === undefined && !isWritableEnded(streamWritable)) {
        closed = deferred();
        streamWritable.end();
        return closed.promise;
      }
      controller = undefined;
      return Promise.resolve();
    },
  }, strategy);
}

function duplexFromWeb(pair, options = {}) {
  if (pair === null || typeof pair !== 'object') throw new ERR_INVALID_ARG_TYPE('pair', 'ReadableWritablePair', pair);
  const { readable: readableStream, writable: writableStream } = pair;
  if (!isWebReadable(readableStream)) throw new ERR_INVALID_ARG_TYPE('pair.readable', 'ReadableStream', readableStream);
  if (!isWebWritable(writableStream)) throw new ERR_INVALID_ARG_TYPE('pair.writable', 'WritableStream', writableStream);
  return Duplex.from({ readable: readableFromWeb(readableStream, options), writable: writableFromWeb(writableStream, options) });
}

function duplexToWeb(duplex) {
  return { readable: readableToWeb(duplex), writable: writableToWeb(duplex) };
}

function defineStatic(target, name, value) {
  Object.defineProperty(target, name, { value, writable: true, enumerable: true, configurable: true });
}

defineStatic(Readable, 'fromWeb', readableFromWeb);
defineStatic(Readable, 'toWeb', readableToWeb);
defineStatic(Writable, 'fromWeb', writableFromWeb);
defineStatic(Writable, 'toWeb', writableToWeb);
defineStatic(Duplex, 'fromWeb', duplexFromWeb);
defineStatic(Duplex, 'toWeb', duplexToWeb);
// A data property in place of readable-stream's getter (see above). pipeline's and
// finished's promisify getters (not configurable) return members of this same object.
Object.defineProperty(Stream, 'promises', { value: promises, writable: true, enumerable: true, configurable: true });
resetDefaults();

export default Stream;
