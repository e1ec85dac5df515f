"""The pool policy (policy.py): its rules as pure functions with a fixed clock."""

from __future__ import annotations

import pytest

from flow_codeblock.errors import RetireReason
from flow_codeblock.policy import (
    ModuleUsage,
    Plan,
    PoolPolicy,
    RuntimeHealth,
    grow_batch,
    growth_wanted,
    next_interval,
    plan,
    warm_set,
)

NOW = 10_000.0
MiB = 1024 * 1024


def rt(id: int, *, age: float = 60, idle: float = 0, executions: int = 10, errors: int = 0, busy: bool = False,
       heap_growth: int | None = None, parked: bool = False) -> RuntimeHealth:
    return RuntimeHealth(
        id=id, created_at=NOW - age, last_used_at=NOW - idle, executions=executions, errors=errors, timeouts=0,
        busy=busy or parked, heap_used=None if heap_growth is None else 10 * MiB + heap_growth,
        heap_baseline=None if heap_growth is None else 10 * MiB, parked=parked,
    )


def policy(**kwargs: object) -> PoolPolicy:
    """No spare unless a test asks for one: the waiting rule alone (test_spare_* test the spare)."""
    base = {"min_size": 2, "max_size": 20, "idle_timeout_s": 300.0, "spare_while_parked": 0}
    return PoolPolicy(**{**base, **kwargs})  # type: ignore[arg-type]


def test_healthy_pool_needs_nothing() -> None:
    runtimes = [rt(i) for i in range(4)]
    assert plan(runtimes, creating=0, waiting=0, policy=policy(), now=NOW) == Plan()


def test_error_rate_rebuild_needs_enough_executions() -> None:
    runtimes = [rt(1, executions=100, errors=60), rt(2, executions=10, errors=10), rt(3), rt(4)]
    decided = plan(runtimes, creating=0, waiting=0, policy=policy(), now=NOW)
    assert decided.rebuild == ((1, "error_rate"),)


@pytest.mark.parametrize(
    ("runtime", "reason"),
    [
        (rt(1, age=4000), "age"),
        (rt(1, executions=10_000), "executions"),
        (rt(1, heap_growth=65 * MiB), "heap_growth"),
    ],
)
def test_recycling_reasons(runtime: RuntimeHealth, reason: str) -> None:
    decided = plan([runtime, rt(2), rt(3)], creating=0, waiting=0, policy=policy(), now=NOW)
    assert decided.rebuild == ((1, reason),)
    assert decided.release == () and decided.grow == 0


def test_heap_growth_under_threshold_is_fine() -> None:
    assert plan([rt(1, heap_growth=10 * MiB), rt(2), rt(3)], creating=0, waiting=0, policy=policy(), now=NOW).empty


def test_recycling_is_spread_over_passes_but_errors_are_not() -> None:
    old = [rt(i, age=4000 + i) for i in range(30)]
    broken = [rt(100 + i, executions=100, errors=90) for i in range(5)]
    decided = plan(old + broken, creating=0, waiting=0, policy=policy(max_size=100), now=NOW)
    reasons = [reason for _, reason in decided.rebuild]
    assert reasons.count("error_rate") == 5
    assert reasons.count("age") == 3  # 10% of 35, the oldest first
    assert [rid for rid, r in decided.rebuild if r == "age"] == [29, 28, 27]


def test_idle_release_takes_half_of_expired_and_least_recently_used() -> None:
    runtimes = [rt(i, idle=400 + i) for i in range(8)] + [rt(100, idle=1)]
    decided = plan(runtimes, creating=0, waiting=0, policy=policy(), now=NOW)
    assert decided.release == (7, 6, 5, 4)
    assert decided.grow == 0


def test_release_is_capped_per_pass() -> None:
    runtimes = [rt(i, idle=1000) for i in range(60)]
    decided = plan(runtimes, creating=0, waiting=0, policy=policy(max_size=100), now=NOW)
    assert len(decided.release) == 10


