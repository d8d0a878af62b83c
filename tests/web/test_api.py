"""Every endpoint of the daemon's HTTP surface, through the ASGI app."""

from __future__ import annotations

from tests.web.conftest import client, reload_with


async def test_healthz_and_readyz(polled):
    async with client(polled.api) as http:
        assert (await http.get("/healthz")).json() == {"status": "ok"}
        ready = await http.get("/readyz")
    assert ready.status_code == 200, ready.text
    assert ready.json()["checks"]["database"]["ok"] is True


async def test_readyz_fails_when_the_config_on_disk_is_invalid(polled):
    await reload_with(polled, poll={"intervall": "5m"})
    async with client(polled.api) as http:
        ready = await http.get("/readyz")
    assert ready.status_code == 503
    assert "intervall" in ready.text and "did you mean 'interval'" in ready.text


async def test_hits_are_listed_filtered_and_paginated(polled):
    async with client(polled.api) as http:
        page = (await http.get("/api/hits")).json()
        assert [h["rule"] for h in page["items"]] == ["china-envoy-nk"]
        hit = page["items"][0]
        assert hit["matched_at"].endswith("Z") and hit["outlets"][0] == hit["source"]
        assert "**" in hit["snippet"] and hit["terms"]
        assert (await http.get(f"/api/hits/{hit['id']}")).json()["url"] == hit["url"]
        assert (await http.get("/api/hits", params={"rule": "other"})).json()["items"] == []
        assert (await http.get("/api/hits", params={"feed": "Wire RSS"})).json()["items"]
        assert (await http.get("/api/hits", params={"feed": "Broken feed"})).json()["items"] == []
        assert len((await http.get("/api/hits", params={"since": "1h"})).json()["items"]) == 1
        one = (await http.get("/api/hits", params={"limit": 1})).json()
        assert one["next_offset"] is None
        assert (await http.get("/api/hits", params={"since": "yesterday"})).status_code == 400
        assert (await http.get("/api/hits/999")).status_code == 404


async def test_feeds_show_health(polled):
    async with client(polled.api) as http:
        feeds = {f["name"]: f for f in (await http.get("/api/feeds")).json()["items"]}
    assert feeds["Wire RSS"]["status"] == "ok"
    assert feeds["Broken feed"]["status"] == "failing" and "404" in feeds["Broken feed"]["last_error"]


async def test_stories_rules_and_deliveries(polled):
    async with client(polled.api) as http:
        stories = (await http.get("/api/stories")).json()["items"]
        assert len(stories) == 2  # the envoy story and the weather story
        rules = (await http.get("/api/rules")).json()["items"]
        assert rules[0]["id"] == "china-envoy-nk" and "NEAR/20" in rules[0]["query"]
        deliveries = (await http.get("/api/deliveries")).json()["items"]
        assert [(d["status"], d["attempts"], d["orphaned"]) for d in deliveries] == [("sent", 1, False)]
        assert deliveries[0]["created_at"].endswith("Z")
        assert (await http.get("/api/deliveries", params={"status": "bogus"})).status_code == 422
        assert (await http.post("/api/deliveries/replay-dead", json={})).json() == {"replayed": 0}
        assert (await http.post(f"/api/deliveries/{deliveries[0]['id']}/replay", json={})).status_code == 404


async def test_test_rule_endpoint_explains_matches(polled, server):
    async with client(polled.api) as http:
        text = {"query": "envoy NEAR/5 Pyongyang", "title": "", "text": "China sent an envoy to Pyongyang today."}
        result = (await http.post("/api/test-rule", json=text)).json()
        assert result["matched"] is True
        assert "**envoy**" in result["matches"][0]["snippet"]
        assert {e["found"] for e in result["matches"][0]["evidence"]} >= {"envoy", "Pyongyang"}
        by_url = (await http.post("/api/test-rule", json={"rule": "china-envoy-nk",
                                                          "url": server.url("/news/envoy.html")})).json()
        assert by_url["matched"] is True and by_url["source"] == "url"
        bad = await http.post("/api/test-rule", json={"query": "envoy NEAR/ korea", "text": "x"})
        assert bad.status_code == 400 and "NEAR" in bad.text
        miss = (await http.post("/api/test-rule", json={"query": "envoy", "text": "nothing here"})).json()
        assert miss["matched"] is False


