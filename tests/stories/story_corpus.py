"""Test corpus for story clustering, shared by tests/stories and
bench/cluster_bench.py.

Twelve distinct wire-style stories on overlapping topics (North Korea, China,
sanctions, missiles; two missile tests, two Chinese delegations to
Pyongyang) in tests/stories/data/*.txt (first line: headline).  Each is
carried by several outlets as the variants the issue names: a different
headline, outlet boilerplate, a paragraph cut, a light rewrite, a tracking-
parameter URL, an update with a new lead, and all edits at once.  Feed-only
outlets carry the headline and lead alone (`summaries()`).

A sample's `story` is the ground truth: the base story it was made from.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

DATA = Path(__file__).parent / "data"


@dataclass(frozen=True)
class Base:
    slug: str
    title: str
    paragraphs: tuple[str, ...]


@dataclass(frozen=True)
class Sample:
    story: str  # ground truth: the base story's slug
    variant: str
    outlet: str
    url: str
    title: str
    text: str


def bases() -> list[Base]:
    out = []
    for path in sorted(DATA.glob("*.txt")):
        title, _, body = path.read_text(encoding="utf-8").partition("\n")
        paragraphs = tuple(p.strip() for p in body.split("\n\n") if p.strip())
        out.append(Base(path.stem, title.strip(), paragraphs))
    return out


HEADER = ("By Staff Reporter | Seoul Bureau\nUpdated: 14 November 2026, 09:12 KST | 4 min read\n"
          "Share on Facebook Share on X Share by email")
FOOTER = ("Read more: North Korea latest news and analysis\n\n"
          "Sign up for our free Asia Morning newsletter and get the top stories from the region "
          "delivered to your inbox every weekday. Subscribe now.\n\n"
          "© 2026 Asia Daily Media Group. All rights reserved. This material may not be published, "
          "broadcast, rewritten or redistributed.")

# light rewrite: a few words an editor swaps
SWAPS = (("said", "stated"), ("officials", "authorities"), ("launch", "test"),
         ("also", "additionally"), ("about", "around"), ("North Korea", "the North"),
         ("would", "will"), ("United States", "US"))


def rewrite(text: str, per_word: int = 2) -> str:
    for old, new in SWAPS:
        text = re.sub(rf"\b{re.escape(old)}\b", new, text, count=per_word)
    return text


def _join(paragraphs) -> str:
    return "\n\n".join(paragraphs)


def variants(base: Base) -> list[Sample]:
    s, p = base.slug, base.paragraphs
    full = _join(p)
    cut = _join(p[:3] + p[4:])  # the fourth paragraph cut
    update = _join((f"UPDATE: Officials gave more details on {base.title.split(',')[0].lower()} late on "
                    "Tuesday, adding that a full assessment would take several days and that allies had "
                    "been briefed.",) + p[:-1])
    return [
        Sample(s, "original", "Wire Service", f"https://wire.example/{s}", base.title, full),
        Sample(s, "headline", "Daily Herald", f"https://herald.example/world/{s}-2",
               f"What we know: {base.title.split(',')[0]}", full),
        Sample(s, "boilerplate", "Asia Daily", f"https://asiadaily.example/{s}.html",
               base.title, f"{HEADER}\n\n{full}\n\n{FOOTER}"),
        Sample(s, "cut", "Evening Post", f"https://post.example/news/{s}/", base.title, cut),
        Sample(s, "rewrite", "Korea Monitor", f"https://monitor.example/{s}", base.title, rewrite(full)),
        Sample(s, "tracking", "Aggregator", f"https://www.wire.example/{s}/amp?utm_source=rss&utm_medium=feed",
               base.title, full),
        Sample(s, "update", "Wire Service", f"https://wire.example/{s}-update", f"UPDATE 1-{base.title}", update),
        Sample(s, "all-edits", "Regional Times", f"https://regional.example/{s}",
               f"Regional: {base.title.split(',')[0]}", f"{HEADER}\n\n{rewrite(cut)}\n\n{FOOTER}"),
    ]


def samples() -> list[Sample]:
    """Every full-text sample, in arrival order: all originals first, then
    each variant in turn (as copies trickle in after the wire)."""
    per_base = [variants(b) for b in bases()]
    return [group[i] for i in range(len(per_base[0])) for group in per_base]


def summaries() -> list[Sample]:
    """Feed-only outlets: headline plus lead paragraph (under min_words)."""
    out = []
    for b in bases():
        lead = b.paragraphs[0]
        out.append(Sample(b.slug, "summary", "Feed A", f"https://a.example/{b.slug}", b.title, lead))
        out.append(Sample(b.slug, "summary-boilerplate", "Feed B", f"https://b.example/{b.slug}",
                          b.title, f"{lead} Read more."))
        out.append(Sample(b.slug, "summary-rewrite", "Feed C", f"https://c.example/{b.slug}",
                          b.title, rewrite(lead, per_word=1)))
    return out


# --- scoring (shared by the tests and the bench) ------------------------------

def cluster(samples_: list[Sample], settings) -> list[int]:  # type: ignore[no-untyped-def]
    """Record the samples in order through the store's story index (a
    temporary SQLite database), as the pipeline does; each sample's story id."""
    import tempfile
    from datetime import datetime, timedelta, timezone

    from monitor.store import Store
    from monitor.stories.key import story_key
    from monitor.types import Article, FeedSpec, RecordItem

    when = datetime(2026, 11, 14, tzinfo=timezone.utc)
    with tempfile.TemporaryDirectory() as tmp:
        store = Store.open(f"sqlite:///{tmp}/corpus.db")
        try:
            store.upgrade()
            store.sync_feeds([FeedSpec(url="https://corpus.example/feed", name="Corpus",
                                       interval=timedelta(minutes=5))], when)
            feed_id = store.list_feeds()[0].id
            items = [RecordItem(Article(feed_id=feed_id, entry_key=f"k{i}", canonical_url=f"https://x.example/{i}",
                                        url=f"https://x.example/{i}", title=s.title, text=s.text, text_source="full",
                                        lang="en", source=s.outlet, tags=(), published=when, content_hash=f"h{i}"),
                                story=story_key(s.text, s.title, settings))
                     for i, s in enumerate(samples_)]
            return list(store.record(items, when, stories=settings).stories)
        finally:
            store.close()


def pairwise_scores(samples_: list[Sample], predicted: list[int]) -> tuple[float, float]:
    """Pairwise precision and recall: of the pairs put in one story, how many
    are truly one story; of the true same-story pairs, how many were joined."""
    tp = fp = fn = 0
    for i in range(len(samples_)):
        for j in range(i + 1, len(samples_)):
            same_truth = samples_[i].story == samples_[j].story
            same_pred = predicted[i] == predicted[j]
            tp += same_truth and same_pred
            fp += same_pred and not same_truth
            fn += same_truth and not same_pred
    precision = tp / (tp + fp) if tp + fp else 1.0
    recall = tp / (tp + fn) if tp + fn else 1.0
    return precision, recall
