"""Clustering settings: one small value object, validated on construction."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from monitor.units import parse_duration

# Measured on tests/stories/story_corpus.py (bench/cluster_bench.py, docs/benchmarks.md):
# every threshold from 0.10 to 0.45 separates that corpus perfectly (precision
# and recall 1.0, full texts and feed summaries); at 0.8 recall is 0.35.
# 0.4 keeps a 0.27 margin over the closest different stories (0.13).
DEFAULT_THRESHOLD = 0.4


@dataclass(frozen=True)
class ClusterSettings:
    """How articles join a story.

    >>> ClusterSettings().window
    datetime.timedelta(days=7)
    >>> ClusterSettings(threshold=1.5)
    Traceback (most recent call last):
    ...
    ValueError: stories.threshold must be between 0.05 and 1.0 (a Jaccard similarity, e.g. 0.5), got 1.5
    """

    threshold: float = DEFAULT_THRESHOLD  # estimated Jaccard similarity of word shingles to join a story
    num_perm: int = 128  # MinHash permutations (signature length)
    shingle: int = 5  # words per shingle
    min_words: int = 50  # shorter texts are signed as title + lead
    window: timedelta = timedelta(days=7)  # how far back a copy can join a story
    min_tokens: int = 8  # fewer words than this in all (title + text): never clustered

    def __post_init__(self) -> None:
        problems = []
        if not 0.05 <= self.threshold <= 1.0:
            problems.append("stories.threshold must be between 0.05 and 1.0 "
                            f"(a Jaccard similarity, e.g. 0.5), got {self.threshold}")
        if not 16 <= self.num_perm <= 1024:
            problems.append(f"stories.num_perm must be between 16 and 1024 (e.g. 128), got {self.num_perm}")
        if not 1 <= self.shingle <= 20:
            problems.append(f"stories.shingle must be between 1 and 20 words (e.g. 5), got {self.shingle}")
        if self.min_words < 0:
            problems.append(f"stories.min_words must be 0 or more (e.g. 50), got {self.min_words}")
        if self.min_tokens < 1:
            problems.append(f"stories.min_tokens must be 1 or more (e.g. 8), got {self.min_tokens}")
        if self.window <= timedelta(0):
            problems.append(f"stories.window must be a positive duration (e.g. 7d), got {self.window}")
        if problems:
            raise ValueError("; ".join(problems))

    @classmethod
    def from_mapping(cls, data: Mapping[str, Any] | None) -> ClusterSettings:
        """Build from the config's `stories:` mapping, e.g.
        `{threshold: 0.5, window: 7d}`.  Unknown keys are errors.

        >>> ClusterSettings.from_mapping({"threshold": 0.6, "window": "3d"}).window.days
        3
        """
        data = dict(data or {})
        known = {"threshold", "num_perm", "shingle", "min_words", "window", "min_tokens"}
        unknown = sorted(set(data) - known)
        if unknown:
            raise ValueError(f"stories: unknown key(s) {', '.join(unknown)}; "
                             f"known keys are {', '.join(sorted(known))}")
        if "window" in data:
            data["window"] = parse_duration(data["window"])
        if "threshold" in data:
            data["threshold"] = float(data["threshold"])
        return cls(**data)
