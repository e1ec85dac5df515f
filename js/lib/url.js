'use strict';
// require('url') and the URL / URLSearchParams globals: the WHATWG URL Standard's
// reference implementation (whatwg-url), with Node's error code. Installed like an
// npm module the first time a code block mentions URL, URLSearchParams or 'url';
// installing defines the globals (js/build.mjs "globals").

import { URL as WhatwgURL, URLSearchParams } from 'whatwg-url';
import { invalidArgType, makeNodeError } from './internal/node_errors.js';

class URL extends WhatwgURL {
  constructor(input, base) {
    if (arguments.length === 0) {
      throw makeNodeError(TypeError, 'ERR_MISSING_ARGS', 'The "url" argument must be specified');
    }
    try {
      super(input, base);
    } catch (err) {
      if (err instanceof TypeError && /Invalid URL/.test(err.message)) {
        const error = makeNodeError(TypeError, 'ERR_INVALID_URL', 'Invalid URL');
        error.input = `${input}`;
        if (base !== undefined) error.base = `${base}`;
        throw error;
      }
      throw err;
    }
  }
  static canParse(input, base) {
    try { new WhatwgURL(input, base); return true; } catch { return false; } // eslint-disable-line no-new
  }
}
Object.defineProperty(URL, 'name', { value: 'URL' });

function fileURLToPath(path) {
  const url = typeof path === 'string' ? new URL(path) : path;
  if (!(url instanceof WhatwgURL)) throw invalidArgType('path', ['string', 'URL'], path);
  if (url.protocol !== 'file:') throw makeNodeError(TypeError, 'ERR_INVALID_URL_SCHEME', 'The URL must be of scheme file');
  return decodeURIComponent(url.pathname);
}

function pathToFileURL(path) {
  const url = new URL('file://');
  url.pathname = path;
  return url;
}

function format(urlObject) {
  if (urlObject instanceof WhatwgURL) return urlObject.href;
  if (typeof urlObject === 'string') return urlObject;
  throw invalidArgType('urlObject', ['object', 'string'], urlObject);
}

for (const [name, value] of [['URL', URL], ['URLSearchParams', URLSearchParams]]) {
  Object.defineProperty(globalThis, name, { value, writable: true, enumerable: false, configurable: true });
}

export default { URL, URLSearchParams, fileURLToPath, pathToFileURL, format };
