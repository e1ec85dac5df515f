"""The Python API: run code blocks in-process, with the service's pool, limits,
isolation, modules and network policy.

    async with Sandbox(execution_timeout_ms=2000) as sb:      # in an event loop
        result = await sb.run("return input.a * 2", input={"a": 21})

    with Sandbox() as sb:                                      # no event loop needed
        result = sb.run("return input.a * 2", input={"a": 21})

The HTTP service (api.py) and `codeblock run` (cli.py) go through the same path:
Sandbox.execute -> Service's executor -> pool -> runtime.

Threads and processes:
- One Sandbox serves any number of concurrent runs (one per pooled runtime at a
  time; more wait, up to MAX_CONCURRENT_EXECUTIONS).
- The async Sandbox belongs to the event loop it was started on. The synchronous
  one (`with Sandbox() as sb`, or `Sandbox().start_sync()`) runs its own loop on a
  background thread; its `run` may be called from any number of threads at once.
- Several Sandboxes may live in one process. V8 is initialised once per process, with
  flags derived from the settings (WASM_MEMORY_LIMIT_MB): a Sandbox whose settings
  would need other flags is refused with SandboxError.
- After `os.fork()`, a Sandbox of the parent cannot be used in the child (V8's and
  the loop's threads do not survive a fork): SandboxError. Create Sandboxes after
  forking (e.g. in Celery's worker_process_init), or use the spawn start method.
- Synchronous Sandboxes still open when the interpreter exits are closed then,
  within SHUTDOWN_DRAIN_TIMEOUT_S.
"""

from __future__ import annotations

import asyncio
import concurrent.futures.thread  # noqa: F401 - registers its exit hook before ours (_register_exit_hook)
import logging
import os
import threading
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from types import TracebackType
from typing import Any, Final

import orjson

from .config import Settings
from .engine import engine_start, init_engine
from .errors import CodeBlockError, ErrorType
from .executor import ExecutionRequest, ExecutionResult
from .i18n import msg
from .service import Service, v8_flags

__all__ = ["LogEntry", "Result", "Sandbox", "SandboxError", "SyncSandbox", "Timing"]

log = logging.getLogger(__name__)


class SandboxError(RuntimeError):
    """A Sandbox used in a way it cannot serve: before start or after close, in a
    forked child, or with process-wide V8 flags other than the ones in force.
    Never raised for what a code block does (that is a CodeBlockError)."""


@dataclass(frozen=True, slots=True)
class LogEntry:
    """One console call of the code block, formatted like Node's `util.format`."""

    level: str  # log, info, debug, warn, error (trace, dir, table, ... map onto these)
    message: str


@dataclass(frozen=True, slots=True)
class Timing:
    """How long a run took, in milliseconds."""

    execution_ms: float  # in the runtime: from the call into V8 to the settled result
    total_ms: float  # in `run`: validation, waiting for a runtime, execution, decoding


@dataclass(frozen=True, slots=True)
class Result:
    """A successful run.

    Attributes:
        value: the returned value, decoded from its JSON (as `JSON.stringify` gives it,
            except that a BigInt becomes its decimal string).
        value_json: that JSON text itself, for passing on without decoding again.
        logs: the console output, in order; empty when ALLOW_CONSOLE is not `true`.
        timing: execution and total time.
        execution_id: the run's unique id (a UUID), as in the service's logs.
    """

    value: Any
    value_json: str
    logs: tuple[LogEntry, ...]
    timing: Timing
    execution_id: str


