"""Rule-matching benchmark: articles/second at 100 .. 100,000 rules, build
time and memory, against a naive baseline (every rule checked on its own with
Python `re`) measured in the same run.

    .venv/bin/python bench/match_bench.py [--sizes 100,1000,10000,100000] [--articles 200]

Rules are generated (fixed seed) from a vocabulary of real news words and
names: phrases, OR groups, NEAR/n, ONEAR/n, SENTENCE(), wildcards and NOT.
Articles are the real seed article (seeds/) and variants of it with its
names swapped for others from the vocabulary and its paragraphs shuffled,
so every article is real news prose.  The naive baseline is timed on a
subset of rules and extrapolated per rule (it is linear in the rule count).
"""

from __future__ import annotations

import argparse
import bisect
import gc
import os
import random
import re
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from monitor.rules import compile_rules, parse_query  # noqa: E402
from monitor.rules import syntax as s  # noqa: E402
from monitor.types import Document, RuleSpec  # noqa: E402

SEED = ROOT / "seeds" / "000_80eb8aaf9f9dd6d1.txt"
SEED_TITLE = "China’s Xi dispatches special envoy to North Korea"

PLACES = """China Japan Russia Ukraine Germany France Britain Italy Spain Poland Turkey Iran Iraq
Syria Israel Lebanon Egypt Libya Sudan Ethiopia Kenya Nigeria Ghana Brazil Argentina Mexico Canada
India Pakistan Afghanistan Bangladesh Vietnam Thailand Indonesia Malaysia Philippines Australia
Taiwan Korea Mongolia Kazakhstan Georgia Armenia Belarus Serbia Hungary Greece Sweden Norway
Finland Denmark Chile Peru Colombia Venezuela Cuba Qatar Yemen Jordan Beijing Tokyo Moscow Kyiv
Berlin Paris London Washington Seoul Pyongyang Tehran Ankara Delhi Cairo Brussels Geneva Vienna""".split()
PHRASES = ["North Korea", "South Korea", "United States", "United Nations", "European Union",
           "White House", "Security Council", "Kim Jong Un", "Xi Jinping", "Vladimir Putin",
           "Donald Trump", "Emmanuel Macron", "Olaf Scholz", "Narendra Modi", "Recep Erdogan",
           "Communist Party", "Liaison Department", "nuclear weapons", "ballistic missile",
           "trade deal", "peace talks", "state visit", "foreign minister", "prime minister",
           "central bank", "interest rates", "climate summit", "oil prices", "free trade",
           "human rights", "cyber attack", "supply chain", "election results", "special envoy"]
TOPICS = """envoy diplomat delegation summit talks sanctions tariffs missile nuclear test launch
visit minister president officials election vote protest strike ceasefire treaty agreement
embargo drone troops border refugees inflation exports imports currency budget parliament court
ruling investigation arrest scandal resign coalition opposition military navy army weapons
satellite earthquake flood wildfire hurricane drought pandemic vaccine outbreak hospital
energy pipeline gas oil coal solar reactor uranium enrichment inspectors spy hacker
negotiations relations tension crisis meeting congress leader policy reform economy
growth recession markets stocks bonds bank investment company merger acquisition
football championship tournament olympics athlete coach transfer stadium league playoffs
semiconductor smartphone software startup chipmaker antitrust regulator lawsuit patent
bankruptcy layoffs earnings revenue profit dividend shareholders ipo valuation crypto bitcoin
airline airport aviation crash derailment shipping port container freight logistics
hospital doctors nurses cancer diabetes malaria tuberculosis measles vaccine trial drug
pharmaceutical insurance pension retirement unemployment wages housing mortgage rent
tourism hotel festival museum film actor singer album concert award prize novelist
university students teachers curriculum exam scholarship research scientists telescope
asteroid rocket spacecraft orbit astronaut climate emissions carbon glacier heatwave
biodiversity deforestation wildlife fisheries farmers harvest wheat rice coffee cocoa
fertilizer famine aid donors charity migrants asylum deportation smuggling trafficking
cartel gang homicide shooting police prosecutors verdict sentence appeal judge jury
corruption bribery embezzlement fraud laundering whistleblower journalist censorship
referendum constitution impeachment senate governor mayor campaign ballot turnout polls
monarchy coronation funeral wedding royal pope church mosque temple pilgrimage
railway highway bridge tunnel construction infrastructure electricity blackout grid
battery lithium copper nickel mining steel aluminium automaker electric vehicles recall
robot algorithm chatbot privacy encryption outage ransomware broadband satellite telecom""".split()
PREFIXES = ["nucle", "sanction", "negotiat", "diplomat", "militar", "econom", "elect", "protest",
            "invest", "missil"]


