"""The V8 binding: one isolate and context, driven through mini-racer's C entry points.

mini-racer's Python layer hops through a per-context event-loop thread for every
call (~280-525 us of CPU per eval, DESIGN.md section 1). This module posts work
straight to V8 (`mr_eval`) from the caller and receives results in the single
ctypes callback that V8's thread invokes, handing them to an asyncio future (or, on
the set-up path, to a blocking waiter). It depends on mini-racer internals, so the
version is pinned exactly and this is the only module that touches them.

The short calls of the request path (`mr_eval`, `mr_alloc_string_val`,
`mr_free_value`, `mr_cancel_task`, `mr_hard_memory_limit_reached`) go through a
`ctypes.PyDLL` handle, which keeps the GIL: releasing and re-taking it around each
call made the event loop queue behind V8 threads' callbacks for the GIL (~30% of a
loaded worker's loop time, docs/performance.md). That is safe because, in the pinned
mini-racer (context.cc, cancelable_task_runner.h, isolate_object_collector.h,
isolate_manager.cc), none of these calls waits for the isolate's thread: they take
short-lived mutexes (value registry, task-id map, one task's state, the platform's
task queue, the object collector) that V8's thread never holds while it calls into
Python, and termination is V8's thread-safe TerminateExecution. Calls that do wait
for the isolate's thread (context creation and disposal, heap statistics) keep the
GIL-releasing CDLL handle and run off the event loop.

Rules that keep the result queue safe:
- One caller per isolate: evals on one isolate are posted by one owner at a time.
- V8 answers every posted eval exactly once, in posting order (a cancelled eval
  answers "terminated"), so waiters form a FIFO.
- Nothing here blocks the event loop: posting, cancelling and the memory flag are
  non-blocking calls; blocking calls (create, heap stats, close) run in threads.
"""

from __future__ import annotations

import asyncio
import ctypes
import enum
import os
import queue
import threading
from collections import deque
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Final

from py_mini_racer import _dll as _mr_dll  # pinned internals, see module docstring
from py_mini_racer import init_mini_racer

__all__ = [
    "EngineClosed",
    "Isolate",
    "JSResult",
    "ResultKind",
    "init_engine",
    "v8_version",
]

_EVAL_CALLBACK_ID: Final = 0
_NOTIFY_CALLBACK_ID: Final = 1

# Value type tags of mini-racer's BinaryValue (mini_racer.cc), pinned with the version.
_T_NULL, _T_BOOL, _T_INT, _T_DOUBLE, _T_STR = 1, 2, 3, 4, 5
_T_UNDEFINED: Final = 11
_T_EXECUTE_EXC, _T_PARSE_EXC, _T_OOM_EXC = 200, 201, 202
_T_TIMEOUT_EXC, _T_TERMINATED_EXC = 203, 204
_T_VALUE_EXC, _T_KEY_EXC = 205, 206
_OBJECT_TYPES: Final = frozenset({6, 7, 9, 10, 100, 101, 102, 103})


class ResultKind(enum.Enum):
    VALUE = "value"
    EXCEPTION = "exception"  # a JS exception escaped the evaluated script
    PARSE_ERROR = "parse_error"
    OUT_OF_MEMORY = "out_of_memory"
    TERMINATED = "terminated"  # cancelled (deadline) or isolate torn down
    ENGINE_ERROR = "engine_error"


_ERROR_KINDS: Final = {
    _T_EXECUTE_EXC: ResultKind.EXCEPTION,
    _T_PARSE_EXC: ResultKind.PARSE_ERROR,
    _T_OOM_EXC: ResultKind.OUT_OF_MEMORY,
    _T_TIMEOUT_EXC: ResultKind.TERMINATED,
    _T_TERMINATED_EXC: ResultKind.TERMINATED,
    _T_VALUE_EXC: ResultKind.ENGINE_ERROR,
    _T_KEY_EXC: ResultKind.ENGINE_ERROR,
}


@dataclass(frozen=True, slots=True)
class JSResult:
    """What one eval produced: a primitive value, or an error kind with V8's message."""

    kind: ResultKind
    value: str | int | float | bool | None = None

    @property
    def text(self) -> str:
        return self.value if isinstance(self.value, str) else ""


class EngineClosed(RuntimeError):
    """The isolate was closed while an eval was outstanding."""


_init_lock = threading.Lock()
_dll: ctypes.CDLL | None = None
_gil_dll: ctypes.PyDLL | None = None  # the same library; calls keep the GIL (docstring)
_GIL_KEEPING: Final = ("mr_eval", "mr_alloc_string_val", "mr_free_value", "mr_cancel_task",
                       "mr_hard_memory_limit_reached")


def init_engine(flags: Iterable[str]) -> ctypes.CDLL:
    """Initialise V8 once per process with `flags` (process-wide, set once).

    Call it on the main thread: V8 first initialised on a thread that later exits
    makes later isolates crash (DESIGN.md section 1). Later calls return the handle
    and ignore their flags.
    """
    global _dll, _gil_dll
    with _init_lock:
        if _dll is None:
            dll = init_mini_racer(flags=tuple(flags), ignore_duplicate_init=True)
            _warm_up(dll)
            _gil_dll = _gil_keeping(dll)
            _dll = dll
        return _dll