class Sandbox:
    """Runs JavaScript code blocks in pooled, sandboxed V8 runtimes, in this process.

    Give either a `Settings` or the settings as keyword arguments (the same names, in
    lower case, as the service's environment variables); no environment variable is
    read unless you ask for it with `Sandbox(Settings.from_env())`
    ([Settings.from_env][flow_codeblock.Settings.from_env]):

        Sandbox(execution_timeout_ms=2000, runtime_pool_size=2)
        Sandbox(Settings(execution_timeout_ms=2000))

    Use it as an async context manager (`async with Sandbox() as sb`, then
    `await sb.run(...)`), or as a plain one for synchronous code (`with Sandbox() as
    sb`, then `sb.run(...)`: see [SyncSandbox][flow_codeblock.SyncSandbox]).

    Raises:
        ConfigError: a keyword argument is unknown or has a bad value.
        SandboxError: V8 is already initialised in this process with other flags, or
            was initialised in a parent process before a fork.
    """

    def __init__(self, settings: Settings | None = None, /, **values: Any) -> None:
        if settings is not None and values:
            raise TypeError("Sandbox takes a Settings or keyword arguments, not both")
        self.settings: Final = settings if settings is not None else Settings.of(**values)
        self._flags = tuple(v8_flags(self.settings))
        _check_engine(self._flags)
        self._pid = os.getpid()
        self._loop: asyncio.AbstractEventLoop | None = None  # the loop start() ran on
        self._service: Service | None = None
        self._closing = False
        self._closed = False
        self._resets: set[asyncio.Task[None]] = set()  # resets of runtimes after runs (run)
        self._sync: SyncSandbox | None = None

    # -- lifecycle ----------------------------------------------------------------------

    async def start(self) -> None:
        """Starts V8 (once per process), the runtime pool and the outbound HTTP client.
        `async with` calls it."""
        self._check_usable()
        if self._service is not None:
            raise SandboxError("this Sandbox is already started")
        _ensure_engine(self._flags)
        service = Service(self.settings)
        await service.start()
        self._loop = asyncio.get_running_loop()
        self._service = service

    async def close(self) -> None:
        """Lets runs in progress finish (up to SHUTDOWN_DRAIN_TIMEOUT_S), then closes
        every runtime. Idempotent; `async with` calls it."""
        if self._closing:
            return
        self._closing = True  # runs asked for while closing get ServiceUnavailableError from the pool
        try:
            if self._service is not None and os.getpid() == self._pid:
                if self._resets:
                    await asyncio.wait(list(self._resets), timeout=self.settings.shutdown_drain_timeout_s)
                await self._service.stop()
        finally:
            self._closed = True

    async def __aenter__(self) -> Sandbox:
        await self.start()
        return self

    async def __aexit__(self, kind: type[BaseException] | None, error: BaseException | None,
                        traceback: TracebackType | None) -> None:
        await self.close()

    def start_sync(self) -> SyncSandbox:
        """Starts this Sandbox on its own event loop in a background thread and returns
        the synchronous handle to it; close that handle when done (or leave it to the
        interpreter's exit). `with Sandbox() as sb` calls it."""
        self._check_usable()
        if self._service is not None or self._sync is not None:
            raise SandboxError("this Sandbox is already started")
        self._sync = SyncSandbox._start(self)
        return self._sync

    def __enter__(self) -> SyncSandbox:
        return self.start_sync()

    def __exit__(self, kind: type[BaseException] | None, error: BaseException | None,
                 traceback: TracebackType | None) -> None:
        if self._sync is not None:
            self._sync.close()

    @property
    def service(self) -> Service:
        """The started Service (pool, executor, fetcher): what the HTTP API reports on."""
        self._check_usable()
        if self._service is None:
            raise SandboxError("this Sandbox is not started: use `async with Sandbox(...)` or `await sandbox.start()`")
        return self._service

    # -- running ------------------------------------------------------------------------

    async def run(self, code: str, input: dict[str, Any] | None = None, *, timeout_ms: int | None = None) -> Result:
        """Runs one code block and returns its result.

        Args:
            code: the JavaScript code as plain text (not base64, unlike the HTTP API's
                `codebase64`): the body of an async function with `input` in scope,
                which must `return` its result.
            input: the code's `input` variable; a JSON-serialisable dict (default {}).
            timeout_ms: a timeout for this run, which can only lower
                EXECUTION_TIMEOUT_MS.

        Returns:
            The [Result][flow_codeblock.Result]: the returned value, console logs and timing.

        Raises:
            CodeBlockError: the run failed; the subclass names how (CodeSyntaxError,
                CodeTypeError, CodeTimeoutError, MemoryLimitError, ValidationError,
                ...), with `line` and `column` in `code` where they are known.
            SandboxError: the Sandbox is not started, closed, or from before a fork.
        """
        started = time.perf_counter()
        if timeout_ms is not None and (isinstance(timeout_ms, bool) or not timeout_ms > 0):
            refusal = CodeBlockError(ErrorType.VALIDATION, msg("timeout_ms must be a positive number of milliseconds"))
            raise refusal.translated(self.settings.messages_language)
        result = await self.execute(ExecutionRequest(None, {} if input is None else input, timeout_ms, code=code))
        if result.after is not None:
            # The runtime's reset and release happen after `run` returns, as they happen
            # after the HTTP response is sent.
            self._in_background(result.after)
        if not result.ok:
            # The service's own messages in MESSAGES_LANGUAGE (V8's stay as V8 wrote them).
            error = result.error or CodeBlockError(ErrorType.INTERNAL, msg("unknown failure"))
            raise error.translated(self.settings.messages_language)
        value_json = result.result_json or "null"
        logs = tuple(LogEntry(entry["level"], entry["message"]) for entry in result.logs or ())
        return Result(orjson.loads(value_json), value_json, logs,
                      Timing(result.execution_ms, (time.perf_counter() - started) * 1000), result.execution_id)

    async def execute(self, request: ExecutionRequest) -> ExecutionResult:
        """One execution as the HTTP service runs it: the raw ExecutionResult, whose
        `after` (the runtime's reset and release) the caller must await. `run` is the
        friendlier form."""
        service = self.service
        if asyncio.get_running_loop() is not self._loop:
            raise SandboxError("this Sandbox was started on another event loop, which its runtimes answer on: "
                               "use it from that loop, or use the synchronous face (with Sandbox() as sb) from "
                               "other threads")
        return await service.executor.execute(request)

    def _in_background(self, work: Callable[[], Awaitable[None]]) -> None:
        task = asyncio.ensure_future(work())
        self._resets.add(task)
        task.add_done_callback(self._reset_done)

    def _reset_done(self, task: asyncio.Task[None]) -> None:
        self._resets.discard(task)
        if not task.cancelled() and task.exception() is not None:
            log.error("runtime reset failed", exc_info=task.exception())

    def _check_usable(self) -> None:
        if os.getpid() != self._pid:
            raise SandboxError(
                f"this Sandbox was created in process {self._pid}, and this is process {os.getpid()} (a fork): "
                "V8's threads do not survive fork(). Create the Sandbox in the child process instead "
                "(e.g. after forking, or with multiprocessing's 'spawn' start method)")
        if self._closed:
            raise SandboxError("this Sandbox is closed")


