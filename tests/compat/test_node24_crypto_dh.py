"""Node 24's finite-field Diffie-Hellman and primes in crypto, compared with real Node 24:
createDiffieHellman in all its argument forms, getDiffieHellman/createDiffieHellmanGroup on
the MODP groups, the DiffieHellman objects' methods and errors, generatePrime(Sync) and
checkPrime(Sync).

Keys and parameters that Node generates (the `node_keys` fixture) are every case's
`input.k`, so shared secrets and public keys are compared byte for byte. Random output
(generated keys and primes) is compared by its properties: lengths, primality, residues,
and secrets agreed across the two sides."""

from __future__ import annotations

import json
from typing import Any

import pytest

from compat.conftest import assert_same_as_node, case_ids, keyed_fixtures, run_in_node
from conftest import CodeBlockClient

C = "const crypto = require('crypto'); const k = input.k;\n"
GROUPS = ("modp1", "modp2", "modp5", "modp14", "modp15", "modp16", "modp17", "modp18")
SMALL = ("modp1", "modp2", "modp5", "modp14")

# Made by Node once per run: two key pairs per group, and a 512-bit prime of its own.
KEYGEN = """
const crypto = require('crypto');
const out = {};
for (const name of ['modp1', 'modp2', 'modp5', 'modp14', 'modp15', 'modp16', 'modp17', 'modp18']) {
  const a = crypto.getDiffieHellman(name); a.generateKeys();
  const b = crypto.getDiffieHellman(name); b.generateKeys();
  out[name] = { aPriv: a.getPrivateKey('hex'), aPub: a.getPublicKey('hex'), bPriv: b.getPrivateKey('hex'),
    bPub: b.getPublicKey('hex'), prime: a.getPrime('hex') };
}
const d = crypto.createDiffieHellman(512); d.generateKeys();
const e = crypto.createDiffieHellman(d.getPrime(), d.getGenerator()); e.generateKeys();
out.own = { prime: d.getPrime('hex'), g: d.getGenerator('hex'), aPriv: d.getPrivateKey('hex'), aPub: d.getPublicKey('hex'),
  bPriv: e.getPrivateKey('hex'), bPub: e.getPublicKey('hex') };
const g5 = crypto.createDiffieHellman(512, 5);
out.own5 = { prime: g5.getPrime('hex'), g: g5.getGenerator('hex') };
out.prime256 = Buffer.from(crypto.generatePrimeSync(256)).toString('hex');
out.safe128 = crypto.generatePrimeSync(128, { safe: true, bigint: true }).toString();
return out;
"""

# A DiffieHellman on a group with Node's key pair `a` set, as a code block would restore one.
# Only the smaller groups: Node checks a given prime (DH_check) and takes seconds for modp15+.
def restore(group: str, who: str = "a") -> str:
    return (f"const d = crypto.createDiffieHellman(k.{group}.prime, 'hex'); d.setPrivateKey(k.{group}.{who}Priv, 'hex');"
            f" d.setPublicKey(k.{group}.{who}Pub, 'hex');\n")

