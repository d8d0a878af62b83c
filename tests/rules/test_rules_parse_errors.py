"""Every syntax error names the column, what was expected, and the fix."""

from __future__ import annotations

import pytest

from monitor.errors import RuleError
from monitor.rules import QueryError, parse_query


@pytest.mark.parametrize("query, message", [
    ("", "empty query: write at least one term, e.g. envoy (column 1)"),
    ("china NEAR/ envoy", "NEAR/ needs a number, e.g. NEAR/10 (column 7)"),
    ("china NEAR envoy", "NEAR/ needs a number, e.g. NEAR/10 (column 7)"),
    ("china ONEAR/x envoy", "ONEAR/ needs a number, e.g. ONEAR/10 (column 7)"),
    ("china NEAR/0 envoy", "NEAR/0: the distance must be between 1 and 1000 words, e.g. NEAR/10 (column 7)"),
    ("china ()", "empty group '()': put a term inside or remove it (column 7)"),
    ("SENTENCE()", "empty SENTENCE(): put a term inside or remove it (column 9)"),
    ("SENTENCE china", "SENTENCE needs parentheses right after it, e.g. SENTENCE(China envoy) (column 1)"),
    ("(china OR japan", "missing ')' to close the '(' at column 1: add ')' (column 16)"),
    ("china)", "unexpected ')' with no matching '(': remove it or add '(' before (column 6)"),
    ("AND china", "AND needs a term before it, e.g. a AND b (column 1)"),
    ("china AND", "expected a term, phrase or '(' after AND, found the end of the query (column 10)"),
    ("china OR OR japan", "expected a term, phrase or '(' after OR, found OR (column 10)"),
    ("china NEAR/5", "expected a term, phrase or '(' after NEAR/5, found the end of the query (column 13)"),
    ('"north korea', 'missing closing quote for the phrase starting here: add " after the last word of the phrase (column 1)'),
    ('china ""', 'empty phrase "": put words inside the quotes or remove them (column 7)'),
    ("/nuclear", r"missing closing / for the regex starting here: end it with / (write \/ for a slash inside) (column 1)"),
    ("china //", "empty regex //: write a pattern between the slashes, e.g. /nuclear|atomic/ (column 7)"),
    ("nu*", "a wildcard needs at least 3 letters before *, e.g. nucle*: 'nu*' would match too much (column 1)"),
    ("nu*clear", "'*' is only allowed at the end of a word, e.g. nucle* (? stands for one letter, e.g. organi?ation): fix 'nu*clear' (column 3)"),
    ("china =", "= must be followed by a term or phrase, e.g. =US (column 7)"),
    ("china @", "@ must be followed by an alias name, e.g. @china (column 7)"),
    ("headline:china", "unknown field 'headline:': use one of title:, text:, url:, source:, lang:, tag: (column 1)"),
    ("NOT china", "a rule needs at least one positive term: NOT only excludes, e.g. envoy AND NOT Japan (column 1)"),
    ("china OR NOT japan", "NOT cannot be an OR alternative: combine it with AND, e.g. (a OR b) AND NOT c (column 10)"),
    ("china NEAR/5 NOT japan", "NOT cannot be used inside NEAR/5: put it outside, e.g. (a NEAR/5 b) AND NOT c (column 14)"),
    ("(china envoy) NEAR/5 kim", 'AND cannot be an operand of NEAR/5: use a "quoted phrase", an OR group, or SENTENCE(...) (column 2)'),
    ("SENTENCE(china) NEAR/5 kim", "SENTENCE(...) cannot be an operand of NEAR/5: put the NEAR inside it (column 1)"),
    ("china NEAR/5 lang:en", "lang: cannot be used inside NEAR/5: proximity is measured in the title or text only (column 14)"),
    ("(NOT japan) (NOT china)", "a rule needs at least one positive term: NOT only excludes, e.g. envoy AND NOT Japan (column 1)"),
    ("SENTENCE(NOT japan) china", "a rule needs at least one positive term: NOT only excludes, e.g. envoy AND NOT Japan (column 10)"),
])
def test_syntax_error_messages(query, message):
    with pytest.raises(QueryError) as err:
        parse_query(query)
    assert str(err.value) == message
    assert isinstance(err.value, RuleError)
    assert err.value.problems == [message]


def test_valid_queries_parse():
    for query in ["@china NEAR/20 (envoy OR diplomat OR delegation) AND @north_korea",
                  'title:envoy source:"Yonhap" lang:ko tag:wire url:yna.co.kr',
                  "SENTENCE(a ONEAR/3 b) PARAGRAPH(c) =US /x\\/y/ nucle* NOT d",
                  "“curly quoted phrase” AND and"]:
        parse_query(query)
