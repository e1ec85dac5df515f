"""Wires the parts of one service process: V8, the runtime pool, the executor."""

from __future__ import annotations

import asyncio
import time
from dataclasses import dataclass, field

from .config import Settings
from .engine import init_engine
from .executor import Executor
from .pool import RuntimePool
from .runtime import Runtime, RuntimeOptions, load_bootstrap

__all__ = ["Service", "v8_flags"]

MiB = 1024 * 1024


def v8_flags(settings: Settings) -> list[str]:
    """Process-wide V8 flags (set once per process)."""
    wasm_pages = max(1, settings.array_buffer_limit_mb * MiB // 65536)
    return [
        "--single-threaded",
        # eval/new Function in user code throw EvalError (reported as SecurityError).
        "--disallow-code-generation-from-strings",
        # WebAssembly memories live outside the heap too: cap each one.
        f"--wasm-max-mem-pages={wasm_pages}",
    ]


def runtime_options(settings: Settings) -> RuntimeOptions:
    return RuntimeOptions(
        heap_limit_bytes=settings.runtime_memory_limit_mb * MiB,
        array_buffer_limit_bytes=settings.array_buffer_limit_mb * MiB,
        max_result_bytes=settings.max_result_size,
        console_enabled=settings.allow_console,
        max_console_entries=settings.max_console_entries,
        max_console_bytes=settings.max_console_bytes,
    )


@dataclass
class Service:
    settings: Settings
    pool: RuntimePool = field(init=False)
    executor: Executor = field(init=False)
    started_at: float = field(default_factory=time.time)

    async def start(self) -> None:
        # Must run on the main thread of the process (see engine.init_engine).
        init_engine(v8_flags(self.settings))
        loop = asyncio.get_running_loop()
        options = runtime_options(self.settings)
        bootstrap = load_bootstrap()
        self.pool = RuntimePool(
            lambda: Runtime.create(options, loop, bootstrap),
            size=self.settings.runtime_pool_size,
            max_waiting=self.settings.max_concurrent_executions,
        )
        await self.pool.start()
        self.executor = Executor(self.settings, self.pool)

    async def stop(self) -> None:
        await self.pool.close(self.settings.shutdown_drain_timeout_s)
