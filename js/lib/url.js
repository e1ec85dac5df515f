'use strict';
// require('url') and the URL / URLSearchParams / URLPattern globals. Installed like an
// npm module the first time a code block mentions one of them or 'url'; installing
// defines the globals (js/build.mjs "globals").
// - URL, URLSearchParams: the WHATWG URL Standard's reference implementation
//   (whatwg-url), with Node's errors and statics (parse, canParse, createObjectURL,
//   revokeObjectURL: object URLs live in internal/object_urls.js, per execution).
// - URLPattern: urlpattern-polyfill, wrapped for Node's errors and result shape.
// - The legacy API (parse, format, resolve, resolveObject, Url): Node 24's lib/url.js,
//   ported; its native helpers (toASCII, the WHATWG format) rebuilt on whatwg-url / tr46.
// - fileURLToPath, pathToFileURL, urlToHttpOptions, domainToASCII, domainToUnicode:
//   Node 24's lib/internal/url.js, POSIX only.

import {
  URL as WhatwgURL, URLSearchParams, basicURLParse, parseURL, serializeHost, serializeURL, percentDecodeString,
} from 'whatwg-url';
import { toASCII as tr46ToASCII, toUnicode as tr46ToUnicode } from 'tr46';
import { URLPattern as PolyfillURLPattern } from 'urlpattern-polyfill/urlpattern';
import { codes, plain } from './internal/errors.js';

const {
  ERR_FEATURE_UNAVAILABLE_ON_PLATFORM, ERR_INVALID_ARG_TYPE, ERR_INVALID_FILE_URL_HOST, ERR_INVALID_FILE_URL_PATH,
  ERR_INVALID_URI, ERR_INVALID_URL_SCHEME, ERR_MISSING_ARGS,
} = codes;

const querystring = require('querystring');
const { Buffer } = require('buffer');
const objectURLs = require('internal:object_urls');

function missingArgs(name) {
  return new ERR_MISSING_ARGS(name);
}

function invalidURL(input, base) {
  const error = new plain.ERR_INVALID_URL('Invalid URL');
  error.input = input;
  if (base !== undefined) error.base = base;
  return error;
}

// ---------------------------------------------------------------------------------
// WHATWG URL

class URL extends WhatwgURL {
  constructor(input, base = undefined) {
    if (arguments.length === 0) throw missingArgs('url');
    if (typeof input !== 'string') input = `${input}`;
    if (base !== undefined && typeof base !== 'string') base = `${base}`;
    try {
      super(input, base);
    } catch (err) {
      if (err instanceof TypeError && /Invalid (base )?URL/.test(err.message)) throw invalidURL(input, base);
      throw err;
    }
  }

  static parse(input, base = undefined) {
    if (arguments.length === 0) throw missingArgs('url');
    if (typeof input !== 'string') input = `${input}`;
    if (base !== undefined && typeof base !== 'string') base = `${base}`;
    try {
      return new URL(input, base);
    } catch {
      return null;
    }
  }

  static canParse(url, base = undefined) {
    if (arguments.length === 0) throw missingArgs('url');
    if (typeof url !== 'string') url = `${url}`;
    if (base !== undefined && typeof base !== 'string') base = `${base}`;
    return WhatwgURL.canParse(url, base);
  }

  static createObjectURL(obj) {
    return objectURLs.createObjectURL(obj);
  }

  static revokeObjectURL(url) {
    if (arguments.length === 0) throw missingArgs('url');
    const record = parseURL(`${url}`);
    if (record === null) return;
    objectURLs.revokeObjectURLPath(pathnameOf(record));
  }
}
Object.defineProperty(URL, 'name', { value: 'URL' });
for (const name of ['parse', 'canParse', 'createObjectURL', 'revokeObjectURL']) {
  Object.defineProperty(URL, name, { enumerable: true });
}

// What util.inspect and console.log show (Node's lib/internal/url.js [inspect.custom]).
const kInspect = Symbol.for('nodejs.util.inspect.custom');
const URL_FIELDS = ['href', 'origin', 'protocol', 'username', 'password', 'host', 'hostname', 'port', 'pathname',
  'search', 'searchParams', 'hash'];
Object.defineProperty(URL.prototype, kInspect, {
  value: function inspectURL(depth, options, inspect) {
    if (typeof depth === 'number' && depth < 0) return this;
    const shown = {};
    for (const field of URL_FIELDS) shown[field] = this[field];
    return `${this.constructor.name} ${inspect(shown, options)}`;
  },
  configurable: true, writable: true,
});
Object.defineProperty(URLSearchParams.prototype, kInspect, {
  value: function inspectURLSearchParams(depth, options, inspect) {
    if (typeof depth === 'number' && depth < 0) return '[Object]';
    const inner = { ...options };
    if (typeof depth === 'number') inner.depth = depth - 1;
    const output = [];
    for (const [key, value] of this) output.push(`${inspect(key, inner)} => ${inspect(value, inner)}`);
    const name = this.constructor.name;
    if (output.length === 0) return `${name} {}`;
    const length = output.reduce((total, entry) => total + entry.length + 2, -2);
    if (length > (options?.breakLength ?? 128)) return `${name} {\n  ${output.join(',\n  ')} }`;
    return `${name} { ${output.join(', ')} }`;
  },
  configurable: true, writable: true,
});

function pathnameOf(record) {
  if (typeof record.path === 'string') return record.path; // an opaque path
  let out = '';
  for (const segment of record.path) out += `/${segment}`;
  return out;
}

// Node's duck type for a URL (lib/internal/url.js isURL).
function isURL(self) {
  return Boolean(self?.href && self.protocol && self.auth === undefined && self.path === undefined);
}

