"""README.zh-CN.md, the Chinese quick start, in step with README.md (#25).

It covers six sections of README.md, the ones a team moving over reads first: "Quick
start" (the two commands, a curl example, the answer, an error in Chinese), "Playground",
"Streaming large downloads" (its worked example), "Tokens, quotas and the admin API", "Stored
scripts" and "Migrating from Flow-CodeBlock" (its tables). For each pair of sections: the same
headings below them, the very same code blocks, and the same tables (rows, columns, and in each
row the same `code` spans and numbers, which is what a reader copies, in any order). Prose is
translated freely."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
COVERED = {  # README.md's section -> README.zh-CN.md's, in this order in both
    "Quick start": "快速开始",
    "Playground": "在线调试",
    "Streaming large downloads": "流式下载大文件",
    "Tokens, quotas and the admin API": "令牌、配额与管理 API",
    "Stored scripts": "存储脚本",
    "Migrating from Flow-CodeBlock": "从 Flow-CodeBlock 迁移",
}
FENCE = re.compile(r"^```[^\n]*\n.*?^```$", re.S | re.M)


def sections(text: str) -> dict[str, str]:
    """The level-2 sections by title, code blocks removed before splitting (a `#` comment
    inside a block is no heading)."""
    holes = FENCE.sub(lambda m: f"\0{m.start()}\0", text)
    parts = re.split(r"^## (.+)$", holes, flags=re.M)
    blocks = {f"\0{m.start()}\0": m.group(0) for m in FENCE.finditer(text)}
    restore = re.compile("\0\\d+\0")
    return {parts[i].strip(): restore.sub(lambda m: blocks[m.group(0)], parts[i + 1])
            for i in range(1, len(parts), 2)}


def shape(section: str) -> dict[str, object]:
    """What must agree between the two languages."""
    code = FENCE.findall(section)
    prose = FENCE.sub("", section)
    headings = [line.split(" ", 1)[0] for line in prose.splitlines() if re.match(r"#{3,} ", line)]
    tables: list[list[tuple[int, list[str], list[str]]]] = []
    previous = False
    for line in prose.splitlines():
        is_row = line.startswith("|")
        if is_row and not previous:
            tables.append([])
        if is_row and not re.fullmatch(r"\|(?:-+\|)+", line):
            cells = line.strip("|").split(" | ")
            # Sorted: a translation may put a row's words in another order.
            spans = sorted(re.findall(r"`[^`]+`", line))
            numbers = sorted(re.findall(r"\d+", re.sub(r"`[^`]+`", "", line)))
            tables[-1].append((len(cells), spans, numbers))
        previous = is_row
    # The header row is words in each language: only its width counts.
    return {"headings": headings, "code": code, "tables": [[t[0][0], *t[1:]] for t in tables]}


@pytest.fixture(scope="module")
def readmes() -> tuple[dict[str, str], dict[str, str]]:
    return (sections((ROOT / "README.md").read_text(encoding="utf-8")),
            sections((ROOT / "README.zh-CN.md").read_text(encoding="utf-8")))


def test_the_chinese_readme_has_exactly_the_covered_sections(readmes: tuple[dict[str, str], dict[str, str]]) -> None:
    english, chinese = readmes
    assert list(chinese) == list(COVERED.values())
    order = [title for title in english if title in COVERED]
    assert order == list(COVERED)


@pytest.mark.parametrize("title", list(COVERED))
def test_each_covered_section_agrees(readmes: tuple[dict[str, str], dict[str, str]], title: str) -> None:
    english, chinese = readmes
    ours, theirs = shape(english[title]), shape(chinese[COVERED[title]])
    assert ours["headings"] == theirs["headings"]
    assert ours["code"] == theirs["code"], "a code block differs: change both READMEs"
    assert ours["tables"] == theirs["tables"], "a table differs: change both READMEs"


def test_the_quick_start_has_what_the_issue_asks(readmes: tuple[dict[str, str], dict[str, str]]) -> None:
    code = "\n".join(shape(readmes[1]["快速开始"])["code"])  # type: ignore[arg-type]
    assert "make serve" in code and "make test" in code and code.count("curl -s localhost:3002") == 2
    assert "Accept-Language: zh-CN" in code and "代码中缺少 return 语句" in code
    migration = shape(readmes[1]["从 Flow-CodeBlock 迁移"])
    assert len(migration["tables"]) == 3  # type: ignore[arg-type]


def test_the_comparison_sees_a_changed_code_block_or_table_cell(readmes: tuple[dict[str, str], dict[str, str]]) -> None:
    english = readmes[0]["Quick start"]
    assert shape(english.replace("make serve", "make run", 1))["code"] != shape(english)["code"]
    migration = readmes[0]["Migrating from Flow-CodeBlock"]
    changed = migration.replace("| 300000 | 5000 |", "| 300000 | 6000 |")
    assert changed != migration and shape(changed)["tables"] != shape(migration)["tables"]
