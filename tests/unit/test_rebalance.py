"""The rebalancer's rule: close only while executions wait, at most `per_second` a second."""

from __future__ import annotations

from flow_codeblock.rebalance import Rebalancer


class Clock:
    def __init__(self) -> None:
        self.now = 100.0

    def __call__(self) -> float:
        return self.now


def test_nothing_waits_no_close() -> None:
    assert not Rebalancer(10, Clock()).close_now(0)


def test_closes_at_most_per_second_while_executions_wait() -> None:
    clock = Clock()
    rebalancer = Rebalancer(10, clock)
    assert rebalancer.close_now(3)
    assert not rebalancer.close_now(3)  # 0.1 s has not passed
    clock.now += 0.099
    assert not rebalancer.close_now(1)
    clock.now += 0.002
    assert rebalancer.close_now(1)
    clock.now += 5.0
    assert not rebalancer.close_now(0)  # the time since is not a credit when nothing waits
    assert rebalancer.close_now(1) and not rebalancer.close_now(1)


def test_zero_per_second_never_closes() -> None:
    rebalancer = Rebalancer(0, Clock())
    assert not rebalancer.enabled
    assert not any(rebalancer.close_now(50) for _ in range(10))
