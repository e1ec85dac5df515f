"""README's module table, package.json, the playground and the host's modules.json agree
with the module manifest (js/modules.manifest.mjs): a module listed in one and missing
from the other fails here."""

from __future__ import annotations

import json
import re
from typing import Any

from flow_codeblock.bundles import module_catalog

from module_manifest import ROOT, load_manifest, requirable, resolves

VERSION = re.compile(r"\d+\.\d+\.\d+")


def _package_json() -> dict[str, Any]:
    return dict(json.loads((ROOT / "package.json").read_text(encoding="utf-8")))


def _readme_rows() -> dict[str, str]:
    """README's module table: module name -> its first cell (name, version, notes)."""
    lines = (ROOT / "README.md").read_text(encoding="utf-8").splitlines()
    start = lines.index("| module | `require` names |")
    rows: dict[str, str] = {}
    for line in lines[start + 2:]:
        if not line.startswith("|"):
            break
        cell = line.split("|")[1].strip()
        rows[cell.split()[0]] = cell
    return rows


def test_readme_table_lists_exactly_the_manifest_readme_modules() -> None:
    expected = {entry["name"] for entry in load_manifest() if entry.get("readme")}
    assert len(expected) >= 10
    assert set(_readme_rows()) == expected


def test_readme_versions_are_the_pinned_ones() -> None:
    dependencies = _package_json()["dependencies"]
    rows = _readme_rows()
    for entry in load_manifest():
        if entry.get("readme") and "package" in entry:
            found = VERSION.search(rows[entry["name"]])
            assert found is not None and found.group() == dependencies[entry["package"]], rows[entry["name"]]


def test_runtime_dependencies_are_pinned_and_bundled() -> None:
    """Every npm package of the manifest is an exact-pinned "dependency"; the playground's
    and the tools' packages are not."""
    pkg = _package_json()
    dependencies = pkg["dependencies"]
    for entry in load_manifest():
        if "package" in entry:
            assert VERSION.fullmatch(dependencies[entry["package"]]), entry
    assert all(VERSION.fullmatch(v) for v in dependencies.values()), dependencies
    dev = pkg["devDependencies"]
    assert not any(name.startswith("@codemirror/") or name in ("codemirror", "esbuild") for name in dependencies)
    assert {"codemirror", "esbuild"} <= set(dev)


def test_host_catalog_is_the_manifest_lazy_modules() -> None:
    catalog = module_catalog()
    lazy = {entry["name"] for entry in load_manifest() if entry["load"] == "lazy"}
    assert lazy <= set(catalog.names)
    assert all(name in lazy or any(name.startswith(sub["prefix"]) for e in load_manifest()
                                   for sub in e.get("subpaths", [])) for name in catalog.names)
    per_execution = {entry["name"] for entry in load_manifest() if entry["state"] == "per-execution"}
    assert {name for name in catalog.names if "/" not in name and catalog.is_per_execution(name)} == per_execution


def test_playground_lists_exactly_the_manifest_modules() -> None:
    """The page's module list (js/build.mjs generates it into the bundle) is the manifest's."""
    app = (ROOT / "src" / "flow_codeblock" / "js_dist" / "playground" / "app.js").read_text(encoding="utf-8")
    found = re.search(r'\[\{name:"[^"]*",version:[^\]]*\]', app)
    assert found is not None
    listed = re.findall(r'name:"([^"]+)"', found.group())
    assert listed == requirable()


def test_playground_examples_require_manifest_modules() -> None:
    source = (ROOT / "js" / "playground" / "examples.js").read_text(encoding="utf-8")
    names = re.findall(r"require\('([^']+)'\)", source)
    assert len(names) >= 5
    assert [n for n in names if not resolves(n)] == []


def test_resolves_refuses_unknown_modules() -> None:
    assert resolves("lodash/get") and resolves("dayjs/plugin/utc") and resolves("node:buffer")
    assert not resolves("left-pad") and not resolves("lodash/") and not resolves("internal")



def test_stream_comes_with_crypto_for_code_that_names_a_stream_member() -> None:
    catalog = module_catalog()
    assert catalog.companions_of(["crypto"], frozenset({"on", "digest"})) == ["stream"]
    assert catalog.companions_of(["crypto"], frozenset({"asyncIterator"})) == ["stream"]
    assert catalog.companions_of(["crypto"], frozenset({"update", "digest"})) == []
    assert catalog.companions_of(["url"], frozenset({"on", "pipe"})) == []
    assert set(catalog.install_order(("crypto", *catalog.companions_of(["crypto"], frozenset({"pipe"}))))) == {
        "crypto", "stream/web", "stream"}
