"""Story clustering benchmark (issue 6).

1. Quality: pairwise precision and recall of the story index (the store's,
   on a temporary SQLite database) on the test corpus
   (tests/stories/story_corpus.py) at several thresholds, for full texts and
   for feed-only summaries, plus the similarity margins behind the default.
2. Big stories (issue 17): the store's stories against the ground truth and
   against an exhaustive reference (every earlier article sharing a band
   compared, computed here with numpy) on two streams where stories have
   hundreds of members: copies of the corpus's stories with random edits
   (one story carried 400 times), and the pipeline bench's pages (mixes of
   one seed's paragraphs, where most articles share bands), with the
   signatures compared per article and the time per article.
3. Cost: time per article of store.record with its story lookup (signing
   included), with 1,000 and 100,000 articles already indexed in a SQLite
   file; it must stay flat.  The process's memory does not grow with the
   index (it lives in the database).

    .venv/bin/python bench/cluster_bench.py [--sizes 1000,100000] [--probe 300] [--skip-big] [--skip-cost]
"""

from __future__ import annotations

import argparse
import math
import random
import resource
import sys
import time
from datetime import datetime, timedelta, timezone
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(Path(__file__).resolve().parent))  # pipeline_bench

import tempfile  # noqa: E402

from monitor.store import Store  # noqa: E402
from monitor.stories import ClusterSettings, normalise_words, signature, similarity  # noqa: E402
from monitor.store import storyindex  # noqa: E402
from monitor.stories.key import StoryKey, lsh_params, story_key  # noqa: E402
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


OUTLETS = ("Daily Herald", "Asia Daily", "Evening Post", "Korea Monitor", "Regional Times", "Metro", "Courier",
           "Gazette", "Observer", "Tribune")
STORY_SIZES = (400, 150, 80, 40, 20, 10, 6, 4, 3, 2, 2, 1)  # copies per corpus story, largest first


def edited_copy(base: story_corpus.Base, rng: random.Random) -> tuple[str, str]:
    """(title, text) of one outlet's copy: any of a new headline, the outlet's
    boilerplate, a paragraph cut, a light rewrite, an update lead."""
    outlet = rng.choice(OUTLETS)
    paragraphs = list(base.paragraphs)
    if rng.random() < 0.5 and len(paragraphs) > 3:
        del paragraphs[rng.randrange(1, len(paragraphs))]
    if rng.random() < 0.2:
        paragraphs.insert(0, f"UPDATE: {outlet} has more details on {base.title.split(',')[0].lower()}.")
    text = "\n\n".join(paragraphs)
    if rng.random() < 0.3:
        text = story_corpus.rewrite(text, per_word=rng.randint(1, 3))
    if rng.random() < 0.5:
        text = f"By {outlet} staff\n\n{text}\n\nRead more from {outlet}. Sign up for the {outlet} newsletter."
    title = base.title if rng.random() < 0.5 else f"{outlet}: {base.title.split(',')[0]}"
    return title, text


def wire_stream(rng: random.Random) -> tuple[list[tuple[str, str]], list[str]]:
    """Each corpus story's original, then its copies, interleaved at random:
    the (title, text) of each article and its true story."""
    queues = [[(b.title, "\n\n".join(b.paragraphs))] + [edited_copy(b, rng) for _ in range(n - 1)]
              for b, n in zip(story_corpus.bases(), STORY_SIZES)]
    slugs = [b.slug for b in story_corpus.bases()]
    docs, truth = [], []
    while any(queues):
        k = rng.choices(range(len(queues)), weights=[len(q) for q in queues])[0]
        docs.append(queues[k].pop(0))
        truth.append(slugs[k])
    return docs, truth


def farm_stream(n: int) -> list[tuple[str, str]]:
    """The pipeline bench's pages as text (its article_parts)."""
    from pipeline_bench import article_parts

    return [(title, "\n\n".join(paragraphs)) for title, paragraphs in map(article_parts, range(n))]


def exhaustive(keys: list[StoryKey | None], threshold: float) -> list[int]:
    """The reference: each article compared with every earlier one sharing a
    band; it joins the most similar at or above the threshold (ties: the
    older story), or starts a story."""
    import numpy as np

    valid = [k for k in keys if k is not None]
    sigs = np.array([np.frombuffer(k.signature, "<u4") for k in valid])
    bands = np.array([k.bands for k in valid])
    stories, out, row, next_story = np.zeros(len(valid), dtype=np.int64), [], 0, 1
    for k in keys:
        if k is None:
            out.append(next_story)
            next_story += 1
            continue
        i = row
        shared = (bands[:i] == bands[i]).any(axis=1)
        score = (sigs[:i] == sigs[i]).sum(axis=1)
        score[~shared] = -1
        ok = score >= math.ceil(threshold * sigs.shape[1] - 1e-9)
        if ok.any():
            best = score[ok].max()
            story = int(stories[:i][ok & (score == best)].min())
        else:
            story, next_story = next_story, next_story + 1
        stories[i] = story
        out.append(story)
        row += 1
    return out