SECRETS = [
    *[C + restore(g) + f"return d.computeSecret(k.{g}.bPub, 'hex', 'hex')" for g in SMALL],
    *[C + restore(g, "b") + f"return d.computeSecret(Buffer.from(k.{g}.aPub, 'hex')).toString('base64')" for g in SMALL],
    *[C + restore(g) + "return d.generateKeys('hex')" for g in SMALL],
    *[C + f"const d = crypto.createDiffieHellman(Buffer.from(k.{g}.prime, 'hex'), 2); d.setPrivateKey(Buffer.from(k.{g}.aPriv, 'hex'));\n"
      f"return [d.generateKeys('hex') === k.{g}.aPub, d.getPrivateKey('hex'), d.verifyError]" for g in SMALL],
    C + restore("own") + "return [d.computeSecret(k.own.bPub, 'hex', 'base64'), d.getGenerator('hex'), d.verifyError]",
    C + "const d = crypto.createDiffieHellman(k.own.prime, 'hex', k.own.g, 'hex'); d.setPrivateKey(k.own.bPriv, 'hex');\n"
    "return [d.generateKeys('hex') === k.own.bPub, d.computeSecret(k.own.aPub, 'hex', 'hex')]",
    C + "const d = crypto.createDiffieHellman(k.own5.prime, 'hex', k.own5.g, 'hex'); return [d.verifyError, d.getGenerator('hex')]",
    C + "const d = crypto.createDiffieHellman(k.own5.prime, 'hex', 5); return [d.verifyError, d.getGenerator()]",
    C + "const d = crypto.createDiffieHellman(k.own.prime, 'hex'); d.setPrivateKey(Buffer.from(k.own.aPriv, 'hex'));\n"
    "return d.computeSecret(k.own.bPub, 'hex')",
    C + "const d = crypto.createDiffieHellman(k.own.prime, 'hex'); d.setPrivateKey(k.own.aPriv, 'hex');\n"
    "return d.computeSecret(new Uint8Array(Buffer.from(k.own.bPub, 'hex')).buffer, undefined, 'latin1')",
    C + "const d = crypto.createDiffieHellman(k.own.prime, 'hex'); d.setPrivateKey(k.own.aPriv, 'hex');\n"
    "return d.computeSecret(new DataView(new Uint8Array(Buffer.from(k.own.bPub, 'hex')).buffer), null, 'base64url')",
    C + "const d = crypto.createDiffieHellman(k.own.prime, 'hex'); d.setPrivateKey(Buffer.from(k.own.aPriv, 'hex').toString('base64'), 'base64');\n"
    "return d.computeSecret(Buffer.from(k.own.bPub, 'hex').toString('base64'), 'base64', 'hex')",
    # a secret with leading zeros is padded to the prime's length
    C + "const d = crypto.createDiffieHellman(k.modp2.prime, 'hex'); d.setPrivateKey(Buffer.from([1]));\n"
    "const y = Buffer.alloc(128); y[127] = 7; return d.computeSecret(y, null, 'hex')",
    C + "const d = crypto.createDiffieHellman(k.modp1.prime, 'hex'); d.setPrivateKey(Buffer.from([2]));\n"
    "return [d.computeSecret(Buffer.from([3])).toString('hex'), d.generateKeys('hex')]",
    # a private key longer than rsa.js's exponent slot (11,520 bits): the BigInt path
    C + "const d = crypto.createDiffieHellman(k.modp1.prime, 'hex'); d.setPrivateKey(Buffer.alloc(1500, 0x5a));\n"
    "return [d.computeSecret(k.modp1.bPub, 'hex', 'hex'), d.generateKeys('hex')]",
]

