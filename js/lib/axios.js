'use strict';
// require('axios'): the real axios package (its own source, bundled), with an adapter
// that sends requests through the service's fetch (lib/fetch.js), so they run in
// the host under its network policy. Behaves as axios does under Node: response
// `data` for responseType 'arraybuffer' is a Buffer, network errors carry Node's
// codes (ECONNREFUSED, ENOTFOUND), a timeout is ECONNABORTED "timeout of N ms
// exceeded", cancellation (signal, CancelToken) rejects with CanceledError.
// responseType 'stream': `data` is a Node Readable (Readable.fromWeb over the fetch body,
// which the host feeds chunk by chunk), as axios under Node gives its IncomingMessage;
// destroying it cancels the body and closes the connection.
// Upload/download progress events are not available.

import axios from 'axios';
import AxiosError from 'axios/unsafe/core/AxiosError.js';
import AxiosHeaders from 'axios/unsafe/core/AxiosHeaders.js';
import CanceledError from 'axios/unsafe/cancel/CanceledError.js';
import settle from 'axios/unsafe/core/settle.js';
import resolveConfig from 'axios/unsafe/helpers/resolveConfig.js';

// Installed before this module (js/build.mjs): the service's fetch and its classes.
const { fetch, Request, FormData, Buffer, URL, AbortController, setTimeout, clearTimeout } = globalThis;
const { Readable } = require('stream');

function toBody(data, method) {
  if (data === undefined || data === null || method === 'GET' || method === 'HEAD') return undefined;
  if (typeof data === 'object' && typeof data.getBuffer === 'function' && !(data instanceof FormData)) {
    return data; // the form-data package (fetch reads it, stream parts too): its headers were set by resolveConfig
  }
  return data;
}

async function readData(response, responseType) {
  if (responseType === 'arraybuffer') return Buffer.from(await response.arrayBuffer());
  if (responseType === 'blob') return response.blob();
  if (responseType === 'stream') return response.body === null ? Readable.from([]) : Readable.fromWeb(response.body);
  return response.text(); // json is parsed by axios's transformResponse, as under Node
}

function networkError(err, config, request) {
  if (err instanceof TypeError && err.cause && typeof err.cause.code === 'string') {
    return AxiosError.from(err.cause, err.cause.code, config, request);
  }
  return err; // SecurityError and friends pass through unchanged
}

function hostAdapter(config) {
  return new Promise((resolve, reject) => {
    const resolved = resolveConfig(config);
    const method = (resolved.method || 'get').toUpperCase();
    const headers = AxiosHeaders.from(resolved.headers).normalize();
    headers.set('User-Agent', `axios/${axios.VERSION}`, false); // as axios under Node sends
    const data = resolved.data;
    if (data instanceof FormData) headers.delete('content-type'); // fetch writes it with the boundary

    let url;
    try {
      url = new URL(resolved.url);
    } catch (cause) {
      reject(AxiosError.from(cause, AxiosError.ERR_INVALID_URL, config));
      return;
    }
    if (url.protocol !== 'http:' && url.protocol !== 'https:') {
      reject(new AxiosError(`Unsupported protocol ${url.protocol}`, AxiosError.ERR_BAD_REQUEST, config));
      return;
    }

    const controller = new AbortController();
    const request = { method, url: url.href, headers: headers.toJSON() };
    let finished = false;
    let timer = null;
    const cleanups = [];
    const fail = (error) => {
      if (finished) return;
      finished = true;
      controller.abort();
      for (const cleanup of cleanups) cleanup();
      reject(error);
    };

    if (resolved.timeout) {
      timer = setTimeout(() => {
        const message = resolved.timeoutErrorMessage ||
          `timeout of ${resolved.timeout}ms exceeded`;
        const transitional = resolved.transitional || {};
        fail(new AxiosError(message, transitional.clarifyTimeoutError ? AxiosError.ETIMEDOUT : AxiosError.ECONNABORTED,
          config, request));
      }, resolved.timeout);
      cleanups.push(() => clearTimeout(timer));
    }
    const onCancel = (reason) => {
      fail(!reason || reason.type ? new CanceledError(null, config, request) : reason);
    };
    if (resolved.cancelToken) {
      resolved.cancelToken.subscribe(onCancel);
      cleanups.push(() => resolved.cancelToken.unsubscribe(onCancel));
    }
    if (resolved.signal) {
      if (resolved.signal.aborted) {
        onCancel();
        return;
      }
      const onAbort = () => onCancel();
      resolved.signal.addEventListener('abort', onAbort);
      cleanups.push(() => resolved.signal.removeEventListener('abort', onAbort));
    }

    let fetchRequest;
    try {
      fetchRequest = new Request(url.href, {
        method,
        headers: Object.entries(request.headers).filter(([, v]) => v !== undefined && v !== null && v !== false),
        body: toBody(data, method),
        redirect: resolved.maxRedirects === 0 ? 'manual' : 'follow',
        signal: controller.signal,
      });
    } catch (err) {
      fail(AxiosError.from(err, AxiosError.ERR_BAD_REQUEST, config, request));
      return;
    }

    fetch(fetchRequest).then(async (response) => {
      const responseType = (resolved.responseType || 'json').toLowerCase();
      const body = await readData(response, responseType);
      if (finished) return;
      if (responseType === 'stream' && resolved.signal) {
        // As axios's http adapter: an abort after the response destroys the stream (and so
        // cancels the body and closes its connection).
        const onAbort = () => body.destroy();
        resolved.signal.addEventListener('abort', onAbort, { once: true });
        body.once('close', () => resolved.signal.removeEventListener('abort', onAbort));
      }
      finished = true;
      for (const cleanup of cleanups) cleanup();
      const responseHeaders = new AxiosHeaders();
      for (const [name, value] of response.headers) {
        if (name === 'set-cookie') responseHeaders.set(name, [...(responseHeaders.get(name) || []), value]);
        else responseHeaders.set(name, value);
      }
      settle(resolve, reject, {
        data: body,
        status: response.status,
        statusText: response.statusText,
        headers: responseHeaders,
        config,
        request: { ...request, responseURL: response.url, redirected: response.redirected },
      });
    }, (err) => fail(networkError(err, config, request))).catch((err) => fail(err));
  });
}

axios.defaults.adapter = hostAdapter;

export default axios;
