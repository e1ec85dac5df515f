'use strict';
// The web streams globals as Node 24 shows them, while their module (stream_web.js) stays
// lazy: own properties of the global object from the start, in Node's order and place
// (after TextDecoder), so `'ReadableStream' in globalThis` and
// Object.getOwnPropertyNames(globalThis) are Node's whether or not the module is installed.
// Like Node's lazy interfaces (lib/internal/util.js defineLazyProperties), each is an
// accessor, not enumerable: the getter gives the installed module's class, the setter
// makes a data property (for this execution: the global object is put back after it).
// The host installs the module for code that names one of them (an identifier, a property
// name or a string literal, analysis.py). Reached otherwise (a computed name) in a runtime
// without the module, a global is undefined, as it was before these accessors: libraries
// feature-test with `typeof ReadableStream` (axios, the layer's Blob.stream), which calls the
// getter, so it must not throw.

import { ObjectDefineProperty } from './primordials.js';

function defineLazyGlobals(global, moduleName, names, exportsOf) {
  for (let i = 0; i < names.length; i++) {
    const name = names[i];
    const get = function () {
      const exports = exportsOf(moduleName);
      return exports === undefined ? undefined : exports[name];
    };
    const set = function (value) {
      ObjectDefineProperty(global, name, { value, writable: true, enumerable: false, configurable: true });
    };
    ObjectDefineProperty(get, 'name', { value: `get ${name}` });
    ObjectDefineProperty(set, 'name', { value: `set ${name}` });
    ObjectDefineProperty(global, name, { get, set, enumerable: false, configurable: true });
  }
}

export { defineLazyGlobals };
