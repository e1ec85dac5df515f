"""decimal.js, compared with real Node 24 running the same pinned package from
node_modules: arithmetic, configuration (Decimal.set, Decimal.clone), rounding and
formatting, comparisons and its [DecimalError] errors. Each case runs in a fresh Node
process, since Decimal.set changes the module for everything after it in a process;
the service gives every execution its own decimal.js (js/modules.manifest.mjs)."""

from __future__ import annotations

from typing import Any

import pytest

from compat.conftest import assert_matches_node, case_ids, run_in_node
from conftest import CodeBlockClient

INPUT = {"prices": ["19.99", "0.1", "0.2", "1234.5678"], "rate": "0.0825", "amount": 1.005}

D = "const Decimal = require('decimal.js'); "

ARITHMETIC = [D + code for code in [
    "return new Decimal(0.1).plus(0.2).toString()",
    "return new Decimal('0.1').plus('0.2').toString()",
    "return new Decimal(1).div(3).toString()",
    "return new Decimal(2).sqrt().toString()",
    "return new Decimal('123.456').times('7.89').toString()",
    "return new Decimal(10).minus('0.0001').toString()",
    "return new Decimal(2).pow(100).toString()",
    "return new Decimal(2).pow(0.5).toString()",
    "return [new Decimal(10).mod(3).toString(), new Decimal(-10).mod(3).toString()]",
    "return new Decimal(27).cbrt().toString()",
    "return [new Decimal(1).exp().toString(), new Decimal(10).ln().toString()]",
    "return [new Decimal(1000).log().toString(), new Decimal(8).log(2).toString()]",
    "return [new Decimal(1).sin().toString(), new Decimal(0.5).acos().toString()]",
    "return [Decimal.sum(...input.prices).toString(), Decimal.max(...input.prices).toString(), "
    "Decimal.min(...input.prices).toString()]",
    "return input.prices.reduce((t, p) => t.plus(new Decimal(p).times(input.rate)), new Decimal(0)).toFixed(2)",
    "return Decimal.hypot(3, 4).toString()",
    "return [new Decimal('-7.5').abs().toString(), new Decimal('7.5').neg().toString()]",
    "return [new Decimal(NaN).plus(1).toString(), new Decimal(Infinity).minus(1).toString(), "
    "new Decimal(1).div(0).toString()]",
    "return [new Decimal(-0).isNeg(), new Decimal(-0).toString(), new Decimal(-0).isZero()]",
    "return new Decimal(12345678901234567890n).plus(1).toString()",
    "return [new Decimal('0x1f').toString(), new Decimal(255).toHex(), new Decimal(5).toBinary(), "
    "new Decimal(8).toOctal()]",
    "return [new Decimal('1e-7').toString(), new Decimal('1e21').toString(), new Decimal('123.4500').toNumber()]",
    "return [new Decimal('1e9000000000000000').toString(), new Decimal('1e-9000000000000000').toString()]",
]]

ROUNDING = [D + code for code in [
    "return [new Decimal(input.amount).toFixed(2), new Decimal('1.005').toFixed(2), (1.005).toFixed(2)]",
    "return [new Decimal('2.5').toFixed(), new Decimal('1.23').toFixed(5), new Decimal(-0.0001).toFixed(2)]",
    "return new Decimal('1.23456789').toDecimalPlaces(3).toString()",
    "return new Decimal('1.23456789').toDP(3, Decimal.ROUND_DOWN).toString()",
    "return [new Decimal('123456').toSignificantDigits(3).toString(), new Decimal('0.00123456').toSD(2).toString()]",
    "return new Decimal('987.654').toSD(4, Decimal.ROUND_UP).toString()",
    "return [new Decimal('123.456').toExponential(2), new Decimal('123.456').toPrecision(4), "
    "new Decimal('0.000123').toPrecision(2)]",
    "return ['-2.5', '2.5', '-2.4'].map(v => [new Decimal(v).round(), new Decimal(v).floor(), "
    "new Decimal(v).ceil(), new Decimal(v).trunc()].map(String))",
    "return [Decimal.ROUND_UP, Decimal.ROUND_DOWN, Decimal.ROUND_HALF_UP, Decimal.ROUND_HALF_EVEN, "
    "Decimal.ROUND_HALF_CEIL, Decimal.EUCLID]",
    "return ['2.5', '3.5', '-2.5'].map(v => new Decimal(v).toDP(0, Decimal.ROUND_HALF_EVEN).toString())",
    "return [new Decimal('0.75').toFraction().map(String), new Decimal(Math.PI).toFraction(1000).map(String)]",
    "return [new Decimal('1.37').toNearest('0.05').toString(), new Decimal('1.37').toNearest(0.25, Decimal.ROUND_DOWN).toString()]",
    "return JSON.stringify({ total: new Decimal('1.50'), list: [new Decimal('2e-10')] })",
    "return [new Decimal('1.50').valueOf(), new Decimal('1.50').toJSON(), String(new Decimal('-1e-7'))]",
]]