class SyncSandbox:
    """The synchronous face of a Sandbox, for scripts, thread pools and Celery tasks:

        with Sandbox(execution_timeout_ms=2000) as sb:
            result = sb.run("return input.n + 1", input={"n": 1})

    The Sandbox runs on its own event loop in a background thread; `run` may be
    called from any number of threads at once and blocks its caller until the result
    is in. Get one from [Sandbox.start_sync][flow_codeblock.Sandbox.start_sync] or
    `with Sandbox(...)`; it is closed at
    the end of the `with` block, by `close()`, or at the interpreter's exit.
    """

    def __init__(self, sandbox: Sandbox, loop: asyncio.AbstractEventLoop, thread: threading.Thread) -> None:
        self.sandbox: Final = sandbox
        self._loop = loop
        self._thread = thread
        self._lock = threading.Lock()
        self._closed = False

    @classmethod
    def _start(cls, sandbox: Sandbox) -> SyncSandbox:
        # V8 first, on this thread (or a parked one): never on the loop's thread, which ends at close.
        _ensure_engine(sandbox._flags)
        loop = _new_loop()
        # A daemon, so that an unclosed sandbox cannot keep the interpreter from exiting.
        thread = threading.Thread(target=loop.run_forever, name="flow-codeblock-sandbox", daemon=True)
        thread.start()
        try:
            asyncio.run_coroutine_threadsafe(sandbox.start(), loop).result()
        except BaseException:
            _stop_loop(loop, thread, timeout_s=5.0)
            raise
        handle = cls(sandbox, loop, thread)
        _open_sync.add(handle)
        return handle

    def run(self, code: str, input: dict[str, Any] | None = None, *, timeout_ms: int | None = None) -> Result:
        """Runs one code block and returns its result: Sandbox.run, from synchronous code.

        Args:
            code: the JavaScript code as plain text (not base64).
            input: the code's `input` variable; a JSON-serialisable dict (default {}).
            timeout_ms: a timeout for this run, which can only lower EXECUTION_TIMEOUT_MS.

        Returns:
            The Result: the returned value, console logs and timing.

        Raises:
            CodeBlockError: the run failed (a subclass per error type, with line/column).
            SandboxError: closed, or used in a forked child.
        """
        self.sandbox._check_usable()  # before the loop: in a forked child its thread is gone
        with self._lock:  # no run is handed to the loop after close() has begun stopping it
            if self._closed:
                raise SandboxError("this Sandbox is closed")
            run = self.sandbox.run(code, input, timeout_ms=timeout_ms)
            future = asyncio.run_coroutine_threadsafe(run, self._loop)
        return future.result()

    def close(self, timeout_s: float | None = None) -> None:
        """Waits for runs in progress (up to SHUTDOWN_DRAIN_TIMEOUT_S), closes the
        runtimes and stops the background loop. Idempotent, from any thread."""
        with self._lock:
            if self._closed:
                return
            self._closed = True
        _open_sync.discard(self)
        if os.getpid() != self.sandbox._pid:
            return  # a forked child: the loop and the runtimes are the parent's
        limit = timeout_s if timeout_s is not None else self.sandbox.settings.shutdown_drain_timeout_s + 5.0
        try:
            asyncio.run_coroutine_threadsafe(self.sandbox.close(), self._loop).result(limit)
        finally:
            _stop_loop(self._loop, self._thread, timeout_s=limit)

    def __enter__(self) -> SyncSandbox:
        return self

    def __exit__(self, kind: type[BaseException] | None, error: BaseException | None,
                 traceback: TracebackType | None) -> None:
        self.close()