// ---------------------------------------------------------------------------------
// Domains

function hostnameOf(domain) {
  if (domain === '') return null;
  const record = parseURL('ws://x');
  if (basicURLParse(domain, { url: record, stateOverride: 'hostname' }) === null) return null;
  return record.host;
}

function domainToASCII(domain) {
  if (arguments.length < 1) throw missingArgs('domain');
  const host = hostnameOf(`${domain}`);
  return host === null ? '' : serializeHost(host);
}

function domainToUnicode(domain) {
  if (arguments.length < 1) throw missingArgs('domain');
  const host = hostnameOf(`${domain}`);
  if (host === null) return '';
  return typeof host === 'string' ? unicodeDomain(host) : serializeHost(host);
}

const IDNA_OPTIONS = {
  checkHyphens: false, checkBidi: true, checkJoiners: true, useSTD3ASCIIRules: false,
  transitionalProcessing: false, verifyDNSLength: false,
};

// ada::idna::to_unicode: an xn-- label whose Punycode does not round-trip stays as it is.
function unicodeDomain(domain) {
  const labels = domain.split('.');
  for (let i = 0; i < labels.length; i++) {
    const label = labels[i];
    if (!/^xn--/i.test(label)) continue;
    const decoded = tr46ToUnicode(label, { ...IDNA_OPTIONS, checkBidi: false, checkJoiners: false }).domain;
    if (tr46ToASCII(decoded, IDNA_OPTIONS) === label.toLowerCase()) labels[i] = decoded;
  }
  return labels.join('.');
}

// IDNA ToASCII as Node's url.parse applies it to a host name (ada::idna::to_ascii): '' when
// the name cannot be converted.
// ada keeps an ASCII name whose xn-- labels are not valid Punycode as it is.
function toASCII(hostname) {
  const result = tr46ToASCII(hostname, IDNA_OPTIONS);
  if (result !== null) return result;
  return /^[\x00-\x7f]*$/.test(hostname) ? hostname : '';
}

// ---------------------------------------------------------------------------------
// Node's url.format(URL, options) (the binding's format over the WHATWG record).

function formatWhatwg(href, fragment, unicode, search, auth) {
  const record = parseURL(href);
  if (!fragment) record.fragment = null;
  if (unicode && typeof record.host === 'string' && record.host !== '') record.host = unicodeDomain(record.host);
  if (!search) record.query = null;
  if (!auth) {
    record.username = '';
    record.password = '';
  }
  return serializeURL(record);
}

// ---------------------------------------------------------------------------------
// Legacy url.parse / format / resolve (Node 24 lib/url.js).

const unsafeProtocol = new Set(['javascript', 'javascript:']);
const hostlessProtocol = new Set(['javascript', 'javascript:']);
const slashedProtocol = new Set(['http', 'http:', 'https', 'https:', 'ftp', 'ftp:', 'gopher', 'gopher:', 'file',
  'file:', 'ws', 'ws:', 'wss', 'wss:']);

function Url() {
  this.protocol = null;
  this.slashes = null;
  this.auth = null;
  this.host = null;
  this.port = null;
  this.hostname = null;
  this.hash = null;
  this.search = null;
  this.query = null;
  this.pathname = null;
  this.path = null;
  this.href = null;
}

const protocolPattern = /^[a-z0-9.+-]+:/i;
const portPattern = /:[0-9]*$/;
const hostPattern = /^\/\/[^@/]+@[^@/]+/;
const simplePathPattern = /^(\/\/?(?!\/)[^?\s]*)(\?[^\s]*)?$/;
const hostnameMaxLen = 255;

const CHAR_SPACE = 32;
const CHAR_TAB = 9;
const CHAR_CARRIAGE_RETURN = 13;
const CHAR_LINE_FEED = 10;
const CHAR_NO_BREAK_SPACE = 160;
const CHAR_ZERO_WIDTH_NOBREAK_SPACE = 65279;
const CHAR_HASH = 35;
const CHAR_FORWARD_SLASH = 47;
const CHAR_LEFT_SQUARE_BRACKET = 91;
const CHAR_RIGHT_SQUARE_BRACKET = 93;
const CHAR_LEFT_ANGLE_BRACKET = 60;
const CHAR_RIGHT_ANGLE_BRACKET = 62;
const CHAR_LEFT_CURLY_BRACKET = 123;
const CHAR_RIGHT_CURLY_BRACKET = 125;
const CHAR_QUESTION_MARK = 63;
const CHAR_DOUBLE_QUOTE = 34;
const CHAR_SINGLE_QUOTE = 39;
const CHAR_PERCENT = 37;
const CHAR_SEMICOLON = 59;
const CHAR_BACKWARD_SLASH = 92;
const CHAR_CIRCUMFLEX_ACCENT = 94;
const CHAR_GRAVE_ACCENT = 96;
const CHAR_VERTICAL_LINE = 124;
const CHAR_AT = 64;
const CHAR_COLON = 58;

function validateString(value, name) {
  if (typeof value !== 'string') throw new ERR_INVALID_ARG_TYPE(name, ['string'], value);
}

function urlParse(url, parseQueryString, slashesDenoteHost) {
  if (url instanceof Url) return url;
  const urlObject = new Url();
  urlObject.parse(url, parseQueryString, slashesDenoteHost);
  return urlObject;
}

function isIpv6Hostname(hostname) {
  return hostname.charCodeAt(0) === CHAR_LEFT_SQUARE_BRACKET &&
    hostname.charCodeAt(hostname.length - 1) === CHAR_RIGHT_SQUARE_BRACKET;
}

