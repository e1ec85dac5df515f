"""The V8 binding: one isolate and context, driven through mini-racer's C entry points.

mini-racer's Python layer hops through a per-context event-loop thread for every
call, which costs more CPU than the call itself (DESIGN.md section 1). This module posts
work straight to V8 (`mr_eval`) from the event loop, and V8's thread answers by writing
the result's address into an eventfd that the event loop reads (`_eventfd_callback`):
no Python runs on V8's threads, so an answer never waits for the GIL and needs no
wake-up pipe (figures: docs/performance.md, "Figures behind the code's choices"). It
depends on mini-racer internals, so the version is pinned exactly and this is the only
module that touches them.

The short calls of the request path (`mr_eval`, `mr_call_function`,
`mr_alloc_string_val`, `mr_free_value`, `mr_cancel_task`,
`mr_hard_memory_limit_reached`) go through a
`ctypes.PyDLL` handle, which keeps the GIL while they run. That is safe because, in
the pinned mini-racer (context.cc, value.cc, cancelable_task_runner.h,
isolate_object_collector.h, isolate_manager.cc), none of these calls waits for the
isolate's thread: they take short-lived mutexes (value registry, task-id map, one
task's state, the platform's task queue, the object collector) that V8's thread
holds only briefly and never while it waits for anything of ours, and termination
is V8's thread-safe TerminateExecution. Calls that do wait for the isolate's thread
(context creation and disposal, heap statistics) keep the GIL-releasing CDLL handle
and run off the event loop.

Rules that keep the results straight:
- One owner per isolate posts evals; V8 answers every posted eval exactly once (a
  cancelled eval answers "terminated"), in the order they were posted. One eval is in
  V8 at a time, so an answer belongs to the eval in flight; the next queued one is
  posted when it arrives. The exception is a pair (`call_pair`): its first call is
  posted just before the second, on a descriptor the loop does not watch, and read
  when the second's answer arrives, which V8 writes after the first's.
- Nothing here blocks the event loop: posting, cancelling and the memory flag are
  non-blocking calls; blocking calls (create, heap stats, close) run in threads.
"""

from __future__ import annotations

import asyncio
import contextlib
import ctypes
import enum
import os
import select
import sys
import threading
from collections import deque
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Final, TypeAlias, cast

import orjson
from py_mini_racer import _dll as _mr_dll  # pinned internals, see module docstring
from py_mini_racer import init_mini_racer

from .bridge import NOTIFY_FUNCTION  # the doorbell's name (a leaf module: no cycle)

__all__ = [
    "EngineClosed",
    "EngineStart",
    "Isolate",
    "JSResult",
    "ResultKind",
    "background_supported",
    "engine_start",
    "enter_background",
    "init_engine",
    "v8_version",
]

# Value type tags of mini-racer's BinaryValue (mini_racer.cc), pinned with the version.
_T_NULL, _T_BOOL, _T_INT, _T_DOUBLE, _T_STR = 1, 2, 3, 4, 5
_T_UNDEFINED: Final = 11
_T_EXECUTE_EXC, _T_PARSE_EXC, _T_OOM_EXC = 200, 201, 202
_T_TIMEOUT_EXC, _T_TERMINATED_EXC = 203, 204
_T_VALUE_EXC, _T_KEY_EXC = 205, 206
_OBJECT_TYPES: Final = frozenset({6, 7, 9, 10, 100, 101, 102, 103})
# A handle to one of mini-racer's BinaryValues (its pinned internals' struct).
_Handle: TypeAlias = "ctypes._Pointer[_mr_dll._RawValue]"


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


@dataclass(frozen=True, slots=True)
class EngineStart:
    """The process-wide V8 flags V8 was initialised with, and in which process: a
    forked child has the parent's V8 without its threads."""

    flags: tuple[str, ...]
    pid: int


class EngineClosed(RuntimeError):
    """The isolate was closed while an eval was outstanding."""


