"""Rewrites the generated tables of docs/performance.md from the JSON lines the benches
write (bench/harness.py; `make bench` collects them in bench/results.jsonl).

A generated table sits between two markers named after a bench, each at the start of a
line; whatever is between them is replaced, everything else in the file is left as it is:

    <!-- bench:runtime_cost -->
    <!-- /bench:runtime_cost -->

`<!-- bench:run figures=static_rps,codeblock_rps,rps_ratio -->` keeps only those figures,
in that order. Figures without labels make a `figure | value | unit` table (with baseline
and ratio columns when a figure has one); labelled figures (which module, which limit)
make one table per set of label names, a row per labelling and a column per figure. The
newest record of a figure wins, and a line under the tables names the commit, the
machine and the bench's parameters. A block whose bench has no results is left alone.

    .venv/bin/python bench/report.py bench/results.jsonl docs/performance.md [--check]
"""

from __future__ import annotations

import argparse
import json
import logging
import re
import sys
import time
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

__all__ = ["Record", "read_records", "render_block", "rewrite"]

log = logging.getLogger("bench.report")

# Markers stand at the start of a line, so that prose can quote one in backticks.
_BLOCK = re.compile(r"^<!-- bench:(?P<name>[\w.-]+)(?P<options>[^>\n]*?)-->\n?(?P<body>.*?)^<!-- /bench:(?P=name) -->",
                    re.DOTALL | re.MULTILINE)
_OPENING = re.compile(r"^<!-- bench:([\w.-]+)[^>\n]*?-->", re.MULTILINE)


@dataclass(frozen=True, slots=True)
class Record:
    """One figure of one bench run, as bench/harness.py wrote it."""

    bench: str
    name: str
    value: Any
    unit: str
    labels: Mapping[str, Any] = field(default_factory=dict)
    baseline: Mapping[str, Any] | None = None
    ratio: float | None = None
    params: Mapping[str, Any] = field(default_factory=dict)
    time: float = 0.0
    commit: str | None = None
    dirty: bool | None = None
    machine: Mapping[str, Any] = field(default_factory=dict)

    @property
    def key(self) -> tuple[str, tuple[tuple[str, str], ...]]:
        return self.name, tuple((k, str(v)) for k, v in self.labels.items())

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> Record:
        known = {name for name in cls.__dataclass_fields__}  # later fields stay readable by older reports
        return cls(**{k: v for k, v in data.items() if k in known})


def read_records(lines: Iterable[str]) -> list[Record]:
    """The records of a JSON-lines text; lines that are not figure records are skipped."""
    records = []
    for number, line in enumerate(lines, 1):
        line = line.strip()
        if not line.startswith("{"):
            continue
        try:
            data = json.loads(line)
            records.append(Record.from_json(data))
        except (ValueError, TypeError):
            log.warning("line %d is not a figure record: skipped", number)
    return records


def _number(value: Any) -> str:
    if value is None:
        return "-"
    if isinstance(value, bool):
        return str(value).lower()
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if isinstance(value, int | float):
        return f"{value:,}"
    if isinstance(value, Sequence) and not isinstance(value, str):
        return " / ".join(_number(v) for v in value)
    return str(value)


def _table(header: Sequence[str], rows: Iterable[Sequence[str]]) -> list[str]:
    lines = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    lines.extend("| " + " | ".join(cell.replace("|", "\\|") for cell in row) + " |" for row in rows)
    return lines


def _plain_table(records: Sequence[Record]) -> list[str]:
    compared = any(r.baseline is not None for r in records)
    header = ["figure", "value", "unit"] + (["baseline", "ratio"] if compared else [])
    rows = []
    for r in records:
        row = [r.name, _number(r.value), r.unit]
        if compared:
            baseline = f"{r.baseline['name']} {_number(r.baseline['value'])}" if r.baseline else ""
            row += [baseline, "" if r.ratio is None else _number(r.ratio)]
        rows.append(row)
    return _table(header, rows)


def _labelled_table(records: Sequence[Record]) -> list[str]:
    label_names = list(dict.fromkeys(k for r in records for k in r.labels))
    figures = list(dict.fromkeys((r.name, r.unit) for r in records))
    rows: dict[tuple[str, ...], dict[str, str]] = {}
    for r in records:
        rows.setdefault(tuple(str(r.labels.get(k, "")) for k in label_names), {})[r.name] = _number(r.value)
    header = label_names + [name if name.lower().endswith(unit.lower()) else f"{name} ({unit})"
                            for name, unit in figures]
    return _table(header, ([*labels, *(cells.get(name, "") for name, _ in figures)] for labels, cells in rows.items()))


