"""What freezing the intrinsics costs V8's fast paths: the same micro-benchmarks in bare
isolates with nothing frozen, everything reachable from the global object frozen, and
the variants that leave RegExp.prototype (as js/lib/internal/harden.js does), then also
Array.prototype and Object.prototype, unfrozen. Also Promise.all with Promise.prototype
frozen against `then` turned into an override-taming accessor, and array iteration with
Array.prototype frozen against its push/concat or its iterator turned into accessors. Microseconds per
iteration, best of --rounds isolates; compare the columns of one run.

    .venv/bin/python bench/frozen_realm.py [--rounds 3]
"""

from __future__ import annotations

import argparse
import json

from py_mini_racer import MiniRacer, init_mini_racer

from harness import Bench

FREEZE = r"""
(() => {
  const seen = new WeakSet(); const queue = [globalThis];
  while (queue.length) {
    const o = queue.pop();
    if (o === null || (typeof o !== 'object' && typeof o !== 'function') || seen.has(o)) continue;
    seen.add(o);
    for (const k of Reflect.ownKeys(o)) {
      const d = Object.getOwnPropertyDescriptor(o, k);
      if (d) { if ('value' in d) queue.push(d.value); else { queue.push(d.get); queue.push(d.set); } }
    }
    queue.push(Object.getPrototypeOf(o));
    if (o !== globalThis && !SKIP.includes(o)) { try { Object.freeze(o) } catch {} }
  }
})();
"""

BENCH = r"""
(() => {
  const out = {};
  const t = (name, f) => {
    f(); const s = Date.now(); let n = 0;
    while (Date.now() - s < 300) { f(); n++; }
    out[name] = +((Date.now() - s) * 1000 / n).toFixed(1);
  };
  const data = Array.from({ length: 1000 },
    (_, i) => ({ id: i, name: 'item' + i, tags: ['a', 'b'], nested: { x: i * 1.5 } }));
  t('regexp_replace_split_x2000', () => {
    let n = 0; for (let i = 0; i < 2000; i++) n += 'a-b-c-d'.replace(/-/g, '+').split('+').length; return n;
  });
  t('object_to_string_x2000', () => {
    let s = ''; for (let i = 0; i < 2000; i++) s += `${{}}` + String([1, 2]); return s.length;
  });
  t('json_stringify_1000_records', () => JSON.stringify(data));
  t('push_map_filter_reduce_10000', () => {
    const a = []; for (let i = 0; i < 10000; i++) a.push(i);
    return a.map(x => x * 2).filter(x => x % 3).reduce((p, c) => p + c, 0);
  });
  return JSON.stringify(out);
})()
"""

PROMISE_ALL = r"""
(async () => {
  const s = Date.now(); let n = 0;
  while (Date.now() - s < 300) { await Promise.all(Array.from({ length: 500 }, (_, i) => Promise.resolve(i))); n++; }
  globalThis.R = (Date.now() - s) * 1000 / n;
})()
"""

TAME_THEN = r"""
(() => { const o = Promise.prototype, v = o.then;
  Object.defineProperty(o, 'then', { get() { return v }, set(x) {
    Object.defineProperty(this, 'then', { value: x, writable: true, enumerable: true, configurable: true }) },
    configurable: true });
  Object.freeze(o); })()
"""

TAME_ARRAY = r"""
(() => { const o = Array.prototype; for (const k of KEYS) { const v = o[k];
  Object.defineProperty(o, k, { get() { return v }, set(x) {
    Object.defineProperty(this, k, { value: x, writable: true, enumerable: true, configurable: true }) },
    configurable: true }); }
  Object.freeze(o); })()
"""

ARRAYS = r"""
(() => {
  const out = {};
  const t = (name, f) => {
    f(); const s = Date.now(); let n = 0;
    while (Date.now() - s < 300) { f(); n++; }
    out[name] = +((Date.now() - s) * 1000 / n).toFixed(1);
  };
  t('push_x20000', () => { const a = []; for (let i = 0; i < 20000; i++) a.push(i); return a.length; });
  t('concat_x500', () => { let a = []; for (let i = 0; i < 500; i++) a = a.concat([i]); return a.length; });
  t('spread_and_for_of_2000_x10', () => {
    const a = Array.from({ length: 2000 }, (_, i) => i); let n = 0;
    for (let j = 0; j < 10; j++) { for (const x of a) n += x; n += [...a].length; }
    return n;
  });
  return JSON.stringify(out);
})()
"""

VARIANTS = {
    "unfrozen": None,
    "everything_frozen": "[]",
    "regexp_prototype_unfrozen": "[RegExp.prototype]",
    "regexp_array_object_prototypes_unfrozen": "[RegExp.prototype, Array.prototype, Object.prototype]",
}


def best(results: list[dict[str, float]]) -> dict[str, float]:
    return {key: min(r[key] for r in results) for key in results[0]}


def report(bench: Bench, kind: str, variant: str, figures: dict[str, float]) -> None:
    """One human line per variant (its micro-benchmarks as JSON), one figure per micro-benchmark."""
    bench.line(f"{variant}: {json.dumps(figures)}")
    for name, us in figures.items():
        bench.figure(name, us, "us", labels={kind: variant}, human=False)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--rounds", type=int, default=3)
    rounds = parser.parse_args().rounds
    bench = Bench("frozen_realm", params={"rounds": rounds})
    init_mini_racer(flags=("--single-threaded", "--disallow-code-generation-from-strings"), ignore_duplicate_init=True)
    for name, skip in VARIANTS.items():
        results = []
        for _ in range(rounds):
            isolate = MiniRacer()
            if skip is not None:
                isolate.eval(f"const SKIP = {skip};" + FREEZE)
            results.append(json.loads(isolate.eval(BENCH)))
        report(bench, "realm", name, best(results))
    for name, setup in (("promise_all_500_unfrozen_us", "1"),
                        ("promise_all_500_frozen_us", "Object.freeze(Promise.prototype)"),
                        ("promise_all_500_then_accessor_us", TAME_THEN)):
        times = []
        for _ in range(rounds):
            isolate = MiniRacer()
            isolate.eval(setup)
            isolate.eval(PROMISE_ALL)
            while isolate.eval("typeof R") != "number":
                isolate.eval("0")
            times.append(isolate.eval("R"))
        bench.figure(name, min(times), "us", fmt=".1f")
    for name, keys in (("array_frozen", None), ("array_push_concat_accessors", "['push', 'concat']"),
                       ("array_iterator_accessor", "[Symbol.iterator]")):
        results = []
        for _ in range(rounds):
            isolate = MiniRacer()
            isolate.eval("Object.freeze(Array.prototype)" if keys is None else f"const KEYS = {keys};" + TAME_ARRAY)
            results.append(json.loads(isolate.eval(ARRAYS)))
        report(bench, "array_prototype", name, best(results))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
