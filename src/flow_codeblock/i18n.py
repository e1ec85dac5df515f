"""The service's own messages in the reader's language: gettext catalogs read with Babel.

Every message the service writes itself is a `Message`: an English template (the gettext
msgid, with `%(name)s` placeholders) and its parameters, made with `msg(...)`. It renders in
English where it is made (`CodeBlockError.message`) and again in the reader's language at
the boundary that knows who reads it: the HTTP answer (Accept-Language, MESSAGES_LANGUAGE),
`codeblock run` and a `Sandbox` (messages_language).

    msg("the code is %(length)s characters long, ...", length=70000)   made once
    Message.render("zh-CN")                                             per reader

Catalogs: `locale/<ll_CC>/LC_MESSAGES/messages.po`, committed and read at first use (a few
milliseconds, once per process), so `make serve`, `make dist` and the wheel need no compile
step. English has no catalog: its msgids are the English text. `make messages` re-extracts
the msgids (the `msg` and `N_` markers) into the catalogs; tests/unit/test_i18n_catalogs.py
fails on a msgid without its translation, an unused one, or placeholders that differ.

JavaScript's own error messages (V8's `Cannot read properties of null`) never pass through
here: only errors the service writes carry a Message, and the layer's messages that reach
Python as text are recognised by their templates (`recognise`), by error type.
"""

from __future__ import annotations

import functools
import io
import re
from collections.abc import Iterable
from dataclasses import dataclass
from importlib import resources
from typing import Final, Literal

from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from babel.numbers import format_decimal
from babel.support import NullTranslations, Translations

__all__ = ["DEFAULT_LANGUAGE", "LANGUAGES", "N_", "Language", "Message", "msg", "negotiate", "recognise"]

Language = Literal["en", "zh-CN"]
LANGUAGES: Final[tuple[Language, ...]] = ("en", "zh-CN")
DEFAULT_LANGUAGE: Final[Language] = "en"
DOMAIN: Final = "messages"
_LOCALES: Final[dict[Language, str]] = {"en": "en", "zh-CN": "zh_CN"}  # BCP 47 -> gettext / CLDR

def N_(template: str) -> str:  # gettext's name for "mark, do not translate yet"
    """Marks a template for extraction where it is declared apart from its use."""
    return template


@dataclass(frozen=True, slots=True)
class Message:
    """A message of the service: its English template and the values of its placeholders.
    Numbers are formatted per locale (babel.numbers); a Message value renders in the same
    language (a reason inside a refusal)."""

    template: str
    params: tuple[tuple[str, str | int | float | Message], ...] = ()

    def render(self, language: str = DEFAULT_LANGUAGE) -> str:
        text = _translations(_supported(language)).gettext(self.template)
        if not self.params:
            return text
        return text % {name: _format(value, language) for name, value in self.params}

    def __str__(self) -> str:
        return self.render()


def msg(template: str, /, **params: str | int | float | Message) -> Message:
    """A message to render later in its reader's language (the extraction keyword)."""
    return Message(template, tuple(params.items()))


def _format(value: str | int | float | Message, language: str) -> str:
    if isinstance(value, Message):
        return value.render(language)
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        return str(value)
    return format_decimal(value, locale=_LOCALES[_supported(language)])


def _supported(language: str) -> Language:
    return next((known for known in LANGUAGES if known == language), DEFAULT_LANGUAGE)


@functools.cache
def _translations(language: Language) -> NullTranslations:
    """The catalog of `language`, compiled in memory from its committed .po."""
    if language == DEFAULT_LANGUAGE:
        return NullTranslations()
    po = resources.files("flow_codeblock") / "locale" / _LOCALES[language] / "LC_MESSAGES" / f"{DOMAIN}.po"
    with po.open("rb") as fh:
        catalog = read_po(fh, locale=_LOCALES[language], domain=DOMAIN)
    compiled = io.BytesIO()
    write_mo(compiled, catalog)  # fuzzy entries are left out, as msgfmt does
    compiled.seek(0)
    return Translations(compiled, domain=DOMAIN)


# -- choosing the language ----------------------------------------------------------------

_RANGE = re.compile(r"^\s*([A-Za-z]{1,8}(?:-[A-Za-z0-9]{1,8})*|\*)\s*(?:;\s*q\s*=\s*([0-9.]+)\s*)?$")


def negotiate(accept_language: str | None, default: Language = DEFAULT_LANGUAGE) -> Language:
    """The language to answer in: the client's most preferred one that is supported
    (RFC 9110's Accept-Language, q-values honoured, q=0 meaning "not this"), else `default`
    (MESSAGES_LANGUAGE). Any `zh` range prefers Chinese: Simplified is the one we have."""
    for tag in _ranges(accept_language or ""):
        primary = tag.split("-", 1)[0]
        if primary == "zh":
            return "zh-CN"
        if primary == "en":
            return "en"
        if tag == "*":
            return default
    return default


def _ranges(header: str) -> Iterable[str]:
    """The header's language ranges, most preferred first (stable among equal q)."""
    weighted = []
    for position, part in enumerate(header.split(",")[:32]):  # a header is no place for a list of hundreds
        match = _RANGE.match(part)
        if match is None:
            continue
        try:
            quality = float(match.group(2)) if match.group(2) is not None else 1.0
        except ValueError:
            continue
        if 0 < quality <= 1:
            weighted.append((-quality, position, match.group(1).lower()))
    return [tag for _, _, tag in sorted(weighted)]


# -- the JS layer's messages ----------------------------------------------------------------