def test_release_never_goes_below_min() -> None:
    runtimes = [rt(i, idle=1000) for i in range(3)]
    decided = plan(runtimes, creating=0, waiting=0, policy=policy(min_size=2), now=NOW)
    assert len(decided.release) == 1
    assert plan(runtimes[:2], creating=0, waiting=0, policy=policy(min_size=2), now=NOW).release == ()


def test_busy_runtimes_are_never_released() -> None:
    runtimes = [rt(i, idle=1000, busy=True) for i in range(6)]
    assert plan(runtimes, creating=0, waiting=0, policy=policy(), now=NOW).release == ()


def test_no_release_while_executions_wait() -> None:
    runtimes = [rt(i, idle=1000) for i in range(6)]
    assert plan(runtimes, creating=0, waiting=1, policy=policy(), now=NOW).release == ()


def test_no_growth_while_every_runtime_computes() -> None:
    """Executions wait, but every busy runtime uses CPU: more runtimes would only share
    the same cores (issue #20's growth rule)."""
    runtimes = [rt(i, busy=True) for i in range(4)]
    assert plan(runtimes, creating=0, waiting=50, policy=policy(), now=NOW).grow == 0


def test_grow_while_executions_wait_and_runtimes_are_parked() -> None:
    runtimes = [rt(i, parked=True) for i in range(3)] + [rt(3, busy=True)]
    # One computes, 50 wait: the unparked runtimes should cover compute_slots (2), so one more.
    assert plan(runtimes, creating=0, waiting=50, policy=policy(), now=NOW).grow == 1
    assert plan(runtimes, creating=0, waiting=0, policy=policy(), now=NOW).grow == 0  # nobody waits
    big = [rt(i, parked=True) for i in range(31)]
    assert plan(big, creating=0, waiting=50, policy=policy(max_size=100), now=NOW).grow == 2  # compute_slots
    many_cores = policy(max_size=100, compute_slots=20)
    assert plan(big, creating=0, waiting=50, policy=many_cores, now=NOW).grow == 7  # a batch: 20% of 31, up
    assert plan(big, creating=0, waiting=3, policy=many_cores, now=NOW).grow == 3  # at most what waits


def test_waiting_executions_do_not_each_get_a_runtime() -> None:
    """Executions queued behind parked ones are often a millisecond of CPU: the pool grows
    to cover the cores (compute_slots), not the queue's length, which grew a pool of 4 to
    19-32 when parked blocks began under 300 req/s (docs/performance.md)."""
    parked = [rt(i, parked=True) for i in range(4)]
    assert plan(parked, creating=0, waiting=12, policy=policy(), now=NOW).grow == 2
    assert plan(parked, creating=2, waiting=12, policy=policy(), now=NOW).grow == 0  # being built: enough
    with_idle = [*parked, rt(4), rt(5)]
    assert plan(with_idle, creating=0, waiting=12, policy=policy(), now=NOW).grow == 0
    computing = [*parked, rt(4, busy=True), rt(5, busy=True)]
    assert plan(computing, creating=0, waiting=12, policy=policy(), now=NOW).grow == 0  # the cores are in use
    assert plan(computing, creating=0, waiting=12, policy=policy(compute_slots=4), now=NOW).grow == 2


@pytest.mark.parametrize(
    ("waiting", "free", "parked", "computing", "expected"),
    [(0, 2, 1, 0, 0),  # two free: the spare is there
     (0, 1, 1, 0, 1),  # one short of the spare
     (0, 0, 3, 0, 2),
     (0, 0, 0, 0, 0),  # nothing parked: every runtime computes, no spare (issue #20)
     (4, 0, 0, 0, 0),
     (3, 1, 2, 0, 3),  # the cores' worth of what waits (2) plus the spare, less what is free
     (1, 1, 2, 1, 2),  # one computes and one waits: both count, as does the spare; one is free
     (30, 0, 1, 0, 4)],  # two for the cores and the spare, whatever waits
)
def test_spare_while_parked(waiting: int, free: int, parked: int, computing: int, expected: int) -> None:
    assert growth_wanted(policy(spare_while_parked=2), 4, waiting=waiting, free=free, parked=parked,
                         computing=computing) == expected


