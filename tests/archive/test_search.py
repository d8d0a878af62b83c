"""search: the database's full-text index proposes, the matcher verifies."""

from __future__ import annotations

from tests.archive.farm import build, configure


def titles(cli, *args):  # type: ignore[no-untyped-def]
    return [r["title"] for r in cli.json("search", *args, "--json")["items"]]


def test_search_finds_by_phrase_and_near(cli, server, receiver):
    build(server)
    configure(cli, server, receiver)
    cli("once")

    assert titles(cli, '"special envoy to Pyongyang"') == ["China sends envoy to Pyongyang"]
    assert titles(cli, '"Pyongyang envoy"') == []  # both words in the index, not as a phrase: verified away
    assert titles(cli, "derby NEAR/3 Trafford") == ["United win the derby"]
    assert titles(cli, "United NEAR/1 Trafford") == []
    assert titles(cli, "envoy") == ["China sends envoy to Pyongyang", "Envoy lands in North Korea"]  # newest first
    assert titles(cli, "envoy AND NOT China") == ["Envoy lands in North Korea"]
    assert titles(cli, "PYONGYANG", "--limit", "1") == ["China sends envoy to Pyongyang"]
    assert titles(cli, "derb*", "--since", "1d") == []
    assert titles(cli, "/Traff?ord/") == ["United win the derby"]  # nothing to index: every article verified

    result = cli.json("search", "envoy", "--limit", "1", "--json")
    assert result["indexed"] is True and result["next_offset"] == 1 and result["items"][0]["snippet"]
    assert cli.json("search", "/envoy/", "--json")["indexed"] is False

    text = cli("search", '"special envoy"').stdout
    assert "China sends envoy to Pyongyang" in text and "**special envoy**" in text.lower()
    bad = cli("search", "envoy AND", check=False)
    assert bad.returncode == 2 and "Traceback" not in bad.stderr


def test_search_folds_accents_and_finds_hangul_particles(sqlite_cli, server, receiver):
    from tests.e2e.servers import recent_rfc822, rss

    server.serve("/wire.xml", rss("Wire", [
        {"title": "Le président à l'Élysée", "guid": "fr", "description": "Le président reçoit à l'Élysée.",
         "pubDate": recent_rfc822()},
        {"title": "북한은 특사를 보냈다", "guid": "ko", "description": "북한은 오늘 특사를 보냈다.", "pubDate": recent_rfc822()}]))
    server.serve("/desk.xml", rss("Desk", []))
    configure(sqlite_cli, server, receiver)
    sqlite_cli("once")

    assert titles(sqlite_cli, "elysee") == ["Le président à l'Élysée"]
    assert titles(sqlite_cli, "북한") == ["북한은 특사를 보냈다"]
