"""Answers too large to hold: a long body and a gzip bomb, made while they are sent.

Neither is ever whole in the stand-in's memory: the long body is sent chunk by chunk, and the
bomb is compressed from zeros one mebibyte at a time (512 MB of zeros compress to about 0.5 MB).
"""

from __future__ import annotations

import zlib
from collections.abc import Iterator

MIB = 2**20


def long_body(size: int, line: bytes = b"AAPL,Apple Inc.,Information Technology,6.5\n") -> Iterator[bytes]:
    """``size`` bytes of CSV-like lines, one mebibyte at a time."""
    chunk = line * (MIB // len(line))
    sent = 0
    while sent < size:
        part = chunk[: size - sent]
        sent += len(part)
        yield part


def gzip_bomb(decompressed: int) -> bytes:
    """A gzip stream (Content-Encoding: gzip) that unpacks to ``decompressed`` zero bytes."""
    packer = zlib.compressobj(9, zlib.DEFLATED, 31)  # wbits 31: a gzip header and trailer
    zeros = bytes(MIB)
    parts = [packer.compress(zeros) for _ in range(decompressed // MIB)]
    parts.append(packer.flush())
    return b"".join(parts)
