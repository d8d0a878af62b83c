"""backtest: a stored rule or a draft over the stored articles, counted as hits are (per story)."""

from __future__ import annotations

from tests.archive.farm import RULES, build, configure


def test_backtest_counts_equal_the_hits_a_fresh_once_records(cli, server, receiver):
    build(server)
    configure(cli, server, receiver)
    cli("once")
    hits = cli.json("hits", "--json")

    for rule in ("envoy", "derby"):
        result = cli.json("backtest", "--rule", rule, "--json")
        recorded = [h for h in hits if h["rule"] == rule]
        assert result["total"] == len(recorded) == (2 if rule == "envoy" else 1), (rule, result)
        assert sum(d["count"] for d in result["per_day"]) == result["total"]
        assert {s["story_id"] for s in result["sample"]} == {h["story_id"] for h in recorded}
        assert all(s["id"] is None and s["snippet"] and s["terms"] for s in result["sample"])
        assert result["scanned"] == 4 and result["diff"] is None


def test_a_new_rule_sees_what_was_stored_before_it(cli, server, receiver):
    """'derby AND United' written after the derby article was stored: the backtest finds it."""
    build(server)
    configure(cli, server, receiver, rules=[RULES[0]])
    cli("once")

    result = cli.json("backtest", "--query", "derby AND United", "--json")
    assert result["total"] == 1 and result["sample"][0]["title"] == "United win the derby"
    assert "**derby**" in result["sample"][0]["snippet"].lower()
    assert result["rule"] is None

    text = cli("backtest", "--query", "derby AND United", "--since", "7d").stdout
    assert "1 stories matched among 4 articles" in text and "█" in text and "United win the derby" in text


def test_draft_against_the_current_rule_shows_gained_and_lost(cli, server, receiver):
    build(server)
    configure(cli, server, receiver)
    cli("once")

    result = cli.json("backtest", "--rule", "envoy", "--query", "envoy AND Pyongyang AND China OR derby", "--json")
    diff = result["diff"]
    assert diff["current_total"] == 2 and result["total"] == 2
    assert [f["title"] for f in diff["gained"]] == ["United win the derby"]
    assert [f["title"] for f in diff["lost"]] == ["Envoy lands in North Korea"]
    assert diff["current_query"] == RULES[0]["query"]


def test_since_limits_the_days_and_bad_input_is_one_line(cli, server, receiver):
    build(server)
    configure(cli, server, receiver)
    cli("once")

    assert cli.json("backtest", "--rule", "envoy", "--since", "1d", "--json")["total"] == 1
    bad = cli("backtest", "--query", "envoy NEAR/ Pyongyang", check=False)
    assert bad.returncode == 2 and "NEAR/" in bad.stderr and "Traceback" not in bad.stderr
    unknown = cli("backtest", "--rule", "nope", check=False)
    assert unknown.returncode == 2 and "no rule 'nope'" in unknown.stderr
