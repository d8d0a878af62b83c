"""The index query is a superset of what the matcher matches: whatever the
query, every article it matches contains every word prefix the index asks for."""

from __future__ import annotations

import pytest

from monitor.archive.prefilter import All, Any_, Prefix, fts5, index_query, tsquery, words
from monitor.rules import parse_query

ALIASES = {"nk": ["North Korea", "DPRK", "Kim Jong-un"]}


@pytest.mark.parametrize("query, expected", [
    ('"North Korea"', All((Prefix("north"), Prefix("korea")))),
    ("nucle*", Prefix("nucle")),
    ("organi?ation", Prefix("organi")),
    ("title:envoy", Prefix("envoy")),
    ("url:envoy", None),
    ("lang:ko AND envoy", Prefix("envoy")),
    ("envoy OR /regex/", None),
    ("envoy AND NOT Japan", Prefix("envoy")),
    ("SENTENCE(envoy NEAR/5 Élysée)", All((Prefix("envoy"), Prefix("elysee")))),
    ("ATLEAST/3(envoy)", Prefix("envoy")),
    ("@nk", Any_((All((Prefix("north"), Prefix("korea"))), Prefix("dprk"),
                  All((Prefix("kim"), Prefix("jong"), Prefix("un")))))),
    ("=US AND -x", Prefix("us")),
])
def test_index_queries(query, expected):
    assert index_query(parse_query(query), ALIASES) == expected


def test_renderings_quote_every_word():
    q = index_query(parse_query('envoy AND (Pyongyang OR "Kim Jong-un")'), {})
    assert fts5(q) == '("envoy"* AND ("pyongyang"* OR ("kim"* AND "jong"* AND "un"*)))'
    assert tsquery(q) == "('envoy':* & ('pyongyang':* | ('kim':* & 'jong':* & 'un':*)))"


def test_words_fold_case_accents_and_stop_at_a_wildcard():
    assert words("Łódź Café") == ["lodz", "cafe"]
    assert words("*x") == []