def _term(rng: random.Random) -> str:
    pick = rng.random()
    if pick < 0.12:
        return f'"{rng.choice(PHRASES)}"'
    if pick < 0.4:
        return rng.choice(PLACES)
    if pick < 0.97:
        return rng.choice(TOPICS)
    return rng.choice(PREFIXES) + "*"


def _group(rng: random.Random, n: int) -> str:
    terms = list(dict.fromkeys(_term(rng) for _ in range(n)))
    return terms[0] if len(terms) == 1 else "(" + " OR ".join(terms) + ")"


def make_rules(count: int, seed: int = 7) -> list[RuleSpec]:
    rng = random.Random(seed)
    templates = [
        lambda: f"{_group(rng, 2)} NEAR/{rng.randint(3, 20)} {_group(rng, 3)}",
        lambda: f"{_group(rng, 2)} AND {_group(rng, 2)} AND NOT {_term(rng)}",
        lambda: f"{_group(rng, 2)} NEAR/{rng.randint(5, 25)} {_group(rng, 3)} AND {_term(rng)}",
        lambda: f"SENTENCE({_term(rng)} {_term(rng)})",
        lambda: f'"{rng.choice(PHRASES)}" ONEAR/{rng.randint(3, 10)} {_group(rng, 2)}',
        lambda: f"{_term(rng)} {_term(rng)} {_term(rng)} NOT {_term(rng)}",
    ]
    specs = []
    while len(specs) < count:
        query = rng.choice(templates)()
        try:
            parse_query(query)
        except Exception:  # a random NOT-only or degenerate combination: draw again
            continue
        specs.append(RuleSpec(id=f"r{len(specs)}", name=f"rule {len(specs)}", query=query))
    return specs


def make_articles(count: int, seed: int = 11) -> list[Document]:
    rng = random.Random(seed)
    body = SEED.read_text(encoding="utf-8")
    paragraphs = [p for p in body.split("\n\n") if p.strip()]
    names = ["China", "Chinese", "North Korea", "Pyongyang", "Beijing", "Xi", "Trump", "Song Tao"]
    docs = [Document(title=SEED_TITLE, text=body)]
    while len(docs) < count:
        swap = {n: rng.choice(PLACES + PHRASES) for n in names if rng.random() < 0.6}
        paras = rng.sample(paragraphs, len(paragraphs))
        text, title = "\n\n".join(paras), SEED_TITLE
        for old, new in swap.items():
            text, title = text.replace(old, new), title.replace(old, new)
        docs.append(Document(title=title, text=text))
    return docs


# --- the naive baseline: each rule on its own with Python `re` ---------------