async def test_metrics_after_once(polled):
    async with client(polled.api) as http:
        body = (await http.get("/metrics")).text
    assert 'news_monitor_polls_total{status="ok"} 1.0' in body
    assert 'news_monitor_poll_errors_total{kind="http-404"} 1.0' in body
    assert 'news_monitor_hits{rule="china-envoy-nk"} 1.0' in body
    assert 'news_monitor_articles_total{text_source="full"} 2.0' in body
    assert 'news_monitor_deliveries{channel="console",status="sent"} 1.0' in body
    assert "news_monitor_cycle_seconds_count 1.0" in body
    assert "news_monitor_extraction_seconds_count 2.0" in body


async def test_openapi_describes_the_api(polled):
    async with client(polled.api) as http:
        spec = (await http.get("/openapi.json")).json()
    assert {"/api/hits", "/api/stories", "/api/feeds", "/api/deliveries", "/api/rules", "/api/test-rule",
            "/api/deliveries/{delivery_id}/replay"} <= set(spec["paths"])
    # one envelope for every list, described in the OpenAPI document
    for path in ("/api/hits", "/api/stories", "/api/feeds", "/api/deliveries", "/api/rules"):
        answer = spec["paths"][path]["get"]["responses"]["200"]["content"]["application/json"]["schema"]
        assert answer == {"$ref": "#/components/schemas/Page"}, (path, answer)
    assert set(spec["components"]["schemas"]["Page"]["properties"]) == {"items", "offset", "limit", "next_offset"}
    async with client(polled.api) as http:
        for path in ("/api/hits", "/api/stories", "/api/feeds", "/api/deliveries", "/api/rules"):
            first = (await http.get(path, params={"limit": 1})).json()
            assert set(first) == {"items", "offset", "limit", "next_offset"} and len(first["items"]) == 1, path


async def test_status_page_shows_hits_feeds_and_tester(polled):
    async with client(polled.api) as http:
        page = (await http.get("/")).text
        assert "<mark>" in page and "China sends envoy to North Korea" in page
        assert "Broken feed" in page and "404" in page
        tested = (await http.post("/", data={"query": "envoy", "text": "an envoy arrived", "title": ""})).text
    assert 'id="tester-result"' in tested and "<mark>envoy</mark>" in tested


async def test_token_is_required_for_everything_but_health(polled):
    await reload_with(polled, http={"listen": "127.0.0.1:0", "token": "t0ken-123"})
    async with client(polled.api) as http:
        assert (await http.get("/healthz")).status_code == 200
        ready = await http.get("/readyz")  # answers (probes), but shows no details without the token
        assert ready.status_code == 200 and ready.json()["checks"]["database"] == {"ok": True}
        assert "problems" not in ready.text
        for path in ("/metrics", "/api/hits", "/api/feeds", "/"):
            assert (await http.get(path)).status_code == 401, path
        assert (await http.get("/api/hits", headers={"Authorization": "Bearer wrong"})).status_code == 401
        assert (await http.get("/api/hits", headers={"Authorization": "Bearer t0ken-123"})).status_code == 200
        page = await http.get("/", params={"token": "t0ken-123"})
        assert page.status_code == 200
        # the page's links (API docs, metrics) work through the cookie it set
        assert "httponly" in page.headers["set-cookie"].lower()
        assert (await http.get("/metrics")).status_code == 200
        http.cookies.clear()
        assert (await http.get("/metrics")).status_code == 401


async def test_without_a_token_only_loopback_hosts_and_json_posts_are_served(polled):
    """A page that rebinds its DNS name to 127.0.0.1 sends its own Host; a
    cross-site form cannot send JSON: neither gets through."""
    async with client(polled.api) as http:
        assert (await http.get("/api/hits", headers={"Host": "evil.example:8080"})).status_code == 403
        assert (await http.get("/healthz", headers={"Host": "evil.example"})).status_code == 200
        assert (await http.get("/api/hits", headers={"Host": "localhost:8080"})).status_code == 200
        form = await http.post("/api/deliveries/replay-dead", data={"x": "1"})
        assert form.status_code == 415
        cross = {"Origin": "http://evil.example", "Sec-Fetch-Site": "cross-site"}
        assert (await http.post("/", data={"query": "envoy", "text": "x"}, headers=cross)).status_code == 403
        same = {"Origin": "http://127.0.0.1:8080", "Sec-Fetch-Site": "same-origin"}
        assert (await http.post("/", data={"query": "envoy", "text": "x"}, headers=same)).status_code == 200
        assert (await http.post("/api/deliveries/replay-dead", json={})).status_code == 200
