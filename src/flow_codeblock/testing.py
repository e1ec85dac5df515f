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
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

from .bundles import load_bootstrap
from .config import Settings, load_settings
from .engine import init_engine
from .policy import PoolPolicy
from .pool import RuntimePool, WarmUp
from .runtime import RuntimeFactory
from .service import runtime_options, v8_flags

__all__ = ["RuntimeFactory", "runtime_factory", "runtime_pool", "start_engine"]


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
                       drain_timeout_s: float = 5.0, warm_up: WarmUp | None = None) -> AsyncIterator[RuntimePool]:
    """A started pool of `factory`'s runtimes, closed when the block ends. Health checks
    are off unless asked for: benchmarks and tests call pool.check() when they mean to."""
    pool = RuntimePool(factory, policy=policy, initial=initial, max_waiting=max_waiting,
                       check_interval_s=check_interval_s, warm_up=warm_up)
    await pool.start(health_checks=health_checks)
    try:
        yield pool
    finally:
        await pool.close(drain_timeout_s)