class Naive:
    """Evaluates one parsed rule with `re` searches over the raw text."""

    def __init__(self, query: str) -> None:
        self.tree = parse_query(query)
        self.regexes: dict[int, re.Pattern[str]] = {}

    def _regex(self, term: s.Term) -> re.Pattern[str]:
        key = id(term)
        if key not in self.regexes:
            words = re.findall(r"\w+", term.text)
            body = r"\W+".join(map(re.escape, words)) + (r"\w*" if term.wildcard else "")
            self.regexes[key] = re.compile(r"\b" + body + r"\b", 0 if term.exact else re.I)
        return self.regexes[key]

    def occ(self, node: s.Node, text: str, starts: list[int]) -> list[tuple[int, int]]:
        if isinstance(node, s.Term):
            return [(bisect.bisect_right(starts, m.start()) - 1,
                     bisect.bisect_right(starts, m.end() - 1) - 1)
                    for m in self._regex(node).finditer(text)]
        if isinstance(node, s.Or):
            return [o for c in node.children for o in self.occ(c, text, starts)]
        if isinstance(node, s.And):
            out: list[tuple[int, int]] = []
            for c in node.children:
                if isinstance(c, s.Not):
                    if self.occ(c.child, text, starts):
                        return []
                    continue
                found = self.occ(c, text, starts)
                if not found:
                    return []
                out += found
            return out
        if isinstance(node, s.Near):
            left, right = self.occ(node.left, text, starts), self.occ(node.right, text, starts)
            return [(min(a, c), max(b, d)) for a, b in left for c, d in right
                    if 1 <= (c - b if node.ordered else max(c - b, a - d)) <= node.distance]
        if isinstance(node, s.Scope):
            out = []
            for sentence in re.split(r"(?<=[.!?])\s+|\n\n", text):
                sub = [m.start() for m in re.finditer(r"\w+", sentence)]
                out += self.occ(node.child, sentence, sub)
            return out
        raise TypeError(node)

    def matches(self, doc: Document) -> bool:
        for text in (doc.title, doc.text):
            starts = [m.start() for m in re.finditer(r"\w+", text)]
            if self.occ(self.tree, text, starts):
                return True
        return False


def rss_mb() -> float:
    with open("/proc/self/statm") as fh:
        return int(fh.read().split()[1]) * os.sysconf("SC_PAGE_SIZE") / 1e6


def bench_size(size: int, articles: list[Document], naive_rules: int) -> dict[str, float]:
    specs = make_rules(size)
    gc.collect()
    rss0 = rss_mb()
    t0 = time.perf_counter()
    ruleset = compile_rules(specs, {})
    build = time.perf_counter() - t0
    gc.collect()
    memory = rss_mb() - rss0
    t0 = time.perf_counter()
    hits = sum(len(ruleset.match(doc)) for doc in articles)
    elapsed = time.perf_counter() - t0
    naive = [Naive(spec.query) for spec in specs[:naive_rules]]
    sample = articles[:20]
    t0 = time.perf_counter()
    for doc in sample:
        for rule in naive:
            rule.matches(doc)
    per_rule = (time.perf_counter() - t0) / (len(sample) * len(naive))
    return {"rules": size, "build_s": build, "memory_mb": memory,
            "aps": len(articles) / elapsed, "ms": elapsed / len(articles) * 1000,
            "hits": hits / len(articles), "naive_aps": 1 / (per_rule * size),
            "always": len(ruleset.always_candidates)}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", default="100,1000,10000,100000")
    parser.add_argument("--articles", type=int, default=200)
    parser.add_argument("--naive-rules", type=int, default=300,
                        help="rules the naive baseline is timed on (extrapolated per rule)")
    args = parser.parse_args()
    articles = make_articles(args.articles)
    words = sum(len(re.findall(r"\w+", d.text)) for d in articles) / len(articles)
    print(f"{len(articles)} articles, {words:.0f} words each on average; Python "
          f"{sys.version.split()[0]}, one core")
    print(f"{'rules':>8} {'build s':>8} {'mem MB':>7} {'art/s':>8} {'ms/art':>7} "
          f"{'hits/art':>8} {'naive art/s':>12} {'speed-up':>9}")
    for size in (int(x) for x in args.sizes.split(",")):
        r = bench_size(size, articles, min(args.naive_rules, size))
        print(f"{r['rules']:>8,} {r['build_s']:>8.2f} {r['memory_mb']:>7.0f} {r['aps']:>8.0f} "
              f"{r['ms']:>7.2f} {r['hits']:>8.1f} {r['naive_aps']:>12.2f} "
              f"{r['aps'] / r['naive_aps']:>8.0f}x", flush=True)


if __name__ == "__main__":
    main()
