'use strict';
// crypto.X509Certificate (Node's lib/internal/crypto/x509.js and its OpenSSL binding): the
// certificate is parsed once with ./der.js; every property is computed on first read and
// kept in the instance's private state, as Node caches it. Strings follow OpenSSL 3's
// printers as Node 24 calls them: names (X509_NAME_print_ex, multi-line, RFC 2253
// escapes), subjectAltName and infoAccess (Node's own safe printer, JSON-quoting unsafe
// names), times (ASN1_TIME_print), host/email/IP matching (X509_check_host and friends).
// Refs: RFC 5280 (certificates), RFC 4055 (RSA-PSS parameters), RFC 6125 (wildcards)

import { inspect } from 'util';
import { codes, plain } from '../internal/errors.js';
import { DerError, TAG, pemEncode, readTlv, tlv } from './der.js';
import { hashOf } from './hashes.js';
import { createPublicKey, isKeyObject, materialOf } from './keys.js';
import { verify as verifySignature } from './sig.js';
import { constants, validateBoolean, validateObject, validateString } from './util.js';

const { ERR_INVALID_ARG_TYPE } = codes;
const { Buffer } = globalThis;

// -- parsing ----------------------------------------------------------------------------

const noStartLine = () => new plain.ERR_OSSL_PEM_NO_START_LINE('error:0480006C:PEM routines::no start line');
const wrongTag = () => new plain.ERR_OSSL_ASN1_WRONG_TAG('error:068000A8:asn1 encoding routines::wrong tag');

// A DER node whose children are decoded when first read: OpenSSL does not look inside what
// its templates take as ANY (algorithm parameters), so neither does this.
function decodeNode(bytes, pos, limit) {
  const { tag, start, end } = readTlv(bytes, pos, limit);
  const node = { tag, value: bytes.subarray(start, end), begin: pos, end };
  if (tag & 0x20) {
    let children;
    Object.defineProperty(node, 'children', {
      get() {
        if (children === undefined) {
          const list = [];
          for (let at = start; at < end;) {
            const child = decodeNode(bytes, at, end);
            list.push(child);
            at = child.end;
          }
          children = list;
        }
        return children;
      },
    });
  }
  return node;
}

// An OBJECT IDENTIFIER as OpenSSL reads one: minimal base-128 subidentifiers (no 0x80
// lead, none left open), the first one split into two arcs however large it is.
function readOid(node) {
  need(is(node, TAG.OID), 'oid');
  const bytes = node.value;
  need(bytes.length > 0 && !(bytes[bytes.length - 1] & 0x80), 'oid');
  const arcs = [];
  let value = 0n;
  let start = true;
  for (const b of bytes) {
    need(!(start && b === 0x80), 'oid');
    value = (value << 7n) | BigInt(b & 0x7f);
    start = !(b & 0x80);
    if (start) {
      if (arcs.length === 0) {
        const first = value < 80n ? value / 40n : 2n;
        arcs.push(first, value - first * 40n);
      } else arcs.push(value);
      value = 0n;
    }
  }
  return arcs.join('.');
}

const is = (node, tag) => node !== undefined && node.tag === tag;
const need = (ok, what) => { if (!ok) throw new DerError(what); };

// A certificate's DER at the start of `bytes` (OpenSSL's d2i_X509 ignores what follows),
// its structure checked as strictly as OpenSSL's templates check it. Extension values are
// decoded when read, as OpenSSL does.
function parseDer(bytes) {
  const root = decodeNode(bytes, 0, bytes.length);
  const [tbs, sigAlg, sigValue, extra] = root.children ?? [];
  need(is(root, TAG.SEQUENCE) && is(tbs, TAG.SEQUENCE) && isAlgorithm(sigAlg) && isBitString(sigValue) && !extra, 'certificate');
  const fields = tbs.children;
  let i = 0;
  let version = 0;
  if (is(fields[0], 0xa0)) {
    const [v, more] = fields[0].children;
    need(isInteger(v) && !more, 'version');
    version = v.value[v.value.length - 1];
    i++;
  }
  const [serial, innerAlg, issuer, validity, subject, spki] = fields.slice(i, i + 6);
  need(isInteger(serial) && isAlgorithm(innerAlg), 'serial');
  need(is(validity, TAG.SEQUENCE) && validity.children.length === 2 && validity.children.every(isTime), 'validity');
  const [keyAlg, keyBits, keyMore] = is(spki, TAG.SEQUENCE) ? spki.children : [];
  need(isAlgorithm(keyAlg) && isBitString(keyBits) && !keyMore, 'spki');
  const extensions = new Map();
  let at = i + 6;
  if (is(fields[at], 0x81)) at++; // issuerUniqueID, subjectUniqueID: IMPLICIT BIT STRINGs
  if (is(fields[at], 0x82)) at++;
  if (is(fields[at], 0xa3)) {
    const [list, more] = fields[at].children;
    need(is(list, TAG.SEQUENCE) && !more, 'extensions');
    for (const ext of list.children) {
      const [id, second, third, fourth] = is(ext, TAG.SEQUENCE) ? ext.children : [];
      const hasCritical = is(second, 0x01);
      const value = hasCritical ? third : second;
      need(is(id, TAG.OID) && is(value, TAG.OCTET_STRING) && (hasCritical ? !fourth : !third), 'extension');
      extensions.set(readOid(id), { critical: hasCritical && second.value[0] !== 0, value: value.value });
    }
    at++;
  }
  need(at === fields.length, 'tbs');
  return {
    raw: bytes.subarray(0, root.end), tbsRaw: bytes.subarray(tbs.begin, tbs.end),
    version, serial: serial.value, sigAlg: algorithmOf(sigAlg), innerAlg,
    algorithmsAgree: Buffer.from(bytes.subarray(sigAlg.begin, sigAlg.end)).equals(bytes.subarray(innerAlg.begin, innerAlg.end)),
    signature: sigValue.value.subarray(1), signatureUnusedBits: sigValue.value[0], issuer: readName(issuer), subject: readName(subject),
    issuerDer: bytes.subarray(issuer.begin, issuer.end), subjectDer: bytes.subarray(subject.begin, subject.end),
    notBefore: readTime(validity.children[0]), notAfter: readTime(validity.children[1]),
    spki: bytes.subarray(spki.begin, spki.end), extensions,
  };
}

// AlgorithmIdentifier: an OID and parameters of any type (an OID there must be well formed).
const isAlgorithm = (node) => is(node, TAG.SEQUENCE) && node.children.length <= 2 && readOid(node.children[0]) !== ''
  && (!is(node.children[1], TAG.OID) || readOid(node.children[1]) !== '');