const forbiddenHostChars = /[\0\t\n\r #%/:<>?@[\\\]^|]/;
const forbiddenHostCharsIpv6 = /[\0\t\n\r #%/<>?@\\^|]/;

Url.prototype.parse = function parse(url, parseQueryString, slashesDenoteHost) {
  validateString(url, 'url');

  let hasHash = false;
  let hasAt = false;
  let start = -1;
  let end = -1;
  let rest = '';
  let lastPos = 0;
  for (let i = 0, inWs = false, split = false; i < url.length; ++i) {
    const code = url.charCodeAt(i);
    const isWs = code < 33 || code === CHAR_NO_BREAK_SPACE || code === CHAR_ZERO_WIDTH_NOBREAK_SPACE;
    if (start === -1) {
      if (isWs) continue;
      lastPos = start = i;
    } else if (inWs) {
      if (!isWs) {
        end = -1;
        inWs = false;
      }
    } else if (isWs) {
      end = i;
      inWs = true;
    }

    if (!split) {
      switch (code) {
        case CHAR_AT:
          hasAt = true;
          break;
        case CHAR_HASH:
          hasHash = true;
        // Fall through
        case CHAR_QUESTION_MARK:
          split = true;
          break;
        case CHAR_BACKWARD_SLASH:
          if (i - lastPos > 0) rest += url.slice(lastPos, i);
          rest += '/';
          lastPos = i + 1;
          break;
        default:
      }
    } else if (!hasHash && code === CHAR_HASH) {
      hasHash = true;
    }
  }

  if (start !== -1) {
    if (lastPos === start) {
      if (end === -1) {
        if (start === 0) rest = url;
        else rest = url.slice(start);
      } else {
        rest = url.slice(start, end);
      }
    } else if (end === -1 && lastPos < url.length) {
      rest += url.slice(lastPos);
    } else if (end !== -1 && lastPos < end) {
      rest += url.slice(lastPos, end);
    }
  }

  if (!slashesDenoteHost && !hasHash && !hasAt) {
    const simplePath = simplePathPattern.exec(rest);
    if (simplePath) {
      this.path = rest;
      this.href = rest;
      this.pathname = simplePath[1];
      if (simplePath[2]) {
        this.search = simplePath[2];
        if (parseQueryString) {
          this.query = querystring.parse(this.search.slice(1));
        } else {
          this.query = this.search.slice(1);
        }
      } else if (parseQueryString) {
        this.search = null;
        this.query = { __proto__: null };
      }
      return this;
    }
  }

  let proto = protocolPattern.exec(rest);
  let lowerProto;
  if (proto) {
    proto = proto[0];
    lowerProto = proto.toLowerCase();
    this.protocol = lowerProto;
    rest = rest.slice(proto.length);
  }

  let slashes;
  if (slashesDenoteHost || proto || hostPattern.test(rest)) {
    slashes = rest.charCodeAt(0) === CHAR_FORWARD_SLASH && rest.charCodeAt(1) === CHAR_FORWARD_SLASH;
    if (slashes && !(proto && hostlessProtocol.has(lowerProto))) {
      rest = rest.slice(2);
      this.slashes = true;
    }
  }

  if (!hostlessProtocol.has(lowerProto) && (slashes || (proto && !slashedProtocol.has(proto)))) {
    let hostEnd = -1;
    let atSign = -1;
    let nonHost = -1;
    for (let i = 0; i < rest.length; ++i) {
      switch (rest.charCodeAt(i)) {
        case CHAR_TAB:
        case CHAR_LINE_FEED:
        case CHAR_CARRIAGE_RETURN:
          rest = rest.slice(0, i) + rest.slice(i + 1);
          i -= 1;
          break;
        case CHAR_SPACE:
        case CHAR_DOUBLE_QUOTE:
        case CHAR_PERCENT:
        case CHAR_SINGLE_QUOTE:
        case CHAR_SEMICOLON:
        case CHAR_LEFT_ANGLE_BRACKET:
        case CHAR_RIGHT_ANGLE_BRACKET:
        case CHAR_BACKWARD_SLASH:
        case CHAR_CIRCUMFLEX_ACCENT:
        case CHAR_GRAVE_ACCENT:
        case CHAR_LEFT_CURLY_BRACKET:
        case CHAR_VERTICAL_LINE:
        case CHAR_RIGHT_CURLY_BRACKET:
          if (nonHost === -1) nonHost = i;
          break;
        case CHAR_HASH:
        case CHAR_FORWARD_SLASH:
        case CHAR_QUESTION_MARK:
          if (nonHost === -1) nonHost = i;
          hostEnd = i;
          break;
        case CHAR_AT:
          atSign = i;
          nonHost = -1;
          break;
        default:
      }
      if (hostEnd !== -1) break;
    }
    start = 0;
    if (atSign !== -1) {
      this.auth = decodeURIComponent(rest.slice(0, atSign));
      start = atSign + 1;
    }
    if (nonHost === -1) {
      this.host = rest.slice(start);
      rest = '';
    } else {
      this.host = rest.slice(start, nonHost);
      rest = rest.slice(nonHost);
    }

    this.parseHost();

    if (typeof this.hostname !== 'string') this.hostname = '';

    const hostname = this.hostname;
    const ipv6Hostname = isIpv6Hostname(hostname);

    if (!ipv6Hostname) rest = getHostname(this, rest, hostname, url);

    if (this.hostname.length > hostnameMaxLen) {
      this.hostname = '';
    } else {
      this.hostname = this.hostname.toLowerCase();
    }

    if (this.hostname !== '') {
      if (ipv6Hostname) {
        if (forbiddenHostCharsIpv6.test(this.hostname)) throw invalidURL(url);
      } else {
        this.hostname = toASCII(this.hostname);
        if (this.hostname === '' || forbiddenHostChars.test(this.hostname)) throw invalidURL(url);
      }
    }

    const p = this.port ? `:${this.port}` : '';
    const h = this.hostname || '';
    this.host = h + p;

    if (ipv6Hostname) {
      this.hostname = this.hostname.slice(1, -1);
      if (rest[0] !== '/') rest = `/${rest}`;
    }
  }

  if (!unsafeProtocol.has(lowerProto)) rest = autoEscapeStr(rest);

  let questionIdx = -1;
  let hashIdx = -1;
  for (let i = 0; i < rest.length; ++i) {
    const code = rest.charCodeAt(i);
    if (code === CHAR_HASH) {
      this.hash = rest.slice(i);
      hashIdx = i;
      break;
    } else if (code === CHAR_QUESTION_MARK && questionIdx === -1) {
      questionIdx = i;
    }
  }

  if (questionIdx !== -1) {
    if (hashIdx === -1) {
      this.search = rest.slice(questionIdx);
      this.query = rest.slice(questionIdx + 1);
    } else {
      this.search = rest.slice(questionIdx, hashIdx);
      this.query = rest.slice(questionIdx + 1, hashIdx);
    }
    if (parseQueryString) this.query = querystring.parse(this.query);
  } else if (parseQueryString) {
    this.search = null;
    this.query = { __proto__: null };
  }

  const useQuestionIdx = questionIdx !== -1 && (hashIdx === -1 || questionIdx < hashIdx);
  const firstIdx = useQuestionIdx ? questionIdx : hashIdx;
  if (firstIdx === -1) {
    if (rest.length > 0) this.pathname = rest;
  } else if (firstIdx > 0) {
    this.pathname = rest.slice(0, firstIdx);
  }
  if (slashedProtocol.has(lowerProto) && this.hostname && !this.pathname) this.pathname = '/';

  if (this.pathname || this.search) {
    const p = this.pathname || '';
    const s = this.search || '';
    this.path = p + s;
  }

  this.href = this.format();
  return this;
};

// Node warns (DEP0170) about an invalid port here; code blocks have no warning channel.
function getHostname(self, rest, hostname) {
  for (let i = 0; i < hostname.length; ++i) {
    const code = hostname.charCodeAt(i);
    const isValid = code !== CHAR_FORWARD_SLASH && code !== CHAR_BACKWARD_SLASH && code !== CHAR_HASH &&
      code !== CHAR_QUESTION_MARK && code !== CHAR_COLON;
    if (!isValid) {
      self.hostname = hostname.slice(0, i);
      return `/${hostname.slice(i)}${rest}`;
    }
  }
  return rest;
}

const escapedCodes = [
  /* 0 - 9 */ '', '', '', '', '', '', '', '', '', '%09',
  /* 10 - 19 */ '%0A', '', '', '%0D', '', '', '', '', '', '',
  /* 20 - 29 */ '', '', '', '', '', '', '', '', '', '',
  /* 30 - 39 */ '', '', '%20', '', '%22', '', '', '', '', '%27',
  /* 40 - 49 */ '', '', '', '', '', '', '', '', '', '',
  /* 50 - 59 */ '', '', '', '', '', '', '', '', '', '',
  /* 60 - 69 */ '%3C', '', '%3E', '', '', '', '', '', '', '',
  /* 70 - 79 */ '', '', '', '', '', '', '', '', '', '',
  /* 80 - 89 */ '', '', '', '', '', '', '', '', '', '',
  /* 90 - 99 */ '', '', '%5C', '', '%5E', '', '%60', '', '', '',
  /* 100 - 109 */ '', '', '', '', '', '', '', '', '', '',
  /* 110 - 119 */ '', '', '', '', '', '', '', '', '', '',
  /* 120 - 125 */ '', '', '', '%7B', '%7C', '%7D',
];

function autoEscapeStr(rest) {
  let escaped = '';
  let lastEscapedPos = 0;
  for (let i = 0; i < rest.length; ++i) {
    const escapedChar = escapedCodes[rest.charCodeAt(i)];
    if (escapedChar) {
      if (i > lastEscapedPos) escaped += rest.slice(lastEscapedPos, i);
      escaped += escapedChar;
      lastEscapedPos = i + 1;
    }
  }
  if (lastEscapedPos === 0) return rest;
  if (lastEscapedPos < rest.length) escaped += rest.slice(lastEscapedPos);
  return escaped;
}

function validateObject(value, name) {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    throw new ERR_INVALID_ARG_TYPE(name, ['object'], value);
  }
}

function urlFormat(urlObject, options) {
  if (typeof urlObject === 'string') {
    urlObject = urlParse(urlObject);
  } else if (typeof urlObject !== 'object' || urlObject === null) {
    throw new ERR_INVALID_ARG_TYPE('urlObject', ['object', 'string'], urlObject);
  } else if (urlObject instanceof WhatwgURL) {
    let fragment = true;
    let unicode = false;
    let search = true;
    let auth = true;
    if (options) {
      validateObject(options, 'options');
      if (options.fragment != null) fragment = Boolean(options.fragment);
      if (options.unicode != null) unicode = Boolean(options.unicode);
      if (options.search != null) search = Boolean(options.search);
      if (options.auth != null) auth = Boolean(options.auth);
    }
    return formatWhatwg(urlObject.href, fragment, unicode, search, auth);
  }
  return Url.prototype.format.call(urlObject);
}

// ! - . _ ~ ' ( ) * : digits and letters need no escaping in auth.
const noEscapeAuth = new Int8Array([
  0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, // 0x00 - 0x0F
  0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, // 0x10 - 0x1F
  0, 1, 0, 0, 0, 0, 0, 1, 1, 1, 1, 0, 0, 1, 1, 0, // 0x20 - 0x2F
  1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 0, 0, 0, 0, 0, // 0x30 - 0x3F
  0, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, // 0x40 - 0x4F
  1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 0, 0, 0, 0, 1, // 0x50 - 0x5F
  0, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, // 0x60 - 0x6F
  1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 0, 0, 0, 1, 0, // 0x70 - 0x7F
]);

const hexTable = new Array(256);
for (let i = 0; i < 256; ++i) hexTable[i] = `%${i < 16 ? '0' : ''}${i.toString(16).toUpperCase()}`;

function uriError() {
  return new ERR_INVALID_URI();
}

// Node's internal/querystring encodeStr: UTF-8 percent-encoding of what noEscape does not allow.
function encodeStr(str, noEscapeTable, table) {
  const len = str.length;
  if (len === 0) return '';
  let out = '';
  let lastPos = 0;
  let i = 0;
  outer:
  for (; i < len; i++) {
    let c = str.charCodeAt(i);
    while (c < 0x80) {
      if (noEscapeTable[c] !== 1) {
        if (lastPos < i) out += str.slice(lastPos, i);
        lastPos = i + 1;
        out += table[c];
      }
      if (++i === len) break outer;
      c = str.charCodeAt(i);
    }
    if (lastPos < i) out += str.slice(lastPos, i);
    if (c < 0x800) {
      lastPos = i + 1;
      out += table[0xC0 | (c >> 6)] + table[0x80 | (c & 0x3F)];
      continue;
    }
    if (c < 0xD800 || c >= 0xE000) {
      lastPos = i + 1;
      out += table[0xE0 | (c >> 12)] + table[0x80 | ((c >> 6) & 0x3F)] + table[0x80 | (c & 0x3F)];
      continue;
    }
    ++i;
    if (i >= len) throw uriError();
    const c2 = str.charCodeAt(i) & 0x3FF;
    lastPos = i + 1;
    c = 0x10000 + (((c & 0x3FF) << 10) | c2);
    out += table[0xF0 | (c >> 18)] + table[0x80 | ((c >> 12) & 0x3F)] + table[0x80 | ((c >> 6) & 0x3F)] +
      table[0x80 | (c & 0x3F)];
  }
  if (lastPos === 0) return str;
  if (lastPos < len) return out + str.slice(lastPos);
  return out;
}

Url.prototype.format = function format() {
  let auth = this.auth || '';
  if (auth) {
    auth = encodeStr(auth, noEscapeAuth, hexTable);
    auth += '@';
  }

  let protocol = this.protocol || '';
  if (protocol && protocol.charCodeAt(protocol.length - 1) !== 58 /* : */) protocol += ':';

  let pathname = this.pathname || '';
  let hash = this.hash || '';
  let host = '';
  let query = '';

  if (this.host) {
    host = auth + this.host;
  } else if (this.hostname) {
    host = auth + (this.hostname.indexOf(':') !== -1 && !isIpv6Hostname(this.hostname)
      ? `[${this.hostname}]` : this.hostname);
    if (this.port) host += `:${this.port}`;
  }

  if (this.query !== null && typeof this.query === 'object') query = querystring.stringify(this.query);
  let search = this.search || (query && (`?${query}`)) || '';

  if (pathname.indexOf('#') !== -1 || pathname.indexOf('?') !== -1) {
    let newPathname = '';
    let lastPos = 0;
    const len = pathname.length;
    for (let i = 0; i < len; i++) {
      const code = pathname.charCodeAt(i);
      if (code === CHAR_HASH || code === CHAR_QUESTION_MARK) {
        if (i > lastPos) newPathname += pathname.slice(lastPos, i);
        newPathname += (code === CHAR_HASH ? '%23' : '%3F');
        lastPos = i + 1;
      }
    }
    if (lastPos < len) newPathname += pathname.slice(lastPos);
    pathname = newPathname;
  }

  if (this.slashes || slashedProtocol.has(protocol)) {
    if (this.slashes || host) {
      if (pathname && pathname.charCodeAt(0) !== CHAR_FORWARD_SLASH) pathname = `/${pathname}`;
      host = `//${host}`;
    } else if (protocol.length >= 4 && protocol.charCodeAt(0) === 102 && protocol.charCodeAt(1) === 105 &&
      protocol.charCodeAt(2) === 108 && protocol.charCodeAt(3) === 101) {
      host = '//';
    }
  }

  if (search.indexOf('#') !== -1) search = search.replaceAll('#', '%23');
  if (hash && hash.charCodeAt(0) !== CHAR_HASH) hash = `#${hash}`;
  if (search && search.charCodeAt(0) !== CHAR_QUESTION_MARK) search = `?${search}`;

  return protocol + host + pathname + search + hash;
};

function urlResolve(source, relative) {
  return urlParse(source, false, true).resolve(relative);
}

Url.prototype.resolve = function resolve(relative) {
  return this.resolveObject(urlParse(relative, false, true)).format();
};

function urlResolveObject(source, relative) {
  if (!source) return relative;
  return urlParse(source, false, true).resolveObject(relative);
}

function spliceOne(list, index) {
  for (; index + 1 < list.length; index++) list[index] = list[index + 1];
  list.pop();
}

Url.prototype.resolveObject = function resolveObject(relative) {
  if (typeof relative === 'string') {
    const rel = new Url();
    rel.parse(relative, false, true);
    relative = rel;
  }

  const result = new Url();
  Object.assign(result, this);

  result.hash = relative.hash;

  if (relative.href === '') {
    result.href = result.format();
    return result;
  }

  if (relative.slashes && !relative.protocol) {
    const relativeWithoutProtocol = Object.keys(relative).reduce((acc, key) => {
      if (key !== 'protocol') acc[key] = relative[key];
      return acc;
    }, {});
    Object.assign(result, relativeWithoutProtocol);

    if (slashedProtocol.has(result.protocol) && result.hostname && !result.pathname) {
      result.path = result.pathname = '/';
    }

    result.href = result.format();
    return result;
  }

  if (relative.protocol && relative.protocol !== result.protocol) {
    if (!slashedProtocol.has(relative.protocol)) {
      Object.assign(result, relative);
      result.href = result.format();
      return result;
    }

    result.protocol = relative.protocol;
    if (!relative.host && !/^file:?$/.test(relative.protocol) && !hostlessProtocol.has(relative.protocol)) {
      const relPath = (relative.pathname || '').split('/');
      while (relPath.length && !(relative.host = relPath.shift()));
      relative.host ||= '';
      relative.hostname ||= '';
      if (relPath[0] !== '') relPath.unshift('');
      if (relPath.length < 2) relPath.unshift('');
      result.pathname = relPath.join('/');
    } else {
      result.pathname = relative.pathname;
    }
    result.search = relative.search;
    result.query = relative.query;
    result.host = relative.host || '';
    result.auth = relative.auth;
    result.hostname = relative.hostname || relative.host;
    result.port = relative.port;
    if (result.pathname || result.search) {
      const p = result.pathname || '';
      const s = result.search || '';
      result.path = p + s;
    }
    result.slashes ||= relative.slashes;
    result.href = result.format();
    return result;
  }

  const isSourceAbs = (result.pathname && result.pathname.charAt(0) === '/');
  const isRelAbs = (relative.host || (relative.pathname && relative.pathname.charAt(0) === '/'));
  let mustEndAbs = (isRelAbs || isSourceAbs || (result.host && relative.pathname));
  const removeAllDots = mustEndAbs;
  let srcPath = (result.pathname && result.pathname.split('/')) || [];
  const relPath = (relative.pathname && relative.pathname.split('/')) || [];
  const noLeadingSlashes = result.protocol && !slashedProtocol.has(result.protocol);

  if (noLeadingSlashes) {
    result.hostname = '';
    result.port = null;
    if (result.host) {
      if (srcPath[0] === '') srcPath[0] = result.host;
      else srcPath.unshift(result.host);
    }
    result.host = '';
    if (relative.protocol) {
      relative.hostname = null;
      relative.port = null;
      result.auth = null;
      if (relative.host) {
        if (relPath[0] === '') relPath[0] = relative.host;
        else relPath.unshift(relative.host);
      }
      relative.host = null;
    }
    mustEndAbs &&= (relPath[0] === '' || srcPath[0] === '');
  }

  if (isRelAbs) {
    if (relative.host || relative.host === '') {
      if (result.host !== relative.host) result.auth = null;
      result.host = relative.host;
      result.port = relative.port;
    }
    if (relative.hostname || relative.hostname === '') {
      if (result.hostname !== relative.hostname) result.auth = null;
      result.hostname = relative.hostname;
    }
    result.search = relative.search;
    result.query = relative.query;
    srcPath = relPath;
  } else if (relPath.length) {
    srcPath ||= [];
    srcPath.pop();
    srcPath = srcPath.concat(relPath);
    result.search = relative.search;
    result.query = relative.query;
  } else if (relative.search !== null && relative.search !== undefined) {
    if (noLeadingSlashes) {
      result.hostname = result.host = srcPath.shift();
      const authInHost = result.host && result.host.indexOf('@') > 0 && result.host.split('@');
      if (authInHost) {
        result.auth = authInHost.shift();
        result.host = result.hostname = authInHost.shift();
      }
    }
    result.search = relative.search;
    result.query = relative.query;
    if (result.pathname !== null || result.search !== null) {
      result.path = (result.pathname ? result.pathname : '') + (result.search ? result.search : '');
    }
    result.href = result.format();
    return result;
  }

  if (!srcPath.length) {
    result.pathname = null;
    if (result.search) {
      result.path = `/${result.search}`;
    } else {
      result.path = null;
    }
    result.href = result.format();
    return result;
  }

  let last = srcPath[srcPath.length - 1];
  const hasTrailingSlash = (((result.host || relative.host || srcPath.length > 1) &&
    (last === '.' || last === '..')) || last === '');

  let up = 0;
  for (let i = srcPath.length - 1; i >= 0; i--) {
    last = srcPath[i];
    if (last === '.') {
      spliceOne(srcPath, i);
    } else if (last === '..') {
      spliceOne(srcPath, i);
      up++;
    } else if (up) {
      spliceOne(srcPath, i);
      up--;
    }
  }

  if (!mustEndAbs && !removeAllDots) {
    while (up--) srcPath.unshift('..');
  }

  if (mustEndAbs && srcPath[0] !== '' && (!srcPath[0] || srcPath[0].charAt(0) !== '/')) srcPath.unshift('');

  if (hasTrailingSlash && srcPath.join('/').at(-1) !== '/') srcPath.push('');

  const isAbsolute = srcPath[0] === '' || (srcPath[0] && srcPath[0].charAt(0) === '/');

  if (noLeadingSlashes) {
    result.hostname = result.host = isAbsolute ? '' : srcPath.length ? srcPath.shift() : '';
    const authInHost = result.host && result.host.indexOf('@') > 0 ? result.host.split('@') : false;
    if (authInHost) {
      result.auth = authInHost.shift();
      result.host = result.hostname = authInHost.shift();
    }
  }

  mustEndAbs ||= (result.host && srcPath.length);

  if (mustEndAbs && !isAbsolute) srcPath.unshift('');

  if (!srcPath.length) {
    result.pathname = null;
    result.path = null;
  } else {
    result.pathname = srcPath.join('/');
  }

  if (result.pathname !== null || result.search !== null) {
    result.path = (result.pathname ? result.pathname : '') + (result.search ? result.search : '');
  }
  result.auth = relative.auth || result.auth;
  result.slashes ||= relative.slashes;
  result.href = result.format();
  return result;
};

Url.prototype.parseHost = function parseHost() {
  let host = this.host;
  let port = portPattern.exec(host);
  if (port) {
    port = port[0];
    if (port !== ':') this.port = port.slice(1);
    host = host.slice(0, host.length - port.length);
  }
  if (host) this.hostname = host;
};

// ---------------------------------------------------------------------------------
// File URLs (POSIX) and http options (Node 24 lib/internal/url.js)

function fileURLOf(path) {
  if (typeof path === 'string') return new URL(path);
  if (!isURL(path)) throw new ERR_INVALID_ARG_TYPE('path', ['string', 'URL'], path);
  return path;
}

function checkFileURL(url) {
  if (url.protocol !== 'file:') throw new ERR_INVALID_URL_SCHEME('file');
  if (url.hostname !== '') {
    throw new ERR_INVALID_FILE_URL_HOST('linux');
  }
}

function invalidFileURLPath(reason) {
  return new ERR_INVALID_FILE_URL_PATH(reason);
}

// Node's getPathFromURLWin32: fileURLToPath(url, { windows: true }).
function windowsPathFromURL(url) {
  const hostname = url.hostname;
  let pathname = url.pathname;
  for (let n = 0; n < pathname.length; n++) {
    if (pathname[n] === '%') {
      const third = pathname.codePointAt(n + 2) | 0x20;
      if ((pathname[n + 1] === '2' && third === 102) || (pathname[n + 1] === '5' && third === 99)) {
        throw invalidFileURLPath('must not include encoded \\ or / characters');
      }
    }
  }
  pathname = pathname.replaceAll('/', '\\');
  if (pathname.includes('%')) pathname = decodeURIComponent(pathname);
  if (hostname !== '') return `\\\\${domainToUnicode(hostname)}${pathname}`;
  const letter = pathname.codePointAt(1) | 0x20;
  const sep = pathname.charAt(2);
  if (letter < 97 || letter > 122 || sep !== ':') throw invalidFileURLPath('must be absolute');
  return pathname.slice(1);
}

// pathToFileURL(path, { windows: true }) needs path.win32.resolve, which this layer lacks.
function windowsUnsupported(options) {
  if (options?.windows) {
    throw new ERR_FEATURE_UNAVAILABLE_ON_PLATFORM('Windows paths are not supported here');
  }
}

function fileURLToPath(path, options = undefined) {
  const windows = options?.windows;
  const url = fileURLOf(path);
  if (url.protocol !== 'file:') throw new ERR_INVALID_URL_SCHEME('file');
  if (windows) return windowsPathFromURL(url);
  checkFileURL(url);
  const pathname = url.pathname;
  for (let n = 0; n < pathname.length; n++) {
    if (pathname[n] === '%') {
      const third = pathname.codePointAt(n + 2) | 0x20;
      if (pathname[n + 1] === '2' && third === 102) throw invalidFileURLPath('must not include encoded / characters');
    }
  }
  return pathname.includes('%') ? decodeURIComponent(pathname) : pathname;
}

function fileURLToPathBuffer(path, options = undefined) {
  windowsUnsupported(options);
  const url = fileURLOf(path);
  checkFileURL(url);
  return Buffer.from(percentDecodeString(url.pathname));
}

// path.posix.resolve against the working directory ('/' in a code block).
function posixResolve(path) {
  const segments = [];
  for (const part of (path[0] === '/' ? path : `${process.cwd()}/${path}`).split('/')) {
    if (part === '' || part === '.') continue;
    if (part === '..') segments.pop();
    else segments.push(part);
  }
  return `/${segments.join('/')}`;
}

const PATH_ESCAPED = '"#%<>?[\\]^`{|}~';

function pathToFileURL(filepath, options) {
  validateString(filepath, 'path');
  windowsUnsupported(options);
  let resolved = posixResolve(filepath);
  if (filepath.charCodeAt(filepath.length - 1) === CHAR_FORWARD_SLASH && resolved[resolved.length - 1] !== '/') {
    resolved += '/';
  }
  // Node's (ada's) file path encoding: C0 controls, space, "#%<>?[\\]^`{|}~ and DEL as
  // %XX, other characters as UTF-8 percent-encoded.
  let escaped = '';
  for (const c of resolved.toWellFormed()) {
    const code = c.charCodeAt(0);
    if (code >= 0x80) escaped += encodeURIComponent(c);
    else if (code <= 0x20 || code === 0x7f || PATH_ESCAPED.includes(c)) escaped += hexTable[code];
    else escaped += c;
  }
  return new URL(`file://${escaped}`);
}

function urlToHttpOptions(url) {
  if (url === null || (typeof url !== 'object' && typeof url !== 'function')) {
    throw new ERR_INVALID_ARG_TYPE('url', ['object'], url);
  }
  const { hostname, pathname, port, username, password, search } = url;
  const options = {
    __proto__: null,
    ...url,
    protocol: url.protocol,
    hostname: hostname && hostname[0] === '[' ? hostname.slice(1, -1) : hostname,
    hash: url.hash,
    search,
    pathname,
    path: `${pathname || ''}${search || ''}`,
    href: url.href,
  };
  if (port !== '') options.port = Number(port);
  if (username || password) options.auth = `${decodeURIComponent(username)}:${decodeURIComponent(password)}`;
  return options;
}

// ---------------------------------------------------------------------------------
// URLPattern: urlpattern-polyfill with Node's (ada's) errors and result shape.

const RESULT_KEYS = ['hash', 'hostname', 'inputs', 'password', 'pathname', 'port', 'protocol', 'search', 'username'];

function invalidPattern() {
  return new plain.ERR_INVALID_URL_PATTERN('Failed to construct URLPattern');
}

function checkInput(input) {
  if (input !== undefined && input !== null && typeof input !== 'string' && typeof input !== 'object') {
    throw new plain.ERR_INVALID_ARG_TYPE('URLPattern input needs to be a string or an object');
  }
}

function reshape(result) {
  if (result === null) return null;
  const out = {};
  for (const key of RESULT_KEYS) {
    if (key === 'inputs') out.inputs = result.inputs;
    else out[key] = { groups: result[key].groups, input: result[key].input };
  }
  return out;
}

class URLPatternImpl {
  #pattern;
  constructor(input = undefined, baseURL = undefined, options = undefined) {
    if (input === null) input = undefined;
    if (input !== undefined && typeof input !== 'string' && typeof input !== 'object') {
      throw new plain.ERR_INVALID_ARG_TYPE('Input must be an object or a string');
    }
    if (baseURL !== undefined && baseURL !== null && typeof baseURL !== 'string' && typeof baseURL !== 'object') {
      throw new plain.ERR_INVALID_ARG_TYPE('second argument must be a string or object');
    }
    if (baseURL === null) baseURL = undefined;
    if (options === undefined && baseURL !== undefined && typeof baseURL === 'object') {
      options = baseURL;
      baseURL = undefined;
    }
    if (options === null) options = undefined;
    if (typeof input === 'object' && baseURL !== undefined) throw invalidPattern();
    try {
      const args = [input ?? {}];
      if (baseURL !== undefined) args.push(`${baseURL}`);
      if (options !== undefined) args.push({ ignoreCase: Boolean(options.ignoreCase) });
      this.#pattern = new PolyfillURLPattern(...args);
    } catch {
      throw invalidPattern();
    }
  }

  get protocol() { return this.#pattern.protocol; }
  get username() { return this.#pattern.username; }
  get password() { return this.#pattern.password; }
  get hostname() { return this.#pattern.hostname; }
  get port() { return this.#pattern.port; }
  get pathname() { return this.#pattern.pathname; }
  get search() { return this.#pattern.search; }
  get hash() { return this.#pattern.hash; }
  get hasRegExpGroups() { return this.#pattern.hasRegExpGroups; }

  exec(input = undefined, baseURL = undefined) {
    checkInput(input);
    if (input !== null && typeof input === 'object' && baseURL !== undefined) {
      throw new plain.ERR_OPERATION_FAILED('Failed to exec URLPattern');
    }
    try {
      return reshape(baseURL === undefined ? this.#pattern.exec(input ?? {}) : this.#pattern.exec(input ?? {}, `${baseURL}`));
    } catch {
      return null;
    }
  }

  test(input = undefined, baseURL = undefined) {
    checkInput(input);
    if (input !== null && typeof input === 'object' && baseURL !== undefined) {
      throw new plain.ERR_OPERATION_FAILED('Failed to test URLPattern');
    }
    try {
      return baseURL === undefined ? this.#pattern.test(input ?? {}) : this.#pattern.test(input ?? {}, `${baseURL}`);
    } catch {
      return false;
    }
  }
}
// A function, not a class, so that calling it without `new` throws Node's error.
function URLPattern(...args) {
  if (new.target === undefined) {
    throw new plain.ERR_CONSTRUCT_CALL_REQUIRED('Cannot call constructor without `new`');
  }
  return Reflect.construct(URLPatternImpl, args, new.target);
}
URLPattern.prototype = URLPatternImpl.prototype;
Object.defineProperty(URLPatternImpl.prototype, 'constructor', { value: URLPattern });
Object.defineProperty(URLPattern, 'prototype', { writable: false });
Object.defineProperty(URLPattern.prototype, Symbol.toStringTag, { value: 'URLPattern', configurable: true });

for (const [name, value] of [['URL', URL], ['URLSearchParams', URLSearchParams], ['URLPattern', URLPattern]]) {
  Object.defineProperty(globalThis, name, { value, writable: true, enumerable: false, configurable: true });
}

// Their names as Node gives them (the bundle is minified).
for (const [fn, name] of [[Url, 'Url'], [urlParse, 'urlParse'], [urlResolve, 'urlResolve'],
  [urlResolveObject, 'urlResolveObject'], [urlFormat, 'urlFormat'], [URLPattern, 'URLPattern'],
  [domainToASCII, 'domainToASCII'], [domainToUnicode, 'domainToUnicode'], [pathToFileURL, 'pathToFileURL'],
  [URLSearchParams, 'URLSearchParams'], [fileURLToPath, 'fileURLToPath'], [fileURLToPathBuffer, 'fileURLToPathBuffer'], [urlToHttpOptions, 'urlToHttpOptions']]) {
  Object.defineProperty(fn, 'name', { value: name });
}

export default {
  Url,
  parse: urlParse,
  resolve: urlResolve,
  resolveObject: urlResolveObject,
  format: urlFormat,
  URL,
  URLPattern,
  URLSearchParams,
  domainToASCII,
  domainToUnicode,
  pathToFileURL,
  fileURLToPath,
  fileURLToPathBuffer,
  urlToHttpOptions,
};
