"""bridge.py: every message kind survives a round trip, and a malformed message is
refused with an error that says what is wrong. The JS codec has the same tests in
tests/js/bridge.test.mjs; the last tests here check both sides read one table."""

from __future__ import annotations

import json
import re
from pathlib import Path

import orjson
import pytest

from flow_codeblock import bridge
from flow_codeblock.bridge import (
    ESCAPED,
    PENDING,
    BridgeError,
    FinishCall,
    HostCalls,
    Payload,
    PayloadTag,
    Report,
    ResetCall,
    RunCall,
    Settled,
    TakeCall,
)

ROOT = Path(__file__).resolve().parents[2]
TABLE = json.loads((ROOT / "src" / "flow_codeblock" / "bridge_constants.json").read_text(encoding="utf-8"))

RUN = RunCall(token="ab" * 16, ack=1, id=7, claim_length=123, nonce="cd" * 16, entropy="ef" * 32,
              heap_used=4_000_000, heap_total=8_000_000, modules="lodash,dayjs",
              input_json='{"text": "a\\u0000b", "emoji": "😀"}')


# -- calls ------------------------------------------------------------------------------


@pytest.mark.parametrize("call", [
    RUN,
    RunCall(token="t", ack=0, id=1, claim_length=0, nonce="-", entropy="00", heap_used=0, heap_total=0, modules="",
            input_json=""),
    TakeCall(token="t", ack=1, answers_json='[[1,{"status":200}]]'),
    TakeCall(token="t", ack=0),
    ResetCall(token="t", ack=1),
    FinishCall(token="t", ack=0),
], ids=["run", "run, defined before", "take with answers", "take without", "reset", "finish"])
def test_a_call_round_trips(call: RunCall | TakeCall | ResetCall | FinishCall) -> None:
    if isinstance(call, RunCall):
        text = bridge.encode_run(call)
    elif isinstance(call, TakeCall):
        text = bridge.encode_take(call)
    elif isinstance(call, FinishCall):
        text = bridge.encode_finish(call)
    else:
        text = bridge.encode_reset(call)
    assert bridge.decode_call(text) == call


def test_the_wire_format_is_the_documented_one() -> None:
    """The messages stay byte-identical to what execution.js has always parsed."""
    assert bridge.encode_reset(ResetCall(token="tok", ack=1)) == "reset\0tok\x001"
    assert bridge.encode_finish(FinishCall(token="tok", ack=0)) == "finish\0tok\x000"
    assert bridge.encode_take(TakeCall(token="tok", ack=0, answers_json="[]")) == "take\0tok\x000\0[]"
    assert bridge.encode_run(RUN) == "\0".join([
        "run", RUN.token, "1", "7", "123", RUN.nonce, RUN.entropy, "4000000", "8000000", "lodash,dayjs", RUN.input_json,
    ])


def test_the_last_field_takes_the_rest_of_the_message() -> None:
    text = bridge.encode_take(TakeCall(token="t", ack=0, answers_json="a\0b\0c"))
    decoded = bridge.decode_call(text)
    assert isinstance(decoded, TakeCall) and decoded.answers_json == "a\0b\0c"


@pytest.mark.parametrize(("message", "complaint"), [
    ("", "unknown bridge call ''"),
    ("walk\0t\x001", "unknown bridge call 'walk'"),
    ("reset", "reset: 0 of its 2 fields"),
    ("reset\0t", "reset: 1 of its 2 fields"),
    ("finish\0t", "finish: 1 of its 2 fields"),
    ("run\0t\x001\x002", "run: 3 of its 10 fields"),
    ("reset\0t\0yes", "reset: field ack is not an integer: 'yes'"),
    ("reset\0t\0", "reset: field ack is not an integer: ''"),
    ("take\0t\x001.5\0[]", "take: field ack is not an integer: '1.5'"),
    ("run\0t\x001\0x\x000\0n\0e\x000\x000\0\0{}", "run: field id is not an integer: 'x'"),
])
def test_a_malformed_call_is_refused_with_its_fault(message: str, complaint: str) -> None:
    with pytest.raises(BridgeError, match=re.escape(complaint)):
        bridge.decode_call(message)


def test_a_field_holding_the_separator_is_refused_before_it_is_sent() -> None:
    with pytest.raises(BridgeError, match="field nonce holds the separator"):
        bridge.encode_run(RunCall(token="t", ack=0, id=1, claim_length=0, nonce="a\0b", entropy="00",
                                  heap_used=0, heap_total=0, modules="", input_json="{}"))


