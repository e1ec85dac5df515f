"""The service's message catalogs against the code (i18n.py): every msgid the code marks
(msg(), N_()) has a translation in each catalog, no catalog keeps one the code no longer
uses, and the placeholders agree, so a rendered message never raises or loses a value."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from babel.messages.catalog import Catalog
from babel.messages.extract import extract_from_dir
from babel.messages.pofile import read_po

from flow_codeblock import i18n

SRC = Path(i18n.__file__).parent
CATALOGS = sorted((SRC / "locale").glob("*/LC_MESSAGES/messages.po"))
PLACEHOLDER = re.compile(r"%\((\w+)\)s")


def marked() -> set[str]:
    """The msgids the code marks, extracted as `make messages` does."""
    found = extract_from_dir(str(SRC), method_map=[("**.py", "python")], keywords={"msg": None, "N_": None})
    return {message for _, _, message, _, _ in found if isinstance(message, str)}


def load(path: Path) -> Catalog:
    with path.open("rb") as fh:
        return read_po(fh)


def test_every_supported_language_but_english_has_a_catalog() -> None:
    names = {path.parent.parent.name for path in CATALOGS}
    assert names == {"zh_CN"}
    assert set(i18n.LANGUAGES) == {"en", "zh-CN"}


def test_the_code_marks_its_messages() -> None:
    ids = marked()
    # One of each family, so an extraction that finds nothing cannot pass the tests below.
    for expected in ("the code is empty", "Execution timed out after %(ms)s ms", "the API token is not valid",
                     "rate limit exceeded for %(subject)s; retry later", "a loopback address"):
        assert expected in ids
    assert len(ids) > 40


@pytest.mark.parametrize("path", CATALOGS, ids=lambda p: p.parent.parent.name)
def test_no_msgid_is_missing_or_unused(path: Path) -> None:
    catalog = {m.id for m in load(path) if m.id}
    ids = marked()
    assert sorted(ids - catalog) == [], "missing: run `make messages` and translate them"
    assert sorted(catalog - ids) == [], "unused: the code no longer writes them"


@pytest.mark.parametrize("path", CATALOGS, ids=lambda p: p.parent.parent.name)
def test_every_entry_is_translated_with_the_same_placeholders(path: Path) -> None:
    for message in load(path):
        if not message.id:
            continue
        assert isinstance(message.string, str) and message.string.strip(), message.id
        assert not message.fuzzy, message.id  # fuzzy entries are left out of the compiled catalog
        assert message.string != message.id, message.id
        assert sorted(PLACEHOLDER.findall(message.string)) == sorted(PLACEHOLDER.findall(message.id)), message.id
        # No other % directive: rendering is `text % params`, which would raise on it.
        assert "%" not in PLACEHOLDER.sub("", message.string), message.id


@pytest.mark.parametrize("path", CATALOGS, ids=lambda p: p.parent.parent.name)
def test_every_entry_renders(path: Path) -> None:
    language = path.parent.parent.name.replace("_", "-")
    for template in marked():
        params = {name: 1234 for name in PLACEHOLDER.findall(template)}
        text = i18n.msg(template, **params).render(language)
        assert "%(" not in text and (not params or "1,234" in text), (template, text)
        assert text != template, template  # really translated, not the msgid passed through


def test_the_js_layer_templates_are_marked_and_written_by_the_js() -> None:
    # Each FROM_JS template is written by the JS layer or netpolicy/outbound: its fixed
    # text (between placeholders) is in their sources, so a rewording there fails here.
    sources = "\n".join(p.read_text(encoding="utf-8") for p in (SRC.parent.parent / "js" / "lib").rglob("*.js"))
    sources += (SRC / "netpolicy.py").read_text(encoding="utf-8") + (SRC / "outbound.py").read_text(encoding="utf-8")
    ids = marked()
    for family in i18n.FROM_JS.values():
        for template in family:
            assert template in ids
            for fixed in PLACEHOLDER.split(template)[::2]:
                fixed = fixed.strip(" ,;:.\"'")
                if len(fixed) > 3:
                    words = fixed.split(" ")[:3]  # the JS splits long strings across lines: the opening words
                    assert " ".join(words) in sources, (template, fixed)