CONFIG = [D + code for code in [
    "return [Decimal.precision, Decimal.rounding, Decimal.toExpNeg, Decimal.toExpPos, Decimal.minE, Decimal.maxE, "
    "Decimal.modulo, Decimal.crypto]",
    "Decimal.set({ precision: 5, rounding: Decimal.ROUND_DOWN }); return [new Decimal(2).div(3).toString(), Decimal.precision]",
    "Decimal.set({ toExpNeg: -3 }); return [new Decimal(0.0001).toString(), new Decimal(0.001).toString()]",
    "Decimal.set({ toExpPos: 5 }); return [new Decimal(123456).toString(), new Decimal(12345).toString()]",
    "Decimal.set({ modulo: Decimal.EUCLID }); return new Decimal(-7).mod(3).toString()",
    "Decimal.config({ precision: 3 }); return new Decimal(1).div(7).toString()",
    "Decimal.set({ precision: 4 }); Decimal.set({ defaults: true }); return [Decimal.precision, new Decimal(1).div(3).toString()]",
    "Decimal.set({ minE: -5, maxE: 5 }); return [new Decimal('1e6').toString(), new Decimal('1e-6').toString()]",
    "const D9 = Decimal.clone({ precision: 9 }); return [D9(1).div(3).toString(), new Decimal(1).div(3).toString()]",
    "const C = Decimal.clone(); C.set({ precision: 3, rounding: C.ROUND_UP }); "
    "return [new C(2).div(3).toString(), new Decimal(2).div(3).toString(), C === Decimal, C.isDecimal(new Decimal(1))]",
    "const C = Decimal.clone({ precision: 2, defaults: true }); return [C.precision, C.rounding]",
    "return [Decimal.isDecimal(new Decimal(1)), Decimal.isDecimal(1), Decimal.isDecimal('1'), "
    "Decimal(5) instanceof Decimal]",
    "Decimal.set({ crypto: true }); const r = Decimal.random(8); return [Decimal.crypto, r.gte(0) && r.lt(1), r.sd() <= 8]",
    "const r = Decimal.random(); return [r.gte(0) && r.lt(1), r.decimalPlaces() <= 20]",
]]

COMPARE = [D + code for code in [
    "const a = new Decimal('0.3'), b = new Decimal(0.1).plus(0.2); return [a.eq(b), a.cmp(b), a.equals('0.30')]",
    "const a = new Decimal(2), b = new Decimal(3); return [a.gt(b), a.gte(2), a.lt(b), a.lte(1), b.cmp(a), a.cmp(a)]",
    "return [new Decimal(NaN).cmp(1), new Decimal(NaN).eq(NaN), new Decimal(Infinity).gt('1e1000')]",
    "return input.prices.map(p => new Decimal(p)).sort((a, b) => a.cmp(b)).map(String)",
    "return [new Decimal(3).isInteger(), new Decimal('3.1').isInt(), new Decimal(-1).isNegative(), "
    "new Decimal(0).isPositive(), new Decimal(NaN).isNaN(), new Decimal(Infinity).isFinite()]",
    "return [new Decimal('1.2300').decimalPlaces(), new Decimal('1.2300').precision(), new Decimal('1.2300').sd(true)]",
    "return [Object.prototype.toString.call(new Decimal(1)), new Decimal(1).toStringTag, typeof Decimal]",
    "return require('util').inspect(new Decimal('1.50'))",
    "return `${new Decimal('1.5')}` + new Decimal(2)",
]]

ERRORS = [D + code for code in [
    "return new Decimal('abc')",
    "return new Decimal('1.2.3')",
    "return new Decimal({})",
    "return Decimal.set({ precision: 0 })",
    "return Decimal.set({ rounding: 9 })",
    "return Decimal.set(null)",
    "return Decimal.set({ crypto: 'yes' })",
    "return new Decimal(1).toFixed(-1)",
    "return new Decimal(1).toSD(0)",
    "return new Decimal(1).toDP(2, 9)",
    "return Decimal.random(0)",
    "try { new Decimal('x1') } catch (e) { return [e.name, e.message, e instanceof Error, e.constructor === Error] }",
]]

ESM = [
    "import Decimal from 'decimal.js';\nreturn new Decimal('1.1').plus('2.2').toString()",
    "import { Decimal } from 'decimal.js';\nreturn Decimal.sum('0.1', '0.2', '0.3').toString()",
    "const { default: Decimal } = await import('decimal.js'); return new Decimal(10).div(4).toString()",
    "const Decimal = require('decimal.js'); return [Decimal.default === Decimal, Decimal.Decimal === Decimal]",
]

ALL = ARITHMETIC + ROUNDING + CONFIG + COMPARE + ERRORS + ESM
GROUPS = (("arithmetic", ARITHMETIC), ("rounding", ROUNDING), ("config", CONFIG), ("compare", COMPARE),
          ("errors", ERRORS), ("esm", ESM))


@pytest.fixture(scope="module")
def node_outcomes() -> list[dict[str, Any]]:
    # One Node process per case: Decimal.set in one case would change the module for the next.
    return [run_in_node([{"code": code, "input": INPUT}])[0] for code in ALL]


@pytest.mark.parametrize("index", range(len(ALL)), ids=case_ids(ALL, GROUPS))
def test_decimal_matches_node(cb: CodeBlockClient, node_outcomes: list[dict[str, Any]], index: int) -> None:
    status, body = cb.run(ALL[index], INPUT)
    assert_matches_node(ALL[index], status, body, node_outcomes[index])


def test_errors_are_decimal_errors(node_outcomes: list[dict[str, Any]]) -> None:
    """The error cases fail in Node with decimal.js's own messages (the oracle is not vacuous)."""
    for code in ERRORS[:-1]:
        outcome = node_outcomes[ALL.index(code)]
        assert not outcome["ok"] and outcome["message"].startswith("[DecimalError] "), (code, outcome)


def test_enough_cases() -> None:
    assert len(ALL) >= 40, len(ALL)
