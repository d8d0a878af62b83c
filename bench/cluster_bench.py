"""Story clustering benchmark (issue 6).

1. Quality: pairwise precision and recall of the story index (the store's,
   on a temporary SQLite database) on the test corpus
   (tests/stories/story_corpus.py) at several thresholds, for full texts and
   for feed-only summaries, plus the similarity margins behind the default.
2. Cost: time per article of store.record with its story lookup (signing
   included), with 1,000 and 100,000 articles already indexed in a SQLite
   file; it must stay flat.  The process's memory does not grow with the
   index (it lives in the database).

    .venv/bin/python bench/cluster_bench.py [--sizes 1000,100000] [--probe 300]
"""

from __future__ import annotations

import argparse
import random
import resource
import sys
import time
from datetime import datetime, timedelta, timezone
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import tempfile  # noqa: E402

from monitor.store import Store  # noqa: E402
from monitor.stories import ClusterSettings, normalise_words, signature, similarity  # noqa: E402
from monitor.stories.key import story_key  # noqa: E402
from monitor.types import Article, FeedSpec, RecordItem  # noqa: E402
from tests.stories import story_corpus  # noqa: E402

THRESHOLDS = (0.1, 0.2, 0.3, 0.4, 0.45, 0.5, 0.6, 0.7, 0.8, 0.9)
T0 = datetime(2026, 11, 14, tzinfo=timezone.utc)


def quality() -> None:
    full, short = story_corpus.samples(), story_corpus.summaries()
    print(f"## Quality: {len(story_corpus.bases())} stories, {len(full)} full-text samples, "
          f"{len(short)} feed summaries\n")
    print("| threshold | precision (full) | recall (full) | stories found | precision (summaries) | recall (summaries) |")
    print("|---|---|---|---|---|---|")
    for t in THRESHOLDS:
        s = ClusterSettings(threshold=t)
        pf = story_corpus.cluster(full, s)
        ps = story_corpus.cluster(short, s)
        p1, r1 = story_corpus.pairwise_scores(full, pf)
        p2, r2 = story_corpus.pairwise_scores(short, ps)
        mark = " (default)" if t == ClusterSettings().threshold else ""
        print(f"| {t}{mark} | {p1:.3f} | {r1:.3f} | {len(set(pf))} | {p2:.3f} | {r2:.3f} |")

    s = ClusterSettings()
    sig = {(x.story, x.variant): signature(x.text, x.title, s) for x in full}
    print("\nEstimated Jaccard of each copy to its original (min / mean over stories):\n")
    for variant in ("headline", "boilerplate", "cut", "rewrite", "tracking", "update", "all-edits"):
        vals = [similarity(sig[(b.slug, "original")], sig[(b.slug, variant)]) for b in story_corpus.bases()]
        print(f"- {variant}: {min(vals):.2f} / {sum(vals) / len(vals):.2f}")
    cross = max(similarity(sig[a], sig[b]) for a in sig for b in sig if a[0] != b[0])
    print(f"- highest between two different stories (any variants): {cross:.2f}\n")


def filler(n: int, vocab: list[str], rng: random.Random):  # type: ignore[no-untyped-def]
    for i in range(n):
        yield f"filler-{i}", " ".join(rng.choices(vocab, k=rng.randint(250, 450))), ""


def rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def items(feed_id: int, docs, settings: ClusterSettings) -> list[RecordItem]:  # type: ignore[no-untyped-def]
    return [RecordItem(Article(feed_id=feed_id, entry_key=key, canonical_url=f"https://b.example/{key}",
                               url=f"https://b.example/{key}", title=title, text=text, text_source="full", lang="en",
                               source="Bench", tags=(), published=T0, content_hash=key),
                       story=story_key(text, title, settings)) for key, text, title in docs]


def cost(sizes: list[int], probes: int) -> None:
    rng = random.Random(6)
    settings = ClusterSettings()
    vocab = sorted({w for s in story_corpus.samples() for w in normalise_words(s.text)})
    probe = [s for s in story_corpus.samples() if s.variant != "original"]
    print(f"## Cost per article ({probes} articles recorded one at a time with their story lookup; "
          f"SQLite file; vocabulary {len(vocab)} words, synthetic 250-450-word filler)\n")
    print("| indexed articles | fill (articles/s) | record + lookup per article (ms) | max RSS (MB) |")
    print("|---|---|---|---|")
    for n in sizes:
        with tempfile.TemporaryDirectory() as tmp:
            store = Store.open(f"sqlite:///{tmp}/bench.db")
            store.upgrade()
            store.sync_feeds([FeedSpec(url="https://b.example/rss", name="Bench", interval=timedelta(minutes=5))], T0)
            feed_id = store.list_feeds()[0].id
            docs = list(filler(n, vocab, rng))
            docs += [(f"orig-{i}", s.text, s.title) for i, s in enumerate(story_corpus.samples())
                     if s.variant == "original"]
            start = time.perf_counter()
            for chunk in range(0, len(docs), 500):
                store.record(items(feed_id, docs[chunk:chunk + 500], settings), T0, stories=settings)
            fill = len(docs) / (time.perf_counter() - start)
            start = time.perf_counter()
            for i in range(probes):
                s = probe[i % len(probe)]
                store.record(items(feed_id, [(f"probe-{i}", s.text, s.title)], settings), T0 + timedelta(hours=1),
                             stories=settings)
            per = (time.perf_counter() - start) * 1000 / probes
            store.close()
        print(f"| {n:,} | {fill:,.0f} | {per:.2f} | {rss_mb():.0f} |")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--sizes", default="1000,100000")
    parser.add_argument("--probe", type=int, default=300)
    parser.add_argument("--skip-cost", action="store_true")
    args = parser.parse_args()
    quality()
    if not args.skip_cost:
        cost([int(x) for x in args.sizes.split(",")], args.probe)


if __name__ == "__main__":
    main()
