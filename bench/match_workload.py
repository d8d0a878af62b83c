"""The workload of bench/match_bench.py: desk-style watch rules generated
from a broad news vocabulary (bench/match_vocab.py), and the article stream.

Rules are written the way monitoring desks write them: an entity (an
`@alias` group, or a few of its names inline) combined with a topic group
(words, phrases, prefix*), by AND, NEAR/n, SENTENCE(), a title: scope, with
NOT exclusions.  Entities and topics are drawn uniformly from ~2,000 real
words, so most rules are about other subjects than any given article, as on
a desk serving many clients.

Articles: the real seed article (seeds/) and the 12 wire stories of
tests/stories (headline + body), as the outlets of story_corpus carry them
(new headline, boilerplate, cut paragraph, light rewrite, update) and as
feed summaries (headline + lead).
"""

from __future__ import annotations

import random
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(Path(__file__).resolve().parent))

import match_vocab as vocab  # noqa: E402

from monitor.rules import parse_query  # noqa: E402
from monitor.types import Document, RuleSpec  # noqa: E402
from tests.stories import story_corpus  # noqa: E402

SEED = ROOT / "seeds" / "000_80eb8aaf9f9dd6d1.txt"
SEED_TITLE = "China’s Xi dispatches special envoy to North Korea"


def articles() -> list[Document]:
    docs = [Document(title=SEED_TITLE, text=SEED.read_text(encoding="utf-8"),
                     url="https://www.example.com/seed", source="Seed")]
    for sample in story_corpus.samples() + story_corpus.summaries():
        docs.append(Document(title=sample.title, text=sample.text, url=sample.url,
                             source=sample.outlet))
    return docs


def aliases() -> dict[str, list[str]]:
    return {f"e{i}": group for i, group in enumerate(vocab.entity_groups())}


def _quote(term: str) -> str:
    return f'"{term}"' if len(term.split()) > 1 or not term.replace("-", "").isalnum() else term


class RuleMaker:
    def __init__(self, seed: int) -> None:
        self.rng = random.Random(seed)
        self.entities = vocab.entity_groups()
        self.topics = list(dict.fromkeys(vocab.TOPICS))

    def entity(self) -> str:
        """`@eN` (60 %) or one to three of the group's names inline."""
        i = self.rng.randrange(len(self.entities))
        group = self.entities[i]
        if self.rng.random() < 0.6 or len(group) == 1:
            return f"@e{i}"
        names = self.rng.sample(group, self.rng.randint(1, min(3, len(group))))
        names = [_quote(n) for n in names]
        return names[0] if len(names) == 1 else "(" + " OR ".join(names) + ")"

    def topic_term(self) -> str:
        pick = self.rng.random()
        if pick < 0.2:
            return f'"{self.rng.choice(vocab.TOPIC_PHRASES)}"'
        if pick < 0.27:
            return self.rng.choice(vocab.PREFIXES) + "*"
        return self.rng.choice(self.topics)

    def topic(self) -> str:
        terms = list(dict.fromkeys(self.topic_term() for _ in range(self.rng.randint(1, 4))))
        return terms[0] if len(terms) == 1 else "(" + " OR ".join(terms) + ")"

    def exclusion(self) -> str:
        words = self.rng.sample(vocab.EXCLUSIONS, self.rng.randint(1, 3))
        return words[0] if len(words) == 1 else "(" + " OR ".join(words) + ")"

    def query(self) -> str:
        r, e, t = self.rng.random(), self.entity, self.topic
        if r < 0.30:
            return f"{e()} AND {t()}"
        if r < 0.50:
            return f"{e()} NEAR/{self.rng.randint(5, 20)} {t()}"
        if r < 0.65:
            return f"{e()} AND {t()} AND NOT {self.exclusion()}"
        if r < 0.75:
            return f"({e()} OR {e()}) AND {t()} NOT {self.exclusion()}"
        if r < 0.83:
            return f"SENTENCE({e()} {t()})"
        if r < 0.90:
            return f'"{self.rng.choice(vocab.TOPIC_PHRASES)}" AND {e()}'
        if r < 0.95:
            return f"{e()} NEAR/{self.rng.randint(5, 15)} {e()} AND {t()}"
        return f"title:{e()} AND {t()}"


def make_rules(count: int, seed: int = 7) -> list[RuleSpec]:
    maker = RuleMaker(seed)
    specs = []
    while len(specs) < count:
        query = maker.query()
        try:
            parse_query(query)
        except Exception:  # a degenerate draw (e.g. an entity NEAR itself): draw again
            continue
        specs.append(RuleSpec(id=f"r{len(specs)}", name=f"rule {len(specs)}", query=query))
    return specs
