"""The host bridge: every message between the host (runtime.py) and the JS layer
(js/lib/internal/execution.js), encoded and decoded here and, for the JS side, in
js/lib/internal/bridge.js. Both read one table, bridge_constants.json (tags, field
orders, the script name, the line offset), so nothing is copied by hand.

Like Deno's `core.ops`, the bridge is a small set of named operations, each with
one declared shape. Fields are joined by NUL; the last field takes the rest of the
message (JSON text never holds a raw NUL, so the input and the answers may end it).

Calls, host -> JS, passed as `this` to `__flow.dispatch` (engine.py Isolate.call):
    run    run\\0token\\0ack\\0id\\0claimLength\\0nonce\\0entropy\\0heapUsed\\0heapTotal\\0inputJson
           -> RunReply: a Payload (it finished synchronously), PENDING, or ESCAPED
    take   take\\0token\\0ack\\0answersJson        -> TakeReply: PENDING, HostCalls or Settled
    reset  reset\\0token\\0ack                     -> Report
    finish finish\\0token\\0ack                    -> FinishReply: a Report, or what take replies
  finish is posted right behind run, so V8's thread runs it after run's microtask
  checkpoint without waiting for the host: after a synchronous execution it is the
  reset, after an asynchronous one a take without answers.
  `ack` is 1 when the host read the doorbell since its last call (engine.py notify_ack).
  `answersJson` is '' or [[callId, answer], ...] for finished host calls.

Replies, JS -> host:
    Payload    <tag><logs JSON>\\n<body>: tag R, body is the result's JSON text; tag E, the
               error record (js/lib/internal/result.js describeError); tag D, the same,
               and the code block was not defined. The logs JSON never holds a raw newline.
    PENDING    '' (the execution goes on; the doorbell rings when there is news)
    ESCAPED    'X' (code of the block ran outside its function: retire the runtime)
    HostCalls  'H' + [{"id": n, "op": name, "args": {...}}, ...] (op "cancel" has no args)
    Settled    'S<length>:<report><payload>': the execution settled and take reset the
               runtime; <length> counts the report's UTF-16 code units (JS string length)
    Report     'clean:<repairs>' or 'dirty:<reason>'

Globals (bridge_constants.json "globals"): the host object `__flow` (dispatch, sink,
defineModule, configure), the bootstrap's `__flowInit(token, optionsJson)`, and the
doorbell `__flowNotify()` that engine.py installs and JS rings; init deletes the last two.

Set-up scripts (evaluated, not dispatched): `init_script` (bootstrap), `sink_script`
(hands a function to JS: a code block's or a module's factory) and
`define_module_script`.
"""

from __future__ import annotations

import enum
import json
import re
from dataclasses import dataclass, fields
from importlib import resources
from typing import Any, Final

import orjson

__all__ = [
    "DISPATCH", "ESCAPED", "HOST_OBJECT", "HOST_OPS", "INIT_FUNCTION", "LINE_OFFSET", "NOTIFY_FUNCTION", "PENDING",
    "SCRIPT_NAME",
    "BridgeError", "Call", "Escaped", "FinishCall", "FinishReply", "HostCalls", "Payload", "PayloadTag", "Pending",
    "Report", "ResetCall", "RunCall", "RunReply", "Settled", "TakeCall", "TakeReply",
    "decode_answers", "decode_call", "decode_finish_reply", "decode_payload", "decode_report", "decode_run_reply",
    "decode_take_reply", "define_module_script", "encode_answer", "encode_answers", "encode_finish",
    "encode_finish_reply", "encode_payload", "encode_report", "encode_reset", "encode_run", "encode_run_reply",
    "encode_take", "encode_take_reply", "init_script", "js_string", "sink_script",
]

