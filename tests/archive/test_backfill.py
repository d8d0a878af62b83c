"""backfill: the hits a new rule would have had on stored articles; sent only with --alert, once per story."""

from __future__ import annotations

from tests.archive.farm import RULES, build, configure

ENVOYS = {"id": "envoys", "name": "Any envoy", "query": "envoy", "notify": ["hook"]}


def test_backfill_records_without_alert_and_delivers_once_per_story_with_it(cli, server, receiver):
    build(server)
    configure(cli, server, receiver, rules=[RULES[0]])
    cli("once")
    assert len(receiver.posts()) == 2  # the two envoy stories, live
    configure(cli, server, receiver, rules=[*RULES, ENVOYS])  # two rules added after the articles were stored

    quiet = cli.json("backfill", "derby", "--since", "7d", "--json")
    assert quiet["recorded"] == 1 and quiet["deliveries"] == 0
    assert [h["title"] for h in quiet["hits"]] == ["United win the derby"]
    cli("once")
    assert len(receiver.posts()) == 2  # recorded, not sent

    loud = cli.json("backfill", "envoys", "--since", "7d", "--alert", "--json")
    assert loud["matched"] == 2 and loud["recorded"] == 2 and loud["deliveries"] == 2  # 3 articles, 2 stories
    cli("once")
    posts = [p.json() for p in receiver.posts()[2:]]
    assert sorted(p["rule"]["id"] for p in posts) == ["envoys", "envoys"]

    again = cli("backfill", "envoys", "--since", "7d", "--alert").stdout
    assert "0 new hits recorded (2 had one already)" in again
    cli("once")
    assert len(receiver.posts()) == 4
    hits = cli.json("hits", "--json", "--rule", "envoys")
    assert len(hits) == 2 and len({h["story_id"] for h in hits}) == 2


def test_backfill_of_an_unknown_rule_is_one_line(cli, server, receiver):
    build(server)
    configure(cli, server, receiver)
    bad = cli("backfill", "nope", check=False)
    assert bad.returncode == 2 and "no rule 'nope'" in bad.stderr