// c2i_ASN1_INTEGER refuses a non-minimal encoding.
const isInteger = (node) => is(node, TAG.INTEGER) && node.value.length > 0
  && !(node.value.length > 1 && ((node.value[0] === 0 && !(node.value[1] & 0x80)) || (node.value[0] === 0xff && node.value[1] & 0x80)));
// c2i_ASN1_BIT_STRING: at most 7 unused bits, none in an empty string.
const isBitString = (node) => is(node, TAG.BIT_STRING) && node.value.length > 0 && node.value[0] <= 7
  && (node.value.length > 1 || node.value[0] === 0);
const isTime = (node) => is(node, 0x17) || is(node, 0x18);

function algorithmOf(node) {
  return { oid: readOid(node.children[0]), params: node.children[1] };
}

const badEndLine = () => new plain.ERR_OSSL_PEM_BAD_END_LINE('error:04800066:PEM routines::bad end line');
const CERT_LABELS = new Set(['CERTIFICATE', 'X509 CERTIFICATE', 'TRUSTED CERTIFICATE']);

// PEM_read_bio_X509: PEM blocks in turn, skipping those of other labels; an END line that
// does not close its BEGIN is an error, as is a certificate label with bad DER inside.
function readPem(bytes) {
  const lines = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('latin1').split(/\r?\n/);
  for (let i = 0; i < lines.length; i++) {
    const begin = /^-----BEGIN (.*)-----\s*$/.exec(lines[i]);
    if (!begin) continue;
    let end = i + 1;
    while (end < lines.length && !lines[end].startsWith('-----END ')) end++;
    if (end === lines.length || lines[end].replace(/\s+$/, '') !== `-----END ${begin[1]}-----`) throw badEndLine();
    if (CERT_LABELS.has(begin[1])) {
      const der = Uint8Array.from(Buffer.from(lines.slice(i + 1, end).join(''), 'base64'));
      try {
        return parseDer(der);
      } catch {
        throw wrongTag();
      }
    }
    i = end;
  }
  throw noStartLine();
}

// Input as Node's parseX509 reads it: DER first, then PEM.
function parseCertificate(bytes) {
  try {
    return parseDer(bytes);
  } catch {
    return readPem(bytes);
  }
}

// -- names ------------------------------------------------------------------------------

// OpenSSL's short names of the attribute types a name has in practice.
const SHORT_NAMES = {
  '2.5.4.3': 'CN', '2.5.4.4': 'SN', '2.5.4.5': 'serialNumber', '2.5.4.6': 'C', '2.5.4.7': 'L', '2.5.4.8': 'ST',
  '2.5.4.9': 'street', '2.5.4.10': 'O', '2.5.4.11': 'OU', '2.5.4.12': 'title', '2.5.4.13': 'description',
  '2.5.4.14': 'searchGuide', '2.5.4.15': 'businessCategory', '2.5.4.16': 'postalAddress', '2.5.4.17': 'postalCode',
  '2.5.4.18': 'postOfficeBox', '2.5.4.19': 'physicalDeliveryOfficeName', '2.5.4.20': 'telephoneNumber',
  '2.5.4.41': 'name', '2.5.4.42': 'GN', '2.5.4.43': 'initials', '2.5.4.44': 'generationQualifier',
  '2.5.4.45': 'x500UniqueIdentifier', '2.5.4.46': 'dnQualifier', '2.5.4.65': 'pseudonym', '2.5.4.72': 'role',
  '2.5.4.97': 'organizationIdentifier', '1.2.840.113549.1.9.1': 'emailAddress', '1.2.840.113549.1.9.2': 'unstructuredName',
  '0.9.2342.19200300.100.1.25': 'DC', '0.9.2342.19200300.100.1.1': 'UID',
  '1.3.6.1.4.1.311.60.2.1.1': 'jurisdictionL', '1.3.6.1.4.1.311.60.2.1.2': 'jurisdictionST',
  '1.3.6.1.4.1.311.60.2.1.3': 'jurisdictionC',
};
const shortName = (oid) => SHORT_NAMES[oid] ?? oid;

const STRING_TAGS = new Set([0x0c, 0x12, 0x13, 0x14, 0x16, 0x1a, 0x1c, 0x1e]);

// An attribute value as UTF-8 text (ASN1_STRING_to_UTF8): T61String is read as Latin-1,
// as OpenSSL does; BMPString is UTF-16BE, UniversalString UTF-32BE.
function stringValue(tag, bytes) {
  if (tag === 0x0c) return Buffer.from(bytes).toString('utf8');
  if (tag === 0x1e) {
    let text = '';
    for (let i = 0; i + 1 < bytes.length; i += 2) text += String.fromCharCode((bytes[i] << 8) | bytes[i + 1]);
    return text;
  }
  if (tag === 0x1c) {
    let text = '';
    for (let i = 0; i + 3 < bytes.length; i += 4) text += String.fromCodePoint(((bytes[i] << 24) | (bytes[i + 1] << 16) | (bytes[i + 2] << 8) | bytes[i + 3]) >>> 0);
    return text;
  }
  return Buffer.from(bytes).toString('latin1');
}

const utf8Decoder = new TextDecoder('utf-8', { fatal: true });
function isUtf8(bytes) {
  try {
    utf8Decoder.decode(bytes);
    return true;
  } catch {
    return false;
  }
}

// Name ::= SEQUENCE OF RDN; RDN ::= SET OF { type, value }: [[{ oid, tag, text, der }]].
function readName(node) {
  need(is(node, TAG.SEQUENCE), 'name');
  return node.children.map((rdn) => {
    need(is(rdn, 0x31), 'rdn');
    return rdn.children.map(readAttribute);
  });
}

// X509_NAME_ENTRY: { OID, one of ASN1_PRINTABLE's types } (universal strings, or a SEQUENCE).
const VALUE_TAGS = new Set([0x07, 0x08, 0x09, 0x0a, 0x0b, 0x0c, 0x0d, 0x0e, 0x0f, 0x12, 0x13, 0x14, 0x15, 0x16, 0x19, 0x1a,
  0x1b, 0x1c, 0x1e, 0x30]);
function readAttribute(atv) {
  const [type, value, more] = is(atv, TAG.SEQUENCE) ? atv.children : [];
  need(is(type, TAG.OID) && value !== undefined && VALUE_TAGS.has(value.tag) && !more, 'attribute');
  // d2i_X509_NAME makes the canonical form at once: a string that does not convert fails.
  if (value.tag === 0x0c) need(isUtf8(value.value), 'utf8');
  if (value.tag === 0x1e) need(value.value.length % 2 === 0, 'bmp');
  if (value.tag === 0x1c) need(value.value.length % 4 === 0, 'universal');
  return { oid: readOid(type), tag: value.tag, known: STRING_TAGS.has(value.tag), text: stringValue(value.tag, value.value), value };
}

