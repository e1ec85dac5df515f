"""The JavaScript bundles built by `make` (js/build.mjs): the bootstrap and the npm
module bundles with their manifest. Read once per process."""

from __future__ import annotations

import dataclasses
import functools
from dataclasses import dataclass
from importlib import resources
from importlib.resources.abc import Traversable

import orjson

__all__ = ["ModuleCatalog", "load_bootstrap", "module_catalog"]


def _dist() -> Traversable:
    return resources.files("flow_codeblock") / "js_dist"


def _read(path: Traversable) -> str:
    try:
        return path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise RuntimeError(
            "the JavaScript bundles are missing: run `make build` (or `make serve` / `make test`)"
        ) from None


@functools.cache
def load_bootstrap() -> str:
    return _read(_dist() / "bootstrap.js")


@dataclass(frozen=True, slots=True)
class ModuleCatalog:
    """npm modules a code block may require, and alias prefixes (`lodash/` -> lodash)."""

    files: dict[str, str]
    aliases: dict[str, dict[str, str]]  # prefix -> {"base": module, "kind": "member" | "namespace"}
    requires: dict[str, list[str]]  # module -> modules it shares and needs installed first
    globals: dict[str, str]  # global name -> module whose installation defines it
    # property name -> module that provides it on an eager global (crypto.subtle)
    properties: dict[str, str] = dataclasses.field(default_factory=dict)
    # module -> {other module: property names}: installed for a code block that uses the
    # other module and names one of them (stream with crypto's Hash.on)
    companions: dict[str, dict[str, frozenset[str]]] = dataclasses.field(default_factory=dict)
    per_execution: frozenset[str] = frozenset()  # modules instantiated afresh in every execution

    @property
    def names(self) -> list[str]:
        return sorted(self.files)

    @property
    def requirable(self) -> list[str]:
        """The names a code block may require of these (not the internal ones)."""
        return [name for name in self.names if not name.startswith("internal:")]

    def resolve(self, specifier: str) -> str | None:
        """The installable module behind `specifier`, or None (built-in or unknown)."""
        name = specifier.removeprefix("node:")
        if name in self.files:
            return name
        for prefix, alias in self.aliases.items():
            if name.startswith(prefix) and len(name) > len(prefix):
                return alias["base"]
        return None

    def install_order(self, names: tuple[str, ...]) -> tuple[str, ...]:
        """`names` with what they require, each after its requirements.

        Modules that define globals (url, the web streams, fetch) go first, in the
        manifest's order: the global object's keys then come in the same order however
        the code names them, so what one execution installed does not reorder them."""
        order: list[str] = []
        defining = list(dict.fromkeys(self.globals.values()))

        def closure(name: str) -> set[str]:
            found = {name}
            for dependency in self.requires.get(name, []):
                found |= closure(dependency)
            return found

        def visit(name: str) -> None:
            if name in order:
                return
            for dependency in self.requires.get(name, []):
                visit(dependency)
            order.append(name)

        needed = set[str]().union(*(closure(name) for name in names))
        for name in defining:
            if name in needed:
                visit(name)
        for name in names:
            visit(name)
        return tuple(order)

    def companions_of(self, modules: list[str], properties: frozenset[str]) -> list[str]:
        """The modules to install with `modules` for code that names `properties`."""
        return [name for name, with_ in self.companions.items()
                if any(other in modules and names & properties for other, names in with_.items())]

    def is_per_execution(self, name: str) -> bool:
        return name in self.per_execution

    def source(self, name: str) -> str:
        return _module_source(self.files[name])


@functools.cache
def _module_source(file: str) -> str:
    return _read(_dist() / file)


@functools.cache
def module_catalog() -> ModuleCatalog:
    manifest = orjson.loads(_read(_dist() / "modules.json"))
    return ModuleCatalog(
        files={name: entry["file"] for name, entry in manifest["modules"].items()},
        aliases=dict(manifest["aliases"]),
        requires={name: list(entry.get("requires", [])) for name, entry in manifest["modules"].items()},
        globals=dict(manifest.get("globals", {})),
        properties=dict(manifest.get("properties", {})),
        companions={name: {other: frozenset(props) for other, props in with_.items()}
                    for name, with_ in manifest.get("companions", {}).items()},
        per_execution=frozenset(name for name, entry in manifest["modules"].items() if entry.get("perExecution")),
    )
