"""Issue 12, classes 2 and 3: text the matcher must see across scripts, and
sentences that end where the world's writing ends them."""

from __future__ import annotations

import pytest

from monitor.rules import normalize_word, tokenize
from monitor.types import Document
from rules_helpers import find, ruleset


@pytest.mark.parametrize("query, text", [
    ("nuclear", "a nu\u00adclear test"),  # soft hyphen
    ("nuclear", "a nu\u200bclear test"),  # zero-width space
    ("nuclear", "a nu\u200dclear test"),  # zero-width joiner
    ("nuclear", "a nu\u2060clear test"),  # word joiner
    ("nuclear", "a nu\u200eclear test"),  # left-to-right mark
    ("nuclear", "a \u2067nuclear\u2069 test"),  # bidi isolate
    ("China", "Chinaʼs envoy"),  # U+02BC as an apostrophe
    ("株式会社", "トヨタ㍿"),  # NFKC before splitting
    ("ガス", "ｶﾞｽ料金"),  # halfwidth kana with a voiced mark
    ("US", "ＵＳ envoy"),
    ("Lodz", "in Łódź today"),
    ("Oslo", "ØSLO"),
    ("Dakovica", "Đakovica"),
    ("Aero", "Ærø"),
    ("محمد", "قال مُحَمَّد"),  # Arabic harakat
    ("محمد", "قال محـــمد"),  # tatweel
    ("احمد", "قال أحمد"),  # hamza on alef
    ("北朝鮮", "北朝鮮委員長"),
    ("북한", "북한이 미사일을 발사했다"),
    ("북한", "북한의 대사"),
    ("북한", "북한은"),
    ("북한", "북한에서는"),
    ("북한*", "북한산"),
    ("elysee", "l’Élysée"),
])
def test_text_is_seen(query, text):
    assert find(query, "", text), (query, text)


@pytest.mark.parametrize("query, text", [
    ("북한", "북한산에 올랐다"),  # Bukhansan, a mountain
    ("북한", "남북한 관계"),  # another noun
    ("핵", "핵심 과제"),  # "core", not "nuclear"
    ("apple", "pineapple"),
])
def test_what_is_not_there_is_not_seen(query, text):
    assert not find(query, "", text)


def test_evidence_of_normalised_text_points_at_the_original():
    text = "Tokyo: トヨタ㍿ and the nu\u00adclear deal"
    m = find("株式会社 AND nuclear", "", text)
    assert m is not None
    assert {text[e.start:e.end] for e in m.evidence} == {"㍿", "nu\u00adclear"}


def test_soft_hyphens_survive_real_html_extraction():
    from monitor.extract.page import extract_html

    paragraph = ("Officials said the nu&shy;clear talks with the envoy would resume next week "
                 "after a pause of several months, according to people familiar with them. ")
    html = (f"<html><head><title>Talks</title></head><body><article><h1>Talks resume</h1>"
            f"<p>{paragraph * 3}</p><p>{paragraph * 2}</p></article></body></html>")
    extracted = extract_html(html, "https://example.com/a")
    assert extracted is not None and "\u00ad" in extracted.text
    assert ruleset("nuclear NEAR/3 talks").match(Document(title="", text=extracted.text))


def test_normalize_word_folds():
    assert [normalize_word(w) for w in ["Łódź", "Ærø", "İstanbul", "مُحَمَّد", "ΑΘΗΝΑ"]] == [
        "lodz", "aero", "istanbul", "محمد", "αθηνα"]


@pytest.mark.parametrize("text, sentences", [
    ("China said no. The envoy left.", ["china said no", "the envoy left"]),
    ("The target is 5. The envoy left.", ["the target is 5", "the envoy left"]),
    ("Amb. Wang met Sen. Kim. He left.", ["amb wang met sen kim", "he left"]),
    ("Gen. Park and Gov. Lee spoke. Then Lt. Col. Choi.", ["gen park and gov lee spoke", "then lt col choi"]),
    ("Mr. Song went to the U.S. on Friday. He met Kim.", ["mr song went to the u s on friday", "he met kim"]),
    ("Sanctions on the U.S. The envoy left.", ["sanctions on the u s", "the envoy left"]),
    ("J. Smith wrote. No. 5 was sold.", ["j smith wrote", "no 5 was sold"]),
    ("It rose in Jan. The envoy left. Then on Jan. 5 he came.", ["it rose in jan", "the envoy left", "then on jan 5 he came"]),
    ("Samsung Electronics Co. Ltd. said so. The envoy left.", ["samsung electronics co ltd said so", "the envoy left"]),
    ("Apple Inc. said it would. Others did not.", ["apple inc said it would", "others did not"]),
    ("Is it war? No! The envoy left.", ["is it war", "no", "the envoy left"]),
    ('He said "no." The envoy left.', ["he said no", "the envoy left"]),
    ("He waited... The envoy left.", ["he waited", "the envoy left"]),
    ("中国表示。特使来了", ["中 国 表 示", "特 使 来 了"]),
    ("中国表示.特使来了", ["中 国 表 示", "特 使 来 了"]),
    ("中国表示．特使来了", ["中 国 表 示", "特 使 来 了"]),
    ("中国表示！特使来了？是的", ["中 国 表 示", "特 使 来 了", "是 的"]),
    ("भारत ने कहा। दूत आए", ["भारत ने कहा", "दूत आए"]),
    ("هل وصل؟ نعم وصل", ["هل وصل", "نعم وصل"]),
    ("북한이 발사했다. 정부는 규탄했다.", ["북한이 발사했다", "정부는 규탄했다"]),
    ("The rate is 5.5 per cent. It fell.", ["the rate is 5 5 per cent", "it fell"]),
    ("See yna.co.kr for more. The envoy left.", ["see yna co kr for more", "the envoy left"]),
])
def test_sentences(text, sentences):
    toks = tokenize(text)
    assert [" ".join(toks.norms[a:b + 1]) for a, b in toks.sentences] == sentences


def test_sentence_scopes_use_those_sentences():
    assert not find("SENTENCE(china envoy)", "", "China said no. The envoy left.")
    assert find("SENTENCE(wang envoy)", "", "Amb. Wang is the envoy.")
    assert not find("SENTENCE(中国 特使)", "", "中国表示.特使来了")


def test_korean_particle_matching_finds_mentions_without_false_hits():
    import sys
    from pathlib import Path

    sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "bench"))
    import hangul_measure

    rules = ruleset(*hangul_measure.QUERIES)
    false_hits = missed = hits = 0
    for word, marked in hangul_measure.words():
        found = {hangul_measure.QUERIES[int(m.rule_id[1:])] for m in
                 rules.match(Document(title="", text=word))}
        hits += len(found)
        false_hits += len(found - marked)
        missed += len(marked - found)
    assert (hits, false_hits, missed) == (52, 0, 5)  # substring matching: 70, 13, 0