// OpenSSL's do_esc_char with ASN1_STRFLGS_ESC_2253 (and ESC_CTRL when `ctrl`).
function escape2253(text, ctrl) {
  const chars = [...text];
  return chars.map((c, i) => {
    const code = c.codePointAt(0);
    if ((i === 0 && (c === ' ' || c === '#')) || (i === chars.length - 1 && c === ' ')) return `\\${c}`;
    if (',+"\\<>;'.includes(c)) return `\\${c}`;
    if (ctrl && (code < 0x20 || code === 0x7f)) return `\\${code.toString(16).toUpperCase().padStart(2, '0')}`;
    return c;
  }).join('');
}

// X509_NAME_print_ex with Node's multi-line flags: one RDN a line, ' + ' within one.
function multilineName(name) {
  return name.map((rdn) => rdn.map((a) => `${shortName(a.oid)}=${escape2253(a.text, true)}`).join(' + ')).join('\n');
}

// XN_FLAG_RFC2253 less the escapes of controls and non-ASCII (Node's DirName printing).
function rfc2253Name(name) {
  return [...name].reverse().map((rdn) => rdn.map((a) => {
    const label = shortName(a.oid);
    if (!(a.oid in SHORT_NAMES) || !a.known) return `${label}=#${Buffer.from(tlv(a.tag, a.value.value)).toString('hex').toUpperCase()}`;
    return `${label}=${escape2253(a.text, false)}`;
  }).join('+')).join(',');
}

// Node's GetX509NameObject: short name -> value, several values -> an array.
function nameObject(name) {
  const out = Object.create(null);
  for (const rdn of name) {
    for (const a of rdn) {
      if (!a.known) continue; // ASN1_STRING_to_UTF8 refuses the type: Node leaves it out
      const key = shortName(a.oid);
      if (key in out) out[key] = Array.isArray(out[key]) ? [...out[key], a.text] : [out[key], a.text];
      else out[key] = a.text;
    }
  }
  return out;
}

// -- times ------------------------------------------------------------------------------

// A time as [year, month, day, hour, minute, second], or null when OpenSSL cannot read it
// (d2i_X509 keeps any text; ASN1_TIME_print then says "Bad time value").
function readTime(node) {
  const text = Buffer.from(node.value).toString('latin1');
  const m = node.tag === 0x17 ? /^(\d\d)(\d\d)(\d\d)(\d\d)(\d\d)(\d\d)Z$/.exec(text)
    : /^(\d{4})(\d\d)(\d\d)(\d\d)(\d\d)(\d\d)Z$/.exec(text);
  if (!m) return null;
  let year = Number(m[1]);
  if (node.tag === 0x17) year += year < 50 ? 2000 : 1900;
  const fields = [year, ...m.slice(2, 7).map(Number)];
  const [, month, day, hour, minute, second] = fields;
  const days = new Date(Date.UTC(year, month, 0)).getUTCDate();
  if (month < 1 || month > 12 || day < 1 || day > days || hour > 23 || minute > 59 || second > 59) return null;
  return fields;
}

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
const two = (n) => String(n).padStart(2, '0');
// ASN1_TIME_print: "Jan  1 00:00:00 2025 GMT".
function printTime(time) {
  if (time === null) return 'Bad time value';
  const [year, month, day, hour, minute, second] = time;
  return `${MONTHS[month - 1]} ${String(day).padStart(2, ' ')} ${two(hour)}:${two(minute)}:${two(second)} ${year} GMT`;
}
const timeDate = (time) => (time === null ? new Date(NaN) : new Date(Date.UTC(time[0], time[1] - 1, ...time.slice(2))));

// -- extensions -------------------------------------------------------------------------

const OID = Object.freeze({
  SAN: '2.5.29.17', BASIC_CONSTRAINTS: '2.5.29.19', KEY_USAGE: '2.5.29.15', EXT_KEY_USAGE: '2.5.29.37',
  AIA: '1.3.6.1.5.5.7.1.1', SKID: '2.5.29.14', AKID: '2.5.29.35',
});

// An extension's value decoded and checked by `check` (which throws when malformed):
// { tree } when it decodes, { invalid: true } when not, undefined when absent.
function decodedExtension(cert, oid) {
  const ext = cert.extensions.get(oid);
  if (ext === undefined) return undefined;
  try {
    // X509V3_EXT_d2i reads one value and ignores what follows it.
    const tree = decodeNode(ext.value, 0, ext.value.length);
    (EXTENSION_CHECKS[oid] ?? (() => {}))(tree);
    return { tree };
  } catch {
    return { invalid: true };
  }
}

// The tree of a well-formed extension, else undefined (OpenSSL's X509_get_ext_d2i).
const extensionTree = (cert, oid) => decodedExtension(cert, oid)?.tree;

const sequenceOf = (tree, each) => { need(is(tree, TAG.SEQUENCE), 'sequence'); tree.children.forEach(each); };
const GENERAL_NAME_TAGS = new Set([0xa0, 0x81, 0x82, 0xa3, 0xa4, 0xa5, 0x86, 0x87, 0x88]);
function checkGeneralName(node) {
  need(GENERAL_NAME_TAGS.has(node.tag), 'general name');
  if (node.tag === 0xa4) { need(node.children.length === 1, 'dirname'); readName(node.children[0]); }
  if (node.tag === 0xa0) {
    const [type, value, more] = node.children;
    need(is(type, TAG.OID) && is(value, 0xa0) && value.children.length === 1 && !more, 'othername');
    readOid(type);
  }
  if (node.tag === 0xa5) {
    // EDIPartyName: [0] nameAssigner OPTIONAL, [1] partyName.
    const parts = node.children;
    const at = is(parts[0], 0xa0) ? 1 : 0;
    need(is(parts[at], 0xa1) && parts.length === at + 1, 'edi party');
  }
  if (node.tag === 0x88) readOid({ tag: TAG.OID, value: node.value });
}

