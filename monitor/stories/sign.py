"""MinHash signatures of articles, and their estimated similarity.

Shingles are hashed with numpy (a rolling polynomial over CRC-32 word
hashes), not one SHA-1 call per shingle: signing a 350-word article costs
about 0.2 ms instead of 3 ms, which is what makes rebuilding the index of a
week of articles at start affordable.
"""

from __future__ import annotations

import zlib
from functools import lru_cache

import numpy as np
from datasketch import LeanMinHash, MinHash

from monitor.stories.settings import ClusterSettings
from monitor.stories.text import signed_words

SEED = 1  # every signature must use the same permutations to be comparable
SCHEME = "affine32"
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


@lru_cache(maxsize=8)
def _permutations(num_perm: int) -> np.ndarray:
    """The permutation table for `num_perm` (deterministic from SEED; cached
    because building it costs more than signing an article)."""
    return MinHash(num_perm=num_perm, seed=SEED, scheme=SCHEME).permutations


def signature(text: str, title: str, settings: ClusterSettings) -> LeanMinHash | None:
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
    a, b = _permutations(settings.num_perm)
    hashes = shingle_hashes(words, settings.shingle).reshape(-1, 1)
    values = (hashes * a + b).min(axis=0)  # affine permutations mod 2^32, as datasketch's affine32
    return LeanMinHash(seed=SEED, hashvalues=values, scheme=SCHEME)


def similarity(a: LeanMinHash, b: LeanMinHash) -> float:
    """Estimated Jaccard similarity of the two shingle sets (0.0 to 1.0)."""
    return float(a.jaccard(b))