_TABLE: Final[dict[str, Any]] = json.loads(
    resources.files(__package__).joinpath("bridge_constants.json").read_text(encoding="utf-8")
)
SCRIPT_NAME: Final[str] = _TABLE["scriptName"]  # the file name user frames carry
LINE_OFFSET: Final[int] = _TABLE["lineOffset"]  # wrapper lines before the user's line 1
# The globals the bridge lives in: the host object (js/lib/internal/execution.js), the
# bootstrap's init function (js/bootstrap.js), the doorbell (engine.py, rung by JS).
HOST_OBJECT: Final[str] = _TABLE["globals"]["host"]
INIT_FUNCTION: Final[str] = _TABLE["globals"]["init"]
NOTIFY_FUNCTION: Final[str] = _TABLE["globals"]["notify"]
DISPATCH: Final = f"{HOST_OBJECT}.dispatch"
# The host operations JS may ask for (js/lib/internal/host.js hostCall), by role:
# fetch, fetchRead and fetchClose (outbound.OutboundSession, js/lib/fetch.js).
HOST_OPS: Final[dict[str, str]] = dict(_TABLE["hostOps"])
_SEP: Final[str] = _TABLE["separator"]
_TAGS: Final[dict[str, str]] = _TABLE["tags"]
_CLEAN: Final[str] = _TABLE["reports"]["clean"]
_DIRTY: Final[str] = _TABLE["reports"]["dirty"]
_INTEGER: Final = re.compile(r"-?[0-9]+")


class BridgeError(ValueError):
    """A message that does not have its declared shape: a bug on one side of the bridge."""


# -- calls (host -> JS) -------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class RunCall:
    token: str
    ack: int
    id: int  # the code block's id in this runtime
    claim_length: int  # > 0: define the function in the sink first (its source length)
    nonce: str  # the definition's marker, '-' when nothing is defined
    entropy: str  # hex, keys the JS CSPRNG
    heap_used: int
    heap_total: int
    modules: str  # with claim_length > 0: the lazy modules the block names, comma-separated (modules.js)
    input_json: str


@dataclass(frozen=True, slots=True)
class TakeCall:
    token: str
    ack: int
    answers_json: str = ""


@dataclass(frozen=True, slots=True)
class ResetCall:
    token: str
    ack: int


@dataclass(frozen=True, slots=True)
class FinishCall:
    token: str
    ack: int


Call = RunCall | TakeCall | ResetCall | FinishCall
_CALLS: Final[dict[str, type[RunCall] | type[TakeCall] | type[ResetCall] | type[FinishCall]]] = {
    "run": RunCall, "take": TakeCall, "reset": ResetCall, "finish": FinishCall,
}


def _snake(name: str) -> str:
    return re.sub(r"(?<!^)(?=[A-Z])", "_", name).lower()


def _declared(op: str) -> tuple[tuple[str, str], ...]:
    """(field, kind) pairs of `op` in wire order, checked against its dataclass."""
    declared = tuple((_snake(name), kind) for name, kind in _TABLE["calls"][op])
    if tuple(name for name, _ in declared) != tuple(f.name for f in fields(_CALLS[op])):
        raise RuntimeError(f"bridge_constants.json and bridge.py disagree on the fields of {op}")
    return declared


_FIELDS: Final = {op: _declared(op) for op in _CALLS}


def _encode(op: str, call: Call) -> str:
    parts = [op]
    declared = _FIELDS[op]
    for index, (name, kind) in enumerate(declared):
        value = getattr(call, name)
        text = str(int(value)) if kind == "int" else str(value)
        if _SEP in text and index < len(declared) - 1:
            raise BridgeError(f"{op}: field {name} holds the separator (NUL)")
        parts.append(text)
    return _SEP.join(parts)


def encode_run(call: RunCall) -> str:
    return _encode("run", call)


def encode_take(call: TakeCall) -> str:
    return _encode("take", call)


def encode_reset(call: ResetCall) -> str:
    return _encode("reset", call)


def encode_finish(call: FinishCall) -> str:
    return _encode("finish", call)


def decode_call(message: str) -> Call:
    """The call `message` carries (what js/lib/internal/bridge.js decodeCall reads)."""
    op, _, rest = message.partition(_SEP)
    kind = _CALLS.get(op)
    if kind is None:
        raise BridgeError(f"unknown bridge call {op[:20]!r}")
    declared = _FIELDS[op]
    values = rest.split(_SEP, len(declared) - 1) if _ else []
    if len(values) != len(declared):
        raise BridgeError(f"{op}: {len(values)} of its {len(declared)} fields")
    parsed: dict[str, Any] = {}
    for (name, field_kind), text in zip(declared, values, strict=True):
        if field_kind == "int":
            if _INTEGER.fullmatch(text) is None:
                raise BridgeError(f"{op}: field {name} is not an integer: {text[:20]!r}")
            parsed[name] = int(text)
        else:
            parsed[name] = text
    return kind(**parsed)


