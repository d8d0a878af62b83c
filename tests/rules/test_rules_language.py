"""Issue 12, class 1: a query means what a professional reads it to mean, or
is refused with the column and the fix."""

from __future__ import annotations

import pytest

from monitor.rules import QueryError, parse_query
from rules_helpers import find


@pytest.mark.parametrize("query, text, expected", [
    # -term excludes (Meltwater, Talkwalker, Brandwatch)
    ("china -japan", "China and Japan", False),
    ("china -japan", "China alone", True),
    ('china -"south korea"', "China and South Korea", False),
    ('china -"south korea"', "China and Korea, south of here", True),
    ("china -(japan OR korea)", "China and Korea", False),
    ("china -(japan OR korea)", "China alone", True),
    ("Kim Jong-un", "Kim Jong Un spoke", True),  # a hyphen inside a word is not an exclusion
    # ? is one letter or digit
    ("organi?ation", "the organisation said", True),
    ("organi?ation", "the organization said", True),
    ("organi?ation", "the organiation said", False),
    ("organi?ation", "the organi ation said", False),
    ("wom?n", "women and men", True),
    # a wildcard on any word of a phrase
    ('"nucle* test"', "a nuclear test", True),
    ('"nucle* test"', "a nuclear weapons test", False),
    ('"ballistic missil*"', "ballistic missiles flew", True),
    ('"north korea* missil*"', "North Korean missiles", True),
    # wildcards in =Case terms
    ("=Hwas*", "a Hwasong-18 launch", True),
    ("=Hwas*", "a hwasong-18 launch", False),
    ("=Hwa?ong", "a Hwasong-18 launch", True),
    ("=Hwa?ong", "a hwasong-18 launch", False),
    # field names in any case
    ("TITLE:envoy", "", False),
    ("Text:envoy", "the envoy", True),
    # words that merely begin with an operator name
    ("NEARBY", "the NEARBY town", True),
    ("ANDROID phones", "Android phones", True),
    ("SENTENCES", "two sentences", True),
    ("LEADER", "the leader spoke", True),
    ("ATLEASTONE", "atleastone", True),
    # NOTs grouped with AND
    ("envoy AND (NOT japan AND NOT korea)", "the envoy in China", True),
    ("envoy AND (NOT japan AND NOT korea)", "the envoy in Korea", False),
    ("envoy (-japan -korea)", "the envoy in Japan", False),
])
def test_query_forms(query, text, expected):
    assert (find(query, "", text) is not None) is expected


def test_field_names_are_case_insensitive_in_the_title_too():
    assert find("TITLE:envoy", "Envoy named", "")
    assert not find("TITLE:envoy", "News", "envoy")


def test_a_pasted_full_url_matches_that_address():
    url = "https://en.yna.co.kr/view/AEN20261201000300315?section=nk"
    assert find("envoy url:https://en.yna.co.kr/view/AEN20261201000300315", "", "envoy", url=url)
    assert find("envoy url:http://en.yna.co.kr/view/AEN20261201000300315", "", "envoy", url=url)
    assert not find("envoy url:https://en.yna.co.kr/view/OTHER", "", "envoy", url=url)


def test_tag_wildcards_match_whole_tags():
    assert find("envoy tag:kor*", "", "envoy", tags=("wire", "korea"))
    assert not find("envoy tag:kor*", "", "envoy", tags=("wire", "north-korea"))
    assert find("envoy tag:kor?a", "", "envoy", tags=("korea",))


@pytest.mark.parametrize("query, message", [
    ("envoy AND NOT NOT japan", "double negation: NOT NOT cancels out: remove both, or keep one to exclude (column 15)"),
    ("envoy --japan", "double negation: '-' '-' cancels out: remove both, or keep one to exclude (column 8)"),
    ("envoy NOT -japan", "double negation: NOT '-' cancels out: remove both, or keep one to exclude (column 11)"),
    ("envoy NOT (NOT japan)", "double negation: NOT of a NOT cancels out: remove both, or write what should be there (NOT (NOT a AND NOT b) is a OR b) (column 7)"),
    ("envoy - japan", "'-' must be followed by what to exclude, e.g. -japan, -\"south korea\" or -(japan OR korea) (column 7)"),
    ("nu*", "a wildcard needs at least 3 letters before *, e.g. nucle*: 'nu*' would match too much (column 1)"),
    ('"Kim J*"', "a wildcard needs at least 3 letters before *, e.g. nucle*: 'J*' would match too much (column 1)"),
    ("m?n", "a ? wildcard needs at least 3 other letters in its word, e.g. organi?ation: 'm?n' would match too much (column 1)"),
    ('"nuclear *"', "a wildcard must touch a word, e.g. nucle* or organi?ation: fix '\"nuclear *\"' (column 1)"),
    ("https://yna.co.kr/x", "an address needs url: in front of it, e.g. url:yna.co.kr/x (column 1)"),
    ("url:", "expected a term, phrase or '(' after url:, found the end of the query (column 5)"),
    ("url:*", "url: needs an address or words of one, e.g. url:yna.co.kr (found '*') (column 5)"),
    ("Headline:china", "unknown field 'Headline:': use one of title:, text:, url:, source:, lang:, tag: (column 1)"),
    ("envoy title:(NOT japan)", "title:(NOT ...) is refused: write the NOT outside, e.g. envoy AND NOT title:japan (column 7)"),
    ("china OR (NOT japan AND NOT korea)", "NOT cannot be an OR alternative: combine it with AND, e.g. (a OR b) AND NOT c (column 11)"),
    ("ATLEAST/0(china)", "ATLEAST/0: the count must be between 1 and 1000, e.g. ATLEAST/3(china) (column 1)"),
    ("ATLEAST(china)", "ATLEAST needs a count and parentheses, e.g. ATLEAST/3(china) (column 1)"),
    ("ATLEAST/2(china NEAR/5 envoy)", "ATLEAST/2(...) counts terms, phrases, @aliases, regexes or an OR group of them, e.g. ATLEAST/3(china OR beijing) (column 1)"),
    ("ATLEAST/2(china) NEAR/5 envoy", "ATLEAST/2(...) cannot be an operand of NEAR/5: put it beside the NEAR with AND (column 1)"),
    ("LEAD/x(china)", "LEAD/ needs a number, e.g. LEAD/30(china envoy) (column 1)"),
    ("LEAD(china) NEAR/5 envoy", "LEAD/50(...) cannot be an operand of NEAR/5: put the NEAR inside it (column 1)"),
    ("NEAR/5x", "NEAR/ needs a number, e.g. NEAR/10 (column 1)"),
])
def test_refused_with_the_fix(query, message):
    with pytest.raises(QueryError) as err:
        parse_query(query)
    assert str(err.value) == message


@pytest.mark.parametrize("query", [
    "(" * 60 + "envoy" + ")" * 60,
    " NEAR/2 ".join(["envoy"] * 500),
    "NOT " * 1000 + "envoy",
    "title:" * 300 + "envoy",
    "SENTENCE(" * 100 + "envoy" + ")" * 100,
])
def test_deep_queries_are_refused_not_crashed(query):
    with pytest.raises(QueryError) as err:
        parse_query(query)
    assert "nests more than 50 levels deep" in str(err.value) or "double negation" in str(err.value)


def test_wide_queries_are_fine():
    parse_query(" OR ".join(f"w{i}" for i in range(5000)))
    parse_query(" AND ".join(f"w{i}" for i in range(5000)))
    parse_query("(" * 40 + "envoy" + ")" * 40)
