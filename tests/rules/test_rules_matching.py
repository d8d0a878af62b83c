"""Every operator of the language, through RuleSet.match."""

from __future__ import annotations

import pytest

from rules_helpers import find


@pytest.mark.parametrize("query, title, text, expected", [
    # terms, phrases, whole words, case/accents
    ("envoy", "Special ENVOY named", "", True),
    ("envoy", "Envoys named", "", False),
    ('"special envoy"', "", "a Special   envoy arrived", True),
    ('"special envoy"', "", "special new envoy", False),
    ("elysee", "", "À l’Élysée ce matin", True),
    # boolean
    ("china AND envoy", "China", "an envoy", True),
    ("china envoy", "China", "no one", False),  # adjacency is AND
    ("china OR japan", "", "Japan today", True),
    ("envoy AND NOT japan", "", "Japan's envoy", False),
    ("envoy NOT japan", "", "China's envoy", True),
    ("(china OR japan) AND (envoy OR diplomat)", "", "Japan's diplomat", True),
    # hyphens, apostrophes, possessives
    ('"Kim Jong Un"', "", "Kim Jong-un spoke", True),
    ('"Kim Jong-un"', "", "Kim Jong Un spoke", True),
    ("China", "", "China’s envoy", True),
    ("China", "", "China's envoy", True),
    # wildcard
    ("nucle*", "", "a nuclear test", True),
    ("nucle*", "", "unclear", False),
    ('"ballistic missil*"', "", "ballistic missiles flew", True),
    # case-sensitive
    ("=US", "", "the US said", True),
    ("=US", "", "tell us more", False),
    ("US", "", "tell us more", True),
    # regex (RE2)
    (r"/\bICBMs?\b/", "", "two ICBMs were tested", True),
    (r"/hwasong-?\d+/", "", "a Hwasong-18 launch", True),
    (r"/hwasong-?\d+/", "", "a Hwasong launch", False),
    # CJK substring
    ("北朝鮮", "", "北朝鮮委員長が", True),
    ("北朝鮮", "", "韓国", False),
])
def test_terms_and_boolean(query, title, text, expected):
    assert (find(query, title, text) is not None) is expected


@pytest.mark.parametrize("query, text, expected", [
    ("china NEAR/3 envoy", "China sends special envoy", True),
    ("china NEAR/2 envoy", "China sends special envoy", False),
    ("china NEAR/4 envoy", "envoy from far away China", True),  # either order
    ("china NEAR/3 envoy", "envoy from far away China", False),
    ("china ONEAR/5 envoy", "envoy from far away China", False),
    ("china ONEAR/5 envoy", "China sends an envoy", True),
    ("(china OR beijing) NEAR/3 (envoy OR diplomat)", "Beijing sends a diplomat", True),
    ('"north korea" NEAR/2 envoy', "envoy to North Korea", True),
    ("a1 NEAR/2 b1 NEAR/2 c1", "a1 b1 c1", True),
    ("a1 NEAR/2 b1 NEAR/2 c1", "a1 b1 x x x c1", False),
    # NEAR AND term: the AND-ed term may be anywhere
    ("(china NEAR/3 envoy) AND pyongyang", "China sends envoy. " + "x " * 200 + "Pyongyang", True),
])
def test_proximity(query, text, expected):
    assert (find(query, "", text) is not None) is expected


def test_proximity_never_spans_from_title_into_text():
    assert find("china NEAR/3 envoy", "News from China", "envoy arrives") is None
    assert find("china AND envoy", "News from China", "envoy arrives") is not None


@pytest.mark.parametrize("query, text, expected", [
    ("SENTENCE(china envoy)", "China spoke. The envoy left.", False),
    ("SENTENCE(china envoy)", "China named an envoy. Then left.", True),
    ("SENTENCE(china AND NOT japan)", "China and Japan. China alone.", True),
    ("SENTENCE(china AND NOT japan)", "China and Japan met.", False),
    ("PARAGRAPH(china envoy)", "China spoke. The envoy left.\n\nOther news.", True),
    ("PARAGRAPH(china envoy)", "China spoke.\n\nThe envoy left.", False),
    ("SENTENCE(china NEAR/5 envoy) AND kim", "China's envoy. Kim.", True),
])
def test_sentence_and_paragraph(query, text, expected):
    assert (find(query, "", text) is not None) is expected


def test_field_scopes():
    doc = dict(url="https://en.yna.co.kr/view/AEN2026", source="Yonhap North Korea",
               lang="ko", tags=("korea", "wire"))
    assert find("title:envoy", "Envoy named", "", **doc)
    assert not find("title:envoy", "News", "the envoy", **doc)
    assert find("text:envoy", "News", "the envoy", **doc)
    assert find('envoy source:"Yonhap"', "", "envoy", **doc)
    assert not find('envoy source:"Reuters"', "", "envoy", **doc)
    assert find("envoy lang:ko", "", "envoy", **doc)
    assert not find("envoy lang:en", "", "envoy", **doc)
    assert find("envoy tag:wire", "", "envoy", **doc)
    assert not find("envoy tag:world", "", "envoy", **doc)
    assert find("envoy url:yna.co.kr", "", "envoy", **doc)
    assert not find("envoy url:bbc.co.uk", "", "envoy", **doc)
    assert find("title:(envoy OR diplomat)", "A diplomat", "", **doc)


def test_aliases_expand_to_their_terms():
    assert find("@north_korea", "", "talks with the DPRK")
    assert find("@north_korea", "", "Kim Jong Un spoke")
    match = find("@china NEAR/5 envoy", "", "Xi Jinping sends envoy")
    assert match and match.evidence[0].term == "@china" and match.evidence[0].found == "Xi Jinping"
