"""Operating-system randomness, read in blocks.

Every execution needs 32 random bytes (they key the JavaScript CSPRNG behind
crypto.randomBytes and friends, js/lib/internal/random.js) and 16 for its id. One
`getrandom` system call per need cost ~10% of a loaded worker's event-loop time:
each system call is a point where the kernel may switch to a busy V8 thread.
Reading 4 KiB at a time keeps the source (`os.urandom`) and makes that one call
per ~80 executions. Bytes are handed out once; a forked child starts a block of
its own (the pid is checked), so two processes never share bytes.
"""

from __future__ import annotations

import os
import uuid

__all__ = ["random_bytes", "random_uuid"]

_BLOCK = 4096
_buffer = b""
_offset = 0
_pid = -1


def random_bytes(count: int) -> bytes:
    """`count` bytes from os.urandom, never handed out twice."""
    global _buffer, _offset, _pid
    if _pid != os.getpid() or _offset + count > len(_buffer):
        _buffer, _offset, _pid = os.urandom(max(_BLOCK, count)), 0, os.getpid()
    start, _offset = _offset, _offset + count
    return _buffer[start:_offset]


def random_uuid() -> str:
    """A version 4 UUID as text (what uuid.uuid4() gives, from the block)."""
    return str(uuid.UUID(bytes=random_bytes(16), version=4))
