"""outbound._Decoder and _BrotliDecoder: gzip, deflate and br inflated with bounded output, whatever a small
compressed input expands to (the host must not hold a decompression bomb at once)."""

from __future__ import annotations

import gzip
import os
import zlib

import brotli  # type: ignore[import-untyped]
import httpx
import pytest

from flow_codeblock.outbound import CHUNK_BYTES, _accept_encoding, _BrotliDecoder, _Decoder, _decoder_for

PLAIN = os.urandom(200_000) + b"0" * 3_000_000  # some entropy, then a long compressible run


def raw_deflate(data: bytes) -> bytes:
    compressor = zlib.compressobj(9, zlib.DEFLATED, -zlib.MAX_WBITS)
    return compressor.compress(data) + compressor.flush()


def inflate_all(decoder: _Decoder | _BrotliDecoder, encoded: bytes, feed: int) -> list[bytes]:
    """Feeds `encoded` `feed` bytes at a time, taking CHUNK_BYTES at most each time."""
    out = []
    for start in range(0, len(encoded), feed):
        decoder.feed(encoded[start:start + feed])
        while chunk := decoder.take(CHUNK_BYTES):
            out.append(chunk)
    return out


@pytest.mark.parametrize(("encoding", "encode"), [
    ("gzip", gzip.compress), ("x-gzip", gzip.compress), ("deflate", zlib.compress), ("deflate", raw_deflate),
    ("br", brotli.compress),
])
@pytest.mark.parametrize("feed", [1000, 65536, 10_000_000])
def test_inflates_in_bounded_chunks(encoding: str, encode: object, feed: int) -> None:
    encoded = encode(PLAIN)  # type: ignore[operator]
    decoder = _decoder_for(encoding)
    assert decoder is not None
    chunks = inflate_all(decoder, encoded, feed)
    assert max(len(c) for c in chunks) <= CHUNK_BYTES
    assert b"".join(chunks) == PLAIN
    assert not decoder.pending  # the stream ended: nothing held back


def test_identity_and_unknown_encodings_are_not_decoded() -> None:
    assert _decoder_for(None) is None
    assert _decoder_for("identity") is None
    assert _decoder_for("zstd") is None


def test_a_corrupt_brotli_body_raises() -> None:
    decoder = _decoder_for("br")
    assert decoder is not None
    decoder.feed(b"this is not brotli at all" * 4)
    with pytest.raises(brotli.error):
        decoder.take(CHUNK_BYTES)


def test_a_truncated_brotli_body_stays_pending() -> None:
    decoder = _decoder_for("br")
    assert decoder is not None
    encoded = brotli.compress(PLAIN)
    inflate_all(decoder, encoded[: len(encoded) // 2], 65536)
    assert decoder.pending  # the stream did not end: OpenBody does not call it complete


def test_a_corrupt_gzip_body_raises() -> None:
    decoder = _decoder_for("gzip")
    assert decoder is not None
    decoder.feed(b"\x1f\x8b\x08\x00garbage that is not deflate data at all")
    with pytest.raises(zlib.error):
        decoder.take(CHUNK_BYTES)


@pytest.mark.parametrize(("url", "headers", "expected"), [
    ("https://example.com/", [], [(b"accept-encoding", b"br, gzip, deflate")]),  # undici's, over https
    ("http://example.com/", [], [(b"accept-encoding", b"gzip, deflate")]),
    ("https://example.com/", [("Range", b"bytes=0-9")], [(b"accept-encoding", b"identity")]),
    ("https://example.com/", [("Accept-Encoding", b"gzip")], []),  # the code's own is kept
])
def test_accept_encoding_is_nodes(url: str, headers: list[tuple[str, bytes]], expected: object) -> None:
    assert _accept_encoding(httpx.URL(url), headers) == expected


@pytest.mark.parametrize("lgwin", range(10, 25))
def test_a_brotli_decoder_knows_its_window_from_the_first_byte(lgwin: int) -> None:
    """What OpenBody counts against FETCH_MAX_INFLIGHT_BYTES while a br body is open."""
    decoder = _BrotliDecoder()
    assert decoder.window == 0
    encoded = brotli.compress(b"0" * 100_000, lgwin=lgwin)
    decoder.feed(encoded[:1])
    decoder.feed(encoded[1:])
    assert decoder.window == 1 << lgwin
    assert b"".join(inflate_all(_BrotliDecoder(), encoded, 1000)) == b"0" * 100_000
