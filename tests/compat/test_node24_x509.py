"""crypto.X509Certificate compared with real Node 24: every property and method on the
certificates of tests/compat/x509/ (made by make_certs.sh with OpenSSL: RSA, RSA-PSS, EC
P-256/P-384/P-521/secp256k1, Ed25519 and Ed448; a root, an intermediate and leaves; SANs of
every kind; odd subjects; expired, not-yet-valid; long serials), and the errors of bad
input and bad arguments (class, code and message)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from compat.conftest import assert_same_as_node, case_ids, run_in_node
from conftest import CodeBlockClient

CERT_DIR = Path(__file__).with_name("x509")
CERTS = {p.stem: p.read_text() for p in sorted(CERT_DIR.glob("*.pem"))}
KEYS = {p.stem: p.read_text() for p in sorted(CERT_DIR.glob("*.key"))}
INPUT = {"c": CERTS, "k": KEYS}
NAMES = sorted(CERTS)

C = ("const crypto = require('crypto'); const { X509Certificate } = crypto;\n"
     "const X = (name) => new X509Certificate(input.c[name]);\n"
     "const K = (name) => crypto.createPrivateKey(input.k[name]);\n")

PROPERTIES = [
    *[C + f"const x = X('{n}'); return [x.subject, x.issuer, x.subjectAltName, x.infoAccess]" for n in NAMES],
    *[C + f"const x = X('{n}'); return [x.validFrom, x.validTo, x.validFromDate.toISOString(), x.validToDate.getTime(), x.validFromDate instanceof Date]"
      for n in NAMES],
    *[C + f"const x = X('{n}'); return [x.fingerprint, x.fingerprint256, x.fingerprint512, x.serialNumber]" for n in NAMES],
    *[C + f"const x = X('{n}'); return [x.keyUsage, x.ca, x.signatureAlgorithm, x.signatureAlgorithmOid, x.issuerCertificate]" for n in NAMES],
    *[C + f"const x = X('{n}'); return [x.raw.toString('base64'), Buffer.isBuffer(x.raw), x.toString(), x.toString() === input.c['{n}'], x.toJSON(), JSON.stringify({{ x }})]"
      for n in NAMES],
    *[C + f"const x = X('{n}'); const k = x.publicKey;\n"
      "return [k.type, k.asymmetricKeyType, k.asymmetricKeyDetails.modulusLength ?? null, k.asymmetricKeyDetails.namedCurve ?? null,\n"
      "  k.export({ type: 'spki', format: 'pem' }), k instanceof crypto.KeyObject, x.publicKey === k]" for n in NAMES],
    *[C + f"return X('{n}').toLegacyObject()" for n in NAMES],
    *[C + f"const x = new X509Certificate(X('{n}').raw); const y = X('{n}');\n"
      "return [x.subject === y.subject, x.fingerprint256, x.serialNumber, x.toString() === y.toString()]" for n in NAMES],
]

VERIFY_KEYS = ("root-rsa", "inter-ec", "root-ed25519", "root-ed448", "root-p521", "k256", "leaf-ec", "leaf-rsa", "odd-rsa")
VERIFY = [
    C + f"const x = X('{n}'); return [{', '.join(f'x.verify(X({k!r}).publicKey)' for k in VERIFY_KEYS)}]"
    for n in NAMES
]
ISSUED = [
    C + f"const x = X('{n}'); return [{', '.join(f'x.checkIssued(X({m!r}))' for m in NAMES)}]"
    for n in NAMES
]
PRIVATE = [
    C + f"const x = X('{n}'); return [{', '.join(f'x.checkPrivateKey(K({k!r}))' for k in sorted(KEYS))}]"
    for n in NAMES
]

HOST_CERTS = ("wildcards", "leaf-ec", "cn-only", "cn-wild", "odd-subject", "empty-subject", "leaf-ed25519", "strings-bmp")
HOST_OPTIONS = ("undefined", "{}", "{ wildcards: false }", "{ partialWildcards: false }", "{ multiLabelWildcards: true }",
                "{ singleLabelSubdomains: true }", "{ subject: 'always' }", "{ subject: 'never' }",
                "{ subject: 'default', wildcards: true }")
HOSTS = ("x.wild.test", "X.WILD.TEST", "wild.test", "a.b.wild.test", "www.example.com", "WWW.Example.Com",
         "www.example.com.", "", ".wild.test", ".example.org", "foo.example.org", "a.b.example.org", "fooz.example.net",
         "foo.example.net", "barfoo.example.net", "q.a.b.example.io", "a.b.example.io", "localhost", "LOCALHOST",
         "xn--bcher-kva.example", "xn--x.example.org", "a.com", "com", "wpartial.partial.test", "w.partial.test",
         "xw.partial2.test", "w.partial2.test", "ab.partial3.test", "a1b.partial3.test", "x.y.double.test", "dot.test",
         ".dot.test", "cnonly.example.com", "a.cnwild.example.com", "cnwild.example.com", "second.example.com",
         "mixed.case.example.com", "quote\\\\.example.com", "ed.example.com", "*.wild.test", "x.example.org.",
         "-x.wild.test", "x_y.wild.test", "é.wild.test", "a.t61.example.com", "t61.example.com")
CHECK_HOST = [
    C + f"const name = {h!r}; return [{', '.join(f'X({c!r}).checkHost(name, {o})' for c in HOST_CERTS for o in HOST_OPTIONS)}]"
    for h in HOSTS
]
EMAILS = ("admin@example.com", "ADMIN@example.com", "admin@EXAMPLE.com", "Admin@example.com", "ops@example.com",
          "Ops@example.com", "Ops@EXAMPLE.COM", "OPS@example.com", "user@sub.example.com", "user@SUB.example.com",
          "@bad", "a@b@c", "", "obrien@example.com", "admin", "admin@example.co", "example.com")
EMAIL_CERTS = ("leaf-ec", "wildcards", "odd-subject", "cn-only", "leaf-ed25519", "strings-bmp")
EMAIL_OPTIONS = ("undefined", "{ subject: 'always' }", "{ subject: 'never' }", "{ wildcards: false }")
CHECK_EMAIL = [
    C + f"const email = {m!r}; return [{', '.join(f'X({c!r}).checkEmail(email, {o})' for c in EMAIL_CERTS for o in EMAIL_OPTIONS)}]"
    for m in EMAILS
]
IPS_OK = ("192.0.2.10", "192.0.2.11", "2001:db8::1", "2001:DB8:0:0:0:0:0:1", "2001:0db8:0000::0001", "::ffff:10.0.0.1",
          "::ffff:a00:1", "::FFFF:10.0.0.1", "10.0.0.1", "10.1.2.3", "fe80::1:2", "FE80:0::1:2", "0.0.0.0", "::",
          "::1", "::1:2:3:4:5:6:7", "1:2:3:4:5:6:7::", "255.255.255.255", "::0.0.0.0", "::10.1.2.3")
CHECK_IP = [
    C + f"const ip = {ip!r}; return [X('leaf-ec').checkIP(ip), X('wildcards').checkIP(ip), X('odd-subject').checkIP(ip), X('cn-only').checkIP(ip, {{ subject: 'always' }})]"
    for ip in IPS_OK
]
IPS_BAD = ("1.2.3", "256.1.1.1", "not an ip", "", "010.1.2.3", " 10.1.2.3", "192.0.2.10 ", "1::2::3",
           "1:2:3:4:5:6:7:8:9", "1.2.3.4.5", "12345::", "::ffff:1.2.3", "[::1]", "1:2:3:4:5:6:7:8::", "10.0.0.1/8",
           "0x7f.0.0.1", "::g", "1:2:3:4:5:6:1.2.3.4:1")
CHECK_IP_ERRORS = [C + f"return X('leaf-ec').checkIP({ip!r})" for ip in IPS_BAD]

PARSE_ERRORS = [
    C + "return new X509Certificate('garbage')",
    C + "return new X509Certificate('')",
    C + "return new X509Certificate(Buffer.alloc(0))",
    C + "return new X509Certificate(Buffer.alloc(10))",
    C + "return new X509Certificate('-----BEGIN CERTIFICATE-----\\nAAAA\\n-----END CERTIFICATE-----\\n')",
    C + "return new X509Certificate('-----BEGIN CERTIFICATE-----\\n-----END CERTIFICATE-----\\n')",
    C + "return new X509Certificate(X('leaf-ec').raw.subarray(0, 100))",
    C + "return new X509Certificate(X('leaf-ec').raw.subarray(0, X('leaf-ec').raw.length - 1))",
    C + "return new X509Certificate(X('root-rsa').raw.subarray(4))",
    C + "return new X509Certificate(input.k['leaf-ec'])",
    C + "return new X509Certificate(input.k['root-rsa'])",
    C + "return new X509Certificate(crypto.createPublicKey(input.k['leaf-ec']).export({ type: 'spki', format: 'der' }))",
    C + "return new X509Certificate(input.c['leaf-ec'].replace('BEGIN CERTIFICATE', 'BEGIN CERTIFICATES'))",
    C + "return new X509Certificate(1)",
    C + "return new X509Certificate()",
    C + "return new X509Certificate(null)",
    C + "return new X509Certificate({})",
    C + "return new X509Certificate(new Uint8Array(X('leaf-ec').raw).buffer)",
    C + "return X509Certificate(input.c['leaf-ec'])",
    C + "return new X509Certificate([1, 2, 3])",
]
PARSE_OK = [
    C + "return new X509Certificate(Buffer.concat([X('leaf-ec').raw, Buffer.from([0, 1, 2])])).fingerprint256",
    C + "return new X509Certificate('hello\\n' + input.c['leaf-ec'] + 'trailer').subject",
    C + "return new X509Certificate(input.c['leaf-ec'] + input.c['root-rsa']).subject",
    C + "return new X509Certificate(input.c['leaf-ec'].replace(/\\n/g, '\\r\\n')).serialNumber",
    C + "const raw = X('root-p521').raw; return new X509Certificate(new DataView(raw.buffer, raw.byteOffset, raw.length)).subject",
    C + "const raw = X('root-p521').raw; return new X509Certificate(new Uint8Array(raw)).issuer",
    C + "return new X509Certificate(Buffer.from(input.c['k256'])).publicKey.asymmetricKeyDetails",
    C + "const x = X('leaf-ec'); return [typeof x, Object.prototype.toString.call(x), x.constructor.name, x instanceof X509Certificate,\n"
    "  Object.keys(x), typeof X509Certificate, X509Certificate.name, X509Certificate.length]",
    C + "return Object.getOwnPropertyNames(X509Certificate.prototype).sort()",
    C + "return require('util').inspect(X('cn-only'))",
    C + "return require('util').inspect(X('leaf-ec'), { depth: 0 })",
    C + "return require('util').inspect({ a: { b: X('cn-only') } }, { depth: 0 })",
    C + "return `${X('root-ed25519')}` === input.c['root-ed25519']",
    C + "const x = X('leaf-ec'); return [x.subject === x.subject, x.raw === x.raw, x.publicKey === x.publicKey, x.validFromDate === x.validFromDate]",
    C + "return X('leaf-ec').publicKey.export({ format: 'jwk' })",
    C + "return crypto.verify('sha384', X('inter-ec').raw, X('root-rsa').publicKey, X('inter-ec').raw) === false",
]
ARG_ERRORS = [
    C + "return X('leaf-ec').verify('x')",
    C + "return X('leaf-ec').verify()",
    C + "return X('leaf-ec').verify(K('inter-ec'))",
    C + "return X('leaf-ec').verify(crypto.createSecretKey(Buffer.alloc(4)))",
    C + "return X('leaf-ec').verify(input.c['inter-ec'])",
    C + "return X('leaf-ec').verify({ key: input.k['inter-ec'] })",
    C + "return X('leaf-ec').checkPrivateKey(X('leaf-ec').publicKey)",
    C + "return X('leaf-ec').checkPrivateKey(crypto.createSecretKey(Buffer.alloc(3)))",
    C + "return X('leaf-ec').checkPrivateKey(input.k['leaf-ec'])",
    C + "return X('leaf-ec').checkPrivateKey()",
    C + "return X('leaf-ec').checkIssued({})",
    C + "return X('leaf-ec').checkIssued(input.c['inter-ec'])",
    C + "return X('leaf-ec').checkIssued()",
    C + "return X('leaf-ec').checkIssued(null)",
    C + "return X('leaf-ec').checkHost(1)",
    C + "return X('leaf-ec').checkHost()",
    C + "return X('leaf-ec').checkHost('a\\u0000b')",
    C + "return X('leaf-ec').checkHost('x', { subject: 'x' })",
    C + "return X('leaf-ec').checkHost('x', { wildcards: 1 })",
    C + "return X('leaf-ec').checkHost('x', { partialWildcards: 'no' })",
    C + "return X('leaf-ec').checkHost('x', { multiLabelWildcards: null })",
    C + "return X('leaf-ec').checkHost('x', { singleLabelSubdomains: 0 })",
    C + "return X('leaf-ec').checkHost('x', { subject: 1 })",
    C + "return X('leaf-ec').checkHost('x', 'str')",
    C + "return X('leaf-ec').checkHost('x', null)",
    C + "return X('leaf-ec').checkHost('x', [])",
    C + "return X('leaf-ec').checkEmail(null)",
    C + "return X('leaf-ec').checkEmail('a\\u0000@b')",
    C + "return X('leaf-ec').checkEmail('a@b', { subject: 'sometimes' })",
    C + "return X('leaf-ec').checkIP(1)",
    C + "return X('leaf-ec').checkIP('1.2.3.4', { wildcards: 'x' })",
    C + "return X('leaf-ec').checkIP('1.2.3.4', 5)",
    C + "return Object.getOwnPropertyDescriptor(X509Certificate.prototype, 'subject').get.call({})",
    C + "return X509Certificate.prototype.checkHost.call({}, 'x')",
]
TAMPERED = [
    C + f"const raw = Buffer.from(X('{n}').raw); raw[raw.length - 3] ^= 1; const x = new X509Certificate(raw);\n"
    f"return [x.verify(X('{issuer}').publicKey), x.checkIssued(X('{issuer}')), x.fingerprint === X('{n}').fingerprint]"
    for n, issuer in (("leaf-ec", "inter-ec"), ("inter-ec", "root-rsa"), ("leaf-rsa-pss", "root-rsa"), ("leaf-ed25519", "root-ed25519"),
                      ("root-ed448", "root-ed448"), ("root-p521", "root-p521"), ("k256", "k256"), ("leaf-rsa-sha1", "root-rsa"))
]

# Corrupted certificates: one byte of the DER changed (XOR `mask`) at every `step`-th
# position; what parses, and each property and check of what parses, as Node has them.
FUZZ_PAIRS = (("leaf-ec", "inter-ec", 3), ("inter-ec", "root-rsa", 2), ("odd-subject", "root-rsa", 3),
              ("wildcards", "root-rsa", 2), ("empty-subject", "root-ed25519", 1), ("leaf-ed25519", "root-ed25519", 2),
              ("root-p521", "root-p521", 2), ("leaf-rsa-pss", "root-rsa", 3), ("v1-self", "v1-self", 1),
              ("not-yet-valid", "inter-ec", 3))
FUZZ_RUNS = [(name, issuer, step, mask) for name, issuer, step in FUZZ_PAIRS for mask in (0x80, 0x41)] + [
    ("root-rsa", "root-rsa", 3, 0x01), ("root-rsa", "root-rsa", 3, 0xFF), ("leaf-ec", "inter-ec", 5, 0xFF),
    ("empty-subject", "root-ed25519", 2, 0xFF)]
FUZZ = [
    C + f"const base = X('{name}').raw; const issuer = X('{issuer}'); const out = [];\n"
    f"for (let pos = 0; pos < base.length; pos += {step}) {{\n"
    f"  const raw = Buffer.from(base); raw[pos] ^= {mask};\n"
    "  const one = (f) => { try { return f(); } catch (e) { return `${e.name}:${e.code}:${e.message}`; } };\n"
    "  let x;\n"
    "  try { x = new X509Certificate(raw); } catch (e) { out.push([pos, e.code, e.message]); continue; }\n"
    "  out.push([pos, ...['subject', 'issuer', 'subjectAltName', 'infoAccess', 'validFrom', 'validTo', 'serialNumber', 'keyUsage', 'ca',\n"
    "    'signatureAlgorithm', 'signatureAlgorithmOid'].map((k) => one(() => x[k])),\n"
    "    one(() => x.verify(issuer.publicKey)), one(() => x.publicKey.asymmetricKeyType), one(() => x.checkHost('www.example.com')),\n"
    "    one(() => x.checkIssued(issuer)), one(() => x.checkEmail('admin@example.com')), one(() => x.checkIP('192.0.2.10')),\n"
    "    one(() => x.validToDate.getTime())]);\n"
    "}\nreturn out;"
    for name, issuer, step, mask in FUZZ_RUNS
]

ALL = (PROPERTIES + VERIFY + ISSUED + PRIVATE + CHECK_HOST + CHECK_EMAIL + CHECK_IP + CHECK_IP_ERRORS + PARSE_ERRORS
       + PARSE_OK + ARG_ERRORS + TAMPERED + FUZZ)
GROUPS = (("properties", PROPERTIES), ("verify", VERIFY), ("checkIssued", ISSUED), ("checkPrivateKey", PRIVATE),
          ("checkHost", CHECK_HOST), ("checkEmail", CHECK_EMAIL), ("checkIP", CHECK_IP), ("checkIPErrors", CHECK_IP_ERRORS),
          ("parseErrors", PARSE_ERRORS), ("parse", PARSE_OK), ("argErrors", ARG_ERRORS), ("tampered", TAMPERED),
          ("fuzz", FUZZ))

# Where the service knowingly differs from Node 24: code -> reason.
KNOWN_DIFFERENCES: dict[str, str] = {}


@pytest.fixture(scope="module")
def node_outcomes() -> list[dict[str, Any]]:
    return run_in_node([{"code": code, "input": INPUT} for code in ALL])


@pytest.mark.parametrize("index", range(len(ALL)), ids=case_ids(ALL, GROUPS))
def test_x509_matches_node24(cb1: CodeBlockClient, node_outcomes: list[dict[str, Any]], index: int) -> None:
    code = ALL[index]
    status, body = cb1.run(code, INPUT)
    assert_same_as_node(code, status, body, node_outcomes[index])


def test_enough_cases() -> None:
    assert len(ALL) >= 250, len(ALL)
    assert len(set(ALL)) == len(ALL), "duplicate cases"
    assert len(CERTS) >= 22 and len(KEYS) >= 10
    assert not KNOWN_DIFFERENCES
