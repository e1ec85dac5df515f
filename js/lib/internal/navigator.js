'use strict';
// globalThis.navigator as Node 24 defines it, with values that tell nothing about the
// host: one processor (a code block has one thread), the runtime's default locale.

import { codes } from './errors.js';
import { IntlDateTimeFormat, Symbol_ } from './primordials.js';

const { ERR_ILLEGAL_CONSTRUCTOR } = codes;

const kConstruct = Symbol_('kConstruct');
const MAJOR = 24;

class Navigator {
  constructor(token) {
    if (token !== kConstruct) throw new ERR_ILLEGAL_CONSTRUCTOR();
  }

  get hardwareConcurrency() { return 1; }

  get language() { return new IntlDateTimeFormat().resolvedOptions().locale; }

  get languages() { return [this.language]; }

  get userAgent() { return `Node.js/${MAJOR}`; }

  get platform() { return 'Linux x86_64'; }
}

const navigator = new Navigator(kConstruct);

export { Navigator, navigator };
