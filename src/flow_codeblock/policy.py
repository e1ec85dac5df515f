"""The pool policy: its rules, as pure functions of a snapshot and a clock.

The pool (pool.py) takes a snapshot of every runtime's health data on the event
loop, calls `plan()` here, and applies the plan: rebuilds, releases and growth.
It grows on demand between checks by `growth_wanted()`. Nothing here touches a
runtime, so the rules are tested with a fake clock.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import NamedTuple

from .errors import RetireReason

__all__ = [
    "MIN_WARM_SHARE", "ModuleUsage", "Plan", "PoolPolicy", "RuntimeHealth", "grow_batch", "growth_wanted",
    "next_interval", "plan", "warm_set",
]


class RuntimeHealth(NamedTuple):
    """What the pool knows of one runtime at snapshot time (a tuple: a snapshot of
    hundreds is taken on the event loop, and frozen dataclasses build 4x slower)."""

    id: int
    created_at: float
    last_used_at: float
    executions: int
    errors: int
    timeouts: int
    busy: bool
    heap_used: int | None = None  # bytes, last measured
    heap_baseline: int | None = None  # bytes, right after bootstrap
    parked: bool = False  # busy, waiting on timers or host calls (no CPU)


@dataclass(frozen=True, slots=True)
class PoolPolicy:
    min_size: int
    max_size: int
    idle_timeout_s: float
    # A runtime whose executions fail this often is rebuilt (after enough executions).
    max_error_rate: float = 0.5
    error_rate_min_executions: int = 50
    # Recycling: by age, by executions, and by heap growth since bootstrap.
    max_age_s: float = 3600.0
    max_executions: int = 10_000
    max_heap_growth_bytes: int = 64 * 1024 * 1024
    # Recycling is spread out: at most this share of the pool is rebuilt per pass.
    max_rebuild_fraction: float = 0.1
    # Growth: only while executions wait and some runtimes are parked on timers or host
    # calls (growth_wanted): then by `grow_fraction` of the pool, at least `grow_min`,
    # at most what waits. When every runtime computes, more runtimes only share the same
    # cores and each stays colder (issue #20: 20-45% fewer rps than a pool of 4).
    grow_fraction: float = 0.2
    grow_min: int = 5
    # How many executions can use the CPU at once: the runtimes growth keeps unparked
    # (computing, idle or being built) are at most this many plus the spare. Executions
    # that wait while others are parked are often short: counting each one as a runtime
    # to build grew a pool of 4 to 19-32 when a load of parked blocks began under 300 req/s,
    # and building them took the CPU the waiting ones needed (docs/performance.md,
    # "Thirteenth session"). The service sets it from the machine's cores.
    compute_slots: int = 2
    # While runtimes are parked, keep this many free (idle or being built), so that the
    # arrivals that follow a wave of parked executions find a warm runtime instead of
    # waiting for one to be built and warmed. Nothing parked: no spare, as above.
    # RUNTIME_POOL_SPARE (2 in the service; config.py says why); 0 for a bare policy.
    spare_while_parked: int = 0
    # Shrinking: at most half of the idle-expired runtimes, at most this many per pass.
    max_release_per_pass: int = 10

    def __post_init__(self) -> None:
        if not 0 < self.min_size <= self.max_size:
            raise ValueError(f"need 0 < min_size <= max_size, got {self.min_size}, {self.max_size}")


@dataclass(frozen=True, slots=True)
class Plan:
    rebuild: tuple[tuple[int, RetireReason], ...] = ()  # (runtime id, reason)
    release: tuple[int, ...] = ()  # idle runtimes to close without replacement
    grow: int = 0  # runtimes to create

    @property
    def empty(self) -> bool:
        return not (self.rebuild or self.release or self.grow)


def _rebuild_reason(rt: RuntimeHealth, policy: PoolPolicy, now: float) -> RetireReason | None:
    if rt.executions >= policy.error_rate_min_executions and rt.errors / rt.executions > policy.max_error_rate:
        return RetireReason.ERROR_RATE
    if (rt.heap_used is not None and rt.heap_baseline is not None
            and rt.heap_used - rt.heap_baseline > policy.max_heap_growth_bytes):
        return RetireReason.HEAP_GROWTH
    if rt.executions >= policy.max_executions:
        return RetireReason.EXECUTIONS
    if now - rt.created_at >= policy.max_age_s:
        return RetireReason.AGE
    return None


def plan(runtimes: Sequence[RuntimeHealth], *, creating: int, waiting: int, policy: PoolPolicy,
         now: float) -> Plan:
    """Decides one maintenance pass. `runtimes` are the live ones; `creating` are
    being built; `waiting` executions wait for a runtime."""
    size = len(runtimes) + creating

    # 1. Rebuilds (replace one for one, so the size is unchanged). Error-rate rebuilds
    # always happen; recycling is capped per pass so a cohort does not expire at once.
    budget = max(1, math.floor(size * policy.max_rebuild_fraction))
    rebuild: list[tuple[int, RetireReason]] = []
    for rt in sorted(runtimes, key=lambda r: r.created_at):
        reason = _rebuild_reason(rt, policy, now)
        if reason is None:
            continue
        if reason is not RetireReason.ERROR_RATE:
            if budget == 0:
                continue
            budget -= 1
        rebuild.append((rt.id, reason))
    rebuilding = {rid for rid, _ in rebuild}

    # 2. Releases: idle past the timeout, least recently used first, never below min.
    expired = sorted(
        (rt for rt in runtimes
         if not rt.busy and rt.id not in rebuilding and now - rt.last_used_at >= policy.idle_timeout_s),
        key=lambda r: r.last_used_at,
    )
    release_count = min(
        math.ceil(len(expired) / 2), policy.max_release_per_pass, max(size - policy.min_size, 0)
    )
    if waiting:
        release_count = 0
    release = tuple(rt.id for rt in expired[:release_count])

    # 3. Growth: below min, or executions wait while runtimes are parked; never above max.
    remaining = size - len(release)
    # Runtimes being built count as free: they will be within milliseconds.
    free = sum(1 for rt in runtimes if not rt.busy and rt.id not in rebuilding) - len(release) + creating
    parked = sum(1 for rt in runtimes if rt.busy and rt.parked)
    computing = sum(1 for rt in runtimes if rt.busy and not rt.parked)
    grow = 0
    if remaining < policy.min_size:
        grow = policy.min_size - remaining
    elif not release:
        grow = growth_wanted(policy, remaining, waiting=waiting, free=free, parked=parked, computing=computing)
    grow = max(0, min(grow, policy.max_size - remaining))
    return Plan(rebuild=tuple(rebuild), release=release, grow=grow)


def grow_batch(policy: PoolPolicy, size: int) -> int:
    """How many runtimes a pool of `size` adds when it grows: `grow_fraction` of it
    rounded up, at least `grow_min`, never past `max_size`."""
    batch = max(math.ceil(policy.grow_fraction * size), policy.grow_min)
    return max(0, min(batch, policy.max_size - size))


def growth_wanted(policy: PoolPolicy, size: int, *, waiting: int, free: int, parked: int,
                  computing: int = 0) -> int:
    """How many runtimes to add now: none unless at least one busy runtime is parked, so
    that a new one would get CPU that the parked ones leave unused. Then enough that the
    runtimes not parked (`computing`, and `free`: idle or being built) cover what computes
    and waits, up to `compute_slots`, plus `spare_while_parked`; a batch at most.

    An execution that waits may park as soon as it starts (a fetch) or compute for a
    millisecond; either way one that starts frees its place in the queue, so runtimes
    beyond the cores' worth are not built for the queue's length: while they are built,
    the parked ones return, and each new one that parks calls for the next (pool.py)."""
    if parked == 0:
        return 0
    wanted = min(computing + waiting, policy.compute_slots) + policy.spare_while_parked
    short = wanted - (computing + free)
    if short <= 0:
        return 0
    return min(grow_batch(policy, size), short)


def next_interval(base_s: float, in_use: int, size: int) -> float:
    """Checks space out under load (the reference's adaptive interval): the pool is
    busiest then, and growth on demand does not wait for a check anyway."""
    if size <= 0:
        return base_s
    utilisation = in_use / size
    if utilisation >= 0.9:
        return base_s * 4
    if utilisation >= 0.5:
        return base_s * 2
    return base_s


class ModuleUsage:
    """Which modules recent executions used, weighted by use: every execution adds 1 to
    each module its code block names; every `half_life` executions all weights halve,
    so what the traffic stopped using fades out (and one execution an hour ago does
    not keep a module warm). Pure bookkeeping, O(modules of the block) per execution."""

    __slots__ = ("_count", "_half_life", "executions", "weights")

    def __init__(self, half_life: int = 1000) -> None:
        if half_life < 1:
            raise ValueError(f"half_life must be at least 1, got {half_life}")
        self._half_life = half_life
        self._count = 0
        self.weights: dict[str, float] = {}
        self.executions = 0.0  # what the weights stand for, decayed the same way

    def record(self, modules: tuple[str, ...]) -> None:
        """One execution whose code block names `modules` (possibly none)."""
        self._count += 1
        self.executions += 1.0
        weights = self.weights
        for name in modules:
            weights[name] = weights.get(name, 0.0) + 1.0
        if self._count >= self._half_life:
            self._count = 0
            self.executions /= 2
            # A weight under one execution's is dropped: the dict stays as small as the mix.
            self.weights = {name: w / 2 for name, w in weights.items() if w >= 2.0}


# A module is warmed only if at least this share of recent executions used it: a module
# used once in a thousand executions costs every new runtime its memory for nothing.
MIN_WARM_SHARE = 0.01


def warm_set(weights: dict[str, float], costs: dict[str, int], *, budget_bytes: int, executions: float,
             preload: tuple[str, ...] = (), min_share: float = MIN_WARM_SHARE) -> tuple[str, ...]:
    """The modules a new runtime loads before it serves: `preload` (the operator's, always,
    outside the budget), then the most used modules of `weights` first while their heap
    `costs` (bytes; a module without one is skipped until measured, see pool.py) fit
    in `budget_bytes`. Modules used by less than `min_share` of `executions` are left out."""
    chosen = list(dict.fromkeys(preload))
    left = budget_bytes
    floor = executions * min_share
    for name, weight in sorted(weights.items(), key=lambda item: (-item[1], item[0])):
        if name in chosen or weight < floor:
            continue
        cost = costs.get(name)
        if cost is None or cost > left:
            continue
        chosen.append(name)
        left -= cost
    return tuple(chosen)
