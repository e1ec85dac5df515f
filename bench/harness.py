"""The one way a benchmark reports a figure: a human-readable line on stdout (as the
benches always printed) and a JSON line per measurement for bench/report.py, which
rewrites docs/performance.md's marked tables from them.

The JSON lines go to the file named by $BENCH_RESULTS (appended; `make bench` sets
bench/results.jsonl), else to stderr. Each holds the bench, the figure's name, value and
unit, its labels (which module, which limit...), a baseline and the ratio to it when
there is one, the bench's parameters, the git commit and facts about the machine.

    from harness import Bench
    bench = Bench("runtime_cost", params=vars(args))
    bench.figure("create_ms_median", 28.7, "ms", fmt=".2f")   # prints "create_ms_median: 28.70"
"""

from __future__ import annotations

import functools
import json
import math
import os
import platform
import subprocess
import sys
import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from importlib import metadata
from pathlib import Path
from typing import IO, Any

__all__ = ["Baseline", "Bench", "git_commit", "machine_facts"]

ROOT = Path(__file__).resolve().parent.parent
RESULTS_ENV = "BENCH_RESULTS"

Value = float | int | Sequence[float | int]


@dataclass(frozen=True, slots=True)
class Baseline:
    """What a figure is compared with: the JSON line carries value / baseline value as its ratio."""

    name: str
    value: float


@functools.cache
def git_commit() -> dict[str, Any]:
    """The checkout's commit and whether it had uncommitted changes (null outside git)."""
    try:
        commit = subprocess.run(["git", "rev-parse", "HEAD"], cwd=ROOT, capture_output=True, text=True,
                                check=True, timeout=10).stdout.strip()
        status = subprocess.run(["git", "status", "--porcelain", "--untracked-files=no"], cwd=ROOT,
                                capture_output=True, text=True, check=True, timeout=10).stdout
    except (OSError, subprocess.SubprocessError):
        return {"commit": None, "dirty": None}
    return {"commit": commit, "dirty": bool(status.strip())}


def _cpu_model() -> str:
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or "unknown"


def _memory_gb() -> float | None:
    try:
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemTotal:"):
                return round(int(line.split()[1]) / 2**20, 1)
    except OSError:
        pass
    return None


def _version(package: str) -> str | None:
    try:
        return metadata.version(package)
    except metadata.PackageNotFoundError:
        return None


@functools.cache
def machine_facts() -> dict[str, Any]:
    """What the figures depend on besides the code: CPUs, memory, kernel, Python, V8 binding."""
    return {
        "cpus": os.cpu_count(),
        "cpu_model": _cpu_model(),
        "memory_gb": _memory_gb(),
        "kernel": platform.release(),
        "python": platform.python_version(),
        "mini_racer": _version("mini-racer"),
    }


def _rounded_one(value: float | int, fmt: str) -> float | int | None:
    if isinstance(value, float) and not math.isfinite(value):
        return None  # JSON has no NaN: a figure that could not be taken
    if fmt.endswith("f") and isinstance(value, float):
        return float(format(value, fmt))
    return value


def _rounded(value: Value, fmt: str) -> list[float | int | None] | float | int | None:
    """The value as the human line shows it, so the two outputs agree."""
    if isinstance(value, Sequence):
        return [_rounded_one(v, fmt) for v in value]
    return _rounded_one(value, fmt)


def _text(value: Value, fmt: str) -> str:
    if isinstance(value, Sequence):
        return " ".join(format(v, fmt) for v in value)
    return format(value, fmt)


@dataclass
class Bench:
    """One benchmark run: every figure it prints goes through figure()."""

    name: str
    params: Mapping[str, Any] = field(default_factory=dict)
    out: IO[str] = field(default_factory=lambda: sys.stdout)
    sink: IO[str] | None = None  # the JSON lines; default: $BENCH_RESULTS or stderr
    started: float = field(default_factory=time.time)

    def line(self, text: str) -> None:
        """A human-readable line only (headers, table rows, summaries of figures)."""
        self.out.write(text + "\n")
        self.out.flush()

    def figure(self, name: str, value: Value, unit: str, *, fmt: str = "", labels: Mapping[str, Any] | None = None,
               baseline: Baseline | None = None, note: str = "", text: str | None = None,
               human: bool = True) -> dict[str, Any]:
        """Records one measurement: prints `name: value[  note]` (or `text`) unless
        `human` is false, and writes its JSON line. Returns the record."""
        shown = _rounded(value, fmt)
        record: dict[str, Any] = {"bench": self.name, "name": name, "value": shown, "unit": unit}
        if labels:
            record["labels"] = dict(labels)
        if baseline is not None:
            record["baseline"] = {"name": baseline.name, "value": _rounded(baseline.value, fmt)}
            if baseline.value and not isinstance(value, Sequence):
                record["ratio"] = round(value / baseline.value, 4)
        record.update(params=dict(self.params), time=round(self.started, 3), **git_commit(),
                      machine=machine_facts())
        if human:
            self.line(text if text is not None else f"{name}: {_text(value, fmt)}{'  ' + note if note else ''}")
        self._write(json.dumps(record, default=str))
        return record

    def _write(self, line: str) -> None:
        if self.sink is not None:
            self.sink.write(line + "\n")
            self.sink.flush()
            return
        path = os.environ.get(RESULTS_ENV)
        if not path:
            sys.stderr.write(line + "\n")
            return
        with open(path, "a", encoding="utf-8") as fh:  # appended: several benches share one file
            fh.write(line + "\n")