GROUP_CASES = [
    *[C + f"const d = crypto.getDiffieHellman('{g}'); return [d.getPrime('hex') === k.{g}.prime, d.getGenerator('hex'), d.verifyError, Object.keys(d)]"
      for g in GROUPS],
    *[C + f"const d = crypto.createDiffieHellmanGroup('{g}'); return [d.getPrime().length, d.getPrime('base64'), d.getGenerator()]" for g in GROUPS],
    *[C + f"const a = crypto.getDiffieHellman('{g}'); const b = crypto.getDiffieHellman('{g}'); const pa = a.generateKeys(); const pb = b.generateKeys('base64');\n"
      "const s1 = a.computeSecret(pb, 'base64', 'hex'); const s2 = b.computeSecret(pa, null, 'hex');\n"
      "return [s1 === s2, s1.length, a.getPublicKey().length <= a.getPrime().length, pa.equals(a.getPublicKey())]" for g in SMALL],
    *[C + f"const a = crypto.getDiffieHellman('{g}'); a.generateKeys(); return a.getPrivateKey().length <= {n}"
      for g, n in (("modp1", 96), ("modp2", 128), ("modp5", 25), ("modp14", 29), ("modp15", 35))],
    # the private key's range: random lengths are compared by their bounds
    *[C + f"const a = crypto.getDiffieHellman('{g}'); a.generateKeys(); const x = BigInt('0x' + a.getPrivateKey('hex'));\n"
      "return [x > 0n, x < BigInt('0x' + a.getPrime('hex')) - 1n, x.toString(2).length > 700]" for g in ("modp1", "modp2")],
    *[C + f"const a = crypto.getDiffieHellman('{g}'); a.generateKeys(); return BigInt('0x' + a.getPrivateKey('hex')).toString(2).length"
      for g in ("modp5", "modp14", "modp16")],
    C + "const a = crypto.createDiffieHellman(k.own.prime, 'hex'); a.generateKeys(); return BigInt('0x' + a.getPrivateKey('hex')).toString(2).length",
    C + "const a = crypto.createDiffieHellman(k.modp2.prime, 'hex'); a.generateKeys(); return BigInt('0x' + a.getPrivateKey('hex')).toString(2).length",
    C + "const a = crypto.createDiffieHellman(k.modp5.prime, 'hex'); a.generateKeys(); const n = BigInt('0x' + a.getPrivateKey('hex')).toString(2).length; return n <= 200 && n > 150",
    C + "const a = crypto.getDiffieHellman('modp14'); const p1 = a.generateKeys('hex'); const p2 = a.generateKeys('hex'); return p1 === p2",
    C + "const a = crypto.getDiffieHellman('modp14'); a.generateKeys(); const b = crypto.getDiffieHellman('modp14'); b.generateKeys(); return a.getPrivateKey('hex') !== b.getPrivateKey('hex')",
    C + "const d = crypto.getDiffieHellman('modp5'); return [typeof d.setPublicKey, typeof d.setPrivateKey, d instanceof crypto.DiffieHellmanGroup, d instanceof crypto.DiffieHellman]",
    C + "return [Object.getOwnPropertyNames(crypto.DiffieHellman.prototype), Object.getOwnPropertyNames(crypto.DiffieHellmanGroup.prototype),\n"
    "  crypto.DiffieHellman.name, crypto.DiffieHellman.length, crypto.DiffieHellmanGroup.name, crypto.DiffieHellmanGroup.length]",
    C + "return Object.entries(crypto.constants).filter(([name]) => name.startsWith('DH_'))",
    C + "return crypto.DiffieHellmanGroup('modp1').getGenerator('hex')",
    C + "return crypto.DiffieHellman(Buffer.from([23])).getPrime('hex')",
    C + "const d = crypto.getDiffieHellman('modp2'); return Object.getOwnPropertyDescriptor(d, 'verifyError')",
    C + "return crypto.getDiffieHellman === crypto.createDiffieHellmanGroup || crypto.getDiffieHellman.name",
]

CREATE = [
    C + "const d = crypto.createDiffieHellman(Buffer.from([23])); return [d.getPrime('hex'), d.getGenerator('hex'), d.verifyError]",
    C + "return crypto.createDiffieHellman(Buffer.from([24])).verifyError",
    C + "return crypto.createDiffieHellman(Buffer.alloc(0)).verifyError",
    C + "return crypto.createDiffieHellman(Buffer.from([2])).verifyError",
    C + "return crypto.createDiffieHellman(Buffer.from([23]), 30).verifyError",
    C + "return crypto.createDiffieHellman(Buffer.from([23]), Buffer.from([1, 0])).getGenerator('hex')",
    C + "return crypto.createDiffieHellman('17', 'hex').getPrime('hex')",
    C + "return crypto.createDiffieHellman('17', 'hex', '05', 'hex').getGenerator('hex')",
    C + "return crypto.createDiffieHellman('17', 'hex', 5).getGenerator('hex')",
    C + "return crypto.createDiffieHellman('17', 5).getPrime('hex')",
    C + "return crypto.createDiffieHellman('17').getPrime('hex')",
    C + "return crypto.createDiffieHellman('17', 'buffer', '\\x05').getGenerator('hex')",
    C + "return crypto.createDiffieHellman('Fw==', 'base64', 'BQ==', 'base64').getGenerator('hex')",
    C + "return crypto.createDiffieHellman(new Uint16Array([0x1700]), new Uint8Array([3]).buffer).getGenerator('hex')",
    C + "return crypto.createDiffieHellman(new Uint8Array([23]).buffer, 0).getGenerator('hex')",
    C + "return crypto.createDiffieHellman(k.modp2.prime, 'hex').verifyError",
    C + "return crypto.createDiffieHellman(k.modp14.prime, 'hex', 3).verifyError",
    C + "return crypto.createDiffieHellman(k.prime256, 'hex').verifyError",
    C + "const p = BigInt('0x' + k.modp1.prime) + 2n; return crypto.createDiffieHellman(p.toString(16), 'hex').verifyError",
    C + "const d = crypto.createDiffieHellman(k.modp1.prime, 'hex'); return [d.verifyError, Object.keys(d)]",
    C + "const d = crypto.createDiffieHellman(512); const p = BigInt('0x' + d.getPrime('hex'));\n"
    "return [d.getPrime().length, d.getGenerator('hex'), d.verifyError, Number(p % 24n), crypto.checkPrimeSync(p), crypto.checkPrimeSync(p >> 1n)]",
    C + "const d = crypto.createDiffieHellman(512, 5); const p = BigInt('0x' + d.getPrime('hex')); return [d.getGenerator('hex'), Number(p % 60n), d.verifyError]",
    C + "const d = crypto.createDiffieHellman(512, 3); const p = BigInt('0x' + d.getPrime('hex')); return [d.getGenerator('hex'), Number(p % 12n), d.verifyError]",
]

