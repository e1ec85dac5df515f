"""The arithmetic of comparing services in one run (bench/run.py, bench/open_loop.py),
kept free of processes and sockets so that tests/unit/test_bench_compare.py checks it.

- interleaved(): the order of the load phases, round by round (ABC, CBA, ABC, ...), so
  that no service always runs first, or always right after the same neighbour, on a
  machine whose load drifts;
- summarise(): each service's medians over the rounds (rps, p50, p99 each on its own);
- vs_line(): the `vs_ivm_reuse: ...` line `make bench` prints;
- load_points(): the arrival rates of the open-loop sweep, as fractions of a measured maximum.
"""

from __future__ import annotations

import math
import statistics
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

__all__ = ["Summary", "interleaved", "load_points", "rps_ratio", "summarise", "vs_line"]


def interleaved(names: Sequence[str], rounds: int) -> list[tuple[int, str]]:
    """(round, service) in the order they run: forward in even rounds, backward in odd ones."""
    if rounds < 1:
        raise ValueError("rounds must be at least 1")
    if len(set(names)) != len(names):
        raise ValueError("service names must be distinct")
    order: list[tuple[int, str]] = []
    for number in range(rounds):
        order.extend((number, name) for name in (names if number % 2 == 0 else list(reversed(names))))
    return order


@dataclass(frozen=True, slots=True)
class Summary:
    """One service's figures over the rounds: medians, and each round's rps as measured."""

    rps: float
    p50_ms: float
    p99_ms: float
    rounds_rps: tuple[float, ...]
    failed: int


def summarise(results: Iterable[tuple[str, Mapping[str, float]]]) -> dict[str, Summary]:
    """Per service, the median rps, p50 and p99 over its rounds (each a median of its own:
    the p99 of the median-rps round would mix two rounds' noise) and the failed requests
    (errors, non-2xx, timeouts) summed."""
    rounds: dict[str, list[Mapping[str, float]]] = {}
    for name, result in results:
        rounds.setdefault(name, []).append(result)
    return {
        name: Summary(
            rps=statistics.median(r["rps"] for r in measured),
            p50_ms=statistics.median(r["p50_ms"] for r in measured),
            p99_ms=statistics.median(r["p99_ms"] for r in measured),
            rounds_rps=tuple(r["rps"] for r in measured),
            failed=int(sum(r.get("errors", 0) + r.get("non2xx", 0) + r.get("timeouts", 0) for r in measured)),
        )
        for name, measured in rounds.items()
    }


def rps_ratio(ours: Summary, theirs: Summary) -> float:
    """Ours over theirs; NaN when theirs served nothing (no ratio to speak of)."""
    return ours.rps / theirs.rps if theirs.rps > 0 else math.nan


def vs_line(name: str, ours: Summary, theirs: Summary) -> str:
    """`vs_NAME: <rps ratio> (ours rps/p50/p99, theirs rps/p50/p99; ...)`, latencies in ms,
    with ours' p99 over theirs (issue #20 asks for at most 1.5 against the reuse peer)."""
    def triple(s: Summary) -> str:
        return f"{s.rps:.0f}/{s.p50_ms:.1f}/{s.p99_ms:.1f}"

    p99_ratio = ours.p99_ms / theirs.p99_ms if theirs.p99_ms > 0 else math.nan
    return (f"vs_{name}: {rps_ratio(ours, theirs):.3f} (ours {triple(ours)}, theirs {triple(theirs)}; "
            f"rps/p50 ms/p99 ms, p99 ratio {p99_ratio:.2f})")


def load_points(max_rps: float, fractions: Sequence[float]) -> list[tuple[float, int]]:
    """(fraction, whole requests per second) for each fraction of `max_rps`, in rising
    order; a rate is at least 1."""
    if not max_rps > 0:
        raise ValueError(f"the measured maximum must be positive, not {max_rps}")
    if any(not 0 < f <= 2 for f in fractions):
        raise ValueError("fractions must lie in (0, 2]")
    return [(f, max(1, round(max_rps * f))) for f in sorted(set(fractions))]