def test_spare_is_the_default_and_plan_keeps_it() -> None:
    assert PoolPolicy(min_size=1, max_size=8, idle_timeout_s=1).spare_while_parked == 0
    runtimes = [rt(0, parked=True), rt(1, parked=True), rt(2, busy=True), rt(3)]
    assert plan(runtimes, creating=0, waiting=0, policy=policy(spare_while_parked=2), now=NOW).grow == 1
    assert plan(runtimes, creating=1, waiting=0, policy=policy(spare_while_parked=2), now=NOW).grow == 0
    computing = [rt(i, busy=True) for i in range(4)]
    assert plan(computing, creating=0, waiting=9, policy=policy(spare_while_parked=2), now=NOW).grow == 0


def test_grow_never_above_max() -> None:
    runtimes = [rt(i, parked=True) for i in range(4)]
    assert plan(runtimes, creating=0, waiting=9, policy=policy(max_size=5), now=NOW).grow == 1
    full = [rt(i, parked=True) for i in range(20)]
    assert plan(full, creating=0, waiting=5, policy=policy(), now=NOW).grow == 0


def test_runtimes_being_created_count_as_free() -> None:
    runtimes = [rt(i, parked=True) for i in range(10)]
    assert plan(runtimes, creating=5, waiting=5, policy=policy(compute_slots=10), now=NOW).grow == 0
    assert plan(runtimes, creating=5, waiting=7, policy=policy(compute_slots=10), now=NOW).grow == 2


@pytest.mark.parametrize(
    ("waiting", "free", "parked", "expected"),
    [(0, 0, 4, 0), (3, 3, 4, 0), (3, 0, 0, 0), (1, 0, 1, 1), (3, 0, 1, 2), (30, 2, 1, 0), (30, 0, 4, 2)],
)
def test_growth_wanted(waiting: int, free: int, parked: int, expected: int) -> None:
    assert growth_wanted(policy(), 4, waiting=waiting, free=free, parked=parked) == expected


def test_grow_back_to_min() -> None:
    decided = plan([rt(1)], creating=0, waiting=0, policy=policy(min_size=4), now=NOW)
    assert decided.grow == 3


def test_rebuild_reasons_are_retire_reasons() -> None:
    decided = plan([rt(1, age=4000), rt(2), rt(3)], creating=0, waiting=0, policy=policy(), now=NOW)
    assert decided.rebuild == ((1, RetireReason.AGE),)
    assert isinstance(decided.rebuild[0][1], RetireReason)


@pytest.mark.parametrize(
    ("size", "kwargs", "expected"),
    [
        (4, {}, 5),  # 20% of 4 is under grow_min
        (31, {"max_size": 100}, 7),  # 20% of 31 = 6.2, rounded up
        (30, {"max_size": 100}, 6),  # exact: not rounded up
        (40, {"max_size": 100, "grow_fraction": 0.1}, 5),
        (60, {"max_size": 100, "grow_fraction": 0.1, "grow_min": 1}, 6),
        (61, {"max_size": 100, "grow_fraction": 0.1, "grow_min": 1}, 7),
        (18, {}, 2),  # capped by max_size (20)
        (20, {}, 0),  # full
        (25, {}, 0),  # above max: never negative
    ],
)
def test_grow_batch(size: int, kwargs: dict[str, float], expected: int) -> None:
    assert grow_batch(policy(**kwargs), size) == expected


def test_grow_batch_rounds_up_every_fraction() -> None:
    # The pool once rounded with int(x + 0.999): a share just over a whole number was lost.
    pol = policy(max_size=20_000, grow_fraction=0.0001, grow_min=1)
    assert grow_batch(pol, 10_001) == 2


