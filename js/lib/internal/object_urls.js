'use strict';
// Object URLs (`blob:nodedata:<uuid>`): URL.createObjectURL / URL.revokeObjectURL (the
// url bundle reaches these through require('internal:object_urls')) and
// require('buffer').resolveObjectURL. Node keeps one registry per process; here it is
// per execution: a blob: URL names data of the execution that created it, so the
// registry is emptied after every execution (per_execution.js lists it).

import { Blob, blobData } from './blob.js';
import { codes } from './errors.js';
import { addRestorer } from './per_execution.js';
import { randomUUID } from './random.js';
import {
  MapPrototypeClear, MapPrototypeDelete, MapPrototypeGet, MapPrototypeSet, RegExpPrototypeExec, SafeMap, SafeSet, SetPrototypeHas, StringPrototypeIndexOf, StringPrototypeReplace, StringPrototypeSlice, StringPrototypeSplit, StringPrototypeToLowerCase,
} from './primordials.js';

const { ERR_INVALID_ARG_TYPE } = codes;


const registry = new SafeMap(); // uuid -> { bytes, type }
addRestorer(() => MapPrototypeClear(registry));

const SPECIAL = new SafeSet(['http', 'https', 'ws', 'wss', 'ftp', 'file']);
const C0_OR_SPACE_AT_ENDS = /^[\x00-\x20]+|[\x00-\x20]+$/g;
const TAB_OR_NEWLINE = /[\t\n\r]/g;
const SCHEME = /^[a-zA-Z][a-zA-Z0-9+.-]*:/;

function createObjectURL(obj) {
  const data = blobData(obj);
  if (data === undefined) throw new ERR_INVALID_ARG_TYPE('obj', ['Blob'], obj);
  const id = randomUUID();
  MapPrototypeSet(registry, id, data);
  return `blob:nodedata:${id}`;
}

// The pathname of `url` as the WHATWG URL parser gives it, where it can name an object
// URL: a non-special scheme's opaque path (what Node's resolveObjectURL splits on ':').
// undefined otherwise. Characters the parser would percent-encode cannot occur in a
// registered id, so leaving them as they are changes no lookup.
function opaquePath(url) {
  const input = StringPrototypeReplace(StringPrototypeReplace(url, C0_OR_SPACE_AT_ENDS, ''), TAB_OR_NEWLINE, '');
  const scheme = RegExpPrototypeExec(SCHEME, input);
  if (scheme === null) return undefined;
  const name = StringPrototypeSlice(scheme[0], 0, -1);
  let rest = StringPrototypeSlice(input, scheme[0].length);
  if (SetPrototypeHas(SPECIAL, StringPrototypeToLowerCase(name)) || rest[0] === '/') return undefined;
  let at = StringPrototypeIndexOf(rest, '#');
  if (at !== -1) rest = StringPrototypeSlice(rest, 0, at);
  at = StringPrototypeIndexOf(rest, '?');
  if (at !== -1) rest = StringPrototypeSlice(rest, 0, at);
  return rest;
}

// URL.revokeObjectURL, given the pathname of the parsed URL (the url bundle parses it,
// with any scheme): as Node's binding, the id is what follows the first ':' of the
// pathname, if no other ':' follows.
function revokeObjectURLPath(pathname) {
  const parts = StringPrototypeSplit(`${pathname}`, ':');
  if (parts.length === 2) MapPrototypeDelete(registry, parts[1]);
}

function resolveObjectURL(url) {
  const path = opaquePath(`${url}`);
  if (path === undefined) return undefined;
  const parts = StringPrototypeSplit(path, ':', 3);
  if (parts.length !== 2 || parts[0] !== 'nodedata') return undefined;
  const data = MapPrototypeGet(registry, parts[1]);
  if (data === undefined) return undefined;
  return new Blob([data.bytes], { type: data.type });
}

export { createObjectURL, revokeObjectURLPath, resolveObjectURL };