const EXTENSION_CHECKS = {
  '2.5.29.17': (tree) => sequenceOf(tree, checkGeneralName),
  '1.3.6.1.5.5.7.1.1': (tree) => sequenceOf(tree, (desc) => {
    const [method, location, more] = is(desc, TAG.SEQUENCE) ? desc.children : [];
    need(location !== undefined && !more, 'access description');
    readOid(method);
    checkGeneralName(location);
  }),
  '2.5.29.37': (tree) => sequenceOf(tree, readOid),
  '2.5.29.15': (tree) => need(isBitString(tree), 'key usage'),
  '2.5.29.19': (tree) => {
    const [first, second, more] = is(tree, TAG.SEQUENCE) ? tree.children : [undefined, undefined, true];
    need(!more && (first === undefined || is(first, 0x01) || is(first, TAG.INTEGER)) && (second === undefined || is(second, TAG.INTEGER)), 'basic constraints');
    // A path length needs cA and must not be negative (OpenSSL marks the certificate invalid).
    const pathLength = is(first, TAG.INTEGER) ? first : second;
    const ca = is(first, 0x01) && first.value[0] !== 0;
    need(pathLength === undefined || (ca && !(pathLength.value[0] & 0x80)), 'path length');
  },
  '2.5.29.14': (tree) => need(is(tree, TAG.OCTET_STRING), 'subject key id'),
  // AuthorityKeyIdentifier: [0] keyIdentifier, [1] authorityCertIssuer, [2] serial, in order.
  '2.5.29.35': (tree) => {
    need(is(tree, TAG.SEQUENCE), 'authority key id');
    let last = -1;
    for (const part of tree.children) {
      const n = [0x80, 0xa1, 0x82].indexOf(part.tag);
      need(n > last, 'authority key id');
      last = n;
    }
  },
};

// OpenSSL marks a certificate whose cached extensions do not all decode as invalid
// (EXFLAG_INVALID): it is then no CA and issues nothing. (infoAccess is not one of them.)
const CACHED_EXTENSIONS = ['2.5.29.17', '2.5.29.37', '2.5.29.15', '2.5.29.19', '2.5.29.14', '2.5.29.35'];
const extensionsValid = (cert) => CACHED_EXTENSIONS.every((oid) => !decodedExtension(cert, oid)?.invalid);

// Node's IsSafeAltName and PrintAltName: unsafe names are JSON-quoted.
function isSafeAltName(text, utf8) {
  for (const c of text) {
    if ('"\\,\''.includes(c)) return false;
    const code = c.codePointAt(0);
    if (utf8 ? code < 0x20 || code === 0x7f : code < 0x20 || code > 0x7e) return false;
  }
  return true;
}

function printAltName(text, utf8, prefix) {
  if (isSafeAltName(text, utf8)) return prefix === undefined ? text : `${prefix}:${text}`;
  let out = `"${prefix === undefined ? '' : `${prefix}:`}`;
  for (const c of text) {
    const code = c.codePointAt(0);
    if (c === '\\') out += '\\\\';
    else if (c === '"') out += '\\"';
    else if ((code >= 0x20 && c !== ',' && code <= 0x7e) || (utf8 && code > 0x7f)) out += c;
    else out += `\\u${code.toString(16).padStart(4, '0')}`;
  }
  return `${out}"`;
}

const latin1 = (bytes) => Buffer.from(bytes).toString('latin1');

function ipText(bytes) {
  if (bytes.length === 4) return [...bytes].join('.');
  if (bytes.length === 16) {
    const groups = [];
    for (let i = 0; i < 16; i += 2) groups.push(((bytes[i] << 8) | bytes[i + 1]).toString(16).toUpperCase());
    return groups.join(':');
  }
  return `<invalid length=${bytes.length}>`;
}

const OTHER_NAMES = {
  '1.3.6.1.5.5.7.8.9': ['SmtpUTF8Mailbox', true], '1.3.6.1.5.5.7.8.5': ['XmppAddr', true],
  '1.3.6.1.5.5.7.8.7': ['SRVName', false], '1.3.6.1.4.1.311.20.2.3': ['UPN', true], '1.3.6.1.5.5.7.8.8': ['NAIRealm', true],
};

// Node's PrintGeneralName.
function printGeneralName(node) {
  switch (node.tag) {
    case 0x82: return `DNS:${printAltName(latin1(node.value), false)}`;
    case 0x81: return `email:${printAltName(latin1(node.value), false)}`;
    case 0x86: return `URI:${printAltName(latin1(node.value), false)}`;
    case 0xa4: return `DirName:${printAltName(rfc2253Name(readName(node.children[0])), true)}`;
    case 0x87: return `IP Address:${ipText(node.value)}`;
    case 0x88: return `Registered ID:${readOid({ tag: TAG.OID, value: node.value })}`;
    case 0xa0: {
      const [type, wrapped] = node.children;
      const known = OTHER_NAMES[readOid(type)];
      const value = wrapped?.children?.[0];
      if (known === undefined || value === undefined || value.tag !== (known[1] ? 0x0c : 0x16)) return 'othername:<unsupported>';
      const text = known[1] ? Buffer.from(value.value).toString('utf8') : latin1(value.value);
      return `othername:${printAltName(text, known[1], known[0])}`;
    }
    case 0xa3: return 'X400Name:<unsupported>';
    case 0xa5: return 'EdiPartyName:<unsupported>';
    default: throw new DerError('bad general name');
  }
}

const ACCESS_METHODS = {
  '1.3.6.1.5.5.7.48.1': 'OCSP', '1.3.6.1.5.5.7.48.2': 'CA Issuers', '1.3.6.1.5.5.7.48.3': 'AD Time Stamping',
  '1.3.6.1.5.5.7.48.5': 'CA Repository',
};

function subjectAltName(cert) {
  const san = decodedExtension(cert, OID.SAN);
  if (san === undefined) return undefined;
  if (san.invalid) throw new plain.ERR_CRYPTO_OPERATION_FAILED('Failed to format subject alternative name');
  return san.tree.children.map(printGeneralName).join(', ');
}

function infoAccess(cert) {
  const tree = extensionTree(cert, OID.AIA);
  if (tree === undefined) return undefined;
  return tree.children.map((desc) => {
    const method = readOid(desc.children[0]);
    return `${ACCESS_METHODS[method] ?? method} - ${printGeneralName(desc.children[1])}`;
  }).join('\n');
}

function extendedKeyUsage(cert) {
  const tree = extensionTree(cert, OID.EXT_KEY_USAGE);
  return tree === undefined ? undefined : tree.children.map(readOid);
}

// keyUsage's bits (RFC 5280 4.2.1.3): bit 5 is keyCertSign.
function keyUsageBits(cert) {
  const tree = extensionTree(cert, OID.KEY_USAGE);
  if (tree === undefined) return undefined;
  const bits = tree.value.subarray(1);
  return (n) => ((bits[n >> 3] ?? 0) >> (7 - (n & 7))) & 1;
}

// X509_check_ca(cert) === 1: basicConstraints says CA, and keyUsage (if any) allows keyCertSign.
function isCa(cert) {
  if (!extensionsValid(cert)) return false;
  const tree = extensionTree(cert, OID.BASIC_CONSTRAINTS);
  if (tree === undefined) return false;
  const ca = tree.children[0]?.tag === 0x01 && tree.children[0].value[0] !== 0;
  const usage = keyUsageBits(cert);
  return ca && (usage === undefined || usage(5) === 1);
}

// The GeneralNames of the SAN extension, as nodes.
function altNames(cert) {
  return extensionTree(cert, OID.SAN)?.children ?? [];
}

