"""Every Match (fully explained) and some why-not reports on fixed workloads,
as one JSON file: run it on two versions of the code and compare the files to
check that a speed-up changed nothing anyone can see.

    .venv/bin/python bench/match_dump.py OUT.json [--rules 20000] [--random 3000]
    cmp old.json new.json   # or: bench/match_dump.py --compare old.json new.json

Workloads: the bench's desk rules (bench/match_workload.py) over its 133
articles; random rules using every feature of the language (words, phrases,
prefix* and ?, =Exact, -term, /regex/, title: url: source: lang: tag:,
NEAR/ONEAR and chains, SENTENCE/PARAGRAPH/LEAD with NOT, ATLEAST, @aliases)
over the same articles given metadata, plus Chinese, Korean, Arabic and
hostile documents; the rules of tests/rules/test_rules_cost.py over ~100 KB
of prose and of a hostile page.  It uses only the public API, so it runs on
older versions of the code too (PYTHONPATH=that checkout).
"""

from __future__ import annotations

import argparse
import json
import random
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from match_workload import SEED, aliases, articles, make_rules  # noqa: E402

from monitor.errors import RuleError  # noqa: E402
from monitor.rules import compile_rules  # noqa: E402
from monitor.types import Document, RuleSpec  # noqa: E402

WORDS = ["china", "envoy", "korea", "north", "pyongyang", "kim", "xi", "japan", "missile",
         "nuclear", "talks", "said", "the", "beijing", "sanctions", "visit", "special",
         "minister", "foreign", "state", "media", "meeting", "trade", "war", "leader"]
PHRASES = ['"north korea"', '"special envoy"', '"xi jinping"', '"kim jong-un"', '"foreign minister"',
           '"nucle* test"', '"state media"']
OTHER = ["nucle*", "sanction*", "organi?ation", "envoy?", "=China", "=KCNA", "=Xi*", "/hwasong-?\\d+/",
         "/envoy|diplomat/", "/\\bk\\w+a\\b/", "@china", "@north_korea", "北朝鮮", "中国", "북한", "북한*",
         "محمد", "lodz"]
META = ["url:yna", "url:example", "source:Yonhap", 'source:"Seed"', "lang:en", "lang:ko", "tag:wire",
        "tag:kor*"]
ALIASES = {"china": ["China", "Chinese", "Beijing", "PRC", "Xi Jinping", "中国"],
           "north_korea": ["North Korea", "DPRK", "Pyongyang", "Kim Jong-un", "북한", "北朝鮮"]}


class RandomRules:
    def __init__(self, seed: int) -> None:
        self.rng = random.Random(seed)

    def term(self) -> str:
        r = self.rng.random()
        if r < 0.5:
            return self.rng.choice(WORDS)
        if r < 0.7:
            return self.rng.choice(PHRASES)
        return self.rng.choice(OTHER)

    def near_operand(self, depth: int) -> str:
        if self.rng.random() < 0.25:
            return "(" + " OR ".join(self.term() for _ in range(self.rng.randint(2, 3))) + ")"
        return self.term()

    def near(self, depth: int) -> str:
        op = self.rng.choice(["NEAR", "NEAR", "ONEAR"])
        parts = [self.near_operand(depth) for _ in range(self.rng.choice([2, 2, 2, 3]))]
        out = parts[0]
        for p in parts[1:]:
            out += f" {op}/{self.rng.randint(1, 12)} {p}"
        return out

    def positive(self, depth: int) -> str:
        r = self.rng.random()
        if depth > 2 or r < 0.35:
            return self.term()
        if r < 0.5:
            return self.near(depth)
        if r < 0.6:
            return "(" + " OR ".join(self.positive(depth + 1) for _ in range(2)) + ")"
        if r < 0.72:
            kind = self.rng.choice(["SENTENCE", "PARAGRAPH", "LEAD", f"LEAD/{self.rng.randint(3, 80)}"])
            inner = self.conj(depth + 1)
            return f"{kind}({inner})"
        if r < 0.8:
            return f"ATLEAST/{self.rng.randint(1, 4)}({self.term()})"
        if r < 0.88:
            field = self.rng.choice(["title", "TITLE", "text"])
            return f"{field}:{self.term() if self.rng.random() < 0.7 else '(' + self.near(depth) + ')'}"
        if r < 0.94:
            return self.rng.choice(META)
        return self.term()

    def conj(self, depth: int) -> str:
        parts = [self.positive(depth) for _ in range(self.rng.randint(1, 3))]
        joined = self.rng.choice([" AND ", " "]).join(parts)
        if self.rng.random() < 0.3:
            neg = self.term()
            joined += self.rng.choice([f" AND NOT {neg}", f" NOT {neg}", f" -{neg}"])
        return joined

    def query(self) -> str:
        if self.rng.random() < 0.2:
            return f"({self.conj(0)}) OR ({self.conj(0)})"
        return self.conj(0)


def random_rules(count: int, seed: int = 11) -> list[RuleSpec]:
    maker, specs, tries = RandomRules(seed), [], 0
    while len(specs) < count and tries < count * 20:
        tries += 1
        spec = RuleSpec(id=f"x{len(specs)}", name=f"random {len(specs)}", query=maker.query())
        try:
            compile_rules([spec], ALIASES)
        except RuleError:
            continue
        specs.append(spec)
    return specs