def test_answers_round_trip() -> None:
    answers = [bridge.encode_answer(3, {"status": 200, "body": "é\n"}), bridge.encode_answer(4, {"error": {}})]
    assert bridge.decode_answers(bridge.encode_answers(answers)) == [(3, {"status": 200, "body": "é\n"}),
                                                                    (4, {"error": {}})]
    assert bridge.encode_answers([]) == "" and bridge.decode_answers("") == []


@pytest.mark.parametrize("text", ["[1, 2]", "[[1]]", '[["1", {}]]', "{", '{"id": 1}'])
def test_malformed_answers_are_refused(text: str) -> None:
    with pytest.raises(BridgeError, match="answers"):
        bridge.decode_answers(text)


# -- replies ----------------------------------------------------------------------------

LOGS = [{"level": "log", "message": "one\ntwo"}, {"level": "error", "message": "ü 😀"}]
PAYLOADS = [
    Payload(PayloadTag.RESULT, LOGS, '{"a":[1,2,"\\n"]}'),
    Payload(PayloadTag.RESULT, [], "null"),
    Payload(PayloadTag.ERROR, [], '{"type":"TypeError","message":"x\\ny"}'),
    Payload(PayloadTag.UNDEFINED_BLOCK, LOGS, '{"type":"RuntimeError","message":"no"}'),
]


@pytest.mark.parametrize("payload", PAYLOADS, ids=["result with logs", "null", "error", "undefined block"])
def test_a_payload_round_trips(payload: Payload) -> None:
    assert bridge.decode_payload(bridge.encode_payload(payload)) == payload
    assert bridge.decode_run_reply(bridge.encode_run_reply(payload)) == payload


def test_a_payload_keeps_the_result_text_untouched() -> None:
    body = '{"b":1,  "a":"\\u00e9"}\n\n'  # not what orjson would write: passed on as is
    assert bridge.decode_payload(f"R[]\n{body}").body == body


def test_the_error_record_of_a_payload() -> None:
    assert PAYLOADS[2].error_record() == {"type": "TypeError", "message": "x\ny"}
    with pytest.raises(BridgeError, match="error record: not JSON"):
        Payload(PayloadTag.ERROR, [], "{oops").error_record()
    with pytest.raises(BridgeError, match="error record: not a JSON object"):
        Payload(PayloadTag.ERROR, [], "[1]").error_record()


@pytest.mark.parametrize(("text", "complaint"), [
    ("", "payload: unknown tag ''"),
    ("Q[]\n1", "payload: unknown tag 'Q'"),
    ("r[]\n1", "payload: unknown tag 'r'"),
    ("R[]", "payload: no newline after the logs"),
    ("R[oops\n1", "payload logs: not JSON"),
    ('R{"level":"log"}\n1', "payload logs: not a list of entries"),
    ("R[1]\n1", "payload logs: not a list of entries"),
    ("R[]\0\n1", "payload logs: not JSON"),
])
def test_a_malformed_payload_is_refused_with_its_fault(text: str, complaint: str) -> None:
    with pytest.raises(BridgeError, match=re.escape(complaint)):
        bridge.decode_payload(text)


def test_run_replies() -> None:
    assert bridge.decode_run_reply("") is PENDING and bridge.encode_run_reply(PENDING) == ""
    assert bridge.decode_run_reply("X") is ESCAPED and bridge.encode_run_reply(ESCAPED) == "X"
    with pytest.raises(BridgeError, match="unknown tag 'Z'"):
        bridge.decode_run_reply("Z")


@pytest.mark.parametrize("report", [Report(True, ""), Report(True, "2 globals"), Report(False, "Error: stuck 😀")])
def test_a_report_round_trips(report: Report) -> None:
    assert bridge.decode_report(bridge.encode_report(report)) == report


def test_a_report_that_is_neither_clean_nor_dirty_is_refused() -> None:
    with pytest.raises(BridgeError, match="neither 'clean:' nor 'dirty:'"):
        bridge.decode_report("fine")


@pytest.mark.parametrize("reply", [
    PENDING,
    HostCalls([{"id": 1, "op": "fetch", "args": {"url": "http://x/"}}, {"id": 1, "op": "cancel"}]),
    Settled(Report(True, "0"), PAYLOADS[0]),
    Settled(Report(False, "TypeError: 😀 a global \U0001d4b3 came back"), PAYLOADS[2]),
    Settled(Report(True, "S3:clean:"), PAYLOADS[1]),
], ids=["pending", "host calls", "settled", "settled, dirty, astral characters", "settled, report like a tag"])
def test_a_take_reply_round_trips(reply: bridge.TakeReply) -> None:
    assert bridge.decode_take_reply(bridge.encode_take_reply(reply)) == reply


