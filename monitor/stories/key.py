"""What the database story index stores for an article, and how a match is
chosen: pure functions, shared by the store (monitor.store.storyindex) and
the in-memory clusterer.

    key = story_key(text, title, settings)      # None: too short to compare
    key.bands       LSH band hashes (signed 64-bit, they go in a BIGINT column)
    key.signature   the MinHash values as bytes (uint32, little-endian)
    best_story(key, candidates, threshold)      # (story_id, similarity) or None

Two articles whose estimated Jaccard similarity is at or above the threshold
share at least one band with high probability (bands and rows are chosen for
the threshold, false negatives weighted 4:1); every candidate sharing a band is
then checked against the threshold itself.
"""

from __future__ import annotations

import functools
import hashlib
import sys
from array import array
from collections.abc import Iterable
from dataclasses import dataclass

from monitor.stories.settings import ClusterSettings

LSH_WEIGHTS = (0.2, 0.8)  # false positive : false negative
LSH_POINTS = 2001  # Simpson's rule points per area (odd)
# Characters of an article's text that are signed: its head says which story it
# is (a long article is ~50,000), and signing costs ~3 s per MB of text, so a
# feed built of huge texts cannot hold a CPU thread.
MAX_TEXT = 100_000


@dataclass(frozen=True)
class StoryKey:
    bands: tuple[int, ...]
    signature: bytes


@functools.cache
def lsh_params(threshold: float, num_perm: int) -> tuple[int, int]:
    """LSH bands and rows for the threshold: the (bands, rows) with bands x
    rows <= num_perm that minimise the weighted areas of false positives
    (below the threshold) and false negatives (above it) under the S-curve
    1 - (1 - s^rows)^bands, as datasketch's optimiser chooses them (it
    integrates with scipy, which this avoids importing; the areas here are
    Simpson's rule on 2,001 points, and tests/stories/test_signatures.py
    checks the choice equals datasketch's).  ~60 ms, once per setting.

    >>> lsh_params(0.4, 128)
    (31, 3)
    """
    import numpy as np

    low, high = np.linspace(0.0, threshold, LSH_POINTS), np.linspace(threshold, 1.0, LSH_POINTS)
    wrong_in, wrong_out = LSH_WEIGHTS
    best, choice = float("inf"), (0, 0)
    for bands in range(1, num_perm + 1):
        rows = np.arange(1, num_perm // bands + 1, dtype=float)[:, None]
        false_positive = _simpson(1 - (1 - low[None, :] ** rows) ** bands, low)
        false_negative = _simpson((1 - high[None, :] ** rows) ** bands, high)
        error = false_positive * wrong_in + false_negative * wrong_out
        k = int(np.argmin(error))
        if error[k] < best:
            best, choice = float(error[k]), (bands, k + 1)
    return choice


def _simpson(y, x):  # type: ignore[no-untyped-def]
    """Composite Simpson's rule along the last axis of `y` (an odd number of
    equally spaced points `x`)."""
    h = (x[-1] - x[0]) / (len(x) - 1)
    return h / 3 * (y[..., 0] + y[..., -1] + 4 * y[..., 1:-1:2].sum(axis=-1) + 2 * y[..., 2:-1:2].sum(axis=-1))


def story_key(text: str, title: str, settings: ClusterSettings) -> StoryKey | None:
    """The article's bands and signature (of its first MAX_TEXT characters), or
    None when it has too few words to compare (it then gets a story of its own).

    >>> s = ClusterSettings()
    >>> k = story_key(" ".join(f"word{i}" for i in range(80)), "T", s)
    >>> len(k.bands), len(k.signature)
    (31, 512)
    >>> story_key("Live", "", s) is None
    True
    """
    from monitor.stories.sign import signature  # numpy: loaded on first use

    minhash = signature(text[:MAX_TEXT], title, settings)
    if minhash is None:
        return None
    raw = minhash.hashvalues.astype("<u4").tobytes()
    bands, rows = lsh_params(settings.threshold, settings.num_perm)
    return StoryKey(bands=tuple(_band(i, raw[4 * i * rows:4 * (i + 1) * rows]) for i in range(bands)),
                    signature=raw)


def _band(index: int, values: bytes) -> int:
    digest = hashlib.blake2b(values, digest_size=8, person=b"band%04d" % index).digest()
    return int.from_bytes(digest, "little", signed=True)


def _values(raw: bytes) -> array:
    values = array("I", raw)  # 4-byte unsigned on every platform we run on
    if sys.byteorder == "big":
        values.byteswap()
    return values


def similarity(a: bytes, b: bytes) -> float:
    """Estimated Jaccard similarity of two signatures (share of equal values).

    >>> similarity(b"\\x01\\x00\\x00\\x00\\x02\\x00\\x00\\x00", b"\\x01\\x00\\x00\\x00\\x03\\x00\\x00\\x00")
    0.5
    """
    if len(a) != len(b) or not a:
        return 0.0
    x, y = _values(a), _values(b)
    return sum(1 for u, v in zip(x, y) if u == v) / len(x)


def best_story(key: StoryKey, candidates: Iterable[tuple[int, bytes]], threshold: float) -> tuple[int, float] | None:
    """The story of the most similar candidate (story_id, signature) at or
    above the threshold; ties go to the older (lower) story id.  All the
    candidates are compared at once (numpy); a signature of another length
    (another num_perm) never matches.

    >>> k = StoryKey((), b"\\x01\\x00\\x00\\x00")
    >>> best_story(k, [(7, b"\\x01\\x00\\x00\\x00"), (3, b"\\x01\\x00\\x00\\x00"), (2, b"\\x09\\x00\\x00\\x00")], 0.4)
    (3, 1.0)
    """
    import numpy as np

    size = len(key.signature)
    same = [(story_id, other) for story_id, other in candidates if len(other) == size]
    if not same or not size:
        return None
    values = np.frombuffer(b"".join(other for _, other in same), dtype="<u4").reshape(len(same), size // 4)
    score = (values == np.frombuffer(key.signature, dtype="<u4")).sum(axis=1) / (size // 4)
    story = np.fromiter((story_id for story_id, _ in same), dtype=np.int64, count=len(same))
    ok = score >= threshold
    if not ok.any():
        return None
    top = score[ok].max()
    return int(story[ok & (score == top)].min()), float(top)