def encode_answer(call_id: int, answer: dict[str, Any]) -> bytes:
    """One host call's answer, for `encode_answers`."""
    return orjson.dumps([call_id, answer])


def encode_answers(answers: list[bytes]) -> str:
    """The answers field of a take call: '' or the JSON array of `encode_answer`s."""
    return (b"[" + b",".join(answers) + b"]").decode() if answers else ""


def decode_answers(text: str) -> list[tuple[int, dict[str, Any]]]:
    if not text:
        return []
    items = _json(text, "answers")
    if not isinstance(items, list) or not all(
        isinstance(i, list) and len(i) == 2 and isinstance(i[0], int) and isinstance(i[1], dict) for i in items
    ):
        raise BridgeError("answers: not a list of [id, answer] pairs")
    return [(i[0], i[1]) for i in items]


# -- replies (JS -> host) -----------------------------------------------------------------


class PayloadTag(enum.StrEnum):
    RESULT = _TAGS["result"]
    ERROR = _TAGS["error"]
    UNDEFINED_BLOCK = _TAGS["undefinedBlock"]  # an error, and the code block was not defined


@dataclass(frozen=True, slots=True)
class Payload:
    """How an execution ended: its result JSON text or error record, and its logs."""

    tag: PayloadTag
    logs: list[dict[str, str]]
    body: str

    def error_record(self) -> dict[str, Any]:
        record = _json(self.body, "error record")
        if not isinstance(record, dict):
            raise BridgeError("error record: not a JSON object")
        return record


@dataclass(frozen=True, slots=True)
class Pending:
    """The execution goes on (run or take had nothing to report)."""


@dataclass(frozen=True, slots=True)
class Escaped:
    """Code of the block ran outside its function (js/lib/internal/execution.js claim)."""


@dataclass(frozen=True, slots=True)
class HostCalls:
    calls: list[dict[str, Any]]  # {"id": n, "op": name, "args": {...}}


@dataclass(frozen=True, slots=True)
class Report:
    """What a reset found: clean (with the repairs it made) or dirty (with why)."""

    clean: bool
    detail: str


@dataclass(frozen=True, slots=True)
class Settled:
    """The execution's payload, and the report of the reset take did after it."""

    report: Report
    payload: Payload


PENDING: Final = Pending()
ESCAPED: Final = Escaped()
RunReply = Payload | Pending | Escaped
TakeReply = Pending | HostCalls | Settled
FinishReply = Report | TakeReply


def _json(text: str, what: str) -> Any:
    try:
        return orjson.loads(text)
    except orjson.JSONDecodeError as error:
        # V8's JSON.stringify writes a lone surrogate of a JS string as an escape (`\ud800`),
        # which orjson refuses: any code block can log or throw one. Such a string becomes
        # U+FFFD, as Node writes it to stdout (and Python cannot encode it as UTF-8 anyway).
        try:
            return _without_lone_surrogates(json.loads(text))
        except ValueError:
            raise BridgeError(f"{what}: not JSON ({error})") from None


def _without_lone_surrogates(value: Any) -> Any:
    if isinstance(value, str):
        return value.encode("utf-16-le", "surrogatepass").decode("utf-16-le", "replace")
    if isinstance(value, list):
        return [_without_lone_surrogates(item) for item in value]
    if isinstance(value, dict):
        return {_without_lone_surrogates(key): _without_lone_surrogates(item) for key, item in value.items()}
    return value


def encode_payload(payload: Payload) -> str:
    logs = orjson.dumps(payload.logs).decode()
    return f"{payload.tag.value}{logs}\n{payload.body}"


def decode_payload(text: str) -> Payload:
    try:
        tag = PayloadTag(text[:1])
    except ValueError:
        raise BridgeError(f"payload: unknown tag {text[:1]!r}") from None
    newline = text.find("\n")
    if newline < 0:
        raise BridgeError("payload: no newline after the logs")
    logs = _json(text[1:newline], "payload logs")
    if not isinstance(logs, list) or not all(isinstance(entry, dict) for entry in logs):
        raise BridgeError("payload logs: not a list of entries")
    return Payload(tag, logs, text[newline + 1 :])