ERRORS = [
    C + "return crypto.getDiffieHellman('modp3')",
    C + "return crypto.getDiffieHellman('MODP14')",
    C + "return crypto.getDiffieHellman('ffdhe2048')",
    C + "return crypto.getDiffieHellman('__proto__')",
    C + "return crypto.getDiffieHellman(14)",
    C + "return crypto.createDiffieHellmanGroup()",
    C + "return crypto.createDiffieHellman(0)",
    C + "return crypto.createDiffieHellman(1)",
    C + "return crypto.createDiffieHellman(-1)",
    C + "return crypto.createDiffieHellman(1.5)",
    C + "return crypto.createDiffieHellman(2 ** 31)",
    C + "return crypto.createDiffieHellman(NaN)",
    C + "return crypto.createDiffieHellman({})",
    C + "return crypto.createDiffieHellman()",
    C + "return crypto.createDiffieHellman(null)",
    C + "return crypto.createDiffieHellman(true)",
    C + "return crypto.createDiffieHellman(64)",
    C + "return crypto.createDiffieHellman(511)",
    C + "return crypto.createDiffieHellman(64, Buffer.from([2]))",
    C + "return crypto.createDiffieHellman(512, '2')",
    C + "return crypto.createDiffieHellman(Buffer.from([23]), 1.5)",
    C + "return crypto.createDiffieHellman(Buffer.from([23]), {})",
    C + "return crypto.createDiffieHellman(Buffer.from([23]), [2])",
    C + "return crypto.createDiffieHellman(Buffer.from([23]), 'hex', {})",
    C + "const d = crypto.getDiffieHellman('modp2'); d.generateKeys(); return d.computeSecret(Buffer.from([0]))",
    C + "const d = crypto.getDiffieHellman('modp2'); d.generateKeys(); return d.computeSecret(Buffer.from([1]))",
    C + "const d = crypto.getDiffieHellman('modp2'); d.generateKeys(); return d.computeSecret(Buffer.alloc(0))",
    C + "const d = crypto.getDiffieHellman('modp2'); d.generateKeys(); return d.computeSecret(d.getPrime())",
    C + "const d = crypto.getDiffieHellman('modp2'); d.generateKeys(); const p = d.getPrime(); p[p.length - 1] -= 1; return d.computeSecret(p)",
    C + "const d = crypto.getDiffieHellman('modp14'); d.generateKeys(); const p = d.getPrime(); p[p.length - 1] -= 1; return d.computeSecret(p)",
    C + "const d = crypto.getDiffieHellman('modp14'); d.generateKeys(); return d.computeSecret(Buffer.from([3])).length",
    C + "const d = crypto.getDiffieHellman('modp14'); d.generateKeys(); return d.computeSecret(Buffer.from([2])).length",
    C + "const d = crypto.getDiffieHellman('modp2'); d.generateKeys(); return d.computeSecret(5)",
    C + "const d = crypto.getDiffieHellman('modp2'); d.generateKeys(); return d.computeSecret('zz', 'nope')",
    C + "const d = crypto.getDiffieHellman('modp2'); return d.generateKeys('nope')",
    C + "const d = crypto.getDiffieHellman('modp2'); return d.getPrime('nope')",
    C + "const d = crypto.getDiffieHellman('modp2'); return d.getPublicKey()",
    C + "const d = crypto.getDiffieHellman('modp2'); return d.getPrivateKey('hex')",
    C + "const d = crypto.getDiffieHellman('modp2'); return d.computeSecret(Buffer.from([2]))",
    C + "const d = crypto.createDiffieHellman(k.modp2.prime, 'hex'); d.setPrivateKey(Buffer.from([3])); return [d.getPrivateKey('hex'), d.getPublicKey()]",
    C + "const d = crypto.createDiffieHellman(k.modp2.prime, 'hex'); d.setPrivateKey(Buffer.alloc(0)); return d.getPrivateKey()",
    C + "const d = crypto.createDiffieHellman(k.modp2.prime, 'hex'); d.setPublicKey(Buffer.from([5])); return [d.getPublicKey('hex'), d.getPrivateKey()]",
    C + "const d = crypto.createDiffieHellman(k.modp2.prime, 'hex'); return d.setPublicKey(5)",
    C + "const d = crypto.createDiffieHellman(k.modp2.prime, 'hex'); return d.setPrivateKey({})",
    C + "const d = crypto.createDiffieHellman(k.modp2.prime, 'hex'); return d.setPrivateKey('ab', 'nope')",
    C + "const d = crypto.createDiffieHellman(Buffer.from([23])); return d.generateKeys()",
    C + "const d = crypto.createDiffieHellman(Buffer.from([23])); d.setPrivateKey(Buffer.from([3])); return d.computeSecret(Buffer.from([5]))",
    C + "const d = crypto.createDiffieHellman(Buffer.from([23])); return d.computeSecret(Buffer.from([30]))",
    C + "const d = crypto.createDiffieHellman(k.modp2.prime, 'hex'); d.setPrivateKey(Buffer.alloc(1)); return d.computeSecret(Buffer.from([5]))",
    C + "const d = crypto.getDiffieHellman('modp1'); return crypto.DiffieHellman.prototype.getPrime.call({})",
]