// -- signatures -------------------------------------------------------------------------

const SIGNATURE_ALGORITHMS = {
  '1.2.840.113549.1.1.4': ['md5WithRSAEncryption', 'rsa', 'md5'],
  '1.2.840.113549.1.1.5': ['sha1WithRSAEncryption', 'rsa', 'sha1'],
  '1.2.840.113549.1.1.14': ['sha224WithRSAEncryption', 'rsa', 'sha224'],
  '1.2.840.113549.1.1.11': ['sha256WithRSAEncryption', 'rsa', 'sha256'],
  '1.2.840.113549.1.1.12': ['sha384WithRSAEncryption', 'rsa', 'sha384'],
  '1.2.840.113549.1.1.13': ['sha512WithRSAEncryption', 'rsa', 'sha512'],
  '1.2.840.113549.1.1.10': ['rsassaPss', 'rsa-pss', undefined],
  '1.2.840.10045.4.1': ['ecdsa-with-SHA1', 'ec', 'sha1'],
  '1.2.840.10045.4.3.1': ['ecdsa-with-SHA224', 'ec', 'sha224'],
  '1.2.840.10045.4.3.2': ['ecdsa-with-SHA256', 'ec', 'sha256'],
  '1.2.840.10045.4.3.3': ['ecdsa-with-SHA384', 'ec', 'sha384'],
  '1.2.840.10045.4.3.4': ['ecdsa-with-SHA512', 'ec', 'sha512'],
  '1.3.101.112': ['ED25519', 'ed25519', null],
  '1.3.101.113': ['ED448', 'ed448', null],
};
const HASH_OIDS = {
  '1.3.14.3.2.26': 'sha1', '2.16.840.1.101.3.4.2.4': 'sha224', '2.16.840.1.101.3.4.2.1': 'sha256',
  '2.16.840.1.101.3.4.2.2': 'sha384', '2.16.840.1.101.3.4.2.3': 'sha512',
};

// RSASSA-PSS-params (RFC 4055): [0] hash (SHA-1), [2] saltLength (20).
function pssParams(params) {
  let hash = 'sha1';
  let saltLength = 20;
  for (const field of params?.children ?? []) {
    if (field.tag === 0xa0) hash = HASH_OIDS[readOid(field.children[0].children[0])];
    if (field.tag === 0xa2) saltLength = field.children[0].value.reduce((n, b) => n * 256 + b, 0);
  }
  return { hash, saltLength };
}

// X509_verify: does `key` check the certificate's signature? A key of another type: false.
function checkSignature(cert, key) {
  // X509_verify: the two algorithm fields must agree, and the signature fill whole bytes.
  if (!cert.algorithmsAgree || cert.signatureUnusedBits !== 0) return false;
  const known = SIGNATURE_ALGORITHMS[cert.sigAlg.oid];
  if (known === undefined) return false;
  const [, type, hash] = known;
  const keyType = key.asymmetricKeyType;
  try {
    if (type === 'rsa-pss') {
      if (keyType !== 'rsa' && keyType !== 'rsa-pss') return false;
      const { hash: pssHash, saltLength } = pssParams(cert.sigAlg.params);
      if (pssHash === undefined) return false;
      return verifySignature(pssHash, cert.tbsRaw, { key, padding: constants.RSA_PKCS1_PSS_PADDING, saltLength }, cert.signature);
    }
    if (type !== keyType) return false;
    return verifySignature(hash, cert.tbsRaw, key, cert.signature);
  } catch {
    return false;
  }
}

// -- host, email and IP matching (OpenSSL's crypto/x509/v3_utl.c) -----------------------

const FLAG = Object.freeze({
  ALWAYS_CHECK_SUBJECT: 0x1, NO_WILDCARDS: 0x2, NO_PARTIAL_WILDCARDS: 0x4, MULTI_LABEL_WILDCARDS: 0x8,
  SINGLE_LABEL_SUBDOMAINS: 0x10, NEVER_CHECK_SUBJECT: 0x20, DOT_SUBDOMAINS: 0x8000,
});

// Node's getFlags.
function getFlags(options = {}) {
  validateObject(options, 'options');
  const {
    subject = 'default', wildcards = true, partialWildcards = true, multiLabelWildcards = false,
    singleLabelSubdomains = false,
  } = { ...options };
  validateString(subject, 'options.subject');
  validateBoolean(wildcards, 'options.wildcards');
  validateBoolean(partialWildcards, 'options.partialWildcards');
  validateBoolean(multiLabelWildcards, 'options.multiLabelWildcards');
  validateBoolean(singleLabelSubdomains, 'options.singleLabelSubdomains');
  let flags = 0;
  if (subject === 'always') flags |= FLAG.ALWAYS_CHECK_SUBJECT;
  else if (subject === 'never') flags |= FLAG.NEVER_CHECK_SUBJECT;
  else if (subject !== 'default') throw new codes.ERR_INVALID_ARG_VALUE('options.subject', subject);
  if (!wildcards) flags |= FLAG.NO_WILDCARDS;
  if (!partialWildcards) flags |= FLAG.NO_PARTIAL_WILDCARDS;
  if (multiLabelWildcards) flags |= FLAG.MULTI_LABEL_WILDCARDS;
  if (singleLabelSubdomains) flags |= FLAG.SINGLE_LABEL_SUBDOMAINS;
  return flags;
}

const lower = (c) => (c >= 0x41 && c <= 0x5a ? c + 32 : c);
const isAlnum = (c) => (c >= 0x30 && c <= 0x39) || (c >= 0x41 && c <= 0x5a) || (c >= 0x61 && c <= 0x7a);
const startsXn = (b, at = 0) => b.length - at >= 4 && lower(b[at]) === 0x78 && lower(b[at + 1]) === 0x6e && b[at + 2] === 0x2d && b[at + 3] === 0x2d;

// skip_prefix: a subject starting with '.' matches an equal-length suffix of the pattern.
function skipPrefix(pattern, subject, flags) {
  if (!(flags & FLAG.DOT_SUBDOMAINS)) return pattern;
  let at = 0;
  while (pattern.length - at > subject.length && pattern[at] !== 0) {
    if ((flags & FLAG.SINGLE_LABEL_SUBDOMAINS) && pattern[at] === 0x2e) break;
    at++;
  }
  return pattern.length - at === subject.length ? pattern.subarray(at) : pattern;
}

function equalNocase(pattern, subject, flags) {
  pattern = skipPrefix(pattern, subject, flags);
  if (pattern.length !== subject.length) return false;
  for (let i = 0; i < pattern.length; i++) {
    if (pattern[i] === 0) return false;
    if (lower(pattern[i]) !== lower(subject[i])) return false;
  }
  return true;
}

