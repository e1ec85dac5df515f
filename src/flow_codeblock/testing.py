"""In-process runtimes and pools for benchmarks and tests, built from Settings the way
Service.start builds them (service.py), with the same RuntimeFactory (runtime.py),
re-exported here.

    factory = runtime_factory(load_settings())      # V8 initialised, options, bootstrap
    async with factory.runtime() as runtime: ...    # one bootstrapped runtime, closed after
    async with runtime_pool(factory, policy, initial=2) as pool: ...
"""

from __future__ import annotations

import asyncio
import dataclasses
import io
import zipfile
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from typing import Any

from .bundles import load_bootstrap
from .config import Settings, load_settings
from .engine import init_engine
from .policy import PoolPolicy
from .pool import RuntimePool, WarmUp
from .runtime import RuntimeFactory
from .service import runtime_options, v8_flags

__all__ = ["RuntimeFactory", "runtime_factory", "runtime_pool", "sample_xlsx", "sample_xlsx_row", "start_engine"]


def start_engine(settings: Settings | None = None) -> Settings:
    """Initialises V8 with the service's flags for `settings` (once per process, on the
    main thread: engine.init_engine) and returns the settings used."""
    settings = settings if settings is not None else load_settings()
    init_engine(v8_flags(settings))
    return settings


def runtime_factory(settings: Settings | None = None, loop: asyncio.AbstractEventLoop | None = None,
                    **overrides: Any) -> RuntimeFactory:
    """A factory for runtimes with `settings` (default: the environment's), V8 initialised.

    `overrides` replace fields of the RuntimeOptions derived from the settings (e.g.
    heap_limit_bytes); `loop` defaults to the running loop."""
    settings = start_engine(settings)
    options = runtime_options(settings)
    if overrides:
        options = dataclasses.replace(options, **overrides)
    return RuntimeFactory(options, loop if loop is not None else asyncio.get_running_loop(), load_bootstrap())


@asynccontextmanager
async def runtime_pool(factory: RuntimeFactory, policy: PoolPolicy, *, initial: int, max_waiting: int = 1000,
                       check_interval_s: float = 30.0, health_checks: bool = False,
                       drain_timeout_s: float = 5.0, warm_up: WarmUp | None = None,
                       build_thread_setup: Callable[[], None] | None = None) -> AsyncIterator[RuntimePool]:
    """A started pool of `factory`'s runtimes, closed when the block ends. Health checks
    are off unless asked for: benchmarks and tests call pool.check() when they mean to."""
    pool = RuntimePool(factory, policy=policy, initial=initial, max_waiting=max_waiting,
                       check_interval_s=check_interval_s, warm_up=warm_up, build_thread_setup=build_thread_setup)
    await pool.start(health_checks=health_checks)
    try:
        yield pool
    finally:
        await pool.close(drain_timeout_s)


# -- a large xlsx for the xlsx row readers' tests and bench (js/lib/xlsx.js) -------------

SAMPLE_XLSX_HEADERS = ("id", "name", "city", "amount", "qty", "date", "flag", "code", "note", "score")
_CITIES = ("北京", "上海", "深圳", "广州", "杭州")


def sample_xlsx_row(i: int) -> dict[str, Any]:
    """Row `i` (1-based) of sample_xlsx as xlsx.readBatches gives it (10 columns)."""
    day = 1 + i % 28
    return {
        "id": i, "name": f"name-{i}", "city": _CITIES[i % 5], "amount": i * 0.25, "qty": i % 97,
        "date": f"01-{day:02d}-24", "flag": i % 3 == 0, "code": f"C{i:06d}", "note": f"note {i % 1000}",
        "score": (i % 1000) / 8,
    }


