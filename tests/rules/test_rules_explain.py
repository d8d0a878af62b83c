"""The explanation: terms, evidence with offsets, and a ~200-char snippet."""

from __future__ import annotations

import pickle

import pytest

import monitor.rules.explain as explain
from monitor.types import Document, Match
from rules_helpers import ENVOY_QUERY, find, ruleset


def test_evidence_points_at_the_words_in_the_document():
    doc = Document(title="Envoy named", text="Beijing’s special envoy flew to Pyongyang.")
    [m] = ruleset(ENVOY_QUERY).match(doc)
    for ev in m.evidence:
        source = doc.title if ev.field == "title" else doc.text
        assert source[ev.start:ev.end] == ev.found
    assert {(ev.term, ev.found) for ev in m.evidence if ev.field == "text"} == {
        ("@china", "Beijing"), ("envoy", "envoy"), ("@north_korea", "Pyongyang")}
    assert m.terms == ("Beijing", "envoy", "Pyongyang")


def test_terms_are_distinct_in_order_of_first_appearance():
    m = find("envoy OR china", "", "China envoy china ENVOY")
    assert m is not None and m.terms == ("China", "envoy")


def test_snippet_prefers_the_window_with_most_matched_terms_and_marks_them():
    text = ("China is mentioned here once. " + "Filler words go on and on. " * 20
            + "Then a Chinese envoy went to North Korea. " + "More filler text here. " * 20)
    m = find(ENVOY_QUERY, "Roundup", text)
    assert m is not None
    snip = m.snippet
    assert len(snip.text) <= 210
    assert snip.text.startswith("…") and snip.text.endswith("…")
    assert "**Chinese** **envoy** went to **North Korea**" in snip.marked()


def test_snippet_collapses_paragraph_breaks_and_keeps_marks_aligned():
    m = find("envoy NEAR/3 korea", "", "The envoy\n\n\nto Korea")
    assert m is not None
    assert m.snippet.text == "The envoy to Korea"
    assert m.snippet.marked() == "The **envoy** to **Korea**"


def test_metadata_evidence_is_reported_with_its_field():
    m = find("envoy tag:wire", "", "envoy", tags=("korea", "wire"))
    assert m is not None
    assert [(e.field, e.found, e.word) for e in m.evidence] == [("text", "envoy", 0), ("tag", "wire", 1)]


def test_matching_explains_nothing_until_a_match_is_read(monkeypatch):
    built = []
    real = explain.evidence
    monkeypatch.setattr(explain, "evidence", lambda *a: built.append(1) or real(*a))
    rules = ruleset("envoy", "china NEAR/5 envoy", "korea")
    found = rules.match(Document(title="China sends envoy to North Korea", text=""))
    assert [m.rule_id for m in found] == ["r0", "r1", "r2"] and built == []
    assert found[1].terms == ("China", "envoy") and len(built) == 1
    assert found[1].snippet.marked() == "**China** sends **envoy** to North Korea"
    assert len(built) == 1  # explained once, then kept
    assert found[0].explained() is found[0] and len(built) == 2


def test_a_lazy_match_equals_pickles_and_stays_like_an_explained_one():
    m = find("china NEAR/5 envoy", title="China sends envoy")
    eager = Match(m.rule_id, m.rule_name, m.terms, m.evidence, m.snippet)
    assert m == eager and hash(m) == hash(eager) and repr(m) == repr(eager)
    assert pickle.loads(pickle.dumps(find("envoy", title="China sends envoy"))) == \
        find("envoy", title="China sends envoy")
    with pytest.raises(AttributeError):
        m.rule_id = "other"  # type: ignore[misc]


def test_matches_of_one_document_with_the_same_evidence_share_one_snippet(monkeypatch):
    built = []
    real = explain.snippet
    monkeypatch.setattr(explain, "snippet", lambda *a: built.append(1) or real(*a))
    found = ruleset("envoy AND china", "china AND envoy", "envoy").match(
        Document(title="China sends envoy", text=""))
    assert found[0].snippet == found[1].snippet and found[0].terms == found[1].terms == ("China", "envoy")
    assert found[2].terms == ("envoy",)
    assert len(built) == 2
