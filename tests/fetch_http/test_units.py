"""Pure pieces of the fetcher: decoding caps, header interpretation, host limiter."""

from __future__ import annotations

import asyncio
import gzip
import zlib
from datetime import datetime, timedelta, timezone

import brotli
import pytest

from monitor.fetch.body import BadEncoding, CappedBody, TooLarge
from monitor.fetch.guard import parse_networks
from monitor.fetch.hosts import HostLimiter
from monitor.fetch.politeness import parse_max_age, parse_retry_after

NOW = datetime(2026, 1, 1, tzinfo=timezone.utc)
TEXT = b"news " * 50_000


def decode(encoding: str, data: bytes, cap: int = 10_000_000, step: int = 997) -> bytes:
    body = CappedBody(encoding, max_bytes=cap)
    for i in range(0, len(data), step):
        body.feed(data[i:i + step])
    return body.finish()


@pytest.mark.parametrize(("encoding", "packed"), [
    ("gzip", gzip.compress(TEXT)), ("deflate", zlib.compress(TEXT)), ("br", brotli.compress(TEXT)),
    ("deflate", zlib.compressobj(wbits=-15).compress(TEXT) + zlib.compressobj(wbits=-15).flush()),
    ("identity", TEXT), ("", TEXT)])
def test_decoders_round_trip(encoding: str, packed: bytes) -> None:
    if encoding == "deflate" and not packed.startswith(b"x"):  # raw deflate, as some servers send
        comp = zlib.compressobj(wbits=-15)
        packed = comp.compress(TEXT) + comp.flush()
    assert decode(encoding, packed) == TEXT


def test_concatenated_gzip_members() -> None:
    assert decode("gzip", gzip.compress(b"ab") + gzip.compress(b"cd")) == b"abcd"


@pytest.mark.parametrize(("encoding", "packed"), [("gzip", gzip.compress(bytes(20_000_000))),
                                                  ("br", brotli.compress(bytes(20_000_000), quality=1))])
def test_bomb_stops_at_the_cap(encoding: str, packed: bytes) -> None:
    with pytest.raises(TooLarge, match="after decompression"):
        decode(encoding, packed, cap=100_000, step=len(packed))


@pytest.mark.parametrize(("encoding", "packed"), [("gzip", gzip.compress(TEXT)[:-50]),
                                                  ("br", brotli.compress(TEXT)[:-4]),
                                                  ("gzip", b"not gzip at all"), ("zstd", b"x"),
                                                  ("gzip, br", b"x")])
def test_corrupt_or_unknown_encoding(encoding: str, packed: bytes) -> None:
    with pytest.raises(BadEncoding):
        decode(encoding, packed)


def test_retry_after_forms() -> None:
    assert parse_retry_after("30", NOW) == timedelta(seconds=30)
    assert parse_retry_after("Thu, 01 Jan 2026 01:00:00 GMT", NOW) == timedelta(hours=1)
    assert parse_retry_after("Wed, 31 Dec 2025 00:00:00 GMT", NOW) == timedelta(0)
    assert parse_retry_after("soon", NOW) is None and parse_retry_after(None, NOW) is None
    assert parse_retry_after("99999999999999", NOW) == timedelta(days=1)  # the one cap: 24 h


def test_freshness_headers() -> None:
    assert parse_max_age({"cache-control": "max-age=60, s-maxage=600"}, NOW) == timedelta(seconds=600)
    assert parse_max_age({"cache-control": "no-cache, max-age=60"}, NOW) is None
    assert parse_max_age({"expires": "Thu, 01 Jan 2026 00:05:00 GMT"}, NOW) == timedelta(minutes=5)
    assert parse_max_age({"expires": "0"}, NOW) is None
    assert parse_max_age({}, NOW) is None


def test_bad_allow_private_entry_names_itself() -> None:
    with pytest.raises(ValueError, match="'10.0.0.0/33' is not a CIDR"):
        parse_networks(["10.0.0.0/33"])


class FakeTime:
    def __init__(self) -> None:
        self.now = 100.0
        self.sleeps: list[float] = []

    def monotonic(self) -> float:
        return self.now

    async def sleep(self, seconds: float) -> None:
        self.sleeps.append(seconds)
        self.now += seconds


async def test_host_spacing_between_request_starts() -> None:
    clock = FakeTime()
    limiter = HostLimiter(5, 0.5, monotonic=clock.monotonic, sleep=clock.sleep)
    starts: list[tuple[str, float]] = []

    async def one(host: str) -> None:
        async with limiter.slot(host):
            starts.append((host.lower(), clock.now))

    await asyncio.gather(one("a.example"), one("A.example"), one("a.example"), one("b.example"))
    assert [t for h, t in starts if h == "a.example"] == [100.0, 100.5, 101.0]
    assert clock.sleeps == [0.5, 0.5]  # b.example never waited for a.example
    assert limiter.tracked_hosts() == 2  # both hosts' spacing still applies after the last start


async def test_per_host_concurrency() -> None:
    limiter = HostLimiter(2, 0.0)
    gate = asyncio.Event()
    inside = 0
    peak = 0

    async def one() -> None:
        nonlocal inside, peak
        async with limiter.slot("a.example"):
            inside += 1
            peak = max(peak, inside)
            await gate.wait()
            inside -= 1

    tasks = [asyncio.create_task(one()) for _ in range(5)]
    for _ in range(10):
        await asyncio.sleep(0)  # let every task run as far as it can
    assert inside == 2
    gate.set()
    await asyncio.gather(*tasks)
    assert peak == 2 and limiter.tracked_hosts() == 0