_init_lock = threading.Lock()
_dll: ctypes.CDLL | None = None
_gil_dll: ctypes.PyDLL | None = None  # the same library; calls keep the GIL (docstring)
_callback: ctypes._CFunctionType | None = None  # every context's callback (_eventfd_callback)
_start: EngineStart | None = None  # how and where V8 was initialised (engine_start)
_GIL_KEEPING: Final = ("mr_eval", "mr_call_function", "mr_alloc_string_val", "mr_free_value",
                       "mr_cancel_task", "mr_hard_memory_limit_reached", "mr_soft_memory_limit_reached")


def init_engine(flags: Iterable[str]) -> ctypes.CDLL:
    """Initialise V8 once per process with `flags` (process-wide, set once).

    Call it on the main thread: V8 first initialised on a thread that later exits
    makes later isolates crash (DESIGN.md section 1). Later calls return the handle
    and ignore their flags.
    """
    global _dll, _gil_dll, _callback, _start
    with _init_lock:
        if _dll is None:
            flags = tuple(flags)
            dll = init_mini_racer(flags=flags, ignore_duplicate_init=True)
            _warm_up(dll)
            _gil_dll = _gil_keeping(dll)
            _callback = _eventfd_callback()
            _start = EngineStart(flags, os.getpid())
            _dll = dll
        return _dll


