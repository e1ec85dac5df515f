"""randomness.py: OS randomness read in blocks, never handed out twice, not shared
with a forked child."""

from __future__ import annotations

import os
import uuid

from flow_codeblock.randomness import random_bytes, random_uuid


def test_bytes_are_never_handed_out_twice_across_blocks() -> None:
    chunks = [random_bytes(32) for _ in range(1000)]  # ~8 blocks of 4 KiB
    assert all(len(chunk) == 32 for chunk in chunks)
    assert len(set(chunks)) == len(chunks)
    assert len(random_bytes(10_000)) == 10_000  # larger than a block


def test_uuid_is_version_4() -> None:
    ids = {random_uuid() for _ in range(500)}
    assert len(ids) == 500
    assert {uuid.UUID(i).version for i in ids} == {4}


def test_a_forked_child_does_not_reuse_the_parents_block() -> None:
    random_bytes(16)  # the parent has a block with bytes left
    read_end, write_end = os.pipe()
    pid = os.fork()
    if pid == 0:  # child: report its next bytes and leave at once
        os.write(write_end, random_bytes(32))
        os._exit(0)
    os.close(write_end)
    child = os.read(read_end, 64)
    os.close(read_end)
    os.waitpid(pid, 0)
    assert len(child) == 32
    assert child != random_bytes(32)
