"""A Content-Encoding decoded in bounded steps, so that a size limit counted after decompression
also stops a compression bomb without inflating it in memory."""

from __future__ import annotations

import zlib
from collections.abc import Iterator
from typing import Any

STEP = 64 * 1024  # largest piece inflated at once


class Inflater:
    """Decodes a Content-Encoding in bounded steps: never more than STEP bytes out at once."""

    def __init__(self, encoding: str) -> None:
        self.encoding = encoding
        self._d: Any = None

    def _new(self, first: bytes) -> Any:
        if self.encoding == "gzip":
            return zlib.decompressobj(16 + zlib.MAX_WBITS)
        # deflate: zlib-wrapped as the RFC says, or raw as some servers send it
        if len(first) >= 2 and (first[0] & 0x0F) == 8 and ((first[0] << 8) | first[1]) % 31 == 0:
            return zlib.decompressobj(zlib.MAX_WBITS)
        return zlib.decompressobj(-zlib.MAX_WBITS)

    def feed(self, data: bytes) -> Iterator[bytes]:
        while data:
            if self._d is None:
                self._d = self._new(data)
            out = self._d.decompress(data, STEP)
            if out:
                yield out
            while self._d.unconsumed_tail:
                out = self._d.decompress(self._d.unconsumed_tail, STEP)
                if out:
                    yield out
            data = b""
            if self._d.eof:
                data = self._d.unused_data
                if self.encoding == "gzip" and data.strip(b"\0"):
                    self._d = None  # another gzip member follows
                else:
                    data = b""

    def flush(self) -> bytes:
        return self._d.flush() if self._d is not None else b""
