"""Capped body decoding: Content-Encoding undone with a hard limit on OUTPUT bytes.

httpx's `aiter_bytes()` inflates a whole network chunk before anyone can look
(one 64 KB gzip chunk became 67 MB), so the fetcher streams `aiter_raw()` and
feeds each raw chunk here.  Every decoder emits at most `_STEP` bytes per call
and the running total is checked after each step, so a gzip or brotli bomb
costs at most `max_bytes + _STEP` bytes of memory.

    body = CappedBody("gzip", max_bytes=10_000_000)
    body.feed(raw_chunk)      # raises TooLarge / BadEncoding
    data = body.finish()
"""

from __future__ import annotations

import zlib
from typing import Protocol

import brotli

_STEP = 64 * 1024  # output bytes produced per decompressor call


class TooLarge(Exception):
    """The body (after decompression) is larger than the configured cap."""


class BadEncoding(Exception):
    """The Content-Encoding is unknown or the compressed data is corrupt."""


class _Decoder(Protocol):
    def decode(self, data: bytes, room: int) -> bytes: ...
    def flush(self, room: int) -> bytes: ...


class _Identity:
    def decode(self, data: bytes, room: int) -> bytes:
        return data

    def flush(self, room: int) -> bytes:
        return b""


class _Zlib:
    """gzip (several members allowed) and deflate (zlib-wrapped or raw)."""

    def __init__(self, wbits: int) -> None:
        self._wbits = wbits
        self._first = True
        self._obj = zlib.decompressobj(wbits)

    def decode(self, data: bytes, room: int) -> bytes:
        out: list[bytes] = []
        produced = 0
        while data and produced <= room:
            try:
                chunk = self._obj.decompress(data, min(_STEP, room - produced + 1))
            except zlib.error as exc:
                if self._first and self._wbits == zlib.MAX_WBITS:  # "deflate" sent raw
                    self._wbits, self._obj = -zlib.MAX_WBITS, zlib.decompressobj(-zlib.MAX_WBITS)
                    continue
                raise BadEncoding(f"corrupt compressed body: {exc}") from None
            self._first = False
            out.append(chunk)
            produced += len(chunk)
            data = self._obj.unconsumed_tail
            if self._obj.eof:
                data = self._obj.unused_data
                if data and self._wbits > 16:  # another gzip member follows
                    self._obj = zlib.decompressobj(self._wbits)
                else:
                    break
            elif not chunk and data:
                break
        return b"".join(out)

    def flush(self, room: int) -> bytes:
        try:
            out = b"" if self._obj.eof else self._obj.flush()
        except zlib.error as exc:
            raise BadEncoding(f"corrupt compressed body: {exc}") from None
        if not self._obj.eof and not self._first:
            raise BadEncoding("compressed body ends early (truncated stream)")
        return out


class _Brotli:
    def __init__(self) -> None:
        self._obj = brotli.Decompressor()

    def _drain(self, data: bytes, room: int, *, final: bool) -> bytes:
        out: list[bytes] = []
        produced = 0
        try:
            chunk = self._obj.process(data, output_buffer_limit=_STEP)
            while True:
                out.append(chunk)
                produced += len(chunk)
                if produced > room or self._obj.is_finished():
                    break
                accepting = self._obj.can_accept_more_data()
                if (accepting and (not final or not chunk)) or (not accepting and not chunk):
                    break
                chunk = self._obj.process(b"", output_buffer_limit=_STEP)
        except brotli.error as exc:
            raise BadEncoding(f"corrupt brotli body: {exc}") from None
        return b"".join(out)

    def decode(self, data: bytes, room: int) -> bytes:
        return self._drain(data, room, final=False)

    def flush(self, room: int) -> bytes:
        out = self._drain(b"", room, final=True)
        if not self._obj.is_finished() and len(out) <= room:
            raise BadEncoding("brotli body ends early (truncated stream)")
        return out


def decoder(encoding: str) -> _Decoder:
    """The decoder of one Content-Encoding; BadEncoding for one we do not read."""
    name = encoding.strip().lower()
    if name in ("", "identity"):
        return _Identity()
    if name in ("gzip", "x-gzip"):
        return _Zlib(16 + zlib.MAX_WBITS)
    if name == "deflate":
        return _Zlib(zlib.MAX_WBITS)
    if name == "br":
        return _Brotli()
    raise BadEncoding(f"unsupported Content-Encoding {encoding!r} (we accept gzip, deflate, br)")


class CappedBody:
    """Accumulates a decoded body and refuses to grow past `max_bytes`."""

    def __init__(self, content_encoding: str | None, *, max_bytes: int) -> None:
        codings = [c for c in (content_encoding or "").split(",") if c.strip()]
        if len(codings) > 1:
            raise BadEncoding(f"stacked Content-Encoding {content_encoding!r} is not supported")
        self._decoder = decoder(codings[0] if codings else "")
        self._max = max_bytes
        self._raw = 0
        self._size = 0
        self._parts: list[bytes] = []

    @property
    def size(self) -> int:
        return self._size

    def _add(self, data: bytes) -> None:
        self._size += len(data)
        if self._size > self._max:
            self._parts.clear()
            after = "" if isinstance(self._decoder, _Identity) else " (after decompression)"
            raise TooLarge(f"body is larger than max_bytes={self._max}{after}")
        if data:
            self._parts.append(data)

    def feed(self, raw: bytes) -> None:
        self._raw += len(raw)
        if self._raw > self._max and not isinstance(self._decoder, _Identity):
            self._parts.clear()
            raise TooLarge(f"body is larger than max_bytes={self._max} (compressed size)")
        self._add(self._decoder.decode(raw, self._max - self._size))

    def finish(self) -> bytes:
        self._add(self._decoder.flush(self._max - self._size))
        data = b"".join(self._parts)
        self._parts = [data]
        return data