# Messages the JS layer writes (js/lib/...) and hands to Python as text, by the error code
# or type they come with. Only these are recognised, so a message V8 wrote (a TypeError's,
# a RangeError's) is never rewritten. More specific templates first.
FROM_JS: Final[dict[str, tuple[str, ...]]] = {
    "SecurityError": (
        N_("eval() and new Function() are disabled in code blocks: code generation from strings is not allowed"),
        N_('Module "%(name)s" is not available in code blocks: it would give access to the host (files, '
           "processes, network sockets or the runtime itself)."),
        N_("process.%(name)s() is not available in code blocks: it would reach the host"),
        N_("Request to %(url)s refused: %(reason)s"),
    ),
    # process.exit() ends the execution as a RuntimeError with this code (js/lib/internal/errors.js).
    "ERR_PROCESS_EXIT": (
        N_("process.exit(%(code)s) was called: a code block ends by returning its result"),
    ),
    "MemoryLimitError": (
        N_("Array buffer memory limit exceeded: allocating %(requested)s bytes would pass the limit of %(limit)s "
           "bytes per execution"),
    ),
    "ResultTooLargeError": (
        N_("The result is at least %(size)s bytes of JSON, over the limit of %(limit)s bytes"),
        N_("The result is %(size)s bytes of JSON, over the limit of %(limit)s bytes"),
        N_("The result is nested more than %(depth)s levels deep: JSON parsers refuse deeper documents (orjson, "
           "Python's json, many JSON libraries of other languages)"),
    ),
    # A TypeError's message is V8's or the code's, except these two of the layer's: fetch's
    # failure at one of the service's limits (js/lib/fetch.js; its `cause` is outbound.py's
    # text, and only those are recognised) and the result check's prefix
    # (js/lib/internal/result.js; `detail` is V8's message and stays as V8 wrote it).
    "TypeError": (
        N_("fetch failed: %(cause)s"),
        N_("The returned value cannot be serialised to JSON: %(detail)s"),
    ),
    # Why fetch failed at a limit of the service (outbound.py): the `cause` above.
    "fetch": (
        N_("the response body is larger than %(limit)s bytes (FETCH_MAX_RESPONSE_BYTES)"),
        N_("the response body is larger than %(limit)s bytes (MAX_STREAMING_SIZE_MB)"),
        N_("this execution already has %(limit)s response bodies open (FETCH_MAX_OPEN_BODIES): read or cancel one "
           "first"),
        N_("this execution's responses would hold more than %(limit)s bytes in the host at once "
           "(FETCH_MAX_INFLIGHT_BYTES)"),
        N_("this execution already made %(limit)s requests (FETCH_MAX_REQUESTS_PER_EXECUTION)"),
        N_("no response within %(limit)s ms (FETCH_TIMEOUT_MS)"),
        N_("the server did not answer in time (FETCH_TIMEOUT_MS)"),
        N_("the response body did not arrive in time (FETCH_TIMEOUT_MS)"),
    ),
    # Why fetch refused an address (netpolicy.py, outbound.py): the `reason` of a refusal.
    "refusal": (
        N_("%(host)s is on the deny list (FETCH_DENY_HOSTS)"),
        N_("%(host)s resolves to %(address)s, which is on the deny list (FETCH_DENY_HOSTS)"),
        N_("%(host)s resolves to %(address)s, %(reason)s; code blocks may only reach public addresses"),
        N_("%(host)s, %(reason)s; code blocks may only reach public addresses"),
        N_("it embeds %(address)s, %(reason)s"),
        N_("the scheme %(scheme)s is not allowed (only http and https)"),
        N_("unix sockets are not reachable from code blocks"),
        N_("a cloud metadata address"),
        N_("a loopback address"),
        N_("a link-local address (cloud metadata lives there)"),
        N_("a multicast address"),
        N_("an unspecified address"),
        N_("a shared (carrier-grade NAT) address"),
        N_("a reserved address"),
        N_("a private address"),
    ),
}
# The placeholders whose text is itself one of a family's messages. A `cause` must be one
# (a TypeError reading "fetch failed: ..." that fetch did not write stays as written).
_NESTED: Final = {"reason": "refusal", "cause": "fetch"}
_NESTED_REQUIRED: Final = frozenset({"cause"})

_PLACEHOLDER = re.compile(r"%\((\w+)\)s")


@functools.cache
def _pattern(template: str) -> re.Pattern[str]:
    parts = _PLACEHOLDER.split(template)  # text, name, text, name, ..., text
    regex = "".join(re.escape(part) if i % 2 == 0 else f"(?P<{part}>.*?)" for i, part in enumerate(parts))
    return re.compile(f"^{regex}$", re.DOTALL)


def recognise(kind: str, text: str) -> Message | None:
    """The Message a JS-layer error of `kind` (its code, or else its type) was written
    from, or None (V8's own, a user's, or a template not listed in FROM_JS)."""
    for template in FROM_JS.get(kind, ()):
        match = _pattern(template).match(text)
        if match is None:
            continue
        params = {name: _param(name, value) for name, value in match.groupdict().items()}
        if all(isinstance(params[name], Message) for name in _NESTED_REQUIRED & params.keys()):
            return msg(template, **params)
    return None


# The placeholders that hold quantities, formatted per locale when rendered (an exit code
# or a module's name made of digits is not one: process.exit(1000) stays as written).
_QUANTITIES: Final = frozenset({"size", "limit", "requested", "depth"})


def _param(name: str, text: str) -> str | int | Message:
    if name in _QUANTITIES and text.isdigit():
        return int(text)
    family = _NESTED.get(name)
    return (recognise(family, text) if family else None) or text
