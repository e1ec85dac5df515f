"""bench/compare.py: the order of interleaved load phases, the medians over rounds, the
`vs_ivm_*` line `make bench` prints and the open-loop sweep's rates (the parts of the
peer comparison that need no server and no isolated-vm build)."""

from __future__ import annotations

import math
import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "bench"))
from compare import Summary, interleaved, load_points, rps_ratio, summarise, vs_line


def result(rps: float, p50: float, p99: float, **failures: int) -> dict[str, float]:
    return {"rps": rps, "p50_ms": p50, "p99_ms": p99, **failures}


def test_interleaved_alternates_direction_so_no_service_always_goes_first() -> None:
    order = interleaved(["ours", "reuse", "fresh"], 3)
    assert order == [(0, "ours"), (0, "reuse"), (0, "fresh"),
                     (1, "fresh"), (1, "reuse"), (1, "ours"),
                     (2, "ours"), (2, "reuse"), (2, "fresh")]


def test_interleaved_gives_each_service_one_phase_per_round() -> None:
    order = interleaved(["a", "b"], 4)
    assert [name for _, name in order].count("a") == 4
    assert [number for number, _ in order] == [0, 0, 1, 1, 2, 2, 3, 3]


@pytest.mark.parametrize("rounds", [0, -1])
def test_interleaved_refuses_no_rounds(rounds: int) -> None:
    with pytest.raises(ValueError, match="rounds"):
        interleaved(["a"], rounds)


def test_interleaved_refuses_a_service_named_twice() -> None:
    with pytest.raises(ValueError, match="distinct"):
        interleaved(["a", "a"], 1)


def test_summarise_takes_each_figure_median_on_its_own() -> None:
    summaries = summarise([
        ("ours", result(100, 10, 90)),
        ("peer", result(1000, 1, 9)),
        ("ours", result(300, 30, 50)),
        ("ours", result(200, 50, 70, errors=1, non2xx=2)),
        ("peer", result(3000, 3, 3, timeouts=4)),
    ])
    ours = summaries["ours"]
    # The median rps round (200) is not the median p50 round (30) nor the median p99 round (70).
    assert (ours.rps, ours.p50_ms, ours.p99_ms) == (200, 30, 70)
    assert ours.rounds_rps == (100, 300, 200)
    assert ours.failed == 3
    peer = summaries["peer"]
    assert (peer.rps, peer.p50_ms, peer.p99_ms, peer.failed) == (2000, 2, 6, 4)  # even count: mean of the middle two


def test_vs_line_has_the_ratio_and_both_sides() -> None:
    ours = Summary(rps=2622, p50_ms=35, p99_ms=119, rounds_rps=(2622,), failed=0)
    theirs = Summary(rps=8740, p50_ms=10, p99_ms=31, rounds_rps=(8740,), failed=0)
    line = vs_line("ivm_reuse", ours, theirs)
    assert line == ("vs_ivm_reuse: 0.300 (ours 2622/35.0/119.0, theirs 8740/10.0/31.0; "
                    "rps/p50 ms/p99 ms, p99 ratio 3.84)")


def test_vs_line_says_nan_when_the_peer_served_nothing() -> None:
    ours = Summary(rps=100, p50_ms=1, p99_ms=2, rounds_rps=(100,), failed=0)
    dead = Summary(rps=0, p50_ms=0, p99_ms=0, rounds_rps=(0,), failed=500)
    assert math.isnan(rps_ratio(ours, dead))
    assert vs_line("ivm_fresh", ours, dead).startswith("vs_ivm_fresh: nan (")


def test_load_points_are_rounded_fractions_of_the_maximum_in_rising_order() -> None:
    assert load_points(2622.4, [0.8, 0.5, 0.1, 0.5]) == [(0.1, 262), (0.5, 1311), (0.8, 2098)]


def test_load_points_never_offer_less_than_one_request_per_second() -> None:
    assert load_points(3, [0.1]) == [(0.1, 1)]


@pytest.mark.parametrize("maximum", [0, -5, math.nan])
def test_load_points_need_a_measured_maximum(maximum: float) -> None:
    with pytest.raises(ValueError, match="maximum"):
        load_points(maximum, [0.5])


@pytest.mark.parametrize("fraction", [0, -0.5, 2.5])
def test_load_points_refuse_fractions_out_of_range(fraction: float) -> None:
    with pytest.raises(ValueError, match="fractions"):
        load_points(1000, [fraction])
