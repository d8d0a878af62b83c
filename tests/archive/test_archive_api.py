"""The archive through the JSON API (what the web desk builds on)."""

from __future__ import annotations

from tests.archive.conftest import api_client


async def test_post_backtest_is_the_cli_result(archive):
    async with api_client(archive.api) as http:
        stored = (await http.post("/api/backtest", json={"rule": "envoy"})).json()
        draft = (await http.post("/api/backtest", json={"rule": "envoy", "query": "envoy AND China",
                                                        "since": "7d", "sample": 1})).json()
        bad = await http.post("/api/backtest", json={"query": "envoy NEAR/ x"})
        unknown = await http.post("/api/backtest", json={"rule": "nope"})
        hits = (await http.get("/api/hits", params={"rule": "envoy"})).json()["items"]
        schema = (await http.get("/openapi.json")).json()
    assert stored["total"] == len(hits) == 2 and stored["diff"] is None
    assert draft["total"] == 1 and len(draft["sample"]) == 1
    assert draft["diff"]["lost_total"] == 1 and draft["diff"]["gained"] == []
    assert bad.status_code == 400 and "NEAR/" in str(bad.json()["detail"])
    assert unknown.status_code == 400
    assert "/api/backtest" in schema["paths"]


async def test_backtest_needs_the_token(archive):
    async with api_client(archive.api, token=None) as http:
        assert (await http.post("/api/backtest", json={"rule": "envoy"})).status_code == 401


async def test_get_search(archive):
    async with api_client(archive.api) as http:
        found = (await http.get("/api/search", params={"q": '"special envoy to Pyongyang"'})).json()
        near = (await http.get("/api/search", params={"q": "derby NEAR/3 Trafford", "since": "7d"})).json()
        bad = await http.get("/api/search", params={"q": "envoy AND"})
    assert [r["title"] for r in found["items"]] == ["China sends envoy to Pyongyang"]
    assert found["items"][0]["id"] is None and found["indexed"] is True
    assert [r["title"] for r in near["items"]] == ["United win the derby"]
    assert bad.status_code == 400


async def test_backtest_reports_what_triage_said_of_its_matches(archive):
    """'Would my edited rule do better': the hit marked not relevant is in
    the stored rule's precision, and the draft that drops it says so."""
    async with api_client(archive.api) as http:
        hits = (await http.get("/api/hits", params={"rule": "envoy"})).json()["items"]
        noise = next(h for h in hits if h["title"] == "Envoy lands in North Korea")
        assert (await http.post(f"/api/hits/{noise['id']}/triage", json={"relevant": False})).status_code == 200
        stored = (await http.post("/api/backtest", json={"rule": "envoy"})).json()
        draft = (await http.post("/api/backtest", json={"rule": "envoy", "query": "envoy AND China"})).json()
        query_only = (await http.post("/api/backtest", json={"query": "envoy AND China"})).json()
        page = (await http.post("/rules/envoy/backtest", data={"query": "envoy AND China", "since": "30d"},
                                headers={"Origin": str(http.base_url).rstrip("/")})).text
    assert stored["triage"] == {"hits": 2, "not_relevant": 1, "precision": 0.5}
    assert draft["triage"] == {"hits": 1, "not_relevant": 0, "precision": 1.0}
    assert draft["diff"]["current_triage"] == stored["triage"]
    assert draft["diff"]["lost_triage"] == {"hits": 1, "not_relevant": 1, "precision": 0.0}
    assert query_only["triage"] is None  # no rule, no triage to compare with
    assert ("precision 100%); the rule as it runs: 2 with a hit, 1 marked not relevant (precision 50%); "
            "the draft drops 1 of those marked not relevant and 0 of the others") in page