PRIMES = [
    C + "return crypto.checkPrimeSync(7n)",
    C + "return crypto.checkPrimeSync(1n)",
    C + "return crypto.checkPrimeSync(2n)",
    C + "return crypto.checkPrimeSync(0n)",
    C + "return crypto.checkPrimeSync(561n)",
    C + "return crypto.checkPrimeSync(3215031751n)",
    C + "return crypto.checkPrimeSync(2n ** 127n - 1n)",
    C + "return crypto.checkPrimeSync(2n ** 128n + 1n)",
    C + "return crypto.checkPrimeSync(BigInt('0x' + k.prime256))",
    C + "return crypto.checkPrimeSync(Buffer.from(k.prime256, 'hex'))",
    C + "return crypto.checkPrimeSync(BigInt(k.safe128))",
    C + "return crypto.checkPrimeSync(BigInt(k.safe128) >> 1n)",
    C + "return crypto.checkPrimeSync(BigInt('0x' + k.modp2.prime))",
    C + "return crypto.checkPrimeSync(BigInt('0x' + k.modp2.prime) * 3n)",
    C + "return crypto.checkPrimeSync(Buffer.from('0d', 'hex'), { checks: 10 })",
    C + "return crypto.checkPrimeSync(new Uint8Array([1, 1]).buffer)",
    C + "return crypto.checkPrimeSync(new DataView(new Uint8Array([0, 0, 0, 0x65]).buffer))",
    C + "return crypto.checkPrimeSync(Buffer.alloc(0))",
    C + "return crypto.checkPrimeSync(-7n)",
    C + "return crypto.checkPrimeSync(7)",
    C + "return crypto.checkPrimeSync('7')",
    C + "return crypto.checkPrimeSync(7n, { checks: -1 })",
    C + "return crypto.checkPrimeSync(7n, { checks: '1' })",
    C + "return crypto.checkPrimeSync(7n, { checks: 1.5 })",
    C + "return crypto.checkPrimeSync(7n, null)",
    C + "return crypto.checkPrime(7n)",
    C + "return crypto.checkPrime(7n, {})",
    C + "return await new Promise((r) => crypto.checkPrime(97n, (e, v) => r([e, v])))",
    C + "return await new Promise((r) => crypto.checkPrime(Buffer.from([99]), { checks: 3 }, (e, v) => r([e, v])))",
    C + "return crypto.generatePrimeSync(1)",
    C + "return crypto.generatePrimeSync(2, { bigint: true })",
    C + "return crypto.generatePrimeSync(2, { safe: true })",
    C + "return crypto.generatePrimeSync(3, { safe: true, bigint: true })",
    C + "return crypto.generatePrimeSync(0)",
    C + "return crypto.generatePrimeSync('8')",
    C + "return crypto.generatePrimeSync(8, { add: 1000n })",
    C + "return crypto.generatePrimeSync(8, { add: 12n, rem: 12n })",
    C + "return crypto.generatePrimeSync(8, { add: 12n, rem: 13n })",
    C + "return crypto.generatePrimeSync(8, { add: -1n })",
    C + "return crypto.generatePrimeSync(8, { add: 12 })",
    C + "return crypto.generatePrimeSync(8, { rem: 'x' })",
    C + "return crypto.generatePrimeSync(8, { safe: 'yes' })",
    C + "return crypto.generatePrimeSync(8, { bigint: 1 })",
    C + "return crypto.generatePrimeSync(8, null)",
    C + "return crypto.generatePrime(8)",
    C + "return crypto.generatePrime(8, { add: 1000n }, () => {})",
    C + "return crypto.generatePrime(0, () => {})",
    C + "return await new Promise((r) => crypto.generatePrime(1, (e, p) => r([e.message, e.code, p])))",
    *[C + f"const p = crypto.generatePrimeSync({n}, {{ bigint: true }}); return [p.toString(2).length, crypto.checkPrimeSync(p), p.toString(2).slice(0, 2)]"
      for n in (3, 8, 16, 17, 31, 64, 128, 256, 512)],
    *[C + f"const p = crypto.generatePrimeSync({n}); return [p instanceof ArrayBuffer, p.byteLength, crypto.checkPrimeSync(p)]" for n in (16, 64, 255)],
    *[C + f"const p = crypto.generatePrimeSync({n}, {{ safe: true, bigint: true }}); return [p.toString(2).length, crypto.checkPrimeSync(p), crypto.checkPrimeSync(p >> 1n)]"
      for n in (4, 16, 64, 128)],
    C + "const p = crypto.generatePrimeSync(64, { add: 12n, rem: 11n, bigint: true }); return [p % 12n, p.toString(2).length, crypto.checkPrimeSync(p)]",
    C + "const p = crypto.generatePrimeSync(64, { add: 1000n, bigint: true }); return [p % 1000n, crypto.checkPrimeSync(p)]",
    C + "const p = crypto.generatePrimeSync(64, { add: Buffer.from([0x01, 0x00]), rem: new Uint8Array([7]), bigint: true }); return [p % 256n, crypto.checkPrimeSync(p)]",
    C + "const p = crypto.generatePrimeSync(128, { safe: true, add: 12n, rem: 11n, bigint: true }); return [p % 12n, crypto.checkPrimeSync(p >> 1n)]",
    C + "const p = crypto.generatePrimeSync(64, { rem: 5n, bigint: true }); return [p.toString(2).length, crypto.checkPrimeSync(p)]",
    C + "return await new Promise((r) => crypto.generatePrime(48, { bigint: true }, (e, p) => r([e, typeof p, p.toString(2).length, crypto.checkPrimeSync(p)])))",
    C + "return await new Promise((r) => crypto.generatePrime(48, (e, p) => r([e, p instanceof ArrayBuffer, p.byteLength])))",
    C + "const log = []; const done = new Promise((r) => crypto.generatePrime(16, () => { log.push('cb'); r(); })); log.push('sync');\n"
    "await Promise.resolve(); log.push('micro'); await done; return log",
]