def _provenance(records: Sequence[Record]) -> str:
    newest = max(records, key=lambda r: r.time)
    commits = list(dict.fromkeys(
        f"{r.commit[:7]}{' with uncommitted changes' if r.dirty else ''}" if r.commit else "unknown commit"
        for r in records))
    machine = newest.machine
    facts = [f"{machine.get('cpus', '?')} CPUs ({machine.get('cpu_model', '?')})"]
    facts += [f"{machine['memory_gb']} GB" if machine.get("memory_gb") else "",
              f"Python {machine['python']}" if machine.get("python") else "",
              f"mini-racer {machine['mini_racer']}" if machine.get("mini_racer") else ""]
    when = time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime(newest.time))
    params = ", ".join(f"{k}={v}" for k, v in newest.params.items() if v is not None)
    return (f"_Generated by `bench/report.py`: {', '.join(commits)}, {when}; "
            f"{', '.join(f for f in facts if f)}" + (f"; parameters: {params}" if params else "") + "._")


def render_block(records: Sequence[Record], figures: Sequence[str] = ()) -> str | None:
    """The Markdown of one bench's block (tables and provenance), or None without records."""
    newest: dict[tuple[str, tuple[tuple[str, str], ...]], Record] = {}
    for record in sorted(records, key=lambda r: r.time):  # stable: a later line of one run wins too
        newest.pop(record.key, None)
        newest[record.key] = record
    chosen = list(newest.values())
    if figures:
        chosen = sorted((r for r in chosen if r.name in figures), key=lambda r: figures.index(r.name))
    if not chosen:
        return None
    groups: dict[tuple[str, ...], list[Record]] = {}
    for record in chosen:
        groups.setdefault(tuple(record.labels), []).append(record)
    lines: list[str] = []
    for label_names, group in groups.items():
        if lines:
            lines.append("")
        lines += _labelled_table(group) if label_names else _plain_table(group)
    return "\n".join([*lines, "", _provenance(chosen)])


def _options(text: str) -> dict[str, str]:
    return dict(part.split("=", 1) for part in text.split() if "=" in part)


def rewrite(markdown: str, records: Sequence[Record]) -> tuple[str, list[str]]:
    """`markdown` with every marked block rewritten from `records`, and the names of the
    blocks left alone for want of results. Raises ValueError on a block never closed."""
    opened = _OPENING.findall(markdown)
    matched = [m.group("name") for m in _BLOCK.finditer(markdown)]
    if len(opened) != len(matched):
        unclosed = sorted(set(opened) - set(matched)) or opened
        raise ValueError(f"bench markers without their closing <!-- /bench:NAME -->: {', '.join(unclosed)}")
    by_bench: dict[str, list[Record]] = {}
    for record in records:
        by_bench.setdefault(record.bench, []).append(record)
    missing: list[str] = []

    def replace(match: re.Match[str]) -> str:
        name = match.group("name")
        figures = [f for f in _options(match.group("options")).get("figures", "").split(",") if f]
        body = render_block(by_bench.get(name, []), figures)
        if body is None:
            missing.append(name)
            return match.group(0)
        return f"<!-- bench:{name}{match.group('options')}-->\n{body}\n<!-- /bench:{name} -->"

    return _BLOCK.sub(replace, markdown), missing


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("results", type=Path, help="JSON lines written by the benches")
    parser.add_argument("doc", type=Path, help="the Markdown file whose marked tables are rewritten")
    parser.add_argument("--check", action="store_true", help="change nothing; exit 1 if the file is out of date")
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(message)s")
    records = read_records(args.results.read_text(encoding="utf-8").splitlines())
    before = args.doc.read_text(encoding="utf-8")
    try:
        after, missing = rewrite(before, records)
    except ValueError as error:
        log.error("%s: %s", args.doc, error)
        return 2
    if missing:
        log.warning("no results for: %s (left as they were)", ", ".join(missing))
    if args.check:
        return int(after != before)
    if after != before:
        args.doc.write_text(after, encoding="utf-8")
    log.info("%s: %s", args.doc, "rewritten" if after != before else "unchanged")
    return 0


if __name__ == "__main__":
    sys.exit(main())