def _gil_keeping(dll: ctypes.CDLL) -> ctypes.PyDLL:
    """A PyDLL view of mini-racer's library with the prototypes of the short,
    non-waiting calls copied from mini-racer's own CDLL set-up."""
    fast = ctypes.PyDLL(dll._name)
    for name in _GIL_KEEPING:
        source, target = getattr(dll, name), getattr(fast, name)
        target.argtypes, target.restype = source.argtypes, source.restype
    return fast


def _warm_up(dll: ctypes.CDLL) -> None:
    """Creates and frees one isolate here, once, before the pool creates its first
    runtimes on several threads at once. V8 finishes parts of its process-wide set-up
    (PartitionAlloc's configurable pool) on the first isolate; a start of `codeblock run`
    on a loaded machine once aborted with "Check failed: !IsConfigurablePoolInitialized()"
    there. Not reproduced since in 150 starts with or without this; it costs ~2 ms."""
    noop = _mr_dll.mr_callback_func(lambda callback_id, raw: None)
    ctx = dll.mr_init_context(noop)
    dll.mr_free_context(ctx)


def _tune_v8_thread() -> None:
    """Called once on each isolate's own thread: SCHED_BATCH, so that posting work to
    it does not make the kernel switch to it at once, preempting the event loop."""
    try:
        os.sched_setscheduler(0, os.SCHED_BATCH, os.sched_param(0))
    except (AttributeError, OSError):
        pass


def v8_version() -> str:
    if _dll is None:
        raise RuntimeError("init_engine() has not been called")
    return str(_dll.mr_v8_version().decode())


def _decode(raw: ctypes._Pointer) -> tuple[JSResult, bool]:  # type: ignore[type-arg]
    """Reads a BinaryValue; returns the result and whether it is a primitive (an
    object arrives as a handle, reported here as a None value)."""
    contents = raw.contents
    typ = contents.type
    if typ == _T_STR:
        return JSResult(ResultKind.VALUE, contents.value.bytes_val[0 : contents.len].decode()), True
    if typ in _ERROR_KINDS:
        message = contents.value.bytes_val[0 : contents.len].decode(errors="replace")
        return JSResult(_ERROR_KINDS[typ], message), True
    if typ == _T_INT:
        return JSResult(ResultKind.VALUE, int(contents.value.int_val)), True
    if typ == _T_DOUBLE:
        return JSResult(ResultKind.VALUE, float(contents.value.double_val)), True
    if typ == _T_BOOL:
        return JSResult(ResultKind.VALUE, contents.value.int_val == 1), True
    if typ in (_T_NULL, _T_UNDEFINED):
        return JSResult(ResultKind.VALUE, None), True
    return JSResult(ResultKind.VALUE, None), typ not in _OBJECT_TYPES


class _AsyncWaiter:
    __slots__ = ("code_handle", "future", "loop")

    def __init__(self, loop: asyncio.AbstractEventLoop) -> None:
        self.loop = loop
        self.future: asyncio.Future[JSResult] = loop.create_future()

    def deliver(self, result: JSResult | BaseException) -> None:
        try:
            self.loop.call_soon_threadsafe(_settle, self.future, result)
        except RuntimeError:  # loop closed during shutdown: nobody is waiting
            pass


def _settle(future: asyncio.Future[JSResult], result: JSResult | BaseException) -> None:
    if future.done():
        return
    if isinstance(result, BaseException):
        future.set_exception(result)
    else:
        future.set_result(result)


class _BlockingWaiter:
    __slots__ = ("_box", "code_handle")

    def __init__(self) -> None:
        self._box: queue.SimpleQueue[JSResult | BaseException] = queue.SimpleQueue()

    def deliver(self, result: JSResult | BaseException) -> None:
        self._box.put(result)

    def wait(self, timeout: float | None) -> JSResult:
        try:
            result = self._box.get(timeout=timeout)
        except queue.Empty:
            raise TimeoutError("V8 did not answer in time") from None
        if isinstance(result, BaseException):
            raise result
        return result