def encode_report(report: Report) -> str:
    return (_CLEAN if report.clean else _DIRTY) + report.detail


def decode_report(text: str) -> Report:
    if text.startswith(_CLEAN):
        return Report(True, text[len(_CLEAN) :])
    if text.startswith(_DIRTY):
        return Report(False, text[len(_DIRTY) :])
    raise BridgeError(f"reset report: neither {_CLEAN!r} nor {_DIRTY!r}: {text[:20]!r}")


def encode_run_reply(reply: RunReply) -> str:
    if isinstance(reply, Pending):
        return ""
    if isinstance(reply, Escaped):
        return _TAGS["escaped"]
    return encode_payload(reply)


def decode_run_reply(text: str) -> RunReply:
    if not text:
        return PENDING
    if text == _TAGS["escaped"]:
        return ESCAPED
    return decode_payload(text)


def encode_take_reply(reply: TakeReply) -> str:
    if isinstance(reply, Pending):
        return ""
    if isinstance(reply, HostCalls):
        return _TAGS["hostCalls"] + orjson.dumps(reply.calls).decode()
    report = encode_report(reply.report)
    return f"{_TAGS['settled']}{_utf16_length(report)}:{report}{encode_payload(reply.payload)}"


def decode_take_reply(text: str) -> TakeReply:
    if not text:
        return PENDING
    tag = text[0]
    if tag == _TAGS["hostCalls"]:
        calls = _json(text[1:], "host calls")
        if not isinstance(calls, list) or not all(
            isinstance(c, dict) and isinstance(c.get("id"), int) and isinstance(c.get("op"), str) for c in calls
        ):
            raise BridgeError("host calls: not a list of {id, op, args}")
        return HostCalls(calls)
    if tag != _TAGS["settled"]:
        raise BridgeError(f"take reply: unknown tag {tag!r}")
    colon = text.find(":", 1)
    if colon < 0 or not text[1:colon].isdigit():
        raise BridgeError("settled reply: no <length>: before the report")
    end = _utf16_end(text, colon + 1, int(text[1:colon]))
    return Settled(decode_report(text[colon + 1 : end]), decode_payload(text[end:]))


def _utf16_length(text: str) -> int:
    """The length JavaScript gives `text` (characters past U+FFFF count twice)."""
    return len(text) + sum(1 for c in text if ord(c) > 0xFFFF)


def _utf16_end(text: str, start: int, units: int) -> int:
    """The index in `text` that lies `units` UTF-16 code units after `start`."""
    end = start + units
    if _utf16_length(text[start:end]) == units:  # the usual case: no character past U+FFFF
        return end
    index, counted = start, 0
    while counted < units and index < len(text):
        counted += 2 if ord(text[index]) > 0xFFFF else 1
        index += 1
    if counted != units:
        raise BridgeError("settled reply: the report is shorter than its length")
    return index


# -- set-up scripts -----------------------------------------------------------------------


def js_string(text: str) -> str:
    """`text` as a JavaScript string literal (JSON is a subset of JS since ES2019)."""
    return orjson.dumps(text).decode()


def init_script(token: str, options_json: str) -> str:
    """Initialises a freshly evaluated bootstrap bundle (js/bootstrap.js init)."""
    return f"{INIT_FUNCTION}({js_string(token)}, {js_string(options_json)})"


def sink_script(function_source: str, source_url: str) -> str:
    """Hands the function `function_source` evaluates to over to JS (`__flow.sink`),
    for the next run (a code block) or define_module_script (a module factory)."""
    return f"{HOST_OBJECT}.sink = {function_source};\n//# sourceURL={source_url}"


def define_module_script(token: str, name: str, *, per_execution: bool) -> str:
    """Installs the module factory in the sink as npm module `name`."""
    return f"{HOST_OBJECT}.defineModule({js_string(token)}, {js_string(name)}, {int(per_execution)})"


def encode_finish_reply(reply: FinishReply) -> str:
    return encode_report(reply) if isinstance(reply, Report) else encode_take_reply(reply)


def decode_finish_reply(text: str) -> FinishReply:
    """A report (the execution was synchronous: finish reset the runtime), else a take
    reply. The two cannot be confused: a report starts with a letter no take tag is."""
    if text.startswith((_CLEAN, _DIRTY)):
        return decode_report(text)
    return decode_take_reply(text)
