"""A FastAPI app with its own endpoints, backed by an in-process Sandbox: no separate
code-block service to deploy.

    POST /quote   prices an order with a pricing rule written in JavaScript (the kind
                  of rule a low-code platform lets its users edit)
    POST /run     runs a caller's code block: {"code": "...", "input": {...}}

Run it:  uvicorn examples.fastapi_app:app   (or python examples/fastapi_app.py)
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

from fastapi import FastAPI, HTTPException
from pydantic import BaseModel

from flow_codeblock import CodeBlockError, Sandbox

# The pricing rule: plain JavaScript text, with `input` in scope.
PRICING_RULE = """
const subtotal = input.items.reduce((sum, item) => sum + item.price * item.quantity, 0);
const discount = subtotal >= 100 ? 0.1 : 0;
console.log(`subtotal ${subtotal}, discount ${discount * 100}%`);
return { subtotal, discount: +(subtotal * discount).toFixed(2), total: +(subtotal * (1 - discount)).toFixed(2) };
"""


class Item(BaseModel):
    price: float
    quantity: int


class Order(BaseModel):
    items: list[Item]


class CodeBlock(BaseModel):
    code: str
    input: dict[str, Any] = {}


@asynccontextmanager
async def lifespan(app: FastAPI) -> AsyncIterator[None]:
    # One Sandbox for the app's life: its runtimes are pooled and reused by every request.
    async with Sandbox(execution_timeout_ms=1000, runtime_pool_size=2) as sandbox:
        app.state.sandbox = sandbox
        yield


app = FastAPI(title="Quotes", lifespan=lifespan)


@app.post("/quote")
async def quote(order: Order) -> dict[str, Any]:
    sandbox: Sandbox = app.state.sandbox
    result = await sandbox.run(PRICING_RULE, input=order.model_dump())
    return {"quote": result.value, "log": [entry.message for entry in result.logs]}


@app.post("/run")
async def run(block: CodeBlock) -> dict[str, Any]:
    sandbox: Sandbox = app.state.sandbox
    try:
        result = await sandbox.run(block.code, input=block.input)
    except CodeBlockError as error:  # the caller's code failed: tell them where
        raise HTTPException(status_code=422, detail=error.to_dict()) from None
    return {"result": result.value, "ms": round(result.timing.execution_ms, 3)}


if __name__ == "__main__":
    import uvicorn

    uvicorn.run(app, host="127.0.0.1", port=8000)
