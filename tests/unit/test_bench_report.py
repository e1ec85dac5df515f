"""bench/report.py rewrites docs/performance.md's marked tables from the benches' JSON
lines (bench/harness.py): only between the markers, newest figure first, and loudly
when a marker is never closed."""

from __future__ import annotations

import io
import json
import sys
from pathlib import Path
from typing import Any

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "bench"))
import harness
import report

MACHINE = {"cpus": 2, "cpu_model": "Test CPU", "memory_gb": 8.0, "python": "3.11.7", "mini_racer": "0.14.1"}


def line(bench: str, name: str, value: Any, unit: str, *, when: float = 1_800_000_000.0, **extra: Any) -> str:
    return json.dumps({"bench": bench, "name": name, "value": value, "unit": unit, "time": when,
                       "commit": "0123456789abcdef", "dirty": False, "machine": MACHINE, **extra})


DOC = """# Performance

Hand-written text | with a pipe, kept.

<!-- bench:runtime_cost -->
| figure | value | unit |
|---|---|---|
| create_ms_median | 99 | ms |
<!-- /bench:runtime_cost -->

Between the tables.

<!-- bench:module_cost -->
<!-- /bench:module_cost -->

<!-- bench:engine_path figures=engine_to_stock_cpu_ratio,engine_eval_cpu_us -->
<!-- /bench:engine_path -->

<!-- bench:latency_plot -->
no results yet
<!-- /bench:latency_plot -->
The end.
"""

SAMPLE = [
    line("runtime_cost", "create_ms_median", 31.5, "ms", when=1_700_000_000.0),  # an older run
    line("runtime_cost", "create_ms_median", 28.7, "ms", params={"count": 50}),
    line("runtime_cost", "idle_rss_mb_per_runtime", 3.59, "MB", params={"count": 50}),
    line("module_cost", "first_ms", 59.03, "ms", labels={"module": "lodash"}),
    line("module_cost", "heap_mb", 3.02, "MB", labels={"module": "lodash"}),
    line("module_cost", "first_ms", 4.95, "ms", labels={"module": "dayjs"}),
    line("module_cost", "heap_mb", 0.22, "MB", labels={"module": "dayjs"}),
    line("engine_path", "stock_eval_cpu_us", 227, "us"),
    line("engine_path", "engine_eval_cpu_us", 55, "us", baseline={"name": "stock_eval_cpu_us", "value": 227},
         ratio=0.2423),
    line("engine_path", "engine_to_stock_cpu_ratio", 0.242, "ratio"),
    "uvicorn said something on stderr",
]


def rewritten() -> tuple[str, list[str]]:
    return report.rewrite(DOC, report.read_records(SAMPLE))


def block(markdown: str, name: str) -> str:
    start = markdown.index(f"<!-- bench:{name}")
    return markdown[start:markdown.index(f"<!-- /bench:{name} -->", start)]


def test_a_plain_table_takes_the_newest_figure_of_each_name() -> None:
    text = block(rewritten()[0], "runtime_cost")
    assert "| create_ms_median | 28.7 | ms |" in text
    assert "| idle_rss_mb_per_runtime | 3.59 | MB |" in text
    assert "31.5" not in text and "| 99 |" not in text
    assert "0123456" in text and "2 CPUs (Test CPU)" in text and "count=50" in text


def test_labelled_figures_make_a_row_per_label_and_a_column_per_figure() -> None:
    text = block(rewritten()[0], "module_cost")
    assert "| module | first_ms | heap_mb |" in text
    assert "| lodash | 59.03 | 3.02 |" in text
    assert "| dayjs | 4.95 | 0.22 |" in text


def test_the_figures_option_selects_and_orders_and_baselines_get_their_columns() -> None:
    text = block(rewritten()[0], "engine_path")
    assert "| figure | value | unit | baseline | ratio |" in text
    ratio_at, engine_at = text.index("| engine_to_stock_cpu_ratio |"), text.index("| engine_eval_cpu_us |")
    assert ratio_at < engine_at
    assert "| engine_eval_cpu_us | 55 | us | stock_eval_cpu_us 227 | 0.2423 |" in text
    assert "| stock_eval_cpu_us |" not in text


def test_text_outside_the_markers_and_blocks_without_results_stay_as_they_were() -> None:
    markdown, missing = rewritten()
    assert missing == ["latency_plot"]
    assert block(markdown, "latency_plot") == block(DOC, "latency_plot")
    assert markdown.startswith("# Performance\n\nHand-written text | with a pipe, kept.\n\n"
                               "<!-- bench:runtime_cost -->\n")
    assert "\n<!-- /bench:runtime_cost -->\n\nBetween the tables.\n\n<!-- bench:module_cost -->\n" in markdown
    assert markdown.endswith("<!-- /bench:latency_plot -->\nThe end.\n")


def test_rewriting_twice_changes_nothing_more() -> None:
    once, _ = rewritten()
    assert report.rewrite(once, report.read_records(SAMPLE))[0] == once


def test_a_marker_never_closed_is_an_error() -> None:
    with pytest.raises(ValueError, match="runtime_cost"):
        report.rewrite("<!-- bench:runtime_cost -->\n| a |\n", report.read_records(SAMPLE))


def test_a_figure_printed_by_the_harness_reaches_the_table() -> None:
    out, sink = io.StringIO(), io.StringIO()
    bench = harness.Bench("runtime_cost", params={"count": 7}, out=out, sink=sink)
    bench.figure("create_ms_median", 27.456, "ms", fmt=".2f")
    bench.figure("reset_us_median", 141.2, "us", fmt=".0f", baseline=harness.Baseline("old_reset_us", 282.4))
    assert out.getvalue() == "create_ms_median: 27.46\nreset_us_median: 141\n"
    records = report.read_records(sink.getvalue().splitlines())
    assert [(r.name, r.value, r.ratio) for r in records] == [("create_ms_median", 27.46, None),
                                                            ("reset_us_median", 141.0, 0.5)]
    assert records[0].machine["cpus"] and "commit" in json.loads(sink.getvalue().splitlines()[0])
    text = block(report.rewrite(DOC, records)[0], "runtime_cost")
    assert "| create_ms_median | 27.46 | ms |" in text
    assert "| reset_us_median | 141 | us | old_reset_us 282 | 0.5 |" in text
