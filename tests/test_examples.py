"""The programs in examples/ run as documented: the FastAPI app through httpx's
ASGITransport (with its lifespan, so the Sandbox starts and stops), the scripts as
processes of their own."""

from __future__ import annotations

import importlib.util
import re
import subprocess
import sys
from collections.abc import AsyncIterator
from pathlib import Path
from types import ModuleType

import httpx
import pytest_asyncio

EXAMPLES = Path(__file__).resolve().parent.parent / "examples"


def load(name: str) -> ModuleType:
    spec = importlib.util.spec_from_file_location(f"example_{name}", EXAMPLES / f"{name}.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses and pydantic resolve annotations through it
    spec.loader.exec_module(module)
    return module


def run_example(name: str, *args: str) -> str:
    proc = subprocess.run([sys.executable, str(EXAMPLES / f"{name}.py"), *args], capture_output=True, text=True,
                          timeout=120)
    assert proc.returncode == 0, proc.stderr
    return proc.stdout


@pytest_asyncio.fixture(scope="module")
async def fastapi_client() -> AsyncIterator[httpx.AsyncClient]:
    app = load("fastapi_app").app
    async with app.router.lifespan_context(app):
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://quotes.test") as client:
            yield client


async def test_fastapi_quote(fastapi_client: httpx.AsyncClient) -> None:
    order = {"items": [{"price": 40, "quantity": 2}, {"price": 12.5, "quantity": 2}]}
    response = await fastapi_client.post("/quote", json=order)
    assert response.status_code == 200, response.text
    assert response.json() == {"quote": {"subtotal": 105, "discount": 10.5, "total": 94.5},
                               "log": ["subtotal 105, discount 10%"]}
    small = await fastapi_client.post("/quote", json={"items": [{"price": 5, "quantity": 1}]})
    assert small.json()["quote"] == {"subtotal": 5, "discount": 0, "total": 5}


async def test_fastapi_run_reports_the_callers_error(fastapi_client: httpx.AsyncClient) -> None:
    ok = await fastapi_client.post("/run", json={"code": "return input.x ** 2", "input": {"x": 12}})
    assert ok.json()["result"] == 144
    failed = await fastapi_client.post("/run", json={"code": "const a = {};\nreturn a.b.c;"})
    assert failed.status_code == 422
    detail = failed.json()["detail"]
    assert (detail["type"], detail["line"], detail["column"]) == ("TypeError", 2, 12)
    assert detail["message"] == "Cannot read properties of undefined (reading 'c')"


def test_thread_worker() -> None:
    out = run_example("thread_worker", "--threads", "3", "--jobs", "50")
    assert out.splitlines()[0] == "45 jobs done, 5 failed, by 3 threads"
    assert "job 9: TypeError: Cannot read properties of undefined (reading 'length') (line 1, column 29)" in out


def test_thread_worker_results() -> None:
    worker = load("thread_worker")
    jobs = [worker.Job(n, worker.SCORE, {"id": n, "values": [n, n + 1, n + 2]}) for n in range(30)]
    results, failures = worker.process(jobs, 4)
    assert failures == {}
    assert results == {n: {"id": n, "score": n + 1} for n in range(30)}


def test_data_mapping_over_10000_records() -> None:
    out = run_example("data_mapping")
    first, summary = out.strip().splitlines()
    assert first == ("first: {'id': 'cust-000000', 'firstName': 'Ada0', 'lastName': 'Lovelace', "
                     "'email': 'ada.0@example.com', 'country': 'GB', 'lifetimeValue': 10.75}")
    match = re.fullmatch(r"mapped 10000 records in ([\d.]+) s: (\d+) records/s", summary)
    assert match is not None, summary
    assert int(match.group(2)) > 100  # far below what it does (docs: ~2,000/s on 2 cores): a sanity floor
