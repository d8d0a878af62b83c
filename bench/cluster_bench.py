"""Story clustering benchmark (issue 6).

1. Quality: pairwise precision and recall of StoryClusterer on the test corpus
   (tests/stories/story_corpus.py) at several thresholds, for full texts and
   for feed-only summaries, plus the similarity margins behind the default.
2. Cost: CPU time per article (process time, so other load on the machine
   does not inflate it) (find + add, the pipeline's two calls) with 1,000
   and 100,000 articles already indexed; it must stay flat.  Also the time
   to rebuild the index at start and the process's memory.

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

from monitor.stories import ClusterSettings, StoryClusterer, normalise_words, signature, similarity  # noqa: E402
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
        text = " ".join(rng.choices(vocab, k=rng.randint(250, 450)))
        yield (i + 1, f"filler-{i}", text, "", T0 + timedelta(seconds=i))


def rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def cost(sizes: list[int], probes: int) -> None:
    rng = random.Random(6)
    vocab = sorted({w for s in story_corpus.samples() for w in normalise_words(s.text)})
    probe = [s for s in story_corpus.samples() if s.variant != "original"]
    originals = [s for s in story_corpus.samples() if s.variant == "original"]
    print(f"## Cost per article ({probes} articles, find + add; vocabulary {len(vocab)} words, "
          f"synthetic 250-450-word filler)\n")
    print("| indexed articles | rebuild (s) | per article rebuilt (ms) | find + add per article (ms) | "
          "find only (ms) | max RSS (MB) |")
    print("|---|---|---|---|---|---|")
    for n in sizes:
        clusterer = StoryClusterer()
        rows = list(filler(n, vocab, rng))
        rows += [(n + 1 + i, f"orig-{i}", s.text, s.title, T0) for i, s in enumerate(originals)]
        start = time.process_time()
        clusterer.rebuild(rows)
        rebuild = time.process_time() - start
        del rows
        texts = [(probe[i % len(probe)], i) for i in range(probes)]
        start = time.process_time()
        for s, i in texts:
            clusterer.find(s.text, s.title)
        find_ms = (time.process_time() - start) * 1000 / probes
        start = time.process_time()
        for s, i in texts:
            story = clusterer.find(s.text, s.title)
            clusterer.add(story or -i, f"probe-{i}", s.text, s.title, T0 + timedelta(days=1))
        both_ms = (time.process_time() - start) * 1000 / probes
        print(f"| {n:,} | {rebuild:.1f} | {rebuild * 1000 / (n + len(originals)):.2f} | {both_ms:.2f} | "
              f"{find_ms:.2f} | {rss_mb():.0f} |")
        del clusterer


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