ALL = SECRETS + GROUP_CASES + CREATE + ERRORS + PRIMES
GROUPED = (("secrets", SECRETS), ("groups", GROUP_CASES), ("create", CREATE), ("errors", ERRORS), ("primes", PRIMES))

# Where the service knowingly differs from Node 24: code -> reason.
KNOWN_DIFFERENCES: dict[str, str] = {}


node_keys, node_outcomes = keyed_fixtures(KEYGEN, ALL)


@pytest.mark.parametrize("index", range(len(ALL)), ids=case_ids(ALL, GROUPED))
def test_crypto_dh_matches_node24(cb1: CodeBlockClient, node_keys: dict[str, Any],
                                  node_outcomes: list[dict[str, Any]], index: int) -> None:
    code = ALL[index]
    status, body = cb1.run(code, {"k": node_keys})
    assert_same_as_node(code, status, body, node_outcomes[index])


# OpenSSL errors that Node reads from OpenSSL's error queue, where an earlier case's error can
# still wait (Node then shows that one): each runs in a Node process of its own.
QUEUE_ERRORS = [
    C + "return crypto.createDiffieHellman(Buffer.from([23]), 1)",
    C + "return crypto.createDiffieHellman(Buffer.from([23]), -5)",
    C + "return crypto.createDiffieHellman(64, 1)",
    C + "return crypto.createDiffieHellman(600, 0)",
    C + "return crypto.createDiffieHellman(Buffer.from([23]), Buffer.from([1]))",
    C + "return crypto.createDiffieHellman(Buffer.from([23]), Buffer.alloc(0))",
    C + "return crypto.createDiffieHellman('17', 'hex', '01', 'hex')",
]