def _new_loop() -> asyncio.AbstractEventLoop:
    """uvloop where installed: the loop the HTTP service runs on, so the synchronous
    face runs on what the service's tests and benches exercise."""
    try:
        import uvloop
    except ImportError:  # pragma: no cover - uvicorn[standard] brings it on Linux
        return asyncio.new_event_loop()
    return uvloop.new_event_loop()


def _stop_loop(loop: asyncio.AbstractEventLoop, thread: threading.Thread, *, timeout_s: float) -> None:
    loop.call_soon_threadsafe(loop.stop)
    thread.join(timeout_s)
    if not thread.is_alive():
        loop.close()


# -- the process: V8's one initialisation, interpreter exit -----------------------------

_engine_lock = threading.Lock()
_open_sync: set[SyncSandbox] = set()  # closed at interpreter exit when still open


def _check_engine(flags: tuple[str, ...]) -> None:
    """Refuses settings whose V8 flags differ from the ones V8 runs with, and a V8
    initialised by a parent process before fork()."""
    start = engine_start()
    if start is None:
        return
    if start.pid != os.getpid():
        raise SandboxError(
            f"V8 was initialised in process {start.pid} before this process forked from it; it cannot run here. "
            "Create Sandboxes only in processes that did not inherit one (initialise V8 after forking, "
            "or use multiprocessing's 'spawn' start method)")
    if start.flags != flags:
        raise SandboxError(
            f"V8 runs in this process with the flags {list(start.flags)}, and these settings need {list(flags)}: "
            "V8's flags are process-wide and set once, so every Sandbox of a process must agree on "
            "WASM_MEMORY_LIMIT_MB (and ARRAY_BUFFER_LIMIT_MB below 64, which lowers its default)")


def _ensure_engine(flags: tuple[str, ...]) -> None:
    """Initialises V8 once per process, on a thread that lives as long as the process:
    this one when it is the main thread, else a parked daemon thread (V8 first
    initialised on a thread that later exits crashes later runtimes: DESIGN.md section 1)."""
    with _engine_lock:
        _check_engine(flags)
        if engine_start() is not None:
            return
        if threading.current_thread() is threading.main_thread():
            init_engine(flags)
            return
        done = threading.Event()
        failure: list[BaseException] = []

        def initialise_and_park() -> None:
            try:
                init_engine(flags)
            except BaseException as exc:  # handed to the waiting thread
                failure.append(exc)
            done.set()
            threading.Event().wait()  # parked for the life of the process

        threading.Thread(target=initialise_and_park, name="flow-codeblock-v8", daemon=True).start()
        done.wait()
        if failure:
            raise failure[0]


def _close_open_sandboxes() -> None:
    """Closes the synchronous Sandboxes still open, before the thread pools that
    closing uses shut down, each within its drain timeout."""
    for handle in list(_open_sync):
        try:
            handle.close()
            log.info("closed a Sandbox left open at interpreter exit")
        except Exception:
            log.warning("could not close a Sandbox at interpreter exit", exc_info=True)


def _register_exit_hook() -> None:
    # threading's exit hooks run before concurrent.futures joins its workers (which
    # asyncio.to_thread, used to close runtimes, needs); atexit's run after that.
    register = getattr(threading, "_register_atexit", None)
    if callable(register):
        register(_close_open_sandboxes)
    else:  # pragma: no cover - every CPython this package supports has it
        import atexit

        atexit.register(_close_open_sandboxes)


_register_exit_hook()