def pair_scores(truth: list, predicted: list) -> tuple[float, float]:  # type: ignore[type-arg]
    """Pairwise precision and recall of `predicted` against `truth` (counted
    from the contingency table: fine for thousands of articles)."""
    from collections import Counter

    def pairs(counts: Counter) -> int:  # type: ignore[type-arg]
        return sum(n * (n - 1) // 2 for n in counts.values())

    both, pred, true = pairs(Counter(zip(truth, predicted))), pairs(Counter(predicted)), pairs(Counter(truth))
    return (both / pred if pred else 1.0), (both / true if true else 1.0)


def record_stream(docs: list[tuple[str, str]], settings: ClusterSettings, batch: int = 20):  # type: ignore[no-untyped-def]
    """Record the stream in feed-sized batches through a SQLite store: each
    article's story, the signatures compared per article, ms per article."""
    compared: list[int] = []
    real = storyindex.candidates

    def counting(*args, **kwargs):  # type: ignore[no-untyped-def]
        found = real(*args, **kwargs)
        compared.append(len(found))
        return found

    keys = [story_key(text, title, settings) for title, text in docs]
    stories: list[int] = []
    with tempfile.TemporaryDirectory() as tmp:
        store = Store.open(f"sqlite:///{tmp}/big.db")
        store.upgrade()
        store.sync_feeds([FeedSpec(url="https://b.example/rss", name="Bench", interval=timedelta(minutes=5))], T0)
        feed_id = store.list_feeds()[0].id
        storyindex.candidates = counting  # type: ignore[assignment]
        try:
            start = time.perf_counter()
            for at in range(0, len(docs), batch):
                part = [RecordItem(Article(feed_id=feed_id, entry_key=f"big-{i}", canonical_url=f"https://b.example/{i}",
                                           url=f"https://b.example/{i}", title=title, text=text, text_source="full",
                                           lang="en", source="Bench", tags=(), published=T0, content_hash=f"big-{i}"),
                                   story=keys[i]) for i, (title, text) in enumerate(docs[at:at + batch], start=at)]
                stories += store.record(part, T0, stories=settings).stories
            ms = (time.perf_counter() - start) * 1000 / len(docs)
        finally:
            storyindex.candidates = real  # type: ignore[assignment]
            store.close()
    return stories, keys, compared, ms


def big_stories() -> None:
    settings = ClusterSettings()
    bands, rows = lsh_params(settings.threshold, settings.num_perm)
    print(f"## Big stories (threshold {settings.threshold}, {bands} bands of {rows} rows; SQLite; "
          "recorded in batches of 20)\n")
    print("| stream | articles | true stories | stories (store / reference) | precision, recall vs truth "
          "(store / reference) | store vs reference: precision, recall | signatures compared per article "
          "(mean / max over the last 10 %) | ms per article |")
    print("|---|---:|---:|---|---|---|---|---:|")
    docs, truth = wire_stream(random.Random(17))
    farm = farm_stream(2000)
    for name, stream, labels in (("corpus stories, edited copies", docs, truth),
                                 ("pipeline bench pages", farm, None)):
        stories, keys, compared, ms = record_stream(stream, settings)
        reference = exhaustive(keys, settings.threshold)
        tail = compared[-max(1, len(compared) // 10):]
        vs_truth = "-"
        true_stories = "-"
        if labels is not None:
            (p1, r1), (p2, r2) = pair_scores(labels, stories), pair_scores(labels, reference)
            vs_truth = f"{p1:.3f}, {r1:.3f} / {p2:.3f}, {r2:.3f}"
            true_stories = str(len(set(labels)))
        p, r = pair_scores(reference, stories)
        print(f"| {name} | {len(stream):,} | {true_stories} | {len(set(stories))} / {len(set(reference))} | {vs_truth} "
              f"| {p:.3f}, {r:.3f} | {sum(tail) / len(tail):.0f} / {max(tail)} | {ms:.2f} |")
    print()


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
    parser.add_argument("--skip-big", action="store_true")
    parser.add_argument("--skip-cost", action="store_true")
    args = parser.parse_args()
    quality()
    if not args.skip_big:
        big_stories()
    if not args.skip_cost:
        cost([int(x) for x in args.sizes.split(",")], args.probe)


if __name__ == "__main__":
    main()
