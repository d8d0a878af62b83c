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


def test_search_folds_accents_and_finds_cjk_and_hangul_on_both_engines(cli, server, receiver):
    """The index folds accents as the matcher does (Łódź, Straße, café) and
    lets Chinese and Japanese words inside unspaced runs through to the
    matcher, on SQLite and on PostgreSQL."""
    from tests.e2e.servers import recent_rfc822, rss

    def item(guid: str, title: str, text: str):  # type: ignore[no-untyped-def]
        return {"title": title, "guid": guid, "description": text, "pubDate": recent_rfc822()}

    server.serve("/wire.xml", rss("Wire", [
        item("fr", "Le président à l'Élysée", "Le président reçoit à l'Élysée, puis au café."),
        item("pl", "Łódź hosts the summit", "Delegates met in Łódź near the Straße of the old town."),
        item("zh", "中国派特使访问朝鲜", "中国政府今天宣布派遣特使前往平壤。"),
        item("ja", "北朝鮮に特使を派遣", "政府は本日、北朝鮮に特使を派遣すると発表した。"),
        item("ko", "북한은 특사를 보냈다", "북한은 오늘 특사를 보냈다.")]))
    server.serve("/desk.xml", rss("Desk", []))
    configure(cli, server, receiver)
    cli("once")

    assert titles(cli, "elysee") == ["Le président à l'Élysée"]
    assert titles(cli, "Élysée") == ["Le président à l'Élysée"]
    assert titles(cli, "cafe") == ["Le président à l'Élysée"]
    assert titles(cli, "Lodz") == ["Łódź hosts the summit"]
    assert titles(cli, '"met in lodz"') == ["Łódź hosts the summit"]
    assert titles(cli, "strasse") == ["Łódź hosts the summit"]
    assert titles(cli, "북한") == ["북한은 특사를 보냈다"]
    assert sorted(titles(cli, "特使")) == sorted(["北朝鮮に特使を派遣", "中国派特使访问朝鲜"])
    assert titles(cli, "平壤") == ["中国派特使访问朝鲜"]
    assert titles(cli, "北朝鮮 AND 派遣") == ["北朝鮮に特使を派遣"]
    assert titles(cli, "特使 AND summit") == []