@pytest.mark.parametrize("index", range(len(QUEUE_ERRORS)))
def test_generator_errors_match_node24(cb1: CodeBlockClient, index: int) -> None:
    code = QUEUE_ERRORS[index]
    [expected] = run_in_node([{"code": code, "input": {"k": {}}}])
    status, body = cb1.run(code, {"k": {}})
    assert_same_as_node(code, status, body, expected)


# -- across the two: keys made here agree with keys made in Node -----------------------------

@pytest.mark.parametrize("group", ["modp2", "modp14", "own"])
def test_secret_agreed_with_node(cb1: CodeBlockClient, node_keys: dict[str, Any], group: str) -> None:
    made = cb1.ok(
        C + f"const g = k.{group}; const d = crypto.createDiffieHellman(g.prime, 'hex', g.g ?? '02', 'hex');\n"
        "const pub = d.generateKeys('hex'); return { pub, secret: d.computeSecret(g.aPub, 'hex', 'hex') }",
        {"k": node_keys},
    )
    check = (C + f"const g = k.{group}; const d = crypto.createDiffieHellman(g.prime, 'hex', g.g ?? '02', 'hex');\n"
             "d.setPrivateKey(g.aPriv, 'hex'); return d.computeSecret(input.pub, 'hex', 'hex')")
    [outcome] = run_in_node([{"code": check, "input": {"k": node_keys, "pub": made["pub"]}}])
    assert outcome["ok"], outcome
    assert json.loads(outcome["result"]) == made["secret"]


def test_primes_made_here_pass_node(cb1: CodeBlockClient) -> None:
    made = cb1.ok("const crypto = require('crypto'); return [64, 128, 256, 512].map((n) => [\n"
                  "  crypto.generatePrimeSync(n, { bigint: true }).toString(),\n"
                  "  crypto.generatePrimeSync(n, { safe: true, bigint: true }).toString(),\n"
                  "  crypto.createDiffieHellman(512).getPrime('hex')])")
    check = ("const crypto = require('crypto'); return input.map(([p, s, dh]) => [crypto.checkPrimeSync(BigInt(p)),\n"
             "  crypto.checkPrimeSync(BigInt(s)), crypto.checkPrimeSync(BigInt(s) >> 1n),\n"
             "  crypto.createDiffieHellman(dh, 'hex').verifyError])")
    [outcome] = run_in_node([{"code": check, "input": made}])
    assert json.loads(outcome["result"]) == [[True, True, True, 0]] * 4, outcome


def test_enough_cases() -> None:
    assert len(ALL) + len(QUEUE_ERRORS) >= 100, len(ALL)
    assert len(set(ALL)) == len(ALL), "duplicate cases"
    assert not KNOWN_DIFFERENCES