def engine_start() -> EngineStart | None:
    """The flags and process of V8's initialisation; None before init_engine."""
    return _start


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
    runtimes on several threads at once: V8 finishes parts of its process-wide set-up
    (PartitionAlloc's configurable pool) on the first isolate, and that set-up must not
    race (the abort it once caused: docs/performance.md, "Figures behind the code's choices")."""
    noop = _mr_dll.mr_callback_func(lambda callback_id, raw: None)
    ctx = dll.mr_init_context(noop)
    dll.mr_free_context(ctx)


def v8_version() -> str:
    if _dll is None:
        raise RuntimeError("init_engine() has not been called")
    return str(_dll.mr_v8_version().decode())


def _decode(raw: _Handle) -> tuple[JSResult, bool]:
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
    __slots__ = ("code", "code_handle", "function", "future", "loop", "task_id")

    def __init__(self, loop: asyncio.AbstractEventLoop, code: str, function: _Handle | None = None) -> None:
        self.loop = loop
        self.code = code  # the script, or the `this` text of a call of `function`
        self.function = function
        self.code_handle: _Handle | None = None
        self.task_id: int | None = None  # V8's task id once posted
        self.future: asyncio.Future[JSResult] = loop.create_future()

    def deliver(self, result: JSResult | BaseException) -> None:
        """On the event loop's thread."""
        _settle(self.future, result)

    def deliver_threadsafe(self, result: JSResult | BaseException) -> None:
        with contextlib.suppress(RuntimeError):  # loop closed during shutdown: nobody is waiting
            self.loop.call_soon_threadsafe(_settle, self.future, result)


def _settle(future: asyncio.Future[JSResult], result: JSResult | BaseException) -> None:
    if future.done():
        return
    if isinstance(result, BaseException):
        future.set_exception(result)
    else:
        future.set_result(result)


def _eventfd_callback() -> ctypes._CFunctionType:
    """libc's `eventfd_write(int fd, uint64_t value)` as mini-racer's callback
    `void (*)(uint64_t callback_id, BinaryValueHandle* value)`: with the callback id
    set to an eventfd, V8's thread adds the result's address to that eventfd's
    counter and returns, without Python, the GIL or a wake-up pipe. The two
    signatures pass the same registers on every System V ABI (an integer and a
    64-bit integer; the int result is ignored). The reader side keeps one value per
    eventfd in flight, so the counter holds exactly the address (see Isolate)."""
    libc = ctypes.CDLL(None, use_errno=True)
    return ctypes.cast(libc.eventfd_write, _mr_dll.MR_CALLBACK)


class Isolate:
    """One V8 isolate with one context and a hard heap limit.

    Results come back through two eventfds that V8's thread writes directly (see
    `_eventfd_callback`); the event loop reads them:
    - `_result_fd` carries eval results. One eval is in V8 at a time: later ones
      wait in `_queue` and are posted when the one before answers, so the counter
      never sums two addresses.
    - `_quiet_fd` carries the answer of a pair's first call, which waits there
      unwatched until the second's answer wakes the loop (`call_pair`): two calls
      for one wake-up of each thread. A thread that sleeps costs a wake-up, ~0.1-0.2 ms
      on this kind of machine, each time another thread hands it work.
    - `_notify_fd` is rung by `globalThis.__flowNotify` (JavaScript asking the host
      for attention): `on_notify` is then called on the event loop. JavaScript rings
      it at most once until the host acknowledges having read it (`notify_ack`,
      passed into the next host entry point; js/lib/internal/execution.js), so it
      too holds one address. Its value, the call's argument array, is only freed,
      never read, so even a broken promise could not make us dereference a sum.

    The set-up path (`eval_blocking`, before the first `eval`) reads the result fd
    in the calling thread instead.
    """

    def __init__(
        self,
        *,
        heap_limit_bytes: int,
        loop: asyncio.AbstractEventLoop | None,
        on_notify: Callable[[], None] | None = None,
    ) -> None:
        if _dll is None or _gil_dll is None or _callback is None:
            raise RuntimeError("init_engine() has not been called")
        self._dll = _dll
        self._fast = _gil_dll
        self._loop = loop
        self._on_notify = on_notify
        self._inflight: _AsyncWaiter | _BlockingWaiter | None = None
        self._quiet: _AsyncWaiter | None = None  # a pair's first call, posted just before _inflight
        self._queue: deque[_AsyncWaiter] = deque()
        self._lock = threading.Lock()
        self._closed = False
        self._broken = False  # an answer came out of order: nothing more may be posted
        self._attached = False  # the loop reads the eventfds
        self._watching_quiet = False  # the loop reads _quiet_fd too (a pair's first call was cancelled)
        self._notified = False  # a notification was read and not yet acknowledged
        self._result_fd = os.eventfd(0, os.EFD_NONBLOCK | os.EFD_CLOEXEC)
        self._quiet_fd = os.eventfd(0, os.EFD_NONBLOCK | os.EFD_CLOEXEC)
        self._notify_fd = os.eventfd(0, os.EFD_NONBLOCK | os.EFD_CLOEXEC)
        try:
            self._ctx, self._background_tid = _create_context(self._dll)
        except BaseException:
            for fd in (self._result_fd, self._quiet_fd, self._notify_fd):
                os.close(fd)
            raise
        # A heap limit before anything runs: without one a heap bomb aborts the process.
        self._dll.mr_set_hard_memory_limit(self._ctx, heap_limit_bytes)
        # The hard limit counts garbage too (mini-racer checks the used size after any GC,
        # minor ones included): the soft limit flags a heap worth a full GC (collect_garbage).
        self._heap_limit = heap_limit_bytes
        self._dll.mr_set_soft_memory_limit(self._ctx, heap_limit_bytes // 2)
        self._install_notify()
        # The argument list of every `call`: an array no script can reach.
        self._no_args = self.keep("[]")

    # -- set-up (blocking, call from a worker thread) ---------------------------------

    def _install_notify(self) -> None:
        notify_fn = self._dll.mr_make_js_callback(self._ctx, self._notify_fd)
        global_obj = self._eval_handle("globalThis")
        key = self._alloc_string(NOTIFY_FUNCTION)
        status = self._dll.mr_set_object_item(self._ctx, global_obj, key, notify_fn)
        for handle in (status, key, global_obj, notify_fn):
            self._dll.mr_free_value(self._ctx, handle)

    def eval_blocking(self, code: str, timeout: float | None = None) -> JSResult:
        """Evaluates `code`, blocking the calling thread (set-up paths only: before
        the first `eval`, which hands the result fd to the event loop)."""
        raw = self._wait_raw(code, timeout)
        result, _ = _decode(raw)
        self._fast.mr_free_value(self._ctx, raw)
        return result

    def _eval_handle(self, code: str) -> _Handle:
        """The raw result of `code` (an object handle the caller frees)."""
        return self._wait_raw(code, 5.0)

    def keep(self, code: str) -> _Handle:
        """A handle to the object `code` evaluates to, for `call`; it lives as long as
        the isolate (freed with the context). Set-up path, like `eval_blocking`."""
        raw = self._eval_handle(code)
        if raw.contents.type in _ERROR_KINDS:
            message, _ = _decode(raw)
            self._fast.mr_free_value(self._ctx, raw)
            raise RuntimeError(f"set-up eval failed: {message.text}")
        return raw

    def _wait_raw(self, code: str, timeout: float | None) -> _Handle:
        waiter = _BlockingWaiter(code)
        with self._lock:
            if self._closed:
                raise EngineClosed("the runtime is closed")
            if self._attached or self._inflight is not None:
                raise RuntimeError("eval_blocking is for set-up, before the first eval")
            self._inflight = waiter
            self._post(waiter)
        ready, _, _ = select.select([self._result_fd], [], [], timeout)
        if not ready:
            raise TimeoutError("V8 did not answer in time")
        raw = _read_address(self._result_fd)
        with self._lock:
            self._inflight = None
            self._fast.mr_free_value(self._ctx, waiter.code_handle)
        return raw

    # -- the request path (event loop) ---------------------------------------------

    def eval(self, code: str) -> tuple[_AsyncWaiter, asyncio.Future[JSResult]]:
        """Posts `code`; returns a ticket (for `cancel`) and a future of its result.
        Call on the event loop's thread."""
        if self._loop is None:
            raise RuntimeError("this isolate has no event loop")
        return self._submit(_AsyncWaiter(self._loop, code))

    def call(self, function: _Handle, this_text: str) -> tuple[_AsyncWaiter, asyncio.Future[JSResult]]:
        """Calls `function` (from `keep`) with `this` = `this_text` and no arguments:
        no script to compile, so a call costs less than an eval of the same work
        (the text can be long: an execution's input). Call on the event loop's thread."""
        if self._loop is None:
            raise RuntimeError("this isolate has no event loop")
        return self._submit(_AsyncWaiter(self._loop, this_text, function))

    def call_pair(self, function: _Handle, first_text: str, second_text: str) -> tuple[
            tuple[_AsyncWaiter, asyncio.Future[JSResult]], tuple[_AsyncWaiter, asyncio.Future[JSResult]]]:
        """Two calls of `function`, the second posted right behind the first before it
        answers: V8's thread runs both in one wake-up, and only the second's answer wakes
        the event loop (the first's is read with it). Both futures are set together, the
        first's first; the first's ticket is cancelled and times out like any. With
        other calls in flight or queued, the two queue like any two calls."""
        if self._loop is None:
            raise RuntimeError("this isolate has no event loop")
        first = _AsyncWaiter(self._loop, first_text, function)
        second = _AsyncWaiter(self._loop, second_text, function)
        with self._lock:
            self._open()
            if self._inflight is None and not self._queue:
                self._quiet = first
                self._post(first, self._quiet_fd)
                self._inflight = second
                self._post(second)
            else:
                self._queue.extend((first, second))
        return (first, first.future), (second, second.future)

    def _submit(self, waiter: _AsyncWaiter) -> tuple[_AsyncWaiter, asyncio.Future[JSResult]]:
        with self._lock:
            self._open()
            if self._inflight is None:
                self._inflight = waiter
                self._post(waiter)
            else:
                self._queue.append(waiter)
        return waiter, waiter.future

    def _open(self) -> None:
        """Under the lock, before posting: refuses a closed (or broken) isolate, and has
        the loop read the eventfds from the first call on."""
        if self._closed or self._broken:
            raise EngineClosed("the runtime is closed")
        if not self._attached:
            self._attach()

    def notify_ack(self) -> int:
        """1 when a notification was read since the last call (JavaScript may ring
        again once told), else 0. Passed into the next host entry point."""
        if self._notified:
            self._notified = False
            return 1
        return 0

    def cancel(self, ticket: _AsyncWaiter) -> None:
        """Terminates the eval of `ticket` if it is still running (no-op otherwise);
        one still queued is answered TERMINATED without running. A pair's first call
        that has answered, unread, is delivered now instead (what keeps V8 busy is what
        came after it)."""
        with self._lock:
            if self._closed:
                return
            if ticket is self._quiet:
                answer = self._read_quiet(ticket)
                if answer is None:
                    self._fast.mr_cancel_task(self._ctx, ticket.task_id)
                    # Its answer may now come while the second call cannot run (V8 stays in
                    # the code's microtasks): from here on the loop watches for it.
                    self._watch_quiet()
                    return
                self._quiet = None
                self._unwatch_quiet()
            elif ticket is self._inflight:
                self._fast.mr_cancel_task(self._ctx, ticket.task_id)
                return
            else:
                try:
                    self._queue.remove(ticket)
                except ValueError:
                    return
                answer = JSResult(ResultKind.TERMINATED, "cancelled before it started")
        ticket.deliver(answer)

    def memory_limit_reached(self) -> bool:
        return not self._closed and bool(self._fast.mr_hard_memory_limit_reached(self._ctx))

    def garbage_pressure(self) -> bool:
        """Whether the last GC left more in the heap than the soft limit: live objects or
        garbage that minor GCs do not reach, which a later execution would be charged for."""
        return not self._closed and bool(self._fast.mr_soft_memory_limit_reached(self._ctx))

    def collect_garbage(self) -> int:
        """A full GC; returns the live heap size after it, and moves the soft limit halfway
        between that and the hard limit, so a runtime whose modules keep a large live heap
        is not collected after every execution. Blocks until the isolate is free."""
        self._dll.mr_low_memory_notification(self._ctx)
        result = self.heap_stats()
        used = int(orjson.loads(result.text).get("used_heap_size", 0)) if result.text else 0
        self._dll.mr_set_soft_memory_limit(self._ctx, used + max(0, self._heap_limit - used) // 2)
        return used

    def heap_stats(self) -> JSResult:
        """V8 heap statistics as JSON text. Blocks until the isolate is free."""
        raw = self._dll.mr_heap_stats(self._ctx)
        result, _ = _decode(raw)
        self._dll.mr_free_value(self._ctx, raw)
        return result

    def close(self) -> None:
        """Frees the isolate (blocking, ~1-4 ms, also when JS is stuck in a loop).
        Call it off the event loop."""
        with self._lock:
            if self._closed:
                return
            self._closed = True
            waiters = [w for w in (self._quiet, self._inflight, *self._queue) if w is not None]
            self._inflight = self._quiet = None
            self._queue.clear()
        # Joins V8's thread: no callback writes the eventfds after this returns.
        self._dll.mr_free_context(self._ctx)
        for waiter in waiters:
            if isinstance(waiter, _AsyncWaiter):
                waiter.deliver_threadsafe(EngineClosed("the runtime was closed"))
        self._close_fds()

    @property
    def closed(self) -> bool:
        return self._closed

    def promote(self) -> bool:
        """Moves V8's thread of an isolate built in the background (enter_background) to
        the policy of every serving isolate, SCHED_BATCH. True when it is there (or was
        never in the background); False if the kernel refused."""
        tid, self._background_tid = self._background_tid, None
        if tid is None:
            return True
        try:
            os.sched_setscheduler(tid, os.SCHED_BATCH, os.sched_param(0))
        except OSError:
            return False
        return True

    # -- internals ------------------------------------------------------------------

    def _attach(self) -> None:
        assert self._loop is not None
        self._loop.add_reader(self._result_fd, self._on_result)
        self._loop.add_reader(self._notify_fd, self._on_notification)
        self._attached = True

    def _close_fds(self) -> None:
        """The loop's readers go first, on the loop, so that no reader ever reads a
        descriptor number that was closed and reused."""
        fds = (self._result_fd, self._quiet_fd, self._notify_fd)
        if not self._attached or self._loop is None:
            for fd in fds:
                os.close(fd)
            return

        loop = self._loop

        def detach() -> None:
            self._watching_quiet = False  # a later _unwatch_quiet must not touch a reused number
            for fd in fds:
                loop.remove_reader(fd)
                os.close(fd)

        try:
            loop.call_soon_threadsafe(detach)
        except RuntimeError:  # the loop is closed: its selector no longer reads them
            for fd in fds:
                os.close(fd)

    def _on_result(self) -> None:
        """Event loop: V8 answered the eval in flight."""
        try:
            raw = _read_address(self._result_fd)
        except BlockingIOError:
            return
        with self._lock:
            if self._closed:  # the context is gone with everything it answered
                return
            waiter = self._inflight
            assert isinstance(waiter, _AsyncWaiter)
            quiet, self._quiet = self._quiet, None
            self._unwatch_quiet()
            quiet_result = None if quiet is None else self._read_quiet(quiet)
            if quiet is not None and quiet_result is None:
                # Cannot happen (V8 wrote it before this one). Should its answer come later it
                # would add to the next pair's in the counter: no more calls here. Its code
                # handle may still be in V8's hands: the context frees it when it closes.
                self._broken = True
                quiet_result = JSResult(ResultKind.ENGINE_ERROR, "a paired call was answered out of order")
            result = self._answer_of(waiter, raw)
            self._inflight = None
            if self._queue:
                self._inflight = self._queue.popleft()
                self._post(self._inflight)
        if quiet is not None and quiet_result is not None:
            quiet.deliver(quiet_result)
        waiter.deliver(result)

    def _watch_quiet(self) -> None:
        """Under the lock, on the loop's thread."""
        if self._loop is not None and not self._watching_quiet:
            self._loop.add_reader(self._quiet_fd, self._on_quiet)
            self._watching_quiet = True

    def _unwatch_quiet(self) -> None:
        """Under the lock, on the loop's thread."""
        if self._watching_quiet:
            assert self._loop is not None
            self._loop.remove_reader(self._quiet_fd)
            self._watching_quiet = False

    def _on_quiet(self) -> None:
        """Event loop: the answer of a cancelled pair's first call, come on its own."""
        with self._lock:
            if self._closed:
                self._unwatch_quiet()  # readable until the close detaches it: stop the loop calling
                return
            waiter = self._quiet
            answer = None if waiter is None else self._read_quiet(waiter)
            if waiter is not None and answer is None:
                return  # not yet: keep watching
            self._quiet = None
            self._unwatch_quiet()
        if waiter is not None and answer is not None:
            waiter.deliver(answer)

    def _read_quiet(self, waiter: _AsyncWaiter) -> JSResult | None:
        """Under the lock: the answer of a pair's first call, None while V8 has not
        written it."""
        try:
            raw = _read_address(self._quiet_fd)
        except BlockingIOError:
            return None
        return self._answer_of(waiter, raw)

    def _answer_of(self, waiter: _AsyncWaiter, raw: _Handle) -> JSResult:
        """Under the lock: decodes `raw`, then frees it and the waiter's code handle."""
        result, _ = _decode(raw)
        if (result.kind is ResultKind.EXCEPTION and waiter.function is not None
                and self._fast.mr_hard_memory_limit_reached(self._ctx)):
            # A call stopped by the heap limit reports an exception (an eval
            # reports out-of-memory itself).
            result = JSResult(ResultKind.OUT_OF_MEMORY, "")
        self._fast.mr_free_value(self._ctx, raw)
        self._fast.mr_free_value(self._ctx, waiter.code_handle)
        return result

    def _on_notification(self) -> None:
        """Event loop: JavaScript called __flowNotify."""
        try:
            raw = _read_address(self._notify_fd)
        except BlockingIOError:
            return
        with self._lock:
            if self._closed:
                return
            # The argument array: freed, never read (a handle the registry does not
            # know is ignored by mr_free_value).
            self._fast.mr_free_value(self._ctx, raw)
            self._notified = True
        if self._on_notify is not None:
            self._on_notify()

    def _alloc_string(self, text: str) -> _Handle:
        data = text.encode()
        return cast(_Handle, self._fast.mr_alloc_string_val(self._ctx, data, len(data), _T_STR))

    def _post(self, waiter: _AsyncWaiter | _BlockingWaiter, fd: int | None = None) -> None:
        """Under the lock. The code handle stays alive until V8 answers, on `fd`
        (the result descriptor unless given)."""
        waiter.code_handle = handle = self._alloc_string(waiter.code)
        function = waiter.function
        fd = self._result_fd if fd is None else fd
        if function is None:
            task_id = self._fast.mr_eval(self._ctx, handle, fd)
        else:
            task_id = self._fast.mr_call_function(self._ctx, function, handle, self._no_args, fd)
        waiter.task_id = int(task_id)


class _BlockingWaiter:
    """An eval of the set-up path (always an eval, never a call)."""

    __slots__ = ("code", "code_handle", "task_id")
    function: None = None

    def __init__(self, code: str) -> None:
        self.code = code
        self.code_handle: _Handle | None = None
        self.task_id: int | None = None


def _read_address(fd: int) -> _Handle:
    """The value handle whose address V8's thread added to eventfd `fd`."""
    address = int.from_bytes(os.read(fd, 8), sys.byteorder)
    return ctypes.cast(address, _mr_dll.RawValueHandle)


def _create_context(dll: ctypes.CDLL) -> tuple[int, int | None]:
    """mr_init_context, with the calling thread in SCHED_BATCH meanwhile: the
    isolate's thread, created inside, inherits the policy, so that posting work to
    it does not make the kernel switch to it at once, preempting the event loop.

    From a thread in the background (enter_background) the isolate's thread inherits
    SCHED_IDLE instead, and its id is returned, for Isolate.promote once it serves."""
    try:
        policy = os.sched_getscheduler(0)
        param = os.sched_getparam(0)
    except (AttributeError, OSError):
        return int(dll.mr_init_context(_callback)), None
    if policy == os.SCHED_IDLE:
        ctx, tid = _create_in_background(dll)
        if tid is not None:
            return ctx, tid
        dll.mr_free_context(ctx)  # its thread could not be told apart: build it as usual
    try:
        os.sched_setscheduler(0, os.SCHED_BATCH, os.sched_param(0))
    except OSError:
        return int(dll.mr_init_context(_callback)), None
    try:
        return int(dll.mr_init_context(_callback)), None
    finally:
        with contextlib.suppress(OSError):
            os.sched_setscheduler(0, policy, param)


_CREATING_IN_BACKGROUND = threading.Lock()


def _create_in_background(dll: ctypes.CDLL) -> tuple[int, int | None]:
    """mr_init_context starts the isolate's thread: it is the thread that appeared
    meanwhile in SCHED_IDLE (a thread another part of the process starts at the same
    time inherits its own creator's policy; two background creations take turns)."""
    with _CREATING_IN_BACKGROUND:
        before = set(os.listdir("/proc/self/task"))
        ctx = int(dll.mr_init_context(_callback))
        started = set(os.listdir("/proc/self/task")) - before
    idle = []
    for name in started:
        with contextlib.suppress(OSError):
            if os.sched_getscheduler(int(name)) == os.SCHED_IDLE:
                idle.append(int(name))
    return ctx, idle[0] if len(idle) == 1 else None


def enter_background() -> None:
    """Puts the calling thread in SCHED_IDLE: it gets a core only when no other thread
    of the machine wants it, and so does V8's thread of every isolate it creates, until
    Isolate.promote. The pool builds runtimes for growth and replacement this way, so
    that bootstrapping and warming them (~60 ms of CPU each with lodash) never takes a
    core from a request (docs/performance.md, "Thirteenth session"). A thread in
    SCHED_IDLE stays there: use a thread that only builds."""
    os.sched_setscheduler(0, os.SCHED_IDLE, os.sched_param(0))


def background_supported() -> bool:
    """Whether a thread may leave SCHED_IDLE for SCHED_BATCH here: without CAP_SYS_NICE
    the kernel allows it only when RLIMIT_NICE permits nice 0 (sched(7)), and an isolate
    that could not be promoted would serve at idle priority. Tried on a throwaway thread."""
    outcome: list[bool] = []

    def attempt() -> None:
        try:
            enter_background()
            os.sched_setscheduler(0, os.SCHED_BATCH, os.sched_param(0))
            outcome.append(True)
        except (AttributeError, OSError):
            outcome.append(False)

    thread = threading.Thread(target=attempt, name="sched-probe")
    thread.start()
    thread.join()
    return outcome == [True]
