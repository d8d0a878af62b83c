"""The in-memory story index: MinHash LSH over the articles of the last
`window` (7 days by default).

Cost per article does not grow with the number of indexed articles: a lookup
hashes the signature's bands into the LSH tables and compares only the
candidates that share a band (see bench/cluster_bench.py).  The index is
rebuilt from the database at start (`rebuild`) and trimmed with `expire`, so
memory stays bounded by the window.
"""

from __future__ import annotations

import functools
import heapq
import itertools
import logging
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime

from datasketch import LeanMinHash, MinHashLSH
from datasketch.lsh import _optimal_param  # no public name; pinned by the tests

from monitor.stories.settings import ClusterSettings
from monitor.stories.sign import signature, similarity

log = logging.getLogger("monitor.stories")

# LSH finds candidates; each is then checked against the real threshold.
# Weighting false negatives 4:1 gives more bands, so a copy just above the
# threshold is rarely missed (a false candidate costs one comparison).
LSH_WEIGHTS = (0.2, 0.8)

IndexRow = tuple[int, str, str, str, datetime]  # (story_id, article_key, text, title, when)


@dataclass(frozen=True)
class Nearest:
    """The best near-duplicate found for an article."""

    story_id: int
    article_key: str
    similarity: float


@functools.cache
def lsh_params(threshold: float, num_perm: int) -> tuple[int, int]:
    """LSH bands and rows for the threshold.  datasketch finds them by numeric
    integration in scipy (~60 ms); one index is built per batch, so compute
    them once per setting."""
    return _optimal_param(threshold, num_perm, *LSH_WEIGHTS)


@dataclass
class _Entry:
    story_id: int
    minhash: LeanMinHash
    when: datetime


class StoryClusterer:
    """Finds the story a new article belongs to.

    Order of calls for each new article: `find` (before the store has ids),
    then the store records it, then `add` with the story the store assigned.
    """

    def __init__(self, settings: ClusterSettings | None = None) -> None:
        self.settings = settings or ClusterSettings()
        self._lsh = MinHashLSH(num_perm=self.settings.num_perm,
                               params=lsh_params(self.settings.threshold, self.settings.num_perm))
        self._entries: dict[str, _Entry] = {}
        self._expiry: list[tuple[datetime, int, str]] = []  # heap of (when, seq, key)
        self._seq = itertools.count()

    def __len__(self) -> int:
        return len(self._entries)

    # -- lookups (pure: the index is not changed) ---------------------------

    def find(self, text: str, title: str) -> int | None:
        """The story id of the most similar indexed article at or above the
        threshold, or None (a new story)."""
        best = self.nearest(text, title)
        return best.story_id if best else None

    def nearest(self, text: str, title: str) -> Nearest | None:
        minhash = signature(text, title, self.settings)
        return None if minhash is None else self._nearest(minhash)

    def _nearest(self, minhash: LeanMinHash) -> Nearest | None:
        best: Nearest | None = None
        for key in self._lsh.query(minhash):
            entry = self._entries[key]
            score = similarity(minhash, entry.minhash)
            if score < self.settings.threshold:
                continue
            if best is None or (score, -entry.story_id) > (best.similarity, -best.story_id):
                best = Nearest(entry.story_id, key, score)
        return best

    # -- changes ------------------------------------------------------------

    def add(self, story_id: int, article_key: str, text: str, title: str, when: datetime) -> None:
        """Index an article under the story the store gave it.  Adding the
        same key again replaces the earlier entry.  Articles too short to
        compare are not indexed."""
        minhash = signature(text, title, self.settings)
        if minhash is None:
            return
        self._insert(story_id, article_key, minhash, when)

    def rebuild(self, rows: Iterable[IndexRow]) -> None:
        """Replace the index with `rows` (from the store, within the window)."""
        self.clear()
        count = 0
        for story_id, key, text, title, when in rows:
            self.add(story_id, key, text, title, when)
            count += 1
        log.info("story index rebuilt: %d articles read, %d indexed", count, len(self))

    def expire(self, now: datetime) -> int:
        """Drop entries older than the window; returns how many were dropped."""
        cutoff = now - self.settings.window
        dropped = 0
        while self._expiry and self._expiry[0][0] < cutoff:
            when, _, key = heapq.heappop(self._expiry)
            entry = self._entries.get(key)
            if entry is not None and entry.when == when:  # not re-added since
                self._remove(key)
                dropped += 1
        return dropped

    def clear(self) -> None:
        for key in list(self._entries):
            self._remove(key)
        self._expiry.clear()

    def _insert(self, story_id: int, key: str, minhash: LeanMinHash, when: datetime) -> None:
        if key in self._entries:
            self._remove(key)
        self._lsh.insert(key, minhash, check_duplication=False)
        self._entries[key] = _Entry(story_id, minhash, when)
        heapq.heappush(self._expiry, (when, next(self._seq), key))

    def _remove(self, key: str) -> None:
        self._lsh.remove(key)
        del self._entries[key]


def group_batch(docs: Sequence[tuple[str, str]], settings: ClusterSettings | None = None) -> list[int]:
    """For a batch of new articles (text, title) that are not in any index
    yet, the index of the first article in the batch each one duplicates (its
    own index when it starts a group).  Pure.

    >>> text = " ".join(f"word{i}" for i in range(80))
    >>> group_batch([(text, "A"), ("something else entirely " * 5, "B"), (text, "C")])
    [0, 1, 0]
    """
    scratch = StoryClusterer(settings)
    leaders: list[int] = []
    for i, (text, title) in enumerate(docs):
        found = scratch.find(text, title)
        leader = i if found is None else found
        leaders.append(leader)
        scratch.add(leader, str(i), text, title, datetime.min)
    return leaders