function equalCase(pattern, subject, flags) {
  pattern = skipPrefix(pattern, subject, flags);
  if (pattern.length !== subject.length) return false;
  for (let i = 0; i < pattern.length; i++) if (pattern[i] === 0 || pattern[i] !== subject[i]) return false;
  return true;
}

// An IP address: the octets as they are (do_check_string's memcmp).
const equalBytes = (a, b) => a.length === b.length && a.every((v, i) => v === b[i]);

function equalEmail(a, b) {
  if (a.length !== b.length) return false;
  let i = a.length;
  while (i > 0) {
    i--;
    if (a[i] === 0x40 || b[i] === 0x40) {
      if (!equalNocase(a.subarray(i), b.subarray(i), 0)) return false;
      break;
    }
  }
  if (i === 0) i = a.length;
  return equalCase(a.subarray(0, i), b.subarray(0, i), 0);
}

// valid_star: the one '*' of a pattern allowed to be a wildcard, or -1.
function validStar(p, flags) {
  let star = -1;
  let start = true;
  let hyphen = false;
  let idna = false;
  let dots = 0;
  for (let i = 0; i < p.length; i++) {
    const c = p[i];
    if (c === 0x2a) {
      const atEnd = i === p.length - 1 || p[i + 1] === 0x2e;
      if (star !== -1 || idna || dots) return -1;
      if ((flags & FLAG.NO_PARTIAL_WILDCARDS) && (!start || !atEnd)) return -1;
      if (!start && !atEnd) return -1;
      star = i;
      start = false;
    } else if (isAlnum(c)) {
      if (start && startsXn(p, i)) idna = true;
      hyphen = false;
      start = false;
    } else if (c === 0x2e) {
      if (hyphen || start) return -1;
      start = true;
      hyphen = false;
      dots++;
    } else if (c === 0x2d) {
      if (start) return -1;
      hyphen = true;
    } else return -1;
  }
  if (start || hyphen || dots < 2) return -1;
  return star;
}

function wildcardMatch(prefix, suffix, subject, flags) {
  if (subject.length < prefix.length + suffix.length) return false;
  if (!equalNocase(prefix, subject.subarray(0, prefix.length), flags)) return false;
  const wildStart = prefix.length;
  const wildEnd = subject.length - suffix.length;
  if (!equalNocase(subject.subarray(wildEnd), suffix, flags)) return false;
  let allowMulti = false;
  let allowIdna = false;
  if (prefix.length === 0 && suffix[0] === 0x2e) {
    if (wildStart === wildEnd) return false;
    allowIdna = true;
    if (flags & FLAG.MULTI_LABEL_WILDCARDS) allowMulti = true;
  }
  if (!allowIdna && startsXn(subject)) return false;
  if (wildEnd === wildStart + 1 && subject[wildStart] === 0x2a) return true;
  for (let i = wildStart; i < wildEnd; i++) {
    const c = subject[i];
    if (!(isAlnum(c) || c === 0x2d || (allowMulti && c === 0x2e))) return false;
  }
  return true;
}

function equalWildcard(pattern, subject, flags) {
  const star = subject.length > 1 && subject[0] === 0x2e ? -1 : validStar(pattern, flags);
  if (star === -1) return equalNocase(pattern, subject, flags);
  return wildcardMatch(pattern.subarray(0, star), pattern.subarray(star + 1), subject, flags);
}

// do_x509_check: the SAN entries of `type` first, the subject's `attribute` entries when
// there are none (or always/never as the flags say). The matching name, or undefined.
function x509Check(cert, want, type, attribute, equal, flags) {
  let sanPresent = false;
  for (const general of altNames(cert)) {
    if (general.tag !== type) continue;
    sanPresent = true;
    if (general.value.length === 0) continue;
    if (equal(general.value, want, flags)) return latin1(general.value);
  }
  if (attribute === undefined || (sanPresent && !(flags & FLAG.ALWAYS_CHECK_SUBJECT))) return undefined;
  if (flags & FLAG.NEVER_CHECK_SUBJECT) return undefined;
  for (const rdn of cert.subject) {
    for (const a of rdn) {
      if (a.oid !== attribute || a.value.value.length === 0) continue;
      // ASN1_STRING_to_UTF8 refuses the type: X509_check_host returns -1, an error in Node.
      if (!a.known) throw new plain.ERR_CRYPTO_OPERATION_FAILED('Operation failed');
      const bytes = Buffer.from(a.text, 'utf8');
      if (equal(bytes, want, flags)) return a.text;
    }
  }
  return undefined;
}

const invalidName = () => new codes.ERR_INVALID_ARG_VALUE('Invalid name');

// inet_pton (libuv's): strict dotted quads, RFC 4291 text for IPv6.
function parseIpv4(text) {
  const parts = text.split('.');
  if (parts.length !== 4) return undefined;
  const out = [];
  for (const part of parts) {
    if (!/^(0|[1-9]\d{0,2})$/.test(part) || Number(part) > 255) return undefined;
    out.push(Number(part));
  }
  return out;
}

function parseIpv6(text) {
  const halves = text.split('::');
  if (halves.length > 2) return undefined;
  const groups = (half) => (half === '' ? [] : half.split(':'));
  const head = groups(halves[0]);
  const tail = halves.length === 2 ? groups(halves[1]) : [];
  const words = [];
  const all = [...head, ...tail];
  const last = all[all.length - 1];
  let v4;
  if (last !== undefined && last.includes('.')) {
    v4 = parseIpv4(last);
    if (v4 === undefined) return undefined;
    (tail.length ? tail : head).pop();
  }
  for (const g of [...head, ...tail]) if (!/^[0-9a-fA-F]{1,4}$/.test(g)) return undefined;
  const count = head.length + tail.length + (v4 ? 2 : 0);
  if (halves.length === 2 ? count > 7 : count !== 8) return undefined;
  words.push(...head.map((g) => parseInt(g, 16)));
  if (halves.length === 2) for (let i = count; i < 8; i++) words.push(0);
  words.push(...tail.map((g) => parseInt(g, 16)));
  const out = [];
  for (const w of words) out.push(w >> 8, w & 0xff);
  if (v4) out.push(...v4);
  return out;
}

// -- the class ----------------------------------------------------------------------------

const DIGESTS = { fingerprint: 'sha1', fingerprint256: 'sha256', fingerprint512: 'sha512' };

function fingerprintOf(raw, algorithm) {
  const digest = hashOf(algorithm)(raw);
  return [...digest].map((b) => b.toString(16).toUpperCase().padStart(2, '0')).join(':');
}