def sample_xlsx(rows: int) -> bytes:
    """An xlsx of a header row and `rows` rows of SAMPLE_XLSX_HEADERS, written the way
    Excel writes one (shared strings, a date style, inline strings in one column), and
    streamed into the zip so that 100,000 rows need no large string here."""
    strings: dict[str, int] = {}

    def sst(text: str) -> str:
        return str(strings.setdefault(text, len(strings)))

    def row_xml(r: int, values: dict[str, Any] | None) -> str:
        if values is None:
            cells = "".join(f'<c r="{chr(65 + k)}1" t="s"><v>{sst(h)}</v></c>'
                            for k, h in enumerate(SAMPLE_XLSX_HEADERS))
            return f'<row r="1">{cells}</row>'
        day = 1 + (r - 1) % 28
        serial = 45291 + day  # 2024-01-<day> in Excel's 1900 date system
        cells = (f'<c r="A{r}"><v>{values["id"]}</v></c><c r="B{r}" t="s"><v>{sst(values["name"])}</v></c>'
                 f'<c r="C{r}" t="s"><v>{sst(values["city"])}</v></c><c r="D{r}"><v>{values["amount"]}</v></c>'
                 f'<c r="E{r}"><v>{values["qty"]}</v></c><c r="F{r}" s="1"><v>{serial}</v></c>'
                 f'<c r="G{r}" t="b"><v>{1 if values["flag"] else 0}</v></c>'
                 f'<c r="H{r}" t="inlineStr"><is><t>{values["code"]}</t></is></c>'
                 f'<c r="I{r}" t="s"><v>{sst(values["note"])}</v></c><c r="J{r}"><v>{values["score"]}</v></c>')
        return f'<row r="{r}">{cells}</row>'

    ns = 'xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"'
    rel = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("[Content_Types].xml", (
            '<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/'
            'content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.'
            'relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Override PartName='
            '"/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.'
            'main+xml"/><Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxml'
            'formats-officedocument.spreadsheetml.worksheet+xml"/><Override PartName="/xl/sharedStrings.xml" '
            'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"/>'
            '<Override PartName="/xl/styles.xml" ContentType="application/vnd.openxmlformats-officedocument.'
            'spreadsheetml.styles+xml"/></Types>'))
        z.writestr("_rels/.rels", (
            f'<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/'
            f'package/2006/relationships"><Relationship Id="rId1" Type="{rel}/officeDocument" '
            f'Target="xl/workbook.xml"/></Relationships>'))
        z.writestr("xl/workbook.xml", (
            f'<?xml version="1.0" encoding="UTF-8"?><workbook {ns} xmlns:r="{rel}"><sheets>'
            '<sheet name="Sheet1" sheetId="1" r:id="rId1"/></sheets></workbook>'))
        z.writestr("xl/_rels/workbook.xml.rels", (
            f'<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/'
            f'package/2006/relationships"><Relationship Id="rId1" Type="{rel}/worksheet" '
            f'Target="worksheets/sheet1.xml"/><Relationship Id="rId2" Type="{rel}/sharedStrings" '
            f'Target="sharedStrings.xml"/><Relationship Id="rId3" Type="{rel}/styles" Target="styles.xml"/>'
            '</Relationships>'))
        z.writestr("xl/styles.xml", (
            f'<?xml version="1.0" encoding="UTF-8"?><styleSheet {ns}><cellXfs count="2">'
            '<xf numFmtId="0"/><xf numFmtId="14" applyNumberFormat="1"/></cellXfs></styleSheet>'))
        with z.open("xl/worksheets/sheet1.xml", "w") as sheet:
            sheet.write(f'<?xml version="1.0" encoding="UTF-8"?><worksheet {ns}><sheetData>'.encode())
            sheet.write(row_xml(1, None).encode())
            for i in range(1, rows + 1):
                sheet.write(row_xml(i + 1, sample_xlsx_row(i)).encode())
            sheet.write(b"</sheetData></worksheet>")
        items = "".join(f"<si><t>{text}</t></si>" for text in strings)
        z.writestr("xl/sharedStrings.xml", (
            f'<?xml version="1.0" encoding="UTF-8"?><sst {ns} count="{len(strings)}" uniqueCount="{len(strings)}">'
            f"{items}</sst>"))
    return out.getvalue()