def test_invalid_policy() -> None:
    with pytest.raises(ValueError):
        PoolPolicy(min_size=5, max_size=2, idle_timeout_s=1)


@pytest.mark.parametrize("seed", range(20))
def test_plans_stay_within_bounds(seed: int) -> None:
    import random

    rng = random.Random(seed)
    pol = policy(min_size=rng.randint(1, 5), max_size=rng.randint(6, 40))
    for _ in range(200):
        n = rng.randint(0, pol.max_size)
        creating = rng.randint(0, pol.max_size - n)
        runtimes = [
            rt(i, idle=rng.choice([0, 10, 1000]), busy=rng.random() < 0.5, age=rng.choice([10, 5000]),
               executions=rng.randint(0, 200), errors=rng.randint(0, 200))
            for i in range(n)
        ]
        decided = plan(runtimes, creating=creating, waiting=rng.randint(0, 3), policy=pol, now=NOW)
        after = n + creating - len(decided.release) + decided.grow
        assert after <= pol.max_size
        if n + creating >= pol.min_size:
            assert after >= pol.min_size
        assert not set(decided.release) & {rid for rid, _ in decided.rebuild}
        assert all(not runtimes[i].busy for i in decided.release)


def test_interval_adapts_to_load() -> None:
    assert next_interval(30, in_use=1, size=10) == 30
    assert next_interval(30, in_use=6, size=10) == 60
    assert next_interval(30, in_use=10, size=10) == 120
    assert next_interval(30, in_use=0, size=0) == 30


# -- warm-up: which modules a new runtime loads (issue #24) --------------------------


def test_module_usage_counts_each_execution_and_halves_every_half_life() -> None:
    usage = ModuleUsage(half_life=10)
    for _ in range(6):
        usage.record(("lodash",))
    for _ in range(3):
        usage.record(("dayjs", "lodash"))
    usage.record(())
    # Ten executions: the weights (lodash 9, dayjs 3) halved at the tenth.
    assert usage.weights == {"lodash": 4.5, "dayjs": 1.5}
    assert usage.executions == 5
    for _ in range(10):
        usage.record(())
    # Weights below one are dropped when they halve again: dayjs has faded out.
    assert usage.weights == {"lodash": 2.25}


def test_module_usage_refuses_a_half_life_below_one() -> None:
    with pytest.raises(ValueError, match="half_life"):
        ModuleUsage(half_life=0)


def test_warm_set_takes_the_most_used_first_within_the_budget() -> None:
    weights = {"lodash": 50.0, "xlsx": 40.0, "dayjs": 30.0, "qs": 20.0}
    costs = {"lodash": 4 * MiB, "xlsx": 20 * MiB, "dayjs": 1 * MiB, "qs": 2 * MiB}
    # xlsx does not fit in what lodash leaves; the smaller, less used ones still do.
    assert warm_set(weights, costs, budget_bytes=8 * MiB, executions=1000) == ("lodash", "dayjs", "qs")
    assert warm_set(weights, costs, budget_bytes=0, executions=1000) == ()


def test_warm_set_leaves_out_rarely_used_modules_and_unmeasured_ones() -> None:
    weights = {"lodash": 50.0, "pinyin": 2.0, "qs": 30.0}
    costs = {"lodash": MiB, "pinyin": MiB}  # qs has no cost yet
    assert warm_set(weights, costs, budget_bytes=64 * MiB, executions=1000) == ("lodash",)  # pinyin: 0.2% < 1%


def test_warm_set_always_takes_the_preload_outside_the_budget() -> None:
    weights = {"lodash": 50.0}
    costs = {"lodash": MiB, "xlsx": 30 * MiB}
    assert warm_set(weights, costs, budget_bytes=MiB, executions=100, preload=("xlsx", "xlsx")) == ("xlsx", "lodash")