def test_the_settled_length_counts_utf16_units_as_javascript_does() -> None:
    """JS writes `report.length`: a character past U+FFFF counts twice."""
    report = "dirty:😀"
    text = f"S{len(report) + 1}:{report}R[]\n1"
    decoded = bridge.decode_take_reply(text)
    assert isinstance(decoded, Settled) and decoded.report == Report(False, "😀")
    assert decoded.payload == Payload(PayloadTag.RESULT, [], "1")
    assert bridge.encode_take_reply(decoded) == text


@pytest.mark.parametrize("reply", [
    Report(True, ""),
    Report(False, "Error: stuck"),
    PENDING,
    Settled(Report(True, "0"), PAYLOADS[0]),
    HostCalls([{"id": 1, "op": "fetch", "args": {}}]),
], ids=["clean report", "dirty report", "pending", "settled", "host calls"])
def test_a_finish_reply_round_trips(reply: bridge.FinishReply) -> None:
    """finish answers a report after a synchronous execution, else what take answers:
    the two are told apart by their first characters."""
    assert bridge.decode_finish_reply(bridge.encode_finish_reply(reply)) == reply


def test_a_malformed_finish_reply_is_refused() -> None:
    with pytest.raises(BridgeError, match="take reply: unknown tag 'f'"):
        bridge.decode_finish_reply("fine")


@pytest.mark.parametrize(("text", "complaint"), [
    ("Q", "take reply: unknown tag 'Q'"),
    ("S", "settled reply: no <length>: before the report"),
    ("Sx:clean:R[]\n1", "settled reply: no <length>: before the report"),
    ("S-1:clean:R[]\n1", "settled reply: no <length>: before the report"),
    ("S99:clean:R[]\n1", "settled reply: the report is shorter than its length"),
    ("S3:clean:R[]\n1", "reset report: neither"),
    ("S6:clean:Z[]\n1", "payload: unknown tag 'Z'"),
    ("H{", "host calls: not JSON"),
    ('H{"id": 1}', "host calls: not a list"),
    ('H[{"op": "fetch"}]', "host calls: not a list"),
])
def test_a_malformed_take_reply_is_refused_with_its_fault(text: str, complaint: str) -> None:
    with pytest.raises(BridgeError, match=re.escape(complaint)):
        bridge.decode_take_reply(text)


# -- set-up scripts and the shared table ------------------------------------------------


def test_set_up_scripts_quote_what_they_carry() -> None:
    assert bridge.init_script('t"', '{"a":1}') == '__flowInit("t\\"", "{\\"a\\":1}")'
    assert bridge.define_module_script("t", "dayjs/plugin/utc", per_execution=True) == (
        '__flow.defineModule("t", "dayjs/plugin/utc", 1)'
    )
    assert bridge.sink_script("function () {}", "module:qs") == "__flow.sink = function () {};\n//# sourceURL=module:qs"
    assert orjson.loads(bridge.js_string("\u2028\0")) == "\u2028\0"


def test_constants_come_from_the_shared_table() -> None:
    assert bridge.SCRIPT_NAME == TABLE["scriptName"] == "codeblock.js"
    assert bridge.LINE_OFFSET == TABLE["lineOffset"] == 1
    assert {tag.value for tag in PayloadTag} == {TABLE["tags"][k] for k in ("result", "error", "undefinedBlock")}
    assert bridge.encode_run_reply(ESCAPED) == TABLE["tags"]["escaped"]
    names = (bridge.HOST_OBJECT, bridge.INIT_FUNCTION, bridge.NOTIFY_FUNCTION)
    assert names == ("__flow", "__flowInit", "__flowNotify")
    assert bridge.DISPATCH == "__flow.dispatch"


def test_the_table_declares_the_fields_of_every_call_in_wire_order() -> None:
    order = [name for name, _ in TABLE["calls"]["run"]]
    values = dict(zip(order, bridge.encode_run(RUN).split("\0")[1:], strict=True))
    assert values["claimLength"] == "123" and values["inputJson"] == RUN.input_json and values["heapTotal"] == "8000000"


def test_the_bundle_carries_the_same_table() -> None:
    """The JS side gets the table from esbuild at build time, not from a copy."""
    bundle = ROOT / "src" / "flow_codeblock" / "js_dist" / "bootstrap.js"
    if not bundle.exists():
        pytest.skip("the JS bundle is not built (node js/build.mjs)")
    text = bundle.read_text(encoding="utf-8")
    assert "src/flow_codeblock/bridge_constants.json" in text
    assert f'scriptName: "{TABLE["scriptName"]}"' in text
    assert "'codeblock.js'" not in text  # nothing of the layer spells the script name itself