// BN_bn2hex of the serial: whole bytes in upper case, "0" for zero.
function serialHex(bytes) {
  if (bytes[0] & 0x80) {
    // A negative INTEGER: BN_bn2hex prints "-" and the magnitude.
    let magnitude = 0n;
    for (const b of bytes) magnitude = (magnitude << 8n) | BigInt(b);
    magnitude = (1n << BigInt(bytes.length * 8)) - magnitude;
    let hex = magnitude.toString(16).toUpperCase();
    if (hex.length % 2) hex = `0${hex}`;
    return `-${hex}`;
  }
  let i = 0;
  while (i < bytes.length - 1 && bytes[i] === 0) i++;
  const hex = Buffer.from(bytes.subarray(i)).toString('hex').toUpperCase();
  return hex === '00' ? '0' : hex;
}

// ERR_INVALID_ARG_VALUE for a KeyObject of the wrong type.
function badKey(pkey) {
  return new codes.ERR_INVALID_ARG_VALUE('pkey', pkey);
}

// Per-certificate state, private to this module: { cert, cache }.
const states = new WeakMap();

function stateOf(self) {
  const state = states.get(self);
  if (state === undefined) throw new plain.ERR_INVALID_THIS('Value of "this" must be of type X509Certificate');
  return state;
}

function cached(self, name, compute) {
  const { cert, cache } = stateOf(self);
  if (!cache.has(name)) cache.set(name, compute(cert));
  return cache.get(name);
}

// An anonymous class named by its property key: the bundle's minifier keeps the name that
// V8 shows in "Class constructor X509Certificate cannot be invoked without 'new'".
const { X509Certificate } = { X509Certificate: class {
  constructor(buffer) {
    if (typeof buffer === 'string') buffer = Buffer.from(buffer);
    if (!ArrayBuffer.isView(buffer)) throw new ERR_INVALID_ARG_TYPE('buffer', ['string', 'Buffer', 'TypedArray', 'DataView'], buffer);
    const bytes = Uint8Array.from(new Uint8Array(buffer.buffer, buffer.byteOffset, buffer.byteLength));
    states.set(this, { cert: parseCertificate(bytes), cache: new Map() });
  }

  get subject() { return cached(this, 'subject', (c) => multilineName(c.subject)); }
  get subjectAltName() { return cached(this, 'subjectAltName', subjectAltName); }
  get issuer() { return cached(this, 'issuer', (c) => multilineName(c.issuer)); }
  // Only certificates from a TLS peer know their issuer's; there is no TLS here.
  get issuerCertificate() { return undefined; }
  get infoAccess() { return cached(this, 'infoAccess', infoAccess); }
  get validFrom() { return cached(this, 'validFrom', (c) => printTime(c.notBefore)); }
  get validTo() { return cached(this, 'validTo', (c) => printTime(c.notAfter)); }
  get validFromDate() { return cached(this, 'validFromDate', (c) => timeDate(c.notBefore)); }
  get validToDate() { return cached(this, 'validToDate', (c) => timeDate(c.notAfter)); }
  get fingerprint() { return cached(this, 'fingerprint', (c) => fingerprintOf(c.raw, DIGESTS.fingerprint)); }
  get fingerprint256() { return cached(this, 'fingerprint256', (c) => fingerprintOf(c.raw, DIGESTS.fingerprint256)); }
  get fingerprint512() { return cached(this, 'fingerprint512', (c) => fingerprintOf(c.raw, DIGESTS.fingerprint512)); }
  get keyUsage() { return cached(this, 'keyUsage', extendedKeyUsage); }
  get serialNumber() { return cached(this, 'serialNumber', (c) => serialHex(c.serial)); }
  get signatureAlgorithm() { return cached(this, 'signatureAlgorithm', (c) => SIGNATURE_ALGORITHMS[c.sigAlg.oid]?.[0]); }
  get signatureAlgorithmOid() { return cached(this, 'signatureAlgorithmOid', (c) => c.sigAlg.oid); }
  get raw() { return cached(this, 'raw', (c) => Buffer.from(c.raw)); }
  get publicKey() { return cached(this, 'publicKey', publicKeyOf); }

  toString() { return cached(this, 'pem', (c) => pemEncode('CERTIFICATE', c.raw)); }
  toJSON() { return this.toString(); }
  get ca() { return cached(this, 'ca', isCa); }

  checkHost(name, options) {
    validateString(name, 'name');
    const flags = getFlags(options);
    if (name.includes('\0')) throw invalidName();
    const want = Buffer.from(name, 'utf8');
    const all = want.length > 1 && want[0] === 0x2e ? flags | FLAG.DOT_SUBDOMAINS : flags;
    const equal = flags & FLAG.NO_WILDCARDS ? equalNocase : equalWildcard;
    return x509Check(stateOf(this).cert, want, 0x82, '2.5.4.3', equal, all);
  }

  checkEmail(email, options) {
    validateString(email, 'email');
    const flags = getFlags(options);
    if (email.includes('\0')) throw invalidName();
    const found = x509Check(stateOf(this).cert, Buffer.from(email, 'utf8'), 0x81, '1.2.840.113549.1.9.1', equalEmail, flags);
    return found === undefined ? undefined : email;
  }

  checkIP(ip, options) {
    validateString(ip, 'ip');
    const flags = getFlags(options);
    const bytes = parseIpv4(ip) ?? parseIpv6(ip);
    if (bytes === undefined) throw invalidName();
    const found = x509Check(stateOf(this).cert, Uint8Array.from(bytes), 0x87, undefined, equalBytes, flags);
    return found === undefined ? undefined : ip;
  }

  checkIssued(otherCert) {
    if (!isX509Certificate(otherCert)) throw new ERR_INVALID_ARG_TYPE('otherCert', 'X509Certificate', otherCert);
    return checkIssued(stateOf(otherCert).cert, stateOf(this).cert);
  }

  checkPrivateKey(pkey) {
    if (!isKeyObject(pkey)) throw new ERR_INVALID_ARG_TYPE('pkey', 'KeyObject', pkey);
    if (pkey.type !== 'private') throw badKey(pkey);
    const spki = createPublicKey(pkey).export({ type: 'spki', format: 'der' });
    return Buffer.from(stateOf(this).cert.spki).equals(spki);
  }

  verify(pkey) {
    if (!isKeyObject(pkey)) throw new ERR_INVALID_ARG_TYPE('pkey', 'KeyObject', pkey);
    if (pkey.type !== 'public') throw badKey(pkey);
    return checkSignature(stateOf(this).cert, pkey);
  }

  toLegacyObject() { return legacyObject(this, stateOf(this).cert); }

  [inspect.custom](depth, options) {
    if (depth < 0) return this;
    const opts = { ...options, depth: options.depth == null ? null : options.depth - 1 };
    return `X509Certificate ${inspect({
      subject: this.subject, subjectAltName: this.subjectAltName, issuer: this.issuer, infoAccess: this.infoAccess,
      validFrom: this.validFrom, validTo: this.validTo, validFromDate: this.validFromDate, validToDate: this.validToDate,
      fingerprint: this.fingerprint, fingerprint256: this.fingerprint256, fingerprint512: this.fingerprint512,
      keyUsage: this.keyUsage, serialNumber: this.serialNumber, signatureAlgorithm: this.signatureAlgorithm,
      signatureAlgorithmOid: this.signatureAlgorithmOid,
    }, opts)}`;
  }
} };

