"""MinHash signatures of articles, and their estimated similarity.

Shingles are hashed with numpy (a rolling polynomial over CRC-32 word
hashes), not one SHA-1 call per shingle: signing a 350-word article costs
about 0.2 ms instead of 3 ms, which is what makes rebuilding the index of a
week of articles at start affordable.

The permutations are datasketch's "affine32" ones for the same seed (h ->
a*h + b mod 2^32, a odd, drawn by numpy's RandomState(SEED) as
datasketch 2 draws them), so signatures stored before stay comparable;
datasketch itself is not imported: it brings scipy, ~58 MB in the daemon's
process (tests/stories/test_signatures.py checks the tables are equal).
"""

from __future__ import annotations

import zlib
from functools import lru_cache

from dataclasses import dataclass

import numpy as np

from monitor.stories.settings import ClusterSettings
from monitor.stories.text import signed_words

SEED = 1  # every signature must use the same permutations to be comparable
_MULT = np.uint64(0x9E3779B97F4A7C15)  # odd 64-bit multiplier for the rolling hash


def shingle_hashes(words: list[str], size: int) -> np.ndarray:
    """32-bit hashes of the contiguous `size`-word shingles (a text shorter
    than `size` is one shingle).  Equal shingles give equal hashes.

    >>> h = shingle_hashes(["a", "b", "a", "b"], 2)
    >>> len(h), int(h[0]) == int(h[2]), int(h[0]) == int(h[1])
    (3, True, False)
    """
    if not words:
        return np.zeros(0, dtype=np.uint32)
    ids = np.fromiter((zlib.crc32(w.encode("utf-8")) for w in words), dtype=np.uint64, count=len(words))
    size = min(size, len(ids))
    windows = np.lib.stride_tricks.sliding_window_view(ids, size)
    acc = np.zeros(len(windows), dtype=np.uint64)
    for k in range(size):  # acc = (acc * MULT + word) mod 2^64
        acc = acc * _MULT + windows[:, k]
    folded = (acc ^ (acc >> np.uint64(29))) * _MULT
    return (folded >> np.uint64(32)).astype(np.uint32)


@dataclass(frozen=True, eq=False)
class Signature:
    """An article's MinHash: one uint32 minimum per permutation."""

    hashvalues: np.ndarray

    def jaccard(self, other: Signature) -> float:
        """The share of equal minima: the estimated Jaccard similarity."""
        if len(self.hashvalues) != len(other.hashvalues):
            raise ValueError("signatures of different lengths cannot be compared")
        return float(np.count_nonzero(self.hashvalues == other.hashvalues)) / len(self.hashvalues)


@lru_cache(maxsize=8)
def permutations(num_perm: int) -> np.ndarray:
    """The permutation table [a, b] for `num_perm` (deterministic from SEED;
    cached because building it costs more than signing an article)."""
    gen = np.random.RandomState(SEED)
    a = gen.randint(0, 1 << 31, num_perm, dtype=np.uint32) * np.uint32(2) + np.uint32(1)
    b = gen.randint(0, 1 << 32, num_perm, dtype=np.uint32)
    return np.array([a, b])


def signature(text: str, title: str, settings: ClusterSettings) -> Signature | None:
    """The MinHash of the article's word shingles (see `signed_words` for
    which words), or None when the article has too few words to compare.

    >>> s = ClusterSettings()
    >>> a = signature("one two three four five six seven eight nine", "", s)
    >>> similarity(a, signature("One, two; THREE four five six seven eight nine!", "", s))
    1.0
    >>> signature("", "Live", s) is None
    True
    """
    words = signed_words(text, title, settings)
    if not words:
        return None
    a, b = permutations(settings.num_perm)
    hashes = shingle_hashes(words, settings.shingle).reshape(-1, 1)
    values = (hashes * a + b).min(axis=0)  # affine permutations mod 2^32, as datasketch's affine32
    return Signature(values.astype(np.uint32))


def similarity(a: Signature, b: Signature) -> float:
    """Estimated Jaccard similarity of the two shingle sets (0.0 to 1.0)."""
    return a.jaccard(b)