def extra_docs() -> list[Document]:
    seed = SEED.read_text(encoding="utf-8")
    hostile = "china envoy japan pyongyang " * 400
    return [
        Document(title="中国特使访问北朝鮮", text="中国外交部表示，特使将于周五抵达平壤。北朝鮮委員長会見。",
                 url="https://www.example.cn/a", source="Xinhua", lang="zh"),
        Document(title="북한, 중국 특사 접견", text="북한이 중국 특사를 맞았다. 북한의 김정은 위원장은 "
                 "북한에서는 처음으로 특사와 회담했다.\n\n북한산 등산로.", url="https://en.yna.co.kr/view/1",
                 source="Yonhap", lang="ko", tags=("wire", "korea")),
        Document(title="مُحَمَّد في بكين", text="قال محـــمد إن الصين أرسلت مبعوثا. هل يزور كوريا؟",
                 url="https://example.com/ar", source="Arabic", lang="ar"),
        Document(title="Łódź hosts nu\u00adclear talks", text="The organisation and the organization "
                 "met in Lodz. Amb. Wang said no. The envoy left. Hwasong-18 launched.",
                 url="https://example.com/pl", source="Seed", lang="en", tags=("wire",)),
        Document(title="china envoy japan", text=hostile, url="https://example.com/h", source="Spam"),
        Document(title="Xi Jinping", text=seed[:4000], url="https://www.example.com/seed2",
                 source="Seed", lang="en", tags=("kor-desk",)),
    ]


def with_metadata(docs: list[Document]) -> list[Document]:
    langs, tags = ["en", "ko", None, "en"], [(), ("wire",), ("korea", "wire"), ("kor-desk",)]
    return [Document(title=d.title, text=d.text, url=d.url, source=d.source,
                     lang=langs[i % 4] or d.lang, tags=tags[i % 4]) for i, d in enumerate(docs)]


def dump_matches(ruleset, docs: list[Document]) -> list[list[object]]:  # type: ignore[no-untyped-def]
    out: list[list[object]] = []
    for n, doc in enumerate(docs):
        for m in ruleset.match(doc):
            out.append([n, m.rule_id, m.rule_name, list(m.terms),
                        [[e.term, e.found, e.field, e.start, e.end, e.word] for e in m.evidence],
                        m.snippet.text, [list(x) for x in m.snippet.marks], m.snippet.marked()])
    return out


def dump_why(ruleset, specs: list[RuleSpec], docs: list[Document], every: int) -> list[object]:  # type: ignore[no-untyped-def]
    out: list[object] = []
    for spec in specs[::every]:
        for n, doc in enumerate(docs[::9]):
            out.append([spec.id, n, ruleset.why_not(doc, spec.id).to_dict()])
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").split("\n\n")[0])
    parser.add_argument("out", nargs="?")
    parser.add_argument("--rules", type=int, default=20_000)
    parser.add_argument("--random", type=int, default=3_000)
    parser.add_argument("--compare", nargs=2, metavar=("OLD", "NEW"))
    args = parser.parse_args()
    if args.compare:
        old, new = (json.loads(Path(p).read_text()) for p in args.compare)
        for key in old:
            if old[key] == new.get(key):
                print(f"{key}: identical ({len(old[key]):,} entries)")
                continue
            first = next((i for i, (a, b) in enumerate(zip(old[key], new[key])) if a != b),
                         min(len(old[key]), len(new[key])))
            print(f"{key}: DIFFERENT ({len(old[key])} vs {len(new.get(key, []))}); first at {first}:\n"
                  f"  old {old[key][first] if first < len(old[key]) else None}\n"
                  f"  new {new[key][first] if first < len(new[key]) else None}")
        return
    docs = articles()
    result: dict[str, object] = {}
    desk = compile_rules(make_rules(args.rules), aliases())
    result["desk"] = dump_matches(desk, docs)
    specs = random_rules(args.random)
    rand = compile_rules(specs, ALIASES)
    mixed = with_metadata(docs) + extra_docs()
    result["random"] = dump_matches(rand, mixed)
    result["why_not"] = dump_why(rand, specs, mixed, 15)
    prose = SEED.read_text(encoding="utf-8") + "\n\n"
    big = [Document(title="t", text=prose * (100_000 // len(prose) + 1)),
           Document(title="t", text="china envoy japan pyongyang " * 4000)]
    cost = [RuleSpec(id=f"c{i}", name=q, query=q) for i, q in enumerate([
        "china NEAR/1000 envoy", "china NEAR/5 envoy NEAR/3 pyongyang",
        "china ONEAR/50 envoy ONEAR/50 japan", "SENTENCE(china AND NOT japan)",
        "PARAGRAPH(SENTENCE(china envoy) AND NOT korea)", "/e/ NEAR/3 envoy",
        "ATLEAST/5(china) LEAD(envoy)", "the NEAR/10 said", "china NEAR/5 envoy NEAR/3 japan"])]
    result["big"] = dump_matches(compile_rules(cost, {}), big)
    Path(args.out).write_text(json.dumps(result, ensure_ascii=False))
    print(", ".join(f"{k}: {len(v):,}" for k, v in result.items()))  # type: ignore[arg-type]


if __name__ == "__main__":
    main()