const isX509Certificate = (value) => states.has(value);

// X509_check_issued(issuer, subject): names chain, the authority key id (if any) names the
// issuer's key, the issuer's key type signs the subject's algorithm, and the issuer's
// keyUsage (if any) allows certificate signing.
function checkIssued(issuer, subject) {
  if (!extensionsValid(issuer) || !extensionsValid(subject)) return false;
  if (canonicalName(issuer.subject) !== canonicalName(subject.issuer)) return false;
  const akid = extensionTree(subject, OID.AKID);
  const skid = extensionTree(issuer, OID.SKID);
  const keyId = akid?.children.find((n) => n.tag === 0x80);
  if (keyId !== undefined && skid !== undefined && !Buffer.from(keyId.value).equals(skid.value)) return false;
  // check_sig_alg_match reads the algorithm inside the signed part.
  const known = SIGNATURE_ALGORITHMS[readOid(subject.innerAlg.children[0])];
  if (known === undefined) return false;
  const keyType = spkiType(issuer.spki);
  if (!(keyType === known[1] || (keyType === 'rsa' && known[1] === 'rsa-pss'))) return false;
  const usage = keyUsageBits(issuer);
  return usage === undefined || usage(5) === 1;
}

// X509_NAME_cmp's canonical form: text strings trimmed, inner spaces collapsed and ASCII
// lower-cased; other types as they are.
const CANON_TAGS = new Set([0x0c, 0x13, 0x14, 0x16, 0x1a, 0x1c, 0x1e]);
function canonicalName(name) {
  return JSON.stringify(name.map((rdn) => rdn.map((a) => [a.oid, CANON_TAGS.has(a.tag)
    ? a.text.replace(/^[ \t\n\v\f\r]+|[ \t\n\v\f\r]+$/g, '').replace(/[ \t\n\v\f\r]+/g, ' ').replace(/[A-Z]/g, (c) => c.toLowerCase())
    : `${a.tag}:${Buffer.from(a.value.value).toString('hex')}`])));
}

const KEY_TYPES = { '1.2.840.113549.1.1.1': 'rsa', '1.2.840.113549.1.1.10': 'rsa-pss', '1.2.840.10045.2.1': 'ec',
  '1.3.101.112': 'ed25519', '1.3.101.113': 'ed448', '1.3.101.110': 'x25519', '1.3.101.111': 'x448' };
function spkiType(spki) {
  const tree = decodeNode(spki, 0, spki.length);
  return KEY_TYPES[readOid(tree.children[0].children[0])];
}

// Key types OpenSSL reads that the key code here does not (DSA, RSA-PSS, DH): their error
// stays the key reader's rather than a decode error.
const UNOFFERED_KEYS = new Set(['1.2.840.10040.4.1', '1.2.840.113549.1.1.10', '1.2.840.113549.1.3.1', '1.2.840.10046.2.1']);

// The certificate's key; one that does not decode fails as OpenSSL's decoder does.
function publicKeyOf(cert) {
  try {
    return createPublicKey({ key: Buffer.from(cert.spki), format: 'der', type: 'spki' });
  } catch (error) {
    let oid;
    try { oid = readOid(decodeNode(cert.spki, 0, cert.spki.length).children[0].children[0]); } catch { oid = undefined; }
    if (UNOFFERED_KEYS.has(oid)) throw error;
    throw new plain.ERR_OSSL_EVP_DECODE_ERROR('error:03000072:digital envelope routines::decode error');
  }
}

const NIST_NAMES = { prime256v1: 'P-256', secp384r1: 'P-384', secp521r1: 'P-521' };

// Node's X509ToObject, through translatePeerCertificate (infoAccess as an object of arrays).
function legacyObject(self, cert) {
  let key;
  try {
    key = self.publicKey;
  } catch {
    key = undefined; // a key that does not decode: Node's object has no key fields
  }
  const type = key?.asymmetricKeyType;
  let rsa;
  let ec;
  if (type === 'rsa' || type === 'rsa-pss') {
    const { n, e } = materialOf(key).forge; // an rsa-pss key has no JWK
    rsa = {
      modulus: n.toString(16).toUpperCase(),
      exponent: `0x${e.toString(16)}`,
      pubkey: key.export({ type: 'spki', format: 'der' }),
      bits: key.asymmetricKeyDetails.modulusLength,
    };
  } else if (type === 'ec') {
    const curve = key.asymmetricKeyDetails.namedCurve;
    const jwk = key.export({ format: 'jwk' });
    const x = Buffer.from(jwk.x, 'base64url');
    ec = {
      pubkey: Buffer.concat([Buffer.of(4), x, Buffer.from(jwk.y, 'base64url')]),
      bits: x.length * 8 === 528 ? 521 : x.length * 8,
      asn1Curve: curve,
      nistCurve: NIST_NAMES[curve],
    };
  }
  const access = self.infoAccess;
  let infoAccessObject;
  if (access !== undefined) {
    infoAccessObject = Object.create(null);
    for (const [, k, v] of access.matchAll(/([^\n:]*):([^\n]*)(?:\n|$)/g)) {
      const value = v.charCodeAt(0) === 0x22 ? JSON.parse(v) : v;
      if (k in infoAccessObject) infoAccessObject[k].push(value);
      else infoAccessObject[k] = [value];
    }
  }
  let subjectaltname;
  try {
    subjectaltname = self.subjectAltName;
  } catch {
    subjectaltname = undefined; // Node prints OpenSSL's dump of the undecodable extension
  }
  return {
    subject: nameObject(cert.subject), issuer: nameObject(cert.issuer), subjectaltname,
    infoAccess: infoAccessObject, ca: self.ca, modulus: rsa?.modulus, exponent: rsa?.exponent,
    pubkey: rsa?.pubkey ?? ec?.pubkey, bits: rsa?.bits ?? ec?.bits, valid_from: self.validFrom, valid_to: self.validTo,
    fingerprint: self.fingerprint, fingerprint256: self.fingerprint256, fingerprint512: self.fingerprint512,
    ext_key_usage: self.keyUsage, serialNumber: self.serialNumber, raw: self.raw, asn1Curve: ec?.asn1Curve,
    nistCurve: ec?.nistCurve,
  };
}

export { X509Certificate, isX509Certificate };
