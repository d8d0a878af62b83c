"""Korean: particle matching vs substring matching of a Hangul query word,
measured on tests/rules/data/korean_news.txt (see its header for how it was
made).  A query noun should find the word itself and the word followed by
particles (북한이, 북한의); it should not find other nouns that contain it
(북한산, a mountain; 핵심, "core").

    .venv/bin/python bench/hangul_measure.py

For each query noun, over every word of the corpus: hits, false hits (the
word is not a marked mention) and misses (a marked mention not found), for
  particles: what the matcher does (monitor.rules.hangul.with_particles),
  substring: the query anywhere inside a Hangul word.
"""

from __future__ import annotations

import re
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from monitor.rules.hangul import with_particles  # noqa: E402

CORPUS = ROOT / "tests" / "rules" / "data" / "korean_news.txt"
QUERIES = ["북한", "미사일", "미국", "일본", "정부", "중국", "특사", "대사", "핵", "제재", "한국",
           "대통령", "회담"]


def words() -> list[tuple[str, set[str]]]:
    """(word, the query nouns it is marked as mentioning), for every word."""
    out = []
    for line in CORPUS.read_text(encoding="utf-8").splitlines():
        if line.startswith("#") or not line.strip():
            continue
        for raw in re.findall(r"[\w\[\]]+", line):
            marked = set(re.findall(r"\[(\w+)\]", raw))
            out.append((raw.replace("[", "").replace("]", ""), marked))
    return out


def measure() -> dict[str, dict[str, int]]:
    rules = {"particles": with_particles, "substring": lambda word, noun: noun in word}
    totals = {name: {"hits": 0, "false": 0, "missed": 0} for name in rules}
    corpus = words()
    for noun in QUERIES:
        for name, rule in rules.items():
            for word, marked in corpus:
                found = rule(word, noun)
                totals[name]["hits"] += found
                totals[name]["false"] += found and noun not in marked
                totals[name]["missed"] += not found and noun in marked
    return totals


def main() -> None:
    corpus = words()
    mentions = sum(len(m) for _, m in corpus)
    print(f"{CORPUS.name}: {len(corpus)} words, {mentions} marked mentions of "
          f"{len(QUERIES)} query nouns")
    print(f"{'matching':>10} {'hits':>5} {'false hits':>10} {'misses':>6}")
    for name, t in measure().items():
        print(f"{name:>10} {t['hits']:>5} {t['false']:>10} {t['missed']:>6}")


if __name__ == "__main__":
    main()