class Isolate:
    """One V8 isolate with one context and a hard heap limit.

    `on_notify` is called on the event loop (via `loop`) each time JavaScript calls
    the notification function installed at `globalThis.__flowNotify`.
    """

    def __init__(
        self,
        *,
        heap_limit_bytes: int,
        loop: asyncio.AbstractEventLoop | None,
        on_notify: Callable[[], None] | None = None,
    ) -> None:
        if _dll is None or _gil_dll is None:
            raise RuntimeError("init_engine() has not been called")
        self._dll = _dll
        self._fast = _gil_dll
        self._loop = loop
        self._on_notify = on_notify
        self._waiters: deque[_AsyncWaiter | _BlockingWaiter] = deque()
        self._lock = threading.Lock()
        self._closed = False
        self._keep_object = False
        self._thread_tuned = False
        self._kept_object: ctypes._Pointer | None = None  # type: ignore[type-arg]
        # The ctypes callback must outlive the context: keep a reference.
        self._callback = _mr_dll.mr_callback_func(self._on_v8_callback)
        self._ctx = self._dll.mr_init_context(self._callback)
        # A heap limit before anything runs: without one a heap bomb aborts the process.
        self._dll.mr_set_hard_memory_limit(self._ctx, heap_limit_bytes)
        self._install_notify()

    # -- callbacks from V8's thread -------------------------------------------------

    def _on_v8_callback(self, callback_id: int, raw: ctypes._Pointer) -> None:  # type: ignore[type-arg]
        # Runs on V8's thread with the isolate blocked: decode, free, hand off, return.
        if not self._thread_tuned:
            self._thread_tuned = True
            _tune_v8_thread()
        if callback_id == _NOTIFY_CALLBACK_ID:
            self._fast.mr_free_value(self._ctx, raw)
            if self._on_notify is not None and self._loop is not None:
                try:
                    self._loop.call_soon_threadsafe(self._on_notify)
                except RuntimeError:
                    pass
            return
        result, is_primitive = _decode(raw)
        if not is_primitive and self._keep_object:
            self._kept_object = raw  # the set-up path asked for this object handle
        else:
            self._fast.mr_free_value(self._ctx, raw)
        with self._lock:
            waiter = self._waiters.popleft() if self._waiters else None
        if waiter is not None:
            self._fast.mr_free_value(self._ctx, waiter.code_handle)
            waiter.deliver(result)

    # -- set-up (blocking, call from a worker thread) ---------------------------------

    def _install_notify(self) -> None:
        notify_fn = self._dll.mr_make_js_callback(self._ctx, _NOTIFY_CALLBACK_ID)
        self._keep_object = True
        try:
            self.eval_blocking("globalThis", timeout=5.0)
        finally:
            self._keep_object = False
        global_obj, self._kept_object = self._kept_object, None
        key = self._alloc_string("__flowNotify")
        status = self._dll.mr_set_object_item(self._ctx, global_obj, key, notify_fn)
        for handle in (status, key, global_obj, notify_fn):
            self._dll.mr_free_value(self._ctx, handle)

    def eval_blocking(self, code: str, timeout: float | None = None) -> JSResult:
        """Evaluates `code`, blocking the calling thread (set-up paths only)."""
        waiter = _BlockingWaiter()
        self._post(code, waiter)
        return waiter.wait(timeout)

    # -- the request path (event loop) ---------------------------------------------

    def eval(self, code: str) -> tuple[int, asyncio.Future[JSResult]]:
        """Posts `code`; returns the task id (for `cancel`) and a future of its result."""
        if self._loop is None:
            raise RuntimeError("this isolate has no event loop")
        waiter = _AsyncWaiter(self._loop)
        task_id = self._post(code, waiter)
        return task_id, waiter.future

    def cancel(self, task_id: int) -> None:
        """Terminates the eval `task_id` if it is still running (no-op otherwise)."""
        if not self._closed:
            self._fast.mr_cancel_task(self._ctx, task_id)

    def memory_limit_reached(self) -> bool:
        return not self._closed and bool(self._fast.mr_hard_memory_limit_reached(self._ctx))

    def heap_stats(self) -> JSResult:
        """V8 heap statistics as JSON text. Blocks until the isolate is free."""
        raw = self._dll.mr_heap_stats(self._ctx)
        result, _ = _decode(raw)
        self._dll.mr_free_value(self._ctx, raw)
        return result

    def close(self) -> None:
        """Frees the isolate (blocking, ~1-4 ms, also when JS is stuck in a loop)."""
        with self._lock:
            if self._closed:
                return
            self._closed = True
            waiters = list(self._waiters)
            self._waiters.clear()
        self._dll.mr_free_context(self._ctx)
        for waiter in waiters:
            waiter.deliver(EngineClosed("the runtime was closed"))

    @property
    def closed(self) -> bool:
        return self._closed

    # -- internals ------------------------------------------------------------------

    def _alloc_string(self, text: str) -> ctypes._Pointer:  # type: ignore[type-arg]
        data = text.encode()
        return self._fast.mr_alloc_string_val(self._ctx, data, len(data), _T_STR)

    def _post(self, code: str, waiter: _AsyncWaiter | _BlockingWaiter) -> int:
        # The code handle stays alive until V8 answers (freed in the callback).
        waiter.code_handle = self._alloc_string(code)
        with self._lock:
            if self._closed:
                raise EngineClosed("the runtime is closed")
            # Registered before posting: V8 may answer before mr_eval returns. The
            # lock is not held across mr_eval, so V8's callback can never wait on it
            # while mr_eval waits on V8.
            self._waiters.append(waiter)
        return int(self._fast.mr_eval(self._ctx, waiter.code_handle, _EVAL_CALLBACK_ID))
